"""Adjoints and tangents of scipy.stats distribution functions and quantiles: the normal's survival
function, its log and its quantiles (ppf, isf); expon's and logistic's distribution functions (and logistic's log);
gamma's and Student's t with respect to the value, loc and scale; and stats.entropy.

As in scipy_stats.py, z = (x - loc) / scale: a distribution function F(z) has the derivative
F'(z) / scale in x, minus that in loc and -z F'(z) / scale in scale, F' the standard density. The
shape parameters of gamma.cdf and t.cdf are not differentiated (their derivatives are not closed
form): a shape that depends on the differentiated inputs is refused at its line. A quantile
loc + scale Q(q) has the derivative scale Q'(q) = scale / F'(z) in q, 1 in loc and z in scale.
A distribution function is flat at an infinite x: its rules read z from x with the infinite entries
0.0 and make the slope 0.0 there (zero_where_infinite), so that no inf * 0 makes nan in their
derivatives or in the derivatives of those.
"""
import math

import numpy as np
from scipy import stats

from adjoint.templates import d
from adjoint.rules.table import non_differentiable, not_differentiated, register_adjoint, register_tangent
from adjoint.runtime import (
    entropy_log_base, finite_standardized, pow_term, standardized, unbroadcast, unreduce, zero_where_infinite,
)

SQRT_2PI = math.sqrt(2.0 * math.pi)

non_differentiable(entropy_log_base)
not_differentiated(stats.gamma.cdf, "a")
not_differentiated(stats.t.cdf, "df")
not_differentiated(stats.entropy, "base")

# ----- Normal: sf = ndtr(-z), logsf = log_ndtr(-z), ppf = loc + scale ndtri(q), isf(q) = ppf(1 - q) -----------


@register_adjoint(stats.norm.sf)
def _(result, x, loc=0.0, scale=1.0):
    z = finite_standardized(x, loc, scale)
    density = zero_where_infinite(np.exp(-0.5 * z * z), x) / (SQRT_2PI * scale)
    d[x] = unbroadcast(-d[result] * density, x)
    d[loc] = unbroadcast(d[result] * density, loc)
    d[scale] = unbroadcast(d[result] * density * z, scale)


@register_tangent(stats.norm.sf)
def _(result, x, loc=0.0, scale=1.0):
    d[result] = (-standardized(d[x] - d[loc] - d[scale] * finite_standardized(x, loc, scale), 0.0, scale)
                 * zero_where_infinite(np.exp(-0.5 * np.square(finite_standardized(x, loc, scale))), x)
                 / SQRT_2PI)


# The slope of logsf, -pdf(z) / sf(z), is computed as -exp(log pdf - logsf) so that it stays finite. It is
# flat at x = -inf (np.minimum(x, 0.0) is infinite there alone); at x = inf its value is -inf.
@register_adjoint(stats.norm.logsf)
def _(result, x, loc=0.0, scale=1.0):
    z = (zero_where_infinite(x, np.minimum(x, 0.0)) - loc) / scale
    ratio = zero_where_infinite(np.exp(-0.5 * z * z - result), np.minimum(x, 0.0)) / (SQRT_2PI * scale)
    d[x] = unbroadcast(-d[result] * ratio, x)
    d[loc] = unbroadcast(d[result] * ratio, loc)
    d[scale] = unbroadcast(d[result] * ratio * z, scale)


@register_tangent(stats.norm.logsf)
def _(result, x, loc=0.0, scale=1.0):
    d[result] = (-standardized(d[x] - d[loc] - d[scale] * standardized(zero_where_infinite(x, np.minimum(x, 0.0)),
                                                                        loc, scale), 0.0, scale)
                 * zero_where_infinite(np.exp(-0.5 * np.square(standardized(zero_where_infinite(x, np.minimum(x, 0.0)),
                                                                            loc, scale)) - result),
                                       np.minimum(x, 0.0)) / SQRT_2PI)


@register_adjoint(stats.norm.ppf)
def _(result, q, loc=0.0, scale=1.0):
    z = (result - loc) / scale
    d[q] = unbroadcast(d[result] * scale * SQRT_2PI * np.exp(0.5 * z * z), q)
    d[loc] = unbroadcast(d[result], loc)
    d[scale] = unbroadcast(d[result] * z, scale)


@register_tangent(stats.norm.ppf)
def _(result, q, loc=0.0, scale=1.0):
    d[result] = (d[q] * scale * SQRT_2PI * np.exp(0.5 * np.square(standardized(result, loc, scale))) + d[loc]
                 + d[scale] * standardized(result, loc, scale))


@register_adjoint(stats.norm.isf)
def _(result, q, loc=0.0, scale=1.0):
    z = (result - loc) / scale
    d[q] = unbroadcast(-d[result] * scale * SQRT_2PI * np.exp(0.5 * z * z), q)
    d[loc] = unbroadcast(d[result], loc)
    d[scale] = unbroadcast(d[result] * z, scale)


@register_tangent(stats.norm.isf)
def _(result, q, loc=0.0, scale=1.0):
    d[result] = (-d[q] * scale * SQRT_2PI * np.exp(0.5 * np.square(standardized(result, loc, scale))) + d[loc]
                 + d[scale] * standardized(result, loc, scale))


# ----- Exponential: cdf = 1 - exp(-z), sf = exp(-z), logcdf = log(1 - exp(-z)) on z >= 0 ----------------------
# Below loc the cdf is 0, the sf 1 (the logcdf -inf): constant, their derivative zero there.


@register_adjoint(stats.expon.cdf)
def _(result, x, loc=0.0, scale=1.0):
    z = finite_standardized(x, loc, scale)
    slope = zero_where_infinite(np.where(z >= 0.0, 1.0 - result, 0.0), x) / scale
    d[x] = unbroadcast(d[result] * slope, x)
    d[loc] = unbroadcast(-d[result] * slope, loc)
    d[scale] = unbroadcast(-d[result] * slope * z, scale)


@register_tangent(stats.expon.cdf)
def _(result, x, loc=0.0, scale=1.0):
    d[result] = (standardized(d[x] - d[loc] - d[scale] * finite_standardized(x, loc, scale), 0.0, scale)
                 * zero_where_infinite(np.where(finite_standardized(x, loc, scale) >= 0.0, 1.0 - result, 0.0), x))


@register_adjoint(stats.expon.sf)
def _(result, x, loc=0.0, scale=1.0):
    z = finite_standardized(x, loc, scale)
    slope = zero_where_infinite(np.where(z >= 0.0, -result, 0.0), x) / scale
    d[x] = unbroadcast(d[result] * slope, x)
    d[loc] = unbroadcast(-d[result] * slope, loc)
    d[scale] = unbroadcast(-d[result] * slope * z, scale)


@register_tangent(stats.expon.sf)
def _(result, x, loc=0.0, scale=1.0):
    d[result] = (standardized(d[x] - d[loc] - d[scale] * finite_standardized(x, loc, scale), 0.0, scale)
                 * zero_where_infinite(np.where(finite_standardized(x, loc, scale) >= 0.0, -result, 0.0), x))


# d logcdf / dz = exp(-z) / (1 - exp(-z)) = 1 / expm1(z).
@register_adjoint(stats.expon.logcdf)
def _(result, x, loc=0.0, scale=1.0):
    z = finite_standardized(x, loc, scale)
    slope = zero_where_infinite(np.where(z > 0.0, 1.0 / np.expm1(z), 0.0), x) / scale
    d[x] = unbroadcast(d[result] * slope, x)
    d[loc] = unbroadcast(-d[result] * slope, loc)
    d[scale] = unbroadcast(-d[result] * slope * z, scale)


@register_tangent(stats.expon.logcdf)
def _(result, x, loc=0.0, scale=1.0):
    d[result] = (standardized(d[x] - d[loc] - d[scale] * finite_standardized(x, loc, scale), 0.0, scale)
                 * zero_where_infinite(np.where(finite_standardized(x, loc, scale) > 0.0,
                                                1.0 / np.expm1(finite_standardized(x, loc, scale)), 0.0), x))


# ----- Logistic: cdf = expit(z), whose slope is cdf (1 - cdf) ---------------------------------------------------


@register_adjoint(stats.logistic.cdf)
def _(result, x, loc=0.0, scale=1.0):
    z = finite_standardized(x, loc, scale)
    slope = zero_where_infinite(result * (1.0 - result), x) / scale
    d[x] = unbroadcast(d[result] * slope, x)
    d[loc] = unbroadcast(-d[result] * slope, loc)
    d[scale] = unbroadcast(-d[result] * slope * z, scale)


@register_tangent(stats.logistic.cdf)
def _(result, x, loc=0.0, scale=1.0):
    d[result] = (standardized(d[x] - d[loc] - d[scale] * finite_standardized(x, loc, scale), 0.0, scale)
                 * zero_where_infinite(result * (1.0 - result), x))


# logcdf = log expit(z), whose slope is 1 - expit(z) = -expm1(logcdf): 0 at z = inf of itself.
@register_adjoint(stats.logistic.logcdf)
def _(result, x, loc=0.0, scale=1.0):
    z = finite_standardized(x, loc, scale)
    slope = -np.expm1(result) / scale
    d[x] = unbroadcast(d[result] * slope, x)
    d[loc] = unbroadcast(-d[result] * slope, loc)
    d[scale] = unbroadcast(-d[result] * slope * z, scale)


@register_tangent(stats.logistic.logcdf)
def _(result, x, loc=0.0, scale=1.0):
    d[result] = (standardized(d[x] - d[loc] - d[scale] * finite_standardized(x, loc, scale), 0.0, scale)
                 * -np.expm1(result))


# ----- Gamma and Student's t: the slope is the standard density (gamma.pdf is 0 below loc) ----------------------


@register_adjoint(stats.gamma.cdf)
def _(result, x, a, loc=0.0, scale=1.0):
    y = finite_standardized(x, loc, scale)
    slope = zero_where_infinite(stats.gamma.pdf(y, a), x) / scale
    d[x] = unbroadcast(d[result] * slope, x)
    d[loc] = unbroadcast(-d[result] * slope, loc)
    d[scale] = unbroadcast(-d[result] * slope * y, scale)


@register_tangent(stats.gamma.cdf)
def _(result, x, a, loc=0.0, scale=1.0):
    d[result] = (standardized(d[x] - d[loc] - d[scale] * finite_standardized(x, loc, scale), 0.0, scale)
                 * zero_where_infinite(stats.gamma.pdf(finite_standardized(x, loc, scale), a), x))


@register_adjoint(stats.t.cdf)
def _(result, x, df, loc=0.0, scale=1.0):
    z = finite_standardized(x, loc, scale)
    slope = zero_where_infinite(stats.t.pdf(z, df), x) / scale
    d[x] = unbroadcast(d[result] * slope, x)
    d[loc] = unbroadcast(-d[result] * slope, loc)
    d[scale] = unbroadcast(-d[result] * slope * z, scale)


@register_tangent(stats.t.cdf)
def _(result, x, df, loc=0.0, scale=1.0):
    d[result] = (standardized(d[x] - d[loc] - d[scale] * finite_standardized(x, loc, scale), 0.0, scale)
                 * zero_where_infinite(stats.t.pdf(finite_standardized(x, loc, scale), df), x))


# ----- Entropy of pk / sum(pk) (and relative entropy to qk / sum(qk)) along axis --------------------------------
# With p = pk / P, q = qk / Q and H the result in nats: dH/dpk = (-log p - H) / P, or (log(p / q) - H) / P for
# the relative entropy, whose dH/dqk = (1 - p / q) / Q; in base b, all divided by log(b).


@register_adjoint(stats.entropy)
def _(result, pk, qk=None, base=None, axis=0, keepdims=False):
    total = np.sum(pk, axis=axis, keepdims=True)
    scaled = unreduce(d[result], pk, axis, keepdims) / entropy_log_base(base, pk, qk)
    nats = unreduce(result, pk, axis, keepdims) * entropy_log_base(base, pk, qk)
    d[pk] = scaled * ((np.log(pk / total) - np.log(qk / np.sum(qk, axis=axis, keepdims=True)) if qk is not None
                       else -np.log(pk / total)) - nats) / total
    d[qk] = (scaled * (1.0 - pow_term(pk / total, qk / np.sum(qk, axis=axis, keepdims=True), -1.0))
             / np.sum(qk, axis=axis, keepdims=True))


@register_tangent(stats.entropy)
def _(result, pk, qk=None, base=None, axis=0, keepdims=False):
    d[result] = (np.sum(d[pk] * ((np.log(pk / np.sum(pk, axis=axis, keepdims=True))
                                  - np.log(qk / np.sum(qk, axis=axis, keepdims=True)) if qk is not None
                                  else -np.log(pk / np.sum(pk, axis=axis, keepdims=True)))
                                 - unreduce(result, pk, axis, keepdims) * entropy_log_base(base, pk, qk))
                        / np.sum(pk, axis=axis, keepdims=True), axis=axis, keepdims=keepdims)
                 + np.sum(d[qk] * (1.0 - pow_term(pk / np.sum(pk, axis=axis, keepdims=True),
                                                  qk / np.sum(qk, axis=axis, keepdims=True), -1.0))
                          / np.sum(qk, axis=axis, keepdims=True), axis=axis, keepdims=keepdims)
                 ) / entropy_log_base(base, pk, qk)
