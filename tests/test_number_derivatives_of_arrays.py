"""A number standing for the derivative of every item of an array, read or written by item.

What was wrong: the tangent of `y = a + 0.0` in x0 is the number 0.0 (the symbolic zero of an
array), and that of `y = y - x0` then the number -dx0, the tangent of every item. The helpers
that read or write an item of a derivative (item_adjoint, set_at, add_at, zero_at,
written_adjoint) took any number for the zero: `y[-2] = y[-1] * x0` read the item's tangent as 0
and wrote into zeros, and jvp gave 0.287 where the derivative is -0.140 (found by the fuzzer).
What is true now: a number other than 0 is spread over the array's items first.
"""
from __future__ import annotations

import numpy as np
import pytest

from every_mode import check_every_mode

A = np.array([1.47523, -0.27777, -1.05377])


def fuzzer_program(x0, a):
    y5 = a + 0.0
    y5 -= min(x0, np.cos(x0), x0)
    y5[-2] = y5[-1] * x0
    return np.sum(y5 * a)


def shifted_then_written(x0, a):
    y = a + 0.0
    y = y - x0
    y[0] = 2.0
    return np.sum(y * a) + y[1] * x0


def shifted_then_added_at(x0, a):
    y = a * 1.0
    y = y + np.sin(x0)
    y[[0, 0]] += x0 ** 2
    return np.sum(y * y)


def shifted_then_overwritten_by_a_slice(x0, a):
    y = a + 0.0
    y = y * 1.0 + 3.0 * x0
    y[1:] = a[1:] * 2.0
    return np.sum(y ** 2)


@pytest.mark.parametrize("func", [fuzzer_program, shifted_then_written, shifted_then_added_at,
                                  shifted_then_overwritten_by_a_slice])
def test_a_number_derivative_of_an_array_read_and_written_by_item(func):
    check_every_mode(func, (-0.02077, A), wrt=0)
