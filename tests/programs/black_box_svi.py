"""Black-box variational inference: a diagonal Gaussian fitted to an unnormalized 2-D density."""
import numpy as np
from scipy.stats import norm


def gaussian_entropy(log_std):
    return 0.5 * log_std.size * (1.0 + np.log(2.0 * np.pi)) + np.sum(log_std)


def make_variational_objective(log_density, noise):
    """The negative ELBO, with the reparameterization noise drawn once and captured."""
    num_samples, dim = noise.shape

    def unpack(params):
        return params[:dim], params[dim:]

    def negative_elbo(params):
        mean, log_std = unpack(params)
        samples = noise * np.exp(log_std) + mean
        return -(gaussian_entropy(log_std) + np.mean(log_density(samples)))

    return negative_elbo


def make(rng):
    log_density = lambda z: norm.logpdf(z[:, 0], 0.0, 1.35) + norm.logpdf(z[:, 1], 0.0, np.exp(z[:, 0] / 2.0))
    noise = rng.normal(size=(30, 2))
    params = np.array([0.2, -0.3, -0.5, 0.1])
    return make_variational_objective(log_density, noise), (params,), 0
