"""Local names that the loops adjoint writes would call: refused where they are bound.

The derivative of a loop runs `for i in range(len(xs))` and `reversed(...)` (and `min` where
it zips): a function that binds one of those names (a variable, a parameter, a local function)
would run its own in their place.
"""
from __future__ import annotations

import gast

from adjoint import nodes
from adjoint.errors import UnsupportedSyntaxError
from adjoint.frontend.parse import ParsedFunction


def refuse_shadowed_builtins(parsed: ParsedFunction) -> None:
    """Refuse a local name `range`, `len` or `reversed` (a variable, a parameter, a local function) in a
    function with a loop (and `min` with a `zip`): the loops adjoint writes call those builtins by name."""
    walked = list(nodes.walk(parsed.node))
    if not any(isinstance(n, (gast.For, gast.While, gast.comprehension)) for n in walked):
        return
    zipped = any(isinstance(n, gast.Call) and isinstance(n.func, gast.Name) and n.func.id == "zip" for n in walked)
    needed = {"range", "len", "reversed"} | ({"min"} if zipped else set())
    for n in walked:
        local_def = isinstance(n, gast.FunctionDef) and n is not parsed.node
        name = n.name if local_def else getattr(n, "id", None)
        if name in needed and (local_def or isinstance(getattr(n, "ctx", None), (gast.Store, gast.Param))):
            raise UnsupportedSyntaxError(
                "shadowed builtin", f"`{name}` is a local name here, and the loops adjoint writes for this function "
                f"call the builtin `{name}`; give the variable another name", parsed.info.location(n))
