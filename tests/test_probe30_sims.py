"""Simulation programs written as their users write them (integrators, stencils, n-body forces,
summaries of a trajectory), and the shapes among them that adjoint got wrong.

What was wrong:
- vjp's pullback read a number given as the cotangent of an output that is a dict, a tuple or a
  list (a simulation returning its summary and its path) as no cotangent at all: the gradient was
  silently zero. A cotangent of another structure than the output's (a dict without one of its
  keys, a tuple too short, an array where the output holds a number) failed inside the derivative
  with IndexError, KeyError, TypeError or ValueError. Both are refused with an ArgumentError now.
- adjoint.jacobian of such a function gave zeros (a dict) or failed inside NumPy (a tuple of a
  number and an array): it built its rows from the shape NumPy gives the output. It gives the
  output's structure of blocks now, one per value, each value.shape + in.shape.
- a loop marked adjoint.checkpointed whose body draws random numbers (np.random, a Generator, a
  random.Random), and a function marked adjoint.checkpoint that does: run again in the backward
  pass, they drew other numbers, and the gradient was that of other steps than the ones that ran
  (wrong in every digit, without a word). The primal sweep keeps a fingerprint of the state (of
  the value) where the recomputation must reach it again; another one is refused at the line.
"""
from __future__ import annotations

import copy
import math
import random as random_module

import numpy as np
import pytest

import adjoint
from every_mode import AUTOGRAD_RUNS_NUMPY_CALLS, _on_autograd_numpy
from soundness import flat, with_flat


def finite_jacobian(fn, args, position, eps=1e-6):
    """Columns of central differences of fn's flattened output in args[position]'s leaves."""
    base = flat(args[position])
    columns = []
    for index in range(base.size):
        outputs = []
        for step in (eps, -eps):
            moved = base.copy()
            moved[index] += step
            call = list(copy.deepcopy(args))
            call[position] = with_flat(args[position], moved)
            outputs.append(flat(fn(*call)))
        columns.append((outputs[0] - outputs[1]) / (2 * eps))
    return np.stack(columns, axis=1)


# ----- a damped oscillator returning a summary and its path ---------------------------------------

def oscillator_summary(x0, k):
    x, v = x0, np.zeros_like(x0)
    path = []
    for _ in range(12):
        v = v - 0.1 * (k * x + 0.2 * v) - 0.05 * x ** 3
        x = x + 0.1 * v
        path.append(np.sum(x ** 2))
    return {"energy": 0.5 * np.sum(v ** 2) + 0.5 * k * np.sum(x ** 2), "path": np.array(path)}


def oscillator_pair(x0, k):
    summary = oscillator_summary(x0, k)
    return summary["energy"], summary["path"]


X0 = np.array([0.8, -0.3])


def test_a_number_for_a_dict_output_is_refused_not_a_zero_gradient():
    _, pullback = adjoint.vjp(oscillator_summary)(X0, 1.3)
    with pytest.raises(adjoint.AdjointError, match="dict with its keys"):
        pullback(1.0)
    with pytest.raises(adjoint.AdjointError, match="dict with its keys"):
        pullback({"energy": 1.0})


def test_a_number_for_a_tuple_output_is_refused_not_a_zero_gradient():
    _, pullback = adjoint.vjp(oscillator_pair)(X0, 1.3)
    for wrong in (1.0, (1.0,), np.ones(12), (np.ones(12), 1.0)):
        with pytest.raises(adjoint.AdjointError, match="cotangent"):
            pullback(wrong)


def on_autograd(fn):
    autograd = pytest.importorskip("autograd")
    return _on_autograd_numpy(fn, autograd.numpy)


def parts(value):
    return list(value.values()) if isinstance(value, dict) else list(value)


@pytest.mark.parametrize("fn", [oscillator_summary, oscillator_pair])
def test_the_pullback_of_a_structured_output(fn):
    value, pullback = adjoint.vjp(fn, wrt=(0, 1))(X0, 1.3)
    cotangent = with_flat(value, np.random.default_rng(1).normal(size=flat(value).size))
    for position, gradient in enumerate(pullback(cotangent)):
        want = flat(cotangent) @ finite_jacobian(fn, (X0, 1.3), position)
        np.testing.assert_allclose(flat(gradient), want, rtol=1e-6, atol=1e-8)
    # a number 0 for one part is no cotangent there: the gradient of the other part alone
    first = {"energy": 1.0, "path": 0.0} if isinstance(value, dict) else (1.0, 0.0)
    np.testing.assert_allclose(pullback(first)[0], finite_jacobian(fn, (X0, 1.3), 0)[0], rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("fn", [oscillator_summary, oscillator_pair])
@pytest.mark.parametrize("position", [0, 1])
def test_the_jacobian_of_a_structured_output(fn, position):
    got = adjoint.jacobian(fn, wrt=position)(X0, 1.3)
    assert type(got) is type(fn(X0, 1.3))
    columns = np.size((X0, 1.3)[position])
    stacked = np.concatenate([np.reshape(block, (-1, columns)) for block in parts(got)])
    np.testing.assert_allclose(stacked, finite_jacobian(fn, (X0, 1.3), position), rtol=1e-6, atol=1e-8)
    autograd = pytest.importorskip("autograd")
    peer = on_autograd(oscillator_summary)
    for key, block in zip(("energy", "path"), parts(got)):
        np.testing.assert_allclose(autograd.jacobian(lambda *a: peer(*a)[key], position)(X0, 1.3), block,
                                   rtol=1e-9, atol=1e-12)


def test_the_jacobian_in_several_parameters_of_a_structured_output():
    blocks = adjoint.jacobian(oscillator_summary, wrt=(0, 1))(X0, 1.3)
    assert set(blocks) == {"energy", "path"}
    for position in (0, 1):
        single = adjoint.jacobian(oscillator_summary, wrt=position)(X0, 1.3)
        for key in blocks:
            np.testing.assert_allclose(blocks[key][position], single[key], rtol=1e-12)


# ----- a checkpointed loop whose steps draw random numbers -----------------------------------------

def langevin_checkpointed(x0, gamma):
    rng = np.random.default_rng(3)
    x, v = x0, np.zeros_like(x0)
    for t in adjoint.checkpointed(range(16), snapshots=3):
        v = v - 0.1 * (x + gamma * v) + 0.05 * rng.normal(size=x.shape)
        x = x + 0.1 * v
    return np.sum(x ** 2) + np.sum(v)


def drift_drawn_at_each_stored_step(x0, scale):
    rng = np.random.default_rng(3)
    x = x0
    for t in adjoint.checkpointed(range(4), snapshots=4):  # every step's state stored: none recomputed
        x = x + scale * scale * rng.normal()
    return x


def langevin_global_noise(x0, gamma):
    np.random.seed(3)
    x = x0
    for t in adjoint.checkpointed(range(16), snapshots=2):
        x = x - 0.1 * gamma * x ** 3 + 0.05 * np.random.normal(size=x.shape)
    return np.sum(x ** 2)


def langevin_python_random(x0, gamma):
    draws = random_module.Random(4)
    x = x0
    for t in adjoint.checkpointed(range(16), snapshots=3):
        x = x * (1.0 - 0.1 * gamma) + 0.05 * draws.gauss(0.0, 1.0)
    return x * x


def langevin_noise_drawn_first(x0, gamma):
    noise = np.random.default_rng(3).normal(size=(16,) + np.shape(x0))
    x, v = x0, np.zeros_like(x0)
    for t in adjoint.checkpointed(range(16), snapshots=3):
        v = v - 0.1 * (x + gamma * v) + 0.05 * noise[t]
        x = x + 0.1 * v
    return np.sum(x ** 2) + np.sum(v)


@pytest.mark.parametrize("fn, args", [(langevin_checkpointed, (X0, 0.7)), (langevin_global_noise, (X0, 0.7)),
                                      (langevin_python_random, (0.8, 0.7))])
@pytest.mark.parametrize("position", [0, 1])
def test_a_checkpointed_loop_drawing_random_numbers_is_refused(fn, args, position):
    """Its steps, run again in the backward pass, drew other numbers: the gradient was that of
    other steps than the ones that ran (wrong in every digit), without a word."""
    with pytest.raises(adjoint.AdjointError, match="adjoint.checkpointed: the steps of this loop") as error:
        adjoint.grad(fn, wrt=position)(*args)
    assert error.value.location.filename == __file__


def test_a_step_reversed_from_its_stored_state_is_checked_by_its_vjp():
    """With a snapshot for every step, no step runs again before its vjp, which runs it again
    itself: the vjp compares the state it reaches with the one the step left."""
    with pytest.raises(adjoint.AdjointError, match="adjoint.checkpointed: the steps of this loop"):
        adjoint.grad(drift_drawn_at_each_stored_step, wrt=1)(0.5, 0.7)


def growing_with_draws(x0, scale):
    rng = np.random.default_rng(2)
    xs = [x0]
    for t in adjoint.checkpointed(range(4), snapshots=4):  # a state of another structure at each step
        xs = xs + [xs[-1] * scale + rng.normal()]
    return sum(xs)


def test_a_state_that_grows_is_checked_at_every_step():
    with pytest.raises(adjoint.AdjointError, match="adjoint.checkpointed: the steps of this loop"):
        adjoint.grad(growing_with_draws, wrt=1)(0.5, 0.7)


def arithmetic_steps(x0, rate):
    x = x0
    for t in adjoint.checkpointed(range(6), snapshots=2):
        x = x + rate * np.tanh(x) - 0.1 * math.sin(rate)
    return np.sum(x ** 2)


def test_only_steps_that_may_not_run_again_to_their_state_are_fingerprinted():
    """A step of NumPy's and math's functions alone runs again to its state: it pays for no check."""
    assert "printed=" not in adjoint.source(arithmetic_steps, args=(X0, 0.7))
    assert "printed=(0,)" in adjoint.source(drift_drawn_at_each_stored_step, wrt=1, args=(0.5, 0.7))
    want = finite_jacobian(arithmetic_steps, (X0, 0.7), 1)[0]
    np.testing.assert_allclose(flat(adjoint.grad(arithmetic_steps, wrt=1)(X0, 0.7)), want, rtol=1e-6, atol=1e-8)


def test_a_checkpointed_loop_with_its_noise_drawn_first():
    args = (X0, 0.7)
    for position in (0, 1):
        want = finite_jacobian(langevin_noise_drawn_first, args, position)[0]
        got = adjoint.grad(langevin_noise_drawn_first, wrt=position)(*args)
        np.testing.assert_allclose(flat(got), want, rtol=1e-6, atol=1e-8)
        autograd = pytest.importorskip("autograd")
        np.testing.assert_allclose(flat(autograd.grad(on_autograd(langevin_noise_drawn_first), position)(*args)), flat(got),
                                   rtol=1e-10, atol=1e-12)
    value, pullback = adjoint.vjp(langevin_noise_drawn_first, wrt=1)(*args)
    assert value == langevin_noise_drawn_first(*args)
    assert pullback(1.0) == pullback(1.0) == pytest.approx(finite_jacobian(langevin_noise_drawn_first, args, 1)[0, 0])


# ----- a function marked adjoint.checkpoint that draws random numbers -----------------------------

@adjoint.checkpoint
def noisy_kick(v, x, gamma):
    return v - 0.1 * (x + gamma * v) + 0.05 * np.random.normal(size=v.shape)


@adjoint.checkpoint
def noisy_kick_from(v, x, gamma, rng):
    return v - 0.1 * (x + gamma * v) + 0.05 * rng.normal(size=v.shape)


@adjoint.checkpoint
def kick(v, x, gamma, noise):
    return v - 0.1 * (x + gamma * v) + 0.05 * noise


def langevin_global_kicks(x0, gamma):
    np.random.seed(5)
    x, v = x0, np.zeros_like(x0)
    for _ in range(6):
        v = noisy_kick(v, x, gamma)
        x = x + 0.1 * v
    return np.sum(x ** 2) + np.sum(v)


def langevin_generator_kicks(x0, gamma):
    rng = np.random.default_rng(5)
    x, v = x0, np.zeros_like(x0)
    for _ in range(6):
        v = noisy_kick_from(v, x, gamma, rng)
        x = x + 0.1 * v
    return np.sum(x ** 2) + np.sum(v)


def langevin_kicks(x0, gamma):
    state = (x0, np.zeros_like(x0))
    for noise in np.random.default_rng(5).normal(size=(6,) + np.shape(x0)):
        velocity = kick(state[1], state[0], gamma, noise)
        state = (state[0] + 0.1 * velocity, velocity)
    return np.sum(state[0] ** 2) + np.sum(state[1])


@pytest.mark.parametrize("fn", [langevin_global_kicks, langevin_generator_kicks])
@pytest.mark.parametrize("position", [0, 1])
def test_a_checkpointed_function_drawing_random_numbers_is_refused(fn, position):
    """Run again in the backward pass, it drew other numbers: the gradient was that of another run."""
    with pytest.raises(adjoint.AdjointError, match="marked adjoint.checkpoint, and its second run") as error:
        adjoint.grad(fn, wrt=position)(X0, 0.7)
    assert error.value.location.filename == __file__


def test_a_checkpointed_function_given_its_noise():
    args = (X0, 0.7)
    autograd = pytest.importorskip("autograd")
    peer = on_autograd(langevin_kicks)
    for position in (0, 1):
        got = adjoint.grad(langevin_kicks, wrt=position)(*args)
        np.testing.assert_allclose(flat(got), finite_jacobian(langevin_kicks, args, position)[0], rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(flat(autograd.grad(peer, position)(*args)), flat(got), rtol=1e-10, atol=1e-12)
    value, pullback = adjoint.vjp(langevin_kicks, wrt=0)(*args)
    assert value == langevin_kicks(*args)
    np.testing.assert_array_equal(pullback(1.0), pullback(1.0))


@adjoint.checkpoint
def pendulum_step(theta, omega, g):
    omega = omega - 0.1 * g * np.sin(theta)
    return theta + 0.1 * omega, omega


def pendulum_loss(theta0, g):
    theta, omega = theta0, 0.0
    for _ in range(5):
        theta, omega = pendulum_step(theta, omega, g)
    return theta ** 2 + omega


def test_derivatives_of_derivatives_through_a_checkpointed_function():
    """The fingerprint the caller keeps passes no derivative on: grad of grad, hvp and hessian
    still run through the function's second run."""
    gradient = adjoint.grad(pendulum_loss)
    for position, step in ((0, np.array([1e-5, 0.0])), (1, np.array([0.0, 1e-5]))):
        want = (gradient(*(np.array([0.7, 1.3]) + step)) - gradient(*(np.array([0.7, 1.3]) - step))) / 2e-5
        np.testing.assert_allclose(adjoint.grad(gradient, wrt=position)(0.7, 1.3), want, rtol=1e-6)
    np.testing.assert_allclose(adjoint.hvp(pendulum_loss)(0.7, 1.3, 1.0), adjoint.hessian(pendulum_loss)(0.7, 1.3),
                               rtol=1e-12)
    if AUTOGRAD_RUNS_NUMPY_CALLS:  # (its step function calls NumPy itself)
        autograd = pytest.importorskip("autograd")
        np.testing.assert_allclose(autograd.grad(autograd.grad(on_autograd(pendulum_loss)))(0.7, 1.3),
                                   adjoint.grad(gradient)(0.7, 1.3), rtol=1e-10)


def relaxation_with_a_nan_and_a_counter(x0, k):
    """A checkpointed loop whose state holds NaN and infinity (a mask kept along) and an integer:
    run again, it reaches the same state, and is not refused."""
    x, mask, count = x0, np.array([np.nan, 1.0, np.inf]), 0
    for t in adjoint.checkpointed(range(10), snapshots=2):
        x = x * (1.0 - 0.1 * k) + 0.01 * np.sin(x)
        mask = mask * 1.0
        count = count + 1
    return np.sum(x ** 2) + count


def test_a_checkpointed_loop_whose_state_holds_nan_is_not_refused():
    args = (np.array([0.5, -0.3, 0.2]), 0.7)
    for position in (0, 1):
        got = adjoint.grad(relaxation_with_a_nan_and_a_counter, wrt=position)(*args)
        np.testing.assert_allclose(flat(got), finite_jacobian(relaxation_with_a_nan_and_a_counter, args, position)[0],
                                   rtol=1e-6, atol=1e-8)
