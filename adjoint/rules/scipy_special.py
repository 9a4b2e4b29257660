"""Adjoints and tangents of scipy.special: log-sum-exp and softmax, the gamma family, the error
function and the normal distribution's, Bessel functions of imaginary argument, xlogy.

Registered when a lookup first meets SciPy (see rules/libraries.py). Derivatives are written with
functions that have rules themselves (digamma's is polygamma's), so second derivatives follow.
"""
import math

import numpy as np
from scipy import special

from adjoint.templates import d
from adjoint.rules.table import non_differentiable, not_differentiated, register_adjoint, register_tangent
from adjoint.runtime import (
    gaussian, logsumexp_values, logsumexp_weights, multigamma_polygamma, pow_term, unbroadcast, unreduce,
    zero_where_infinite,
)

SQRT_PI = math.sqrt(math.pi)
SQRT_2 = math.sqrt(2.0)
SQRT_2PI = math.sqrt(2.0 * math.pi)

# ----- Log-sum-exp and softmax -----------------------------------------------------------------


# The weights of logsumexp's derivative are b exp(a - logsumexp(a)): a softmax.
# logsumexp_values(a, b) is a, checked first: a `b` that widens `a` is refused before a's shape is read.
non_differentiable(logsumexp_values)


@register_adjoint(special.logsumexp)
def _(result, a, axis=None, b=None, keepdims=False):
    d[a] = unbroadcast(unreduce(d[result], logsumexp_values(a, b), axis, keepdims)
                       * logsumexp_weights(a - unreduce(result, a, axis, keepdims), b), a)
    d[b] = unbroadcast(unreduce(d[result], logsumexp_values(a, b), axis, keepdims)
                       * np.exp(a - unreduce(result, a, axis, keepdims)), b)


@register_tangent(special.logsumexp)
def _(result, a, axis=None, b=None, keepdims=False):
    d[result] = (np.sum(d[a] * logsumexp_weights(a - unreduce(result, logsumexp_values(a, b), axis, keepdims), b),
                        axis=axis, keepdims=keepdims)
                 + np.sum(d[b] * np.exp(a - unreduce(result, logsumexp_values(a, b), axis, keepdims)), axis=axis,
                          keepdims=keepdims))


@register_adjoint(special.softmax)
def _(result, x, axis=None):
    d[x] = result * (d[result] - np.sum(d[result] * result, axis=axis, keepdims=True))


@register_tangent(special.softmax)
def _(result, x, axis=None):
    d[result] = result * (d[x] - np.sum(d[x] * result, axis=axis, keepdims=True))


@register_adjoint(special.log_softmax)
def _(result, x, axis=None):
    d[x] = d[result] - np.exp(result) * np.sum(d[result], axis=axis, keepdims=True)


@register_tangent(special.log_softmax)
def _(result, x, axis=None):
    d[result] = d[x] - np.sum(np.exp(result) * d[x], axis=axis, keepdims=True)


# ----- Logistic ------------------------------------------------------------------------------------


@register_adjoint(special.expit)
def _(result, x):
    d[x] = d[result] * result * (1.0 - result)


@register_tangent(special.expit)
def _(result, x):
    d[result] = d[x] * result * (1.0 - result)


@register_adjoint(special.logit)
def _(result, x):
    d[x] = d[result] / (x * (1.0 - x))


@register_tangent(special.logit)
def _(result, x):
    d[result] = d[x] / (x * (1.0 - x))


# d/dx log(expit(x)) = 1 - expit(x) = expit(-x)
@register_adjoint(special.log_expit)
def _(result, x):
    d[x] = d[result] * special.expit(-x)


@register_tangent(special.log_expit)
def _(result, x):
    d[result] = d[x] * special.expit(-x)


# ----- Gamma family --------------------------------------------------------------------------------


@register_adjoint(special.gammaln)
def _(result, x):
    d[x] = d[result] * special.digamma(x)


@register_tangent(special.gammaln)
def _(result, x):
    d[result] = d[x] * special.digamma(x)


@register_adjoint(special.digamma, special.psi)
def _(result, x):
    d[x] = d[result] * special.polygamma(1, x)


@register_tangent(special.digamma, special.psi)
def _(result, x):
    d[result] = d[x] * special.polygamma(1, x)


# polygamma(n, x) is the (n+1)-th derivative of gammaln; n is an order, not differentiated.
@register_adjoint(special.polygamma)
def _(result, n, x):
    d[x] = unbroadcast(d[result] * special.polygamma(n + 1, x), x)


@register_tangent(special.polygamma)
def _(result, n, x):
    d[result] = d[x] * special.polygamma(n + 1, x)


# multigammaln(a, d) = sum_j gammaln(a - j/2) + const; its dimension is not differentiated.
@register_adjoint(special.multigammaln)
def _(result, a, dim):
    d[a] = d[result] * multigamma_polygamma(1, a, dim)


@register_tangent(special.multigammaln)
def _(result, a, dim):
    d[result] = d[a] * multigamma_polygamma(1, a, dim)


@register_adjoint(special.betaln)
def _(result, a, b):
    d[a] = unbroadcast(d[result] * (special.digamma(a) - special.digamma(a + b)), a)
    d[b] = unbroadcast(d[result] * (special.digamma(b) - special.digamma(a + b)), b)


@register_tangent(special.betaln)
def _(result, a, b):
    d[result] = (d[a] * (special.digamma(a) - special.digamma(a + b))
                 + d[b] * (special.digamma(b) - special.digamma(a + b)))


# ----- Error function and the normal distribution ---------------------------------------------------


@register_adjoint(special.erf)
def _(result, x):
    d[x] = d[result] * (2.0 / SQRT_PI) * gaussian(SQRT_2 * x)


@register_tangent(special.erf)
def _(result, x):
    d[result] = d[x] * (2.0 / SQRT_PI) * gaussian(SQRT_2 * x)


@register_adjoint(special.erfc)
def _(result, x):
    d[x] = d[result] * (-2.0 / SQRT_PI) * gaussian(SQRT_2 * x)


@register_tangent(special.erfc)
def _(result, x):
    d[result] = d[x] * (-2.0 / SQRT_PI) * gaussian(SQRT_2 * x)


@register_adjoint(special.erfinv)
def _(result, x):
    d[x] = d[result] * (SQRT_PI / 2.0) * np.exp(result * result)


@register_tangent(special.erfinv)
def _(result, x):
    d[result] = d[x] * (SQRT_PI / 2.0) * np.exp(result * result)


@register_adjoint(special.erfcinv)
def _(result, x):
    d[x] = d[result] * (-SQRT_PI / 2.0) * np.exp(result * result)


@register_tangent(special.erfcinv)
def _(result, x):
    d[result] = d[x] * (-SQRT_PI / 2.0) * np.exp(result * result)


@register_adjoint(special.ndtr)
def _(result, x):
    d[x] = d[result] * gaussian(x) / SQRT_2PI


@register_tangent(special.ndtr)
def _(result, x):
    d[result] = d[x] * gaussian(x) / SQRT_2PI


# d log ndtr(x) = pdf(x) / ndtr(x), computed as exp(log pdf - log ndtr) so that it stays finite; flat at x = inf.
@register_adjoint(special.log_ndtr)
def _(result, x):
    d[x] = d[result] * zero_where_infinite(
        np.exp(-0.5 * np.square(zero_where_infinite(x, np.maximum(x, 0.0))) - result), np.maximum(x, 0.0)) / SQRT_2PI


@register_tangent(special.log_ndtr)
def _(result, x):
    d[result] = d[x] * zero_where_infinite(
        np.exp(-0.5 * np.square(zero_where_infinite(x, np.maximum(x, 0.0))) - result), np.maximum(x, 0.0)) / SQRT_2PI


@register_adjoint(special.ndtri)
def _(result, x):
    d[x] = d[result] * SQRT_2PI * np.exp(0.5 * result * result)


@register_tangent(special.ndtri)
def _(result, x):
    d[result] = d[x] * SQRT_2PI * np.exp(0.5 * result * result)


# ----- x log y ---------------------------------------------------------------------------------------
# xlogy(0, y) is 0 for every y: the slope in y, x / y, is pow_term(x, y, -1.0), exactly 0 where x is 0 (also at
# y = 0, where a saturated probability puts it: xlogy(1 - label, 1 - expit(40.0))).


@register_adjoint(special.xlogy)
def _(result, x, y):
    d[x] = unbroadcast(d[result] * np.log(y), x)
    d[y] = unbroadcast(d[result] * pow_term(x, y, -1.0), y)


@register_tangent(special.xlogy)
def _(result, x, y):
    d[result] = d[x] * np.log(y) + d[y] * pow_term(x, y, -1.0)


@register_adjoint(special.xlog1py)
def _(result, x, y):
    d[x] = unbroadcast(d[result] * np.log1p(y), x)
    d[y] = unbroadcast(d[result] * pow_term(x, 1.0 + y, -1.0), y)


@register_tangent(special.xlog1py)
def _(result, x, y):
    d[result] = d[x] * np.log1p(y) + d[y] * pow_term(x, 1.0 + y, -1.0)


# ----- Modified Bessel functions of the first kind -----------------------------------------------------
# I_v' = (I_{v-1} + I_{v+1}) / 2, and I_0' = I_1; the scaled forms are exp(-|x|) I_v(x).


@register_adjoint(special.i0)
def _(result, x):
    d[x] = d[result] * special.i1(x)


@register_tangent(special.i0)
def _(result, x):
    d[result] = d[x] * special.i1(x)


@register_adjoint(special.i1)
def _(result, x):
    d[x] = d[result] * 0.5 * (special.i0(x) + special.iv(2.0, x))


@register_tangent(special.i1)
def _(result, x):
    d[result] = d[x] * 0.5 * (special.i0(x) + special.iv(2.0, x))


# The order v of iv and ive is not differentiated (a differentiated order is refused at its line).
not_differentiated(special.iv, "v")
not_differentiated(special.ive, "v")


@register_adjoint(special.iv)
def _(result, v, x):
    d[x] = unbroadcast(d[result] * 0.5 * (special.iv(v - 1.0, x) + special.iv(v + 1.0, x)), x)


@register_tangent(special.iv)
def _(result, v, x):
    d[result] = d[x] * 0.5 * (special.iv(v - 1.0, x) + special.iv(v + 1.0, x))


@register_adjoint(special.i0e)
def _(result, x):
    d[x] = d[result] * (special.i1e(x) - np.sign(x) * result)


@register_tangent(special.i0e)
def _(result, x):
    d[result] = d[x] * (special.i1e(x) - np.sign(x) * result)


@register_adjoint(special.i1e)
def _(result, x):
    d[x] = d[result] * (0.5 * (special.i0e(x) + special.ive(2.0, x)) - np.sign(x) * result)


@register_tangent(special.i1e)
def _(result, x):
    d[result] = d[x] * (0.5 * (special.i0e(x) + special.ive(2.0, x)) - np.sign(x) * result)


@register_adjoint(special.ive)
def _(result, v, x):
    d[x] = unbroadcast(d[result] * (0.5 * (special.ive(v - 1.0, x) + special.ive(v + 1.0, x))
                                    - np.sign(x) * result), x)


@register_tangent(special.ive)
def _(result, v, x):
    d[result] = d[x] * (0.5 * (special.ive(v - 1.0, x) + special.ive(v + 1.0, x)) - np.sign(x) * result)


# ----- Helpers of these rules -------------------------------------------------------------------------


# gaussian(x) = exp(-x^2 / 2), 0 at an infinite x: its slope -x gaussian(x), with x's infinite entries 0.0.
@register_adjoint(gaussian)
def _(result, x):
    d[x] = -d[result] * zero_where_infinite(x, x) * result


@register_tangent(gaussian)
def _(result, x):
    d[result] = -d[x] * zero_where_infinite(x, x) * result


@register_adjoint(multigamma_polygamma)
def _(result, n, a, dim):
    d[a] = d[result] * multigamma_polygamma(n + 1, a, dim)


@register_tangent(multigamma_polygamma)
def _(result, n, a, dim):
    d[result] = d[a] * multigamma_polygamma(n + 1, a, dim)


# logsumexp_weights(x, b) is b exp(x), or exp(x) without b.
@register_adjoint(logsumexp_weights)
def _(result, x, b):
    d[x] = d[result] * result
    d[b] = unbroadcast(d[result] * np.exp(x), b)


@register_tangent(logsumexp_weights)
def _(result, x, b):
    d[result] = d[x] * result + d[b] * np.exp(x)
