"""Programs as people write them with parameter containers (test_containers.py runs them).

`np` is read from this module's globals, so test_containers.py can load a second copy on
autograd.numpy and compare gradients.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


def init_mlp(rng, sizes):
    params = {}
    for i in range(len(sizes) - 1):
        params[f"W{i + 1}"] = rng.normal(size=(sizes[i + 1], sizes[i])) / np.sqrt(sizes[i])
        params[f"b{i + 1}"] = 0.1 * rng.normal(size=sizes[i + 1])
    return params


def mlp_loss(params, inputs, targets):
    hidden = np.tanh(inputs @ params["W1"].T + params["b1"])
    outputs = hidden @ params["W2"].T + params["b2"]
    return np.mean((outputs - targets) ** 2)


def regularized_loss(params, inputs, targets, penalty):
    l2 = 0.0
    for name, value in params.items():
        if name.startswith("W"):
            l2 = l2 + np.sum(value ** 2)
    return mlp_loss(params, inputs, targets) + penalty * l2


def init_layers(rng, sizes):
    return [(rng.normal(size=(m, n)) / np.sqrt(n), 0.1 * rng.normal(size=m)) for n, m in zip(sizes[:-1], sizes[1:])]


def predict(layers, inputs):
    activations = inputs
    for W, b in layers:
        outputs = activations @ W.T + b
        activations = np.tanh(outputs)
    return outputs


def layers_loss(layers, inputs, targets):
    log_probs = predict(layers, inputs)
    log_probs = log_probs - np.log(np.sum(np.exp(log_probs), axis=1, keepdims=True))
    return -np.sum(log_probs * targets)


def loss_with_aux(params, inputs, targets):
    hidden = np.tanh(inputs @ params["W1"].T + params["b1"])
    outputs = hidden @ params["W2"].T + params["b2"]
    errors = outputs - targets
    return np.mean(errors ** 2), {"outputs": outputs, "max_error": np.max(np.abs(errors))}


class Gaussian(NamedTuple):
    mean: np.ndarray
    log_std: np.ndarray


def gaussian_nll(q, samples):
    std = np.exp(q.log_std)
    z = (samples - q.mean) / std
    return np.sum(0.5 * z ** 2 + q.log_std)


@dataclass
class Regression:
    weights: np.ndarray
    bias: float
    noise: float


def regression_loss(model, inputs, targets):
    residuals = inputs @ model.weights + model.bias - targets
    return np.sum(residuals ** 2) / (2.0 * model.noise ** 2) + len(targets) * np.log(model.noise)
