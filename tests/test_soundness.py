"""The soundness catalogue (soundness.py): every case differentiated exactly, or refused at its line.

For an exact case, grad, value_and_grad and vjp agree with central differences and the
plain function's value, jvp with a directional difference, and no input changes.
"""
from __future__ import annotations

import copy
import inspect

import numpy as np
import pytest

import adjoint
from soundness import (Exact, Refused, central_differences, directional_difference, flat, load_cases,
                       marked_line, with_flat)
from test_catalogue_fd import assert_unchanged

CASES = load_cases()
EXACT = [pytest.param(case, id=case.name) for case in CASES if isinstance(case, Exact)]
REFUSED = [pytest.param(case, id=case.name) for case in CASES if isinstance(case, Refused)]
RTOL = 1e-6
ATOL = 1e-7


def _positions(case) -> tuple:
    names = list(inspect.signature(case.fn).parameters)
    items = case.wrt if isinstance(case.wrt, tuple) else (case.wrt,)
    return tuple(names.index(w) if isinstance(w, str) else w for w in items)


def _gradients(case, result) -> tuple:
    return result if isinstance(case.wrt, tuple) else (result,)


def _close(got, want, what: str) -> None:
    np.testing.assert_allclose(flat(got), want, rtol=RTOL, atol=ATOL, err_msg=what)


@pytest.mark.parametrize("case", EXACT)
def test_exact_case_matches_differences_and_value(case, rng):
    args = case.make_args(rng)
    before = copy.deepcopy(args)
    value = case.fn(*copy.deepcopy(args))
    expected = [central_differences(case.fn, args, p) for p in _positions(case)]

    gradients = _gradients(case, adjoint.grad(case.fn, wrt=case.wrt)(*args))
    assert_unchanged(before, args)
    for gradient, want, position in zip(gradients, expected, _positions(case)):
        _close(gradient, want, f"grad wrt argument {position}")
        if isinstance(args[position], (int, float)):
            assert isinstance(gradient, float), f"the gradient of a number is a {type(gradient).__name__}"
        else:
            assert type(gradient) is type(args[position]), (
                f"the gradient of a {type(args[position]).__name__} is a {type(gradient).__name__}")

    got_value, gradients = adjoint.value_and_grad(case.fn, wrt=case.wrt)(*args)
    assert_unchanged(before, args)
    np.testing.assert_allclose(flat(got_value), flat(value), rtol=1e-12, atol=1e-12,
                               err_msg="value_and_grad's value differs from the function's")
    for gradient, want in zip(_gradients(case, gradients), expected):
        _close(gradient, want, "value_and_grad's gradient")

    got_value, pullback = adjoint.vjp(case.fn, wrt=case.wrt)(*args)
    np.testing.assert_allclose(flat(got_value), flat(value), rtol=1e-12, atol=1e-12, err_msg="vjp's value")
    for gradient, want in zip(_gradients(case, pullback(1.0)), expected):
        _close(gradient, want, "vjp's pullback")
    assert_unchanged(before, args)


@pytest.mark.parametrize("case", [p for p in EXACT if p.values[0].jvp])
def test_exact_case_forward_mode_matches_a_directional_difference(case, rng):
    args = case.make_args(rng)
    before = copy.deepcopy(args)
    positions = _positions(case)
    tangents = tuple(with_flat(args[p], rng.normal(size=flat(args[p]).size)) for p in positions)
    tangents_before = copy.deepcopy(tangents)
    value, tangent = adjoint.jvp(case.fn, wrt=case.wrt)(*args, *tangents)
    assert_unchanged(before, args)
    assert_unchanged(tangents_before, tangents, "tangents")
    np.testing.assert_allclose(flat(value), flat(case.fn(*copy.deepcopy(args))), rtol=1e-12, atol=1e-12)
    want = directional_difference(case.fn, args, positions, tangents)
    np.testing.assert_allclose(flat(tangent), want, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("case", REFUSED)
def test_refused_case_names_its_line(case):
    with pytest.raises(case.raises) as info:
        adjoint.grad(case.fn, wrt=case.wrt)(*copy.deepcopy(case.args))
    error = info.value
    assert isinstance(error, adjoint.AdjointError)
    assert error.filename == inspect.getsourcefile(case.fn), str(error)
    assert error.lineno == marked_line(case.fn, case.marker), str(error)


def test_case_names_are_unique():
    names = [case.name for case in CASES]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
