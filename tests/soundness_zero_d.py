"""Soundness cases for 0-d arrays and NumPy numbers indexed like arrays (`a[()]`, `a[...]`,
`a[None]`) and written into (`a[...] = v`).

The runtime's item helpers took any adjoint that is not a container for the symbolic zero:
for a 0-d array or a NumPy number it is the derivative itself, so the forward mode dropped the
tangent of `a[()]` (half the jvp of `sum(a * a[()])`), the reverse mode raised a TypeError from
the generated code, and `a[...] = v` followed by `float(a)` lost v's gradient.
"""
from __future__ import annotations

import numpy as np

from soundness import Exact


def numpy_number_indexed(x):
    a = np.array(2.0) * x  # a NumPy number: 0-d times a float
    return np.sum(a * a[()])


def numpy_number_ellipsis(x):
    a = np.array(2.0) * x
    return np.sum(a * a[...])


def numpy_number_new_axis(x):
    a = np.array(2.0) * x
    return np.sum(a[None] * 3.0 * a)


def zero_d_written_whole(x):
    a = np.zeros(())
    a[...] = x * 3.0
    return float(a) * x


def zero_d_item_written(x):
    a = np.zeros(())
    a[()] = x * x
    return np.sum(np.sin(a) * x)


def as_array_first(x):
    x = np.asarray(x)
    return np.sum(np.sin(x) * x[()])


def zero_d_argument_indexed(a):
    return np.sum(a * a[()]) + np.sum(a[None] ** 3)


def zero_d_argument_copied_and_written(a):
    b = np.array(a * 1.0)
    b[()] = b[()] * 3.0
    return np.sum(b * a)


def scalar_args(rng):
    return (float(rng.uniform(0.3, 0.9)),)


def zero_d_args(rng):
    return (np.array(rng.uniform(0.3, 0.9)),)


CASES = [
    Exact(numpy_number_indexed, scalar_args),
    Exact(numpy_number_ellipsis, scalar_args),
    Exact(numpy_number_new_axis, scalar_args),
    Exact(zero_d_written_whole, scalar_args),
    Exact(zero_d_item_written, scalar_args),
    Exact(as_array_first, scalar_args),
    Exact(numpy_number_indexed, zero_d_args, id="numpy_number_indexed_0d"),
    Exact(zero_d_argument_indexed, zero_d_args),
    Exact(zero_d_argument_copied_and_written, zero_d_args),
]
