"""Soundness cases for `map` and `filter` (normalize/map_filter.py): consumed at once by sum,
max, min, list, tuple, sorted, any or all, or iterated over by a `for` loop whose passes
compute their items one at a time (tests/test_map_filter.py checks the order with random draws)."""
from __future__ import annotations

import math

import numpy as np

from soundness import Exact, Refused
from adjoint import NonDifferentiableError

def square(v):
    return v * v


class Scaler:
    def __init__(self, k):
        self.k = k

    def apply(self, v):
        return self.k * np.tanh(v)


SCALER = Scaler(1.5)


def map_lambda_summed(x):
    return sum(map(lambda v: v * v * x[0], x))


def map_function_listed(x):
    ys = list(map(square, x))
    return ys[0] * ys[1] + ys[2]


def map_two_iterables(x, w):
    return sum(map(lambda a, b: a * b, x, w)) + max(map(lambda a, b: a - b, x, w))


def map_numpy_function(xs):
    return sum(map(np.sum, map(np.tanh, xs)))


def map_bound_method(x):
    return np.sum(sorted(map(SCALER.apply, x))[0] * x)


def map_builtin_float(x):
    return sum(map(float, x)) * x[1]


def filter_lambda(x):
    return sum(filter(lambda v: v > 0.0, x * 2.0))


def filter_none(x):
    return sum(filter(None, [x[0], 0.0, x[1] * x[2]]))


def filter_function(x):
    return tuple(filter(math.isfinite, x))[1] * x[0]


def nested_maps(rows):
    return sum(map(lambda r: sum(map(lambda v: v * v, r)), rows))


def loop_over_map(x):
    total = 0.0
    for h in map(np.tanh, x):
        total = total + h * x[0]
    return total + h


def loop_over_filter(x):
    total = 0.0
    count = 0
    for v in filter(lambda t: t > 0.0, x):
        total = total + v * v
        count += 1
    return total * count + v


def loop_over_map_two_targets(x, w):
    total = 0.0
    for a, b in map(lambda p, q: (p * q, p + q), x, w):
        total = total + a * b
    return total


def map_kept_in_a_name(x):
    squares = map(square, x)  # <- kept
    return sum(squares)


CASES = [
    Exact(map_lambda_summed, lambda rng: (rng.normal(size=3),)),
    Exact(map_function_listed, lambda rng: (rng.normal(size=3),)),
    Exact(map_two_iterables, lambda rng: (rng.normal(size=3), rng.normal(size=3)), wrt=(0, 1)),
    Exact(map_numpy_function, lambda rng: ([rng.normal(size=3), rng.normal(size=2)],)),
    Exact(map_bound_method, lambda rng: (rng.normal(size=3),)),
    Exact(map_builtin_float, lambda rng: (rng.normal(size=3),)),
    Exact(filter_lambda, lambda rng: (np.array([0.5, -0.3, 1.2]),)),
    Exact(filter_none, lambda rng: (np.array([0.5, -0.3, 1.2]),)),
    Exact(filter_function, lambda rng: (np.array([0.5, -0.3, 1.2]),)),
    Exact(nested_maps, lambda rng: ([rng.normal(size=3), rng.normal(size=2)],)),
    Exact(loop_over_map, lambda rng: (rng.normal(size=3),)),
    Exact(loop_over_filter, lambda rng: (np.array([0.5, -0.3, 1.2]),)),
    Exact(loop_over_map_two_targets, lambda rng: (rng.normal(size=3), rng.normal(size=3)), wrt=(0, 1)),
    Refused(map_kept_in_a_name, (np.array([0.5, -0.3, 1.2]),), NonDifferentiableError, "kept"),
]
