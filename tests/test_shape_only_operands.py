"""Second derivatives through adjoints that read an operand for its shape alone.

The adjoint of `np.einsum('ii->', M)` or of `np.kron(M, C)` with respect to M does not depend on
M's values: its tangent (and its adjoint with respect to M) is zero. It was written as the
number 0.0, which the matmul adjoint upstream cannot take (an internal ValueError in every hvp
of such a function). Now an array of zeros of M's shape. Checked against differences of the
gradient, with autograd where it has the function.

np.cross of 2-component vectors (their cross product is the third component alone) had an
adjoint written for 3-vectors: a wrong gradient. It is refused when the derivative runs; its
tangent, bilinear, stays exact.
"""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from adjoint import AdjointError

C = np.array([[1.0, 0.5], [-0.3, 2.0]])
X = np.array([0.3, 0.9, 0.45, 0.7])
DIRECTION = np.array([1.0, -0.4, 0.25, 0.6])


def trace_of_square(x):
    A = x.reshape(2, 2)
    return np.einsum("ii->", A @ A)


def sum_by_einsum(x):
    A = x.reshape(2, 2)
    return np.einsum("ij->", A @ C)


def einsum_with_a_constant(x):
    A = x.reshape(2, 2)
    return np.einsum("ij,ij->", A @ A, C)


def einsum_of_a_product(x):
    return np.einsum("i->", np.dot(x.reshape(2, 2), x[:2])) + np.einsum("i,i", x, x)


def kron_with_a_constant(x):
    A = x.reshape(2, 2)
    return np.sum(np.kron(A @ A, C) ** 2)


def kron_constant_first(x):
    A = x.reshape(2, 2)
    return np.sum(np.kron(C, A @ C))


FUNCTIONS = [trace_of_square, sum_by_einsum, einsum_with_a_constant, einsum_of_a_product, kron_with_a_constant,
             kron_constant_first]


def _gradient_differences(f, x, v, eps=1e-5):
    gradient = adjoint.grad(f)
    return (gradient(x + eps * v) - gradient(x - eps * v)) / (2 * eps)


@pytest.mark.parametrize("f", FUNCTIONS, ids=lambda f: f.__name__)
def test_hessian_vector_products_are_exact(f):
    np.testing.assert_allclose(adjoint.hvp(f)(X, DIRECTION), _gradient_differences(f, X, DIRECTION),
                               rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("f", FUNCTIONS, ids=lambda f: f.__name__)
def test_grad_of_grad_is_exact(f):
    gradient = adjoint.grad(f)

    def directional(x):
        return np.sum(gradient(x) * DIRECTION)
    np.testing.assert_allclose(adjoint.grad(directional)(X), _gradient_differences(f, X, DIRECTION),
                               rtol=1e-5, atol=1e-8)


def test_autograd_agrees_on_the_hessians():
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")

    def trace(x):  # autograd's own einsum of a diagonal fails at second order
        A = anp.reshape(x, (2, 2))
        return anp.trace(anp.dot(A, A))

    def kron(x):
        A = anp.reshape(x, (2, 2))
        return anp.sum(anp.kron(anp.dot(A, A), C) ** 2)
    for ours, theirs in [(trace_of_square, trace), (kron_with_a_constant, kron)]:
        expected = autograd.hessian(theirs)(X) @ DIRECTION
        np.testing.assert_allclose(adjoint.hvp(ours)(X, DIRECTION), expected, rtol=1e-10, atol=1e-12)


def cross_of_planar_vectors(x):
    return np.sum(np.cross(x.reshape(2, 2), C))


def cross_of_spatial_vectors(x):
    a = x[:3]
    return np.sum(np.cross(a, np.array([0.5, -1.0, 2.0])) ** 2) + np.sum(np.cross(a * a, a))


def _crosses_planar_vectors() -> bool:
    """NumPy 2.0 deprecates np.cross of 2-component vectors, and later releases refuse it."""
    try:
        np.cross(np.ones(2), np.ones(2))
    except ValueError:
        return False
    return True


PLANAR = _crosses_planar_vectors()


def test_the_adjoint_of_a_cross_product_of_2_component_vectors_is_refused():
    if not PLANAR:  # the function itself raises NumPy's error, and so does its derivative
        with pytest.raises(ValueError, match="3-dimensional"):
            cross_of_planar_vectors(X)
        with pytest.raises(ValueError, match="3-dimensional"):
            adjoint.grad(cross_of_planar_vectors)(X)
        return
    with pytest.raises(AdjointError, match="2-component vectors"):
        adjoint.grad(cross_of_planar_vectors)(X)


def test_the_tangent_of_a_cross_product_of_2_component_vectors_is_exact():
    if not PLANAR:
        with pytest.raises(ValueError, match="3-dimensional"):
            adjoint.jvp(cross_of_planar_vectors)(X, DIRECTION)
        return
    eps = 1e-6
    expected = (cross_of_planar_vectors(X + eps * DIRECTION) - cross_of_planar_vectors(X - eps * DIRECTION)) / (2 * eps)
    np.testing.assert_allclose(adjoint.jvp(cross_of_planar_vectors)(X, DIRECTION)[1], expected, rtol=1e-7)


def test_cross_products_of_3_vectors_are_exact_to_second_order():
    eps = 1e-6
    gradient = adjoint.grad(cross_of_spatial_vectors)(X)
    expected = [(cross_of_spatial_vectors(X + eps * e) - cross_of_spatial_vectors(X - eps * e)) / (2 * eps)
                for e in np.eye(4)]
    np.testing.assert_allclose(gradient, expected, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(adjoint.hvp(cross_of_spatial_vectors)(X, DIRECTION),
                               _gradient_differences(cross_of_spatial_vectors, X, DIRECTION), rtol=1e-5, atol=1e-8)
