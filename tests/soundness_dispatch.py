"""Soundness cases of the cached call's choice of generated code (backend/dispatch.py).

The code adjoint generates depends on the kinds of the arguments: the number of dimensions of
an array decides whether `y[0]` is a number or a view of y's first row, a keyword argument's
type whether a product is a number or an array. A derived function keeps the code generated
for each call's kinds, so these functions are differentiated here at each of those kinds; the
calls of one derived function with one kind after another are in test_dispatch.py.
"""
from __future__ import annotations

import numpy as np

from soundness import Exact


def first_row_then_write(x):
    y = x * 1.0
    r = y[0]
    y[0] = y[0] * 3.0
    return np.sum(r * y)


def first_row_then_write_beside(x, z):
    y = x * 1.0
    r = y[0]
    y[0] = y[0] * 3.0
    return np.sum(r * y) + np.sum(z)


def scaled_sum(x, y):
    return np.sum(x * y) + x * x


CASES = [
    Exact(first_row_then_write, lambda rng: (rng.normal(size=3),), id="first_element_of_a_vector_then_write"),
    # A row of a matrix is a view, read after the write as `y[0]` (normalize/views.py); of a vector, a number.
    Exact(first_row_then_write, lambda rng: (rng.normal(size=(2, 3)),), id="first_row_of_a_matrix_then_write"),
    Exact(first_row_then_write_beside, lambda rng: (rng.normal(size=(2, 3)), rng.normal(size=2)), wrt=(0, 1),
          id="first_row_of_a_matrix_beside_a_vector_then_write"),
    Exact(scaled_sum, lambda rng: (rng.normal(), rng.normal()), wrt=(0, 1), id="scaled_sum_of_numbers"),
    Exact(scaled_sum, lambda rng: (rng.normal(), rng.normal(size=3)), wrt=(0, 1), id="scaled_sum_of_an_array"),
    Exact(scaled_sum, lambda rng: (rng.normal(), rng.normal(size=(2, 3))), wrt=(0, 1), id="scaled_sum_of_a_matrix"),
]
