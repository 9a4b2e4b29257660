"""Programs written as their users write them (tests/test_probe38_programs.py), in domains the earlier
probes left out: signal processing (FIR filters by np.convolve, moving averages by np.cumsum,
window functions, power spectra by np.fft, a one-pole filter and a biquad), optimization written
by hand (unrolled gradient descent, heavy-ball momentum, Nesterov, a backtracking line search with
while and break, Newton to a tolerance, projected steps), statistics (scipy.stats logpdf, logcdf
and logsf of several distributions, maximum-likelihood objectives, a mixture by logsumexp, a kernel
density estimate, a zero-inflated count model), geometry (the shoelace area with np.roll, a
triangle mesh's areas and Dirichlet energy by index arrays, assembly by np.add.at and np.bincount,
tetrahedra volumes), physics and chemistry (Buckingham and Morse clusters over np.triu_indices,
velocity Verlet, RK4 with a dict of parameters, a spring network, gravity with the diagonal
filled, a water molecule's bonds and angle), economics (CES utility, discounted cash flows, an
internal rate of return by Newton, option payoffs, a Bachelier price), classes (methods,
properties, inheritance, dataclasses and NamedTuples passed in and returned) and Python idioms
(dicts of parameters spread into calls, comprehensions over zip and enumerate, closures,
functools.reduce, try/except, early returns, recursion with a depth limit).
"""
import bisect
import collections
import dataclasses
import functools
import heapq
import itertools
import logging
import math
import operator
import statistics
from typing import NamedTuple

import numpy as np
from scipy import special, stats

import adjoint


# ----- signal processing -----------------------------------------------------------------


def fir_filter_loss(h, x, target):
    y = np.convolve(x, h, mode="same")
    return np.mean((y - target) ** 2)


def moving_average_energy(x, k=3):
    c = np.cumsum(np.insert(x, 0, 0.0))
    ma = (c[k:] - c[:-k]) / k
    return np.sum(ma ** 2) + ma[-1] * ma[0]


def windowed_power(x):
    w = np.hanning(len(x))
    spectrum = np.fft.rfft(x * w)
    power = np.abs(spectrum) ** 2
    return np.sum(power[1:]) / len(x)


def spectral_centroid(x, dt=0.1):
    p = np.abs(np.fft.rfft(x)) ** 2
    f = np.fft.rfftfreq(len(x), d=dt)
    return np.sum(f * p) / np.sum(p)


def one_pole_lowpass(alpha, x):
    y = np.zeros_like(x)
    y[0] = x[0]
    for n in range(1, len(x)):
        y[n] = alpha * x[n] + (1.0 - alpha) * y[n - 1]
    return np.sum(y ** 2)


def biquad(coeffs, x):
    b0, b1, b2, a1, a2 = coeffs
    x1 = x2 = y1 = y2 = 0.0
    out = []
    for sample in x:
        y = b0 * sample + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
        x2, x1 = x1, sample
        y2, y1 = y1, y
        out.append(y)
    return sum(v * v for v in out)


def normalized_autocorrelation(x):
    x = x - np.mean(x)
    r = np.correlate(x, x, mode="full")
    r = r[len(x) - 1:] / r[len(x) - 1]
    return np.sum(r[1:4] ** 2)


def spectral_flatness(x):
    p = np.abs(np.fft.rfft(x, n=16)) ** 2 + 1e-3
    return np.exp(np.mean(np.log(p))) / np.mean(p)


def band_energy(x, low=1, high=4):
    X = np.fft.fft(x)
    band = X[low:high]
    return np.sum(band.real ** 2 + band.imag ** 2)


def ema_crossover(prices, fast=0.5, slow=0.2):
    ema_f = ema_s = prices[0]
    signal = 0.0
    for p in prices[1:]:
        ema_f = fast * p + (1 - fast) * ema_f
        ema_s = slow * p + (1 - slow) * ema_s
        signal += np.tanh(ema_f - ema_s)
    return signal


# ----- optimization written by hand -------------------------------------------------------


def unrolled_descent(lr, A, b, steps=8):
    x = np.zeros_like(b)
    for _ in range(steps):
        grad = A @ x - b
        x = x - lr * grad
    return 0.5 * x @ A @ x - b @ x


def nesterov(x0, scale, lr=0.05, steps=6):
    x = x0.copy()
    x_prev = x0.copy()
    for k in range(1, steps + 1):
        y = x + (k - 1) / (k + 2) * (x - x_prev)
        g = scale * np.tanh(y) + 0.1 * y
        x_prev = x
        x = y - lr * g
    return np.sum(x ** 2)


def rosen(p):
    return (1.0 - p[0]) ** 2 + 10.0 * (p[1] - p[0] ** 2) ** 2


def rosen_grad(p):
    return np.array([-2.0 * (1.0 - p[0]) - 40.0 * p[0] * (p[1] - p[0] ** 2), 20.0 * (p[1] - p[0] ** 2)])


def backtracking_descent(p0, steps=4):
    p = p0
    for _ in range(steps):
        g = rosen_grad(p)
        t = 1.0
        while rosen(p - t * g) > rosen(p) - 0.5 * t * np.dot(g, g):
            t *= 0.5
            if t < 1e-6:
                break
        p = p - t * g
    return rosen(p)


def newton_cube_root(c, tol=1e-12):
    x = max(c, 1.0)
    while True:
        step = (x ** 3 - c) / (3.0 * x ** 2)
        x -= step
        if abs(step) < tol:
            break
    return x


def soft_threshold(z, t):
    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0)


def ista_lasso(y, X, lam=0.1, steps=10):
    L = np.linalg.norm(X, 2) ** 2
    w = np.zeros(X.shape[1])
    for _ in range(steps):
        w = soft_threshold(w - X.T @ (X @ w - y) / L, lam / L)
    return 0.5 * np.sum((X @ w - y) ** 2) + lam * np.sum(np.abs(w))


def golden_section_value(c, lo=-2.0, hi=3.0, iters=25):
    invphi = (math.sqrt(5.0) - 1.0) / 2.0
    a, b = lo, hi
    f = lambda x: (x - c) ** 2 + math.cos(3.0 * x)  # noqa: E731
    for _ in range(iters):
        x1 = b - invphi * (b - a)
        x2 = a + invphi * (b - a)
        if f(x1) < f(x2):
            b = x2
        else:
            a = x1
    return f(0.5 * (a + b))


def gauss_newton_exponential(params, t, y, iters=3):
    a, k = params
    for _ in range(iters):
        e = np.exp(-k * t)
        r = a * e - y
        J = np.stack([e, -a * t * e], axis=1)
        delta = np.linalg.solve(J.T @ J, J.T @ r)
        a, k = a - delta[0], k - delta[1]
    return a + k


# ----- statistics --------------------------------------------------------------------------


def student_t_regression(beta, log_scale, X, y):
    resid = y - X @ beta
    return -np.sum(stats.t.logpdf(resid, 4.0, loc=0.0, scale=np.exp(log_scale)))


def censored_normal_nll(mu, log_sigma, observed, censored_at):
    sigma = np.exp(log_sigma)
    ll = np.sum(stats.norm.logpdf(observed, mu, sigma))
    ll += np.sum(stats.norm.logsf(censored_at, loc=mu, scale=sigma))
    return -ll


def mixture_loglik(means, log_sds, logits, x):
    log_w = logits - special.logsumexp(logits)
    comp = stats.norm.logpdf(x[:, None], means[None, :], np.exp(log_sds)[None, :])
    return np.sum(special.logsumexp(comp + log_w, axis=1))


def kde_log_likelihood(log_h, data):
    h = np.exp(log_h)
    diffs = (data[:, None] - data[None, :]) / h
    k = np.exp(-0.5 * diffs ** 2) / math.sqrt(2 * math.pi)
    np.fill_diagonal(k, 0.0)
    dens = k.sum(axis=1) / ((len(data) - 1) * h)
    return np.sum(np.log(dens))


def zero_inflated_poisson(log_rate, logit_pi, counts):
    rate = np.exp(log_rate)
    log_pi = -np.logaddexp(0.0, -logit_pi)
    log_not_pi = -np.logaddexp(0.0, logit_pi)
    zero = np.logaddexp(log_pi, log_not_pi - rate)
    positive = log_not_pi + stats.poisson.logpmf(counts, rate)
    return -np.sum(np.where(counts == 0, zero, positive))


def bayes_linear_evidence(log_alpha, X, y):
    alpha = math.exp(log_alpha)
    cov = np.eye(len(y)) + X @ X.T / alpha
    return -stats.multivariate_normal.logpdf(y, mean=np.zeros(len(y)), cov=cov)


def dirichlet_map(logits, counts, concentration):
    p = special.softmax(logits)
    return -(stats.dirichlet.logpdf(p, concentration) + np.sum(counts * np.log(p)))


# ----- geometry ---------------------------------------------------------------------------


def shoelace_area(xy):
    x, y = xy[:, 0], xy[:, 1]
    return 0.5 * np.abs(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


FACES = np.array([[0, 1, 2], [0, 2, 3], [0, 3, 4], [0, 4, 1]])


def mesh_area(vertices, faces=FACES):
    a = vertices[faces[:, 0]]
    b = vertices[faces[:, 1]]
    c = vertices[faces[:, 2]]
    n = np.cross(b - a, c - a)
    return 0.5 * np.sum(np.linalg.norm(n, axis=1))


def vertex_areas(vertices, faces=FACES):
    e1 = vertices[faces[:, 1]] - vertices[faces[:, 0]]
    e2 = vertices[faces[:, 2]] - vertices[faces[:, 0]]
    area = 0.5 * np.abs(e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0])
    per_vertex = np.bincount(faces.ravel(), weights=np.repeat(area / 3.0, 3), minlength=len(vertices))
    return np.sum(per_vertex ** 2)


def dirichlet_energy(u, vertices, faces=FACES):
    n = len(vertices)
    L = np.zeros((n, n))
    for f in faces:
        for k in range(3):
            i, j, o = f[k], f[(k + 1) % 3], f[(k + 2) % 3]
            e1 = vertices[i] - vertices[o]
            e2 = vertices[j] - vertices[o]
            cot = np.dot(e1, e2) / np.linalg.norm(np.cross(e1, e2))
            L[i, j] -= 0.5 * cot
            L[j, i] -= 0.5 * cot
            L[i, i] += 0.5 * cot
            L[j, j] += 0.5 * cot
    return 0.5 * u @ L @ u


def scatter_forces(positions, edges, k):
    forces = np.zeros_like(positions)
    d = positions[edges[:, 1]] - positions[edges[:, 0]]
    np.add.at(forces, edges[:, 0], k * d)
    np.add.at(forces, edges[:, 1], -k * d)
    return np.sum(forces ** 2)


TETS = np.array([[0, 1, 2, 3], [1, 2, 3, 4]])


def tet_volumes(points, tets=TETS):
    p = points[tets]
    edges = p[:, 1:, :] - p[:, :1, :]
    vol = np.linalg.det(edges) / 6.0
    return np.sum(vol ** 2)


def dihedral_angle(p):
    b0 = p[0] - p[1]
    b1 = p[2] - p[1]
    b2 = p[3] - p[2]
    b1n = b1 / np.linalg.norm(b1)
    v = b0 - np.dot(b0, b1n) * b1n
    w = b2 - np.dot(b2, b1n) * b1n
    x = np.dot(v, w)
    y = np.dot(np.cross(b1n, v), w)
    return np.arctan2(y, x)


def curve_length_resampled(points, n=7):
    seg = np.sqrt(np.sum(np.diff(points, axis=0) ** 2, axis=1))
    s = np.concatenate([[0.0], np.cumsum(seg)])
    t = np.linspace(0.0, s[-1], n)
    x = np.interp(t, s, points[:, 0])
    y = np.interp(t, s, points[:, 1])
    return np.sum(x * y)


# ----- physics and chemistry ----------------------------------------------------------------


def buckingham_cluster(positions, A=1.0, B=2.0, C=0.1):
    i, j = np.triu_indices(len(positions), k=1)
    r = np.linalg.norm(positions[i] - positions[j], axis=1)
    return np.sum(A * np.exp(-B * r) - C / r ** 6)


def velocity_verlet(x0, v0, k, dt=0.05, steps=10):
    x, v = x0, v0
    a = -k * x
    for _ in range(steps):
        x = x + v * dt + 0.5 * a * dt ** 2
        a_new = -k * x
        v = v + 0.5 * (a + a_new) * dt
        a = a_new
    return 0.5 * np.sum(v ** 2) + 0.5 * k * np.sum(x ** 2)


def driven_oscillator(y, params):
    x, v = y
    return np.array([v, -params["k"] * x - params["c"] * v + params["F"] * np.cos(params["w"] * 0.3)])


def rk4_with_params(k, c, y0, h=0.1, n=3):
    params = {"k": k, "c": c, "F": 0.5, "w": 1.3}
    y = y0
    for _ in range(n):
        k1 = driven_oscillator(y, params)
        k2 = driven_oscillator(y + 0.5 * h * k1, params)
        k3 = driven_oscillator(y + 0.5 * h * k2, params)
        k4 = driven_oscillator(y + h * k3, params)
        y = y + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    return y[0] ** 2 + y[1]


def spring_network(positions, rest, edges, stiffness=10.0):
    energy = 0.0
    for (i, j), L0 in zip(edges, rest):
        length = np.linalg.norm(positions[i] - positions[j])
        energy += 0.5 * stiffness * (length - L0) ** 2
    return energy


def gravity_potential(positions, masses, soft=0.1):
    diff = positions[:, None, :] - positions[None, :, :]
    r = np.sqrt(np.sum(diff ** 2, axis=-1) + soft ** 2)
    inv = 1.0 / r
    np.fill_diagonal(inv, 0.0)
    return -0.5 * np.sum(masses[:, None] * masses[None, :] * inv)


def water_energy(coords, kb=450.0, r0=0.96, ka=55.0, theta0=1.82):
    O, H1, H2 = coords
    d1 = H1 - O
    d2 = H2 - O
    r1, r2 = np.linalg.norm(d1), np.linalg.norm(d2)
    cos_t = np.dot(d1, d2) / (r1 * r2)
    theta = np.arccos(np.clip(cos_t, -1.0, 1.0))
    return kb * ((r1 - r0) ** 2 + (r2 - r0) ** 2) + ka * (theta - theta0) ** 2


def projectile_until_ground(v0, angle, dt=0.05, drag=0.1):
    x, y = 0.0, 0.0
    vx, vy = v0 * math.cos(angle), v0 * math.sin(angle)
    while y >= 0.0:
        speed = math.hypot(vx, vy)
        vx -= drag * speed * vx * dt
        vy -= (9.81 + drag * speed * vy) * dt
        x += vx * dt
        y += vy * dt
    return x


# ----- economics and finance --------------------------------------------------------------


def irr_newton(cash_flows, guess=0.1, tol=1e-12):
    r = guess
    for _ in range(50):
        f = 0.0
        df = 0.0
        for t, cf in enumerate(cash_flows):
            f += cf / (1.0 + r) ** t
            df -= t * cf / (1.0 + r) ** (t + 1)
        step = f / df
        r -= step
        if abs(step) < tol:
            return r
    return r


def bachelier_call(F, K, sigma, T):
    s = sigma * math.sqrt(T)
    d = (F - K) / s
    return (F - K) * stats.norm.cdf(d) + s * stats.norm.pdf(d)


def cobb_douglas_profit(inputs, alpha, prices, p_out=3.0):
    output = np.prod(inputs ** alpha)
    return p_out * output - prices @ inputs


def monte_carlo_barrier(S0, sigma, r=0.02, barrier=130.0, T=1.0, steps=8, paths=6):
    rng = np.random.default_rng(4)
    dt = T / steps
    z = rng.standard_normal((paths, steps))
    log_paths = np.log(S0) + np.cumsum((r - 0.5 * sigma ** 2) * dt + sigma * math.sqrt(dt) * z, axis=1)
    S = np.exp(log_paths)
    alive = np.all(S < barrier, axis=1)
    return math.exp(-r * T) * np.mean(np.where(alive, np.maximum(S[:, -1] - 100.0, 0.0), 0.0))


# ----- classes ------------------------------------------------------------------------------


@dataclasses.dataclass
class Gaussian:
    mean: np.ndarray
    log_std: np.ndarray

    @property
    def std(self):
        return np.exp(self.log_std)

    def logpdf(self, x):
        z = (x - self.mean) / self.std
        return -0.5 * z ** 2 - self.log_std - 0.5 * math.log(2 * math.pi)


def gaussian_dataclass_nll(q, samples):
    return -np.sum(q.logpdf(samples))


class Particle(NamedTuple):
    q: np.ndarray
    p: np.ndarray

    def kinetic(self):
        return 0.5 * np.sum(self.p ** 2)

    def drift(self, dt):
        return self._replace(q=self.q + dt * self.p)


def kick(state, dt, k):
    return Particle(state.q, state.p - dt * k * state.q)


def leapfrog_particle(state, k, dt=0.1, steps=5):
    for _ in range(steps):
        state = kick(state, 0.5 * dt, k)
        state = state.drift(dt)
        state = kick(state, 0.5 * dt, k)
    return state.kinetic() + 0.5 * k * np.sum(state.q ** 2)


def particle_returned(state, dt):
    return Particle(state.q * math.cos(dt) + state.p * math.sin(dt), state.p * math.cos(dt) - state.q * math.sin(dt))


class Model:
    def __init__(self, hidden=3):
        self.hidden = hidden

    def features(self, x):
        return np.tanh(x[:, None] * np.arange(1, self.hidden + 1))

    def predict(self, w, x):
        return self.features(x) @ w

    def loss(self, w, x, y):
        return np.mean((self.predict(w, x) - y) ** 2)


class RidgeModel(Model):
    @property
    def penalty(self):
        return 0.1 * self.hidden

    def loss(self, w, x, y):
        return super().loss(w, x, y) + self.penalty * np.sum(w ** 2)


RIDGE = RidgeModel(3)


def ridge_method_loss(w, x, y):
    return RIDGE.loss(w, x, y)


@dataclasses.dataclass
class Layer:
    W: np.ndarray
    b: np.ndarray

    def __call__(self, h):
        return np.tanh(self.W @ h + self.b)


def layers_forward(layers, x):
    h = x
    for layer in layers:
        h = layer(h)
    return np.sum(h ** 2)


class Portfolio:
    def __init__(self, weights, returns):
        self.weights = weights
        self.returns = returns

    def value(self):
        return np.sum(self.weights * self.returns)

    @staticmethod
    def utility(v):
        return 1.0 - np.exp(-2.0 * v)


def portfolio_utility(weights, returns):
    book = Portfolio(weights, returns)
    return Portfolio.utility(book.value())


@dataclasses.dataclass
class Params:
    a: float
    b: float
    c: float = 1.0


def fit_quadratic(params, t, y):
    pred = params.a * t ** 2 + params.b * t + params.c
    return np.sum((pred - y) ** 2)


def updated_params(params, lr=0.1):
    new = dataclasses.replace(params, a=params.a - lr * params.b, b=params.b * params.c)
    return new.a * new.b + new.c


# ----- Python idioms ------------------------------------------------------------------------


def gaussian_bump(x, center, width, height=1.0):
    return height * np.exp(-((x - center) / width) ** 2)


def make_polynomial(coeffs):
    def poly(t):
        return sum(c * t ** k for k, c in enumerate(coeffs))
    return poly


def safe_log_ratio(a, b):
    try:  # <- try-feeds
        ratio = math.log(a) - math.log(b)
    except ValueError:
        ratio = 0.0
    return ratio ** 2


def piecewise_tax(income, brackets=((10.0, 0.1), (40.0, 0.2), (math.inf, 0.35))):
    tax = 0.0
    lower = 0.0
    for upper, rate in brackets:
        if income <= lower:
            return tax
        tax += rate * (min(income, upper) - lower)
        lower = upper
    return tax


def adaptive_simpson(f, a, b, eps, whole, depth):
    m = 0.5 * (a + b)
    left = (m - a) / 6.0 * (f(a) + 4.0 * f(0.5 * (a + m)) + f(m))
    right = (b - m) / 6.0 * (f(m) + 4.0 * f(0.5 * (m + b)) + f(b))
    if depth <= 0 or abs(left + right - whole) <= 15.0 * eps:
        return left + right + (left + right - whole) / 15.0
    return (adaptive_simpson(f, a, m, eps / 2.0, left, depth - 1)
            + adaptive_simpson(f, m, b, eps / 2.0, right, depth - 1))


def integrate_adaptive(k, upper):
    f = lambda t: math.exp(-k * t) * math.sin(3.0 * t)  # noqa: E731
    whole = upper / 6.0 * (f(0.0) + 4.0 * f(0.5 * upper) + f(upper))
    return adaptive_simpson(f, 0.0, upper, 1e-6, whole, 2)


def argmax_by_key(x, weights):
    best = max(range(len(x)), key=lambda i: weights[i] * x[i])
    ordered = sorted(x, key=abs)
    return x[best] ** 2 + ordered[0] * ordered[-1]


def grid_product(a, b):
    total = 0.0
    for u, v in itertools.product(a, b):
        total += math.exp(-(u - v) ** 2)
    return total


def nested_dict_params(params, x):
    h = np.tanh(params["enc"]["W"] @ x + params["enc"]["b"])
    return float(params["dec"]["w"] @ h) + sum(np.sum(v ** 2) for v in params["enc"].values())


def running_stats(xs):
    n, mean, m2 = 0, 0.0, 0.0
    for x in xs:
        n += 1
        delta = x - mean
        mean += delta / n
        m2 += delta * (x - mean)
    return mean + m2 / (n - 1)


def early_exit_scan(x, threshold=1.0):
    acc = 0.0
    for i, v in enumerate(x):
        acc += v * v
        if acc > threshold:
            return acc * (i + 1)
    return -acc


def lambda_table(x, choice):
    ops = {"sq": lambda v: v * v, "cube": lambda v: v ** 3, "sin": math.sin}
    return sum(ops[name](x) for name in choice)  # <- table-at-run-time


def fsum_and_prod(x):
    return math.fsum(v * v for v in x) * math.prod(1.0 + 0.1 * v for v in x)  # <- generator-to-fsum


def dict_accumulate_by_label(x, labels):
    totals = {}
    for v, lab in zip(x, labels):
        totals[lab] = totals.get(lab, 0.0) + v * v
    return sum(math.sqrt(t) for t in totals.values())


def list_of_arrays_stack(x, n=3):
    rows = [np.roll(x, k) * (k + 1) for k in range(n)]
    M = np.stack(rows)
    return np.sum(M @ x)


# ----- second round: the same domains, written other ways ------------------------------------


def long_kernel_convolution(x, h):
    y = np.convolve(x, h)
    return np.sum(y[::2] ** 2) + np.sum(np.convolve(h, x, mode="valid"))


def matched_filter(template, x):
    score = np.correlate(x, template, mode="valid")
    return np.max(score) + np.sum(score ** 2)


def inverse_fft_roundtrip(x, keep=3):
    X = np.fft.rfft(x)
    X = X * (np.arange(len(X)) < keep)
    y = np.fft.irfft(X, n=len(x))
    return np.sum((y - x) ** 2)


def shifted_spectrum(x):
    X = np.fft.fftshift(np.fft.fft(x))
    mag = np.abs(X)
    return np.sum(mag * np.linspace(-1.0, 1.0, len(x)) ** 2)


def prefix_sum_in_place(x):
    y = x.copy()
    for i in range(1, len(y)):
        y[i] += y[i - 1]
    return np.sum(y * np.arange(len(y)))


def overlapping_shift(x):
    y = x.copy()
    y[1:] += y[:-1]
    z = x.copy()
    z[1:] = z[:-1]
    return np.sum(y ** 2) + np.sum(z * x)


def repeated_index_accumulate(values, index=np.array([0, 2, 0, 1, 2, 2])):
    out = np.zeros(3)
    np.add.at(out, index, values)
    hist = np.zeros(3)
    hist[index] += values
    return np.sum(out ** 2) + np.sum(hist * out)


def masked_update(x, limit=0.5):
    y = x.copy()
    y[y > limit] = limit + 0.1 * (y[y > limit] - limit)
    y[np.abs(y) < 0.2] *= 3.0
    return np.sum(y ** 2)


def trimmed_mean(x, cut=1):
    s = np.sort(x)
    return np.mean(s[cut:-cut]) + np.median(x) + np.percentile(x, 30.0)


def argmax_pick(x, W):
    scores = W @ x
    best = np.argmax(scores)
    return scores[best] * x[best % len(x)] + np.max(np.abs(x))


def table_lookup(t, table, h=0.5):
    k = int(t // h)
    k = min(max(k, 0), len(table) - 2)
    frac = t / h - k
    return (1.0 - frac) * table[k] + frac * table[k + 1]


def searchsorted_interp(xq, xs, ys):
    i = np.clip(np.searchsorted(xs, xq) - 1, 0, len(xs) - 2)
    w = (xq - xs[i]) / (xs[i + 1] - xs[i])
    return np.sum((1 - w) * ys[i] + w * ys[i + 1])


def normalize_rows(A):
    n = np.linalg.norm(A, axis=1, keepdims=True)
    U = A / n
    return np.sum(U @ U.T) + np.linalg.norm(A, ord=1) + np.linalg.norm(A[0], 1)


def stats_shapes(a, b, df, x):
    ll = np.sum(stats.gamma.logpdf(x, a, scale=1.0 / b))
    ll += np.sum(stats.t.logpdf(x - 1.0, df))
    ll += np.sum(stats.beta.logpdf(x / 4.0, a, b))
    ll += np.sum(stats.chi2.logpdf(x, df))
    return ll


def frozen_distributions(mu, s, x):
    d = stats.norm(mu, s)
    ln = stats.lognorm(s, scale=np.exp(mu))
    return np.sum(d.logpdf(x)) + np.sum(ln.logpdf(x)) + np.sum(stats.laplace.logpdf(x, mu, s))


def quantile_matching(mu, sigma, probs=np.array([0.1, 0.5, 0.9]), targets=np.array([-1.0, 0.2, 1.5])):
    q = stats.norm.ppf(probs, loc=mu, scale=sigma)
    return np.sum((q - targets) ** 2) + stats.expon.logcdf(1.3, scale=sigma)


def binomial_probit(beta, X, successes, trials):
    p = stats.norm.cdf(X @ beta)
    return -np.sum(stats.binom.logpmf(successes, trials, p))


def cauchy_logistic_mix(loc, x):
    return -np.sum(np.logaddexp(stats.cauchy.logpdf(x, loc) + math.log(0.3),
                                stats.logistic.logpdf(x, loc, 0.5) + math.log(0.7)))


def gauss_seidel_in_place(b, A, sweeps=3):
    x = np.zeros_like(b)
    n = len(b)
    for _ in range(sweeps):
        for i in range(n):
            s = b[i]
            for j in range(n):
                if j != i:
                    s -= A[i, j] * x[j]
            x[i] = s / A[i, i]
    return np.sum(x ** 2)


def verlet_in_place(x0, v0, k, dt=0.1, steps=5):
    x = x0.copy()
    v = v0.copy()
    for _ in range(steps):
        v -= 0.5 * dt * k * x
        x += dt * v
        v -= 0.5 * dt * k * x
    return np.sum(x ** 2) + np.sum(v ** 2)


def triu_pair_write(positions):
    n = len(positions)
    D = np.zeros((n, n))
    i, j = np.triu_indices(n, 1)
    D[i, j] = np.linalg.norm(positions[i] - positions[j], axis=1)
    D = D + D.T
    return np.sum(np.exp(-D)) + np.sum(D[0])


def trapezoid_work(forces, xs):
    return np.trapezoid(forces ** 2, x=xs) + np.trapezoid(np.sin(forces), dx=0.1)


class Spring:
    stiffness = 2.0

    def __init__(self, rest):
        self.rest = rest

    def energy(self, length):
        return 0.5 * self.stiffness * (length - self.rest) ** 2


class StiffSpring(Spring):
    stiffness = 20.0

    def energy(self, length):
        return super().energy(length) + 0.1 * (length - self.rest) ** 4


def chain_of_springs(x, rests=(1.0, 0.8)):
    springs = [Spring(rests[0]), StiffSpring(rests[1])]
    total = 0.0
    for s, length in zip(springs, np.diff(x)):
        total += s.energy(length)  # <- method-of-list-item
    return total


class Body(NamedTuple):
    mass: float
    position: np.ndarray
    velocity: np.ndarray


def momentum_of_bodies(bodies):
    return sum(b.mass * b.velocity for b in bodies)


def bodies_energy(bodies):
    p = momentum_of_bodies(bodies)
    kinetic = sum(0.5 * b.mass * np.sum(b.velocity ** 2) for b in bodies)
    return kinetic + np.sum(p ** 2)


@dataclasses.dataclass
class Optimizer:
    lr: float
    momentum: float = 0.9
    velocity: float = 0.0

    def step(self, grad):
        self.velocity = self.momentum * self.velocity - self.lr * grad
        return self.velocity


def optimize_scalar(x0, lr):
    opt = Optimizer(lr)
    x = x0
    for _ in range(5):
        x = x + opt.step(2.0 * (x - 1.0) + math.sin(x))
    return (x - 1.0) ** 2


def dict_zip_and_sorted(values, names=("b", "a", "c")):
    d = dict(zip(names, values))
    total = 0.0
    for k, v in sorted(d.items()):
        total = total * 0.5 + v * len(k)
    return total + d["a"] * d["c"]


def columns_by_zip(rows):
    cols = list(zip(*rows))
    return sum(math.prod(c) for c in cols) + sum(sum(c) ** 2 for c in cols)


def min_of_pair_by_key(a, b):
    near = min(a, b, key=abs)
    far = max((a, b), key=lambda v: v * v)
    return near * far + math.copysign(1.0, a) * b


def recursive_power(x, n):
    if n == 0:
        return 1.0
    half = recursive_power(x, n // 2)
    if n % 2:
        return half * half * x
    return half * half


def power_tower(x):
    return recursive_power(x, 5) + recursive_power(1.0 + x, 3)


def while_else_search(x, start=0.0):
    t = start
    while t < 3.0:
        if math.sin(x * t) > 0.9:
            break
        t += 0.25
    else:
        return -x
    return t * x + math.sin(x * t)


def reversed_list_ops(xs):
    out = []
    for v in reversed(xs):
        out.insert(0, v * v)
    tail = out[::-1]
    return sum(a * b for a, b in zip(out, tail)) + out.pop() * out[-1]


def nested_closure_counter(x):
    scale = 1.0

    def grow():
        nonlocal scale
        scale = scale * 1.5

    total = 0.0
    for v in x:
        grow()
        total = total + scale * v ** 2
    return total


def kwargs_forwarding(x, **options):
    return gaussian_bump(x, **options).sum()


def forwarding_caller(x, c):
    return kwargs_forwarding(x, center=c, width=0.5) + kwargs_forwarding(x, center=-c, width=1.0, height=0.3)


# ----- third round: scalar parameters through records, dicts and methods (second derivatives) ---


@dataclasses.dataclass
class Account:
    balance: float
    rate: float
    paid: float = 0.0

    def accrue(self, years):
        self.balance = self.balance * (1.0 + self.rate) ** years

    def withdraw(self, amount):
        if amount > self.balance:
            amount = self.balance
        self.balance -= amount
        self.paid += amount
        return amount


def retirement_plan(rate, draw):
    acct = Account(100.0, rate)
    total = 0.0
    for year in range(4):
        acct.accrue(1.0)
        total += acct.withdraw(draw * (1.0 + 0.02 * year)) / (1.0 + rate) ** year
    return total + acct.balance


class Oscillator(NamedTuple):
    x: float
    v: float

    def step(self, k, dt):
        v = self.v - k * self.x * dt
        return Oscillator(self.x + v * dt, v)

    @property
    def energy(self):
        return 0.5 * self.v ** 2


def symplectic_euler(k, x0):
    s = Oscillator(x0, 0.0)
    history = []
    for _ in range(6):
        s = s.step(k, 0.1)
        history.append(s.x)
    return s.energy + 0.5 * k * s.x ** 2 + sum(history)


def scalar_adam(w0, lr, target=1.5):
    state = {"w": w0, "m": 0.0, "v": 0.0}
    for t in range(1, 4):
        g = 2.0 * (state["w"] - target) + math.cos(state["w"])
        state["m"] = 0.9 * state["m"] + 0.1 * g
        state["v"] = 0.99 * state["v"] + 0.01 * g * g
        step = lr * (state["m"] / (1 - 0.9 ** t)) / (math.sqrt(state["v"] / (1 - 0.99 ** t)) + 1e-8)
        state["w"] -= step
    return (state["w"] - target) ** 2


@dataclasses.dataclass
class Counter:
    total: float = 0.0
    count: int = 0

    def add(self, v):
        self.total += v
        self.count += 1

    def mean(self):
        return self.total / self.count


def conditional_mean(a, b):
    c = Counter()
    for v in (a, b, a * b, a - b):
        if v > 0.0:
            c.add(v * v)
        else:
            c.add(-v)
    return c.mean() * c.total


def split_recursive(x, depth=3):
    if depth == 0:
        return (x, x * x)
    lo, hi = split_recursive(0.5 * x, depth - 1)
    return (lo + math.sin(hi), hi * lo)


def recursion_pair(x):
    a, b = split_recursive(x)
    return a * b


def records_in_list(m, k):
    bodies = [Oscillator(m * i, k) for i in range(3)]
    moved = [b.step(k, 0.1) for b in bodies]
    return sum(b.energy + b.x ** 2 for b in moved)


def dict_returned(a, b):
    def moments(u, v):
        return {"mean": 0.5 * (u + v), "spread": abs(u - v), "prod": u * v}
    m = moments(a, b)
    total = 0.0
    for key, value in m.items():
        total += len(key) * value
    return total + m["mean"] * m["prod"]


def early_return_with_record(x, limit=3.0):
    s = Oscillator(x, 1.0)
    for _ in range(10):
        s = s.step(2.0, 0.2)
        if s.x > limit:
            return s.x * s.v
    return s.energy


def particle_update(x, v):
    p = Params(x, v)
    for _ in range(3):
        p = dataclasses.replace(p, a=p.a + 0.1 * p.b, b=p.b - 0.1 * math.sin(p.a))
        p.c = p.c * 0.9 + p.a  # <- field-write-after-replace
    return p.a * p.b + p.c


class Integrator:
    def __init__(self, dt):
        self.dt = dt
        self.t = 0.0
        self.y = 1.0

    def advance(self, rate):
        self.y = self.y + self.dt * rate * self.y * math.cos(self.t)
        self.t = self.t + self.dt


def integrator_object(rate):
    integ = Integrator(0.1)
    for _ in range(5):
        integ.advance(rate)
    return integ.y * integ.t


def tuple_swap_loop(a, b):
    for _ in range(4):
        a, b = b, a + 0.5 * b * math.tanh(a)
    return a * b


def try_except_inert(x, y):
    try:  # <- try-assigns
        note = f"{x:.3f}"
    except (TypeError, ValueError):
        note = ""
    z = x * y + math.exp(-x)
    if note:
        z = z + 0.0
    return z


def kwonly_defaults(x, *, scale=2.0, shift=0.5):
    return scale * math.log1p(x * x) + shift * x


def kwonly_caller(x, s):
    return kwonly_defaults(x, scale=s) + kwonly_defaults(s, shift=x)


def star_args_sum(*terms):
    return sum(t * t for t in terms)


def star_caller(x, y):
    return star_args_sum(x, y, x * y) + star_args_sum(math.sin(x))


# ----- fourth round: NumPy's corners in signal, finance and statistics code -------------------


def short_signal_long_kernel(x, h):
    same = np.convolve(x, h, mode="same")
    corr_full = np.correlate(x, h, mode="full")
    corr_same = np.correlate(x, h, mode="same")
    return np.sum(same * np.arange(len(same))) + np.sum(corr_full ** 2) + np.sum(corr_same * corr_same[::-1])


def differences_and_rolls(x):
    d2 = np.diff(x, n=2)
    edge = np.diff(x, prepend=x[0])
    r = np.roll(x, -3) - np.roll(x, len(x) + 2)
    M = np.roll(x.reshape(2, -1), (1, -1), axis=(0, 1))
    return np.sum(d2 ** 2) + np.sum(edge * r) + np.sum(M * x.reshape(2, -1) ** 2)


def ortho_transforms(x):
    X = np.fft.rfft(x, n=6, norm="ortho")
    y = np.fft.irfft(np.fft.rfft(x), n=7)
    M = np.fft.rfft(x.reshape(2, 4), axis=0)
    return np.sum(np.abs(X) ** 2) + np.sum(y ** 3) + np.sum(np.abs(M))


def max_drawdown(prices):
    peak = np.maximum.accumulate(prices)
    drawdown = (peak - prices) / peak
    return np.max(drawdown) + np.mean(drawdown)


def numpy_gradient(y, dx):
    g = np.gradient(y, dx)
    g2 = np.gradient(y, edge_order=2)
    return np.sum(g ** 2) + np.sum(g2 * y)


def padded_smoothing(x):
    p = np.pad(x, 2, mode="reflect")
    e = np.pad(x, (1, 2), mode="edge")
    w = np.pad(x, 1, mode="wrap")
    return np.sum(np.convolve(p, np.ones(5) / 5.0, mode="valid") ** 2) + np.sum(e * e) + np.sum(w[:-2] * w[2:])


def polyfit_curvature(y, t=np.linspace(0.0, 1.0, 6)):
    coeffs = np.polyfit(t, y, 2)
    return coeffs[0] ** 2 + np.sum(np.polyval(coeffs, t) * y)


def weighted_average_returned(x, w):
    avg, total = np.average(x, weights=w, returned=True)  # <- average-returned
    cols = np.average(x.reshape(2, 3), axis=1, weights=w[:3])
    return avg * total + np.sum(cols ** 2)


def stats_by_axis(A):
    s = np.std(A, axis=0, ddof=1)
    v = np.var(A, axis=1, keepdims=True)
    m = np.median(A, axis=0)
    c = np.corrcoef(A)
    return np.sum(s) + np.sum(v * A) + np.sum(m ** 2) + np.sum(c[0, 1:])


def running_logsumexp(x):
    acc = np.logaddexp.accumulate(x)  # <- accumulate
    return np.sum(acc) + np.logaddexp.reduce(x) + np.sum(np.minimum.accumulate(x))


def take_and_put_along(A):
    order = np.argsort(A, axis=1)
    top = np.take_along_axis(A, order[:, -1:], axis=1)
    B = A.copy()
    np.put_along_axis(B, order[:, :1], 0.0, axis=1)
    return np.sum(top ** 2) + np.sum(B * A)


def einsum_corners(A, v):
    diag = np.einsum("ii->i", A)
    batched = np.einsum("...i,...i->...", A, A)
    return np.sum(diag * v) + np.sum(batched) + np.einsum("i,ij,j", v, A, v)


def norm_kinds(A):
    return (np.linalg.norm(A, "fro") + np.linalg.norm(A, axis=(0, 1)) + np.linalg.norm(A, np.inf)
            + np.linalg.norm(A, -1) + np.sum(np.linalg.norm(A, axis=0, ord=3)))


def sliding_windows(x, k=3):
    windows = np.lib.stride_tricks.sliding_window_view(x, k)
    return np.sum(np.max(windows, axis=1)) + np.sum(windows.mean(axis=1) ** 2)


def lstsq_residual(A, b):
    coef, res, rank, sv = np.linalg.lstsq(A, b, rcond=None)
    return np.sum(coef ** 2) + np.sum((A @ coef - b) ** 2)


def vandermonde_fit(t, y):
    V = np.vander(t, 3)
    coef = np.linalg.solve(V.T @ V, V.T @ y)
    return np.sum(coef * np.array([1.0, 2.0, 3.0]))


def unwrap_phase(phi):
    u = np.unwrap(phi)
    return np.sum(np.diff(u) ** 2)


def interp_bounds(xq, xs, ys):
    a = np.interp(xq, xs, ys, left=0.0, right=ys[-1] * 2.0)
    b = np.interp(xq, xs, ys, left=None)
    return np.sum(a * b)


def interp_periodic(xq, xs, ys):
    return np.sum(np.interp(xq, xs, ys, period=4.0) ** 2)


def reduceat_segments(x, starts=np.array([0, 2, 5])):
    seg = np.add.reduceat(x, starts)  # <- reduceat
    return np.sum(seg ** 2)


def partition_quantile(x, k=2):
    p = np.partition(x, k)
    return np.sum(p[:k]) + p[k] ** 2 + np.quantile(x, [0.25, 0.75]).sum()


def scipy_signal_filter(b, x):
    from scipy import signal
    y = signal.lfilter(b, [1.0, -0.5], x)  # <- lfilter
    return np.sum(y ** 2)


# ----- fifth round: assembly by index arrays, reverse scans, in-place broadcasting ------------


def bar_fem_compliance(stiffness, load=1.0):
    n = len(stiffness)
    K = np.zeros((n + 1, n + 1))
    for e in range(n):
        dofs = [e, e + 1]
        ke = stiffness[e] * np.array([[1.0, -1.0], [-1.0, 1.0]])
        K[np.ix_(dofs, dofs)] += ke
    free = np.arange(1, n + 1)
    f = np.zeros(n)
    f[-1] = load
    u = np.linalg.solve(K[np.ix_(free, free)], f)
    return f @ u


def assemble_add_at(vals, rows=np.array([0, 1, 1, 2, 0]), cols=np.array([0, 1, 0, 2, 0])):
    K = np.eye(3)
    np.add.at(K, (rows, cols), vals)
    np.subtract.at(K, (cols, rows), 0.1 * vals)
    return np.linalg.slogdet(K)[1] + np.sum(K ** 2)


def discounted_returns(rewards, gamma):
    disc = gamma ** np.arange(len(rewards))
    returns = np.cumsum((rewards * disc)[::-1])[::-1] / disc
    return np.sum(returns ** 2)


def nonuniform_gradient(y, t):
    dy = np.gradient(y, t)  # <- gradient-coordinates
    return np.sum(dy ** 2)


def broadcast_in_place(A, b):
    B = A.copy()
    B += b[:, None]
    B[:, 0] = B[:, 1] * 2.0
    B[[0, 0, 1]] += 1.0
    B *= np.arange(1.0, B.shape[1] + 1)
    return np.sum(B ** 2)


def cumsum_2d(A):
    C = np.cumsum(A, axis=0)
    R = np.cumsum(A[:, ::-1], axis=1)[:, ::-1]
    return np.sum(C[-1] * R[0]) + np.sum(np.cumsum(A) ** 2)


def dict_of_arrays_loop(params, x):
    grads = {}
    for name in ("w", "b"):
        grads[name] = np.tanh(params[name] * x[: len(params[name])])
    out = {k: v * 2.0 for k, v in grads.items()}
    return sum(np.sum(v ** 2) for v in out.values())


def gae_advantages(values, rewards, gamma=0.9, lam=0.8):
    T = len(rewards)
    adv = np.zeros(T)
    last = 0.0
    for t in reversed(range(T)):
        delta = rewards[t] + gamma * values[t + 1] - values[t]
        last = delta + gamma * lam * last
        adv[t] = last
    return np.sum(adv ** 2)


def kinetic_monte_carlo(rates, seed=3):
    rng = np.random.default_rng(seed)
    t = 0.0
    total = np.sum(rates)
    for _ in range(5):
        u = rng.random()
        t += -math.log(u) / total
    probs = rates / total
    return t + np.sum(probs * np.log(probs))


# ----- sixth round: a callee's record, dict or list the caller leaves unread ----------------


def step_state(state, x):
    new = {"m": 0.9 * state["m"] + x, "n": state["n"] + x * x}
    return new, new["m"] * math.sin(x)


def dict_state_callee(x, y):
    state = {"m": 0.0, "n": 1.0}
    total = 0.0
    for v in (x, y, x * y):
        state, out = step_state(state, v)
        total += out
    return total


def list_state_callee(x, y):
    def push(items, v):
        return items + [v * v], sum(items) * v  # <- list-join-in-callee
    items = [x]
    total = 0.0
    for v in (y, x + y):
        items, out = push(items, v)
        total += out
    return total


def namedtuple_state_callee(x, k):
    def advance(s):
        nxt = s.step(k, 0.1)  # <- method-of-parameter
        return nxt, nxt.x * s.v
    s = Oscillator(x, 0.5)
    total = 0.0
    for _ in range(3):
        s, out = advance(s)
        total += out
    return total


@dataclasses.dataclass
class Smoother:
    level: float
    alpha: float

    def update(self, v):
        self.level = self.alpha * v + (1.0 - self.alpha) * self.level
        return self.level


def smoother_method(alpha, x0):
    sm = Smoother(x0, alpha)
    total = 0.0
    for v in (1.0, 0.5, -0.3, 0.8):
        total += sm.update(v) ** 2
    return total


def smoother_unused_at_end(alpha, x0):
    sm = Smoother(x0, alpha)
    last = 0.0
    for v in (1.0, 0.5, -0.3):
        last = sm.update(v * x0)
    return last


def record_from_callee_unread(x, y):
    def build(a, b):
        return Params(a * b, a + b, math.exp(-a)), a - b
    p, diff = build(x, y)
    q, diff2 = build(diff, x)
    return p.a * diff2 + q.c


# ----- seventh round: the standard library and NumPy's wrappers of Python functions ------------


def stochastic_paths(mu, sigma, seed=5):
    rng = np.random.default_rng(seed)
    x = 1.0
    total = 0.0
    for _ in range(4):
        x = x + mu * 0.1 + rng.normal(0.0, sigma)
        total += x * x
    jumps = rng.exponential(sigma, size=3)
    return total + np.sum(jumps) + rng.uniform(mu, mu + 1.0)


@functools.lru_cache(maxsize=None)
def cached_basis(k, t):
    return math.cos(k * t) / (1.0 + k)


def lru_cached_series(t):
    return sum(cached_basis(k, t) for k in range(4))


def statistics_module(x, y):
    values = [x, y, x * y, x + 1.0]
    return statistics.fmean(values) * statistics.stdev(values) + statistics.median(values)


def vectorized_scalar(x):
    def piece(v):
        return v * v if v > 0.0 else math.sin(v)
    f = np.vectorize(piece)
    return np.sum(f(x))  # <- vectorized


def apply_along(A):
    return np.sum(np.apply_along_axis(lambda r: np.sum(r ** 2) * r[0], 1, A))  # <- apply-along-axis


def rounding_and_casts(x):
    return round(x, 2) * x + int(x * 3.0) * x + math.floor(x) + np.rint(x * 10.0) * x


def sign_and_steps(x):
    return np.sum(np.sign(x) * x ** 2 + np.floor(x) * x + np.ceil(x) + np.heaviside(x, 0.5) * x)


def isinstance_branch(x):
    if isinstance(x, float):
        return x * x
    return np.sum(x ** 3)


def allclose_fixed_point(c):
    x = np.ones(2)
    for _ in range(100):
        new = np.cos(c * x) * 0.5
        if np.allclose(new, x, rtol=0.0, atol=1e-13):
            break
        x = new
    return np.sum(x)


def nested_unpacking(xs, ys):
    total = 0.0
    for i, (a, (b, c)) in enumerate(zip(xs, zip(ys, ys[::-1]))):
        total += (i + 1) * a * b - c
    return total


def operator_reduce(x):
    return functools.reduce(operator.mul, [1.0 + v for v in x]) + functools.reduce(operator.add, x, 0.0)


def newaxis_broadcast(x, w):
    outer = x[:, np.newaxis] * w[None, :]
    again = x[..., None] @ w[None, ...]
    return np.sum(np.tanh(outer) + again ** 2)


def integrate_with_quad(a):
    from scipy import integrate
    value, _ = integrate.quad(lambda t: math.exp(-a * t * t), 0.0, 1.0)  # <- quad
    return value


class Potential:
    def energy(self, r):
        return np.sum(self.pair(r))

    def pair(self, r):
        return r ** 2


class Soft(Potential):
    scale = 0.5

    def pair(self, r):
        return self.scale * np.log1p(r ** 2)


SOFT = Soft()
PLAIN = Potential()


def polymorphic_energy(r):
    return SOFT.energy(r) + PLAIN.energy(r)


class ShapeTuple(NamedTuple):
    width: float
    height: float = 2.0

    @property
    def area(self):
        return self.width * self.height


def namedtuple_default(w):
    s = ShapeTuple(w)
    t = ShapeTuple(w, w * w)
    return s.area + t.area + s._replace(height=s.width).area  # <- property-of-a-copy


# ----- eighth round: checkpointed steps --------------------------------------------------------


@adjoint.checkpoint
def checkpointed_rk4_step(y, k, h):
    f = lambda v: np.array([v[1], -k * math.sin(v[0])])  # noqa: E731
    k1 = f(y)
    k2 = f(y + 0.5 * h * k1)
    k3 = f(y + 0.5 * h * k2)
    k4 = f(y + h * k3)
    return y + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)


def checkpointed_pendulum(k, y0):
    y = y0
    for _ in range(4):
        y = checkpointed_rk4_step(y, k, 0.2)
    return y[0] ** 2 + y[1]


@adjoint.checkpoint
def checkpointed_layer(h, W, b):
    z = W @ h + b
    return np.tanh(z), np.sum(z ** 2)


def checkpointed_network(W, x):
    h = x
    penalty = 0.0
    for i in range(3):
        h, p = checkpointed_layer(h, W * (i + 1), 0.1 * i)
        penalty += p
    return np.sum(h) + 0.01 * penalty


@adjoint.checkpoint
def checkpointed_scalar(a, b):
    if a > b:
        return a * math.exp(-b)
    return b * math.sin(a)


def checkpointed_branches(x, y):
    total = 0.0
    for t in (0.5, 1.0, 1.5):
        total += checkpointed_scalar(x * t, y)
    return total


# ----- ninth round: parameters by computed keys, generators, splits -----------------------------


def consecutive_pairs(xs):
    for i in range(len(xs) - 1):
        yield xs[i], xs[i + 1]


def generator_function(x):
    return sum(a * b for a, b in consecutive_pairs(x))


def mlp_by_formatted_keys(params, x, depth=2):
    h = x
    for i in range(depth):
        h = np.tanh(params[f"W{i}"] @ h + params[f"b{i}"])
    flat = np.concatenate([params[k].ravel() for k in sorted(params)])
    return np.sum(h ** 2) + 0.01 * np.sum(flat ** 2)


def split_chunks(x):
    parts = np.split(x, 3)
    pieces = np.array_split(x, 4)
    return sum(np.prod(p) for p in parts) + sum(np.sum(q) ** 2 for q in pieces) + np.sum(x.reshape(-1, 2).sum(axis=1) ** 3)


def errstate_and_checks(x):
    assert x.ndim == 1, "a vector"
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(x > 0.0, np.log(np.abs(x)), 0.0)
    if np.any(np.isnan(r)):
        raise ValueError("nan")
    logging.getLogger(__name__).debug(f"mean log {np.mean(r):.3f}")
    return np.sum(r * x)


def list_of_layer_dicts(layers, x):
    h = x
    for i, layer in enumerate(layers):
        h = np.tanh(layer["W"] @ h + layer.get("b", 0.0))  # <- get-of-loop-dict
        if i == len(layers) - 1:
            h = h * layer["scale"]
    return np.sum(h)


# ----- tenth round: the standard library's containers and searches ------------------------------


def top_k_sum(x, k=2):
    top = heapq.nlargest(k, x)
    ordered = sorted(x, reverse=True)[:k]
    return sum(top) + sum(v * v for v in ordered)


def bisect_spline(t, values, knots=(0.0, 0.5, 1.2, 2.0, 3.0)):
    i = bisect.bisect_right(knots, t) - 1
    i = min(max(i, 0), len(knots) - 2)
    w = (t - knots[i]) / (knots[i + 1] - knots[i])  # <- index-from-bisect
    return (1.0 - w) * values[i] + w * values[i + 1]


def defaultdict_totals(x, labels=("a", "b", "a", "c")):
    totals = collections.defaultdict(float)
    for v, lab in zip(x, labels):
        totals[lab] += v * v
    return sum(math.sqrt(t) for t in totals.values())


def counter_weights(x, labels=("a", "b", "a", "c")):
    weights = collections.Counter()
    for v, lab in zip(x, labels):
        weights[lab] += math.exp(v)
    return sum(w * w for w in weights.values()) + weights["unseen"] * x[0]


def combinations_energy(positions):
    energy = 0.0
    for i, j in itertools.combinations(range(len(positions)), 2):
        r = np.linalg.norm(positions[i] - positions[j])
        energy += 1.0 / r ** 12 - 2.0 / r ** 6
    return energy


def consecutive_zip(x):
    return sum((b - a) ** 2 for a, b in zip(x[:-1], x[1:])) + sum(max(0.0, v) for v in x)


def out_parameter_rhs(y, out):
    out[0] = y[1]
    out[1] = -math.sin(y[0])
    return out


def euler_with_out_buffer(y0, h=0.1):
    y = y0.copy()
    buf = np.zeros(2)
    for _ in range(3):
        out_parameter_rhs(y, buf)  # <- out-buffer
        y = y + h * buf
    return np.sum(y ** 2)


def isclose_loop(c):
    x = 1.0
    while True:
        new = 0.5 * (x + c / x)
        if math.isclose(new, x, rel_tol=0.0, abs_tol=1e-14):
            return new
        x = new


# ----- eleventh round: dicts under tuple keys, matrices from numbers -----------------------------


def sparse_graph_energy(x, edges=((0, 1), (1, 2), (0, 2), (2, 3))):
    weights = {}
    for i, j in edges:
        weights[(i, j)] = math.exp(-(x[i] - x[j]) ** 2)
    degree = {k: 0.0 for k in range(len(x))}
    for (i, j), w in weights.items():
        degree[i] += w
        degree[j] += w
    return sum(w * (x[i] - x[j]) ** 2 for (i, j), w in weights.items()) + sum(d * d for d in degree.values())


def rotation_matrices(theta, v):
    c, s = math.cos(theta), math.sin(theta)
    R = np.array([[c, -s], [s, c]])
    M = np.column_stack([v, R @ v])
    return v @ R @ v + np.linalg.det(M) + np.sum(np.linalg.inv(R + 2.0 * np.eye(2)) @ v)


def homogeneous_transform(theta):
    R = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    T = np.block([[R, np.ones((2, 1))], [np.zeros((1, 2)), np.ones((1, 1))]])
    return np.sum(T @ T)


def rows_then_array(x):
    rows = []
    for k in range(3):
        rows.append([x[k], x[k] ** 2, math.sin(x[k])])
    A = np.array(rows)
    return np.sum(np.hstack([A, A.T]) ** 2) + np.sum(np.diag(np.diag(A)))


# ----- twelfth round: windows kept in lists and deques -------------------------------------------


def window_by_pop_front(x, width=3):
    window = []
    out = 0.0
    for v in x:
        window.append(v)
        if len(window) > width:
            window.pop(0)
        out += sum(window) / len(window)
    return out


def window_by_deque(x, width=3):
    window = collections.deque(maxlen=width)
    out = 0.0
    for v in x:
        window.append(v * v)  # <- deque-append
        out += sum(window) / len(window)
    return out


def window_by_iadd(x, width=2):
    window = collections.deque(maxlen=width)
    for v in x:
        window += [v * v]  # <- deque-iadd
    return sum(window)


def stack_machine(x):
    stack = [x[0]]
    for v in x[1:]:
        top = stack.pop()
        stack.append(top * v + 1.0)
        stack.append(math.sin(v))
    return sum(stack) + stack.index(stack[-1]) * x[0]  # <- list-index


def extend_and_reverse(x):
    items = list(x[:2])
    items.extend([v * 2.0 for v in x[2:]])
    items += [x[0] * x[-1]]
    items.reverse()
    return sum((k + 1) * v for k, v in enumerate(items))
