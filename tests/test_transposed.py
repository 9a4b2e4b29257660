"""`zip(*rows)`, the columns of a list of lists or of a 2-D array (runtime.transposed), in a loop, a
comprehension and a list: exact in every mode and to second order."""
from __future__ import annotations

import numpy as np
import pytest

from every_mode import check_every_mode


def columns_of_a_list(x):
    m = [[x, 2.0 * x, 1.0], [x * x, 3.0, x]]
    s = 0.0
    for col in zip(*m):
        s = s + col[0] * col[1]
    return s


def columns_of_an_array(a):
    return sum(p * q * q for p, q, r in zip(*a))


def columns_of_a_parameter(rows, w):
    total = 0.0
    for j, col in enumerate(zip(*rows)):
        total = total + (j + w) * col[0] * col[-1]
    return total


def columns_kept(x):
    cols = list(zip(*[[x, x * x], [3.0 * x, 1.0]]))
    return cols[0][1] * cols[1][0] + cols[1][1]


CASES = [
    (columns_of_a_list, (0.7,), 0),
    (columns_of_an_array, (np.array([[0.3, -0.5, 1.1], [0.8, 1.4, -0.2], [2.0, 0.1, 0.6]]).T,), 0),
    (columns_of_a_parameter, ([[0.3, -0.5], [0.8, 1.4], [1.5, 0.2]], 0.7), 0),
    (columns_of_a_parameter, ([[0.3, -0.5], [0.8, 1.4], [1.5, 0.2]], 0.7), 1),
    (columns_kept, (0.7,), 0),
]


@pytest.mark.parametrize("func, args, wrt", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_columns_by_zip_of_the_rows(func, args, wrt):
    # autograd's boxed list of lists is not spread by zip(*...): the gradient in the list is checked by differences
    peer = None if isinstance(args[wrt], list) else func
    check_every_mode(func, args, wrt=wrt, peer=peer)
