"""Variational Bayes for topic proportions: a Dirichlet posterior over a categorical's
probabilities, with the ELBO in closed form (gammaln, digamma)."""
import numpy as np
from scipy.special import digamma, gammaln


def dirichlet_log_normalizer(alpha):
    return np.sum(gammaln(alpha)) - gammaln(np.sum(alpha))


def expected_log_probabilities(alpha):
    return digamma(alpha) - digamma(np.sum(alpha))


def make_negative_elbo(counts, prior_concentration=0.5):
    prior = np.full(counts.shape, prior_concentration)

    def negative_elbo(log_alpha):
        alpha = np.exp(log_alpha)
        e_log_theta = expected_log_probabilities(alpha)
        expected_log_joint = np.sum((counts + prior - 1.0) * e_log_theta) - dirichlet_log_normalizer(prior)
        entropy = dirichlet_log_normalizer(alpha) - np.sum((alpha - 1.0) * e_log_theta)
        return -(expected_log_joint + entropy)

    return negative_elbo


def make(rng):
    counts = rng.multinomial(40, [0.5, 0.3, 0.15, 0.05]).astype(float)
    return make_negative_elbo(counts), (0.3 * rng.normal(size=4),), 0
