"""Soundness cases for arguments that hold one object at two places, or are one object.

A derivative that writes into an argument works on a copy of it (runtime.snapshot): the copy
must hold an object the argument holds twice twice as well, or the check that an updated item
is held nowhere else passes on the copy where Python changes both places. And the analyses
take the arguments for separate objects: a function writing into one argument, called with it
and another argument sharing memory (`h(a, a)`, `k([w, v], w)`), is refused when called.
"""
from __future__ import annotations

import numpy as np

from adjoint import AdjointError
from soundness import Exact, Refused


def doubles_the_first_item(xs):
    xs[0] *= 2.0  # <- item-held-twice
    return np.sum(xs[0] * xs[1])


def doubles_one_argument(x, y):
    x *= 2.0  # <- argument-written
    return np.sum(x * x * y)


def scales_an_item_by_another_argument(xs, w):
    xs[0] = xs[0] * w  # <- item-of-argument-written
    return np.sum(xs[0] * xs[1]) * np.sum(w)


def doubles_through_a_view(x, y):
    t = x[1:]
    t *= 2.0  # <- written-through-a-view
    return np.sum(y * y)


def scales_in_place(v):
    v *= 3.0


def scaled_by_a_callee(x, y):
    scales_in_place(x)  # <- written-by-a-callee
    return np.sum(y * y)


def two_arrays(rng):
    return rng.normal(size=2), rng.normal(size=2)


def items_and_weights(rng):
    return [rng.normal(size=2), rng.normal(size=2)], rng.normal(size=2)


def two_items(rng):
    return ([rng.normal(size=2), rng.normal(size=2)],)


SHARED = np.array([1.0, 2.0])

CASES = [
    Refused(doubles_the_first_item, ([SHARED, SHARED],), AdjointError, "item-held-twice",
            id="an_item_held_twice"),
    Exact(doubles_the_first_item, two_items, id="two_items_apart"),
    Refused(doubles_one_argument, (SHARED, SHARED), AdjointError, "argument-written", id="one_array_passed_twice"),
    Exact(doubles_one_argument, two_arrays, wrt=(0, 1), id="two_arrays_apart"),
    Refused(doubles_through_a_view, (SHARED, SHARED), AdjointError, "written-through-a-view", wrt=1,
            id="one_array_written_through_a_view"),
    Exact(doubles_through_a_view, two_arrays, wrt=1, id="a_view_of_one_of_two_arrays"),
    Refused(scaled_by_a_callee, (SHARED, SHARED), AdjointError, "written-by-a-callee", wrt=1,
            id="one_array_written_by_a_callee"),
    Refused(scales_an_item_by_another_argument, ([SHARED, SHARED * 2.0], SHARED), AdjointError,
            "item-of-argument-written", wrt=1, id="an_item_passed_again"),
    Exact(scales_an_item_by_another_argument, items_and_weights, wrt=(0, 1), id="items_and_weights_apart"),
]
