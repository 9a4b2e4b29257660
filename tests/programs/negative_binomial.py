"""Maximum-likelihood fit of a negative binomial to counts; the two parameters are a tuple of floats."""
import numpy as np
from scipy.special import expit, gammaln


def negative_binomial_log_likelihood(r, p, counts):
    return np.sum(gammaln(r + counts) - gammaln(r) - gammaln(counts + 1.0)
                  + counts * np.log(p) + r * np.log1p(-p))


def make_objective(counts):
    assert np.all(counts >= 0), "counts must be non-negative"

    def objective(params):
        log_r, logit_p = params
        return -negative_binomial_log_likelihood(np.exp(log_r), expit(logit_p), counts)

    return objective


def make(rng):
    counts = rng.negative_binomial(5, 0.4, size=25).astype(float)
    return make_objective(counts), ((1.2, 0.3),), 0
