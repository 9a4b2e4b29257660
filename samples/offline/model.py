"""A logistic regression model: the function `adjoint gen` differentiates ahead of time."""
import numpy as np

L2 = 1e-3  # weight decay


def predict(w, b, X):
    return 1.0 / (1.0 + np.exp(-(X @ w + b)))


def loss(w, b, X, y):
    p = predict(w, b, X)
    cross_entropy = -np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))
    return cross_entropy + L2 * np.sum(w * w)
