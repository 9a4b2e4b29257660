"""Derivatives of the helpers that keep the rules of `math` (and of NumPy on Python floats) exact at
the edge of a domain, so that those derivatives can be differentiated again.

power_or_inf and quotient_or_inf are `x ** y` and `a / b`, with NumPy's inf where Python refuses
(a zero base to a negative power, a zero divisor); math_domain(x) is x, after refusing x <= 0 as
math.log does.
"""
from adjoint.rules.table import register_adjoint, register_tangent
from adjoint.runtime import math_domain, pow_exponent_adjoint, power_or_inf, quotient_or_inf, unbroadcast
from adjoint.templates import d


@register_adjoint(power_or_inf)
def _(result, x, y):
    d[x] = unbroadcast(d[result] * y * power_or_inf(x, y - 1), x)
    d[y] = unbroadcast(pow_exponent_adjoint(d[result], result, x, y), y)


@register_tangent(power_or_inf)
def _(result, x, y):
    d[result] = d[x] * y * power_or_inf(x, y - 1) + pow_exponent_adjoint(d[y], result, x, y)


# The adjoints of math.log, log1p, log2, log10 and atanh do not read their result (the call may
# not run): math_domain refuses in the derivative what the call refuses.
@register_adjoint(math_domain)
def _(result, x):
    d[x] = d[result]


@register_tangent(math_domain)
def _(result, x):
    d[result] = d[x]


@register_adjoint(quotient_or_inf)
def _(result, a, b):
    d[a] = unbroadcast(quotient_or_inf(d[result], b), a)
    d[b] = unbroadcast(-quotient_or_inf(d[result] * result, b), b)


@register_tangent(quotient_or_inf)
def _(result, a, b):
    d[result] = quotient_or_inf(d[a] - result * d[b], b)
