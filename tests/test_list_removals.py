"""`xs.pop(i)` and `xs.remove(v)` as statements on a list the function holds, written as the new list
assigned to its name (normalize/method_statements.py), and `v = xs.pop(i)`: in every mode against central differences;
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


def dict_of(x):
    return {"a": x[0], "b": x[1]}


def pop_of_a_dict(x):
    d = dict_of(x)  # a dict the function reads back from a call: another name may hold it
    d.pop("a")  # refused
    return d["b"] * 2.0


def test_a_pop_of_another_type_is_refused_at_its_line() -> None:
    with pytest.raises(adjoint.AdjointError, match="lists only") as refused:
        adjoint.grad(pop_of_a_dict)(X)
    assert refused.value.location.lineno == pop_of_a_dict.__code__.co_firstlineno + 2


def breadth_first_sum(x):
    """A queue taken from the front: `v = queue.pop(0)`."""
    queue = [x[0], x[1] * x[2]]
    total = 0.0
    while queue:
        v = queue.pop(0)
        total = total * 0.5 + v * v
        if v > 0.0 and len(queue) < 3:
            queue.append(v * 0.5)
    return total


def popped_then_written(x):
    xs = [x[0] * 2.0, x[1], x[2]]
    middle = xs.pop(1)
    xs[0] = xs[0] * middle
    return xs[0] + middle ** 2 + xs[-1]


def popped_into_an_item(x):
    xs = [x[0] * 2.0, x[1], x[2]]
    ys = [0.0, 0.0]
    ys[0] = xs.pop(2)
    return ys[0] * x[3] + xs[1]


@pytest.mark.parametrize("func", [popped_then_written, popped_into_an_item], ids=lambda f: f.__name__)
def test_an_item_popped_by_position_and_kept(func) -> None:
    check_every_mode(func, (X,))


def test_a_queue_popped_and_appended_to_in_a_loop() -> None:
    """Its second derivative is refused: the loop appends to the list its first derivative keeps."""
    check_every_mode(breadth_first_sum, (X,), second_order=False)


def pop_of_a_dict_kept(x):
    d = dict_of(x)
    v = d.pop("a")  # refused
    return d["b"] * v


def popped_into_its_own_name(x):
    xs = [x[0] * 2.0, x[1], x[2]]
    xs = xs.pop(2)  # refused
    return xs * x[3]


@pytest.mark.parametrize("func, message", [(pop_of_a_dict_kept, "lists only"), (popped_into_its_own_name, "xs")],
                         ids=["dict", "its-own-name"])
def test_a_kept_pop_adjoint_does_not_follow_is_refused_at_its_line(func, message) -> None:
    with pytest.raises(adjoint.AdjointError, match=message) as refused:
        adjoint.grad(func)(X)
    assert refused.value.location.lineno == func.__code__.co_firstlineno + 2
