"""Views bound by a tuple assignment (`pos, vel = state[:2], state[2:]`) and written through: the
assignment of a display of views is the assignments one by one where no item reads a name bound
before it (normalize/views.py), so each name is replaced by its view as a name bound alone is.
Where the names are swapped, or an item reads a name bound before it, the write through the
view stays refused."""
import inspect

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode


def leapfrog_step(x):
    state = x * 1.0
    pos, vel = state[:2], state[2:]
    pos += 0.1 * vel
    return np.sum(state ** 2)


def leapfrog_loop(x):
    state = x * 1.0
    for _ in range(3):
        pos, vel = state[:2], state[2:]
        pos += 0.1 * vel * vel
        vel -= 0.2 * np.sin(pos)
    return np.sum(state ** 3)


def parenthesized(x):
    state = x * 1.0
    (pos, vel) = (state[:2], state[2:])
    pos *= vel
    return np.sum(state ** 2) + np.sum(pos)


def overlapping(x):
    s = x * 1.0
    a, b = s[0:2], s[1:3]
    a += b
    return np.sum(s * s)


def rows_of_a_matrix(x):
    m = np.outer(x[:2], x[2:])
    top, bottom = m[0], m[1]
    top += 2.0 * bottom
    bottom *= top
    return np.sum(m ** 2)


def with_a_number(x):
    s = x * 1.0
    head, scale = s[:2], 3.0
    head *= scale
    return np.sum(s ** 2)


def rebound_after(x):
    s = x * 1.0
    a, b = s[:2], s[2:]
    b = b * 2.0
    a += b
    return np.sum(s * s)


EXACT = [leapfrog_step, parenthesized, overlapping, rows_of_a_matrix, with_a_number, rebound_after]


@pytest.mark.parametrize("func", EXACT, ids=lambda f: f.__name__)
def test_views_unpacked_from_a_display_and_written_through(func):
    """(autograd is no peer here: `pos += v` on its boxes rebinds pos, and leaves state as it was.)"""
    check_every_mode(func, (np.array([0.3, -1.2, 0.8, 1.5]),))


def test_views_unpacked_in_a_loop_first_order():
    """Second derivatives refused as for views bound one by one in a loop: the first derivative keeps
    `state`, which the next step writes into."""
    check_every_mode(leapfrog_loop, (np.array([0.3, -1.2, 0.8, 1.5]),), second_order=False)


def swapped(x):
    state = x * 1.0
    pos, vel = state[:2], state[2:]
    vel, pos = pos, vel
    pos += 0.1 * vel
    return np.sum(state ** 2)


def reads_a_name_bound_before(x):
    s = x * 1.0
    a = s[2:]
    a, b = s[:2], a
    b += a
    return np.sum(s ** 2)


@pytest.mark.parametrize("func, line", [(swapped, "pos += 0.1 * vel"), (reads_a_name_bound_before, "b += a")], ids=lambda v: getattr(v, "__name__", None))
def test_views_swapped_or_rebound_stay_refused(func, line):
    lines, start = inspect.getsourcelines(func)
    where = next(start + i for i, text in enumerate(lines) if line in text)
    for mode in (adjoint.grad, adjoint.value_and_grad):
        with pytest.raises(adjoint.AdjointError) as refused:
            mode(func)(np.array([0.3, -1.2, 0.8, 1.5]))
        assert f"test_unpacked_views.py:{where}:" in str(refused.value), str(refused.value)
