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
]
