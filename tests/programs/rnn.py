"""A character-level recurrent net: the parameters are a dict, the sequence a list of one-hot rows."""
import numpy as np
from scipy.special import logsumexp


def init_params(input_size, state_size, output_size, rng, scale=0.3):
    return {
        "init_hidden": scale * rng.normal(size=(1, state_size)),
        "change": scale * rng.normal(size=(input_size + state_size + 1, state_size)),
        "predict": scale * rng.normal(size=(state_size + 1, output_size)),
    }


def concat_and_multiply(weights, *arrays):
    batch = arrays[0].shape[0]
    stacked = np.concatenate(arrays + (np.ones((batch, 1)),), axis=1)
    return stacked @ weights


def log_predictions(params, inputs):
    hidden = np.repeat(params["init_hidden"], inputs[0].shape[0], axis=0)
    outputs = []
    for x in inputs:
        hidden = np.tanh(concat_and_multiply(params["change"], x, hidden))
        logits = concat_and_multiply(params["predict"], hidden)
        outputs.append(logits - logsumexp(logits, axis=1, keepdims=True))
    return outputs


def make_loss(inputs):
    def loss(params):
        predictions = log_predictions(params, inputs)
        return -sum(np.sum(p * x) for p, x in zip(predictions[:-1], inputs[1:]))

    return loss


def make(rng):
    codes = rng.integers(0, 4, size=(7, 3))
    inputs = [np.eye(4)[row] for row in codes]
    return make_loss(inputs), (init_params(4, 5, 4, rng),), 0
