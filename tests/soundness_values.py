"""Soundness cases about what values are: complex numbers (refused) and attributes of values.

Complex values are refused wherever they could enter a derivative: literals, complex objects
and complex dtypes the function names, functions that make complex values from real ones,
complex arguments. Attribute reads of a differentiated value are exact for NamedTuple
fields, free for array metadata (`x.shape`), and refused for any other object.
"""
from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from adjoint import NonDifferentiableError, UnsupportedSyntaxError
from adjoint.errors import ArgumentError
from soundness import Exact, Refused

# ----- complex numbers -------------------------------------------------------------------


def complex_literal_times_real(x):
    return np.sum(np.abs(np.array([1 + 2j]) * x) ** 2)  # <- literal_product


def complex_square_parts(x):
    z = (x + 1j) ** 2  # <- literal_square
    return z.real + 2 * z.imag


def complex_exponential_real_part(x):
    return np.real(np.exp(1j * x))  # <- literal_exponential


def complex_literals_multiplied(x):
    return (2j * x * 1j).real  # <- literal_twice


def complex_argument(z):  # <- complex_argument
    return np.sum(z * z).real


def complex_constant_argument(x, c):  # <- complex_constant
    return np.sum(np.abs(c * x) ** 2)


def fft_energy(x):
    spectrum = np.fft.ihfft(x)  # <- ihfft
    return np.sum(np.abs(spectrum) ** 2)


def emath_square_root(x):
    return np.sum(np.emath.sqrt(x - 1.0).real)  # <- emath


def polynomial_roots(x):
    return np.sum(np.roots(x).real)  # <- roots


def eigenvalues(a):
    return np.sum(np.linalg.eigvals(a).real)  # <- eigvals


def complex_builtin(x):
    return complex(x, 1.0).real * x  # <- complex_builtin


def complex_cast(x):
    return np.sum(x.astype(np.complex128).real * x)  # <- complex_cast


def complex_dtype_text(x):
    return np.sum(np.array(x, dtype="complex128").real * x)  # <- complex_dtype


PHASES = np.exp(np.arange(3.0) * 1j)


def complex_global(x):
    return np.sum(np.abs(PHASES * x))  # <- complex_global


def _rotate(x):
    return x * 1j  # <- complex_in_callee


def complex_in_callee(x):
    return np.sum(_rotate(x).real)


def complex_default(x, c=1j):  # <- complex_default
    return np.sum(x * x)


def real_and_imaginary_as_real_arrays(re, im):
    """|z|^2 and Re(z^2) of z = re + i im, written with real arrays: the supported way."""
    return np.sum(re * re + im * im) + np.sum(re * re - im * im)


# ----- attributes -----------------------------------------------------------------------

Pair = namedtuple("Pair", "a b")


class Layer(NamedTuple):
    w: np.ndarray
    b: np.ndarray


@dataclass
class Point:
    a: float
    b: float


@dataclass(frozen=True)
class Config:
    scale: float
    shift: float


class Holder:
    def __init__(self, value):
        self.value = value


def pair_product(p):
    return p.a * p.b


def pair_dot(p):
    return np.sum(p.a * p.b)


def pair_unpacked_and_indexed(p):
    a, b = p
    return a * p[1] + np.sin(p.a) * b


def layer_loss(layer, x):
    hidden = np.tanh(layer.w @ x + layer.b)
    return np.sum(hidden ** 2)


def _apply(layer, x):
    return np.tanh(layer.w @ x) * layer.b


def layer_through_callee(layer, x):
    return np.sum(_apply(layer, x) ** 2)


def pair_in_loop(p, n):
    total = 0.0
    for i in range(n):
        total = total + p.a * i - p.b ** 2
    return total


Series = namedtuple("Series", "values scale")


def series_loop(series):
    total = 0.0
    for value in series.values:
        total = total + np.sin(value) * series.scale
    return total + series.values[0] * series.values[1]


def pair_not_differentiated(x, p):
    return np.sum(x * p.a + p.b)


def config_not_differentiated(x, cfg):
    return np.sum(np.sin(x * cfg.scale) + cfg.shift)


def array_metadata(x):
    rows = x.shape[0]
    return np.sum(x ** 2) * rows / x.size + x.ndim * np.sum(x) + np.sum(x.imag)


def dataclass_fields(p):
    return p.a * p.b


def object_attribute(holder, x):
    return np.sum(holder.value * x)  # <- object_read


class Nested(NamedTuple):
    inner: Pair
    c: float


def nested_fields(n):
    return n.inner.a * n.c


def dataclass_in_list(p):
    points = [p, p]
    first = points[0]
    return first.a * 2.0


def _array_pair(rng):
    return (Layer(rng.normal(size=(3, 4)), rng.normal(size=3)), rng.normal(size=4))


CASES = [
    Refused(complex_literal_times_real, (np.array([1.0]),), UnsupportedSyntaxError, "literal_product"),
    Refused(complex_square_parts, (0.7,), UnsupportedSyntaxError, "literal_square"),
    Refused(complex_exponential_real_part, (0.7,), UnsupportedSyntaxError, "literal_exponential"),
    Refused(complex_literals_multiplied, (0.7,), UnsupportedSyntaxError, "literal_twice"),
    Refused(complex_argument, (np.array([1.0 + 2.0j]),), ArgumentError, "complex_argument"),
    Refused(complex_argument, (1.0 + 2.0j,), ArgumentError, "complex_argument", id="complex_scalar_argument"),
    Refused(complex_constant_argument, (np.array([1.0]), np.array([1.0 + 2.0j])), ArgumentError,
            "complex_constant"),
    Refused(fft_energy, (np.arange(4.0),), NonDifferentiableError, "ihfft"),
    Refused(emath_square_root, (np.arange(4.0),), NonDifferentiableError, "emath"),
    Refused(polynomial_roots, (np.array([1.0, 0.0, 1.0]),), NonDifferentiableError, "roots"),
    Refused(eigenvalues, (np.array([[0.0, 1.0], [-1.0, 0.0]]),), NonDifferentiableError, "eigvals"),
    Refused(complex_builtin, (0.5,), UnsupportedSyntaxError, "complex_builtin"),
    Refused(complex_cast, (np.arange(3.0),), UnsupportedSyntaxError, "complex_cast"),
    Refused(complex_dtype_text, (np.arange(3.0),), UnsupportedSyntaxError, "complex_dtype"),
    Refused(complex_global, (np.arange(3.0),), UnsupportedSyntaxError, "complex_global"),
    Refused(complex_in_callee, (np.arange(3.0),), UnsupportedSyntaxError, "complex_in_callee"),
    Refused(complex_default, (np.arange(3.0),), UnsupportedSyntaxError, "complex_default"),
    Exact(real_and_imaginary_as_real_arrays, lambda rng: (rng.normal(size=3), rng.normal(size=3)), wrt=(0, 1)),

    Exact(pair_product, lambda rng: (Pair(rng.normal(), rng.normal()),)),
    Exact(pair_dot, lambda rng: (Pair(rng.normal(size=3), rng.normal(size=3)),)),
    Exact(pair_unpacked_and_indexed, lambda rng: (Pair(rng.normal(), rng.normal()),)),
    Exact(layer_loss, _array_pair, wrt=(0, 1)),
    Exact(layer_through_callee, _array_pair, wrt=(0, 1)),
    Exact(layer_through_callee, _array_pair, wrt=0, id="layer_through_callee_layer_only"),
    Exact(pair_in_loop, lambda rng: (Pair(rng.normal(), rng.normal()), 3)),
    Exact(series_loop, lambda rng: (Series([rng.normal(), rng.normal(), rng.normal()], rng.normal()),)),
    Exact(series_loop, lambda rng: (Series(rng.normal(size=3), rng.normal()),), id="series_loop_array"),
    Exact(pair_not_differentiated, lambda rng: (rng.normal(size=3), Pair(rng.normal(), rng.normal(size=3)))),
    Exact(config_not_differentiated, lambda rng: (rng.normal(size=4), Config(1.5, 0.25))),
    Exact(array_metadata, lambda rng: (rng.normal(size=(2, 3)),)),
    Exact(dataclass_fields, lambda rng: (Point(1.0, 2.0),)),
    Refused(object_attribute, (Holder(np.ones(3)), np.ones(3)), UnsupportedSyntaxError, "object_read"),
    Exact(nested_fields, lambda rng: (Nested(Pair(1.0, 2.0), 3.0),)),
    Exact(dataclass_in_list, lambda rng: (Point(1.0, 2.0),)),
]
