"""Soundness: scipy.linalg.cho_factor and cho_solve, distributions frozen into a variable, and
`x ** y` where the base is zero.

A distribution frozen into a local name (`d = norm(mu, sigma)`, then `d.logpdf(x)`) is exact with
respect to the parameters it was frozen with and the values; any other use of the name (passed
to a function, another method, assigned something else too) is refused at its line. One frozen
outside the function (a global, an attribute) is exact with respect to the values; a
multivariate_normal frozen with allow_singular=True, and a method without a rule, are refused.

cho_factor's result holds the factor in one triangle and the argument's own entries in the
other: a function reading both triangles is exact on its own argument, unsymmetric too. A call
that may overwrite its argument in place (`overwrite_a=True`) is refused.
"""
from __future__ import annotations

import numpy as np

import adjoint
from soundness import Exact, Refused



def power_at_zero(x, y):
    return np.sum(x ** y * np.power(x, y + 1.0))


def scalar_power_at_zero(y):
    base = 0.0
    return base ** y + 2.0 ** y


def exponents(rng):
    return np.array([0.0, 0.0, 0.5, 2.0]), 1.5 + rng.uniform(size=4)


POWER_CASES = [
    Exact(power_at_zero, exponents, wrt=1),
    Exact(power_at_zero, lambda rng: (np.zeros(3), 1.5 + rng.uniform()), wrt=1, id="power_at_zero[all zero]"),
    Exact(scalar_power_at_zero, lambda rng: (1.5 + rng.uniform(),)),
]

try:
    from scipy import linalg, stats
except ImportError:
    CASES = POWER_CASES
else:
    def rbf_kernel(log_params, X):
        lengthscale, variance, noise = np.exp(log_params[0]), np.exp(log_params[1]), np.exp(log_params[2])
        squared = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
        return variance * np.exp(-0.5 * squared / lengthscale ** 2) + noise * np.eye(X.shape[0])

    def gp_cho_factor(log_params, X, y):
        K = rbf_kernel(log_params, X)
        c_and_lower = linalg.cho_factor(K)
        alpha = linalg.cho_solve(c_and_lower, y)
        logdet = 2 * np.sum(np.log(np.diag(c_and_lower[0])))
        return -0.5 * np.dot(y, alpha) - 0.5 * logdet - 0.5 * y.shape[0] * np.log(2 * np.pi)

    def gp_cho_factor_lower(log_params, X, y):
        K = rbf_kernel(log_params, X)
        c, low = linalg.cho_factor(K, lower=True)
        alpha = linalg.cho_solve((c, low), y)
        return -0.5 * np.dot(y, alpha) - np.sum(np.log(np.diag(c)))

    def gp_args(rng):
        X = rng.normal(size=(6, 2))
        return np.array([0.1, -0.2, -1.0]), X, np.sin(X[:, 0]) + 0.1 * rng.normal(size=6)

    def both_triangles(a, b):
        """The factor's triangle and a's own entries in the other, both read."""
        c, low = linalg.cho_factor(a)
        return np.sum(c * c) + np.sum(linalg.cho_solve((c, low), b) * b)

    def both_triangles_lower(a, b):
        c = linalg.cho_factor(a, lower=True)
        return np.sum(np.sin(c[0])) + np.sum(linalg.cho_solve(c, b) ** 2)

    def nearly_symmetric(rng):
        x = rng.normal(size=(4, 4))
        return x @ x.T / 4 + 2.0 * np.eye(4) + 0.2 * rng.normal(size=(4, 4)), rng.normal(size=(4, 2))

    def factor_given(c, b):
        """cho_solve with a factor not from cho_factor: only its upper triangle is read."""
        return np.sum(linalg.cho_solve((c, False), b) ** 2)

    def factor_used_twice(a, b):
        factor = linalg.cho_factor(a @ a.T + 3.0 * np.eye(3))
        first = linalg.cho_solve(factor, b)
        return np.sum(linalg.cho_solve(factor, first) * b) + np.sum(factor[0])

    def overwriting(a):
        c, low = linalg.cho_factor(a @ a.T + 3.0 * np.eye(3), overwrite_a=True)  # <- overwrite_a
        return np.sum(c)

    def overwriting_solve(a, b):
        return np.sum(linalg.cho_solve(linalg.cho_factor(a), b, overwrite_b=True))  # <- overwrite_b

    def frozen_normal(mu, sigma, x):
        d = stats.norm(mu, sigma)
        return np.sum(d.logpdf(x)) + np.sum(d.cdf(x))

    def frozen_t(df, x):
        dist = stats.t(df, loc=0.5, scale=2.0)
        return np.sum(dist.logpdf(x))

    def frozen_multivariate_normal(mean, a, x):
        mvn = stats.multivariate_normal(mean, a @ a.T + np.eye(2))
        return mvn.logpdf(x)

    def frozen_gamma_beta(a, scale, b):
        g = stats.gamma(a, scale=scale)
        be = stats.beta(a, b)
        return np.sum(g.logpdf(np.array([0.5, 1.0, 2.0]))) + np.sum(be.logpdf(np.array([0.2, 0.5])))

    def frozen_poisson(lam):
        p = stats.poisson(lam)
        return np.sum(p.logpmf(np.array([0.0, 1.0, 3.0])))

    def frozen_dirichlet(alpha):
        prior = stats.dirichlet(alpha)
        return prior.logpdf(np.array([0.2, 0.3, 0.5]))

    def frozen_then_parameter_changes(mu, x):
        d = stats.norm(mu, 1.0)
        mu = mu * 3.0
        return np.sum(d.logpdf(x)) + mu

    def frozen_in_a_loop(mus, x):
        total = 0.0
        for i in range(3):
            component = stats.norm(mus[i], 1.0 + i)
            total = total + np.sum(component.logpdf(x))
        return total

    def frozen_in_branches(mu, x):
        if mu > 0:
            d = stats.norm(mu, 1.0)
        else:
            d = stats.norm(-mu, 2.0)
        return np.sum(d.logpdf(x))

    def frozen_standard(x):
        if x > 0:
            d = stats.norm()
        else:
            d = stats.norm()
        return d.logpdf(x) * x

    def frozen_passed_on(mu):
        d = stats.norm(mu, 1.0)
        return log_density(d, 0.3)  # <- frozen passed on

    def log_density(dist, x):
        return dist.logpdf(x)

    def frozen_other_method(mu):
        d = stats.norm(mu, 1.0)
        return d.mean()  # <- frozen mean

    def frozen_two_families(mu, flag):
        d = stats.norm(mu, 1.0)
        if flag:
            d = stats.t(3.0, mu)  # <- two families
        return d.logpdf(0.2)

    def frozen_reassigned(mu):
        d = stats.norm(mu, 1.0)
        value = d.logpdf(0.1)
        d = mu  # <- frozen reassigned
        return value + d

    STANDARD_NORMAL = stats.norm(0.0, 1.0)
    WIDE_T = stats.t(3.0, scale=2.0)
    PRIOR_MVN = stats.multivariate_normal(np.zeros(2), 2.0)
    SINGULAR_MVN = stats.multivariate_normal(np.zeros(2), np.ones((2, 2)), allow_singular=True)
    PRIOR_DIRICHLET = stats.dirichlet(np.array([1.5, 2.0, 3.0]))

    def frozen_globals(w):
        return (np.sum(STANDARD_NORMAL.logpdf(w)) + np.sum(WIDE_T.logpdf(w)) + PRIOR_MVN.logpdf(w)
                + np.sum(STANDARD_NORMAL.cdf(w)))

    def frozen_global_dirichlet(w):
        return PRIOR_DIRICHLET.logpdf(w / np.sum(w))

    class Model:
        def __init__(self):
            self.prior = stats.norm(0.0, 3.0)

        def loss(self, w):
            return np.sum(self.prior.logpdf(w) * w)

    MODEL = Model()

    def frozen_attribute(w):
        return MODEL.loss(w)

    def frozen_global_singular(w):
        return SINGULAR_MVN.logpdf(w)  # <- singular allowed

    def frozen_global_without_rule(w):
        return np.sum(WIDE_T.logsf(w))  # <- t.logsf

    def frozen_global_cdf(w):
        return np.sum(WIDE_T.cdf(w) * w)

    def positive(rng, n=3):
        return rng.uniform(1.0, 2.0, size=n)

    FROZEN_CASES = [
        Exact(frozen_normal, lambda rng: (0.3, 1.2, rng.normal(size=3)), wrt=(0, 1, 2)),
        Exact(frozen_t, lambda rng: (3.5, rng.normal(size=3)), wrt=(0, 1)),
        Exact(frozen_multivariate_normal,
              lambda rng: (rng.normal(size=2) * 0.3, rng.normal(size=(2, 2)), rng.normal(size=2)), wrt=(0, 1, 2)),
        Exact(frozen_gamma_beta, lambda rng: (2.0 + rng.uniform(), 1.5, 3.0), wrt=(0, 1, 2)),
        Exact(frozen_poisson, lambda rng: (2.5 + rng.uniform(),)),
        Exact(frozen_dirichlet, lambda rng: (positive(rng),)),
        Exact(frozen_then_parameter_changes, lambda rng: (0.4, rng.normal(size=3)), wrt=(0, 1)),
        Exact(frozen_in_a_loop, lambda rng: (rng.normal(size=3), rng.normal(size=2)), wrt=(0, 1)),
        Exact(frozen_in_branches, lambda rng: (0.5 + rng.uniform(), rng.normal(size=2)), wrt=(0, 1)),
        Exact(frozen_in_branches, lambda rng: (-0.5 - rng.uniform(), rng.normal(size=2)), wrt=(0, 1),
              id="frozen_in_branches[else]"),
        Exact(frozen_standard, lambda rng: (0.5 + rng.uniform(),)),
        Exact(frozen_globals, lambda rng: (rng.normal(size=2),)),
        Exact(frozen_global_dirichlet, lambda rng: (positive(rng),)),
        Exact(frozen_attribute, lambda rng: (rng.normal(size=3),)),
        Refused(frozen_global_singular, (np.ones(2),), adjoint.NonDifferentiableError, "singular allowed"),
        Refused(frozen_global_without_rule, (np.ones(2),), adjoint.NonDifferentiableError, "t.logsf"),
        Exact(frozen_global_cdf, lambda rng: (rng.normal(size=3),)),
        Refused(frozen_passed_on, (0.5,), adjoint.UnsupportedSyntaxError, "frozen passed on"),
        Refused(frozen_other_method, (0.5,), adjoint.UnsupportedSyntaxError, "frozen mean"),
        Refused(frozen_two_families, (0.5, True), adjoint.UnsupportedSyntaxError, "two families"),
        Refused(frozen_reassigned, (0.5,), adjoint.UnsupportedSyntaxError, "frozen reassigned"),
    ]

    CASES = POWER_CASES + FROZEN_CASES + [
        Exact(gp_cho_factor, gp_args),
        Exact(gp_cho_factor_lower, gp_args, wrt=(0, 2)),
        Exact(both_triangles, nearly_symmetric, wrt=(0, 1)),
        Exact(both_triangles_lower, nearly_symmetric, wrt=(0, 1)),
        Exact(factor_given, lambda rng: (rng.normal(size=(3, 3)) + 3.0 * np.eye(3), rng.normal(size=3)), wrt=(0, 1)),
        Exact(factor_used_twice, lambda rng: (rng.normal(size=(3, 3)), rng.normal(size=3)), wrt=(0, 1)),
        Refused(overwriting, (np.eye(3),), adjoint.NonDifferentiableError, "overwrite_a"),
        Refused(overwriting_solve, (3.0 * np.eye(3), np.ones(3)), adjoint.NonDifferentiableError, "overwrite_b"),
    ]
