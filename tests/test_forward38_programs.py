"""Forward mode and second order on the programs of forward38_programs.py: each program in every mode
(grad, value_and_grad, vjp, jvp against a central directional difference, hvp against differences of
the gradient, grad of grad of the scalar ones), jvp and vjp of grad and jvp of value_and_grad against
differences, tangents, cotangents and arguments left as they were, Jacobians of vector functions by
stacked jvps and vjps, and `adjoint gen` modules run where adjoint cannot be imported.

What was wrong, and is fixed:
- np.clip where a lower bound exceeds the upper one (NumPy's result is the upper bound, whatever x
  is): the derivative went to both bounds where x lay between them, and to the lower bound alone
  where x lay below both; the masks now follow NumPy's min(max(x, low), high).
"""
from __future__ import annotations

import copy
import warnings

import numpy as np
import pytest

import adjoint
import forward38_programs as programs
from every_mode import check_every_mode
from soundness import flat

RNG = np.random.default_rng(38)


def _close(got, want, rtol=1e-5, atol=1e-6, what=""):
    np.testing.assert_allclose(flat(got), flat(want), rtol=rtol, atol=atol, err_msg=what)


@pytest.mark.parametrize("x", [np.array([0.7, 0.5, 1.1, -0.3]), np.array([0.95, 0.2, 0.65, 2.0])])
def test_clip_with_crossed_bounds(x):
    """Bounds crossed at some entries: every mode exact in x and in each bound."""
    low, high = np.array([0.9, 0.9, -2.0, 1.5]), np.array([0.6, 0.6, 0.6, 1.0])
    for position in range(3):
        check_every_mode(programs.crossed_clip_bounds, (x, low, high), wrt=position)
    for args in ((0.7, 0.9, 0.6), (0.5, 0.9, 0.6), (1.1, 0.9, 0.6), (0.35, -0.2, 0.6)):
        for position in range(3):
            check_every_mode(programs.crossed_clip_scalar, args, wrt=position)


def test_literal_arguments_of_a_rule_tested_for_none_compile_without_warnings():
    x, fp = np.array([-0.5, 0.3, 0.8, 1.4, 2.6]), np.array([0.3, -0.2, 0.8, 0.1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for position in range(2):
            check_every_mode(programs.interp_literal_ends, (x, fp), wrt=position)
