"""scipy.integrate's rules where the catalogue (scipy_specs.py) does not go: simpson's derivative in
its sample points is refused; integer samples, no samples (whose integral is 0.0, as np.trapezoid's); the
running integrals' derivative is that of the integrals they end with."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint

integrate = pytest.importorskip("scipy.integrate")


def simpson_of_moving_points(y, x):
    return integrate.simpson(y, x=x)


def test_simpson_in_its_points_is_refused() -> None:
    y, x = np.ones(5), np.linspace(0.0, 1.0, 5)
    assert adjoint.grad(simpson_of_moving_points)(y, x) == pytest.approx(integrate.simpson(np.eye(5), x=x, axis=-1))
    with pytest.raises(adjoint.AdjointError, match="not differentiated with respect to its argument `x`"):
        adjoint.grad(simpson_of_moving_points, wrt=1)(y, x)


def last_running_integral(y, x):
    return integrate.cumulative_trapezoid(y, x, initial=0)[-1]


def integral(y, x):
    return integrate.trapezoid(y, x)


def test_the_last_running_integral_is_the_integral(rng) -> None:
    y, x = rng.normal(size=6), np.cumsum(rng.uniform(0.5, 1.0, size=6))
    expected = adjoint.grad(integral, wrt=(0, 1))(y, x)
    for got, want in zip(adjoint.grad(last_running_integral, wrt=(0, 1))(y, x), expected):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def simpson_squared(y):
    return integrate.simpson(y) ** 2


def test_integer_samples() -> None:
    y = np.array([1, 4, 2, 3])
    expected = 2.0 * integrate.simpson(y) * integrate.simpson(np.eye(4), axis=-1)
    np.testing.assert_allclose(adjoint.grad(simpson_squared)(y), expected, rtol=1e-12)
    np.testing.assert_allclose(adjoint.grad(lambda v: integrate.trapezoid(v))(y), [0.5, 1.0, 1.0, 0.5])


def areas(y, x):
    return np.sum(integrate.trapezoid(y, x) ** 2)


def numpy_areas(y, x):
    return np.sum(np.trapezoid(y, x) ** 2)


@pytest.mark.parametrize("function", [areas, numpy_areas])
def test_no_samples(function) -> None:
    y, x = np.zeros((2, 0)), np.zeros(0)
    for gradient, arg in zip(adjoint.grad(function, wrt=(0, 1))(y, x), (y, x)):
        np.testing.assert_array_equal(gradient, np.zeros_like(arg))
