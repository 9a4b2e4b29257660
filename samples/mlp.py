"""Train a small multilayer perceptron with stochastic gradient descent; the loss falls epoch by epoch.

The data set: two interleaved spirals in the plane, one class each. The model: 2 -> 16 -> 16 -> 1
with tanh hidden layers and a logistic output, trained on the cross-entropy. adjoint writes the
gradient of `loss` with respect to all six parameter arrays, once, from the code below.
"""
import time

import numpy as np

import adjoint


def predict(W1, b1, W2, b2, W3, b3, X):
    h1 = np.tanh(X @ W1 + b1)
    h2 = np.tanh(h1 @ W2 + b2)
    return h2 @ W3 + b3


def loss(W1, b1, W2, b2, W3, b3, X, y):
    logits = predict(W1, b1, W2, b2, W3, b3, X)[:, 0]
    # log(1 + exp(-y * logit)), the cross-entropy for labels y in {-1, 1}, computed stably
    margins = -y * logits
    return np.mean(np.logaddexp(0.0, margins))


PARAMETERS = ("W1", "b1", "W2", "b2", "W3", "b3")
loss_and_gradients = adjoint.value_and_grad(loss, wrt=PARAMETERS)


def spirals(rng, n, turns=1.25):
    """n points on two interleaved spirals, with labels -1 and 1."""
    label = rng.integers(0, 2, size=n) * 2 - 1.0
    t = np.sqrt(rng.uniform(0.05, 1.0, size=n)) * turns * 2 * np.pi
    angle = t + np.pi * (label > 0)
    X = np.stack([t * np.cos(angle), t * np.sin(angle)], axis=1) / (turns * 2 * np.pi)
    return X + rng.normal(scale=0.03, size=X.shape), label


def initial_parameters(rng, sizes=(2, 16, 16, 1)):
    parameters = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        parameters += [rng.normal(scale=1 / np.sqrt(fan_in), size=(fan_in, fan_out)), np.zeros(fan_out)]
    return parameters


def main(epochs=20, batch=16, rate=0.5):
    rng = np.random.default_rng(0)
    X, y = spirals(rng, 512)
    parameters = initial_parameters(rng)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(y))
        total = 0.0
        for first in range(0, len(y), batch):
            rows = order[first:first + batch]
            value, gradients = loss_and_gradients(*parameters, X[rows], y[rows])
            parameters = [p - rate * g for p, g in zip(parameters, gradients)]
            total += value * len(rows)
        accuracy = np.mean(np.sign(predict(*parameters, X)[:, 0]) == y)
        print(f"epoch {epoch:2d}: loss {total / len(y):.4f}, accuracy {accuracy:.0%}")
    print(f"{epochs} epochs of SGD in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
