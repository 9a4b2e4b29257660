"""np.piecewise with functions of the user's (named, or lambdas) and constants: written as NumPy runs
it (conditions, the "otherwise" one, zeros of x's type, each function called on the values its
condition selects where there are any), so the functions' source is differentiated."""
import inspect
import math

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode

def cubed(v):
    return v ** 3 + np.sin(v)


def never_empty(v):
    assert v.size > 0, "called with no values"
    return 2.0 * v


def two_pieces(x):
    return np.sum(np.piecewise(x, [x < 0.5, x >= 0.5], [cubed, lambda v: 3.0 * v * v]) * x)


def with_otherwise(x):
    y = np.piecewise(x * x, [x < -1.0, x > 1.0], [lambda v: np.exp(-v), 2.0, cubed])
    return np.sum(y ** 2)


def returned(x):
    return np.piecewise(x, [x < 0.0], [lambda v: -v * v, lambda v: v * v * v])


def in_a_loop(x):
    total = 0.0
    for k in range(3):
        y = np.piecewise(x + k, [x > 0.0], [cubed, 0.5])
        total = total + np.sum(y)
    return total


def of_a_number(x):
    return float(np.piecewise(x, [x < 1.0, x >= 1.0], [lambda v: v * v, lambda v: math.e * v])) * x


def skipped_when_empty(x):
    return np.sum(np.piecewise(x, [x > 100.0, x <= 100.0], [never_empty, cubed]))


@pytest.mark.parametrize("func", [two_pieces, with_otherwise, skipped_when_empty], ids=lambda f: f.__name__)
def test_piecewise_of_the_users_functions(func):
    """(autograd has no derivative of np.piecewise to compare with.)"""
    check_every_mode(func, (np.array([-1.7, -0.3, 0.8, 1.6, 2.2]),))


def test_piecewise_in_a_loop():
    """Second derivatives refused, as where a loop's body calls a function only where an array is not
    empty and writes into an array: the first derivative's stack may hold the array written."""
    check_every_mode(in_a_loop, (np.array([-1.7, -0.3, 0.8, 1.6, 2.2]),), second_order=False)


def test_piecewise_returned_in_the_vjp_and_jvp_modes():
    x = np.array([-1.2, 0.4, 1.9])
    value, pullback = adjoint.vjp(returned)(x)
    np.testing.assert_array_equal(value, returned(x))
    np.testing.assert_allclose(pullback(np.ones(3)), np.where(x < 0.0, -2.0 * x, 3.0 * x * x), rtol=1e-12)
    value, tangent = adjoint.jvp(returned)(x, np.ones(3))
    np.testing.assert_allclose(tangent, np.where(x < 0.0, -2.0 * x, 3.0 * x * x), rtol=1e-12)


@pytest.mark.parametrize("x", [0.4, 1.7])
def test_piecewise_of_a_number(x):
    check_every_mode(of_a_number, (x,))


def test_a_function_with_nothing_selected_is_not_called():
    x = np.array([0.5, 1.5])
    np.testing.assert_allclose(adjoint.grad(skipped_when_empty)(x), 3.0 * x * x + np.cos(x), rtol=1e-12)


def unknown_pieces(x, pieces):
    return np.sum(np.piecewise(x, [x < 0.5, x >= 0.5], pieces))


def test_pieces_not_written_in_the_call_stay_refused():
    lines, start = inspect.getsourcelines(unknown_pieces)
    with pytest.raises(adjoint.AdjointError, match=f"test_piecewise.py:{start + 1}:"):
        adjoint.grad(unknown_pieces)(np.array([0.2, 0.9]), [cubed, cubed])
