"""Soundness cases for set literals: constant elements are data (indices to skip, names to
select) and differentiate around them; a set built from values is refused, since iterating a
set does not follow the order its elements were written in."""
from __future__ import annotations

import numpy as np

from adjoint import UnsupportedSyntaxError
from soundness import Exact, Refused


def skipped_rows(x):
    skip = {1, 3}
    total = 0.0
    for i in range(x.shape[0]):
        if i in skip:
            continue
        total = total + np.sum(np.tanh(x[i]) ** 2)
    return total


def _weighted(x, names, weights):
    total = 0.0
    for name in ("a", "b", "c"):
        if name not in names:
            total = total + weights[name] * np.sum(x ** 2)
    return total


def selected_by_name(x):
    return _weighted(x, {"b"}, {"a": 1.0, "b": 2.0, "c": -0.5})


def signed_and_tuple_elements(x):
    corners = {(0, 0), (-1, -1)}
    total = 0.0
    for i in range(2):
        if (i - 1, i - 1) in corners:
            total = total + x[i] * x[i]
        else:
            total = total + np.sin(x[i])
    return total + (x[0] if -1 in {-1, 2} else 0.0)


def set_of_values(x):
    values = {x, 2.0 * x}  # <- values
    return max(values)


CASES = [
    Exact(skipped_rows, lambda rng: (rng.normal(size=(5, 2)),)),
    Exact(selected_by_name, lambda rng: (rng.normal(size=3),)),
    Exact(signed_and_tuple_elements, lambda rng: (rng.normal(size=2),)),
    Refused(set_of_values, (1.5,), UnsupportedSyntaxError, "values"),
]
