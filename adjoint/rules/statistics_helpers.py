"""Derivatives of the helpers the statistics rules call (numpy_statistics.py), for second order.

Each helper is linear in its first argument and most come in transposed pairs. interp_tangent,
the helper of np.interp's forward rule, has none: reverse mode over jvp through np.interp is not
supported (forward over reverse, as in hvp, and reverse over reverse are).
"""
import numpy as np

from adjoint import runtime
from adjoint.templates import d
from adjoint.rules.table import non_differentiable, register_adjoint, register_tangent
from adjoint.runtime import (
    centered_adjoint, centered_observations, cropped_convolution, rowvar_of_y, stacked_observations, tangent_like, variable_count, full_convolution, item, item_placed,
    order_adjoint, order_tangent, pad_adjoint, padded, pair_means, reshape_like, slope_kind, pair_means_adjoint, scatter_sum, spacings, spacings_adjoint,
    take_along_axis_adjoint, unbroadcast, weights_adjoint, weights_like,
)
from adjoint.runtime import half_over_std, half_over_std_slope

non_differentiable(runtime.cov_divisor, runtime.variable_count, runtime.rowvar_of_y, runtime.interp_segments, runtime.interp_sides,
                   runtime.interp_source, runtime.knot_offsets, runtime.point_offsets, runtime.slope_kind)


@register_adjoint(runtime.item_placed)
def _(result, g, x, index=None):
    d[g] = item(np.asarray(d[result]), index)  # the adjoint of a 0-d array may arrive as a float


@register_tangent(runtime.item_placed)
def _(result, g, x, index=None):
    d[result] = item_placed(d[g], x, index)


@register_adjoint(runtime.weights_like)
def _(result, weights, a, axis=None, returned=False):
    d[weights] = weights_adjoint(d[result], weights, a, axis)


@register_tangent(runtime.weights_like)
def _(result, weights, a, axis=None, returned=False):
    d[result] = weights_like(d[weights], a, axis, returned)


@register_adjoint(runtime.weights_adjoint)
def _(result, g, weights, a, axis=None):
    d[g] = unbroadcast(weights_like(d[result], a, axis), g)


@register_tangent(runtime.weights_adjoint)
def _(result, g, weights, a, axis=None):
    d[result] = weights_adjoint(d[g], weights, a, axis)


# Linear in g (or da); the weights are piecewise constant in a and, for kind "value", linear in
# the position, with slope_kind(kind)'s weights as their derivative.
@register_adjoint(runtime.order_adjoint)
def _(result, g, a, axis=None, position=0.5, keepdims=False, kind="value", skip_nan=False):
    d[g] = order_tangent(d[result], a, axis, position, keepdims, kind, skip_nan)
    d[position] = reshape_like(
        np.sum(d[result] * order_adjoint(g, a, axis, position, keepdims, slope_kind(kind), skip_nan)), position)


@register_tangent(runtime.order_adjoint)
def _(result, g, a, axis=None, position=0.5, keepdims=False, kind="value", skip_nan=False):
    d[result] = (order_adjoint(d[g], a, axis, position, keepdims, kind, skip_nan)
                 + d[position] * order_adjoint(g, a, axis, position, keepdims, slope_kind(kind), skip_nan))


@register_adjoint(runtime.order_tangent)
def _(result, da, a, axis=None, position=0.5, keepdims=False, kind="value", skip_nan=False):
    d[da] = order_adjoint(d[result], a, axis, position, keepdims, kind, skip_nan)
    d[position] = reshape_like(
        np.sum(d[result] * order_tangent(da, a, axis, position, keepdims, slope_kind(kind), skip_nan)), position)


@register_tangent(runtime.order_tangent)
def _(result, da, a, axis=None, position=0.5, keepdims=False, kind="value", skip_nan=False):
    d[result] = (order_tangent(d[da], a, axis, position, keepdims, kind, skip_nan)
                 + d[position] * order_tangent(da, a, axis, position, keepdims, slope_kind(kind), skip_nan))


@register_adjoint(runtime.quantile_position)
def _(result, q, method="linear"):
    d[q] = d[result]


@register_tangent(runtime.quantile_position)
def _(result, q, method="linear"):
    d[result] = d[q]


# Centering is a symmetric projection: each helper's adjoint is the other (up to the transpose
# of rowvar=False and the reshape of a 1-d m).
@register_adjoint(runtime.centered_observations)
def _(result, m, rowvar=True):
    d[m] = centered_adjoint(d[result], m, rowvar)


@register_tangent(runtime.centered_observations)
def _(result, m, rowvar=True):
    d[result] = centered_observations(d[m], rowvar)


@register_adjoint(runtime.stacked_observations)
def _(result, x, y=None, rowvar=True):
    d[x] = centered_adjoint(d[result][:variable_count(x, rowvar)], x, rowvar)
    d[y] = centered_adjoint(d[result][variable_count(x, rowvar):], y, rowvar_of_y(y, rowvar))


@register_tangent(runtime.stacked_observations)
def _(result, x, y=None, rowvar=True):
    d[result] = stacked_observations(tangent_like([d[x], d[y]], [x, y])[0],
                                     tangent_like([d[x], d[y]], [x, y])[1] if y is not None else None, rowvar)


@register_adjoint(runtime.centered_adjoint)
def _(result, g, m, rowvar=True):
    d[g] = centered_observations(d[result], rowvar)


@register_tangent(runtime.centered_adjoint)
def _(result, g, m, rowvar=True):
    d[result] = centered_adjoint(d[g], m, rowvar)


@register_adjoint(runtime.take_along_axis_adjoint)
def _(result, g, arr, indices, axis=-1):
    d[g] = unbroadcast(np.take_along_axis(np.reshape(d[result], np.shape(arr)) if axis is not None
                                          else np.ravel(d[result]), indices, axis), g)


@register_tangent(runtime.take_along_axis_adjoint)
def _(result, g, arr, indices, axis=-1):
    d[result] = take_along_axis_adjoint(d[g], arr, indices, axis)


@register_adjoint(runtime.full_convolution)
def _(result, g, a, v, mode="full", correlated=False):
    d[g] = cropped_convolution(d[result], a, v, mode, correlated)


@register_tangent(runtime.full_convolution)
def _(result, g, a, v, mode="full", correlated=False):
    d[result] = full_convolution(d[g], a, v, mode, correlated)


@register_adjoint(runtime.cropped_convolution)
def _(result, h, a, v, mode="full", correlated=False):
    d[h] = full_convolution(d[result], a, v, mode, correlated)


@register_tangent(runtime.cropped_convolution)
def _(result, h, a, v, mode="full", correlated=False):
    d[result] = cropped_convolution(d[h], a, v, mode, correlated)


@register_adjoint(runtime.pair_means)
def _(result, y, axis=-1):
    d[y] = pair_means_adjoint(d[result], y, axis)


@register_tangent(runtime.pair_means)
def _(result, y, axis=-1):
    d[result] = pair_means(d[y], axis)


@register_adjoint(runtime.pair_means_adjoint)
def _(result, h, y, axis=-1):
    d[h] = unbroadcast(pair_means(d[result], axis), h)


@register_tangent(runtime.pair_means_adjoint)
def _(result, h, y, axis=-1):
    d[result] = pair_means_adjoint(d[h], y, axis)


@register_adjoint(runtime.spacings)
def _(result, x, y, axis=-1):
    d[x] = spacings_adjoint(d[result], x, y, axis)


@register_tangent(runtime.spacings)
def _(result, x, y, axis=-1):
    d[result] = spacings(d[x], y, axis)


@register_adjoint(runtime.spacings_adjoint)
def _(result, h, x, y, axis=-1):
    d[h] = unbroadcast(spacings(d[result], y, axis), h)


@register_tangent(runtime.spacings_adjoint)
def _(result, h, x, y, axis=-1):
    d[result] = spacings_adjoint(d[h], x, y, axis)


@register_adjoint(runtime.scatter_sum)
def _(result, values, index, size):
    d[values] = unbroadcast(np.reshape(d[result][np.ravel(index)], np.shape(index)), values)


@register_tangent(runtime.scatter_sum)
def _(result, values, index, size):
    d[result] = scatter_sum(d[values], index, size)


@register_adjoint(runtime.pad_adjoint)
def _(result, g, x, pad_width, mode="constant", constant_values=0.0):
    d[g] = padded(d[result], 0.0, x, pad_width, mode, constant_values)


@register_tangent(runtime.pad_adjoint)
def _(result, g, x, pad_width, mode="constant", constant_values=0.0):
    d[result] = pad_adjoint(d[g], x, pad_width, mode, constant_values)


@register_adjoint(runtime.padded)
def _(result, dx, dvalue, x, pad_width, mode="constant", constant_values=0.0):
    d[dx] = pad_adjoint(d[result], x, pad_width, mode, constant_values)
    d[dvalue] = reshape_like(np.sum(d[result]) - np.sum(pad_adjoint(d[result], x, pad_width, mode, constant_values)),
                             dvalue)


@register_tangent(runtime.padded)
def _(result, dx, dvalue, x, pad_width, mode="constant", constant_values=0.0):
    d[result] = padded(d[dx], d[dvalue], x, pad_width, mode, constant_values)


# half_over_std(g, std) = g / (2 std): linear in g; its slope in std, -g / (2 std^2), is refused where std is 0.
@register_adjoint(runtime.half_over_std)
def _(result, g, std):
    d[g] = half_over_std(d[result], std)
    d[std] = half_over_std_slope(d[result] * g, std)


@register_tangent(runtime.half_over_std)
def _(result, g, std):
    d[result] = half_over_std(d[g], std) + half_over_std_slope(g * d[std], std)
