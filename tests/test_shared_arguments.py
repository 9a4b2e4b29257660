"""Arguments sharing memory through a view, which the soundness cases' deep copies of the
arguments cannot keep (see tests/soundness_shared_arguments.py for the rest)."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import adjoint
from soundness import central_differences, directional_difference, marked_line
from soundness_shared_arguments import doubles_one_argument


@dataclasses.dataclass
class SlottedConfig:
    __slots__ = ("scale", "table")  # a dataclass with slots keeps no __dict__
    scale: float
    table: list


CONFIG = SlottedConfig(2.0, [np.array([1.0, 0.5, 2.0])])


def scaled_in_place(x):
    x[0] = x[0] * CONFIG.scale  # the check that x shares nothing with what the function reads from outside
    return np.sum(x * CONFIG.table[0] * x)


@pytest.mark.parametrize("transform", [adjoint.grad, adjoint.value_and_grad,
                                       lambda f: lambda x, y: adjoint.jvp(f)(x, y, np.ones(2))])
def test_an_argument_written_in_place_and_a_view_of_it_are_refused(transform):
    base = np.array([1.0, 2.0, 3.0])
    with pytest.raises(adjoint.AdjointError) as info:
        transform(doubles_one_argument)(base[:2], base[1:])
    assert info.value.lineno == marked_line(doubles_one_argument, "argument-written")
    np.testing.assert_array_equal(base, [1.0, 2.0, 3.0])  # refused before anything was written


def test_views_of_one_array_that_do_not_overlap_are_apart():
    base = np.array([1.0, 2.0, 3.0, 4.0])
    x, y = base[:2], base[2:]
    gradient = adjoint.grad(doubles_one_argument, wrt=1)(x, y)
    np.testing.assert_allclose(gradient, 4.0 * np.array([1.0, 2.0]) ** 2)


def test_the_fields_of_a_dataclass_with_slots_read_from_outside_are_looked_through():
    # the check walked a dataclass's fields with vars(), a TypeError for one with __slots__
    x = np.array([0.5, -1.0, 2.0])
    expected = central_differences(scaled_in_place, (x,), 0)
    np.testing.assert_allclose(adjoint.grad(scaled_in_place)(x.copy()), expected, rtol=1e-6)
    value, gradient = adjoint.value_and_grad(scaled_in_place)(x.copy())
    np.testing.assert_allclose(gradient, expected, rtol=1e-6)
    assert value == scaled_in_place(x.copy())
    tangent = np.array([0.3, -0.2, 1.0])
    _, derivative = adjoint.jvp(scaled_in_place)(x.copy(), tangent)
    np.testing.assert_allclose(derivative, directional_difference(scaled_in_place, (x,), (0,), (tangent,)), rtol=1e-6)
