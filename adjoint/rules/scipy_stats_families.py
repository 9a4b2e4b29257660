"""Adjoints and tangents of more scipy.stats distributions: the location-scale families expon,
laplace, logistic, cauchy (and halfcauchy), lognorm (and its shape s) and uniform (log densities and densities,
with respect to the values, `loc` and `scale`), chi2 (and its df), the log densities of
invgamma and weibull_min (and their shapes), the bernoulli and binom probability mass
functions with respect to `p`, and nbinom's log pmf with respect to `p` and its (real) `n`.

As in scipy_stats.py, z = (x - loc) / scale and a location-scale log density is
f(z) - log(scale): its derivative is slope(z) / scale in x, minus that in loc, and
-(1 + z slope(z)) / scale in scale. A density's derivative is the log density's times the
density. The counts k of the discrete distributions, and binom's n, are not differentiated.
"""
import math

import numpy as np

from adjoint.templates import d
from adjoint.rules.table import register_adjoint, register_tangent
from adjoint.runtime import finite_standardized, pow_term, standardized, unbroadcast
from scipy import special, stats

LOG_2 = math.log(2.0)

# ----- Exponential: log pdf = -z - log(scale) on z >= 0 -------------------------------------------------


@register_adjoint(stats.expon.logpdf)
def _(result, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[x] = unbroadcast(-d[result] / scale, x)
    d[loc] = unbroadcast(d[result] / scale, loc)
    d[scale] = unbroadcast(-d[result] * (1.0 - z) / scale, scale)


@register_tangent(stats.expon.logpdf)
def _(result, x, loc=0.0, scale=1.0):
    d[result] = -standardized(d[x] - d[loc] - d[scale] * standardized(x, loc, scale), 0.0, scale) - d[scale] / scale


# At an infinite x the density is 0 and flat: z is read from x with its infinite entries 0.0.
@register_adjoint(stats.expon.pdf)
def _(result, x, loc=0.0, scale=1.0):
    z = finite_standardized(x, loc, scale)
    d[x] = unbroadcast(-d[result] * result / scale, x)
    d[loc] = unbroadcast(d[result] * result / scale, loc)
    d[scale] = unbroadcast(-d[result] * result * (1.0 - z) / scale, scale)


@register_tangent(stats.expon.pdf)
def _(result, x, loc=0.0, scale=1.0):
    d[result] = result * (-standardized(d[x] - d[loc] - d[scale] * finite_standardized(x, loc, scale), 0.0, scale)
                          - d[scale] / scale)


# ----- Laplace: log pdf = -|z| - log(2 scale) -------------------------------------------------------------


@register_adjoint(stats.laplace.logpdf)
def _(result, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[x] = unbroadcast(-d[result] * np.sign(z) / scale, x)
    d[loc] = unbroadcast(d[result] * np.sign(z) / scale, loc)
    d[scale] = unbroadcast(-d[result] * (1.0 - np.abs(z)) / scale, scale)


@register_tangent(stats.laplace.logpdf)
def _(result, x, loc=0.0, scale=1.0):
    d[result] = (-standardized(d[x] - d[loc] - d[scale] * standardized(x, loc, scale), 0.0, scale)
                 * np.sign(standardized(x, loc, scale)) - d[scale] / scale)


@register_adjoint(stats.laplace.pdf)
def _(result, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[x] = unbroadcast(-d[result] * result * np.sign(z) / scale, x)
    d[loc] = unbroadcast(d[result] * result * np.sign(z) / scale, loc)
    d[scale] = unbroadcast(-d[result] * result * (1.0 - np.abs(z)) / scale, scale)


@register_tangent(stats.laplace.pdf)
def _(result, x, loc=0.0, scale=1.0):
    d[result] = result * (-standardized(d[x] - d[loc] - d[scale] * standardized(x, loc, scale), 0.0, scale)
                          * np.sign(standardized(x, loc, scale)) - d[scale] / scale)


# ----- Logistic: log pdf = -z - 2 log(1 + exp(-z)) - log(scale), slope -tanh(z / 2) ---------------------


@register_adjoint(stats.logistic.logpdf)
def _(result, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[x] = unbroadcast(-d[result] * np.tanh(0.5 * z) / scale, x)
    d[loc] = unbroadcast(d[result] * np.tanh(0.5 * z) / scale, loc)
    d[scale] = unbroadcast(-d[result] * (1.0 - z * np.tanh(0.5 * z)) / scale, scale)


@register_tangent(stats.logistic.logpdf)
def _(result, x, loc=0.0, scale=1.0):
    d[result] = (-standardized(d[x] - d[loc] - d[scale] * standardized(x, loc, scale), 0.0, scale)
                 * np.tanh(0.5 * standardized(x, loc, scale)) - d[scale] / scale)


@register_adjoint(stats.logistic.pdf)
def _(result, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[x] = unbroadcast(-d[result] * result * np.tanh(0.5 * z) / scale, x)
    d[loc] = unbroadcast(d[result] * result * np.tanh(0.5 * z) / scale, loc)
    d[scale] = unbroadcast(-d[result] * result * (1.0 - z * np.tanh(0.5 * z)) / scale, scale)


@register_tangent(stats.logistic.pdf)
def _(result, x, loc=0.0, scale=1.0):
    d[result] = result * (-standardized(d[x] - d[loc] - d[scale] * standardized(x, loc, scale), 0.0, scale)
                          * np.tanh(0.5 * standardized(x, loc, scale)) - d[scale] / scale)


# ----- Cauchy: log pdf = -log1p(z^2) - log(pi scale), slope -2 z / (1 + z^2) ---------------------------
# The half-Cauchy's is log(2) more on z >= 0 (its density twice the Cauchy's there): the same derivatives.


@register_adjoint(stats.cauchy.logpdf, stats.halfcauchy.logpdf)
def _(result, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[x] = unbroadcast(-d[result] * 2.0 * z / ((1.0 + z * z) * scale), x)
    d[loc] = unbroadcast(d[result] * 2.0 * z / ((1.0 + z * z) * scale), loc)
    d[scale] = unbroadcast(-d[result] * (1.0 - z * z) / ((1.0 + z * z) * scale), scale)


@register_tangent(stats.cauchy.logpdf, stats.halfcauchy.logpdf)
def _(result, x, loc=0.0, scale=1.0):
    d[result] = (-standardized(d[x] - d[loc] - d[scale] * standardized(x, loc, scale), 0.0, scale)
                 * 2.0 * standardized(x, loc, scale) / (1.0 + np.square(standardized(x, loc, scale)))
                 - d[scale] / scale)


@register_adjoint(stats.cauchy.pdf, stats.halfcauchy.pdf)
def _(result, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[x] = unbroadcast(-d[result] * result * 2.0 * z / ((1.0 + z * z) * scale), x)
    d[loc] = unbroadcast(d[result] * result * 2.0 * z / ((1.0 + z * z) * scale), loc)
    d[scale] = unbroadcast(-d[result] * result * (1.0 - z * z) / ((1.0 + z * z) * scale), scale)


@register_tangent(stats.cauchy.pdf, stats.halfcauchy.pdf)
def _(result, x, loc=0.0, scale=1.0):
    d[result] = result * (-standardized(d[x] - d[loc] - d[scale] * standardized(x, loc, scale), 0.0, scale)
                          * 2.0 * standardized(x, loc, scale) / (1.0 + np.square(standardized(x, loc, scale)))
                          - d[scale] / scale)


# ----- Log-normal: y = (x - loc) / scale, log pdf = -log(s y sqrt(2 pi)) - log(y)^2 / (2 s^2) - log(scale) -----
# Its slope in y is -(1 + log(y) / s^2) / y, in s (log(y)^2 / s^2 - 1) / s.


@register_adjoint(stats.lognorm.logpdf)
def _(result, x, s, loc=0.0, scale=1.0):
    y = (x - loc) / scale
    slope = -(1.0 + np.log(y) / (s * s)) / y
    d[x] = unbroadcast(d[result] * slope / scale, x)
    d[loc] = unbroadcast(-d[result] * slope / scale, loc)
    d[scale] = unbroadcast(-d[result] * (1.0 + y * slope) / scale, scale)
    d[s] = unbroadcast(d[result] * (np.square(np.log(y)) / (s * s) - 1.0) / s, s)


@register_tangent(stats.lognorm.logpdf)
def _(result, x, s, loc=0.0, scale=1.0):
    d[result] = (-standardized(d[x] - d[loc] - d[scale] * standardized(x, loc, scale), 0.0, scale)
                 * (1.0 + np.log(standardized(x, loc, scale)) / (s * s)) / standardized(x, loc, scale)
                 - d[scale] / scale
                 + d[s] * (np.square(np.log(standardized(x, loc, scale))) / (s * s) - 1.0) / s)


@register_adjoint(stats.lognorm.pdf)
def _(result, x, s, loc=0.0, scale=1.0):
    y = (x - loc) / scale
    slope = -(1.0 + np.log(y) / (s * s)) / y
    d[x] = unbroadcast(d[result] * result * slope / scale, x)
    d[loc] = unbroadcast(-d[result] * result * slope / scale, loc)
    d[scale] = unbroadcast(-d[result] * result * (1.0 + y * slope) / scale, scale)
    d[s] = unbroadcast(d[result] * result * (np.square(np.log(y)) / (s * s) - 1.0) / s, s)


@register_tangent(stats.lognorm.pdf)
def _(result, x, s, loc=0.0, scale=1.0):
    d[result] = result * (-standardized(d[x] - d[loc] - d[scale] * standardized(x, loc, scale), 0.0, scale)
                          * (1.0 + np.log(standardized(x, loc, scale)) / (s * s)) / standardized(x, loc, scale)
                          - d[scale] / scale
                          + d[s] * (np.square(np.log(standardized(x, loc, scale))) / (s * s) - 1.0) / s)


# ----- Uniform on [loc, loc + scale]: log pdf = -log(scale) inside, constant in x and loc there ----------


@register_adjoint(stats.uniform.logpdf)
def _(result, x, loc=0.0, scale=1.0):
    d[x] = unbroadcast(0.0 * d[result], x)
    d[loc] = unbroadcast(0.0 * d[result], loc)
    d[scale] = unbroadcast(-d[result] / scale, scale)


@register_tangent(stats.uniform.logpdf)
def _(result, x, loc=0.0, scale=1.0):
    d[result] = 0.0 * (d[x] + d[loc]) - d[scale] / scale


@register_adjoint(stats.uniform.pdf)
def _(result, x, loc=0.0, scale=1.0):
    d[x] = unbroadcast(0.0 * d[result], x)
    d[loc] = unbroadcast(0.0 * d[result], loc)
    d[scale] = unbroadcast(-d[result] * result / scale, scale)


@register_tangent(stats.uniform.pdf)
def _(result, x, loc=0.0, scale=1.0):
    d[result] = 0.0 * (d[x] + d[loc]) - d[scale] * result / scale


# ----- Bernoulli and binomial: log pmf = k log p + (n - k) log(1 - p) + const, n = 1 for bernoulli --------
# A term whose count is 0 is 0 for every p: its slope is 0 too, also at p = 0 or 1 (pow_term), where a saturated
# probability puts it (bernoulli.logpmf(1, expit(40.0)), whose 1 - p is 0.0).


@register_adjoint(stats.bernoulli.logpmf)
def _(result, k, p, loc=0):
    d[p] = unbroadcast(d[result] * (pow_term(k - loc, p, -1.0) - pow_term(1.0 - (k - loc), 1.0 - p, -1.0)), p)


@register_tangent(stats.bernoulli.logpmf)
def _(result, k, p, loc=0):
    d[result] = d[p] * (pow_term(k - loc, p, -1.0) - pow_term(1.0 - (k - loc), 1.0 - p, -1.0))


@register_adjoint(stats.binom.logpmf)
def _(result, k, n, p, loc=0):
    d[p] = unbroadcast(d[result] * (pow_term(k - loc, p, -1.0) - pow_term(n - (k - loc), 1.0 - p, -1.0)), p)


@register_tangent(stats.binom.logpmf)
def _(result, k, n, p, loc=0):
    d[result] = d[p] * (pow_term(k - loc, p, -1.0) - pow_term(n - (k - loc), 1.0 - p, -1.0))


@register_adjoint(stats.binom.pmf)
def _(result, k, n, p, loc=0):
    d[p] = unbroadcast(d[result] * result * (pow_term(k - loc, p, -1.0) - pow_term(n - (k - loc), 1.0 - p, -1.0)), p)


@register_tangent(stats.binom.pmf)
def _(result, k, n, p, loc=0):
    d[result] = d[p] * result * (pow_term(k - loc, p, -1.0) - pow_term(n - (k - loc), 1.0 - p, -1.0))


# ----- Negative binomial: log pmf = gammaln(k + n) - gammaln(n) - gammaln(k + 1) + n log p + k log(1 - p) --------
# Its slope in p is n / p - k / (1 - p), in n (a dispersion, a positive number) digamma(k + n) - digamma(n) + log p.


@register_adjoint(stats.nbinom.logpmf)
def _(result, k, n, p, loc=0):
    d[n] = unbroadcast(d[result] * (special.digamma(k - loc + n) - special.digamma(n) + np.log(p)), n)
    d[p] = unbroadcast(d[result] * (n / p - pow_term(k - loc, 1.0 - p, -1.0)), p)


@register_tangent(stats.nbinom.logpmf)
def _(result, k, n, p, loc=0):
    d[result] = (d[n] * (special.digamma(k - loc + n) - special.digamma(n) + np.log(p))
                 + d[p] * (n / p - pow_term(k - loc, 1.0 - p, -1.0)))


# ----- Chi-squared: y = (x - loc) / scale, log pdf = (df/2 - 1) log y - y/2 - gammaln(df/2) - (df/2) log 2 - log(scale)
# Its slope in y is (df/2 - 1) / y - 1/2, in df (log y - digamma(df/2) - log 2) / 2.


@register_adjoint(stats.chi2.logpdf)
def _(result, x, df, loc=0.0, scale=1.0):
    y = (x - loc) / scale
    slope = (0.5 * df - 1.0) / y - 0.5
    d[x] = unbroadcast(d[result] * slope / scale, x)
    d[loc] = unbroadcast(-d[result] * slope / scale, loc)
    d[scale] = unbroadcast(-d[result] * (1.0 + y * slope) / scale, scale)
    d[df] = unbroadcast(d[result] * 0.5 * (np.log(y) - special.digamma(0.5 * df) - LOG_2), df)


@register_tangent(stats.chi2.logpdf)
def _(result, x, df, loc=0.0, scale=1.0):
    d[result] = (standardized(d[x] - d[loc] - d[scale] * standardized(x, loc, scale), 0.0, scale)
                 * ((0.5 * df - 1.0) / standardized(x, loc, scale) - 0.5)
                 - d[scale] / scale
                 + d[df] * 0.5 * (np.log(standardized(x, loc, scale)) - special.digamma(0.5 * df) - LOG_2))


@register_adjoint(stats.chi2.pdf)
def _(result, x, df, loc=0.0, scale=1.0):
    y = (x - loc) / scale
    slope = (0.5 * df - 1.0) / y - 0.5
    d[x] = unbroadcast(d[result] * result * slope / scale, x)
    d[loc] = unbroadcast(-d[result] * result * slope / scale, loc)
    d[scale] = unbroadcast(-d[result] * result * (1.0 + y * slope) / scale, scale)
    d[df] = unbroadcast(d[result] * result * 0.5 * (np.log(y) - special.digamma(0.5 * df) - LOG_2), df)


@register_tangent(stats.chi2.pdf)
def _(result, x, df, loc=0.0, scale=1.0):
    d[result] = result * (standardized(d[x] - d[loc] - d[scale] * standardized(x, loc, scale), 0.0, scale)
                          * ((0.5 * df - 1.0) / standardized(x, loc, scale) - 0.5)
                          - d[scale] / scale
                          + d[df] * 0.5 * (np.log(standardized(x, loc, scale)) - special.digamma(0.5 * df) - LOG_2))


# ----- Inverse gamma: log pdf = -(a + 1) log y - 1/y - gammaln(a) - log(scale); slope in y -(a + 1)/y + 1/y^2 ----


@register_adjoint(stats.invgamma.logpdf)
def _(result, x, a, loc=0.0, scale=1.0):
    y = (x - loc) / scale
    slope = (1.0 / y - (a + 1.0)) / y
    d[x] = unbroadcast(d[result] * slope / scale, x)
    d[loc] = unbroadcast(-d[result] * slope / scale, loc)
    d[scale] = unbroadcast(-d[result] * (1.0 + y * slope) / scale, scale)
    d[a] = unbroadcast(-d[result] * (np.log(y) + special.digamma(a)), a)


@register_tangent(stats.invgamma.logpdf)
def _(result, x, a, loc=0.0, scale=1.0):
    d[result] = (standardized(d[x] - d[loc] - d[scale] * standardized(x, loc, scale), 0.0, scale)
                 * (1.0 / standardized(x, loc, scale) - (a + 1.0)) / standardized(x, loc, scale)
                 - d[scale] / scale
                 - d[a] * (np.log(standardized(x, loc, scale)) + special.digamma(a)))


# ----- Weibull (minimum): log pdf = log c + (c - 1) log y - y^c - log(scale) --------------------------------------
# Its slope in y is (c - 1)/y - c y^(c-1), in c 1/c + log y (1 - y^c).


@register_adjoint(stats.weibull_min.logpdf)
def _(result, x, c, loc=0.0, scale=1.0):
    y = (x - loc) / scale
    slope = (c - 1.0) / y - c * np.power(y, c - 1.0)
    d[x] = unbroadcast(d[result] * slope / scale, x)
    d[loc] = unbroadcast(-d[result] * slope / scale, loc)
    d[scale] = unbroadcast(-d[result] * (1.0 + y * slope) / scale, scale)
    d[c] = unbroadcast(d[result] * (1.0 / c + np.log(y) * (1.0 - np.power(y, c))), c)


@register_tangent(stats.weibull_min.logpdf)
def _(result, x, c, loc=0.0, scale=1.0):
    d[result] = (standardized(d[x] - d[loc] - d[scale] * standardized(x, loc, scale), 0.0, scale)
                 * ((c - 1.0) / standardized(x, loc, scale) - c * np.power(standardized(x, loc, scale), c - 1.0))
                 - d[scale] / scale
                 + d[c] * (1.0 / c + np.log(standardized(x, loc, scale))
                           * (1.0 - np.power(standardized(x, loc, scale), c))))
