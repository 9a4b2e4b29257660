"""A function whose local holds the name of a builtin the derivative calls (`list`, `isinstance`:
the backward half copies the lists it pops, and rules read builtins): the derivative reaches the
builtin under a name of its own, as it reaches a rule's globals. The derivative called `list(list)`
on the user's array and crashed before."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode
from soundness import central_differences


def trajectory_named_list(x):
    list = [x[0]]
    for _ in range(2):
        list.append(list[-1] * x[1])
    list = np.array(list)
    return np.sum(list ** 2)


def caller(x):
    return 2.0 * trajectory_named_list(x)


def parts_named_isinstance(x):
    isinstance = [x[0], x[1] * x[0]]
    isinstance.append(isinstance[-1] * 3.0)
    return isinstance[0] * isinstance[-1] + len(isinstance)


@pytest.mark.parametrize("func", [trajectory_named_list, parts_named_isinstance], ids=lambda func: func.__name__)
def test_every_mode(func):
    check_every_mode(func, (np.array([0.5, 1.2]),))


def test_a_caller_of_it_differentiates_its_halves():
    x = np.array([0.5, 1.2])
    np.testing.assert_allclose(adjoint.grad(caller)(x), central_differences(caller, (x,), 0), rtol=1e-6)
