"""A call of a function with no derivative rule, given constants alone (`rng.uniform(1.0, 2.0)`,
a method of a random generator held in a global), whose result starts a variable that becomes
differentiated later: the result is a constant, so no derivative flows back through the call.
This was refused ("no derivative rule"), the variable being active as a whole; given an active
value, such a call stays refused at its line (a draw of `normal`, `uniform` or `exponential` is
differentiated in its parameters: tests/test_random_draws.py)."""
from __future__ import annotations

import numpy as np

from adjoint import NonDifferentiableError
from soundness import Exact, Refused

STATE = np.random.RandomState(5)
GENERATOR = np.random.default_rng(5)


def started_from_a_draw(x):
    s = STATE.uniform(1.5, 1.5)  # a draw from one number: the checks call the function many times
    for v in x:
        s = s * 0.5 + v * v
    return s


def hidden_state_from_a_generator(x):
    W = np.array([[0.5, -0.2, 0.1], [0.3, 0.4, -0.6], [0.0, 0.2, 0.7]])
    h = GENERATOR.standard_normal(3) * 0.0 + 0.1
    for t in range(2):
        h = np.tanh(W @ h + x * t)
    return np.sum(h ** 2)


def draw_given_an_active_shape(x):
    s = STATE.gamma(x[0], 2.0)  # <- active-shape
    return s * x[1]


CASES = [
    Exact(started_from_a_draw, lambda rng: (rng.normal(size=3),)),
    Exact(hidden_state_from_a_generator, lambda rng: (rng.normal(size=3),)),
    Refused(draw_given_an_active_shape, (np.array([0.5, 1.5]),), NonDifferentiableError, "active-shape"),
]
