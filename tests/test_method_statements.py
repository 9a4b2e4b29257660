"""Methods called for their effect on a local name (normalize/method_statements.py): an array's
`.sort(...)` and `.fill(v)`, written as writes into the whole array (`y[...] = np.sort(y, ...)`,
`y[...] = v`), and a list's `.insert(i, v)`, `.reverse()` and `.clear()`, written as the new list
assigned to its name; the alias analysis follows both as any other write in place. Checked in
every mode against central differences (and the lists' against autograd: its arrays have no
`sort` or `fill` that change them), refused where another name shares the value and is read
after, and refused when the value called is not what the lowering is for (an array parameter's
`.sort()` stays refused, tests/test_sort_in_place.py: a parameter's is read as a list's)."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from every_mode import AUTOGRAD_RUNS_NUMPY_CALLS, check_every_mode
from soundness import marked_line

RNG = np.random.default_rng(36)


def sorted_products(x):
    y = x * 2.0
    y.sort()
    return y[0] * y[-1] + np.sum(y * np.arange(4.0))


def sorted_columns(x, w):
    A = np.outer(x, w)
    A.sort(axis=0)
    return np.sum(A[0] * A[-1]) + np.sum(np.tanh(A) * np.arange(12.0).reshape(4, 3))


def sorted_rows_by_position(x):
    A = np.stack([x, x ** 2, np.sin(x)])
    A.sort(1)
    return np.sum(A[:, 0] * A[:, -1])


def sorted_by_exp(x):
    y = np.exp(x)
    y.sort(-1)
    return np.sum(np.cumsum(y) * y)


def array_of_items_sorted(x):
    a = np.array([x[0], 2.0 * x[1], 0.5])
    a.sort()
    return np.sum(a * np.array([1.0, 2.0, 3.0]))


def filled(x, v):
    z = np.empty(3)
    z.fill(v * v)
    z[1] = z[1] + x[0]
    return np.sum(z * x[:3]) + v


def filled_then_sorted(x):
    z = x.copy()
    z.fill(np.sum(x))
    z = z + x
    z.sort()
    return z[0] * z[1] - z[-1]


CASES = [
    (sorted_products, (RNG.normal(size=4),), (0,)),
    (sorted_columns, (RNG.normal(size=4), RNG.normal(size=3)), (0, 1)),
    (sorted_rows_by_position, (RNG.normal(size=5),), (0,)),
    (sorted_by_exp, (RNG.normal(size=6),), (0,)),
    (array_of_items_sorted, (np.array([1.0, 3.0, 0.5]),), (0,)),
    (filled, (RNG.normal(size=4), 0.7), (0, 1)),
    (filled_then_sorted, (RNG.normal(size=4),), (0,)),
]


@pytest.mark.parametrize("func, args, positions", CASES, ids=[case[0].__name__ for case in CASES])
def test_every_mode(func, args, positions):
    for position in positions:
        check_every_mode(func, args, wrt=position)


def inserted(x):
    parts = [x[0], 2.0 * x[1]]
    parts.insert(1, 3.0 * x[2])
    parts.insert(-1, x[0] * x[1])
    parts.insert(len(parts) + 5, np.sin(x[1]))
    parts.insert(-10, x[2] ** 2)
    return sum(p * (i + 1) for i, p in enumerate(parts))


def inserted_at_a_computed_position(x, k):
    parts = [x[0], x[1], x[2]]
    parts.insert(k % 3, x[0] * x[2])
    return parts[0] * 1.0 + parts[1] * 10.0 + parts[2] * 100.0 + parts[3] * 1000.0


def reversed_in_place(x):
    parts = [x[0], 2.0 * x[1], x[2] ** 3]
    parts.reverse()
    return parts[0] * 1.0 + parts[1] * 10.0 + parts[2] * 100.0


def cleared_then_built(x):
    parts = [x[0]]
    parts.clear()
    parts.append(5.0 * x[1])
    parts.insert(0, x[2] * x[2])
    return parts[0] * parts[1] + len(parts)


def inserted_what_it_popped(x):
    parts = [x[0], 2.0 * x[1], x[2] * x[2]]
    parts.insert(5, parts.pop())  # Python pops, then inserts into the shorter list
    parts.insert(1, parts.pop() * x[0])
    return parts[0] * 1.0 + parts[1] * 10.0 + parts[2] * 100.0


LIST_CASES = [(inserted, (RNG.normal(size=3),), True), (inserted_at_a_computed_position, (RNG.normal(size=3), 4), True),
              (reversed_in_place, (RNG.normal(size=3),), True), (cleared_then_built, (RNG.normal(size=3),), True),
              (inserted_what_it_popped, (RNG.normal(size=3),), False)]  # (second order: the pop is in place)


@pytest.mark.parametrize("func, args, second_order", LIST_CASES, ids=[case[0].__name__ for case in LIST_CASES])
def test_list_methods_in_every_mode(func, args, second_order):
    check_every_mode(func, args, wrt=0, peer=func if AUTOGRAD_RUNS_NUMPY_CALLS else None, second_order=second_order)


def test_the_generated_code_writes_into_the_array():
    source = adjoint.source(sorted_products, args=(RNG.normal(size=4),))
    assert "np.sort(y)" in source and "y[...] = " in source and "# Grad of: y.sort()" in source


def inserted_into_a_shared_list(x):
    parts = [x[0], x[1]]
    other = parts
    parts.insert(0, x[2])  # <- shared-list
    return other[0]


def inserted_into_an_array(x):
    y = x * 2.0
    y.insert(0, 1.0)  # <- insert-array
    return y[0]


def shared_then_sorted(x):
    y = x * 2.0
    z = y
    y.sort()  # <- shared-array
    return z[0] * x[1]


def sorted_list(x):
    y = x.tolist()
    y.sort()  # <- sort-list
    return y[0] * y[1]


def filled_list(x):
    y = x.tolist()
    y.fill(1.0)  # <- fill-list
    return y[0]


def filled_with_objects(x):
    y = np.empty(2, dtype=object)
    y.fill(np.array([x[0], 3.0 * x[1]]))  # <- fill-objects
    return np.sum(y[0])


def sorted_along_no_axis(x):
    y = x * 2.0
    y.sort(axis=None)
    return y[0]


def sorted_stably(x):
    y = x * 1.0
    y.sort(kind="stable")  # <- sort-kind
    return y[0]


def filled_twice(x):
    y = x * 1.0
    y.fill(1.0, 2.0)  # <- fill-two
    return y[0]


REFUSED = [
    (inserted_into_a_shared_list, "may share", "shared-list"),  # the alias analysis follows the write
    (shared_then_sorted, "may share", "shared-array"),
    (inserted_into_an_array, "for lists only", "insert-array"),  # when it runs: the check of what it holds
    (sorted_list, "for arrays of numbers only.*sorted", "sort-list"),
    (filled_list, "for arrays of numbers only", "fill-list"),
    (filled_with_objects, "holding objects", "fill-objects"),
    (sorted_stably, "rule of `np.sort` does not accept", "sort-kind"),  # np.sort's rule takes x and axis
    (filled_twice, "changes y in place", "fill-two"),  # no lowering for these arguments
]


@pytest.mark.parametrize("func, message, marker", REFUSED, ids=[case[2] for case in REFUSED])
def test_refused_at_the_line_of_the_call(func, message, marker):
    with pytest.raises(adjoint.AdjointError, match=message) as refused:
        adjoint.grad(func)(RNG.normal(size=4))
    assert refused.value.location.lineno == marked_line(func, marker)


def filled_with_a_sequence(x):
    z = np.zeros(3)
    z.fill(x * 2.0)
    return np.sum(z)


RAISING = [(filled_with_a_sequence, ValueError, "sequence"),  # which y[...] = v would spread over y
           (sorted_along_no_axis, TypeError, "NoneType")]  # which np.sort(y, axis=None) would flatten


@pytest.mark.parametrize("func, error, message", RAISING, ids=[case[0].__name__ for case in RAISING])
def test_arguments_the_method_does_not_take_raise_as_python_does(func, error, message):
    x = RNG.normal(size=3)
    with pytest.raises(error, match=message):
        func(x)
    with pytest.raises(error, match=message):
        adjoint.grad(func)(x)
