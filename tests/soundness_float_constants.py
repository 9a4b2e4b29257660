"""Soundness cases of the int constants of adjoint statements written as floats (optimize/fold.py).

`X * 4` becomes `X * 4.0` where X is surely floating (arithmetic on numbers and adjoints
with a float constant in it): the same number, with Python's specialized float bytecode. These
functions' derivatives have such products: `4.0 * (...) * 4` from `1 / (4 s ** 4)`, and int
arguments or int cotangents, where the product must stay what it was.
"""
from __future__ import annotations

import numpy as np

from soundness import Exact


def quartic_tail(x, alpha):
    s = 1.0 + alpha * x
    return 1.0 / (4.0 * s ** 4) - 1.0 / (x * s ** 3) + x / (x * s ** 2)


def negative_powers(x):
    return x ** -2 + 3.0 * x ** -1


def integer_powers_of_an_array(v):
    return np.sum(1.0 / (2.0 * v ** 3))


CASES = [
    Exact(quartic_tail, lambda rng: (1.0 + rng.random(), rng.random()), wrt=(0, 1), id="float_constants_quartic_tail"),
    Exact(quartic_tail, lambda rng: (2, 3), wrt=(0, 1), id="float_constants_quartic_tail_of_ints"),
    Exact(negative_powers, lambda rng: (1.0 + rng.random(),), id="float_constants_negative_powers"),
    Exact(integer_powers_of_an_array, lambda rng: (1.0 + rng.random(3),), id="float_constants_array_powers"),
    Exact(integer_powers_of_an_array, lambda rng: (np.arange(1, 4),), id="float_constants_integer_array_powers"),
]
