"""cho_factor and cho_solve against the same Gaussian-process likelihood written with cholesky and
solve_triangular: the same value, gradient, tangent and Hessian-vector product."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint

linalg = pytest.importorskip("scipy.linalg")


def kernel(log_params, X):
    squared = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    return np.exp(log_params[1]) * np.exp(-0.5 * squared / np.exp(2 * log_params[0])) + np.exp(log_params[2]) * np.eye(
        X.shape[0])


def likelihood_cho(log_params, X, y):
    c_and_lower = linalg.cho_factor(kernel(log_params, X))
    alpha = linalg.cho_solve(c_and_lower, y)
    return -0.5 * np.dot(y, alpha) - np.sum(np.log(np.diag(c_and_lower[0])))


def likelihood_cho_lower(log_params, X, y):
    c, low = linalg.cho_factor(kernel(log_params, X), lower=True)
    alpha = linalg.cho_solve((c, low), y)
    return -0.5 * np.dot(y, alpha) - np.sum(np.log(np.diag(c)))


def likelihood_triangular(log_params, X, y):
    L = linalg.cholesky(kernel(log_params, X), lower=True)
    half = linalg.solve_triangular(L, y, lower=True)
    return -0.5 * np.dot(half, half) - np.sum(np.log(np.diag(L)))


@pytest.fixture
def data(rng):
    X = rng.normal(size=(7, 2))
    return np.array([0.2, -0.1, -1.5]), X, np.cos(X[:, 1]) + 0.1 * rng.normal(size=7)


@pytest.mark.parametrize("likelihood", [likelihood_cho, likelihood_cho_lower])
def test_cho_factor_matches_cholesky_and_solve_triangular(likelihood, data, rng) -> None:
    v = rng.normal(size=3)
    expected_value, expected_gradient = adjoint.value_and_grad(likelihood_triangular, wrt=(0, 2))(*data)
    value, gradient = adjoint.value_and_grad(likelihood, wrt=(0, 2))(*data)
    assert value == pytest.approx(expected_value, rel=1e-12)
    for got, expected in zip(gradient, expected_gradient):
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)
    _, tangent = adjoint.jvp(likelihood)(*data, v)
    _, expected_tangent = adjoint.jvp(likelihood_triangular)(*data, v)
    assert tangent == pytest.approx(expected_tangent, rel=1e-9)
    np.testing.assert_allclose(adjoint.hvp(likelihood)(*data, v), adjoint.hvp(likelihood_triangular)(*data, v),
                               rtol=1e-8, atol=1e-10)
