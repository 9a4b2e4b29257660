"""Total-variation image denoising by unrolled gradient steps: views and in-place updates on a
working copy (`inner = u[1:-1, 1:-1]; inner -= ...`), np.copy for the reference, boundary rows
copied by slice assignment, and a smoothed TV norm; the regularisation weight and step are learned."""
import numpy as np

NO_AUTOGRAD = "the image is updated in place through views and slice assignments"


def tv_gradient(u, eps=1e-2):
    dx = np.diff(u, axis=1, append=u[:, -1:])
    dy = np.diff(u, axis=0, append=u[-1:, :])
    norm = np.sqrt(dx ** 2 + dy ** 2 + eps ** 2)
    px, py = dx / norm, dy / norm
    div = np.zeros_like(u)
    div[:, 1:] += px[:, 1:] - px[:, :-1]
    div[:, 0] += px[:, 0]
    div[1:, :] += py[1:, :] - py[:-1, :]
    div[0, :] += py[0, :]
    return -div


def denoise(noisy, weight, step, n_iter=8):
    u = np.copy(noisy)
    for _ in range(n_iter):
        g = (u - noisy) + weight * tv_gradient(u)
        inner = u[1:-1, 1:-1]
        inner -= step * g[1:-1, 1:-1]
        u[0, :] = u[1, :]
        u[-1, :] = u[-2, :]
        u[:, 0] = u[:, 1]
        u[:, -1] = u[:, -2]
    return u


def loss(theta, noisy, clean):
    weight, step = theta["weight"], theta["step"]
    restored = denoise(noisy, weight, step)
    return np.mean((restored - clean) ** 2)


def make(rng):
    clean = np.zeros((8, 8))
    clean[2:6, 3:7] = 1.0
    noisy = clean + 0.2 * rng.normal(size=clean.shape)
    return loss, ({"weight": 0.3, "step": 0.2}, noisy, clean), 0
