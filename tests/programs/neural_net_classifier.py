"""A multilayer perceptron classifier whose parameters are a list of (weights, biases) pairs."""
import numpy as np
from scipy.special import logsumexp


def init_params(layer_sizes, rng, scale=0.1):
    return [(scale * rng.normal(size=(m, n)), scale * rng.normal(size=n))
            for m, n in zip(layer_sizes[:-1], layer_sizes[1:])]


def log_predictions(params, inputs):
    for W, b in params[:-1]:
        inputs = np.tanh(inputs @ W + b)
    W, b = params[-1]
    logits = inputs @ W + b
    return logits - logsumexp(logits, axis=1, keepdims=True)


def l2_norm(params):
    return sum(np.sum(W ** 2) + np.sum(b ** 2) for W, b in params)


def make_objective(inputs, one_hot_labels, l2=1e-3):
    num_examples = inputs.shape[0]

    def objective(params):
        log_likelihood = np.sum(log_predictions(params, inputs) * one_hot_labels)
        return -log_likelihood / num_examples + l2 * l2_norm(params)

    return objective


def make(rng):
    inputs = rng.normal(size=(16, 5))
    labels = rng.integers(0, 3, size=16)
    one_hot_labels = np.eye(3)[labels]
    params = init_params([5, 6, 3], rng)
    return make_objective(inputs, one_hot_labels), (params,), 0
