"""Adjoints and tangents of NumPy reductions: the adjoint spreads back over the reduced axes."""
import numpy as np

from adjoint import runtime
from adjoint.rules.table import non_differentiable, not_differentiated, register_adjoint, register_tangent
from adjoint.runtime import (
    cumsum_adjoint, diff_adjoint, extremum_adjoint, extremum_share, extremum_tangent, float_cast, gradient_adjoint,
    gradient_along, gradient_spacing_adjoint, gradient_spacing_tangent, half_over_std, initial_share, kept_count,
    nonzero_or_refuse,
    prod_others, reshape_like, running_sources, take_along_axis_adjoint, tangent_like, unreduce, var_adjoint,
    var_tangent,
)
from adjoint.templates import d

# ----- Sums and means --------------------------------------------------------------


@register_adjoint(np.sum)
def _(result, x, axis=None, keepdims=False):
    d[x] = unreduce(d[result], x, axis, keepdims)


@register_tangent(np.sum)
def _(result, x, axis=None, keepdims=False):
    d[result] = np.sum(d[x], axis=axis, keepdims=keepdims)


# 1 / the count of entries averaged; an empty x (an empty slice's columns) has an empty adjoint.
@register_adjoint(np.mean)
def _(result, x, axis=None, keepdims=False):
    d[x] = unreduce(d[result], x, axis, keepdims) * (np.size(result) / max(np.size(x), 1))


@register_tangent(np.mean)
def _(result, x, axis=None, keepdims=False):
    d[result] = np.mean(d[x], axis=axis, keepdims=keepdims)


# np.sum and np.mean given a dtype or a mask (np.sum a start `initial=` too) are rewritten to
# runtime.summed and averaged: no derivative where the mask is False, the derivative cast back to x's
# float type (an integer dtype truncates each entry: none); the start is added to every sum.
@register_adjoint(runtime.summed)
def _(result, x, axis=None, dtype=None, keepdims=False, where=True, initial=None):
    d[x] = float_cast(np.where(where, unreduce(d[result], x, axis, keepdims), 0.0), dtype, x)
    d[initial] = reshape_like(float_cast(np.sum(d[result]), dtype, initial), initial)


@register_tangent(runtime.summed)
def _(result, x, axis=None, dtype=None, keepdims=False, where=True, initial=None):
    d[result] = float_cast(np.sum(tangent_like(d[x], x), axis=axis, keepdims=keepdims, where=where) + d[initial],
                           dtype, result)


@register_adjoint(runtime.averaged)
def _(result, x, axis=None, dtype=None, keepdims=False, where=True):
    d[x] = float_cast(np.where(where, unreduce(d[result], x, axis, keepdims) / kept_count(x, axis, where), 0.0),
                      dtype, x)


@register_tangent(runtime.averaged)
def _(result, x, axis=None, dtype=None, keepdims=False, where=True):
    d[result] = float_cast(np.mean(tangent_like(d[x], x), axis=axis, keepdims=keepdims, where=where), dtype, result)


# NaNs count as zeros: they get no derivative.
@register_adjoint(np.nansum)
def _(result, x, axis=None, keepdims=False):
    d[x] = np.where(np.isnan(x), 0.0, unreduce(d[result], x, axis, keepdims))


@register_tangent(np.nansum)
def _(result, x, axis=None, keepdims=False):
    d[result] = np.sum(np.where(np.isnan(x), 0.0, d[x]), axis=axis, keepdims=keepdims)


# d prod(x) / d x_i is the product of the other entries (exact where some are zero).
@register_adjoint(np.prod)
def _(result, x, axis=None, keepdims=False):
    d[x] = unreduce(d[result], x, axis, keepdims) * prod_others(x, axis)


@register_tangent(np.prod)
def _(result, x, axis=None, keepdims=False):
    d[result] = np.sum(d[x] * prod_others(x, axis), axis=axis, keepdims=keepdims)


# np.prod given a dtype, a mask or a start (runtime.multiplied): the start (1 where none is given) times
# the product of the entries the mask keeps (the others read as 1, with no derivative).
@register_adjoint(runtime.multiplied)
def _(result, x, axis=None, dtype=None, keepdims=False, where=True, initial=1.0):
    d[x] = float_cast(np.where(where, unreduce(d[result], x, axis, keepdims) * prod_others(
        np.where(where, x, 1.0), axis) * initial, 0.0), dtype, x)
    d[initial] = reshape_like(float_cast(np.sum(d[result] * np.prod(np.where(where, x, 1.0), axis=axis,
                                                                    keepdims=keepdims)), dtype, initial), initial)


@register_tangent(runtime.multiplied)
def _(result, x, axis=None, dtype=None, keepdims=False, where=True, initial=1.0):
    d[result] = float_cast(np.sum(np.where(where, tangent_like(d[x], x) * prod_others(np.where(where, x, 1.0), axis),
                                           0.0), axis=axis, keepdims=keepdims) * initial
                           + d[initial] * np.prod(np.where(where, x, 1.0), axis=axis, keepdims=keepdims),
                           dtype, result)


# log(sum(exp(x))) along axis (np.logaddexp.reduce, rewritten to runtime.log_sum_exp): the softmax weights.
@register_adjoint(runtime.log_sum_exp)
def _(result, x, axis=0, keepdims=False):
    d[x] = unreduce(d[result], x, axis, keepdims) * np.exp(x - unreduce(result, x, axis, keepdims))


@register_tangent(runtime.log_sum_exp)
def _(result, x, axis=0, keepdims=False):
    d[result] = np.sum(d[x] * np.exp(x - unreduce(result, x, axis, keepdims)), axis=axis, keepdims=keepdims)


# ----- Spread ---------------------------------------------------------------------------


# The divisor n - ddof is not differentiated in ddof (a differentiated ddof is refused at its line).
not_differentiated(np.var, "ddof")
not_differentiated(np.std, "ddof")
not_differentiated(np.nanvar, "ddof")
not_differentiated(np.nanstd, "ddof")


@register_adjoint(np.var)
def _(result, x, axis=None, ddof=0, keepdims=False):
    d[x] = var_adjoint(d[result], x, axis, ddof, keepdims)


@register_tangent(np.var)
def _(result, x, axis=None, ddof=0, keepdims=False):
    d[result] = var_tangent(d[x], x, axis, ddof, keepdims)


# std = sqrt(var): d std = d var / (2 std), 0 for a constant group (runtime.half_over_std).
@register_adjoint(np.std)
def _(result, x, axis=None, ddof=0, keepdims=False):
    d[x] = var_adjoint(half_over_std(d[result], result), x, axis, ddof, keepdims)


@register_tangent(np.std)
def _(result, x, axis=None, ddof=0, keepdims=False):
    d[result] = half_over_std(var_tangent(d[x], x, axis, ddof, keepdims), result)


# ----- Extrema ----------------------------------------------------------------------------


# Ties share the derivative equally (as autograd does).
@register_adjoint(np.max, np.amax, np.min, np.amin)
def _(result, x, axis=None, keepdims=False):
    d[x] = extremum_adjoint(d[result], result, x, axis, keepdims)


@register_tangent(np.max, np.amax, np.min, np.amin)
def _(result, x, axis=None, keepdims=False):
    d[result] = extremum_tangent(d[x], result, x, axis, keepdims)


# np.max and np.min given a mask or a start (runtime.highest, lowest): the derivative goes to the
# kept entries that attain the extremum and to the start where it does, ties sharing it equally.
non_differentiable(runtime.extremum_share, runtime.initial_share)


@register_adjoint(runtime.highest, runtime.lowest)
def _(result, x, axis=None, keepdims=False, where=True, initial=None):
    d[x] = unreduce(d[result], x, axis, keepdims) * extremum_share(result, x, axis, keepdims, where, initial)
    d[initial] = reshape_like(np.sum(d[result] * initial_share(result, x, axis, keepdims, where, initial)), initial)


@register_tangent(runtime.highest, runtime.lowest)
def _(result, x, axis=None, keepdims=False, where=True, initial=None):
    d[result] = (np.sum(tangent_like(d[x], x) * extremum_share(result, x, axis, keepdims, where, initial), axis=axis,
                        keepdims=keepdims) + d[initial] * initial_share(result, x, axis, keepdims, where, initial))


# ----- Cumulative ---------------------------------------------------------------------------
# np.cumulative_sum and np.cumulative_prod (NumPy 2.1 on) without include_initial are cumsum and
# cumprod along axis (which they require beyond one dimension).
CUMULATIVE_SUM = (np.cumulative_sum,) if hasattr(np, "cumulative_sum") else ()
CUMULATIVE_PROD = (np.cumulative_prod,) if hasattr(np, "cumulative_prod") else ()


@register_adjoint(np.cumsum, *CUMULATIVE_SUM)
def _(result, x, axis=None):
    d[x] = cumsum_adjoint(d[result], x, axis)


@register_tangent(np.cumsum, *CUMULATIVE_SUM)
def _(result, x, axis=None):
    d[result] = np.cumsum(d[x], axis=axis)


# result_j = prod_{i <= j} x_i, so d result_j / d x_i = result_j / x_i: refused where an x_i is zero.
@register_adjoint(np.cumprod, *CUMULATIVE_PROD)
def _(result, x, axis=None):
    d[x] = cumsum_adjoint(d[result] * result, x, axis) / nonzero_or_refuse(x)


@register_tangent(np.cumprod, *CUMULATIVE_PROD)
def _(result, x, axis=None):
    d[result] = result * np.cumsum(d[x] / nonzero_or_refuse(x), axis=axis)


# The running maximum and minimum (np.maximum.accumulate, np.minimum.accumulate): each entry is an entry of
# x, which gets its derivative; running_sources says which from the result, ties as np.maximum's rule breaks them.
non_differentiable(runtime.running_sources, runtime.kept_count)


@register_adjoint(runtime.running_max, runtime.running_min)
def _(result, x, axis=0):
    d[x] = take_along_axis_adjoint(d[result], x, running_sources(result, axis), axis)


@register_tangent(runtime.running_max, runtime.running_min)
def _(result, x, axis=0):
    d[result] = np.take_along_axis(d[x], running_sources(result, axis), axis)


# y[i] = x[i + 1] - x[i] (n times): the adjoint is minus the difference of g padded with zeros.
@register_adjoint(np.diff)
def _(result, x, n=1, axis=-1):
    d[x] = diff_adjoint(d[result], n, axis)


@register_tangent(np.diff)
def _(result, x, n=1, axis=-1):
    d[result] = np.diff(d[x], n, axis)


# np.gradient along one axis, with a scalar spacing h (differentiated: the result is
# proportional to 1/h) or coordinates (not differentiated); linear in f.
@register_adjoint(np.gradient)
def _(result, f, spacing=1.0, axis=None, edge_order=1):
    d[f] = gradient_adjoint(d[result], f, spacing, axis, edge_order)
    d[spacing] = gradient_spacing_adjoint(d[result], result, spacing)


@register_tangent(np.gradient)
def _(result, f, spacing=1.0, axis=None, edge_order=1):
    d[result] = gradient_along(d[f], spacing, axis, edge_order) + gradient_spacing_tangent(d[spacing], result, spacing)


# ediff1d(x) is diff(ravel(x)) (to_begin and to_end are refused as keywords).
@register_adjoint(np.ediff1d)
def _(result, ary):
    d[ary] = reshape_like(diff_adjoint(d[result], 1, -1), ary)


@register_tangent(np.ediff1d)
def _(result, ary):
    d[result] = np.ediff1d(d[ary])


# ----- Ignoring NaNs ------------------------------------------------------------------------
# A NaN counts as the operation's identity (0 for sums, 1 for products) and gets no derivative.


@register_adjoint(np.nancumsum)
def _(result, x, axis=None):
    d[x] = cumsum_adjoint(d[result], x, axis) * np.logical_not(np.isnan(x))


@register_tangent(np.nancumsum)
def _(result, x, axis=None):
    d[result] = np.cumsum(np.where(np.isnan(x), 0.0, d[x]), axis=axis)


# d nanprod(x) / d x_i is the product of the other entries that are not NaN, where x_i is not NaN (NaN read as 1).
@register_adjoint(np.nanprod)
def _(result, x, axis=None, keepdims=False):
    d[x] = unreduce(d[result], x, axis, keepdims) * prod_others(np.where(np.isnan(x), 1.0, x), axis) * np.logical_not(
        np.isnan(x))


@register_tangent(np.nanprod)
def _(result, x, axis=None, keepdims=False):
    d[result] = np.sum(np.where(np.isnan(x), 0.0, d[x]) * prod_others(np.where(np.isnan(x), 1.0, x), axis), axis=axis,
                       keepdims=keepdims)


# nanvar = sum of c^2 / (count - ddof) over the numbers, c = x - nanmean(x) (0 at a NaN):
# d nanvar / d x_i = 2 c_i / (count - ddof).
@register_adjoint(np.nanvar)
def _(result, x, axis=None, ddof=0, keepdims=False):
    centered = np.where(np.isnan(x), 0.0, x - np.nanmean(x, axis=axis, keepdims=True))
    count = np.sum(np.logical_not(np.isnan(x)), axis=axis, keepdims=True)
    d[x] = unreduce(d[result], x, axis, keepdims) * centered * (2.0 / (count - ddof))


@register_tangent(np.nanvar)
def _(result, x, axis=None, ddof=0, keepdims=False):
    d[result] = (2.0 * np.sum(np.where(np.isnan(x), 0.0, d[x] * (x - np.nanmean(x, axis=axis, keepdims=True))),
                              axis=axis, keepdims=keepdims)
                 / (np.sum(np.logical_not(np.isnan(x)), axis=axis, keepdims=keepdims) - ddof))


# nanstd = sqrt(nanvar): d nanstd = d nanvar / (2 nanstd).
@register_adjoint(np.nanstd)
def _(result, x, axis=None, ddof=0, keepdims=False):
    centered = np.where(np.isnan(x), 0.0, x - np.nanmean(x, axis=axis, keepdims=True))
    count = np.sum(np.logical_not(np.isnan(x)), axis=axis, keepdims=True)
    d[x] = unreduce(2.0 * half_over_std(d[result], result), x, axis, keepdims) * centered / (count - ddof)


@register_tangent(np.nanstd)
def _(result, x, axis=None, ddof=0, keepdims=False):
    d[result] = 2.0 * half_over_std(
        np.sum(np.where(np.isnan(x), 0.0, d[x] * (x - np.nanmean(x, axis=axis, keepdims=True))), axis=axis,
               keepdims=keepdims) / (np.sum(np.logical_not(np.isnan(x)), axis=axis, keepdims=keepdims) - ddof), result)
