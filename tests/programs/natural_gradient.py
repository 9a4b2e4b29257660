"""Variational Bayesian logistic regression, fitted with natural gradients: the ELBO uses
Gauss-Hermite quadrature; its Euclidean gradient is preconditioned by the Gaussian's Fisher."""
from typing import NamedTuple

import numpy as np
from numpy.polynomial.hermite import hermgauss


class Gaussian(NamedTuple):
    mean: np.ndarray
    log_var: np.ndarray


def expected_log_sigmoid(mu, var, nodes, weights):
    """E[log sigmoid(a)] for a ~ N(mu, var), by Gauss-Hermite quadrature over each row."""
    points = mu[:, None] + np.sqrt(2.0 * var)[:, None] * nodes[None, :]
    return np.sum(-np.logaddexp(0.0, -points) * weights, axis=1) / np.sqrt(np.pi)


def make_negative_elbo(inputs, signs, prior_var=4.0, num_nodes=12):
    nodes, weights = hermgauss(num_nodes)

    def negative_elbo(q):
        var = np.exp(q.log_var)
        activation_mean = signs * (inputs @ q.mean)
        activation_var = (inputs ** 2) @ var
        likelihood = np.sum(expected_log_sigmoid(activation_mean, activation_var, nodes, weights))
        kl = 0.5 * np.sum((var + q.mean ** 2) / prior_var - 1.0 - q.log_var + np.log(prior_var))
        return kl - likelihood

    return negative_elbo


def natural_gradient(euclidean_gradient, q):
    """The Fisher of N(mean, diag(exp(log_var))) is diag(1/var) for the mean and 1/2 for log_var."""
    return Gaussian(euclidean_gradient.mean * np.exp(q.log_var), 2.0 * euclidean_gradient.log_var)


def make(rng):
    inputs = rng.normal(size=(15, 3))
    signs = np.sign(inputs @ np.array([1.5, -1.0, 0.0]) + 0.5 * rng.normal(size=15))
    q = Gaussian(mean=0.1 * rng.normal(size=3), log_var=np.full(3, -1.0))
    return make_negative_elbo(inputs, signs), (q,), 0
