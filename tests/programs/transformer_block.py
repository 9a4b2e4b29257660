"""One pre-norm transformer block (multi-head attention with a causal mask, then an MLP) with
parameters in nested dicts; einsum for the heads, layer norm by hand, next-token cross entropy."""
import numpy as np


def layer_norm(x, gain, bias, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return gain * (x - mean) / np.sqrt(var + eps) + bias


def softmax(z, axis=-1):
    z = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def attention(p, x, n_heads):
    T, D = x.shape
    hd = D // n_heads
    q = (x @ p["wq"]).reshape(T, n_heads, hd)
    k = (x @ p["wk"]).reshape(T, n_heads, hd)
    v = (x @ p["wv"]).reshape(T, n_heads, hd)
    scores = np.einsum("thd,shd->hts", q, k) / np.sqrt(hd)
    mask = np.triu(np.ones((T, T), dtype=bool), k=1)
    scores = np.where(mask[None], -1e9, scores)
    out = np.einsum("hts,shd->thd", softmax(scores), v).reshape(T, D)
    return out @ p["wo"]


def block(params, x, n_heads=2):
    x = x + attention(params["attn"], layer_norm(x, **params["ln1"]), n_heads)
    h = layer_norm(x, **params["ln2"])
    h = np.tanh(h @ params["mlp"]["w1"] + params["mlp"]["b1"])
    return x + h @ params["mlp"]["w2"]


def loss(params, tokens, embedding):
    x = embedding[tokens[:-1]]
    logits = block(params, x) @ embedding.T
    logits = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    return -np.mean(log_probs[np.arange(len(tokens) - 1), tokens[1:]])


def make(rng):
    D, V = 4, 6
    w = lambda *shape: 0.3 * rng.normal(size=shape)
    params = {"attn": {"wq": w(D, D), "wk": w(D, D), "wv": w(D, D), "wo": w(D, D)},
              "ln1": {"gain": np.ones(D), "bias": np.zeros(D)}, "ln2": {"gain": np.ones(D), "bias": np.zeros(D)},
              "mlp": {"w1": w(D, 8), "b1": np.zeros(8), "w2": w(8, D)}}
    tokens = np.array([0, 3, 1, 5, 2, 2, 4])
    return loss, (params, tokens, w(V, D)), 0
