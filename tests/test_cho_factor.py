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


BOTH_TRIANGLES = '''\
import numpy as np
from scipy import linalg


def loss(a, b):
    c = linalg.cho_factor(a @ a.T + 3.0 * np.eye(3))
    return np.sum(linalg.cho_solve(c, b) ** 2) + np.sum(np.sin(c[0]))
'''


def test_a_written_out_derivative_reads_the_factor_as_the_installed_scipy_makes_it(tmp_path, rng) -> None:
    """Whether cho_factor keeps its argument's other triangle depends on the SciPy version; a
    module written by `adjoint gen` asks the SciPy it runs with."""
    from adjoint.cli import main
    from test_cli import import_path

    source = tmp_path / "factored.py"
    source.write_text(BOTH_TRIANGLES)
    assert main(["gen", f"{source}:loss", "-o", str(tmp_path / "factored_grad.py")]) == 0
    loss = import_path(source, "factored").loss
    written = import_path(tmp_path / "factored_grad.py", "factored_grad").grad_loss
    a, b = rng.normal(size=(3, 3)), rng.normal(size=3)
    step, expected = 1e-6, np.zeros((3, 3))
    for index in np.ndindex(3, 3):
        offset = np.zeros((3, 3))
        offset[index] = step
        expected[index] = (loss(a + offset, b) - loss(a - offset, b)) / (2 * step)
    np.testing.assert_allclose(written(a, b), expected, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(written(a, b), adjoint.grad(loss)(a, b), rtol=1e-12)
