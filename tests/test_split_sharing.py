"""The elementwise derivatives of tanh up to the sixth, each generated from the code of the one
before: the backward halves undo their pops on stacks their forward halves made, which no
caller sees (analysis/residuals.py), so no order is refused."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from soundness_split_sharing import tanh_5_sum

tanh_6 = adjoint.grad(tanh_5_sum)


def test_the_sixth_elementwise_derivative_of_tanh_matches_autograd():
    autograd = pytest.importorskip("autograd")
    x = np.linspace(-1.0, 1.0, 16)
    expected = autograd.numpy.tanh
    for _ in range(6):
        expected = autograd.elementwise_grad(expected)
    np.testing.assert_allclose(tanh_6(x), expected(x), rtol=1e-10, atol=1e-12)

