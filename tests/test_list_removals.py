"""`xs.pop(i)` and `xs.remove(v)` as statements on a list the function holds, written as the new list
assigned to its name (normalize/method_statements.py): in every mode against central differences;
where Python raises (a position outside the list, a value it does not hold) the derivative raises
the same; a value of another type than a list is refused at the line. Both were refused."""
from __future__ import annotations

import re

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode


def outliers_removed(x):
    xs = [x[0], x[1] * 2.0, x[2], x[3] ** 2]
    worst = max(xs, key=abs)
    xs.remove(worst)
    return sum(v * v for v in xs)


def queue_drained(x):
    queue = [x[0], x[1], x[2] * x[3]]
    total = 0.0
    while queue:
        queue.pop(0)
        total = total + sum(queue) * 0.5
    return total


def pop_from_the_end(x):
    xs = [x[0], x[1], x[2], np.sin(x[3])]
    xs.pop(-2)
    xs.pop(len(xs) - 1)
    return xs[0] * xs[-1]


def rows_removed(A):
    rows = list(A)
    rows.pop(1)
    rows.remove(rows[0])
    return np.sum(rows[0] * np.tanh(rows[-1]))


X = np.array([0.5, -2.0, 1.5, 0.7])


@pytest.mark.parametrize("func, args", [
    (outliers_removed, (X,)),
    (queue_drained, (X,)),
    (pop_from_the_end, (X,)),
    (rows_removed, (np.random.default_rng(38).normal(size=(4, 3)),)),
], ids=lambda value: getattr(value, "__name__", ""))
def test_removals_in_every_mode(func, args) -> None:
    check_every_mode(func, args)


def pop_outside(x, k):
    xs = [x[0], x[1]]
    xs.pop(k)
    return xs[0]


def remove_absent(x):
    xs = [x[0], x[1]]
    xs.remove(7.0)
    return xs[0]


@pytest.mark.parametrize("func, args", [(pop_outside, (X, 2)), (pop_outside, (X, -3)), (remove_absent, (X,))],
                         ids=["pop-after-the-end", "pop-before-the-start", "remove-absent"])
def test_the_derivative_raises_what_the_function_raises(func, args) -> None:
    with pytest.raises(Exception) as plain:
        func(*args)
    with pytest.raises(type(plain.value), match=re.escape(str(plain.value))):
        adjoint.grad(func)(*args)


def pop_of_a_dict(x):
    d = {"a": x[0], "b": x[1]}
    d.pop("a")  # refused
    return d["b"] * 2.0


def test_a_pop_of_another_type_is_refused_at_its_line() -> None:
    with pytest.raises(adjoint.AdjointError, match="lists only") as refused:
        adjoint.grad(pop_of_a_dict)(X)
    assert refused.value.location.lineno == pop_of_a_dict.__code__.co_firstlineno + 2
