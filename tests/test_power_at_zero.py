"""`x ** y` and np.power with the exponent differentiated where the base is 0: the gradient, the
tangent and the second derivatives equal autograd's (which takes log(x) as 0 there, the limit of
x ** y log(x) for y > 0); the mixed second derivative of x ** y is 0 for y > 1 and NaN for y <= 1,
where it has no finite limit (autograd gives NaN for y < 1 too), and that of x ** y * x its limit 0."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint

autograd = pytest.importorskip("autograd")
anp = pytest.importorskip("autograd.numpy")


def operator_power(x, y):
    return np.sum(x ** y * x)


def numpy_power(x, y):
    return np.sum(np.power(x, y) * x)


def scalar_power(x, y):
    return x ** y * x


def peer(func):
    """The same function on autograd's numpy."""
    return {operator_power: lambda x, y: anp.sum(x ** y * x), numpy_power: lambda x, y: anp.sum(anp.power(x, y) * x),
            scalar_power: lambda x, y: x ** y * x}[func]


BASES = [np.array([0.0, 0.5, 2.0]), np.zeros(3)]
EXPONENTS = [1.5, 2.0, 3.0, np.array([1.5, 2.5, 3.0])]
ARRAY_CASES = [(f, x, y) for f in (operator_power, numpy_power) for x in BASES for y in EXPONENTS]
SCALAR_CASES = [(scalar_power, 0.0, y) for y in (1.5, 2.0, 3.0)]


def ones_like(value):
    return np.ones_like(value) if np.ndim(value) else 1.0


@pytest.mark.parametrize("func, x, y", ARRAY_CASES + SCALAR_CASES)
def test_exponent_derivatives_where_the_base_is_zero_equal_autograds(func, x, y) -> None:
    theirs = peer(func)
    np.testing.assert_allclose(adjoint.grad(func, wrt=1)(x, y), autograd.grad(theirs, 1)(x, y))
    for got, expected in zip(adjoint.grad(func, wrt=(0, 1))(x, y), autograd.grad(theirs, (0, 1))(x, y)):
        np.testing.assert_allclose(got, expected)
    tangent = adjoint.jvp(func, wrt=1)(x, y, ones_like(y))[1]
    assert tangent == pytest.approx(np.sum(autograd.grad(theirs, 1)(x, y) * ones_like(y)))
    np.testing.assert_allclose(adjoint.hessian(func, wrt=1)(x, y), autograd.hessian(theirs, 1)(x, y))
    mixed = adjoint.jvp(adjoint.grad(func, wrt=1), wrt=0)(x, y, ones_like(x))[1]
    expected_mixed = autograd.jacobian(lambda base: autograd.grad(theirs, 1)(base, y))(x)
    expected_mixed = np.tensordot(expected_mixed, ones_like(x), axes=np.ndim(x)) if np.ndim(x) else expected_mixed
    assert np.all(np.isfinite(mixed))
    np.testing.assert_allclose(mixed, expected_mixed)


def numpy_power_alone(x, y):
    return np.sum(np.power(x, y))


@pytest.mark.parametrize("y", [0.5, 1.0])
def test_mixed_second_derivative_without_a_limit_is_nan(y) -> None:
    x = np.array([0.0, 2.0])
    mixed = adjoint.jvp(adjoint.grad(numpy_power_alone, wrt=1), wrt=0)(x, y, np.array([1.0, 0.0]))[1]
    assert np.isnan(mixed)


@pytest.mark.parametrize("y", [0.5, 1.0])
def test_mixed_second_derivative_of_a_power_times_its_base_is_its_limit(y) -> None:
    """x ** y * x = x ** (y + 1): its mixed derivative x ** y (1 + (y + 1) log x) tends to 0 at x = 0,
    where the power's own has no limit; the power's slope there meets a zero adjoint (the factor x)."""
    x = np.array([0.0, 2.0])
    mixed = adjoint.jvp(adjoint.grad(numpy_power, wrt=1), wrt=0)(x, y, np.array([1.0, 0.0]))[1]
    assert mixed == 0.0
