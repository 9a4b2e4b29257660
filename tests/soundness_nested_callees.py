"""Derivatives of derivatives whose callees a generation reads more than once.

A generation asks of each called function the kind of what it returns, where it writes, and
for a backward half what it may change of its residuals; a backward half's facts are read
from its forward half, which the same generation also reads as a callee. The answers are
shared only when final (pipeline.Answers): a recursive function's first answers are
placeholders, and a callee called with a number and with an array is read once for each.
"""
from __future__ import annotations

import numpy as np

import adjoint
from catalogue_functions import call_mutual_recursion, call_recursive_array, call_recursive_power
from higher_order_functions import tanh_2
from soundness import Exact

power_gradient = adjoint.grad(call_recursive_power)
array_gradient = adjoint.grad(call_recursive_array)
mutual_gradient = adjoint.grad(call_mutual_recursion)


def recursive_power_second(x):
    return power_gradient(x, 4) * x


def recursive_array_second(x):
    return np.sum(array_gradient(x, 3) * x)


def mutual_recursion_second(x):
    return mutual_gradient(x, 3) * x


def weighted_sine(x):
    return np.sum(np.sin(x) * x)


weighted_sine_gradient = adjoint.grad(weighted_sine)


def gradient_at_an_array_and_a_number(x):
    return np.sum(weighted_sine_gradient(x) * x) + weighted_sine_gradient(x[0]) * x[1]


def tanh_third_by_two_callers(x):
    """tanh_2's code read twice in one function: its forward half's facts are asked once per caller."""
    return np.sum(tanh_2(x) * x) + np.sum(tanh_2(2.0 * x))


def _vector(rng):
    return (np.array([0.3, 0.5, -0.2]) + 0.05 * rng.normal(size=3),)


CASES = [
    Exact(recursive_power_second, lambda rng: (0.7 + 0.05 * rng.normal(),)),
    Exact(recursive_array_second, _vector),
    Exact(mutual_recursion_second, lambda rng: (0.8 + 0.05 * rng.normal(),)),
    Exact(gradient_at_an_array_and_a_number, _vector),
    Exact(tanh_third_by_two_callers, _vector),
]
