"""Programs written as their users write them (tests/test_probe40_programs.py), of kinds the earlier
probes left out: a Gaussian process's marginal likelihood by a hand-written Cholesky and triangular
solves, a VAE with its noise drawn inside from a seeded generator, a Kalman filter's log-likelihood,
integrators (RK4 and leapfrog: n-body, pendulum, spring chains) with while loops and early exits,
class-based models (layers as objects in a list, properties, static and class methods, dataclass
configs, NamedTuple parameters), attention, log-sum-exp and layer norm, Black-Scholes by math.erf,
logistic regression with np.where, np.clip and np.maximum, Newton and bisection with convergence
tests, and Python idioms (functools.reduce, lambdas, closures, nested defs, comprehensions with
conditions, dict and list parameters, in-place updates, aliases and views, einsum, cumsum, np.linalg).
"""
import contextlib
import functools
import math
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np


# ----- Gaussian processes ----------------------------------------------------------------------


def cholesky_by_hand(K):
    n = K.shape[0]
    L = np.zeros_like(K)
    for j in range(n):
        s = K[j, j] - np.sum(L[j, :j] ** 2)
        L[j, j] = np.sqrt(s)
        for i in range(j + 1, n):
            L[i, j] = (K[i, j] - np.sum(L[i, :j] * L[j, :j])) / L[j, j]
    return L


def forward_substitution(L, b):
    n = b.shape[0]
    x = np.zeros(n)
    for i in range(n):
        x[i] = (b[i] - L[i, :i] @ x[:i]) / L[i, i]
    return x


def back_substitution(U, b):
    n = b.shape[0]
    x = np.zeros(n)
    for i in reversed(range(n)):
        x[i] = (b[i] - U[i, i + 1:] @ x[i + 1:]) / U[i, i]
    return x


def rbf_kernel(X, lengthscale, variance):
    sq = np.sum(X ** 2, axis=1)
    d2 = sq[:, None] + sq[None, :] - 2.0 * X @ X.T
    return variance * np.exp(-0.5 * d2 / lengthscale ** 2)


def gp_marginal_likelihood(log_ls, log_var, X, y, noise=0.1):
    K = rbf_kernel(X, np.exp(log_ls), np.exp(log_var)) + noise * np.eye(X.shape[0])
    L = cholesky_by_hand(K)
    z = forward_substitution(L, y)
    alpha = back_substitution(L.T, z)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(L))) + 0.5 * len(y) * math.log(2 * math.pi)


def gp_loglik_with_solve(params, X, y):
    ls, var, noise = params["ls"], params["var"], params["noise"]
    n = len(y)
    K = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            d = X[i] - X[j]
            K[i, j] = var * math.exp(-0.5 * float(d @ d) / ls ** 2)
    K += noise ** 2 * np.eye(n)
    sign, logdet = np.linalg.slogdet(K)
    return -0.5 * y @ np.linalg.solve(K, y) - 0.5 * logdet


# ----- VAE with noise drawn inside ----------------------------------------------------------------


def encode(x, W):
    h = W @ x
    mu, log_sigma = h[:2], h[2:]
    return mu, log_sigma


def vae_loss_seeded(W_enc, W_dec, x):
    rng = np.random.default_rng(0)
    mu, log_sigma = encode(x, W_enc)
    eps = rng.standard_normal(2)
    z = mu + np.exp(log_sigma) * eps
    x_hat = np.tanh(W_dec @ z)
    recon = np.sum((x - x_hat) ** 2)
    kl = -0.5 * np.sum(1 + 2 * log_sigma - mu ** 2 - np.exp(2 * log_sigma))
    return recon + kl


def draw_noise(shape, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, 1.0, size=shape)


def vae_multi_sample(W_enc, W_dec, x):
    mu, log_sigma = encode(x, W_enc)
    total = 0.0
    noise = draw_noise((3, 2), 7)
    for eps in noise:
        z = mu + np.exp(log_sigma) * eps
        total = total + np.sum((x - W_dec @ z) ** 2)
    return total / len(noise)


# ----- Kalman filter ------------------------------------------------------------------------------


def kalman_loglik(q, r, ys):
    F = np.array([[1.0, 1.0], [0.0, 1.0]])
    H = np.array([[1.0, 0.0]])
    Q = q * np.eye(2)
    R = np.array([[r]])
    m = np.zeros(2)
    P = np.eye(2)
    ll = 0.0
    for y in ys:
        m = F @ m
        P = F @ P @ F.T + Q
        S = H @ P @ H.T + R
        v = y - H @ m
        K = P @ H.T @ np.linalg.inv(S)
        m = m + K @ v
        P = P - K @ S @ K.T
        ll += -0.5 * (np.log(2 * np.pi * S[0, 0]) + v[0] ** 2 / S[0, 0])
    return ll


def scalar_kalman(a, q, ys, r=0.5):
    m, p = 0.0, 1.0
    total = 0.0
    for y in ys:
        m, p = a * m, a * a * p + q
        s = p + r
        k = p / s
        total -= 0.5 * (math.log(2 * math.pi * s) + (y - m) ** 2 / s)
        m, p = m + k * (y - m), (1 - k) * p
    return total


# ----- integrators --------------------------------------------------------------------------------


def pendulum_rhs(state, g_over_l):
    theta, omega = state
    return np.array([omega, -g_over_l * np.sin(theta)])


def pendulum_rk4(theta0, g_over_l, dt=0.05, t_end=1.0):
    state = np.array([theta0, 0.0])
    t = 0.0
    while t < t_end - 1e-12:
        k1 = pendulum_rhs(state, g_over_l)
        k2 = pendulum_rhs(state + 0.5 * dt * k1, g_over_l)
        k3 = pendulum_rhs(state + 0.5 * dt * k2, g_over_l)
        k4 = pendulum_rhs(state + dt * k3, g_over_l)
        state = state + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        t += dt
    return state[0] ** 2 + state[1]


def pendulum_until_swing(theta0, g_over_l):
    theta, omega = theta0, 0.0
    dt = 0.02
    steps = 0
    while steps < 500:
        omega -= dt * g_over_l * math.sin(theta)
        theta += dt * omega
        steps += 1
        if theta < 0.0:
            break
    return omega + 0.1 * theta


def nbody_energy_after(positions, masses, n_steps=5, dt=0.01):
    pos = positions.copy()
    vel = np.zeros_like(pos)
    n = len(masses)

    def accelerations(p):
        acc = np.zeros_like(p)
        for i in range(n):
            for j in range(n):
                if i != j:
                    d = p[j] - p[i]
                    r = np.sqrt(d @ d + 0.01)
                    acc[i] += masses[j] * d / r ** 3
        return acc

    a = accelerations(pos)
    for _ in range(n_steps):
        vel += 0.5 * dt * a
        pos += dt * vel
        a = accelerations(pos)
        vel += 0.5 * dt * a
    kinetic = 0.5 * np.sum(masses[:, None] * vel ** 2)
    return kinetic + np.sum(pos[0] * pos[1])


def leapfrog_harmonic(q0, p0, k, n=20, h=0.1):
    q, p = q0, p0
    for _ in range(n):
        p = p - 0.5 * h * k * q
        q = q + h * p
        p = p - 0.5 * h * k * q
    return 0.5 * p * p + 0.5 * k * q * q + q


def spring_chain(stiffness, x0, steps=10, dt=0.05):
    n = len(x0)
    x = np.array(x0, dtype=float)
    v = np.zeros(n)
    for _ in range(steps):
        f = np.zeros(n)
        for i in range(n - 1):
            stretch = x[i + 1] - x[i] - 1.0
            f[i] += stiffness[i] * stretch
            f[i + 1] -= stiffness[i] * stretch
        v = v + dt * f
        x = x + dt * v
    return np.sum(x ** 2)


def adaptive_euler(k, y0=1.0):
    y, t, h = y0, 0.0, 0.1
    while t < 1.0:
        dy = -k * y
        if abs(dy) * h > 0.05:
            h = h / 2
            continue
        y = y + h * dy
        t = t + h
    return y


def orbit_until_close(v0, pos0):
    x, y = pos0
    vx, vy = 0.0, v0
    closest = 10.0
    for step in range(200):
        r = math.hypot(x, y)
        if r < closest:
            closest = r
        ax, ay = -x / r ** 3, -y / r ** 3
        vx += 0.01 * ax
        vy += 0.01 * ay
        x += 0.01 * vx
        y += 0.01 * vy
        if step > 50 and r > 2.0:
            return closest + r
    return closest


# ----- class-based models -------------------------------------------------------------------------


class Dense:
    def __init__(self, W, b, activation="tanh"):
        self.W = W
        self.b = b
        self.activation = activation

    def __call__(self, x):
        z = self.W @ x + self.b
        return self.activate(z)

    def activate(self, z):
        if self.activation == "tanh":
            return np.tanh(z)
        if self.activation == "relu":
            return np.maximum(z, 0.0)
        return z

    @property
    def n_params(self):
        return self.W.size + self.b.size


class MLP:
    def __init__(self, weights, biases):
        acts = ["tanh"] * (len(weights) - 1) + ["linear"]
        self.layers = [Dense(W, b, a) for W, b, a in zip(weights, biases, acts)]

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def l2(self):
        return sum(np.sum(layer.W ** 2) for layer in self.layers)


def mlp_objects_loss(W1, b1, W2, b2, X, y):
    model = MLP([W1, W2], [b1, b2])  # <- object-building-a-list
    loss = 0.0
    for xi, yi in zip(X, y):
        loss += (model.forward(xi)[0] - yi) ** 2
    return loss / len(y) + 1e-3 * model.l2()


class Scaler:
    factor = 2.0

    @staticmethod
    def center(x):
        return x - np.mean(x)

    @classmethod
    def scaled(cls, x):
        return cls.factor * x

    def apply(self, x):
        return self.scaled(self.center(x))  # <- classmethod-through-self


def static_and_class_methods(x):
    s = Scaler()
    z = s.apply(x)
    return np.sum(z ** 3) + Scaler.center(x) @ x


@dataclass
class TrainConfig:
    lr: float = 0.1
    steps: int = 5
    momentum: float = 0.5
    decay: float = 0.0


def sgd_momentum(w0, target, config=TrainConfig()):
    w = w0
    velocity = np.zeros_like(w0)
    for _ in range(config.steps):
        grad = 2 * (w - target) + config.decay * w
        velocity = config.momentum * velocity - config.lr * grad
        w = w + velocity
    return np.sum(w ** 2)


def sgd_with_config(w0, lr):
    cfg = TrainConfig(lr=lr, steps=4, momentum=0.3)
    return sgd_momentum(w0, np.array([1.0, -1.0, 0.5]), cfg)


class Params(NamedTuple):
    weight: np.ndarray
    bias: float


def namedtuple_linear(params, X, y):
    pred = X @ params.weight + params.bias
    return np.mean((pred - y) ** 2)


def namedtuple_built_inside(w, b, X, y):
    p = Params(weight=w, bias=b)
    q = p._replace(bias=p.bias * 2)
    return namedtuple_linear(q, X, y) + namedtuple_linear(p, X, y)


class Polynomial:
    def __init__(self, coeffs):
        self.coeffs = coeffs

    def __call__(self, x):
        result = 0.0
        for c in reversed(self.coeffs):
            result = result * x + c
        return result

    def derivative(self):
        return Polynomial([i * c for i, c in enumerate(self.coeffs)][1:])


def polynomial_class(coeffs, x):
    p = Polynomial(coeffs)
    dp = p.derivative()
    return p(x) * dp(x)  # <- object-returned-by-method-called


class Module:
    def parameters(self):
        return []

    def penalty(self):
        return sum(np.sum(p ** 2) for p in self.parameters())


class Affine(Module):
    def __init__(self, W, b):
        self.W, self.b = W, b

    def parameters(self):
        return [self.W, self.b]

    def __call__(self, x):
        return self.W @ x + self.b


class Residual(Module):
    def __init__(self, inner):
        self.inner = inner

    def parameters(self):
        return self.inner.parameters()

    def __call__(self, x):
        return x + np.tanh(self.inner(x))  # <- field-holding-an-object-called


def inheritance_model(W, b, x):
    block = Residual(Affine(W, b))
    out = block(block(x))
    return np.sum(out ** 2) + 0.1 * block.penalty()


class Counter:
    def __init__(self):
        self.total = 0.0
        self.count = 0

    def add(self, value):
        self.total += value
        self.count += 1

    def mean(self):
        return self.total / self.count


def stateful_accumulator(xs):
    c = Counter()
    for x in xs:
        c.add(x * x)
    return c.mean()


# ----- attention and normalization ----------------------------------------------------------------


def softmax(z, axis=-1):
    z = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


def causal_attention(X, Wq, Wk, Wv):
    Q, K, V = X @ Wq, X @ Wk, X @ Wv
    scores = Q @ K.T / np.sqrt(Q.shape[-1])
    n = X.shape[0]
    mask = np.triu(np.ones((n, n)), k=1).astype(bool)
    scores = np.where(mask, -1e9, scores)
    out = softmax(scores) @ V
    return np.sum(out ** 2)


def logsumexp_stable(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def log_softmax_nll(logits, labels):
    total = 0.0
    for row, label in zip(logits, labels):
        total -= row[label] - logsumexp_stable(row)
    return total / len(labels)


def layernorm(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


def transformer_block(X, Wq, Wk, Wv, gamma, beta):
    h = layernorm(X, gamma, beta)
    Q, K, V = h @ Wq, h @ Wk, h @ Wv
    att = softmax(Q @ K.T / 2.0, axis=1)
    out = X + att @ V
    return np.sum(layernorm(out, gamma, beta)[:, 0])


def batchnorm_train(X, gamma, beta):
    mu = X.mean(axis=0)
    var = X.var(axis=0)
    Xn = (X - mu) / np.sqrt(var + 1e-5)
    return np.sum((gamma * Xn + beta) ** 3)


def temperature_softmax_entropy(logits, T):
    p = softmax(logits / T)
    return -np.sum(p * np.log(p))


# ----- finance ------------------------------------------------------------------------------------


def norm_cdf(x):
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def black_scholes_call(S, K, T, r, sigma):
    d1 = (math.log(S / K) + (r + 0.5 * sigma ** 2) * T) / (sigma * math.sqrt(T))
    d2 = d1 - sigma * math.sqrt(T)
    return S * norm_cdf(d1) - K * math.exp(-r * T) * norm_cdf(d2)


def implied_vol_newton(price, S, K, T, r):
    sigma = 0.3
    for _ in range(50):
        d1 = (math.log(S / K) + (r + 0.5 * sigma ** 2) * T) / (sigma * math.sqrt(T))
        vega = S * math.exp(-0.5 * d1 ** 2) / math.sqrt(2 * math.pi) * math.sqrt(T)
        diff = black_scholes_call(S, K, T, r, sigma) - price
        if abs(diff) < 1e-12:
            break
        sigma -= diff / vega
    return sigma


def portfolio_variance(weights, cov):
    w = np.exp(weights) / np.sum(np.exp(weights))
    return w @ cov @ w - 0.5 * np.log(w).sum()


def binomial_tree_put(S, sigma, K=1.0, T=1.0, r=0.02, n=12):
    dt = T / n
    u = math.exp(sigma * math.sqrt(dt))
    d = 1 / u
    p = (math.exp(r * dt) - d) / (u - d)
    values = [max(K - S * u ** j * d ** (n - j), 0.0) for j in range(n + 1)]
    for step in range(n - 1, -1, -1):
        values = [math.exp(-r * dt) * (p * values[j + 1] + (1 - p) * values[j]) for j in range(step + 1)]
    return values[0]


# ----- logistic regression ------------------------------------------------------------------------


def logistic_clipped(w, X, y):
    z = X @ w
    p = 1.0 / (1.0 + np.exp(-z))
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return -np.mean(np.where(y > 0.5, np.log(p), np.log(1 - p)))


def hinge_and_maximum(w, X, y):
    margins = y * (X @ w)
    return np.sum(np.maximum(0.0, 1.0 - margins)) + 0.5 * w @ w


def softplus_stable(w, X, y):
    z = X @ w
    losses = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    return losses.sum()


def huber_where(r, delta):
    a = np.abs(r)
    return np.sum(np.where(a <= delta, 0.5 * r ** 2, delta * (a - 0.5 * delta)))


# ----- Newton, bisection --------------------------------------------------------------------------


def newton_sqrt(a):
    x = a
    while True:
        x_new = 0.5 * (x + a / x)
        if abs(x_new - x) < 1e-14:
            break
        x = x_new
    return x_new


def bisection_root(c):
    lo, hi = 0.0, 2.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if mid ** 3 + c * mid - 1.0 > 0:
            hi = mid
        else:
            lo = mid
    x = lo
    for _ in range(2):  # Newton polishes the bracket: exact in c to second order
        x = x - (x ** 3 + c * x - 1.0) / (3 * x ** 2 + c)
    return c * x


def newton_vector(a):
    x = np.ones(2)
    for it in range(30):
        F = np.array([x[0] ** 2 + x[1] - a[0], x[0] - x[1] ** 2 - a[1]])
        J = np.array([[2 * x[0], 1.0], [1.0, -2 * x[1]]])
        step = np.linalg.solve(J, F)
        x = x - step
        if np.linalg.norm(step) < 1e-13:
            break
    return x[0] * x[1]


def fixed_point_cos(a):
    x = 0.5
    prev = None
    while prev is None or abs(x - prev) > 1e-13:
        prev = x
        x = math.cos(a * x)
    return x


# ----- Python idioms ------------------------------------------------------------------------------


def reduce_product(xs):
    return functools.reduce(lambda acc, v: acc * v, xs, 1.0)


def reduce_compose(x):
    funcs = [math.sin, lambda t: t * t, math.exp]
    return functools.reduce(lambda acc, f: f(acc), funcs, x)  # <- reduce-calls-listed-functions


def closure_counter(x):
    scale = 3.0

    def inner(y):
        return scale * y + x

    def outer(y):
        return inner(inner(y)) * x

    return outer(x)


def nested_def_default(x, y):
    def f(t, k=2.0):
        return t ** k

    return f(x) + f(y, 3.0) + f(x * y, k=0.5)


def comprehension_conditions(xs):
    pos = [v for v in xs if v > 0]
    big = [v * w for v, w in zip(xs, xs[1:]) if abs(v) > 0.5]
    return sum(pos) + sum(big) + sum(v ** 2 for i, v in enumerate(xs) if i % 2 == 0)


def enumerate_zip_weights(a, b):
    total = 0.0
    for i, (u, v) in enumerate(zip(a, b)):
        total += (i + 1) * u * v
    return total


def dict_params_model(params, x):
    h = np.tanh(params["W1"] @ x + params["b1"])
    return float(params["w2"] @ h) + params["scale"] * np.sum(x)


def list_params_model(params, x):
    W, b = params
    return np.sum(np.sin(W @ x + b))


def inplace_updates(x):
    y = x.copy()
    y += 1.0
    y[1:3] *= x[0]
    y[-1] -= y[0] ** 2
    y[::2] /= 2.0
    return np.sum(y * x)


def alias_then_write(x):
    a = np.zeros(4)
    b = a
    b[0] = x[0] * 2.0  # <- write-through-alias
    a[1] = b[0] + x[1]
    c = a.reshape(2, 2)
    c[1, 1] = x[2] * a[1]
    return np.sum(a ** 2) + c[1, 1]


def transpose_view_write(M):
    A = M.copy()
    At = A.T
    At[0, 1] = 3.0 * A[0, 0]  # <- write-through-transpose
    return np.sum(A * M)


def einsum_contractions(A, B, v):
    c = np.einsum("ij,jk->ik", A, B)
    d = np.einsum("ii->", c)
    e = np.einsum("i,ij,j->", v, A, v)
    f = np.einsum("ij,ij->i", A, A)
    return d + e + np.sum(f * v)


def cumsum_cumprod(x):
    c = np.cumsum(x)
    p = np.cumprod(1 + 0.1 * x)
    return np.sum(c * p) + np.cumsum(x[::-1])[-1]


def linalg_mix(A, b):
    x = np.linalg.solve(A, b)
    Ainv = np.linalg.inv(A)
    sign, logdet = np.linalg.slogdet(A)
    return np.linalg.norm(x) + np.trace(Ainv) + logdet + np.linalg.norm(A, "fro")


def rng_in_callee(w):
    def minibatch(seed):
        rng = np.random.default_rng(seed)
        idx = rng.choice(6, size=3, replace=False)
        return idx

    data = np.linspace(-1.0, 1.0, 6)
    total = 0.0
    for epoch in range(3):
        idx = minibatch(epoch)
        total += np.sum((w * data[idx] - 0.5) ** 2)
    return total


def rng_dropout(x, W):
    rng = np.random.default_rng(3)
    mask = rng.random(W.shape[0]) > 0.3
    h = np.tanh(W @ x) * mask / 0.7
    return np.sum(h ** 2)


def rng_uniform_perturbation(theta):
    rng = np.random.default_rng(11)
    total = 0.0
    for _ in range(4):
        delta = rng.uniform(-0.1, 0.1, size=theta.shape)
        total += np.sum(np.cos(theta + delta))
    return total


# ----- second batch: aliasing, state, views, library calls -----------------------------------------


def mutable_default_cache(x, cache=None):
    if cache is None:
        cache = {}
    for k in range(3):
        cache[k] = x ** (k + 1)  # <- dict-parameter-default-none
    return cache[0] + cache[1] * cache[2]


def list_alias_append(xs):
    out = []
    alias = out
    for v in xs:
        alias.append(v * 2.0)  # <- append-through-alias
    out.append(out[0] * out[-1])
    return sum(out)


def swap_in_place(x):
    y = x.copy()
    y[0], y[1] = y[1], y[0]
    y[2], y[0] = y[0] * 2.0, y[2]
    return y @ np.arange(1.0, len(y) + 1)


def tuple_accumulators(x, y):
    acc = (0.0, 1.0)
    for k in range(4):
        s, p = acc
        acc = (s + x * k, p * (y + k))
    return acc[0] * acc[1]


def early_return_branches(x):
    if x > 2.0:
        return x ** 2
    for k in range(5):
        x = x * 1.1 + 0.1
        if x > 1.5:
            return x * k
    return -x


def while_else_search(x):
    k = 0
    total = 0.0
    while k < 10:
        total += x ** k / math.factorial(k)
        if total > 100.0:
            break
        k += 1
    else:
        total *= 2.0
    return total


def recursive_power(x, n):
    if n == 0:
        return 1.0
    if n % 2 == 0:
        half = recursive_power(x, n // 2)
        return half * half
    return x * recursive_power(x, n - 1)


def use_recursive_power(x):
    return recursive_power(x, 7) + recursive_power(x, 4)


def generator_moments(xs):
    def powers(values, p):
        for v in values:
            yield v ** p  # <- yield

    return sum(powers(xs, 2)) / len(xs) - (sum(powers(xs, 1)) / len(xs)) ** 2


def sorted_by_key_weights(x):
    pairs = sorted(zip(x, range(len(x))), key=lambda t: t[0])
    return sum(v * (rank + 1) for rank, (v, _) in enumerate(pairs))


def argmax_pick(x, W):
    scores = W @ x
    best = int(np.argmax(scores))
    return scores[best] + np.sum(W[best] ** 2)


def fill_diagonal_and_put(A, v):
    B = A.copy()
    np.fill_diagonal(B, v)
    return np.sum(B @ B)


def copyto_and_out(x):
    y = np.empty_like(x)
    np.copyto(y, x * 2.0)  # <- copyto
    z = np.zeros_like(x)
    np.multiply(x, y, out=z)
    return np.sum(z)


def integer_index_loop_accumulate(values, idx):
    out = np.zeros(3)
    for v, i in zip(values, idx):
        out[i] += v
    return np.sum(out ** 2)


def duplicated_fancy_add(x):
    y = np.zeros(3)
    idx = np.array([0, 1, 1, 2, 0])
    y[idx] += x
    return np.sum(y ** 2)


def np_add_at_scatter(x):
    y = np.zeros(3)
    np.add.at(y, np.array([0, 1, 1, 2, 0]), x)
    return np.sum(y ** 2)


def reshape_view_write(x):
    m = x.copy()
    grid = m.reshape(2, 3)
    grid[:, 0] = grid[:, 1] * grid[:, 2]  # <- write-through-reshape
    return np.sum(m ** 2)


def ravel_flatten_mix(A):
    r = A.ravel()
    f = A.flatten()
    return r @ f + np.sum(A.T.ravel() * np.arange(A.size))


def outer_loop_matrix_build(x):
    n = len(x)
    M = np.zeros((n, n))
    for i in range(n):
        M[i] = x * (i + 1)
    M[:, 0] = x ** 2
    return np.linalg.det(M + np.eye(n) * 3.0)


def symmetric_from_triangle(params):
    L = np.zeros((3, 3))
    L[np.tril_indices(3)] = params
    return np.sum(np.log(np.abs(np.diag(L)))) + np.trace(L @ L.T)


def norm_variants(A):
    return (np.linalg.norm(A, axis=0).sum() + np.linalg.norm(A, ord=2) + np.linalg.norm(A[0], ord=1)
            + np.linalg.norm(A[:, 1], ord=np.inf))


def inv_via_solve_identity(A):
    Ainv = np.linalg.solve(A, np.eye(A.shape[0]))
    return np.sum(Ainv * A.T) + np.linalg.cond(A)  # <- cond


def eig_symmetric_loss(A):
    S = 0.5 * (A + A.T)
    w, V = np.linalg.eigh(S)
    return w[-1] + np.abs(V[:, 0]).sum()


def qr_regression(X, y):
    Q, R = np.linalg.qr(X)
    beta = np.linalg.solve(R, Q.T @ y)
    return np.sum((X @ beta - y) ** 2) + beta @ beta


def lstsq_fit(X, y):
    beta, res, rank, sv = np.linalg.lstsq(X, y, rcond=None)
    return beta @ beta


def matrix_exp_series(A):
    result = np.eye(A.shape[0])
    term = np.eye(A.shape[0])
    for k in range(1, 12):
        term = term @ A / k
        result = result + term
    return np.trace(result)


def cumsum_axis_and_diff(M):
    c = np.cumsum(M, axis=1)
    d = np.diff(c, axis=0)
    return np.sum(d ** 2) + np.cumsum(M.T, axis=0)[-1] @ M[:, 0]


def where_nan_guard(x):
    safe = np.where(x > 0, x, 1.0)
    return np.sum(np.where(x > 0, np.log(safe), x ** 2))


def clip_maximum_minimum(x, lo, hi):
    return np.sum(np.clip(x, lo, hi) ** 2) + np.sum(np.maximum(x, lo) * np.minimum(x, hi))


def abs_sign_relu(x):
    return np.sum(np.abs(x) * np.sign(x) + np.maximum(x, 0) ** 2 + np.heaviside(x, 0.5) * x)


def stable_sigmoid_branches(z):
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return np.sum(out * z)


def mean_over_list_of_dicts(records, w):
    total = 0.0
    for rec in records:
        total += w * rec["x"] ** 2 + rec["y"]
    return total / len(records)


def nested_list_params(layers, x):
    for W, b in layers:
        x = np.tanh(W @ x + b)
    return np.sum(x)


def dict_update_in_loop(x):
    state = {"pos": x, "vel": 0.0}
    for _ in range(5):
        state["vel"] += -0.1 * state["pos"]
        state["pos"] += 0.1 * state["vel"]
    return state["pos"] ** 2 + state["vel"]


def dict_comprehension_weights(xs):
    weights = {i: v ** 2 for i, v in enumerate(xs) if v > 0}
    return sum(weights[k] * k for k in weights) + len(weights)


def zip_strict_sum(a, b):
    return sum(x * y for x, y in zip(a, b)) / max(len(a), 1)


def lambda_list_map(x):
    fs = [lambda t: t + 1.0, lambda t: t * t, lambda t: math.sin(t)]
    return sum(f(x) for f in fs)  # <- listed-lambdas-called


def map_with_lambda(xs):
    return sum(map(lambda v: v * v, xs)) + max(map(abs, xs))


def closure_factory(x):
    def make_scaler(k):
        def scale(v):
            return k * v
        return scale

    double = make_scaler(2.0)
    by_x = make_scaler(x)
    return double(x) + by_x(x)  # <- returned-closure-called


def partial_application(x, y):
    def weighted(a, b, w):
        return w * a + (1 - w) * b

    f = functools.partial(weighted, w=0.3)
    return f(x, y) * f(y, x)


def global_constant_read(x):
    return np.sum(GLOBAL_WEIGHTS * x ** 2)


GLOBAL_WEIGHTS = np.array([1.0, 2.0, 3.0])


def math_mix(x, y):
    return (math.atan2(y, x) + math.hypot(x, y) + math.log1p(x * x) + math.expm1(y)
            + math.copysign(1.0, x) * math.fabs(y) + math.pow(x * x + 1, y))


def integer_division_and_mod(x):
    n = 7
    total = 0.0
    for k in range(n):
        total += x ** (k // 2) * (k % 3)
    return total


def power_edge_cases(x):
    return np.sum(x ** 0.5) + np.sum(np.power(x, 3)) + np.sum(x ** -1) + np.sum(np.sqrt(x) ** 3)


def log_sum_exp_axis(M):
    m = M.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(M - m).sum(axis=1))
    return lse.sum() - np.mean(M)


def mixture_log_likelihood(means, log_sigmas, logits, data):
    w = softmax(logits)
    ll = 0.0
    for x in data:
        comps = w * np.exp(-0.5 * ((x - means) / np.exp(log_sigmas)) ** 2) / (np.sqrt(2 * np.pi) * np.exp(log_sigmas))
        ll += np.log(np.sum(comps))
    return ll


def em_step_gmm(means, data):
    for _ in range(3):
        d = data[:, None] - means[None, :]
        r = np.exp(-0.5 * d ** 2)
        r = r / r.sum(axis=1, keepdims=True)
        means = (r * data[:, None]).sum(axis=0) / r.sum(axis=0)
    return np.sum(means ** 2)


def pca_reconstruction(X):
    Xc = X - X.mean(axis=0)
    C = Xc.T @ Xc / (X.shape[0] - 1)
    w, V = np.linalg.eigh(C)
    v = V[:, -1]
    recon = np.outer(Xc @ v, v)
    return np.sum((Xc - recon) ** 2)


def ridge_closed_form(lam, X, y):
    A = X.T @ X + lam * np.eye(X.shape[1])
    w = np.linalg.solve(A, X.T @ y)
    return np.sum((X @ w - y) ** 2)


def cross_validation_ridge(lam, X, y):
    total = 0.0
    n = len(y)
    for k in range(n):
        keep = [i for i in range(n) if i != k]
        Xk, yk = X[keep], y[keep]
        w = np.linalg.solve(Xk.T @ Xk + lam * np.eye(X.shape[1]), Xk.T @ yk)
        total += (X[k] @ w - y[k]) ** 2
    return total / n


def poisson_regression(w, X, counts):
    eta = X @ w
    return np.sum(np.exp(eta) - counts * eta)


def ar1_loglik(phi, sigma, series):
    resid = series[1:] - phi * series[:-1]
    n = len(resid)
    return -0.5 * n * np.log(2 * np.pi * sigma ** 2) - np.sum(resid ** 2) / (2 * sigma ** 2)


def hmm_forward(log_trans, log_emit, obs):
    T = np.exp(log_trans) / np.exp(log_trans).sum(axis=1, keepdims=True)
    E = np.exp(log_emit) / np.exp(log_emit).sum(axis=1, keepdims=True)
    alpha = np.array([0.5, 0.5]) * E[:, obs[0]]
    log_lik = 0.0
    for o in obs[1:]:
        alpha = (alpha @ T) * E[:, o]
        c = alpha.sum()
        log_lik += np.log(c)
        alpha = alpha / c
    return log_lik


def heat_implicit_jacobi(u0, kappa):
    u = u0.copy()
    n = len(u)
    for _ in range(4):
        new = u.copy()
        for i in range(1, n - 1):
            new[i] = (u0[i] + kappa * (u[i - 1] + u[i + 1])) / (1 + 2 * kappa)
        u = new
    return np.sum(u ** 2)


def trapezoid_integral(a, b):
    xs = np.linspace(a, b, 21)
    ys = np.exp(-xs ** 2)
    return np.trapezoid(ys, xs)


def simpson_by_hand(k):
    n = 10
    h = 1.0 / n
    total = math.sin(0.0) + math.sin(k)
    for i in range(1, n):
        w = 4 if i % 2 else 2
        total += w * math.sin(k * i * h)
    return total * h / 3


# ----- third batch: SciPy, seeded draws, objects, odd control flow -----------------------------------


def scipy_special_mix(x):
    from scipy import special
    return np.sum(special.gammaln(x) + special.expit(x) + special.erf(x) + special.logsumexp(x) * x
                  + special.xlogy(x, x) + special.digamma(x))


def scipy_stats_loglik(mu, log_sigma, data):
    from scipy import stats
    sigma = np.exp(log_sigma)
    return np.sum(stats.norm.logpdf(data, mu, sigma)) + stats.t.logpdf(mu, 3.0) + np.sum(stats.norm.logcdf(data - mu))


def scipy_softmax_log(x):
    from scipy.special import log_softmax, softmax as sp_softmax
    return np.sum(log_softmax(x) * sp_softmax(2.0 * x))


def gamma_poisson_scipy(log_rate, counts):
    from scipy import special
    rate = np.exp(log_rate)
    return np.sum(counts * np.log(rate) - rate - special.gammaln(counts + 1))


def rng_normal_bootstrap(theta, data):
    rng = np.random.default_rng(42)
    total = 0.0
    for _ in range(3):
        sample = rng.choice(data, size=len(data), replace=True)  # <- choice-of-array
        total += np.mean((sample - theta) ** 2)
    return total


def rng_permutation_pairs(x):
    rng = np.random.default_rng(5)
    perm = rng.permutation(len(x))
    return np.sum(x * x[perm]) + np.sum(np.diff(x[perm]) ** 2)


def rng_noise_added_to_parameter(w):
    rng = np.random.default_rng(1)
    noisy = w + 0.01 * rng.standard_normal(w.shape)
    return np.sum(np.sin(noisy) ** 2)


def rng_integers_index(x):
    rng = np.random.default_rng(9)
    idx = rng.integers(0, len(x), size=6)
    return np.sum(x[idx] ** 3)


def legacy_seed_state(x):
    state = np.random.RandomState(0)
    eps = state.normal(size=x.shape)
    return np.sum((x + eps) ** 2)


def monte_carlo_expectation(mu, sigma):
    rng = np.random.default_rng(123)
    z = rng.standard_normal(200)
    samples = mu + sigma * z
    return np.mean(np.tanh(samples))


@dataclass
class Layer:
    W: np.ndarray
    b: np.ndarray

    def __call__(self, x):
        return np.tanh(self.W @ x + self.b)


def dataclass_layers(W1, b1, W2, b2, x):
    layers = [Layer(W1, b1), Layer(W2, b2)]
    for layer in layers:
        x = layer(x)
    return np.sum(x ** 2)


@dataclass
class GaussianPrior:
    mean: float = 0.0
    scale: float = 1.0

    def logpdf(self, x):
        return -0.5 * ((x - self.mean) / self.scale) ** 2 - math.log(self.scale)


def dataclass_prior(theta, scale):
    prior = GaussianPrior(scale=scale)
    return prior.logpdf(theta) + GaussianPrior().logpdf(theta * 2.0)


class Point(NamedTuple):
    x: float
    y: float

    def norm2(self):
        return self.x ** 2 + self.y ** 2


def namedtuple_method(a, b):
    p = Point(a, b)
    q = Point(b, a * b)
    return p.norm2() + q.norm2() + p.x * q.y


def namedtuple_list_polygon_area(xs, ys):
    pts = [Point(x, y) for x, y in zip(xs, ys)]
    area = 0.0
    for p, q in zip(pts, pts[1:] + pts[:1]):
        area += p.x * q.y - q.x * p.y
    return 0.5 * abs(area)


@dataclass
class Config:
    hidden: int = 3
    scales: list = field(default_factory=lambda: [1.0, 0.5])


def dataclass_field_default(x):
    cfg = Config()
    total = 0.0
    for s in cfg.scales:
        total += s * np.sum(x[:cfg.hidden] ** 2)
    return total


class Quadratic:
    def __init__(self, a, b):
        self.a = a
        self.b = b

    def __call__(self, x):
        return self.a * x ** 2 + self.b * x

    @property
    def vertex(self):
        return -self.b / (2 * self.a)


def property_on_simple_object(a, b):
    q = Quadratic(a, b)
    return q(q.vertex) + q(1.0)


def try_except_fallback(x):
    try:  # <- try-feeds-result
        value = math.log(x)
    except ValueError:
        value = x
    return value * x


def assert_and_isinstance(x):
    assert x.ndim == 1
    if isinstance(x, np.ndarray):
        x = x * 2.0
    return float(np.sum(x ** 2))


def continue_in_nested_loops(M):
    total = 0.0
    for i in range(M.shape[0]):
        for j in range(M.shape[1]):
            if i == j:
                continue
            if M[i, j] < -1.5:
                break
            total += M[i, j] * (i + 1)
    return total


def conditional_expression_chain(x):
    y = x ** 2 if x > 0 else -x
    z = y if y < 1.0 else math.sqrt(y)
    return z * x


def string_format_in_loop(x):
    log = []
    total = 0.0
    for k in range(3):
        total += x ** k
        log.append(f"step {k}: {total:.3f}")
    return total + len(log)


def boolean_ops_guard(x, y):
    if x > 0 and (y > 0 or x > y):
        return x * y
    return x + y


def global_counter_untouched(x):
    return np.sum(np.polyval([1.0, -2.0, 0.5], x))


def sum_of_lists_start(xs):
    pieces = [[v, v * v] for v in xs]
    flat = sum(pieces, [])  # <- sum-with-list-start
    return sum(w * (k + 1) for k, w in enumerate(flat))


def nested_comprehension_matrix(x):
    M = np.array([[x[i] * x[j] if i <= j else 0.0 for j in range(len(x))] for i in range(len(x))])
    return np.sum(M @ M)


def max_with_default_and_key(xs):
    best = max(xs, key=lambda v: -(v - 0.5) ** 2, default=0.0)
    return best * sum(xs)


def min_of_generator(xs):
    return min(v * v + 0.1 * k for k, v in enumerate(xs))


def iterative_refinement(A, b):
    x = np.zeros_like(b)
    for _ in range(30):
        r = b - A @ x
        x = x + 0.3 * r
        if np.max(np.abs(r)) < 1e-14:
            break
    return x @ x


def gradient_descent_inner(w0, X, y):
    w = w0.copy()
    for _ in range(10):
        g = X.T @ (X @ w - y) / len(y)
        w -= 0.2 * g
    return np.sum((X @ w - y) ** 2)


def soft_threshold_loop(x, lam):
    out = []
    for v in x:
        if v > lam:
            out.append(v - lam)
        elif v < -lam:
            out.append(v + lam)
        else:
            out.append(0.0)
    return sum(o * o for o in out)


def piecewise_linear_interp(t, knots_y):
    knots_x = np.array([0.0, 0.5, 1.0, 1.5])
    return np.sum(np.interp(t, knots_x, knots_y) ** 2)


def polyfit_style_normal_eq(x, y):
    V = np.vander(x, 3)
    coef = np.linalg.solve(V.T @ V, V.T @ y)
    return coef @ coef


def kron_and_block(a, B):
    K = np.kron(np.eye(2), B)
    v = np.concatenate([a, a ** 2])
    return v @ K @ v


def sinkhorn(C, eps):
    K = np.exp(-C / eps)
    u = np.ones(C.shape[0])
    v = np.ones(C.shape[1])
    for _ in range(20):
        u = 1.0 / (K @ v)
        v = 1.0 / (K.T @ u)
    P = u[:, None] * K * v[None, :]
    return np.sum(P * C)


def log_det_chol_numpy(A):
    S = A @ A.T + np.eye(A.shape[0])
    L = np.linalg.cholesky(S)
    return 2.0 * np.sum(np.log(np.diag(L))) + np.sum(np.linalg.inv(L) ** 2)


def triangular_backsolve_numpy_free(L, b):
    n = len(b)
    x = [0.0] * n
    for i in range(n):
        s = b[i]
        for j in range(i):
            s -= L[i][j] * x[j]
        x[i] = s / L[i][i]
    return sum(v * v for v in x)


def polar_decomposition_loss(A):
    U, s, Vt = np.linalg.svd(A)
    return np.sum(s) + np.sum((U @ Vt) * A)


# ----- fourth batch: in-place idioms, methods of arrays and lists --------------------------------


def callee_updates_and_returns(x):
    def step(v, k):
        v = v * k
        v += 1.0
        return v

    y = x.copy()
    for k in (0.5, 2.0, -1.0):
        y = step(y, k)
    return np.sum(y ** 2)


def matmul_inplace_ops(A, x):
    v = x.copy()
    v @= A
    v **= 2
    v -= np.mean(v)
    return np.sum(v * x)


def list_sort_in_place(xs):
    ys = list(xs)
    ys.sort()
    ys.reverse()
    return ys[0] * 3.0 + ys[-1] + sum(ys[1:-1]) * 0.5


def nonlocal_accumulator(x):
    total = 0.0

    def add(v):
        nonlocal total
        total += v * v

    for k in range(3):
        add(x * k)  # <- nonlocal-augmented-in-loop
    return total


def array_methods_chain(M):
    return (M.sum(axis=0).prod() + M.mean() * M.max() + M.T.dot(M).trace() + M.std()
            + M.clip(-0.55, 0.55).sum() + M.cumsum().sum())


def astype_and_asarray(x, y):
    v = np.asarray([x, y, x * y]).astype(float)
    w = np.array([x, 2.0 * y])
    return float(v @ v) + float(np.prod(w))


def round_floor_mix(x):
    return x * round(2.7) + np.floor(x) * x + math.floor(3.2) * x ** 2 + divmod(7, 2)[0] * x


def min_max_clamp(x, lo, hi):
    return min(max(x, lo), hi) ** 2 + max(x * x, lo, hi)


def roll_and_shift(x):
    y = np.roll(x, 1)
    z = np.roll(x, -2)
    return np.sum(x * y) + np.sum((z - x) ** 2)


def reversed_view_add(x):
    y = x.copy()
    y[::-1] += x
    return np.sum(y * np.arange(len(y)))


def item_and_tolist(x):
    v = x.tolist()
    return sum(w ** 2 for w in v) + x.sum().item() * x[0]


def sort_then_trim(x):
    s = np.sort(x)
    trimmed = s[1:-1]
    return np.mean(trimmed) + np.max(x) - np.min(x)


def percentile_free_median(x):
    s = np.sort(x)
    n = len(s)
    return s[n // 2] if n % 2 else 0.5 * (s[n // 2 - 1] + s[n // 2])


def outer_via_newaxis(a, b):
    M = a[:, np.newaxis] * b[np.newaxis, :]
    return np.sum(np.tanh(M)) + np.sum(M[..., 0])


def boolean_mask_reduction(x, threshold):
    mask = x > threshold
    return np.sum(x[mask] ** 2) + np.mean(x[~mask]) * threshold


def masked_assignment_scalar(x):
    y = x.copy()
    y[y < 0] = 0.0
    y[y > 1.0] = 1.0 + 0.1 * (y[y > 1.0] - 1.0)
    return np.sum(y ** 2)


def stack_columns_regression(x1, x2, y):
    X = np.column_stack([np.ones_like(x1), x1, x2 ** 2])
    beta = np.linalg.solve(X.T @ X + 0.1 * np.eye(3), X.T @ y)
    return np.sum((X @ beta - y) ** 2)


def meshgrid_energy(a, b):
    xs = np.linspace(-1.0, 1.0, 4)
    X, Y = np.meshgrid(xs, xs)
    return np.sum(np.exp(-(a * X ** 2 + b * Y ** 2)))


def prod_and_geometric_mean(x):
    return np.prod(x) ** (1.0 / len(x)) + np.exp(np.mean(np.log(x)))


def scan_with_list_of_states(theta):
    states = [np.array([1.0, 0.0])]
    R = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    for _ in range(5):
        states.append(R @ states[-1] * 0.9)
    return sum(s[1] for s in states) + states[3][0]


def tridiagonal_thomas(a, b, c, d):
    n = len(d)
    cp = np.zeros(n)
    dp = np.zeros(n)
    cp[0] = c[0] / b[0]
    dp[0] = d[0] / b[0]
    for i in range(1, n):
        m = b[i] - a[i] * cp[i - 1]
        cp[i] = c[i] / m if i < n - 1 else 0.0
        dp[i] = (d[i] - a[i] * dp[i - 1]) / m
    x = np.zeros(n)
    x[-1] = dp[-1]
    for i in range(n - 2, -1, -1):
        x[i] = dp[i] - cp[i] * x[i + 1]
    return x @ x


def gauss_seidel(A, b):
    x = np.zeros(len(b))
    for _ in range(10):
        for i in range(len(b)):
            s = A[i] @ x - A[i, i] * x[i]
            x[i] = (b[i] - s) / A[i, i]
    return np.sum(x)


def lu_decomposition_doolittle(A):
    n = A.shape[0]
    U = A.copy()
    L = np.eye(n)
    for k in range(n - 1):
        for i in range(k + 1, n):
            L[i, k] = U[i, k] / U[k, k]
            U[i, k:] = U[i, k:] - L[i, k] * U[k, k:]
    return np.sum(np.log(np.abs(np.diag(U)))) + np.sum(L)


def gram_schmidt_columns(A):
    Q = np.zeros_like(A)
    for j in range(A.shape[1]):
        v = A[:, j].copy()
        for i in range(j):
            v -= (Q[:, i] @ A[:, j]) * Q[:, i]
        Q[:, j] = v / np.linalg.norm(v)
    return np.sum(Q * A)


def string_dispatch_activation(x, kind):
    table = {"relu": lambda v: np.maximum(v, 0.0), "tanh": np.tanh, "sq": np.square}
    return np.sum(table[kind](x))  # <- table-of-functions


def getattr_dispatch(x, name):
    f = getattr(np, name)
    return np.sum(f(x))  # <- getattr-function


# ----- plain classes: attributes stored by one tuple assignment, methods from a base class ----------


class Linear(Module):
    def __init__(self, W, b, gain=1.0):
        self.W, self.b, self.gain = W, b, gain

    def parameters(self):
        return [self.W, self.b]

    def __call__(self, x):
        return self.gain * np.tanh(self.W @ x + self.b)


def base_class_layers(W1, b1, W2, b2, x):
    first = Linear(W1, b1)
    second = Linear(W2, b2, 0.5)
    out = second(first(x))
    return np.sum(out ** 2) + 0.01 * (first.penalty() + second.penalty())


def listed_base_class_layers(W1, b1, W2, b2, x):
    layers = [Linear(W1, b1), Linear(W2, b2, gain=2.0)]
    for layer in layers:
        x = layer(x)
    return np.sum(x) + sum(layer.penalty() for layer in layers)


class Pair:
    def __init__(self, a, b):
        self.a, self.b = b, a  # (stored crosswise)

    def value(self):
        return self.a * 2.0 + self.b ** 3


def crosswise_tuple_store(x, y):
    p = Pair(x, y)
    return p.value() + p.a


class Base:
    def __init__(self, W):
        self.W = W


class WithBias(Base):
    def __init__(self, W, b):
        super().__init__(W)
        self.b = b


def subclass_calls_super_init(W, b, x):
    layer = WithBias(W, b)  # <- base-class-init
    return np.sum(layer.W @ x + layer.b)


class Logged:
    def __setattr__(self, name, value):
        object.__setattr__(self, name, value * 2.0 if name == "scale" else value)


class Scaled(Logged):
    def __init__(self, scale):
        self.scale = scale


def base_class_with_setattr(s, x):
    obj = Scaled(s)  # <- base-setattr
    return obj.scale * x


# ----- fifth batch: aliasing pitfalls of Python and NumPy ----------------------------------------


def row_swap_through_views(A):
    B = A.copy()
    B[0], B[1] = B[1], B[0]  # <- row-swap-views
    return np.sum(B * np.arange(B.size).reshape(B.shape))


def row_swap_with_copies(A):
    B = A.copy()
    B[0], B[1] = B[1].copy(), B[0].copy()
    return np.sum(B * np.arange(B.size).reshape(B.shape))


def fancy_row_swap(A):
    B = A.copy()
    B[[0, 1]] = B[[1, 0]]
    return np.sum(B * np.arange(B.size).reshape(B.shape))


def overlapping_slice_shift(x):
    y = x.copy()
    y[1:] = y[:-1]
    y[:-1] += y[1:]
    return np.sum(y * np.arange(1.0, len(y) + 1))


def add_own_transpose(M):
    A = M.copy()
    A += A.T
    return np.sum(A * M)


def list_of_lists_aliasing(x):
    grid = [[0.0] * 3] * 3
    grid[0][1] = x  # <- list-times-three-item-write
    grid[2][2] = x * x
    return sum(sum(row) for row in grid) + grid[1][1]


def list_of_lists_fresh(x):
    grid = [[0.0] * 3 for _ in range(3)]
    grid[0][1] = x  # <- nested-list-item-write
    grid[2][2] = x * x
    return sum(sum(row) for row in grid) + grid[1][1]


def repeated_array_in_list(x):
    v = x.copy()
    rows = [v, v]
    rows[0][0] = 5.0 * x[1]  # <- repeated-array-write
    return np.sum(rows[1] * x)


def chained_assignment_alias(x):
    a = b = np.zeros(3)
    a[0] = x[0]  # <- chained-alias-write
    b[1] = x[1] * a[0]
    return np.sum(a * b) + a[1]


def rebinding_not_alias(x):
    y = x
    y = y + 1.0
    y *= 2.0
    return np.sum(y * x)


def sort_method_on_copy(x):
    s = x.copy()
    s.sort()
    return s[-1] * 2.0 + s[0] + np.sum(s[1:3] * x[1:3])


def zero_d_array_accumulator(x):
    acc = np.array(0.0)
    for v in x:
        acc += v * v
    return float(acc) * 2.0


def list_recurrence_in_place(a, n=6):
    xs = [1.0] * n
    for i in range(1, n):
        xs[i] = xs[i - 1] * a + 0.1 * i
    return sum(xs)


def dict_tuple_keys(x):
    table = {}
    for i in range(2):
        for j in range(2):
            table[(i, j)] = x[i] * x[j] + i - j
    return table[(0, 1)] * table[(1, 1)] + table.get((3, 3), 0.5) * x[0]


def setdefault_grouping(values, groups):
    sums = {}
    for v, g in zip(values, groups):
        sums.setdefault(g, 0.0)  # <- setdefault
        sums[g] += v
    return sum(s ** 2 for s in sums.values())


def itertools_accumulate(xs):
    import itertools
    running = list(itertools.accumulate(xs))
    products = list(itertools.accumulate(xs, lambda a, b: a * b))
    return sum(running) + products[-1]


def maximum_accumulate(x):
    peak = np.maximum.accumulate(x)
    return np.sum(peak - x) + np.sum(peak ** 2)


def negative_base_integer_power(x):
    return np.sum(x ** 3) + np.sum(x ** 2.0) + sum(v ** 3 for v in x)


def scalar_conversions(x):
    a = np.float64(x[0])
    b = float(x[1])
    c = x[2].item()
    return a * b + c ** 2 + np.float64(a * c)


def transpose_unzip(rows):
    cols = list(zip(*rows))
    return sum(c[0] * c[-1] for c in cols) + sum(map(sum, cols))


def array_modified_after_list_append(x):
    history = []
    v = x.copy()
    for k in range(3):
        history.append(v)
        v = v * 0.5 + 1.0
    v[0] = 99.0  # <- write-after-append
    return sum(np.sum(h ** 2) for h in history)


def inplace_into_appended_array(x):
    history = []
    v = x.copy()
    for k in range(3):
        history.append(v.copy())
        v *= 0.5
        v += x
    return sum(np.sum(h * (i + 1)) for i, h in enumerate(history)) + np.sum(v)


def view_read_after_base_write(x):
    y = x.copy()
    head = y[:2]
    y[0] = 3.0 * y[1]
    return np.sum(head * x[:2]) + y[0]


def diagonal_view_write(A):
    B = A.copy()
    d = np.diagonal(B)
    s = np.sum(d * d)
    B[1, 1] = 0.0
    return s + np.sum(B)


def global_list_read(x):
    return sum(w * v for w, v in zip(COEFFS, x))


COEFFS = [0.5, -1.0, 2.0]


def built_object_called(W, b, x):
    return np.sum(Dense(W, b, "relu")(x) ** 2)  # <- object-called-as-built


def named_object_called(W, b, x):
    layer = Dense(W, b, "relu")
    return np.sum(layer(x) ** 2)


class Centering:
    weight = 2.0

    @staticmethod
    def center(x):
        return x - np.mean(x)

    def apply(self, x):
        return self.weight * self.center(x)


def stateless_helper_object(x):
    helper = Centering()
    return np.sum(helper.apply(x) ** 3) + helper.weight * x[0]


def attribute_set_on_fieldless_object(x):
    helper = Centering()
    helper.weight = x[0]  # <- attribute-not-set-by-init
    return np.sum(helper.apply(x) ** 3)


class HistoryLog:
    history = []

    def log(self, v):
        self.history.append(v)  # <- class-list-appended
        return v

    def total(self):
        return sum(self.history)


def class_attribute_list_appended(x):
    log = HistoryLog()
    log.log(x * x)
    log.log(3.0 * x)
    return log.total()


class Buffer:
    store = np.zeros(3)

    def put(self, i, v):
        self.store[i] = v

    def read(self):
        return np.sum(self.store ** 2)


def class_attribute_array_written(x):
    buffer = Buffer()
    buffer.put(0, x)  # <- class-array-written
    buffer.put(1, 2.0 * x)
    return buffer.read()


# ----- sixth batch: models written at more length ---------------------------------------------------


@dataclass
class GPHyper:
    log_ls: float
    log_sf: float
    log_sn: float

    @property
    def lengthscale(self):
        return math.exp(self.log_ls)


def gp_dataclass_hyper(hyper, X, y):
    ls = hyper.lengthscale
    sf2 = math.exp(2 * hyper.log_sf)
    sn2 = math.exp(2 * hyper.log_sn)
    d2 = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    K = sf2 * np.exp(-0.5 * d2 / ls ** 2) + sn2 * np.eye(len(y))
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return 0.5 * y @ alpha + np.log(np.diag(L)).sum()


def kalman_smoother_energy(q, ys):
    ms, ps = [], []
    m, p = 0.0, 1.0
    for y in ys:
        p = p + q
        k = p / (p + 0.3)
        m = m + k * (y - m)
        p = (1 - k) * p
        ms.append(m)
        ps.append(p)
    sm = ms[-1]
    total = sm ** 2
    for t in range(len(ys) - 2, -1, -1):
        gain = ps[t] / (ps[t] + q)
        sm = ms[t] + gain * (sm - ms[t])
        total += sm ** 2
    return total


def double_pendulum_energy(theta1, theta2, steps=30, dt=0.01):
    w1 = w2 = 0.0
    for _ in range(steps):
        delta = theta1 - theta2
        den = 2.0 - math.cos(2 * delta)
        a1 = (-3 * 9.8 * math.sin(theta1) - 9.8 * math.sin(theta1 - 2 * theta2)
              - 2 * math.sin(delta) * (w2 ** 2 + w1 ** 2 * math.cos(delta))) / den
        a2 = (2 * math.sin(delta) * (2 * w1 ** 2 + 2 * 9.8 * math.cos(theta1) + w2 ** 2 * math.cos(delta))) / den
        w1 += dt * a1
        w2 += dt * a2
        theta1 += dt * w1
        theta2 += dt * w2
    return theta1 * theta2 + w1 - w2


def verlet_spring_chain(k, x0):
    x = x0.copy()
    x_prev = x0.copy()
    dt = 0.05
    for _ in range(20):
        f = np.zeros_like(x)
        f[1:] -= k * (x[1:] - x[:-1] - 1.0)
        f[:-1] += k * (x[1:] - x[:-1] - 1.0)
        x_new = 2 * x - x_prev + dt ** 2 * f
        x_prev, x = x, x_new
    return np.sum((x - x0) ** 2)


def attention_with_padding_mask(X, W, lengths):
    scores = X @ W @ X.T
    n = X.shape[0]
    mask = np.arange(n)[None, :] < lengths[:, None]
    scores = np.where(mask, scores, -np.inf)
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights = weights / weights.sum(axis=1, keepdims=True)
    return np.sum((weights @ X) ** 2)


def vae_elbo_batch(W_enc, W_dec, batch):
    rng = np.random.default_rng(2024)
    total = 0.0
    for x in batch:
        h = np.tanh(W_enc @ x)
        mu, log_var = h[:2], h[2:]
        z = mu + np.exp(0.5 * log_var) * rng.normal(size=2)
        logits = W_dec @ z
        recon = np.sum(np.logaddexp(0.0, logits) - x * logits)
        kl = 0.5 * np.sum(np.exp(log_var) + mu ** 2 - 1.0 - log_var)
        total += recon + kl
    return total / len(batch)


def black_scholes_greeks_sum(S, sigma):
    K, T, r = 1.0, 0.75, 0.01
    sqrt_t = math.sqrt(T)
    d1 = (math.log(S / K) + (r + sigma * sigma / 2) * T) / (sigma * sqrt_t)
    d2 = d1 - sigma * sqrt_t
    n = lambda v: 0.5 * math.erfc(-v / math.sqrt(2))
    pdf = math.exp(-d1 * d1 / 2) / math.sqrt(2 * math.pi)
    call = S * n(d1) - K * math.exp(-r * T) * n(d2)
    put = call - S + K * math.exp(-r * T)
    vega = S * pdf * sqrt_t
    return call + 0.5 * put + 0.1 * vega


def logistic_newton_irls(X, y, lam):
    w = np.zeros(X.shape[1])
    for _ in range(6):
        p = 1 / (1 + np.exp(-X @ w))
        grad = X.T @ (p - y) + lam * w
        H = X.T @ (X * (p * (1 - p))[:, None]) + lam * np.eye(X.shape[1])
        w = w - np.linalg.solve(H, grad)
    return w @ w


def secant_root(a):
    x0, x1 = 0.5, 1.5
    f0 = x0 ** 3 - a
    for _ in range(40):
        f1 = x1 ** 3 - a
        if abs(f1) < 1e-15 or f1 == f0:
            break
        x0, x1, f0 = x1, x1 - f1 * (x1 - x0) / (f1 - f0), f1
    return x1 ** 2


def nonlocal_rebound_in_loop(x):
    total = 0.0

    def add(v):
        nonlocal total
        total = total + v * v

    for k in range(3):
        add(x * k)
    return total


# ----- seventh batch: objects of plain classes, read in the ways Python allows --------------------------


class Activation:
    slope = 0.1

    def __call__(self, z):
        return np.where(z > 0, z, self.slope * z)

    @property
    def name(self):
        return "leaky"


class Block(Module):
    def __init__(self, W):
        self.W = W

    def forward(self, x):
        return x + self.W @ x

    def penalty(self):
        return 0.5 * np.sum(self.W ** 2)


class ScaledBlock(Block):
    def forward(self, x):
        return 2.0 * super().forward(x)


def object_without_init_called(x):
    act = Activation()
    return np.sum(act(x) ** 2) + len(act.name)


def overridden_base_method(W, x):
    block = Block(W)
    return np.sum(np.tanh(block.forward(x))) + block.penalty()


def isinstance_of_base(W, x):
    block = Block(W)
    if isinstance(block, Module):
        x = block.forward(x)
    return np.sum(x ** 2)


def subclass_super_method(W, x):
    block = ScaledBlock(W)
    return np.sum(block.forward(x) ** 2)  # <- super-in-method-of-built-object


def two_objects_same_class(W1, W2, x):
    a, b = Block(W1), Block(W2)
    return np.sum(b.forward(a.forward(x))) + a.penalty() * b.penalty()


def type_name_branch(W, x):
    block = Block(W)
    if type(block).__name__ == "Block":  # <- type-of-built-object
        return np.sum(block.forward(x))
    return 0.0


class TanhBlock(Block):
    def forward(self, x):
        return np.tanh(self.W @ x) + Block.forward(self, x)


def inherited_init_subclass(W, x):
    block = TanhBlock(W)
    h = block.forward(block.forward(x))
    return np.sum(h ** 2) + block.penalty()


class Timed(contextlib.ContextDecorator):
    def __init__(self, w):
        self.w = w

    def value(self, x):
        return self.w * x


def library_base_class(w, x):
    timed = Timed(w)  # <- library-base-class
    return timed.value(x) ** 2


# ----- eighth batch: containers whose items carry no tangent, in every mode ---------------------------


class Weights(NamedTuple):
    W: np.ndarray
    b: np.ndarray


def namedtuple_list_one_constant(W, b, x):
    layers = [Weights(W, b), Weights(np.eye(3), np.zeros(3))]
    for layer in layers:
        x = np.tanh(layer.W @ x + layer.b)
    return np.sum(x ** 2)


def dict_of_layers_one_constant(W, x):
    layers = {"first": Layer(W, np.zeros(3)), "second": Layer(np.eye(3) * 0.5, np.ones(3))}
    for name in ["first", "second"]:
        x = layers[name](x)  # <- dict-of-objects-called
    return np.sum(x)


def list_of_arrays_one_constant(w, x):
    mats = [np.eye(3), w * np.ones((3, 3)), np.diag([1.0, 2.0, 3.0])]
    for M in mats:
        x = M @ x
    return np.sum(x ** 2)


def nested_lists_of_records(W1, W2, x):
    stages = [[Layer(W1, np.zeros(3))], [Layer(np.eye(3), np.ones(3)), Layer(W2, np.zeros(3))]]
    for stage in stages:
        for layer in stage:
            x = layer(x)  # <- nested-list-items-called
    return np.sum(x)


def tuple_of_records(W, x):
    pair = (Layer(np.eye(3), np.zeros(3)), Layer(W, np.ones(3)))
    first, second = pair
    return np.sum(second(first(x)) ** 2)  # <- tuple-unpacked-objects-called


def record_list_indexed(W, x):
    layers = [Layer(np.eye(3), np.zeros(3)), Layer(W, np.ones(3))]
    return np.sum(layers[1](layers[0](x))) + np.sum(layers[-1].W)


def parallel_objects_swapped(W1, W2, x):
    a, b = Block(W1), Block(W2)
    a, b = b, a
    return np.sum(b.forward(a.forward(x)))  # <- parallel-objects-rebound


def parallel_mixed_values(W, s, x):
    block, act, scale = Block(W), Activation(), 2.0 * s
    return np.sum(act(block.forward(x)) * scale)


# ----- ninth batch: SciPy's distributions and special functions with keywords ---------------------------


def scipy_distribution_keywords(a, scale, x):
    from scipy import stats
    return (np.sum(stats.gamma.logpdf(x, a, scale=scale)) + np.sum(stats.lognorm.logpdf(x, a, scale=scale))
            + np.sum(stats.expon.logpdf(x, scale=scale)) + np.sum(stats.beta.logpdf(x / 4.0, a, 2.0))
            + np.sum(stats.weibull_min.logpdf(x, a, scale=scale)))


def scipy_discrete_loglik(rate, p, counts):
    from scipy import stats
    return np.sum(stats.poisson.logpmf(counts, rate)) + np.sum(stats.binom.logpmf(counts, 6, p))


def scipy_negative_binomial(log_n, p, counts):
    from scipy import stats
    return np.sum(stats.nbinom.logpmf(counts, np.exp(log_n), p)) + stats.nbinom.logpmf(2, 3, p)


def scipy_special_more(x):
    from scipy import special
    return np.sum(special.betaln(x, 2.0 * x) + special.logit(x / 3.0) + special.log_ndtr(x - 1.0)
                  + special.ndtri(x / 3.0) + special.gammainc(2.0, x) + special.erfcx(x) + special.polygamma(1, x))


def scipy_cdfs_and_survival(mu, sigma, x):
    from scipy import stats
    z = (x - mu) / sigma
    return (np.sum(stats.norm.cdf(z)) + np.sum(stats.norm.logsf(x, loc=mu, scale=sigma))
            + np.sum(stats.t.cdf(x, 4.0, loc=mu, scale=sigma)))


def scipy_logistic_logcdf(mu, sigma, x):
    from scipy import stats
    return np.sum(stats.logistic.logcdf(x, mu, sigma)) + np.sum(stats.logistic.logcdf(-x / sigma))


def scipy_multivariate(mean, cov_diag, data):
    from scipy import stats
    cov = np.diag(np.exp(cov_diag))
    return np.sum(stats.multivariate_normal.logpdf(data, mean=mean, cov=cov))
