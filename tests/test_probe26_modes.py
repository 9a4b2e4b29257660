"""Every mode of short programs whose first derivatives were right and whose second derivative or
value was not.

What was wrong:
- the second derivative of a loop reading an attribute of a global array (`X.T` in a gradient
  descent step) was refused: in the generated gradient the temporary `X.T` was bound to is also
  restored from the stack, so the name counted as depending on the input, and the read was taken
  for an attribute whose derivative is lost, though `X` is a constant;
- `.astype(...)` of a NumPy scalar (`np.sum(x * x).astype(np.float32)`) gave a 0-d array in the
  derived functions where the function returns a NumPy scalar;
- a NumPy function handed to adjoint itself (`adjoint.grad(np.sum)`, `adjoint.jacobian(np.cumsum)`)
  failed with a TypeError from inside adjoint (it cannot be weakly referenced): NumPy's functions
  are dispatchers whose `__wrapped__` is NumPy's Python code; it is refused as a ufunc or a builtin is.
"""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode
from soundness import central_differences, directional_difference, flat

_DESIGN = np.array([[0.3, -1.2], [0.8, 0.1], [-0.5, 0.9], [1.1, 0.4]])
_TARGETS = np.array([0.2, -0.7, 1.3, 0.5])


def loss(w):
    residual = _DESIGN @ w - _TARGETS
    return 0.5 * residual @ residual


def loss_after_gradient_steps(rate):
    w = np.zeros(2)
    for _ in range(3):
        step = _DESIGN.T @ (_DESIGN @ w - _TARGETS)
        w = w - rate * step
    return loss(w)


def loss_after_steps_of_a_fitted_start(w):
    for _ in range(2):
        w = w - 0.1 * (_DESIGN.T @ (_DESIGN @ w - _TARGETS))
    return loss(w)


def test_gradient_descent_reading_a_global_transpose_in_every_mode():
    check_every_mode(loss_after_gradient_steps, (0.05,))
    check_every_mode(loss_after_steps_of_a_fitted_start, (np.array([0.3, -0.4]),))


def squares_in_single_precision(x):
    return np.sum(x * x).astype(np.float32)


def test_astype_of_a_numpy_scalar_keeps_a_scalar():
    x = np.array([0.3, -1.2, 0.8])
    want = squares_in_single_precision(x)
    value, gradient = adjoint.value_and_grad(squares_in_single_precision)(x)
    assert type(value) is type(want) is np.float32 and value == want
    np.testing.assert_allclose(gradient, 2 * x)
    value, _ = adjoint.vjp(squares_in_single_precision)(x)
    assert type(value) is np.float32 and value == want
    value, tangent = adjoint.jvp(squares_in_single_precision)(x, np.ones(3))
    assert type(value) is np.float32 and value == want
    np.testing.assert_allclose(tangent, np.sum(2 * x), rtol=1e-6)


@pytest.mark.parametrize("transform", [adjoint.grad, adjoint.value_and_grad, adjoint.vjp, adjoint.jvp, adjoint.hvp,
                                       adjoint.jacobian, adjoint.hessian, adjoint.elementwise_grad])
@pytest.mark.parametrize("func", [np.sum, np.cumsum, np.linalg.det, np.tanh], ids=["sum", "cumsum", "det", "tanh"])
def test_a_numpy_function_itself_is_refused_or_differentiated(transform, func):
    x = np.array([[0.3, -1.2], [0.8, 0.1]])
    tangent = np.ones_like(x)
    if func is np.tanh and transform is adjoint.elementwise_grad:
        np.testing.assert_allclose(transform(func)(x), 1.0 - np.tanh(x) ** 2)  # a call of the ufunc
        return
    with pytest.raises(adjoint.AdjointError, match="not a Python function defined with `def`"):
        derived = transform(func)
        derived(x, tangent) if transform in (adjoint.jvp, adjoint.hvp) else derived(x)
    with pytest.raises(adjoint.AdjointError):
        adjoint.source(func)
    with pytest.raises(adjoint.AdjointError):
        adjoint.check_grad(func, x)


def determinant(x):
    return np.linalg.det(x.reshape(3, 3))


def determinants_of_a_stack(x):
    return np.sum(np.linalg.det(x.reshape(2, 2, 2)) ** 2 * np.array([1.0, 3.0]))


def scipy_determinant(x):
    from scipy import linalg
    return linalg.det(x.reshape(2, 2)) * x[0]


SINGULAR = [
    (determinant, np.array([1.0, 2.0, 3.0, 2.0, 4.0, 6.0, 1.0, 0.0, 1.0])),  # rank 2
    (determinant, np.array([0.3, -1.0, 2.0, 0.6, -2.0, 4.0, -0.3, 1.0, -2.0])),  # rank 1
    (determinant, np.zeros(9)),
    (determinants_of_a_stack, np.array([1.0, 2.0, 2.0, 4.0, 0.3, 0.1, -0.5, 2.0])),  # one of two singular
    (scipy_determinant, np.array([1.0, 2.0, 2.0, 4.0])),
]


@pytest.mark.parametrize("func, x", SINGULAR, ids=["rank_2", "rank_1", "zero", "stack", "scipy"])
def test_determinant_at_a_singular_matrix(func, x):
    if func is scipy_determinant:
        pytest.importorskip("scipy")
    expected = central_differences(func, (x,), 0)
    np.testing.assert_allclose(flat(adjoint.grad(func)(x)), expected, rtol=1e-6, atol=1e-7)
    value, gradient = adjoint.value_and_grad(func)(x)
    assert value == func(x)
    np.testing.assert_allclose(flat(gradient), expected, rtol=1e-6, atol=1e-7)
    value, pullback = adjoint.vjp(func)(x)
    np.testing.assert_allclose(flat(pullback(1.0)), expected, rtol=1e-6, atol=1e-7)
    tangent = np.linspace(-1.0, 1.0, x.size)
    value, derivative = adjoint.jvp(func)(x, tangent)
    assert value == func(x)
    np.testing.assert_allclose(derivative, directional_difference(func, (x,), (0,), (tangent,)), rtol=1e-6, atol=1e-7)
    with pytest.raises(adjoint.AdjointError, match="second derivative of np.linalg.det at a singular matrix"):
        adjoint.hvp(func)(x, tangent)


def test_determinant_of_invertible_matrices_in_every_mode():
    rng = np.random.default_rng(4)
    check_every_mode(determinant, (rng.normal(size=9),))
    check_every_mode(determinants_of_a_stack, (rng.normal(size=8),))


def extreme_eigenvalues(x):
    """A function of the simple eigenvalues of a matrix whose middle eigenvalue is double at x = 0."""
    s = np.diag([1.0, 2.0, 2.0, 3.0]) + x.reshape(4, 4)
    w, v = np.linalg.eigh(s)
    return 2.0 * w[-1] + w[0]


def largest_singular_value(x):
    u, s, vt = np.linalg.svd(np.diag([x[0], x[0], x[1]]))
    return s[0] * x[1]


def singular_values_alone(x):
    rows = np.array([[x[0], x[1], x[2]], [0.0, 0.0, 0.0], [x[3], x[4], 0.0]])
    return np.linalg.svd(rows, compute_uv=False)[0]  # one is zero


def repeated_singular_values_alone(x):
    return np.sum(np.linalg.svd(x[0] * np.eye(3) + np.diag([0.0, 0.0, x[1]]), compute_uv=False) ** 3)


@pytest.mark.parametrize("func, x", [
    (extreme_eigenvalues, np.zeros(16)),
    (largest_singular_value, np.array([1.0, 2.0])),
    (singular_values_alone, np.array([0.3, -1.2, 0.8, 0.5, 2.0])),
    (repeated_singular_values_alone, np.array([1.0, 2.0])),
], ids=["eigh", "svd", "svd_values_with_a_zero", "svd_values_repeated"])
def test_functions_of_simple_eigenvalues_where_others_repeat(func, x):
    expected = central_differences(func, (x,), 0)
    assert np.all(np.isfinite(expected))
    np.testing.assert_allclose(flat(adjoint.grad(func)(x)), expected, rtol=1e-6, atol=1e-7)
    value, gradient = adjoint.value_and_grad(func)(x)
    np.testing.assert_allclose(value, func(x), rtol=1e-12)
    np.testing.assert_allclose(flat(gradient), expected, rtol=1e-6, atol=1e-7)
    _, pullback = adjoint.vjp(func)(x)
    np.testing.assert_allclose(flat(pullback(1.0)), expected, rtol=1e-6, atol=1e-7)
    tangent = np.linspace(-1.0, 1.0, x.size)
    _, derivative = adjoint.jvp(func)(x, tangent)
    np.testing.assert_allclose(derivative, flat(expected) @ tangent, rtol=1e-6, atol=1e-7)


def corners_of_a_reshaped_array(x):
    square = x.reshape(2, 2)
    return np.sum(square.flat[[0, 3]] ** 2)


@pytest.mark.parametrize("optimize", [True, False])
def test_flat_of_a_reshaped_array_is_refused_at_its_line(optimize):
    with pytest.raises(adjoint.UnsupportedSyntaxError, match="reading attribute `flat`") as info:
        adjoint.grad(corners_of_a_reshaped_array, optimize=optimize)(np.arange(1.0, 5.0))
    assert f":{corners_of_a_reshaped_array.__code__.co_firstlineno + 2}:" in str(info.value)


def sine_sum(x):
    return np.sum(np.sin(x) * x)


def squared_entry(d):
    return d["a"] ** 2 * d["b"]


def cube(x):
    return x ** 3


@pytest.mark.parametrize("call", [
    lambda: adjoint.jvp(sine_sum)(np.array([0.3, 0.5, 0.7]), np.ones(4)),
    lambda: adjoint.jvp(sine_sum)(np.array([0.3, 0.5, 0.7]), np.ones((1, 3))),
    lambda: adjoint.jvp(sine_sum)(np.array([0.3, 0.5, 0.7]), np.ones((2, 3))),
    lambda: adjoint.hvp(sine_sum)(np.array([0.3, 0.5, 0.7]), np.ones(2)),
    lambda: adjoint.jvp(cube)(0.3, np.array([1.0])),
    lambda: adjoint.jvp(squared_entry)({"a": 0.3, "b": 2.0}, {"a": 1.0}),
    lambda: adjoint.jvp(squared_entry)({"a": 0.3, "b": 2.0}, 1.0),
], ids=["longer", "more_axes", "broadcast_up", "hvp", "array_for_number", "missing_key", "number_for_dict"])
def test_a_tangent_that_does_not_fit_its_argument_is_an_argument_error(call):
    with pytest.raises(adjoint.AdjointError, match="the tangent of `(x|d)`"):
        call()


def test_tangents_that_fit_are_taken():
    x = np.array([0.3, 0.5, 0.7])
    want = np.sum(np.sin(x) + x * np.cos(x))
    for tangent in (np.ones(3), [1.0, 1.0, 1.0], 1.0, 1, np.ones(3, dtype=np.float32)):
        np.testing.assert_allclose(adjoint.jvp(sine_sum)(x, tangent)[1], want, rtol=1e-6)
    assert adjoint.jvp(squared_entry)({"a": 0.3, "b": 2.0}, {"b": 1.0, "a": 0.0})[1] == pytest.approx(0.09)
    assert adjoint.jvp(cube)(0.3, np.array(1.0))[1] == pytest.approx(0.27)
