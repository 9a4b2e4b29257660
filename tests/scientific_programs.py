"""Programs built on NumPy's decompositions and statistics, differentiated whole by
tests/test_scientific_programs.py.

As in numpy_models.py, the functions read `np` when they run, so the test can execute a
second copy of this file with `np` bound to autograd.numpy.
"""
import numpy as np


def pca_reconstruction_loss(x, components):
    """Squared error of x rebuilt from its projection on the top principal directions (eigh)."""
    centered = x - np.mean(x, axis=0)
    covariance = centered.T @ centered / (x.shape[0] - 1)
    values, vectors = np.linalg.eigh(covariance)
    top = vectors[:, -components:]
    rebuilt = centered @ top @ top.T
    return np.sum((centered - rebuilt) ** 2) + np.sum(values[-components:])


def svd_low_rank_loss(x, target):
    """Distance of x's best rank-2 approximation (svd) to a target."""
    u, s, vh = np.linalg.svd(x, full_matrices=False)
    approximation = (u[:, :2] * s[:2]) @ vh[:2]
    return np.sum((approximation - target) ** 2)


def spectral_norm_penalty(w, b, x, y):
    """Mean squared error of a linear layer, plus the square of its largest singular value."""
    predictions = np.tanh(x @ w + b)
    return np.mean((predictions - y) ** 2) + 0.1 * np.linalg.svd(w, compute_uv=False)[0] ** 2


def polynomial_fit_loss(x, y, x_test, y_test):
    """Fit a cubic by least squares (lstsq), evaluate it with polyval, and score it on test points."""
    design = np.expand_dims(x, -1) ** np.arange(3, -1, -1)
    coefficients = np.linalg.lstsq(design, y, rcond=None)[0]
    return np.mean((np.polyval(coefficients, x_test) - y_test) ** 2)


def gaussian_log_likelihood(samples, mean):
    """The log-likelihood of samples under a Gaussian with their own covariance (np.cov)."""
    covariance = np.cov(samples, rowvar=False) + 0.1 * np.eye(samples.shape[1])
    centered = samples - mean
    sign, log_determinant = np.linalg.slogdet(covariance)
    solved = np.linalg.solve(covariance, centered.T)
    return -0.5 * np.sum(centered.T * solved) - 0.5 * samples.shape[0] * log_determinant
