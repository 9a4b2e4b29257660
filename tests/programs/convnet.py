"""A small convolutional net (convolution, ReLU, 2x2 max pooling, dense softmax layer)."""
import numpy as np
from scipy.special import logsumexp


def conv2d(images, kernels):
    """'valid' cross-correlation: images (n, c, h, w), kernels (out, c, k, k)."""
    k = kernels.shape[-1]
    out_h, out_w = images.shape[2] - k + 1, images.shape[3] - k + 1
    out = 0.0
    for i in range(k):
        for j in range(k):
            patch = images[:, :, i:i + out_h, j:j + out_w]
            out = out + np.einsum("nchw,oc->nohw", patch, kernels[:, :, i, j])
    return out


def max_pool(x):
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))


def log_probabilities(params, images):
    features = np.maximum(conv2d(images, params["kernels"]) + params["conv_bias"][None, :, None, None], 0.0)
    pooled = max_pool(features)
    W, b = params["dense"]
    logits = pooled.reshape(pooled.shape[0], -1) @ W + b
    return logits - logsumexp(logits, axis=1, keepdims=True)


def make_loss(images, labels):
    def loss(params):
        log_probs = log_probabilities(params, images)
        return -np.mean(log_probs[np.arange(len(labels)), labels])

    return loss


def make(rng):
    images = rng.normal(size=(4, 1, 6, 6))
    labels = rng.integers(0, 3, size=4)
    params = {"kernels": 0.5 * rng.normal(size=(3, 1, 3, 3)), "conv_bias": 0.1 * rng.normal(size=3),
              "dense": (0.3 * rng.normal(size=(12, 3)), np.zeros(3))}
    return make_loss(images, labels), (params,), 0
