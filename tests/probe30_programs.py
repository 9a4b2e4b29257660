"""Statistical and machine-learning programs written as their users write them, in every mode in
tests/test_probe30_models.py: a Gaussian process likelihood with jitter added in place on the diagonal and
slogdet, a VAE that draws its noise from a generator seeded inside the loss, causal attention with -inf written
into the scores, Adam steps with `*=` and `+=` on arrays, an HMM forward pass, Sinkhorn iterations, IRLS with
a break on convergence, EM for a mixture and leapfrog steps that take adjoint.grad of a potential."""
import numpy as np

import adjoint
from scipy.special import expit, logsumexp



def rbf(x1, x2, ell, sf):
    d2 = np.sum((x1[:, None, :] - x2[None, :, :]) ** 2, axis=-1)
    return sf ** 2 * np.exp(-0.5 * d2 / ell ** 2)


def gp_slogdet(theta, X, y):
    ell, sf, sn = np.exp(theta[0]), np.exp(theta[1]), np.exp(theta[2])
    K = rbf(X, X, ell, sf)
    K[np.diag_indices_from(K)] += sn ** 2
    sign, logdet = np.linalg.slogdet(K)
    return 0.5 * y @ np.linalg.solve(K, y) + 0.5 * logdet


def mlp(params, x):
    *hidden, last = params
    for W, b in hidden:
        x = np.tanh(x @ W + b)
    W, b = last
    return x @ W + b


def vae_loss(enc, dec, x):
    rng = np.random.default_rng(0)
    h = mlp(enc, x)
    mu, logvar = h[:, :2], h[:, 2:]
    eps = rng.standard_normal(mu.shape)
    z = mu + np.exp(0.5 * logvar) * eps
    logits = mlp(dec, z)
    rec = np.sum(np.logaddexp(0.0, logits) - x * logits)
    kl = -0.5 * np.sum(1 + logvar - mu ** 2 - np.exp(logvar))
    return (rec + kl) / x.shape[0]


def softmax(z, axis=-1):
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def masked_attention(Wq, X):
    scores = (X @ Wq) @ X.T
    scores[np.triu_indices(X.shape[0], 1)] = -np.inf
    w = softmax(scores, axis=1)
    return np.sum(w @ X)


def inner_grad(w, X, y):
    return 2 * X.T @ (X @ w - y) / len(y)


def unrolled_adam_inplace(w0, X, y):
    w = w0.copy()
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for t in range(1, 4):
        g = inner_grad(w, X, y)
        m *= 0.9
        m += 0.1 * g
        v *= 0.99
        v += 0.01 * g ** 2
        w -= 0.05 * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.99 ** t)) + 1e-8)
    return np.sum((X @ w - y) ** 2)


def hmm_forward(log_A, log_pi, log_B):
    alpha = log_pi + log_B[0]
    for t in range(1, log_B.shape[0]):
        alpha = logsumexp(alpha[:, None] + log_A, axis=0) + log_B[t]
    return logsumexp(alpha)


def sinkhorn(C, a, b):
    K = np.exp(-C / 0.5)
    u = np.ones_like(a)
    for _ in range(10):
        v = b / (K.T @ u)
        u = a / (K @ v)
    P = u[:, None] * K * v[None, :]
    return np.sum(P * C)


def em_gmm(mu0, x):
    mu = mu0.copy()
    for _ in range(3):
        logr = -0.5 * (x[:, None] - mu[None, :]) ** 2
        logr -= logsumexp(logr, axis=1, keepdims=True)
        r = np.exp(logr)
        mu = (r * x[:, None]).sum(0) / r.sum(0)
    return np.sum(mu ** 2)


def potential(q):
    return 0.5 * q @ q + 0.1 * np.sum(q ** 4)


def leapfrog(q0, p0):
    q, p = q0, p0
    eps = 0.1
    for _ in range(3):
        p = p - 0.5 * eps * adjoint.grad(potential)(q)
        q = q + eps * p
        p = p - 0.5 * eps * adjoint.grad(potential)(q)
    return potential(q) + 0.5 * p @ p


def irls_logistic(lam, X, y):
    w = np.zeros(X.shape[1])
    for _ in range(20):
        p = expit(X @ w)
        g = X.T @ (p - y) + lam * w
        H = X.T @ (X * (p * (1 - p))[:, None]) + lam * np.eye(X.shape[1])
        step = np.linalg.solve(H, g)
        w = w - step
        if np.linalg.norm(step) < 1e-10:
            break
    return np.sum(w ** 2)
