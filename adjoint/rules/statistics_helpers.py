"""Derivatives of the helpers the statistics rules call (numpy_statistics.py), for second order.

Each helper is linear in its first argument and most come in transposed pairs. interp_adjoint,
interp_tangent, trapezoid_adjoint and trapezoid_tangent have no rules: second derivatives
through np.interp and np.trapezoid are not supported.
"""
import numpy as np

from adjoint import runtime
from adjoint.ad.templates import d
from adjoint.rules.table import non_differentiable, register_adjoint, register_tangent
from adjoint.runtime import (
    centered_adjoint, centered_observations, cropped_convolution, full_convolution, item, item_placed,
    median_adjoint, median_tangent, take_along_axis_adjoint, unbroadcast, weights_adjoint, weights_like,
)

non_differentiable(runtime.cov_divisor)


@register_adjoint(runtime.item_placed)
def _(result, g, x, index=None):
    d[g] = item(d[result], index)


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


@register_adjoint(runtime.median_adjoint)
def _(result, g, a, axis=None, keepdims=False):
    d[g] = median_tangent(d[result], a, axis, keepdims)


@register_tangent(runtime.median_adjoint)
def _(result, g, a, axis=None, keepdims=False):
    d[result] = median_adjoint(d[g], a, axis, keepdims)


@register_adjoint(runtime.median_tangent)
def _(result, da, a, axis=None, keepdims=False):
    d[da] = median_adjoint(d[result], a, axis, keepdims)


@register_tangent(runtime.median_tangent)
def _(result, da, a, axis=None, keepdims=False):
    d[result] = median_tangent(d[da], a, axis, keepdims)


# Centering is a symmetric projection: each helper's adjoint is the other (up to the transpose
# of rowvar=False and the reshape of a 1-d m).
@register_adjoint(runtime.centered_observations)
def _(result, m, y=None, rowvar=True):
    d[m] = centered_adjoint(d[result], m, rowvar)


@register_tangent(runtime.centered_observations)
def _(result, m, y=None, rowvar=True):
    d[result] = centered_observations(d[m], y, rowvar)


@register_adjoint(runtime.centered_adjoint)
def _(result, g, m, rowvar=True):
    d[g] = centered_observations(d[result], None, rowvar)


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
def _(result, g, a, v, mode="full"):
    d[g] = cropped_convolution(d[result], a, v, mode)


@register_tangent(runtime.full_convolution)
def _(result, g, a, v, mode="full"):
    d[result] = full_convolution(d[g], a, v, mode)


@register_adjoint(runtime.cropped_convolution)
def _(result, h, a, v, mode="full"):
    d[h] = full_convolution(d[result], a, v, mode)


@register_tangent(runtime.cropped_convolution)
def _(result, h, a, v, mode="full"):
    d[result] = cropped_convolution(d[h], a, v, mode)
