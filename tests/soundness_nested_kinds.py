"""Derivatives of derivatives whose halves know the kinds of their tuples and helpers.

A derivative of a derivative differentiates the forward and backward halves of the inner one
(ad/split.py); the kinds of the values the halves return and are given, by position, and of the
runtime helpers they call, are kept with them (analysis/derived_kinds.py), so the next order is
specialized like first-order code. These cases check those derivatives, elementwise and nested
through user functions, at numbers and at arrays.
"""
from __future__ import annotations

import numpy as np

import adjoint
from soundness import Exact


def sin_sum(x):
    return np.sum(np.sin(x))


sin_1 = adjoint.grad(sin_sum)


def sin_1_sum(x):
    return np.sum(sin_1(x))


sin_2 = adjoint.grad(sin_1_sum)


def sin_2_sum(x):
    return np.sum(sin_2(x))


def rational_sum(x):
    return np.sum(x / (1.0 + x * x))


rational_1 = adjoint.grad(rational_sum)


def rational_1_sum(x):
    return np.sum(rational_1(x) * x)


rational_2 = adjoint.grad(rational_1_sum)


def rational_2_sum(x):
    return np.sum(rational_2(x))


def log1p_exp_sum(x):
    return np.sum(np.log1p(x * x) + np.exp(0.5 * x))


log1p_exp_1 = adjoint.grad(log1p_exp_sum)


def log1p_exp_1_sum(x):
    return np.sum(log1p_exp_1(x) ** 2)


def tanh_number(x):
    return np.sum(np.tanh(x) * x)


tanh_number_1 = adjoint.grad(tanh_number)


def tanh_number_1_sum(x):
    return np.sum(tanh_number_1(x))


tanh_number_2 = adjoint.grad(tanh_number_1_sum)


def at_a_number_and_an_array(x):
    """The same derivative of a derivative called with a number and with an array: two codes."""
    return np.sum(tanh_number_2(x) * x) + tanh_number_2(x[0]) * x[1]


def pair_of(x):
    return np.sin(x), np.cos(x) * x


def pair_sum(x):
    s, c = pair_of(x)
    return np.sum(s * c)


pair_1 = adjoint.grad(pair_sum)


def pair_1_sum(x):
    return np.sum(pair_1(x) * x)


def product_used_on_one_branch(x, b, c):
    """On the other branch the product's adjoint stays the symbolic zero, and `0.0 * b` has fewer
    dimensions than x, whose second axis is broadcast: unbroadcast failed with an IndexError."""
    y = x * b
    s = 0.0
    if c > 0:
        s = np.sum(y)
    return s + np.sum(x * x) + np.sum(b * b)


def _vector(rng):
    return (np.array([0.3, 0.5, -0.2, 0.7]) + 0.05 * rng.normal(size=4),)


def _number(rng):
    return (0.4 + 0.05 * rng.normal(),)


CASES = [
    Exact(sin_2_sum, _vector, id="nested_kinds_sin_fourth"),
    Exact(rational_2_sum, _vector, id="nested_kinds_rational_fourth"),
    Exact(log1p_exp_1_sum, _vector, id="nested_kinds_log1p_exp_second"),
    Exact(tanh_number_1_sum, _number, id="nested_kinds_tanh_at_a_number"),
    Exact(tanh_number_1_sum, _vector, id="nested_kinds_tanh_at_an_array"),
    Exact(at_a_number_and_an_array, _vector, id="nested_kinds_number_and_array"),
    Exact(pair_1_sum, _vector, id="nested_kinds_tuple_of_a_callee"),
    Exact(product_used_on_one_branch, lambda rng: (rng.normal(size=(3, 1)), rng.normal(size=1), -1.0),
          wrt=(0, 1), id="unbroadcast_of_the_symbolic_zero_times_a_smaller_operand"),
    Exact(product_used_on_one_branch, lambda rng: (rng.normal(size=(3, 1)), rng.normal(size=1), 1.0),
          wrt=(0, 1), id="unbroadcast_of_a_smaller_operand"),
]
