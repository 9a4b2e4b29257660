"""Small programs as users write them, for the API surface (tests/test_surface37.py): a Gaussian
process's marginal likelihood over a dict and over a NamedTuple of log hyperparameters, a VAE-style
loss over a dict of layer tuples with the reparameterised noise passed in, an MLP kept in a list of
(W, b) tuples, a class holding its configuration and a dataclass model, a spring-mass simulation
over a dataclass state and a NamedTuple of constants, a logistic regression with an L2 penalty given
as a default, a softmax classifier returning its loss with a dict of auxiliary results, a loss
over `*batches`, a gradient penalty that takes `adjoint.grad` of another function inside its body,
and a value read from `adjoint.value_and_grad` inside a function.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

import adjoint


class GPHyper(NamedTuple):
    log_ell: float
    log_sf: float
    log_noise: float


def _rbf(X, log_ell, log_sf):
    sq = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    return np.exp(2.0 * log_sf) * np.exp(-0.5 * sq / np.exp(2.0 * log_ell))


def gp_nll(params, X, y):
    """The negative log marginal likelihood of a GP with an RBF kernel; params a dict of floats."""
    K = _rbf(X, params["log_ell"], params["log_sf"]) + np.exp(2.0 * params["log_noise"]) * np.eye(len(y))
    L = np.linalg.cholesky(K)  # <- cholesky
    alpha = np.linalg.solve(K, y)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(L))) + 0.5 * len(y) * np.log(2.0 * np.pi)


def gp_nll_hyper(hyp, X, y):
    """The same likelihood over a NamedTuple of hyperparameters, inline."""
    sq = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    K = np.exp(2.0 * hyp.log_sf) * np.exp(-0.5 * sq / np.exp(2.0 * hyp.log_ell))
    K = K + np.exp(2.0 * hyp.log_noise) * np.eye(len(y))
    sign, logdet = np.linalg.slogdet(K)
    return 0.5 * y @ np.linalg.solve(K, y) + 0.5 * logdet


def vae_loss(params, x, eps):
    """A VAE's negative ELBO for one batch: params = {"enc": (W, b), "mu": (W, b), "logvar": (W, b),
    "dec": (W, b)}; eps the standard normal draw of the reparameterisation, passed in."""
    W, b = params["enc"]
    h = np.tanh(x @ W + b)
    mu = h @ params["mu"][0] + params["mu"][1]
    logvar = h @ params["logvar"][0] + params["logvar"][1]
    z = mu + np.exp(0.5 * logvar) * eps
    Wd, bd = params["dec"]
    recon = z @ Wd + bd
    rec = 0.5 * np.sum((recon - x) ** 2)
    kl = -0.5 * np.sum(1.0 + logvar - mu ** 2 - np.exp(logvar))
    return (rec + kl) / x.shape[0]


def mlp_loss(layers, x, y):
    """An MLP kept as a list of (W, b) tuples; tanh between layers, squared error at the end."""
    h = x
    for W, b in layers[:-1]:  # <- layer-unpacking
        h = np.tanh(h @ W + b)
    W, b = layers[-1]
    out = h @ W + b
    return np.mean((out - y) ** 2)


class MLP:
    """A model that keeps its configuration; the weights are passed to its loss."""

    def __init__(self, weight_decay, activation=np.tanh):
        self.weight_decay = weight_decay
        self.activation = activation

    def forward(self, params, x):
        h = self.activation(x @ params["W1"] + params["b1"])
        return h @ params["W2"] + params["b2"]

    def loss(self, params, x, y):
        r = self.forward(params, x) - y  # <- method-of-an-argument
        return np.mean(r ** 2) + self.weight_decay * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))


@dataclass
class Dense:
    W: np.ndarray
    b: np.ndarray
    scale: float

    def __call__(self, x):
        return self.scale * np.tanh(x @ self.W + self.b)

    def loss(self, x, y):
        return np.sum((self(x) - y) ** 2)


class SpringParams(NamedTuple):
    k: float
    m: float
    c: float


@dataclass
class SpringState:
    x: np.ndarray
    v: np.ndarray


def spring_energy(state, params, dt=0.05, steps=30):
    """Semi-implicit Euler for damped springs; the final energy."""
    x, v = state.x, state.v  # <- state-fields
    for _ in range(steps):
        a = (-params.k * x - params.c * v) / params.m
        v = v + dt * a
        x = x + dt * v
    return 0.5 * params.m * np.sum(v ** 2) + 0.5 * params.k * np.sum(x ** 2)


def spring_rollout(state, params, dt=0.05, steps=10):
    """The positions of every step, a (steps, n) array: the output of a vjp, not a scalar."""
    x, v = state.x, state.v
    path = []
    for _ in range(steps):
        v = v + dt * (-params.k * x - params.c * v) / params.m
        x = x + dt * v
        path.append(x)
    return np.stack(path)


def spring_arrays(x, v, k, m, c, dt=0.05, steps=30):
    """spring_energy over plain arguments (for the numba backend and `adjoint gen`)."""
    for _ in range(steps):
        a = (-k * x - c * v) / m
        v = v + dt * a
        x = x + dt * v
    return 0.5 * m * np.sum(v ** 2) + 0.5 * k * np.sum(x ** 2)


def logistic_l2(w, b, X, y, lam=0.1):
    """Mean logistic loss (stable softplus) with an L2 penalty on w."""
    z = X @ w + b
    loss = np.mean(np.logaddexp(0.0, z) - y * z)
    return loss + 0.5 * lam * np.sum(w ** 2)


def softmax_classifier(params, X, labels, *, temperature=1.0):
    """Cross-entropy of a linear softmax classifier; the loss and a dict of what it saw."""
    logits = (X @ params["W"] + params["b"]) / temperature
    m = np.max(logits, axis=1, keepdims=True)
    shifted = logits - m
    logp = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    loss = -np.mean(np.sum(labels * logp, axis=1))
    probs = np.exp(logp)
    return loss, {"probs": probs, "accuracy": np.mean(np.argmax(probs, axis=1) == np.argmax(labels, axis=1))}


def batches_loss(w, *batches):
    """Squared error summed over however many (X, y) batches are passed."""
    total = 0.0
    for X, y in batches:
        total = total + np.sum((X @ w - y) ** 2)
    return total


def potential(r):
    return np.sum(0.5 * r ** 2 + 0.1 * r ** 4)


def force_matching(r, target):
    """The squared error of the force -grad(potential) against a target force."""
    force = -adjoint.grad(potential)(r)
    return np.sum((force - target) ** 2)


def smooth_value(w, x):
    """A function using the value value_and_grad returns, and the gradient's norm."""
    value, slope = adjoint.value_and_grad(logistic_l2)(w, 0.2, x, np.ones(x.shape[0]))
    return value + 0.5 * np.sum(slope ** 2)


def softplus(z):
    return np.logaddexp(0.0, z)


def swish(z):
    return z / (1.0 + np.exp(-z))


def hyper_table(hyp: GPHyper, scales):
    """A dict, a list and a tuple as results, from a NamedTuple and a list argument."""
    ell = np.exp(hyp.log_ell)
    return {"ell": ell * scales[0], "pair": [ell * hyp.log_sf, (hyp.log_noise ** 2, scales[1] * ell)]}


@adjoint.grad
def d_logistic(w, b, X, y, lam=0.1):
    z = X @ w + b
    loss = np.mean(np.logaddexp(0.0, z) - y * z)
    return loss + 0.5 * lam * np.sum(w ** 2)


def stack_loss(layers, x, y):
    """A list of Dense records applied in turn."""
    h = x
    for layer in layers:
        h = layer(h)
    return np.sum((h - y) ** 2)


def gp_with_mean(model, X, y):
    """A dict holding a NamedTuple of hyperparameters and a list of mean coefficients."""
    mean = model["mean"][0] + model["mean"][1] * X[:, 0]
    return gp_nll_hyper(model["hyp"], X, y - mean)


def readout_after_loop(hidden, readout, x):
    """The loop's variable bound to another matrix after the loop (the MLP's last layer)."""
    h = x
    for W in hidden:
        h = np.tanh(h @ W)
    W = readout
    return np.sum(np.tanh(h @ W))


def vae_drawn(params, x, rng):
    """vae_loss with its noise drawn inside from a generator passed in (a constant of the run)."""
    eps = rng.standard_normal((x.shape[0], params["mu"][0].shape[1]))
    return vae_loss(params, x, eps)


def vae_drawn_with_parameters(params, x, rng):
    """The draw given differentiated parameters, from a generator passed in: refused."""
    W, b = params["enc"]
    h = np.tanh(x @ W + b)
    mu = h @ params["mu"][0] + params["mu"][1]
    z = rng.normal(mu, 1.0)  # <- draw-from-argument
    return np.sum(z ** 2)


class Scaled:
    """Derivatives declared on methods in the class body."""

    def __init__(self, scale):
        self.scale = scale

    @adjoint.grad(wrt="x")
    def d_loss(self, w, x):
        return self.scale * np.sum(np.tanh(w * x) ** 2)

    @adjoint.value_and_grad(wrt=("w", "x"))
    def loss_and_gradients(self, w, x):
        return self.scale * np.sum(np.tanh(w * x) ** 2)


@dataclass
class Springs:
    k: np.ndarray
    rest: float

    @adjoint.grad
    def d_energy(self, x):
        return 0.5 * np.sum(self.k * (x - self.rest) ** 2)


@dataclass
class Oscillator:
    state: SpringState
    params: SpringParams


def oscillator_energy(osc):
    """Fields of nested records read by a chain of attributes."""
    return 0.5 * osc.params.m * np.sum(osc.state.v ** 2) + 0.5 * osc.params.k * np.sum(osc.state.x ** 2)


def oscillator_energy_by_parts(osc):
    """The same with each record named first."""
    state, params = osc.state, osc.params
    return 0.5 * params.m * np.sum(state.v ** 2) + 0.5 * params.k * np.sum(state.x ** 2)
