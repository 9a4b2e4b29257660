"""scipy.linalg.solve, inv and det of a general matrix are differentiated as NumPy's are (they had
no rule: refused); what reads part of the matrix or solves with its transpose is refused when
the derivative runs."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint

linalg = pytest.importorskip("scipy.linalg")

A = np.array([[2.0, 0.3, 0.1], [0.2, 1.5, -0.4], [0.1, 0.2, 1.8]])
B = np.array([1.0, -2.0, 0.5])


def scipy_program(a, b):
    x = linalg.solve(a, b)
    return np.sum(x ** 2) + linalg.det(a) + np.sum(linalg.inv(a) @ b)


def numpy_program(a, b):
    x = np.linalg.solve(a, b)
    return np.sum(x ** 2) + np.linalg.det(a) + np.sum(np.linalg.inv(a) @ b)


def test_the_same_derivatives_as_numpys():
    for wrt in (0, 1):
        np.testing.assert_allclose(adjoint.grad(scipy_program, wrt=wrt)(A, B),
                                   adjoint.grad(numpy_program, wrt=wrt)(A, B), rtol=1e-12)
    steps = np.eye(9).reshape(9, 3, 3) * 1e-6
    central = [(scipy_program(A + e, B) - scipy_program(A - e, B)) / 2e-6 for e in steps]
    np.testing.assert_allclose(adjoint.grad(scipy_program)(A, B).ravel(), central, rtol=1e-6)
    v = np.arange(9.0).reshape(3, 3) / 10
    np.testing.assert_allclose(adjoint.hvp(scipy_program)(A, B, v), adjoint.hvp(numpy_program)(A, B, v), rtol=1e-10)


def positive(a, b):
    return np.sum(linalg.solve(a @ a.T, b, assume_a="pos"))


def transposed(a, b):
    return np.sum(linalg.solve(a, b, transposed=True))


def symmetric_inverse(a, b):
    return np.sum(linalg.inv(a @ a.T, assume_a="sym") @ b) if "assume_a" in _inv_parameters() else 1 / 0


def _inv_parameters():
    import inspect
    return inspect.signature(linalg.inv).parameters


@pytest.mark.parametrize("func, message", [(positive, "assume_a='pos'"), (transposed, "transposed=True"),
                                           (symmetric_inverse, "assume_a='sym'")])
def test_a_structure_or_a_transpose_is_refused(func, message):
    if func is symmetric_inverse and "assume_a" not in _inv_parameters():
        pytest.skip("this SciPy's inv takes no assume_a")
    with pytest.raises(adjoint.AdjointError, match=message.replace("(", r"\(")):
        adjoint.grad(func)(A, B)
