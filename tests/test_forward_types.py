"""The cases of soundness_forward_types.py beyond the catalogue's checks.

- without the optimizer (whose zero propagation hid some unreached adjoints): grad and jvp
  against differences;
- second order: hvp (forward over reverse) against the difference of the gradient, and the
  Hessian built from it is symmetric.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest

import adjoint
from soundness import Exact, central_differences, directional_difference, flat
from soundness_forward_types import CASES

PARAMS = [pytest.param(case, id=case.name) for case in CASES if isinstance(case, Exact)]
RTOL, ATOL = 1e-6, 1e-7


@pytest.mark.parametrize("case", PARAMS)
def test_unoptimized_gradient_and_tangent_match_differences(case, rng):
    args = case.make_args(rng)
    gradient = adjoint.grad(case.fn, wrt=case.wrt, optimize=False)(*copy.deepcopy(args))
    np.testing.assert_allclose(flat(gradient), central_differences(case.fn, args, case.wrt), rtol=RTOL, atol=ATOL)
    direction = rng.normal(size=np.shape(args[case.wrt]))
    direction = float(direction) if isinstance(args[case.wrt], float) else direction
    _, tangent = adjoint.jvp(case.fn, wrt=case.wrt, optimize=False)(*copy.deepcopy(args), direction)
    want = directional_difference(case.fn, args, (case.wrt,), (direction,))
    np.testing.assert_allclose(flat(tangent), want, rtol=RTOL, atol=ATOL)


def _gradient_difference(case, args, direction, eps=1e-5):
    """(grad f(x + eps v) - grad f(x - eps v)) / 2 eps."""
    gradient = adjoint.grad(case.fn, wrt=case.wrt)
    moved = []
    for step in (eps, -eps):
        varied = list(copy.deepcopy(args))
        varied[case.wrt] = varied[case.wrt] + step * direction
        moved.append(flat(gradient(*varied)))
    return (moved[0] - moved[1]) / (2 * eps)


@pytest.mark.parametrize("case", PARAMS)
@pytest.mark.parametrize("optimize", [True, False], ids=["optimized", "unoptimized"])
def test_hvp_matches_differences_of_the_gradient(case, optimize, rng):
    args = case.make_args(rng)
    direction = rng.normal(size=np.shape(args[case.wrt]))
    direction = float(direction) if isinstance(args[case.wrt], float) else direction
    product = adjoint.hvp(case.fn, wrt=case.wrt, optimize=optimize)(*copy.deepcopy(args), direction)
    np.testing.assert_allclose(flat(product), _gradient_difference(case, args, direction), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", [p for p in PARAMS if isinstance(p.values[0].make_args(np.random.default_rng(0))[0],
                                                                    np.ndarray)])
def test_hessian_is_symmetric(case, rng):
    args = case.make_args(rng)
    size = np.size(args[case.wrt])
    matrix = np.reshape(adjoint.hessian(case.fn, wrt=case.wrt)(*copy.deepcopy(args)), (size, size))
    np.testing.assert_allclose(matrix, matrix.T, rtol=1e-9, atol=1e-9)
