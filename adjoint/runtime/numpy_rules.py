"""Helpers of the NumPy rules (adjoint/rules/numpy_*.py) that take more than an expression.

Each is linear in its first argument (the adjoint or tangent it carries) unless it says so.
"""
from __future__ import annotations

import numpy as np

from adjoint.runtime.adjoints import (
    unreduce,
    _float_dtype,
    _is_container,
    _is_zero_scalar,
)
from adjoint.runtime.gradients import dot_adjoint_a, dot_adjoint_b
from adjoint.runtime.refusals import Refused


def np_dot_adjoint_a(g, a, b):
    """The adjoint of a in np.dot(a, b): a @ b's while b has at most 2 dimensions, else a tensordot's."""
    if np.ndim(a) == 0 or np.ndim(b) <= 2:
        return dot_adjoint_a(g, a, b)
    return tensordot_adjoint_a(g, a, b, ([np.ndim(a) - 1], [np.ndim(b) - 2]))


def np_dot_adjoint_b(g, a, b):
    """The adjoint of b in np.dot(a, b): a @ b's while b has at most 2 dimensions, else a tensordot's."""
    if np.ndim(a) == 0 or np.ndim(b) <= 2:
        return dot_adjoint_b(g, a, b)
    return tensordot_adjoint_b(g, a, b, ([np.ndim(a) - 1], [np.ndim(b) - 2]))


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


def _einsum_parts(subscripts, operands):
    """Input and output subscripts of an einsum, made explicit: `...` becomes letters of its own
    (right-aligned, as its axes broadcast), an implicit output is written out."""
    subscripts = subscripts.replace(" ", "")
    inputs, arrow, output = subscripts.partition("->")
    inputs = inputs.split(",")
    if len(inputs) != len(operands):
        raise ValueError(f"np.einsum subscripts {subscripts!r} name {len(inputs)} operands, got {len(operands)}")
    spread = ""
    if "..." in subscripts:
        free = [c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in subscripts]
        widths = [np.ndim(x) - len(spec) + 3 if "..." in spec else 0 for spec, x in zip(inputs, operands)]
        spread = "".join(free[:max(widths)])
        inputs = [spec.replace("...", spread[len(spread) - width:]) for spec, width in zip(inputs, widths)]
        output = output.replace("...", spread)
    if not arrow:
        letters = "".join(inputs)
        output = spread + "".join(sorted(c for c in set(letters) if letters.count(c) == 1 and c not in spread))
    return inputs, output


def einsum_adjoint(g, subscripts, position, *operands):
    """The adjoint of operand `position` of np.einsum(subscripts, *operands) (None operands ignored).

    g is contracted with the other operands onto the operand's distinct letters; letters that
    appear only in that operand were summed, so the result is broadcast along them, and axes
    the operand broadcast (size 1 against a longer one) are summed back. A letter repeated in
    the operand (`ii`, a diagonal) receives the result on that diagonal, zeros elsewhere.
    """
    operands = [x for x in operands if x is not None]
    inputs, output = _einsum_parts(subscripts, operands)
    target = inputs[position]
    letters = "".join(dict.fromkeys(target))
    others = [(spec, x) for k, (spec, x) in enumerate(zip(inputs, operands)) if k != position]
    known = set(output).union(*[spec for spec, _ in others])
    kept = "".join(c for c in letters if c in known)
    specs = ",".join([output] + [spec for spec, _ in others])
    total = np.einsum(f"{specs}->{kept}", g, *[x for _, x in others])
    shape = np.shape(operands[position])
    sizes = [shape[target.index(c)] for c in letters]
    total = np.expand_dims(total, tuple(i for i, c in enumerate(letters) if c not in known))
    broadcast = tuple(i for i, size in enumerate(sizes) if size == 1 and np.shape(total)[i] != 1)
    if broadcast:
        total = np.sum(total, axis=broadcast, keepdims=True)
    total = np.broadcast_to(total, sizes)
    if letters == target:
        return total
    out = np.zeros(shape, dtype=np.result_type(total, float))
    np.einsum(f"{target}->{letters}", out)[...] = total  # a writeable view of the diagonal
    return out


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


def trace_adjoint(g, x, offset=0, axis1=0, axis2=1):
    """The adjoint of np.trace(x, offset, axis1, axis2): g placed on that diagonal of x's axes axis1, axis2."""
    shape = np.shape(x)
    eye = np.eye(shape[axis1], shape[axis2], k=offset, dtype=_adjoint_dtype(g, x))
    return np.moveaxis(np.multiply.outer(eye, g), (0, 1), (axis1, axis2))


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
    count = np.sum(mask, axis=axis, keepdims=True, dtype=_adjoint_dtype(g, x))
    return mask * unreduce(g, x, axis, keepdims) / count


def extremum_tangent(dx, result, x, axis=None, keepdims=False):
    """The tangent of np.max or np.min: the mean tangent of the elements that attain the extremum."""
    mask = x == unreduce(result, x, axis, keepdims)
    count = np.sum(mask, axis=axis, keepdims=keepdims, dtype=_adjoint_dtype(dx, x))
    return np.sum(np.where(mask, dx, 0.0), axis=axis, keepdims=keepdims) / count


def _reduced_count(x, axis):
    """How many elements a reduction of x over axis combines into each output."""
    if axis is None:
        return np.size(x)
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    return int(np.prod([np.shape(x)[a] for a in axes]))


def _adjoint_dtype(g, x):
    """The float dtype of an adjoint built from g for x (a list of arrays, of x or of tangents,
    read as the array it stands for: np.result_type takes a list for a description of fields)."""
    return _float_dtype(np.result_type(*(np.asarray(v) if isinstance(v, (list, tuple)) else v for v in (g, x))))


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


def half_over_std(g, std):
    """g / (2 std) (np.std's derivative through its variance), 0 in a group whose std is 0: a constant
    group, where the slope of np.std is the subgradient 0 (as np.linalg.norm's at a zero vector)."""
    if np.all(np.not_equal(std, 0)):
        return g / (2.0 * std)
    zero = np.equal(std, 0)
    return np.where(zero, 0.0, g / (2.0 * np.where(zero, 1.0, std)))


def half_over_std_slope(g, std):
    """-g / (2 std^2), d half_over_std(g, std) / d std; refused where std is 0 (np.std's curvature at a
    constant group is unbounded)."""
    if np.any(np.equal(std, 0)):
        raise Refused("the second derivative of np.std (or np.nanstd) at a constant group of values is not "
                      "differentiated (its curvature is unbounded there); its first derivative is 0 there")
    return -g / (2.0 * std * std)


def cumsum_adjoint(g, x, axis=None):
    """The adjoint of np.cumsum(x, axis): the cumulative sum of g taken from the end."""
    if axis is None:
        return reshape_like(np.flip(np.cumsum(np.flip(np.ravel(g)))), x)
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


def sinc_slope(x):
    """d/dx np.sinc(x) = (cos(pi x) - sinc(x)) / x, and 0 at x = 0. Not linear: a factor."""
    safe = np.where(x == 0, 1.0, x)
    return np.where(x == 0, 0.0, (np.cos(np.pi * x) - np.sinc(x)) / safe)


def float_cast(g, dtype, like):
    """g as like's float dtype (a list's: its array's) when `dtype` is a float type, else 0.0 (an
    integer cast has no derivative)."""
    if not np.issubdtype(np.dtype(dtype), np.inexact):
        return 0.0
    return np.asarray(g, dtype=_float_dtype(np.asarray(like).dtype))


def astype(x, dtype, copy=True):
    """x.astype(dtype, copy=copy), what `.astype` calls are rewritten to; a number (a NumPy scalar,
    or a float standing for one) gives a NumPy scalar, as a NumPy scalar's astype does."""
    return x.astype(dtype, copy=copy) if isinstance(x, np.ndarray) else np.asarray(x).astype(dtype)[()]


def _pieces(g, shapes, axis):
    """g split along axis into pieces of the given shapes' sizes."""
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
        return reshape_like(repeat_adjoint(g, np.ravel(x), repeats, 0), x)
    moved = np.moveaxis(np.zeros(np.shape(x), dtype=_adjoint_dtype(g, x)), axis, 0)
    owners = np.repeat(np.arange(np.shape(moved)[0]), repeats)
    np.add.at(moved, owners, np.moveaxis(g, axis, 0))
    return np.moveaxis(moved, 0, axis)


def take_adjoint(g, x, indices, axis=None, mode="raise"):
    """The adjoint of np.take(x, indices, axis, mode=mode): g added back at the positions taken (mode applied)."""
    out = np.zeros(np.size(x) if axis is None else np.shape(x), dtype=_adjoint_dtype(g, x))
    indices = np.take(np.arange(np.shape(out)[0 if axis is None else axis]), indices, mode=mode)
    where = indices if axis is None else (slice(None),) * (axis % np.ndim(x)) + (indices,)
    np.add.at(out, where, g)
    return np.reshape(out, np.shape(x))


def kron_adjoint(g, a, b, position):
    """The adjoint of operand `position` (0 for a, 1 for b) of np.kron(a, b): g seen as blocks
    result[(i, k), (j, l)] = a[i, j] b[k, l], contracted with the other operand."""
    ndim = max(np.ndim(a), np.ndim(b))
    a_shape = (1,) * (ndim - np.ndim(a)) + np.shape(a)
    b_shape = (1,) * (ndim - np.ndim(b)) + np.shape(b)
    blocks = np.reshape(g, [size for pair in zip(a_shape, b_shape) for size in pair])
    other, shape = (np.reshape(b, b_shape), np.shape(a)) if position == 0 else (np.reshape(a, a_shape), np.shape(b))
    contracted = list(range(1 - position, 2 * ndim, 2))
    return np.reshape(np.tensordot(blocks, other, axes=(contracted, list(range(ndim)))), shape)


def diff_adjoint(g, n=1, axis=-1):
    """The adjoint of np.diff(x, n, axis): n times, minus the difference of g padded with a zero each side."""
    for _ in range(n):
        g = -np.diff(g, 1, axis, prepend=0.0, append=0.0)
    return g


def gradient_along(f, spacing, axis, edge_order):
    """np.gradient(f, spacing, axis=axis, edge_order=edge_order) for one axis: the one array
    adjoint differentiates (a multi-dimensional f without `axis` gives a list of gradients)."""
    return np.gradient(f, spacing, axis=_one_axis(f, axis), edge_order=edge_order)


def _one_axis(f, axis):
    if axis is None and np.ndim(f) != 1 or not isinstance(axis, (int, type(None))):
        raise Refused("np.gradient is differentiated along one axis: pass `axis=` an integer for an array of more "
                      "than one dimension")
    return 0 if axis is None else axis


def gradient_adjoint(g, f, spacing, axis, edge_order):
    """The adjoint of f in gradient_along(f, spacing, axis, edge_order): the transpose of its
    stencil. np.gradient is linear in f, and result[i] reads f at three consecutive indices
    at most, from start[i] on, so the weight of f[j] in result[i] is result[i] of the gradient
    of the indicator of the indices j + 3k."""
    axis = _one_axis(f, axis)
    n = np.shape(f)[axis]
    weights = np.stack([gradient_along((np.arange(n) % 3 == r).astype(float), spacing, None, edge_order)
                        for r in range(3)])
    moved = np.moveaxis(np.asarray(g, dtype=float), axis, -1)
    rows = np.reshape(moved, (-1, n))
    adjoint = np.zeros_like(rows)
    start = np.clip(np.arange(n) - 1, 0, max(n - 3, 0))
    for offset in range(3):
        read = start + offset
        kept = read < n
        np.add.at(adjoint, (slice(None), read[kept]), rows[:, kept] * weights[read[kept] % 3, np.arange(n)[kept]])
    return np.moveaxis(np.reshape(adjoint, moved.shape), -1, axis)


def _scalar_spacing(spacing):
    if np.ndim(spacing) != 0:
        raise Refused("np.gradient is differentiated with respect to a scalar spacing, not coordinates: pass "
                      "coordinates that do not depend on the differentiated arguments")
    return spacing


def gradient_spacing_adjoint(g, gradient, spacing):
    """The adjoint of the scalar spacing h of gradient = np.gradient(f, h), proportional to 1/h."""
    return -np.sum(g * gradient) / _scalar_spacing(spacing)


def gradient_spacing_tangent(d_spacing, gradient, spacing):
    """The tangent of gradient = np.gradient(f, h) along the scalar spacing h (none along
    coordinates that do not move: a derivative of a callee is given zero tangents for them)."""
    if np.ndim(spacing) != 0 and not np.any(d_spacing):
        return 0.0
    return -gradient * d_spacing / _scalar_spacing(spacing)


def reshape_like(g, x):
    """g in x's shape (the adjoint of a reshape of x); a float when x is a Python number."""
    if isinstance(x, (float, int)):
        return float(np.reshape(g, ()))
    return np.reshape(g, np.shape(x))


def piecewise_conditions(x, condlist, functions):
    """The conditions np.piecewise(x, condlist, funclist) of `functions` functions applies, as NumPy
    makes them: one condition for a scalar (or a list of scalars for a scalar x), boolean, and the
    "otherwise" condition where one function more than conditions is given (ValueError else)."""
    if np.isscalar(condlist) or (not isinstance(condlist[0], (list, np.ndarray)) and x.ndim != 0):
        condlist = [condlist]
    conditions = np.asarray(condlist, dtype=bool)
    if len(conditions) == functions - 1:
        otherwise = ~np.any(conditions, axis=0, keepdims=True)
        conditions = np.concatenate([conditions, otherwise], axis=0)
    elif len(conditions) != functions:
        raise ValueError(f"with {len(conditions)} condition(s), either {len(conditions)} or {len(conditions) + 1} "
                         "functions are expected")
    return conditions


def along_axis_count(view):
    """How many 1-D slices np.apply_along_axis gives its function: the product of the dimensions of
    `view` (the array with the axis moved last) but the last, ValueError where one is 0."""
    count = int(np.prod(np.shape(view)[:-1]))
    if count == 0:
        raise ValueError("Cannot apply_along_axis when any iteration dimensions are 0")
    return count


def along_axis_placement(ndim, axis, result_ndim):
    """(source, destination) of np.moveaxis putting the dimensions of each result of np.apply_along_axis,
    stacked last, where the axis of an array of `ndim` dimensions was."""
    axis = axis % ndim
    return tuple(range(ndim - 1, ndim - 1 + result_ndim)), tuple(range(axis, axis + result_ndim))
