"""Adjoints and tangents of NumPy elementwise functions.

`result` is the call's output, `d[v]` the derivative of v. A rule may read the call's
inputs and `result`, never other primal variables. Binary rules unbroadcast.
"""
import numpy as np

from adjoint.ad.templates import d
from adjoint.rules.table import register_adjoint, register_tangent
from adjoint.runtime import pow_exponent_adjoint, unbroadcast

# ----- Exponential and logarithmic -----------------------------------------------


@register_adjoint(np.exp)
def _(result, x):
    d[x] = d[result] * result


@register_tangent(np.exp)
def _(result, x):
    d[result] = d[x] * result


@register_adjoint(np.log)
def _(result, x):
    d[x] = d[result] / x


@register_tangent(np.log)
def _(result, x):
    d[result] = d[x] / x


@register_adjoint(np.sqrt)
def _(result, x):
    d[x] = d[result] / (2.0 * result)


@register_tangent(np.sqrt)
def _(result, x):
    d[result] = d[x] / (2.0 * result)


@register_adjoint(np.square)
def _(result, x):
    d[x] = d[result] * 2.0 * x


@register_tangent(np.square)
def _(result, x):
    d[result] = d[x] * 2.0 * x


# ----- Trigonometric and hyperbolic -------------------------------------------------


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


@register_adjoint(np.tanh)
def _(result, x):
    d[x] = d[result] * (1.0 - result * result)


@register_tangent(np.tanh)
def _(result, x):
    d[result] = d[x] * (1.0 - result * result)


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


# ----- Sign and magnitude ------------------------------------------------------------


@register_adjoint(np.abs, np.absolute)
def _(result, x):
    d[x] = d[result] * np.sign(x)


@register_tangent(np.abs, np.absolute)
def _(result, x):
    d[result] = d[x] * np.sign(x)


@register_adjoint(np.negative)
def _(result, x):
    d[x] = -d[result]


@register_tangent(np.negative)
def _(result, x):
    d[result] = -d[x]


# ----- Binary (broadcasting) -----------------------------------------------------------


@register_adjoint(np.add)
def _(result, x, y):
    d[x] = unbroadcast(d[result], x)
    d[y] = unbroadcast(d[result], y)


@register_tangent(np.add)
def _(result, x, y):
    d[result] = d[x] + d[y]


@register_adjoint(np.subtract)
def _(result, x, y):
    d[x] = unbroadcast(d[result], x)
    d[y] = unbroadcast(-d[result], y)


@register_tangent(np.subtract)
def _(result, x, y):
    d[result] = d[x] - d[y]


@register_adjoint(np.multiply)
def _(result, x, y):
    d[x] = unbroadcast(d[result] * y, x)
    d[y] = unbroadcast(d[result] * x, y)


@register_tangent(np.multiply)
def _(result, x, y):
    d[result] = d[x] * y + x * d[y]


@register_adjoint(np.divide, np.true_divide)
def _(result, x, y):
    d[x] = unbroadcast(d[result] / y, x)
    d[y] = unbroadcast(-d[result] * result / y, y)


@register_tangent(np.divide, np.true_divide)
def _(result, x, y):
    d[result] = (d[x] - result * d[y]) / y


@register_adjoint(np.power)
def _(result, x, y):
    d[x] = unbroadcast(d[result] * y * np.power(x, y - 1), x)
    d[y] = unbroadcast(pow_exponent_adjoint(d[result], result, x), y)


@register_tangent(np.power)
def _(result, x, y):
    d[result] = d[x] * y * np.power(x, y - 1) + pow_exponent_adjoint(d[y], result, x)


# np.maximum/np.minimum: the derivative goes to the first argument where they tie.
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
