"""One block of scaled dot-product self-attention with a residual connection and layer norm."""
import math

import numpy as np


def softmax(x, axis=-1):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def layer_norm(x, eps=1e-5):
    mean = np.mean(x, axis=-1, keepdims=True)
    var = np.var(x, axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


def attention_block(params, tokens):
    d = params["query"].shape[1]
    queries, keys, values = (tokens @ params[name] for name in ("query", "key", "value"))
    weights = softmax(queries @ keys.T / math.sqrt(d))
    return layer_norm(tokens + weights @ values @ params["output"])


def make_loss(tokens, targets):
    def loss(params):
        return np.mean((attention_block(params, tokens) - targets) ** 2)

    return loss


def make(rng):
    length, width = 5, 4
    tokens = rng.normal(size=(length, width))
    targets = rng.normal(size=(length, width))
    params = {name: 0.4 * rng.normal(size=(width, width)) for name in ("query", "key", "value", "output")}
    return make_loss(tokens, targets), (params,), 0
