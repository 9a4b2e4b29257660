"""Helpers that generated derivative code calls. Imports only numpy and math, never adjoint.

An adjoint starts as the float `0.0` (a symbolic zero that broadcasts to any shape); the
helpers below turn it into an array or a list only when an element has to be written.
"""
from __future__ import annotations

import math

import numpy as np


def _is_container(x) -> bool:
    return isinstance(x, (list, tuple)) or (isinstance(x, np.ndarray) and x.ndim > 0)


def _is_symbolic_zero(dx, x) -> bool:
    return not _is_container(dx) and _is_container(x)


def zeros_like(x):
    """A zero adjoint with the structure of x: arrays of x's shape, lists of zeros for lists."""
    if isinstance(x, (list, tuple)):
        return [zeros_like(item) for item in x]
    if isinstance(x, np.ndarray):
        return np.zeros(x.shape, dtype=_float_dtype(x.dtype))
    return 0.0


def _float_dtype(dtype):
    return dtype if np.issubdtype(dtype, np.inexact) else np.float64


def unbroadcast(g, x):
    """Sum g over the axes along which x was broadcast, so the result has x's shape."""
    x_shape = np.shape(x)
    g_shape = np.shape(g)
    if g_shape == x_shape:
        return g
    if not x_shape:
        total = np.sum(g)
        return float(total) if isinstance(x, (float, int)) else total
    extra = len(g_shape) - len(x_shape)
    if extra > 0:
        g = np.sum(g, axis=tuple(range(extra)))
    axes = tuple(i for i, size in enumerate(x_shape) if size == 1 and np.shape(g)[i] != 1)
    if axes:
        g = np.sum(g, axis=axes, keepdims=True)
    return np.broadcast_to(g, x_shape) if np.shape(g) != x_shape else g


def unreduce(g, x, axis=None, keepdims=False):
    """Broadcast the adjoint of a reduction of x over `axis` back to x's shape."""
    shape = np.shape(x)
    if axis is not None and not keepdims:
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        g = np.expand_dims(g, tuple(a % len(shape) for a in axes))
    return np.broadcast_to(g, shape)


def _absolute(index, x):
    """A negative integer index counted from the end of x as it is now."""
    if isinstance(index, int) and index < 0:
        return index + len(x)
    return index


def add_at(dx, x, index, value):
    """dx with `value` added at x[index]; dx is not modified (it may be shared)."""
    index = _absolute(index, x)
    if _is_symbolic_zero(dx, x):
        out = zeros_like(x)
    elif isinstance(dx, np.ndarray):
        out = dx.copy()
    else:
        out = list(dx)
    if isinstance(out, np.ndarray):
        np.add.at(out, index, value)
    elif isinstance(index, slice):
        positions = range(len(x))[index]
        for position, item in zip(positions, value):
            out[position] = add_adjoints(out[position], item)
    else:
        out[index] = add_adjoints(out[index], value)
    return out


def zero_at(dx, x, index):
    """dx with the adjoint at x[index] reset to zero (x[index] was overwritten)."""
    index = _absolute(index, x)
    if _is_symbolic_zero(dx, x):
        return dx
    out = dx.copy() if isinstance(dx, np.ndarray) else list(dx)
    if isinstance(out, np.ndarray):
        out[index] = 0.0
    elif isinstance(index, slice):
        for position in range(len(x))[index]:
            out[position] = 0.0
    else:
        out[index] = 0.0
    return out


def item_adjoint(dx, index, x=None):
    """The adjoint of x[index] given x's adjoint dx (maybe the symbolic zero)."""
    if not _is_container(dx):
        return 0.0
    return dx[_absolute(index, x) if x is not None else index]


def add_adjoints(a, b):
    """a + b for adjoints that may be lists (of adjoints) or symbolic zeros."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return [add_adjoints(x, y) for x, y in zip(a, b)]
    if isinstance(a, (list, tuple)):
        return a if _is_zero_scalar(b) else [add_adjoints(x, y) for x, y in zip(a, b)]
    if isinstance(b, (list, tuple)):
        return b if _is_zero_scalar(a) else [add_adjoints(x, y) for x, y in zip(a, b)]
    return a + b


def _is_zero_scalar(value) -> bool:
    return not _is_container(value) and value == 0


def gradient_like(dx, x):
    """The gradient in x's type: arrays of x's shape and float dtype, floats for numbers."""
    if isinstance(x, np.ndarray):
        return np.array(np.broadcast_to(dx, x.shape), dtype=_float_dtype(x.dtype))
    if isinstance(x, (list, tuple)):
        if not _is_container(dx):
            return [gradient_like(dx, item) for item in x]
        return [gradient_like(d_item, item) for d_item, item in zip(dx, x)]
    if isinstance(x, (bool, int, float)) and not isinstance(dx, np.ndarray):
        return float(dx)
    return dx


def snapshot(x):
    """A copy of x that later writes into x cannot change (arrays and lists are copied)."""
    if isinstance(x, np.ndarray):
        return x.copy()
    if isinstance(x, list):
        return list(x)
    return x


class NonScalarOutput(ValueError):
    """A function differentiated with `grad` returned more than one number."""


def unit_seed(value):
    """The seed 1 of a scalar output in its own type; refuses outputs `grad` cannot seed."""
    if isinstance(value, float):
        return 1.0
    if isinstance(value, (list, tuple)) or np.size(value) != 1:
        raise NonScalarOutput(
            f"the function must return a scalar (a float or a size-1 array), got shape {np.shape(value)}; "
            "use adjoint.vjp or adjoint.jacobian for vector outputs"
        )
    return np.ones_like(value, dtype=_float_dtype(np.result_type(value)))


def sign(x):
    """-1, 0 or 1 (elementwise for arrays): the derivative of abs away from 0."""
    if isinstance(x, (int, float)):
        return (x > 0) - (x < 0)
    return np.sign(x)


def stop_gradient(x):
    """Identity in the forward pass; its derivative is zero."""
    return x


def pow_exponent_adjoint(g, result, x):
    """g * d(x ** y)/dy = g * x ** y * log(x), taken as 0 where x == 0 (its limit for y > 0)."""
    if np.ndim(x) == 0 and not isinstance(x, np.ndarray):
        return 0.0 if x == 0 else g * result * (math.log(x) if x > 0 else math.nan)
    safe = np.where(x == 0, 1.0, x)
    return np.where(x == 0, 0.0, g * result * np.log(safe))


def dot_adjoint_a(g, a, b):
    """The adjoint of a in np.dot(a, b) (and a @ b) for operands of up to two dimensions."""
    a_ndim, b_ndim = np.ndim(a), np.ndim(b)
    if a_ndim == 0 or b_ndim == 0:
        return unbroadcast(g * b, a)
    if b_ndim == 1:
        return np.multiply.outer(g, b) if a_ndim > 1 else g * b
    if a_ndim == 1:
        return np.dot(b, g)
    return np.dot(g, np.swapaxes(b, -1, -2))


def dot_adjoint_b(g, a, b):
    """The adjoint of b in np.dot(a, b) (and a @ b) for operands of up to two dimensions."""
    a_ndim, b_ndim = np.ndim(a), np.ndim(b)
    if a_ndim == 0 or b_ndim == 0:
        return unbroadcast(g * a, b)
    if a_ndim == 1:
        return np.multiply.outer(a, g) if b_ndim > 1 else g * a
    return np.dot(np.swapaxes(a, -1, -2), g)


def transpose_adjoint(g, axes=None):
    """The adjoint of np.transpose(x, axes): transpose back with the inverse permutation."""
    if axes is None:
        return np.transpose(g)
    return np.transpose(g, np.argsort(axes))
