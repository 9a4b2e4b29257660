"""Gaussian process regression with a kernel class: hyperparameters live in a dataclass in log
space, the kernel exposes them through properties, the marginal likelihood uses a Cholesky
factor and scipy.linalg.solve_triangular."""
from dataclasses import dataclass

import numpy as np
from scipy.linalg import solve_triangular


@dataclass
class Hyper:
    log_lengthscale: np.ndarray
    log_variance: float
    log_noise: float


class ARDKernel:
    def __init__(self, hyper: Hyper):
        self.hyper = hyper

    @property
    def lengthscales(self):
        return np.exp(self.hyper.log_lengthscale)

    @property
    def variance(self):
        return np.exp(self.hyper.log_variance)

    def __call__(self, a, b):
        a = a / self.lengthscales
        b = b / self.lengthscales
        sq = np.sum(a ** 2, 1)[:, None] + np.sum(b ** 2, 1)[None, :] - 2.0 * a @ b.T
        return self.variance * np.exp(-0.5 * np.maximum(sq, 0.0))


def negative_log_marginal(hyper: Hyper, X, y):
    kernel = ARDKernel(hyper)
    n = X.shape[0]
    K = kernel(X, X) + (np.exp(hyper.log_noise) + 1e-8) * np.eye(n)
    L = np.linalg.cholesky(K)
    alpha = solve_triangular(L, y, lower=True)
    data_fit = 0.5 * alpha @ alpha
    complexity = np.sum(np.log(np.diag(L)))
    return data_fit + complexity + 0.5 * n * np.log(2 * np.pi)


def make(rng):
    X = rng.uniform(-2.0, 2.0, size=(12, 2))
    y = np.sin(X[:, 0]) + 0.3 * X[:, 1] ** 2 + 0.05 * rng.normal(size=12)
    hyper = Hyper(log_lengthscale=np.array([0.1, -0.2]), log_variance=0.3, log_noise=-2.0)
    return negative_log_marginal, (hyper, X, y), 0
