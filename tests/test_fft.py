"""np.fft: the adjoint helper against central differences, the soundness programs against autograd, and
second derivatives (forward over reverse, reverse over reverse) against differences of the gradient.

runtime.spectral_adjoint is checked on its own over the transforms, `n`, `s`, `axes` (repeated
ones too) and `norm`, with real and complex inputs: for a random output direction u, the real
pairing Re<conj(u), f(x + eps v)> differenced along v equals Re<adjoint(conj u), v> (autograd's
convention: the adjoint of a + ib is dL/da - i dL/db).
"""
from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

import numpy as np
import pytest

import adjoint
from adjoint.runtime import spectral_adjoint
import soundness_fft as programs

EPS = 1e-6
ONE_D = ("fft", "ifft", "rfft", "irfft")


def _real_pairing(y, u):
    return float(np.sum(np.real(y) * np.real(u) + np.imag(y) * np.imag(u)))


def _default_axes(name):
    if name in ONE_D:
        return -1
    return (-2, -1) if name.endswith("2") else None


TRANSFORMS = [
    ("fft", (3, 8), {}), ("fft", (3, 8), {"n": 5, "norm": "ortho"}), ("fft", (8, 3), {"n": 12, "axis": 0}),
    ("ifft", (3, 8), {"n": 5}), ("ifft", (3, 8), {"norm": "forward"}),
    ("rfft", (3, 8), {}), ("rfft", (3, 7), {"n": 12}), ("rfft", (7, 3), {"n": 5, "axis": 0, "norm": "ortho"}),
    ("irfft", (3, 5), {}), ("irfft", (3, 5), {"n": 7}), ("irfft", (3, 5), {"n": 12, "norm": "forward"}),
    ("irfft", (5, 3), {"n": 4, "axis": 0}),
    ("fft2", (2, 5, 6), {}), ("fft2", (2, 5, 6), {"s": (3, 7), "axes": (0, 2)}),
    ("ifft2", (2, 5, 6), {"norm": "ortho"}), ("rfft2", (2, 5, 6), {"s": (4, 5)}),
    ("irfft2", (2, 5, 6), {}), ("irfft2", (2, 5, 6), {"s": (3, 7), "axes": (2, 0)}),
    ("fftn", (3, 4, 5), {}), ("fftn", (4, 6), {"s": (3, 5), "axes": (0, 0)}), ("fftn", (4, 6), {"axes": (1, 0, 1)}),
    ("ifftn", (4, 6), {"s": (5, 4), "axes": (1, 0)}), ("rfftn", (4, 6), {"s": (3, 5, 4), "axes": (0, 0, 1)}),
    ("irfftn", (4, 6), {"s": (3, 5, 4), "axes": (0, 1, 1)}), ("irfftn", (2, 5, 6), {"norm": "forward"}),
]


# rfft, rfft2 and rfftn take real input only.
INPUTS = [(name, shape, kwargs, complex_input) for name, shape, kwargs in TRANSFORMS
          for complex_input in (False, True) if not (complex_input and name.startswith("rfft"))]


@pytest.mark.parametrize("name, shape, kwargs, complex_input", INPUTS)
def test_spectral_adjoint_is_the_transpose(name, shape, kwargs, complex_input, rng) -> None:
    transform = getattr(np.fft, name)
    x = rng.normal(size=shape) + (1j * rng.normal(size=shape) if complex_input else 0.0)
    y = transform(x, **kwargs)
    u = rng.normal(size=y.shape) + (1j * rng.normal(size=y.shape) if np.iscomplexobj(y) else 0.0)
    size = kwargs.get("n", kwargs.get("s"))
    axes = kwargs.get("axis", kwargs.get("axes", _default_axes(name)))
    gradient = spectral_adjoint(name, np.conj(u), x, size, axes, kwargs.get("norm"))
    assert np.iscomplexobj(gradient) == complex_input and gradient.shape == x.shape
    v = rng.normal(size=shape) + (1j * rng.normal(size=shape) if complex_input else 0.0)
    difference = (_real_pairing(transform(x + EPS * v, **kwargs), u)
                  - _real_pairing(transform(x - EPS * v, **kwargs), u)) / (2 * EPS)
    assert float(np.sum(np.real(gradient * v))) == pytest.approx(difference, rel=1e-6, abs=1e-6)


# ----- the soundness programs against autograd ------------------------------------------------------


def _autograd_programs():
    autograd_numpy = pytest.importorskip("autograd.numpy")
    path = Path(programs.__file__)
    spec = importlib.util.spec_from_file_location("soundness_fft_on_autograd", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.np = autograd_numpy
    return module


# Autograd runs these as written; it lacks `x.real` on its boxes, odd lengths in its real transforms'
# vjps, and np.fft.irfftn with axes of its own order.
PEERS = ["power_spectrum", "circular_convolution", "spectral_loss", "filtered", "complex_arithmetic",
         "constant_complex_kernel", "repeated_filtering", "calls_a_spectral_helper", "phases"]
EXACT = {case.name: case for case in programs.CASES if type(case).__name__ == "Exact"}


@pytest.mark.peers
@pytest.mark.parametrize("name", PEERS)
def test_gradient_matches_autograd(name: str, rng) -> None:
    autograd = pytest.importorskip("autograd")
    peers = _autograd_programs()
    case = EXACT[name]
    args = case.make_args(rng)
    wrt = case.wrt if isinstance(case.wrt, tuple) else (case.wrt,)
    ours = adjoint.grad(case.fn, wrt=wrt)(*copy.deepcopy(args))
    for position, gradient in zip(wrt, ours):
        expected = autograd.grad(getattr(peers, case.fn.__name__), position)(*copy.deepcopy(args))
        np.testing.assert_allclose(gradient, expected, rtol=1e-10, atol=1e-12)


# ----- second derivatives ------------------------------------------------------------------------------


# Straight-line programs; where a complex value is saved on the stack (a branch, a loop) or passed
# between the halves of a called function's derivative, a second derivative is refused.
SECOND_ORDER = ["power_spectrum", "power_spectrum[odd]", "real_and_imaginary_parts", "spectrum_times_its_conjugate",
                "phases", "circular_convolution", "padded_convolution", "spectral_loss", "filtered",
                "truncated_and_padded", "complex_arithmetic", "constant_complex_kernel", "shifted_multidimensional",
                "complex_scalars", "rearranged_spectrum"]
SECOND_ORDER_REFUSED = ["complex_on_one_branch[fft]", "repeated_filtering", "calls_a_spectral_helper"]


def _setup(name: str, rng):
    case = EXACT[name]
    args = case.make_args(rng)
    position = case.wrt[0] if isinstance(case.wrt, tuple) else case.wrt
    return case.fn, args, position, rng.normal(size=np.shape(args[position]))


def _gradient_difference(fn, args, position, direction, eps=1e-5):
    gradient = adjoint.grad(fn, wrt=position)
    ahead, behind = list(copy.deepcopy(args)), list(copy.deepcopy(args))
    ahead[position] = args[position] + eps * direction
    behind[position] = args[position] - eps * direction
    return (gradient(*ahead) - gradient(*behind)) / (2 * eps)


@pytest.mark.parametrize("name", SECOND_ORDER)
def test_hvp_matches_differences_of_the_gradient(name: str, rng) -> None:
    fn, args, position, direction = _setup(name, rng)
    product = adjoint.hvp(fn, wrt=position)(*copy.deepcopy(args), direction)
    np.testing.assert_allclose(product, _gradient_difference(fn, args, position, direction), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", SECOND_ORDER)
def test_reverse_over_reverse_matches_differences_of_the_gradient(name: str, rng) -> None:
    fn, args, position, direction = _setup(name, rng)
    _, pullback = adjoint.vjp(adjoint.grad(fn, wrt=position), wrt=position)(*copy.deepcopy(args))
    np.testing.assert_allclose(pullback(direction), _gradient_difference(fn, args, position, direction),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", SECOND_ORDER_REFUSED)
def test_second_derivative_through_saved_complex_values_is_refused(name: str, rng) -> None:
    fn, args, position, direction = _setup(name, rng)
    with pytest.raises(adjoint.AdjointError, match="complex value"):
        adjoint.hvp(fn, wrt=position)(*copy.deepcopy(args), direction)


def test_float32_gives_float32_gradients(rng) -> None:
    x = rng.normal(size=8).astype(np.float32)
    gradient = adjoint.grad(programs.circular_convolution, wrt=(0, 1))(x, x[::-1].copy())
    assert all(g.dtype == np.float32 for g in gradient)
    expected = adjoint.grad(programs.circular_convolution, wrt=(0, 1))(x.astype(np.float64), x[::-1].astype(np.float64))
    for single, double in zip(gradient, expected):
        np.testing.assert_allclose(single, double, rtol=1e-4, atol=1e-4)


def test_code_without_np_fft_reads_no_complex_rule() -> None:
    def plain(x):
        return np.sum(np.abs(x) * np.real(x) + np.conj(x))
    source = adjoint.source(plain, args=(np.ones(3),))
    assert "match_real" not in source and "complex_abs" not in source
