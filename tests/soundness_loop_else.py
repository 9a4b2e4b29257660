"""Soundness cases for `for ... else` and `while ... else` (normalize/loop_else.py).

The `else` block runs when the loop ends without a `break` of its own: not after a break,
nor after a break of an inner loop, but after a break in an inner loop's `else` block (which
leaves the outer loop). Each case takes both ways at its arguments or between them.
"""
from __future__ import annotations

import math

import numpy as np

from soundness import Exact


def for_else_without_break(x):
    y = x
    for _ in range(3):
        y = y * x
    else:
        y = y + math.sin(x)
    return y


def for_else_broken(x, limit):
    total = 0.0
    for v in x:
        if v > limit:
            break
        total = total + v * v
    else:
        total = 2.0 * total
    return total


def for_else_not_broken(x, limit):
    return for_else_broken(x, limit + 10.0)


def while_else(x):
    y = 1.0
    n = 0
    while n < 4:
        y = y * x + 0.5
        n += 1
    else:
        y = y * y
    return y


def while_else_broken(x):
    y = x
    while y < 5.0:
        y = y * 1.5 + x
        if y > 3.0:
            break
    else:
        y = y * 10.0
    return y * x


def inner_break_leaves_only_the_inner_loop(xs):
    total = 0.0
    for row in range(2):
        for v in xs:
            if v < 0.0:
                break
            total = total + v * v
        else:
            total = total * 1.5
    return total


def break_in_inner_else_leaves_the_outer_loop(xs):
    total = 0.0
    for step in range(3):
        for v in xs:
            total = total + math.tanh(v) * step
        else:
            total = total * 2.0
            if step == 1:
                break
    else:
        total = total - 100.0
    return total


def else_returns(x, limit):
    y = x
    for k in range(4):
        y = y * x
        if y > limit:
            break
    else:
        return y * 3.0
    return y - 1.0


def else_in_a_local_function(x):
    def scaled(v):
        out = v
        for _ in range(2):
            out = out * v
        else:
            out = out + 1.0
        return out
    return scaled(x) * x


def arrays_through_else(w, xs):
    h = np.zeros(3)
    for x in xs:
        h = np.tanh(w @ h + x)
        if np.sum(h) > 50.0:
            break
    else:
        h = h * np.sum(w)
    return np.sum(h * h)


def _rows(rng):
    return (rng.normal(size=(3, 3)) * 0.5, [rng.normal(size=3) for _ in range(4)])


CASES = [
    Exact(for_else_without_break, lambda rng: (0.7,)),
    Exact(for_else_broken, lambda rng: (np.array([0.5, 0.2, 3.0, 0.1]), 1.0)),
    Exact(for_else_not_broken, lambda rng: (np.array([0.5, 0.2, 3.0, 0.1]), 1.0)),
    Exact(while_else, lambda rng: (0.8,)),
    Exact(while_else_broken, lambda rng: (0.9,), id="while_else_broken"),
    Exact(while_else_broken, lambda rng: (6.0,), id="while_else_ending_on_its_test"),
    Exact(inner_break_leaves_only_the_inner_loop, lambda rng: (np.array([0.3, -0.2, 0.5]),)),
    Exact(inner_break_leaves_only_the_inner_loop, lambda rng: (np.array([0.3, 0.2, 0.5]),), id="no_inner_break"),
    Exact(break_in_inner_else_leaves_the_outer_loop, lambda rng: (np.array([0.3, -0.2, 0.5]),)),
    Exact(else_returns, lambda rng: (1.2, 100.0), id="else_returns"),
    Exact(else_returns, lambda rng: (1.2, 1.5), id="break_skips_the_returning_else"),
    Exact(else_in_a_local_function, lambda rng: (0.6,)),
    Exact(arrays_through_else, _rows, wrt=(0, 1)),
]
