"""The values augmented assignments leave: `a op= b` without changing the object `a` holds.

Generated code writes `a += b` as `a = a + b` (a new value, so that the adjoint sweep can still
read the old one; analysis/aliases.py follows the names that shared the old object). On a
NumPy array that differs from Python's in-place operation in what it computes: the in-place
operation keeps the array's dtype and shape, so that `a += x` on a float32 array rounds to
float32 where `a + x` with a float64 `x` does not, and it raises where it cannot keep them
(`a += 0.5` on integers, `a += b` broadcast to a larger shape) where `a + b` quietly makes a
new kind of array. Where the kinds analysis does not know `a` holds no array, the assignment
calls one of these helpers instead (analysis/augmented.py): the same operation, with the
operator's derivative rules, whose value is the one Python's `a op= b` gives.

    a = augmented_add(a, x)    # a += x
"""
from __future__ import annotations

import operator

import numpy as np

__all__ = [
    "augmented_add", "augmented_sub", "augmented_mul", "augmented_truediv", "augmented_pow", "augmented_mod",
    "augmented_matmul", "augmented_floordiv", "augmented_and", "augmented_or", "augmented_xor",
    "augmented_lshift", "augmented_rshift",
]


def _augmented(a, b, in_place, operation):
    """`a op= b`'s value for `a`, a itself unchanged. On an array, `a op b` where that keeps a's
    type, shape and dtype (the same ufunc loop computes the same numbers), else the in-place
    operation run on a copy (its cast, or NumPy's own error); on anything else `a op b`."""
    result = operation(a, b)
    if not isinstance(a, np.ndarray):
        return result
    if type(result) is type(a) and result.dtype == a.dtype and result.shape == a.shape:
        return result
    return in_place(a.copy(), b)


def augmented_add(a, b):
    return _augmented(a, b, operator.iadd, operator.add)


def augmented_sub(a, b):
    return _augmented(a, b, operator.isub, operator.sub)


def augmented_mul(a, b):
    return _augmented(a, b, operator.imul, operator.mul)


def augmented_truediv(a, b):
    return _augmented(a, b, operator.itruediv, operator.truediv)


def augmented_pow(a, b):
    return _augmented(a, b, operator.ipow, operator.pow)


def augmented_mod(a, b):
    return _augmented(a, b, operator.imod, operator.mod)


def augmented_matmul(a, b):
    return _augmented(a, b, operator.imatmul, operator.matmul)


def augmented_floordiv(a, b):
    return _augmented(a, b, operator.ifloordiv, operator.floordiv)


def augmented_and(a, b):
    return _augmented(a, b, operator.iand, operator.and_)


def augmented_or(a, b):
    return _augmented(a, b, operator.ior, operator.or_)


def augmented_xor(a, b):
    return _augmented(a, b, operator.ixor, operator.xor)


def augmented_lshift(a, b):
    return _augmented(a, b, operator.ilshift, operator.lshift)


def augmented_rshift(a, b):
    return _augmented(a, b, operator.irshift, operator.rshift)


# the elementwise ones: on an array a, the result has a's shape; on a number, that of `a op b`
ELEMENTWISE_HELPERS = (augmented_add, augmented_sub, augmented_mul, augmented_truediv, augmented_pow, augmented_mod)
