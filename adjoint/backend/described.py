"""What a disk cache entry holds of the functions a derivative was generated from, beyond their
source: their default values, and the dependencies (frontend/dependencies.py) a loaded
derivative must check again, named so that the entry can be written and read back."""
from __future__ import annotations

from typing import Any, Callable, List, Optional

from adjoint.frontend.dependencies import FunctionCode, FunctionDefaults, code_dependency, defaults_dependency
from adjoint.frontend.parse import LITERALS, unwrap

DEFAULTS = "<defaults>"  # the name of a defaults dependency where a disk cache entry describes it
CODE = "<code>"  # and of a code dependency


def defaults_owner(func: Callable) -> Callable:
    """The function whose defaults a derivative of func (a bound method, a specialization) reads."""
    func = unwrap(getattr(func, "__func__", func))
    specialization = getattr(func, "__adjoint_specialized__", None)
    return specialization.origin if specialization is not None else func


def described_defaults(func: Callable) -> List[Any]:
    """func's default values as a cache key holds them: numbers and strings by value, any other
    object by its type (its expression is part of the source)."""
    owner = defaults_owner(func)
    values = [[None, value] for value in owner.__defaults__ or ()] + sorted(
        [name, value] for name, value in (owner.__kwdefaults__ or {}).items())
    return [[name, repr(value) if type(value) in LITERALS else type(value).__qualname__] for name, value in values]


def described_dependency(func: Callable, name: str) -> tuple:
    """The dependency a disk cache entry describes by (func, name): a global name of func's module,
    (name DEFAULTS) func's defaults, or (CODE) its code."""
    if name == DEFAULTS:
        return defaults_dependency(defaults_owner(func))[0]
    if name == CODE:
        return code_dependency(defaults_owner(func))[0]
    return func.__globals__, name, func.__globals__.get(name)


def dependency_name(namespace: Any) -> Optional[str]:
    """DEFAULTS or CODE for the mapping of a dependency on a function's defaults or code, else None."""
    if isinstance(namespace, FunctionDefaults):
        return DEFAULTS
    return CODE if isinstance(namespace, FunctionCode) else None
