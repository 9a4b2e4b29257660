"""A called function that writes in place into one of its parameters changes only what its
caller passes to that parameter. The caller is checked for the arguments the callee may write
into (itself, through a function it passes them on to, or through NumPy's `out=`), not for all
it passes: a running mean kept in a dict by a helper no longer refuses the loss that reads the
batch's mean after the call. Wherever the written argument (or memory it shares, holds or is
held by) is read after the call, the call is still refused, and where the parameters written
are not known (a `*args` helper, a recursive one passing its parameters around) every argument
counts."""
from __future__ import annotations

import copy
import inspect

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode

X = np.array([[0.3, -1.2], [0.8, 0.5], [-0.4, 1.1]])
GAMMA = np.array([1.3, 0.7])
BETA = np.array([0.2, -0.1])


def _numeric_gradient(func, args, position, step=1e-6):
    """Central differences of func with respect to args[position], on fresh copies of every
    argument for each evaluation (the functions write into what they are given)."""
    point = np.asarray(args[position], dtype=float)
    gradient = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        values = []
        for sign in (1.0, -1.0):
            moved = copy.deepcopy(list(args))
            shifted = point.copy()
            shifted[index] += sign * step
            moved[position] = shifted if np.ndim(args[position]) else float(shifted)
            values.append(func(*moved))
        gradient[index] = (values[0] - values[1]) / (2 * step)
    return gradient


def _check_gradients(func, args, positions):
    expected_value = func(*copy.deepcopy(list(args)))
    value, gradients = adjoint.value_and_grad(func, wrt=positions)(*copy.deepcopy(list(args)))
    assert value == pytest.approx(expected_value, rel=1e-12)
    for position, gradient in zip(positions, gradients):
        np.testing.assert_allclose(gradient, _numeric_gradient(func, args, position), rtol=1e-6, atol=1e-8)


def _line_of(func, label):
    lines, first = inspect.getsourcelines(func)
    return first + next(i for i, text in enumerate(lines) if f"# <- {label}" in text)


# ----- accepted: the callee writes into an argument nothing after the call reads -----------------

def update_running_mean(state, m):
    state["mean"] = 0.9 * state["mean"] + 0.1 * m


def batch_norm_loss(x, gamma, beta, state):
    m = np.mean(x, axis=0)
    update_running_mean(state, m)
    v = np.mean((x - m) ** 2, axis=0)
    y = gamma * (x - m) / np.sqrt(v + 1e-5) + beta
    return np.sum(np.tanh(y) ** 2)


def count_call(log, x):
    log.append(1)


def logged_loss(x, w):
    log = []
    count_call(log, x)
    return np.sum(np.sin(x * w))


def scale_first(a, b):
    a *= 2.0
    return np.sum(b)


def scaled_copy_then_other(x, y):
    u = x * 1.0
    total = scale_first(u, y)
    return total * np.sum(np.cos(y))


def keeps_scaled(b=None, a=None):
    a[:] = a * 3.0


def keyword_arguments_loss(x, y):
    u = x + 0.0
    keeps_scaled(b=y, a=u)
    return np.sum(y * y) + np.sum(x)


def write_into_second(p, q):
    q[0] = 0.0


def passes_its_second_on(p, q):
    write_into_second(q, q)


def through_a_helper(x, y):
    u = x * 1.0
    v = y * 1.0
    passes_its_second_on(x, v)
    return np.sum(np.exp(x)) + np.sum(u * y)


@pytest.mark.parametrize("func, args, positions", [
    (batch_norm_loss, (X, GAMMA, BETA, {"mean": np.zeros(2)}), (0, 1, 2)),
    (logged_loss, (np.array([0.3, 0.9]), np.array([1.1, -0.6])), (0, 1)),
    (scaled_copy_then_other, (np.array([0.3, 0.9]), np.array([1.1, -0.6])), (0, 1)),
    (keyword_arguments_loss, (np.array([0.3, 0.9]), np.array([1.1, -0.6])), (0, 1)),
    (through_a_helper, (np.array([0.3, 0.9]), np.array([1.1, -0.6])), (0, 1)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_a_callee_writing_into_an_argument_read_no_more_is_differentiated(func, args, positions):
    _check_gradients(func, args, positions)


@pytest.mark.parametrize("wrt", [0, 1])
@pytest.mark.parametrize("func", [logged_loss, scaled_copy_then_other, keyword_arguments_loss, through_a_helper],
                         ids=lambda v: v.__name__)
def test_every_mode_of_a_callee_writing_into_a_local_read_no_more(func, wrt):
    check_every_mode(func, (np.array([0.3, 0.9]), np.array([1.1, -0.6])), wrt=wrt)


def test_the_running_mean_is_kept_as_the_function_keeps_it():
    state, plain = {"mean": np.zeros(2)}, {"mean": np.zeros(2)}
    adjoint.grad(batch_norm_loss, wrt=1)(X, GAMMA, BETA, state)
    batch_norm_loss(X, GAMMA, BETA, plain)
    np.testing.assert_array_equal(state["mean"], plain["mean"])


# ----- refused: what the callee writes into is read after the call ------------------------------

def same_array_twice(x, y):
    u = x * 1.0
    scale_first(u, u)  # <- twice
    return np.sum(u * y)


def update_held(state, m):
    state["w"][0] = m


def held_array_read_after(x, y):
    w = x * 1.0
    state = {"w": w}
    update_held(state, 0.5)  # <- held
    return np.sum(w * y)


def keyword_written_read_after(x, y):
    u = x + 0.0
    keeps_scaled(b=y, a=u)  # <- keyword
    return np.sum(u * y)


def through_a_helper_read_after(x, y):
    v = y * 1.0
    passes_its_second_on(x, v)  # <- passed-on
    return np.sum(v * x)


def swap_writes(a, b, n):
    b[0] = b[0] + 1.0
    if n > 0:
        swap_writes(b, a, n - 1)


def recursive_writes_both(x, y):
    u = x * 1.0
    v = y * 1.0
    swap_writes(u, v, 1)  # <- recursive
    return np.sum(u * x)


def write_first_of(*arrays):
    arrays[0][0] = 0.0


def starred_helper_read_after(x, y):
    u = x * 1.0
    write_first_of(u, y)  # <- starred
    return np.sum(u * y)


def clip_into(a, out):
    np.clip(a, -0.5, 0.5, out=out)


def out_argument_read_after(x, y):
    u = x * 1.0
    v = y * 1.0
    clip_into(u, v)  # <- out
    return np.sum(v * x)


@pytest.mark.parametrize("func, label", [
    (same_array_twice, "twice"), (held_array_read_after, "held"), (keyword_written_read_after, "keyword"),
    (through_a_helper_read_after, "passed-on"), (recursive_writes_both, "recursive"),
    (starred_helper_read_after, "starred"), (out_argument_read_after, "out"),
], ids=lambda v: getattr(v, "__name__", v))
def test_a_callee_writing_into_an_argument_read_after_is_refused_at_the_call(func, label):
    args = (np.array([0.3, 0.9]), np.array([1.1, -0.6]))
    for transform in (adjoint.grad, adjoint.jvp):
        with pytest.raises(adjoint.UnsupportedSyntaxError, match="changes an argument in place") as caught:
            derived = transform(func, wrt=(0, 1))
            derived(*args) if transform is adjoint.grad else derived(*args, np.ones(2), np.ones(2))
        assert caught.value.lineno == _line_of(func, label), str(caught.value)


def test_the_refusal_names_the_argument_written_into():
    def loss(x, y):
        u = x * 1.0
        keeps_scaled(b=y, a=u)
        return np.sum(u * y)

    with pytest.raises(adjoint.UnsupportedSyntaxError, match="`u` is read after the call"):
        adjoint.grad(loss)(np.array([0.3, 0.9]), np.array([1.1, -0.6]))
