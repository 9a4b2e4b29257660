"""Adjoints and tangents of scipy.special's Bessel functions of real argument: of the first kind
(j0, j1, jv), of the second kind (y0, y1, yv), and the modified ones of the second kind (k0, k1,
kv) with their exponentially scaled forms (k0e, k1e, kve).

C_v' = (C_{v-1} - C_{v+1}) / 2 for C = J, Y, and K_v' = -(K_{v-1} + K_{v+1}) / 2, with
J_0' = -J_1, Y_0' = -Y_1, K_0' = -K_1; the scaled forms are exp(x) K_v(x), whose derivative
adds themselves. Each derivative is written with functions that have rules, so second
derivatives follow. The order v is not differentiated (a differentiated order is refused at its line).

Registered when a lookup first meets SciPy (see rules/libraries.py).
"""
from scipy import special

from adjoint.templates import d
from adjoint.rules.table import not_differentiated, register_adjoint, register_tangent
from adjoint.runtime import unbroadcast

for _order_taking in (special.jv, special.yv, special.kv, special.kve):
    not_differentiated(_order_taking, "v")

# ----- First kind ------------------------------------------------------------------------------------


@register_adjoint(special.j0)
def _(result, x):
    d[x] = -d[result] * special.j1(x)


@register_tangent(special.j0)
def _(result, x):
    d[result] = -d[x] * special.j1(x)


@register_adjoint(special.j1)
def _(result, x):
    d[x] = d[result] * 0.5 * (special.j0(x) - special.jv(2.0, x))


@register_tangent(special.j1)
def _(result, x):
    d[result] = d[x] * 0.5 * (special.j0(x) - special.jv(2.0, x))


@register_adjoint(special.jv)
def _(result, v, x):
    d[x] = unbroadcast(d[result] * 0.5 * (special.jv(v - 1.0, x) - special.jv(v + 1.0, x)), x)


@register_tangent(special.jv)
def _(result, v, x):
    d[result] = d[x] * 0.5 * (special.jv(v - 1.0, x) - special.jv(v + 1.0, x))


# ----- Second kind ------------------------------------------------------------------------------------


@register_adjoint(special.y0)
def _(result, x):
    d[x] = -d[result] * special.y1(x)


@register_tangent(special.y0)
def _(result, x):
    d[result] = -d[x] * special.y1(x)


@register_adjoint(special.y1)
def _(result, x):
    d[x] = d[result] * 0.5 * (special.y0(x) - special.yv(2.0, x))


@register_tangent(special.y1)
def _(result, x):
    d[result] = d[x] * 0.5 * (special.y0(x) - special.yv(2.0, x))


@register_adjoint(special.yv)
def _(result, v, x):
    d[x] = unbroadcast(d[result] * 0.5 * (special.yv(v - 1.0, x) - special.yv(v + 1.0, x)), x)


@register_tangent(special.yv)
def _(result, v, x):
    d[result] = d[x] * 0.5 * (special.yv(v - 1.0, x) - special.yv(v + 1.0, x))


# ----- Modified, second kind, and their scaled forms exp(x) K_v(x) ---------------------------------------------


@register_adjoint(special.k0)
def _(result, x):
    d[x] = -d[result] * special.k1(x)


@register_tangent(special.k0)
def _(result, x):
    d[result] = -d[x] * special.k1(x)


@register_adjoint(special.k1)
def _(result, x):
    d[x] = -d[result] * 0.5 * (special.k0(x) + special.kv(2.0, x))


@register_tangent(special.k1)
def _(result, x):
    d[result] = -d[x] * 0.5 * (special.k0(x) + special.kv(2.0, x))


@register_adjoint(special.kv)
def _(result, v, x):
    d[x] = unbroadcast(-d[result] * 0.5 * (special.kv(v - 1.0, x) + special.kv(v + 1.0, x)), x)


@register_tangent(special.kv)
def _(result, v, x):
    d[result] = -d[x] * 0.5 * (special.kv(v - 1.0, x) + special.kv(v + 1.0, x))


@register_adjoint(special.k0e)
def _(result, x):
    d[x] = d[result] * (result - special.k1e(x))


@register_tangent(special.k0e)
def _(result, x):
    d[result] = d[x] * (result - special.k1e(x))


@register_adjoint(special.k1e)
def _(result, x):
    d[x] = d[result] * (result - 0.5 * (special.k0e(x) + special.kve(2.0, x)))


@register_tangent(special.k1e)
def _(result, x):
    d[result] = d[x] * (result - 0.5 * (special.k0e(x) + special.kve(2.0, x)))


@register_adjoint(special.kve)
def _(result, v, x):
    d[x] = unbroadcast(d[result] * (result - 0.5 * (special.kve(v - 1.0, x) + special.kve(v + 1.0, x))), x)


@register_tangent(special.kve)
def _(result, v, x):
    d[result] = d[x] * (result - 0.5 * (special.kve(v - 1.0, x) + special.kve(v + 1.0, x)))
