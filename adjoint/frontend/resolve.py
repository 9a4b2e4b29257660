"""Map the call targets of a parsed function to the Python objects they name."""
from __future__ import annotations

import math
from typing import Any

import gast
import numpy as np

from adjoint.frontend.names import class_module, module_of, public_name
from adjoint.frontend.parse import MISSING, ParsedFunction


def resolve(node: gast.expr, parsed: ParsedFunction, local_names: frozenset = frozenset()) -> Any:
    """The object `np.linalg.norm` or `helper` names, or MISSING when it is local or unknown.

    Names bound inside the function (`local_names`) are not resolved: their value is only
    known at run time.
    """
    if isinstance(node, gast.Name):
        if node.id in local_names:
            return MISSING
        return parsed.lookup(node.id)
    if isinstance(node, gast.Attribute):
        owner = resolve(node.value, parsed, local_names)
        if owner is MISSING:
            return MISSING
        return getattr(owner, node.attr, MISSING)
    return MISSING


def qualified_name(func: Any) -> str:
    """`numpy.tanh`, `math.sin`, `scipy.special.erf`, `mymodule.helper`: how errors name a callee."""
    public = public_name(func)
    if public is not None:
        return public
    module = module_of(func) or class_module(func)
    name = getattr(func, "__qualname__", None) or getattr(func, "__name__", None) or repr(func)
    if module in ("", "builtins"):
        return name
    return f"{module}.{name}"


# Builtins whose call only computes its value from its arguments.
COMPUTING_BUILTINS = (len, range, reversed, float, int, abs, min, max, sum, isinstance, bool, list, tuple)


def computes_only(func: Any) -> bool:
    """A call of func has no effect and gives the same value for the same arguments: a builtin
    that only computes, `math`'s functions, NumPy's but its random numbers."""
    if isinstance(func, np.ufunc) or any(func is known for known in COMPUTING_BUILTINS):
        return True
    module = module_of(func)
    return module == "math" or func is math or (module.startswith("numpy") and "random" not in module)
