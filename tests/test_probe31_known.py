"""Soundness gaps of array methods' receivers, checkpointed steps' fingerprints and dead values.

What was wrong:
- the receiver of an array method or attribute read as NumPy's function (`x.sum()` as np.sum(x))
  was checked only where it was a name: `d["a"].sum()` of a dict holding a list, `p.xs.sum()` of
  a NamedTuple's list field, `xs[0].sum()`, `xs[1:].sum()`, `(xs + xs).sum()` of lists and
  `d["a"].T` returned a value and a gradient where Python raises AttributeError. And the check of
  a name was put before its whole statement, so it ran where Python never reads the attribute:
  `x.sum() if isinstance(x, np.ndarray) else x * 2.0`, `isinstance(x, np.ndarray) and x.sum() > 0`
  raised AttributeError for a float x whose plain function returns a value. Every receiver is now
  checked where its value is computed, in the branch that reads it (normalize/receivers.py), and
  one in a later operand of `and`/`or` in a condition (`if x > 0 and xs.sum() > 0`), which was
  not checked, where Python reads it;
- a display unpacked into a target with `*rest` of as many names as it has values
  (`a, *b = x, 2 * x`) was assigned name by name, `*b` as a name: the compiler failed with an
  AttributeError of its own. It is unpacked as any other value is;
- the fingerprint of a checkpointed loop's step state was (sum, sum of squares, size): a step
  permuting its state at random (`x[rng.permutation(n)]`) left the same fingerprint, so the
  backward pass recomputed other permutations and the gradient was wrong without a word. The sum
  is weighted position by position now, and such a loop is refused at its line;
- the optimizer dropped the primal's statements no derivative reads as dead code, though Python
  raises running them: grad, value_and_grad, vjp, jvp and hessian of a function computing
  `(x * 1e200) ** 2` (OverflowError), `math.log(x - 10.0)`, `math.sqrt(x - 5.0)`,
  `math.fmod(x, 0.0)` (ValueError), `1.0 / (x - x)`, `x % 0.0` (ZeroDivisionError),
  `int(x * 1e300 * 1e300)`, or `a + b` of arrays of two shapes (ValueError), and not using it,
  returned a value and a derivative. The parts of such a statement that may raise for the kinds
  of their operands stay (optimize/raises.py).
"""
from __future__ import annotations

from typing import NamedTuple

import math

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


def sum_in_a_later_operand(x, xs):
    if x > 0.0 and xs.sum() > 0.0:
        return x * 2.0
    return x * 3.0


def sum_in_a_loop_condition(x, xs):
    y = x * 2.0
    while x < 0.0 or xs.sum() < 0.0:
        x = x + 1.0
    return y * x


@pytest.mark.parametrize("func", [sum_in_a_later_operand, sum_in_a_loop_condition], ids=lambda f: f.__name__)
def test_a_receiver_in_a_later_operand_of_a_condition_is_checked_where_python_reads_it(func):
    raises_as_python(func, (0.5, list(XS)))
    if func is sum_in_a_later_operand:  # Python reads no `.sum` of the list
        check_every_mode(func, (-0.5, list(XS)))
    check_every_mode(func, (-0.5, np.array(XS)), peer=func)


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


# ----- a value no derivative reads still raises --------------------------------------------------

def overflowing_power(x):
    y = (x * 1e200) ** 2
    return x * 3.0


def log_of_a_negative(x):
    y = math.log(x - 10.0)
    return x * 3.0


def division_by_zero(x):
    y = 1.0 / (x - x)
    return x * 3.0


def remainder_by_zero(x):
    y = x % 0.0
    return x * 3.0


def root_of_a_negative_in_a_sum(x):
    y = x * 2.0 + math.sqrt(x - 5.0)
    return x * 2.0 + 1.0


def infinite_integer(x):
    y = int(x * 1e300 * 1e300)
    return x * 3.0


def used_times_zero(x):
    y = (x * 1e200) ** 2
    return y * 0.0 + x


def fmod_by_zero_in_a_loop(x):
    t = x
    for i in range(3):
        y = math.fmod(t, 0.0 + i * 0.0)
        t = t * 2.0
    return t


def shapes_that_do_not_broadcast(x, a, b):
    c = a + b
    return np.sum(x * 2.0)


RAISING = [(overflowing_power, (0.5,)), (log_of_a_negative, (0.5,)), (division_by_zero, (0.5,)),
           (remainder_by_zero, (0.5,)), (root_of_a_negative_in_a_sum, (0.5,)), (infinite_integer, (0.5,)),
           (used_times_zero, (0.5,)), (fmod_by_zero_in_a_loop, (0.5,)),
           (shapes_that_do_not_broadcast, (np.array(XS), np.ones(3), np.ones(2)))]


def _every_derivative(func):
    return [adjoint.grad(func), adjoint.value_and_grad(func), lambda x, *rest: adjoint.vjp(func)(x, *rest)[1](1.0),
            lambda x, *rest: adjoint.jvp(func)(x, *rest, np.ones_like(x)), adjoint.hessian(func)]


@pytest.mark.parametrize("func, args", RAISING, ids=lambda v: getattr(v, "__name__", ""))
def test_a_value_nobody_reads_raises_as_python_does(func, args):
    with pytest.raises(Exception) as plain:
        func(*args)
    for derived in _every_derivative(func):
        with pytest.raises(type(plain.value)) as raised:
            derived(*args)
        assert str(raised.value) == str(plain.value)


def power_used_times_zero(x):
    y = (x * 1e100) ** 2 / (x - 0.25)
    return y * 0.0 + x * x


@pytest.mark.parametrize("func, args", [(log_of_a_negative, (12.5,)), (root_of_a_negative_in_a_sum, (6.5,)),
                                        (power_used_times_zero, (0.5,))],
                         ids=lambda v: getattr(v, "__name__", ""))
def test_where_the_value_does_not_raise_the_derivatives_are_exact(func, args):
    check_every_mode(func, args)


def sine_in_the_primal(x, y):
    a = x * y
    b = math.sin(x)
    return a + b


def test_a_sine_whose_derivative_raises_alike_is_not_computed_twice():
    """math.cos(x), which the derivative computes, raises where math.sin(x) does (x infinite)."""
    assert "math.sin" not in adjoint.source(sine_in_the_primal, wrt=(0, 1), args=(2.0, 3.0))
    with pytest.raises(ValueError, match="math domain error"):
        adjoint.grad(sine_in_the_primal)(math.inf, 3.0)


def test_values_that_cannot_raise_are_still_left_out():
    def energy(x, y):
        r = x * x + y * y
        s = np.tanh(np.array([x, y]))
        u = s * s
        return x * 3.0 + np.sum(u) * 0.0
    source = adjoint.source(energy, args=(0.5, 0.7))
    assert "x * x" not in source and "y * y" not in source
