"""A NumPy call that writes its result into `out=` is refused naming the array it writes into.

The refusal used to name the first differentiated operand instead, which after normalization
may be a name the compiler made up (`_t2` for `x.reshape(2, 3)`) or the input `x` itself,
not the array the call changes."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint


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
