"""A binary ufunc's outer (`np.subtract.outer(x, x)`, the pairwise differences of a kernel) is
differentiated as the ufunc of its first operand reshaped against the second (normalize/desugar.py):
its result's shape is the first operand's then the second's, as NumPy's. It had no rule."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode

X = np.array([0.3, 0.9, 0.45, 0.7])
M = np.array([[0.2, -0.5, 0.8], [1.1, 0.4, -0.3]])
POWERS = np.array([1.0, 2.5])


def rbf_kernel_sum(x):
    K = np.exp(-0.5 * np.subtract.outer(x, x) ** 2)
    return np.sum(K @ x)


def products_of_a_matrix_and_a_vector(x):
    return np.sum(np.multiply.outer(M * x[0], x[1:]) ** 2)  # shape (2, 3, 3)


def sums_with_a_number(x):
    return np.sum(np.add.outer(x, 2.0) * x) + np.sum(np.power.outer(x + 1.0, POWERS))


def maxima_of_items(x):
    return np.sum(np.maximum.outer(x[:2], x[2:] + 0.05) * np.arange(1.0, 5.0).reshape(2, 2))


def gp_marginal_likelihood(x):
    K = np.exp(-np.subtract.outer(x, x) ** 2) + 0.5 * np.eye(x.size)
    y = np.array([0.1, -0.4, 0.3, 0.8])
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(L)))


@pytest.mark.parametrize("func", [rbf_kernel_sum, products_of_a_matrix_and_a_vector, sums_with_a_number,
                                  maxima_of_items, gp_marginal_likelihood])
def test_outer_is_differentiated_in_every_mode(func):
    check_every_mode(func, (X.copy(),))  # (autograd's ufuncs have no outer)


def test_the_value_is_numpys():
    for func in (rbf_kernel_sum, products_of_a_matrix_and_a_vector, sums_with_a_number, maxima_of_items):
        value, _ = adjoint.value_and_grad(func)(X.copy())
        assert value == func(X.copy())


def test_an_operand_that_calls_a_function_is_refused_at_its_line():
    def computed_operand(x):
        return np.sum(np.subtract.outer(np.sin(x), x))

    with pytest.raises(adjoint.UnsupportedSyntaxError, match="subtract.outer") as refused:
        adjoint.grad(computed_operand)(X.copy())
    assert "test_ufunc_outer.py" in str(refused.value)


def test_autograd_of_the_broadcast_form_agrees():
    autograd = pytest.importorskip("autograd")
    anp = autograd.numpy

    def broadcast_form(x):
        K = anp.exp(-0.5 * (x[:, None] - x[None, :]) ** 2)
        return anp.sum(anp.dot(K, x))

    np.testing.assert_allclose(adjoint.grad(rbf_kernel_sum)(X.copy()), autograd.grad(broadcast_form)(X.copy()),
                               rtol=1e-12, atol=1e-14)
