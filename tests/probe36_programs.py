"""Programs written as their users write them, less usual shapes (tests/test_probe36_programs.py): a
class whose method calls a helper method, a neural ODE stepped by Euler, log-sum-exp by hand, a
mixture's likelihood with scipy.special.logsumexp, a natural cubic spline (a tridiagonal system
written entry by entry, np.searchsorted), a 1-D finite-element assembly (inline and in a helper),
Lotka-Volterra stored in a list rebound to its array, pinball and Huber losses with np.where, pair
energies over i < j, a module-level config dict, early returns with break and continue (inline
and in a helper called in a loop), a while loop to a tolerance (with an else), zip and enumerate
unpacked, augmented writes into slices, concatenate/stack/split, a matrix power by @, stable
softplus and log-sigmoid, det/inv/slogdet, np.polyval and np.interp, (n, 1) against (1, m) with
axis tuples, math mixed with NumPy, a recursive de Casteljau, a Chebyshev recurrence, a dataclass
model, meshgrid and trapezoid, eigh/qr/lstsq, triu_indices, quantiles, tile/repeat/cumprod,
np.gradient, rollouts stacked in a helper, a fixed point, a dict of statistics, norms, an RNN
written into a preallocated array, np.fill_diagonal, einsum traces, batched solves and transposes,
Ellipsis/newaxis/reversed slices with roll and pad, arctan2/hypot, a descending sort, softmax with a
temperature, a periodic Laplacian, a seeded draw, rows and columns iterated, zip(*A), dict items
unpacked, and callees whose lists are rebound (to a tuple, a comprehension, an array per
iteration) or popped, discounted returns built by list.insert; and refused ones: a zip object given to sorted, a callee
appending to its argument.
"""
import math
from dataclasses import dataclass

import numpy as np


class Regressor:
    def __init__(self, W, b, alpha):
        self.W = W
        self.b = b
        self.alpha = alpha

    def predict(self, x):
        return np.tanh(self.W @ x + self.b)

    def penalty(self):
        return np.sum(self.W ** 2)

    def loss(self, x, y):
        r = self.predict(x) - y
        return 0.5 * np.sum(r ** 2) + self.alpha * self.penalty()  # <- object-attribute


def regressor_loss(W, b, x, y):
    model = Regressor(W, b, 0.1)
    return model.loss(x, y)


def neural_ode(W, b, y0, steps=20, dt=0.05):
    y = y0
    for _ in range(steps):
        y = y + dt * np.tanh(W @ y + b)
    return np.sum(y ** 2)


def logsumexp_by_hand(z):
    m = np.max(z, axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.sum(np.exp(z - m), axis=1))
    return np.sum(lse) - np.sum(z[:, 0])


def gmm_loglik(mu, log_sigma, logits, x):
    from scipy.special import logsumexp
    log_w = logits - logsumexp(logits)
    sigma = np.exp(log_sigma)
    d = (x[:, None] - mu[None, :]) / sigma[None, :]
    comp = -0.5 * d ** 2 - log_sigma[None, :] - 0.5 * np.log(2 * np.pi)
    return -np.sum(logsumexp(comp + log_w[None, :], axis=1))


def natural_spline(ys, t, xs):
    n = len(xs)
    h = np.diff(xs)
    A = np.zeros((n, n))
    r = np.zeros(n)
    A[0, 0] = 1.0
    A[n - 1, n - 1] = 1.0
    for i in range(1, n - 1):
        A[i, i - 1] = h[i - 1]
        A[i, i] = 2.0 * (h[i - 1] + h[i])
        A[i, i + 1] = h[i]
        r[i] = 6.0 * ((ys[i + 1] - ys[i]) / h[i] - (ys[i] - ys[i - 1]) / h[i - 1])
    M = np.linalg.solve(A, r)
    k = np.clip(np.searchsorted(xs, t) - 1, 0, n - 2)
    hk = h[k]
    a = (xs[k + 1] - t) / hk
    b = (t - xs[k]) / hk
    s = a * ys[k] + b * ys[k + 1] + ((a ** 3 - a) * M[k] + (b ** 3 - b) * M[k + 1]) * hk ** 2 / 6.0
    return np.sum(s ** 2)


def fem_compliance(k, f):
    n = len(k) + 1
    K = np.zeros((n, n))
    local = np.array([[1.0, -1.0], [-1.0, 1.0]])
    for e in range(n - 1):
        K[e:e + 2, e:e + 2] += k[e] * local
    u = np.zeros(n)
    u[1:] = np.linalg.solve(K[1:, 1:], f[1:])
    return f @ u


def lotka_volterra(theta, z0, steps=40, dt=0.02):
    a, b, c, d = theta
    traj = [z0]
    z = z0
    for _ in range(steps):
        x, y = z[0], z[1]
        z = np.array([x + dt * (a * x - b * x * y), y + dt * (d * x * y - c * y)])
        traj.append(z)
    traj = np.array(traj)
    return np.sum((traj[:, 0] - 1.0) ** 2) + np.mean(traj[:, 1])


def pinball_huber(pred, y, tau=0.3, delta=0.5):
    r = y - pred
    pinball = np.where(r >= 0, tau * r, (tau - 1.0) * r)
    a = np.abs(r)
    huber = np.where(a <= delta, 0.5 * r ** 2, delta * (a - 0.5 * delta))
    return np.mean(pinball) + np.mean(huber)


def lennard_jones(pos, eps=1.0, sigma=1.0):
    n = pos.shape[0]
    energy = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            r = np.linalg.norm(pos[i] - pos[j])
            sr6 = (sigma / r) ** 6
            energy += 4 * eps * (sr6 ** 2 - sr6)
    return energy


CONFIG = {"activation": "softplus", "scale": 0.7, "layers": 2, "use_bias": True}


def configured_net(W, x):
    h = x
    for _ in range(CONFIG["layers"]):
        z = CONFIG["scale"] * (W @ h)
        if CONFIG["use_bias"]:
            z = z + 0.1
        if CONFIG["activation"] == "softplus":
            h = np.log1p(np.exp(z))
        else:
            h = np.tanh(z)
    return np.sum(h)


def scan_break_continue(x, limit=3.0):
    total = 0.0
    for i, v in enumerate(x):
        if v < 0:
            continue
        total += v * (i + 1)
        if total > limit:
            break
        if v > 5.0:
            return total * 2.0
    return total ** 2


def exp_series(x, tol=1e-17):
    term = 1.0
    total = 1.0
    n = 1
    while abs(term) > tol * abs(total):
        term = term * x / n
        total = total + term
        n += 1
    return total


def zip_enumerate(w, xs, ys):
    total = 0.0
    for i, (a, b) in enumerate(zip(xs, ys)):
        total += w[i] * (a - b) ** 2
    for k, (wk, a) in enumerate(zip(w, xs)):
        total = total + math.sin(k) * wk * a
    return total


def slice_updates(x, w):
    y = x.copy()
    y[1:] += 0.5 * y[:-1]
    y[:2] *= w
    y[::2] -= y[1::2].sum()
    y[-1] /= 1.5 + w ** 2
    return np.sum(y ** 3)


def concat_stack_split(a, b):
    c = np.concatenate([a, 2.0 * b, a * b])
    left, mid, right = np.split(c, 3)
    S = np.stack([left, mid, right], axis=1)
    T = np.hstack([S, np.vstack([a, b]).T])
    return np.sum(T ** 2 * np.arange(T.shape[1])) + np.sum(left * right)


def matrix_power_loop(A, k=5):
    P = np.eye(A.shape[0])
    for _ in range(k):
        P = P @ A
    return np.trace(P) + np.sum(np.linalg.matrix_power(A, 3))


def stable_logistic(x, y):
    softplus = np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))
    log_sig = -np.logaddexp(0.0, -x)
    log_one_minus = -np.logaddexp(0.0, x)
    return np.sum(softplus) - np.sum(y * log_sig + (1 - y) * log_one_minus)


def det_inv_slogdet(A):
    sign, logdet = np.linalg.slogdet(A)
    Ainv = np.linalg.inv(A)
    return np.linalg.det(A) + np.trace(Ainv @ Ainv.T) + sign * logdet


def polyval_interp(coeffs, fp, t, xp):
    p = np.polyval(coeffs, t)
    q = np.interp(t, xp, fp)
    return np.sum(p * q) + np.sum(np.polyval(coeffs, xp) ** 2)


def broadcast_axes(x, y, W):
    D = x[:, None] - y[None, :]
    K = np.exp(-D ** 2)
    T = K[:, :, None] * W[None, :, :]
    s = np.sum(T, axis=(0, 2), keepdims=True)
    m = np.mean(T, axis=(1,), keepdims=True)
    return np.sum(s ** 2) + np.sum(m * T) + np.max(K, axis=0).sum()


def math_numpy_mix(x, a):
    n = len(x)
    total = math.exp(-a) * float(np.sum(x)) / n
    for i in range(n):
        total += math.sqrt(1.0 + x[i] ** 2) * (i % 2) + np.sin(a * i) * x[i] / (i + 1)
    return total + math.log(1 + a ** 2) * np.cos(x).sum() + math.pi * int(n / 2)


def de_casteljau(points, t):
    if len(points) == 1:
        return points[0]
    return de_casteljau((1.0 - t) * points[:-1] + t * points[1:], t)


def bezier_length(points, t):
    total = 0.0
    for s in np.linspace(0.1, 0.9, 5):
        total = total + np.sum(de_casteljau(points, s * t) ** 2)
    return total


def chebyshev_series(c, x):
    t_prev, t_cur = np.ones_like(x), x
    total = c[0] * t_prev + c[1] * t_cur
    for k in range(2, len(c)):
        t_prev, t_cur = t_cur, 2.0 * x * t_cur - t_prev
        total = total + c[k] * t_cur
    return np.sum(total ** 2)


@dataclass
class Linear:
    W: np.ndarray
    b: np.ndarray

    def forward(self, x):
        return self.W @ x + self.b

    def regularizer(self):
        return np.sum(self.W ** 2)

    def loss(self, x, y):
        return np.sum((np.tanh(self.forward(x)) - y) ** 2) + 0.01 * self.regularizer()


def discounted_returns(r, gamma):
    G = 0.0
    returns = []
    for t in reversed(range(len(r))):
        G = r[t] + gamma * G
        returns.insert(0, G)
    returns = np.array(returns)
    return np.sum((returns - returns.mean()) ** 2)


def meshgrid_integral(a, x, y):
    X, Y = np.meshgrid(x, y)
    Z = np.exp(-(X ** 2 + a * Y ** 2)) * np.cos(X * Y)
    return np.trapezoid(np.trapezoid(Z, x, axis=1), y)


def pca_qr_lstsq(X, y):
    C = np.cov(X, rowvar=False)
    vals, vecs = np.linalg.eigh(C)
    Q, R = np.linalg.qr(X)
    coef = np.linalg.lstsq(X, y, rcond=None)[0]
    return vals[-1] + np.sum(vecs[:, -1] ** 4) + np.sum(np.abs(np.diag(R))) + np.sum(coef ** 2)


def inverse_distances(pos):
    i, j = np.triu_indices(pos.shape[0], k=1)
    d = np.sqrt(np.sum((pos[i] - pos[j]) ** 2, axis=-1))
    return np.sum(1.0 / d) + np.sum(np.tril(np.outer(d, d), -1))


def quantile_stats(x):
    return np.median(x) + np.quantile(x, 0.3) + np.percentile(x ** 2, 75) + np.ptp(x)


def tile_repeat_reshape(x, w):
    t = np.tile(x, 2) * np.repeat(w, 2)
    pairs = t.reshape(-1, 2).sum(1)
    return np.sum(pairs ** 2) + np.prod(np.cumprod(1.0 / (1.0 + np.exp(-x))))


def list_accumulators(x):
    acc = [0.0] * 3
    for i, v in enumerate(x):
        acc[i % 3] += v ** 2
    pairs = sorted(zip(acc, range(3)), key=lambda p: p[0])
    return max(acc) + pairs[0][0] * 2.0 + sum(a * k for a, k in pairs)


def newton_while_else(c, tol=1e-15):
    x = 1.0
    n = 0
    while n < 50:
        step = (x ** 3 + x - c) / (3 * x ** 2 + 1)
        x = x - step
        n += 1
        if abs(step) < tol:
            break
    else:
        raise RuntimeError("no convergence")
    return x * math.cos(x)


def gradient_survival(h, t):
    s = np.cumprod(np.exp(-h * np.gradient(t)))
    return np.sum(np.gradient(s, t) ** 2) + s[-1]  # <- gradient-coordinates


def assemble(k):
    n = len(k) + 1
    K = np.zeros((n, n))
    for e in range(n - 1):
        K[e:e + 2, e:e + 2] += k[e] * np.array([[1.0, -1.0], [-1.0, 1.0]])
    return K


def fem_with_helper(k, f):
    K = assemble(k)
    u = np.linalg.solve(K[1:, 1:], f[1:])
    return f[1:] @ u + np.sum(assemble(k * k) ** 2)


def rollout(theta, z0, steps):
    traj = [z0]
    for _ in range(steps):
        z = traj[-1]
        traj.append(z + 0.05 * np.tanh(theta @ z))
    return np.stack(traj)


def rollout_loss(theta, z0):
    T = rollout(theta, z0, 10)
    T2 = rollout(theta * 0.5, T[-1], 5)
    return np.sum(T ** 2) + np.sum(T2[:, 0])


def first_crossing(x, level):
    for i in range(1, len(x)):
        if x[i] > level:
            return x[i - 1] + x[i]
    return x[-1]


def crossings(x):
    total = 0.0
    for level in (0.0, 0.5, 1.0):
        total = total + first_crossing(x, level) * (level + 1.0)
    return total


def fixed_point(a, tol=1e-14):
    x = 0.5
    dx = 1.0
    while dx > tol:
        new = math.cos(a * x)
        dx = abs(new - x)
        x = new
    return x


def fixed_point_caller(a):
    return fixed_point(a) ** 2 + fixed_point(0.5 * a)


def push_scaled(lst, v):
    lst.append(v * 2.0)
    return len(lst)


def mutating_callee(x):
    out = []
    for v in x:
        push_scaled(out, np.sin(v))  # <- mutating-callee
    return sum(out) * out[0]


def dict_stats(x, params):
    stats = {}
    stats["mean"] = x.mean()
    stats["var"] = ((x - stats["mean"]) ** 2).mean()
    total = 0.0
    for key in sorted(params):
        total = total + params[key] * stats[key]
    return stats["var"] / (1.0 + stats["mean"] ** 2) + total + sum(v ** 2 for k, v in params.items())


def norms(A, x):
    return (np.linalg.norm(x, ord=1) + np.linalg.norm(A, "fro") + np.linalg.norm(x, np.inf)  # <- norms
            + np.linalg.norm(A, ord=2) + np.linalg.norm(A @ x))  # <- spectral-norm


def rnn_preallocated(W, U, xs, h0):
    T = xs.shape[0]
    H = np.zeros((T + 1, h0.shape[0]))
    H[0] = h0
    for t in range(T):
        H[t + 1] = np.tanh(W @ H[t] + U @ xs[t])
    return np.sum(H[1:] ** 2) + H[-1] @ H[-2]


def reshape_view_write(x):
    y = x.copy()
    v = y.reshape(2, 3)
    v[0] += np.sin(v[1])
    v[:, 1] *= 2.0
    return np.sum(y ** 2)


def fill_diag(x):
    K = np.exp(-(x[:, None] - x[None, :]) ** 2)
    np.fill_diagonal(K, 1.5)
    return np.sum(np.linalg.inv(K))


def einsum_traces(A, B):
    return np.einsum("ii->", A @ B) + np.sum(np.einsum("ij,ij->i", A, B) ** 2) + np.einsum("ij,jk,ki->", A, B, A)


def batched(As, b, M):
    x = np.linalg.solve(As, b[None, :, None])[..., 0]
    Y = As @ M
    Z = np.swapaxes(Y, 1, 2) @ As
    return np.sum(x ** 2) + np.sum(Z.transpose(0, 2, 1)[..., ::-1] * np.moveaxis(Y, 0, -1).T)


def ellipsis_newaxis(x):
    y = x[..., None] * x[np.newaxis, :]
    z = y[:, ::-1][::2]
    return np.sum(z ** 2) + np.sum(np.roll(x, 1) * x) + np.sum(np.pad(x, (1, 2), mode="constant") ** 3)


def angles(xy, lo, hi):
    th = np.arctan2(xy[:, 1], xy[:, 0])
    r = np.hypot(xy[:, 0], xy[:, 1])
    inside = (th > -1.0) & (th < 2.0)
    return np.sum(np.where(inside, r * th, 0.0)) + np.sum(np.clip(r, lo, hi))


def sorted_desc(x, k=3):
    top = np.sort(x)[::-1][:k]
    return np.sum(top * np.arange(1, k + 1)) + np.sort(x, axis=None)[0]


def softmax_temperature(z, temp):
    s = z / temp
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    p = e / e.sum(axis=-1, keepdims=True)
    return -np.sum(p * np.log(p + 1e-12))


def laplacian_periodic(u, kappa):
    for _ in range(10):
        lap = np.roll(u, 1) - 2 * u + np.roll(u, -1)
        u = u + kappa * lap
    return np.sum(u ** 4)


def noisy_elbo(mu, log_s, seed=3):
    rng = np.random.default_rng(seed)
    eps = rng.normal(size=mu.shape)
    z = mu + np.exp(log_s) * eps
    return np.sum(z ** 2) - np.sum(log_s)


def rows_and_columns(A, w):
    total = 0.0
    for i, row in enumerate(A):
        total = total + (i + 1) * np.dot(row, w)
    for col in A.T:
        total = total + np.max(col) * min(col)
    return total + sum(A) @ w + max(w)


def zip_star(A):
    total = 0.0
    for a, b, c in zip(*A):
        total = total + a * b - c
    return total


def items_loop(params, x):
    total = 0.0
    for name, (w, b) in params.items():
        total = total + np.sum(np.tanh(w * x + b)) * len(name)
    return total


def as_tuple(x):
    traj = [x]
    for _ in range(3):
        traj.append(traj[-1] * x)
    traj = tuple(traj)
    return traj[1] @ traj[2] + np.sum(traj[-1])


def comprehension_rebind(x):
    traj = [x]
    for _ in range(3):
        traj.append(traj[-1] * x)
    traj = [t ** 2 for t in traj]
    return np.sum(sum(traj))


def per_iteration_buffers(x):
    total = 0.0
    for k in range(3):
        buf = []
        for v in x:
            buf.append(v * (k + 1.0))
        buf = np.array(buf)
        total = total + np.sum(np.tanh(buf) * x)
    return total


def push_and_pop(x):
    stack = [x]
    for i in range(4):
        stack.append(stack[-1] * 0.5 + x)
        if i % 2 == 1:
            stack.pop()
    return np.sum(stack[-1] ** 2) + len(stack)


def list_callees(x):
    return as_tuple(x) + comprehension_rebind(x) + per_iteration_buffers(x) + push_and_pop(x)
