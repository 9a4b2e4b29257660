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
    if axis is not None and not keepdims and np.ndim(g) > 0:
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


def set_at(dx, x, index, value):
    """The tangent of x after `x[index] = v`: dx with value written at index (in place, as x was)."""
    index = _absolute(index, x)
    if _is_symbolic_zero(dx, x):
        dx = zeros_like(x)
    if isinstance(dx, np.ndarray) or isinstance(dx, list):
        dx[index] = value
        return dx
    out = list(dx)
    out[index] = value
    return out


def append_tangent(dx, x, value):
    """The tangent of list x after `x.append(v)` (x already holds v): position by position."""
    out = dx if isinstance(dx, list) else (list(dx) if _is_container(dx) else [])
    del out[len(x) - 1:]
    out.extend([0.0] * (len(x) - 1 - len(out)))
    out.append(value)
    return out


def pop_adjoint(dx, x, value):
    """The adjoint of list x before `v = x.pop()` (x is still short by v): value added at len(x)."""
    position = len(x)
    out = list(dx) if _is_container(dx) else []
    out.extend([0.0] * (position + 1 - len(out)))
    out[position] = add_adjoints(out[position], value)
    return out


def pop_tangent(dx, x):
    """The tangent of `v = x.pop()` (x no longer holds v): the tangent at position len(x)."""
    if not isinstance(dx, list) or len(dx) <= len(x):
        return 0.0
    value = dx[len(x)]
    del dx[len(x):]
    return value


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


def pow_exponent_adjoint(g, power, x):
    """g * d(x ** y)/dy = g * power * log(x) where power = x ** y, taken as 0 where x == 0."""
    if np.ndim(x) == 0 and not isinstance(x, np.ndarray):
        return 0.0 if x == 0 else g * power * (math.log(x) if x > 0 else math.nan)
    safe = np.where(x == 0, 1.0, x)
    return np.where(x == 0, 0.0, g * power * np.log(safe))


def dot_adjoint_a(g, a, b):
    """The adjoint of a in np.dot(a, b), for operands of any dimension (0-d multiplies)."""
    a_ndim, b_ndim = np.ndim(a), np.ndim(b)
    if a_ndim == 0 or b_ndim == 0:
        return unbroadcast(g * b, a)
    if a_ndim > 2 or b_ndim > 2:
        return tensordot_adjoint_a(g, a, b, _dot_axes(a_ndim, b_ndim))
    if b_ndim == 1:
        return np.multiply.outer(g, b) if a_ndim > 1 else g * b
    if a_ndim == 1:
        return np.dot(b, g)
    return np.dot(g, np.swapaxes(b, -1, -2))


def dot_adjoint_b(g, a, b):
    """The adjoint of b in np.dot(a, b), for operands of any dimension (0-d multiplies)."""
    a_ndim, b_ndim = np.ndim(a), np.ndim(b)
    if a_ndim == 0 or b_ndim == 0:
        return unbroadcast(g * a, b)
    if a_ndim > 2 or b_ndim > 2:
        return tensordot_adjoint_b(g, a, b, _dot_axes(a_ndim, b_ndim))
    if a_ndim == 1:
        return np.multiply.outer(a, g) if b_ndim > 1 else g * a
    return np.dot(np.swapaxes(a, -1, -2), g)


def _dot_axes(a_ndim, b_ndim):
    """np.dot(a, b) is np.tensordot(a, b, axes): a's last axis with b's second-to-last (or only) one."""
    return [a_ndim - 1], [max(b_ndim - 2, 0)]


def broadcast_like(g, target):
    """g broadcast to target's shape (the adjoint of a sum over broadcast axes)."""
    shape = np.shape(target)
    if np.shape(g) == shape:
        return g
    return np.broadcast_to(g, shape)


def item_adjoint_backward(d_container, container, index, x, g):
    """The adjoint of `container` in item_adjoint(container, index, x), given g = the result's adjoint."""
    if not _is_container(container):
        return d_container
    return add_at(d_container, container, _absolute(index, x) if x is not None else index, g)


def transpose_adjoint(g, axes=None):
    """The adjoint of np.transpose(x, axes): transpose back with the inverse permutation."""
    if axes is None:
        return np.transpose(g)
    return np.transpose(g, np.argsort(axes))


# ----- Helpers of the NumPy rules ----------------------------------------------------------
# Each is linear in its first argument (the adjoint or tangent it carries) unless it says so.


def matmul_adjoint_a(g, a, b):
    """The adjoint of a in a @ b (np.matmul): batched over leading axes, which broadcast."""
    a_ndim, b_ndim = np.ndim(a), np.ndim(b)
    if b_ndim == 1:
        g, b = np.expand_dims(g, -1), np.expand_dims(b, -1)
    if a_ndim == 1:
        g = np.expand_dims(g, -2)
    total = np.matmul(g, np.swapaxes(b, -1, -2))
    return unbroadcast(total[..., 0, :] if a_ndim == 1 else total, a)


def matmul_adjoint_b(g, a, b):
    """The adjoint of b in a @ b (np.matmul): batched over leading axes, which broadcast."""
    a_ndim, b_ndim = np.ndim(a), np.ndim(b)
    if a_ndim == 1:
        g, a = np.expand_dims(g, -2), np.expand_dims(a, -2)
    if b_ndim == 1:
        g = np.expand_dims(g, -1)
    total = np.matmul(np.swapaxes(a, -1, -2), g)
    return unbroadcast(total[..., 0] if b_ndim == 1 else total, b)


def _tensordot_axes(axes, a_ndim, b_ndim):
    """np.tensordot's `axes` as two lists of non-negative axes (contracted pairs, in order)."""
    if np.ndim(axes) == 0:
        return list(range(a_ndim - axes, a_ndim)), list(range(axes))
    a_axes, b_axes = axes
    a_axes = [a_axes] if np.ndim(a_axes) == 0 else list(a_axes)
    b_axes = [b_axes] if np.ndim(b_axes) == 0 else list(b_axes)
    return [i % a_ndim for i in a_axes], [i % b_ndim for i in b_axes]


def tensordot_adjoint_a(g, a, b, axes=2):
    """The adjoint of a in np.tensordot(a, b, axes): contract g with b's free axes, then reorder."""
    a_ndim, b_ndim = np.ndim(a), np.ndim(b)
    a_axes, b_axes = _tensordot_axes(axes, a_ndim, b_ndim)
    a_free = [i for i in range(a_ndim) if i not in a_axes]
    b_free = [i for i in range(b_ndim) if i not in b_axes]
    total = np.tensordot(g, b, axes=(list(range(len(a_free), np.ndim(g))), b_free))
    contracted = sorted(b_axes)
    order = [a_free.index(i) if i in a_free else len(a_free) + contracted.index(b_axes[a_axes.index(i)])
             for i in range(a_ndim)]
    return np.transpose(total, order)


def tensordot_adjoint_b(g, a, b, axes=2):
    """The adjoint of b in np.tensordot(a, b, axes): contract a's free axes with g, then reorder."""
    a_ndim, b_ndim = np.ndim(a), np.ndim(b)
    a_axes, b_axes = _tensordot_axes(axes, a_ndim, b_ndim)
    a_free = [i for i in range(a_ndim) if i not in a_axes]
    b_free = [i for i in range(b_ndim) if i not in b_axes]
    total = np.tensordot(a, g, axes=(a_free, list(range(len(a_free)))))
    contracted = sorted(a_axes)
    order = [len(a_axes) + b_free.index(i) if i in b_free else contracted.index(a_axes[b_axes.index(i)])
             for i in range(b_ndim)]
    return np.transpose(total, order)


def inner_axes(a, b):
    """np.inner(a, b) is np.tensordot(a, b, inner_axes(a, b)) (0-d operands multiply)."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return 0
    return [np.ndim(a) - 1], [np.ndim(b) - 1]


def _einsum_parts(subscripts, count):
    """Input and output subscripts of an einsum without `...`; implicit output is made explicit."""
    subscripts = subscripts.replace(" ", "")
    if "." in subscripts:
        raise NotImplementedError("the derivative of np.einsum with `...` is not supported; name every axis")
    inputs, arrow, output = subscripts.partition("->")
    inputs = inputs.split(",")
    if len(inputs) != count:
        raise ValueError(f"np.einsum subscripts {subscripts!r} name {len(inputs)} operands, got {count}")
    if not arrow:
        letters = "".join(inputs)
        output = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    return inputs, output


def einsum_adjoint(g, subscripts, position, *operands):
    """The adjoint of operand `position` of np.einsum(subscripts, *operands) (None operands ignored).

    g is contracted with the other operands onto the operand's own subscript; letters that
    appear only in that operand were summed, so the result is broadcast along them.
    """
    operands = [x for x in operands if x is not None]
    inputs, output = _einsum_parts(subscripts, len(operands))
    target = inputs[position]
    if len(set(target)) != len(target):
        raise NotImplementedError(f"the derivative of np.einsum with a repeated index in {target!r} is not supported")
    others = [(spec, x) for k, (spec, x) in enumerate(zip(inputs, operands)) if k != position]
    known = set(output).union(*[spec for spec, _ in others])
    kept = "".join(c for c in target if c in known)
    specs = ",".join([output] + [spec for spec, _ in others])
    total = np.einsum(f"{specs}->{kept}", g, *[x for _, x in others])
    shape = np.shape(operands[position])
    total = np.reshape(total, [shape[i] if c in known else 1 for i, c in enumerate(target)])
    return np.broadcast_to(total, shape)


def einsum_tangent(subscripts, tangents, operands):
    """The tangent of np.einsum(subscripts, *operands): one term per operand with a tangent.

    Not linear in its first argument: `tangents` lists one tangent per operand (0.0 for none).
    """
    operands = [x for x in operands if x is not None]
    total = 0.0
    for position, tangent in enumerate(tangents[:len(operands)]):
        if _is_zero_scalar(tangent) and _is_container(operands[position]):
            continue
        varied = list(operands)
        varied[position] = tangent
        total = total + np.einsum(subscripts, *varied)
    return total


def trace_adjoint(g, x, offset=0):
    """The adjoint of np.trace(x, offset): g placed on that diagonal of x's first two axes."""
    shape = np.shape(x)
    eye = np.eye(shape[0], shape[1], k=offset, dtype=_adjoint_dtype(g, x))
    return np.multiply.outer(eye, g)


def diagonal_adjoint(g, x, offset=0, axis1=0, axis2=1):
    """The adjoint of np.diagonal(x, offset, axis1, axis2): zeros with g written on the diagonal."""
    shape = np.shape(x)
    moved = np.moveaxis(np.zeros(shape, dtype=_adjoint_dtype(g, x)), (axis1, axis2), (-2, -1))
    count = np.shape(g)[-1] if np.ndim(g) else 0
    steps = np.arange(count)
    moved[..., steps + max(-offset, 0), steps + max(offset, 0)] = g
    return np.moveaxis(moved, (-2, -1), (axis1, axis2))


def diag_adjoint(g, x, k=0):
    """The adjoint of np.diag(x, k): the diagonal of g for a vector x, g on the diagonal for a matrix."""
    if np.ndim(x) == 1:
        return np.diagonal(g, k)
    return diagonal_adjoint(g, x, k)


def extremum_adjoint(g, result, x, axis=None, keepdims=False):
    """The adjoint of np.max or np.min: g shared equally by the elements that attain the extremum."""
    mask = x == unreduce(result, x, axis, keepdims)
    count = np.sum(mask, axis=axis, keepdims=True)
    return mask * unreduce(g, x, axis, keepdims) / count


def extremum_tangent(dx, result, x, axis=None, keepdims=False):
    """The tangent of np.max or np.min: the mean tangent of the elements that attain the extremum."""
    mask = x == unreduce(result, x, axis, keepdims)
    return np.sum(dx * mask, axis=axis, keepdims=keepdims) / np.sum(mask, axis=axis, keepdims=keepdims)


def _reduced_count(x, axis):
    """How many elements a reduction of x over axis combines into each output."""
    if axis is None:
        return np.size(x)
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    return int(np.prod([np.shape(x)[a] for a in axes]))


def _adjoint_dtype(g, x):
    """The float dtype of an adjoint built from g for x."""
    return _float_dtype(np.result_type(g, x))


def var_adjoint(g, x, axis=None, ddof=0, keepdims=False):
    """The adjoint of np.var(x, axis, ddof=ddof): g * 2 (x - mean) / (n - ddof)."""
    count = _reduced_count(x, axis)
    centered = x - np.mean(x, axis=axis, keepdims=True)
    return unreduce(g, x, axis, keepdims) * centered * (2.0 / (count - ddof))


def var_tangent(dx, x, axis=None, ddof=0, keepdims=False):
    """The tangent of np.var(x, axis, ddof=ddof): the sum of 2 (x - mean) dx / (n - ddof)."""
    count = _reduced_count(x, axis)
    centered = x - np.mean(x, axis=axis, keepdims=True)
    return np.sum(centered * dx, axis=axis, keepdims=keepdims) * (2.0 / (count - ddof))


def cumsum_adjoint(g, x, axis=None):
    """The adjoint of np.cumsum(x, axis): the cumulative sum of g taken from the end."""
    if axis is None:
        return np.reshape(np.flip(np.cumsum(np.flip(np.ravel(g)))), np.shape(x))
    return np.flip(np.cumsum(np.flip(g, axis), axis), axis)


def sort_adjoint(g, x, axis=-1):
    """The adjoint of np.sort(x, axis): g sent back to the positions the elements came from."""
    if axis is None:
        return np.reshape(sort_adjoint(g, np.ravel(x), 0), np.shape(x))
    order = np.argsort(x, axis=axis, kind="stable")
    out = np.zeros(np.shape(x), dtype=_adjoint_dtype(g, x))
    np.put_along_axis(out, order, g, axis=axis)
    return out


def sort_tangent(dx, x, axis=-1):
    """The tangent of np.sort(x, axis): dx in the sorted order of x."""
    if axis is None:
        return sort_tangent(np.ravel(dx), np.ravel(x), 0)
    return np.take_along_axis(dx, np.argsort(x, axis=axis, kind="stable"), axis=axis)


def clip_mask(x, low, high):
    """1.0 where low <= x <= high (None means no bound), else 0.0: where np.clip passes x through."""
    mask = np.ones(np.shape(x))
    if low is not None:
        mask = mask * (x >= low)
    if high is not None:
        mask = mask * (x <= high)
    return mask


def sinc_slope(x):
    """d/dx np.sinc(x) = (cos(pi x) - sinc(x)) / x, and 0 at x = 0. Not linear: a factor."""
    safe = np.where(x == 0, 1.0, x)
    return np.where(x == 0, 0.0, (np.cos(np.pi * x) - np.sinc(x)) / safe)


def float_cast(g, dtype, like):
    """g as like's float dtype when `dtype` is a float type, else 0.0 (an integer cast has no derivative)."""
    if not np.issubdtype(np.dtype(dtype), np.inexact):
        return 0.0
    return np.asarray(g, dtype=_float_dtype(np.result_type(like)))


def astype(x, dtype):
    """x.astype(dtype): the function array `.astype` calls are rewritten to."""
    return np.asarray(x).astype(dtype)


def _pieces(g, shapes, axis):
    """g split along axis into pieces of the given shapes' sizes (symbolic zeros made real)."""
    sizes = [shape[axis] for shape in shapes]
    return np.split(g, np.cumsum(sizes)[:-1], axis=axis)


def concatenate_adjoint(g, xs, axis=0):
    """The adjoint of each array in np.concatenate(xs, axis): the slices of g they became."""
    if axis is None:
        return [np.reshape(p, np.shape(x)) for p, x in zip(_pieces(g, [(np.size(x),) for x in xs], 0), xs)]
    return _pieces(g, [np.shape(x) for x in xs], axis)


def stack_adjoint(g, xs, axis=0):
    """The adjoint of each array in np.stack(xs, axis): g indexed along the new axis."""
    return [np.reshape(p, np.shape(x)) for p, x in zip(np.moveaxis(g, axis, 0), xs)]


def joined_adjoint(g, xs, promote, axis):
    """The adjoint of vstack/hstack/dstack/column_stack: each x was `promote(x)` joined along axis."""
    promoted = [promote(x) for x in xs]
    return [np.reshape(p, np.shape(x)) for p, x in zip(_pieces(g, [np.shape(p) for p in promoted], axis), xs)]


def column(x):
    """x as np.column_stack uses it: a vector becomes a column."""
    return np.reshape(x, (-1, 1)) if np.ndim(x) < 2 else x


def split_adjoint(g, pieces, axis=0):
    """The adjoint of x in `pieces = np.split(x, ..., axis)`: the pieces' adjoints joined again."""
    if not _is_container(g):
        g = [0.0] * len(pieces)
    parts = [np.broadcast_to(item, np.shape(piece)) for item, piece in zip(g, pieces)]
    return np.concatenate(parts, axis=axis)


def tile_adjoint(g, x, reps):
    """The adjoint of np.tile(x, reps): g summed over the copies."""
    shape = np.shape(x)
    reps = (reps,) if np.ndim(reps) == 0 else tuple(reps)
    ndim = max(len(shape), len(reps))
    shape_full = (1,) * (ndim - len(shape)) + shape
    reps_full = (1,) * (ndim - len(reps)) + reps
    split = [size for pair in zip(reps_full, shape_full) for size in pair]
    total = np.sum(np.reshape(g, split), axis=tuple(range(0, 2 * ndim, 2)))
    return np.reshape(total, shape)


def repeat_adjoint(g, x, repeats, axis=None):
    """The adjoint of np.repeat(x, repeats, axis): g summed over the copies of each element."""
    if axis is None:
        return np.reshape(repeat_adjoint(g, np.ravel(x), repeats, 0), np.shape(x))
    moved = np.moveaxis(np.zeros(np.shape(x), dtype=_adjoint_dtype(g, x)), axis, 0)
    owners = np.repeat(np.arange(np.shape(moved)[0]), repeats)
    np.add.at(moved, owners, np.moveaxis(g, axis, 0))
    return np.moveaxis(moved, 0, axis)


def take_adjoint(g, x, indices, axis=None):
    """The adjoint of np.take(x, indices, axis): g added back at the taken positions."""
    out = np.zeros(np.size(x) if axis is None else np.shape(x), dtype=_adjoint_dtype(g, x))
    where = indices if axis is None else (slice(None),) * (axis % np.ndim(x)) + (indices,)
    np.add.at(out, where, g)
    return np.reshape(out, np.shape(x))


def _solve_operands(g, b):
    """g with a trailing axis when np.linalg.solve's b is a vector, so the matrix formulas apply."""
    return np.expand_dims(g, -1) if np.ndim(b) == 1 else g


def solve_adjoint_b(g, a, b):
    """The adjoint of b in np.linalg.solve(a, b): solve(a^T, g)."""
    adjoint = np.linalg.solve(np.swapaxes(a, -1, -2), _solve_operands(g, b))
    return unbroadcast(adjoint[..., 0] if np.ndim(b) == 1 else adjoint, b)


def solve_adjoint_a(g, a, b, result):
    """The adjoint of a in x = np.linalg.solve(a, b): -solve(a^T, g) x^T."""
    adjoint = np.linalg.solve(np.swapaxes(a, -1, -2), _solve_operands(g, b))
    return unbroadcast(-np.matmul(adjoint, np.swapaxes(_solve_operands(result, b), -1, -2)), a)


def solve_tangent(da, db, a, b, result):
    """The tangent of x = np.linalg.solve(a, b): solve(a, db - da x). Linear in (da, db) together."""
    solution = _solve_operands(result, b)
    rhs = _solve_operands(db, b)
    if not _is_zero_scalar(da):
        rhs = rhs - np.matmul(da, solution)
    tangent = np.linalg.solve(a, np.broadcast_to(rhs, np.shape(solution)))
    return tangent[..., 0] if np.ndim(b) == 1 else tangent


def _lower_half(x):
    """The lower triangle of x with its diagonal halved (Murray's Phi)."""
    return np.tril(x) - 0.5 * np.eye(np.shape(x)[-1]) * x


def cholesky_adjoint(g, low):
    """The adjoint of A in L = np.linalg.cholesky(A), symmetrized (Murray 2016, arXiv:1602.07527)."""
    phi = _lower_half(np.matmul(np.swapaxes(low, -1, -2), g))
    inverse = np.linalg.inv(low)
    inner = np.matmul(np.swapaxes(inverse, -1, -2), np.matmul(phi, inverse))
    return 0.5 * (inner + np.swapaxes(inner, -1, -2))


def cholesky_tangent(da, low):
    """The tangent of L = np.linalg.cholesky(A): L Phi(L^-1 dA L^-T)."""
    inverse = np.linalg.inv(low)
    return np.matmul(low, _lower_half(np.matmul(inverse, np.matmul(da, np.swapaxes(inverse, -1, -2)))))


def _norm_kind(x, ord, axis):
    """("vector", axes) or ("matrix", axes) as np.linalg.norm decides for these arguments."""
    ndim = np.ndim(x)
    if axis is None:
        if ord is None or ndim == 1:
            return "vector", tuple(range(ndim))
        return "matrix", (0, 1)
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    return ("vector" if len(axes) == 1 else "matrix"), tuple(a % max(ndim, 1) for a in axes)


def _norm_slope(result, x, ord, axis):
    """d norm / d x for the norms with a derivative: 2-, p- and max-norms of vectors, Frobenius,
    nuclear and spectral norms of matrices."""
    kind, axes = _norm_kind(x, ord, axis)
    r = np.expand_dims(result, axes) if np.ndim(result) else result
    if kind == "vector" and ord in (None, 2) or kind == "matrix" and ord in (None, "fro"):
        return x / r
    if kind == "vector" and ord in (np.inf, -np.inf):
        mask = np.abs(x) == r
        return mask * np.sign(x) / np.sum(mask, axis=axes, keepdims=True)
    if kind == "vector" and np.ndim(ord) == 0 and ord not in (0,) and not isinstance(ord, str):
        return np.sign(x) * np.abs(x) ** (ord - 1) / r ** (ord - 1)
    if kind == "matrix" and ord in ("nuc", 2, -2):
        moved = np.moveaxis(x, axes, (-2, -1))
        u, s, vt = np.linalg.svd(moved, full_matrices=False)
        if ord != "nuc":
            pick = 0 if ord == 2 else -1
            u, vt = u[..., :, pick:pick + 1 or None], vt[..., pick:pick + 1 or None, :]
        return np.moveaxis(np.matmul(u, vt), (-2, -1), axes)
    raise NotImplementedError(f"the derivative of np.linalg.norm with ord={ord!r} is not supported")


def norm_adjoint(g, result, x, ord=None, axis=None, keepdims=False):
    """The adjoint of np.linalg.norm(x, ord, axis, keepdims)."""
    kind, axes = _norm_kind(x, ord, axis)
    reduced = np.squeeze(result, axes) if keepdims and np.ndim(result) else result
    spread = np.expand_dims(g, axes) if not keepdims and np.ndim(result) else g
    return spread * _norm_slope(reduced, x, ord, axis)


def norm_tangent(dx, result, x, ord=None, axis=None, keepdims=False):
    """The tangent of np.linalg.norm(x, ord, axis, keepdims)."""
    kind, axes = _norm_kind(x, ord, axis)
    slope = _norm_slope(np.squeeze(result, axes) if keepdims and np.ndim(result) else result, x, ord, axis)
    return np.sum(slope * dx, axis=axes, keepdims=keepdims)
