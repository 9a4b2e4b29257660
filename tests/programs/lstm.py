"""A long short-term memory net predicting the next step of a sequence; the gates' weights are a
NamedTuple."""
from typing import NamedTuple

import numpy as np


class LSTMParams(NamedTuple):
    forget: np.ndarray
    ingate: np.ndarray
    outgate: np.ndarray
    change: np.ndarray
    predict: np.ndarray


def sigmoid(x):
    return 0.5 * (np.tanh(0.5 * x) + 1.0)


def affine(weights, *inputs):
    with_bias = inputs + (np.ones((inputs[0].shape[0], 1)),)
    return np.concatenate(with_bias, axis=1) @ weights


def lstm_step(params, x, hidden, cells):
    forget = sigmoid(affine(params.forget, x, hidden))
    ingate = sigmoid(affine(params.ingate, x, hidden))
    outgate = sigmoid(affine(params.outgate, x, hidden))
    change = np.tanh(affine(params.change, x, hidden))
    cells = forget * cells + ingate * change
    hidden = outgate * np.tanh(cells)
    return hidden, cells


def make_loss(sequence, state_size):
    def loss(params):
        batch = sequence.shape[1]
        hidden, cells = np.zeros((batch, state_size)), np.zeros((batch, state_size))
        total = 0.0
        for x, target in zip(sequence[:-1], sequence[1:]):
            hidden, cells = lstm_step(params, x, hidden, cells)
            total = total + np.sum((affine(params.predict, hidden) - target) ** 2)
        return total / (len(sequence) - 1)

    return loss


def make(rng):
    input_size, state_size = 2, 4
    gate_shape = (input_size + state_size + 1, state_size)
    params = LSTMParams(*[0.3 * rng.normal(size=gate_shape) for _ in range(4)],
                        predict=0.3 * rng.normal(size=(state_size + 1, input_size)))
    phases = np.linspace(0.0, 3.0, 6)[:, None, None]
    sequence = np.sin(phases + np.array([[0.0, 1.0], [0.5, 2.0]])[None])
    return make_loss(sequence, state_size), (params,), 0
