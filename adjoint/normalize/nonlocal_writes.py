"""A local function that rebinds the enclosing function's variables (`nonlocal`), as one that takes
them and returns their new values with its own.

Where the local function is only called, each call a statement of the enclosing function's own body
(`add(v)` or `target = add(v)`), the call passes the variables' values and binds what comes back:
the variables first, then the target, as Python does (the call's body runs before the assignment).

Before::

    def f(x):
        total = 0.0
        def add(v):
            nonlocal total
            total = total + v
        add(x)
        return total

After (the local function is then lifted as any other, normalize/local_functions.py)::

    def f(x):
        total = 0.0
        def add(v, *, total):
            total = total + v
            return None, total
        _returned1 = add(x, total=total)
        total = _returned1[1]
        return total

A local function with `nonlocal` that is used otherwise (stored, passed, returned, called inside an
expression, by another local function, in a nested scope) is refused at the use.
"""
from __future__ import annotations

from typing import Callable, Dict, List

import gast

from adjoint import nodes
from adjoint.errors import UnsupportedSyntaxError
from adjoint.frontend.parse import ParsedFunction

SCOPES = (gast.FunctionDef, gast.Lambda)


def lower_nonlocal_writes(parsed: ParsedFunction, fresh: Callable[[str], str]) -> None:
    """Rewrite parsed.node's local functions that declare `nonlocal` at their top (see the module)."""
    writers: Dict[str, List[str]] = {}
    enclosing = set(nodes.parameters(parsed.node)) | {node.id for node in _own_walk(parsed.node)
                                                      if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store)}
    for stmt in _own_walk(parsed.node):
        declared = [name for inner in getattr(stmt, "body", []) if isinstance(inner, gast.Nonlocal)
                    for name in inner.names] if isinstance(stmt, gast.FunctionDef) else []
        if declared and set(declared) <= enclosing:  # else refused as `nonlocal` (local_functions.py)
            writers[stmt.name] = declared
            _take_and_return(stmt, declared)
    if not writers:
        return
    calls = _statement_calls(parsed.node, writers)
    _refuse_other_uses(parsed, writers, calls)
    for block in list(nodes.blocks(parsed.node)):
        rewritten: List[gast.stmt] = []
        for stmt in block:
            rewritten += _bound_back(stmt, writers, fresh) if id(stmt) in calls else [stmt]
        block[:] = rewritten


def _take_and_return(function: gast.FunctionDef, declared: List[str]) -> None:
    """The function without its `nonlocal`, taking the names (keyword-only) and returning them after its value."""
    function.body = [stmt for stmt in function.body if not isinstance(stmt, gast.Nonlocal)] or [gast.Pass()]
    function.args.kwonlyargs += [gast.Name(id=n, ctx=gast.Param(), annotation=None, type_comment=None)
                                 for n in declared]
    function.args.kw_defaults += [None] * len(declared)

    def returned(value):
        value = value if value is not None else nodes.constant(None)
        return nodes.tuple_of([value] + [nodes.name(n) for n in declared])

    for node in _own_walk(function):
        if isinstance(node, gast.Return):
            node.value = nodes.copy_location(returned(node.value), node)
    if not isinstance(function.body[-1], gast.Return):
        function.body.append(nodes.copy_location(gast.Return(value=returned(None)), function.body[-1]))


def _own_walk(function: gast.FunctionDef):
    """The nodes of function's own scope (not of functions or lambdas inside it)."""
    todo = list(nodes.children(function))
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, SCOPES):
            todo.extend(nodes.children(node))


def _call_of(stmt: gast.stmt, writers) -> bool:
    value = stmt.value if isinstance(stmt, (gast.Expr, gast.Assign)) else None
    return (isinstance(value, gast.Call) and isinstance(value.func, gast.Name) and value.func.id in writers
            and (isinstance(stmt, gast.Expr) or len(stmt.targets) == 1))


def _statement_calls(func_node: gast.FunctionDef, writers) -> Dict[int, gast.stmt]:
    """The statements of the enclosing function's own body that are a call of a writer (or assign one)."""
    return {id(stmt): stmt for stmt in _own_walk(func_node) if isinstance(stmt, gast.stmt) and _call_of(stmt, writers)}


def _refuse_other_uses(parsed: ParsedFunction, writers, calls) -> None:
    allowed = {id(stmt.value.func) for stmt in calls.values()}
    for node in nodes.walk(parsed.node):
        if isinstance(node, gast.Name) and node.id in writers and id(node) not in allowed \
                and not isinstance(node.ctx, gast.Store):
            raise UnsupportedSyntaxError(
                "nonlocal", f"the local function `{node.id}` rebinds variables of {parsed.node.name} (`nonlocal "
                f"{', '.join(writers[node.id])}`), so it can only be called as a statement of {parsed.node.name} "
                f"itself (`{node.id}(...)` or `y = {node.id}(...)`), not used here", parsed.info.location(node))


def _bound_back(stmt: gast.stmt, writers, fresh) -> List[gast.stmt]:
    """`y = add(v)` -> `_r = add(v, total=total); total = _r[1]; y = _r[0]`."""
    call = stmt.value
    declared = writers[call.func.id]
    call.keywords = call.keywords + [gast.keyword(arg=n, value=nodes.name(n)) for n in declared]
    held = fresh("_returned")
    out = [nodes.assign(held, call)]
    out += [nodes.assign(n, nodes.subscript(nodes.name(held), nodes.constant(k + 1))) for k, n in enumerate(declared)]
    if isinstance(stmt, gast.Assign):
        out.append(nodes.assign_to(stmt.targets[0], nodes.subscript(nodes.name(held), nodes.constant(0))))
    return [nodes.copy_location(s, stmt) for s in out]
