"""scipy.linalg.toeplitz and circulant of an array of more than one dimension: SciPy 1.17 and later
take it for a batch of vectors (circulant since 1.15), whose adjoint the rules follow (the catalogue
checks them there, tests/scipy_specs.py); an earlier SciPy flattens it into one vector, where the
adjoint, which sums the diagonals of each matrix of the batch, would be wrong: refused there. A
tangent is the function of the tangents, right for either."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint

linalg = pytest.importorskip("scipy.linalg")


def banded(c, r, w):
    return np.sum(linalg.toeplitz(c, r) * w)


def cyclic(c, w):
    return np.sum(linalg.circulant(c) * w)


def _arguments():
    rng = np.random.default_rng(3)
    c, r = rng.normal(size=(2, 3)), rng.normal(size=(2, 4))
    return (c, r, rng.normal(size=np.shape(linalg.toeplitz(c, r)))), (c, rng.normal(size=np.shape(linalg.circulant(c))))


def _differences(func, args, position, eps=1e-6):
    x = args[position]
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = eps
        plus, minus = list(args), list(args)
        plus[position], minus[position] = x + step, x - step
        gradient[index] = (func(*plus) - func(*minus)) / (2 * eps)
    return gradient


@pytest.mark.parametrize("func, position", [(banded, 0), (banded, 1), (cyclic, 0)], ids=["toeplitz-c", "toeplitz-r", "circulant"])
def test_arrays_of_vectors_are_batches_or_refused(func, position):
    args = _arguments()[0 if func is banded else 1]
    made = linalg.toeplitz if func is banded else linalg.circulant
    if made(np.ones((2, 3))).ndim == 3:  # a batch of two matrices (else one of 6 x 6: flattened)
        np.testing.assert_allclose(adjoint.grad(func, wrt=position)(*args), _differences(func, args, position),
                                   rtol=1e-6, atol=1e-8)
    else:
        with pytest.raises(adjoint.AdjointError, match="flattens"):
            adjoint.grad(func, wrt=position)(*args)
    tangent = np.random.default_rng(4).normal(size=args[position].shape)
    eps = 1e-6
    plus, minus = list(args), list(args)
    plus[position], minus[position] = args[position] + eps * tangent, args[position] - eps * tangent
    _, derivative = adjoint.jvp(func, wrt=position)(*args, tangent)
    np.testing.assert_allclose(derivative, (func(*plus) - func(*minus)) / (2 * eps), rtol=1e-6)
