"""Adjoints and tangents of the rest of `math` (gamma functions, fsum, exp2, cbrt, ldexp,
remainder, dist, hypot of other than two numbers) and of max and min over one sequence (rewritten to
runtime.largest, runtime.smallest).

The derivatives of math.lgamma and math.gamma use the polygamma functions of
runtime.scalar_polygamma, whose own rule is the next polygamma function.
"""
import math

from adjoint import runtime
from adjoint.templates import d
from adjoint.rules.table import non_differentiable, register_adjoint, register_tangent
from adjoint.runtime import (add_adjoints, chosen_adjoint, chosen_tangent, items_dot, items_scaled, over_length,
                             scalar_polygamma, sum_adjoint, sum_tangent)

non_differentiable(math.factorial, math.comb, math.perm, math.gcd, math.isqrt, math.isclose)
non_differentiable(*(getattr(math, name) for name in ("lcm", "ulp") if hasattr(math, name)))
# Python 3.11 added math.exp2 and math.cbrt.
EXP2 = tuple(f for f in (getattr(math, "exp2", None),) if f is not None)
CBRT = tuple(f for f in (getattr(math, "cbrt", None),) if f is not None)


# The next float after x towards y moves with x (one unit in the last place away from it).
@register_adjoint(math.nextafter)
def _(result, x, y):
    d[x] = d[result]


@register_tangent(math.nextafter)
def _(result, x, y):
    d[result] = d[x]


@register_adjoint(math.lgamma)
def _(result, x):
    d[x] = d[result] * scalar_polygamma(0, x)


@register_tangent(math.lgamma)
def _(result, x):
    d[result] = d[x] * scalar_polygamma(0, x)


@register_adjoint(math.gamma)
def _(result, x):
    d[x] = d[result] * result * scalar_polygamma(0, x)


@register_tangent(math.gamma)
def _(result, x):
    d[result] = d[x] * result * scalar_polygamma(0, x)


@register_adjoint(runtime.scalar_polygamma)
def _(result, n, x):
    d[x] = d[result] * scalar_polygamma(n + 1, x)


@register_tangent(runtime.scalar_polygamma)
def _(result, n, x):
    d[result] = d[x] * scalar_polygamma(n + 1, x)


# math.fsum is sum, correctly rounded.
@register_adjoint(math.fsum)
def _(result, x):
    d[x] = add_adjoints(d[x], sum_adjoint(d[result], x))


@register_tangent(math.fsum)
def _(result, x):
    d[result] = sum_tangent(d[x], x, 0.0)


# ----- Euclidean lengths: math.dist, math.hypot of n numbers (runtime.hypot_of) -------------
# d|v| = <v, dv> / |v|, 0 at the origin (over_length); items_scaled and items_dot are bilinear, so their rules
# close the family.


@register_adjoint(runtime.hypot_of)
def _(result, items):
    d[items] = items_scaled(items, over_length(d[result], result))


@register_tangent(runtime.hypot_of)
def _(result, items):
    d[result] = over_length(items_dot(d[items], items), result)


@register_adjoint(math.dist)
def _(result, p, q):
    d[p] = add_adjoints(items_scaled(p, over_length(d[result], result)),
                        items_scaled(q, -over_length(d[result], result)))
    d[q] = add_adjoints(items_scaled(q, over_length(d[result], result)),
                        items_scaled(p, -over_length(d[result], result)))


@register_tangent(math.dist)
def _(result, p, q):
    d[result] = over_length(items_dot(d[p], p) - items_dot(d[p], q) - items_dot(d[q], p) + items_dot(d[q], q), result)


@register_adjoint(runtime.items_scaled)
def _(result, items, c):
    d[items] = items_scaled(d[result], c)
    d[c] = items_dot(d[result], items)


@register_tangent(runtime.items_scaled)
def _(result, items, c):
    d[result] = add_adjoints(items_scaled(d[items], c), items_scaled(items, d[c]))


@register_adjoint(runtime.items_dot)
def _(result, a, b):
    d[a] = items_scaled(b, d[result])
    d[b] = items_scaled(a, d[result])


@register_tangent(runtime.items_dot)
def _(result, a, b):
    d[result] = items_dot(d[a], b) + items_dot(a, d[b])


@register_adjoint(math.ldexp)
def _(result, x, i):
    d[x] = math.ldexp(d[result], i)


@register_tangent(math.ldexp)
def _(result, x, i):
    d[result] = math.ldexp(d[x], i)


# remainder(x, y) = x - n y with n the integer nearest x / y: constant between its jumps.
@register_adjoint(math.remainder)
def _(result, x, y):
    d[x] = d[result]
    d[y] = -d[result] * ((x - result) / y)


@register_tangent(math.remainder)
def _(result, x, y):
    d[result] = d[x] - d[y] * ((x - result) / y)


if EXP2:
    @register_adjoint(*EXP2)
    def _(result, x):
        d[x] = d[result] * result * math.log(2.0)

    @register_tangent(*EXP2)
    def _(result, x):
        d[result] = d[x] * result * math.log(2.0)

if CBRT:
    @register_adjoint(*CBRT)
    def _(result, x):
        d[x] = d[result] / (3.0 * result * result)

    @register_tangent(*CBRT)
    def _(result, x):
        d[result] = d[x] / (3.0 * result * result)


# ----- max and min of one sequence: the first item that attains the extremum --------------------


@register_adjoint(runtime.largest, runtime.smallest)
def _(result, xs):
    d[xs] = add_adjoints(d[xs], chosen_adjoint(d[result], xs, result))


@register_tangent(runtime.largest, runtime.smallest)
def _(result, xs):
    d[result] = chosen_tangent(d[xs], xs, result)


@register_adjoint(runtime.chosen_adjoint)
def _(result, g, xs, chosen):
    d[g] = chosen_tangent(d[result], xs, chosen)


@register_tangent(runtime.chosen_adjoint)
def _(result, g, xs, chosen):
    d[result] = chosen_adjoint(d[g], xs, chosen)


@register_adjoint(runtime.chosen_tangent)
def _(result, dxs, xs, chosen):
    d[dxs] = add_adjoints(d[dxs], chosen_adjoint(d[result], xs, chosen))


@register_tangent(runtime.chosen_tangent)
def _(result, dxs, xs, chosen):
    d[result] = chosen_tangent(d[dxs], xs, chosen)
