"""Programs written as their users write them (tests/test_probe41_programs.py), of kinds the earlier
probes left out: option pricing (parity, strips of strikes with scipy.stats.norm, Merton's jump
series, a Heston-like Monte Carlo with full truncation, a trinomial tree, digital options by erfc),
pair potentials (Morse by np.triu_indices, Lennard-Jones with a cutoff and itertools.combinations),
integrators keeping lists of states, forward kinematics by functools.reduce of homogeneous
transforms, ray-triangle and ray-box intersection with branches, classification losses with integer
labels and fancy indexing, scatters through np.add.at and repeated fancy indices, LSTM and GRU cells
with parameters in dicts, piecewise losses at their kinks, np.linalg and einsum, cumulative ops,
float32 data and 0-d arrays, and Python's control flow and idioms (break/continue/else, recursion,
try/except/else/finally, properties and __call__, reduce, accumulate, product, sorted by key,
closures over loop variables).
"""
import functools
import itertools
import contextlib
import math
import operator
from dataclasses import dataclass, field

import numpy as np
import scipy.special
from scipy.stats import norm


# ----- Option pricing ------------------------------------------------------------------------------


def std_normal_cdf(x):
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def bs_d1_d2(S, K, T, r, sigma):
    vol = sigma * math.sqrt(T)
    d1 = (math.log(S / K) + (r + 0.5 * sigma ** 2) * T) / vol
    return d1, d1 - vol


def bs_call(S, K, T, r, sigma):
    d1, d2 = bs_d1_d2(S, K, T, r, sigma)
    return S * std_normal_cdf(d1) - K * math.exp(-r * T) * std_normal_cdf(d2)


def bs_put_by_parity(S, K, T, r, sigma):
    return bs_call(S, K, T, r, sigma) - S + K * math.exp(-r * T)


def straddle_vega_weighted(S, sigma):
    K, T, r = 1.0, 0.5, 0.01
    call = bs_call(S, K, T, r, sigma)
    put = bs_put_by_parity(S, K, T, r, sigma)
    d1, _ = bs_d1_d2(S, K, T, r, sigma)
    vega = S * math.sqrt(T) * math.exp(-0.5 * d1 * d1) / math.sqrt(2.0 * math.pi)
    return call + put + 0.1 * vega


def call_strip_scipy(S, strikes, sigma):
    T, r = 0.75, 0.03
    d1 = (np.log(S / strikes) + (r + 0.5 * sigma ** 2) * T) / (sigma * np.sqrt(T))
    d2 = d1 - sigma * np.sqrt(T)
    prices = S * norm.cdf(d1) - strikes * np.exp(-r * T) * norm.cdf(d2)
    return np.sum(prices ** 2)


def digital_call_erfc(S, K, sigma):
    T, r = 0.75, 0.01
    d2 = (math.log(S / K) + (r - 0.5 * sigma ** 2) * T) / (sigma * math.sqrt(T))
    return math.exp(-r * T) * 0.5 * scipy.special.erfc(-d2 / math.sqrt(2.0))


def merton_jump_call(S, sigma, lam):
    K, T, r, mu_j, delta = 1.0, 0.5, 0.02, -0.1, 0.2
    k = math.exp(mu_j + 0.5 * delta ** 2) - 1.0
    lam_p = lam * (1.0 + k)
    total = 0.0
    for n in range(10):
        sigma_n = math.sqrt(sigma ** 2 + n * delta ** 2 / T)
        r_n = r - lam * k + n * math.log(1.0 + k) / T
        weight = math.exp(-lam_p * T) * (lam_p * T) ** n / math.factorial(n)
        total += weight * bs_call(S, K, T, r_n, sigma_n)
    return total


def heston_euler_mc(v0, kappa, xi):
    rng = np.random.default_rng(3)
    n_paths, n_steps, dt, theta = 32, 12, 0.02, 0.04
    log_s = np.zeros(n_paths)
    v = np.full(n_paths, v0)
    for _ in range(n_steps):
        z1 = rng.standard_normal(n_paths)
        z2 = rng.standard_normal(n_paths)
        vp = np.maximum(v, 1e-8)
        log_s = log_s - 0.5 * vp * dt + np.sqrt(vp * dt) * z1
        v = v + kappa * (theta - vp) * dt + xi * np.sqrt(vp * dt) * z2
    payoff = np.maximum(np.exp(log_s) - 0.98, 0.0)
    return float(np.mean(payoff))


def trinomial_tree_call(S, sigma):
    K, T, r, steps = 1.0, 0.5, 0.02, 6
    dt = T / steps
    u = math.exp(sigma * math.sqrt(2.0 * dt))
    a = math.exp(r * dt / 2.0)
    b = math.exp(sigma * math.sqrt(dt / 2.0))
    pu = ((a - 1.0 / b) / (b - 1.0 / b)) ** 2
    pd = ((b - a) / (b - 1.0 / b)) ** 2
    pm = 1.0 - pu - pd
    values = [max(S * u ** j - K, 0.0) for j in range(-steps, steps + 1)]
    for level in range(steps, 0, -1):
        values = [math.exp(-r * dt) * (pd * values[j] + pm * values[j + 1] + pu * values[j + 2])
                  for j in range(2 * level - 1)]
    return values[0]


def asian_geometric_closed_form(S, sigma):
    K, T, r, n = 1.0, 1.0, 0.03, 12
    sigma_g = sigma * math.sqrt((n + 1) * (2 * n + 1) / (6.0 * n * n))
    mu_g = (r - 0.5 * sigma ** 2) * (n + 1) / (2.0 * n) + 0.5 * sigma_g ** 2
    d1 = (math.log(S / K) + (mu_g + 0.5 * sigma_g ** 2) * T) / (sigma_g * math.sqrt(T))
    d2 = d1 - sigma_g * math.sqrt(T)
    return math.exp(-r * T) * (S * math.exp(mu_g * T) * norm.cdf(d1) - K * norm.cdf(d2))


def portfolio_of_options(spots, vols):
    book = [("call", 1.0, 2.0), ("put", 1.1, -1.0), ("call", 0.9, 0.5)]
    value = 0.0
    for (kind, strike, qty), S, sigma in zip(book, spots, vols):
        if kind == "call":
            value += qty * bs_call(S, strike, 0.5, 0.01, sigma)
        else:
            value += qty * bs_put_by_parity(S, strike, 0.5, 0.01, sigma)
    return value


def margrabe_exchange(S1, S2, s1, s2, rho):
    T = 0.8
    sigma = math.sqrt(s1 ** 2 + s2 ** 2 - 2 * rho * s1 * s2)
    d1 = (math.log(S1 / S2) + 0.5 * sigma ** 2 * T) / (sigma * math.sqrt(T))
    d2 = d1 - sigma * math.sqrt(T)
    return S1 * norm.cdf(d1) - S2 * norm.cdf(d2)


# ----- Pair potentials and molecular dynamics ---------------------------------------------------


def morse_energy(positions, D, a):
    i, j = np.triu_indices(len(positions), k=1)
    r = np.linalg.norm(positions[i] - positions[j], axis=1)
    return D * np.sum((1.0 - np.exp(-a * (r - 1.0))) ** 2)


def lj_with_cutoff(positions, eps):
    sigma, cutoff = 1.0, 1.6
    n = positions.shape[0]
    energy = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            r = np.sqrt(np.sum((positions[i] - positions[j]) ** 2))
            if r > cutoff:
                continue
            s6 = (sigma / r) ** 6
            energy += 4.0 * eps * (s6 * s6 - s6)
    return energy


def lj_combinations(positions):
    energy = 0.0
    for a, b in itertools.combinations(positions, 2):
        r2 = float(np.dot(a - b, a - b))
        inv6 = 1.0 / r2 ** 3
        energy += inv6 * inv6 - 2.0 * inv6
    return energy


def lj_forces_matrix(positions):
    diff = positions[:, None, :] - positions[None, :, :]
    r2 = np.sum(diff ** 2, axis=-1) + np.eye(len(positions))
    inv6 = 1.0 / r2 ** 3
    np.fill_diagonal(inv6, 0.0)
    forces = np.sum((12 * inv6 ** 2 - 6 * inv6)[:, :, None] * diff / r2[:, :, None], axis=1)
    return np.sum(forces ** 2)


def velocity_verlet_lists(x0, v0, k):
    dt, steps = 0.1, 8
    xs, vs = [x0], [v0]
    a = -k * xs[-1] ** 3
    for _ in range(steps):
        x = xs[-1] + dt * vs[-1] + 0.5 * dt * dt * a
        a_new = -k * x ** 3
        v = vs[-1] + 0.5 * dt * (a + a_new)
        xs.append(x)
        vs.append(v)
        a = a_new
    energies = [0.5 * v * v + 0.25 * k * x ** 4 for x, v in zip(xs, vs)]
    return energies[-1] - energies[0] + xs[-1]


def rk4_state_arrays(y0, omega):
    def rhs(y):
        return np.array([y[1], -omega ** 2 * np.sin(y[0])])

    h = 0.05
    states = [y0]
    for _ in range(10):
        y = states[-1]
        k1 = rhs(y)
        k2 = rhs(y + 0.5 * h * k1)
        k3 = rhs(y + 0.5 * h * k2)
        k4 = rhs(y + h * k3)
        states.append(y + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4))
    trajectory = np.stack(states)
    return np.sum(trajectory[:, 0] ** 2) + trajectory[-1, 1]


def harmonic_chain_energy(displacements, k):
    padded = np.concatenate([[0.0], displacements, [0.0]])
    stretch = np.diff(padded)
    return 0.5 * k * np.sum(stretch ** 2) + 0.25 * np.sum(stretch ** 4)


def coulomb_with_charges(positions, charges):
    energy = 0.0
    n = len(charges)
    for i, j in itertools.product(range(n), repeat=2):
        if i >= j:
            continue
        energy += charges[i] * charges[j] / np.linalg.norm(positions[i] - positions[j])
    return energy


def periodic_min_image(positions):
    box = 3.0
    i, j = np.triu_indices(positions.shape[0], 1)
    d = positions[i] - positions[j]
    d = d - box * np.round(d / box)
    r2 = np.sum(d * d, axis=1)
    return np.sum(np.exp(-r2))


# ----- Kinematics and geometry ------------------------------------------------------------------


def homogeneous(theta, length):
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, -s, length * c], [s, c, length * s], [0.0, 0.0, 1.0]])


def arm_reduce_reach(angles, lengths):
    transforms = [homogeneous(t, l) for t, l in zip(angles, lengths)]
    tip = functools.reduce(np.matmul, transforms) @ np.array([0.0, 0.0, 1.0])
    target = np.array([1.2, 0.7])
    return np.sum((tip[:2] - target) ** 2)


def arm_joint_positions(angles):
    lengths = (1.0, 0.8, 0.5)
    x, y, heading = 0.0, 0.0, 0.0
    joints = []
    for theta, length in zip(angles, lengths):
        heading += theta
        rot = np.array([[math.cos(heading), -math.sin(heading)], [math.sin(heading), math.cos(heading)]])
        step = rot @ np.array([length, 0.0])
        x, y = x + step[0], y + step[1]
        joints.append((x, y))
    return sum(px * px + 0.5 * py for px, py in joints)


def rotation_3d(axis, angle):
    axis = axis / np.linalg.norm(axis)
    K = np.array([[0.0, -axis[2], axis[1]], [axis[2], 0.0, -axis[0]], [-axis[1], axis[0], 0.0]])
    return np.eye(3) + np.sin(angle) * K + (1.0 - np.cos(angle)) * K @ K


def rodrigues_alignment(axis, angle):
    R = rotation_3d(axis, angle)
    points = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.5], [0.3, -0.2, 1.0]])
    rotated = points @ R.T
    return np.sum((rotated - points[::-1]) ** 2)


def ray_triangle(origin, direction):
    v0 = np.array([0.0, 0.0, 2.0])
    v1 = np.array([1.0, 0.0, 2.2])
    v2 = np.array([0.0, 1.0, 1.8])
    e1, e2 = v1 - v0, v2 - v0
    p = np.cross(direction, e2)
    det = np.dot(e1, p)
    if abs(det) < 1e-9:
        return 0.0
    t_vec = origin - v0
    u = np.dot(t_vec, p) / det
    if u < 0.0 or u > 1.0:
        return 0.0
    q = np.cross(t_vec, e1)
    v = np.dot(direction, q) / det
    if v < 0.0 or u + v > 1.0:
        return 0.0
    t = np.dot(e2, q) / det
    return t * (1.0 + u * v)


def ray_box_slab(origin, direction):
    lo = np.array([-1.0, -1.0, 1.0])
    hi = np.array([1.0, 1.0, 3.0])
    inv = 1.0 / direction
    t1 = (lo - origin) * inv
    t2 = (hi - origin) * inv
    t_near = np.max(np.minimum(t1, t2))
    t_far = np.min(np.maximum(t1, t2))
    if t_near > t_far or t_far < 0:
        return 0.0
    return t_far - t_near + 0.1 * t_near


def rays_hit_spheres(origins, radius):
    centers = [np.array([0.0, 0.0, 3.0]), np.array([1.5, 0.0, 4.0])]
    direction = np.array([0.0, 0.0, 1.0])
    total = 0.0
    for origin in origins:
        nearest = None
        for center in centers:
            oc = origin - center
            b = np.dot(oc, direction)
            disc = b * b - (np.dot(oc, oc) - radius ** 2)
            if disc < 0:
                continue
            t = -b - np.sqrt(disc)
            if nearest is None or t < nearest:
                nearest = t
        if nearest is not None:
            total += nearest
    return total


def polygon_perimeter_sorted(angles):
    points = sorted([(math.cos(a), math.sin(a)) for a in angles], key=lambda p: math.atan2(p[1], p[0]))
    perimeter = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]):
        perimeter += math.hypot(x1 - x0, y1 - y0)
    return perimeter


# ----- Classification losses and scatters --------------------------------------------------------


def softmax_xent_fancy(logits, labels):
    z = logits - logits.max(axis=1, keepdims=True)
    log_probs = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -np.mean(log_probs[np.arange(len(labels)), labels])


def label_smoothed_xent(logits, labels, smoothing):
    n, k = logits.shape
    one_hot = np.eye(k)[labels]
    target = one_hot * (1.0 - smoothing) + smoothing / k
    log_probs = logits - scipy.special.logsumexp(logits, axis=1, keepdims=True)
    return -np.sum(target * log_probs) / n


def multiclass_hinge(scores, labels):
    n = scores.shape[0]
    correct = scores[np.arange(n), labels][:, None]
    margins = np.maximum(0.0, scores - correct + 1.0)
    margins[np.arange(n), labels] = 0.0
    return np.sum(margins) / n


def top1_accuracy_weighted(logits, labels):
    predicted = np.argmax(logits, axis=1)
    correct = (predicted == labels).astype(float)
    probs = np.exp(logits) / np.sum(np.exp(logits), axis=1, keepdims=True)
    return np.sum(correct * probs[np.arange(len(labels)), labels])


def add_at_histogram(values, bins):
    counts = np.zeros(4)
    np.add.at(counts, bins, values ** 2)
    return np.sum(counts * np.arange(1.0, 5.0)) + counts[2] ** 2


def subtract_at_and_multiply_at(values):
    out = np.ones(3)
    np.subtract.at(out, [0, 1, 1, 2], values)
    return np.sum(out ** 3)


def repeated_index_assign(x):
    y = np.zeros(4)
    y[[0, 2, 2]] = x[:3]
    return np.sum(y * np.array([1.0, 2.0, 3.0, 4.0])) + y[2] * x[3]


def repeated_index_iadd(x):
    y = np.ones(4)
    y[[0, 2, 2, 3]] += x
    return np.sum(y ** 2)


def repeated_index_gather_iadd(x):
    idx = np.array([1, 1, 0, 3])
    y = x.copy()
    y[idx] += 2.0 * x[idx]
    return np.sum(y ** 2)


def boolean_mask_leaky(x, slope):
    y = x.copy()
    y[y < 0] = slope * y[y < 0]
    return np.sum(y ** 2) + np.sum(y)


def boolean_mask_iadd(x):
    y = x * 1.0
    mask = x > 0.5
    y[mask] += x[mask] ** 2
    y[~mask] *= 3.0
    return np.sum(y * y)


def segment_means(values, segments):
    sums = np.zeros(3)
    counts = np.zeros(3)
    np.add.at(sums, segments, values)
    np.add.at(counts, segments, 1.0)
    return np.sum((sums / counts) ** 2)


def embedding_lookup_loss(table, tokens):
    vectors = table[tokens]
    pooled = vectors.mean(axis=0)
    return np.sum(pooled ** 2) + np.sum(table[tokens[0]] * table[tokens[-1]])


def scatter_gradient_update(table, tokens):
    grads = np.zeros_like(table)
    for t in tokens:
        grads[t] += table[t] - 1.0
    updated = table - 0.1 * grads
    return np.sum(updated ** 2)


# ----- Normalisation layers and recurrent cells ---------------------------------------------------


def layer_norm_keepdims(x, gamma, beta):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    y = gamma * (x - mean) / np.sqrt(var + 1e-5) + beta
    return np.sum(np.tanh(y) * x)


def batch_norm_with_running_stats(x, gamma, beta):
    state = {"mean": np.zeros(x.shape[1]), "var": np.ones(x.shape[1])}
    momentum = 0.9
    for batch in (x[:2], x[2:]):
        mu = batch.mean(axis=0)
        var = batch.var(axis=0)
        state["mean"] = momentum * state["mean"] + (1 - momentum) * mu
        state["var"] = momentum * state["var"] + (1 - momentum) * var
    y = gamma * (x - state["mean"]) / np.sqrt(state["var"] + 1e-5) + beta
    return np.sum(y ** 2)


def group_norm(x, gamma):
    n, c = x.shape
    g = x.reshape(n, 2, c // 2)
    mean = g.mean(axis=(0, 2), keepdims=True)
    std = g.std(axis=(0, 2), keepdims=True)
    normed = ((g - mean) / (std + 1e-5)).reshape(n, c)
    return np.sum(gamma * normed ** 3)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def lstm_dict_cell(params, xs):
    hidden = params["U"].shape[1]
    h = np.zeros(hidden)
    c = np.zeros(hidden)
    for x in xs:
        gates = params["W"] @ x + params["U"] @ h + params["b"]
        i, f, g, o = np.split(gates, 4)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
    return np.sum(h ** 2) + np.sum(c)


def gru_dict_cell(params, xs):
    h = np.zeros(params["Uz"].shape[0])
    outputs = []
    for t in range(xs.shape[0]):
        x = xs[t]
        z = sigmoid(params["Wz"] @ x + params["Uz"] @ h)
        r = sigmoid(params["Wr"] @ x + params["Ur"] @ h)
        candidate = np.tanh(params["Wh"] @ x + params["Uh"] @ (r * h))
        h = (1 - z) * h + z * candidate
        outputs.append(h)
    return np.sum(np.stack(outputs) ** 2)


def peephole_lstm_hidden_list(W, xs):
    h, c = np.zeros(2), np.zeros(2)
    history = {"h": [], "c": []}
    for x in xs:
        pre = W @ np.concatenate([x, h, c])
        gates = sigmoid(pre[:6])
        i, f, o = gates[:2], gates[2:4], gates[4:]
        c = f * c + i * np.tanh(pre[6:])
        h = o * np.tanh(c)
        history["h"].append(h)  # <- append-to-dict-item
        history["c"].append(c)
    return sum(np.sum(v ** 2) for v in history["h"]) + np.sum(history["c"][-1])


def elman_with_teacher_forcing(Wxh, Whh, ys):
    h = np.zeros(Whh.shape[0])
    loss = 0.0
    for t in range(len(ys) - 1):
        h = np.tanh(Wxh * ys[t] + Whh @ h)
        prediction = h.sum()
        loss += (prediction - ys[t + 1]) ** 2
    return loss / (len(ys) - 1)


# ----- Log-sum-exp and piecewise losses ------------------------------------------------------------


def logsumexp_max_subtract(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def logsumexp_rows_ties(X):
    m = X.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(X - m).sum(axis=1))
    return np.sum(lse * np.array([1.0, 2.0, 3.0]))


def logsumexp_python_max(values):
    m = max(values)
    return m + math.log(sum(math.exp(v - m) for v in values))


def huber(r, delta):
    a = abs(r)
    if a <= delta:
        return 0.5 * r * r
    return delta * (a - 0.5 * delta)


def huber_loop_at_kinks(residuals, delta):
    return sum(huber(r, delta) for r in residuals)


def squared_hinge(w, X, y):
    margins = 1.0 - y * (X @ w)
    return np.mean(np.maximum(margins, 0.0) ** 2)


def quantile_loss(pred, target, tau):
    diff = target - pred
    return np.mean(np.where(diff >= 0, tau * diff, (tau - 1.0) * diff))


def epsilon_insensitive(pred, target):
    eps = 0.1
    err = np.abs(pred - target)
    return np.sum(np.where(err > eps, err - eps, 0.0) ** 2)


def smooth_l1_clip(x):
    return np.sum(np.where(np.abs(x) < 1.0, 0.5 * x ** 2, np.abs(x) - 0.5))


def log_cosh_stable(x):
    return np.sum(np.abs(x) + np.log1p(np.exp(-2.0 * np.abs(x))) - math.log(2.0))


def pinball_python(preds, targets):
    taus = (0.1, 0.5, 0.9)
    total = 0.0
    for tau, p in zip(taus, preds):
        for y in targets:
            d = y - p
            total += tau * d if d > 0 else (tau - 1.0) * d
    return total


# ----- np.linalg and einsum -------------------------------------------------------------------------


def gaussian_nll_cholesky(A, b):
    K = A @ A.T + np.eye(A.shape[0])
    L = np.linalg.cholesky(K)
    z = np.linalg.solve(L, b)
    return 0.5 * z @ z + np.sum(np.log(np.diag(L)))


def slogdet_inv_det(A):
    sign, logdet = np.linalg.slogdet(A)
    inv = np.linalg.inv(A)
    return sign * logdet + np.trace(inv) + np.linalg.det(A) ** 2


def eigh_projection(A, b):
    S = 0.5 * (A + A.T)
    w, V = np.linalg.eigh(S)
    return w[-1] + (V[:, 0] @ b) ** 2 + np.sum(w ** 2)


def norms_with_ord_and_axis(A):
    return (np.linalg.norm(A, ord=1) + np.linalg.norm(A, ord=np.inf) + np.linalg.norm(A, "fro")
            + np.sum(np.linalg.norm(A, axis=0)) + np.sum(np.linalg.norm(A, ord=1, axis=1))
            + np.linalg.norm(A[0], ord=3) + np.linalg.norm(A, ord=2))


def nuclear_and_keepdims(A):
    col = np.linalg.norm(A, axis=0, keepdims=True)
    return np.linalg.norm(A, "nuc") + np.sum(A / col)


def einsum_strings(A, B, x):
    return (np.einsum("ij,jk->ik", A, B).sum() + np.einsum("ii->", A) + np.einsum("i,ij,j->", x, A, x)
            + np.einsum("ij,ij->i", A, B) @ x + np.einsum("bi,bj->bij", A, B).sum(axis=0)[0, 1]
            + np.einsum("ij->j", A * B) @ x)


def bilinear_attention_einsum(Q, K, V):
    scores = np.einsum("qd,kd->qk", Q, K) / math.sqrt(Q.shape[1])
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores) / np.exp(scores).sum(axis=-1, keepdims=True)
    return np.sum(np.einsum("qk,kd->qd", weights, V) ** 2)


def mahalanobis_batch(X, mu, A):
    P = A @ A.T + 0.5 * np.eye(len(mu))
    D = X - mu
    return np.sum(np.einsum("ni,ij,nj->n", D, np.linalg.inv(P), D))


def lstsq_and_pinv(A, y):
    coef = np.linalg.lstsq(A, y, rcond=None)[0]
    return np.sum((A @ coef - y) ** 2) + np.sum(np.linalg.pinv(A) ** 2)


def solve_multiple_rhs(A, B):
    X = np.linalg.solve(A + 3.0 * np.eye(3), B)
    return np.sum(X * B) + np.linalg.norm(X, axis=1) @ np.array([1.0, 2.0, 3.0])


def matrix_power_det(A):
    M = np.linalg.matrix_power(A, 3)
    return np.linalg.det(M) + np.trace(np.linalg.matrix_power(A, 0) + A @ A)


# ----- Cumulative ops, sorting and extrema ----------------------------------------------------------


def cumsum_with_zeros(x):
    c = np.cumsum(x)
    return np.sum(c ** 2) + np.sum(np.diff(c, prepend=0.0) * x)


def cumprod_with_zero(x):
    c = np.cumprod(x)  # <- cumprod-at-zero
    return np.sum(c)


def prod_with_one_zero(x):
    return np.prod(x) + np.prod(x[1:]) + np.prod(x ** 2)


def prod_with_two_zeros(x):
    return np.prod(x) + np.sum(x)


def cumulative_returns_path(returns):
    wealth = np.cumprod(1.0 + returns)
    drawdown = wealth / np.maximum.accumulate(wealth) - 1.0
    return wealth[-1] + np.sum(drawdown ** 2)


def diff_and_gradient(y):
    d1 = np.diff(y)
    d2 = np.diff(y, n=2)
    return np.sum(d1 ** 2) + np.sum(d2 ** 2) + np.sum(np.gradient(y) ** 2)


def sort_with_ties_symmetric(x):
    s = np.sort(x)
    return np.sum(s ** 2) + s[0] * s[-1] + np.sum(x)


def argsort_ranking_loss(scores):
    order = np.argsort(-scores, kind="stable")
    discounts = 1.0 / np.log2(np.arange(2, len(scores) + 2))
    return np.sum(scores[order] * discounts)


def max_tie_in_smooth(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m))) + np.sum(x * x)


def amax_axis_ties(X):
    return np.sum(np.max(X, axis=0)) + np.sum(np.min(X, axis=1))


def top_k_by_argpartition(x):
    idx = np.argpartition(x, -2)[-2:]
    return np.sum(x[idx] ** 2)


def sorted_with_key_abs(values):
    ordered = sorted(values, key=abs, reverse=True)
    return sum(w * v for w, v in zip((3.0, 2.0, 1.0, 0.5), ordered))


def median_and_percentile(x):
    return np.median(x) + np.percentile(x, 75) + np.quantile(x, 0.1)


# ----- float32 and 0-d arrays ---------------------------------------------------------------------


def float32_data_float64_weights(w, X):
    logits = X @ w
    return np.sum(np.log1p(np.exp(-logits)))


def float32_weights(w, x):
    h = np.tanh(w * x)
    return np.sum(h * h)


def zero_d_parameter(a, x):
    return np.sum(np.exp(a * x)) + a ** 2 * np.sin(a)


def zero_d_from_reduction(x):
    total = np.sum(x)
    scale = np.array(2.0)
    total = total * scale
    return float(total ** 2) + float(np.max(x))


def zero_d_item_loop(x):
    acc = np.float64(0.0)
    for v in x:
        acc = acc + v * v
    return acc


# ----- Control flow ----------------------------------------------------------------------------------


def while_break_continue(x):
    total, k = 0.0, 0
    while True:
        k += 1
        if k % 3 == 0:
            continue
        total += x ** k / math.factorial(k)
        if k > 8:
            break
    return total


def for_else_search(xs, threshold):
    for i, x in enumerate(xs):
        if x > threshold:
            found = x * i
            break
    else:
        found = threshold ** 2
    return found + sum(xs)


def early_return_in_nested_loops(A):
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            if A[i, j] > 1.0:
                return A[i, j] ** 2 * (i + j + 1)
    return np.sum(A)


def newton_with_early_return(a):
    x = a
    for _ in range(50):
        fx = x ** 3 - a
        if abs(fx) < 1e-14:
            return x
        x = x - fx / (3.0 * x ** 2)
    return x


def recursive_horner(coeffs, x):
    if len(coeffs) == 1:
        return coeffs[0]
    return coeffs[0] + x * recursive_horner(coeffs[1:], x)


def use_recursive_horner(coeffs, x):
    return recursive_horner(coeffs, x)


def tree_sum(node):
    if isinstance(node, float):
        return node * node
    return sum(tree_sum(child) for child in node)


def recursive_tree(a, b):
    return tree_sum([a, [b, a * b], [[a + b]]])


def fib_memo_free(x, n):
    if n <= 1:
        return x
    return fib_memo_free(x, n - 1) + 0.5 * fib_memo_free(x, n - 2)


def use_fib(x):
    return fib_memo_free(x, 5)


def try_except_else_finally(x):
    log = []
    try:  # <- try-feeds-result
        y = x * 2.0
    except ZeroDivisionError:
        y = 0.0
    else:
        log.append("ok")
    finally:
        log.append("done")
    return y * y + len(log)


def try_in_loop_skip(xs):
    total = 0.0
    for x in xs:
        try:  # <- continue-in-try
            total += math.log(x)
        except ValueError:
            continue
    return total


def raising_validation(x):
    if x <= 0:
        raise ValueError("x must be positive")
    return math.sqrt(x) + math.log(x)


def guarded_call(x):
    try:  # <- try-around-raising-call
        value = raising_validation(x)
    except ValueError:
        value = 0.0
    return value


# ----- Globals, classes and callables ------------------------------------------------------------------


GRAVITY = 9.81
WEIGHTS = {"a": 0.5, "b": -1.5, "c": 2.0}
COEFFS = np.array([1.0, -0.5, 0.25])


def projectile_global(v0, angle):
    t_flight = 2.0 * v0 * math.sin(angle) / GRAVITY
    return v0 * math.cos(angle) * t_flight


def global_dict_weights(params):
    return sum(WEIGHTS[key] * params[key] ** 2 for key in sorted(params))


def global_array_polynomial(x):
    powers = np.stack([x ** k for k in range(len(COEFFS))])
    return np.sum(COEFFS @ powers)


class Quadratic:
    def __init__(self, a, b):
        self.a = a
        self.b = b

    @property
    def vertex(self):
        return -self.b / (2.0 * self.a)

    def __call__(self, x):
        return self.a * x ** 2 + self.b * x


def quadratic_property(a, b):
    q = Quadratic(a, b)
    return q(q.vertex + 1.0) + q.vertex


class Softplus:
    def __init__(self, beta):
        self.beta = beta

    def __call__(self, x):
        return np.log1p(np.exp(self.beta * x)) / self.beta


def callable_activation(x, beta):
    act = Softplus(beta)
    return np.sum(act(x) * act(-x))


class Polynomial:
    def __init__(self, coeffs):
        self.coeffs = coeffs

    @property
    def degree(self):
        return len(self.coeffs) - 1

    def __call__(self, x):
        return sum(c * x ** k for k, c in enumerate(self.coeffs))

    def derivative_at(self, x):
        return sum(k * c * x ** (k - 1) for k, c in enumerate(self.coeffs) if k > 0)


def polynomial_newton_step(coeffs, x):
    p = Polynomial(coeffs)
    for _ in range(p.degree):
        x = x - p(x) / (p.derivative_at(x) + 5.0)
    return x


class Accumulator:
    def __init__(self):
        self.total = 0.0
        self.count = 0

    def add(self, value):
        self.total = self.total + value
        self.count += 1

    @property
    def mean(self):
        return self.total / self.count


def accumulator_mean(xs):
    acc = Accumulator()
    for x in xs:
        acc.add(x ** 2)
    return acc.mean


# ----- functools, itertools and builtins --------------------------------------------------------------


def reduce_matrix_chain(A, B):
    return np.sum(functools.reduce(np.dot, [A, B, A.T, B]))


def reduce_operator_mul(xs):
    return functools.reduce(operator.mul, xs, 1.0) + functools.reduce(operator.add, xs)


def accumulate_running_max(xs):
    running = list(itertools.accumulate(xs, max))
    return sum(r * r for r in running)


def accumulate_products(xs):
    return sum(itertools.accumulate(xs, operator.mul))


def product_grid_energy(xs, ys):
    return sum(math.exp(-(x - y) ** 2) for x, y in itertools.product(xs, ys))


def pairwise_consecutive(xs):
    return sum((b - a) ** 2 for a, b in itertools.pairwise(xs))


def chain_and_islice(xs, ys):
    merged = list(itertools.chain(xs, ys))
    head = list(itertools.islice(merged, 1, 4))
    return sum(v ** 3 for v in head) + merged[-1]


def zip_longest_fill(xs, ys):
    return sum(a * b for a, b in itertools.zip_longest(xs, ys, fillvalue=1.0))


def enumerate_reversed_weights(xs):
    total = 0.0
    for i, x in enumerate(reversed(xs)):
        total += (i + 1) * x ** 2
    return total


def starmap_pairs(xs, ys):
    return sum(itertools.starmap(lambda a, b: a * math.sin(b), zip(xs, ys)))  # <- zip-in-starmap


def string_keyed_mlp(params, x):
    h = x
    for name in ("layer1", "layer2"):
        h = np.tanh(params[name + ".W"] @ h + params[name + ".b"])
    return np.sum(h ** 2)


def nested_dict_params(params, x):
    enc = params["encoder"]
    dec = params["decoder"]
    z = np.tanh(enc["W"] @ x + enc["b"])
    return np.sum((dec["W"] @ z - x) ** 2)


def closures_capture_loop_variable(x):
    fns = []
    for k in range(1, 4):
        fns.append(lambda t, k=k: t ** k)  # <- lambda-default-loop-variable
    return sum(f(x) for f in fns)


def closure_late_binding(x):
    scales = []
    for k in range(3):
        def scaled(t):
            return t * k
        scales.append(scaled(x))
    return sum(s ** 2 for s in scales)


def make_loss(target):
    def loss(pred):
        return (pred - target) ** 2
    return loss


def closure_factory_applied(x):
    return make_loss(1.5)(x) + make_loss(-0.5)(x * x)  # <- returned-closure-called


def nested_function_uses_outer(x, y):
    scale = y * 2.0

    def inner(t):
        return math.sin(t) * scale

    def outer(t):
        return inner(t) + inner(2 * t)

    return outer(x) + scale


def dict_comprehension_and_items(xs):
    stats = {f"p{k}": sum(x ** k for x in xs) for k in range(1, 4)}
    return sum(value / len(key) for key, value in stats.items())


def min_max_with_key(points):
    far = max(points, key=lambda p: p[0] ** 2 + p[1] ** 2)
    near = min(points, key=lambda p: abs(p[0]))
    return far[0] * far[1] + near[1]


def map_filter_chain(xs):
    positives = list(filter(lambda v: v > 0, xs))
    squares = list(map(lambda v: v * v, positives))
    return sum(squares) + len(squares)


def divmod_and_sum_start(xs):
    q, r = divmod(len(xs), 2)
    return sum((x * q for x in xs), 1.0) + r


# ----- Edge values of elementwise functions -------------------------------------------------------------


def sinc_through_zero(x):
    return np.sum(np.sinc(x) * x) + np.sum(np.sinc(x) ** 2)


def powers_at_zero(x):
    return np.sum(x ** 0) + np.sum(x ** 1) + np.sum(x ** 2) + np.sum(np.power(x, 3)) + np.sum(x ** 0.0 * x)


def python_powers_at_zero(x):
    return x ** 0 + x ** 1 + 2.0 * x ** 2 + pow(x, 3) + math.pow(x, 2)


def logaddexp_ties(a, b):
    return np.sum(np.logaddexp(a, b)) + np.sum(np.logaddexp2(a, b))


def xlogy_entropy_with_zero(p):
    return -np.sum(scipy.special.xlogy(p, p)) + np.sum(scipy.special.xlog1py(p, p))


def entr_and_rel_entr(p, q):
    return np.sum(scipy.special.entr(p)) + np.sum(scipy.special.rel_entr(p, q)) + np.sum(scipy.special.kl_div(p, q))


def hypot_and_arctan2(x, y):
    planar = np.sum(np.hypot(x, y)) + np.sum(np.arctan2(y, x))
    return planar + math.hypot(*x) + math.atan2(y[0], x[0])  # <- hypot-and-arctan2


def math_two_argument_log(x):
    return math.log(x, 2.0) + math.log(8.0, x) + math.log10(x) + math.log2(x) + math.log1p(x)


def math_misc(x, y):
    return math.copysign(x, -1.0) + math.fmod(x, 0.7) + math.remainder(y, 0.7) + math.dist((x, y), (0.2, -0.1)) \
        + math.prod([x, y, 2.0]) + math.degrees(x) + math.ldexp(y, 3)


def maximum_minimum_same_array(x):
    return np.sum(np.maximum(x, x)) + np.sum(np.minimum(x, 2.0 * x)) + np.sum(np.fmax(x, 0.0) ** 2)


def heaviside_and_sign(x):
    return np.sum(np.heaviside(x, 0.5) * x ** 2) + np.sum(np.sign(x) * np.abs(x) ** 1.5)


def where_sqrt_guard(x):
    safe = np.where(x > 0, x, 1.0)
    return np.sum(np.where(x > 0, np.sqrt(safe), 0.0))


def expm1_log1p_cbrt(x):
    return np.sum(np.expm1(x) * np.log1p(x ** 2)) + np.sum(np.cbrt(x + 2.0)) + np.sum(np.exp2(x) + np.log10(x + 3.0))


def integer_array_then_float_writes(x):
    out = np.zeros(3, dtype=int)
    out[0] = x[0] * 10
    buffer = np.zeros_like(x)
    buffer[:] = x * 2.5
    return float(out[0]) + np.sum(buffer ** 2)


def zeros_like_int_labels(x, labels):
    shifted = np.zeros_like(labels)
    shifted[:] = x * 3.0
    return np.sum(shifted * x) + np.sum(x ** 2)


def astype_int_truncates(x):
    bins = (x * 4).astype(int)
    return np.sum(bins * x) + np.sum(x.astype(np.int64) * x ** 2)


def float32_accumulation(x):
    acc = np.zeros(2)
    for v in x:
        acc += v * np.array([1.0, 2.0], dtype=np.float32)
    return float(np.sum(acc ** 2))


def rounding_with_straight_part(x):
    q = np.round(x * 4.0) / 4.0
    return np.sum(q * x) + np.sum(np.floor(x) + np.ceil(x) + np.trunc(x) + np.rint(x))


def var_std_ddof(x):
    return np.var(x, ddof=1) + np.std(x, ddof=1) + np.std(x[:, None] * x[None, :], axis=0, ddof=1).sum()


def cov_corrcoef(X):
    return np.sum(np.cov(X) ** 2) + np.sum(np.corrcoef(X) ** 3) + np.sum(np.cov(X, rowvar=False))


def interp_at_knots(x):
    xp = np.array([0.0, 0.5, 1.0, 2.0])
    fp = np.array([1.0, -0.5, 0.3, 2.0])
    return np.sum(np.interp(x, xp, fp) * x)


def trapezoid_and_polyval(c, x):
    y = np.polyval(c, x)
    return np.trapezoid(y ** 2, x) + np.sum(np.polyder(c) ** 2)


def convolve_modes(x, k):
    return np.sum(np.convolve(x, k, mode="same") ** 2) + np.sum(np.convolve(x, k, mode="valid")) \
        + np.sum(np.correlate(x, k, mode="full") * 0.5)


def moveaxis_negative_axes(T):
    U = np.moveaxis(T, -1, 0)
    m = U.mean(axis=-2, keepdims=True)
    return np.sum((U - m) ** 2) + np.sum(np.swapaxes(T, 0, -1).sum(axis=-1) ** 2)


def sum_where_and_mean_where(x):
    mask = x > 0
    return np.sum(x ** 2, where=mask) + np.mean(x, where=mask) + np.max(x, where=~mask, initial=-10.0)


# ----- Matrix decompositions, SciPy linear algebra and complex intermediates --------------------------


def svd_parts(A):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return np.sum(s ** 3) + np.sum(np.linalg.svd(A, compute_uv=False)) + np.abs(U[:, 0] @ A @ Vt[0])


def qr_modes(A):
    Q, R = np.linalg.qr(A)
    r_only = np.linalg.qr(A, mode="r")  # <- qr-modes
    return np.sum(np.abs(np.diag(R))) + np.sum(r_only ** 2) + np.sum((Q @ R - A) ** 2)


def scipy_cho_solve(A, b):
    import scipy.linalg
    K = A @ A.T + np.eye(3)
    c, low = scipy.linalg.cho_factor(K)
    x = scipy.linalg.cho_solve((c, low), b)
    return b @ x + np.sum(np.log(np.diag(c)))


def scipy_expm_and_triangular(A, b):
    import scipy.linalg
    E = scipy.linalg.expm(0.3 * A)
    y = scipy.linalg.solve_triangular(np.tril(A) + 2.0 * np.eye(3), b, lower=True)
    z = scipy.linalg.solve_triangular(np.triu(A) + 2.0 * np.eye(3), b, trans="T")
    return np.sum(E) + y @ y + z @ b


def scipy_lu_solve(A, b):
    import scipy.linalg
    lu, piv = scipy.linalg.lu_factor(A)  # <- lu-factor
    return np.sum(scipy.linalg.lu_solve((lu, piv), b) ** 2)  # <- lu-solve


def heston_char_price(v0, kappa):
    theta, xi, rho, T, S, K, r = 0.04, 0.3, -0.6, 0.5, 1.0, 1.0, 0.0
    u = np.linspace(0.01, 30.0, 60)
    x = math.log(S / K)

    def char(phi):
        d = np.sqrt((rho * xi * 1j * phi - kappa) ** 2 + xi ** 2 * (1j * phi + phi ** 2))
        g = (kappa - rho * xi * 1j * phi - d) / (kappa - rho * xi * 1j * phi + d)
        C = kappa * theta / xi ** 2 * ((kappa - rho * xi * 1j * phi - d) * T
                                       - 2.0 * np.log((1 - g * np.exp(-d * T)) / (1 - g)))
        D = (kappa - rho * xi * 1j * phi - d) / xi ** 2 * (1 - np.exp(-d * T)) / (1 - g * np.exp(-d * T))
        return np.exp(C + D * v0 + 1j * phi * x)

    integrand = np.real(char(u - 0.5j) / (u ** 2 + 0.25))  # <- heston-char-price
    integral = np.sum(0.5 * (integrand[1:] + integrand[:-1]) * np.diff(u))
    return S - math.sqrt(S * K) * math.exp(-r * T) / math.pi * integral


def complex_rotation_energy(theta, r):
    z = r * np.exp(1j * theta)  # <- complex-rotation-energy
    w = z ** 2 + 1j * z
    return np.sum(np.abs(w) ** 2) + np.sum(np.angle(z) * np.real(w)) + np.sum(np.imag(np.conj(z) * w))


def fft_power_spectrum(x):
    spectrum = np.fft.rfft(x)
    power = np.abs(spectrum) ** 2
    return np.sum(power * np.arange(len(power))) + np.real(np.fft.ifft(np.fft.fft(x) * 2.0)).sum()


# ----- Python containers and protocols -------------------------------------------------------------------


def star_unpack_rest(values):
    first, *middle, last = values
    return first * last + sum(m ** 2 for m in middle)


def list_methods_mix(xs):
    items = list(xs)
    items.insert(1, items[0] * 2.0)
    tail = items.pop()
    items.reverse()
    items.extend([tail, tail ** 2])
    del items[0]
    return sum(v * (i + 1) for i, v in enumerate(items))


def list_pop_front_queue(xs):
    queue = list(xs)
    total = 0.0
    while queue:
        head = queue.pop(0)
        total = 0.5 * total + head ** 2
    return total


def list_sort_key_in_place(points):
    pts = [tuple(p) for p in points]
    pts.sort(key=lambda p: p[1])
    return pts[0][0] * 2.0 + pts[-1][1] ** 2


def dict_get_update_pop(x, y):
    params = {"a": x, "b": y}
    params.update({"c": x * y})  # <- dict-get-update-pop
    scale = params.get("scale", 2.0)
    b = params.pop("b")
    merged = {**params, "d": b ** 2}
    return scale * sum(merged.values())


def dict_argmax_by_get(scores):
    table = {"a": scores[0], "b": scores[1], "c": scores[2]}
    best = max(table, key=table.get)
    return table[best] ** 2 + sum(table.values())


def heapq_smallest(xs):
    import heapq
    heap = []
    for i, x in enumerate(xs):
        heapq.heappush(heap, (x, i))  # <- heapq-smallest
    smallest = [heapq.heappop(heap)[0] for _ in range(2)]
    return smallest[0] * 3.0 + smallest[1] + sum(heapq.nlargest(2, xs))


def deque_window(xs):
    from collections import deque
    window = deque(maxlen=3)
    total = 0.0
    for x in xs:
        window.append(x)  # <- deque-window
        total += sum(window) / len(window)
    return total


def bisect_lookup(x):
    import bisect
    knots = [0.0, 0.5, 1.0, 2.0]
    values = [1.0, 2.0, 0.5, 3.0]
    k = bisect.bisect_right(knots, x) - 1
    return values[k] * x ** 2


def chained_comparison_branches(x, y):
    if 0.0 < x < y < 2.0:
        return x * y
    elif x < y:
        return x - y
    return x ** 2


def itemgetter_and_sorted(records):
    ordered = sorted(records, key=operator.itemgetter(1))
    return sum(a * b for a, b in ordered[:2])


def lru_cached_helper(x):
    return cached_basis(3) @ np.array([x, x ** 2, x ** 3])


@functools.lru_cache(maxsize=None)
def cached_weights(n):
    return tuple(1.0 / (k + 1) for k in range(n))


def cached_basis(n):
    return np.array(cached_weights(n))


def partial_with_keywords(x, y):
    scaled = functools.partial(math.pow, 2.0)
    clipped = functools.partial(np.clip, a_min=-1.0, a_max=1.0)
    return scaled(x) + float(clipped(y * 3.0)) + float(np.sum(clipped(np.array([x, y]))))  # <- partial-with-keywords


def zip_star_matrix_columns(rows):
    columns = list(zip(*rows))
    return sum(sum(c) ** 2 for c in columns)


def statistics_functions(xs):
    import statistics
    return statistics.fmean(xs) + statistics.pvariance(xs) + statistics.median(xs)


def any_all_generators(xs):
    total = sum(x * x for x in xs)
    if all(x > -2.0 for x in xs) and any(x > 1.0 for x in xs):
        total = total * 2.0
    return total


# ----- User classes ---------------------------------------------------------------------------------------


class Dual:
    """A vector type with operators, as users write for small geometry."""

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __add__(self, other):
        return Dual(self.x + other.x, self.y + other.y)

    def __sub__(self, other):
        return Dual(self.x - other.x, self.y - other.y)

    def __mul__(self, k):
        return Dual(self.x * k, self.y * k)

    def norm2(self):
        return self.x * self.x + self.y * self.y


def vector_class_operators(a, b):
    p = Dual(a, b)
    q = Dual(b, -a)
    r = (p + q) * 0.5 - q
    return r.norm2() + p.norm2()  # <- vector-class-operators


class Gaussian:
    def __init__(self, mu, log_sigma):
        self.mu = mu
        self.log_sigma = log_sigma

    @property
    def sigma(self):
        return math.exp(self.log_sigma)

    @classmethod
    def standard(cls):
        return cls(0.0, 0.0)

    def log_prob(self, x):
        z = (x - self.mu) / self.sigma
        return -0.5 * z * z - self.log_sigma - 0.5 * math.log(2 * math.pi)


def kl_by_sampling_free(mu, log_sigma):
    q = Gaussian(mu, log_sigma)
    p = Gaussian.standard()
    points = [-1.0, -0.3, 0.4, 1.2]
    return sum(q.log_prob(x) - p.log_prob(x) for x in points)


class Layer:
    def __init__(self, W, b, activation):
        self.W = W
        self.b = b
        self.activation = activation

    def __call__(self, x):
        z = self.W @ x + self.b
        if self.activation == "relu":
            return np.maximum(z, 0.0)
        if self.activation == "tanh":
            return np.tanh(z)
        return z


def layers_with_activation_strings(W1, b1, W2, x):
    first = Layer(W1, b1, "tanh")
    second = Layer(W2, np.zeros(W2.shape[0]), "linear")
    return np.sum(second(first(x)) ** 2)


@dataclass
class _Box:
    width: float
    height: float
    area: float = field(init=False)

    def __post_init__(self):
        self.area = self.width * self.height

    @property
    def diagonal(self):
        return math.sqrt(self.width ** 2 + self.height ** 2)


def dataclass_with_post_init(a, b):
    return _Box(a, b).area + _Box(b, a).diagonal  # <- dataclass-with-post-init


def global_mutable_counter(x):
    CALLS.append(1)
    return x * x * len(CALLS) / len(CALLS)


CALLS = []


def generator_expression_with_index(xs):
    weights = (1.0 / (i + 1) for i in range(len(xs)))  # <- generator-expression-with-index
    return sum(w * x for w, x in zip(weights, xs))


def nested_loops_with_break_flag(A):
    total = 0.0
    done = False
    for row in A:
        for v in row:
            if v < -0.5:
                done = True
                break
            total += v ** 2
        if done:
            break
    return total


def iterate_rows_writing_views(M):
    A = M.copy()
    for row in A:
        row -= row.mean()  # <- iterate-rows-writing-views
    return np.sum(A ** 2) + np.sum(A[:, 0])


def rows_normalized_in_loop(M):
    A = M.copy()
    for i, row in enumerate(A):
        A[i] = row / np.sqrt(np.sum(row ** 2))
    return np.sum(A * M)


def fill_and_putmask(x):
    y = np.empty(4)
    y.fill(0.5)
    y[:3] = x[:3] ** 2
    np.putmask(y, y > 1.0, 1.0)  # <- fill-and-putmask
    z = x.copy()
    np.place(z, z < 0, [0.0])
    return np.sum(y * x) + np.sum(z ** 2)


def array_from_mixed_list(x, y):
    v = np.array([x, y, x * y, 1.0])
    M = np.array([[x, 0.0], [y, x]])
    return v @ v + np.linalg.det(M) + np.sum(np.asarray([x, y]) ** 3)


def recursion_on_arrays(x, depth=3):
    if depth == 0:
        return np.sum(x ** 2)
    half = len(x) // 2
    return recursion_on_arrays(x[:half] * 1.5, depth - 1) + recursion_on_arrays(x[half:] - 0.1, depth - 1) if half \
        else recursion_on_arrays(np.sin(x), depth - 1)


def shape_dependent_branch(x):
    if x.ndim == 1:
        x = x[None, :]
    if x.shape[0] > 1:
        return np.sum(x[0] * x[1])
    return np.sum(x ** 2)


# ----- In-place writes through second names ------------------------------------------------------------


@dataclass
class State:
    pos: np.ndarray
    vel: np.ndarray


def record_field_iadd_shared(x):
    p = x.copy()
    s = State(p, np.zeros_like(x))
    s.pos += 1.0  # <- record-field-iadd-shared
    return np.sum(p ** 2) + np.sum(s.pos)


def record_field_iadd_fresh(x):
    s = State(x * 1.0, x ** 2)
    for _ in range(3):
        s.vel = s.vel - 0.1 * s.pos
        s.pos = s.pos + 0.1 * s.vel
    return np.sum(s.pos ** 2)


def list_item_iadd_shared(x):
    a = x * 2.0
    items = [a, x ** 2]
    items[0] += 1.0  # <- list-item-iadd-shared
    return np.sum(a * x) + np.sum(items[0])


def dict_item_iadd_shared(x):
    a = x * 2.0
    state = {"a": a, "b": x ** 2}
    state["a"] *= 3.0  # <- dict-item-iadd-shared
    return np.sum(a * x) + np.sum(state["b"])


def dict_item_iadd_alone(x):
    state = {"a": x * 2.0, "b": x ** 2}
    state["a"] *= 3.0  # <- dict-item-iadd-alone
    state["b"] += state["a"]
    return np.sum(state["a"] * x) + np.sum(state["b"])


def dict_item_read_then_iadd(x):
    state = {"m": np.zeros_like(x)}
    m = state["m"]
    for k in range(3):
        state["m"] += x * (k + 1)  # <- dict-item-read-then-iadd
    return np.sum(m * x)


def scale_in_place(v, k):
    v *= k


def callee_mutates_copy(x):
    y = x.copy()
    scale_in_place(y, 2.0)  # <- callee-mutates-copy
    return np.sum(y * x)


def normalize_and_return(v):
    v /= np.sqrt(np.sum(v ** 2))
    return v


def callee_returns_its_argument(x):
    y = x * 1.0
    z = normalize_and_return(y)  # <- callee-returns-its-argument
    z *= 2.0
    return np.sum(y * x)


def step_state(state, dt):
    state["v"] += dt * state["a"]
    state["x"] += dt * state["v"]


def callee_mutates_dict(x0, a):
    state = {"x": np.array([x0, 0.0]), "v": np.zeros(2), "a": np.array([a, -1.0])}
    for _ in range(3):
        step_state(state, 0.1)  # <- callee-mutates-dict
    return np.sum(state["x"] ** 2)


def atleast_and_contiguous_alias(x):
    y = x * 1.0
    a = np.atleast_1d(y)
    a[0] = 0.0  # <- atleast-and-contiguous-alias
    b = np.ascontiguousarray(y)
    b[1] *= 2.0
    return np.sum(y * x)


def astype_no_copy_alias(x):
    y = x * 1.0
    z = y.astype(np.float64, copy=False)
    z[0] = 7.0  # <- astype-no-copy-alias
    return np.sum(y * x)


def asarray_alias_write(x):
    y = x + 0.0
    z = np.asarray(y)
    z[2] += y[0]  # <- asarray-alias-write
    return np.sum(y ** 2)


def expand_dims_and_flip_views(x):
    y = x * 1.0
    e = np.expand_dims(y, 0)
    e[0, 0] = 3.0  # <- expand-dims-and-flip-views
    f = np.flip(y)
    f[0] *= 0.5
    return np.sum(y * x)


def reshape_minus_one_view(M):
    A = M * 1.0
    flat = A.reshape(-1)
    flat[::2] *= 2.0  # <- reshape-minus-one-view
    return np.sum(A * M)


def swapaxes_view_write(T):
    A = T * 1.0
    S = np.swapaxes(A, 0, 1)
    S[0] += 1.0  # <- swapaxes-view-write
    return np.sum(A * T)


def ellipsis_view_alias(x):
    y = x * 1.0
    z = y[...]
    z += x ** 2  # <- ellipsis-view-alias
    return np.sum(y * x)


def slice_of_slice_write(x):
    y = x * 1.0
    head = y[:4]
    inner = head[1:3]
    inner *= 5.0  # <- slice-of-slice-write
    return np.sum(y * x)


def list_of_row_views(M):
    A = M * 1.0
    rows = [A[0], A[2]]
    for r in rows:
        r *= 2.0  # <- list-of-row-views
    return np.sum(A * M)


def optimizer_object_inplace(w, x):
    opt = MomentumSGD(w.copy(), np.zeros_like(w))
    for _ in range(3):
        g = 2.0 * (opt.w @ x - 1.0) * x
        opt.step(g)
    return np.sum(opt.w ** 2)


class MomentumSGD:
    def __init__(self, w, m):
        self.w = w
        self.m = m

    def step(self, g):
        self.m = 0.9 * self.m + g
        self.w = self.w - 0.1 * self.m


def tuple_item_array_iadd(x):
    pair = (x * 1.0, x * 2.0)
    first = pair[0]
    first += 1.0  # <- tuple-item-array-iadd
    return np.sum(pair[0] * x) + np.sum(pair[1])


def inplace_on_loop_target_array(xs):
    total = np.zeros(2)
    out = []
    for v in xs:
        total += v  # <- inplace-on-loop-target-array
        out.append(total)
    return sum(np.sum(o * v) for o, v in zip(out, xs))


def accumulate_into_list_of_zeros(x):
    buffers = [np.zeros(2) for _ in range(2)]
    for k in range(3):
        buffers[k % 2] += x * (k + 1)
    return np.sum(buffers[0] * buffers[1])


def augmented_subscript_chain(M):
    A = M * 1.0
    A[0][1] += 3.0 * M[1, 1]  # <- augmented-subscript-chain
    A[1][:] *= 2.0
    return np.sum(A * M)


# ----- NumPy 2 names and indexing of every shape ------------------------------------------------------


def numpy2_array_api_names(x, y):
    return (np.sum(np.pow(x, 2)) + np.sum(np.atan2(y, x + 2.0)) + np.sum(np.concat([x, y]) ** 3)
            + np.sum(np.acos(0.5 * np.tanh(x))) + np.sum(np.asinh(y)) + np.vecdot(x, y))


def numpy2_linalg_norms(A, x):
    return (np.linalg.vector_norm(x) + np.sum(np.linalg.vector_norm(A, axis=0, keepdims=True))
            + np.linalg.matrix_norm(A) + np.sum(np.linalg.svdvals(A))
            + np.linalg.vector_norm(A))


def numpy2_transposes(A, x):
    return (np.sum(np.matrix_transpose(A) @ A) + np.sum(np.permute_dims(A, (1, 0)) * A)
            + np.trace(A @ A) + np.sum(np.diagonal(A) ** 2) + np.sum(np.outer(x, x) * A)
            + np.sum(np.cross(x, A[0])))


def cumulative_sum_include_initial(x):
    c = np.cumulative_sum(x, include_initial=True)  # <- include-initial
    p = np.cumulative_prod(x + 2.0, include_initial=True)
    return np.sum(c ** 2) + np.sum(p * c)


def cholesky_upper_keyword(A):
    K = A @ A.T + np.eye(3)
    U = np.linalg.cholesky(K, upper=True)
    return np.sum(np.log(np.diag(U))) + np.sum(U ** 2)


def vector_norm_orders(x):
    return (np.linalg.norm(x, ord=0) + np.linalg.norm(x, ord=-1) + np.linalg.norm(x, ord=-np.inf)
            + np.linalg.norm(x, ord=np.inf) + np.linalg.norm(x, ord=0.5) + np.linalg.norm(x, ord=1))


def matrix_norm_orders(A):
    return (np.linalg.norm(A, ord=-1) + np.linalg.norm(A, ord=-np.inf) + np.linalg.norm(A, ord=-2)
            + np.sum(np.linalg.norm(np.stack([A, 2 * A]), axis=(1, 2))) + np.sum(np.linalg.norm(np.stack([A, A.T]),
                                                                                                ord=1, axis=(2, 1))))


def einsum_repeated_and_ellipsis(T, A):
    return (np.sum(np.einsum("iij->j", T)) + np.sum(np.einsum("...ij,...jk->...ik", T, A))
            + np.einsum("ij,ij->", A, A) + np.sum(np.einsum("ijk->kji", T)[0]) + np.einsum("ii", A)
            + np.sum(np.einsum("ij,kj", A, A)))


def extrema_axis_tuples(T):
    return (np.sum(np.max(T, axis=(0, 2))) + np.sum(np.min(T, axis=(1, 2), keepdims=True) * T)
            + np.sum(np.ptp(T, axis=1)) + np.max(T) * np.min(T))


def sort_partition_axes(M):
    return (np.sum(np.sort(M, axis=0) * np.arange(1.0, 4.0)[:, None]) + np.sum(np.sort(M, axis=None)[:3])
            + np.sum(np.partition(M, 1, axis=1)[:, :1] ** 2))


def cumulative_flattened_2d(M):
    return np.sum(np.cumsum(M) ** 2) + np.sum(np.cumprod(M + 2.0)) + np.sum(np.cumsum(M, axis=-1) * M)


def diff_with_arrays_prepend(M):
    return (np.sum(np.diff(M, axis=0, prepend=M[:1] * 0.5) ** 2) + np.sum(np.diff(M, n=2, append=M[:, -1:]) ** 2)
            + np.sum(np.ediff1d(M[0]) ** 2))


def take_modes_and_along(M):
    idx = np.array([[0, 2], [1, 1], [2, 0]])
    return (np.sum(np.take(M, [4, -1, 7], mode="wrap")) + np.sum(np.take(M, [0, 5], axis=1, mode="clip") ** 2)
            + np.sum(np.take_along_axis(M, idx, axis=1) ** 2) + np.sum(np.take(M, [1, 1, 0], axis=0) * M))


def put_along_axis_write(M):
    A = M * 1.0
    idx = np.argmax(A, axis=1, keepdims=True)
    np.put_along_axis(A, idx, 0.0, axis=1)
    return np.sum(A * M)


def mixed_fancy_reads(M):
    rows = np.array([[0, 2], [1, 1]])
    cols = np.array([[1, 0], [2, 2]])
    return (np.sum(M[1:, [0, 2]] ** 2) + np.sum(M[rows, cols] ** 3) + np.sum(M[np.ix_([0, 2], [1, 2])])
            + np.sum(M[[-1, 0]][:, [1]]) + np.sum(M[M > 0.45]) + np.sum(M[:, [True, False, True]] ** 2)
            + np.sum(M[np.array([True, False, True])] * 2.0) + np.sum(M[[0, 1], 1:]))


def mixed_fancy_writes(M, v):
    A = M * 1.0
    A[[0, 2], :] = v
    A[:, [1, 1]] += M[:, :2]
    A[np.ix_([0, 1], [0, 2])] *= 2.0
    A[A < 0] = 0.0
    return np.sum(A * M) + np.sum(A ** 2)


def add_at_two_dimensional(M, vals):
    A = np.zeros((3, 3))
    np.add.at(A, ([0, 1, 1, 2], [2, 0, 0, 1]), vals)
    np.add.at(A, (slice(None), 0), M[0])
    B = M.copy()
    np.add.at(B, [0, 0], vals[:2, None] * M[1])
    return np.sum(A * M) + np.sum(A ** 2) + np.sum(B ** 2)


def multiply_at_and_maximum_at(x):
    out = np.ones(3) * 2.0
    np.multiply.at(out, [0, 1, 1], x[:3])
    peak = np.zeros(3)
    np.maximum.at(peak, [0, 0, 2], x[:3])  # <- maximum-at
    return np.sum(out ** 2) + np.sum(peak * x[:3])


def pad_modes(x):
    return (np.sum(np.pad(x, 2, mode="reflect") ** 2) + np.sum(np.pad(x, (1, 2), mode="edge") * 0.5)
            + np.sum(np.pad(x, 1, mode="wrap") ** 3) + np.sum(np.pad(x, 1, mode="constant", constant_values=x[0])))


def repeat_tile_roll(M):
    return (np.sum(np.repeat(M, [1, 2, 0], axis=0) ** 2) + np.sum(np.tile(M[0], (2, 2)) * 0.5)
            + np.sum(np.roll(M, (1, -1), axis=(0, 1)) * M) + np.sum(np.repeat(M[0], 2) ** 3))


def negative_index_writes(x):
    y = np.zeros(6)
    y[-1] = x[0]
    y[-3:-1] = x[1:3]
    y[::-2] += x[:3]
    y[[-2, -2]] = x[3]
    return np.sum(y * np.arange(1.0, 7.0)) + np.sum(y ** 2)


def stride_tricks_windows(x):
    windows = np.lib.stride_tricks.sliding_window_view(x, 3)
    return np.sum(windows.mean(axis=1) ** 2) + np.sum(windows[::2] * windows[0])


def numpy2_linalg_aliases(A, x):
    return np.linalg.trace(A) + np.sum(np.linalg.cross(x, A[0])) + np.sum(np.linalg.outer(x, x))


# ----- Python semantics: leaked loop variables, shadowed builtins, match, walrus, suppress ----------------


def loop_variable_after_break(xs):
    for i, v in enumerate(xs):
        if v > 1.0:
            break
    return xs[i] * v + v ** 2


def loop_variable_after_full_loop(xs):
    for v in xs:
        pass
    total = 0.0
    for k in range(len(xs)):
        total += xs[k] * k
    return v * total + k


def conditionally_defined_in_loop(xs):
    best = None
    for x in xs:
        if x > 0.5:
            best = x
    return best ** 2 + sum(xs)


def shadowed_builtins(xs):
    sum = 0.0
    max = xs[0]
    for v in xs:
        sum += v * v
        if v > max:
            max = v
    return sum * max


def walrus_in_while(x):
    n, total = 0, 0.0
    while (term := x ** n / math.factorial(n)) > 1e-10:
        total += term
        n += 1
    return total


def walrus_in_comprehension(xs):
    kept = [y for x in xs if (y := x * x - 0.5) > 0]  # <- walrus-in-comprehension
    return sum(kept) + len(kept)


def suppress_zero_division(x, d):
    import contextlib
    y = x
    with contextlib.suppress(ZeroDivisionError):  # <- suppress-not-raising
        y = x / d
    return y * y


def suppress_with_raise(x):
    import contextlib
    y = 2.0 * x
    with contextlib.suppress(ZeroDivisionError):  # <- suppress-raising
        y = x / 0.0
    return y * y


def try_body_appends(x):
    values = [x]
    try:  # <- try-body-appends
        values.append(x ** 2)
    finally:
        pass
    return sum(values)


def try_body_item_write(x):
    out = np.zeros(2)
    try:  # <- try-body-item-write
        out[0] = x ** 2
    except ValueError:
        pass
    return np.sum(out) + x


def try_body_dict_write(x):
    params = {"a": x}
    try:
        params["b"] = x * 3.0  # <- try-body-dict-write
    except KeyError:
        params["b"] = 0.0
    return params["a"] * params["b"]


def try_body_attribute_write(x):
    acc = Accumulator()
    try:  # <- try-body-attribute-write
        acc.add(x * 2.0)
    except ValueError:
        pass
    return acc.total * x


def format_round_trip(x):
    return x + float(f"{x:.2f}") + int(x * 10) + round(x, 1) + math.floor(x)


def powers_of_constants(x):
    return 2 ** x + 10.0 ** -x + np.power(2.0, x) + x ** x + math.e ** x


def float_floor_division_and_mod(x):
    q, r = divmod(x, 0.5)
    return q * x + r ** 2 + (x // 0.3) + (x % 0.3) ** 2


def fibonacci_tuple_swap(x, y):
    a, b = x, y
    for _ in range(6):
        a, b = b, a + b * 0.5
    return a * b


def negative_step_range(xs):
    total = 0.0
    for i in range(len(xs) - 1, -1, -1):
        total = total * 0.5 + xs[i]
    return total


def kwargs_unpacked_to_callee(params, x):
    return affine_tanh(x, **params)


def affine_tanh(x, W, b):
    return np.sum(np.tanh(W @ x + b) ** 2)


def star_args_callee(xs):
    return sum_of_squares(*xs)  # <- star-args-callee


def sum_of_squares(*values):
    return sum(v * v for v in values)


def global_statement_write(x):
    global SCALE_SEEN  # <- global-statement-write
    SCALE_SEEN = x * 2.0
    return SCALE_SEEN ** 2


SCALE_SEEN = 0.0


def del_and_rebind(x):
    y = x * 2.0
    z = y + 1.0
    del y  # <- del-and-rebind
    y = z * z
    return y


def conditional_import_alias(x):
    from numpy import exp as e, sin
    import math as m
    return float(e(x)) + float(sin(x)) + m.cos(x)


def assert_with_computation(x):
    assert x * x >= 0.0, "square is never negative"
    y = math.sqrt(x * x + 1.0)
    assert y > 0
    return y * x


def nested_ternaries_with_arrays(x):
    a = np.sum(x)
    scale = 2.0 if a > 0 else (0.5 if a > -1 else -1.0)
    return np.sum((x if a > 0 else -x) * scale) + (x[0] if x[0] > x[1] else x[1])


# ----- SciPy distributions with positional and keyword shapes, locations and scales ----------------------


def stats_positional_loc_scale(loc, scale, x):
    from scipy import stats
    return (np.sum(stats.norm.logpdf(x, loc, scale)) + np.sum(stats.t.logpdf(x, 4.0, loc, scale))
            + np.sum(stats.laplace.logpdf(x, loc, scale)) + np.sum(stats.cauchy.logpdf(x, loc, scale))
            + np.sum(stats.logistic.logpdf(x, loc, scale)) + np.sum(stats.norm.cdf(x, loc, scale)))


def stats_shape_then_scale(a, scale, x):
    from scipy import stats
    return (np.sum(stats.gamma.logpdf(x, a, 0.0, scale)) + np.sum(stats.gamma.logpdf(x, a, scale=scale))
            + np.sum(stats.lognorm.logpdf(x, a, scale=scale)) + np.sum(stats.weibull_min.logpdf(x, a, scale=scale))
            + np.sum(stats.expon.logpdf(x, 0.0, scale)) + np.sum(stats.invgamma.logpdf(x, a, scale=scale))
            + np.sum(stats.chi2.logpdf(x, a + 2.0)) + np.sum(stats.beta.logpdf(x / 4.0, a, scale)))


def stats_frozen_and_methods(mu, sigma, x):
    from scipy import stats
    dist = stats.norm(mu, sigma)
    other = stats.t(5.0, loc=mu, scale=sigma)
    return (np.sum(dist.logpdf(x)) + np.sum(dist.logcdf(x)) + np.sum(dist.logsf(x)) + np.sum(other.logpdf(x))
            + dist.ppf(0.3) + np.sum(dist.sf(x)))


def stats_discrete_positional(rate, p, k):
    from scipy import stats
    return (np.sum(stats.poisson.logpmf(k, rate)) + np.sum(stats.binom.logpmf(k, 6, p))
            + np.sum(stats.poisson.logpmf(k + 1, rate, 1)))


def special_functions_more(x):
    import scipy.special as sp
    gammas = np.sum(sp.gammaln(x)) + np.sum(sp.digamma(x)) + np.sum(sp.polygamma(1, x)) + np.sum(sp.betaln(x, 2.0))
    tails = np.sum(sp.erfcx(x)) + np.sum(sp.log_ndtr(-3.0 * x)) + np.sum(sp.ndtri(x / 4.0)) + np.sum(sp.logit(x / 4.0))
    return (gammas + tails + np.sum(sp.expit(x)) + np.sum(sp.log_expit(-x)) + np.sum(sp.gammaincc(2.0, x))
            + np.sum(sp.gammainc(1.5, x)))


def special_logsumexp_weights(x, w):
    import scipy.special as sp
    value = sp.logsumexp(x, b=w)
    rows = sp.logsumexp(np.outer(x, w), axis=1)
    return value + np.sum(rows) + np.sum(sp.log_softmax(x * w)) + np.sum(sp.softmax(np.outer(w, x), axis=0) ** 2)


def slogdet_negative_determinant(A):
    M = A.copy()
    M[[0, 1]] = M[[1, 0]]
    sign, logdet = np.linalg.slogdet(M)
    return sign * logdet + np.linalg.det(M) + np.sum(np.linalg.inv(M))


def one_by_one_linalg(a, b):
    A = np.array([[a]])
    return float(np.linalg.solve(A, np.array([b]))[0]) + np.linalg.det(A) + float(np.linalg.inv(A)[0, 0]) \
        + float(np.linalg.cholesky(A * A)[0, 0])


def eigvals_general_real(A):
    S = A @ A.T
    w = np.linalg.eigvalsh(S)
    return np.sum(np.sqrt(w)) + np.max(w) / np.min(w)


# ----- Dynamic programming tables, adaptive solvers and searches -----------------------------------------


def dtw_distance(a, b):
    n, m = len(a), len(b)
    D = np.full((n + 1, m + 1), np.inf)
    D[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost = (a[i - 1] - b[j - 1]) ** 2
            D[i, j] = cost + min(D[i - 1, j], D[i, j - 1], D[i - 1, j - 1])
    return D[n, m]


def soft_dtw(a, b, gamma):
    n, m = len(a), len(b)
    R = np.full((n + 1, m + 1), 1e10)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            prev = np.array([R[i - 1, j], R[i, j - 1], R[i - 1, j - 1]])
            soft_min = -gamma * np.log(np.sum(np.exp(-(prev - prev.min()) / gamma))) + prev.min()
            R[i, j] = (a[i - 1] - b[j - 1]) ** 2 + soft_min
    return R[n, m]


def viterbi_score(log_trans, emissions):
    n_states = log_trans.shape[0]
    score = emissions[0].copy()
    for t in range(1, emissions.shape[0]):
        candidates = score[:, None] + log_trans
        score = np.max(candidates, axis=0) + emissions[t]
    best = int(np.argmax(score))
    return score[best] + 0.0 * n_states


def adaptive_rk12(y0, k):
    t, y, h = 0.0, y0, 0.1
    steps = 0
    while t < 1.0 and steps < 100:
        h = min(h, 1.0 - t)
        euler = y + h * (-k * y)
        heun = y + 0.5 * h * (-k * y - k * euler)
        err = abs(heun - euler)
        if err > 1e-4:
            h = h * 0.5
            steps += 1
            continue
        t, y = t + h, heun
        if err < 1e-6:
            h = h * 2.0
        steps += 1
    return y


def gauss_newton_line_search(theta, xs, ys):
    a, b = theta[0], theta[1]
    for _ in range(3):
        r = a * np.exp(b * xs) - ys
        J = np.stack([np.exp(b * xs), a * xs * np.exp(b * xs)], axis=1)
        step = np.linalg.solve(J.T @ J + 1e-3 * np.eye(2), J.T @ r)
        t = 1.0
        while True:
            na, nb = a - t * step[0], b - t * step[1]
            if np.sum((na * np.exp(nb * xs) - ys) ** 2) < np.sum(r ** 2) or t < 1e-3:
                break
            t *= 0.5
        a, b = na, nb
    return a ** 2 + b


def kmeans_soft_update(centers, X):
    for _ in range(2):
        d2 = np.sum((X[:, None, :] - centers[None, :, :]) ** 2, axis=-1)
        assign = np.argmin(d2, axis=1)
        sums = np.zeros_like(centers)
        counts = np.zeros(centers.shape[0])
        np.add.at(sums, assign, X)
        np.add.at(counts, assign, 1.0)
        centers = sums / np.maximum(counts, 1.0)[:, None]
    return np.sum(centers ** 2)


def particle_filter_loglik(q, ys):
    rng = np.random.default_rng(5)
    n = 16
    particles = rng.normal(size=n)
    total = 0.0
    for y in ys:
        particles = 0.9 * particles + q * rng.normal(size=n)
        logw = -0.5 * (y - particles) ** 2
        m = logw.max()
        w = np.exp(logw - m)
        total += m + np.log(np.mean(w))
        cdf = np.cumsum(w / w.sum())
        idx = np.searchsorted(cdf, (rng.random() + np.arange(n)) / n)
        particles = particles[np.minimum(idx, n - 1)]
    return total


def edit_cost_table(x):
    costs = np.abs(np.subtract.outer(x, x[::-1]))
    table = np.zeros((len(x) + 1, len(x) + 1))
    table[0, :] = np.arange(len(x) + 1) * 0.5
    table[:, 0] = np.arange(len(x) + 1) * 0.5
    for i in range(1, len(x) + 1):
        for j in range(1, len(x) + 1):
            table[i, j] = min(table[i - 1, j] + 0.5, table[i, j - 1] + 0.5, table[i - 1, j - 1] + costs[i - 1, j - 1])
    return table[-1, -1]


def running_max_python_loop(x):
    out = np.empty_like(x)
    best = -np.inf
    for i in range(len(x)):
        best = max(best, x[i])
        out[i] = best
    return np.sum(out * np.arange(1.0, len(x) + 1))


def knapsack_soft_values(values):
    weights = [2, 3, 1, 4]
    capacity = 5
    best = np.zeros(capacity + 1)
    for v, w in zip(values, weights):
        for c in range(capacity, w - 1, -1):
            best[c] = max(best[c], best[c - w] + v)
    return best[capacity]


# ----- One array given to a NumPy function twice ------------------------------------------------------------


def self_products(x, A):
    return (np.sum(np.convolve(x, x)) + np.sum(np.correlate(x, x, mode="full") ** 2) + np.sum(np.cross(x, x) + 1.0)
            + np.inner(x, x) + np.vdot(x, x) + np.sum(np.kron(x, x) ** 2) + np.sum(np.outer(x, x) * A)
            + np.tensordot(A, A) + np.sum(np.tensordot(A, A, axes=([0], [1])) ** 2) + np.sum(np.polyval(x, x)))


def self_quotients_and_angles(x):
    return (np.sum(np.arctan2(x, x) * x) + np.sum(np.hypot(x, x)) + np.sum(np.divide(x, x) * x)
            + np.sum(np.copysign(x, x) ** 2) + np.sum(scipy.special.logsumexp(np.stack([x, x]), axis=0)))


def self_linear_algebra(A):
    return (np.sum(np.linalg.solve(A, A) * A) + np.sum(np.linalg.lstsq(A, A, rcond=None)[0] * A)
            + np.sum(np.einsum("ij,jk,kl->il", A, A, A)) + np.sum(np.linalg.multi_dot([A, A.T, A]))
            + np.sum(np.matmul(A, A.T) ** 2) + np.sum(np.dot(A, A)))


def self_where_and_select(x):
    return (np.sum(np.where(x > 0, x, x) ** 2) + np.sum(np.select([x > 0, x < -1], [x, x ** 2], x))
            + np.sum(np.clip(x, x - 1.0, x + 1.0) ** 2) + np.sum(np.maximum(x, x) * np.minimum(x, x)))


# ----- Context managers of the user's -------------------------------------------------------------------


class IgnoreZeroDivision:
    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        return kind is ZeroDivisionError


@contextlib.contextmanager
def ignoring_zero_division():
    try:
        yield
    except ZeroDivisionError:
        pass


@contextlib.contextmanager
def timed(label):
    import time
    start = time.perf_counter()
    yield
    assert time.perf_counter() >= start, label


def class_manager_swallows(x, d):
    y = x
    with IgnoreZeroDivision():  # <- class-manager-swallows
        y = x / d
    return y * y


def generator_manager_swallows(x, d):
    y = x
    with ignoring_zero_division():  # <- generator-manager-swallows
        y = x / d
    return y * y


def timed_block(x, k):
    with timed("block"):
        y = np.sin(k * x) * x
    return y * y


# ----- Empty products ----------------------------------------------------------------------------------------


def discrete_survival_nll(hazards, event_times):
    loglik = 0.0
    for t in event_times:
        survival = np.prod(1.0 - hazards[:t])
        loglik += np.log(survival * hazards[t])
    return -loglik


def survival_by_rows(H, t):
    survival = np.prod(1.0 - H[:, :t], axis=1)
    return np.sum(np.log(survival * H[:, t])) + np.sum(np.prod(H[:t], axis=0))


def leading_minors(K):
    total = 0.0
    for k in range(K.shape[0] + 1):
        total += np.linalg.det(K[:k, :k]) * (k + 1)
    return total


def prefix_norms(x):
    return sum(np.linalg.norm(x[:k]) * (k + 1) for k in range(len(x) + 1))


def cohort_survival(H, cohort_sizes):
    total, start = 0.0, 0
    for size in cohort_sizes:
        cohort = H[start:start + size]
        total += np.sum(np.log(np.prod(1.0 - cohort, axis=1))) + np.sum(np.median(cohort, axis=1))
        start += size
    return total


def regression_on_chosen_features(X, y, chosen):
    coef = np.linalg.lstsq(X[:, chosen], y, rcond=None)[0]
    fitted = X[:, chosen] @ coef
    return np.sum((fitted - y) ** 2) + np.sum(coef ** 2)


def whitened_prefix(A, b, k):
    import scipy.linalg
    L = np.tril(A) + 2.0 * np.eye(A.shape[0])
    z = scipy.linalg.solve_triangular(L[:k, :k], b[:k], lower=True)
    return np.sum(z ** 2) + np.sum(b ** 2)


def standardized_chosen(X, chosen):
    F = X[:, chosen]
    centered = F - np.mean(F, axis=0)
    return np.sum(centered ** 2) + np.sum(np.mean(X, axis=0) ** 2)


def truncated_polynomial(coeffs, x, degree):
    return np.sum(np.polyval(coeffs[:degree], x) ** 2) + np.sum(coeffs ** 2) + np.sum(x ** 2)


def tariff_with_jumps(usage, rates):
    knots = np.array([0.0, 0.0, 1.0, 1.0, 2.0])
    bill = np.interp(usage, knots, rates)
    capped = np.interp(usage, knots, rates, left=-1.0, right=3.0)
    return np.sum(bill ** 2) + np.sum(capped * usage)


def calibration_curve(x, knots_x, knots_y):
    return np.sum(np.interp(x, knots_x, knots_y) ** 2) + np.sum(x ** 2)  # <- single-knot


def volatility_budget(returns, weights):
    vol = np.std(returns, axis=0)
    spread = np.nanstd(returns, axis=0, ddof=1)
    return np.sum(weights * vol) + np.sum(weights ** 2 * spread) + np.std(returns)
