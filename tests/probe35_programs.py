"""Programs written as their users write them, in every mode: a Gaussian process's negative log
marginal likelihood (Cholesky factor, triangular solves), layer norm, a damped spring integrated in
steps with an energy read every fifth step, a NamedTuple's and a dataclass's fields, a dict of
parameters, einsum and row norms, np.clip and np.maximum, loop indices divided and taken modulo,
fancy and boolean indexing with np.outer, keyword-only parameters, *args, np.convolve, np.cumsum
and np.diff (tests/test_probe35_programs.py). Softmax cross-entropy is probe27's.
"""
from dataclasses import dataclass
from typing import NamedTuple
import numpy as np


def gp_nll(log_ls, log_sf, X, y):
    d = X[:, None, :] - X[None, :, :]
    sq = np.sum(d * d, axis=-1)
    K = np.exp(2.0 * log_sf) * np.exp(-0.5 * sq / np.exp(2.0 * log_ls)) + 1e-2 * np.eye(X.shape[0])
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(L)))


def layer_norm(x, g, b):
    mu = np.mean(x, axis=-1, keepdims=True)
    var = np.var(x, axis=-1, keepdims=True)
    return np.sum((g * (x - mu) / np.sqrt(var + 1e-5) + b) ** 2)


def springs(k, x0, v0, steps=50, dt=0.05):
    x, v = x0, v0
    energy = 0.0
    for i in range(steps):
        a = -k * x - 0.1 * v
        v = v + dt * a
        x = x + dt * v
        if i % 5 == 0:
            energy += 0.5 * np.sum(v * v) + 0.5 * k * np.sum(x * x)
    return energy


class Params(NamedTuple):
    w: np.ndarray
    b: float


def logistic(p: Params, X, y):
    z = X @ p.w + p.b
    return np.sum(np.logaddexp(0.0, z) - y * z)


@dataclass
class Model:
    scale: float
    shift: np.ndarray


def dc_loss(m: Model, x):
    h = np.tanh(m.scale * x + m.shift)
    return np.sum(np.cumsum(h) ** 2) + np.sum(np.diff(h) ** 2)


def einsum_norm(A, B):
    C = np.einsum("ij,jk->ik", A, B)
    return np.sum(np.linalg.norm(C, axis=1) ** 1.5)


def clipped(x, lo=-0.5, hi=0.8):
    y = np.clip(x * 1.3, lo, hi)
    return np.sum(y * x) + np.sum(np.maximum(x, 0.2) ** 2)


def dict_params(params, x):
    h = np.tanh(params["W"] @ x + params["b"])
    return float(np.sum(h ** 2)) + params["scale"] * np.sum(x)


def int_mix(x, n):
    total = 0.0
    for i in range(n):
        j = (i * 3) % len(x)
        total += x[j] * (i // 2 + 1) / n
    return total * np.sum(x ** 2)


def fancy(x, idx, mask):
    y = x[idx] * 2.0
    z = x[mask]
    return np.sum(y ** 2) + np.sum(np.sin(z)) + np.outer(x, x)[1, 2]


def kw_only(x, *, a=2.0, b=0.5):
    return np.sum(a * x ** 3 - b * x)


def star_args(x, *rest):
    total = np.sum(x ** 2)
    for r in rest:
        total = total + np.sum(r * x)
    return total


def convolve_loss(x, kernel):
    return np.sum(np.convolve(x, kernel, mode="same") ** 2)
