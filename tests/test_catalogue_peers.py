"""Catalogue cases tagged "autograd": adjoint's gradient against autograd's.

autograd runs a second copy of the catalogue functions whose `np` is autograd.numpy
(`load_functions(np=autograd.numpy)`); adjoint differentiates the original functions.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest

autograd = pytest.importorskip("autograd")
import autograd.numpy as anp  # noqa: E402

import adjoint  # noqa: E402
import catalogue_functions as fns  # noqa: E402
from catalogue import CASES, Case, load_functions  # noqa: E402

pytestmark = pytest.mark.peers

AUTOGRAD_CASES = [pytest.param(case, id=case.id) for case in CASES if "autograd" in case.tags]


@pytest.fixture(scope="module")
def autograd_functions():
    return load_functions(np=anp)


def peer_of(case: Case, module) -> object:
    return getattr(module, case.fn.__name__)


def test_copy_runs_on_autograd_numpy(autograd_functions) -> None:
    assert len(AUTOGRAD_CASES) >= 100
    assert autograd_functions.np is anp and fns.np is np
    assert autograd_functions.np_exp is not fns.np_exp
    assert autograd_functions.call_numpy_helper.__globals__["helper_loss"] is autograd_functions.helper_loss


@pytest.mark.parametrize("case", AUTOGRAD_CASES)
def test_copy_computes_same_value(case: Case, rng: np.random.Generator, autograd_functions) -> None:
    args = case.make_args(rng)
    ours = case.fn(*copy.deepcopy(args))
    theirs = peer_of(case, autograd_functions)(*copy.deepcopy(args))
    np.testing.assert_allclose(np.asarray(theirs, dtype=np.float64), np.asarray(ours, dtype=np.float64),
                               rtol=1e-12, atol=1e-14)


@pytest.mark.filterwarnings("ignore:Output seems independent of input")
@pytest.mark.parametrize("case", AUTOGRAD_CASES)
def test_grad_matches_autograd(case: Case, rng: np.random.Generator, autograd_functions) -> None:
    args = case.make_args(rng)
    result = adjoint.grad(case.fn, wrt=case.wrt)(*copy.deepcopy(args))
    gradients = result if isinstance(case.wrt, tuple) else (result,)
    assert len(gradients) == len(case.positions)
    peer = peer_of(case, autograd_functions)
    for wrt, position, gradient in zip(case.wrt_items, case.positions, gradients):
        # autograd differentiates floats and float arrays only: an int here is a mis-tagged case.
        assert isinstance(args[position], (float, np.ndarray)), f"{wrt!r} is {type(args[position]).__name__}"
        expected = autograd.grad(peer, position)(*copy.deepcopy(args))
        np.testing.assert_allclose(np.asarray(gradient, dtype=np.float64), np.asarray(expected, dtype=np.float64),
                                   rtol=1e-9, atol=1e-12, err_msg=f"gradient with respect to {wrt!r}")
