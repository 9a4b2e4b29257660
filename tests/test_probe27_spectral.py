"""Derivatives through np.linalg.eigh, eigvalsh and svd at a repeated eigenvalue (singular value).

What was wrong: the second derivative of a function of the eigenvalues alone (hvp, hessian, a vjp
of the gradient) at a repeated eigenvalue came back NaN, silently: the tangent of the eigenvectors
the eigenvalues' adjoint is built from divided by the gap between equal eigenvalues. The same held
for the first derivative of the eigenvectors (forward and reverse) and for svd's singular vectors.
At eigenvalues equal but for rounding (a matrix built as Q diag(1, 1, 2) Q^T), the quotient of two
roundings gave a Hessian wrong in its third digit, silently.

What is true now: where a repeated eigenvalue meets a non-zero entry of the product that divides by
its gap, the derivative is refused (adjoint.AdjointError); where that entry is zero (a direction
that keeps the eigenvectors, eigenvectors that carry no adjoint) the derivative is exact, and at
distinct eigenvalues nothing changed.
"""
from __future__ import annotations

import types
import warnings

import numpy as np
import pytest

import adjoint


def eigenvalue_energy(a):
    w = np.linalg.eigvalsh(a)
    return np.sum(w ** 3)


def eigh_values_only(a):
    w, v = np.linalg.eigh(a)
    return np.sum(w ** 3)


def singular_energy(a):
    s = np.linalg.svd(a, compute_uv=False)
    return np.sum(s ** 3)


def first_eigenvector(a):
    w, v = np.linalg.eigh(a)
    return np.sum(v[:, 0] * np.array([1.0, 2.0, 3.0])) ** 2 + w[0]


def first_singular_vector(a):
    u, s, vt = np.linalg.svd(a)
    return np.sum(u[:, 0] * np.array([1.0, 2.0, 3.0])) ** 2 + s[0]


def last_eigenvector(a):
    w, v = np.linalg.eigh(a)
    return np.sum(v[:, 2] * np.array([1.0, 2.0, 3.0])) ** 2


def _symmetric(rng, n=3):
    m = rng.normal(size=(n, n))
    return m + m.T


REPEATED = np.diag([1.0, 1.0, 2.0])
Q = np.linalg.qr(np.random.default_rng(7).normal(size=(3, 3)))[0]
ROUNDED = Q @ REPEATED @ Q.T  # eigenvalues 1, 1, 2 but for rounding
DIRECTION = np.array([[0.3, -0.7, 0.2], [0.5, 0.1, -0.4], [0.9, 0.6, -0.2]])


def _no_nan(call):
    """call's value, failing on a NaN or on NumPy's warnings of one."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        value = call()
    assert np.all(np.isfinite(value)), value
    return value


SECOND_ORDER = [eigenvalue_energy, eigh_values_only, singular_energy]


@pytest.mark.parametrize("fn", SECOND_ORDER)
@pytest.mark.parametrize("at", [REPEATED, ROUNDED], ids=["exact", "rounded"])
def test_hessian_vector_product_at_a_repeated_eigenvalue_is_refused(fn, at):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(adjoint.AdjointError, match="repeated eigenvalue"):
            adjoint.hvp(fn)(at, DIRECTION)


@pytest.mark.parametrize("fn", SECOND_ORDER)
def test_hessian_and_reverse_over_reverse_at_a_repeated_eigenvalue_are_refused(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(adjoint.AdjointError, match="repeated eigenvalue"):
            adjoint.hessian(fn)(REPEATED)
        with pytest.raises(adjoint.AdjointError, match="repeated eigenvalue"):
            _, pullback = adjoint.vjp(adjoint.grad(fn))(REPEATED)
            pullback(DIRECTION)


@pytest.mark.parametrize("fn, at", [(first_eigenvector, REPEATED), (first_singular_vector, np.eye(3))])
def test_first_derivative_of_vectors_at_a_repeated_value_is_refused(fn, at):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(adjoint.AdjointError, match="repeated eigenvalue"):
            adjoint.grad(fn)(at)
        with pytest.raises(adjoint.AdjointError, match="repeated eigenvalue"):
            adjoint.jvp(fn)(at, DIRECTION)


@pytest.mark.parametrize("fn", SECOND_ORDER)
def test_first_derivative_of_eigenvalues_at_a_repeated_eigenvalue_is_exact(fn):
    gradient = _no_nan(lambda: adjoint.grad(fn)(REPEATED))
    expected = 3.0 * REPEATED ** 2
    np.testing.assert_allclose(gradient, expected if fn is singular_energy else np.tril(expected), atol=1e-12)


def test_hessian_vector_product_along_a_direction_keeping_the_eigenvectors_is_exact():
    # Along a diagonal direction at a diagonal matrix, the eigenvectors stay put: no gap is divided by.
    direction = np.diag([0.3, -0.2, 0.5])
    got = _no_nan(lambda: adjoint.hvp(eigenvalue_energy)(REPEATED, direction))
    gradient = adjoint.grad(eigenvalue_energy)
    want = (gradient(REPEATED + 1e-6 * direction) - gradient(REPEATED - 1e-6 * direction)) / 2e-6
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(got, 6.0 * REPEATED * direction, atol=1e-12)  # d/dA of 3 A^2 on the diagonal


def test_eigenvector_of_a_simple_eigenvalue_beside_a_repeated_one():
    got = _no_nan(lambda: adjoint.grad(last_eigenvector)(ROUNDED))
    step, flat = 1e-6, np.zeros(9)
    want = np.zeros(9)
    for i in range(9):
        flat[:] = 0.0
        flat[i] = step
        want[i] = (last_eigenvector(ROUNDED + flat.reshape(3, 3)) - last_eigenvector(ROUNDED - flat.reshape(3, 3))) / (2 * step)
    np.testing.assert_allclose(got.ravel(), want, rtol=1e-5, atol=1e-7)


def _autograd_version(fn):
    anp = pytest.importorskip("autograd.numpy")
    return types.FunctionType(fn.__code__, dict(globals(), np=anp), fn.__name__)


@pytest.mark.parametrize("fn", [eigenvalue_energy, eigh_values_only, first_eigenvector])
def test_distinct_eigenvalues_still_match_autograd_to_second_order(fn, rng):
    autograd = pytest.importorskip("autograd")
    a, v = _symmetric(rng), rng.normal(size=(3, 3))
    peer = _autograd_version(fn if fn is not eigenvalue_energy else eigh_values_only)
    np.testing.assert_allclose(adjoint.grad(fn)(a), autograd.grad(peer)(a), rtol=1e-8, atol=1e-10)
    hv = autograd.grad(lambda m: autograd.numpy.sum(autograd.grad(peer)(m) * v))(a)
    np.testing.assert_allclose(adjoint.hvp(fn)(a, v), hv, rtol=1e-7, atol=1e-9)


# ----- the spectral and nuclear norms at a tie: the slope does not depend on NumPy's vectors ----------
# Was: norm(ord=2) took the first singular pair NumPy returned at a repeated largest singular value
# (d/dA ||I||_2 = e0 e0^T, another basis another answer), and 'nuc' counted the vectors of a zero
# singular value as if it were positive (U V^T over all of them). Now, as np.max's slope between
# tied entries and np.abs's at 0: shared evenly between tied singular values, 0 for a zero one.

def spectral_norm(a):
    return np.linalg.norm(a, 2)


def smallest_singular_value(a):
    return np.linalg.norm(a, -2)


def nuclear_norm(a):
    return np.linalg.norm(a, "nuc")


@pytest.mark.parametrize("fn, at, want", [
    (spectral_norm, np.eye(3), np.eye(3) / 3.0),
    (spectral_norm, Q, Q / 3.0),  # the same tie in another basis
    (smallest_singular_value, np.diag([2.0, 1.0, 1.0]), np.diag([0.0, 0.5, 0.5])),
    (nuclear_norm, np.diag([1.0, 2.0, 0.0]), np.diag([1.0, 1.0, 0.0])),
])
def test_norm_slopes_at_tied_or_zero_singular_values_do_not_depend_on_the_basis(fn, at, want):
    np.testing.assert_allclose(adjoint.grad(fn)(at), want, atol=1e-12)
    _, tangent = adjoint.jvp(fn)(at, DIRECTION)
    np.testing.assert_allclose(tangent, np.sum(want * DIRECTION), atol=1e-12)


@pytest.mark.parametrize("fn", [spectral_norm, smallest_singular_value, nuclear_norm])
def test_norm_slopes_at_distinct_singular_values_match_differences(fn, rng):
    a, step = rng.normal(size=(3, 4)), 1e-6
    want = np.zeros(a.shape)
    for i in np.ndindex(a.shape):
        e = np.zeros(a.shape)
        e[i] = step
        want[i] = (fn(a + e) - fn(a - e)) / (2 * step)
    np.testing.assert_allclose(adjoint.grad(fn)(a), want, rtol=1e-6, atol=1e-8)


# ----- the refusal names the user's line -------------------------------------------------------
# Was: a refusal met where a rule's helper runs (a repeated eigenvalue, a rank-deficient lstsq)
# said what, not where. Now the generated line is traced back to the user's line it was made for,
# through a derivative of a derivative.

def _line_of(fn, text):
    import inspect
    lines, first = inspect.getsourcelines(fn)
    return first + next(index for index, line in enumerate(lines) if text in line)


def rank_deficient_solution(a, b):
    x = np.linalg.lstsq(a, b, rcond=None)[0]
    return np.sum(x ** 2)


@pytest.mark.parametrize("call, fn, text", [
    (lambda: adjoint.hvp(eigenvalue_energy)(REPEATED, DIRECTION), eigenvalue_energy, "eigvalsh"),
    (lambda: adjoint.hessian(singular_energy)(np.eye(3)), singular_energy, "svd"),
    (lambda: adjoint.grad(first_eigenvector)(REPEATED), first_eigenvector, "eigh"),
    (lambda: adjoint.grad(rank_deficient_solution)(np.outer([1.0, 2.0, 3.0], [1.0, -1.0]), np.ones(3)),
     rank_deficient_solution, "lstsq"),
])
def test_run_time_refusal_names_the_users_line(call, fn, text):
    with pytest.raises(adjoint.AdjointError) as info:
        call()
    assert info.value.filename == __file__
    assert info.value.lineno == _line_of(fn, text), str(info.value)
    assert str(info.value).startswith(f"{__file__}:{info.value.lineno}: ")
