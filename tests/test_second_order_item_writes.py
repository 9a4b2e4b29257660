"""Second derivatives through loops that write items of an array in place (`y[n] += ...`,
`A[i, j] = ...`): the first derivative saves each item it overwrites and restores it, indexing
with the loop's counter, which it reads back from the range it saved. The items of a range are
numbers (analysis/kinds.py), so the restored item is a number, not a view the saved values
might share, and the derivative of the derivative follows it instead of refusing."""
from __future__ import annotations

import numpy as np
import pytest

from every_mode import check_every_mode


def squares_accumulated(h):
    y = np.zeros(3)
    for n in range(3):
        y[n] += h[n] * h[n]
    return np.sum(y ** 2)


def squares_stored(h):
    y = np.zeros(3)
    for n in range(3):
        y[n] = y[n] + h[n] * h[n]
    return np.sum(y ** 2)


def fir_filter(h, x):
    y = np.zeros(len(x))
    for n in range(len(x)):
        for k in range(len(h)):
            if n - k >= 0:
                y[n] += h[k] * x[n - k]
    return np.sum(y ** 2)


def outer_product_loops(a):
    A = np.zeros((3, 3))
    for i in range(3):
        for j in range(3):
            A[i, j] = np.sin(a[i]) * a[j]
    return np.sum(A @ A)


def running_maximum(x):
    out = np.zeros(len(x))
    best = x[0]
    for i in range(len(x)):
        if x[i] > best:
            best = x[i]
        out[i] = best * x[i]
    return np.sum(out ** 2)


def reversed_range_writes(x):
    y = x * 1.0
    for i in range(len(x) - 1, 0, -1):
        y[i - 1] = y[i - 1] + 0.5 * y[i] ** 2
    return np.sum(y)


RNG = np.random.default_rng(11)
CASES = [
    (squares_accumulated, (np.array([0.3, -0.7, 1.1]),)),
    (squares_stored, (np.array([0.3, -0.7, 1.1]),)),
    (fir_filter, (RNG.normal(size=3), RNG.normal(size=6))),
    (outer_product_loops, (np.array([0.3, -0.7, 1.1]),)),
    (running_maximum, (np.array([0.3, -0.7, 1.1, 0.9]),)),
    (reversed_range_writes, (np.array([0.3, -0.7, 1.1, 0.4]),)),
]


@pytest.mark.parametrize("func, args", CASES, ids=[func.__name__ for func, _ in CASES])
def test_exact_to_second_order(func, args):
    check_every_mode(func, args, 0)
