"""Second derivatives through 0-d arrays indexed and written into (tests/soundness_zero_d.py
checks grad, vjp and jvp): hvp against differences of the checked gradient."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
import soundness_zero_d


@pytest.mark.parametrize("case", soundness_zero_d.CASES, ids=lambda case: case.name)
def test_hvp_through_zero_d_arrays(case):
    (x,) = case.make_args(np.random.default_rng(0))
    gradient = adjoint.grad(case.fn)
    eps = 1e-5
    expected = (np.asarray(gradient(x + eps)) - np.asarray(gradient(x - eps))) / (2 * eps)
    np.testing.assert_allclose(adjoint.hvp(case.fn)(x, 1.0), expected, rtol=1e-6, atol=1e-8)
