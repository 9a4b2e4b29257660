"""Derivatives taken inside the function: `adjoint.grad(f, wrt=1)(x, y)` calls the derived
function of a function known when the derivative is generated. The derived function is made
then, once, and called through a name of its own: adjoint differentiates a call of a derived
function (the code it stands for) as it does one bound to a global name. Nested transforms
(`adjoint.grad(adjoint.grad(f))(x)`) are made inside out. The function must be one the
generation can name (a global, a constant entry of a table, a fixed argument), `wrt` and
`optimize` constants; any other derived call keeps its refusal at its line.

Before::

    g = adjoint.grad(energy, wrt=1)(r, alpha) * 2.0

After::

    g = _grad_energy(r, alpha) * 2.0
"""
from __future__ import annotations

import ast
from typing import Any, Callable, List

import gast

from adjoint import nodes
from adjoint.errors import AdjointError
from adjoint.frontend.held import let_go
from adjoint.frontend.parse import MISSING, ParsedFunction
from adjoint.frontend.values import dependencies_of, resolve_value

# The transforms whose derived functions adjoint differentiates again as functions called: their
# code is generated (`__adjoint_generated__`) and takes the function's arguments (a jvp's takes
# tangents too; hvp's and jacobian's are Python functions around derived ones).
TRANSFORMS = frozenset({"grad", "value_and_grad"})
# Their options a derived function made ahead takes: `has_aux` (a pair whose aux part is not
# differentiated) and `backend` (compiled code) have no derivative of their own, `verbose` prints.
OPTIONS = frozenset({"wrt", "optimize"})


def take_derivatives_ahead(parsed: ParsedFunction, fresh: Callable[[str], str], local_names: frozenset) -> None:
    """Each derived function the function makes (called at once, or passed on as a value, `leapfrog(adjoint.grad(
    potential), q, p)`) made now, and read through a name of its own."""
    def ahead(node: gast.AST) -> gast.AST:
        if not (isinstance(node, gast.Call) and isinstance(node.func, (gast.Name, gast.Attribute))):
            return node
        dependencies: List = []
        derived = _derived(node, parsed, local_names, dependencies)
        if derived is MISSING:
            return node
        let_go(parsed.node)
        alias = fresh("_" + getattr(derived, "__name__", "derived").strip("<>"))
        parsed.namespace[alias] = derived
        parsed.dependencies.extend(dependencies)
        return nodes.copy_location(nodes.name(alias), node)

    if any(isinstance(node, gast.Call) for node in nodes.walk(parsed.node)):
        nodes.rewrite(parsed.node, ahead)


def _derived(call: gast.Call, parsed: ParsedFunction, local_names: frozenset, dependencies: List) -> Any:
    """The derived function `call` makes, made now; MISSING where it cannot be made now."""
    transform = resolve_value(call.func, parsed, local_names)
    if getattr(transform, "__adjoint_transformation__", None) not in TRANSFORMS or not call.args:
        return MISSING
    target, *rest = call.args
    if isinstance(target, gast.Call):
        func = _derived(target, parsed, local_names, dependencies)
    else:
        func = resolve_value(target, parsed, local_names)
        if func is not MISSING:
            dependencies.extend(dependencies_of(target, parsed, func))
    if func is MISSING or not callable(func):
        return MISSING
    try:
        positional = [_constant(node) for node in rest]
        keywords = {k.arg: _constant(k.value) for k in call.keywords if k.arg is not None}
    except ValueError:
        return MISSING
    if len(keywords) != len(call.keywords) or len(positional) > 1 or not set(keywords) <= OPTIONS:
        return MISSING
    try:
        return transform(func, *positional, **keywords)
    except (AdjointError, TypeError, ValueError):  # refused where the call is differentiated
        return MISSING


def _constant(node: gast.expr) -> Any:
    """A literal's value (numbers, strings, tuples of them); ValueError for anything else."""
    return ast.literal_eval(gast.gast_to_ast(node))
