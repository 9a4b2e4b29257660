"""Adjoints and tangents of NumPy elementwise functions.

`result` is the call's output, `d[v]` the derivative of v. A rule may read the call's
inputs and `result`, never other primal variables. Binary rules unbroadcast.
"""
import math

import numpy as np

from adjoint.rules.table import register_adjoint, register_tangent
from adjoint.runtime import (
    any_condition, astype, clip_mask, float_cast, over_length, pow_exponent_adjoint, quotient_or_inf, select_adjoint,
    select_tangent, sinc_slope, slope_or_zero, tangent_like, unbroadcast,
)
from adjoint.templates import d

# ----- Exponential and logarithmic -----------------------------------------------


@register_adjoint(np.exp)
def _(result, x):
    d[x] = d[result] * result


@register_tangent(np.exp)
def _(result, x):
    d[result] = d[x] * result


@register_adjoint(np.exp2)
def _(result, x):
    d[x] = d[result] * result * math.log(2.0)


@register_tangent(np.exp2)
def _(result, x):
    d[result] = d[x] * result * math.log(2.0)


@register_adjoint(np.expm1)
def _(result, x):
    d[x] = d[result] * (result + 1.0)


@register_tangent(np.expm1)
def _(result, x):
    d[result] = d[x] * (result + 1.0)


@register_adjoint(np.log)
def _(result, x):
    d[x] = slope_or_zero(d[result], quotient_or_inf(d[result], x))


@register_tangent(np.log)
def _(result, x):
    d[result] = quotient_or_inf(d[x], x)


@register_adjoint(np.log2)
def _(result, x):
    d[x] = slope_or_zero(d[result], quotient_or_inf(d[result], x * math.log(2.0)))


@register_tangent(np.log2)
def _(result, x):
    d[result] = quotient_or_inf(d[x], x * math.log(2.0))


@register_adjoint(np.log10)
def _(result, x):
    d[x] = slope_or_zero(d[result], quotient_or_inf(d[result], x * math.log(10.0)))


@register_tangent(np.log10)
def _(result, x):
    d[result] = quotient_or_inf(d[x], x * math.log(10.0))


@register_adjoint(np.log1p)
def _(result, x):
    d[x] = slope_or_zero(d[result], quotient_or_inf(d[result], 1.0 + x))


@register_tangent(np.log1p)
def _(result, x):
    d[result] = quotient_or_inf(d[x], 1.0 + x)


# ----- Powers and roots ----------------------------------------------------------------


@register_adjoint(np.sqrt)
def _(result, x):
    d[x] = slope_or_zero(d[result], d[result] / (2.0 * result))


@register_tangent(np.sqrt)
def _(result, x):
    d[result] = d[x] / (2.0 * result)


@register_adjoint(np.cbrt)
def _(result, x):
    d[x] = slope_or_zero(d[result], d[result] / (3.0 * result * result))


@register_tangent(np.cbrt)
def _(result, x):
    d[result] = d[x] / (3.0 * result * result)


@register_adjoint(np.square)
def _(result, x):
    d[x] = d[result] * 2.0 * x


@register_tangent(np.square)
def _(result, x):
    d[result] = d[x] * 2.0 * x


@register_adjoint(np.reciprocal)
def _(result, x):
    d[x] = slope_or_zero(d[result], -d[result] * result * result)


@register_tangent(np.reciprocal)
def _(result, x):
    d[result] = -d[x] * result * result


# ----- Trigonometric ----------------------------------------------------------------------


@register_adjoint(np.sin)
def _(result, x):
    d[x] = d[result] * np.cos(x)


@register_tangent(np.sin)
def _(result, x):
    d[result] = d[x] * np.cos(x)


@register_adjoint(np.cos)
def _(result, x):
    d[x] = -d[result] * np.sin(x)


@register_tangent(np.cos)
def _(result, x):
    d[result] = -d[x] * np.sin(x)


@register_adjoint(np.tan)
def _(result, x):
    d[x] = d[result] * (1.0 + result * result)


@register_tangent(np.tan)
def _(result, x):
    d[result] = d[x] * (1.0 + result * result)


@register_adjoint(np.arcsin)
def _(result, x):
    d[x] = slope_or_zero(d[result], d[result] / np.sqrt(1.0 - x * x))


@register_tangent(np.arcsin)
def _(result, x):
    d[result] = d[x] / np.sqrt(1.0 - x * x)


@register_adjoint(np.arccos)
def _(result, x):
    d[x] = slope_or_zero(d[result], -d[result] / np.sqrt(1.0 - x * x))


@register_tangent(np.arccos)
def _(result, x):
    d[result] = -d[x] / np.sqrt(1.0 - x * x)


@register_adjoint(np.arctan)
def _(result, x):
    d[x] = d[result] / (1.0 + x * x)


@register_tangent(np.arctan)
def _(result, x):
    d[result] = d[x] / (1.0 + x * x)


@register_adjoint(np.deg2rad, np.radians)
def _(result, x):
    d[x] = d[result] * (math.pi / 180.0)


@register_tangent(np.deg2rad, np.radians)
def _(result, x):
    d[result] = d[x] * (math.pi / 180.0)


@register_adjoint(np.rad2deg, np.degrees)
def _(result, x):
    d[x] = d[result] * (180.0 / math.pi)


@register_tangent(np.rad2deg, np.degrees)
def _(result, x):
    d[result] = d[x] * (180.0 / math.pi)


@register_adjoint(np.sinc)
def _(result, x):
    d[x] = d[result] * sinc_slope(x)


@register_tangent(np.sinc)
def _(result, x):
    d[result] = d[x] * sinc_slope(x)


# ----- Hyperbolic --------------------------------------------------------------------------


@register_adjoint(np.sinh)
def _(result, x):
    d[x] = d[result] * np.cosh(x)


@register_tangent(np.sinh)
def _(result, x):
    d[result] = d[x] * np.cosh(x)


@register_adjoint(np.cosh)
def _(result, x):
    d[x] = d[result] * np.sinh(x)


@register_tangent(np.cosh)
def _(result, x):
    d[result] = d[x] * np.sinh(x)


@register_adjoint(np.tanh)
def _(result, x):
    d[x] = d[result] * (1.0 - result * result)


@register_tangent(np.tanh)
def _(result, x):
    d[result] = d[x] * (1.0 - result * result)


@register_adjoint(np.arcsinh)
def _(result, x):
    d[x] = d[result] / np.sqrt(x * x + 1.0)


@register_tangent(np.arcsinh)
def _(result, x):
    d[result] = d[x] / np.sqrt(x * x + 1.0)


@register_adjoint(np.arccosh)
def _(result, x):
    d[x] = slope_or_zero(d[result], d[result] / np.sqrt(x * x - 1.0))


@register_tangent(np.arccosh)
def _(result, x):
    d[result] = d[x] / np.sqrt(x * x - 1.0)


@register_adjoint(np.arctanh)
def _(result, x):
    d[x] = slope_or_zero(d[result], quotient_or_inf(d[result], 1.0 - x * x))


@register_tangent(np.arctanh)
def _(result, x):
    d[result] = quotient_or_inf(d[x], 1.0 - x * x)


# ----- Sign, magnitude and identity-like ---------------------------------------------------


@register_adjoint(np.abs, np.absolute, np.fabs)
def _(result, x):
    d[x] = d[result] * np.sign(x)


@register_tangent(np.abs, np.absolute, np.fabs)
def _(result, x):
    d[result] = d[x] * np.sign(x)


# Real inputs only: the complex conjugate of a real array is the array.
@register_adjoint(np.conj, np.real)
def _(result, x):
    d[x] = d[result]


@register_tangent(np.conj, np.real)
def _(result, x):
    d[result] = d[x]


# ----- Casts -----------------------------------------------------------------------------------


# `x.astype(dtype)` is rewritten to runtime.astype; a cast to an integer type has no derivative.
@register_adjoint(astype)
def _(result, x, dtype, copy=True):
    d[x] = float_cast(d[result], dtype, x)


@register_tangent(astype)
def _(result, x, dtype, copy=True):
    d[result] = float_cast(d[x], dtype, result)


# `np.float64(x)` converts a number or an array to double precision, which changes no value.
@register_adjoint(np.float64)
def _(result, x):
    d[x] = d[result]


@register_tangent(np.float64)
def _(result, x):
    d[result] = d[x]


# `np.float32(x)` rounds to single precision: the derivative of a cast is the cast of the
# derivative (the cotangent as x's float type, the tangent as float32).
@register_adjoint(np.float32)
def _(result, x):
    d[x] = float_cast(d[result], np.float32, x)


@register_tangent(np.float32)
def _(result, x):
    d[result] = float_cast(d[x], np.float32, result)


# ----- Binary (broadcasting) -----------------------------------------------------------


@register_adjoint(np.multiply)
def _(result, x, y):
    d[x] = unbroadcast(d[result] * y, x)
    d[y] = unbroadcast(d[result] * x, y)


@register_tangent(np.multiply)
def _(result, x, y):
    d[result] = d[x] * y + x * d[y]


@register_adjoint(np.power)
def _(result, x, y):
    d[x] = unbroadcast(slope_or_zero(d[result], d[result] * y * np.power(x, y - 1)), x)
    d[y] = unbroadcast(pow_exponent_adjoint(d[result], result, x, y), y)


@register_tangent(np.power)
def _(result, x, y):
    d[result] = d[x] * y * np.power(x, y - 1) + pow_exponent_adjoint(d[y], result, x, y)


@register_adjoint(np.float_power)
def _(result, x, y):
    d[x] = unbroadcast(slope_or_zero(d[result], d[result] * y * np.float_power(x, y - 1)), x)
    d[y] = unbroadcast(pow_exponent_adjoint(d[result], result, x, y), y)


@register_tangent(np.float_power)
def _(result, x, y):
    d[result] = d[x] * y * np.float_power(x, y - 1) + pow_exponent_adjoint(d[y], result, x, y)


@register_adjoint(np.arctan2)
def _(result, y, x):
    d[y] = unbroadcast(quotient_or_inf(d[result] * x, x * x + y * y), y)
    d[x] = unbroadcast(quotient_or_inf(-d[result] * y, x * x + y * y), x)


@register_tangent(np.arctan2)
def _(result, y, x):
    d[result] = quotient_or_inf(d[y] * x - d[x] * y, x * x + y * y)


@register_adjoint(np.hypot)
def _(result, x, y):
    d[x] = unbroadcast(d[result] * over_length(x, result), x)
    d[y] = unbroadcast(d[result] * over_length(y, result), y)


@register_tangent(np.hypot)
def _(result, x, y):
    d[result] = over_length(d[x] * x + d[y] * y, result)


@register_adjoint(np.logaddexp)
def _(result, x, y):
    d[x] = unbroadcast(d[result] * np.exp(x - result), x)
    d[y] = unbroadcast(d[result] * np.exp(y - result), y)


@register_tangent(np.logaddexp)
def _(result, x, y):
    d[result] = d[x] * np.exp(x - result) + d[y] * np.exp(y - result)


@register_adjoint(np.logaddexp2)
def _(result, x, y):
    d[x] = unbroadcast(d[result] * np.exp2(x - result), x)
    d[y] = unbroadcast(d[result] * np.exp2(y - result), y)


@register_tangent(np.logaddexp2)
def _(result, x, y):
    d[result] = d[x] * np.exp2(x - result) + d[y] * np.exp2(y - result)


# ----- Selection ---------------------------------------------------------------------------


# maximum/minimum: the first argument wins ties.
@register_adjoint(np.maximum)
def _(result, x, y):
    d[x] = unbroadcast(d[result] * (x >= y), x)
    d[y] = unbroadcast(d[result] * (x < y), y)


@register_tangent(np.maximum)
def _(result, x, y):
    d[result] = np.where(x >= y, d[x], d[y])


@register_adjoint(np.minimum)
def _(result, x, y):
    d[x] = unbroadcast(d[result] * (x <= y), x)
    d[y] = unbroadcast(d[result] * (x > y), y)


@register_tangent(np.minimum)
def _(result, x, y):
    d[result] = np.where(x <= y, d[x], d[y])


# fmax/fmin skip a NaN: x wins ties and where y is NaN, y wins elsewhere (also where x alone is NaN).
@register_adjoint(np.fmax)
def _(result, x, y):
    d[x] = unbroadcast(d[result] * np.logical_or(x >= y, np.isnan(y)), x)
    d[y] = unbroadcast(d[result] * np.logical_not(np.logical_or(x >= y, np.isnan(y))), y)


@register_tangent(np.fmax)
def _(result, x, y):
    d[result] = np.where(np.logical_or(x >= y, np.isnan(y)), d[x], d[y])


@register_adjoint(np.fmin)
def _(result, x, y):
    d[x] = unbroadcast(d[result] * np.logical_or(x <= y, np.isnan(y)), x)
    d[y] = unbroadcast(d[result] * np.logical_not(np.logical_or(x <= y, np.isnan(y))), y)


@register_tangent(np.fmin)
def _(result, x, y):
    d[result] = np.where(np.logical_or(x <= y, np.isnan(y)), d[x], d[y])


@register_adjoint(np.where)
def _(result, condition, x, y):
    d[x] = unbroadcast(np.where(condition, d[result], 0.0), x)
    d[y] = unbroadcast(np.where(condition, 0.0, d[result]), y)


@register_tangent(np.where)
def _(result, condition, x, y):
    d[result] = np.where(condition, d[x], d[y])


# Each entry is the first choice whose condition holds there, else the default: the derivative goes to
# that one (the conditions are not differentiated).
@register_adjoint(np.select)
def _(result, condlist, choicelist, default=0):
    d[choicelist] = select_adjoint(d[result], condlist, choicelist)
    d[default] = unbroadcast(np.where(any_condition(condlist), 0.0, d[result]), default)


@register_tangent(np.select)
def _(result, condlist, choicelist, default=0):
    d[result] = select_tangent(condlist, d[choicelist], choicelist, d[default], result)


# np.heaviside(x1, x2) is x2 where x1 == 0 (0 or 1 elsewhere): x2's derivative flows there alone.
@register_adjoint(np.heaviside)
def _(result, x1, x2):
    d[x2] = unbroadcast(d[result] * (x1 == 0), x2)


@register_tangent(np.heaviside)
def _(result, x1, x2):
    d[result] = tangent_like(d[x2] * (x1 == 0), result)


# Inside [a_min, a_max] the derivative goes to x, below to a_min, above to a_max (None: no bound);
# where a_min > a_max, NumPy's result is a_max.
@register_adjoint(np.clip)
def _(result, x, a_min, a_max):
    d[x] = unbroadcast(d[result] * clip_mask(x, a_min, a_max, "x"), x)
    d[a_min] = unbroadcast(d[result] * clip_mask(x, a_min, a_max, "low"), a_min)
    d[a_max] = unbroadcast(d[result] * clip_mask(x, a_min, a_max, "high"), a_max)


@register_tangent(np.clip)
def _(result, x, a_min, a_max):
    d[result] = (d[x] * clip_mask(x, a_min, a_max, "x") + d[a_min] * clip_mask(x, a_min, a_max, "low")
                 + d[a_max] * clip_mask(x, a_min, a_max, "high"))


# copysign(x, y) = |x| with y's sign bit: its slope in x is sign(x) times +-1, in y zero (piecewise constant).
@register_adjoint(np.copysign)
def _(result, x, y):
    d[x] = unbroadcast(d[result] * np.sign(x) * np.copysign(1.0, y), x)


@register_tangent(np.copysign)
def _(result, x, y):
    d[result] = d[x] * np.sign(x) * np.copysign(1.0, y)


# ldexp(x, n) = x 2^n with integer n, not differentiated.
@register_adjoint(np.ldexp)
def _(result, x, n):
    d[x] = unbroadcast(d[result] * np.ldexp(1.0, n), x)


@register_tangent(np.ldexp)
def _(result, x, n):
    d[result] = d[x] * np.ldexp(1.0, n)
