"""Scientific and machine-learning programs written as their users write them, checked in every
mode (grad, value_and_grad, vjp, jvp, hvp, grad of grad, against central differences and autograd),
and the shapes among them that adjoint got wrong.

What was wrong:
- the forward derivative of a gradient whose adjoint of a list holds the symbolic zero at an item
  (max/min of a list of pairs, whose unchosen items get no adjoint) failed inside NumPy: the
  tangent of that adjoint had the item's structure and could not be broadcast to the zero;
- the derivative of a gradient taken in reverse mode (grad of grad, vjp of grad) failed inside
  NumPy where the gradient broadcast an adjoint still the symbolic zero to an array's shape (the
  adjoint of a position in the last step of a leapfrog loop): the adjoint of unbroadcast only
  broadcast back, never summed back what unbroadcast had broadcast;
- adjoint.hessian ran one hvp per column, and adjoint.jacobian of a function with more outputs
  than inputs one jvp per column: a function drawing random numbers drew anew for each column,
  and the matrix mixed the derivatives of different draws (a Hessian of a noisy objective that
  was not even symmetric). Both are the rows of one forward pass's pullbacks now.

- the derivative of a gradient in reverse mode (grad of grad, and hessian, now a vjp of the
  gradient) of nested loops left by an early return failed inside the library: the gradient's
  inner loop counter, an integer of a `range` saved on its stack, was given an adjoint, which
  add_at tried to write into the range.

- vjp of a gradient (and so hessian) of a network whose layers come from a called function as a
  list of (W, b) pairs failed inside NumPy: the adjoint of the list's adjoint, still the symbolic
  zero before the loop, was summed (unbroadcast) as if it were a number.
- vjp of a gradient (and so hessian) of a mixture likelihood built with a list comprehension
  failed inside np.stack: the gradient's backward half undoes its appends on a copy of the list,
  and the comprehension's name for the same list (`lls = _list1`) still held the emptied original;
  it is bound to the copy now.
- vjp of a gradient (and so hessian) of a state kept in a dataclass and advanced with
  dataclasses.replace failed with `dict + dict`: the adjoint of a record's adjoint was added with
  `+`, its kind not followed through `add_adjoints(0.0, zero_at(...))`.
- hessian falls back to hvp's columns where reverse over reverse refuses (np.gradient with
  coordinates given as an argument, lists saved and restored by a derivative); those columns run
  the function once each, so a gradient that differs between them (a random draw) is refused
  instead of mixed into one matrix.

np.correlate, the other half of a 1-D convolution layer, had no rule and was refused; it has one
now (its "same" window, where the kernel is the longer, starts at the other end than np.convolve's).
"""
from __future__ import annotations

import dataclasses
import types

import numpy as np
import pytest
from scipy.special import logsumexp

import adjoint
from every_mode import check_every_mode


def for_autograd(*functions):
    """The first of these functions with `np` bound to autograd's NumPy, the others (its callees)
    too: NumPy before 2.1 does not hand its ufuncs' work to autograd's boxes."""
    anp = pytest.importorskip("autograd.numpy")
    namespace = dict(globals(), np=anp)
    for fn in functions:
        namespace[fn.__name__] = types.FunctionType(fn.__code__, namespace, fn.__name__, fn.__defaults__,
                                                    fn.__closure__)
    return namespace[functions[0].__name__]


# ----- the best of candidate pairs: max with a key and min of tuples -----------------------------

def best_pair(x):
    pts = [(x, 1.0), (2 * x, -1.0), (x * x, 0.5)]
    best = max(pts, key=lambda p: p[0] * p[1])
    return best[0] * best[1] + min(pts)[0]


def best_of_candidates(x):
    cands = [x * 2.0, np.sin(x), x ** 2]
    best = max(cands, key=lambda c: np.sum(c))
    return np.sum(best * x) + np.sum(min(cands, key=lambda c: c[0]) ** 2)


@pytest.mark.parametrize("x", [0.6, -0.6, 1.7])
def test_the_best_of_pairs(x):
    check_every_mode(best_pair, (x,), peer=for_autograd(best_pair))


def test_the_best_of_candidate_arrays():
    check_every_mode(best_of_candidates, (np.array([0.3, 0.8, -0.2]),))


# ----- leapfrog steps: the position's adjoint is the symbolic zero in the last step -------------

def swing_of_a_scale(k):
    pos = np.array([0.3, 0.5]) * k
    vel = np.array([0.1, -0.2])
    for _ in range(2):
        vel = vel + 0.05 * np.sin(pos)
        pos = pos + 0.05 * vel
    return np.sum(vel ** 2)


def kinetic_energy_after_steps(pos, vel):
    for _ in range(3):
        vel = vel + 0.05 * np.sin(pos)
        pos = pos + 0.05 * vel
    return np.sum(vel ** 2)


def test_second_derivative_of_a_leapfrog_in_a_scale():
    check_every_mode(swing_of_a_scale, (1.3,), peer=for_autograd(swing_of_a_scale))


def test_hessian_rows_of_a_leapfrog_by_reverse_over_reverse():
    args = (np.array([0.3, 0.5, -0.4]), np.array([0.1, -0.2, 0.6]))
    hessian = adjoint.hessian(kinetic_energy_after_steps)(*args)
    _, pullback = adjoint.vjp(adjoint.grad(kinetic_energy_after_steps))(*args)
    for row, unit in zip(hessian, np.eye(3)):
        np.testing.assert_allclose(pullback(unit), row, rtol=1e-10, atol=1e-12)
    autograd = pytest.importorskip("autograd")
    np.testing.assert_allclose(autograd.hessian(for_autograd(kinetic_energy_after_steps))(*args), hessian, rtol=1e-9, atol=1e-12)


# ----- matrices of a noisy objective: one draw per call, as in the plain function ----------------

def noisy_quadratic(x):
    noise = np.random.normal(size=3)
    return np.sum(x ** 2 * noise) + x[0] * x[1] * noise[2]


def noisy_signal(t):
    noise = np.random.normal(size=4)
    return np.sin(t * np.arange(1.0, 5.0)) + noise * t ** 2


def test_the_hessian_of_a_noisy_objective_is_that_of_one_draw():
    x = np.array([0.3, -0.2, 0.5])
    np.random.seed(0)
    hessian = adjoint.hessian(noisy_quadratic)(x)
    np.random.seed(0)
    noise = np.random.normal(size=3)
    want = np.diag(2.0 * noise)
    want[0, 1] = want[1, 0] = noise[2]
    np.testing.assert_allclose(hessian, want, rtol=1e-12, atol=1e-12)


def test_a_tall_jacobian_of_a_noisy_signal_is_that_of_one_draw():
    np.random.seed(1)
    jacobian = adjoint.jacobian(noisy_signal)(0.7)
    np.random.seed(1)
    noise = np.random.normal(size=4)
    k = np.arange(1.0, 5.0)
    np.testing.assert_allclose(jacobian, k * np.cos(0.7 * k) + 2 * 0.7 * noise, rtol=1e-12, atol=1e-12)


# ----- a 1-D convolution layer written with np.correlate ------------------------------------------

def conv1d_layer(x, w, mode):
    y = np.correlate(x, w, mode)
    return np.sum(np.tanh(y) ** 2) + np.sum(np.convolve(x, w, mode) * 0.5)


def conv1d_default_mode(x, w):
    return np.sum(np.correlate(x, w) ** 2)


@pytest.mark.parametrize("mode", ["valid", "same", "full"])
@pytest.mark.parametrize("n, m", [(6, 3), (2, 4), (3, 6), (4, 4), (1, 3)])
def test_a_convolution_layer_by_correlation(n, m, mode):
    rng = np.random.default_rng(n * 10 + m)
    x, w = rng.normal(size=n), rng.normal(size=m)
    check_every_mode(conv1d_layer, (x, w, mode), wrt=0)
    check_every_mode(conv1d_layer, (x, w, mode), wrt=1)


def test_correlation_in_its_default_mode():
    rng = np.random.default_rng(3)
    check_every_mode(conv1d_default_mode, (rng.normal(size=5), rng.normal(size=3)), wrt=1)


# ----- nested loops left by an early return ---------------------------------------------------------

def first_over_threshold(X):
    acc = np.zeros(X.shape[1])
    for i in range(X.shape[0]):
        acc = acc * 0.5 + X[i]
        for j in range(X.shape[1]):
            if acc[j] > 2.0:
                return np.sum(acc ** 2) * j
    return np.sum(acc)


def threshold_of_a_scale(t):
    return first_over_threshold(np.array([[t, 2 * t, 0.5], [3.0, t * t, 1.0]]))


def damped_sum_until_large(t):
    acc = 0.0
    for i in range(3):
        acc = acc * 0.5 + t * i
        for j in range(2):
            if acc > 1.0:
                return acc ** 2 * j
    return acc


@pytest.mark.parametrize("func, t", [(threshold_of_a_scale, 1.3), (threshold_of_a_scale, 0.3),
                                     (damped_sum_until_large, 0.7), (damped_sum_until_large, 0.2)])
def test_second_derivative_of_nested_loops_left_early(func, t):
    check_every_mode(func, (t,), peer=for_autograd(func, first_over_threshold))


@pytest.mark.parametrize("shift", [0.0, 1.5])
def test_hessian_of_nested_loops_left_early(shift):
    autograd = pytest.importorskip("autograd")
    X = np.random.default_rng(14).normal(size=(3, 3)) + shift
    np.testing.assert_allclose(adjoint.hessian(first_over_threshold)(X), autograd.hessian(for_autograd(first_over_threshold))(X),
                               rtol=1e-10, atol=1e-12)


# ----- a network unpacked from one flat vector of weights ----------------------------------------

def unpack_layers(weights):
    w1, b1, w2, b2 = np.split(weights, [3, 6, 9])
    layers = []
    layers.append((w1.reshape(1, 3), b1))
    layers.append((w2.reshape(3, 1), b2))
    return layers


def network_energy(weights):
    h = np.linspace(-1.0, 1.0, 4)[:, None]
    for W, b in unpack_layers(weights):
        h = np.tanh(h @ W + b)
    return np.sum(h ** 2)


def test_hessian_of_a_network_unpacked_from_flat_weights():
    autograd = pytest.importorskip("autograd")
    w = np.random.default_rng(0).normal(size=10)
    _, pullback = adjoint.vjp(adjoint.grad(network_energy))(w)
    hessian = autograd.hessian(for_autograd(network_energy, unpack_layers))(w)
    np.testing.assert_allclose(pullback(np.eye(10)[3]), hessian[3], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(adjoint.hessian(network_energy)(w), hessian, rtol=1e-9, atol=1e-12)


# ----- slopes on knots given as an argument: reverse over reverse refuses, columns do not ---------

def knot_slopes(knots_y, knots_x):
    return np.gradient(knots_y, knots_x)


def smoothness(knots_y, knots_x):
    return np.sum(knot_slopes(knots_y, knots_x) ** 2 * knots_y)


def noisy_smoothness(knots_y, knots_x):
    return np.sum(knot_slopes(knots_y, knots_x) ** 2 * np.random.normal(size=4))


KNOTS = (np.array([0.3, 0.5, 0.1, 0.9]), np.array([0.0, 0.7, 1.5, 2.0]))


def test_hessian_where_reverse_over_reverse_refuses():
    gradient = adjoint.grad(smoothness)
    want = np.stack([(gradient(KNOTS[0] + 1e-6 * e, KNOTS[1]) - gradient(KNOTS[0] - 1e-6 * e, KNOTS[1])) / 2e-6
                     for e in np.eye(4)])
    np.testing.assert_allclose(adjoint.hessian(smoothness)(*KNOTS), want, rtol=1e-6, atol=1e-7)


def smoothness_below_a_floor(knots_y, knots_x):
    return smoothness(knots_y, knots_x) + np.sqrt(knots_y[0] - 1.0)  # NaN where knots_y[0] < 1


def test_hessian_by_columns_takes_a_nan_gradient_for_the_same_each_run():
    with np.errstate(invalid="ignore"):
        hessian = adjoint.hessian(smoothness_below_a_floor)(*KNOTS)
    assert np.isnan(hessian[0, 0]) and np.isfinite(hessian[1, 1])


def test_hessian_by_columns_refuses_a_gradient_that_changes_between_runs():
    np.random.seed(0)
    with pytest.raises(adjoint.AdjointError, match="differs from run to run"):
        adjoint.hessian(noisy_smoothness)(*KNOTS)


# ----- a mixture's log-likelihood from a list comprehension over the components -------------------

POINTS = np.random.default_rng(0).normal(size=(6, 2))


def mixture_negative_log_likelihood(means):
    log_likelihoods = [-np.sum((POINTS - m) ** 2, axis=1) for m in means]
    return -np.sum(logsumexp(np.stack(log_likelihoods, axis=1), axis=1))


def test_reverse_over_reverse_of_a_comprehension_of_components():
    autograd = pytest.importorskip("autograd")
    means = np.array([[0.1, 0.2], [-0.3, 0.5]])
    peer = autograd.hessian(_mixture_for_autograd)(means)
    _, pullback = adjoint.vjp(adjoint.grad(mixture_negative_log_likelihood))(means)
    u = np.array([[1.0, -0.5], [0.3, 2.0]])
    np.testing.assert_allclose(pullback(u), np.einsum("ij,ijkl->kl", u, peer), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(pullback(u), np.einsum("ij,ijkl->kl", u, peer), rtol=1e-9, atol=1e-12)  # again
    np.testing.assert_allclose(adjoint.hessian(mixture_negative_log_likelihood)(means), peer, rtol=1e-9, atol=1e-12)


def _mixture_for_autograd(means):
    from autograd import numpy as anp
    from autograd.scipy.special import logsumexp as peer_logsumexp
    log_likelihoods = [-anp.sum((POINTS - m) ** 2, axis=1) for m in means]
    return -anp.sum(peer_logsumexp(anp.stack(log_likelihoods, axis=1), axis=1))


# ----- a state in a dataclass, advanced by dataclasses.replace -------------------------------------

@dataclasses.dataclass
class Oscillator:
    q: np.ndarray
    p: np.ndarray


def oscillator_energy(q0, k):
    s = Oscillator(q0, q0 * 0.5)
    for _ in range(3):
        p = s.p - 0.1 * k * s.q ** 3
        s = dataclasses.replace(s, q=s.q + 0.1 * p, p=p)
    return np.sum(s.q ** 2 + s.p * s.q)


def test_hessian_of_a_state_in_a_dataclass():
    q0 = np.array([0.3, -0.8, 1.1])
    gradient = adjoint.grad(oscillator_energy)
    want = np.stack([(gradient(q0 + 1e-6 * e, 1.3) - gradient(q0 - 1e-6 * e, 1.3)) / 2e-6 for e in np.eye(3)])
    _, pullback = adjoint.vjp(gradient)(q0, 1.3)
    np.testing.assert_allclose(pullback(np.eye(3)[1]), want[1], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(adjoint.hessian(oscillator_energy)(q0, 1.3), want, rtol=1e-6, atol=1e-7)
