"""A Bernoulli VAE's ELBO with the reparameterization trick, written with scipy.stats and
scipy.special: norm.logpdf for the prior and the posterior, expit and xlogy for the decoder."""
import numpy as np
from scipy import special, stats

NO_AUTOGRAD = "autograd.scipy.special has no xlogy (and `from scipy import special, stats` keeps SciPy's)"


def encode(enc, x):
    h = np.tanh(x @ enc["W"] + enc["b"])
    mu = h @ enc["W_mu"]
    log_sigma = h @ enc["W_sigma"]
    return mu, log_sigma


def decode(dec, z):
    return special.expit(np.tanh(z @ dec["W1"]) @ dec["W2"] + dec["b"])


def bernoulli_loglik(x, probs):
    return np.sum(special.xlogy(x, probs) + special.xlogy(1.0 - x, 1.0 - probs), axis=1)


def elbo(params, x, eps):
    mu, log_sigma = encode(params["encoder"], x)
    sigma = np.exp(log_sigma)
    z = mu + sigma * eps
    log_q = np.sum(stats.norm.logpdf(z, mu, sigma), axis=1)
    log_prior = np.sum(stats.norm.logpdf(z), axis=1)
    log_lik = bernoulli_loglik(x, decode(params["decoder"], z))
    return np.mean(log_lik + log_prior - log_q)


def negative_elbo(params, x, eps):
    return -elbo(params, x, eps)


def make(rng):
    n, d, h, k = 6, 5, 4, 2
    x = (rng.uniform(size=(n, d)) < 0.4).astype(float)
    params = {"encoder": {"W": 0.3 * rng.normal(size=(d, h)), "b": np.zeros(h),
                          "W_mu": 0.3 * rng.normal(size=(h, k)), "W_sigma": 0.1 * rng.normal(size=(h, k))},
              "decoder": {"W1": 0.3 * rng.normal(size=(k, h)), "W2": 0.3 * rng.normal(size=(h, d)),
                          "b": np.zeros(d)}}
    eps = rng.normal(size=(n, k))
    return negative_elbo, (params, x, eps), 0
