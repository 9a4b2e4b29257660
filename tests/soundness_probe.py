"""Soundness: shapes of user code met by writing realistic programs (tests/programs/ and beyond).

Each case is the smallest form of something a program written as scientists write them made
adjoint get wrong, crash on, or refuse with a message that did not say what to do.
"""
from __future__ import annotations

import numpy as np

import adjoint
from soundness import Exact, Refused


# ----- a call through a value: the callee's closure carries the derivative -------------------

def make_scaler(s):
    def scale(x):
        return s * x
    return scale


def closure_returned_then_called(s, x):
    g = make_scaler(s)  # a closure a factory makes: written into the function (normalize/factories.py)
    return g(x)


def closure_returned_and_called_at_once(s, x):
    return make_scaler(s)(x)  # <- call-of-call


class Kernel:
    def __init__(self, log_scale):
        self.log_scale = log_scale

    @property
    def scale(self):
        return np.exp(self.log_scale)

    def __call__(self, x):
        return self.scale * x


def object_built_then_called(log_scale, x):
    kernel = Kernel(log_scale)  # a record of log_scale (normalize/records.py), its property its getter called
    return np.sum(kernel(x))


def object_built_then_method(log_scale, x):
    kernel = Kernel(log_scale)
    return np.sum(kernel.scale * x)


def local_closure_called(s, x):
    def g(y):
        return s * y
    return g(x)


# ----- a dict's views used as values, not iterated by a `for` --------------------------------

def largest_and_total_of_values(a, b):
    scores = {"x": a * 2.0, "y": b * a}
    return max(scores.values()) + sum(scores.values()) + len(scores.keys())


def listed_items(p):
    total = 0.0
    for key, value in list(p.items()):
        total = total + key * value
    return total + sum(p.values())


def array_of_values(p):
    return np.sum(np.array(list(p.values())) ** 2)


# ----- an element of an array rebound by arithmetic is a number, not a view ------------------

def dose_then_sample(k):
    state = np.zeros(2)
    samples = []
    for _ in range(3):
        state[:1] += 1.0
        samples.append(state[0])
        state = state + 0.1 * k * state
    return np.sum(np.array(samples))


def element_kept_then_row_written(k):
    grid = np.zeros((2, 2)) + k
    rows = []
    for _ in range(2):
        rows.append(grid[0])
        grid[0] += 1.0  # <- row-view
        grid = grid * k
    return np.sum(rows[0])


CASES = [
    Exact(closure_returned_then_called, lambda rng: (1.5, 2.0)),
    Refused(closure_returned_and_called_at_once, (1.5, 2.0), adjoint.NonDifferentiableError, "call-of-call"),
    Exact(object_built_then_called, lambda rng: (0.3, np.arange(1.0, 4.0))),
    Exact(object_built_then_method, lambda rng: (0.3, np.arange(1.0, 4.0))),
    Exact(local_closure_called, lambda rng: (1.5, 2.0)),
    Exact(largest_and_total_of_values, lambda rng: (1.5, 4.0), wrt=(0, 1)),
    Exact(listed_items, lambda rng: ({1.0: 2.0, 3.0: 5.0},)),
    Exact(array_of_values, lambda rng: ({"a": 2.0, "b": 5.0},)),
    Exact(dose_then_sample, lambda rng: (0.7,)),
    Refused(element_kept_then_row_written, (0.7,), adjoint.UnsupportedSyntaxError, "row-view"),
]


# ----- adjoint's own functions called in a differentiated function ---------------------------

def cubic_energy(c, u0):
    return np.sum(u0 ** 2) * c ** 3


def gradient_taken_inside(c, u0):
    slope = adjoint.grad(cubic_energy)
    return slope(c, u0)


CASES.append(Exact(gradient_taken_inside, lambda rng: (1.3, np.array([1.0, 2.0])), wrt=(0, 1)))


# ----- objects with a __call__ method, and builtins that build iterators ----------------------

class SquaredExponential:
    def __init__(self, lengthscale):
        self.lengthscale = lengthscale

    def __call__(self, a, b, amplitude):
        return amplitude * np.exp(-0.5 * (a[:, None] - b[None, :]) ** 2 / self.lengthscale ** 2)


KERNEL = SquaredExponential(0.7)


def kernel_object_as_global(amplitude, x):
    return np.sum(KERNEL(x, x, amplitude) @ x)


def kernel_object_as_argument(amplitude, kernel, x):
    return np.sum(kernel(x, x, amplitude))  # <- callable-argument


def squares_by_map(x):
    return sum(map(lambda v: v ** 2, x))


CASES.extend([
    Exact(kernel_object_as_global, lambda rng: (0.9, rng.normal(size=3))),
    Refused(kernel_object_as_argument, (0.9, KERNEL, np.array([0.1, 0.5, 1.0])), adjoint.NonDifferentiableError,
            "callable-argument"),
    Exact(squares_by_map, lambda rng: (np.array([0.1, 0.5, 1.0]),)),
])


# ----- a double-precision accumulator started with np.float64 ---------------------------------

def accumulate_from_float64(x):
    total = np.float64(0.0)
    for value in x:
        total = total + value * value
    return float(total) ** 0.5 + np.sum(np.float64(x) * x)


CASES.append(Exact(accumulate_from_float64, lambda rng: (rng.normal(size=4),)))
