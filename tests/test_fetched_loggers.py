"""A logger the function fetches (`log = logging.getLogger(name)`, or `logging.getLogger(name).debug(...)`
in a loop) writes its messages in the primal sweep, once per call, as print does, and carries no
derivative (normalize/desugar.py); a module-level logger already did. They were refused as methods
changing a value in place. `logging.getLogger(__name__)` was refused as a call that may change the
global `__name__` in place: a global holding a string or a number cannot be."""
from __future__ import annotations

import logging

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode
from probe37_programs import logger_fetched_in_loop as fetched_in_the_loop

X = np.array([0.3, 0.7, -0.4])


def fetched_once(x):
    log = logging.getLogger("adjoint.tests.fetched")
    total = 0.0
    for v in x:
        log.debug("item %s", v)
        total += np.sin(v) * v
    log.info("total %.3f", total)
    return total


def fetched_by_the_modules_name(x):
    logging.getLogger(__name__).debug("mean %.3f", np.mean(x))
    return np.sum(np.tanh(x) * x)


@pytest.mark.parametrize("func", [fetched_once, fetched_in_the_loop, fetched_by_the_modules_name])
def test_every_mode(func):
    check_every_mode(func, (X.copy(),))


def test_each_message_is_written_once_per_call(caplog):
    gradient = adjoint.grad(fetched_in_the_loop)
    with caplog.at_level(logging.DEBUG, logger="probe"):
        gradient(X.copy())
    assert [record.getMessage() for record in caplog.records] == [f"step {i}: {v}" for i, v in enumerate(X)]


def test_another_method_of_a_fetched_logger_stays_refused():
    def changes_the_logger(x):
        log = logging.getLogger("adjoint.tests.fetched")
        log.setLevel(logging.INFO)
        return np.sum(x ** 2)

    with pytest.raises(adjoint.AdjointError, match="setLevel"):
        adjoint.grad(changes_the_logger)(X.copy())
