"""scipy.fft's transforms have np.fft's derivatives (they compute the same values), follow complex
values as np.fft's do, and the operations not allowed on those are refused as for np.fft."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint

fft = pytest.importorskip("scipy.fft")


def scipy_energy(x):
    F = fft.rfft2(x, s=(4, 6), norm="ortho")
    G = fft.fftn(x * x, axes=(0,))
    return np.sum(np.abs(F) ** 2) + np.sum(fft.irfft2(F * 0.5, s=(4, 6)) ** 2) + np.sum(np.real(fft.fftshift(G)) * x)


def numpy_energy(x):
    F = np.fft.rfft2(x, s=(4, 6), norm="ortho")
    G = np.fft.fftn(x * x, axes=(0,))
    return (np.sum(np.abs(F) ** 2) + np.sum(np.fft.irfft2(F * 0.5, s=(4, 6)) ** 2)
            + np.sum(np.real(np.fft.fftshift(G)) * x))


def test_scipy_transforms_have_numpys_derivatives(rng) -> None:
    x, v = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    np.testing.assert_allclose(adjoint.grad(scipy_energy)(x), adjoint.grad(numpy_energy)(x), rtol=1e-10, atol=1e-12)
    _, tangent = adjoint.jvp(scipy_energy)(x, v)
    assert tangent == pytest.approx(adjoint.jvp(numpy_energy)(x, v)[1], rel=1e-10)
    np.testing.assert_allclose(adjoint.hvp(scipy_energy)(x, v), adjoint.hvp(numpy_energy)(x, v), rtol=1e-9,
                               atol=1e-11)


def exponential_of_a_spectrum(x):
    return np.sum(np.real(np.exp(fft.fft(x))))


def spectrum_in_a_list(x):
    parts = [fft.rfft(x)]
    return np.sum(np.abs(parts[0]))


@pytest.mark.parametrize("function", [exponential_of_a_spectrum, spectrum_in_a_list])
def test_what_np_fft_refuses_on_complex_values_is_refused(function) -> None:
    with pytest.raises(adjoint.AdjointError, match="complex"):
        adjoint.grad(function)(np.ones(4))


def overwritten_spectrum(x):
    F = fft.fft(x)
    return np.sum(np.abs(F)) + np.sum(np.abs(fft.ifft(F, overwrite_x=True)))


def test_a_transform_that_may_overwrite_its_input_is_refused() -> None:
    with pytest.raises(adjoint.AdjointError, match="overwrite_x"):
        adjoint.grad(overwritten_spectrum)(np.array([1.0, 2.0, 0.5, -1.0]))
