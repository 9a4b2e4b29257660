"""scipy.special.binom and betainc where the catalogue (scipy_specs.py) does not go: binom at whole
numbers (exact where gamma is finite, refused at its poles), betainc's refused parameters and its
slope at x = 0; digamma is psi (one rule)."""
from __future__ import annotations

import math

import numpy as np
import pytest

import adjoint

special = pytest.importorskip("scipy.special")


def log_binomial(n, k):
    return np.log(special.binom(n, k))


def log_binomial_from_gamma(n, k):
    return math.lgamma(n + 1.0) - math.lgamma(k + 1.0) - math.lgamma(n - k + 1.0)


@pytest.mark.parametrize("n, k", [(5.0, 2.0), (4.0, 4.0), (6.0, 0.0), (2.5, 3.0)])
def test_binom_at_whole_numbers(n, k) -> None:
    for got, want in zip(adjoint.grad(log_binomial, wrt=(0, 1))(n, k),
                         adjoint.grad(log_binomial_from_gamma, wrt=(0, 1))(n, k)):
        assert got == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("n, k", [(2.0, 3.0), (-1.0, 2.0), (3.0, -1.0)])
def test_binom_at_a_pole_of_gamma_is_refused(n, k) -> None:
    with pytest.raises(adjoint.AdjointError, match="gamma has a pole"):
        adjoint.grad(lambda n, k: special.binom(n, k), wrt=(0, 1))(n, k)


def incomplete_beta(a, x):
    return special.betainc(a, 2.0, x)


def test_betainc_in_its_parameters_is_refused() -> None:
    assert adjoint.grad(incomplete_beta, wrt=1)(1.0, 0.0) == pytest.approx(2.0)  # 0^0 = 1 at a = 1
    with pytest.raises(adjoint.AdjointError, match="with respect to its argument `a`"):
        adjoint.grad(incomplete_beta, wrt=0)(1.5, 0.3)


def test_digamma_is_psi() -> None:
    assert special.digamma is special.psi
    x = np.array([0.5, 2.0, 7.5])
    np.testing.assert_allclose(adjoint.grad(lambda x: np.sum(special.digamma(x)))(x), special.polygamma(1, x))
