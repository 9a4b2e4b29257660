"""Soundness: np.fft's complex values, followed through the operations whose rules hold for them.

Real-valued programs that go through a complex spectrum (power spectra, convolutions,
filters, spectral losses, phases) are exact in both modes, also where a name holds a complex
value on one branch and a real one on the other. A complex result, an operation without a
complex rule on a complex value that is differentiated, a complex value passed to a user
function, put in a list or written into an item, rfft of a complex value, a complex value
raised to a differentiated power, complex literals and the transforms adjoint does not
differentiate are refused at their line.
"""
from __future__ import annotations

import numpy as np

from adjoint import NonDifferentiableError, UnsupportedSyntaxError
from soundness import Exact, Refused

# ----- exact ---------------------------------------------------------------------------------------


def power_spectrum(x):
    return np.sum(np.abs(np.fft.rfft(x)) ** 2)


def real_and_imaginary_parts(x, w):
    F = np.fft.fft(x)
    return np.sum(F.real * w) + np.sum(np.imag(F) ** 2) - np.sum(np.real(F))


def spectrum_times_its_conjugate(x):
    F = np.fft.fft(x)
    return np.sum((F * np.conj(F)).real) + np.sum(np.real(np.conj(F) * F * x))


def phases(x):
    F = np.fft.rfft(x)
    return np.sum(np.angle(F[1:4]) * np.array([1.0, -2.0, 0.5]))


def circular_convolution(a, b):
    c = np.fft.irfft(np.fft.rfft(a) * np.fft.rfft(b), n=len(a))
    return np.sum(c ** 2 * np.arange(len(a)))


def padded_convolution(a, b):
    n = len(a) + len(b) - 1
    c = np.fft.irfft(np.fft.rfft(a, n) * np.fft.rfft(b, n), n)
    return np.sum(np.sin(c))


def spectral_loss(pred, target):
    difference = np.fft.fft2(pred, norm="ortho") - np.fft.fft2(target, norm="ortho")
    return np.mean(np.abs(difference) ** 2)


def filtered(x, h):
    y = np.fft.irfft(np.fft.rfft(x) * h, n=x.shape[-1])
    return np.sum(y * y) / 2.0


def truncated_and_padded(x):
    short = np.fft.fft(x, n=3)
    long = np.fft.ifft(x, n=12, norm="forward")
    return np.sum(np.abs(short)) + np.sum(np.real(long) * np.imag(long))


def complex_arithmetic(x, y):
    F = np.fft.fft(x)
    G = np.fft.fft(y) + 2.0
    ratio = F / G - F * 0.5 + (-F) ** 2
    return np.sum(np.abs(ratio)) + np.real(np.sum(F * G)) + np.real(np.mean(F[:, 1:]))


def complex_on_one_branch(x, flag):
    if flag:
        F = np.fft.fft(x)
    else:
        F = x * 2.0
    return np.sum(np.abs(F) + np.real(F * F))


def repeated_filtering(x, h):
    for _ in range(3):
        x = np.fft.irfft(np.fft.rfft(x) * h, n=8)
    return np.sum(x ** 2)


def _band_energy(x):
    F = np.fft.rfft(x)
    return np.sum(np.abs(F[1:3]) ** 2)


def calls_a_spectral_helper(x):
    return _band_energy(x * 2.0) + _band_energy(np.sin(x))


def constant_complex_kernel(x):
    kernel = np.exp(np.fft.fft(np.arange(8.0)) * 0.01)
    return np.sum(np.abs(np.fft.fft(x) * kernel))


def shifted_multidimensional(x):
    F = np.fft.fftshift(np.fft.fftn(x, s=(3, 5), axes=(0, 2)), axes=(0,))
    return np.sum(np.abs(F)) + np.sum(np.fft.irfftn(F[:, :, :3], axes=(1, 2)) ** 2)


def complex_scalars(x, w):
    total = np.sum(np.fft.rfft(x) * w)
    middle = np.fft.fft(x)[2]
    return np.real(total * total) + np.imag(total) * w[0] + abs(middle) + abs(total / middle)


def rearranged_spectrum(x):
    F = np.fft.fft2(x)
    print("spectrum", F.shape, F[0, 0])
    G = np.roll(np.reshape(F.T, (-1,)), 2)
    return np.sum(np.abs(np.flip(G)[:5]) * np.arange(5.0)) + np.sum(np.real(np.copy(F)))


def vectors(*shapes):
    return lambda rng: tuple(rng.normal(size=shape) for shape in shapes)


# ----- refused -------------------------------------------------------------------------------------


def _spectrum(x):
    return np.fft.rfft(x)  # <- helper returns complex


def calls_a_complex_helper(x):
    return np.sum(np.abs(_spectrum(x)))


def complex_result(x):
    F = np.fft.fft(x)
    return np.sum(F)  # <- complex result


def complex_product_returned(x):
    F = np.fft.fft(x)
    return np.sum(np.conj(F) * F)  # <- complex product


def exp_of_spectrum(x):
    F = np.fft.fft(x)
    return np.sum(np.abs(np.exp(F)))  # <- exp


def square_of_spectrum(x):
    F = np.fft.rfft(x)
    return np.sum(np.real(np.square(F)))  # <- square


def spectrum_to_a_function(x):
    F = np.fft.fft(x)
    return _band_energy(F)  # <- user function


def spectrum_in_a_list(x):
    F = np.fft.fft(x)
    parts = [F, F]  # <- list
    return np.sum(np.abs(parts[0]))


def spectrum_written(x):
    F = np.fft.fft(x)
    F[0] = 0.0  # <- item write
    return np.sum(np.abs(F))


def rfft_of_complex(x):
    F = np.fft.fft(x)
    return np.sum(np.abs(np.fft.rfft(F)))  # <- rfft of complex


def differentiated_exponent(x, p):
    F = np.fft.fft(x)
    return np.sum(np.abs(F ** p))  # <- exponent


def complex_literal(x):
    F = np.fft.fft(x)
    return np.sum(np.real(F * 1j))  # <- literal


def hermitian_transform(x):
    return np.sum(np.fft.hfft(x))  # <- hfft


def output_buffer(x):
    out = np.zeros(len(x), dtype=np.complex128)  # <- dtype
    return np.sum(np.abs(np.fft.fft(x, out=out)))


CASES = [
    Exact(power_spectrum, vectors((8,))),
    Exact(power_spectrum, vectors((7,)), id="power_spectrum[odd]"),
    Exact(power_spectrum, lambda rng: (np.ones(8),), id="power_spectrum[zeros in the spectrum]"),
    Exact(real_and_imaginary_parts, vectors((6,), (6,)), wrt=(0, 1)),
    Exact(spectrum_times_its_conjugate, vectors((5,))),
    Exact(phases, vectors((8,))),
    Exact(circular_convolution, vectors((8,), (8,)), wrt=(0, 1)),
    Exact(padded_convolution, vectors((5,), (3,)), wrt=(0, 1)),
    Exact(spectral_loss, vectors((4, 6), (4, 6)), wrt=(0, 1)),
    Exact(filtered, vectors((2, 8), (5,)), wrt=(0, 1)),
    Exact(truncated_and_padded, vectors((6,))),
    Exact(complex_arithmetic, vectors((2, 4), (4,)), wrt=(0, 1)),
    Exact(complex_on_one_branch, lambda rng: (rng.normal(size=5), True), id="complex_on_one_branch[fft]"),
    Exact(complex_on_one_branch, lambda rng: (rng.normal(size=5), False), id="complex_on_one_branch[real]"),
    Exact(repeated_filtering, vectors((8,), (5,)), wrt=(0, 1)),
    Exact(calls_a_spectral_helper, vectors((6,))),
    Exact(constant_complex_kernel, vectors((8,))),
    Exact(shifted_multidimensional, vectors((2, 3, 4))),
    Exact(complex_scalars, vectors((6,), (4,)), wrt=(0, 1)),
    Exact(rearranged_spectrum, vectors((3, 4))),
    Refused(calls_a_complex_helper, (np.ones(4),), UnsupportedSyntaxError, "helper returns complex"),
    Refused(complex_result, (np.ones(4),), UnsupportedSyntaxError, "complex result"),
    Refused(complex_product_returned, (np.ones(4),), UnsupportedSyntaxError, "complex product"),
    Refused(exp_of_spectrum, (np.ones(4),), NonDifferentiableError, "exp"),
    Refused(square_of_spectrum, (np.ones(4),), NonDifferentiableError, "square"),
    Refused(spectrum_to_a_function, (np.ones(4),), UnsupportedSyntaxError, "user function"),
    Refused(spectrum_in_a_list, (np.ones(4),), UnsupportedSyntaxError, "list"),
    Refused(spectrum_written, (np.ones(4),), UnsupportedSyntaxError, "item write"),
    Refused(rfft_of_complex, (np.ones(4),), UnsupportedSyntaxError, "rfft of complex"),
    Refused(differentiated_exponent, (np.ones(4), 2.0), UnsupportedSyntaxError, "exponent", wrt=(0, 1)),
    Refused(complex_literal, (np.ones(4),), UnsupportedSyntaxError, "literal"),
    Refused(hermitian_transform, (np.ones(4),), NonDifferentiableError, "hfft"),
    Refused(output_buffer, (np.ones(4),), UnsupportedSyntaxError, "dtype"),
]
