"""Records whose class defines `__iter__` in Python (a generator): sum, sorted, max, math.fsum,
list, unpacking, a comprehension and NumPy iterate them with it, while adjoint reads a record's
fields. Each such use is refused at its line (a TypeError, or a gradient of the fields, before);
a NamedTuple that keeps the tuple's iteration is summed and unpacked exactly."""
import inspect
import math
import typing

import numpy as np
import pytest

import adjoint
from adjoint import runtime
from every_mode import check_every_mode
from probe39_programs import Swapped  # a dataclass whose __iter__ yields y, then 2x


class Twice(typing.NamedTuple):
    a: float
    b: float

    def __iter__(self):
        yield self.a
        yield self.a


class Pair(typing.NamedTuple):
    a: float
    b: float


def summed_built(x):
    p = Swapped(x, x * x)
    return sum(p)


def summed(p):
    return sum(p)


def summed_named(x):
    p = Twice(x, x * x)
    return sum(p) * x


def sorted_first(p):
    return sorted(p)[0] * 3.0


def largest(p):
    return max(p)


def added_exactly(p):
    return math.fsum(p)


def listed(p):
    return list(p)[1] * 5.0


def unpacked(p):
    a, b = p
    return a * b


def squares(p):
    return sum([v * v for v in p])


def as_array(p):
    return np.sum(np.array(p) ** 2)


def zipped(p, q):
    return sum(u * v for u, v in zip(p, q))


def summed_item(x):
    ps = [Swapped(x, 2.0 * x)]
    return sum(ps[0])


REFUSED = [  # (function, arguments, the text of the line refused)
    (summed_built, (1.5,), "sum(p)"),
    (summed, (Swapped(1.5, 2.0),), "sum(p)"),
    (summed, (Twice(1.5, 2.0),), "sum(p)"),
    (summed_named, (1.5,), "sum(p)"),
    (sorted_first, (Twice(1.5, 2.0),), "sorted(p)"),
    (largest, (Swapped(1.5, 2.0),), "max(p)"),
    (added_exactly, (Twice(1.5, 2.0),), "math.fsum(p)"),
    (listed, (Twice(1.5, 2.0),), "list(p)"),
    (unpacked, (Twice(1.5, 2.0),), "a, b = p"),
    (squares, (Swapped(1.5, 2.0),), "for v in p"),
    (zipped, (Pair(0.5, 3.0), Twice(1.5, 2.0)), "zip(p, q)"),
    (as_array, (Twice(1.5, 2.0),), "np.array(p)"),
    (zipped, (Twice(1.5, 2.0), Pair(0.5, 3.0)), "zip(p, q)"),
]


def _line_of(func, text):
    lines, start = inspect.getsourcelines(func)
    return next(start + i for i, line in enumerate(lines) if text in line)


@pytest.mark.parametrize("func, args, line", REFUSED, ids=lambda v: getattr(v, "__name__", None))
def test_iterating_a_record_by_its_own_iter_is_refused_at_the_line(func, args, line):
    for mode in (adjoint.grad, adjoint.value_and_grad):
        with pytest.raises(adjoint.AdjointError) as refused:
            mode(func)(*args)
        assert f"test_iterated_records.py:{_line_of(func, line)}:" in str(refused.value), str(refused.value)
        assert "__iter__" in str(refused.value)


def test_a_record_of_an_item_iterated_by_its_own_iter_is_refused():
    with pytest.raises(adjoint.AdjointError, match="__iter__"):
        adjoint.grad(summed_item)(1.5)


def summed_pair(x):
    p = Pair(x, x * x)
    a, b = p
    return sum(p) * b + a


def test_a_named_tuple_iterated_as_a_tuple_is_exact():
    check_every_mode(summed_pair, (1.5,))


def test_a_named_tuple_argument_summed_is_exact():
    got = adjoint.grad(summed)(Pair(1.5, 2.0))
    assert type(got) is Pair and got == (1.0, 1.0)


@pytest.mark.parametrize("helper, args", [("sum_adjoint", (1.0,)), ("sum_tangent", (1.0,)),
                                          ("sorted_adjoint", ([1.0, 0.0],)), ("sorted_tangent", ([1.0, 0.0],))])
def test_the_helpers_of_sum_and_sorted_refuse_a_record_iterated_by_its_own_iter(helper, args):
    """Where no analysis knew the record's class, the derivative refuses when it runs."""
    record = Twice(1.5, 2.0)
    extra = (0.0,) if helper == "sum_tangent" else ()
    with pytest.raises(runtime.Refused, match="__iter__"):
        getattr(runtime, helper)(*args, record, *extra)
