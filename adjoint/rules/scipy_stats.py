"""Adjoints and tangents of scipy.stats distributions: log densities, densities and distribution
functions, with respect to the values and the parameters.

A rule is keyed by the bound method (`scipy.stats.norm.logpdf`), which is what `norm.logpdf`
resolves to; the frozen form `norm(loc, scale).logpdf(x)` is rewritten to it by the normalizer.
Parameters follow SciPy's order: the values, the shape parameters, then `loc` and `scale`.
A tangent rule is one expression, so it spells z = (x - loc) / scale as `standardized(x, loc, scale)`;
with z's tangent dz = (dx - dloc - z dscale) / scale, a location-scale family's log density has the
tangent slope(z) dz - dscale / scale + (its shape parameters' terms).
multivariate_normal reads the lower triangle of its covariance alone (SciPy decomposes it with
`eigh(cov, lower=True)`): the covariance's gradient lies in that triangle (as np.linalg.cholesky's).
"""
import math

import numpy as np
from scipy import special, stats

from adjoint.templates import d
from adjoint.rules.table import register_adjoint, register_tangent
from adjoint.runtime import (
    dirichlet_points, finite_standardized, mvn_precision, points_outer, pow_term, standardized, symmetric_from,
    triangle_adjoint, unbroadcast, zero_where_infinite,
)

SQRT_2PI = math.sqrt(2.0 * math.pi)

# ----- Normal ------------------------------------------------------------------------------------
# z = (x - loc) / scale; log pdf = -z^2/2 - log(scale) - log(2 pi)/2. The half-normal's is log(2) more on z >= 0
# (its density twice the normal's there): the same derivatives.


@register_adjoint(stats.norm.logpdf, stats.halfnorm.logpdf)
def _(result, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[x] = unbroadcast(-d[result] * z / scale, x)
    d[loc] = unbroadcast(d[result] * z / scale, loc)
    d[scale] = unbroadcast(d[result] * (z * z - 1.0) / scale, scale)


@register_tangent(stats.norm.logpdf, stats.halfnorm.logpdf)
def _(result, x, loc=0.0, scale=1.0):
    d[result] = (-standardized(d[x] - d[loc], 0.0, scale) * standardized(x, loc, scale)
                 + d[scale] * (np.square(standardized(x, loc, scale)) - 1.0) / scale)


@register_adjoint(stats.norm.pdf, stats.halfnorm.pdf)
def _(result, x, loc=0.0, scale=1.0):
    z = finite_standardized(x, loc, scale)
    d[x] = unbroadcast(-d[result] * result * z / scale, x)
    d[loc] = unbroadcast(d[result] * result * z / scale, loc)
    d[scale] = unbroadcast(d[result] * result * (z * z - 1.0) / scale, scale)


@register_tangent(stats.norm.pdf, stats.halfnorm.pdf)
def _(result, x, loc=0.0, scale=1.0):
    d[result] = result * (-standardized(d[x] - d[loc], 0.0, scale) * finite_standardized(x, loc, scale)
                          + d[scale] * (np.square(finite_standardized(x, loc, scale)) - 1.0) / scale)


# cdf = ndtr(z): d cdf = pdf(z) dz, dz = (dx - dloc - z dscale) / scale. At an infinite x the cdf is
# flat: z is read from x with its infinite entries 0.0 and the density there is 0.0 (zero_where_infinite),
# so that no inf * 0 makes nan, in these derivatives or theirs. The rules below do the same.
@register_adjoint(stats.norm.cdf)
def _(result, x, loc=0.0, scale=1.0):
    z = finite_standardized(x, loc, scale)
    density = zero_where_infinite(np.exp(-0.5 * z * z), x) / (SQRT_2PI * scale)
    d[x] = unbroadcast(d[result] * density, x)
    d[loc] = unbroadcast(-d[result] * density, loc)
    d[scale] = unbroadcast(-d[result] * density * z, scale)


@register_tangent(stats.norm.cdf)
def _(result, x, loc=0.0, scale=1.0):
    d[result] = (standardized(d[x] - d[loc] - d[scale] * finite_standardized(x, loc, scale), 0.0, scale)
                 * zero_where_infinite(np.exp(-0.5 * np.square(finite_standardized(x, loc, scale))), x)
                 / SQRT_2PI)


# logcdf = log_ndtr(z): its slope pdf(z) / cdf(z) is computed as exp(log pdf - log cdf). It is flat at
# x = inf (np.maximum(x, 0.0) is infinite there alone); at x = -inf its value is -inf.
@register_adjoint(stats.norm.logcdf)
def _(result, x, loc=0.0, scale=1.0):
    z = (zero_where_infinite(x, np.maximum(x, 0.0)) - loc) / scale
    ratio = zero_where_infinite(np.exp(-0.5 * z * z - result), np.maximum(x, 0.0)) / (SQRT_2PI * scale)
    d[x] = unbroadcast(d[result] * ratio, x)
    d[loc] = unbroadcast(-d[result] * ratio, loc)
    d[scale] = unbroadcast(-d[result] * ratio * z, scale)


@register_tangent(stats.norm.logcdf)
def _(result, x, loc=0.0, scale=1.0):
    d[result] = (standardized(d[x] - d[loc] - d[scale] * standardized(zero_where_infinite(x, np.maximum(x, 0.0)),
                                                                       loc, scale), 0.0, scale)
                 * zero_where_infinite(np.exp(-0.5 * np.square(standardized(zero_where_infinite(x, np.maximum(x, 0.0)),
                                                                            loc, scale)) - result),
                                       np.maximum(x, 0.0)) / SQRT_2PI)


# ----- Student's t ---------------------------------------------------------------------------------
# log pdf = gammaln((df+1)/2) - gammaln(df/2) - log(df pi)/2 - log(scale) - (df+1)/2 log1p(z^2/df).


@register_adjoint(stats.t.logpdf)
def _(result, x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    slope = -(df + 1.0) * z / (df + z * z)
    d[x] = unbroadcast(d[result] * slope / scale, x)
    d[loc] = unbroadcast(-d[result] * slope / scale, loc)
    d[scale] = unbroadcast(-d[result] * (1.0 + z * slope) / scale, scale)
    d[df] = unbroadcast(d[result] * 0.5 * (special.digamma(0.5 * (df + 1.0)) - special.digamma(0.5 * df) - 1.0 / df
                                           - np.log1p(z * z / df) + (df + 1.0) * z * z / (df * (df + z * z))), df)


@register_tangent(stats.t.logpdf)
def _(result, x, df, loc=0.0, scale=1.0):
    d[result] = (standardized(d[x] - d[loc] - d[scale] * standardized(x, loc, scale), 0.0, scale)
                 * -(df + 1.0) * standardized(x, loc, scale) / (df + np.square(standardized(x, loc, scale)))
                 - d[scale] / scale
                 + d[df] * 0.5 * (special.digamma(0.5 * (df + 1.0)) - special.digamma(0.5 * df) - 1.0 / df
                                  - np.log1p(np.square(standardized(x, loc, scale)) / df)
                                  + (df + 1.0) * np.square(standardized(x, loc, scale))
                                  / (df * (df + np.square(standardized(x, loc, scale))))))


@register_adjoint(stats.t.pdf)
def _(result, x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    slope = -(df + 1.0) * z / (df + z * z)
    d[x] = unbroadcast(d[result] * result * slope / scale, x)
    d[loc] = unbroadcast(-d[result] * result * slope / scale, loc)
    d[scale] = unbroadcast(-d[result] * result * (1.0 + z * slope) / scale, scale)
    d[df] = unbroadcast(d[result] * result * 0.5 * (
        special.digamma(0.5 * (df + 1.0)) - special.digamma(0.5 * df) - 1.0 / df - np.log1p(z * z / df)
        + (df + 1.0) * z * z / (df * (df + z * z))), df)


@register_tangent(stats.t.pdf)
def _(result, x, df, loc=0.0, scale=1.0):
    d[result] = result * (standardized(d[x] - d[loc] - d[scale] * standardized(x, loc, scale), 0.0, scale)
                          * -(df + 1.0) * standardized(x, loc, scale) / (df + np.square(standardized(x, loc, scale)))
                          - d[scale] / scale
                          + d[df] * 0.5 * (special.digamma(0.5 * (df + 1.0)) - special.digamma(0.5 * df) - 1.0 / df
                                           - np.log1p(np.square(standardized(x, loc, scale)) / df)
                                           + (df + 1.0) * np.square(standardized(x, loc, scale))
                                           / (df * (df + np.square(standardized(x, loc, scale))))))


# ----- Gamma -------------------------------------------------------------------------------------------
# y = (x - loc) / scale; log pdf = (a - 1) log y - y - gammaln(a) - log(scale).


@register_adjoint(stats.gamma.logpdf)
def _(result, x, a, loc=0.0, scale=1.0):
    y = (x - loc) / scale
    slope = (a - 1.0) / y - 1.0
    d[x] = unbroadcast(d[result] * slope / scale, x)
    d[loc] = unbroadcast(-d[result] * slope / scale, loc)
    d[scale] = unbroadcast(-d[result] * (1.0 + y * slope) / scale, scale)
    d[a] = unbroadcast(d[result] * (np.log(y) - special.digamma(a)), a)


@register_tangent(stats.gamma.logpdf)
def _(result, x, a, loc=0.0, scale=1.0):
    d[result] = (standardized(d[x] - d[loc] - d[scale] * standardized(x, loc, scale), 0.0, scale)
                 * ((a - 1.0) / standardized(x, loc, scale) - 1.0)
                 - d[scale] / scale
                 + d[a] * (np.log(standardized(x, loc, scale)) - special.digamma(a)))


@register_adjoint(stats.gamma.pdf)
def _(result, x, a, loc=0.0, scale=1.0):
    y = (x - loc) / scale
    slope = (a - 1.0) / y - 1.0
    d[x] = unbroadcast(d[result] * result * slope / scale, x)
    d[loc] = unbroadcast(-d[result] * result * slope / scale, loc)
    d[scale] = unbroadcast(-d[result] * result * (1.0 + y * slope) / scale, scale)
    d[a] = unbroadcast(d[result] * result * (np.log(y) - special.digamma(a)), a)


@register_tangent(stats.gamma.pdf)
def _(result, x, a, loc=0.0, scale=1.0):
    d[result] = result * (standardized(d[x] - d[loc] - d[scale] * standardized(x, loc, scale), 0.0, scale)
                          * ((a - 1.0) / standardized(x, loc, scale) - 1.0)
                          - d[scale] / scale
                          + d[a] * (np.log(standardized(x, loc, scale)) - special.digamma(a)))


# ----- Beta --------------------------------------------------------------------------------------------
# y = (x - loc) / scale; log pdf = (a - 1) log y + (b - 1) log(1 - y) - betaln(a, b) - log(scale).


@register_adjoint(stats.beta.logpdf)
def _(result, x, a, b, loc=0.0, scale=1.0):
    y = (x - loc) / scale
    slope = (a - 1.0) / y - (b - 1.0) / (1.0 - y)
    d[x] = unbroadcast(d[result] * slope / scale, x)
    d[loc] = unbroadcast(-d[result] * slope / scale, loc)
    d[scale] = unbroadcast(-d[result] * (1.0 + y * slope) / scale, scale)
    d[a] = unbroadcast(d[result] * (np.log(y) - special.digamma(a) + special.digamma(a + b)), a)
    d[b] = unbroadcast(d[result] * (np.log1p(-y) - special.digamma(b) + special.digamma(a + b)), b)


@register_tangent(stats.beta.logpdf)
def _(result, x, a, b, loc=0.0, scale=1.0):
    d[result] = (standardized(d[x] - d[loc] - d[scale] * standardized(x, loc, scale), 0.0, scale)
                 * ((a - 1.0) / standardized(x, loc, scale) - (b - 1.0) / (1.0 - standardized(x, loc, scale)))
                 - d[scale] / scale
                 + d[a] * (np.log(standardized(x, loc, scale)) - special.digamma(a) + special.digamma(a + b))
                 + d[b] * (np.log1p(-standardized(x, loc, scale)) - special.digamma(b) + special.digamma(a + b)))


@register_adjoint(stats.beta.pdf)
def _(result, x, a, b, loc=0.0, scale=1.0):
    y = (x - loc) / scale
    slope = (a - 1.0) / y - (b - 1.0) / (1.0 - y)
    d[x] = unbroadcast(d[result] * result * slope / scale, x)
    d[loc] = unbroadcast(-d[result] * result * slope / scale, loc)
    d[scale] = unbroadcast(-d[result] * result * (1.0 + y * slope) / scale, scale)
    d[a] = unbroadcast(d[result] * result * (np.log(y) - special.digamma(a) + special.digamma(a + b)), a)
    d[b] = unbroadcast(d[result] * result * (np.log1p(-y) - special.digamma(b) + special.digamma(a + b)), b)


@register_tangent(stats.beta.pdf)
def _(result, x, a, b, loc=0.0, scale=1.0):
    d[result] = result * (standardized(d[x] - d[loc] - d[scale] * standardized(x, loc, scale), 0.0, scale)
                          * ((a - 1.0) / standardized(x, loc, scale) - (b - 1.0) / (1.0 - standardized(x, loc, scale)))
                          - d[scale] / scale
                          + d[a] * (np.log(standardized(x, loc, scale)) - special.digamma(a) + special.digamma(a + b))
                          + d[b] * (np.log1p(-standardized(x, loc, scale)) - special.digamma(b)
                                    + special.digamma(a + b)))


# ----- Poisson (the count k is not differentiated) ------------------------------------------------------
# The slope k / mu - 1 is -1 at k = 0 for every mu, mu = 0 too (pow_term(k, mu, -1.0) is 0 where k is 0).
# log pmf = (k - loc) log(mu) - mu - gammaln(k - loc + 1).


@register_adjoint(stats.poisson.logpmf)
def _(result, k, mu, loc=0):
    d[mu] = unbroadcast(d[result] * (pow_term(k - loc, mu, -1.0) - 1.0), mu)


@register_tangent(stats.poisson.logpmf)
def _(result, k, mu, loc=0):
    d[result] = d[mu] * (pow_term(k - loc, mu, -1.0) - 1.0)


@register_adjoint(stats.poisson.pmf)
def _(result, k, mu, loc=0):
    d[mu] = unbroadcast(d[result] * result * (pow_term(k - loc, mu, -1.0) - 1.0), mu)


@register_tangent(stats.poisson.pmf)
def _(result, k, mu, loc=0):
    d[result] = d[mu] * result * (pow_term(k - loc, mu, -1.0) - 1.0)


# ----- Multivariate normal: points on the last axis of x, a 2-d covariance --------------------------------
# log pdf = -(r P r)/2 - log det(cov)/2 - k log(2 pi)/2, r = x - mean, P = inv(cov); s = r P.


@register_adjoint(stats.multivariate_normal.logpdf)
def _(result, x, mean=0.0, cov=1.0):
    s = (x - mean) @ mvn_precision(cov, x)
    weighted = np.expand_dims(d[result], -1) * s
    d[x] = -weighted
    d[mean] = unbroadcast(weighted, mean)
    d[cov] = triangle_adjoint(0.5 * (points_outer(weighted, s) - np.sum(d[result]) * mvn_precision(cov, x)))


@register_tangent(stats.multivariate_normal.logpdf)
def _(result, x, mean=0.0, cov=1.0):
    d[result] = np.reshape(np.sum(((x - mean) @ mvn_precision(cov, x)) * (d[mean] - d[x]), axis=-1)
                           + 0.5 * np.sum((((x - mean) @ mvn_precision(cov, x)) @ symmetric_from(d[cov]))
                                          * ((x - mean) @ mvn_precision(cov, x)), axis=-1)
                           - 0.5 * np.sum(mvn_precision(cov, x) * symmetric_from(d[cov])), np.shape(result))


@register_adjoint(stats.multivariate_normal.pdf)
def _(result, x, mean=0.0, cov=1.0):
    s = (x - mean) @ mvn_precision(cov, x)
    weighted = np.expand_dims(d[result] * result, -1) * s
    d[x] = -weighted
    d[mean] = unbroadcast(weighted, mean)
    d[cov] = triangle_adjoint(0.5 * (points_outer(weighted, s) - np.sum(d[result] * result) * mvn_precision(cov, x)))


@register_tangent(stats.multivariate_normal.pdf)
def _(result, x, mean=0.0, cov=1.0):
    d[result] = result * np.reshape(np.sum(((x - mean) @ mvn_precision(cov, x)) * (d[mean] - d[x]), axis=-1)
                                    + 0.5 * np.sum((((x - mean) @ mvn_precision(cov, x)) @ symmetric_from(d[cov]))
                                          * ((x - mean) @ mvn_precision(cov, x)), axis=-1)
                                    - 0.5 * np.sum(mvn_precision(cov, x) * symmetric_from(d[cov])), np.shape(result))


# ----- Dirichlet: x has one row per component of alpha (a column per point) ------------------------------
# log pdf = sum((alpha - 1) log x) + gammaln(sum alpha) - sum gammaln(alpha).


@register_adjoint(stats.dirichlet.logpdf)
def _(result, x, alpha):
    points = dirichlet_points(x, alpha)
    weights = np.expand_dims(d[result], -1)
    d[x] = np.transpose(weights * (alpha - 1.0) / points)
    d[alpha] = unbroadcast(weights * (np.log(points) + special.digamma(np.sum(alpha)) - special.digamma(alpha)), alpha)


@register_tangent(stats.dirichlet.logpdf)
def _(result, x, alpha):
    d[result] = (np.sum((alpha - 1.0) * np.transpose(d[x]) / dirichlet_points(x, alpha), axis=-1)
                 + np.sum(d[alpha] * (np.log(dirichlet_points(x, alpha)) + special.digamma(np.sum(alpha))
                                      - special.digamma(alpha)),
                          axis=-1))


@register_adjoint(stats.dirichlet.pdf)
def _(result, x, alpha):
    points = dirichlet_points(x, alpha)
    weights = np.expand_dims(d[result] * result, -1)
    d[x] = np.transpose(weights * (alpha - 1.0) / points)
    d[alpha] = unbroadcast(weights * (np.log(points) + special.digamma(np.sum(alpha)) - special.digamma(alpha)), alpha)


@register_tangent(stats.dirichlet.pdf)
def _(result, x, alpha):
    d[result] = result * (np.sum((alpha - 1.0) * np.transpose(d[x]) / dirichlet_points(x, alpha), axis=-1)
                          + np.sum(d[alpha] * (np.log(dirichlet_points(x, alpha)) + special.digamma(np.sum(alpha))
                                               - special.digamma(alpha)), axis=-1))


# ----- Helpers of these rules ------------------------------------------------------------------------------


@register_adjoint(standardized)
def _(result, x, loc, scale):
    d[x] = unbroadcast(d[result] / scale, x)
    d[loc] = unbroadcast(-d[result] / scale, loc)
    d[scale] = unbroadcast(-d[result] * result / scale, scale)


@register_tangent(standardized)
def _(result, x, loc, scale):
    d[result] = (d[x] - d[loc] - d[scale] * result) / scale


@register_adjoint(finite_standardized)
def _(result, x, loc, scale):
    d[x] = unbroadcast(zero_where_infinite(d[result], x) / scale, x)
    d[loc] = unbroadcast(-d[result] / scale, loc)
    d[scale] = unbroadcast(-d[result] * result / scale, scale)


@register_tangent(finite_standardized)
def _(result, x, loc, scale):
    d[result] = (zero_where_infinite(d[x], x) - d[loc] - d[scale] * result) / scale


# zero_where_infinite(v, x) is linear in v; x only says where it is 0.0.
@register_adjoint(zero_where_infinite)
def _(result, v, x):
    d[v] = unbroadcast(zero_where_infinite(d[result], x), v)


@register_tangent(zero_where_infinite)
def _(result, v, x):
    d[result] = zero_where_infinite(d[v], x)


# mvn_precision(cov, x) is inv(symmetric_from(cov)); x only says how the points lie.
@register_adjoint(mvn_precision)
def _(result, cov, x):
    d[cov] = triangle_adjoint(-(np.transpose(result) @ d[result] @ np.transpose(result)))


@register_tangent(mvn_precision)
def _(result, cov, x):
    d[result] = -(result @ symmetric_from(d[cov]) @ result)


@register_adjoint(dirichlet_points)
def _(result, x, alpha):
    d[x] = np.transpose(d[result])


@register_tangent(dirichlet_points)
def _(result, x, alpha):
    d[result] = np.transpose(d[x])


# points_outer(a, b) = sum over points of a_p b_p^T, linear in each argument.
@register_adjoint(points_outer)
def _(result, a, b):
    d[a] = np.reshape(np.reshape(b, (-1, np.shape(b)[-1])) @ np.transpose(d[result]), np.shape(a))
    d[b] = np.reshape(np.reshape(a, (-1, np.shape(a)[-1])) @ d[result], np.shape(b))


@register_tangent(points_outer)
def _(result, a, b):
    d[result] = points_outer(d[a], b) + points_outer(a, d[b])
