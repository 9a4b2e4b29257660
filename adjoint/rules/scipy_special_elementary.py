"""Adjoints and tangents of scipy.special's elementary functions: entropies and divergences, the
Huber losses, exponentials and logarithms, the cube root, gamma and beta, the scaled
complementary error function; the exponential integrals exp1 and expi, Dawson's integral, erfi,
rgamma; gammainc and gammaincc with respect to x, boxcox and boxcox1p with respect to x, softplus;
binom in both its real arguments, betainc with respect to x.

Registered when a lookup first meets SciPy (see rules/libraries.py). Each derivative is written with
functions that have rules themselves, so second derivatives follow.
"""
import math

import numpy as np
from scipy import special

from adjoint.templates import d
from adjoint.rules.table import (
    non_differentiable, not_differentiated, register_adjoint, register_tangent,
)
from adjoint.runtime import gamma_density, off_gamma_poles, pow_term, unbroadcast

LOG_10 = math.log(10.0)
LOG_2 = math.log(2.0)
TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)

# ----- Entropies and divergences -------------------------------------------------------------------
# entr(x) = -x log x, rel_entr(x, y) = x log(x / y), kl_div(x, y) = x log(x / y) - x + y. A term with x = 0 is 0 (kl_div's
# y) for every y, y = 0 too: the slope x / y in y is pow_term(x, y, -1.0), 0 there (an empty bin of two histograms).


@register_adjoint(special.entr)
def _(result, x):
    d[x] = -d[result] * (np.log(x) + 1.0)


@register_tangent(special.entr)
def _(result, x):
    d[result] = -d[x] * (np.log(x) + 1.0)


@register_adjoint(special.rel_entr)
def _(result, x, y):
    d[x] = unbroadcast(d[result] * (np.log(x) - np.log(y) + 1.0), x)
    d[y] = unbroadcast(-d[result] * pow_term(x, y, -1.0), y)


@register_tangent(special.rel_entr)
def _(result, x, y):
    d[result] = d[x] * (np.log(x) - np.log(y) + 1.0) - d[y] * pow_term(x, y, -1.0)


@register_adjoint(special.kl_div)
def _(result, x, y):
    d[x] = unbroadcast(d[result] * (np.log(x) - np.log(y)), x)
    d[y] = unbroadcast(d[result] * (1.0 - pow_term(x, y, -1.0)), y)


@register_tangent(special.kl_div)
def _(result, x, y):
    d[result] = d[x] * (np.log(x) - np.log(y)) + d[y] * (1.0 - pow_term(x, y, -1.0))


# ----- Huber losses ----------------------------------------------------------------------------------
# huber(delta, r) is r^2 / 2 where |r| <= delta, else delta (|r| - delta / 2).


@register_adjoint(special.huber)
def _(result, delta, r):
    d[delta] = unbroadcast(d[result] * np.where(np.abs(r) <= delta, 0.0, np.abs(r) - delta), delta)
    d[r] = unbroadcast(d[result] * np.where(np.abs(r) <= delta, r, delta * np.sign(r)), r)


@register_tangent(special.huber)
def _(result, delta, r):
    d[result] = (d[delta] * np.where(np.abs(r) <= delta, 0.0, np.abs(r) - delta)
                 + d[r] * np.where(np.abs(r) <= delta, r, delta * np.sign(r)))


# pseudo_huber(delta, r) = delta^2 (s - 1) with s = sqrt(1 + (r / delta)^2):
# its slope in r is r / s, in delta 2 result / delta - r^2 / (delta s).
@register_adjoint(special.pseudo_huber)
def _(result, delta, r):
    s = np.sqrt(1.0 + np.square(r / delta))
    d[delta] = unbroadcast(d[result] * (2.0 * result / delta - np.square(r) / (delta * s)), delta)
    d[r] = unbroadcast(d[result] * r / s, r)


@register_tangent(special.pseudo_huber)
def _(result, delta, r):
    d[result] = (d[delta] * (2.0 * result / delta - np.square(r) / (delta * np.sqrt(1.0 + np.square(r / delta))))
                 + d[r] * r / np.sqrt(1.0 + np.square(r / delta)))


# ----- Exponentials, logarithms, cube root ---------------------------------------------------------


@register_adjoint(special.expm1)
def _(result, x):
    d[x] = d[result] * (result + 1.0)


@register_tangent(special.expm1)
def _(result, x):
    d[result] = d[x] * (result + 1.0)


@register_adjoint(special.log1p)
def _(result, x):
    d[x] = d[result] / (1.0 + x)


@register_tangent(special.log1p)
def _(result, x):
    d[result] = d[x] / (1.0 + x)


@register_adjoint(special.exp2)
def _(result, x):
    d[x] = d[result] * result * LOG_2


@register_tangent(special.exp2)
def _(result, x):
    d[result] = d[x] * result * LOG_2


@register_adjoint(special.exp10)
def _(result, x):
    d[x] = d[result] * result * LOG_10


@register_tangent(special.exp10)
def _(result, x):
    d[result] = d[x] * result * LOG_10


@register_adjoint(special.cbrt)
def _(result, x):
    d[x] = d[result] / (3.0 * result * result)


@register_tangent(special.cbrt)
def _(result, x):
    d[result] = d[x] / (3.0 * result * result)


# ----- Gamma and beta --------------------------------------------------------------------------------


@register_adjoint(special.gamma)
def _(result, x):
    d[x] = d[result] * result * special.digamma(x)


@register_tangent(special.gamma)
def _(result, x):
    d[result] = d[x] * result * special.digamma(x)


# On real inputs loggamma is gammaln where gamma is positive.
@register_adjoint(special.loggamma)
def _(result, x):
    d[x] = d[result] * special.digamma(x)


@register_tangent(special.loggamma)
def _(result, x):
    d[result] = d[x] * special.digamma(x)


@register_adjoint(special.beta)
def _(result, a, b):
    d[a] = unbroadcast(d[result] * result * (special.digamma(a) - special.digamma(a + b)), a)
    d[b] = unbroadcast(d[result] * result * (special.digamma(b) - special.digamma(a + b)), b)


@register_tangent(special.beta)
def _(result, a, b):
    d[result] = result * (d[a] * (special.digamma(a) - special.digamma(a + b))
                          + d[b] * (special.digamma(b) - special.digamma(a + b)))


# ----- Scaled complementary error function -----------------------------------------------------------
# erfcx(x) = exp(x^2) erfc(x): its slope is 2 x erfcx(x) - 2 / sqrt(pi).


@register_adjoint(special.erfcx)
def _(result, x):
    d[x] = d[result] * (2.0 * x * result - TWO_OVER_SQRT_PI)


@register_tangent(special.erfcx)
def _(result, x):
    d[result] = d[x] * (2.0 * x * result - TWO_OVER_SQRT_PI)


# ----- Exponential integrals, Dawson's integral, the imaginary error function, 1 / gamma ---------------------
# exp1' = -exp(-x) / x, expi' = exp(x) / x, dawsn' = 1 - 2 x dawsn, erfi' = 2 exp(x^2) / sqrt(pi),
# rgamma' = -rgamma digamma.


@register_adjoint(special.exp1)
def _(result, x):
    d[x] = -d[result] * np.exp(-x) / x


@register_tangent(special.exp1)
def _(result, x):
    d[result] = -d[x] * np.exp(-x) / x


@register_adjoint(special.expi)
def _(result, x):
    d[x] = d[result] * np.exp(x) / x


@register_tangent(special.expi)
def _(result, x):
    d[result] = d[x] * np.exp(x) / x


@register_adjoint(special.dawsn)
def _(result, x):
    d[x] = d[result] * (1.0 - 2.0 * x * result)


@register_tangent(special.dawsn)
def _(result, x):
    d[result] = d[x] * (1.0 - 2.0 * x * result)


@register_adjoint(special.erfi)
def _(result, x):
    d[x] = d[result] * TWO_OVER_SQRT_PI * np.exp(x * x)


@register_tangent(special.erfi)
def _(result, x):
    d[result] = d[x] * TWO_OVER_SQRT_PI * np.exp(x * x)


@register_adjoint(special.rgamma)
def _(result, x):
    d[x] = -d[result] * result * special.digamma(x)


@register_tangent(special.rgamma)
def _(result, x):
    d[result] = -d[x] * result * special.digamma(x)


# ----- Regularized incomplete gamma functions, with respect to x ----------------------------------------------
# d gammainc(a, x) / dx = x^(a-1) exp(-x) / gamma(a), and gammaincc = 1 - gammainc. The shape a is not
# differentiated (its derivative is not closed form): a differentiated `a` is refused at its line. The density
# is gamma_density(a, x), 0 and flat at x = inf.
not_differentiated(special.gammainc, "a")
not_differentiated(special.gammaincc, "a")
not_differentiated(gamma_density, "a")


@register_adjoint(gamma_density)
def _(result, a, x):
    d[x] = unbroadcast(d[result] * result * ((a - 1.0) / x - 1.0), x)


@register_tangent(gamma_density)
def _(result, a, x):
    d[result] = d[x] * result * ((a - 1.0) / x - 1.0)


@register_adjoint(special.gammainc)
def _(result, a, x):
    d[x] = unbroadcast(d[result] * gamma_density(a, x), x)


@register_tangent(special.gammainc)
def _(result, a, x):
    d[result] = d[x] * gamma_density(a, x)


@register_adjoint(special.gammaincc)
def _(result, a, x):
    d[x] = unbroadcast(-d[result] * gamma_density(a, x), x)


@register_tangent(special.gammaincc)
def _(result, a, x):
    d[result] = -d[x] * gamma_density(a, x)


# ----- Box-Cox transforms, with respect to x: d/dx (x^l - 1) / l = x^(l-1), also at l = 0 (log x) -------------
not_differentiated(special.boxcox, "lmbda")
not_differentiated(special.boxcox1p, "lmbda")


@register_adjoint(special.boxcox)
def _(result, x, lmbda):
    d[x] = unbroadcast(d[result] * np.power(x, lmbda - 1.0), x)


@register_tangent(special.boxcox)
def _(result, x, lmbda):
    d[result] = d[x] * np.power(x, lmbda - 1.0)


@register_adjoint(special.boxcox1p)
def _(result, x, lmbda):
    d[x] = unbroadcast(d[result] * np.power(1.0 + x, lmbda - 1.0), x)


@register_tangent(special.boxcox1p)
def _(result, x, lmbda):
    d[result] = d[x] * np.power(1.0 + x, lmbda - 1.0)


# ----- softplus(x) = log(1 + exp(x)) (SciPy 1.15 and later): its slope is expit(x) --------------------------------
if hasattr(special, "softplus"):
    @register_adjoint(special.softplus)
    def _(result, x):
        d[x] = d[result] * special.expit(x)

    @register_tangent(special.softplus)
    def _(result, x):
        d[result] = d[x] * special.expit(x)


# ----- Binomial coefficients and the regularized incomplete beta function --------------------------------
# binom(n, k) = gamma(n + 1) / (gamma(k + 1) gamma(n - k + 1)): its slopes are binom times differences of
# digamma, refused where n + 1, k + 1 or n - k + 1 is a pole of gamma (off_gamma_poles).
non_differentiable(off_gamma_poles)


@register_adjoint(special.binom)
def _(result, n, k):
    d[n] = unbroadcast(d[result] * result * off_gamma_poles(n + 1.0, k + 1.0, n - k + 1.0)
                       * (special.digamma(n + 1.0) - special.digamma(n - k + 1.0)), n)
    d[k] = unbroadcast(d[result] * result * off_gamma_poles(n + 1.0, k + 1.0, n - k + 1.0)
                       * (special.digamma(n - k + 1.0) - special.digamma(k + 1.0)), k)


@register_tangent(special.binom)
def _(result, n, k):
    d[result] = result * off_gamma_poles(n + 1.0, k + 1.0, n - k + 1.0) * (
        d[n] * (special.digamma(n + 1.0) - special.digamma(n - k + 1.0))
        + d[k] * (special.digamma(n - k + 1.0) - special.digamma(k + 1.0)))


# d betainc(a, b, x) / dx = x^(a-1) (1 - x)^(b-1) / B(a, b) (pow_term: 0^0 = 1 at x = 0 for a = 1). The
# derivatives in a and b are not closed form: a differentiated a or b is refused at its line.
not_differentiated(special.betainc, "a", "b")


@register_adjoint(special.betainc)
def _(result, a, b, x):
    d[x] = unbroadcast(d[result] * pow_term(1.0, x, a - 1.0) * pow_term(1.0, 1.0 - x, b - 1.0)
                       * np.exp(-special.betaln(a, b)), x)


@register_tangent(special.betainc)
def _(result, a, b, x):
    d[result] = d[x] * pow_term(1.0, x, a - 1.0) * pow_term(1.0, 1.0 - x, b - 1.0) * np.exp(-special.betaln(a, b))
