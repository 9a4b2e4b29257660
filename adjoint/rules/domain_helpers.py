"""Derivatives of the helpers that keep the rules of `math` (and of NumPy on Python floats) exact at
the edge of a domain, so that those derivatives can be differentiated again.

pow_term(c, x, e) and quotient_or_inf are `c * x ** e` (0 where c is 0) and `a / b`, with NumPy's inf
where Python refuses (a zero base to a negative power, a zero divisor); math_domain(x) is x, after refusing x <= 0 as
math.log does; over_length(a, r) is a / r, 0 where r is 0 (the slope of a length at the origin).
"""
from adjoint.rules.table import register_adjoint, register_tangent
from adjoint.runtime import (
    math_domain, nonzero_length, over_length, pow_exponent_adjoint, pow_term, quotient_or_inf, unbroadcast,
)
from adjoint.templates import d


# pow_term(c, x, e) = c * x ** e (0 where c == 0): d/dc = x ** e, d/dx = c e x ** (e - 1),
# d/de = c x ** e log x (pow_exponent_adjoint: 0 where x == 0).
@register_adjoint(pow_term)
def _(result, c, x, e):
    d[c] = unbroadcast(d[result] * pow_term(1.0, x, e), c)
    d[x] = unbroadcast(d[result] * pow_term(c * e, x, e - 1), x)
    d[e] = unbroadcast(pow_exponent_adjoint(d[result], result, x, e), e)


@register_tangent(pow_term)
def _(result, c, x, e):
    d[result] = (d[c] * pow_term(1.0, x, e) + d[x] * pow_term(c * e, x, e - 1)
                 + pow_exponent_adjoint(d[e], result, x, e))


# The adjoints of math.log, log1p, log2, log10 and atanh do not read their result (the call may
# not run): math_domain refuses in the derivative what the call refuses. nonzero_length(r) is r too.
@register_adjoint(math_domain, nonzero_length)
def _(result, x):
    d[x] = d[result]


@register_tangent(math_domain, nonzero_length)
def _(result, x):
    d[result] = d[x]


@register_adjoint(quotient_or_inf)
def _(result, a, b):
    d[a] = unbroadcast(quotient_or_inf(d[result], b), a)
    d[b] = unbroadcast(-quotient_or_inf(d[result] * result, b), b)


@register_tangent(quotient_or_inf)
def _(result, a, b):
    d[result] = quotient_or_inf(d[a] - result * d[b], b)


# over_length(a, r) = a / r, 0 where r is 0: its derivative in r, -a / r^2, is unbounded at r = 0, where
# nonzero_length (r itself, its derivative r's) refuses.
@register_adjoint(over_length)
def _(result, a, r):
    d[a] = unbroadcast(over_length(d[result], r), a)
    d[r] = unbroadcast(-over_length(d[result] * result, nonzero_length(r)), r)


@register_tangent(over_length)
def _(result, a, r):
    d[result] = over_length(d[a], r) - over_length(d[r] * result, nonzero_length(r))
