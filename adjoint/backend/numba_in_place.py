"""numba versions of the helpers `a op= b` calls where `a` may hold an array (adjoint/runtime/in_place.py).

On an array, the in-place operation run on a copy: numba keeps the array's dtype as NumPy does;
a combination NumPy refuses in place (a float into an array of integers) fails numba's typing
with a message naming the helper, which the numba backend turns into an AdjointError. On a
number, `a op b`. This module imports only numpy, numba, operator and numba_domain: `adjoint gen --backend
numba` copies its source into the standalone module it writes.
"""
from __future__ import annotations

import operator

import numpy as np
from numba.core import types as _types
from numba.core.errors import TypingError as _TypingError
from numba.extending import overload as _overload
from numba.np.numpy_support import as_dtype as _as_dtype

from adjoint.backend.numba_domain import python_power


def _in_place_version(name, in_place, operation):
    """The overload of the helper `name`: in_place on a copy of an array a, operation on a number."""
    def typed(a, b):
        if not isinstance(a, _types.Array):
            return lambda a, b: operation(a, b)
        try:
            kept, given = _as_dtype(a.dtype), _as_dtype(b.dtype if isinstance(b, _types.Array) else b)
        except _TypingError:  # a tuple, a list: no dtype of its own (numba's NumbaNotImplementedError)
            raise _TypingError(f"the runtime helper {name} has no numba version for arguments ({a}, {b})") from None
        if not np.can_cast(np.result_type(kept, given), kept, "same_kind"):
            raise _TypingError(f"the runtime helper {name} cannot keep an array of {kept} as it computes with {given}")

        def on_a_copy(a, b):
            return in_place(a.copy(), b)
        return on_a_copy
    return typed


def augmented_add(a, b):
    raise NotImplementedError("compiled by numba only")


def augmented_sub(a, b):
    raise NotImplementedError("compiled by numba only")


def augmented_mul(a, b):
    raise NotImplementedError("compiled by numba only")


def augmented_truediv(a, b):
    raise NotImplementedError("compiled by numba only")


def augmented_pow(a, b):
    raise NotImplementedError("compiled by numba only")


def augmented_mod(a, b):
    raise NotImplementedError("compiled by numba only")


def augmented_matmul(a, b):
    raise NotImplementedError("compiled by numba only")


def augmented_floordiv(a, b):
    raise NotImplementedError("compiled by numba only")


def augmented_and(a, b):
    raise NotImplementedError("compiled by numba only")


def augmented_or(a, b):
    raise NotImplementedError("compiled by numba only")


def augmented_xor(a, b):
    raise NotImplementedError("compiled by numba only")


def augmented_lshift(a, b):
    raise NotImplementedError("compiled by numba only")


def augmented_rshift(a, b):
    raise NotImplementedError("compiled by numba only")


for _stub, _in_place, _operation in (
        (augmented_add, operator.iadd, operator.add), (augmented_sub, operator.isub, operator.sub),
        (augmented_mul, operator.imul, operator.mul), (augmented_truediv, operator.itruediv, operator.truediv),
        (augmented_pow, operator.ipow, python_power), (augmented_mod, operator.imod, operator.mod),
        (augmented_matmul, operator.imatmul, operator.matmul),
        (augmented_floordiv, operator.ifloordiv, operator.floordiv), (augmented_and, operator.iand, operator.and_),
        (augmented_or, operator.ior, operator.or_), (augmented_xor, operator.ixor, operator.xor),
        (augmented_lshift, operator.ilshift, operator.lshift), (augmented_rshift, operator.irshift, operator.rshift)):
    _overload(_stub)(_in_place_version(_stub.__name__, _in_place, _operation))

IN_PLACE_HELPERS = ("augmented_add", "augmented_sub", "augmented_mul", "augmented_truediv", "augmented_pow",
                    "augmented_mod", "augmented_matmul", "augmented_floordiv", "augmented_and", "augmented_or",
                    "augmented_xor", "augmented_lshift", "augmented_rshift")
__all__ = ["IN_PLACE_HELPERS", *IN_PLACE_HELPERS]
