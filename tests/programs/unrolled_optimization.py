"""Hyperparameter learning through an unrolled optimizer: ridge regression trained by gradient
descent with momentum; the validation loss is differentiated for the learning rate and the
log of the ridge penalty."""
import numpy as np


def train(hyper, x, y, num_steps=15):
    learning_rate, penalty = hyper["learning_rate"], np.exp(hyper["log_penalty"])
    weights = np.zeros(x.shape[1])
    velocity = np.zeros(x.shape[1])
    for _ in range(num_steps):
        gradient = x.T @ (x @ weights - y) / len(y) + penalty * weights
        velocity = 0.9 * velocity - learning_rate * gradient
        weights = weights + velocity
    return weights


def make_validation_loss(train_data, validation_data):
    x_train, y_train = train_data
    x_valid, y_valid = validation_data

    def validation_loss(hyper):
        weights = train(hyper, x_train, y_train)
        return np.mean((x_valid @ weights - y_valid) ** 2)

    return validation_loss


def make(rng):
    true_weights = np.array([1.0, -0.5, 0.0, 2.0])
    x = rng.normal(size=(30, 4))
    y = x @ true_weights + 0.3 * rng.normal(size=30)
    hyper = {"learning_rate": 0.05, "log_penalty": -2.0}
    return make_validation_loss((x[:20], y[:20]), (x[20:], y[20:])), (hyper,), 0
