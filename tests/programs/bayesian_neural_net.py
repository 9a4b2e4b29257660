"""A Bayesian neural net fitted by variational inference over one flat vector of weights."""
import numpy as np
from scipy.stats import norm


def make_unpacker(layer_sizes):
    shapes = list(zip(layer_sizes[:-1], layer_sizes[1:]))
    num_weights = sum((m + 1) * n for m, n in shapes)

    def unpack_layers(weights):
        layers, start = [], 0
        for m, n in shapes:
            W = weights[start:start + m * n].reshape(m, n)
            start += m * n
            b = weights[start:start + n]
            start += n
            layers.append((W, b))
        return layers

    return num_weights, unpack_layers


def make_objective(layer_sizes, inputs, targets, noise, noise_scale=0.1, prior_scale=1.0):
    num_weights, unpack_layers = make_unpacker(layer_sizes)
    assert noise.shape[1] == num_weights, "one noise column per weight"

    def predict(weights):
        h = inputs
        for W, b in unpack_layers(weights):
            h = np.tanh(h @ W + b)
        return h[:, 0]

    def log_joint(weights):
        log_prior = np.sum(norm.logpdf(weights, 0.0, prior_scale))
        return log_prior + np.sum(norm.logpdf(targets, predict(weights), noise_scale))

    def negative_elbo(variational_params):
        mean, log_std = variational_params[:num_weights], variational_params[num_weights:]
        samples = mean + noise * np.exp(log_std)
        expected_log_joint = sum(log_joint(w) for w in samples) / len(samples)
        return -(expected_log_joint + np.sum(log_std))

    return negative_elbo


def make(rng):
    layer_sizes = [1, 5, 1]
    inputs = np.linspace(-1.5, 1.5, 10)[:, None]
    targets = 0.8 * np.sin(2.0 * inputs[:, 0]) + 0.05 * rng.normal(size=10)
    num_weights = 16
    noise = rng.normal(size=(4, num_weights))
    variational_params = np.concatenate([0.3 * rng.normal(size=num_weights), -2.0 * np.ones(num_weights)])
    return make_objective(layer_sizes, inputs, targets, noise), (variational_params,), 0
