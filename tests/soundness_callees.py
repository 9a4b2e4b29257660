"""Soundness: a called function's statements run once per call of a derived function.

The derivative of a call `t = g(a)` runs g's forward half (which keeps the residuals its
adjoint needs) in the primal sweep and g's backward half in the adjoint sweep; g's own
statements never run again. Each case here draws random numbers inside a callee from a
generator seeded by the differentiated function: running the callee a second time would
differentiate against a second draw, and the gradient would differ from the one central
differences measure. test_callees_run_once.py counts the runs with the same functions.
"""
from __future__ import annotations

import numpy as np

import adjoint

from soundness import Exact

DRAWS = np.random.RandomState(0)
RUNS = []  # one entry per run of `counted`


# ----- callees ---------------------------------------------------------------------------

def noisy(w):
    return np.sum(w * DRAWS.randn(3))


def noisy_normal(w, rng):
    return np.sum(w * rng.normal(size=3))


def counted(x):
    RUNS.append(1)
    return x * x * DRAWS.randn()


def noisy_scale(x):
    return x * DRAWS.randn(x.shape[0])


def outer_noisy(x):
    return np.sin(noisy_scale(x)) * DRAWS.randn()


def noisy_pair(x):
    draw = DRAWS.randn(2)
    return x * draw[0], np.cos(x) * draw[1]


def noisy_power(x, n):
    if n == 0:
        return 1.0
    return x * DRAWS.uniform(0.5, 1.5) * noisy_power(x, n - 1)


def noisy_step(x, scale):
    return np.tanh(x * scale + DRAWS.randn(x.shape[0]))


# ----- differentiated functions ----------------------------------------------------------

def random_state_in_callee(w):
    DRAWS.seed(1)
    return noisy(w) * 1.0


def generator_passed_to_callee(w):
    rng = np.random.default_rng(7)
    return noisy_normal(w, rng) * 1.0


def counter_in_callee(x):
    DRAWS.seed(2)
    return counted(x) + 1.0


def callee_in_for_loop(x):
    DRAWS.seed(3)
    total = 0.0
    for i in range(3):
        total = total + np.sum(noisy_scale(x) * (i + 1.0))
    return total


def callee_overwrites_in_loop(x):
    DRAWS.seed(4)
    for _ in range(3):
        x = noisy_step(x, 0.7)
    return np.sum(x * x)


def callee_in_while_loop(x):
    DRAWS.seed(5)
    total = 0.0
    k = 0
    while k < 3:
        total = total + np.sum(noisy_scale(x) * x)
        k = k + 1
    return total


def callee_in_branches(x, flag):
    DRAWS.seed(6)
    if flag > 0:
        y = noisy_scale(x)
    else:
        y = np.cos(x)
    if flag < 0:
        y = y * noisy_scale(x)
    return np.sum(y * y)


def nested_callees(x):
    DRAWS.seed(7)
    return np.sum(outer_noisy(x) * x)


def recursive_callee(x):
    DRAWS.seed(8)
    return noisy_power(x, 3)


def callee_returning_tuple(x):
    DRAWS.seed(9)
    a, b = noisy_pair(x)
    return a * b + a


def callee_called_twice(x):
    DRAWS.seed(10)
    return np.sum(noisy_scale(x) * noisy_scale(x * 2.0))


def vector(rng):
    return (rng.normal(size=3),)


CASES = [
    Exact(random_state_in_callee, vector),
    Exact(generator_passed_to_callee, vector),
    Exact(counter_in_callee, lambda rng: (float(rng.normal()),)),
    Exact(callee_in_for_loop, vector),
    Exact(callee_overwrites_in_loop, vector),
    Exact(callee_in_while_loop, vector),
    Exact(callee_in_branches, lambda rng: (rng.normal(size=3), 1.0), id="callee_in_branches_taken"),
    Exact(callee_in_branches, lambda rng: (rng.normal(size=3), -1.0), id="callee_in_branches_other"),
    Exact(nested_callees, vector),
    Exact(recursive_callee, lambda rng: (float(rng.normal()),)),
    Exact(callee_returning_tuple, lambda rng: (float(rng.normal()),)),
    Exact(callee_called_twice, vector),
]


# ----- the residuals share objects with the caller: in-place writes after the call are undone first ----

def softmax(x):
    e = np.exp(x)
    return e / np.sum(e)


def square(x):
    return x * x


def weighted_product(items):
    return items[0] * items[1]


def result_written_after_call(x):
    t = softmax(x)
    t[0] = 0.0
    return np.sum(t * np.array([1.0, 2.0, 3.0]))


def argument_written_after_call(x):
    y = x * 2.0
    t = square(y)
    y[1] = 5.0
    return np.sum(t * y)


def list_item_written_after_call(x):
    items = [x, x * 2.0]
    t = weighted_product(items)
    items[0] = x * 5.0
    return t * items[0]


def argument_written_in_loop(x):
    y = x * 2.0
    total = 0.0
    for i in range(3):
        total = total + np.sum(square(y) * y)
        y[i] = 0.5
    return total


CASES += [
    Exact(result_written_after_call, vector),
    Exact(argument_written_after_call, vector),
    Exact(list_item_written_after_call, lambda rng: (float(rng.normal()),)),
    Exact(argument_written_in_loop, vector),
]


# ----- a callee marked adjoint.checkpoint runs again in the backward pass (the user's choice) ----

@adjoint.checkpoint
def recomputed_block(x, w):
    RECOMPUTED_RUNS.append(1)
    return np.tanh(x * w) * w


RECOMPUTED_RUNS = []


def checkpointed_callee_in_loop(x, w):
    for _ in range(3):
        x = recomputed_block(x, w)
    return np.sum(x * x)


CASES += [
    Exact(checkpointed_callee_in_loop, lambda rng: (rng.normal(size=3), rng.normal(size=3)), wrt=(0, 1)),
]
