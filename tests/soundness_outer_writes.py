"""Soundness cases for writes into a global object and for NumPy calls told not to copy.

A global array the function writes into and a function it calls reads: the callee's adjoint
sweep reads the array as it is then, not as the call saw it, so the write is refused whether it
comes before the call (and is undone after it) or after the call. A NumPy result made with
`copy=False` may be its argument itself: a later write into the argument changes it.
"""
from __future__ import annotations

import numpy as np

from adjoint import AdjointError
from soundness import Exact, Refused

SCALE = np.ones(1)


def scaled(x):
    return SCALE * x


def scale_changed_around_a_call(x):
    SCALE[0] = 2.0  # <- written-before-the-call
    z = scaled(x * x)
    SCALE[0] = 1.0
    return np.sum(z)


def scale_changed_after_a_call(x):
    z = scaled(x * x)
    SCALE[0] = 2.0  # <- written-after-the-call
    total = np.sum(z)
    SCALE[0] = 1.0
    return total


def kept_without_a_copy(x):
    a = x * 1.0
    b = np.nan_to_num(a, copy=False)
    a *= 3.0  # <- argument-written-after
    return np.sum(b * x)


def kept_with_a_copy(x):
    a = x * 1.0
    b = np.nan_to_num(a, copy=True)
    a *= 3.0
    return np.sum(b * x)


def _vector(rng):
    return (rng.normal(size=3),)


CASES = [
    Refused(scale_changed_around_a_call, (np.array([1.0, 2.0, 3.0]),), AdjointError, "written-before-the-call"),
    Refused(scale_changed_after_a_call, (np.array([1.0, 2.0, 3.0]),), AdjointError, "written-after-the-call"),
    Refused(kept_without_a_copy, (np.array([1.0, 2.0, 3.0]),), AdjointError, "argument-written-after"),
    Exact(kept_with_a_copy, _vector),
]
