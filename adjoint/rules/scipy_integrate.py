"""Adjoints and tangents of scipy.integrate's rules on samples: trapezoid (as np.trapezoid's),
cumulative_trapezoid (initial=None or 0) and simpson, with x= or dx= and axis=.

trapezoid and cumulative_trapezoid are sums (running sums) of h * m, h the spacings (diff(x), or
dx) and m the pair means (y[i] + y[i + 1]) / 2, differentiated in y, x and dx. simpson is linear
in y, with weights runtime.simpson_weights reads from SciPy itself (so they follow the rule
SciPy uses for an even number of points), and proportional to dx; its derivative in x is not
taken (a differentiated x is refused at its line).
"""
import numpy as np
from scipy import integrate

from adjoint.rules.table import non_differentiable, not_differentiated, register_adjoint, register_tangent
from adjoint.runtime import (
    broadcast_like, initial_dropped, initial_inserted, pair_means, pair_means_adjoint, reshape_like, simpson_weights,
    spacings, spacings_adjoint,
)
from adjoint.templates import d

non_differentiable(simpson_weights)
not_differentiated(integrate.simpson, "x")


# sum(h * m) along axis; dx counts only when x is None.
@register_adjoint(integrate.trapezoid)
def _(result, y, x=None, dx=1.0, axis=-1):
    d[y] = pair_means_adjoint(np.expand_dims(d[result], axis) * (spacings(x, y, axis) if x is not None else dx),
                              y, axis)
    d[x] = spacings_adjoint(np.expand_dims(d[result], axis) * pair_means(y, axis), x, y, axis)
    d[dx] = reshape_like(np.sum(np.expand_dims(d[result], axis) * pair_means(y, axis)), dx) if x is None else 0.0


@register_tangent(integrate.trapezoid)
def _(result, y, x=None, dx=1.0, axis=-1):
    d[result] = (np.sum(spacings(d[x], y, axis) * pair_means(y, axis) + spacings(x, y, axis) * pair_means(d[y], axis),
                        axis=axis) if x is not None else
                 np.sum(d[dx] * pair_means(y, axis) + dx * pair_means(d[y], axis), axis=axis))


# cumsum(h * m) along axis, after a 0 when initial=0: the adjoint of a running sum is the running
# sum from the end.
@register_adjoint(integrate.cumulative_trapezoid)
def _(result, y, x=None, dx=1.0, axis=-1, initial=None):
    later = np.flip(np.cumsum(np.flip(initial_dropped(broadcast_like(d[result], result), axis, initial), axis),
                              axis=axis), axis)
    d[y] = pair_means_adjoint(later * (spacings(x, y, axis) if x is not None else dx), y, axis)
    d[x] = spacings_adjoint(later * pair_means(y, axis), x, y, axis)
    d[dx] = reshape_like(np.sum(later * pair_means(y, axis)), dx) if x is None else 0.0


@register_tangent(integrate.cumulative_trapezoid)
def _(result, y, x=None, dx=1.0, axis=-1, initial=None):
    d[result] = initial_inserted(np.cumsum(
        spacings(d[x], y, axis) * pair_means(y, axis) + spacings(x, y, axis) * pair_means(d[y], axis)
        if x is not None else d[dx] * pair_means(y, axis) + dx * pair_means(d[y], axis), axis=axis), axis, initial)


# sum(w * y) along axis, times dx when x is None (w the weights at spacing 1).
@register_adjoint(integrate.simpson)
def _(result, y, x=None, dx=1.0, axis=-1):
    d[y] = np.expand_dims(d[result], axis) * simpson_weights(y, x, axis) * (dx if x is None else 1.0)
    d[dx] = reshape_like(np.sum(d[result] * integrate.simpson(y, axis=axis)), dx) if x is None else 0.0


@register_tangent(integrate.simpson)
def _(result, y, x=None, dx=1.0, axis=-1):
    d[result] = (np.sum(simpson_weights(y, x, axis) * d[y], axis=axis) * (dx if x is None else 1.0)
                 + (d[dx] * integrate.simpson(y, axis=axis) if x is None else 0.0))


@register_adjoint(initial_dropped)
def _(result, g, axis, initial):
    d[g] = initial_inserted(d[result], axis, initial)


@register_tangent(initial_dropped)
def _(result, g, axis, initial):
    d[result] = initial_dropped(d[g], axis, initial)


@register_adjoint(initial_inserted)
def _(result, g, axis, initial):
    d[g] = initial_dropped(d[result], axis, initial)


@register_tangent(initial_inserted)
def _(result, g, axis, initial):
    d[result] = initial_inserted(d[g], axis, initial)
