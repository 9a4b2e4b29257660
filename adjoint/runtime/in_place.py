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

One function an operator, each written out: `adjoint gen` copies a helper's source into the
module it writes, and the rules and the numba backend know a helper by its name.
"""
from __future__ import annotations

import operator

import numpy as np

from adjoint.runtime.refusals import Refused

__all__ = [
    "augmented_add", "augmented_sub", "augmented_mul", "augmented_truediv", "augmented_pow", "augmented_mod",
    "augmented_matmul", "augmented_floordiv", "augmented_and", "augmented_or", "augmented_xor",
    "augmented_lshift", "augmented_rshift",
]


def _on_array(a, b, in_place, operation):
    """`a op= b`'s value for an array a, a itself unchanged: `a op b` where that keeps a's type,
    shape and dtype (the same ufunc loop computes the same numbers), else the in-place operation
    run on a copy (its cast to a's dtype, or NumPy's own error); on a read-only array (a
    broadcast view), the in-place operation itself, which raises before it writes."""
    if not a.flags.writeable:
        return in_place(a, b)
    result = operation(a, b)
    if type(result) is type(a) and result.dtype == a.dtype and result.shape == a.shape:
        return result
    return in_place(a.copy(), b)


def _as_python_would(a, method, spelled) -> None:
    """Refuses `a op= b` where a's class changes it in place otherwise than a list, a set or a dict
    does (a `collections.deque(maxlen=n)` drops its first items, a Counter its counts below one):
    `a op b` is not the value Python leaves, and the derivative follows `a op b`."""
    if type(a) not in (list, set, dict) and hasattr(type(a), method):
        raise Refused(f"`{spelled}` on a value of type {type(a).__name__} changes it in place as its class "
                      "defines, which adjoint does not follow; build the new value with operations on numbers, "
                      "arrays or lists")


def augmented_add(a, b):
    """`a += b`"""
    if isinstance(a, np.ndarray):
        return _on_array(a, b, operator.iadd, operator.add)
    _as_python_would(a, "__iadd__", "+=")
    return a + b


def augmented_sub(a, b):
    """`a -= b`"""
    if isinstance(a, np.ndarray):
        return _on_array(a, b, operator.isub, operator.sub)
    _as_python_would(a, "__isub__", "-=")
    return a - b


def augmented_mul(a, b):
    """`a *= b`"""
    if isinstance(a, np.ndarray):
        return _on_array(a, b, operator.imul, operator.mul)
    _as_python_would(a, "__imul__", "*=")
    return a * b


def augmented_truediv(a, b):
    """`a /= b`"""
    if isinstance(a, np.ndarray):
        return _on_array(a, b, operator.itruediv, operator.truediv)
    _as_python_would(a, "__itruediv__", "/=")
    return a / b


def augmented_pow(a, b):
    """`a **= b`"""
    if isinstance(a, np.ndarray):
        return _on_array(a, b, operator.ipow, operator.pow)
    _as_python_would(a, "__ipow__", "**=")
    return a ** b


def augmented_mod(a, b):
    """`a %= b`"""
    if isinstance(a, np.ndarray):
        return _on_array(a, b, operator.imod, operator.mod)
    _as_python_would(a, "__imod__", "%=")
    return a % b


def augmented_matmul(a, b):
    """`a @= b`"""
    if isinstance(a, np.ndarray):
        return _on_array(a, b, operator.imatmul, operator.matmul)
    _as_python_would(a, "__imatmul__", "@=")
    return a @ b


def augmented_floordiv(a, b):
    """`a //= b`"""
    if isinstance(a, np.ndarray):
        return _on_array(a, b, operator.ifloordiv, operator.floordiv)
    _as_python_would(a, "__ifloordiv__", "//=")
    return a // b


def augmented_and(a, b):
    """`a &= b`"""
    if isinstance(a, np.ndarray):
        return _on_array(a, b, operator.iand, operator.and_)
    _as_python_would(a, "__iand__", "&=")
    return a & b


def augmented_or(a, b):
    """`a |= b`"""
    if isinstance(a, np.ndarray):
        return _on_array(a, b, operator.ior, operator.or_)
    _as_python_would(a, "__ior__", "|=")
    return a | b


def augmented_xor(a, b):
    """`a ^= b`"""
    if isinstance(a, np.ndarray):
        return _on_array(a, b, operator.ixor, operator.xor)
    _as_python_would(a, "__ixor__", "^=")
    return a ^ b


def augmented_lshift(a, b):
    """`a <<= b`"""
    if isinstance(a, np.ndarray):
        return _on_array(a, b, operator.ilshift, operator.lshift)
    _as_python_would(a, "__ilshift__", "<<=")
    return a << b


def augmented_rshift(a, b):
    """`a >>= b`"""
    if isinstance(a, np.ndarray):
        return _on_array(a, b, operator.irshift, operator.rshift)
    _as_python_would(a, "__irshift__", ">>=")
    return a >> b


# the elementwise ones: on an array a, the result has a's shape; on a number, that of `a op b`
ELEMENTWISE_HELPERS = (augmented_add, augmented_sub, augmented_mul, augmented_truediv, augmented_pow, augmented_mod)
