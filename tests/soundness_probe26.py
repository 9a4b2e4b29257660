"""Soundness: array idioms and Python idioms written as a new user writes them (float32 and 0-d
arrays, repeated and boolean indices, views, star unpacking, piecewise functions, short numerical
programs), and the shapes among them that adjoint got wrong.

What was wrong:
- a write through `.flat` (or `.T`, `.real`) of an array whose kind the analysis did not know
  (`A = x.reshape(2, 2).copy()`) was taken for a write into a new object: `A.flat[0] = v`
  changed A and its derivative was lost (grad of sum(A ** 2) was 40 where it is 0 and missed 200).
"""
from __future__ import annotations

import numpy as np

import adjoint
from soundness import Exact, Refused

_WEIGHTS = np.arange(4.0).reshape(2, 2)


# ----- writes through the array attributes that are views ------------------------------------

def first_element_through_flat(x):
    A = x.reshape(2, 2).copy()
    A.flat[0] = 5.0 * x[3]  # <- flat-write
    return np.sum(A ** 2)


def element_through_flat_by_name(x):
    A = x.reshape(2, 2).copy()
    f = A.flat
    f[2] = 7.0 * x[1]  # <- flat-name
    return np.sum(A * _WEIGHTS)


def element_through_flat_of_a_product(x):
    A = np.reshape(x, (2, 2)) * 1.0
    A.flat[0] = 5.0 * x[3]  # <- flat-product
    return np.sum(A ** 2)


def element_through_the_transpose(x):
    A = x.reshape(2, 2).copy()
    A.T[0, 1] = 9.0 * x[0]  # <- transpose-write
    return np.sum(A * _WEIGHTS)


def row_scaled_after_a_reshape(x):
    A = x.reshape(2, 2).copy()
    A[0] = 3.0 * A[0]
    return np.sum(A ** 2 * _WEIGHTS)


CASES = [
    Refused(first_element_through_flat, (np.arange(1.0, 5.0),), adjoint.UnsupportedSyntaxError, "flat-write"),
    Refused(element_through_flat_by_name, (np.arange(1.0, 5.0),), adjoint.UnsupportedSyntaxError, "flat-name"),
    Refused(element_through_flat_of_a_product, (np.arange(1.0, 5.0),), adjoint.UnsupportedSyntaxError,
            "flat-product"),
    Refused(element_through_the_transpose, (np.arange(1.0, 5.0),), adjoint.UnsupportedSyntaxError,
            "transpose-write"),
    Exact(row_scaled_after_a_reshape, lambda rng: (rng.normal(size=4),)),
]
