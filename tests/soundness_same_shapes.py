"""Derivatives of derivatives where arrays of one shape need no `unbroadcast`, and others still do.

Derivative code differentiated again drops `unbroadcast(g, x)` and `broadcast_like(g, x)` where
g surely has x's shape (analysis/same_shapes.py: elementwise operations of arrays of one group,
helpers that give their second argument's shape, items of the tuples the halves exchange,
labelled by the analysis they were cut from). These cases broadcast on purpose, at the second and
third order: a (3, 1) column times a (1, 4) row, a number times an array, a (3,) row added to
each row of a (2, 3) matrix, and an array times itself next to a broadcast one, where a careless
shape analysis would drop a sum that is needed.
"""
from __future__ import annotations

import numpy as np

import adjoint
from soundness import Exact


def column_times_row(a, b):
    return np.sum(np.tanh(a * b) * a)


column_times_row_1 = adjoint.grad(column_times_row)  # a's shape, (3, 1)


def column_times_row_1_sum(a, b):
    return np.sum(column_times_row_1(a, b) * b)  # (3, 1) * (1, 4)


column_times_row_2 = adjoint.grad(column_times_row_1_sum, wrt=(0, 1))


def column_times_row_2_sum(a, b):
    da, db = column_times_row_2(a, b)
    return np.sum(da * b) + np.sum(db * a)


def number_times_array(s, x):
    return np.sum(np.sin(s * x) * x)


number_times_array_1 = adjoint.grad(number_times_array, wrt=(0, 1))


def number_times_array_1_sum(s, x):
    ds, dx = number_times_array_1(s, x)
    return ds * s + np.sum(np.tanh(dx * s))


number_times_array_2 = adjoint.grad(number_times_array_1_sum)


def number_times_array_2_sum(s, x):
    return number_times_array_2(s, x) * np.sum(x)


def row_plus_matrix(v, m):
    return np.sum(np.tanh(v + m) * v)


row_plus_matrix_1 = adjoint.grad(row_plus_matrix, wrt=(0, 1))  # (3,) and (2, 3)


def row_plus_matrix_1_sum(v, m):
    dv, dm = row_plus_matrix_1(v, m)
    return np.sum(dv * m) + np.sum(np.sin(dm) * v)


row_plus_matrix_2 = adjoint.grad(row_plus_matrix_1_sum)


def row_plus_matrix_2_sum(v, m):
    return np.sum(row_plus_matrix_2(v, m) * m)


def squared_and_broadcast(x, w):
    y = x * x  # one shape
    return np.sum(np.tanh(y * w) + y)  # (4,) times (2, 4)


squared_and_broadcast_1 = adjoint.grad(squared_and_broadcast)


def squared_and_broadcast_1_sum(x, w):
    g = squared_and_broadcast_1(x, w)
    return np.sum(g * g * w)


squared_and_broadcast_2 = adjoint.grad(squared_and_broadcast_1_sum)


def squared_and_broadcast_2_sum(x, w):
    return np.sum(squared_and_broadcast_2(x, w) * x)


def reassigned_in_derivative_code(x):
    """Accumulations rebind one name many times in derivative code; read again, each binding gets
    its own name (normalize/single_assignment.py)."""
    y = x * x
    y = y + np.sin(x)
    y = y * x
    return np.sum(y)


reassigned_1 = adjoint.grad(reassigned_in_derivative_code)


def reassigned_1_sum(x):
    return np.sum(reassigned_1(x) ** 2)


reassigned_2 = adjoint.grad(reassigned_1_sum)


def reassigned_2_sum(x):
    return np.sum(reassigned_2(x) * x)


def with_a_local_function(x, w):
    """A local function is lifted out and differentiated as the user's code; its derivative, read
    again, as derivative code."""
    def inner(a):
        b = a * a
        b = b + np.sin(a)
        return b * w
    y = inner(x) + inner(x * 2.0)
    return np.sum(y * x)


with_a_local_function_1 = adjoint.grad(with_a_local_function, wrt=(0, 1))


def with_a_local_function_1_sum(x, w):
    dx, dw = with_a_local_function_1(x, w)
    return np.sum(dx * w) + np.sum(np.tanh(dw))



def _column_and_row(rng):
    return rng.normal(size=(3, 1)) * 0.5, rng.normal(size=(1, 4)) * 0.5


def _number_and_vector(rng):
    return 0.6 + 0.05 * rng.normal(), rng.normal(size=4) * 0.5


def _row_and_matrix(rng):
    return rng.normal(size=3) * 0.5, rng.normal(size=(2, 3)) * 0.5


def _vector_and_matrix(rng):
    return rng.normal(size=4) * 0.5, rng.normal(size=(2, 4)) * 0.5


def _vector_and_vector(rng):
    return rng.normal(size=4) * 0.5, rng.normal(size=4) * 0.5


def _vector(rng):
    return (rng.normal(size=5) * 0.5,)


CASES = [
    Exact(column_times_row_1_sum, _column_and_row, wrt=(0, 1), id="same_shapes_column_times_row_second"),
    Exact(column_times_row_2_sum, _column_and_row, wrt=(0, 1), id="same_shapes_column_times_row_third"),
    Exact(number_times_array_1_sum, _number_and_vector, wrt=(0, 1), id="same_shapes_number_times_array_second"),
    Exact(number_times_array_2_sum, _number_and_vector, wrt=(0, 1), id="same_shapes_number_times_array_third"),
    Exact(row_plus_matrix_1_sum, _row_and_matrix, wrt=(0, 1), id="same_shapes_row_plus_matrix_second"),
    Exact(row_plus_matrix_2_sum, _row_and_matrix, wrt=(0, 1), id="same_shapes_row_plus_matrix_third"),
    Exact(squared_and_broadcast_1_sum, _vector_and_matrix, wrt=(0, 1), id="same_shapes_squared_and_broadcast_second"),
    Exact(squared_and_broadcast_2_sum, _vector_and_matrix, wrt=(0, 1), id="same_shapes_squared_and_broadcast_third"),
    Exact(reassigned_1_sum, _vector, id="single_assignment_second"),
    Exact(reassigned_2_sum, _vector, id="single_assignment_third"),
    Exact(with_a_local_function_1_sum, _vector_and_vector, wrt=(0, 1), id="same_shapes_local_function_second"),
]

