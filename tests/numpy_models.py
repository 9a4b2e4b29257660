"""Models written with plain NumPy, differentiated whole by tests/test_numpy_models.py.

The functions read `np` when they run: module-level code is only the import below and
plain `def` statements, so the test can execute a second copy of this file with `np`
bound to autograd.numpy (calls between the functions then stay inside the copy).
"""
import numpy as np


# ----- activations and normalizers ------------------------------------------------------

def relu(x):
    return np.maximum(x, 0.0)


def leaky_relu(x):
    return np.where(x > 0.0, x, 0.01 * x)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def softmax(x):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def log_softmax(x):
    shifted = x - np.max(x, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def logsumexp(x):
    m = np.max(x, axis=-1, keepdims=True)
    return np.squeeze(m, -1) + np.log(np.sum(np.exp(x - m), axis=-1))


# ----- losses of whole models ----------------------------------------------------------------

def mlp_loss(w1, b1, w2, b2, x, y):
    """A 2-layer perceptron with tanh, squared loss."""
    hidden = np.tanh(x @ w1 + b1)
    out = hidden @ w2 + b2
    return 0.5 * np.mean(np.sum((out - y) ** 2, axis=1))


def softmax_cross_entropy(w, b, x, labels):
    """Linear classifier with the stable log-softmax; `labels` are one-hot rows."""
    logits = x @ w + b
    return -np.mean(np.sum(labels * log_softmax(logits), axis=1))


def rnn_loss(w_h, w_x, xs, target):
    """An Elman RNN of len(xs) steps; the loss is the squared distance of the last state to target."""
    h = np.zeros(w_h.shape[0])
    for t in range(xs.shape[0]):
        h = np.tanh(w_h @ h + w_x @ xs[t])
    return np.sum((h - target) ** 2)


def activations_loss(x, w):
    """relu, leaky relu, sigmoid and logsumexp in one scalar, weighted by w."""
    z = x * w
    return np.sum(relu(z) + leaky_relu(z) * sigmoid(z)) + np.sum(logsumexp(z))


def constants_pass_through(x):
    """argmax, argsort, shape, floor, round, comparisons and an integer cast carry no derivative."""
    i = np.argmax(x)
    order = np.argsort(x)
    n = np.shape(x)[0]
    steps = np.floor(x) + np.round(x) + x.astype(int)
    mask = x > 0.5
    return x[i] * n + np.sum(x[order] * steps) + np.sum(x * mask)
