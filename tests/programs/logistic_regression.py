"""Logistic regression with an L2 penalty; the loss is built by a factory that captures the data."""
import numpy as np


def sigmoid(z):
    return 0.5 * (np.tanh(z / 2.0) + 1.0)


def make_loss(inputs, targets, l2=0.1):
    if inputs.shape[0] != targets.shape[0]:
        raise ValueError(f"{inputs.shape[0]} inputs but {targets.shape[0]} targets")

    def loss(weights):
        probs = sigmoid(inputs @ weights)
        label_probs = probs * targets + (1.0 - probs) * (1.0 - targets)
        return -np.sum(np.log(label_probs)) + l2 * np.dot(weights, weights)

    return loss


def make(rng):
    inputs = rng.normal(size=(20, 4))
    true_weights = np.array([1.0, -2.0, 0.5, 0.0])
    targets = (inputs @ true_weights + 0.3 * rng.normal(size=20) > 0).astype(float)
    weights = 0.1 * rng.normal(size=4)
    return make_loss(inputs, targets), (weights,), 0
