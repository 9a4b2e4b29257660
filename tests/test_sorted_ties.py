"""sorted is stable, also with reverse=True: at ties the derivative follows the items where
Python puts them (finite differences cannot check this: at a tie they average two orders)."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint


def two_smallest(xs):
    ordered = sorted(xs)
    return 2.0 * ordered[0] + 3.0 * ordered[1]


def two_largest(xs):
    ordered = sorted(xs, reverse=True)
    return 2.0 * ordered[0] + 3.0 * ordered[1]


TIED = [1.0, 1.0, 0.0]
CASES = [
    # ascending: [x2, x0, x1]; descending keeps tied x0 before x1: [x0, x1, x2]
    (two_smallest, [3.0, 0.0, 2.0]),
    (two_largest, [2.0, 3.0, 0.0]),
]


@pytest.mark.parametrize("container", [list, tuple, np.array], ids=["list", "tuple", "array"])
@pytest.mark.parametrize("fn, expected", CASES, ids=[fn.__name__ for fn, _ in CASES])
def test_gradient_at_a_tie_follows_pythons_order(fn, expected, container):
    np.testing.assert_array_equal(np.asarray(adjoint.grad(fn)(container(TIED))), expected)


@pytest.mark.parametrize("fn, expected", CASES, ids=[fn.__name__ for fn, _ in CASES])
def test_tangent_at_a_tie_follows_pythons_order(fn, expected):
    for position, want in enumerate(expected):
        direction = np.eye(len(TIED))[position]
        _, tangent = adjoint.jvp(fn)(np.array(TIED), direction)
        assert tangent == want
