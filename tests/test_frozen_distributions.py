"""A distribution frozen outside the function: the derivative reads its parameters from the object
the name holds, and follows the name to another object (of another family too)."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint

stats = pytest.importorskip("scipy.stats")

PRIOR = stats.norm(0.0, 1.0)


def log_prior(w):
    return np.sum(PRIOR.logpdf(w))


def central_difference(func, x, eps=1e-6):
    return np.array([(func(x + step) - func(x - step)) / (2 * eps) for step in np.eye(len(x)) * eps])


def test_a_global_frozen_distribution_rebound_is_followed(monkeypatch) -> None:
    w = np.array([0.3, -1.2])
    gradient = adjoint.grad(log_prior)
    np.testing.assert_allclose(gradient(w), -w)
    monkeypatch.setitem(log_prior.__globals__, "PRIOR", stats.norm(1.0, 2.0))
    np.testing.assert_allclose(gradient(w), -(w - 1.0) / 4.0)
    monkeypatch.setitem(log_prior.__globals__, "PRIOR", stats.t(3.0, scale=2.0))
    np.testing.assert_allclose(gradient(w), central_difference(log_prior, w), rtol=1e-6)
