"""`zip(..., strict=True)` (Python 3.10) in a loop or a comprehension: the items as zip's, and where the
lengths differ the derivative raises the ValueError Python raises, where Python raises it: after
the loop's steps over the common items, and not where the loop returns first. A loop that may
leave by `break` is refused at the break. It was refused."""
from __future__ import annotations

import itertools
import re
import sys

import numpy as np
import pytest

import adjoint
from adjoint import runtime
from every_mode import check_every_mode

pytestmark = pytest.mark.skipif(sys.version_info < (3, 10), reason="zip's strict keyword is Python 3.10's")


def weighted_residuals(x, w, targets):
    return sum(wi * (xi - ti) ** 2 for xi, wi, ti in zip(x, w, targets, strict=True))


def paired_rows(A, B):
    total = 0.0
    for a, b in zip(A, B, strict=True):
        total = total + np.dot(a, np.tanh(b))
    return total


def not_strict(x, y):
    return sum(a * b for a, b in zip(x, y, strict=False))


RNG = np.random.default_rng(38)


@pytest.mark.parametrize("func, args, positions", [
    (weighted_residuals, (RNG.normal(size=4), RNG.random(4), RNG.normal(size=4)), (0, 1, 2)),
    (paired_rows, (RNG.normal(size=(3, 2)), RNG.normal(size=(3, 2))), (0, 1)),
    (not_strict, (RNG.normal(size=4), RNG.normal(size=3)), (0, 1)),
], ids=lambda value: getattr(value, "__name__", ""))
def test_zip_strict_in_every_mode(func, args, positions) -> None:
    for position in positions:
        check_every_mode(func, args, wrt=position)


def three_way(x, y, z):
    return sum(a * b * c for a, b, c in zip(x, y, z, strict=True))


@pytest.mark.parametrize("lengths", [(2, 2, 1), (1, 1, 2), (3, 1, 2), (2, 3, 3)])
def test_lengths_that_differ_raise_what_python_raises(lengths) -> None:
    arrays = [np.ones(n) for n in lengths]
    with pytest.raises(ValueError) as plain:
        three_way(*arrays)
    with pytest.raises(ValueError, match=re.escape(str(plain.value))):
        adjoint.grad(three_way)(*arrays)


def test_the_check_gives_python_s_message_for_every_lengths() -> None:
    for lengths in itertools.product(range(3), repeat=3):
        try:
            list(zip(*(range(n) for n in lengths), strict=True))
            expected = None
        except ValueError as error:
            expected = str(error)
        try:
            runtime.zip_lengths_or_raise(*lengths)
            got = None
        except ValueError as error:
            got = str(error)
        assert got == expected, lengths


def first_large(x, y):
    """Returns from inside the loop: Python's zip never reaches its end, and raises nothing."""
    for a, b in zip(x, y, strict=True):
        if a * b > 0.5:
            return a * b
    return 0.0


def counts_steps(x, y):
    """The loop's steps run before zip raises at its end, as in Python."""
    total = 0.0
    for a, b in zip(x, y, strict=True):
        print(a)
        total = total + a * b
    return total


def stops_at_a_break(x, y):
    total = 0.0
    for a, b in zip(x, y, strict=True):
        if a > 1.0:
            break  # refused
        total = total + a * b
    return total


def test_the_lengths_are_checked_where_python_checks_them(capsys) -> None:
    x, y = np.array([0.2, 1.0, 3.0]), np.array([0.1, 2.0])
    assert first_large(x, y) == adjoint.value_and_grad(first_large)(x, y)[0]
    check_every_mode(first_large, (x, y))
    with pytest.raises(ValueError, match="argument 2 is shorter"):
        adjoint.grad(counts_steps)(x, y)
    assert capsys.readouterr().out.split() == ["0.2", "1.0"]
    with pytest.raises(adjoint.AdjointError, match="break") as refused:
        adjoint.grad(stops_at_a_break)(x, np.ones(3))
    assert refused.value.location.lineno == stops_at_a_break.__code__.co_firstlineno + 4
