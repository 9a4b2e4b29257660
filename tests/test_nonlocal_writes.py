"""A local function that rebinds the enclosing function's variables with `nonlocal`
(normalize/nonlocal_writes.py): exact in every mode and to second order, against autograd; any use of
such a function but a call as a statement of the enclosing function is refused at its line."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode


def accumulated(x):
    total = 0.0

    def add(v):
        nonlocal total
        total = total + v
    add(x)
    add(x * x)
    return total * x


def accumulated_in_a_loop(x, w):
    total = 0.0
    count = 0

    def step(v):
        nonlocal total, count
        if v > 0.0:
            total = total + v * w
        else:
            total = total * v
        count = count + 1
        return total * 2.0

    last = 0.0
    for k in range(4):
        last = step(x - k * 0.4)
    return total * last + count


def _running_state_of_arrays(xp):
    """The function over the module xp: NumPy for adjoint, autograd.numpy for autograd."""
    def running_state_of_arrays(x):
        state = xp.zeros(3)

        def push(v):
            nonlocal state
            state = 0.5 * state + v
            return xp.sum(state)

        first = push(x)
        second = push(xp.sin(x))
        return first * second + xp.sum(state * x)
    return running_state_of_arrays


running_state_of_arrays = _running_state_of_arrays(np)


def rebinds_the_assigned_name(x):
    total = x

    def scaled(v):
        nonlocal total
        total = total * v
        return v + 1.0

    total = scaled(x)  # Python binds total to the value returned after the call has rebound it
    return total * x


CASES = [
    (accumulated, (1.5,), 0, accumulated),
    (accumulated_in_a_loop, (0.9, 1.3), 0, accumulated_in_a_loop),
    (accumulated_in_a_loop, (0.9, 1.3), 1, accumulated_in_a_loop),
    (running_state_of_arrays, (np.array([0.3, -0.5, 1.1]),), 0, None),
    (rebinds_the_assigned_name, (0.7,), 0, rebinds_the_assigned_name),
]


@pytest.mark.parametrize("func, args, wrt, peer", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_nonlocal_writes(func, args, wrt, peer):
    if func is running_state_of_arrays:
        peer = _running_state_of_arrays(pytest.importorskip("autograd.numpy"))
    check_every_mode(func, args, wrt=wrt, peer=peer)


def called_in_an_expression(x):
    total = 0.0

    def add(v):
        nonlocal total
        total = total + v
        return v

    return add(x) * total  # <- expression


def passed_on(x):
    total = 0.0

    def add(v):
        nonlocal total
        total = total + v

    list(map(add, [x, x]))  # <- passed
    return total


def called_by_a_local_function(x):
    total = 0.0

    def add(v):
        nonlocal total
        total = total + v

    def twice(v):
        add(v)  # <- nested
        add(v)
    twice(x)
    return total


@pytest.mark.parametrize("func, label", [
    (called_in_an_expression, "expression"), (passed_on, "passed"), (called_by_a_local_function, "nested"),
])
def test_other_uses_of_a_function_with_nonlocal_are_refused_at_their_line(func, label):
    lines, first = inspect.getsourcelines(func)
    line = first + next(i for i, text in enumerate(lines) if f"# <- {label}" in text)
    with pytest.raises(adjoint.UnsupportedSyntaxError, match="nonlocal") as caught:
        adjoint.grad(func)(0.7)
    assert f"test_nonlocal_writes.py:{line}" in str(caught.value)
