"""Everyday Python inside numeric functions: unpacking, comprehensions, helpers, containers.

What was wrong:
- tuple unpacking (`a, b = xs`, `first, *mid, last = xs`, `for a, b in rows`, nested targets) was
  read item by item by position with nothing checking the length: where Python raises ValueError
  (`too many values to unpack`, `not enough values`), the derived functions returned a value and a
  gradient (of the first items), or raised an IndexError of their own; unpacking a dict (its keys,
  in Python) read `d[0]` and raised KeyError. The length is now checked before the items are read,
  raising what Python raises, and unpacking a dict or a set is refused at its line.
"""
from __future__ import annotations

import copy
from typing import NamedTuple

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode

XS = [0.3, -0.7, 1.2]


class Pair(NamedTuple):
    a: float
    b: float


# ----- unpacking checks its length ---------------------------------------------------------

def unpack_two(xs):
    a, b = xs
    return a * b


def unpack_in_loop_target(xs):
    t = 0.0
    for a, b in [(xs[0], xs[1], xs[2])]:
        t += a * b
    return t


def unpack_starred(xs):
    first, *mid, last = xs
    return first * last + sum(mid)


def unpack_three_from_record(p):
    a, b, c = p
    return a * b


def unpack_nested(xs):
    rows = [(xs[0], tuple(xs[1:]))]
    t = 0.0
    for a, (b, c) in rows:
        t += a * b - c
    return t


def unpack_dict(d):
    a, b = d  # <- dict-unpack
    return d[a] * d[b]


def _derived(func):
    return [adjoint.value_and_grad(func), adjoint.grad(func), lambda *a: adjoint.vjp(func)(*a)[1](1.0),
            lambda *a: adjoint.jvp(func)(*a, copy.deepcopy(a[0]))]


@pytest.mark.parametrize("func, args", [
    (unpack_two, (list(XS),)), (unpack_two, (np.array(XS),)), (unpack_two, ([0.5],)),
    (unpack_in_loop_target, (list(XS),)), (unpack_starred, ([0.4],)), (unpack_starred, (np.array([0.4]),)),
    (unpack_three_from_record, (Pair(0.3, 0.4),)), (unpack_nested, ([0.1, 0.2, 0.3, 0.4],)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_unpacking_a_sequence_of_another_length_raises_as_python_does(func, args):
    with pytest.raises(ValueError) as plain:
        func(*copy.deepcopy(args))
    for derived in _derived(func):
        with pytest.raises(ValueError) as raised:
            derived(*copy.deepcopy(args))
        assert not isinstance(raised.value, adjoint.AdjointError)
        assert str(raised.value).split(" (")[0] == str(plain.value).split(" (")[0]


def test_unpacking_a_dict_is_refused_at_its_line():
    line = unpack_dict.__code__.co_firstlineno + 1
    with pytest.raises(adjoint.AdjointError, match=rf"test_probe30_idioms.py:{line}"):
        adjoint.grad(unpack_dict)({"a": 0.4, "b": 0.5})


@pytest.mark.parametrize("func, args", [
    (unpack_two, ([0.3, -0.7],)), (unpack_starred, (list(XS),)), (unpack_starred, ([0.2, 0.9],)),
    (unpack_nested, ([0.1, 0.2, 0.3],)), (unpack_two, (np.array([0.3, -0.7]),)), (unpack_starred, (np.array(XS),)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_unpacking_of_the_right_length_is_exact(func, args):
    peer = func if isinstance(args[0], np.ndarray) else None  # autograd's hvp takes no list tangent
    check_every_mode(func, args, peer=peer)
