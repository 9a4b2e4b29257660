"""Soundness cases for arguments that hold one object at two places.

A derivative that writes into an argument works on a copy of it (runtime.snapshot): the copy
must hold an object the argument holds twice twice as well, or the check that an updated item
is held nowhere else passes on the copy where Python changes both places.
"""
from __future__ import annotations

import numpy as np

from adjoint import AdjointError
from soundness import Exact, Refused


def doubles_the_first_item(xs):
    xs[0] *= 2.0  # <- item-held-twice
    return np.sum(xs[0] * xs[1])


def two_items(rng):
    return ([rng.normal(size=2), rng.normal(size=2)],)


SHARED = np.array([1.0, 2.0])

CASES = [
    Refused(doubles_the_first_item, ([SHARED, SHARED],), AdjointError, "item-held-twice",
            id="an_item_held_twice"),
    Exact(doubles_the_first_item, two_items, id="two_items_apart"),
]
