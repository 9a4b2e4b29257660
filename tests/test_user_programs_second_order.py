"""Second derivatives of the programs of soundness_probe25.py, and the matrices of a bound method
and of a NumPy function.

The soundness catalogue checks first derivatives; here hvp, hessian and grad of grad of those
programs agree with central differences of their gradient (itself checked against differences
there), jacobian and hessian take a bound method's arguments as the method does and refuse a
dict, and check_grad takes the arguments grad takes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pytest

import adjoint
import soundness_probe25 as programs

EPS = 1e-5


def differences_of_gradient(func, args, position=0):
    """The Jacobian of adjoint.grad(func) with respect to args[position], by central differences."""
    gradient = adjoint.grad(func, wrt=position)
    base = np.atleast_1d(np.asarray(args[position], dtype=float))
    columns = []
    for i in range(base.size):
        sides = []
        for step in (EPS, -EPS):
            moved = base.copy().ravel()
            moved[i] += step
            value = moved.reshape(base.shape) if np.ndim(args[position]) else float(moved[0])
            varied = list(args)
            varied[position] = value
            sides.append(np.ravel(gradient(*varied)))
        columns.append((sides[0] - sides[1]) / (2 * EPS))
    return np.stack(columns, axis=1)


ARRAY_PROGRAMS = [
    (programs.squares_of_present_values, (programs._MISSING.copy(),)),
    (programs.clipped_below_with_missing, (np.array([0.31, -0.72, 1.13, 0.44, -0.25, 0.9]),)),
    (programs.logs_with_missing_replaced, (programs._MISSING.copy(),)),
    (programs.grid_between_arrays, (np.array([0.3, -0.2, 0.5]), np.array([1.0, 0.4, -0.7]))),
    (programs.loss_of_a_model_in_an_object, (np.array([0.3, -0.2, 0.5]),)),
    (programs.spring_chain, (np.array([0.3, -0.2, 0.5, 1.1, -0.4, 0.8]), 2.0)),
    (programs.gaussian_process_by_slogdet, (np.array([-1.0, 0.1, -1.5]),)),
]

SCALAR_PROGRAMS = [
    (programs.time_grid_to_a_parameter, (1.7,)),
    (programs.arange_with_a_step, (0.3,)),
    (programs.arange_from_a_start, (0.2,)),
    (programs.frequencies_of_a_spacing, (0.3,)),
    (programs.powers_by_joining_tuples, (0.7,)),
    (programs.powers_by_joining_lists, (0.7, 2)),
    (programs.fibonacci_of_lists, (0.7,)),
    (programs.damped_trajectory, (1.0, 0.3)),
    (programs.pendulum_until_a_time, (0.7, 9.8)),
]


@pytest.mark.parametrize("func, args", ARRAY_PROGRAMS + SCALAR_PROGRAMS, ids=lambda v: getattr(v, "__name__", ""))
def test_hvp_and_hessian_match_differences_of_the_gradient(func, args):
    expected = differences_of_gradient(func, args)
    v = np.linspace(0.5, -0.7, expected.shape[1])
    direction = v.reshape(np.shape(args[0])) if np.ndim(args[0]) else float(v[0])
    np.testing.assert_allclose(np.ravel(adjoint.hvp(func)(*args, direction)), expected @ v, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.ravel(adjoint.hessian(func)(*args)), np.ravel(expected), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("func, args", SCALAR_PROGRAMS, ids=lambda v: getattr(v, "__name__", ""))
def test_grad_of_grad_matches_differences_of_the_gradient(func, args):
    """grad(grad(f)) of `t = t + (t[-1] * x,)` in a loop was 7.2, not 6.2: the second derivative took
    the join of the restored list for numbers and summed its adjoint onto the shorter list."""
    expected = differences_of_gradient(func, args)
    np.testing.assert_allclose(adjoint.grad(adjoint.grad(func))(*args), expected[0, 0], rtol=1e-5, atol=1e-6)


def test_second_derivative_of_powers_joined_in_a_loop_is_exact():
    x = 0.7  # x + x^2 + x^3 + x^4: the second derivative is 2 + 6x + 12x^2
    assert adjoint.grad(adjoint.grad(programs.powers_by_joining_tuples))(x) == pytest.approx(2 + 6 * x + 12 * x * x)


class Quadratic:
    def __init__(self, A):
        self.A = A

    def energy(self, x, scale=1.0):
        return scale * (x @ self.A @ x + np.sum(np.sin(x)))

    def field(self, x):
        return self.A @ x + np.cos(x)


def test_hessian_and_jacobian_of_a_bound_method():
    """They bound the method's arguments to the function without its instance (TypeError)."""
    A = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, 0.3], [0.0, 0.3, 3.0]])
    model, x = Quadratic(A), np.array([0.3, -0.2, 0.5])
    np.testing.assert_allclose(adjoint.hessian(model.energy)(x), 2 * A - np.diag(np.sin(x)), atol=1e-12)
    np.testing.assert_allclose(adjoint.hessian(model.energy)(x, scale=2.0), 2 * (2 * A - np.diag(np.sin(x))),
                               atol=1e-12)
    np.testing.assert_allclose(adjoint.jacobian(model.field)(x), A - np.diag(np.sin(x)), atol=1e-12)
    np.testing.assert_allclose(adjoint.elementwise_grad(model.field)(x), np.sum(A, axis=1) - np.sin(x), atol=1e-12)


def test_elementwise_grad_of_a_numpy_function():
    """`adjoint.elementwise_grad(np.tanh)`, as the README shows it, was refused: np.tanh has no source."""
    x = np.array([0.3, -0.5, 1.2])
    np.testing.assert_allclose(adjoint.elementwise_grad(np.tanh)(x), 1.0 - np.tanh(x) ** 2, rtol=1e-12)
    np.testing.assert_allclose(adjoint.elementwise_grad(np.exp)(0.3), np.exp(0.3), rtol=1e-12)


def _layer(p, x):
    return np.sum(np.tanh(p["W"] @ x + p["b"]) ** 2)


def test_matrices_with_respect_to_a_dict_are_refused():
    """hessian and jacobian took a dict argument for a number and failed inside the derivative."""
    p, x = {"W": np.eye(2, 3), "b": np.ones(2)}, np.array([0.3, -0.2, 0.5])
    with pytest.raises(adjoint.AdjointError, match="with respect to `p`, a dict"):
        adjoint.hessian(_layer)(p, x)
    with pytest.raises(adjoint.AdjointError, match="with respect to `p`, a dict"):
        adjoint.jacobian(_layer)(p, x)


class Oscillator(NamedTuple):
    q: float
    p: np.ndarray


@dataclass
class Scale:
    a: float
    b: object = None


def _structured(s, c, xs):
    return s.q * np.sum(s.p ** 2) + c.a * xs[0] * xs[1][0] + xs[0] ** 3


def test_check_grad_takes_the_argument_structures_grad_takes():
    """check_grad failed (float() of a dict) on a dict, a NamedTuple or a dataclass, and turned a list
    into an array before calling the function."""
    adjoint.check_grad(_layer, {"W": np.eye(2, 3) * 0.5, "b": np.ones(2)}, np.array([0.3, -0.2, 0.5]), wrt=(0, 1))
    adjoint.check_grad(_structured, Oscillator(0.5, np.array([1.0, 2.0])), Scale(1.5), [0.3, (0.7,)], wrt=(0, 1, 2))


def _wrong_for_a_dict(p):
    return adjoint.stop_gradient(p["a"]) * p["a"] + p["b"]


def test_check_grad_names_the_entry_that_disagrees():
    with pytest.raises(AssertionError, match=r"argument p\['a'\]: adjoint gives 1.5"):
        adjoint.check_grad(_wrong_for_a_dict, {"a": 1.5, "b": 2.0})
