"""Soundness cases found by a review of the alias analysis: memory from outside reached through
a chain of module attributes, NumPy calls that write where their result is kept, and NumPy
functions that may return a view of their argument."""
from __future__ import annotations

import numpy as np

import review_pkg
from adjoint import AdjointError
from soundness import Exact, Refused


def written_through_a_package_attribute(x):
    a = review_pkg.weights.W
    z = np.sum(a * x)
    a[0] = a[0] + 1.0  # <- package-attribute
    return z + np.sum(a * x)


def read_through_a_package_attribute(x):
    return np.sum(review_pkg.weights.W * x * x)


def out_kept(x):
    c = np.zeros(3)
    y = np.multiply(x, 2.0, out=c)  # <- out-kept
    return np.sum(y * c)


def copyto_kept(x):
    c = np.zeros(3)
    z = np.copyto(c, x * 3.0)  # <- copyto-kept
    return np.sum(c * x) + (0.0 if z is None else 1.0)


def checked_finite_then_written(x):
    y = x * 1.0
    v = np.asarray_chkfinite(y)
    v[0] = 5.0  # <- view-of-checked
    return np.sum(y * x)


def vector(rng):
    return (rng.normal(size=3),)


ARGS = (np.array([0.3, -0.2, 0.5]),)

CASES = [
    Refused(written_through_a_package_attribute, ARGS, AdjointError, "package-attribute"),
    Exact(read_through_a_package_attribute, vector),
    Refused(out_kept, ARGS, AdjointError, "out-kept"),
    Refused(copyto_kept, ARGS, AdjointError, "copyto-kept"),
    Refused(checked_finite_then_written, ARGS, AdjointError, "view-of-checked"),
]
