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


def gp_log_determinant(length_scale, X):
    """A kernel matrix filled item by item, then its diagonal raised in place."""
    n = X.shape[0]
    K = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            K[i, j] = np.exp(-0.5 * np.sum((X[i] - X[j]) ** 2) / length_scale ** 2)
    for i in range(n):
        K[i, i] += 1e-1
    return np.linalg.slogdet(K)[1]


def thomas_solver(d, b):
    """The tridiagonal solve, forward sweep and back substitution written item by item."""
    n = len(d)
    x = np.zeros(n)
    dd = d.copy()
    bb = b.copy()
    for i in range(1, n):
        w = 0.3 / dd[i - 1]
        dd[i] = dd[i] - w * 0.3
        bb[i] = bb[i] - w * bb[i - 1]
    x[n - 1] = bb[n - 1] / dd[n - 1]
    for i in range(n - 2, -1, -1):
        x[i] = (bb[i] - 0.3 * x[i + 1]) / dd[i]
    return np.sum(x ** 2)


RNG = np.random.default_rng(11)
CASES = [
    (squares_accumulated, (np.array([0.3, -0.7, 1.1]),)),
    (squares_stored, (np.array([0.3, -0.7, 1.1]),)),
    (fir_filter, (RNG.normal(size=3), RNG.normal(size=6))),
    (outer_product_loops, (np.array([0.3, -0.7, 1.1]),)),
    (running_maximum, (np.array([0.3, -0.7, 1.1, 0.9]),)),
    (reversed_range_writes, (np.array([0.3, -0.7, 1.1, 0.4]),)),
    (gp_log_determinant, (0.8, RNG.normal(size=(4, 2)))),
    (thomas_solver, (np.array([2.0, 2.5, 3.0, 2.2]), np.array([0.3, -0.7, 1.1, 0.4]))),
]


@pytest.mark.parametrize("func, args", CASES, ids=[func.__name__ for func, _ in CASES])
def test_exact_to_second_order(func, args):
    check_every_mode(func, args, 0)
