"""Programs written as their users write them, differentiated exactly in every mode
(tests/test_probe34_programs.py): a Gaussian process's negative log marginal likelihood in its
length scale and noise, a VAE loss with a fixed epsilon, leapfrog and RK4 integrators with a loss at
the end, a Kalman filter's log-likelihood, attention with softmax, a class with a `__call__`,
closures, functools.reduce and itertools, a Newton iteration to convergence, sorting, SciPy's
distributions, recursion, an early return inside a loop, and NumPy scalars, ints and 0-d arrays as
inputs."""
import functools
import itertools
import math

import numpy as np
import scipy.stats as st
from scipy.linalg import cho_solve

X_TRAIN = np.linspace(0.0, 2.0, 5)
Y_TRAIN = np.sin(2 * X_TRAIN) + np.array([0.05, -0.1, 0.02, 0.08, -0.04])


def squared_exponential(a, b, ell):
    d = a[:, None] - b[None, :]
    return np.exp(-0.5 * d ** 2 / ell ** 2)


def gp_negative_log_marginal_likelihood(ell, noise):
    K = squared_exponential(X_TRAIN, X_TRAIN, ell) + noise * np.eye(len(X_TRAIN))
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, Y_TRAIN))
    return 0.5 * Y_TRAIN @ alpha + np.sum(np.log(np.diag(L))) + 0.5 * len(X_TRAIN) * np.log(2 * np.pi)


def gp_in_log_parameters(theta):
    K = squared_exponential(X_TRAIN, X_TRAIN, np.exp(theta[0])) + np.exp(theta[1]) * np.eye(len(X_TRAIN))
    L = np.linalg.cholesky(K)
    return 0.5 * Y_TRAIN @ cho_solve((L, True), Y_TRAIN) + np.log(np.diag(L)).sum()


def vae_loss(W_enc, W_dec, x, eps):
    h = x @ W_enc
    mu, logvar = h[:, :2], h[:, 2:]
    z = mu + np.exp(0.5 * logvar) * eps
    logits = z @ W_dec
    reconstruction = np.sum(np.logaddexp(0.0, logits) - x * logits)
    kl = -0.5 * np.sum(1 + logvar - mu ** 2 - np.exp(logvar))
    return (reconstruction + kl) / x.shape[0]


def accelerations(pos, mass):
    d = pos[None, :, :] - pos[:, None, :]
    inverse = (np.sum(d ** 2, axis=-1) + 0.01) ** -1.5
    return np.einsum("ij,ijk,j->ik", inverse * (1.0 - np.eye(len(mass))), d, mass)


def leapfrog_energy(pos, vel, mass):
    dt = 0.01
    a = accelerations(pos, mass)
    for _ in range(4):
        vel = vel + 0.5 * dt * a
        pos = pos + dt * vel
        a = accelerations(pos, mass)
        vel = vel + 0.5 * dt * a
    return np.sum(pos ** 2) + 0.5 * np.sum(mass[:, None] * vel ** 2)


def damped_oscillator(t, y, k):
    return np.array([y[1], -k * y[0] - 0.1 * y[1]])


def rk4_final_position(k):
    y, h, t = np.array([1.0, 0.0]), 0.1, 0.0
    for _ in range(8):
        k1 = damped_oscillator(t, y, k)
        k2 = damped_oscillator(t + h / 2, y + h / 2 * k1, k)
        k3 = damped_oscillator(t + h / 2, y + h / 2 * k2, k)
        k4 = damped_oscillator(t + h, y + h * k3, k)
        y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        t += h
    return y[0] ** 2 + 0.5 * y[1]


OBSERVATIONS = np.array([0.3, 0.9, 0.4, 1.5, 1.1, 2.0])


def kalman_negative_log_likelihood(q, r):
    m, P, ll = 0.0, 1.0, 0.0
    for y in OBSERVATIONS:
        P = P + q
        S = P + r
        K = P / S
        v = y - m
        ll += -0.5 * (math.log(2 * math.pi * S) + v * v / S)
        m = m + K * v
        P = (1 - K) * P
    return -ll


def softmax(z):
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def causal_attention(Wq, X):
    S = X @ Wq @ X.T
    S = np.where(np.tril(np.ones(S.shape, dtype=bool)), S, -1e9)
    return np.sum((softmax(S / math.sqrt(X.shape[1])) @ X) ** 2)


class Polynomial:
    def __init__(self, coeffs):
        self.coeffs = coeffs

    def __call__(self, x):
        total = 0.0
        for c in reversed(self.coeffs):
            total = total * x + c
        return total


def polynomial_object(coeffs, x):
    p = Polynomial(coeffs)
    return p(x) ** 2 + p(2.0 * x)


def make_scaler(s):
    def scale(v):
        return s * v
    return scale


def closures_reduce_itertools(x):
    f = make_scaler(x[0])
    product = functools.reduce(lambda a, b: a * b, x)
    running = sum(itertools.accumulate(x))
    return np.sum(f(x) ** 2) + product + running + sum((b - a) ** 2 for a, b in zip(x, itertools.islice(x, 1, None)))


def kepler_eccentric_anomaly(e):
    M, E = 0.5, 0.5
    while True:
        f = E - e * math.sin(E) - M
        E = E - f / (1 - e * math.cos(E))
        if abs(f) < 1e-15:
            break
    return E


def top_three_and_median(x):
    idx = np.argsort(x)[-3:]
    return np.sum(x[idx] ** 2) + np.median(x) ** 2 + np.sum(np.clip(x, -1.0, 1.0))


def normal_negative_log_likelihood(mu, sigma):
    return -np.sum(st.norm.logpdf(OBSERVATIONS, loc=mu, scale=sigma)) - st.gamma.logpdf(sigma, 2.0)


def collatz_like(x, n):
    if n == 0:
        return x
    if n % 2 == 0:
        return collatz_like(np.sin(x) * 1.5, n - 1)
    return collatz_like(x * x, n - 1)


def recursion_and_early_return(x):
    total = 0.0
    for v in x:
        if v < -1.0:
            return total * 2.0 + collatz_like(v, 3)
        total += v * v
    return total


def scalar_kinds(x):
    return x ** 3 + np.exp(-x) * np.tanh(x) + math.sin(x)
