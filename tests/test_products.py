"""Products with a zero factor: d prod(x) / d x_i is the product of the other factors, exact
where some are zero (it was prod(x) / x_i: NaN at a zero, and wrong at the others). Checked
against central differences in every mode, to second order (hvp, grad of grad); np.cumprod
keeps the quotient form and refuses a zero when the derived function runs."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from adjoint import AdjointError

ZEROS = [np.array([0.3, 0.0, 1.3, -0.6, 0.7, 0.0]), np.array([0.3, 0.0, 1.3, -0.6, 0.7, 1.1]),
         np.array([0.3, 0.5, 1.3, -0.6, 0.7, 1.1])]


def product(x):
    return np.prod(x)


def squared_row_products(x):
    return np.sum(np.prod(x.reshape(2, 3), axis=1) ** 2)


def column_products_kept(x):
    return np.sum(np.prod(x.reshape(2, 3), axis=0, keepdims=True) * x.reshape(2, 3))


def products_over_two_axes(x):
    return np.sum(np.prod(x.reshape(1, 2, 3), axis=(0, 2)) * np.arange(1.0, 3.0))


def nan_products(x):
    return np.nansum(np.nanprod(np.where(x > 1.2, np.nan, x).reshape(3, 2), axis=1))


FUNCTIONS = [product, squared_row_products, column_products_kept, products_over_two_axes, nan_products]


def _differences(f, x, eps=1e-6):
    return np.array([(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in np.eye(x.size)])


@pytest.mark.parametrize("func", FUNCTIONS)
@pytest.mark.parametrize("x", ZEROS, ids=["two-zeros", "one-zero", "no-zero"])
def test_gradient_and_tangent_with_zero_factors(func, x):
    np.testing.assert_allclose(adjoint.grad(func)(x), _differences(func, x), rtol=1e-6, atol=1e-8)
    direction = np.linspace(-1.0, 1.0, x.size)
    tangent = adjoint.jvp(func)(x, direction)
    tangent = tangent[1] if isinstance(tangent, tuple) else tangent
    np.testing.assert_allclose(tangent, _differences(func, x) @ direction, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("func", FUNCTIONS)
@pytest.mark.parametrize("x", ZEROS, ids=["two-zeros", "one-zero", "no-zero"])
def test_second_derivatives_with_zero_factors(func, x):
    gradient = adjoint.grad(func)
    direction = np.linspace(-1.0, 1.0, x.size)
    expected = (gradient(x + 1e-5 * direction) - gradient(x - 1e-5 * direction)) / 2e-5
    np.testing.assert_allclose(adjoint.hvp(func)(x, direction), expected, rtol=1e-5, atol=1e-7)
    along = adjoint.grad(lambda t: np.sum(gradient(x + t * direction) * direction))(0.0)
    np.testing.assert_allclose(along, expected @ direction, rtol=1e-5, atol=1e-7)


def cumulative_products(x):
    return np.sum(np.cumprod(x) ** 2)


def test_cumprod_is_exact_without_zeros_and_refuses_one():
    x = ZEROS[2]
    np.testing.assert_allclose(adjoint.grad(cumulative_products)(x), _differences(cumulative_products, x),
                               rtol=1e-6)
    with pytest.raises(AdjointError, match="cumprod where an entry is zero"):
        adjoint.grad(cumulative_products)(ZEROS[1])
