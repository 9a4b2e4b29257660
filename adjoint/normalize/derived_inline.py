"""Calls of derived functions inlined: `y = d(x)`, where `d = adjoint.grad(f)`, becomes the
code `d` stands for, written into the function being differentiated.

A derivative of a function that calls a derived function differentiates the code the derived
function stands for (generated.materialize). Called, that code is split into a forward and a
backward half (ad/split.py), and so is every generated function it calls: at each order the
number of generated functions doubles, and each half carries its residuals in and out (a
derivative of tanh of order 6, taken as `grad` of `np.sum` of the previous derivative, was 63
functions and 4,400 lines). Written into the caller instead, the code is differentiated with the
caller's as one function, as nested `grad` of one function is (267 lines at order 6).

The code written in is the callee's as normalization leaves it for the kinds of the call's
arguments (the reading Generation.callee_kind made where it is final, else one made anew: see
analysis/answers.py), with

- its parameters replaced by the call's arguments (names or constants: A-normal form),
- its other names renamed to names the caller does not use,
- each free name it reads bound to the same object in the caller (a fresh alias where the
  caller's name of that spelling is another object or a local), so that every name means what
  it meant in the callee; a global of the callee's module it reads is a dependency of the
  derivative, as when the callee is differentiated (generated.Generated.is_current),
- its final `return r` made `y = r`, and every statement at the position of the call, so that
  an error or a refusal met in it names the caller's line that calls the derived function.

Python runs the two alike: a call binds the parameters to the argument objects (an in-place
write into a parameter reaches the caller's object either way), and the callee reads no frame.
Only calls the inlining leaves nothing out of are inlined: a callee of plain positional
parameters, called with as many positional arguments; one `return`, its last statement; no
parameter rebound; no nested scope (function, lambda, class), `global`, `nonlocal`, `try` or
`with`; and none of the facts normalization keeps by statement or by name (`in_place`,
`item_updates`, `iterated`, `fixed`, `classes`, `captured`). Any other call stays a call.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional

import gast

from adjoint import nodes
from adjoint.frontend.parse import MISSING, ParsedFunction

# The derived functions written in: those of grad and value_and_grad, whose code takes the
# function's arguments and returns what the derived function returns.
MODES = frozenset({"reverse", "value_and_grad"})
_SCOPES = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef, gast.Global, gast.Nonlocal,
           gast.Try, gast.With, gast.AsyncWith, gast.Return, gast.Yield, gast.YieldFrom, gast.Await)


def inline_derived_calls(parsed: ParsedFunction, namer,
                         reading: Callable[[gast.Call], Optional[ParsedFunction]]) -> bool:
    """Inline each call `y = d(...)` of a derived function `d` (one with `__adjoint_generated__`)
    whose normalized code `reading(call)` gives (None: leave the call); whether any was."""
    inlined = False
    for block in list(nodes.blocks(parsed.node)):
        index = 0
        while index < len(block):
            stmt = block[index]
            code = reading(stmt.value) if _derived_callee(stmt, parsed) is not None else None
            body = _inlined(code, stmt, parsed, namer) if code is not None else None
            if body is None:
                index += 1
                continue
            block[index:index + 1] = body
            index += len(body)
            inlined = True
    return inlined


def calls_derived(parsed: ParsedFunction) -> bool:
    """Whether a statement of the function is a call `_derived_callee` finds."""
    return any(_derived_callee(stmt, parsed) is not None for stmt in nodes.statements(parsed.node))


def _derived_callee(stmt: gast.stmt, parsed: ParsedFunction):
    """The derived function `stmt` (`y = d(a, b)`, arguments names or constants) calls, else None."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)):
        return None
    call = stmt.value
    if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Name) and not call.keywords
            and all(nodes.is_atom(argument) for argument in call.args)):
        return None
    func = parsed.lookup(call.func.id)
    made_by = getattr(getattr(func, "__adjoint_generated__", None), "__self__", None)  # api._Specializing
    if getattr(made_by, "mode", None) not in MODES or call.func.id in nodes.local_names(parsed.node):
        return None
    return func


def _inlined(code: ParsedFunction, stmt: gast.Assign, parsed: ParsedFunction,
             namer) -> Optional[List[gast.stmt]]:
    """The statements that stand for `stmt`'s call of `code`, None where it cannot be inlined."""
    func_node = code.node
    arguments = func_node.args
    params = nodes.parameters(func_node)
    if (arguments.vararg or arguments.kwarg or arguments.kwonlyargs or arguments.defaults
            or getattr(arguments, "posonlyargs", None) or len(params) != len(stmt.value.args)):
        return None
    if code.in_place or code.item_updates or code.iterated or code.fixed or code.classes or code.captured:
        return None
    returned = func_node.body[-1] if func_node.body else None
    if not (isinstance(returned, gast.Return) and isinstance(returned.value, gast.Name)):
        return None
    body = [nodes.clone(s) for s in func_node.body[:-1]]
    every = [node for s in body for node in nodes.every_node(s)]
    if any(isinstance(node, _SCOPES) for node in every):
        return None
    stored = {node.id for node in every if isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Load)}
    if stored & set(params):
        return None
    names = renaming(code, stored, every, parsed, namer)
    if names is None:
        return None
    result = nodes.name(returned.value.id)
    position = nodes.position_of(stmt)
    for node in every + [result]:
        if position is not None and "lineno" in node._attributes:
            node.__dict__.update(position)
        if isinstance(node, gast.Name) and node.id in names:
            node.id = names[node.id]
    replaced = dict(zip(params, stmt.value.args))
    body.append(nodes.copy_location(gast.Assign(targets=[stmt.targets[0]], value=result), stmt))
    return [nodes.rewrite(s, lambda node: _argument(node, replaced)) for s in body]


def renaming(code: ParsedFunction, stored: set, every: List[gast.AST], parsed: ParsedFunction,
              namer) -> Optional[Dict[str, str]]:
    """callee name -> caller name: its free names bound to their objects (a fresh alias where
    the caller's name is another object), its locals names the caller does not use."""
    free = {node.id for node in every if isinstance(node, gast.Name)} - stored - set(nodes.parameters(code.node))
    values = {name: code.lookup(name) for name in free}
    if any(value is MISSING for value in values.values()):
        return None
    globals_ = getattr(code.func, "__globals__", {})
    parsed.dependencies.extend((globals_, name, values[name]) for name in sorted(free)  # as the callee's
                               if name not in code.namespace and name in globals_)  # reading of them would
    caller_locals = nodes.local_names(parsed.node)
    kept = {name for name in free if name not in caller_locals and parsed.lookup(name) is values[name]}
    unbound = {name for name in free - kept if name not in caller_locals and name not in namer.taken
               and parsed.lookup(name) is MISSING}  # bound in the caller under the same name
    namer.reserve(kept | unbound)
    aliases = {id(value): alias for alias, value in parsed.namespace.items() if alias not in caller_locals}
    names: Dict[str, str] = {}
    for name in sorted(free - kept):  # the caller's alias of the object where it has one
        names[name] = name if name in unbound else aliases.get(id(values[name])) or namer.exact("_" + name)
        parsed.namespace[names[name]] = values[name]
    names.update((name, namer.exact(name)) for name in sorted(stored))
    namer.reserve(names.values())
    return names


def _argument(node: gast.AST, replaced: Dict[str, gast.expr]) -> gast.AST:
    """A load of a parameter: the call's argument in its place."""
    if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) and node.id in replaced:
        return nodes.copy_location(nodes.load_copy(replaced[node.id]), node)
    return node
