"""Comprehensions Python evaluates only under a condition (after `and`/`or`, in a branch of
`... if ... else ...`) are lowered into `if` statements, each evaluated where Python evaluates
it; and a list the forward half of a vjp builds in a branch not taken stays unbound in its
backward half (its copy there is None, not `list(None)`)."""
from __future__ import annotations

import numpy as np
import pytest

from every_mode import check_every_mode

XS = [0.3, -0.7, 1.1]


def any_or_all(xs):
    if any(v > 10.0 for v in xs) or all(v < -10.0 for v in xs):
        return 0.0
    return sum(v ** 3 for v in xs)


def or_value(xs, scale):
    s = scale or sum(v * v for v in xs)
    return s * xs[0]


def and_value(xs, gate):
    s = gate and sum(v * v for v in xs)
    return s * xs[0] + xs[1]


def either_sum(xs, flag):
    total = sum(v * v for v in xs) if flag else max(v ** 3 for v in xs)
    return total * 2.0


def rows_in_branches(xs):
    rows = [[v * w for w in xs] if v > 0 else [0.0] for v in xs]
    return sum(sum(r) for r in rows)


def chained(xs):
    large = xs[0] > 5 or xs[1] > 5 or sum(v for v in xs) > 0.5
    return (2.0 * xs[0]) if large else xs[1] ** 2


def in_an_item(xs):
    return sum((v if v > 0 else sum(w * w for w in xs)) for v in xs)


def either_list(x, xs):
    ys = [v * x for v in xs] if x > 0 else [v / x for v in xs]
    return sum(ys)


def array_test_first(x):
    bounded = np.all(x > -5) and all(v < 5 for v in x)
    return np.sum(x ** 2) if bounded else 0.0


def draws_in_order(x, flag):
    rng = np.random.default_rng(7)
    total = rng.normal() * x + (flag and sum(rng.normal() * x * k for k in range(3)))
    return total + rng.normal() * x * x


def list_built_in_a_branch(xs, flag):
    if flag:
        total = xs[0] * 3.0
    else:
        ys = []
        for v in xs:
            ys.append(v ** 3)
        total = ys[0]
    return total * 2.0


def comprehension_in_a_branch(xs, flag):
    if flag:
        total = sum(v * v for v in xs)
    else:
        ys = [v ** 3 for v in xs]
        total = max(ys)
    return total * 2.0


def list_built_in_a_loops_branch(xs):
    total = 0.0
    for v in xs:
        if v > 0:
            ys = [v * w for w in xs]
            total = total + sum(ys)
        else:
            total = total + v
    return total


CASES = [
    (any_or_all, (XS,)), (any_or_all, ([20.0, 1.0],)), (or_value, (XS, 0.0)), (or_value, (XS, 2.0)),
    (and_value, (XS, 1.0)), (and_value, (XS, 0.0)), (either_sum, (XS, True)), (either_sum, (XS, False)),
    (rows_in_branches, (XS,)), (chained, (XS,)), (chained, ([0.1, 0.1, 0.1],)), (in_an_item, (XS,)),
    (either_list, (0.7, XS)), (either_list, (-0.7, XS)), (array_test_first, (np.array(XS),)),
    (draws_in_order, (0.8, True)), (draws_in_order, (0.8, False)),
    (list_built_in_a_branch, (XS, True)), (list_built_in_a_branch, (XS, False)),
    (comprehension_in_a_branch, (XS, True)), (comprehension_in_a_branch, (XS, False)),
]


@pytest.mark.parametrize("func, args", CASES, ids=lambda value: getattr(value, "__name__", None) or repr(value))
def test_exact_in_every_mode(func, args):
    check_every_mode(func, args, 0)


@pytest.mark.parametrize("xs", [[0.3, -0.7, 1.1], [-0.3, -0.7, -1.1]])
def test_a_list_built_in_a_loops_branch_first_order(xs):
    """The list's name holds None before the branch first runs (the loop saves it at each pass):
    with no pass taking the branch, the backward half's copy of it is None too. Second order is
    refused (the list is written in place inside the loop)."""
    check_every_mode(list_built_in_a_loops_branch, (xs,), 0, second_order=False)


def test_the_operands_run_where_python_runs_them():
    """The draws after `flag and ...` are the function's own: the value of every derived function
    is the function's, whichever operand runs."""
    import adjoint
    for flag in (True, False):
        value, _ = adjoint.value_and_grad(draws_in_order)(0.8, flag)
        assert value == draws_in_order(0.8, flag)
