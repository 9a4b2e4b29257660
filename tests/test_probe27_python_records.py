"""NamedTuples and dataclasses as users write them: methods named like an array's, constants of
the class, in every mode.

What was wrong:
- `p.sum()` (or `.prod()`, `.mean()`, ...) of a NamedTuple or dataclass whose class defines that
  method, on a value whose kind the analysis does not know (the variable of a loop over a list of
  records of more than one class; of one class, its own method is called), was differentiated as
  NumPy's np.sum: the gradient of `sum(p.sum() for p in ps)`, with
  `sum` returning `a * b`, was all ones where it is (b, a) for each record, without a warning (in
  value_and_grad and vjp, a TypeError from inside NumPy). NumPy's functions standing for array
  methods hand an object that is not an array to its own method of that name; where the value is
  not known to be a number or an array, that is checked when the derivative runs, and refused at
  the line;
- a constant of a dataclass's (or NamedTuple's) class read through an instance (`LR = 0.5` in the
  class body, `net.LR` or `self.LR` in a method) was refused when the derivative ran, without the
  line ("`LR` is not a field of the Net (its fields are ())"): it is read as the constant it is,
  with no derivative; an attribute an instance holds outside its fields is still refused;
- `p.copy()` of a NamedTuple with a `copy` method of its own, in a loop over a list of them, failed
  with an AttributeError inside the derivative (np.copy made an array of it): it is refused at
  the line, as the other methods named like an array's are.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode
from soundness import central_differences, directional_difference, flat


class Pair(NamedTuple):
    a: float
    b: float

    def sum(self):
        return self.a * self.b

    def prod(self):
        return self.a - self.b

    def mean(self):
        return self.a ** 2

    def copy(self):
        return Pair(self.a * 2.0, self.b)


class Swapped(NamedTuple):
    a: float
    b: float

    def sum(self):
        return self.b * self.a

    def prod(self):
        return self.b - self.a

    def mean(self):
        return self.b ** 2

    def copy(self):
        return Swapped(self.a, self.b * 2.0)


PAIRS = [Pair(0.4, 0.9), Pair(-0.3, 0.2)]
MIXED = [Pair(0.4, 0.9), Swapped(-0.3, 0.2)]  # no one class for the loop's variable: its kind is not known


def own_sums(ps):
    return sum(p.sum() for p in ps)  # <- own-sum


def own_products_and_means(ps):
    total = 0.0
    for p in ps:
        total = total + p.prod() * 2.0 + p.mean()  # <- own-prod
    return total


def own_copies(ps):
    return sum(p.copy().a * p.b for p in ps)  # <- own-copy


def numpy_sum_of_an_own_sum(p):
    return np.sum(p) * 2.0  # <- numpy-sum


def _line(marker: str) -> int:
    with open(__file__, encoding="utf-8") as source:
        return next(n for n, line in enumerate(source, 1) if line.rstrip().endswith(f"# <- {marker}"))


@pytest.mark.parametrize("func, args, marker", [(own_sums, (MIXED,), "own-sum"),
                                                (own_products_and_means, (MIXED,), "own-prod"),
                                                (own_copies, (MIXED,), "own-copy"),
                                                (numpy_sum_of_an_own_sum, (PAIRS[0],), "numpy-sum")],
                         ids=["sum", "prod", "copy", "np.sum"])
@pytest.mark.parametrize("transform", [adjoint.grad, adjoint.value_and_grad, adjoint.vjp])
def test_a_method_of_the_records_own_named_like_an_arrays_is_refused_at_its_line(func, args, marker, transform):
    with pytest.raises(adjoint.AdjointError, match="of a value of its own class") as info:
        transform(func)(*args)
    assert (info.value.filename, info.value.lineno) == (__file__, _line(marker))


def test_a_method_of_the_records_own_is_refused_in_forward_mode():
    with pytest.raises(adjoint.AdjointError, match="of a value of its own class"):
        adjoint.jvp(own_sums)(MIXED, [Pair(1.0, 0.0), Swapped(0.0, 0.0)])


@pytest.mark.parametrize("func", [own_sums, own_products_and_means, own_copies])
def test_the_records_own_methods_are_called_where_a_list_holds_records_of_one_class(func):
    # the loop's variable holds a Pair (the derivative is generated for the list's class): Pair.sum
    # is called, not np.sum; second order through it is refused (tests/test_record_lists.py)
    expected = central_differences(func, (PAIRS,), 0)
    np.testing.assert_allclose(flat(adjoint.grad(func)(PAIRS)), expected, rtol=1e-6, atol=1e-8)
    value, gradient = adjoint.value_and_grad(func)(PAIRS)
    assert value == func(PAIRS)
    np.testing.assert_allclose(flat(gradient), expected, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(flat(adjoint.vjp(func)(PAIRS)[1](1.0)), expected, rtol=1e-6, atol=1e-8)
    tangent = [Pair(0.3, -0.2), Pair(0.5, 0.1)]
    want = directional_difference(func, (PAIRS,), (0,), (tangent,))
    np.testing.assert_allclose(flat(adjoint.jvp(func)(PAIRS, tangent)[1]), want, rtol=1e-6, atol=1e-8)


class Plain(NamedTuple):
    a: float
    b: float


def sums_of_rows(rows):
    return sum(r.sum() * r.max() for r in rows)


def numpy_sum_of_a_plain_record(p):
    return np.sum(p) ** 2 + p.a


def test_the_array_methods_of_arrays_and_numpy_of_plain_records_are_differentiated():
    check_every_mode(sums_of_rows, ([np.array([0.3, -0.2]), np.array([0.5, 0.1, 0.7])],))
    check_every_mode(numpy_sum_of_a_plain_record, (Plain(0.4, -0.9),))


@dataclass
class Net:
    W: np.ndarray
    b: float = 0.1
    LR = 0.5
    SHIFT = np.array([0.1, 0.0, -0.1])

    def hidden(self, x):
        return np.tanh(self.W * x + self.b + self.SHIFT)

    def loss(self, x):
        return np.sum(self.hidden(x) ** 2) * self.LR + 0.01 * np.sum(self.W ** 2)


class Scale(NamedTuple):
    k: float
    FACTOR = 3.0

    def apply(self, v):
        return self.k * v * self.FACTOR


NET = Net(np.array([0.5, -0.3, 0.2]))
X3 = np.array([0.3, -1.2, 0.8])


def loss_through_a_method(net, x):
    return net.loss(x) + net.b ** 2


def constant_read_directly(net, x):
    return np.sum(net.W * x) * net.LR + net.b * Net.LR


def named_tuple_constant(s, v):
    return s.apply(v) + s.k * s.FACTOR


def records_in_a_list(nets, x):
    return sum(n.loss(x) * n.LR for n in nets)


@pytest.mark.parametrize("func", [loss_through_a_method, constant_read_directly], ids=lambda f: f.__name__)
def test_constants_of_a_dataclass_in_every_mode(func):
    check_every_mode(func, (NET, X3))
    check_every_mode(func, (NET, X3), wrt=1)


def test_constants_of_a_named_tuple_in_every_mode():
    check_every_mode(named_tuple_constant, (Scale(0.7), 1.3))
    check_every_mode(named_tuple_constant, (Scale(0.7), 1.3), wrt=1)


def test_the_bound_method_with_constants():
    check_every_mode(NET.loss, (X3,))


@dataclass
class Extra:
    w: float


def reads_an_attribute_of_the_instance(e):
    return e.note * e.w


def test_an_attribute_an_instance_holds_outside_its_fields_is_still_refused():
    extra = Extra(0.5)
    extra.note = 3.0
    with pytest.raises(adjoint.AdjointError):
        adjoint.grad(reads_an_attribute_of_the_instance)(extra)
