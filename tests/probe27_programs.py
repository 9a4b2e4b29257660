"""Programs written as their users write them (tests/test_probe27_programs.py runs them in every mode
and through `adjoint gen`): a Gaussian process marginal likelihood with a Cholesky factor, a VAE loss
with fixed noise, a spring-mass simulation with `while True` and `break`, a class-based MLP with a
dataclass config, a Kalman filter step, softmax attention, and more."""
import dataclasses
import math

import numpy as np


def gp_marginal_likelihood(log_ell, x, y):
    ell = np.exp(log_ell)
    d = x[:, None] - x[None, :]
    K = np.exp(-0.5 * d * d / (ell * ell)) + 0.1 * np.eye(x.shape[0])
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(L))) + 0.5 * x.shape[0] * math.log(2 * math.pi)


def vae_loss(params, x, eps):
    W_mu, W_lv, W_dec = params[0], params[1], params[2]
    mu = x @ W_mu
    logvar = x @ W_lv
    z = mu + np.exp(0.5 * logvar) * eps
    recon = np.tanh(z @ W_dec)
    rec = np.sum((recon - x) ** 2)
    kl = -0.5 * np.sum(1.0 + logvar - mu ** 2 - np.exp(logvar))
    return rec + kl


def spring_mass(k, x0):
    x, v, t = x0, 0.0, 0.0
    dt = 0.01
    energy = 0.0
    while True:
        a = -k * x - 0.1 * v
        v = v + dt * a
        x = x + dt * v
        t = t + dt
        energy = energy + dt * (0.5 * v * v + 0.5 * k * x * x)
        if t > 0.5:
            break
    return energy + x


@dataclasses.dataclass
class Config:
    hidden: int = 4
    scale: float = 0.5


class MLP:
    def __init__(self, W1, W2, config):
        self.W1 = W1
        self.W2 = W2
        self.config = config

    def hidden(self, x):
        return np.tanh(self.config.scale * (x @ self.W1))

    def __call__(self, x):
        return self.hidden(x) @ self.W2


def mlp_loss(W1, W2, x, y):
    model = MLP(W1, W2, Config())
    return np.mean((model(x) - y) ** 2)


def kalman_step(m, P, F, Q, H, R, z):
    m_pred = F @ m
    P_pred = F @ P @ F.T + Q
    S = H @ P_pred @ H.T + R
    K = P_pred @ H.T @ np.linalg.inv(S)
    m_new = m_pred + K @ (z - H @ m_pred)
    P_new = (np.eye(m.shape[0]) - K @ H) @ P_pred
    resid = z - H @ m_pred
    return 0.5 * resid @ np.linalg.solve(S, resid) + 0.5 * np.log(np.linalg.det(S)) + np.sum(m_new ** 2) + np.trace(P_new)


def attention(Wq, X, Wk, Wv):
    Q = X @ Wq
    K = X @ Wk
    V = X @ Wv
    scores = Q @ K.T / math.sqrt(Q.shape[1])
    scores = scores - np.max(scores, axis=1, keepdims=True)
    w = np.exp(scores)
    w = w / np.sum(w, axis=1, keepdims=True)
    out = w @ V
    return np.sum(out ** 2)


def logistic_regression(w, X, y):
    z = X @ w
    return np.sum(np.logaddexp(0.0, -y * z)) + 0.01 * w @ w


def softmax_xent(W, X, labels):
    logits = X @ W
    logits = logits - np.max(logits, axis=1, keepdims=True)
    logp = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    return -np.mean(logp[np.arange(X.shape[0]), labels])


def rnn_loss(Wh, xs, h0):
    h = h0
    total = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(Wh @ h + xs[t])
        total = total + np.sum(h ** 2)
    return total


def layer_norm(x, g):
    mu = np.mean(x, axis=-1, keepdims=True)
    var = np.var(x, axis=-1, keepdims=True)
    return np.sum(g * (x - mu) / np.sqrt(var + 1e-5) * np.arange(1.0, x.shape[-1] + 1))


def huber(theta, x, y):
    r = y - theta[0] - theta[1] * x
    a = np.abs(r)
    return np.sum(np.where(a < 1.0, 0.5 * r * r, a - 0.5))


def pendulum(theta0, omega0):
    theta, omega = theta0, omega0
    for _ in range(50):
        omega = omega - 0.02 * math.sin(theta)
        theta = theta + 0.02 * omega
    return theta * theta + omega


def newton_sqrt(a):
    x = a
    for _ in range(6):
        x = 0.5 * (x + a / x)
    return x


def bisection_free_root(c):
    x = 1.0
    i = 0
    while abs(x * x * x - c) > 1e-12 and i < 50:
        x = x - (x * x * x - c) / (3 * x * x)
        i += 1
    return x


def poly_features(w, x):
    feats = [x ** k for k in range(4)]
    pred = sum(wk * f for wk, f in zip(w, feats))
    return np.sum((pred - np.sin(x)) ** 2)


def ridge_closed_form(lam, X, y):
    A = X.T @ X + lam * np.eye(X.shape[1])
    beta = np.linalg.solve(A, X.T @ y)
    return np.sum((X @ beta - y) ** 2) + lam * beta @ beta


def conv1d(k, x):
    out = np.convolve(x, k, mode="valid")
    return np.sum(np.maximum(out, 0.0) ** 2)


def mixture_nll(mu, x):
    d = x[:, None] - mu[None, :]
    logp = -0.5 * d * d - 0.5 * math.log(2 * math.pi)
    m = np.max(logp, axis=1, keepdims=True)
    return -np.sum(m[:, 0] + np.log(np.sum(np.exp(logp - m), axis=1)))


def dict_params(scale, x):
    params = {"a": scale, "b": 2.0 * scale}
    total = 0.0
    for name in ["a", "b"]:
        total = total + params[name] * np.sum(x ** 2)
    return total


def piecewise(x):
    if x > 1.0:
        y = x * x
    elif x > 0.0:
        y = math.sin(x)
    else:
        y = -x
    return y * math.exp(-x)


def cumulative_returns(w, r):
    port = r @ w
    wealth = np.cumprod(1.0 + port)
    return wealth[-1] - 0.5 * np.var(port)


def heat_equation(kappa, u0):
    u = u0
    for _ in range(20):
        lap = np.roll(u, 1) - 2.0 * u + np.roll(u, -1)
        u = u + kappa * lap
    return np.sum(u ** 2)


def tuple_returning_helper(x):
    def stats(v):
        return np.mean(v), np.std(v)
    m, s = stats(x)
    return m * s + np.sum(x[::2])


def list_accumulate(x):
    out = []
    for i in range(3):
        out.append(x[i] * x[i + 1])
    return sum(out) + max(out)


def matrix_exp_series(t, A):
    term = np.eye(A.shape[0])
    total = np.eye(A.shape[0])
    for k in range(1, 8):
        term = term @ (t * A) / k
        total = total + term
    return np.sum(total)


def sorted_topk(x):
    s = np.sort(x)
    return np.sum(s[-2:] ** 2) + s[0]


def norm_penalty(W):
    return np.linalg.norm(W) + 0.1 * np.linalg.norm(W, axis=0).sum() + np.linalg.slogdet(W @ W.T + np.eye(W.shape[0]))[1]


def einsum_bilinear(A, x, y):
    return np.einsum("i,ij,j->", x, A, y) + np.einsum("ij,ij->", A, A)


def clipped_adam_step(w, g, m, v):
    m2 = 0.9 * m + 0.1 * g
    v2 = 0.999 * v + 0.001 * g * g
    step = m2 / (np.sqrt(v2) + 1e-8)
    w2 = w - 0.01 * np.clip(step, -1.0, 1.0)
    return np.sum(w2 ** 2 * g)


def eigen_energy(A):
    S = A + A.T
    w = np.linalg.eigvalsh(S)
    return np.sum(w ** 2) + w[-1]


def scan_with_early_return(x):
    s = 0.0
    for i in range(x.shape[0]):
        s = s + x[i] * x[i]
        if s > 2.0:
            return s * x[0]
    return s


def mlp_forward(W1, W2, x, config):
    return np.tanh(config.scale * (x @ W1)) @ W2


def mlp_with_config(W1, W2, x, y):
    config = Config(hidden=4, scale=0.7)
    return np.mean((mlp_forward(W1, W2, x, config) - y) ** 2)


class Regressor:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def loss(self, w):
        return np.sum((self.x @ w - self.y) ** 2) + 0.1 * np.sum(w ** 2)
