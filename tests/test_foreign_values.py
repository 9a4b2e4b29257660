"""Arrays of an ndarray subclass made inside a differentiated function (a class of the user's,
np.matrix, a masked array), and numbers of a class of the user's whose operations are not a
float's (an operator, `__index__`, `__float__` of its own): the derivative rules are an
ndarray's and a float's, so each is refused at its line, or at the argument."""
import inspect

import numpy as np
import pytest

import adjoint
from adjoint.errors import ArgumentError
from every_mode import check_every_mode


class Doubling(np.ndarray):
    def __mul__(self, other):
        return np.asarray(np.ndarray.__mul__(self, other)) * 2.0

    __rmul__ = __mul__


class Plain(np.ndarray):
    pass


class Shifted(float):
    """`*` one more than a float's."""

    def __mul__(self, other):
        return float(self) * other + 1.0

    __rmul__ = __mul__


class Counting(float):
    """An index that moves each time NumPy asks for it."""

    calls = 0

    def __index__(self):
        Counting.calls += 1
        return Counting.calls % 3


class Meters(float):
    """Only named: a float's operations."""

    def __repr__(self):
        return f"{float(self)} m"


def made_of_a_subclass(x):
    y = Doubling(4)
    y[:] = x
    return np.sum(y * x)


def viewed_as_a_subclass(x):
    y = (x * 1.0).view(Doubling)
    return np.sum(y * x)


def viewed_by_keyword(x):
    y = np.ones(4).view(type=Plain)
    return np.sum(y * x * x)


def viewed_through_the_class(x):
    w = np.ndarray.view(np.ones(4), Doubling)
    return np.sum(w * x * x)


def masked(x):
    w = np.ma.masked_array(np.ones(4), mask=[0, 1, 0, 0])
    return np.sum(w * x * x)


def masked_by_function(x):
    w = np.ma.array(np.ones(4), mask=[0, 1, 0, 0])
    return np.sum(w * x * x)


def as_matrix(x):
    w = np.matrix(np.ones((2, 2)))
    return np.sum(w * np.reshape(x, (2, 2)))


def mask_made():
    return np.ma.masked_array(np.ones(4), mask=[0, 1, 0, 0])


def masked_by_a_helper(x):
    w = mask_made()
    return np.sum(w * x * x)


REFUSED = [  # (function, the function whose line is refused, the text of that line)
    (made_of_a_subclass, made_of_a_subclass, "Doubling(4)"),
    (viewed_as_a_subclass, viewed_as_a_subclass, ".view(Doubling)"),
    (viewed_by_keyword, viewed_by_keyword, "type=Plain"),
    (viewed_through_the_class, viewed_through_the_class, "np.ndarray.view"),
    (masked, masked, "np.ma.masked_array"),
    (masked_by_function, masked_by_function, "np.ma.array"),
    (as_matrix, as_matrix, "np.matrix"),
    (masked_by_a_helper, mask_made, "np.ma.masked_array"),
]


def _line_of(func, text):
    lines, start = inspect.getsourcelines(func)
    return next(start + i for i, line in enumerate(lines) if text in line)


@pytest.mark.parametrize("func, where, line", REFUSED, ids=lambda v: getattr(v, "__name__", None))
def test_an_array_subclass_made_inside_is_refused_at_its_line(func, where, line):
    x = np.arange(1.0, 5.0)
    for mode in (adjoint.grad, adjoint.value_and_grad):
        with pytest.raises(adjoint.AdjointError) as refused:
            mode(func)(x)
        assert f"test_foreign_values.py:{_line_of(where, line)}:" in str(refused.value), str(refused.value)
    with pytest.raises(adjoint.AdjointError):
        adjoint.jvp(func)(x, np.ones(4))
    with pytest.raises(adjoint.AdjointError):
        adjoint.hvp(func)(x, np.ones(4))


def squared(x):
    return x * x


def picked(x, k):
    return x[k] * x[k] * 2.0


@pytest.mark.parametrize("mode", ["grad", "value_and_grad", "vjp", "jvp", "hvp"])
def test_a_number_whose_operator_is_its_own_is_refused(mode):
    x = Shifted(1.5)
    calls = {"grad": lambda: adjoint.grad(squared)(x), "value_and_grad": lambda: adjoint.value_and_grad(squared)(x),
             "vjp": lambda: adjoint.vjp(squared)(x), "jvp": lambda: adjoint.jvp(squared)(x, 1.0),
             "hvp": lambda: adjoint.hvp(squared)(x, 1.0)}
    with pytest.raises(ArgumentError, match="Shifted"):
        calls[mode]()


def test_an_index_of_its_own_is_refused():
    with pytest.raises(ArgumentError, match="Counting"):
        adjoint.grad(picked)(np.arange(1.0, 5.0), Counting(1.0))


def test_a_number_whose_operations_are_a_floats_is_differentiated():
    check_every_mode(squared, (Meters(1.5),))


SHIFTED_SCALE = Shifted(2.0)


def scaled_by_a_global(x):
    return x * SHIFTED_SCALE * x  # <- the global


def test_a_global_number_whose_operator_is_its_own_is_refused_at_its_line():
    with pytest.raises(adjoint.AdjointError, match=f"test_foreign_values.py:{_line_of(scaled_by_a_global, '<-')}:"):
        adjoint.grad(scaled_by_a_global)(1.5)
