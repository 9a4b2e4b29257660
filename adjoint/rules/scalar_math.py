"""Adjoints and tangents of the `math` module and the numeric builtins (abs, min, max, float, sum, sorted).

Scalar in, scalar out: these rules use `math` and plain arithmetic, so scalar code gets
scalar derivative code.
"""
import math

from adjoint import runtime
from adjoint.rules.table import register_adjoint, register_tangent
from adjoint.runtime import (
    add_adjoints, copied_dict_adjoint, copied_dict_tangent, math_domain, math_pow_or_inf, pow_exponent_adjoint,
    over_length, quotient_or_inf, sign, sorted_adjoint, sorted_tangent, sum_adjoint, sum_tangent, unbroadcast,
)
from adjoint.templates import d

# ----- Trigonometric -------------------------------------------------------------


@register_adjoint(math.sin)
def _(result, x):
    d[x] = d[result] * math.cos(x)


@register_tangent(math.sin)
def _(result, x):
    d[result] = d[x] * math.cos(x)


@register_adjoint(math.cos)
def _(result, x):
    d[x] = -d[result] * math.sin(x)


@register_tangent(math.cos)
def _(result, x):
    d[result] = -d[x] * math.sin(x)


@register_adjoint(math.tan)
def _(result, x):
    d[x] = d[result] * (1.0 + result * result)


@register_tangent(math.tan)
def _(result, x):
    d[result] = d[x] * (1.0 + result * result)


@register_adjoint(math.asin)
def _(result, x):
    d[x] = quotient_or_inf(d[result], math.sqrt(1.0 - x * x))


@register_tangent(math.asin)
def _(result, x):
    d[result] = quotient_or_inf(d[x], math.sqrt(1.0 - x * x))


@register_adjoint(math.acos)
def _(result, x):
    d[x] = quotient_or_inf(-d[result], math.sqrt(1.0 - x * x))


@register_tangent(math.acos)
def _(result, x):
    d[result] = quotient_or_inf(-d[x], math.sqrt(1.0 - x * x))


@register_adjoint(math.atan)
def _(result, x):
    d[x] = d[result] / (1.0 + x * x)


@register_tangent(math.atan)
def _(result, x):
    d[result] = d[x] / (1.0 + x * x)


@register_adjoint(math.atan2)
def _(result, y, x):
    d[y] = d[result] * x / (x * x + y * y)
    d[x] = -d[result] * y / (x * x + y * y)


@register_tangent(math.atan2)
def _(result, y, x):
    d[result] = (d[y] * x - d[x] * y) / (x * x + y * y)


# ----- Hyperbolic ----------------------------------------------------------------


@register_adjoint(math.sinh)
def _(result, x):
    d[x] = d[result] * math.cosh(x)


@register_tangent(math.sinh)
def _(result, x):
    d[result] = d[x] * math.cosh(x)


@register_adjoint(math.cosh)
def _(result, x):
    d[x] = d[result] * math.sinh(x)


@register_tangent(math.cosh)
def _(result, x):
    d[result] = d[x] * math.sinh(x)


@register_adjoint(math.tanh)
def _(result, x):
    d[x] = d[result] * (1.0 - result * result)


@register_tangent(math.tanh)
def _(result, x):
    d[result] = d[x] * (1.0 - result * result)


@register_adjoint(math.asinh)
def _(result, x):
    d[x] = d[result] / math.sqrt(x * x + 1.0)


@register_tangent(math.asinh)
def _(result, x):
    d[result] = d[x] / math.sqrt(x * x + 1.0)


@register_adjoint(math.acosh)
def _(result, x):
    d[x] = quotient_or_inf(d[result], math.sqrt(x * x - 1.0))


@register_tangent(math.acosh)
def _(result, x):
    d[result] = quotient_or_inf(d[x], math.sqrt(x * x - 1.0))


@register_adjoint(math.atanh)
def _(result, x):
    d[x] = d[result] / math_domain(1.0 - x * x)


@register_tangent(math.atanh)
def _(result, x):
    d[result] = d[x] / (1.0 - x * x)


# ----- Exponential and logarithmic ---------------------------------------------------


@register_adjoint(math.exp)
def _(result, x):
    d[x] = d[result] * result


@register_tangent(math.exp)
def _(result, x):
    d[result] = d[x] * result


@register_adjoint(math.expm1)
def _(result, x):
    d[x] = d[result] * (result + 1.0)


@register_tangent(math.expm1)
def _(result, x):
    d[result] = d[x] * (result + 1.0)


@register_adjoint(math.log)
def _(result, x, base=math.e):
    d[x] = d[result] / (math_domain(x) * math.log(base))
    d[base] = -d[result] * result / (base * math.log(base))


@register_tangent(math.log)
def _(result, x, base=math.e):
    d[result] = d[x] / (x * math.log(base)) - d[base] * result / (base * math.log(base))


@register_adjoint(math.log1p)
def _(result, x):
    d[x] = d[result] / math_domain(1.0 + x)


@register_tangent(math.log1p)
def _(result, x):
    d[result] = d[x] / (1.0 + x)


@register_adjoint(math.log2)
def _(result, x):
    d[x] = d[result] / (math_domain(x) * math.log(2.0))


@register_tangent(math.log2)
def _(result, x):
    d[result] = d[x] / (x * math.log(2.0))


@register_adjoint(math.log10)
def _(result, x):
    d[x] = d[result] / (math_domain(x) * math.log(10.0))


@register_tangent(math.log10)
def _(result, x):
    d[result] = d[x] / (x * math.log(10.0))


# Where the derivative is infinite (math.sqrt at 0, asin and acos at +-1, acosh at 1, math.pow at 0
# with an exponent below 1), quotient_or_inf and math_pow_or_inf give NumPy's inf where Python
# refuses, as the rules of np.sqrt, np.arcsin, ... give it for arrays and NumPy's scalars.
@register_adjoint(math.sqrt)
def _(result, x):
    d[x] = quotient_or_inf(d[result], 2.0 * result)


@register_tangent(math.sqrt)
def _(result, x):
    d[result] = quotient_or_inf(d[x], 2.0 * result)


@register_adjoint(math.pow, math_pow_or_inf)
def _(result, x, y):
    d[x] = d[result] * y * math_pow_or_inf(x, y - 1.0)
    d[y] = pow_exponent_adjoint(d[result], result, x, y)


@register_tangent(math.pow, math_pow_or_inf)
def _(result, x, y):
    d[result] = d[x] * y * math_pow_or_inf(x, y - 1.0) + pow_exponent_adjoint(d[y], result, x, y)


@register_adjoint(math.hypot)
def _(result, x, y):
    d[x] = d[result] * over_length(x, result)
    d[y] = d[result] * over_length(y, result)


@register_tangent(math.hypot)
def _(result, x, y):
    d[result] = over_length(d[x] * x + d[y] * y, result)


@register_adjoint(math.erf)
def _(result, x):
    d[x] = d[result] * 2.0 / math.sqrt(math.pi) * math.exp(-x * x)


@register_tangent(math.erf)
def _(result, x):
    d[result] = d[x] * 2.0 / math.sqrt(math.pi) * math.exp(-x * x)


@register_adjoint(math.erfc)
def _(result, x):
    d[x] = -d[result] * 2.0 / math.sqrt(math.pi) * math.exp(-x * x)


@register_tangent(math.erfc)
def _(result, x):
    d[result] = -d[x] * 2.0 / math.sqrt(math.pi) * math.exp(-x * x)


@register_adjoint(math.degrees)
def _(result, x):
    d[x] = d[result] * (180.0 / math.pi)


@register_tangent(math.degrees)
def _(result, x):
    d[result] = d[x] * (180.0 / math.pi)


@register_adjoint(math.radians)
def _(result, x):
    d[x] = d[result] * (math.pi / 180.0)


@register_tangent(math.radians)
def _(result, x):
    d[result] = d[x] * (math.pi / 180.0)


# ----- Absolute value, sign and remainder --------------------------------------------


@register_adjoint(math.fabs, abs)
def _(result, x):
    d[x] = d[result] * sign(x)


@register_tangent(math.fabs, abs)
def _(result, x):
    d[result] = d[x] * sign(x)


@register_adjoint(math.copysign)
def _(result, x, y):
    d[x] = d[result] * sign(x) * math.copysign(1.0, y)


@register_tangent(math.copysign)
def _(result, x, y):
    d[result] = d[x] * sign(x) * math.copysign(1.0, y)


@register_adjoint(math.fmod)
def _(result, x, y):
    d[x] = d[result]
    d[y] = -d[result] * ((x - result) / y)


@register_tangent(math.fmod)
def _(result, x, y):
    d[result] = d[x] - d[y] * ((x - result) / y)


# ----- Builtins ------------------------------------------------------------------------


@register_adjoint(float)
def _(result, x):
    d[x] = d[result]


@register_tangent(float)
def _(result, x):
    d[result] = d[x]


@register_adjoint(pow)
def _(result, x, y):
    d[x] = d[result] * y * x ** (y - 1)
    d[y] = d[result] * result * math.log(x)


@register_tangent(pow)
def _(result, x, y):
    d[result] = d[x] * y * x ** (y - 1) + d[y] * result * math.log(x)


# min and max of two to four numbers (or tuples, compared in order): the derivative goes to the
# first argument that wins, whole (a tuple's adjoint is a tuple, which `* False` would empty).
@register_adjoint(max, min)
def _(result, a, b, c=None, e=None):
    d[a] = d[result] if a == result else 0.0
    d[b] = d[result] if (b == result) and (a != result) else 0.0
    d[c] = d[result] if (c == result) and (a != result) and (b != result) else 0.0
    d[e] = d[result] if (e == result) and (a != result) and (b != result) and (c != result) else 0.0


@register_tangent(max, min)
def _(result, a, b, c=None, e=None):
    d[result] = d[a] if a == result else d[b] if b == result else d[c] if c == result else d[e]


# sum(x, start) is start + x[0] + x[1] + ...; the items of an array are its rows.
@register_adjoint(sum)
def _(result, x, start=0):
    d[x] = add_adjoints(d[x], sum_adjoint(d[result], x))
    d[start] = unbroadcast(d[result], start)


@register_tangent(sum)
def _(result, x, start=0):
    d[result] = sum_tangent(d[x], x, d[start])


# sorted's permutation is constant where x has no ties; ties keep their order (sorted is stable).
@register_adjoint(sorted)
def _(result, x, reverse=False):
    d[x] = add_adjoints(d[x], sorted_adjoint(d[result], x, reverse))


@register_tangent(sorted)
def _(result, x, reverse=False):
    d[result] = sorted_tangent(d[x], x, reverse)


# dict(x) of a dict x: a copy, each item's adjoint that of the copy's item (x of another kind, pairs
# or keywords, is refused when the derivative runs).
@register_adjoint(dict)
def _(result, x):
    d[x] = add_adjoints(d[x], copied_dict_adjoint(d[result], x))


@register_tangent(dict)
def _(result, x):
    d[result] = copied_dict_tangent(d[x], x)


# The two helpers are linear in the adjoint or tangent they are given: derivatives of derivatives.
@register_adjoint(runtime.copied_dict_adjoint)
def _(result, g, x):
    d[g] = add_adjoints(d[g], copied_dict_tangent(d[result], x))


@register_tangent(runtime.copied_dict_adjoint)
def _(result, g, x):
    d[result] = copied_dict_adjoint(d[g], x)


@register_adjoint(runtime.copied_dict_tangent)
def _(result, dx, x):
    d[dx] = add_adjoints(d[dx], copied_dict_adjoint(d[result], x))


@register_tangent(runtime.copied_dict_tangent)
def _(result, dx, x):
    d[result] = copied_dict_tangent(d[dx], x)
