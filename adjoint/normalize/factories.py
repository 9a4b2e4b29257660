"""Closures made by a factory the differentiated function calls, written into the function.

Before::

    def make_layer(W):
        def layer(x):
            return np.tanh(W @ x)
        return layer

    def loss(W, x):
        f = make_layer(W)
        return np.sum(f(x) ** 2)

After (`_W` and `_layer` are names the caller did not use)::

    def loss(W, x):
        _W = W
        def _layer(x):
            return np.tanh(_W @ x)
        return np.sum(_layer(x) ** 2)

A name the function assigns once to a local function it defined (`f = layer`) is that function;
and a name the function assigns once, to what a call of a user function (the factory) returns, is
written so where the factory's body is statements without a scope of their own followed by one
local `def` it returns (or `return lambda ...`): its parameters become the caller's names of the
call's arguments, its locals names of the caller's own, and its free names are bound to the
objects they name in the factory (normalize/derived_inline.py); the returned function is then a
local function of the caller, which normalize/local_functions.py lifts as any other, and the name
is that function. Python runs the two alike: the closure reads the factory's variables when it is
called, and nothing rebinds them once the factory has returned. Every statement written in
stands at the call, so that a refusal met in it names the caller's line. Any other call stays a
call (one that returns a function held in a variable is refused where that variable is called).
"""
from __future__ import annotations

import inspect
from collections import Counter
from typing import Callable, List, Optional, Set, Tuple

import gast

from adjoint import nodes
from adjoint.errors import AdjointError, is_library_file
from adjoint.frontend.held import let_go
from adjoint.frontend.dependencies import code_dependency
from adjoint.frontend.parse import ParsedFunction, parse_function, read_function
from adjoint.frontend.resolve import resolve
from adjoint.frontend.values import dependencies_of
from adjoint.normalize.derived_inline import renaming
from adjoint.normalize.records import is_docstring

_NOT_INSIDE = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef, gast.Yield, gast.YieldFrom,
               gast.Await, gast.Global, gast.Nonlocal)  # in the closure (or, with a return, before it)
_NOT_BEFORE = _NOT_INSIDE + (gast.Return,)


def inline_factories(parsed: ParsedFunction, namer) -> None:
    """Write in the factory of each `f = make(...)` the function's own statements hold (see the module)."""
    stores = Counter(node.id for node in nodes.walk(parsed.node)
                     if isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Load))
    stores.update(node.name for node in nodes.walk(parsed.node)  # a def binds its name too
                  if isinstance(node, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)))
    locals_ = None  # the function's local names, found again after each statement written in
    for block in _own_blocks(parsed.node):
        index = 0
        while index < len(block):
            stmt = block[index]
            if _aliases_a_local_function(stmt, block[:index], stores):  # `f = layer`, layer a local def
                let_go(parsed.node)
                del block[index]
                _call_by(parsed.node, stmt.targets[0].id, stmt.value.id)
                locals_ = None
                continue
            if locals_ is None and _assigns_a_call(stmt, stores):
                locals_ = nodes.local_names(parsed.node)
            factory = _factory(stmt, parsed, stores, locals_)
            written = _written(factory, stmt, parsed, namer) if factory is not None else None
            if written is None:
                index += 1
                continue
            let_go(parsed.node)
            body, made = written
            block[index:index + 1] = body
            index += len(body)
            _call_by(parsed.node, stmt.targets[0].id, made)
            locals_ = None


def _own_blocks(node: gast.AST) -> List[List[gast.stmt]]:
    """The statement lists of the function's own scope (not of a local def or class)."""
    found = []
    for field in nodes.statement_fields(node.__class__):
        value = getattr(node, field, None)
        if isinstance(value, list) and value and isinstance(value[0], gast.stmt):
            found.append(value)
        for child in value if isinstance(value, list) else ():
            if not isinstance(child, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)):
                found.extend(_own_blocks(child))
    return found


def _aliases_a_local_function(stmt: gast.stmt, earlier: List[gast.stmt], stores: Counter) -> bool:
    """`f = layer` (f assigned nowhere else) after `def layer` in the same block, layer bound nowhere else."""
    return (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
            and stores[stmt.targets[0].id] == 1 and isinstance(stmt.value, gast.Name) and stores[stmt.value.id] == 1
            and any(isinstance(s, gast.FunctionDef) and s.name == stmt.value.id for s in earlier))


def _assigns_a_call(stmt: gast.stmt, stores: Counter) -> bool:
    """`f = make(a, b)`, f assigned nowhere else."""
    return (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
            and stores[stmt.targets[0].id] == 1 and isinstance(stmt.value, gast.Call))


def _factory(stmt: gast.stmt, parsed: ParsedFunction, stores: Counter, locals_: frozenset) -> Optional[Callable]:
    """The user function `stmt` (`f = make(a, b)`, f assigned nowhere else) calls, else None
    (`locals_`: the function's local names)."""
    if not _assigns_a_call(stmt, stores):
        return None
    call = stmt.value
    if call.keywords or any(isinstance(argument, gast.Starred) for argument in call.args):
        return None
    func = resolve(call.func, parsed, locals_)
    if not inspect.isfunction(func) or is_library_file(func.__code__.co_filename) or any(
            hasattr(func, marker) for marker in ("__wrapped__", "__adjoint_generated__", "__adjoint_specialized__")):
        return None
    return func


def _written(factory: Callable, stmt: gast.Assign, parsed: ParsedFunction,
             namer) -> Optional[Tuple[List[gast.stmt], str]]:
    """The statements standing for `stmt`, and the name of the local function it makes; None
    where the factory is not of the form the module says."""
    try:
        if _made_by(read_function(factory).node, stmt) is None:  # most callees are no factories
            return None
        code = parse_function(factory)  # a tree of its own, which the statements below take
    except AdjointError:
        return None
    params = nodes.parameters(code.node)
    before, inner, inner_name = _made_by(code.node, stmt)
    inner_locals = _scope_locals(inner)
    stored = set(params) | {n.id for s in before for n in nodes.walk(s) if isinstance(n, gast.Name)
                            and not isinstance(n.ctx, gast.Load)} | ({inner_name} if inner_name else set())
    if stored & inner_locals or any(isinstance(n, _NOT_INSIDE) for n in nodes.walk(inner) if n is not inner):
        return None  # (a name of the factory's that the closure also binds; a scope inside the closure)
    every = [n for s in before for n in nodes.walk(s)]
    every += [n for n in nodes.walk(inner) if not (isinstance(n, gast.Name) and n.id in inner_locals)]
    names = renaming(code, stored, every, parsed, namer)
    if names is None:
        return None
    for n in every:
        if isinstance(n, gast.Name) and n.id in names:
            n.id = names[n.id]
    inner.name = names[inner_name] if inner_name else namer.exact("_closure")
    parsed.dependencies.extend(dependencies_of(stmt.value.func, parsed, factory) + code_dependency(factory))
    bound = [gast.Assign(targets=[nodes.name(names[p], store=True)], value=argument)
             for p, argument in zip(params, stmt.value.args)]
    body = [nodes.copy_location(s, stmt) for s in bound]
    for s in before + [inner]:
        _place(s, stmt)
    return body + before + [inner], inner.name


def _made_by(node: gast.FunctionDef, stmt: gast.Assign):
    """_shape of a factory's body where its parameters are those `stmt` passes, else None."""
    arguments = node.args
    if (node.decorator_list or arguments.vararg or arguments.kwarg or arguments.kwonlyargs or arguments.defaults
            or arguments.posonlyargs or len(nodes.parameters(node)) != len(stmt.value.args)):
        return None
    return _shape([s for s in node.body if not is_docstring(s)])


def _shape(body: List[gast.stmt]) -> Optional[Tuple[List[gast.stmt], gast.FunctionDef, Optional[str]]]:
    """(statements before, the returned function as a def, its name in the factory or None)."""
    if not body or not isinstance(body[-1], gast.Return) or body[-1].value is None:
        return None
    returned, before = body[-1].value, body[:-1]
    if isinstance(returned, gast.Lambda):
        inner, name = _as_def(returned), None
    elif isinstance(returned, gast.Name) and before and _defines(before[-1], returned.id):
        last = before.pop()
        inner = last if isinstance(last, gast.FunctionDef) else _as_def(last.value)
        name = returned.id
    else:
        return None
    if isinstance(inner, gast.FunctionDef) and inner.decorator_list:
        return None
    if any(isinstance(n, _NOT_BEFORE) for s in before for n in nodes.walk(s)):
        return None
    return before, inner, name


def _defines(stmt: gast.stmt, name: str) -> bool:
    """`def name(...)` or `name = lambda ...`."""
    if isinstance(stmt, gast.FunctionDef):
        return stmt.name == name
    return (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
            and stmt.targets[0].id == name and isinstance(stmt.value, gast.Lambda))


def _as_def(function: gast.Lambda) -> gast.FunctionDef:
    returned = nodes.copy_location(gast.Return(value=function.body), function.body)
    return gast.FunctionDef(name="", args=function.args, body=[returned], decorator_list=[], returns=None,
                            type_comment=None, **({"type_params": []} if "type_params" in gast.FunctionDef._fields
                                                  else {}))


def _scope_locals(function: gast.FunctionDef) -> Set[str]:
    """The closure's parameters and the names it binds (in its comprehensions too)."""
    return set(nodes.parameters(function)) | {n.id for n in nodes.walk(function)
                                              if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load)}


def _place(stmt: gast.stmt, call: gast.stmt) -> None:
    """Every node of stmt at the position of the call it was written in for."""
    position = nodes.position_of(call)
    for n in nodes.walk(stmt):
        if position is not None and "lineno" in n._attributes:
            n.__dict__.update(position)


def _call_by(func_node: gast.FunctionDef, name: str, made: str) -> None:
    """Every read of `name` reads the local function `made` instead."""
    for n in nodes.walk(func_node):
        if isinstance(n, gast.Name) and n.id == name and isinstance(n.ctx, gast.Load):
            n.id = made
