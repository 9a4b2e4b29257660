"""Soundness gaps of array methods' receivers, checkpointed steps' fingerprints and dead values.

What was wrong:
- the receiver of an array method or attribute read as NumPy's function (`x.sum()` as np.sum(x))
  was checked only where it was a name: `d["a"].sum()` of a dict holding a list, `p.xs.sum()` of
  a NamedTuple's list field, `xs[0].sum()`, `xs[1:].sum()`, `(xs + xs).sum()` of lists and
  `d["a"].T` returned a value and a gradient where Python raises AttributeError. And the check of
  a name was put before its whole statement, so it ran where Python never reads the attribute:
  `x.sum() if isinstance(x, np.ndarray) else x * 2.0`, `isinstance(x, np.ndarray) and x.sum() > 0`
  raised AttributeError for a float x whose plain function returns a value. Every receiver is now
  checked where its value is computed, in the branch that reads it (normalize/receivers.py);
- a display unpacked into a target with `*rest` of as many names as it has values
  (`a, *b = x, 2 * x`) was assigned name by name, `*b` as a name: the compiler failed with an
  AttributeError of its own. It is unpacked as any other value is.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode
from test_probe30_idioms import test_an_array_method_of_a_value_without_it_raises_as_python_does as raises_as_python

XS = [0.3, -0.7, 1.2]


class Holder(NamedTuple):
    xs: object
    k: float


# ----- receivers that are not names ---------------------------------------------------------

def item_of_a_dict_sum(d):
    return d["a"].sum() * 2.0


def field_sum(p):
    return p.xs.sum() * p.k


def item_of_a_list_sum(xs):
    return xs[0].sum() * 2.0


def slice_sum(xs):
    return xs[1:].sum()


def joined_sum(xs):
    return (xs + xs).sum()


def item_transpose(x, d):
    return d["a"].T[0] * x


@pytest.mark.parametrize("func, args", [
    (item_of_a_dict_sum, ({"a": list(XS)},)), (field_sum, (Holder(list(XS), 2.0),)),
    (item_of_a_list_sum, ([list(XS)],)), (slice_sum, (list(XS),)), (joined_sum, (list(XS),)),
    (item_transpose, (0.5, {"a": list(XS)})),
], ids=lambda v: getattr(v, "__name__", ""))
def test_an_array_method_of_an_item_or_field_without_it_raises_as_python_does(func, args):
    raises_as_python(func, args)  # AttributeError, as the function itself


def test_array_methods_of_items_and_fields_holding_arrays_are_exact():
    check_every_mode(item_of_a_dict_sum, ({"a": np.array(XS)},))
    check_every_mode(slice_sum, (np.array(XS),), peer=slice_sum)
    check_every_mode(item_of_a_list_sum, (np.array([XS, XS]),), peer=item_of_a_list_sum)
    value, gradient = adjoint.value_and_grad(field_sum)(Holder(np.array(XS), 2.0))
    assert value == field_sum(Holder(np.array(XS), 2.0))
    np.testing.assert_allclose(gradient.xs, [2.0, 2.0, 2.0])
    assert gradient.k == pytest.approx(sum(XS))


def test_the_item_of_a_matrix_is_not_checked():
    def rows(W):
        return W[0].sum() + W[1:].T.sum()
    assert "attribute_or_raise" not in adjoint.source(rows, args=(np.ones((2, 2)),))


# ----- receivers Python reads only sometimes --------------------------------------------------

def sum_in_a_branch(x):
    return x.sum() if isinstance(x, np.ndarray) else x * 2.0


def sum_after_and(x):
    if isinstance(x, np.ndarray) and x.sum() > 0:
        return x.sum() * 3.0
    return x * 2.0


def sum_after_or(x):
    y = isinstance(x, float) or x.sum()
    return x * 2.0 if y is True else x * 3.0


def transpose_in_a_branch(x):
    if isinstance(x, float):
        return x * 2.0
    return x.T[0] * 3.0


@pytest.mark.parametrize("func", [sum_in_a_branch, sum_after_and, sum_after_or, transpose_in_a_branch],
                         ids=lambda f: f.__name__)
def test_a_receiver_is_checked_only_where_python_reads_its_attribute(func):
    check_every_mode(func, (0.7,))
    assert adjoint.grad(func)(0.7) == pytest.approx(2.0)


def test_the_branch_reading_the_attribute_is_exact_on_arrays():
    for func in (sum_in_a_branch, sum_after_and, transpose_in_a_branch):
        check_every_mode(func, (np.array(XS),))


# ----- a display unpacked into a starred target ------------------------------------------------

def starred_last(x):
    a, *b = x, x * 2.0
    return a * b[0]


def starred_first(x):
    *a, b = x, x * 3.0
    return a[0] * b + len(a)


@pytest.mark.parametrize("func", [starred_last, starred_first], ids=lambda f: f.__name__)
def test_a_display_unpacked_into_a_starred_target_is_exact(func):
    check_every_mode(func, (0.7,), peer=func)


# ----- a checkpointed step that permutes its state at random ----------------------------------

X0 = np.array([0.3, -0.7, 1.2, 0.5])
W = np.array([1.1, 0.9, 1.3, 0.7])


def permuted_at_random(x0, w):
    rng = np.random.default_rng(5)
    x = x0 * w
    for t in adjoint.checkpointed(range(6), snapshots=2):
        x = x[rng.permutation(x.size)]
    return np.sum(x * w * np.arange(4.0))


def columns_permuted_at_random(x0, w):
    rng = np.random.default_rng(5)
    x = np.outer(x0, w)
    for t in adjoint.checkpointed(range(6), snapshots=2):
        x = x[:, rng.permutation(4)]
    return np.sum(x * np.arange(4.0))


def permuted_in_a_marked_function(x0, w):
    return np.sum(_permuted(x0 * w) * np.arange(4.0))


DRAWS = [np.random.default_rng(7)]


@adjoint.checkpoint
def _permuted(x):
    return x[DRAWS[0].permutation(x.size)]


@pytest.mark.parametrize("func", [permuted_at_random, columns_permuted_at_random], ids=lambda f: f.__name__)
@pytest.mark.parametrize("position", [0, 1])
def test_a_checkpointed_step_permuting_its_state_at_random_is_refused(func, position):
    """The permuted state has the sum, the sum of squares and the size of the state the primal
    sweep left: the backward pass ran other permutations, and the gradient was wrong."""
    with pytest.raises(adjoint.AdjointError, match="adjoint.checkpointed: the steps of this loop") as error:
        adjoint.grad(func, wrt=position)(X0, W)
    assert error.value.location.filename == __file__


def test_a_marked_function_permuting_at_random_is_refused():
    DRAWS[0] = np.random.default_rng(7)  # its first two permutations differ
    with pytest.raises(adjoint.AdjointError, match="marked adjoint.checkpoint"):
        adjoint.grad(permuted_in_a_marked_function)(X0, W)


def permuted_by_a_fixed_order(x0, w):
    order = np.random.default_rng(5).permutation(4)
    x = x0 * w
    for t in adjoint.checkpointed(range(6), snapshots=2):
        x = x[order] * np.cos(x)
    return np.sum(x * w * np.arange(4.0))


def test_a_checkpointed_step_permuting_by_an_order_drawn_before_is_exact():
    check_every_mode(permuted_by_a_fixed_order, (X0, W), second_order=False)
    check_every_mode(permuted_by_a_fixed_order, (X0, W), wrt=1, second_order=False)
