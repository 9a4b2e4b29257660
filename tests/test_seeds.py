"""The seed notebooks' headline example: the helium trial energy and its alpha derivative."""
from __future__ import annotations

import pytest

import adjoint
import catalogue_functions as fns

POINT = (2, 3, 2, 5, 3, -3)


def energy(alpha: float) -> float:
    return fns.seed_helium_energy(*POINT, alpha)


def test_helium_alpha_derivative_equals_central_differences_to_1e_7():
    eps = 1e-5
    differences = (energy(0.3 + eps) - energy(0.3 - eps)) / (2 * eps)
    derivative = adjoint.grad(fns.seed_helium_energy, wrt="alpha")(*POINT, 0.3)
    assert derivative == pytest.approx(differences, rel=1e-7)
    assert derivative == pytest.approx(-0.44404586887760766, rel=1e-12)


def test_helium_derivative_is_scalar_code():
    source = adjoint.source(fns.seed_helium_energy, wrt="alpha", args=POINT + (0.3,))
    assert "unbroadcast" not in source and "gradient_like" not in source
    assert "_stack" not in source
