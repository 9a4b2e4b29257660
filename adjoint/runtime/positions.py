"""Helpers of the rules of np.delete, np.insert, np.resize, np.partition and np.block: each element of the
result is an element of an argument (or none), and the rules find which by running the call itself
on position tags, 1 + an element's flat index (0 where no element of the argument lands), or, for
np.partition, whose order NumPy leaves open, by matching the result's values to the argument's; and the
index np.put_along_axis writes at."""
from __future__ import annotations

import numpy as np

__all__ = ["position_tags", "kept_tags", "inserted_value_tags", "insert_tangent", "tags_gather", "tags_scatter",
           "diagonal_positions", "reordered_tags", "diff_extended", "diff_extended_tangent", "diff_positions",
           "histogram_positions", "block_adjoint", "along_axis_index"]

from adjoint.runtime.refusals import Refused


def position_tags(x):
    """1 + the flat index of each element of x, in x's shape."""
    return np.arange(1, np.size(x) + 1).reshape(np.shape(x))


def kept_tags(arr, obj, values, axis=None):
    """Where np.insert(arr, obj, values, axis) puts the elements of arr, as tags."""
    return np.insert(position_tags(arr), obj, np.zeros(np.shape(values), dtype=np.int64), axis)


def inserted_value_tags(arr, obj, values, axis=None):
    """Where np.insert(arr, obj, values, axis) puts the elements of values, as tags; none when arr's
    values are integers (the inserted values are cast to them: constant where they move)."""
    tags = np.insert(np.zeros(np.shape(arr), dtype=np.int64), obj, position_tags(values), axis)
    return tags if np.issubdtype(np.asarray(arr).dtype, np.inexact) else 0 * tags


def reordered_tags(x, result, axis=-1):
    """The tags of x's elements where `result`, x's elements reordered along axis (the whole of x,
    flattened, for axis None), holds them. They are matched by value: the k-th smallest of x along
    the axis is the k-th smallest of the result (equal elements, where the derivative is not
    defined, matched in their order)."""
    tags = position_tags(x)
    if axis is None:
        x, tags, axis = np.ravel(x), np.ravel(tags), 0
    moved = np.empty_like(tags)
    in_result = np.argsort(result, axis=axis, kind="stable")
    np.put_along_axis(moved, in_result, np.take_along_axis(tags, np.argsort(x, axis=axis, kind="stable"), axis), axis)
    return moved


def insert_tangent(d_arr, d_values, arr, obj, values, axis=None):
    """The tangent of np.insert(arr, obj, values, axis): the tangents inserted as the values are."""
    dtype = np.asarray(arr).dtype if np.issubdtype(np.asarray(arr).dtype, np.inexact) else np.float64
    moved = np.insert(np.broadcast_to(d_arr, np.shape(arr)).astype(dtype), obj, np.zeros(np.shape(values), dtype), axis)
    return moved + tags_gather(d_values, inserted_value_tags(arr, obj, values, axis)).astype(dtype)


def tags_gather(x, tags):
    """The elements of x where tags name them (tag k: element k - 1 of x flattened), 0.0 at tag 0. An x
    of one element may be the number 0.0 that stands for zeros."""
    tags = np.asarray(tags, dtype=np.int64)
    flat = np.ravel(x)
    flat = flat if np.issubdtype(flat.dtype, np.inexact) else flat.astype(np.float64)
    if flat.size == 1:
        return np.where(tags > 0, flat[0], 0.0)
    return np.where(tags > 0, flat[np.maximum(tags - 1, 0)], 0.0)


def tags_scatter(g, tags, like):
    """The adjoint of x in tags_gather(x, tags), x shaped like `like`: each entry of g added to the element
    its tag names."""
    tags = np.asarray(tags, dtype=np.int64)
    picked = tags > 0
    weights = np.broadcast_to(np.asarray(g, dtype=np.float64), tags.shape)[picked]
    total = np.bincount(tags[picked] - 1, weights=weights, minlength=np.size(like))
    if isinstance(like, (float, int)):
        return float(total[0])
    return np.reshape(total, np.shape(like))


def diagonal_positions(a, val):
    """The index of the main diagonal of a that `np.fill_diagonal(a, val)` writes (what it is lowered
    to: `a[diagonal_positions(a, val)] = val`): min(a.shape) entries of a 2-d array, those of an
    n-d array of equal sides. A val of another size than one or the diagonal's, which NumPy repeats
    or cuts, is refused."""
    a = np.asarray(a)
    if a.ndim < 2 or (a.ndim > 2 and len(set(a.shape)) != 1):
        raise ValueError("array must be at least 2-d, and of equal sides when more than 2-d")
    count = min(a.shape)
    if np.size(val) not in (1, count):
        raise Refused(f"np.fill_diagonal with {np.size(val)} values for a diagonal of {count} is not differentiated "
                      "(NumPy repeats or cuts them): give one value or one per diagonal entry")
    return (np.arange(count),) * a.ndim


def diff_extended(x, axis, prepend, append, given):
    """The array `np.diff(x, axis=axis, prepend=prepend, append=append)` takes the differences of: x
    with the ends `given` (a pair of flags) says the call has joined along axis, a number spread over
    the other axes as NumPy spreads it (normalize/math_forms.py)."""
    x = np.asanyarray(x)
    ends = [_diff_end(end, x, axis) if present else None for end, present in zip((prepend, append), given)]
    return np.concatenate([part for part in (ends[0], x, ends[1]) if part is not None], axis)


def diff_extended_tangent(dx, dprepend, dappend, x, axis, prepend, append, given):
    """The tangent of diff_extended(x, axis, prepend, append, given): that of each part (the number
    0.0 for one that carries none) spread to its part's shape, joined."""
    spread = [np.broadcast_to(tangent, np.shape(np.asanyarray(part)))
              for tangent, part in ((dx, x), (dprepend, prepend), (dappend, append))]
    return diff_extended(*spread[:1], axis, *spread[1:], given)


def diff_positions(x, axis, prepend, append, given, part):
    """The positions along axis, in diff_extended's result, of its part 0 (the prepended end), 1 (x)
    or 2 (the appended end)."""
    x = np.asanyarray(x)
    sizes = [np.shape(_diff_end(end, x, axis))[axis] if present else 0 for end, present in zip((prepend, append), given)]
    sizes.insert(1, x.shape[axis])
    start = sum(sizes[:part])
    return np.arange(start, start + sizes[part])


def _diff_end(end, x, axis):
    end = np.asanyarray(end)
    if end.ndim == 0:
        shape = list(x.shape)
        shape[axis] = 1
        end = np.broadcast_to(end, tuple(shape))
    return end


def histogram_positions(a, edges, density):
    """The bin of each entry of a (flattened) among np.histogram's edges: k for edges[k] <= v <
    edges[k + 1], the last bin closed on the right, as NumPy counts them; len(edges) - 1 for an entry
    outside (or NaN), which no bin counts. The weights of a density, divided by their total, are refused."""
    if density:
        raise Refused("the derivative of np.histogram with density=True is not supported; divide the "
                      "weighted counts by their total and the bins' widths")
    edges = np.asarray(edges)
    values = np.ravel(a)
    bins = np.searchsorted(edges, values, side="right") - 1
    bins[values == edges[-1]] = len(edges) - 2
    bins[~((values >= edges[0]) & (values <= edges[-1]))] = len(edges) - 1
    return bins


def block_adjoint(g, arrays):
    """The adjoint of each array in np.block(arrays), in arrays' nesting: the part of g it became.

    The lists nested `depth` deep are joined along axis -1 innermost, ..., -depth outermost, each
    array first given leading axes of length 1 up to the result's dimensions."""
    depth = 0
    inner = arrays
    while isinstance(inner, list):
        depth, inner = depth + 1, inner[0] if inner else None
    return _block_pieces(np.reshape(g, np.shape(np.block(arrays))), arrays, depth)


def _block_pieces(g, arrays, depth):
    if not isinstance(arrays, list):
        return np.reshape(g, np.shape(arrays))
    sizes = [((1,) * depth + np.shape(np.block(item)))[-depth] for item in arrays]
    parts = np.split(g, np.cumsum(sizes)[:-1], axis=-depth)
    return [_block_pieces(part, item, depth - 1) for part, item in zip(parts, arrays)]


def along_axis_index(arr, indices, axis):
    """The index of arr that np.put_along_axis(arr, indices, values, axis) writes values at (`arr[index] =
    values`, as NumPy does): indices along axis, and along each other axis its positions; axis None:
    the flat positions indices of arr."""
    indices = np.asarray(indices)
    if not np.issubdtype(indices.dtype, np.integer):
        raise IndexError("`indices` must be an integer array")
    shape = np.shape(arr)
    if axis is None:
        if indices.ndim != 1:
            raise ValueError("when axis=None, `indices` must have a single dimension.")
        return np.unravel_index(np.where(indices < 0, indices + np.size(arr), indices), shape)
    if indices.ndim != len(shape):
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    axis = axis % len(shape)
    return tuple(indices if k == axis else np.arange(n).reshape([n if j == k else 1 for j in range(len(shape))])
                 for k, n in enumerate(shape))
