"""Poisson regression (a generalized linear model with the log link and an exposure offset) with
a Gaussian prior on the coefficients."""
import numpy as np
from scipy.stats import norm, poisson


def make_negative_log_posterior(features, counts, exposure, prior_scale=2.0):
    if np.any(exposure <= 0):
        raise ValueError("exposures must be positive")
    log_exposure = np.log(exposure)

    def negative_log_posterior(coefficients, intercept):
        rates = np.exp(features @ coefficients + intercept + log_exposure)
        log_likelihood = np.sum(poisson.logpmf(counts, rates))
        log_prior = np.sum(norm.logpdf(coefficients, 0.0, prior_scale))
        return -(log_likelihood + log_prior)

    return negative_log_posterior


def make(rng):
    features = rng.normal(size=(20, 3))
    exposure = rng.uniform(0.5, 2.0, size=20)
    counts = rng.poisson(exposure * np.exp(features @ np.array([0.4, -0.3, 0.2]) + 0.5)).astype(float)
    objective = make_negative_log_posterior(features, counts, exposure)
    return objective, (0.1 * rng.normal(size=3), 0.2), (0, 1)
