"""Programs written as their users write them (tests/test_probe37_programs.py), in four families:
higher-order Python (integrators, fixed points and Newton given functions, lambdas and closures
built in loops, functools.partial and reduce, map and generators, sorted/max/min with a constant
key); mutation and aliasing (a class stepping its state arrays in place, Adam and momentum kept in
dicts of arrays, arrays in a list written through another name, views written to or read after a
write to their base, copies against aliases, swapping tuple assignments); control flow (while
loops with data-dependent exits and counters, nested loops with break/continue/else, early
returns, enumerate over zip, reversed and negative ranges, a list grown while a loop runs over
its length, try/except around inert code); and models from finance, dynamics, filtering,
statistics, learning, graphics and physics (Black-Scholes and its Greeks, RK4 for a pendulum and
the Lorenz system, a Kalman filter's likelihood, Poisson and negative-binomial regression, Huber
loss, attention, batch norm, ray-sphere intersection, Ising/XY lattice energies, a Catmull-Rom
spline, a projectile with drag, Sinkhorn to a tolerance, an HMM's forward algorithm, value
iteration, an American put on a binomial tree, a seeded Monte Carlo Asian option, a spring chain).
Many are refused, at their line: the refusals are part of what the tests check.
"""
import dataclasses
import functools
import logging
import math
import warnings
from typing import NamedTuple

import numpy as np

import adjoint

# ----- higher-order Python ---------------------------------------------------------------


def trapezoid(f, a, b, n):
    h = (b - a) / n
    total = 0.5 * (f(a) + f(b))
    for i in range(1, n):
        total += f(a + i * h)
    return total * h


def gaussian_area(s, upper):
    return trapezoid(lambda t: math.exp(-t * t / s), 0.0, upper, 16)


def simpson(f, a, b, n=10):
    h = (b - a) / n
    total = f(a) + f(b)
    for i in range(1, n):
        weight = 4.0 if i % 2 == 1 else 2.0
        total = total + weight * f(a + i * h)
    return total * h / 3.0


def damped_energy(k, c):
    def integrand(t):
        return math.exp(-c * t) * math.cos(k * t) ** 2

    return simpson(integrand, 0.0, 2.0) + simpson(lambda t: k * t * t, 0.0, 1.0, 4)


def fixed_point(g, x0, tol=1e-13, max_iter=200):
    x = x0
    for _ in range(max_iter):
        new = g(x)
        if abs(new - x) < tol:
            return new
        x = new
    return x


def kepler_anomaly(mean_anomaly, e):
    return fixed_point(lambda E: mean_anomaly + e * math.sin(E), mean_anomaly)


def cubic(x, c):
    return x ** 3 + 2.0 * x - c


def newton(f, df, x, c, steps=30):
    for _ in range(steps):
        x = x - f(x, c) / df(x, c)
    return x


def cubic_root(c):
    root = newton(cubic, adjoint.grad(cubic), 1.0, c)
    return root * root + c


def power_features(x, c):
    fs = [lambda t, k=k: t ** k for k in range(4)]  # <- default-reads-loop-variable
    return sum(c[k] * np.sum(f(x)) for k, f in enumerate(fs))


def make_scaler(a):
    def scale(v):
        return a * v + math.sin(a)

    return scale


def closure_chain(x, w):
    scalers = []
    for i in range(3):
        scalers.append(make_scaler(w * (i + 1)))
    y = x
    for s in scalers:
        y = np.tanh(s(y))  # <- function-in-variable
    return np.sum(y ** 2)


def elastic_net(w, X, y, alpha, l1_ratio):
    r = X @ w - y
    return 0.5 * np.mean(r ** 2) + alpha * (l1_ratio * np.sum(np.abs(w)) + 0.5 * (1 - l1_ratio) * np.sum(w ** 2))


def partial_penalty(w, X, y):
    loss = functools.partial(elastic_net, X=X, y=y, alpha=0.1)
    return loss(w, l1_ratio=0.3) + loss(2.0 * w, l1_ratio=0.7)


def map_and_generators(x, a):
    squares = list(map(lambda v: (v - a) ** 2, x))
    return sum(squares) + sum(math.exp(-v * a) for v in x if v > 0.0) + max(abs(v) for v in x)


def constant_key_order(x, priority):
    order = sorted(range(len(x)), key=lambda i: priority[i])
    total = 0.0
    for rank, i in enumerate(order):
        total = total + (rank + 1) * x[i] ** 2
    best = max(range(len(x)), key=lambda i: priority[i])
    worst = min(range(len(x)), key=priority.__getitem__)
    return total + x[best] * x[worst]


def horner_reduce(coeffs, t):
    return functools.reduce(lambda acc, c: acc * t + c, coeffs, 0.0)


def reduce_product(x):
    return functools.reduce(lambda a, b: a * b, [1.0 + v * v for v in x]) + horner_reduce([x[0], x[1], 0.5], x[2])


def compose(f, g):
    return lambda v: f(g(v))


def composed_layers(x, W):
    layer = compose(np.tanh, lambda v: W @ v)
    twice = compose(layer, layer)  # <- closure-stored
    return np.sum(twice(x) ** 2)


ACTIVATIONS = {"tanh": np.tanh, "softplus": lambda z: np.log1p(np.exp(z)), "identity": lambda z: z}


def activation_table(x, W, names=("tanh", "softplus", "identity")):
    h = x
    for name in names:
        h = ACTIVATIONS[name](W @ h)
    return np.sum(h)


def apply_n(f, x, n):
    for _ in range(n):
        x = f(x)
    return x


def logistic_map(r, x0):
    return apply_n(lambda x: r * x * (1.0 - x), x0, 6)


# ----- mutation and aliasing -------------------------------------------------------------


class ElmanCell:
    def __init__(self, W, U):
        self.W = W
        self.U = U
        self.h = np.zeros(W.shape[0])

    def step(self, x):
        self.h[:] = np.tanh(self.W @ self.h + self.U @ x)
        return self.h


def elman_loss(W, U, xs):
    cell = ElmanCell(W, U)  # <- object-state
    total = 0.0
    for x in xs:
        h = cell.step(x)  # <- method-of-local
        total = total + np.sum(h ** 2)
    return total + np.sum(cell.h)


class LeakyIntegrator:
    def __init__(self, n, leak):
        self.v = np.zeros(n)
        self.leak = leak

    def update(self, drive):
        self.v *= 1.0 - self.leak
        self.v += drive


def leaky_integrator(drive, leak):
    unit = LeakyIntegrator(drive.shape[1], leak)
    for t in range(drive.shape[0]):
        unit.update(np.sin(drive[t]))  # <- method-changes-object
    return np.sum(unit.v ** 2)


def adam_unrolled(theta, target, lr=0.1, steps=5):
    state = {"w": np.zeros_like(target), "m": np.zeros_like(target), "v": np.zeros_like(target)}
    b1, b2 = 0.9, 0.999
    for t in range(1, steps + 1):
        g = 2.0 * theta * (state["w"] * theta - target)
        state["m"] = b1 * state["m"] + (1 - b1) * g
        state["v"] = b2 * state["v"] + (1 - b2) * g * g
        m_hat = state["m"] / (1 - b1 ** t)
        v_hat = state["v"] / (1 - b2 ** t)
        state["w"] = state["w"] - lr * m_hat / (np.sqrt(v_hat) + 1e-8)
    return np.sum((state["w"] * theta - target) ** 2)


def momentum_in_place(w0, data, lr=0.05, beta=0.8):
    opt = {"w": w0.copy(), "v": np.zeros_like(w0)}
    for x in data:
        g = opt["w"] - x
        opt["v"] *= beta  # <- dict-item-in-place
        opt["v"] += g
        opt["w"] -= lr * opt["v"]
    return np.sum(opt["w"] ** 2)


def list_alias_write(a, b):
    bufs = [a.copy(), b.copy()]
    first = bufs[0]
    first *= 2.0
    first[1] += b[0]
    bufs[1][0] = a[2]  # <- list-item-alias
    return np.sum(bufs[0] ** 2) + np.sum(bufs[1] * a)


def strided_view_write(x):
    y = x.copy()
    evens = y[::2]
    evens *= 3.0  # <- strided-view
    evens[0] = np.sin(x[1])
    return np.sum(y ** 2) + np.sum(evens)


def transpose_view_write(X, w):
    Y = X.copy()
    Yt = Y.T
    Yt[0] = w  # <- transpose-view
    Yt[1] *= 2.0
    return np.sum(Y ** 2) + np.sum(Yt @ Yt.T)


def reshape_ravel_write(x):
    y = x.copy()
    grid = y.reshape(2, 3)
    grid[:, 0] += 1.0 + x[:2]  # <- reshape-view
    r = y.ravel()
    r[-1] = r[-1] * r[0]
    return np.sum(y ** 2) + np.sum(grid * grid[::-1])


def diagonal_after_write(A, x):
    B = A.copy()
    d = np.diagonal(B)
    B[0, 0] = x[0] * x[1]  # <- diagonal-view
    B[1, 1] += x[2]
    return np.sum(d ** 2) + np.sum(B)


def transpose_read_after_write(x, w):
    M = np.zeros((2, 3))
    T = M.T
    M[0] = x  # <- transpose-read
    M[1] = x ** 2
    return np.sum((T @ w) ** 2)


def copy_against_alias(a):
    b = a
    c = np.copy(a)
    d = a.copy()
    e = d
    e[0] = 5.0  # <- alias-write
    d[1] *= a[2]
    return np.sum(b * c) + np.sum(d ** 2) + np.sum(e)


def fibonacci_arrays(a, b):
    for _ in range(5):
        a, b = b, a + b
    return np.sum(a * b)


def swap_rows(A):
    B = A.copy()
    B[[0, 1]] = B[[1, 0]]
    B[:, [0, 2]] = B[:, [2, 0]]
    return np.sum(B * np.arange(9.0).reshape(3, 3)) + np.sum(B[0] ** 3)


def row_view_update(A, x):
    B = A.copy()
    row = B[1]
    row += x
    col = B[:, 2]
    col *= row
    return np.sum(B ** 2)


# ----- control flow ----------------------------------------------------------------------


def accumulate_until(x, limit=4.0):
    total = 0.0
    n = 0
    while total < limit and n < 50:
        total += x * (n + 1) + math.sin(x * n)
        n += 1
    return total * n


def search_grid(A, threshold=0.8):
    total = 0.0
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            if A[i, j] < -threshold:
                continue
            if A[i, j] > threshold:
                break
            total += A[i, j] ** 2
        else:
            total *= 1.1
    return total


def first_pair_above(x, level):
    n = len(x)
    for i in range(n):
        for j in range(i + 1, n):
            if x[i] * x[j] > level:
                return x[i] + 2.0 * x[j]
    return np.sum(x)


def early_return_pairs(x):
    return first_pair_above(x, 0.5) + first_pair_above(x, 10.0)


def weighted_triples(w, xs, ys, zs):
    total = 0.0
    for i, (a, (b, c)) in enumerate(zip(xs, zip(ys, zs))):
        total += w[i] * a * b - c / (i + 1)
    return total


def back_substitution(U, b):
    n = len(b)
    x = np.zeros(n)
    for i in reversed(range(n)):
        x[i] = (b[i] - U[i, i + 1:] @ x[i + 1:]) / U[i, i]  # <- back-substitution
    return np.sum(x ** 2)


def negative_steps(x):
    total = 0.0
    for i in range(len(x) - 1, -1, -2):
        total = total * 0.5 + x[i]
    for j in range(len(x) - 2, 0, -3):
        total += x[j] * x[j - 1]
    return total ** 2


def grown_list(x):
    items = [x]
    for i in range(len(items) + 3):
        items.append(items[-1] * 0.5 + np.sin(items[i]))
    k = 0
    while k < len(items) and len(items) < 8:
        items.append(items[k] * items[-1])
        k += 1
    return np.sum(sum(items))


def log_with_fallback(x, a):
    try:
        import logging
        logging.getLogger("probe").debug("value %s", a)
    except ImportError:
        pass
    try:  # <- try-feeds
        check = math.log(-1.0)
    except ValueError:
        check = 0.0
    return np.sum(np.log1p(x ** 2)) * a + check


def while_true_break(c):
    x = c
    k = 0
    while True:
        x = 0.5 * (x + c / x)
        k += 1
        if k >= 8:
            break
    return x * c


def find_or_else(x, target):
    for i, v in enumerate(x):
        if v > target:
            found = v * (i + 1)
            break
    else:
        found = np.sum(x)
    return found ** 2 + target * found


# ----- models --------------------------------------------------------------------------


def black_scholes_call(S, K, T, r, sigma):
    d1 = (math.log(S / K) + (r + 0.5 * sigma ** 2) * T) / (sigma * math.sqrt(T))
    d2 = d1 - sigma * math.sqrt(T)
    cdf1 = 0.5 * (1.0 + math.erf(d1 / math.sqrt(2.0)))
    cdf2 = 0.5 * (1.0 + math.erf(d2 / math.sqrt(2.0)))
    return S * cdf1 - K * math.exp(-r * T) * cdf2


def black_scholes_ndtr(S, K, T, r, sigma):
    from scipy.special import ndtr
    d1 = (np.log(S / K) + (r + 0.5 * sigma ** 2) * T) / (sigma * np.sqrt(T))
    d2 = d1 - sigma * np.sqrt(T)
    return np.sum(S * ndtr(d1) - K * np.exp(-r * T) * ndtr(d2))


def black_scholes_put_norm(S, K, T, r, sigma):
    from scipy.stats import norm
    d1 = (np.log(S / K) + (r + 0.5 * sigma ** 2) * T) / (sigma * np.sqrt(T))
    d2 = d1 - sigma * np.sqrt(T)
    return np.sum(K * np.exp(-r * T) * norm.cdf(-d2) - S * norm.cdf(-d1))


def pendulum_rk4(theta0, omega0, g_over_l, dt=0.05, steps=20):
    def deriv(state):
        return np.array([state[1], -g_over_l * np.sin(state[0])])

    y = np.array([theta0, omega0])
    for _ in range(steps):
        k1 = deriv(y)
        k2 = deriv(y + 0.5 * dt * k1)
        k3 = deriv(y + 0.5 * dt * k2)
        k4 = deriv(y + dt * k3)
        y = y + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    return y[0] ** 2 + 0.5 * y[1] ** 2


def lorenz(state, sigma, rho, beta):
    x, y, z = state
    return np.array([sigma * (y - x), x * (rho - z) - y, x * y - beta * z])


def lorenz_rk4(u0, params, dt=0.01, steps=25):
    sigma, rho, beta = params
    u = u0
    for _ in range(steps):
        k1 = lorenz(u, sigma, rho, beta)
        k2 = lorenz(u + 0.5 * dt * k1, sigma, rho, beta)
        k3 = lorenz(u + 0.5 * dt * k2, sigma, rho, beta)
        k4 = lorenz(u + dt * k3, sigma, rho, beta)
        u = u + (dt / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
    return np.sum(u ** 2)


def kalman_loglik(ys, q, r, a=0.9):
    m, P = 0.0, 1.0
    ll = 0.0
    for y in ys:
        m, P = a * m, a * a * P + q
        S = P + r
        v = y - m
        ll += -0.5 * (math.log(2 * math.pi * S) + v * v / S)
        K = P / S
        m, P = m + K * v, (1 - K) * P
    return ll


def kalman_2d(ys, log_q, A, H):
    n = A.shape[0]
    Q = np.exp(log_q) * np.eye(n)
    R = np.array([[0.5]])
    m, P = np.zeros(n), np.eye(n)
    ll = 0.0
    for y in ys:
        m = A @ m
        P = A @ P @ A.T + Q
        S = H @ P @ H.T + R
        v = y - H @ m
        Sinv = np.linalg.inv(S)
        ll = ll - 0.5 * (np.log(np.linalg.det(S)) + v @ Sinv @ v)
        K = P @ H.T @ Sinv
        m = m + K @ v
        P = (np.eye(n) - K @ H) @ P
    return ll


def poisson_nll(beta, X, counts):
    from scipy.special import gammaln
    eta = X @ beta
    return np.sum(np.exp(eta) - counts * eta + gammaln(counts + 1.0))


def negbin_nll(beta, log_alpha, X, counts):
    from scipy.special import gammaln
    mu = np.exp(X @ beta)
    r = np.exp(-log_alpha)
    ll = (gammaln(counts + r) - gammaln(r) - gammaln(counts + 1.0)
          + r * np.log(r / (r + mu)) + counts * np.log(mu / (r + mu)))
    return -np.sum(ll)


def huber_regression(w, X, y, delta=1.0):
    r = X @ w - y
    quad = 0.5 * r ** 2
    lin = delta * (np.abs(r) - 0.5 * delta)
    return np.mean(np.where(np.abs(r) <= delta, quad, lin))


def attention(Q, K, V):
    scores = Q @ K.T / np.sqrt(Q.shape[1])
    scores = scores - scores.max(axis=1, keepdims=True)
    w = np.exp(scores)
    w /= w.sum(axis=1, keepdims=True)
    out = w @ V
    return np.sum(out ** 2)


def batch_norm(X, gamma, beta, eps=1e-5):
    mu = X.mean(axis=0)
    var = ((X - mu) ** 2).mean(axis=0)
    Xhat = (X - mu) / np.sqrt(var + eps)
    Y = gamma * Xhat + beta
    return np.sum(np.tanh(Y) * np.arange(Y.size).reshape(Y.shape))


def ray_sphere(origin, direction, center, radius):
    d = direction / np.linalg.norm(direction)
    oc = origin - center
    b = np.dot(oc, d)
    c = np.dot(oc, oc) - radius ** 2
    disc = b * b - c
    if disc < 0:
        return 0.0
    t = -b - np.sqrt(disc)
    hit = origin + t * d
    normal = (hit - center) / radius
    return t + np.dot(normal, np.array([0.3, 0.5, 0.8]))


def xy_energy(theta, J, h):
    right = np.roll(theta, -1, axis=1)
    down = np.roll(theta, -1, axis=0)
    return -J * np.sum(np.cos(theta - right) + np.cos(theta - down)) - h * np.sum(np.cos(theta))


def ising_mean_field(m, J, beta):
    neighbours = np.roll(m, 1, 0) + np.roll(m, -1, 0) + np.roll(m, 1, 1) + np.roll(m, -1, 1)
    energy = -0.5 * J * np.sum(m * neighbours)
    p = np.clip((1.0 + m) / 2.0, 1e-9, 1.0 - 1e-9)
    entropy = -np.sum(p * np.log(p) + (1.0 - p) * np.log(1.0 - p))
    return energy - entropy / beta


def catmull_rom(ys, t, knots):
    i = np.clip(np.searchsorted(knots, t, side="right") - 1, 1, len(knots) - 3)
    p0, p1, p2, p3 = ys[i - 1], ys[i], ys[i + 1], ys[i + 2]
    s = (t - knots[i]) / (knots[i + 1] - knots[i])
    a = -0.5 * p0 + 1.5 * p1 - 1.5 * p2 + 0.5 * p3
    b = p0 - 2.5 * p1 + 2.0 * p2 - 0.5 * p3
    c = -0.5 * p0 + 0.5 * p2
    value = ((a * s + b) * s + c) * s + p1
    return np.sum(value ** 2)


def projectile_range(v0, angle, drag, dt=0.01, g=9.81):
    x, y = 0.0, 0.0
    vx, vy = v0 * math.cos(angle), v0 * math.sin(angle)
    steps = 0
    while y >= 0.0:
        speed = math.sqrt(vx * vx + vy * vy)
        ax = -drag * speed * vx
        ay = -g - drag * speed * vy
        x_prev, y_prev = x, y
        x, y = x + dt * vx, y + dt * vy
        vx, vy = vx + dt * ax, vy + dt * ay
        steps += 1
    frac = y_prev / (y_prev - y)
    return x_prev + frac * (x - x_prev)


# ----- reduced from the programs above ---------------------------------------------------


def apply_twice(f, t):
    return f(t) + f(2.0 * t)


def captured_not_differentiated(k, c):
    return apply_twice(lambda t: math.exp(-c * t) * k, 1.0) + apply_twice(lambda t: k * t, 0.5)


def view_after_write(x):
    y = x * 1.0
    y[0] = y[1] * 2.0
    z = y[:2]
    return np.sum(z * z)


# ----- more shapes ----------------------------------------------------------------------


def moments(x, p):
    total = 0.0
    for k in range(1, 4):
        total = total + trapezoid(lambda t: t ** k * math.exp(-p * t), 0.0, x, 12) / k
    return total


def gaussian_pdf(t, mu, s):
    return math.exp(-0.5 * ((t - mu) / s) ** 2) / (s * math.sqrt(2 * math.pi))


def partial_integrand(mu, s):
    pdf = functools.partial(gaussian_pdf, mu=mu, s=s)
    return simpson(pdf, -1.0, 2.0, 12)


def two_iterable_map(xs, ys):
    return sum(map(lambda a, b: a * math.tanh(b), xs, ys)) + sum(w * v for w, v in zip(xs, ys[::-1]))


def largest_magnitude(x):
    big = max(x, key=abs)
    small = min(x, key=abs)
    ordered = sorted(x)
    return big * small + ordered[1] * ordered[-1]


def copied_history(x):
    cur = x * 1.0
    history = []
    for i in range(3):
        prev = cur
        cur = cur.copy()
        cur[i] += np.sin(prev[i + 1])
        history.append(prev)
    return sum(np.sum(h * cur) for h in history)


def adam_slices(theta, target, lr=0.1, steps=4):
    state = {"w": np.zeros_like(target), "m": np.zeros_like(target), "v": np.zeros_like(target)}
    for t in range(1, steps + 1):
        g = 2.0 * theta * (state["w"] * theta - target)
        state["m"] = 0.9 * state["m"] + 0.1 * g
        state["v"] = 0.999 * state["v"] + 0.001 * g * g
        step = lr * state["m"] / (1 - 0.9 ** t) / (np.sqrt(state["v"] / (1 - 0.999 ** t)) + 1e-8)
        state["w"] = state["w"] - step
    return np.sum((state["w"] * theta - target) ** 2)


def bisect_root(c, lo=0.0, hi=3.0):
    count = 0
    while hi - lo > 1e-12 and count < 100:
        mid = 0.5 * (lo + hi)
        if mid ** 3 - c > 0.0:
            hi = mid
        else:
            lo = mid
        count += 1
    x = 0.5 * (lo + hi)
    for _ in range(2):  # Newton polishes the bracket's midpoint: exact in c to second order
        x = x - (x ** 3 - c) / (3.0 * x ** 2)
    return x * c


def clamp_in_place(x, lo, hi):
    y = x.copy()
    for i in reversed(range(len(y))):
        if y[i] < lo:
            y[i] = lo
        elif y[i] > hi:
            y[i] = hi + 0.1 * (y[i] - hi)
    return np.sum(y ** 2)


def inert_try(x, a):
    try:
        from scipy import special
        special.erf(0.5)
    except ImportError:
        pass
    try:  # <- try-read-by-assert
        label = "value %.3f" % a
    except TypeError:
        label = "?"
    assert len(label) > 0
    return np.sum(np.tanh(a * x))


def gram_schmidt(A):
    Q = np.zeros_like(A)
    for j in range(A.shape[1]):
        v = A[:, j].copy()
        for i in range(j):
            v = v - (Q[:, i] @ A[:, j]) * Q[:, i]
        Q[:, j] = v / np.linalg.norm(v)
    return np.sum(Q[:, -1] * np.arange(1.0, A.shape[0] + 1)) + Q[0, 0] ** 2


def nested_callee_loop(x, n_outer=3):
    def inner(v, k):
        s = 0.0
        i = 0
        while i < k:
            s = s + v ** (i + 1) / (i + 1)
            i += 1
        return s

    total = 0.0
    for k in range(1, n_outer + 1):
        total += inner(x, k) * k
    return total


def kmeans_step(X, C):
    d = np.sum((X[:, None, :] - C[None, :, :]) ** 2, axis=2)
    labels = np.argmin(d, axis=1)
    total = 0.0
    for j in range(C.shape[0]):
        members = X[labels == j]
        if len(members) == 0:
            continue
        total = total + np.sum((members - C[j]) ** 2)
    return total


def heat_explicit(u0, alpha, steps=8):
    u = u0.copy()
    for _ in range(steps):
        interior = u[1:-1] + alpha * (u[2:] - 2 * u[1:-1] + u[:-2])
        u[1:-1] = interior
    return np.sum(u ** 2)


def softmax_cross_entropy(W, X, labels):
    logits = X @ W
    logits = logits - logits.max(axis=1, keepdims=True)
    logp = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    return -np.mean(logp[np.arange(len(labels)), labels])


class Decay:
    def __init__(self, rate):
        self.rate = rate

    def density(self, t):
        return math.exp(-self.rate * t * t)


DECAY = Decay(1.7)


def integrands_of_every_kind(a):
    return trapezoid(DECAY.density, 0.0, a, 10) + trapezoid(np.sin, 0.0, a, 5) + trapezoid(math.cos, a, 1.0, 5)


def outer_integral(f, a, b):
    return trapezoid(f, a, b, 8) + f(b)


def nested_integrals(x, p):
    def f(t):
        def g(u):
            return u * x + p

        return outer_integral(g, 0.0, t) * t

    return trapezoid(f, 0.0, 1.0, 4)


def lambdas_in_a_loop(x, p):
    total = 0.0
    for k in range(3):
        g = lambda t: t ** k * p  # noqa: E731
        total += outer_integral(g, 0.0, x)
    return total


def potential(v):
    return v ** 3 + math.sin(v)


def gradient_penalty(x):
    return potential(x) + 0.5 * adjoint.grad(potential)(x) ** 2


def rank_weighted(x):
    order = sorted(range(len(x)), key=lambda i: x[i])
    return sum((r + 1) * x[i] for r, i in enumerate(order))


def decay_step(state, v):
    return 0.9 * state + v * v


def reductions(x, init):
    return (functools.reduce(decay_step, x, init) + sum(map(math.exp, x))
            + functools.reduce(lambda acc, v: acc * 0.5 + math.sin(v), x, init))


def separate_accumulators(x):
    acc = [np.zeros(2) for _ in range(3)]
    for i in range(3):
        acc[i] += x * (i + 1)
    return np.sum(acc[0] * acc[2])


def swapped_then_written(x, y):
    a, b = x * 1.0, y * 1.0
    a, b = b, a
    a[0] = b[1] * 2.0
    return np.sum(a * b) + np.sum(x * a)


def reversed_walks(x):
    total = 0.0
    for i, v in enumerate(reversed(list(x))):
        total = total * 0.5 + v * (i + 1)
    for i in range(len(x) - 1, 0, -1):
        total += x[i] * x[i - 1]
    return total


def views_after_writes(x):
    y = x * 1.0
    for i in range(3):
        y[i] = y[i + 1] ** 2
    w = y[1:]
    u = w.T
    z = np.reshape(y, (2, 2))
    return np.sum(u * u) + np.sum(w) + np.trace(z) + np.sum(np.diag(z) ** 2)


def table_of_lambdas(x):
    fns = {"sq": lambda v: v * v, "cube": lambda v: v ** 3}
    return sum(fns[name](x) for name in sorted(fns))  # <- table-at-run-time


def max_of_enumerate(x):
    best = max(enumerate(x), key=lambda p: p[1])
    return best[1] * (best[0] + 1) + min(x)


def grows_while_iterating(x):
    lst = [x[0], x[1]]
    for v in lst:
        if len(lst) < 6:
            lst.append(v * 0.5 + x[2])  # <- grows-while-iterating
    return sum(w * w for w in lst)


def repeated_object(x):
    acc = [np.zeros(2)] * 3
    for i in range(3):
        acc[i] += x * (i + 1)  # <- repeated-object
    return np.sum(acc[0] * acc[2])


def unpacked_rows(x):
    rows = [x * 1.0, x * 2.0]
    first, second = rows
    first[0] = second[1] ** 2  # <- unpacked-rows
    return np.sum(rows[0]) + np.sum(first)


def dict_alias(x):
    d = {"a": x * 1.0}
    d["b"] = d["a"]
    d["b"][0] = 5.0 * x[1]  # <- dict-alias
    return np.sum(d["a"] ** 2)


def sinkhorn(C, a, b, eps=0.5, tol=1e-10, max_iter=500):
    K = np.exp(-C / eps)
    u = np.ones_like(a)
    v = np.ones_like(b)
    it = 0
    err = 1.0
    while err > tol and it < max_iter:
        u = a / (K @ v)
        v = b / (K.T @ u)
        err = np.sum(np.abs(u * (K @ v) - a))
        it += 1
    P = u[:, None] * K * v[None, :]
    return np.sum(P * C)


def hmm_forward(log_A, log_B, log_pi, obs):
    alpha = log_pi + log_B[:, obs[0]]
    for t in range(1, len(obs)):
        m = np.max(alpha)
        alpha = m + np.log(np.exp(alpha - m) @ np.exp(log_A)) + log_B[:, obs[t]]
    m = np.max(alpha)
    return m + np.log(np.sum(np.exp(alpha - m)))


def value_iteration(R, P, gamma=0.9, sweeps=30):
    V = np.zeros(R.shape[0])
    for _ in range(sweeps):
        Q = R + gamma * P @ V
        V = np.max(Q, axis=1)
    return np.sum(V)


def binomial_american_put(S0, K, r, sigma, T=1.0, n=12):
    dt = T / n
    u = math.exp(sigma * math.sqrt(dt))
    d = 1.0 / u
    p = (math.exp(r * dt) - d) / (u - d)
    disc = math.exp(-r * dt)
    prices = S0 * u ** np.arange(n, -1, -1.0) * d ** np.arange(0, n + 1.0)
    V = np.maximum(K - prices, 0.0)
    for i in reversed(range(n)):
        prices = prices[:-1] / u
        cont = disc * (p * V[:-1] + (1 - p) * V[1:])
        V = np.maximum(cont, K - prices)
    return V[0]


def asian_monte_carlo(S0, sigma, r=0.02, K=1.0, T=1.0, steps=8, paths=64, seed=7):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((paths, steps))
    dt = T / steps
    log_paths = np.cumsum((r - 0.5 * sigma ** 2) * dt + sigma * math.sqrt(dt) * z, axis=1)
    S = S0 * np.exp(log_paths)
    payoff = np.maximum(S.mean(axis=1) - K, 0.0)
    return math.exp(-r * T) * payoff.mean()


def spring_chain(pos, k, rest=1.0):
    stretch = np.diff(pos, axis=0)
    lengths = np.sqrt(np.sum(stretch ** 2, axis=1))
    bend = np.sum(stretch[1:] * stretch[:-1], axis=1) / (lengths[1:] * lengths[:-1])
    return 0.5 * k * np.sum((lengths - rest) ** 2) - np.sum(bend)


def apply_with(f, t, *rest, **options):
    return f(t, *rest, **options)


def scaled_square(t, scale=1.0):
    return scale * t * t


def variadic_apply(k, c):
    return (apply_twice(lambda t: k * t, 1.0) + c * c + apply_with(scaled_square, c, scale=2.0)
            + apply_with(scaled_square, k, scale=c))


def partial_twice(k, c):
    g = functools.partial(scaled_square, scale=k)
    return apply_twice(g, 1.0) + c ** 3


def closure_of_closure(k, c):
    def inner(t):
        return apply_twice(lambda u: u * k, t)

    return apply_twice(inner, 1.0) + c * apply_twice(inner, 0.5)


def late_binding(x):
    a = 1.0
    g = lambda t: t * a  # noqa: E731
    a = x * 2.0
    return apply_twice(g, x)


def rebound_capture(x):
    a = x

    def g(t):
        return t * a

    first = apply_twice(g, 1.0)
    a = x * x
    return first + apply_twice(g, 1.0)


def nonlocal_accumulator(x):
    total = 0.0

    def add(v):
        nonlocal total
        total = total + v * x

    for i in range(3):
        add(float(i))
    return total


def late_bound_lambdas(x):
    fs = []
    for k in range(3):
        fs.append(lambda t: t ** k)  # <- late-bound
    return sum(f(x) for f in fs)


class CellState(NamedTuple):
    h: np.ndarray
    c: np.ndarray


def cell_state_replaced(W, xs):
    state = CellState(np.zeros(2), np.zeros(2))
    for x in xs:
        c = 0.5 * state.c + np.tanh(W @ x)
        state = state._replace(c=c, h=np.tanh(c) * 0.9)
    return np.sum(state.h ** 2) + np.sum(state.c)


@dataclasses.dataclass
class MomentumState:
    w: np.ndarray
    v: np.ndarray


def momentum_replaced(w0, data):
    opt = MomentumState(w0 * 1.0, np.zeros_like(w0))
    for x in data:
        opt = dataclasses.replace(opt, v=0.8 * opt.v + (opt.w - x))
        opt = MomentumState(opt.w - 0.05 * opt.v, opt.v)
    return np.sum(opt.w ** 2)


def price_keywords(S, *, K=95.0, T=0.75, r=0.03, sigma=0.25):
    return black_scholes_call(S, K, T, r, sigma)


def log_of_positive(x):
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.log(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        z = np.sqrt(x)
    return np.sum(y ** 2) + np.sum(z)


LOG = logging.getLogger("probe")


def checked_loop(x):
    total = 0.0
    for i, v in enumerate(x):
        if not np.isfinite(v):
            raise ValueError(f"bad value at {i}")
        LOG.debug("step %d: %s", i, v)
        total += v ** 2
        assert total >= 0.0, f"negative total {total}"
    if total > 1e9:
        print(f"total={total:.3f}")
    return total


def reciprocal_or_zero(x):
    total = 0.0
    for v in x:
        try:  # <- try-in-loop
            r = 1.0 / v
        except ZeroDivisionError:
            r = 0.0
        total += r
    return total


def logger_fetched_in_loop(x):
    total = 0.0
    for i, v in enumerate(x):
        logging.getLogger("probe").debug("step %d: %s", i, v)
        total += v ** 2
    return total


def views_of_every_kind(x):
    y = x * 1.0
    y[1] = y[0] * 2.0
    a = np.asarray(y)
    b = y[...]
    c = np.squeeze(np.atleast_2d(y))
    d = y.real
    e = np.split(y, 3)[1]
    return np.sum(a * a) + np.sum(b ** 3) + np.sum(np.sin(c)) + np.sum(d * np.arange(3.0)) + np.sum(e * e)


def asarray_after_write(x):
    y = x * 1.0
    y[1] = y[0] * 2.0
    z = np.asarray(y)
    return np.sum(z * z)


def ellipsis_after_write(x):
    y = x * 1.0
    y[1] = y[0] * 2.0
    z = y[...]
    return np.sum(z * z)


def squeezed_after_write(x):
    y = x * 1.0
    y[1] = y[0] * 2.0
    z = np.squeeze(np.atleast_2d(y))
    return np.sum(z * z)


def real_after_write(x):
    y = x * 1.0
    y[1] = y[0] * 2.0
    z = y.real
    return np.sum(z * z)


def split_after_write(x):
    y = x * 1.0
    y[1] = y[0] * 2.0
    z = np.split(y, 3)[1]
    return np.sum(z * z)


def copy_not_alias(a):
    b = a
    c = np.copy(a)
    c[0] = 5.0 * a[1]
    c[1:] *= b[0]
    d = c.copy()
    d[2] = np.sin(c[2])
    return np.sum(b * c) + np.sum(d ** 2)


def transposed_copy(X, w):
    Y = X.T.copy()
    Y[0] = w
    return np.sum(Y @ X) + np.sum(X.T * 2.0)


class Dense:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def __call__(self, x):
        return np.tanh(self.W @ x + self.b)


LAYERS = [Dense(np.array([[0.5, -0.3, 0.8], [0.1, 0.9, -0.4], [-0.7, 0.2, 0.3]]), np.array([0.1, -0.2, 0.05])),
          Dense(np.array([[0.3, 0.6, -0.5], [-0.2, 0.4, 0.7]]), np.array([0.0, 0.3]))]


def layered_net(x):
    h = x
    for layer in LAYERS:
        h = layer(h)
    return np.sum(h ** 2)
