"""`adjoint gen` on the collected programs: each module written runs where adjoint cannot be imported
and gives, bit for bit, what adjoint's own derivative gives in this process (tests/standalone_sweep.py).

What was wrong: a plain class the function builds, read by two derivatives under two names, was
written as two classes, and the check that a record is of its class refused the other one.
"""
from __future__ import annotations

import numpy as np  # noqa: F401

import probe38_programs
import test_probe38_programs
from standalone_sweep import cases_from_tables, run_all


def _cases(programs, tests, names):
    return [case for case in cases_from_tables(programs, tests) if case.name in names]


def test_a_class_the_function_builds_is_written_once(tmp_path):
    """integrator_object builds an Integrator and calls its method: both derivatives check the
    record's class by identity."""
    outcomes = run_all(probe38_programs, _cases(probe38_programs, test_probe38_programs, {"integrator_object"}),
                       tmp_path)
    assert [outcome.kind for outcome in outcomes] == ["same"] * 4, outcomes
