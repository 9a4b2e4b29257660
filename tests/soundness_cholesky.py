"""Soundness: scipy.linalg.cho_factor and cho_solve, distributions frozen into a variable, and
`x ** y` where the base is zero.

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
    from scipy import linalg
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

    CASES = POWER_CASES + [
        Exact(gp_cho_factor, gp_args),
        Exact(gp_cho_factor_lower, gp_args, wrt=(0, 2)),
        Exact(both_triangles, nearly_symmetric, wrt=(0, 1)),
        Exact(both_triangles_lower, nearly_symmetric, wrt=(0, 1)),
        Exact(factor_given, lambda rng: (rng.normal(size=(3, 3)) + 3.0 * np.eye(3), rng.normal(size=3)), wrt=(0, 1)),
        Exact(factor_used_twice, lambda rng: (rng.normal(size=(3, 3)), rng.normal(size=3)), wrt=(0, 1)),
        Refused(overwriting, (np.eye(3),), adjoint.NonDifferentiableError, "overwrite_a"),
        Refused(overwriting_solve, (3.0 * np.eye(3), np.ones(3)), adjoint.NonDifferentiableError, "overwrite_b"),
    ]
