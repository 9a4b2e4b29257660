"""The cached call's choice of generated function by argument types (backend/dispatch.py)."""
from __future__ import annotations

import numpy as np

import adjoint
from adjoint.backend.dispatch import MAX_WRITTEN, picker


def first(*args):
    return "first"


def second(*args):
    return "second"


def test_the_picker_gives_the_function_for_exactly_these_types():
    pick = picker({(float, float): first, (np.ndarray, float): second, (): second})
    assert pick((1.0, 2.0)) is first
    assert pick((np.ones(2), 2.0)) is second
    assert pick(()) is second
    assert pick((1.0,)) is None
    assert pick((1, 2.0)) is None  # an int is not a float
    assert pick((np.float64(1.0), 2.0)) is None  # nor a subclass of float
    assert pick((1.0, 2.0, 3.0)) is None


def test_keys_that_are_not_type_tuples_are_left_to_the_slow_path():
    pick = picker({((float,), (("g", 1),)): first})
    assert pick((1.0,)) is None


def test_many_type_tuples_are_looked_up_in_the_table():
    table = {(float,) * n: first for n in range(MAX_WRITTEN + 2)}
    pick = picker(table)
    assert pick((1.0,) * 3) is first
    assert pick((1,)) is None


def test_grad_chooses_the_code_for_each_argument_type():
    def f(x, y):
        return np.sum(x * y)

    gradient = adjoint.grad(f, wrt=(0, 1))
    assert gradient(2.0, 3.0) == (3.0, 2.0)
    assert np.allclose(gradient(np.ones(2), 3.0)[0], [3.0, 3.0])
    assert gradient(2.0, 3.0) == (3.0, 2.0)
    assert gradient(2, 3.0) == (3.0, 2.0)
    assert type(gradient(2, 3.0)[0]) is float
