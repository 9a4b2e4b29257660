"""A walrus that rebinds a name the same statement reads before it: Python reads the old value
there, while A-normal form keeps a name as its own operand and would read the new one (each of
these gave a wrong derivative, or value, before it was refused). A walrus whose name is read only
inside its own value, or after it, is differentiated as Python runs it."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode
from soundness import marked_line


def weighted(a, b):
    return 10.0 * a + b


def argument_rebound(x):
    y = x * 1.0
    return weighted(y, (y := y * 3.0))  # <- argument


def operand_rebound(x):
    y = x * 4.0
    return y * (y := y + 1.0)  # <- operand


def receiver_rebound(x):
    y = np.zeros(2)
    y.fill((y := np.ones(2))[0] * x)  # <- receiver
    return np.sum(y)


def list_rebound(x):
    xs = [x, 2.0 * x]
    xs.append((xs := [3.0 * x, x])[0])  # <- list
    return xs[0] + 10.0 * xs[1] + len(xs)


def key_rebound(x):
    k = 1.0
    d = {"a": k * x, "b": (k := 2.0) * x}  # <- key
    return d["a"] + 10.0 * d["b"]


REFUSED = [(argument_rebound, "argument"), (operand_rebound, "operand"), (receiver_rebound, "receiver"),
           (list_rebound, "list"), (key_rebound, "key")]


@pytest.mark.parametrize("func, marker", REFUSED, ids=[case[1] for case in REFUSED])
def test_a_walrus_rebinding_what_its_statement_read_before_is_refused(func, marker):
    with pytest.raises(adjoint.UnsupportedSyntaxError, match="rebinds") as refused:
        adjoint.grad(func)(0.7)
    assert refused.value.location.lineno == marked_line(func, marker)


def counted_down(x):
    n = 3
    while (n := n - 1) > 0:
        x = x * 1.5 + x * x
    return x


def named_then_read(x):
    y = (t := x * 2.0) + t * t
    return y * (z := y + 1.0) + z


def branch_on_square(x):
    if (s := x * x) > 0.1:
        return s * x
    return x


@pytest.mark.parametrize("func", [counted_down, named_then_read, branch_on_square], ids=lambda func: func.__name__)
def test_a_walrus_read_after_it_is_exact(func):
    check_every_mode(func, (0.7,))
