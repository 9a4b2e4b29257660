"""Helpers that generated derivative code calls. Imports only numpy and math, never the rest of adjoint.

One module a concern, in reading order: `refusals` (what a derived function raises at run
time), `containers` (dicts and dataclasses: keys, fields), `managers` (`with` blocks), `adjoints` (the symbolic zero, broadcasting undone, writes into items, lists),
`gradients` (seeds, gradients in the input's type, operator adjoints), `in_place` (the values
augmented assignments leave in arrays), `numpy_rules`, `builtin_rules` (of sum and sorted, and
the tangents of sequences and records), `positions`
(np.delete, np.insert, np.resize), `products`
(np.prod's exact derivatives), `ranges`
(np.linspace, np.arange), `draws` (the shape of a random draw's standard draws) and `linalg` (helpers of the NumPy rules), `second_order` (helpers of their derivatives),
`checkpointing` (Revolve), `decompositions`, `statistics` and `interpolation` (helpers of the rules of
np.linalg's decompositions, of NumPy's statistics functions and of np.interp), `scalars` (of `math`, of
max and min over a sequence and of np.clip), `scipy_rules` (helpers of the SciPy rules; it imports
without SciPy) and `spectral` (of np.fft and of the complex values it makes). Every public helper is re-exported here under the name `adjoint.runtime.NAME`,
which is how generated code, caches and error messages know it; `adjoint gen` copies a
helper's source (and the helpers it calls) from its module.
"""
from __future__ import annotations

import types
from typing import Any, Dict, Optional, Tuple

from adjoint.runtime import (
    adjoints,
    builtin_rules,
    checkpointing,
    containers,
    decompositions,
    draws,
    gradients,
    in_place,
    interpolation,
    linalg,
    managers,
    numpy_rules,
    positions,
    products,
    ranges,
    refusals,
    scalars,
    scipy_rules,
    second_order,
    spectral,
    statistics,
)
from adjoint.runtime.adjoints import *  # noqa: F401,F403
from adjoint.runtime.builtin_rules import *  # noqa: F401,F403
from adjoint.runtime.checkpointing import *  # noqa: F401,F403
from adjoint.runtime.containers import *  # noqa: F401,F403
from adjoint.runtime.decompositions import *  # noqa: F401,F403
from adjoint.runtime.draws import *  # noqa: F401,F403
from adjoint.runtime.gradients import *  # noqa: F401,F403
from adjoint.runtime.in_place import *  # noqa: F401,F403
from adjoint.runtime.interpolation import *  # noqa: F401,F403
from adjoint.runtime.linalg import *  # noqa: F401,F403
from adjoint.runtime.managers import *  # noqa: F401,F403
from adjoint.runtime.numpy_rules import *  # noqa: F401,F403
from adjoint.runtime.positions import *  # noqa: F401,F403
from adjoint.runtime.products import *  # noqa: F401,F403
from adjoint.runtime.ranges import *  # noqa: F401,F403
from adjoint.runtime.refusals import *  # noqa: F401,F403
from adjoint.runtime.scalars import *  # noqa: F401,F403
from adjoint.runtime.scipy_rules import *  # noqa: F401,F403
from adjoint.runtime.second_order import *  # noqa: F401,F403
from adjoint.runtime.spectral import *  # noqa: F401,F403
from adjoint.runtime.statistics import *  # noqa: F401,F403

MODULES: Tuple[types.ModuleType, ...] = (
    refusals, containers, managers, adjoints, gradients, in_place, numpy_rules, builtin_rules, positions, products, ranges,
    draws, linalg, second_order, checkpointing, decompositions, statistics, interpolation, scalars, scipy_rules, spectral,
)


def _defined_in(module: types.ModuleType) -> Dict[str, Any]:
    return {
        name: value for name, value in vars(module).items()
        if isinstance(value, (types.FunctionType, type)) and value.__module__ == module.__name__
    }


def _helpers() -> Dict[str, Tuple[types.ModuleType, Any]]:
    """name -> (its module, the helper) of every function and class the runtime modules define."""
    found = {}
    for module in MODULES:
        for name, value in _defined_in(module).items():
            if name in found:  # generated code and `adjoint gen` know a helper by its name alone
                raise ImportError(f"adjoint.runtime: {module.__name__}.{name} and {found[name][0].__name__}.{name} "
                                  "share a name")
            found[name] = (module, value)
            if not name.startswith("_"):
                value.__module__ = __name__
    return found


HELPERS = _helpers()


def helper_name(value: Any) -> Optional[str]:
    """The name of `value` if it is a runtime helper (public or private), else None."""
    name = getattr(value, "__name__", None)
    entry = HELPERS.get(name) if isinstance(name, str) else None
    return name if entry is not None and entry[1] is value else None


def is_helper(value: Any) -> bool:
    """Whether `value` is a function or class of the runtime (generated code's helpers are never
    differentiated through their source: their rules say how)."""
    return helper_name(value) is not None
