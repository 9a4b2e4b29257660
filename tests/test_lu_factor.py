"""lu_factor and lu_solve against the same solve written with linalg.solve: the same value, gradient,
tangent and Hessian-vector product, pivoted or not; a rectangular factorization is refused."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint

linalg = pytest.importorskip("scipy.linalg")


def quadratic_lu(a, b):
    x = linalg.lu_solve(linalg.lu_factor(a), b)
    return np.sum(x * b) + np.sum(linalg.lu_solve(linalg.lu_factor(a), b, trans=1) ** 2)


def quadratic_solve(a, b):
    x = linalg.solve(a, b)
    return np.sum(x * b) + np.sum(linalg.solve(np.transpose(a), b) ** 2)


@pytest.mark.parametrize("reversed_rows", [False, True])
def test_lu_solve_matches_solve(reversed_rows, rng) -> None:
    a = rng.normal(size=(4, 4)) + 3.0 * np.eye(4)
    a = a[::-1].copy() if reversed_rows else a
    b, va, vb = rng.normal(size=4), rng.normal(size=(4, 4)), rng.normal(size=4)
    assert quadratic_lu(a, b) == pytest.approx(quadratic_solve(a, b), rel=1e-12)
    for got, want in zip(adjoint.grad(quadratic_lu, wrt=(0, 1))(a, b), adjoint.grad(quadratic_solve, wrt=(0, 1))(a, b)):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    _, tangent = adjoint.jvp(quadratic_lu, wrt=(0, 1))(a, b, va, vb)
    _, expected = adjoint.jvp(quadratic_solve, wrt=(0, 1))(a, b, va, vb)
    assert tangent == pytest.approx(expected, rel=1e-9)
    for got, want in zip(adjoint.hvp(quadratic_lu, wrt=(0, 1))(a, b, va, vb),
                         adjoint.hvp(quadratic_solve, wrt=(0, 1))(a, b, va, vb)):
        np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-10)


def factor_sum(a):
    return np.sum(linalg.lu_factor(a)[0])


def test_a_rectangular_factorization_is_refused() -> None:
    with pytest.raises(adjoint.AdjointError, match="square matrix"):
        adjoint.grad(factor_sum)(np.ones((2, 3)) + np.eye(2, 3))
    integers = np.array([[4, 1], [2, 3]])
    np.testing.assert_allclose(adjoint.grad(factor_sum)(integers), adjoint.grad(factor_sum)(integers.astype(float)))
