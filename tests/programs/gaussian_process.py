"""Gaussian-process regression: the kernel's hyperparameters fitted by maximum marginal likelihood."""
import numpy as np
from scipy.stats import multivariate_normal


def rbf_covariance(kernel_params, x, xp):
    log_amplitude, log_lengthscale = kernel_params
    diffs = (x[:, None, :] - xp[None, :, :]) / np.exp(log_lengthscale)
    return np.exp(2.0 * log_amplitude) * np.exp(-0.5 * np.sum(diffs ** 2, axis=2))


def make_gp_objective(x, y, covariance):
    num_points = len(y)

    def unpack(params):
        mean, log_noise, kernel_params = params[0], params[1], params[2:]
        return mean, np.exp(log_noise), kernel_params

    def negative_log_marginal_likelihood(params):
        mean, noise_variance, kernel_params = unpack(params)
        cov = covariance(kernel_params, x, x) + (noise_variance + 1e-6) * np.eye(num_points)
        return -multivariate_normal.logpdf(y, mean * np.ones(num_points), cov)

    return negative_log_marginal_likelihood


def make(rng):
    x = np.sort(rng.uniform(-3.0, 3.0, size=(10, 1)), axis=0)
    y = np.sin(x[:, 0]) + 0.1 * rng.normal(size=10)
    params = np.array([0.1, np.log(0.1), 0.2, -0.1])
    return make_gp_objective(x, y, rbf_covariance), (params,), 0
