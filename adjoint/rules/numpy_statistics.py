"""Adjoints and tangents of NumPy's statistics, polynomials, integration and signal functions,
and of array functions that pick, append or replace elements.

np.median, np.quantile and np.percentile (and their nan variants) are piecewise linear (the derivative goes to the one
or two elements the order statistic interpolates: for the median the middle element, or half
to each of the two middle ones), np.interp piecewise linear in x (zero slope outside
[xp[0], xp[-1]]; with a period, in x % period), as are np.ptp, np.nanmax and np.nanmin (ties share the derivative).
"""
import numpy as np

from adjoint.templates import d
from adjoint.rules.table import non_differentiable, not_differentiated, register_adjoint, register_tangent
from adjoint.runtime import (
    as_columns, broadcast_like, centered_adjoint, centered_observations, concatenate_adjoint, cov_divisor, cropped_convolution,
    full_convolution, histogram_edges_adjoint, histogram_edges_tangent, histogram_positions, interp_segments,
    interp_sides, interp_source, interp_tangent, item, knot_offsets, point_offsets, item_adjoint, item_placed,
    extremum_adjoint, extremum_tangent, order_adjoint, pad_adjoint, padded, order_tangent, pair_means, quantile_position, pair_means_adjoint, polyfit_points, reshape_like, rowvar_of_y, scatter_sum, spacings,
    spacings_adjoint, stacked_observations, symmetrized, take_along_axis_adjoint, tangent_like, three_component_or_refuse, unbroadcast,
    unreduce, vander_scale, variable_count, weights_adjoint, weights_like,
)

non_differentiable(np.isposinf, np.isneginf)
# The rules below leave these out; a differentiated value given there is refused at its line.
not_differentiated(np.cov, "y", "ddof")
not_differentiated(np.interp, "period")
not_differentiated(np.unwrap, "period")
# np.trapz is np.trapezoid's name before NumPy 2.0 (and a deprecated alias until 2.4).
INTEGRALS = tuple(f for f in (getattr(np, "trapezoid", None), getattr(np, "trapz", None)) if f is not None)

# ----- Averages, medians and covariances ---------------------------------------------------------


# avg = sum(w a) / sum(w) over axis: d avg / d a = w / sum(w), d avg / d w = (a - avg) / sum(w).
@register_adjoint(np.average)
def _(result, a, axis=None, weights=None, returned=False, keepdims=False):
    w = weights_like(weights, a, axis, returned)
    spread = unreduce(d[result], a, axis, keepdims) / np.sum(np.broadcast_to(w, np.shape(a)), axis=axis, keepdims=True)
    d[a] = spread * w
    d[weights] = weights_adjoint(spread * (a - unreduce(result, a, axis, keepdims)), weights, a, axis)


@register_tangent(np.average)
def _(result, a, axis=None, weights=None, returned=False, keepdims=False):
    d[result] = np.sum(weights_like(weights, a, axis, returned) * d[a] + weights_like(d[weights], a, axis)
                       * (a - unreduce(result, a, axis, keepdims)), axis=axis, keepdims=keepdims) / np.sum(
        np.broadcast_to(weights_like(weights, a, axis, returned), np.shape(a)), axis=axis, keepdims=keepdims)


@register_adjoint(np.median)
def _(result, a, axis=None, out=None, overwrite_input=False, keepdims=False):
    d[a] = order_adjoint(d[result], a, axis, 0.5, keepdims)


@register_tangent(np.median)
def _(result, a, axis=None, out=None, overwrite_input=False, keepdims=False):
    d[result] = order_tangent(d[a], a, axis, 0.5, keepdims)


# Quantiles q, method 'linear': each between the order statistics of ranks k and k + 1 around
# q (n - 1), so its derivative with respect to q is their difference times n - 1 (with respect to
# one q: an array of quantiles is differentiated in a, not in q).
@register_adjoint(np.quantile)
def _(result, a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False):
    d[a] = order_adjoint(d[result], a, axis, quantile_position(q, method), keepdims)
    d[q] = reshape_like(np.sum(d[result] * order_tangent(a, a, axis, quantile_position(q, method), keepdims, "slope")), q)


@register_tangent(np.quantile)
def _(result, a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False):
    d[result] = (order_tangent(d[a], a, axis, quantile_position(q, method), keepdims)
                 + d[q] * order_tangent(a, a, axis, quantile_position(q, method), keepdims, "slope"))


@register_adjoint(np.percentile)
def _(result, a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False):
    d[a] = order_adjoint(d[result], a, axis, quantile_position(q, method) / 100.0, keepdims)
    d[q] = reshape_like(np.sum(d[result] * order_tangent(a, a, axis, quantile_position(q, method) / 100.0, keepdims, "slope")) / 100.0, q)


@register_tangent(np.percentile)
def _(result, a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False):
    d[result] = (order_tangent(d[a], a, axis, quantile_position(q, method) / 100.0, keepdims)
                 + d[q] * order_tangent(a, a, axis, quantile_position(q, method) / 100.0, keepdims, "slope") / 100.0)


# np.nanmedian, np.nanquantile and np.nanpercentile: the order statistics of the entries that are not NaN
# (skip_nan); a line of NaNs alone (NumPy's NaN, with a warning) moves with none.
@register_adjoint(np.nanmedian)
def _(result, a, axis=None, out=None, overwrite_input=False, keepdims=False):
    d[a] = order_adjoint(d[result], a, axis, 0.5, keepdims, "value", True)


@register_tangent(np.nanmedian)
def _(result, a, axis=None, out=None, overwrite_input=False, keepdims=False):
    d[result] = order_tangent(d[a], a, axis, 0.5, keepdims, "value", True)


@register_adjoint(np.nanquantile)
def _(result, a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False):
    d[a] = order_adjoint(d[result], a, axis, quantile_position(q, method), keepdims, "value", True)
    d[q] = reshape_like(np.sum(d[result] * order_tangent(a, a, axis, quantile_position(q, method), keepdims, "slope",
                                                         True)), q)


@register_tangent(np.nanquantile)
def _(result, a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False):
    d[result] = (order_tangent(d[a], a, axis, quantile_position(q, method), keepdims, "value", True)
                 + d[q] * order_tangent(a, a, axis, quantile_position(q, method), keepdims, "slope", True))


@register_adjoint(np.nanpercentile)
def _(result, a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False):
    d[a] = order_adjoint(d[result], a, axis, quantile_position(q, method) / 100.0, keepdims, "value", True)
    d[q] = reshape_like(np.sum(d[result] * order_tangent(a, a, axis, quantile_position(q, method) / 100.0, keepdims,
                                                         "slope", True)) / 100.0, q)


@register_tangent(np.nanpercentile)
def _(result, a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False):
    d[result] = (order_tangent(d[a], a, axis, quantile_position(q, method) / 100.0, keepdims, "value", True)
                 + d[q] * order_tangent(a, a, axis, quantile_position(q, method) / 100.0, keepdims, "slope", True)
                 / 100.0)


# NaNs are skipped: they never equal the extremum, and they do not count in the mean.
@register_adjoint(np.nanmax, np.nanmin)
def _(result, x, axis=None, out=None, keepdims=False):
    d[x] = extremum_adjoint(d[result], result, x, axis, keepdims)


@register_tangent(np.nanmax, np.nanmin)
def _(result, x, axis=None, out=None, keepdims=False):
    d[result] = extremum_tangent(d[x], result, x, axis, keepdims)


@register_adjoint(np.nanmean)
def _(result, x, axis=None, dtype=None, out=None, keepdims=False):
    d[x] = np.where(np.isnan(x), 0.0, unreduce(d[result], x, axis, keepdims)) / np.sum(
        np.logical_not(np.isnan(x)), axis=axis, keepdims=True)


@register_tangent(np.nanmean)
def _(result, x, axis=None, dtype=None, out=None, keepdims=False):
    d[result] = np.sum(np.where(np.isnan(x), 0.0, d[x]), axis=axis, keepdims=keepdims) / np.sum(
        np.logical_not(np.isnan(x)), axis=axis, keepdims=keepdims)


# The range max - min along axis.
@register_adjoint(np.ptp)
def _(result, x, axis=None, out=None, keepdims=False):
    d[x] = (extremum_adjoint(d[result], np.max(x, axis=axis, keepdims=keepdims), x, axis, keepdims)
            - extremum_adjoint(d[result], np.min(x, axis=axis, keepdims=keepdims), x, axis, keepdims))


@register_tangent(np.ptp)
def _(result, x, axis=None, out=None, keepdims=False):
    d[result] = (extremum_tangent(d[x], np.max(x, axis=axis, keepdims=keepdims), x, axis, keepdims)
                 - extremum_tangent(d[x], np.min(x, axis=axis, keepdims=keepdims), x, axis, keepdims))


# C = X X^T / (N - ddof) of the centered observations X: dC = (dX X^T + X dX^T) / (N - ddof).
# A second argument y is refused at run time (stack the variables into m); fweights and aweights when generated.
@register_adjoint(np.cov)
def _(result, m, y=None, rowvar=True, bias=False, ddof=None):
    d[m] = 1.0 / cov_divisor(m, y, rowvar, bias, ddof) * centered_adjoint(
        np.dot(d[result] + np.transpose(d[result]), centered_observations(m, rowvar)), m, rowvar)


@register_tangent(np.cov)
def _(result, m, y=None, rowvar=True, bias=False, ddof=None):
    d[result] = 1.0 / cov_divisor(m, y, rowvar, bias, ddof) * np.reshape(2.0 * symmetrized(np.dot(
        centered_observations(d[m], rowvar), np.transpose(centered_observations(m, rowvar)))), np.shape(result))



# R = Z Z^T of the centered observations X (x's variables, then y's), each row divided by its
# norm: Z = X / |X|. The adjoint of Z is (G + G^T) Z, of X its part across Z divided by |X|:
# (H - Z sum(H Z)) / |X|. The tangent, with D = dX X^T and s = |X|^2: 2 sym(D / sqrt(s s^T) - diag(D) / s R).
# NumPy's clip to [-1, 1] touches only the diagonal, constant 1.
@register_adjoint(np.corrcoef)
def _(result, x, y=None, rowvar=True, dtype=None):
    rows = stacked_observations(x, y, rowvar)
    norms = np.sqrt(np.sum(rows * rows, axis=1, keepdims=True))
    spread = np.dot(np.reshape(d[result], np.shape(rows)[:1] * 2) + np.transpose(np.reshape(
        d[result], np.shape(rows)[:1] * 2)), rows / norms)
    moved = (spread - rows / norms * np.sum(spread * rows / norms, axis=1, keepdims=True)) / norms
    d[x] = centered_adjoint(moved[:variable_count(x, rowvar)], x, rowvar)
    d[y] = centered_adjoint(moved[variable_count(x, rowvar):], y, rowvar_of_y(y, rowvar))


@register_tangent(np.corrcoef)
def _(result, x, y=None, rowvar=True, dtype=None):
    d[result] = np.reshape(2.0 * symmetrized(
        np.dot(stacked_observations(tangent_like([d[x], d[y]], [x, y])[0],
                                    tangent_like([d[x], d[y]], [x, y])[1] if y is not None else None, rowvar),
               np.transpose(stacked_observations(x, y, rowvar)))
        / np.sqrt(np.outer(np.sum(stacked_observations(x, y, rowvar) ** 2, axis=1),
                           np.sum(stacked_observations(x, y, rowvar) ** 2, axis=1)))
        - np.expand_dims(np.sum(stacked_observations(tangent_like([d[x], d[y]], [x, y])[0],
                                                     tangent_like([d[x], d[y]], [x, y])[1] if y is not None else None,
                                                     rowvar) * stacked_observations(x, y, rowvar), axis=1)
                         / np.sum(stacked_observations(x, y, rowvar) ** 2, axis=1), 1) * np.atleast_2d(result)),
        np.shape(result))


# ----- Picking, appending, padding, replacing ----------------------------------------------------------


@register_adjoint(np.take_along_axis)
def _(result, arr, indices, axis=-1):
    d[arr] = take_along_axis_adjoint(d[result], arr, indices, axis)


@register_tangent(np.take_along_axis)
def _(result, arr, indices, axis=-1):
    d[result] = np.take_along_axis(d[arr], indices, axis)


# np.append(arr, values, axis) is np.concatenate([arr, values], axis) (flattened for axis None).
@register_adjoint(np.append)
def _(result, arr, values, axis=None):
    d[arr] = reshape_like(item_adjoint(concatenate_adjoint(d[result], [arr, values], axis), 0), arr)
    d[values] = reshape_like(item_adjoint(concatenate_adjoint(d[result], [arr, values], axis), 1), values)


@register_tangent(np.append)
def _(result, arr, values, axis=None):
    d[result] = np.concatenate(tangent_like([d[arr], d[values]], [arr, values]), axis)


# Mode 'constant': the adjoint of x is the unpadded part, the constant gets the rest; in the modes
# that copy elements of x (edge, reflect, symmetric, wrap) each copy's adjoint goes to its source.
@register_adjoint(np.pad)
def _(result, array, pad_width, mode="constant", constant_values=0.0):
    d[array] = pad_adjoint(d[result], array, pad_width, mode, constant_values)
    d[constant_values] = reshape_like(np.sum(d[result]) - np.sum(pad_adjoint(d[result], array, pad_width, mode,
                                                                             constant_values)), constant_values)


@register_tangent(np.pad)
def _(result, array, pad_width, mode="constant", constant_values=0.0):
    d[result] = padded(d[array], d[constant_values], array, pad_width, mode, constant_values)


# NaN and infinities are replaced by constants (or the replacements given): the derivative goes to
# the finite elements of x and to the replacements.
@register_adjoint(np.nan_to_num)
def _(result, x, copy=True, nan=0.0, posinf=None, neginf=None):
    d[x] = np.where(np.isfinite(x), d[result], 0.0)
    d[nan] = unbroadcast(d[result] * np.isnan(x), nan)
    d[posinf] = unbroadcast(d[result] * np.isposinf(x), posinf)
    d[neginf] = unbroadcast(d[result] * np.isneginf(x), neginf)


@register_tangent(np.nan_to_num)
def _(result, x, copy=True, nan=0.0, posinf=None, neginf=None):
    d[result] = (np.where(np.isfinite(x), d[x], 0.0) + d[nan] * np.isnan(x) + d[posinf] * np.isposinf(x)
                 + d[neginf] * np.isneginf(x))


# `x.item()` is rewritten to runtime.item(x) (as `x.astype` is to runtime.astype).
@register_adjoint(item)
def _(result, x, index=None):
    d[x] = item_placed(d[result], x, index)


@register_tangent(item)
def _(result, x, index=None):
    d[result] = item(d[x], index)


# The imaginary part of a real array is zero (complex values are refused).
@register_adjoint(np.imag)
def _(result, x):
    d[x] = 0.0 * d[result]


@register_tangent(np.imag)
def _(result, x):
    d[result] = 0.0 * d[x]


# ----- Polynomials, integration, interpolation ---------------------------------------------------


# p[0] x^(n-1) + ... + p[n-1]: d/dx is the polynomial of the coefficients p[k] (n-1-k), d/dp[k] is x^(n-1-k).
@register_adjoint(np.polyval)
def _(result, p, x):
    d[p] = np.sum(np.reshape(np.expand_dims(d[result], -1) * np.expand_dims(x, -1) ** np.arange(
        np.shape(p)[0] - 1, -1, -1), (np.size(result), np.shape(p)[0])), axis=0)
    d[x] = d[result] * np.polyval(p[:-1] * np.arange(np.shape(p)[0] - 1, 0, -1), x)


@register_tangent(np.polyval)
def _(result, p, x):
    d[result] = np.polyval(d[p], x) + d[x] * np.polyval(p[:-1] * np.arange(np.shape(p)[0] - 1, 0, -1), x)


# np.polyfit(x, y, deg): c = S^-1 P y with V = np.vander(x, deg + 1), S its column norms (NumPy's
# scaling, which the fit does not depend on: held constant) and P = pinv(V S^-1). With C, Y, G
# the coefficients, y and c's adjoint as columns, r = Y - V C and V' = dV/dx by columns: the
# adjoint of y is u = P^T S^-1 G, of x sum(V' S^-1 P u * r - u * V' C) by rows; the tangent is
# S^-1 P (dY - dx V' C + (V' S^-1 P)^T (dx r)).
@register_adjoint(np.polyfit)
def _(result, x, y, deg, rcond=None, full=False, w=None, cov=False):
    fit = np.linalg.pinv(np.vander(polyfit_points(x, deg, rcond, w, full, cov), deg + 1) / vander_scale(x, deg))
    slopes = np.pad(np.vander(x, deg + 1)[:, 1:] * np.arange(deg, 0, -1), ((0, 0), (0, 1)))
    spread = np.dot(np.transpose(fit), as_columns(broadcast_like(d[result], result)) / np.expand_dims(
        vander_scale(x, deg), 1))
    d[y] = np.reshape(spread, np.shape(y))
    d[x] = np.sum(np.dot(slopes, np.dot(fit, spread) / np.expand_dims(vander_scale(x, deg), 1)) * (
        as_columns(y) - np.dot(np.vander(x, deg + 1), as_columns(result))) - spread * np.dot(
        slopes, as_columns(result)), axis=1)


@register_tangent(np.polyfit)
def _(result, x, y, deg, rcond=None, full=False, w=None, cov=False):
    d[result] = np.reshape(np.dot(
        np.linalg.pinv(np.vander(polyfit_points(x, deg, rcond, w, full, cov), deg + 1) / vander_scale(x, deg)),
        as_columns(d[y])
        - np.expand_dims(d[x], 1) * np.dot(
            np.pad(np.vander(x, deg + 1)[:, 1:] * np.arange(deg, 0, -1), ((0, 0), (0, 1))), as_columns(result))
        + np.dot(np.transpose(np.dot(
            np.pad(np.vander(x, deg + 1)[:, 1:] * np.arange(deg, 0, -1), ((0, 0), (0, 1))),
            np.linalg.pinv(np.vander(x, deg + 1) / vander_scale(x, deg)) / np.expand_dims(vander_scale(x, deg), 1))),
            np.expand_dims(d[x], 1) * (as_columns(y) - np.dot(np.vander(x, deg + 1), as_columns(result)))))
        / np.expand_dims(vander_scale(x, deg), 1), np.shape(result))


# polyder and polyint are linear in p: polyder(p, m) is p[:n-m] times polyder(ones, m) (empty when m >= n),
# polyint(p, m) is p times polyint(ones, m)[:n] followed by m zeros (constants k are refused as keywords).
@register_adjoint(np.polyder)
def _(result, p, m=1):
    d[p] = np.pad(d[result] * np.polyder(np.ones(np.shape(p)), m), (0, m))[:np.shape(p)[0]]


@register_tangent(np.polyder)
def _(result, p, m=1):
    d[result] = np.polyder(d[p], m)


@register_adjoint(np.polyint)
def _(result, p, m=1):
    d[p] = d[result][:np.shape(p)[0]] * np.polyint(np.ones(np.shape(p)), m)[:np.shape(p)[0]]


@register_tangent(np.polyint)
def _(result, p, m=1):
    d[result] = np.polyint(d[p], m)


# unwrap adds multiples of the period, piecewise constant in p: its derivative is the identity
# (the period itself is not differentiated).
@register_adjoint(np.unwrap)
def _(result, p, discont=None, axis=-1, period=2.0 * np.pi):
    d[p] = d[result]


@register_tangent(np.unwrap)
def _(result, p, discont=None, axis=-1, period=2.0 * np.pi):
    d[result] = d[p]


# sum(h * m) along axis, h the spacings (diff(x), or dx) and m the pair means (y[i] + y[i+1]) / 2;
# dx counts only when x is None.
@register_adjoint(*INTEGRALS)
def _(result, y, x=None, dx=1.0, axis=-1):
    d[y] = pair_means_adjoint(np.expand_dims(d[result], axis) * (spacings(x, y, axis) if x is not None else dx),
                              y, axis)
    d[x] = spacings_adjoint(np.expand_dims(d[result], axis) * pair_means(y, axis), x, y, axis)
    d[dx] = reshape_like(np.sum(np.expand_dims(d[result], axis) * pair_means(y, axis)), dx) if x is None else 0.0


@register_tangent(*INTEGRALS)
def _(result, y, x=None, dx=1.0, axis=-1):
    d[result] = (np.sum(spacings(d[x], y, axis) * pair_means(y, axis) + spacings(x, y, axis) * pair_means(d[y], axis),
                        axis=axis) if x is not None else
                 np.sum(d[dx] * pair_means(y, axis) + dx * pair_means(d[y], axis), axis=axis))


# np.histogram's weighted counts sum the weights of the entries in each bin: a weight's adjoint is
# its bin's (none outside the bins). The counts are piecewise constant in the samples a; without a
# range the edges are spread between a's least and greatest entries, and move with them (see
# histogram_edges_adjoint). bins and range are not differentiated.
@register_adjoint(np.histogram)
def _(result, a, bins=10, range=None, density=None, weights=None):
    d[weights] = reshape_like(np.concatenate([broadcast_like(item_adjoint(d[result], 0), result[0]), np.zeros(1)])[
        histogram_positions(a, result[1], density)], weights)
    d[a] = histogram_edges_adjoint(item_adjoint(d[result], 1), a, bins, range, result[1])


@register_tangent(np.histogram)
def _(result, a, bins=10, range=None, density=None, weights=None):
    d[result] = (np.bincount(histogram_positions(a, result[1], density),
                             weights=np.ravel(tangent_like(d[weights], weights)), minlength=np.size(result[1]))[:-1],
                 histogram_edges_tangent(tangent_like(d[a], a), a, bins, range, result[1]))


not_differentiated(np.histogram, "bins", "range")


# Within [xp[0], xp[-1]], x in segment i at t = (x - xp[i]) / (xp[i+1] - xp[i]) gives
# bincount(x, weights)[k] sums the weights of the entries of x equal to k: a weight's adjoint is the
# result's at its bin (the counts, without weights, are constants).
@register_adjoint(np.bincount)
def _(result, x, weights=None, minlength=0):
    d[weights] = reshape_like(broadcast_like(d[result], result)[np.asarray(x)], weights)


@register_tangent(np.bincount)
def _(result, x, weights=None, minlength=0):
    d[result] = np.bincount(x, weights=np.ravel(d[weights]), minlength=np.size(result))


# fp[i] + t (fp[i+1] - fp[i]): slope s to x, 1 - t and t to fp[i], fp[i+1], s (t - 1) and -s t to
# xp[i], xp[i+1]. Outside, the value is fp[0] or fp[-1] (or left, right). With a period, in the table
# NumPy makes of xp and fp (runtime/interpolation.py), whose knots and values come from xp[source] and
# fp[source]; x moves as x % period does.
@register_adjoint(np.interp)
def _(result, x, xp, fp, left=None, right=None, period=None):
    source = interp_source(xp, period)
    knots = np.asarray(xp)[source] + knot_offsets(xp, period)
    values = np.asarray(fp)[source]
    points = np.asarray(x) + point_offsets(x, period)
    segment = interp_segments(points, knots)
    sides = interp_sides(points, knots)
    g = broadcast_like(d[result], x)
    width = knots[segment + 1] - knots[segment]
    width = np.where(width == 0, np.inf, width)  # a repeated knot (a jump): no slope, rather than 0 / 0
    t = (points - knots[segment]) / width
    slope = (values[segment + 1] - values[segment]) / width
    d[x] = reshape_like(g * slope * sides[1], x)
    d[xp] = scatter_sum(g * slope * (t - 1.0) * sides[1], source[segment], np.size(xp)) - scatter_sum(
        g * slope * t * sides[1], source[segment + 1], np.size(xp))
    d[fp] = scatter_sum(g * ((1.0 - t) * sides[1] + sides[0] * (left is None)), source[segment], np.size(fp)) + (
        scatter_sum(g * (t * sides[1] + sides[2] * (right is None)), source[segment + 1], np.size(fp)))
    d[left] = reshape_like(np.sum(g * sides[0]), left)
    d[right] = reshape_like(np.sum(g * sides[2]), right)


@register_tangent(np.interp)
def _(result, x, xp, fp, left=None, right=None, period=None):
    d[result] = interp_tangent(d[x], d[xp], d[fp], d[left], d[right], x, xp, fp, left, right, period)


# ----- Signals: convolution and cross products ------------------------------------------------


# The adjoint of a in the full convolution a * v is the valid correlation of g with v (and
# symmetrically for v); other modes crop the full convolution.
@register_adjoint(np.convolve)
def _(result, a, v, mode="full"):
    d[a] = np.convolve(full_convolution(d[result], a, v, mode), v[::-1], "valid")
    d[v] = np.convolve(full_convolution(d[result], a, v, mode), a[::-1], "valid")


@register_tangent(np.convolve)
def _(result, a, v, mode="full"):
    d[result] = np.convolve(d[a], v, mode) + np.convolve(a, d[v], mode)


# np.correlate(a, v, mode) is the full convolution of a with v[::-1] (for real a and v), cropped
# as its mode says (by default "valid").
@register_adjoint(np.correlate)
def _(result, a, v, mode="valid"):
    d[a] = np.convolve(full_convolution(d[result], a, v, mode, True), v, "valid")
    d[v] = np.convolve(full_convolution(d[result], a, v, mode, True), a[::-1], "valid")[::-1]


@register_tangent(np.correlate)
def _(result, a, v, mode="valid"):
    d[result] = np.correlate(d[a], v, mode) + np.correlate(a, d[v], mode)


# 3-vectors along the last axis: <g, da x b> = <da, b x g>, <g, a x db> = <db, g x a>. (The
# tangent, bilinear, holds for 2-component vectors too.)
@register_adjoint(np.cross)
def _(result, a, b):
    d[a] = unbroadcast(np.cross(b, three_component_or_refuse(d[result], a, b)), a)
    d[b] = unbroadcast(np.cross(three_component_or_refuse(d[result], a, b), a), b)


@register_tangent(np.cross)
def _(result, a, b):
    d[result] = np.cross(d[a], b) + np.cross(a, d[b])
