"""Reductions of a list of arrays, and a ufunc's reduce and accumulate.

`np.max([a, b, c], axis=0)` (also min, amax, ptp) raised an internal TypeError in its derivative:
the adjoint asked np.result_type about the list, which NumPy reads as a description of fields.
`np.add.reduce`, `np.multiply.reduce`, `np.maximum.reduce`, `np.minimum.reduce`,
`np.add.accumulate` and `np.multiply.accumulate` are np.sum, np.prod, np.max, np.min, np.cumsum
and np.cumprod along axis 0 (NumPy computes them so: the values are the same bits), and are
differentiated as those (they had no rule). Checked against differences, to second order.
"""
from __future__ import annotations

import numpy as np
import pytest

import adjoint

X = np.array([0.3, 0.9, 0.45, 0.7])
DIRECTION = np.array([0.5, -1.0, 0.25, 0.8])


def largest_of_a_list(x):
    return np.sum(np.max([x, x ** 2, np.sin(x)], axis=0))


def smallest_of_a_tuple(x):
    return np.sum(np.min((x, np.cos(x)), axis=0) ** 2)


def extremes_of_numbers(x):
    return np.max([x[0], x[1] ** 2]) + np.min([x[2], x[3] * 2.0]) + np.sum(np.ptp([x, x ** 2], axis=0))


def ufunc_reductions(x):
    A = x.reshape(2, 2)
    return (np.add.reduce(x * x) + np.multiply.reduce(x + 1.0) + np.sum(np.add.reduce(A, 1) ** 2)
            + np.sum(np.minimum.reduce(A, axis=1, keepdims=True) * A) + np.sum(np.maximum.reduce([x, np.tanh(x)])))


def ufunc_accumulations(x):
    return np.sum(np.add.accumulate(x) ** 2) + np.sum(np.multiply.accumulate(x.reshape(2, 2), axis=1))


FUNCTIONS = [largest_of_a_list, smallest_of_a_tuple, extremes_of_numbers, ufunc_reductions, ufunc_accumulations]


def differences(f, x, eps=1e-6):
    return np.array([(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in np.eye(x.size)])


@pytest.mark.parametrize("f", FUNCTIONS, ids=lambda f: f.__name__)
def test_value_gradient_tangent_and_hessian_products(f):
    value, gradient = adjoint.value_and_grad(f)(X)
    assert value == f(X)
    np.testing.assert_allclose(gradient, differences(f, X), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(adjoint.jvp(f)(X, DIRECTION)[1], differences(f, X) @ DIRECTION, rtol=1e-6, atol=1e-9)
    g = adjoint.grad(f)
    expected = (g(X + 1e-5 * DIRECTION) - g(X - 1e-5 * DIRECTION)) / 2e-5
    np.testing.assert_allclose(adjoint.hvp(f)(X, DIRECTION), expected, rtol=1e-5, atol=1e-8)


def test_the_folds_are_the_functions_they_are_written_as():
    A = X.reshape(2, 2)
    pairs = [(np.add.reduce(A), np.sum(A, axis=0)), (np.multiply.reduce(A, 1), np.prod(A, axis=1)),
             (np.maximum.reduce([X, X ** 2]), np.max([X, X ** 2], axis=0)), (np.minimum.reduce(X), np.min(X, axis=0)),
             (np.add.accumulate(A), np.cumsum(A, axis=0)), (np.multiply.accumulate(A, axis=1), np.cumprod(A, axis=1))]
    for fold, function in pairs:
        assert np.array_equal(fold, function)


def other_ufunc_fold(x):
    return np.sum(np.subtract.accumulate(x))  # (np.maximum.accumulate is differentiated: test_running_extremes.py)


def test_a_fold_without_a_numpy_function_stays_refused():
    with pytest.raises(adjoint.NonDifferentiableError, match="accumulate"):
        adjoint.grad(other_ufunc_fold)(X)
