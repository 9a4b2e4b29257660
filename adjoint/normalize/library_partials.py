"""Calls of a functools.partial of a library's function (NumPy's, SciPy's, math's: a function without
Python source of the user's), held by a global, a closure or an argument the derivative is made for.

Python calls `p(*args, **keywords)` as `p.func(*p.args, *args, **{**p.keywords, **keywords})`: the call
is written so, each bound argument a literal or a name of the function's namespace holding the
object, and the function's rule differentiates it (a function without one is refused at the line).
What the partial was resolved through stays a dependency of the derivative: another partial bound to
the global makes a new derivative.

Before::

    COLUMN_SUMS = functools.partial(np.sum, axis=0)      # at module level
    s = COLUMN_SUMS(m ** 2)

After::

    s = np.sum(m ** 2, axis=0)
"""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Dict

import gast

from adjoint import nodes
from adjoint.frontend.held import let_go
from adjoint.frontend.names import LIBRARIES, module_of
from adjoint.frontend.parse import ParsedFunction, unwrap
from adjoint.frontend.values import dependencies_of, resolve_value

_LITERALS = (int, float, str, bool, type(None))


def lower_library_partials(parsed: ParsedFunction, fresh: Callable[[str], str]) -> None:
    """Write each call of a partial of a library's function as the call of the function (see the module)."""
    local_names = nodes.local_names(parsed.node)
    calls = [node for node in nodes.walk(parsed.node) if isinstance(node, gast.Call)]
    found: Dict[str, Any] = {}  # dotted name -> what it names (the same at each call)
    for call in calls:
        dotted = nodes.dotted_name(call.func)
        if dotted is None:
            held = resolve_value(call.func, parsed, local_names)
        else:
            if dotted not in found:
                found[dotted] = resolve_value(call.func, parsed, local_names)
            held = found[dotted]
        if type(held) is not functools.partial or _users_function(held.func):
            continue  # (a partial of a user's function is specialized to its arguments: frontend/values.py)
        let_go(parsed.node)
        parsed.dependencies.extend(dependencies_of(call.func, parsed, held))
        own = {keyword.arg for keyword in call.keywords}
        label = (nodes.dotted_name(call.func) or "partial").replace(".", "_")
        call.func = _value(parsed, held.func, getattr(held.func, "__name__", label), fresh, local_names)
        call.args = [_value(parsed, value, f"{label}_{position}", fresh, local_names)
                     for position, value in enumerate(held.args)] + call.args
        call.keywords = [gast.keyword(arg=name, value=_value(parsed, value, f"{label}_{name}", fresh, local_names))
                         for name, value in held.keywords.items() if name not in own] + call.keywords


def _users_function(func: Any) -> bool:
    return inspect.isfunction(unwrap(func)) and module_of(func).split(".")[0] not in LIBRARIES


def _value(parsed: ParsedFunction, value: Any, preferred: str, fresh: Callable[[str], str], local_names) -> gast.expr:
    """A literal for a number, a string, True, False or None (the rules read an axis, a base as written);
    else a name the function's namespace binds to the object (`preferred`: `np.sum`'s `sum`, `MUL_0`)."""
    if type(value) in _LITERALS:
        return nodes.constant(value)
    return nodes.name(parsed.bind(preferred, value, fresh, local_names))
