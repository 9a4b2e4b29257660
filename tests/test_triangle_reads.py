"""Functions that read one triangle of a matrix have their derivative in that triangle.

np.linalg.cholesky factors the symmetric matrix of its argument's lower triangle,
scipy.linalg.cholesky that of the triangle it returns (the upper one unless lower=True), and
scipy.stats.multivariate_normal decomposes the lower triangle of its covariance: none of them
reads the other triangle. Their gradients, tangents and Hessian-vector products are checked at a
matrix whose two triangles differ, against central differences of the function as NumPy and
SciPy compute it. Where a program builds the matrix symmetric (B @ B.T), the gradient with
respect to B is that of autograd, which takes these functions of the symmetric matrix.
"""
from __future__ import annotations

import numpy as np
import pytest

import adjoint

scipy_linalg = pytest.importorskip("scipy.linalg")
stats = pytest.importorskip("scipy.stats")

WEIGHTS = np.linspace(0.4, 1.6, 9).reshape(3, 3)
POINTS = np.array([[0.3, -0.2, 0.5], [-0.4, 0.1, 0.2]])


def numpy_lower_factor(a):
    return np.sum(np.linalg.cholesky(a) * WEIGHTS)


def scipy_upper_factor(a):
    return np.sum(scipy_linalg.cholesky(a) * WEIGHTS)


def scipy_lower_factor(a):
    return np.sum(scipy_linalg.cholesky(a, lower=True) * WEIGHTS)


def normal_log_density(cov):
    return np.sum(stats.multivariate_normal.logpdf(POINTS, np.zeros(3), cov))


def normal_density(cov):
    return np.sum(stats.multivariate_normal.pdf(POINTS, np.zeros(3), cov))


def log_determinant(a):
    low = np.linalg.cholesky(a)
    return 2.0 * np.sum(np.log(np.diag(low))) + np.sum(low[1:, 0] ** 2)


FUNCTIONS = [numpy_lower_factor, scipy_upper_factor, scipy_lower_factor, normal_log_density, normal_density,
             log_determinant]


def unsymmetric_matrix():
    """A positive definite matrix whose strict upper triangle is not the mirror of its lower one."""
    rng = np.random.default_rng(7)
    root = rng.normal(size=(3, 3))
    spd = root @ root.T + 3.0 * np.eye(3)
    return spd + np.triu(rng.normal(size=(3, 3)) * 0.2, 1) - np.tril(rng.normal(size=(3, 3)) * 0.2, -1)


def central_gradient(f, a, eps=1e-6):
    gradient = np.zeros_like(a)
    for index in np.ndindex(*a.shape):
        step = np.zeros_like(a)
        step[index] = eps
        gradient[index] = (f(a + step) - f(a - step)) / (2 * eps)
    return gradient


@pytest.mark.parametrize("f", FUNCTIONS)
def test_the_gradient_lies_in_the_triangle_read(f):
    a = unsymmetric_matrix()
    value, gradient = adjoint.value_and_grad(f)(a.copy())
    assert value == pytest.approx(f(a), rel=1e-12)
    expected = central_gradient(f, a)
    np.testing.assert_allclose(gradient, expected, rtol=1e-5, atol=1e-7)
    assert np.count_nonzero(gradient == 0.0) == 3  # the triangle not read


@pytest.mark.parametrize("f", FUNCTIONS)
def test_the_tangent_of_an_unsymmetric_direction(f):
    a = unsymmetric_matrix()
    direction = np.cos(np.arange(9.0)).reshape(3, 3)
    value, tangent = adjoint.jvp(f)(a.copy(), direction)
    assert value == pytest.approx(f(a), rel=1e-12)
    expected = (f(a + 1e-6 * direction) - f(a - 1e-6 * direction)) / 2e-6
    assert tangent == pytest.approx(expected, rel=1e-5, abs=1e-8)


@pytest.mark.parametrize("f", FUNCTIONS)
def test_the_hessian_vector_product(f):
    a = unsymmetric_matrix()
    direction = np.cos(np.arange(9.0)).reshape(3, 3)
    product = adjoint.hvp(f)(a.copy(), direction)
    gradient = adjoint.grad(f)
    expected = (gradient(a + 1e-5 * direction) - gradient(a - 1e-5 * direction)) / 2e-5
    np.testing.assert_allclose(product, expected, rtol=1e-5, atol=1e-7)


def through_a_symmetric_matrix(root):
    a = root @ root.T + 3.0 * np.eye(3)
    return np.sum(np.linalg.cholesky(a) * WEIGHTS) + np.sum(np.linalg.inv(a))


def test_a_matrix_built_symmetric_gets_the_gradient_of_autograd():
    autograd = pytest.importorskip("autograd")
    import autograd.numpy as anp

    def by_autograd(root):
        a = root @ root.T + 3.0 * anp.eye(3)
        return anp.sum(anp.linalg.cholesky(a) * WEIGHTS) + anp.sum(anp.linalg.inv(a))

    root = np.random.default_rng(3).normal(size=(3, 3))
    np.testing.assert_allclose(adjoint.grad(through_a_symmetric_matrix)(root), autograd.grad(by_autograd)(root),
                               rtol=1e-10, atol=1e-12)
