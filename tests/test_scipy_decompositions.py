"""scipy.linalg's decompositions: what their rules leave out is refused, at the line or when the
derivative runs (the derivatives themselves are checked by the catalogue, scipy_specs.py)."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint

linalg = pytest.importorskip("scipy.linalg")

A = np.array([[4.0, 1.0, 0.5], [0.3, 3.0, 0.2], [0.1, 0.4, 2.0]])
WIDE = A[:2]


def generalized(a):
    return np.sum(linalg.eigh(a, np.eye(3))[0])


def generalized_values(a):
    return np.sum(linalg.eigvalsh(a, b=np.eye(3), lower=False))


def subset(a):
    return np.sum(linalg.eigh(a, eigvals_only=True, subset_by_index=[1, 2]))


def pivoted(a):
    q, r, p = linalg.qr(a, pivoting=True)
    return np.sum(r)


def only_r(a):
    return np.sum(linalg.qr(a, mode="r")[0])


def full_of_wide(a):
    q, r = linalg.qr(a)
    return np.sum(q) + np.sum(r)


def economic_of_wide(a):
    q, r = linalg.qr(a, mode="economic")
    return np.sum(q) + np.sum(r)


def full_singular_vectors(a):
    u, s, vh = linalg.svd(a)
    return np.sum(u[:, 0] * u[0, 0])


def thresholded(a):
    return np.sum(linalg.pinv(a, atol=0.5))


def fitted_order(a, p):
    return linalg.norm(a[0], ord=p)


@pytest.mark.parametrize("func, x, message", [
    (generalized, A, "generalized problem"), (generalized_values, A, "generalized problem"),
    (pivoted, A, "pivoting=True"), (only_r, A, "mode='r'"), (full_of_wide, WIDE, "mode='full'"),
    (economic_of_wide, WIDE, "mode='economic'"), (full_singular_vectors, WIDE, "full_matrices=True"),
])
def test_what_has_no_derivative_is_refused_when_it_runs(func, x, message):
    with pytest.raises(adjoint.AdjointError, match=message):
        adjoint.grad(func)(x)
    with pytest.raises(adjoint.AdjointError, match=message):
        adjoint.jvp(func)(x, np.ones_like(x))


@pytest.mark.parametrize("func", [subset, thresholded])
def test_keywords_the_rules_do_not_take_are_refused(func):
    with pytest.raises(adjoint.AdjointError, match="subset_by_index|atol"):
        adjoint.grad(func)(A)


def test_a_differentiated_order_is_refused():
    with pytest.raises(adjoint.NonDifferentiableError, match="ord"):
        adjoint.grad(fitted_order, wrt=(0, 1))(A, 3.0)


def test_eigh_reads_the_triangle_lower_names():
    """The gradient of a function of eigh's eigenvalues lies in the triangle read; the same as numpy's."""
    def upper(a):
        return np.sum(linalg.eigh(a, lower=False)[0] ** 3)

    def numpy_upper(a):
        return np.sum(np.linalg.eigh(a, "U")[0] ** 3)

    gradient = adjoint.grad(upper)(A)
    np.testing.assert_array_equal(np.tril(gradient, -1), 0.0)
    np.testing.assert_allclose(gradient, adjoint.grad(numpy_upper)(A), rtol=1e-12)
