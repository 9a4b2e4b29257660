"""functools.partial of a NumPy or math function, held by a global, a closure or an argument: a
call of it is the call of the function with the partial's arguments first and its keywords (the
call's own keywords win), differentiated by the function's rule."""
import functools
import inspect
import math

import numpy as np
import pytest

import adjoint
from every_mode import AUTOGRAD_RUNS_NUMPY_CALLS, check_every_mode

CUBED_BASE = functools.partial(np.power, 3.0)
COLUMN_SUMS = functools.partial(np.sum, axis=0)
SCALED_LOG = functools.partial(math.log)
CLIPPED = functools.partial(np.clip, a_min=-0.5, a_max=1.5)
WEIGHTED = functools.partial(np.dot, np.array([1.0, -2.0, 0.5, 3.0]))
NESTED = functools.partial(functools.partial(np.linspace, num=5), 0.0)


def power_of_a_global_partial(x):
    return np.sum(CUBED_BASE(x) * x)


def column_sums(x):
    return np.sum(COLUMN_SUMS(np.reshape(x, (2, 2)) ** 2) ** 2)


def keywords_overridden(x):
    return np.sum(COLUMN_SUMS(np.reshape(x, (2, 2)) ** 2, axis=1) ** 3)


def clipped(x):
    return np.sum(CLIPPED(x * x) * x)


def weighted(x):
    return WEIGHTED(np.tanh(x)) ** 2


def nested(x):
    return np.sum(NESTED(x[0]) * x[1])


def through_a_closure():
    total = functools.partial(np.sum, axis=None)

    def f(x):
        return total(x ** 3) * np.sum(x)
    return f


def through_an_argument(x, reduce):
    return reduce(np.sin(x)) ** 2


PROGRAMS = [power_of_a_global_partial, column_sums, keywords_overridden, clipped, weighted, nested,
            through_a_closure()]


# (autograd runs np.clip given a_min and a_max, and np.linspace of a box, otherwise than NumPy)
WITHOUT_AUTOGRAD = (clipped, nested)


@pytest.mark.parametrize("func", PROGRAMS, ids=lambda f: f.__name__)
def test_a_partial_of_a_numpy_function(func):
    runs = AUTOGRAD_RUNS_NUMPY_CALLS and func not in WITHOUT_AUTOGRAD
    check_every_mode(func, (np.array([0.3, -1.2, 0.8, 1.5]),), peer=func if runs else None)


def test_a_partial_of_a_numpy_function_given_as_an_argument():
    bound = functools.partial(through_an_argument, reduce=functools.partial(np.sum, axis=0))
    check_every_mode(bound, (np.array([0.3, -1.2, 0.8, 1.5]),))


def test_a_partial_of_math_log():
    check_every_mode(lambda x: SCALED_LOG(x, 2.0) * x, (1.7,))


def test_a_partial_rebound_makes_a_new_derivative():
    global CUBED_BASE
    x = np.array([0.3, -1.2, 0.8, 1.5])
    first = adjoint.grad(power_of_a_global_partial)(x)
    saved = CUBED_BASE
    try:
        CUBED_BASE = functools.partial(np.power, 2.0)
        again = adjoint.grad(power_of_a_global_partial)(x)
        np.testing.assert_allclose(again, 2.0 ** x * (np.log(2.0) * x + 1.0), rtol=1e-12)
    finally:
        CUBED_BASE = saved
    np.testing.assert_allclose(first, 3.0 ** x * (np.log(3.0) * x + 1.0), rtol=1e-12)


def partial_without_a_rule(x):
    return np.sum(POLY(x))


POLY = functools.partial(np.i0)


def test_a_partial_of_a_function_without_a_rule_is_refused_at_the_call():
    with pytest.raises(adjoint.AdjointError, match="test_library_partials.py:"):
        adjoint.grad(partial_without_a_rule)(np.array([0.3, -1.2]))


OUTPUT = np.zeros(4)
ADD_INTO = functools.partial(np.add, out=OUTPUT)
SCALED_BY = functools.partial(np.multiply, np.array([1.0, 2.0, 3.0, 4.0]))


def added_into_a_bound_output(x):
    y = ADD_INTO(x, x)
    return np.sum(y * x)


def written_after(x):
    z = SCALED_BY(x)
    z[0] = 5.0
    return np.sum(z * x)


def test_a_partial_writing_into_its_bound_output_is_refused_at_the_call():
    lines, start = inspect.getsourcelines(added_into_a_bound_output)
    with pytest.raises(adjoint.AdjointError, match=f"test_library_partials.py:{start + 1}:.*ADD_INTO_out"):
        adjoint.grad(added_into_a_bound_output)(np.array([0.3, -1.2, 0.8, 1.5]))


def test_the_result_of_a_partial_written_into():
    check_every_mode(written_after, (np.array([0.3, -1.2, 0.8, 1.5]),))
