"""Helpers of np.interp's rules (rules/numpy_statistics.py): the table NumPy interpolates in and
each point's segment of it.

With `period=`, NumPy interpolates x % period in the knots xp % period sorted, with the last knot
less a period put before them and the first plus a period after them (and the values so ordered):
`interp_source` gives, for each knot of that table, the index of the knot of xp (and of the value
of fp) it comes from, and `knot_offsets` and `point_offsets` the constants added to xp[source] and
to x to make it (zero without a period). The table's knots are then `xp[source] + offsets`, a
function of xp whose derivative is the identity, as NumPy's moves with xp.
"""
from __future__ import annotations

import numpy as np

from adjoint.runtime.statistics import UnsupportedArguments


def interp_source(xp, period=None):
    """For each knot of the table np.interp interpolates in, the index of the knot of xp it is."""
    if np.size(xp) < 2:  # no segment: the derivative's slopes would divide by zero
        raise UnsupportedArguments("np.interp with a single knot (xp of one point) is not differentiated")
    if period is None:
        return np.arange(np.size(xp))
    order = np.argsort(np.asarray(xp, dtype=float) % abs(period))
    return np.concatenate((order[-1:], order, order[:1]))


def knot_offsets(xp, period=None):
    """What the table's knots are less xp[interp_source(xp, period)]: zeros without a period."""
    xp = np.asarray(xp, dtype=float)
    source = interp_source(xp, period)
    if period is None:
        return np.zeros(np.size(source))
    period = abs(period)
    table = (xp % period)[source] + np.concatenate(([-period], np.zeros(np.size(xp)), [period]))
    return table - xp[source]


def point_offsets(x, period=None):
    """x % period - x, the constant that wraps the points into one period (0.0 without one)."""
    return 0.0 if period is None else np.asarray(x, dtype=float) % abs(period) - np.asarray(x, dtype=float)


def interp_segments(x, knots):
    """Each x's segment i of the table (knots[i] <= x < knots[i + 1], clipped to the first and the last)."""
    return np.clip(np.searchsorted(knots, x, side="right") - 1, 0, np.size(knots) - 2)


def interp_sides(x, knots):
    """(below, inside, above): masks of x below knots[0], within [knots[0], knots[-1]] and above knots[-1]."""
    below, above = np.asarray(x < knots[0], dtype=float), np.asarray(x > knots[-1], dtype=float)
    return below, 1.0 - below - above, above


def interp_tangent(dx, dxp, dfp, dleft, dright, x, xp, fp, left=None, right=None, period=None):
    """The tangent of np.interp(x, xp, fp, left, right, period) (each d* may be the symbolic zero 0.0).
    With a period NumPy ignores left and right: every point is inside the table."""
    xp, fp = np.asarray(xp, dtype=float), np.asarray(fp, dtype=float)
    source = interp_source(xp, period)
    knots, values = xp[source] + knot_offsets(xp, period), fp[source]
    x = x + point_offsets(x, period)
    segment = interp_segments(x, knots)
    below, inside, above = interp_sides(x, knots)
    width = knots[segment + 1] - knots[segment]
    width = np.where(width == 0, np.inf, width)  # a repeated knot (a jump): no slope, rather than 0 / 0
    t = (x - knots[segment]) / width
    slope = (values[segment + 1] - values[segment]) / width
    dxp = np.broadcast_to(dxp, np.shape(xp))[source]
    dfp = np.broadcast_to(dfp, np.shape(fp))[source]
    moved = (dx + dxp[segment] * (t - 1.0) - dxp[segment + 1] * t) * slope
    lines = dfp[segment] * (1.0 - t) + dfp[segment + 1] * t
    outside = below * (dfp[0] if left is None else dleft) + above * (dfp[-1] if right is None else dright)
    return inside * (moved + lines) + outside
