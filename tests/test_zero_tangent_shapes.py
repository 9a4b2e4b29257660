"""A derivative that is zero along a stretch of the function (a variable rebound to a value that
does not depend on the input, an accumulator reset) keeps the shape of what it is the derivative
of where NumPy reads it (`np.cumsum`, `.T @`, `np.reshape`, an index) and where it is returned.

The optimizer writes a zero derivative as the number 0.0 and takes it out again where it can;
jvp read it as that number inside `np.cumsum(d_y)` or `d_h.T @ A` (a tangent of the wrong shape,
or a NumPy error), and returned the tangent of a number as an array of zeros.
"""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode


def rebound_parameter(x2, a):
    x2 = np.sum(a) ** 3
    return 0.25 * x2 + np.dot(a, x2 * a)


def rebound_parameter_summed_cumulatively(x2, a):
    x2 = np.sum(a) ** 3
    y = np.cumsum(x2 * a)
    return np.sum(y * a) + x2


def reset_accumulator_then_cumsum(x, a, M):
    acc = x * a
    total = np.sum(acc)
    acc = a * 2.0
    c = np.cumsum(acc)
    return total + np.sum((c @ M) * a)


def reset_then_transposed(x, A):
    h = x * A
    s = np.sum(h)
    h = np.ones((2, 3))
    return s + np.sum(h.T @ A)


def reset_then_reshaped_and_indexed(x, A):
    h = x * A
    s = np.sum(h * h)
    h = A * 2.0
    return s + np.sum(h[0] * x) + np.sum(np.reshape(h, (3, 2)) @ A)


A = np.array([[0.3, -0.5, 0.8], [0.1, 0.7, -0.2]])
CASES = [
    (rebound_parameter, (0.28, np.array([-0.21, -0.52, 0.05]))),
    (rebound_parameter_summed_cumulatively, (0.28, np.array([-0.21, -0.52, 0.05]))),
    (reset_accumulator_then_cumsum, (0.7, np.array([0.3, -0.5, 0.8]), np.arange(9.0).reshape(3, 3) / 10)),
    (reset_then_transposed, (0.7, A)),
    (reset_then_reshaped_and_indexed, (0.7, A)),
]


@pytest.mark.parametrize("func, args", CASES, ids=[case[0].__name__ for case in CASES])
def test_zero_derivative_keeps_its_shape_in_every_mode(func, args):
    check_every_mode(func, args, wrt=0)


@pytest.mark.parametrize("func, args", CASES, ids=[case[0].__name__ for case in CASES])
def test_tangent_has_the_shape_of_the_value(func, args):
    value, tangent = adjoint.jvp(func)(*args, 1.0)
    assert np.shape(tangent) == np.shape(value)
    assert type(tangent) is not np.ndarray or np.ndim(value) > 0
