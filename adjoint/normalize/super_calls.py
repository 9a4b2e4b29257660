"""`super().method(...)` in a method of an object the derivative is specialized to.

The zero-argument `super()` reads the class the method is defined in (its `__class__` cell)
and the method's first argument. Where that argument is an object known when the derivative
is generated (a bound method, `model.loss`, and the methods it calls on `self`), the call is
the bound method `super(Class, obj).method` (what Python calls), named in the function's
namespace; the derivative follows it as any bound method, and is generated again if a class
between the two is given another `method`. Elsewhere `super()` stays, for the refusal at the
call.
"""
from __future__ import annotations

from typing import Any, Callable, List, Tuple

import gast

from adjoint import nodes
from adjoint.frontend.held import let_go
from adjoint.frontend.parse import MISSING, ParsedFunction


def bind_super_calls(parsed: ParsedFunction, fresh: Callable[[str], str], calls: List[gast.Call]) -> None:
    """Rewrite `super().m(...)` among `calls` (those of parsed.node) where the class and the object
    are known (see the module)."""
    calls = [call for call in calls if _is_super_call(call)]
    if not calls:
        return
    cls, instance = parsed.namespace.get("__class__"), _instance(parsed)
    if not isinstance(cls, type) or instance is MISSING or not isinstance(instance, cls):
        return
    local_names = frozenset(nodes.names_stored(parsed.node)) | set(nodes.parameters(parsed.node))
    for call in calls:
        attribute = call.func.attr
        method = getattr(super(cls, instance), attribute, MISSING)
        if method is MISSING:
            continue
        let_go(parsed.node)
        call.func = nodes.copy_location(nodes.name(parsed.bind(f"_super_{attribute}", method, fresh, local_names)),
                                        call.func)
        parsed.dependencies.extend(_bindings_after(type(instance), cls, attribute))


def _is_super_call(node: gast.AST) -> bool:
    if not (isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute)):
        return False
    inner = node.func.value
    return (isinstance(inner, gast.Call) and isinstance(inner.func, gast.Name) and inner.func.id == "super"
            and not inner.args and not inner.keywords)


def _instance(parsed: ParsedFunction) -> Any:
    """The object the method's first parameter is bound to, where the derivative knows it."""
    specialization = getattr(parsed.func, "__adjoint_specialized__", None)
    origin = specialization.origin if specialization is not None else parsed.func
    code = getattr(origin, "__code__", None)
    if code is None or not code.co_argcount:
        return MISSING
    first = code.co_varnames[0]
    if first in parsed.fixed:
        return parsed.fixed[first]
    return parsed.namespace.get(first, MISSING)


def _bindings_after(kind: type, cls: type, attribute: str) -> List[Tuple[Any, str, Any]]:
    """(class namespace, attribute, entry) for the classes after cls in kind's order, up to the
    one that defines the attribute: what `super(cls, obj).attribute` rests on."""
    found = []
    mro = kind.__mro__
    for later in mro[mro.index(cls) + 1:]:
        entry = vars(later).get(attribute)
        found.append((vars(later), attribute, entry))
        if entry is not None:
            break
    return found
