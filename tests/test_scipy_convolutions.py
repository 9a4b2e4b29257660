"""scipy.signal's convolutions where the catalogue (scipy_specs.py) does not go: the methods give the
same derivative, fftconvolve's axes= is refused, integer signals and numbers (0-d signals)."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint

signal = pytest.importorskip("scipy.signal")


def smoothed(x, kernel, method):
    return (np.sum(np.sin(signal.convolve(x, kernel, "same", method)) * x)
            + np.sum(signal.correlate(x, kernel, "valid", method) ** 3))


@pytest.mark.parametrize("method", ["fft", "auto"])
def test_the_methods_have_the_direct_methods_derivative(method, rng) -> None:
    x, kernel, v = rng.normal(size=(4, 5)), rng.normal(size=(2, 3)), rng.normal(size=(4, 5))
    for got, want in zip(adjoint.grad(smoothed, wrt=(0, 1))(x, kernel, method),
                         adjoint.grad(smoothed, wrt=(0, 1))(x, kernel, "direct")):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(adjoint.hvp(smoothed)(x, kernel, method, v),
                               adjoint.hvp(smoothed)(x, kernel, "direct", v), rtol=1e-9, atol=1e-12)


def along_rows(x, kernel):
    return np.sum(signal.fftconvolve(x, kernel, axes=1) ** 2)


def test_fftconvolve_along_some_axes_is_refused() -> None:
    with pytest.raises(adjoint.AdjointError, match="axes= is not differentiated"):
        adjoint.grad(along_rows)(np.ones((2, 4)), np.ones((2, 2)))


def energy(x, kernel):
    return np.sum(signal.convolve(x, kernel) ** 2)


def test_integer_signals() -> None:
    x, kernel = np.array([1, 2, 0, 3]), np.array([1.0, -0.5])
    expected = 2.0 * np.correlate(np.convolve(x, kernel), kernel, "valid")
    np.testing.assert_allclose(adjoint.grad(energy)(x, kernel), expected, rtol=1e-12)


def product(a, b):
    return signal.convolve(a, b) * signal.correlate(a, b, "same")


def test_numbers() -> None:
    assert adjoint.grad(product, wrt=(0, 1))(2.0, 3.0) == pytest.approx((2.0 * 2.0 * 9.0, 2.0 * 4.0 * 3.0))
