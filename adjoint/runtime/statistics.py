"""Helpers of the rules of NumPy's statistics and signal functions (rules/numpy_statistics.py)
and of `x.item()`.

Each helper that carries an adjoint or a tangent is linear in it; most come in pairs, each
the other's transpose (weights_like and weights_adjoint, median_adjoint and median_tangent,
take_along_axis_adjoint and np.take_along_axis, full_convolution and cropped_convolution).
"""
from __future__ import annotations

import numpy as np

from adjoint.runtime.refusals import Refused


_trapezoid = getattr(np, "trapezoid", None) or getattr(np, "trapz")


class UnsupportedArguments(Refused):
    """Arguments a statistics rule does not differentiate (np.average's returned=True, np.cov's y)."""


def item(x, index=None):
    """`x.item()` or `x.item(index)`: the element of x as a Python number (generated code calls this
    for the method)."""
    return x.item() if index is None else x.item(index)


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


def _median_weights(a, axis):
    """Weights of a's shape: 1 at the middle element of each sorted line along axis (axis None: all
    of a), 1/2 at each of the two middle ones when the line has an even length."""
    a = np.asarray(a)
    axes = tuple(range(a.ndim)) if axis is None else tuple(k % a.ndim for k in np.atleast_1d(axis))
    kept = [k for k in range(a.ndim) if k not in axes]
    moved = np.transpose(a, kept + list(axes))
    lines = np.reshape(moved, moved.shape[:len(kept)] + (-1,))
    count = lines.shape[-1]
    ranks = np.zeros(count)
    ranks[(count - 1) // 2] += 0.5
    ranks[count // 2] += 0.5
    weights = np.zeros(lines.shape)
    np.put_along_axis(weights, np.argsort(lines, axis=-1, kind="stable"), np.broadcast_to(ranks, lines.shape), -1)
    return np.transpose(np.reshape(weights, moved.shape), np.argsort(kept + list(axes)))


def _spread(g, a, axis, keepdims):
    """g (a reduction's result) broadcast back over a's reduced axes."""
    if axis is not None and not keepdims and np.ndim(g) > 0:
        g = np.expand_dims(g, tuple(k % np.ndim(a) for k in np.atleast_1d(axis)))
    return np.broadcast_to(g, np.shape(a))


def median_adjoint(g, a, axis=None, keepdims=False):
    """The adjoint of a in np.median(a, axis, keepdims=keepdims): g at the middle element(s)."""
    return _median_weights(a, axis) * _spread(g, a, axis, keepdims)


def median_tangent(da, a, axis=None, keepdims=False):
    """The tangent of np.median(a, axis, keepdims=keepdims): the tangent of the middle element(s)."""
    reduced = None if axis is None else tuple(np.atleast_1d(axis))
    return np.sum(_median_weights(a, axis) * da, axis=reduced, keepdims=keepdims)


def centered_observations(m, y=None, rowvar=True):
    """np.cov's observations as a 2-d array, one variable a row, each row less its mean. Refuses y."""
    if y is not None:
        raise UnsupportedArguments("np.cov(m, y) is not differentiated: stack the variables into m with np.vstack")
    rows = np.atleast_2d(m) if rowvar or np.ndim(m) < 2 else np.transpose(m)
    return rows - np.mean(rows, axis=1, keepdims=True)


def centered_adjoint(g, m, rowvar=True):
    """The adjoint of m in centered_observations(m, None, rowvar), given g (one variable a row)."""
    centered = g - np.mean(g, axis=1, keepdims=True)
    return np.reshape(centered if rowvar or np.ndim(m) < 2 else np.transpose(centered), np.shape(m))


def cov_divisor(m, rowvar=True, bias=False, ddof=None):
    """What np.cov divides the sum of products by: the count of observations less ddof."""
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


def _convolution_window(a, v, mode):
    """(start, length) of np.convolve(a, v, mode) within the full convolution."""
    n, m = np.size(a), np.size(v)
    if mode == "full":
        return 0, n + m - 1
    if mode == "same":
        return (min(n, m) - 1) // 2, max(n, m)
    return min(n, m) - 1, max(n, m) - min(n, m) + 1


def full_convolution(g, a, v, mode="full"):
    """g (np.convolve(a, v, mode)'s shape) placed in the full convolution's length, zeros around it."""
    start, length = _convolution_window(a, v, mode)
    placed = np.zeros(np.size(a) + np.size(v) - 1)
    placed[start:start + length] = g
    return placed


def cropped_convolution(h, a, v, mode="full"):
    """The part of a full convolution np.convolve(a, v, mode) keeps (full_convolution's transpose)."""
    start, length = _convolution_window(a, v, mode)
    return h[start:start + length]


def _interp_parts(x, xp):
    """For np.interp: each x's segment i (xp[i] <= x <= xp[i + 1], clipped to the first and last),
    its position t in it, and the masks of x below xp[0] and above xp[-1]."""
    segment = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, np.size(xp) - 2)
    t = (x - xp[segment]) / (xp[segment + 1] - xp[segment])
    return segment, t, x < xp[0], x > xp[-1]


def _refuse_period(period):
    if period is not None:
        raise UnsupportedArguments("np.interp(..., period=...) is not differentiated")


def interp_adjoint(g, x, xp, fp, left=None, right=None, period=None, of="x"):
    """The adjoint of x, xp, fp, left or right (`of`) in np.interp(x, xp, fp, left, right), given g."""
    _refuse_period(period)
    xp, fp = np.asarray(xp, dtype=float), np.asarray(fp, dtype=float)
    segment, t, below, above = _interp_parts(x, xp)
    inside = ~below & ~above
    slope = (fp[segment + 1] - fp[segment]) / (xp[segment + 1] - xp[segment])
    g = np.broadcast_to(g, np.shape(x))
    if of == "x":
        return g * slope * inside
    if of == "left":
        return float(np.sum(g * below))
    if of == "right":
        return float(np.sum(g * above))
    first = g * (below if left is None else 0.0)
    last = g * (above if right is None else 0.0)
    if of == "fp":
        lower, upper = g * (1.0 - t) * inside, g * t * inside
    else:
        lower, upper = g * slope * (t - 1.0) * inside, -g * slope * t * inside
        first, last = 0.0 * first, 0.0 * last
    total = np.zeros(np.size(xp))
    np.add.at(total, np.ravel(segment), np.ravel(lower))
    np.add.at(total, np.ravel(segment) + 1, np.ravel(upper))
    total[0] += np.sum(first)
    total[-1] += np.sum(last)
    return total


def interp_tangent(dx, dxp, dfp, dleft, dright, x, xp, fp, left=None, right=None, period=None):
    """The tangent of np.interp(x, xp, fp, left, right) (each d* may be the symbolic zero 0.0)."""
    _refuse_period(period)
    xp, fp = np.asarray(xp, dtype=float), np.asarray(fp, dtype=float)
    segment, t, below, above = _interp_parts(x, xp)
    inside = ~below & ~above
    slope = (fp[segment + 1] - fp[segment]) / (xp[segment + 1] - xp[segment])
    dxp, dfp = np.broadcast_to(dxp, np.shape(xp)), np.broadcast_to(dfp, np.shape(fp))
    moved = (dx + dxp[segment] * (t - 1.0) - dxp[segment + 1] * t) * slope
    lines = dfp[segment] * (1.0 - t) + dfp[segment + 1] * t
    outside = below * (dfp[0] if left is None else dleft) + above * (dfp[-1] if right is None else dright)
    return inside * (moved + lines) + outside


def _spacing_and_pairs(y, x, dx, axis):
    """np.trapezoid's pieces with `axis` last: the spacings h (broadcastable against the pairs) and
    the pair means (y[i] + y[i + 1]) / 2."""
    moved = np.moveaxis(y, axis, -1)
    pairs = 0.5 * (moved[..., 1:] + moved[..., :-1])
    if x is None:
        return dx, pairs
    spacing = np.diff(x) if np.ndim(x) == 1 else np.moveaxis(np.diff(x, axis=axis), axis, -1)
    return spacing, pairs


def trapezoid_adjoint(g, y, x=None, dx=1.0, axis=-1, of="y"):
    """The adjoint of y, x or dx (`of`) in np.trapezoid(y, x, dx, axis), given g."""
    spacing, pairs = _spacing_and_pairs(y, x, dx, axis)
    spread = np.expand_dims(g, -1)
    if of == "y":
        steps = np.broadcast_to(spacing * spread, np.shape(pairs))
        zero = np.zeros(np.shape(pairs)[:-1] + (1,))
        weights = 0.5 * (np.concatenate([steps, zero], -1) + np.concatenate([zero, steps], -1))
        return np.moveaxis(weights, -1, axis)
    if of == "dx":
        return float(np.sum(spread * pairs))
    step = spread * pairs
    zero = np.zeros(np.shape(step)[:-1] + (1,))
    moved = np.concatenate([zero, step], -1) - np.concatenate([step, zero], -1)
    if np.ndim(x) == 1:
        return np.reshape(np.sum(np.reshape(moved, (-1, np.shape(moved)[-1])), axis=0), np.shape(x))
    return np.moveaxis(moved, -1, axis)


def trapezoid_tangent(dy, dxs, ddx, y, x=None, dx=1.0, axis=-1):
    """The tangent of np.trapezoid(y, x, dx, axis) along dy, dxs (x's tangent) and ddx (dx's)."""
    total = _trapezoid(dy, x, dx, axis) if np.ndim(dy) or np.ndim(y) == 0 else 0.0
    spacing, pairs = _spacing_and_pairs(y, x, dx, axis)
    if x is None:
        return total + np.sum(ddx * pairs, axis=-1)
    if np.ndim(dxs) == 0:
        return total
    moved = np.diff(dxs) if np.ndim(x) == 1 else np.moveaxis(np.diff(dxs, axis=axis), axis, -1)
    return total + np.sum(moved * pairs, axis=-1)
