"""A NamedTuple or dataclass rebound by its own operator (`p = p * k`, `p *= k`, `p += q`) whose class
defines the operator in Python. A name rebound was no record of a known class
(normalize/record_classes.py), so the operator stayed arithmetic; and a NamedTuple is of a tuple's
kind, whose operands were not checked when the derivative runs. `p *= x` had the derivative of the
tuple's arithmetic, not of the class's `__mul__` (grad 2.6 where the slope is 10.14), and `p += q`
crashed in the derivative; so did a record a function of the user's returns (`p = make(x); p *= x`:
a wrong gradient, 3.38 for 17.58).

Where the class's method for the operator returns a record of the class, the name is a record of it
now, and the operator calls the method (`__imul__` first for `*=`, where the class defines it, as
Python does): differentiated in every mode. Where the class is not known (a function returning one
of two classes, an item of a list mixing them), an operand of a tuple's or a record's kind that a
function of the user's returned is checked when the derivative runs, and refused at the line.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pytest

from every_mode import check_program, check_refused_at
from soundness import marked_line


class Scaled(NamedTuple):
    a: float
    b: float

    def __add__(self, other):
        return Scaled(self.a + other.a, self.b * other.b)

    def __mul__(self, k):
        return Scaled(self.a * k, self.b * k * k)


class Plain(NamedTuple):
    a: float
    b: float


@dataclass
class Cell:
    a: float
    b: float

    def __mul__(self, k):
        return Cell(self.a * k, self.b + k)


def times_in_place(x):
    p = Scaled(x, 2.0)
    p *= x
    return p.a * p.b


def times_rebound(x):
    p = Scaled(x, 2.0)
    p = p * x
    return p.a * p.b


def added_in_place(x):
    p = Scaled(x, 2.0)
    p += Scaled(1.0, x)
    return p.a * p.b


def added_in_a_loop(x):
    p = Scaled(x, 1.0)
    for _ in range(3):
        p += Scaled(0.5, x)
    return p.a + p.b


def a_dataclass_rebound(x):
    c = Cell(x, 1.0)
    c *= x
    return c.a * c.b


DIFFERENTIATED = [times_in_place, times_rebound, added_in_place, added_in_a_loop, a_dataclass_rebound]


@pytest.mark.parametrize("func", DIFFERENTIATED, ids=[func.__name__ for func in DIFFERENTIATED])
def test_a_record_rebound_by_its_own_operator_calls_the_method(func) -> None:
    check_program(func, (1.3,), (0,), with_autograd=(0,))


class Shifted(NamedTuple):
    a: float
    b: float

    def __mul__(self, k):
        return Shifted(self.a + k, self.b)


def made_by(x):
    return Scaled(x, 2.0) if x > 0.0 else Shifted(x, 1.0)


def returned_by_a_function(x):
    p = made_by(x)
    p *= x  # <- returned
    return p.a * p.b


def taken_from_a_mixed_list(x):
    ps = [Scaled(x, 2.0), Shifted(1.0, x)]
    p = ps[int(x > 1.0)]
    p = p * x  # <- mixed
    return p.a * p.b


REFUSED = [(returned_by_a_function, "returned"), (taken_from_a_mixed_list, "mixed")]


@pytest.mark.parametrize("func, marker", REFUSED, ids=[marker for _, marker in REFUSED])
def test_an_operator_on_a_record_of_a_class_not_known_is_refused_at_its_line(func, marker) -> None:
    where = f"{__file__}:{marked_line(func, marker)}:"
    check_refused_at(func, (1.3,), (0,), where, np.random.default_rng(0))


def methods_by_name(x):
    p = Scaled(x, 2.0)
    p = p.__add__(Scaled(1.0, x))
    p = p.__mul__(x)
    return p.a * p.b


def tuples_joined(x):
    p = Plain(x, 2.0)
    q = p + (x, 3.0)  # a NamedTuple whose class defines no `+`: the tuples joined
    q = q * 2
    return q[0] * q[3] + q[6] * x


def records_in_play_beside_tuples(x, ys):
    p = Scaled(x, 2.0).__mul__(x)
    pairs = (ys[0], ys[1]) + (x, p.b)
    return pairs[0] * pairs[3] + sum(pairs)


@pytest.mark.parametrize("func, args", [(methods_by_name, (1.3,)), (tuples_joined, (1.3,)),
                                        (records_in_play_beside_tuples, (1.3, [0.5, -2.0]))],
                         ids=["methods_by_name", "tuples_joined", "records_in_play_beside_tuples"])
def test_methods_by_name_and_tuples_joined_are_differentiated(func, args) -> None:
    check_program(func, args, (0,))
