"""Soundness: small programs written as a new user writes them (models kept in objects, physics
integrators, likelihoods, array idioms, Python idioms), and the shapes among them that adjoint got
wrong.

What was wrong:
- np.heaviside and np.fft.fftfreq / rfftfreq were declared constant, so a spacing that is
  differentiated (`k = np.fft.fftfreq(n, dx)`) had a zero derivative (grids of np.linspace and
  np.arange, which were too, are checked here as well);
- np.fmax and np.fmin gave the derivative to neither argument where one of them is NaN (they
  return the other, whose derivative it is);
- the tangents of np.nansum, np.nanmean, np.nanmax, np.nanmin and np.nan_to_num multiplied the
  tangent by a mask, and a NaN tangent at a NaN element (the tangent of `y ** 2` where y is NaN)
  made the whole jvp NaN.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

import adjoint
from soundness import Exact, Refused


# ----- grids of evenly spaced values: linear in their start, stop and step --------------------

def time_grid_to_a_parameter(t_final):
    t = np.linspace(0.0, t_final, 7)
    return np.sum(np.sin(t) * np.exp(-t))


def grid_between_arrays(a, b):
    grid = np.linspace(a, 2.0 * b, 5)
    return np.sum(grid ** 2 * np.arange(1.0, 6.0)[:, None])


def grid_along_the_last_axis(a, b):
    return np.sum(np.sin(np.linspace(a, b, 4, axis=-1, endpoint=False)) * np.arange(4.0))


def grid_with_its_step(a):
    t, h = np.linspace(0.0, a, 4, retstep=True)
    return np.sum(t) * h


def grid_with_every_argument_by_position(a):
    return np.sum(np.cos(np.linspace(0.0, a, 4, True, False, None, 0)))


def weighted_average_and_its_weights(x):
    mean, total = np.average(x, weights=np.arange(1.0, 4.0), returned=True)  # <- returned
    return mean * total


def arange_with_a_step(dt):
    t = np.arange(0.0, 1.0, dt)
    return np.sum(np.sin(t) * dt)


def arange_from_a_start(a):
    return np.sum(np.arange(a, 4.0) ** 2) + np.sum(np.arange(start=a, stop=3.0, step=0.45))


def arange_to_a_stop(a):
    return np.sum(np.arange(a) * a)


def heaviside_at_zero(x, h):
    return np.sum(np.heaviside(x, h) * np.arange(1.0, 4.0))


def frequencies_of_a_spacing(dx):
    k = 2.0 * np.pi * np.fft.fftfreq(6, dx)
    return np.sum(np.exp(-k ** 2 * 0.01))


def frequencies_with_spacing_by_keyword(dx):
    return np.sum(np.fft.rfftfreq(5, d=dx) ** 2) + np.sum(np.fft.fftfreq(4, d=2.0 * dx) * np.arange(4.0))


CASES = [
    Exact(time_grid_to_a_parameter, lambda rng: (1.7,)),
    Exact(grid_between_arrays, lambda rng: (rng.normal(size=3), rng.normal(size=3)), wrt=(0, 1)),
    Exact(grid_along_the_last_axis, lambda rng: (0.5, np.array([1.0, 2.0, 3.0])), wrt=(0, 1)),
    Exact(grid_with_its_step, lambda rng: (7.3,)),
    Exact(grid_with_every_argument_by_position, lambda rng: (1.3,)),
    Refused(weighted_average_and_its_weights, (np.array([0.3, 1.2, -0.5]),), adjoint.NonDifferentiableError,
            "returned"),
    Exact(arange_with_a_step, lambda rng: (0.3,)),
    Exact(arange_from_a_start, lambda rng: (0.2,)),
    Exact(arange_to_a_stop, lambda rng: (4.5,)),
    Exact(heaviside_at_zero, lambda rng: (np.array([0.0, 1.0, -0.5]), rng.normal(size=3)), wrt=1),
    Exact(frequencies_of_a_spacing, lambda rng: (0.3,)),
    Exact(frequencies_with_spacing_by_keyword, lambda rng: (0.3,)),
]


# ----- NaN: fmax and fmin skip it, the nan-reductions ignore it, in both modes -----------------

def clipped_below_with_missing(x):
    y = np.where(x > 1.0, np.nan, x)
    return np.sum(np.fmax(y, 0.2) * np.arange(6.0)) + np.sum(np.fmin(0.5, y) ** 2) + np.sum(np.fmax(x, np.nan))


def squares_of_present_values(x):
    y = np.where(x > 1.0, np.nan, x)
    return np.nansum(y ** 2) + np.nanmean(y ** 3) + np.nanmax(y ** 2) + np.nanmin(np.sin(y))


def logs_with_missing_replaced(x):
    y = np.where(x > 1.0, np.nan, x)
    return np.sum(np.nan_to_num(np.log(y)) * x)


_MISSING = np.array([0.31, 0.72, 1.13, 0.44, 0.25, 0.9])

CASES += [
    Exact(clipped_below_with_missing, lambda rng: (np.array([0.31, -0.72, 1.13, 0.44, -0.25, 0.9]),)),
    Exact(squares_of_present_values, lambda rng: (_MISSING.copy(),)),
    Exact(logs_with_missing_replaced, lambda rng: (_MISSING.copy(),)),
]


# ----- lists and tuples joined with `+` in a loop ----------------------------------------------

def powers_by_joining_tuples(x):
    t = (x,)
    for _ in range(3):
        t = t + (t[-1] * x,)
    return sum(t)


def powers_by_joining_lists(x, n):
    h = [x]
    if n > 1:
        h = [x, x]
    for _ in range(3):
        h = h + [h[-1] * x]
    return sum(h)


def fibonacci_of_lists(x):
    a, b = [x], [x * 2]
    for _ in range(3):
        a, b = b, a + b
    return sum(a) * sum(b)


def list_or_array_joined(x, as_array):
    t = [x, x * 3.0]
    if as_array:
        t = np.array([x, 2.0 * x])
    u = t + [1.0, x]  # <- list-or-array
    return np.sum(np.asarray(u) ** 2)


CASES += [
    Exact(powers_by_joining_tuples, lambda rng: (0.7,)),
    Exact(powers_by_joining_lists, lambda rng: (0.7, 2)),
    Exact(fibonacci_of_lists, lambda rng: (0.7,)),
    Exact(list_or_array_joined, lambda rng: (0.7, False), id="list_joined_to_a_list"),
    Refused(list_or_array_joined, (0.7, True), adjoint.AdjointError, "list-or-array", id="array_joined_to_a_list"),
]


# ----- models kept in objects -------------------------------------------------------------------

class Linear:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def pre(self, x):
        return self.W @ x + self.b

    def __call__(self, x):
        return np.tanh(self.pre(x))


class Stack:
    def __init__(self, layers):
        self.layers = layers

    def forward(self, x):
        for i in range(len(self.layers)):
            x = self.layers[i](x)
        return x

    def loss(self, x):
        return np.sum(self.forward(x) ** 2) + 0.1 * self.penalty(x)

    def penalty(self, x):
        return np.sum(x ** 2)


_R = np.random.default_rng(25)
MODEL = Stack([Linear(_R.normal(size=(4, 3)), _R.normal(size=4)), Linear(_R.normal(size=(2, 4)), _R.normal(size=2))])


def loss_of_a_model_in_an_object(x):
    return MODEL.loss(x)


def mlp_over_a_list_of_pairs(params, x):
    h = x
    for i, (W, b) in enumerate(params):
        h = W @ h + b
        if i < len(params) - 1:
            h = np.tanh(h)
    return np.sum(h ** 2)


def _pairs(rng):
    return [(rng.normal(size=(4, 3)), rng.normal(size=4)), (rng.normal(size=(2, 4)), rng.normal(size=2))]


@dataclass
class Affine:
    w: np.ndarray
    b: float


def mean_squared_error_of_a_record(p, X, y):
    r = X @ p.w + p.b - y
    return 0.5 * np.mean(r ** 2)


class State(NamedTuple):
    q: np.ndarray
    p: np.ndarray


def _kick_drift(s, dt):
    p = s.p - dt * np.sin(s.q)
    return State(s.q + dt * p, p)


def pendulums_in_a_named_tuple(q0):
    s = State(q0, np.zeros_like(q0))
    for _ in range(5):
        s = _kick_drift(s, 0.1)
    return np.sum(s.q ** 2) + np.sum(s.p)


CASES += [
    Exact(loss_of_a_model_in_an_object, lambda rng: (rng.normal(size=3),)),
    Exact(mlp_over_a_list_of_pairs, lambda rng: (_pairs(rng), rng.normal(size=3)), wrt=(0, 1)),
    Exact(mean_squared_error_of_a_record,
          lambda rng: (Affine(rng.normal(size=3), 0.3), rng.normal(size=(5, 3)), rng.normal(size=5))),
    Exact(pendulums_in_a_named_tuple, lambda rng: (rng.normal(size=3),)),
]


# ----- physics ------------------------------------------------------------------------------------

def _acceleration(q, k):
    return -k * q - 0.1 * q ** 3


def rk4_energy(k, q0, p0):
    state = (q0, p0)
    dt = 0.05
    for _ in range(10):
        q, p = state
        k1q, k1p = p, _acceleration(q, k)
        k2q, k2p = p + 0.5 * dt * k1p, _acceleration(q + 0.5 * dt * k1q, k)
        k3q, k3p = p + 0.5 * dt * k2p, _acceleration(q + 0.5 * dt * k2q, k)
        k4q, k4p = p + dt * k3p, _acceleration(q + dt * k3q, k)
        state = (q + dt / 6 * (k1q + 2 * k2q + 2 * k3q + k4q), p + dt / 6 * (k1p + 2 * k2p + 2 * k3p + k4p))
    q, p = state
    return np.sum(0.5 * p ** 2 + 0.5 * k * q ** 2)


def leapfrog_in_a_list(q0, m):
    state = [q0.copy(), np.zeros_like(q0)]
    dt = 0.1
    for _ in range(10):
        state[1] = state[1] - 0.5 * dt * np.sin(state[0]) * m
        state[0] = state[0] + dt * state[1] / m
        state[1] = state[1] - 0.5 * dt * np.sin(state[0]) * m
    return 0.5 * np.sum(state[1] ** 2) / m - m * np.sum(np.cos(state[0]))


def spring_chain(x, k):
    stretch = np.roll(x, -1) - x
    c = np.cumsum(x[::-1])[::-1]
    return 0.5 * k * np.sum(stretch ** 2) + 0.1 * np.sum(np.cumsum(np.diff(x)) ** 2) + 0.01 * np.sum(c * x)


def pendulum_until_a_time(theta0, g):
    theta, omega, t, dt = theta0, 0.0, 0.0, 0.01
    while True:
        omega = omega - g * math.sin(theta) * dt
        theta = theta + omega * dt
        t += dt
        if t > 0.3:
            break
    return theta * theta + omega


def pairwise_gravity(pos, masses):
    e = 0.0
    for i in range(pos.shape[0]):
        for j in range(i + 1, pos.shape[0]):
            e -= masses[i] * masses[j] / np.linalg.norm(pos[i] - pos[j])
    return e


def damped_trajectory(x, c):
    traj = []
    v = 0.0
    for _ in range(8):
        v = v - 0.1 * (x + c * v)
        x = x + 0.1 * v
        traj.append(x)
    return sum(t * t for t in traj) + max(traj)


CASES += [
    Exact(rk4_energy, lambda rng: (1.3, rng.normal(size=3), rng.normal(size=3)), wrt=(0, 1, 2)),
    Exact(leapfrog_in_a_list, lambda rng: (rng.normal(size=4), 1.7), wrt=(0, 1)),
    Exact(spring_chain, lambda rng: (rng.normal(size=6), 2.0), wrt=(0, 1)),
    Exact(pendulum_until_a_time, lambda rng: (0.7, 9.8), wrt=(0, 1)),
    Exact(pairwise_gravity, lambda rng: (rng.normal(size=(4, 3)), np.array([1.0, 2.0, 0.5, 1.5])), wrt=(0, 1)),
    Exact(damped_trajectory, lambda rng: (1.0, 0.3), wrt=(0, 1)),
]


# ----- statistics ---------------------------------------------------------------------------------

_X = _R.normal(size=(6, 3))
_LABELS = np.array([0, 2, 1, 1, 0, 2])
_XG = np.linspace(0.0, 1.0, 5)[:, None]
_YG = np.sin(3.0 * _XG[:, 0])


def softmax_cross_entropy(W):
    logits = _X @ W
    z = logits - np.max(logits, axis=1, keepdims=True)
    return -np.mean(z[np.arange(6), _LABELS] - np.log(np.sum(np.exp(z), axis=1)))


def gaussian_process_evidence(params):
    log_ls, log_sf, log_sn = params[0], params[1], params[2]
    K = np.exp(2 * log_sf) * np.exp(-0.5 * (_XG - _XG.T) ** 2 / np.exp(2 * log_ls)) + np.exp(2 * log_sn) * np.eye(5)
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, _YG))
    return 0.5 * _YG @ alpha + np.sum(np.log(np.diag(L)))


def gaussian_process_by_slogdet(params):
    ls, sf, sn = np.exp(params)
    K = sf ** 2 * np.exp(-0.5 * (_XG - _XG.T) ** 2 / ls ** 2) + sn ** 2 * np.eye(5)
    _, logdet = np.linalg.slogdet(K)
    return 0.5 * _YG @ np.linalg.solve(K, _YG) + 0.5 * logdet


def log_sum_exp_of_a_list(x):
    m = max(x)
    return m + math.log(sum(math.exp(v - m) for v in x))


CASES += [
    Exact(softmax_cross_entropy, lambda rng: (rng.normal(size=(3, 3)),)),
    Exact(gaussian_process_evidence, lambda rng: (np.array([-1.0, 0.1, -1.5]),)),
    Exact(gaussian_process_by_slogdet, lambda rng: (np.array([-1.0, 0.1, -1.5]),)),
    Exact(log_sum_exp_of_a_list, lambda rng: ([0.3, 1.2, -0.5],)),
]


# ----- array idioms ---------------------------------------------------------------------------

def masked_square_roots(A):
    B = A.copy()
    m = B > 0
    B[m] = np.sqrt(B[m])
    return np.sum(B * A)


def repeated_pairs_added(A):
    B = A.copy()
    B[(np.array([0, 1, 1]), np.array([2, 0, 0]))] += A[1, :] ** 2
    return np.sum(B ** 2)


def attention(Q, K, V):
    s = np.einsum("id,jd->ij", Q, K) / np.sqrt(Q.shape[1])
    w = np.exp(s - s.max(axis=-1, keepdims=True))
    w = w / w.sum(axis=-1, keepdims=True)
    return np.sum(np.einsum("ij,jd->id", w, V) ** 2) + np.sum(np.outer(Q[0], K[1]))


def split_stack_and_join(x):
    a, b, c = np.split(x, 3)
    s = np.stack([a * b, b * c, a + c], axis=1)
    t = np.concatenate([s, s[:, :1] ** 2], axis=1)
    parts = np.array_split(t.ravel(), 2)
    return np.sum(parts[0] * 2) + np.sum(parts[1] ** 2) + np.sum(np.hstack([a, c]) * np.vstack([b, b]).ravel())


def sorted_then_gathered(x):
    idx = np.argsort(x, axis=1)
    return np.sum(np.take_along_axis(x, idx, axis=1) * np.arange(3)[None, :])


def matrix_functions(A):
    S = A @ A.T + np.eye(3)
    return np.linalg.det(S) + np.trace(np.linalg.inv(S)) + np.sum(np.linalg.solve(S, A[:, 0]))


CASES += [
    Exact(masked_square_roots, lambda rng: (rng.normal(size=(3, 3)),)),
    Exact(repeated_pairs_added, lambda rng: (rng.normal(size=(3, 3)),)),
    Exact(attention, lambda rng: (rng.normal(size=(3, 2)), rng.normal(size=(4, 2)), rng.normal(size=(4, 2))),
          wrt=(0, 1, 2)),
    Exact(split_stack_and_join, lambda rng: (rng.normal(size=6),)),
    Exact(sorted_then_gathered, lambda rng: (rng.normal(size=(2, 3)),)),
    Exact(matrix_functions, lambda rng: (rng.normal(size=(3, 3)),)),
]


# ----- Python idioms --------------------------------------------------------------------------

def walks_over_a_list(ws, x):
    total = 0.0
    for i, w in enumerate(ws):
        total += (i + 1) * w * x
    for a, b in zip(ws, reversed(ws)):
        total += a * b
    for v in sorted(ws):
        total = total * 0.9 + v
    return total


def returns_first_large_power(x):
    for i in range(10):
        x = x * 1.3
        if x > 2.0:
            return x * i
    return -x


def helper_closing_over_both(x, y):
    def inner(t):
        return t * y + x
    acc = 0.0
    for k in range(3):
        acc = inner(acc) + k
    return acc


def farthest_from_a_half(xs):
    return max(xs, key=lambda t: abs(t - 0.5)) * sum(xs)


def _scaled_square(x, scale=2.0, *, shift=0.5):
    return scale * x ** 2 + shift * x


def defaults_and_keywords(x):
    return _scaled_square(x) + _scaled_square(x, 3.0, shift=x)


def starred_unpacking(x):
    first, *rest = [x * 2, x ** 2, math.exp(x)]
    return first * rest[0] + rest[1]


CASES += [
    Exact(walks_over_a_list, lambda rng: ([0.3, -1.2, 0.8], 1.5), wrt=(0, 1)),
    Exact(returns_first_large_power, lambda rng: (0.7,)),
    Exact(helper_closing_over_both, lambda rng: (0.7, 1.1), wrt=(0, 1)),
    Exact(farthest_from_a_half, lambda rng: ([0.1, 1.4, 0.45],)),
    Exact(defaults_and_keywords, lambda rng: (0.7,)),
    Exact(starred_unpacking, lambda rng: (0.7,)),
]


# ----- arguments a rule leaves out though the value moves with them -----------------------------
# Their derivative was silently zero where only they depended on the differentiated inputs (a
# rule's run-time refusal of np.cov's y or np.interp's period ran only with another argument
# differentiated): refused at the line.

def covariance_with_a_second_set(y):
    m = np.array([0.3, 1.2, -0.5, 0.8])
    return np.sum(np.cov(m, y))  # <- cov-y


def covariance_of_stacked_sets(y):
    m = np.array([0.3, 1.2, -0.5, 0.8])
    return np.sum(np.cov(np.stack([m, y])))


def unwrapped_to_a_period(period):
    p = np.array([0.0, 2.0, 4.0, 0.5, 2.8])
    return np.sum(np.unwrap(p, period=period) ** 2)  # <- unwrap-period


def interpolated_with_a_period(period):
    xp, fp = np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 2.0])
    return np.sum(np.interp(np.array([0.5, 2.5, 4.1]), xp, fp, period=period))  # <- interp-period


CASES += [
    Refused(covariance_with_a_second_set, (np.array([0.1, 0.7, 0.2, -0.4]),), adjoint.NonDifferentiableError,
            "cov-y"),
    Exact(covariance_of_stacked_sets, lambda rng: (rng.normal(size=4),)),
    Refused(unwrapped_to_a_period, (3.0,), adjoint.NonDifferentiableError, "unwrap-period"),
    Refused(interpolated_with_a_period, (3.0,), adjoint.NonDifferentiableError, "interp-period"),
]

try:
    from scipy import special
except ImportError:  # without SciPy the catalogue has no SciPy cases
    special = None

if special is not None:
    def bessel_of_an_order(v, x):
        return special.iv(v, x) + special.ive(1.5, x * v)  # <- bessel-order

    def bessel_of_an_argument(x):
        return special.iv(1.5, x) + special.ive(0.5, 2.0 * x)

    CASES += [
        Refused(bessel_of_an_order, (1.3, 0.8), adjoint.NonDifferentiableError, "bessel-order"),
        Exact(bessel_of_an_argument, lambda rng: (0.8,)),
    ]


def variance_with_a_fitted_ddof(x, ddof):
    return np.var(x, ddof=ddof) + np.std(x)  # <- ddof


def norm_of_a_fitted_order(x, p):
    return np.linalg.norm(x, ord=p)  # <- norm-order


CASES += [
    Refused(variance_with_a_fitted_ddof, (np.array([0.3, 1.2, -0.5]), 0.5), adjoint.NonDifferentiableError, "ddof",
            wrt=(0, 1)),
    Exact(variance_with_a_fitted_ddof, lambda rng: (rng.normal(size=4), 1), id="variance_with_a_fixed_ddof"),
    Refused(norm_of_a_fitted_order, (np.array([0.3, 1.2, -0.5]), 3.0), adjoint.NonDifferentiableError, "norm-order",
            wrt=1),
    Exact(norm_of_a_fitted_order, lambda rng: (rng.normal(size=4), 3.0), id="norm_of_a_fixed_order"),
]
