"""The cached call's choice of generated function by argument types (backend/dispatch.py)."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from adjoint.errors import NonScalarOutputError
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


def test_the_cached_call_is_written_as_one_function_and_agrees_with_the_general_path():
    def f(x, y):
        return x * x * y

    gradient = adjoint.grad(f, wrt=(0, 1))
    general = gradient.__wrapped__
    assert gradient(2.0, 3.0) == (12.0, 4.0)
    assert gradient._call is not general  # the types seen: one function, no picker call
    assert gradient(2.0, 3.0) == general(2.0, 3.0) == (12.0, 4.0)
    assert gradient(2, 3.0) == (12.0, 4.0)  # other types: the general path, then written too
    assert gradient(x=2.0, y=3.0) == (12.0, 4.0)  # keywords: the general path
    single = adjoint.grad(f, wrt=(0,))
    assert single(2.0, 3.0) == (12.0,) == single(2.0, 3.0)
    both = adjoint.value_and_grad(f)
    assert both(2.0, 3.0) == (12.0, 12.0) == both(2.0, 3.0)


def test_the_written_cached_call_raises_what_the_general_path_raises():
    def f(x):
        return np.array([x, x])

    gradient = adjoint.grad(f)
    for _ in range(2):  # the second call runs the written function
        with pytest.raises(NonScalarOutputError, match="grad of .*f"):
            gradient(2.0)
    assert gradient._call is not gradient.__wrapped__
    both = adjoint.value_and_grad(f)
    for _ in range(2):
        with pytest.raises(NonScalarOutputError, match="value_and_grad of .*f"):
            both(2.0)
    assert both._call is not both.__wrapped__


def test_the_written_cached_call_steps_aside_when_the_rules_change():
    from adjoint.rules.table import Revision

    def f(x):
        return x * x

    gradient = adjoint.grad(f)
    assert gradient(3.0) == 6.0
    written = gradient._call
    Revision.bump()
    assert gradient(3.0) == 6.0  # generated again, through the general path
    assert gradient._call is not written
