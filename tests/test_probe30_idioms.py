"""Everyday Python inside numeric functions: unpacking, comprehensions, helpers, containers.

What was wrong:
- tuple unpacking (`a, b = xs`, `first, *mid, last = xs`, `for a, b in rows`, nested targets) was
  read item by item by position with nothing checking the length: where Python raises ValueError
  (`too many values to unpack`, `not enough values`), the derived functions returned a value and a
  gradient (of the first items), or raised an IndexError of their own; unpacking a dict (its keys,
  in Python) read `d[0]` and raised KeyError. The length is now checked before the items are read,
  raising what Python raises, and unpacking a dict or a set is refused at its line;
- array methods and attributes (`xs.sum()`, `x.T`, `xs.reshape(3, 1)`, `xs.mean()`, `t.dot(t)`,
  `xs.astype(float)`, `xs.clip(0, 1)`) are read as NumPy's functions, which take lists, tuples and
  numbers too: on a list, a tuple, a float, an int or a dict, where Python raises AttributeError,
  the derived functions returned a value and a gradient (`[0.3, -0.7, 1.2].sum()` gave 0.8), or
  failed inside the adjoint sweep with a TypeError. The receiver is now checked before the
  statement runs (the check is left out where the receiver is known to be an array);
- `sum(d)`, `max(d)`, `min(d)` and `math.fsum(d)` of a dict add or compare its keys, which carry no
  derivative: the tangent of `sum(d)` summed the tangent dict's keys (2.1 where it is 0), that of
  `max(d)` read the tangent at the key's position as if it were a key, `math.fsum(d)`'s gradient
  was a list of the wrong length, and `max(d) * d[1]` failed with a TypeError adding a list to the
  dict's adjoint. A dict's items in these builtins now have a zero adjoint and tangent;
- a list or tuple given to a NumPy function (`np.arcsin(xs)`, `np.square(xs)`, `np.clip(xs, 0, 1)`,
  `np.maximum(xs, 0.0)`, `np.power(xs, 2)`, `np.diff(xs)`) was read by the rules as the list
  itself: `1.0 - x * x`, `x >= y` and `d[x] * 2.0` of a list raised TypeError inside the derived
  function (jvp of `np.sum(np.exp(xs)) + np.sum(np.square(xs))`, grad of `np.max(xs) +
  np.sum(np.clip(xs, 0.0, 1.0))`), and `d[x] * 2` repeated the tangent list (jvp of
  `np.sum(np.power(xs, 2))` failed on shapes (6,) and (3,)). The rules of NumPy's functions now
  read such an argument as `np.asarray(x)`, and its tangent as that array's;
- a field or attribute named `T`, `real` or `imag` (a gas's temperature `g.T`, a NamedTuple
  `Wave(real, imag)`, `self.T` of a model) was read as NumPy's transpose or real part of the whole
  object: `g.P / g.T` returned an array of two values, `w.real * w.imag` had the gradient zero,
  `grad(model.loss)` failed with a TypeError. Of the object a method is bound to it is now read as
  its attribute; of a record or object the function computes with, it is refused at its line;
- the tangent of `list(d)` or `tuple(d)` of a dict was the list of the tangent dict's keys, so the
  jvp of `sum(list(d)) * d[1]` added the keys' sum times the tangent, and its hvp (forward over
  reverse) was 3 where it is 0. The keys' tangents are zeros.
"""
from __future__ import annotations

import copy
import math
from typing import NamedTuple

import numpy as np
import pytest

import adjoint
from every_mode import AUTOGRAD_RUNS_NUMPY_CALLS, _on_autograd_numpy, check_every_mode

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


# ----- array methods of values that have none ------------------------------------------------

def list_sum(xs):
    return xs.sum() * 2.0


def float_transpose(x):
    return x.T * 2.0


def list_reshape(xs):
    return xs.reshape(3, 1)[0, 0] * 2.0


def list_mean(xs):
    return xs.mean()


def tuple_dot(xs):
    t = tuple(xs)
    return t.dot(t)


def list_astype(xs):
    return xs.astype(float)[0]


def list_clip(xs):
    return xs.clip(0.0, 1.0)[0]


def local_list_ravel(x):
    ys = [x, x * 2.0]
    return ys.ravel()[1]


def dict_sum(d):
    return d.sum()


def float_method_in_a_loop(x):
    t = 0.0
    for i in range(3):
        t = t + x.max() * i
    return t


@pytest.mark.parametrize("func, args", [
    (list_sum, (list(XS),)), (float_transpose, (0.7,)), (list_reshape, (list(XS),)), (list_mean, (list(XS),)),
    (tuple_dot, (list(XS),)), (list_astype, (list(XS),)), (list_clip, (list(XS),)), (local_list_ravel, (0.7,)),
    (dict_sum, ({"a": 0.3},)), (float_method_in_a_loop, (0.7,)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_an_array_method_of_a_value_without_it_raises_as_python_does(func, args):
    with pytest.raises(AttributeError) as plain:
        func(*copy.deepcopy(args))
    for derived in _derived(func):
        with pytest.raises(AttributeError) as raised:
            derived(*copy.deepcopy(args))
        assert str(raised.value) == str(plain.value)


def array_methods(x, W):
    h = np.tanh(W.T @ x)
    c = h.reshape(1, -1).clip(-0.5, 0.5)
    return h.sum() * x.mean() + c.max() + W.T.dot(h).sum()


def numpy_scalar_methods(x):
    s = np.sum(x * x)
    return s.sum() * s.T + s.max() * np.float64(2.0).sum()


@pytest.mark.parametrize("func, args", [
    (array_methods, (np.array([0.3, -0.7, 1.2]), np.arange(9.0).reshape(3, 3) / 10.0)),
    (numpy_scalar_methods, (np.array([0.3, -0.7, 1.2]),)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_array_methods_of_arrays_and_numpy_scalars_are_exact(func, args):
    check_every_mode(func, args, peer=func)


def test_the_receiver_of_a_known_array_is_not_checked():
    args = (np.array([0.3, -0.7, 1.2]), np.arange(9.0).reshape(3, 3) / 10.0)
    assert "attribute_or_raise" not in adjoint.source(array_methods, wrt=(0, 1), args=args)
    assert "attribute_or_raise" in adjoint.source(list_sum, args=(list(XS),))


# ----- builtins over a dict read its keys --------------------------------------------------

def sum_of_keys(d, x):
    return sum(d) * x + d[1]


def largest_key_times_an_item(d, x):
    return max(d) * d[1] * x


def smallest_key_and_items(d, x):
    return min(d) + d[2] * d[0] * x


def fsum_of_keys(d, x):
    return math.fsum(d) * x + d[0] * d[1]


def keys_summed_from_an_item(d, x):
    return sum(d, d[0]) * d[1] * x


def _int_keyed():
    return {2: 0.5, 0: 1.5, 1: 0.7}


@pytest.mark.parametrize("func", [sum_of_keys, largest_key_times_an_item, smallest_key_and_items, fsum_of_keys,
                                  keys_summed_from_an_item], ids=lambda f: f.__name__)
@pytest.mark.parametrize("wrt", [0, 1])
def test_builtins_over_a_dict_read_its_keys_which_carry_no_derivative(func, wrt):
    check_every_mode(func, (_int_keyed(), 0.7), wrt=wrt)


# ----- lists given to NumPy's functions --------------------------------------------------------

def list_exp_and_square(xs):
    return np.sum(np.exp(xs)) + np.sum(np.square(xs))


def list_power_and_prod(xs):
    return np.sum(np.power(xs, 2)) + np.prod(xs)


def list_max_and_clip(xs):
    return np.max(xs) + np.sum(np.clip(xs, 0.0, 1.0))


def list_diff_and_sort(xs):
    return np.sum(np.diff(xs) ** 2) + np.sort(xs)[0]


def list_multiply_and_add(xs):
    return np.sum(np.multiply(xs, 3)) + np.sum(np.add(xs, xs))


def list_negative_and_maximum(xs):
    return np.sum(np.negative(xs) * 2) + np.sum(np.maximum(xs, 0.0))


def list_log1p_of_square(xs):
    return np.sum(np.log1p(np.square(xs)) * 2)


def tuple_arcsin(xs):
    return np.sum(np.arcsin(tuple(xs))) * np.sin(xs)[0]


def nested_list_tanh(x):
    m = [[x, 0.5], [x * x, 0.25]]
    return np.sum(np.tanh(m) ** 2) + np.mean(m)


def list_of_arrays_sum(a):
    rows = [a, 2.0 * a]
    return np.sum(np.square(rows))


@pytest.mark.parametrize("func, args", [
    (list_exp_and_square, (list(XS),)), (list_power_and_prod, (list(XS),)), (list_max_and_clip, (list(XS),)),
    (list_diff_and_sort, (list(XS),)), (list_multiply_and_add, (list(XS),)), (list_negative_and_maximum, (list(XS),)),
    (list_log1p_of_square, (list(XS),)), (tuple_arcsin, ([0.3, -0.6, 0.2],)), (nested_list_tanh, (0.7,)),
    (list_of_arrays_sum, (np.array(XS),)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_lists_given_to_numpy_functions_are_read_as_arrays(func, args):
    check_every_mode(func, args)


@pytest.mark.parametrize("func", [list_exp_and_square, list_power_and_prod, list_max_and_clip, list_diff_and_sort,
                                  list_multiply_and_add, list_negative_and_maximum, list_log1p_of_square],
                         ids=lambda f: f.__name__)
def test_the_gradient_of_a_list_is_autograd_s_of_its_array(func):
    """autograd's NumPy takes no list of its boxes: its gradient with respect to the array of the list."""
    autograd = pytest.importorskip("autograd")
    peer = _on_autograd_numpy(func, autograd.numpy)
    np.testing.assert_allclose(autograd.grad(peer)(np.array(XS)), adjoint.grad(func)(list(XS)), rtol=1e-9, atol=1e-12)


# ----- attributes named as NumPy's ------------------------------------------------------------

class Gas(NamedTuple):
    P: float
    T: float


class Wave(NamedTuple):
    real: float
    imag: float


def pressure_over_temperature(g):
    return g.P / g.T  # <- gas-T


def wave_product(x):
    w = Wave(x, 2.0)
    return w.real ** 2 * w.imag  # <- wave-real


class Thermostat:
    def __init__(self, T, W):
        self.T = T
        self.W = W

    def loss(self, x):
        return np.sum((self.W.T @ x) ** 2) / self.T + self.mean(x)

    def mean(self, x):
        return np.sum(x) * self.T


THERMOSTAT = Thermostat(2.0, np.arange(4.0).reshape(2, 2))


def through_the_thermostat(x):
    return THERMOSTAT.loss(x) * THERMOSTAT.T


@pytest.mark.parametrize("func, args, marker", [
    (pressure_over_temperature, (Gas(2.0, 3.0),), "gas-T"), (wave_product, (0.7,), "wave-real"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_a_record_field_named_as_an_array_attribute_is_refused_at_its_line(func, args, marker):
    line = next(number for number, text in enumerate(open(__file__, encoding="utf-8"), start=1)
                if text.rstrip().endswith(f"# <- {marker}"))
    for derived in (adjoint.grad(func), adjoint.value_and_grad(func)):
        with pytest.raises(adjoint.AdjointError, match=rf"test_probe30_idioms.py:{line}"):
            derived(*copy.deepcopy(args))


@pytest.mark.parametrize("func", [THERMOSTAT.loss, through_the_thermostat], ids=["method", "global"])
def test_the_attributes_of_the_object_a_method_is_bound_to_are_its_own(func):
    peer = func if AUTOGRAD_RUNS_NUMPY_CALLS else None  # the methods call NumPy themselves
    check_every_mode(func, (np.array([0.3, 0.5]),), peer=peer)


def keys_listed(d):
    return sum(list(d)) * d[1]


def keys_as_a_tuple(d):
    return len(d) * sum(tuple(d)) * d[1] + np.sum(np.array(list(d)) * 1.0)


def keys_listed_then_iterated(d):
    return sum(k for k in list(d)) * d[0] * d[2]


@pytest.mark.parametrize("func", [keys_listed, keys_as_a_tuple, keys_listed_then_iterated], ids=lambda f: f.__name__)
def test_the_keys_a_dict_lists_carry_no_tangent(func):
    check_every_mode(func, (_int_keyed(),))
