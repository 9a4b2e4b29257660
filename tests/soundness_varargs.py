"""Differentiated values passed through a user function's `*args` and `**kwargs`; loops over
a table of functions known when the derivative is generated.

The callee is differentiated as the version of itself a call makes: one named parameter
per value passed through `*args` (per keyword through `**kwargs`), and the tuple (the
dict) the body reads built from them. Each arity a caller uses gets its own derivative.
A loop whose variable picks the function a call receives, over the entries of a global or
captured dict or tuple, is unrolled, one copy of its body per entry (normalize/unroll.py).
"""
from __future__ import annotations

import functools

import numpy as np

import adjoint
from adjoint import NonDifferentiableError, UnsupportedSyntaxError
from soundness import Exact, Refused


def _vector(rng, n=3):
    return rng.normal(size=n)


# ----- callees reading *args as a tuple ------------------------------------------------------------


def affine(weights, *inputs):
    with_bias = inputs + (np.ones((inputs[0].shape[0], 1)),)
    return np.concatenate(with_bias, axis=1) @ weights


def affine_of_one_two_three(x, h, W1, W2, W3):
    one = affine(W1, x)
    two = affine(W2, x, h)
    three = affine(W3, x, h, np.tanh(h))
    return np.sum(one ** 2) + np.sum(two * three)


def first_times_last(*xs):
    return xs[0] * xs[-1] + xs[1]


def indexed(x, y):
    return np.sum(first_times_last(x, y, 2.0 * x) + first_times_last(y, x, 3.0, np.sin(y)))


def squares(*xs):
    total = 0.0
    for v in xs:
        total = total + v * v
    return total / len(xs)


def looped_over(x, y):
    return np.sum(squares(x) + squares(x, y) + squares(x, y, x * y))


def joined(a, *xs):
    both = xs + (a,) + xs
    return np.sum(np.concatenate(both) ** 2)


def concatenated(x, y):
    return joined(x, y, 3.0 * x) + joined(y)


def tail_sum(*xs):
    return xs[0] * sum(xs[1:])


def sliced(x, y):
    return tail_sum(x, y, x * y) + tail_sum(y, 2.0)


def mixed_with_constants(x, y):
    return np.sum(first_times_last(x, 1.5, y) + squares(2.0, x, 0.5))


def in_a_loop(x, n):
    total = 0.0
    for i in range(n):
        total = total + np.sum(first_times_last(x, x * i, np.cos(x)))
    return total


def padded(a, b=2.0, *xs):
    return a * b + (xs[0] if xs else 0.0)


def default_before_rest(x, y):
    return padded(x) + padded(x, y, x * y)


def clashing(*inputs):
    inputs_0 = inputs[0] * 2.0
    return inputs_0 * inputs[1]


def names_taken(x, y):
    return clashing(x, y) + clashing(y, x * x)


def positional_only(a, /, *xs):
    return a * xs[0]


def after_positional_only(x, y):
    return positional_only(x, y * y)


def halving(n, *xs):
    if n == 0:
        return xs[0] * xs[1]
    return halving(n - 1, *xs) * 0.5 + xs[0]


def recursive(x, y):
    return halving(3, x, y)


def same_value_twice(x):
    return np.sum(first_times_last(x, x, x) + squares(x, x))


# ----- **kwargs ---------------------------------------------------------------------------------


def shifted(x, **options):
    return options["scale"] * x ** 2 + options["shift"]


def read_by_key(x, y):
    return np.sum(shifted(x, scale=y[0], shift=np.sin(x))) + np.sum(shifted(y, shift=1.0, scale=x[1]))


def weighted_by_name(x, **terms):
    total = x
    for key, value in terms.items():
        total = total + value * len(key)
    return total * len(terms)


def items_of_kwargs(x, y):
    return weighted_by_name(x, ab=y, c=x * y)


def inner(a, b, c=1.0, **rest):
    return a * b * c + rest["d"]


def forwarding(*args, **kwargs):
    return inner(*args, **kwargs) * 2.0


def forwarded(x, y):
    return forwarding(x, y, c=x, d=y) + forwarding(y, x, d=3.0)


def logged(f):
    def wrapper(*args, **kwargs):
        return f(*args, **kwargs)
    return wrapper


@logged
def energy(x, k=1.0):
    return k * np.sum(x ** 2)


def through_a_decorator(x, k):
    return energy(x, k=k) + energy(2.0 * x)


def spread_in_a_tuple(x, *xs):
    t = (*xs, x)
    return t[0] * t[-1] + sum([*xs])


def spread_values(x, y):
    return spread_in_a_tuple(x, y, y * y)


# ----- functions as values, methods, local functions ----------------------------------------------


def apply(fn, *xs):
    return fn(xs[0]) * xs[1]


def function_and_rest(x, y):
    return np.sum(apply(np.tanh, x, y * 3.0) + apply(np.sin, y, x))


class Layer:
    def __init__(self, bias):
        self.bias = bias

    def affine(self, w, *xs):
        return w * sum(xs) + self.bias


LAYER = Layer(0.5)


def method_with_rest(x, w):
    return np.sum(LAYER.affine(w, x, x * x) * LAYER.affine(2.0, w))


def local_with_rest(x, w):
    def product(*ys, **scales):
        return ys[0] * ys[1] * scales["k"] + w

    scale = lambda *ys: sum(ys) * w  # noqa: E731
    return product(x, scale(x, w), k=w) + product(w, x, k=2.0)


def scaled_total(scale, *xs):
    return scale * sum(xs)


HALF_TOTAL = functools.partial(scaled_total, 0.5)


def partial_with_rest(x, y):
    return HALF_TOTAL(x, y * y) + HALF_TOTAL(y)


def local_partial_with_rest(x, y):
    doubled = functools.partial(scaled_total, 2.0)
    return doubled(x, y)  # <- local-partial-with-rest


# ----- second order ---------------------------------------------------------------------------


def weighted(w, *xs, **kw):
    return w * (xs[0] * xs[1] + len(xs)) * kw["k"]


def first_order(x):
    return weighted(x, np.sin(x), x * x, k=x)


nested_grad = adjoint.grad(first_order)


def through_a_looping_callee(x):
    return squares(x, np.sin(x), 2.0)


nested_grad_of_a_loop = adjoint.grad(through_a_looping_callee)


# ----- loops over tables of functions -------------------------------------------------------------

PENALTIES = {
    "square": lambda v: np.sum(v ** 2),
    "cosine": lambda v: np.sum(np.cos(3.0 * v)),
    "quartic": lambda v: 0.25 * np.sum(v ** 4),
}
ACTIVATIONS = (np.tanh, np.sin, lambda v: v / (1.0 + v * v))


def mixed_penalties(weights):
    def objective(x):
        return sum(weight * PENALTIES[name](x) for name, weight in weights.items())
    return objective


def by_key_in_a_loop(x):
    total = 0.0
    for name in PENALTIES:
        scale = len(name)
        total = total + scale * PENALTIES[name](x * scale)
    return total + name_after_loop_length(x)


def name_after_loop_length(x):
    for name in PENALTIES.keys():
        value = PENALTIES[name](x)
    return value * len(name)


def through_a_tuple(x):
    total = 0.0
    for act in ACTIVATIONS:
        total = total + np.sum(act(x) * x)
    return total


def pairs_of_a_tuple(x):
    total = 0.0
    for i, act in enumerate(ACTIVATIONS):
        total = total + (i + 1) * np.sum(act(x))
    return total


def table_values(x):
    return sum(f(x) for f in PENALTIES.values())


def nested_tables(x):
    total = 0.0
    for act in ACTIVATIONS:
        for name in PENALTIES:
            total = total + PENALTIES[name](act(x))
    return total


def breaks_out(x):
    total = 0.0
    for name in PENALTIES:
        total = total + PENALTIES[name](x)  # a loop that may break: the function chosen in each step
        if total > 1.0:
            break
    return total


def local_table(x):
    table = {"a": np.sin, "b": np.cos}
    total = 0.0
    for name in table:
        total = total + np.sum(table[name](x))  # <- local-table
    return total


# ----- refused ------------------------------------------------------------------------------


def doubled_in_place(*xs):
    v = xs[0]
    v *= 2.0
    return np.sum(v)


def rest_changed_in_place(x):
    y = x * 1.0
    s = doubled_in_place(y)  # <- rest-in-place
    return s + np.sum(y * x)


def spread_of_unknown_length(x, ys):
    return tail_sum(x, *ys)  # <- spread-unknown-length


CASES = [
    Exact(affine_of_one_two_three, lambda rng: (rng.normal(size=(2, 3)), rng.normal(size=(2, 2)),
                                                rng.normal(size=(4, 2)), rng.normal(size=(6, 2)),
                                                rng.normal(size=(8, 2))), wrt=(0, 1, 2, 3, 4)),
    Exact(indexed, lambda rng: (_vector(rng), _vector(rng)), wrt=(0, 1)),
    Exact(looped_over, lambda rng: (_vector(rng), _vector(rng)), wrt=(0, 1)),
    Exact(concatenated, lambda rng: (_vector(rng), _vector(rng)), wrt=(0, 1)),
    Exact(sliced, lambda rng: (0.7, 1.3), wrt=(0, 1)),
    Exact(mixed_with_constants, lambda rng: (_vector(rng), _vector(rng)), wrt=(0, 1)),
    Exact(in_a_loop, lambda rng: (_vector(rng), 3)),
    Exact(default_before_rest, lambda rng: (0.7, 1.3), wrt=(0, 1)),
    Exact(names_taken, lambda rng: (0.7, 1.3), wrt=(0, 1)),
    Exact(after_positional_only, lambda rng: (0.7, 1.3), wrt=(0, 1)),
    Exact(recursive, lambda rng: (0.7, 1.3), wrt=(0, 1)),
    Exact(same_value_twice, lambda rng: (_vector(rng),)),
    Exact(items_of_kwargs, lambda rng: (0.7, 1.3), wrt=(0, 1)),
    Exact(read_by_key, lambda rng: (_vector(rng), _vector(rng)), wrt=(0, 1)),
    Exact(forwarded, lambda rng: (0.7, 1.3), wrt=(0, 1)),
    Exact(through_a_decorator, lambda rng: (_vector(rng), 1.5), wrt=(0, 1)),
    Exact(spread_values, lambda rng: (0.7, 1.3), wrt=(0, 1)),
    Exact(function_and_rest, lambda rng: (_vector(rng), _vector(rng)), wrt=(0, 1)),
    Exact(method_with_rest, lambda rng: (_vector(rng), 0.8), wrt=(0, 1)),
    Exact(local_with_rest, lambda rng: (0.7, 1.3), wrt=(0, 1)),
    Exact(partial_with_rest, lambda rng: (0.7, 1.3), wrt=(0, 1)),
    Refused(local_partial_with_rest, (0.7, 1.3), NonDifferentiableError, "local-partial-with-rest", wrt=(0, 1)),
    Exact(nested_grad, lambda rng: (0.7,), id="grad_of_grad_through_rest"),
    Exact(nested_grad_of_a_loop, lambda rng: (0.7,), id="grad_of_grad_through_rest_looped_over"),
    Exact(mixed_penalties({"square": 1.0, "cosine": 0.5, "quartic": 0.1}), lambda rng: (_vector(rng),),
          id="dict_items_picking_functions"),
    Exact(by_key_in_a_loop, lambda rng: (_vector(rng),)),
    Exact(through_a_tuple, lambda rng: (_vector(rng),)),
    Exact(pairs_of_a_tuple, lambda rng: (_vector(rng),)),
    Exact(table_values, lambda rng: (_vector(rng),)),
    Exact(nested_tables, lambda rng: (_vector(rng),)),
    Exact(breaks_out, lambda rng: (_vector(rng) * 0.3,), id="table_loop_with_break_early"),
    Exact(breaks_out, lambda rng: (np.abs(_vector(rng)) + 1.0,), id="table_loop_with_break_at_once"),
    Refused(local_table, (np.ones(3),), NonDifferentiableError, "local-table"),
    Refused(rest_changed_in_place, (np.arange(1.0, 4.0),), UnsupportedSyntaxError, "rest-in-place"),
    Refused(spread_of_unknown_length, (0.7, (1.0, 2.0)), UnsupportedSyntaxError, "spread-unknown-length"),
]
