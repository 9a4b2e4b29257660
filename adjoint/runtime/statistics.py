"""Helpers of the rules of NumPy's statistics and signal functions (rules/numpy_statistics.py),
of `x.item()`, and the sums and means given a dtype or a mask (rules/numpy_reductions.py).

Each helper that carries an adjoint or a tangent is linear in it; most come in pairs, each
the other's transpose (weights_like and weights_adjoint, order_adjoint and order_tangent,
take_along_axis_adjoint and np.take_along_axis, full_convolution and cropped_convolution).
"""
from __future__ import annotations

import numpy as np

from adjoint.runtime.adjoints import unbroadcast, unreduce
from adjoint.runtime.builtin_rules import tangent_like
from adjoint.runtime.refusals import Refused


_trapezoid = getattr(np, "trapezoid", None) or getattr(np, "trapz")


class UnsupportedArguments(Refused):
    """Arguments a statistics rule does not differentiate (np.average's returned=True, np.cov's y,
    np.interp with a single knot)."""


def item(x, index=None):
    """`x.item()` or `x.item(index)`: the element of x as a Python number (generated code calls this
    for the method)."""
    return x.item() if index is None else x.item(index)


def copied(x, order=None):
    """`x.copy()` (generated code calls this for the method): an array's copy, and a list's, a
    dict's or a set's own (shallow) copy, as Python makes it. Another object's `copy` is code of
    its own, which this is not the derivative of: refused."""
    if not isinstance(x, (np.ndarray, np.generic, list, dict, set)):
        raise Refused(f"`.copy()` of a {type(x).__name__} runs the class's own method, which adjoint does not "
                      "differentiate; copy the values it holds instead")
    return x.copy() if order is None else x.copy(order)


def listed(x):
    """`x.tolist()` (generated code calls this for the method): an array's items as (nested) lists of
    Python numbers."""
    return x.tolist()


def listed_tangent(dx, x):
    """The tangent of `x.tolist()`: x's tangent as lists like x's (zeros where it is symbolic)."""
    return np.broadcast_to(dx, np.shape(x)).tolist() if np.ndim(x) else float(dx)


def copied_tangent(dx):
    """The tangent of `x.copy()`: a copy of x's tangent (or its symbolic zero)."""
    return dx.copy() if isinstance(dx, (np.ndarray, list, dict)) else dx


def item_placed(g, x, index=None):
    """The adjoint of x in x.item(index): zeros of x's shape with g at that element."""
    placed = np.zeros(np.shape(x))
    if index is None:
        placed.flat[0] = g
    elif isinstance(index, tuple):
        placed[index] = g
    else:
        placed.flat[index] = g
    return placed


def weights_like(weights, a, axis=None, returned=False):
    """np.average's weights as they multiply a: 1.0 for none, a 1-d weight along `axis` reshaped to
    broadcast against a. Refuses returned=True (a tuple result)."""
    if returned:
        raise UnsupportedArguments("np.average(..., returned=True) is not differentiated: compute the sum of "
                                   "the weights with np.sum")
    if weights is None:
        return 1.0
    if np.ndim(weights) == np.ndim(a) or axis is None:
        return weights
    shape = [1] * np.ndim(a)
    shape[axis] = np.shape(weights)[0]
    return np.reshape(weights, shape)


def weights_adjoint(g, weights, a, axis=None):
    """The adjoint of weights in weights_like(weights, a, axis) given g (a's shape, or broadcastable)."""
    if weights is None:
        return 0.0
    if np.ndim(weights) == np.ndim(a) or axis is None:
        return np.broadcast_to(g, np.shape(weights)) if np.shape(g) != np.shape(weights) else g
    others = tuple(k for k in range(np.ndim(g)) if k != axis % np.ndim(a))
    return np.reshape(np.sum(g, axis=others), np.shape(weights))


def _order_weights(a, axis, position, kind, skip_nan=False):
    """Weights of a's shape that pick, along axis (axis None: all of a), the order statistic at
    `position` in [0, 1] of each sorted line, linearly between the two nearest ranks (NumPy's
    'linear' method): (1 - f, f) on ranks (k, k + 1) for kind "value"; (-1, 1) (n - 1), its
    derivative with respect to the position, for kind "slope"; zeros for None. skip_nan (np.nanmedian,
    np.nanquantile): of the entries of each line that are not NaN (sorted first), n their count. A
    line of no entries (NumPy's NaN) moves with none."""
    a = np.asarray(a)
    axes = tuple(range(a.ndim)) if axis is None else tuple(k % a.ndim for k in np.atleast_1d(axis))
    kept = [k for k in range(a.ndim) if k not in axes]
    moved = np.transpose(a, kept + list(axes))
    lines = np.reshape(moved, moved.shape[:len(kept)] + (int(np.prod(moved.shape[len(kept):], dtype=int)),))
    counts = np.sum(~np.isnan(lines), axis=-1, keepdims=True) if skip_nan else np.full(lines.shape[:-1] + (1,),
                                                                                       lines.shape[-1])
    place = float(position) * (counts - 1)
    lower = np.clip(np.floor(place).astype(int), 0, np.maximum(counts - 1, 0))
    upper = np.minimum(lower + 1, np.maximum(counts - 1, 0))
    ranks = np.arange(lines.shape[-1])
    if kind == "value":
        ranks = (ranks == lower) * (1.0 - (place - lower)) + (ranks == upper) * (place - lower)
    elif kind == "slope":
        ranks = ((ranks == upper) * 1.0 - (ranks == lower)) * (counts - 1.0)
    else:
        ranks = np.zeros(lines.shape)
    weights = np.zeros(lines.shape)
    np.put_along_axis(weights, np.argsort(lines, axis=-1, kind="stable"),
                      np.broadcast_to(np.where(counts > 0, ranks, 0.0), lines.shape), -1)
    return np.transpose(np.reshape(weights, moved.shape), np.argsort(kept + list(axes)))


def _spread(g, a, axis, keepdims):
    """g (a reduction's result) broadcast back over a's reduced axes."""
    if axis is not None and not keepdims and np.ndim(g) > 0:
        g = np.expand_dims(g, tuple(k % np.ndim(a) for k in np.atleast_1d(axis)))
    return np.broadcast_to(g, np.shape(a))


def quantile_position(q, method="linear"):
    """q (a number, or an array of quantiles: np.percentile(x, [25, 75])), after refusing a method
    other than 'linear', which the order-statistic rules do not differentiate."""
    if method != "linear":
        raise UnsupportedArguments(f"np.quantile and np.percentile are differentiated with method='linear', "
                                   f"not method={method!r}")
    return np.asarray(q) if np.ndim(q) else q


def _positions(position, kind):
    """The positions of an array of quantiles, one by one; refuses the derivative with respect to
    them (kind "slope"), which the rules take as that of one quantile."""
    if kind != "value":
        raise UnsupportedArguments("np.quantile and np.percentile are differentiated with respect to an array "
                                   "of quantiles q one quantile at a time: differentiate one q per call")
    return np.ravel(position)


def order_adjoint(g, a, axis=None, position=0.5, keepdims=False, kind="value", skip_nan=False):
    """The adjoint of a in the order statistic at `position` along axis (np.median: 0.5; np.quantile),
    given g: g at the one or two elements it interpolates. kind "slope": the derivative of that
    adjoint with respect to the position. An array of positions: g's leading axes are theirs.
    skip_nan: of the entries that are not NaN (np.nanmedian, np.nanquantile)."""
    if np.ndim(position):
        positions = _positions(position, kind)
        items = np.reshape(g, (positions.size,) + np.shape(g)[np.ndim(position):]) if np.ndim(g) else [g] * positions.size
        return sum(order_adjoint(item, a, axis, p, keepdims, kind, skip_nan) for item, p in zip(items, positions))
    return _order_weights(a, axis, position, kind, skip_nan) * _spread(g, a, axis, keepdims)


def order_tangent(da, a, axis=None, position=0.5, keepdims=False, kind="value", skip_nan=False):
    """The tangent of the order statistic at `position` along axis: da interpolated as a is (an
    array of positions: one such tangent each, along leading axes of the positions' shape). skip_nan:
    of the entries that are not NaN, da where a is NaN left out (it may be a itself, the slope's)."""
    if np.ndim(position):
        tangents = [order_tangent(da, a, axis, p, keepdims, kind, skip_nan) for p in _positions(position, kind)]
        return np.reshape(tangents, np.shape(position) + np.shape(tangents[0]))
    reduced = None if axis is None else tuple(np.atleast_1d(axis))
    if skip_nan:
        da = np.where(np.isnan(a), 0.0, da)
    return np.sum(_order_weights(a, axis, position, kind, skip_nan) * da, axis=reduced, keepdims=keepdims)


def slope_kind(kind):
    """The kind of weights that differentiate `kind` with respect to the position ("slope" for
    "value"); None for "slope" (constant in the position)."""
    return "slope" if kind == "value" else None


def centered_observations(m, rowvar=True):
    """np.cov's observations as a 2-d array, one variable a row, each row less its mean."""
    rows = np.atleast_2d(m) if rowvar or np.ndim(m) < 2 else np.transpose(m)
    return rows - np.mean(rows, axis=1, keepdims=True)


def centered_adjoint(g, m, rowvar=True):
    """The adjoint of m in centered_observations(m, rowvar), given g (one variable a row)."""
    centered = g - np.mean(g, axis=1, keepdims=True)
    return np.reshape(centered if rowvar or np.ndim(m) < 2 else np.transpose(centered), np.shape(m))


def stacked_observations(x, y=None, rowvar=True):
    """np.corrcoef's observations: x's variables, then y's (when given), one a row, each less its mean."""
    rows = centered_observations(x, rowvar)
    return rows if y is None else np.concatenate([rows, centered_observations(y, rowvar_of_y(y, rowvar))])


def rowvar_of_y(y, rowvar=True):
    """rowvar as np.cov and np.corrcoef read it for y: a y of one row is one variable whatever it says."""
    return rowvar or np.shape(np.atleast_2d(y))[0] == 1


def variable_count(x, rowvar=True):
    """How many variables (rows of its observations) x holds, as np.cov and np.corrcoef read it."""
    return np.shape(centered_observations(x, rowvar))[0]


def cov_divisor(m, y=None, rowvar=True, bias=False, ddof=None):
    """What np.cov divides the sum of products by: the count of observations less ddof. Refuses y."""
    if y is not None:
        raise UnsupportedArguments("np.cov(m, y) is not differentiated: stack the variables into m with np.vstack")
    count = np.shape(np.atleast_2d(m) if rowvar or np.ndim(m) < 2 else np.transpose(m))[1]
    return count - (ddof if ddof is not None else 0 if bias else 1)


def take_along_axis_adjoint(g, arr, indices, axis=-1):
    """The adjoint of arr in np.take_along_axis(arr, indices, axis): g added at the taken places."""
    target = np.zeros(np.size(arr) if axis is None else np.shape(arr))
    where = list(np.indices(np.shape(g), sparse=True))
    position = 0 if axis is None else axis % np.ndim(arr)
    where = [w if np.shape(target)[k] > 1 else np.zeros_like(w) for k, w in enumerate(where)]
    where[position] = np.broadcast_to(indices, np.shape(g))
    np.add.at(target, tuple(where), g)
    return np.reshape(target, np.shape(arr))


def running_max(x, axis=0):
    """`np.maximum.accumulate(x, axis)` (normalize/desugar.py): the running maximum along axis."""
    return np.maximum.accumulate(x, axis=axis)


def running_min(x, axis=0):
    """`np.minimum.accumulate(x, axis)`: the running minimum along axis."""
    return np.minimum.accumulate(x, axis=axis)


def running_sources(result, axis):
    """For each entry of a running maximum or minimum along axis (`result`), the index along axis of
    the entry of x it is: where it differs from the one before, its own; else (not beyond it, or a
    tie, which np.maximum(so_far, item) breaks for so_far) the one before's. A NaN, which NumPy
    propagates, stays at the first."""
    moved = np.moveaxis(np.asarray(result), axis, 0)
    sources = np.zeros(moved.shape, dtype=np.intp)
    for index in range(1, moved.shape[0]):
        before, now = moved[index - 1], moved[index]
        changed = (now != before) & ~(np.isnan(now) & np.isnan(before))
        sources[index] = np.where(changed, index, sources[index - 1])
    return np.moveaxis(sources, 0, axis)


def _convolution_window(a, v, mode, correlated=False):
    """(start, length) of np.convolve(a, v, mode) within the full convolution; `correlated`: of
    np.correlate(a, v, mode), the same but for mode "same" with v the longer (NumPy swaps a and
    v, and the window starts at the other end)."""
    n, m = np.size(a), np.size(v)
    if mode == "full":
        return 0, n + m - 1
    if mode == "same":
        start = (min(n, m) - 1) // 2
        return (n - 1 - start if correlated and n < m else start), max(n, m)
    return min(n, m) - 1, max(n, m) - min(n, m) + 1


def full_convolution(g, a, v, mode="full", correlated=False):
    """g (np.convolve(a, v, mode)'s shape) placed in the full convolution's length, zeros around it."""
    start, length = _convolution_window(a, v, mode, correlated)
    placed = np.zeros(np.size(a) + np.size(v) - 1)
    placed[start:start + length] = g
    return placed


def cropped_convolution(h, a, v, mode="full", correlated=False):
    """The part of a full convolution np.convolve(a, v, mode) keeps (full_convolution's transpose)."""
    start, length = _convolution_window(a, v, mode, correlated)
    return h[start:start + length]


def _along(y, axis, values):
    """values (the last axis along `axis` of y) moved back into place."""
    return np.moveaxis(values, -1, axis)


def pair_means(y, axis=-1):
    """(y[i] + y[i + 1]) / 2 along axis: the trapezoids' mean heights."""
    moved = np.moveaxis(y, axis, -1)
    return _along(y, axis, 0.5 * (moved[..., 1:] + moved[..., :-1]))


def pair_means_adjoint(h, y, axis=-1):
    """The adjoint of y in pair_means(y, axis), given h (pair_means' shape, or broadcastable to it)."""
    if np.shape(y)[axis] == 0:  # no pairs (an integral of no samples is 0.0)
        return np.zeros(np.shape(y))
    moved = np.moveaxis(_summed_to(h, y, axis), axis, -1)
    edge = np.zeros(np.shape(moved)[:-1] + (1,))
    return _along(y, axis, 0.5 * (np.concatenate([moved, edge], -1) + np.concatenate([edge, moved], -1)))


def _summed_to(h, v, axis):
    """h in the shape of np.diff(v, axis=axis): broadcast up to it, or summed over the axes along
    which v (y or x of np.trapezoid, one broadcast against the other) was broadcast."""
    shape = list(np.shape(v))
    shape[axis] -= 1
    return unbroadcast(h, np.broadcast_to(0.0, shape))


def spacings(x, y, axis=-1):
    """np.diff(x) along axis, shaped to multiply pair_means(y, axis) (a 1-d x runs along axis)."""
    if np.ndim(x) == 1 and np.ndim(y) > 1:
        shape = [1] * np.ndim(y)
        shape[axis] = np.size(x) - 1
        return np.reshape(np.diff(x), shape)
    return np.diff(x, axis=axis)


def spacings_adjoint(h, x, y, axis=-1):
    """The adjoint of x in spacings(x, y, axis), given h (pair_means' shape, or broadcastable to it)."""
    if np.ndim(x) == 1 and np.ndim(y) > 1:
        others = tuple(k for k in range(np.ndim(h)) if k != axis % np.ndim(y))
        h = np.reshape(np.sum(h, axis=others), (np.size(x) - 1,))
        axis = 0
    if np.shape(x)[axis] == 0:
        return np.zeros(np.shape(x))
    moved = np.moveaxis(_summed_to(h, x, axis), axis, -1)
    edge = np.zeros(np.shape(moved)[:-1] + (1,))
    return np.moveaxis(np.concatenate([edge, moved], -1) - np.concatenate([moved, edge], -1), -1, axis)


def scatter_sum(values, index, size):
    """A vector of `size` zeros with each of values added at its index (repeated indices add up)."""
    total = np.zeros(size)
    np.add.at(total, np.ravel(index), np.ravel(values))
    return total


def _pad_selects(mode) -> bool:
    """Whether every element np.pad adds in this mode is a copy of an element of x."""
    return mode in ("edge", "reflect", "symmetric", "wrap")


def _check_pad(mode, constant_values):
    if not (mode == "constant" and np.ndim(constant_values) == 0 or _pad_selects(mode)):
        raise UnsupportedArguments(f"np.pad is differentiated in mode 'constant' with one constant value and in the "
                                   f"modes 'edge', 'reflect', 'symmetric' and 'wrap', not mode {mode!r} with "
                                   f"constant_values of shape {np.shape(constant_values)}")


def _pad_sources(x, pad_width, mode):
    """For each element of np.pad(x, pad_width, mode), the flat index of the element of x it copies."""
    return np.pad(np.arange(np.size(x)).reshape(np.shape(x)), pad_width, mode=mode)


def pad_adjoint(g, x, pad_width, mode="constant", constant_values=0.0):
    """The adjoint of x in np.pad(x, pad_width, mode, constant_values=...): g without the padding, and
    in a selecting mode each padded element's adjoint added to the element it copies."""
    _check_pad(mode, constant_values)
    if _pad_selects(mode):
        return scatter_sum(g, _pad_sources(x, pad_width, mode), np.size(x)).reshape(np.shape(x))
    widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (np.ndim(x), 2))
    return g[tuple(slice(before, before + size) for (before, _), size in zip(widths, np.shape(x)))]


def padded(dx, dvalue, x, pad_width, mode="constant", constant_values=0.0):
    """The tangent of np.pad(x, pad_width, mode, constant_values=...) from x's tangent dx and the
    constant's tangent dvalue (either may be the symbolic zero 0.0)."""
    _check_pad(mode, constant_values)
    if _pad_selects(mode):
        return np.pad(np.broadcast_to(dx, np.shape(x)), pad_width, mode=mode)
    return np.pad(np.broadcast_to(dx, np.shape(x)), pad_width, constant_values=dvalue)


def _given(initial):
    """The `initial=` keyword as it was given: none for None (np.max reads None as none given; np.sum
    and np.prod are called without it, as they are where it is left out)."""
    return {} if initial is None else {"initial": initial}


def summed(x, axis=None, dtype=None, keepdims=False, where=True, initial=None):
    """np.sum(x, axis, dtype, keepdims=keepdims, where=where, initial=initial), what a sum given a
    dtype, a mask or a start is rewritten to (normalize/desugar.py): its rule takes those keywords,
    np.sum's does not."""
    return np.sum(x, axis=axis, dtype=dtype, keepdims=keepdims, where=where, **_given(initial))


def multiplied(x, axis=None, dtype=None, keepdims=False, where=True, initial=None):
    """np.prod(x, ...) given a dtype, a mask or a start, as summed stands for np.sum."""
    return np.prod(x, axis=axis, dtype=dtype, keepdims=keepdims, where=where, **_given(initial))


def highest(x, axis=None, keepdims=False, where=True, initial=None):
    """np.max(x, ...) given a mask or a start (NumPy wants a start with a mask), as summed stands for np.sum."""
    return np.max(x, axis=axis, keepdims=keepdims, where=where, **_given(initial))


def lowest(x, axis=None, keepdims=False, where=True, initial=None):
    """np.min(x, ...) given a mask or a start."""
    return np.min(x, axis=axis, keepdims=keepdims, where=where, **_given(initial))


def _extremum_hits(result, x, axis, keepdims, where, initial):
    """Which entries of x the mask keeps and equal the extremum `result` (x's shape), whether the
    start `initial` equals it, and how many of the two attain it (result's shape)."""
    hits = np.logical_and(where, np.asarray(x) == unreduce(result, x, axis, keepdims))
    at_initial = np.zeros(np.shape(result), dtype=bool) if initial is None else np.asarray(result) == initial
    return hits, at_initial, np.sum(hits, axis=axis, keepdims=keepdims) + at_initial


def extremum_share(result, x, axis=None, keepdims=False, where=True, initial=None):
    """Each entry of x's share of the derivative of np.max or np.min given a mask or a start: ties,
    the start among them, share it equally (x's shape)."""
    hits, _, count = _extremum_hits(result, x, axis, keepdims, where, initial)
    return hits / unreduce(count, x, axis, keepdims)


def initial_share(result, x, axis=None, keepdims=False, where=True, initial=None):
    """The start's share of the derivative of np.max or np.min (result's shape), as extremum_share."""
    _, at_initial, count = _extremum_hits(result, x, axis, keepdims, where, initial)
    return at_initial / count


def log_sum_exp(x, axis=0, keepdims=False):
    """`np.logaddexp.reduce(x, axis)` (normalize/desugar.py): log(sum(exp(x))) along axis."""
    return np.logaddexp.reduce(x, axis=axis, keepdims=keepdims)


def select_adjoint(g, condlist, choicelist):
    """The adjoint of each choice of np.select(condlist, choicelist, default): g where the choice is
    the one taken (the first whose condition holds), summed back to the choice's shape."""
    taken = False
    adjoints = []
    for condition, choice in zip(condlist, choicelist):
        adjoints.append(unbroadcast(np.where(np.logical_and(condition, np.logical_not(taken)), g, 0.0), choice))
        taken = np.logical_or(taken, condition)
    return adjoints


def select_tangent(condlist, d_choices, choicelist, d_default, like):
    """The tangent of np.select(condlist, choicelist, default): the tangent of the choice (or the
    default) each entry took, in the shape of its result `like` (the tangents may be 0.0, a zero of any shape)."""
    return np.broadcast_to(np.select(condlist, tangent_like(d_choices, choicelist), d_default), np.shape(like))


def any_condition(condlist):
    """Where some condition of np.select holds: where its default is not taken."""
    return np.logical_or.reduce(np.broadcast_arrays(*condlist)) if condlist else False


def averaged(x, axis=None, dtype=None, keepdims=False, where=True):
    """np.mean(x, axis, dtype, keepdims=keepdims, where=where), as summed stands for np.sum."""
    return np.mean(x, axis=axis, dtype=dtype, keepdims=keepdims, where=where)


def kept_count(x, axis, where):
    """How many entries of x the mask `where` keeps along axis (the axes kept, of size 1), at least 1
    (a slice that keeps none has no entry a derivative could reach)."""
    return np.maximum(np.sum(np.broadcast_to(where, np.shape(x)), axis=axis, keepdims=True), 1)
