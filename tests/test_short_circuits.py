"""any() and all() of a generator expression stop taking items where Python's do: at the first true
(any) or false (all) item, so the items after it are not computed. They were computed as a list
first, and a function whose later items raise (math.log of a negative number, a division by zero,
an index past the end) crashed in its derivative where Python returned a value.

Each program is checked in every mode (tests/every_mode.py) against central differences and, where
it runs it, autograd; the values are the function's own bit for bit.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import adjoint
from every_mode import check_program


def any_before_a_domain_error(x):
    xs = [x, x - 1.0, x - 3.0]  # log(x - 3.0) raises at x = 2.5, after the item that makes any true
    if any(math.log(v) > 0.5 for v in xs):
        return x * x
    return x


def all_before_a_domain_error(x):
    xs = [x, x - 3.0, x - 5.0]  # all is false at the first item; log(x - 3.0) raises at x = 2.5
    if all(math.log(v) > 1.5 for v in xs if v != 0.0):
        return x * x
    return 2.0 * x


def any_of_nested_clauses(x):
    rows = [[x, x - 1.0], [x - 2.0, x - 5.0]]  # the first row makes it true; sqrt(x - 3.0) is never taken
    found = any(math.sqrt(v - 1.0) > 0.0 for row in rows for v in row)
    return x * 3.0 if found else x


def all_in_a_loop(x, limits):
    total = 0.0
    for limit in limits:
        if all(math.sqrt(limit - k * x) > 0.5 for k in range(4)):  # sqrt of a negative number after a false item
            total += math.sin(x * limit)
        else:
            total += x * limit
    return total


def any_over_array_rows(w):
    rows = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, 0.0]])
    scores = rows @ w
    hit = any(np.log(s) > 0.0 for s in scores)  # log(0) is never taken: the first score is positive
    return np.sum(w ** 2) * (2.0 if hit else 1.0)


def any_false_throughout(x):
    return x * x if any(v > 10.0 for v in (x, 2.0 * x, 3.0 * x)) else math.exp(x)


def any_of_an_empty_generator(x):
    return x if all(v > 0.0 for v in []) and not any(v > 0.0 for v in []) else -x


CASES = [
    (any_before_a_domain_error, (2.5,), (0,)),
    (all_before_a_domain_error, (2.5,), (0,)),
    (any_of_nested_clauses, (2.7,), (0,)),
    (all_in_a_loop, (0.4, [1.0, 3.0, 0.9]), (0,)),
    (any_over_array_rows, (np.array([0.3, 0.7]),), (0,)),
    (any_false_throughout, (0.5,), (0,)),
    (any_of_an_empty_generator, (0.5,), (0,)),
]


@pytest.mark.parametrize("func, args, positions", CASES, ids=[case[0].__name__ for case in CASES])
def test_any_and_all_stop_where_python_stops(func, args, positions) -> None:
    check_program(func, args, positions)


def test_the_generated_loop_leaves_at_the_first_true_item() -> None:
    source = adjoint.source(any_before_a_domain_error, args=(2.5,))
    assert "break" in source, source
