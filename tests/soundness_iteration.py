"""Soundness cases of iteration: loop variables read after their loop, the builtin `sum`, and
`for` over iterables built from zip, enumerate, reversed, range and sorted."""
from __future__ import annotations

import numpy as np

import adjoint
from adjoint.errors import UnsupportedSyntaxError
from soundness import Exact, Refused


def _vector(rng, size=4):
    return rng.normal(size=size)


def _floats(rng, size=4):
    return [float(v) for v in rng.normal(size=size)]


# ----- loop variables after the loop --------------------------------------------------------

def counter_read_after_loop(x, n):
    for k in range(n):
        x = x * 1.5
    return x * k


def index_in_mean_after_loop(x):
    s = 0.0
    for i in range(3):
        s = s + x
    return s / (i + 1)


def while_counter_read_after(x):
    i = 0
    while i < 3:
        x = x * 2.0
        i = i + 1
    return x * i


def element_read_after_loop(xs):
    total = 0.0
    for a in xs:
        total = total + a * a
    return total * a


def unused_body_loop_variable_after(x):
    for k in range(3):
        y = x * 2.0
    return x * (k + 0.5)


def loop_variable_also_assigned_before(x):
    k = 2.0
    y = x * k
    for k in range(3):
        y = y * (k + 2.0)
    return y * k


def inner_loop_variable_read_in_outer_loop(x):
    for i in range(3):
        for j in range(2):
            x = x * 1.1 + j
        x = x * (j + 0.5) + i
    return x * (i + j)


def loop_variable_read_after_a_break(x):
    for k in range(10):
        x = x * 1.2
        if x > 5.0:
            break
    return x * k


def unpacked_elements_after_loop(xs, ys):
    t = 0.0
    for a, b in zip(xs, ys):
        t = t + a * b
    return t + a * b


# ----- the builtin sum ------------------------------------------------------------------------

def sum_of_squares(x):
    return sum(x ** 2)


def sum_of_scaled(x):
    return sum(3.0 * x)


def sum_times_first(xs):
    return sum(xs) * xs[0]


def sum_with_start_squared(xs, start):
    return np.sum(sum(xs, start) ** 2)


def sum_of_rows(a):
    rows = sum(a)
    return np.sum(rows * rows)


def sum_of_rows_with_start(a, start):
    return np.sum(np.sin(sum(a, start)))


def sum_of_arrays_with_float_start(xs):
    return np.sum(sum(xs, 0.0) ** 2)


def sum_in_a_loop(x):
    total = 0.0
    for i in range(3):
        total = total + sum(x * i) * x[i]
    return total


def concatenating_sum(a, b):
    return sum([[a], [b]], [])[1] * a  # <- concatenation


def _rows(rng):
    return [rng.normal(size=3) for _ in range(3)]


CASES = [
    Exact(counter_read_after_loop, lambda rng: (float(rng.normal()), 3)),
    Exact(index_in_mean_after_loop, lambda rng: (float(rng.normal()),)),
    Exact(while_counter_read_after, lambda rng: (float(rng.normal()),)),
    Exact(element_read_after_loop, lambda rng: (_floats(rng),)),
    Exact(element_read_after_loop, lambda rng: (_vector(rng),), id="element_read_after_loop_array"),
    Exact(unused_body_loop_variable_after, lambda rng: (float(rng.normal()),)),
    Exact(loop_variable_also_assigned_before, lambda rng: (float(rng.normal()),)),
    Exact(inner_loop_variable_read_in_outer_loop, lambda rng: (float(rng.normal()),)),
    Exact(loop_variable_read_after_a_break, lambda rng: (1.0 + abs(float(rng.normal())),)),
    Exact(unpacked_elements_after_loop, lambda rng: (_floats(rng), _vector(rng)), wrt=(0, 1)),
    Exact(sum_of_squares, lambda rng: (_vector(rng),)),
    Exact(sum_of_scaled, lambda rng: (_vector(rng),)),
    Exact(sum_times_first, lambda rng: (_floats(rng),)),
    Exact(sum_times_first, lambda rng: (tuple(_floats(rng)),), id="sum_times_first_tuple"),
    Exact(sum_times_first, lambda rng: (_vector(rng),), id="sum_times_first_array"),
    Exact(sum_with_start_squared, lambda rng: (_floats(rng), float(rng.normal())), wrt=(0, 1)),
    Exact(sum_with_start_squared, lambda rng: (_rows(rng), rng.normal(size=3)), wrt=(0, 1),
          id="sum_with_start_squared_rows"),
    Exact(sum_of_rows, lambda rng: (rng.normal(size=(4, 3)),)),
    Exact(sum_of_rows_with_start, lambda rng: (rng.normal(size=(4, 3)), float(rng.normal())), wrt=(0, 1)),
    Exact(sum_of_rows_with_start, lambda rng: (rng.normal(size=(4, 3)), rng.normal(size=(2, 3))), wrt=(0, 1),
          id="sum_of_rows_with_broadcast_start"),
    Exact(sum_of_arrays_with_float_start, lambda rng: (_rows(rng),)),
    Exact(sum_in_a_loop, lambda rng: (_vector(rng),)),
    Refused(concatenating_sum, (1.0, 2.0), UnsupportedSyntaxError, "concatenation"),
]
