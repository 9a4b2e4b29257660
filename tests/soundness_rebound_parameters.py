"""A parameter the function rebinds to a value of another shape through a called function.

The gradient of a parameter is returned in the type and shape of the argument as passed. Where
the adjoint of the rebinding statement does not read the old value (a called function keeps
what its adjoint reads in its residuals: `x = layer(x)`), the adjoint sweep never gave the name
back its argument, and the gradient was shaped like the new value: an internal error from
broadcasting, or a gradient of the wrong shape.
"""
from __future__ import annotations

import numpy as np

from soundness import Exact

W = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
V = np.linspace(0.5, 1.5, 6).reshape(2, 3)


def linear(A, x):
    return A @ x


def squash(x):
    return np.tanh(x)


def through_one_call(x):
    x = linear(W, x)
    return np.sum(x ** 2)


def through_two_calls(x):
    x = linear(W, x)
    x = squash(linear(V, x))
    return np.sum(x ** 2)


def to_a_number(x):
    x = np.sum(squash(x))
    return x * x


def after_a_saved_rebinding(x):
    x = x * 2.0
    x = linear(W, x)
    return np.sum(x * x)


def before_a_saved_rebinding(x):
    x = linear(W, x)
    x = x * x
    return np.sum(np.sin(x))


def rebound_in_a_loop(x, n):
    for _ in range(n):
        x = squash(np.concatenate([x, x[:1]]))
    return np.sum(x * x)


def with_another_parameter(x, b):
    x = linear(W, x) + b
    b = squash(b)
    return np.sum(x * b)


def four(rng):
    return (rng.normal(size=4),)


CASES = [
    Exact(through_one_call, four),
    Exact(through_two_calls, four),
    Exact(to_a_number, four),
    Exact(after_a_saved_rebinding, four),
    Exact(before_a_saved_rebinding, four),
    Exact(rebound_in_a_loop, lambda rng: (rng.normal(size=3), 3)),
    Exact(with_another_parameter, lambda rng: (rng.normal(size=4), rng.normal(size=3)), wrt=(0, 1)),
]
