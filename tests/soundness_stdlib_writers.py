"""Soundness cases for standard-library functions that change their first argument in place
(heapq, bisect, operator's setitem and in-place operators: analysis/writes.py
WRITE_FIRST_ARGUMENT). They have no source adjoint reads, and their change to a value the
derivative flows through was ignored: all four below were accepted with a wrong gradient.
Now refused at the call, like a NumPy call made for its effect."""
from __future__ import annotations

import bisect
import heapq
import operator

import numpy as np

from soundness import Exact, Refused
from adjoint import UnsupportedSyntaxError


def pushed_onto_a_heap(x):
    h = [x[1], x[2] * 2.0]
    heapq.heapify(h)  # <- heapify
    heapq.heappush(h, x[0] * 0.5)
    return h[0] * 3.0 + h[1]


def pushed_value_only(x):
    h = [0.5, 2.0]
    heapq.heappush(h, x[0] * 0.5)  # <- heappush
    return h[0] * 3.0 + h[1]


def inserted_in_order(x):
    s = [0.5, 1.5]
    bisect.insort(s, x[0] * 2.0)  # <- insort
    return s[0] * 3.0 + s[1] * x[1]


def set_by_operator(x):
    y = x * 1.0
    operator.setitem(y, 0, x[1] * 4.0)  # <- setitem
    return np.sum(y * x)


def added_in_place_by_operator(x):
    y = x * 1.0
    z = operator.iadd(y, x)  # <- iadd
    return np.sum(y * x) + np.sum(z)


def operator_without_effect(x):
    y = x * 1.0
    z = operator.add(y, x)
    return np.sum(y * x) + np.sum(z)


def _vector(rng):
    return (np.array([0.3, 0.8, 1.3]),)


CASES = [
    Refused(pushed_onto_a_heap, _vector(None), UnsupportedSyntaxError, "heapify"),
    Refused(pushed_value_only, _vector(None), UnsupportedSyntaxError, "heappush"),
    Refused(inserted_in_order, _vector(None), UnsupportedSyntaxError, "insort"),
    Refused(set_by_operator, _vector(None), UnsupportedSyntaxError, "setitem"),
    Refused(added_in_place_by_operator, _vector(None), UnsupportedSyntaxError, "iadd"),
    Exact(operator_without_effect, _vector),
]
