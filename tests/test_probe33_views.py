"""Views and writes in place: a NumPy call writing into `out=` is refused naming the array it
writes into, and a row's `.copy()` is apart from the matrix a later write changes.

The refusal of an `out=` call used to name the first differentiated operand instead, which after normalization
may be a name the compiler made up (`_t2` for `x.reshape(2, 3)`) or the input `x` itself,
not the array the call changes."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode
from soundness import marked_line


def reduce_into(x):
    b = np.zeros(3)
    np.sum(x.reshape(2, 3), axis=0, out=b)
    return np.sum(b ** 2)


def product_into(x):
    c = np.zeros((2, 2))
    np.matmul(x[:4].reshape(2, 2), x[2:].reshape(2, 2), out=c)
    return np.sum(c ** 2)


def copy_where(x):
    a = np.zeros(6)
    np.copyto(a, x ** 2, where=x > 1.0)
    return np.sum(a * x)


def running_sum_into(x):
    c = np.empty(6)
    np.cumsum(x, out=c)
    return np.sum(c ** 2)


def exp_into(x):
    a = np.zeros(6)
    np.exp(x, out=a)
    return np.sum(a * x)


def mean_into(x):
    m = np.zeros(2)
    x.reshape(2, 3).mean(axis=1, out=m)
    return np.sum(m ** 2)


CASES = [(reduce_into, "b"), (product_into, "c"), (copy_where, "a"), (running_sum_into, "c"),
         (exp_into, "a"), (mean_into, "m")]


@pytest.mark.parametrize("func, written", CASES, ids=[f.__name__ for f, _ in CASES])
@pytest.mark.parametrize("transform", ["grad", "jvp"])
def test_the_refusal_names_the_array_the_call_writes_into(func, written, transform):
    x = np.linspace(0.6, 1.4, 6)
    derived = adjoint.grad(func) if transform == "grad" else adjoint.jvp(func)
    args = (x,) if transform == "grad" else (x, np.ones(6))
    with pytest.raises(adjoint.AdjointError) as caught:
        derived(*args)
    message = str(caught.value)
    assert f"its effect on `{written}`" in message
    assert "test_probe33_views.py" in message and "_t" not in message.split("\n")[0].split("effect on")[1][:6]


def test_the_refusal_of_an_out_argument_says_to_assign_the_result_without_it():
    """The advice names the function and `out=` (it was `y = np.sort(y)` for every call), for a ufunc
    too, which has no `__module__` on NumPy 2.0."""
    with pytest.raises(adjoint.AdjointError, match=r"\(`c = np.matmul\(...\)` without `out=`\)"):
        adjoint.grad(product_into)(np.linspace(0.6, 1.4, 6))
    with pytest.raises(adjoint.AdjointError, match=r"\(`a = np.exp\(...\)` without `out=`\)"):
        adjoint.grad(exp_into)(np.linspace(0.6, 1.4, 6))


# ----- `.copy()` of a row is a new array: a later write into the matrix does not reach it -----
# (A copy of a basic index of an array whose rank the compiler does not infer, `A[0].copy()` of
# `A = x.reshape(3, 2) * 1.0`, was taken for a list of the matrix's rows, and every such write was
# refused with "take a copy first (`.copy()`)".)

def saved_row(x):
    A = x.reshape(3, 2) * 1.0
    r = A[0].copy()
    A[0] = 5.0 * x[1]
    return np.sum(r * A[0])


def swapped_rows(x):
    A = x.reshape(3, 2) * 1.0
    A[0], A[1] = A[1].copy(), A[0].copy()
    return np.sum(A * np.arange(6.0).reshape(3, 2))


def swapped_through_a_saved_row(x):
    A = x.reshape(3, 2) * 1.0
    r = A[0].copy()
    A[0] = A[1] ** 2
    A[1] = r * A[2]
    return np.sum(A * np.arange(6.0).reshape(3, 2)) + np.sum(r ** 3)


def recurrence_from_a_copied_row(x):
    Y = np.zeros((3, 2))
    Y[0] = x[:2]
    for i in range(1, 3):
        prev = Y[i - 1].copy()
        Y[i - 1] = prev * 0.5
        Y[i] = prev * x[2 + i] + prev ** 2
    return np.sum(Y ** 2)


def elimination_with_partial_pivoting(x):
    A = np.array([[1.0, 2.0, 0.5], [3.0, 1.0, 0.2], [0.5, 0.2, 2.0]]) + np.diag(x[:3]) * 0.1
    b = x[3:6].copy()
    for k in range(2):
        p = k + int(np.argmax(np.abs(A[k:, k])))
        if p != k:
            row = A[k].copy()
            A[k] = A[p]
            A[p] = row
            bk = b[k]
            b[k] = b[p]
            b[p] = bk
        for i in range(k + 1, 3):
            m = A[i, k] / A[k, k]
            A[i, k:] = A[i, k:] - m * A[k, k:]
            b[i] = b[i] - m * b[k]
    z = np.zeros(3)
    for i in range(2, -1, -1):
        z[i] = (b[i] - A[i, i + 1:] @ z[i + 1:]) / A[i, i]
    return np.sum(z ** 2)


X = np.array([0.9, 1.3, 0.7, 1.1, 0.6, 1.4])
COPIES = [(saved_row, True), (swapped_rows, True), (swapped_through_a_saved_row, False),
          (recurrence_from_a_copied_row, True), (elimination_with_partial_pivoting, False)]


@pytest.mark.parametrize("func, second_order", COPIES, ids=[f.__name__ for f, _ in COPIES])
def test_a_copied_row_is_apart_from_the_matrix_written_afterwards(func, second_order):
    check_every_mode(func, (X,), 0, second_order=second_order)


def test_a_swap_through_a_copied_row_gives_the_gradient_of_the_swapped_rows():
    gradient = adjoint.grad(swapped_rows)(X)
    np.testing.assert_array_equal(gradient, [2.0, 3.0, 0.0, 1.0, 4.0, 5.0])


def views_in_a_copied_list(x):
    a = x * 1.0
    parts = [a[:3], a[3:]]
    other = parts.copy()
    other[1][0] = 7.0  # <- list
    return np.sum(a ** 2) + np.sum(parts[1])


def views_in_a_copied_dict(x):
    a = x * 1.0
    d = {"h": a[:3]}
    e = d.copy()
    a[0] = x[5] ** 2  # <- dict
    return np.sum(e["h"] * x[:3])


@pytest.mark.parametrize("func, marker", [(views_in_a_copied_list, "list"), (views_in_a_copied_dict, "dict")])
def test_a_shallow_copy_of_a_list_or_dict_still_holds_the_views_it_held(func, marker):
    with pytest.raises(adjoint.UnsupportedSyntaxError) as raised:
        adjoint.grad(func)(X)
    assert f"{__file__}:{marked_line(func, marker)}" in str(raised.value)


# ----- a refusal names the user's expression, not the name the compiler gave it -----

def swapped_columns_through_views(x):
    A = x.reshape(3, 2) * 1.0
    A[:, 0], A[:, 1] = A[:, 1], A[:, 0]  # <- columns
    return np.sum(A * np.arange(6.0).reshape(3, 2))


def swapped_rows_through_views(x):
    A = x.reshape(3, 2) * 1.0
    A[0], A[1] = A[1], A[0]  # <- rows
    return np.sum(A * np.arange(6.0).reshape(3, 2))


def added_into_a_slice(x):
    a = x * 1.0
    np.add(a[:3], a[3:], out=a[3:])  # <- out
    return np.sum(a ** 2)


NAMED = [(swapped_columns_through_views, "columns", "`A[:, 0]` may share"),
         (swapped_rows_through_views, "rows", "`A[0]` may share"),
         (added_into_a_slice, "out", "its effect on `a[3:]`")]


@pytest.mark.parametrize("func, marker, named", NAMED, ids=[f.__name__ for f, _, _ in NAMED])
def test_the_refusal_names_the_view_the_line_reads(func, marker, named):
    with pytest.raises(adjoint.UnsupportedSyntaxError) as raised:
        adjoint.grad(func)(X)
    message = str(raised.value)
    assert f"{__file__}:{marked_line(func, marker)}" in message
    assert named in message and "`_t" not in message
