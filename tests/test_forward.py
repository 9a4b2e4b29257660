"""Forward mode on the whole catalogue: jvp's tangent against central differences along a direction.

For every case and every `wrt` entry, a random direction v (1.0 for a scalar) gives
(f(x + eps v) - f(x - eps v)) / 2 eps, which jvp must reproduce, together with f(x).
"""
from __future__ import annotations

import copy

import numpy as np
import pytest

import adjoint
from catalogue import CASES
from test_catalogue_fd import reference_function, scalar_output

EPS = 1e-6
PARAMS = [pytest.param(case, id=case.id) for case in CASES]


def positions(case, args) -> list:
    names = list(adjoint.api.parameter_names(case.fn))
    wrt = case.wrt if isinstance(case.wrt, tuple) else (case.wrt,)
    return [names.index(w) if isinstance(w, str) else w for w in wrt]


def direction(value, rng):
    if isinstance(value, np.ndarray):
        return rng.normal(size=value.shape)
    if isinstance(value, (list, tuple)):
        return [direction(item, rng) for item in value]
    return 1.0


def moved(value, step, eps):
    if isinstance(value, (list, tuple)):
        return [moved(item, s, eps) for item, s in zip(value, step)]
    return np.asarray(value, dtype=float) + eps * step if isinstance(value, np.ndarray) else float(value) + eps * step


@pytest.mark.parametrize("case", PARAMS)
def test_jvp_matches_directional_differences(case, rng):
    args = case.make_args(rng)
    where = positions(case, args)
    tangents = [direction(args[p], rng) for p in where]
    wrt = case.wrt if isinstance(case.wrt, tuple) else case.wrt
    value, tangent = adjoint.jvp(case.fn, wrt=wrt)(*copy.deepcopy(args), *tangents)
    reference = reference_function(case, args)

    def along(eps):
        varied = list(copy.deepcopy(args))
        for p, t in zip(where, tangents):
            varied[p] = moved(varied[p], t, eps)
        return scalar_output(reference(*varied))

    expected = (along(EPS) - along(-EPS)) / (2 * EPS)
    assert scalar_output(value) == pytest.approx(scalar_output(case.fn(*copy.deepcopy(args))), rel=1e-12, abs=1e-12)
    assert scalar_output(tangent) == pytest.approx(expected, rel=1e-6, abs=1e-7)


@pytest.mark.parametrize("case", PARAMS)
def test_jvp_agrees_with_grad(case, rng):
    """<grad f, v> from reverse mode equals jvp's tangent (both are exact derivatives)."""
    args = case.make_args(rng)
    where = positions(case, args)
    tangents = [direction(args[p], rng) for p in where]
    wrt = case.wrt if isinstance(case.wrt, tuple) else case.wrt
    _, tangent = adjoint.jvp(case.fn, wrt=wrt)(*copy.deepcopy(args), *tangents)
    gradients = adjoint.grad(case.fn, wrt=case.wrt if isinstance(case.wrt, tuple) else (case.wrt,))(*copy.deepcopy(args))
    inner = sum(float(np.sum(np.asarray(g, dtype=float) * np.asarray(t, dtype=float))) for g, t in zip(gradients, tangents))
    assert scalar_output(tangent) == pytest.approx(inner, rel=1e-9, abs=1e-10)
