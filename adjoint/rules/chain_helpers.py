"""Derivatives of the helpers of np.linalg.multi_dot's rules (numpy_linalg.py), for second order.

multi_dot_adjoint(g, xs) is linear in g, with multi_dot_tangent as its transpose, and multilinear
in xs; its derivative in xs is multi_dot_second, which is also its own transpose. The helpers of
these rules have none themselves: third derivatives of multi_dot are not written.
"""
from adjoint import runtime
from adjoint.templates import d
from adjoint.rules.table import register_adjoint, register_tangent
from adjoint.runtime import multi_dot_adjoint_tangent, multi_dot_second, multi_dot_tangent


@register_adjoint(runtime.multi_dot_adjoint)
def _(result, g, xs):
    d[g] = multi_dot_tangent(d[result], xs)
    d[xs] = multi_dot_second(d[result], g, xs)


@register_tangent(runtime.multi_dot_adjoint)
def _(result, g, xs):
    d[result] = multi_dot_adjoint_tangent(d[g], d[xs], g, xs)
