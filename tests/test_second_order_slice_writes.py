"""Second derivatives through loops that write a slice of an array in place (the heat-equation
stencil `u[1:-1] = u[1:-1] + k * (u[2:] - 2 * u[1:-1] + u[:-2])`).

The first derivative reads the views `u[1:-1]`, `u[2:]` of each step only for their shapes: it
saves shape_only stand-ins of them, not the views (ad/shapes.py), and a rebinding of a name the
adjoint sweep does not read saves nothing, even when the name views an array it reads
(analysis/saves.py). Its stack then holds no memory a later write changes, and the derivative
of the derivative follows it instead of refusing. Where a view is read by value after the write,
the write still saves and restores what it overwrites, in place, so the view sees it."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode


def heat_stencil(u0, k):
    u = u0.copy()
    for _ in range(5):
        u[1:-1] = u[1:-1] + k * (u[2:] - 2.0 * u[1:-1] + u[:-2])
    return np.sum(u ** 2)


def heat_stencil_2d(u0, k):
    u = u0.copy()
    for _ in range(3):
        u[1:-1, 1:-1] = u[1:-1, 1:-1] + k * (u[2:, 1:-1] + u[:-2, 1:-1] + u[1:-1, 2:] + u[1:-1, :-2]
                                             - 4.0 * u[1:-1, 1:-1])
    return np.sum(u ** 3)


def wave_equation(u0, c):
    """Leapfrog in time, two arrays written through slices on every step."""
    previous = u0.copy()
    current = u0.copy()
    for _ in range(4):
        following = current.copy()
        following[1:-1] = 2.0 * current[1:-1] - previous[1:-1] + c ** 2 * (
            current[2:] - 2.0 * current[1:-1] + current[:-2])
        previous = current
        current = following
    return np.sum(np.sin(current))


def heat_filled_each_step(u0, dt):
    """A new array each step, its inside written through a slice (nothing before the write reads it)."""
    u = u0
    for _ in range(4):
        lap = np.zeros_like(u)
        lap[1:-1] = u[2:] - 2.0 * u[1:-1] + u[:-2]
        u = u + dt * lap
    return np.sum(u ** 3)


def read_between_making_and_writing(u0, dt):
    """The new array is read between the statement that makes it and the write: that read's
    derivative needs what the write overwrites, which is saved."""
    u = u0
    for _ in range(3):
        lap = np.zeros_like(u) + u
        scale = np.sum(lap * u)
        lap[1:-1] = u[2:] - 2.0 * u[1:-1] + u[:-2]
        u = 0.1 * scale * u + dt * lap
    return np.sum(u ** 2)


def recurrence_through_slices(x, a):
    """y[1:] depends on y[:-1] written on the step before."""
    y = np.zeros(len(x))
    for _ in range(3):
        y[1:] = a * np.tanh(y[:-1]) + x[1:]
    return np.sum(y ** 2)


def view_read_after_the_write(u0, k):
    """The view `inner` sees the write: its value after it is read by the loss."""
    u = u0.copy()
    total = 0.0
    for _ in range(3):
        inner = u[1:-1]
        u[1:-1] = inner * (1.0 + k) + k * u[2:]
        total = total + np.sum(inner ** 2)
    return total


def line_of(func, text: str) -> int:
    """The file line of func's first line holding text."""
    lines, first = inspect.getsourcelines(func)
    return first + next(number for number, line in enumerate(lines) if text in line)


RNG = np.random.default_rng(5)
U0 = np.sin(np.linspace(0.0, 3.0, 8)) ** 2
CASES = [
    (heat_stencil, (U0, 0.1), 0),
    (heat_stencil, (U0, 0.1), 1),
    (heat_stencil_2d, (RNG.normal(size=(5, 6)), 0.1), 0),
    (heat_stencil_2d, (RNG.normal(size=(5, 6)), 0.1), 1),
    (recurrence_through_slices, (RNG.normal(size=6), 0.7), 0),
    (recurrence_through_slices, (RNG.normal(size=6), 0.7), 1),
    (heat_filled_each_step, (U0, 0.1), 0),
    (heat_filled_each_step, (U0, 0.1), 1),
]


@pytest.mark.parametrize("func, args, wrt", CASES, ids=[f"{f.__name__}-{w}" for f, _, w in CASES])
def test_exact_to_second_order(func, args, wrt):
    check_every_mode(func, args, wrt)


def test_the_hessian_of_the_stencil_matches_differences_of_its_gradient():
    gradient = adjoint.grad(heat_stencil)
    step = 1e-5
    columns = [(gradient(U0 + step * e, 0.1) - gradient(U0 - step * e, 0.1)) / (2 * step) for e in np.eye(len(U0))]
    np.testing.assert_allclose(adjoint.hessian(heat_stencil)(U0, 0.1), np.array(columns), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("wrt", [0, 1])
def test_two_arrays_swapped_each_step_are_exact_to_first_order_and_refused_at_second(wrt):
    """`current = following` makes the two names share the array written on the step before: the
    analysis of the derivative, which does not follow the new copy `following` is bound to on the
    next step, refuses its second derivative at the user's line (it does not get it wrong)."""
    check_every_mode(wave_equation, (U0, 0.4), wrt, second_order=False)


@pytest.mark.parametrize("wrt", [0, 1])
def test_a_view_read_after_the_write_is_exact_to_first_order_and_refused_at_second(wrt):
    """`inner` is read as `u[1:-1]` (normalize/views.py), whose value after the write the derivative
    follows; the first derivative keeps u for its backward sweep, so the second is refused at the line."""
    check_every_mode(view_read_after_the_write, (U0, 0.3), wrt, second_order=False)
    with pytest.raises(adjoint.UnsupportedSyntaxError) as raised:
        adjoint.hvp(view_read_after_the_write, wrt=wrt)(U0, 0.3, np.ones(len(U0)) if wrt == 0 else 1.0)
    assert f"{__file__}:{line_of(view_read_after_the_write, 'u[1:-1] = inner')}" in str(raised.value)


def prefix_dependent_items(x):
    """The backward sweep reads `y[:i]` by value: the derivative keeps views of y."""
    y = x * 1.0
    for i in range(1, len(x)):
        y[i] = y[i] + 0.5 * np.sum(np.sin(y[:i]))
    return np.sum(y ** 2)


def test_a_derivative_that_keeps_views_is_refused_at_second_order_in_the_users_terms():
    check_every_mode(prefix_dependent_items, (U0,), 0, second_order=False)
    with pytest.raises(adjoint.UnsupportedSyntaxError) as raised:
        adjoint.hvp(prefix_dependent_items)(U0, np.ones_like(U0))
    message = str(raised.value)
    assert f"{__file__}:{line_of(prefix_dependent_items, 'y[i] = ')}" in message
    assert "writes in place into `y`" in message
    assert "_stack" not in message
