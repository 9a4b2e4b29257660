"""Soundness cases for NumPy functions whose result may be a view of their argument (or the
argument itself): np.einsum of one operand, np.diag, np.diff(a, 0), np.rollaxis, np.nan_to_num
without a copy, np.polyder(a, 0), np.linalg.matrix_power(a, 1), np.real_if_close,
np.broadcast_arrays, np.meshgrid(copy=False) and others (analysis/sharing.py VIEW_FUNCTIONS, VIEWS_OF_ANY_ARGUMENT). A write through the view
or into the base, the other read afterwards, is refused at the write; 8 of these were accepted
with a wrong gradient before. np.einsum of two operands makes a new array. A NumPy function
given its `out` by position (`np.sum(A, 0, None, s)`) writes into it, as with `out=`. And
`np.r_[x, y]` / `np.c_[...]`, which build their value from the index, are refused (their
gradient was silently zero, with a warning).
"""
from __future__ import annotations

import numpy as np

from soundness import Exact, Refused
from adjoint import UnsupportedSyntaxError


def view_einsum_diag_write(x):
    y = np.outer(x, x)
    d = np.einsum('ii->i', y)
    d[0] = 5.0  # <- einsum_diag_write
    return np.sum(y * x)


def view_einsum_base_write_then_read(x):
    y = np.outer(x, x)
    d = np.einsum('ij->ji', y)
    y[0, 1] = x[2] * 3.0  # <- einsum_base_write_then_read
    return np.sum(d * x)


def view_diag_then_base_write(x):
    y = np.outer(x, x)
    d = np.diag(y)
    y[1, 1] = x[0] * 4.0  # <- diag_then_base_write
    return np.sum(d * x)


def view_diff_zero(x):
    y = x * 2.0
    d = np.diff(y, 0)
    d[0] = x[1] ** 2  # <- diff_zero
    return np.sum(y * x)


def view_rollaxis(x):
    y = np.outer(x, x)
    r = np.rollaxis(y, 1)
    r[0, 2] = x[0] * 5.0  # <- rollaxis
    return np.sum(y * x)


def view_broadcast_arrays(x):
    y = x * 1.0
    a, b = np.broadcast_arrays(y, x[:, None])
    y[0] = x[1] * 3.0  # <- broadcast_arrays
    return np.sum(a * x)


def view_nan_to_num(x):
    y = x * 1.0
    r = np.nan_to_num(y, copy=False)
    r[0] = x[2] * 6.0  # <- nan_to_num
    return np.sum(y * x)


def view_polyder0(x):
    y = x * 1.0
    r = np.polyder(y, 0)
    r[1] = x[0] * 2.0  # <- polyder0
    return np.sum(y * x)


def view_real_if_close(x):
    y = x * 1.0
    r = np.real_if_close(y)
    r[1] = x[0] * 2.0  # <- real_if_close
    return np.sum(y * x)


def view_meshgrid(x):
    y = x * 1.0
    a, b = np.meshgrid(y, x, copy=False)
    y[0] = 10.0 * x[1]  # <- meshgrid
    return np.sum(a * b)


def view_einsum_new(x):
    y = np.outer(x, x)
    d = np.einsum('ij,j->i', y, x)
    y[0, 0] = 1.0
    return np.sum(d * x) + np.sum(y)



def view_matrix_power_one(x):
    y = np.outer(x, x) + np.eye(3)
    r = np.linalg.matrix_power(y, 1)  # y itself
    r[0, 0] = x[1] * 3.0  # <- matrix_power_one
    return np.sum(y * y)


def view_nan_to_num_copy_by_position(x):
    y = x * 1.0
    r = np.nan_to_num(y, False)  # y itself
    r[0] = x[2] * 6.0  # <- nan_to_num_by_position
    return np.sum(y * x)


def copy_by_position(x):
    y = x * 1.0
    r = np.nan_to_num(y, True)
    r[0] = x[2] * 6.0
    return np.sum(y * x) + np.sum(r)


def output_by_position(x):
    A = np.outer(x, x)
    s = np.zeros(3)
    t = np.sum(A, 0, None, s)  # <- output_by_position
    t[1] = x[0] * 2.0
    return np.sum(s * x)


def cumulative_output_by_position(x):
    b = x * 1.0
    np.cumsum(x * x, 0, None, b)  # <- cumulative_output_by_position
    return np.sum(b * x)


CASES = [
    Refused(view_einsum_diag_write, (np.array([0.3, 0.8, 1.3]),), UnsupportedSyntaxError, "einsum_diag_write"),
    Refused(view_einsum_base_write_then_read, (np.array([0.3, 0.8, 1.3]),), UnsupportedSyntaxError,
            "einsum_base_write_then_read"),
    Refused(view_diag_then_base_write, (np.array([0.3, 0.8, 1.3]),), UnsupportedSyntaxError, "diag_then_base_write"),
    Refused(view_diff_zero, (np.array([0.3, 0.8, 1.3]),), UnsupportedSyntaxError, "diff_zero"),
    Refused(view_rollaxis, (np.array([0.3, 0.8, 1.3]),), UnsupportedSyntaxError, "rollaxis"),
    Refused(view_broadcast_arrays, (np.array([0.3, 0.8, 1.3]),), UnsupportedSyntaxError, "broadcast_arrays"),
    Refused(view_nan_to_num, (np.array([0.3, 0.8, 1.3]),), UnsupportedSyntaxError, "nan_to_num"),
    Refused(view_polyder0, (np.array([0.3, 0.8, 1.3]),), UnsupportedSyntaxError, "polyder0"),
    Refused(view_real_if_close, (np.array([0.3, 0.8, 1.3]),), UnsupportedSyntaxError, "real_if_close"),
    Refused(view_meshgrid, (np.array([0.3, 0.8, 1.3]),), UnsupportedSyntaxError, "meshgrid"),
    Refused(view_matrix_power_one, (np.array([0.3, 0.8, 1.3]),), UnsupportedSyntaxError, "matrix_power_one"),
    Refused(view_nan_to_num_copy_by_position, (np.array([0.3, 0.8, 1.3]),), UnsupportedSyntaxError,
            "nan_to_num_by_position"),
    Exact(copy_by_position, lambda rng: (np.array([0.3, 0.8, 1.3]),)),
    Refused(output_by_position, (np.array([0.3, 0.8, 1.3]),), UnsupportedSyntaxError, "output_by_position"),
    Refused(cumulative_output_by_position, (np.array([0.3, 0.8, 1.3]),), UnsupportedSyntaxError,
            "cumulative_output_by_position"),
    Exact(view_einsum_new, lambda rng: (np.array([0.3, 0.8, 1.3]),)),
]


# ----- values reaching the result through an index (analysis/index_values.py) ---------------

def concatenated_by_index(x):
    return np.sum(np.r_[x, x * 2.0] ** 2)  # <- r_


def columns_by_index(x):
    return np.sum(np.c_[x, x * x] ** 2)  # <- c_


def selected_by_index(x):
    k = int(x[0] * 2.0)
    return np.sum(x[np.argsort(x)] * x[k])


CASES += [
    Refused(concatenated_by_index, (np.array([0.3, 0.8, 1.3]),), UnsupportedSyntaxError, "r_"),
    Refused(columns_by_index, (np.array([0.3, 0.8, 1.3]),), UnsupportedSyntaxError, "c_"),
    Exact(selected_by_index, lambda rng: (np.array([0.3, 0.8, 1.3]),)),
]
