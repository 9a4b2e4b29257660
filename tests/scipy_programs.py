"""Statistics programs written the way their authors write them, with SciPy's own calls.

They read NumPy as `np` and SciPy's modules by name, so test_scipy_programs.py can load this
file a second time with autograd.numpy and autograd.scipy in their place. `linalg.cholesky`
is the one call autograd lacks a derivative for: gp_cholesky takes its factor from a module-level
name `cholesky` that the autograd copy binds to autograd.numpy.linalg.cholesky.
"""
import numpy as np
from scipy import linalg, special, stats


def cholesky(a):
    return linalg.cholesky(a, lower=True)


# ----- Gaussian-process regression: the log marginal likelihood of y -----------------------------

def rbf_kernel(log_params, X):
    lengthscale, variance, noise = np.exp(log_params[0]), np.exp(log_params[1]), np.exp(log_params[2])
    sqdist = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    return variance * np.exp(-0.5 * sqdist / lengthscale ** 2) + noise * np.eye(X.shape[0])


def gp_marginal_likelihood(log_params, X, y):
    K = rbf_kernel(log_params, X)
    return stats.multivariate_normal.logpdf(y, np.zeros(X.shape[0]), K)


def gp_cholesky(log_params, X, y):
    K = rbf_kernel(log_params, X)
    L = cholesky(K)
    alpha = linalg.solve_triangular(L, y, lower=True)
    return -0.5 * np.dot(alpha, alpha) - np.sum(np.log(np.diag(L))) - 0.5 * y.shape[0] * np.log(2 * np.pi)


# ----- Black-box variational inference: the ELBO of a diagonal Gaussian, reparameterized --------------

def log_posterior(z):
    """An unnormalized banana-shaped target in two dimensions."""
    mu, log_sigma = z[:, 0], z[:, 1]
    sigma_density = stats.norm.logpdf(log_sigma, 0, 1.35)
    mu_density = stats.norm.logpdf(mu, 0, np.exp(log_sigma))
    return sigma_density + mu_density


def elbo(params, eps):
    mean, log_std = params[:2], params[2:]
    samples = mean + np.exp(log_std) * eps
    log_q = np.sum(stats.norm(mean, np.exp(log_std)).logpdf(samples), axis=1)
    return np.mean(log_posterior(samples) - log_q)


# ----- A Gaussian mixture: the log likelihood with log-sum-exp over components ----------------------

def mixture_log_likelihood(params, x):
    means, log_sds, logits = params[0], params[1], params[2]
    log_weights = logits - special.logsumexp(logits)
    per_component = stats.norm.logpdf(x[:, None], means, np.exp(log_sds)) + log_weights
    return np.sum(special.logsumexp(per_component, axis=1))


# ----- Regression models ------------------------------------------------------------------------------

def logistic_log_likelihood(w, X, labels):
    logits = np.dot(X, w)
    return np.sum(labels * np.log(special.expit(logits)) + (1 - labels) * np.log(special.expit(-logits)))


def robust_regression(params, X, y):
    w, log_scale, log_df = params[:-2], params[-2], params[-1]
    residuals = y - np.dot(X, w)
    return np.sum(stats.t.logpdf(residuals, np.exp(log_df) + 1.0, 0.0, np.exp(log_scale)))


def poisson_regression(w, X, counts):
    return np.sum(stats.poisson.logpmf(counts, np.exp(np.dot(X, w))))


def gamma_prior(log_shape, rates):
    return np.sum(stats.gamma.logpdf(rates, np.exp(log_shape), 0.0, 2.0)) + special.gammaln(np.exp(log_shape))
