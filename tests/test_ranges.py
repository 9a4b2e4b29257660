"""Evenly spaced samples move with their ends and their step: np.linspace's start and stop and
np.arange's start and step carry derivatives, and math.nextafter's value moves with x. They
were declared non-differentiable, which gave a derivative of zero through them (with a warning
only where nothing else read the argument). np.meshgrid's grids are their inputs' entries.
Checked against autograd and central differences, to second order."""
from __future__ import annotations

import math

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import adjoint


def through_stop(a):
    t = np.linspace(0.0, a, 5)
    return np.sum(np.sin(t)) + a


def through_start(a):
    t = np.linspace(a, 2.0, 7, endpoint=False)
    return np.sum(t ** 2 * np.cos(t))


def with_step(a):
    t, h = np.linspace(0.5, a, 6, retstep=True)
    return np.sum(t ** 2) * h


def grid_step(h):
    t = np.arange(0.0, 10.0, h)
    return np.sum(np.sin(t) * t)


def shifted_grid(a):
    return np.sum(np.exp(-np.arange(a, 4.0) * 0.3)) + np.sum(np.arange(4.0) * a ** 2) + np.sum(np.arange(a))


SCALAR_CASES = {
    through_stop: (0.8, lambda a: anp.sum(anp.sin(anp.linspace(0.0, a, 5))) + a),
    through_start: (0.3, lambda a: anp.sum((a + (2.0 - a) * np.arange(7) / 7) ** 2
                                           * anp.cos(a + (2.0 - a) * np.arange(7) / 7))),
    with_step: (0.9, lambda a: anp.sum(anp.linspace(0.5, a, 6) ** 2) * (a - 0.5) / 5),
    grid_step: (1.3, None),
    shifted_grid: (0.45, None),
}


def central(func, a, eps=1e-6):
    return (func(a + eps) - func(a - eps)) / (2 * eps)


@pytest.mark.parametrize("func", list(SCALAR_CASES), ids=lambda f: f.__name__)
def test_first_and_second_derivatives(func):
    a, reference = SCALAR_CASES[func]
    value, gradient = adjoint.value_and_grad(func)(a)
    assert value == func(a)
    assert gradient == pytest.approx(central(func, a), rel=1e-6)
    _, tangent = adjoint.jvp(func)(a, 1.0)
    assert tangent == pytest.approx(gradient, rel=1e-12)
    second = adjoint.grad(adjoint.grad(func))(a)
    assert second == pytest.approx(central(adjoint.grad(func), a, 1e-5), rel=1e-5)
    assert adjoint.hvp(func)(a, 1.0) == pytest.approx(second, rel=1e-10)
    if reference is not None:
        assert gradient == pytest.approx(autograd.grad(reference)(a), rel=1e-10)
        assert second == pytest.approx(autograd.grad(autograd.grad(reference))(a), rel=1e-9)


def array_ends(x):
    T = np.linspace(x, 2.0 * x + 1.0, 4, axis=1)
    return np.sum(np.sin(T) * np.arange(4.0))


def test_array_ends_along_an_axis():
    x = np.array([0.3, -0.7, 1.1])
    gradient = adjoint.grad(array_ends)(x)

    def reference(y):  # autograd's linspace takes no axis: the samples written out
        samples = y[:, None] + (y[:, None] + 1.0) * (np.arange(4) / 3)[None, :]
        return anp.sum(anp.sin(samples) * np.arange(4.0))

    np.testing.assert_allclose(gradient, autograd.grad(reference)(x), rtol=1e-10)
    v = np.array([0.2, -0.1, 0.4])
    _, tangent = adjoint.jvp(array_ends)(x, v)
    assert tangent == pytest.approx(gradient @ v, rel=1e-10)
    hessian_v = adjoint.hvp(array_ends)(x, v)
    fd = (adjoint.grad(array_ends)(x + 1e-6 * v) - adjoint.grad(array_ends)(x - 1e-6 * v)) / 2e-6
    np.testing.assert_allclose(hessian_v, fd, rtol=1e-5, atol=1e-8)


def rounded(a):
    return np.sum(np.linspace(0.0, a, 5, dtype=int) * a)


def test_rounded_samples_are_refused_when_the_derivative_runs():
    with pytest.raises(adjoint.AdjointError, match="piecewise constant"):
        adjoint.grad(rounded)(7.5)


def towards(x):
    return math.nextafter(x * x, 10.0) * 3.0


def test_the_next_float_moves_with_x():
    # math.nextafter was declared non-differentiable: a derivative of zero
    assert adjoint.grad(towards)(0.7) == pytest.approx(6.0 * 0.7, rel=1e-12)
    assert adjoint.jvp(towards)(0.7, 1.0)[1] == pytest.approx(6.0 * 0.7, rel=1e-12)
    assert adjoint.grad(adjoint.grad(towards))(0.7) == pytest.approx(6.0, rel=1e-12)


def on_a_grid(x):
    X, Y = np.meshgrid(x, x[:2] * 2.0)
    U, V = np.meshgrid(x ** 2, x, indexing="ij", sparse=True)
    return np.sum(np.sin(X) * Y ** 2) + np.sum(U * V * x[0])


def test_grids_to_second_order():
    # np.meshgrid had no rule (refused)
    x = np.array([0.3, -0.7, 1.1])
    v = np.array([0.2, -0.1, 0.4])
    gradient = adjoint.grad(on_a_grid)(x)
    steps = np.eye(3) * 1e-6
    np.testing.assert_allclose(gradient, [(on_a_grid(x + e) - on_a_grid(x - e)) / 2e-6 for e in steps], rtol=1e-6)
    assert adjoint.jvp(on_a_grid)(x, v)[1] == pytest.approx(gradient @ v, rel=1e-12)
    fd = (adjoint.grad(on_a_grid)(x + 1e-6 * v) - adjoint.grad(on_a_grid)(x - 1e-6 * v)) / 2e-6
    np.testing.assert_allclose(adjoint.hvp(on_a_grid)(x, v), fd, rtol=1e-5, atol=1e-8)
