"""Whole programs over NumPy's decompositions and statistics (scientific_programs.py), and the
arguments at which those functions are refused at run time.

Each program is checked with `grad` against central differences along a random direction (and
jvp along the same direction), and against autograd running the same source where autograd
has every function it calls.
"""
from __future__ import annotations

import copy
import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

import adjoint
import scientific_programs as programs
from test_numpy_models import check_projection


def _separated(rng, rows, columns):
    """Data whose principal directions have well separated variances."""
    return rng.normal(size=(rows, columns)) * (1.0 + 1.5 * np.arange(columns))


def pca_args(rng):
    return (_separated(rng, 12, 4), 2)


def svd_args(rng):
    return (_separated(rng, 6, 4), rng.normal(size=(6, 4)))


def spectral_args(rng):
    return (rng.normal(size=(5, 3)) + np.eye(5, 3) * np.array([3.0, 2.0, 1.0]), rng.normal(size=3) * 0.1,
            rng.normal(size=(8, 5)), rng.normal(size=(8, 3)))


def polynomial_args(rng):
    x = np.linspace(-1.0, 1.0, 8)
    return (x, x ** 3 - x + 0.1 * rng.normal(size=8), rng.uniform(-1.0, 1.0, size=5), rng.normal(size=5))


def gaussian_args(rng):
    return (rng.normal(size=(10, 3)), rng.normal(size=3) * 0.1)


PROGRAMS = [
    pytest.param(programs.pca_reconstruction_loss, pca_args, 0, True, id="pca_eigh"),
    pytest.param(programs.svd_low_rank_loss, svd_args, (0, 1), True, id="svd_low_rank"),
    pytest.param(programs.spectral_norm_penalty, spectral_args, (0, 1), True, id="spectral_norm_penalty"),
    pytest.param(programs.polynomial_fit_loss, polynomial_args, (0, 1, 2), False, id="polynomial_fit_lstsq"),
    pytest.param(programs.gaussian_log_likelihood, gaussian_args, (0, 1), False, id="gaussian_cov"),
]


@pytest.fixture(scope="module")
def autograd_programs():
    autograd_numpy = pytest.importorskip("autograd.numpy")
    spec = importlib.util.spec_from_file_location("autograd_programs", Path(programs.__file__))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.np = autograd_numpy
    return module


@pytest.mark.parametrize("fn, make_args, wrt, peer", PROGRAMS)
def test_program_gradient_matches_central_differences(fn, make_args, wrt, peer, rng) -> None:
    positions = wrt if isinstance(wrt, tuple) else (wrt,)
    check_projection(fn, make_args(rng), positions, rng)


@pytest.mark.peers
@pytest.mark.parametrize("fn, make_args, wrt, peer", [p for p in PROGRAMS if p.values[3]])
def test_program_gradient_matches_autograd(fn, make_args, wrt, peer, autograd_programs, rng) -> None:
    autograd = pytest.importorskip("autograd")
    args = make_args(rng)
    ours = adjoint.grad(fn, wrt=wrt)(*copy.deepcopy(args))
    theirs = autograd.grad(getattr(autograd_programs, fn.__name__), wrt)(*copy.deepcopy(args))
    for mine, peer_gradient in zip(ours if isinstance(wrt, tuple) else (ours,),
                                   theirs if isinstance(wrt, tuple) else (theirs,)):
        np.testing.assert_allclose(mine, peer_gradient, rtol=1e-8, atol=1e-10)


def test_program_hessian_vector_product_matches_differences(rng) -> None:
    x, target = svd_args(rng)
    v = rng.normal(size=x.shape)
    product = adjoint.hvp(programs.svd_low_rank_loss)(x, target, v)
    eps = 1e-5
    gradient = adjoint.grad(programs.svd_low_rank_loss)
    expected = (gradient(x + eps * v, target) - gradient(x - eps * v, target)) / (2 * eps)
    np.testing.assert_allclose(product, expected, rtol=1e-5, atol=1e-6)


# ----- refused at run time: where the functions have no derivative ----------------------------


def lstsq_solution(a, b):
    return np.sum(np.linalg.lstsq(a, b, rcond=None)[0])


def pinv_entries(a):
    return np.sum(np.linalg.pinv(a))


def svd_full(a):
    return np.sum(np.linalg.svd(a)[0][:, 0] ** 2 * a[:, 0])


def svd_hermitian(a):
    return np.sum(np.linalg.svd(a, hermitian=True)[1])


def qr_wide(a):
    return np.sum(np.linalg.qr(a)[1])


def qr_r_only(a):
    return np.sum(np.linalg.qr(a, mode="r"))


def average_returned(x):
    return np.average(x, weights=x * x, returned=True)[0]


def cov_of_two(x, y):
    return np.sum(np.cov(x, y))


def padded_with_means(x):
    return np.sum(np.pad(x, 2, mode="mean") ** 2)


RANK_ONE = np.outer([1.0, 2.0, 3.0], [1.0, -1.0])
RUN_TIME_REFUSALS = [
    pytest.param(lstsq_solution, (RANK_ONE, np.ones(3)), "full column rank", id="lstsq[rank-deficient]"),
    pytest.param(lstsq_solution, (np.ones((2, 3)), np.ones(2)), "full column rank", id="lstsq[wide]"),
    pytest.param(pinv_entries, (RANK_ONE,), "rank-deficient", id="pinv[rank-deficient]"),
    pytest.param(svd_full, (np.arange(6.0).reshape(3, 2) + np.eye(3, 2),), "full_matrices=False", id="svd[full]"),
    pytest.param(svd_hermitian, (np.eye(2) * 2.0,), "hermitian", id="svd[hermitian]"),
    pytest.param(qr_wide, (np.arange(6.0).reshape(2, 3) + 1.0,), "at least as many rows", id="qr[wide]"),
    pytest.param(qr_r_only, (np.eye(3) * 2.0,), "mode 'reduced'", id="qr[mode=r]"),
    pytest.param(average_returned, (np.ones(3),), "returned=True", id="average[returned]"),
    pytest.param(cov_of_two, (np.arange(4.0), np.array([1.0, 0.0, 2.0, 1.0])), "np.cov(m, y)", id="cov[y]"),
    pytest.param(padded_with_means, (np.arange(3.0),), "not mode 'mean'", id="pad[mean]"),
]


@pytest.mark.parametrize("fn, args, words", RUN_TIME_REFUSALS)
def test_no_derivative_is_refused_at_run_time(fn, args, words) -> None:
    with pytest.raises(adjoint.AdjointError, match=words.replace("(", r"\(").replace(")", r"\)")):
        adjoint.grad(fn)(*copy.deepcopy(args))
    if fn is not average_returned:
        with pytest.raises(adjoint.AdjointError, match=words.replace("(", r"\(").replace(")", r"\)")):
            adjoint.jvp(fn)(*copy.deepcopy(args), np.ones(np.shape(args[0])))


# ----- second derivatives of math's gamma functions ------------------------------------------


def log_gamma_mix(x):
    return math.lgamma(x) + math.gamma(x) * x


@pytest.mark.parametrize("x", [0.4, 2.7, -1.3, 25.0])
def test_second_derivative_of_the_gamma_functions(x) -> None:
    second = adjoint.grad(adjoint.grad(log_gamma_mix))(x)
    first = adjoint.grad(log_gamma_mix)
    eps = 1e-5
    assert isinstance(second, float)
    assert second == pytest.approx((first(x + eps) - first(x - eps)) / (2 * eps), rel=1e-6, abs=1e-6)
