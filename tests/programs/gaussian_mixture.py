"""A Gaussian mixture model fitted by gradient ascent on the marginal likelihood; the
parameters are a dict of arrays."""
import numpy as np
from scipy.special import logsumexp
from scipy.stats import multivariate_normal as mvn


def init_params(num_components, dim, rng):
    return {
        "log_proportions": 0.5 * rng.normal(size=num_components),
        "means": 1.5 * rng.normal(size=(num_components, dim)),
        "lower_tris": np.stack([np.eye(dim) + 0.1 * np.tril(rng.normal(size=(dim, dim)))
                                for _ in range(num_components)]),
    }


def log_normalize(x):
    return x - logsumexp(x)


def covariances(params):
    return [L @ L.T for L in params["lower_tris"]]


def make_negative_log_likelihood(data):
    def negative_log_likelihood(params):
        log_weights = log_normalize(params["log_proportions"])
        cluster_lls = [log_weight + mvn.logpdf(data, mean, cov)
                       for log_weight, mean, cov in zip(log_weights, params["means"], covariances(params))]
        return -np.sum(logsumexp(np.stack(cluster_lls, axis=1), axis=1))

    return negative_log_likelihood


def make(rng):
    centers = np.array([[-2.0, 0.0], [2.0, 1.0]])
    data = np.concatenate([c + 0.5 * rng.normal(size=(8, 2)) for c in centers])
    return make_negative_log_likelihood(data), (init_params(2, 2, rng),), 0
