"""math.hypot of other than two numbers, math.dist, math.prod and math.fsum (normalize/math_forms.py,
rules/scalar_special.py): exact in every mode and to second order, against autograd on the same
formulas written with autograd.numpy."""
from __future__ import annotations

import math

import numpy as np
import pytest

from every_mode import check_every_mode

anp = pytest.importorskip("autograd.numpy")


def hypot3(x, y):
    return math.hypot(x, 2.0 * y, x * y) * x


def hypot3_peer(x, y):
    return anp.sqrt(x * x + (2.0 * y) ** 2 + (x * y) ** 2) * x


def hypot1(x):
    return math.hypot(x * x - 2.0) + math.hypot()


def hypot1_peer(x):
    return anp.abs(x * x - 2.0)


def distance(x, y):
    return math.dist((x, y, 1.0), [2.0 * y, x * x, y]) * y


def distance_peer(x, y):
    return anp.sqrt((x - 2.0 * y) ** 2 + (y - x * x) ** 2 + (1.0 - y) ** 2) * y


def distance_of_arrays(p):
    return math.dist(p, p * p + 1.0)


def distance_of_arrays_peer(p):
    return anp.sqrt(anp.sum((p - p * p - 1.0) ** 2))


def product(x, y):
    return math.prod([x, y, x * y, 3.0]) + math.prod((y for _ in range(3)), start=x)


def product_peer(x, y):
    return x * y * x * y * 3.0 + x * y * y * y


def product_with_a_zero(x, y):
    return math.prod([x, y - y, x * x])


def product_with_a_zero_peer(x, y):
    return x * (y - y) * x * x


def correctly_rounded_sum(x, y):
    return math.fsum([x, x * y, y * y, 1e-3]) * x


def correctly_rounded_sum_peer(x, y):
    return (x + x * y + y * y + 1e-3) * x


CASES = [
    (hypot3, hypot3_peer, (0.7, -1.3), 0),
    (hypot3, hypot3_peer, (0.7, -1.3), 1),
    (hypot1, hypot1_peer, (0.7,), 0),
    (distance, distance_peer, (0.7, 1.3), 0),
    (distance, distance_peer, (0.7, 1.3), 1),
    (distance_of_arrays, distance_of_arrays_peer, (np.array([0.3, -0.5, 1.1]),), 0),
    (product, product_peer, (0.7, 1.3), 0),
    (product, product_peer, (0.7, 1.3), 1),
    (product_with_a_zero, product_with_a_zero_peer, (0.7, 1.3), 1),
    (correctly_rounded_sum, correctly_rounded_sum_peer, (0.7, 1.3), 1),
]


@pytest.mark.parametrize("func, peer, args, wrt", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_math_lengths_and_products(func, peer, args, wrt):
    check_every_mode(func, args, wrt=wrt, peer=peer)
