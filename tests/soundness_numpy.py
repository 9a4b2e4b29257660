"""Soundness cases of scientific NumPy and `math`: decompositions, statistics, the remaining
`math` functions, max and min of one sequence, the keyword and method forms (`x.clip(min=...)`,
`x.item()`, `x.imag`), einsum with repeated and size-1 broadcast indices, and the functions
refused because they make complex values (np.fft's Hermitian transforms; the others are in
soundness_fft.py).

Refusals met only at run time (a rank-deficient matrix for lstsq or pinv, svd with
full_matrices=True of a non-square matrix, ...) are in test_numpy_programs.py: they carry no
line of the user's function.
"""
from __future__ import annotations

import math
import sys

import numpy as np

from adjoint import NonDifferentiableError
from soundness import Exact, Refused


def _symmetric(rng, size=4):
    turn = np.linalg.qr(rng.normal(size=(size, size)))[0]
    return (turn * (np.arange(size) * 1.5 + rng.uniform(0.0, 0.4, size))) @ turn.T


# ----- decompositions --------------------------------------------------------------------------


def eigh_quadratic_form(a, b):
    lam, v = np.linalg.eigh(a)
    return np.sum(lam * (v.T @ b) ** 2)


def pca_reconstruction_error(x):
    centered = x - np.mean(x, axis=0)
    u, s, vh = np.linalg.svd(centered, full_matrices=False)
    top = vh[:2]
    return np.sum((centered - centered @ top.T @ top) ** 2)


def spectral_norm_penalty(w):
    return np.linalg.svd(w, compute_uv=False)[0] ** 2 + np.sum(w * w)


def qr_orthogonal_part(x):
    q, r = np.linalg.qr(x)
    return np.sum(np.abs(np.diag(r))) + np.sum(q[:, 0] * q[:, 0] * x[:, 0])


def least_squares_fit(a, b):
    solution, residuals, rank, s = np.linalg.lstsq(a, b, rcond=None)
    return np.sum(solution ** 2) + residuals[0]


def pseudo_inverse_size(a):
    return np.sum(np.linalg.pinv(a) ** 2)


def third_power_trace(a):
    return np.trace(np.linalg.matrix_power(a, 3)) + np.sum(np.linalg.matrix_power(a, -1))


# ----- statistics, polynomials, signals ---------------------------------------------------------


def weighted_mean_and_median(x, w):
    return np.sum(np.average(x, axis=0, weights=w) ** 2) + np.sum(np.median(x, axis=1))


def covariance_log_determinant(x):
    return np.linalg.slogdet(np.cov(x) + np.eye(3))[1]


def polynomial_on_interpolated(p, x):
    grid = np.array([0.0, 1.0, 2.0, 3.0])
    return np.sum(np.polyval(p, np.interp(x, grid, p)) ** 2) + np.trapezoid(p * p, grid)


def sorted_pairs_cross(a, b):
    picked = np.take_along_axis(a, np.argsort(a, axis=1), axis=1)
    return np.sum(np.cross(picked, b) ** 2) + np.sum(np.convolve(a[0], b, "same"))


def appended_finite(x):
    return np.sum(np.append(x, x[:2] * 3.0) ** 2) + np.sum(np.nan_to_num(np.log(x)) * x)


# ----- method and keyword forms --------------------------------------------------------------


def clip_keywords(x):
    return np.sum(x.clip(min=0.1) * x) + np.sum(np.clip(x, max=0.2) ** 2) + np.sum(np.clip(x, a_min=-0.3, a_max=0.4))


def item_of_arrays(x):
    return x.item(1) * x.item() if x.size == 1 else x.item(1) * x[:1].item() + x.imag.sum()


def imaginary_part_of_real(x):
    return np.sum(x * x + np.imag(x) + x.imag)


# ----- math and the builtins -------------------------------------------------------------------


def gamma_functions(x):
    return math.lgamma(x) * math.gamma(x) + math.lgamma(x + 5.0)


def accurate_sum(x, y):
    return math.fsum([x, x * y, y, 1e-3]) + math.ldexp(x, 3) + math.remainder(x, 0.7)


def newer_math(x):
    return math.exp2(x) + math.cbrt(x * x + 1.0)


def largest_and_smallest(x, y):
    return max([x, y * y, 2.0]) * min((x * y, y)) + max(np.array([x, y]))


def largest_of_an_array(x):
    return max(x) - min(x * x)


# ----- einsum ------------------------------------------------------------------------------------


def einsum_traces_multiplied(a):
    return np.einsum("ii->", a) * np.einsum("ii", a * a)


def einsum_size_one_broadcast(a, b):
    return np.sum(np.einsum("ijk,ijk->ij", a, b) ** 2)


# ----- refused: complex values --------------------------------------------------------------------


def hermitian_spectrum(x):
    return np.sum(np.fft.hfft(x) ** 2)  # <- hfft


def inverse_hermitian_spectrum(x):
    spectrum = np.fft.ihfft(x)  # <- ihfft
    return np.sum(np.real(spectrum) ** 2 + np.imag(spectrum) ** 2)


CASES = [
    Exact(eigh_quadratic_form, lambda rng: (_symmetric(rng), rng.normal(size=4))),
    Exact(pca_reconstruction_error, lambda rng: (rng.normal(size=(6, 4)) * np.array([3.0, 2.0, 1.0, 0.5]),)),
    Exact(spectral_norm_penalty, lambda rng: (rng.normal(size=(3, 4)) + np.eye(3, 4) * np.array([3.0, 2.0, 1.0, 0.0]),)),
    Exact(qr_orthogonal_part, lambda rng: (rng.normal(size=(4, 3)) + np.eye(4, 3) * 3.0,)),
    Exact(least_squares_fit, lambda rng: (rng.normal(size=(6, 3)) + np.eye(6, 3) * 2.0, rng.normal(size=6)),
          wrt=(0, 1)),
    Exact(pseudo_inverse_size, lambda rng: (rng.normal(size=(3, 5)) + np.eye(3, 5) * 2.0,)),
    Exact(third_power_trace, lambda rng: (rng.normal(size=(3, 3)) + 3.0 * np.eye(3),)),
    Exact(weighted_mean_and_median, lambda rng: (rng.permutation(np.arange(12.0)).reshape(4, 3) * 0.3,
                                                 rng.uniform(0.5, 2.0, size=4)), wrt=(0, 1)),
    Exact(covariance_log_determinant, lambda rng: (rng.normal(size=(3, 6)),)),
    Exact(polynomial_on_interpolated, lambda rng: (rng.normal(size=4), np.array([-0.5, 0.3, 1.7, 2.2, 3.6])),
          wrt=(0, 1)),
    Exact(sorted_pairs_cross, lambda rng: (rng.permutation(np.arange(6.0)).reshape(2, 3) * 0.4, rng.normal(size=3)),
          wrt=(0, 1)),
    Exact(appended_finite, lambda rng: (np.array([0.5, -0.7, 1.3, -2.1]),)),
    *([Exact(clip_keywords, lambda rng: (np.array([-0.8, -0.1, 0.05, 0.3, 0.7]),))]
      if np.lib.NumpyVersion(np.__version__) >= "2.1.0" else []),  # clip's min=/max= keywords came in NumPy 2.1
    Exact(item_of_arrays, lambda rng: (rng.normal(size=3),), id="item_of_arrays[vector]"),
    Exact(item_of_arrays, lambda rng: (rng.normal(size=(2,)),), id="item_of_arrays[pair]"),
    Exact(imaginary_part_of_real, lambda rng: (rng.normal(size=(2, 3)),)),
    Exact(gamma_functions, lambda rng: (float(rng.uniform(0.3, 4.0)),)),
    Exact(gamma_functions, lambda rng: (-1.5 + float(rng.uniform(-0.3, 0.3)),), id="gamma_functions[negative]"),
    Exact(accurate_sum, lambda rng: (1.3, 0.4), wrt=(0, 1)),
    Exact(largest_and_smallest, lambda rng: (1.5, 0.8), wrt=(0, 1)),
    Exact(largest_of_an_array, lambda rng: (np.array([0.3, -1.2, 0.9, 0.5]),)),
    Exact(einsum_traces_multiplied, lambda rng: (rng.normal(size=(3, 3)),)),
    Exact(einsum_size_one_broadcast, lambda rng: (rng.normal(size=(1, 4, 1)), rng.normal(size=(5, 4, 3))), wrt=(0, 1)),
    Refused(hermitian_spectrum, (np.ones(4),), NonDifferentiableError, "hfft"),
    Refused(inverse_hermitian_spectrum, (np.ones(4),), NonDifferentiableError, "ihfft"),
]
if sys.version_info >= (3, 11):
    CASES.append(Exact(newer_math, lambda rng: (float(rng.uniform(0.2, 2.0)),)))
