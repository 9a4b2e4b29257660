"""Small programs written the way people write them: a model class whose loss calls its
methods, a Gaussian process whose kernel is a lambda, a loss built in a factory that captures
its data, a loss with its data bound by functools.partial, an MLP written with
comprehensions. test_function_programs.py differentiates each as written, against central
differences and against autograd running this same source on autograd.numpy.
"""
from __future__ import annotations

import functools

import numpy as np

# ----- a model class: the loss calls predict, which calls the activation it was given -------------


class MLP:
    def __init__(self, l2=0.01, nonlinearity=np.tanh):
        self.l2 = l2
        self.nonlinearity = nonlinearity

    def predict(self, Ws, bs, x):
        h = x
        for W, b in zip(Ws[:-1], bs[:-1]):
            h = self.nonlinearity(h @ W + b)
        return h @ Ws[-1] + bs[-1]

    def penalty(self, Ws):
        return self.l2 * sum(np.sum(W ** 2) for W in Ws)

    def loss(self, Ws, bs, x, y):
        err = self.predict(Ws, bs, x) - y
        return np.mean(err ** 2) + self.penalty(Ws)


MODEL = MLP()
SOFTPLUS_MODEL = MLP(l2=0.1, nonlinearity=lambda z: np.log(1.0 + np.exp(z)))


# ----- a Gaussian process: the kernel is a lambda, the Gram matrix a comprehension ------------------

rbf = lambda a, b, lengthscale: np.exp(-0.5 * np.sum((a - b) ** 2) / lengthscale ** 2)  # noqa: E731


def gp_negative_log_likelihood(log_lengthscale, X, y, kernel=rbf):
    lengthscale = np.exp(log_lengthscale)
    K = np.array([[kernel(a, b, lengthscale) for b in X] for a in X]) + 0.1 * np.eye(len(X))
    alpha = np.linalg.solve(K, y)
    sign, logdet = np.linalg.slogdet(K)
    return 0.5 * np.dot(y, alpha) + 0.5 * logdet


# ----- a loss built in a factory that captures the data ----------------------------------------------

def make_logistic_objective(X, y, l2):
    sigmoid = lambda z: 0.5 * (np.tanh(z / 2.0) + 1.0)  # noqa: E731

    def objective(w):
        p = sigmoid(X @ w)
        log_likelihood = np.sum(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))
        return -log_likelihood + l2 * np.dot(w, w)
    return objective


# ----- data bound with functools.partial -----------------------------------------------------------------

def squared_error(w, X, y, weight=1.0):
    residual = X @ w - y
    return weight * np.dot(residual, residual)


# ----- an MLP written with comprehensions ---------------------------------------------------------------------

def comprehension_mlp(Ws, x, targets):
    layers = [x]
    for W in Ws:
        layers.append(np.tanh(np.dot(W, layers[-1])))
    outputs = np.stack([np.dot(Ws[-1], h) for h in layers[1:-1]])
    fit = sum(np.sum((o - t) ** 2) for o, t in zip(outputs, targets))
    return fit + 0.01 * sum(np.sum(W * W) for W in Ws)


# ----- roots and arguments ------------------------------------------------------------------------------------

def data(rng):
    X = rng.normal(size=(6, 3))
    return X, (X @ np.array([0.5, -1.0, 0.3]) > 0).astype(float)


def roots(module):
    """(name, function to differentiate, make_args, wrt) with the module's own numpy."""
    rng = np.random.default_rng(7)
    X, labels = data(rng)
    return [
        ("model_loss", module.MODEL.loss,
         lambda r: ([r.normal(size=(3, 4)) * 0.5, r.normal(size=(4, 2)) * 0.5], [r.normal(size=4), r.normal(size=2)],
                    r.normal(size=(5, 3)), r.normal(size=(5, 2))), (0, 1)),
        ("model_with_lambda_activation", module.SOFTPLUS_MODEL.loss,
         lambda r: ([r.normal(size=(3, 4)) * 0.5, r.normal(size=(4, 2)) * 0.5], [r.normal(size=4), r.normal(size=2)],
                    r.normal(size=(5, 3)), r.normal(size=(5, 2))), (0, 1)),
        ("gp_kernel_lambda", module.gp_negative_log_likelihood,
         lambda r: (0.3, r.normal(size=(5, 2)), r.normal(size=5)), (0, 1, 2)),
        ("factory_closure", module.make_logistic_objective(X, labels, 0.1),
         lambda r: (r.normal(size=3) * 0.3,), (0,)),
        ("partial_data", functools.partial(module.squared_error, X=X, y=labels, weight=0.5),
         lambda r: (r.normal(size=3),), (0,)),
        ("comprehension_mlp", module.comprehension_mlp,
         lambda r: ([r.normal(size=(3, 3)) * 0.7 for _ in range(3)], r.normal(size=3), r.normal(size=(2, 3))),
         (0, 1)),
    ]
