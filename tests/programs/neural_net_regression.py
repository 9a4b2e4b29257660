"""Neural-net regression with a Gaussian likelihood and prior; the activation is an argument."""
from functools import partial

import numpy as np
from scipy.stats import norm


def forward(params, x, nonlinearity=np.tanh):
    h = x
    for i, (W, b) in enumerate(params):
        h = h @ W + b
        if i < len(params) - 1:
            h = nonlinearity(h)
    return h[:, 0]


def negative_log_posterior(params, x, y, noise_scale=0.1, prior_scale=1.0, nonlinearity=np.tanh):
    predictions = forward(params, x, nonlinearity)
    log_prior = sum(np.sum(norm.logpdf(W, 0.0, prior_scale)) + np.sum(norm.logpdf(b, 0.0, prior_scale))
                    for W, b in params)
    log_likelihood = np.sum(norm.logpdf(y, predictions, noise_scale))
    return -(log_prior + log_likelihood)


def make(rng):
    x = np.linspace(-2.0, 2.0, 12)[:, None]
    y = np.cos(x[:, 0]) + 0.05 * rng.normal(size=12)
    sizes = [1, 8, 8, 1]
    params = [(0.5 * rng.normal(size=(m, n)), 0.1 * rng.normal(size=n)) for m, n in zip(sizes[:-1], sizes[1:])]
    softplus = lambda z: np.logaddexp(0.0, z)
    objective = partial(negative_log_posterior, x=x, y=y, nonlinearity=softplus)
    return objective, (params,), 0
