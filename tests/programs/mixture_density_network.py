"""A mixture density network: a small MLP maps x to the weights, means and scales of a Gaussian
mixture over y; the negative log likelihood uses scipy.special.logsumexp over components."""
import numpy as np
from scipy.special import logsumexp

N_COMPONENTS = 3


def mdn_outputs(params, x):
    hidden = x[:, None]
    for W, b in params[:-1]:
        hidden = np.tanh(hidden @ W + b)
    W, b = params[-1]
    out = hidden @ W + b
    logit, mean, log_scale = np.split(out, 3, axis=1)
    log_weight = logit - logsumexp(logit, axis=1, keepdims=True)
    return log_weight, mean, log_scale


def nll(params, x, y):
    log_weight, mean, log_scale = mdn_outputs(params, x)
    z = (y[:, None] - mean) * np.exp(-log_scale)
    log_normal = -0.5 * z ** 2 - log_scale - 0.5 * np.log(2 * np.pi)
    return -np.mean(logsumexp(log_weight + log_normal, axis=1))


def init(rng, sizes):
    return [(0.5 * rng.normal(size=(m, n)), np.zeros(n)) for m, n in zip(sizes[:-1], sizes[1:])]


def make(rng):
    x = rng.uniform(-1, 1, size=20)
    y = np.where(rng.uniform(size=20) < 0.5, np.sin(3 * x), -np.sin(3 * x)) + 0.1 * rng.normal(size=20)
    return nll, (init(rng, [1, 6, 3 * N_COMPONENTS]), x, y), 0
