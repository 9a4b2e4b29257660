"""The benchmark cases: each function, its gradient written by hand, and its arguments.

The functions reach NumPy only through the module name `np`, so `with_numpy(func, module)`
gives the same code over another array library (autograd.numpy, jax.numpy, torch) and
every peer differentiates exactly what adjoint differentiates.
"""
from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Callable, Optional, Tuple

import numpy as np

try:
    from scipy import special, stats
except ImportError:  # the SciPy cases are left out
    special = stats = None


@dataclass(frozen=True)
class Case:
    """One benchmark: `func`, its hand-written gradient (same signature, gradients in wrt order)."""

    name: str
    title: str
    func: Callable
    hand_gradient: Callable
    make_args: Callable[[np.random.Generator], tuple]
    wrt: Tuple[int, ...]
    jit: bool = True  # False where jax.jit would trace an unrolled loop for minutes
    quick_args: Optional[Callable[[np.random.Generator], tuple]] = None  # smaller inputs for --quick
    peers: bool = True  # False where the function calls SciPy, which the peers' array types cannot enter

    def args(self, quick: bool = False) -> tuple:
        make_args = self.quick_args if quick and self.quick_args is not None else self.make_args
        return make_args(np.random.default_rng(0))


def with_numpy(func: Callable, module) -> Callable:
    """`func` reading `np` from `module` instead of NumPy (a new function; func is untouched)."""
    namespace = dict(func.__globals__, np=module)
    return types.FunctionType(func.__code__, namespace, func.__name__, func.__defaults__, func.__closure__)


# ----- Helium trial energy, pure floats (seed 000), d/dalpha ------------------------------

def energy(a1, b1, c1, a2, b2, c2, alpha):
    r1 = (a1 ** 2 + b1 ** 2 + c1 ** 2) ** 0.5
    r2 = (a2 ** 2 + b2 ** 2 + c2 ** 2) ** 0.5
    r12 = ((a1 - a2) ** 2 + (b1 - b2) ** 2 + (c1 - c2) ** 2) ** 0.5
    dot_product = ((a1 / r1) - (a2 / r2)) * (a1 - a2) + ((b1 / r1) - (b2 / r2)) * (b1 - b2) + (
        (c1 / r1) - (c2 / r2)) * (c1 - c2)
    return (-4.0 + dot_product / (r12 * (1.0 + alpha * r12) ** 2) - 1.0 / (r12 * (1.0 + alpha * r12) ** 3)
            - 1.0 / (4.0 * (1.0 + alpha * r12) ** 4) + 1.0 / r12)


def energy_gradient(a1, b1, c1, a2, b2, c2, alpha):
    r1 = (a1 ** 2 + b1 ** 2 + c1 ** 2) ** 0.5
    r2 = (a2 ** 2 + b2 ** 2 + c2 ** 2) ** 0.5
    r12 = ((a1 - a2) ** 2 + (b1 - b2) ** 2 + (c1 - c2) ** 2) ** 0.5
    dot_product = ((a1 / r1) - (a2 / r2)) * (a1 - a2) + ((b1 / r1) - (b2 / r2)) * (b1 - b2) + (
        (c1 / r1) - (c2 / r2)) * (c1 - c2)
    s = 1.0 + alpha * r12
    # dE/dalpha = r12 dE/ds, with dE/ds = -2 dot/(r12 s^3) + 3/(r12 s^4) + 1/s^5
    return -2.0 * dot_product / s ** 3 + 3.0 / s ** 4 + r12 / s ** 5


# ----- Logistic map, 200 steps, d/dx and d/dr ---------------------------------------------

def logistic(x, r):
    for _ in range(200):
        x = r * x * (1.0 - x)
    return x


def logistic_gradient(x, r):
    xs = []
    for _ in range(200):
        xs.append(x)
        x = r * x * (1.0 - x)
    dx, dr = 1.0, 0.0
    for x in reversed(xs):
        dr += x * (1.0 - x) * dx
        dx = r * (1.0 - 2.0 * x) * dx
    return dx, dr


# ----- Two-layer perceptron: 64x100 -> 64 (tanh) -> 10, squared loss ---------------------

def mlp(W1, b1, W2, b2, X, Y):
    h = np.tanh(X @ W1 + b1)
    diff = h @ W2 + b2 - Y
    return np.sum(diff * diff)


def mlp_gradient(W1, b1, W2, b2, X, Y):
    h = np.tanh(X @ W1 + b1)
    diff = h @ W2 + b2 - Y
    dout = 2.0 * diff
    dh = dout @ W2.T
    da = dh * (1.0 - h * h)
    return X.T @ da, da.sum(axis=0), h.T @ dout, dout.sum(axis=0)


def mlp_args(rng):
    return (rng.normal(size=(100, 64)) * 0.1, rng.normal(size=64) * 0.1, rng.normal(size=(64, 10)) * 0.1,
            rng.normal(size=10) * 0.1, rng.normal(size=(64, 100)), rng.normal(size=(64, 10)))


# ----- Recurrent network: 50 steps, 16 units, tanh ----------------------------------------

def rnn(Wx, Wh, xs, h):
    for t in range(50):
        h = np.tanh(xs[t] @ Wx + h @ Wh)
    return np.sum(h * h)


def rnn_gradient(Wx, Wh, xs, h):
    hs = [h]
    for t in range(50):
        h = np.tanh(xs[t] @ Wx + h @ Wh)
        hs.append(h)
    dWx, dWh = np.zeros_like(Wx), np.zeros_like(Wh)
    dh = 2.0 * h
    for t in reversed(range(50)):
        da = dh * (1.0 - hs[t + 1] * hs[t + 1])
        dWx += np.outer(xs[t], da)
        dWh += np.outer(hs[t], da)
        dh = Wh @ da
    return dWx, dWh


def rnn_args(rng):
    return rng.normal(size=(8, 16)) * 0.3, rng.normal(size=(16, 16)) * 0.3, rng.normal(size=(50, 8)), np.zeros(16)


# ----- A long loop: 10,000 steps over a 100-element state (memory) ------------------------

def long_loop(x, w, steps):
    for _ in range(steps):
        x = x - 0.01 * np.tanh(w * x)
    return np.sum(x * x)


def long_loop_gradient(x, w, steps):
    xs, ts = [], []
    for _ in range(steps):
        t = np.tanh(w * x)
        xs.append(x)
        ts.append(t)
        x = x - 0.01 * t
    dx, dw = 2.0 * x, np.zeros_like(w)
    for x, t in zip(reversed(xs), reversed(ts)):
        da = -0.01 * dx * (1.0 - t * t)
        dw += da * x
        dx = dx + da * w
    return dx, dw


def long_loop_args(rng, steps=10000):
    return rng.normal(size=100), rng.uniform(0.5, 1.5, size=100), steps


# ----- SciPy: a normal log-likelihood and a mixture's log-sum-exp, against their formulas by hand ----

def normal_log_likelihood(x, mu, sigma):
    return np.sum(stats.norm.logpdf(x, mu, sigma))


def normal_log_likelihood_by_formula(x, mu, sigma):
    """The same log-likelihood written out in NumPy: its gradient is what the rule's is measured against."""
    z = (x - mu) / sigma
    return np.sum(-0.5 * z * z - np.log(sigma) - 0.5 * np.log(2.0 * np.pi))


def normal_log_likelihood_gradient(x, mu, sigma):
    z = (x - mu) / sigma
    return np.sum(z) / sigma, np.sum(z * z - 1.0) / sigma


def normal_args(rng, size=100000):
    return rng.normal(size=size), 0.3, 1.2


def mixture_args(rng, rows=20000):
    return (rng.normal(size=(rows, 10)),)


def mixture_evidence(log_joint):
    return np.sum(special.logsumexp(log_joint, axis=1))


def mixture_evidence_by_formula(log_joint):
    top = np.max(log_joint, axis=1, keepdims=True)
    return np.sum(np.log(np.sum(np.exp(log_joint - top), axis=1)) + top[:, 0])


def mixture_evidence_gradient(log_joint):
    top = np.max(log_joint, axis=1, keepdims=True)
    weights = np.exp(log_joint - top)
    return weights / np.sum(weights, axis=1, keepdims=True)


CASES = (
    Case("energy", "helium energy, 7 floats, d/dalpha", energy, energy_gradient,
         lambda rng: (2.0, 3.0, 2.0, 5.0, 3.0, -3.0, 0.3), wrt=(6,)),
    Case("logistic", "logistic map, 200 steps, d/dx d/dr", logistic, logistic_gradient,
         lambda rng: (0.3, 2.9), wrt=(0, 1)),
    Case("mlp", "MLP 64x100-64-10, 4 parameters", mlp, mlp_gradient, mlp_args, wrt=(0, 1, 2, 3)),
    Case("rnn", "RNN 50 steps x 16 units, Wx Wh", rnn, rnn_gradient, rnn_args, wrt=(0, 1)),
    Case("long", "10,000 steps x 100 elements, x w", long_loop, long_loop_gradient, long_loop_args,
         wrt=(0, 1), jit=False, quick_args=lambda rng: long_loop_args(rng, steps=100)),
)
# A gradient through SciPy's call against the gradient of the same formula in NumPy (the 1.5x).
SCIPY_CASES = (
    Case("norm", "sum of scipy.stats.norm.logpdf, 100,000 values, d/dmu d/dsigma", normal_log_likelihood,
         normal_log_likelihood_gradient, normal_args, wrt=(1, 2), peers=False,
         quick_args=lambda rng: normal_args(rng, size=1000)),
    Case("norm-numpy", "the same, the formula written out in NumPy", normal_log_likelihood_by_formula,
         normal_log_likelihood_gradient, normal_args, wrt=(1, 2), quick_args=lambda rng: normal_args(rng, size=1000)),
    Case("logsumexp", "scipy.special.logsumexp over 10 components, 20,000 rows", mixture_evidence,
         mixture_evidence_gradient, mixture_args, wrt=(0,), peers=False, quick_args=lambda rng: mixture_args(rng, 200)),
    Case("logsumexp-numpy", "the same, the formula written out in NumPy", mixture_evidence_by_formula,
         mixture_evidence_gradient, mixture_args, wrt=(0,), quick_args=lambda rng: mixture_args(rng, 200)),
)
if stats is not None:
    CASES += SCIPY_CASES
