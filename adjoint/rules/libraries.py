"""SciPy's rules, registered when a lookup first meets SciPy rather than at `import adjoint`.

Importing SciPy takes longer than importing the rest of adjoint, and most programs never call
it. So `import adjoint` does not import SciPy: the tables call `load_for(value)` before they
answer whether `value` has a rule, and a value of SciPy's (which exists only once the user's
code imported SciPy), or a runtime helper of SciPy's rules, registers all of SciPy's rule
families first. Listings of every rule (the coverage table) call `load()`, which imports SciPy
when it is installed, so they list what an eager registration listed.

Loading keeps the rules' Revision: no lookup of a SciPy value was answered before it, so no
derivative generated before is stale, and the disk cache's rules fingerprint leaves these
families out (their text is adjoint's own source, already in the key).
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from typing import Any

import numpy as np

FAMILIES = (
    "adjoint.rules.scipy_linalg", "adjoint.rules.scipy_special", "adjoint.rules.scipy_special_elementary",
    "adjoint.rules.scipy_stats", "adjoint.rules.scipy_stats_families",
    "adjoint.rules.scipy_stats_cdfs", "adjoint.rules.scipy_special_bessel",
    "adjoint.rules.scipy_linalg_decompositions", "adjoint.rules.scipy_spatial",
    "adjoint.rules.scipy_integrate", "adjoint.rules.scipy_signal",
    "adjoint.rules.scipy_linalg_structured", "adjoint.rules.scipy_linalg_lu",
    "adjoint.rules.scipy_fft",
)
HELPERS_MODULE = "adjoint.runtime.scipy_rules"
_STATE = {"loaded": False, "loading": False}
_LOCK = threading.RLock()
# id -> a value found not to be SciPy's (kept, so that its id stays its own): the tables ask
# about the same functions over and over. SciPy's own objects exist only once SciPy is
# imported, and a value that is not SciPy's has no rule among its families either way.
_NOT_SCIPY: dict = {}


def installed() -> bool:
    """Whether SciPy can be imported (without importing it)."""
    try:
        return importlib.util.find_spec("scipy") is not None
    except (ImportError, ValueError):
        return False


def load_for(value: Any) -> None:
    """Register SciPy's rules before a table answers for `value`, when `value` is SciPy's."""
    if _STATE["loaded"] or _NOT_SCIPY.get(id(value)) is value:
        return
    if _from_scipy(value):
        load()
    else:
        _NOT_SCIPY[id(value)] = value


def load() -> bool:
    """Register SciPy's rule families once (importing SciPy); whether SciPy is installed."""
    if _STATE["loaded"]:
        return installed()
    with _LOCK:
        if _STATE["loaded"] or _STATE["loading"]:  # a lookup while the families register
            return installed()
        _STATE["loading"] = True
        try:
            if installed():
                _register_families()
        finally:
            _STATE["loading"] = False
            _STATE["loaded"] = True
    return installed()


def _register_families() -> None:
    from adjoint.rules.table import Revision

    with Revision.kept():
        for family in FAMILIES:
            importlib.import_module(family)


def deferred(rule: Any) -> bool:
    """Whether `rule` is one of the families registered here (not part of the rules fingerprint)."""
    return getattr(rule, "__module__", None) in FAMILIES


def deferred_function(func: Any) -> bool:
    """Whether `func` is a helper of SciPy's rules (which they declare non-differentiable)."""
    return _is_scipy_helper(func)


def _from_scipy(value: Any) -> bool:
    """Whether `value` is a function, method, ufunc or object of SciPy, or a helper of its rules."""
    try:
        if "scipy" in sys.modules and (_of_scipy_module(value) or _scipy_ufunc(value)):
            return True
        return _is_scipy_helper(value)
    except Exception:  # an object whose attributes raise is no function of SciPy's
        return False


def _of_scipy_module(value: Any) -> bool:
    owner = getattr(value, "__self__", None)
    for candidate in (value, getattr(value, "__func__", None), owner, type(value), type(owner)):
        module = getattr(candidate, "__module__", None)
        if isinstance(module, str) and module.split(".")[0] == "scipy":
            return True
    return False


def _scipy_ufunc(value: Any) -> bool:
    """A ufunc that is not NumPy's (SciPy's ufuncs have no module)."""
    return isinstance(value, np.ufunc) and getattr(np, value.__name__, None) is not value


def _is_scipy_helper(value: Any) -> bool:
    helpers = sys.modules.get(HELPERS_MODULE)
    name = getattr(value, "__name__", None)
    return helpers is not None and isinstance(name, str) and getattr(helpers, name, None) is value
