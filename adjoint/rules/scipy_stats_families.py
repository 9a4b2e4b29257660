"""Adjoints and tangents of more scipy.stats distributions: the location-scale families expon,
laplace, logistic, cauchy, lognorm (and its shape s) and uniform (log densities and densities,
with respect to the values, `loc` and `scale`), and the bernoulli and binom probability mass
functions with respect to `p`.

As in scipy_stats.py, z = (x - loc) / scale and a location-scale log density is
f(z) - log(scale): its derivative is slope(z) / scale in x, minus that in loc, and
-(1 + z slope(z)) / scale in scale. A density's derivative is the log density's times the
density. The counts k and n of the discrete distributions are not differentiated.
"""
import numpy as np

from adjoint.templates import d
from adjoint.rules.table import register_adjoint, register_tangent
from adjoint.runtime import standardized, unbroadcast
from scipy import stats

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


@register_adjoint(stats.expon.pdf)
def _(result, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[x] = unbroadcast(-d[result] * result / scale, x)
    d[loc] = unbroadcast(d[result] * result / scale, loc)
    d[scale] = unbroadcast(-d[result] * result * (1.0 - z) / scale, scale)


@register_tangent(stats.expon.pdf)
def _(result, x, loc=0.0, scale=1.0):
    d[result] = result * (-standardized(d[x] - d[loc] - d[scale] * standardized(x, loc, scale), 0.0, scale)
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


@register_adjoint(stats.cauchy.logpdf)
def _(result, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[x] = unbroadcast(-d[result] * 2.0 * z / ((1.0 + z * z) * scale), x)
    d[loc] = unbroadcast(d[result] * 2.0 * z / ((1.0 + z * z) * scale), loc)
    d[scale] = unbroadcast(-d[result] * (1.0 - z * z) / ((1.0 + z * z) * scale), scale)


@register_tangent(stats.cauchy.logpdf)
def _(result, x, loc=0.0, scale=1.0):
    d[result] = (-standardized(d[x] - d[loc] - d[scale] * standardized(x, loc, scale), 0.0, scale)
                 * 2.0 * standardized(x, loc, scale) / (1.0 + np.square(standardized(x, loc, scale)))
                 - d[scale] / scale)


@register_adjoint(stats.cauchy.pdf)
def _(result, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[x] = unbroadcast(-d[result] * result * 2.0 * z / ((1.0 + z * z) * scale), x)
    d[loc] = unbroadcast(d[result] * result * 2.0 * z / ((1.0 + z * z) * scale), loc)
    d[scale] = unbroadcast(-d[result] * result * (1.0 - z * z) / ((1.0 + z * z) * scale), scale)


@register_tangent(stats.cauchy.pdf)
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


@register_adjoint(stats.bernoulli.logpmf)
def _(result, k, p, loc=0):
    d[p] = unbroadcast(d[result] * ((k - loc) / p - (1.0 - (k - loc)) / (1.0 - p)), p)


@register_tangent(stats.bernoulli.logpmf)
def _(result, k, p, loc=0):
    d[result] = d[p] * ((k - loc) / p - (1.0 - (k - loc)) / (1.0 - p))


@register_adjoint(stats.binom.logpmf)
def _(result, k, n, p, loc=0):
    d[p] = unbroadcast(d[result] * ((k - loc) / p - (n - (k - loc)) / (1.0 - p)), p)


@register_tangent(stats.binom.logpmf)
def _(result, k, n, p, loc=0):
    d[result] = d[p] * ((k - loc) / p - (n - (k - loc)) / (1.0 - p))


@register_adjoint(stats.binom.pmf)
def _(result, k, n, p, loc=0):
    d[p] = unbroadcast(d[result] * result * ((k - loc) / p - (n - (k - loc)) / (1.0 - p)), p)


@register_tangent(stats.binom.pmf)
def _(result, k, n, p, loc=0):
    d[result] = d[p] * result * ((k - loc) / p - (n - (k - loc)) / (1.0 - p))
