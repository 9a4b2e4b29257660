"""Programs written as their users write them (tests/test_probe39_programs.py), in domains the earlier
probes left out: epidemics (SIR and SEIR by Euler and RK4, a fitted reproduction number), control
(an LQR rollout cost, a finite-horizon MPC cost, a cart-pole stepped by Euler), robotics and
graphics (a planar arm's forward kinematics by rotation matrices, quaternion rotation and
composition, Bezier curves by Bernstein sums, a ray-plane hit, a camera projection),
image processing (total variation denoising, a Gaussian blur by a separable kernel, a Sobel edge
energy), learning (a GRU cell stepped over a sequence, an LSTM cell, a class-based MLP with
`__call__`, a VAE with its noise passed in, multi-head attention, RMS norm, a contrastive loss,
soft ranks by sigmoid sums, a Gumbel-softmax with fixed noise), statistics (a hierarchical model's
log joint by scipy.stats and scipy.special, a GP with two hyperparameters by Cholesky and
cho_solve, a Beta-binomial, a Dirichlet-multinomial), and Python idioms (set and dict
comprehensions with conditions, closures over loop variables, lambdas given to sorted and max,
`sum` of a generator, any/all, star unpacking, while loops with counters, negative steps,
`enumerate(zip(...))`, string-keyed parameters updated in loops, np.where, masks, fancy indexing,
`+=` on slices, copies and views, stack/concatenate/split, einsum, and np.linalg's solve, inv,
det, slogdet, norm and eigh).
"""
import functools
import math
import operator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy import linalg as sla
from scipy import special, stats


# ----- epidemics -----------------------------------------------------------------------------


def sir_euler(beta, gamma, n_steps=40, dt=0.25):
    s, i, r = 0.99, 0.01, 0.0
    peak = 0.0
    for _ in range(n_steps):
        new_inf = beta * s * i * dt
        new_rec = gamma * i * dt
        s, i, r = s - new_inf, i + new_inf - new_rec, r + new_rec
        peak = max(peak, i)
    return peak + r


def seir_rhs(y, params):
    s, e, i, r = y
    beta, sigma, gamma = params["beta"], params["sigma"], params["gamma"]
    return np.array([-beta * s * i, beta * s * i - sigma * e, sigma * e - gamma * i, gamma * i])


def seir_rk4(beta, sigma, gamma):
    params = {"beta": beta, "sigma": sigma, "gamma": gamma}
    y = np.array([0.98, 0.01, 0.01, 0.0])
    h = 0.5
    history = [y]
    for _ in range(20):
        k1 = seir_rhs(y, params)
        k2 = seir_rhs(y + h / 2 * k1, params)
        k3 = seir_rhs(y + h / 2 * k2, params)
        k4 = seir_rhs(y + h * k3, params)
        y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        history.append(y)
    traj = np.stack(history)
    return traj[:, 2].max() + traj[-1, 3]


def sir_fit_loss(log_beta, log_gamma, observed):
    beta, gamma = np.exp(log_beta), np.exp(log_gamma)
    s, i = 0.95, 0.05
    loss = 0.0
    for obs in observed:
        s, i = s - beta * s * i * 0.5, i + (beta * s * i - gamma * i) * 0.5
        loss += (np.log(i) - np.log(obs)) ** 2
    return loss


def r0_from_growth(rates, generation_time):
    growth = np.mean(rates)
    return math.exp(growth * generation_time)


# ----- control -------------------------------------------------------------------------------


def lqr_rollout_cost(K, A, B, x0, horizon=8):
    Q = np.eye(A.shape[0])
    R = 0.1 * np.eye(B.shape[1])
    x = x0.copy()
    cost = 0.0
    for t in range(horizon):
        u = -K @ x
        cost += x @ Q @ x + u @ R @ u
        x = A @ x + B @ u
    return cost + 10.0 * x @ x


def mpc_cost(us, x0, dt=0.1):
    pos, vel = x0
    total = 0.0
    for k, u in enumerate(us):
        vel = vel + dt * (u - 0.2 * vel)
        pos = pos + dt * vel
        total += (pos - 1.0) ** 2 + 0.01 * u ** 2
    return total + 5.0 * vel ** 2


def cartpole_step(state, force, dt=0.02):
    x, x_dot, theta, theta_dot = state
    g, mc, mp, length = 9.8, 1.0, 0.1, 0.5
    total_mass = mc + mp
    costh, sinth = math.cos(theta), math.sin(theta)
    temp = (force + mp * length * theta_dot ** 2 * sinth) / total_mass
    theta_acc = (g * sinth - costh * temp) / (length * (4.0 / 3.0 - mp * costh ** 2 / total_mass))
    x_acc = temp - mp * length * theta_acc * costh / total_mass
    return (x + dt * x_dot, x_dot + dt * x_acc, theta + dt * theta_dot, theta_dot + dt * theta_acc)


def cartpole_cost(gains, theta0):
    state = (0.0, 0.0, theta0, 0.0)
    cost = 0.0
    for _ in range(15):
        force = -(gains[0] * state[2] + gains[1] * state[3])
        state = cartpole_step(state, force)
        cost += state[2] ** 2 + 0.001 * force ** 2
    return cost


def pid_tracking(kp, ki, kd, setpoint=1.0):
    y, integral, prev_err = 0.0, 0.0, setpoint
    errors = []
    for _ in range(30):
        err = setpoint - y
        integral += err * 0.05
        deriv = (err - prev_err) / 0.05
        u = kp * err + ki * integral + kd * deriv
        y += 0.05 * (-y + u)
        prev_err = err
        errors.append(err)
    return sum(e ** 2 for e in errors)


# ----- robotics and graphics -----------------------------------------------------------------


def rot2(theta):
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, -s], [s, c]])


def arm_end_effector(angles, lengths):
    T = np.eye(2)
    p = np.zeros(2)
    for theta, l in zip(angles, lengths):
        T = T @ rot2(theta)
        p = p + T @ np.array([l, 0.0])
    return p


def arm_reach_loss(angles, lengths, target):
    p = arm_end_effector(angles, lengths)
    return np.sum((p - target) ** 2)


def rot_z(a):
    return np.array([[np.cos(a), -np.sin(a), 0.0], [np.sin(a), np.cos(a), 0.0], [0.0, 0.0, 1.0]])


def rot_y(a):
    return np.array([[np.cos(a), 0.0, np.sin(a)], [0.0, 1.0, 0.0], [-np.sin(a), 0.0, np.cos(a)]])


def spatial_arm(q):
    R = rot_z(q[0]) @ rot_y(q[1])
    elbow = R @ np.array([0.0, 0.0, 1.0])
    R2 = R @ rot_y(q[2])
    hand = elbow + R2 @ np.array([0.0, 0.0, 0.8])
    return hand[0] ** 2 + 2.0 * hand[1] - hand[2]


def quat_mul(q, r):
    w1, x1, y1, z1 = q
    w2, x2, y2, z2 = r
    return np.array([w1 * w2 - x1 * x2 - y1 * y2 - z1 * z2,
                     w1 * x2 + x1 * w2 + y1 * z2 - z1 * y2,
                     w1 * y2 - x1 * z2 + y1 * w2 + z1 * x2,
                     w1 * z2 + x1 * y2 - y1 * x2 + z1 * w2])


def quat_rotate(q, v):
    q = q / np.linalg.norm(q)
    qv = np.concatenate([[0.0], v])
    conj = q * np.array([1.0, -1.0, -1.0, -1.0])
    return quat_mul(quat_mul(q, qv), conj)[1:]


def quaternion_alignment(q, v, target):
    return np.sum((quat_rotate(q, v) - target) ** 2)


def axis_angle_quaternion(axis, angle):
    axis = axis / np.linalg.norm(axis)
    q = np.concatenate([[np.cos(angle / 2)], np.sin(angle / 2) * axis])
    composed = quat_mul(q, q)
    return composed[0] + 0.5 * composed[3]


def bezier_point(control, t):
    n = len(control) - 1
    return sum(math.comb(n, k) * (1 - t) ** (n - k) * t ** k * control[k] for k in range(n + 1))


def bezier_length(control, samples=12):
    ts = np.linspace(0.0, 1.0, samples)
    pts = np.array([bezier_point(control, t) for t in ts])
    seg = pts[1:] - pts[:-1]
    return np.sum(np.sqrt(np.sum(seg ** 2, axis=1)))


def ray_plane(origin, direction, normal, offset):
    denom = normal @ direction
    t = (offset - normal @ origin) / denom
    hit = origin + t * direction
    return hit[0] * hit[1] + t


def pinhole_reprojection(points, f, cx, cy, observed):
    proj = np.empty((len(points), 2))
    proj[:, 0] = f * points[:, 0] / points[:, 2] + cx
    proj[:, 1] = f * points[:, 1] / points[:, 2] + cy
    return np.sum((proj - observed) ** 2)


def barycentric_weights(p, tri):
    a, b, c = tri
    v0, v1, v2 = b - a, c - a, p - a
    d00, d01, d11 = v0 @ v0, v0 @ v1, v1 @ v1
    d20, d21 = v2 @ v0, v2 @ v1
    denom = d00 * d11 - d01 * d01
    v = (d11 * d20 - d01 * d21) / denom
    w = (d00 * d21 - d01 * d20) / denom
    return (1.0 - v - w) ** 2 + v * w


# ----- images --------------------------------------------------------------------------------


def tv_denoise_energy(u, f, lam=0.3, eps=1e-3):
    dx = np.diff(u, axis=1)
    dy = np.diff(u, axis=0)
    tv = np.sum(np.sqrt(dx[:-1, :] ** 2 + dy[:, :-1] ** 2 + eps))
    return 0.5 * np.sum((u - f) ** 2) + lam * tv


def separable_blur(img, sigma):
    xs = np.arange(-2, 3)
    k = np.exp(-xs ** 2 / (2 * sigma ** 2))
    k = k / k.sum()
    rows = np.array([np.convolve(r, k, mode="same") for r in img])
    cols = np.array([np.convolve(c, k, mode="same") for c in rows.T]).T
    return np.sum(cols ** 2)


def sobel_energy(img):
    h, w = img.shape
    gx = np.zeros((h - 2, w - 2))
    gy = np.zeros((h - 2, w - 2))
    for i in range(1, h - 1):
        for j in range(1, w - 1):
            patch = img[i - 1:i + 2, j - 1:j + 2]
            gx[i - 1, j - 1] = np.sum(patch * np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]))
            gy[i - 1, j - 1] = np.sum(patch * np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]))
    return np.sum(np.hypot(gx, gy))


def flipped_symmetry_loss(img):
    return np.sum((img - img[:, ::-1]) ** 2) + np.sum((img[::-1] - img) * img)


# ----- learning ------------------------------------------------------------------------------


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def gru_sequence(params, xs):
    Wz, Wr, Wh = params["Wz"], params["Wr"], params["Wh"]
    h = np.zeros(Wz.shape[0])
    for x in xs:
        hx = np.concatenate([h, x])
        z = sigmoid(Wz @ hx)
        r = sigmoid(Wr @ hx)
        h_tilde = np.tanh(Wh @ np.concatenate([r * h, x]))
        h = (1 - z) * h + z * h_tilde
    return np.sum(h ** 2)


def lstm_sequence(W, xs, hidden=2):
    h = np.zeros(hidden)
    c = np.zeros(hidden)
    outputs = []
    for x in xs:
        gates = W @ np.concatenate([x, h, [1.0]])
        i, f, o, g = np.split(gates, 4)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        outputs.append(h)
    return np.sum(np.stack(outputs)[-2:])


class MLP:
    def __init__(self, W1, b1, W2):
        self.W1 = W1
        self.b1 = b1
        self.W2 = W2

    def __call__(self, x):
        h = np.tanh(x @ self.W1 + self.b1)
        return h @ self.W2


def class_mlp_loss(W1, b1, W2, X, y):
    model = MLP(W1, b1, W2)
    pred = model(X)
    return np.mean((pred - y) ** 2)


def vae_loss(enc_w, dec_w, x, eps):
    h = x @ enc_w
    mu, log_var = h[:2], h[2:]
    z = mu + np.exp(0.5 * log_var) * eps
    x_hat = sigmoid(z @ dec_w)
    recon = -np.sum(x * np.log(x_hat) + (1 - x) * np.log(1 - x_hat))
    kl = -0.5 * np.sum(1 + log_var - mu ** 2 - np.exp(log_var))
    return recon + kl


def multi_head_attention(X, Wq, Wk, Wv, heads=2):
    n, d = X.shape
    dh = d // heads
    Q, K, V = X @ Wq, X @ Wk, X @ Wv
    outs = []
    for hd in range(heads):
        sl = slice(hd * dh, (hd + 1) * dh)
        scores = Q[:, sl] @ K[:, sl].T / np.sqrt(dh)
        scores = scores - scores.max(axis=-1, keepdims=True)
        w = np.exp(scores)
        w /= w.sum(axis=-1, keepdims=True)
        outs.append(w @ V[:, sl])
    return np.sum(np.concatenate(outs, axis=-1) ** 2)


def rms_norm_block(x, g):
    rms = np.sqrt(np.mean(x ** 2, axis=-1, keepdims=True) + 1e-6)
    y = x / rms * g
    return np.sum(y * np.arange(1, y.shape[-1] + 1))


def layer_norm_residual(x, gamma, beta):
    mu = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    y = gamma * (x - mu) / np.sqrt(var + 1e-5) + beta
    return np.sum((x + y) ** 3)


def contrastive_loss(za, zb, tau=0.5):
    za = za / np.linalg.norm(za, axis=1, keepdims=True)
    zb = zb / np.linalg.norm(zb, axis=1, keepdims=True)
    logits = za @ zb.T / tau
    logz = special.logsumexp(logits, axis=1)
    return np.mean(logz - np.diag(logits))


def soft_rank(x, temperature=0.3):
    diffs = x[:, None] - x[None, :]
    return 0.5 + np.sum(sigmoid(diffs / temperature), axis=1) - 0.5


def soft_rank_loss(x, target_ranks):
    return np.sum((soft_rank(x) - target_ranks) ** 2)


def gumbel_softmax(logits, gumbel, tau=0.7):
    y = (logits + gumbel) / tau
    y = np.exp(y - np.max(y))
    y = y / np.sum(y)
    return y @ np.array([1.0, -2.0, 0.5, 3.0])


def conv1d_valid(x, w):
    k = len(w)
    return np.array([np.dot(x[i:i + k], w) for i in range(len(x) - k + 1)])


def conv_net(x, w1, w2):
    h = np.maximum(conv1d_valid(x, w1), 0.0)
    return np.sum(conv1d_valid(h, w2) ** 2)


def focal_loss(logits, labels, gamma=2.0):
    p = sigmoid(logits)
    pt = np.where(labels == 1, p, 1 - p)
    return -np.sum((1 - pt) ** gamma * np.log(pt))


# ----- statistics ----------------------------------------------------------------------------


def hierarchical_log_joint(mu, log_tau, theta, y, sigma):
    tau = np.exp(log_tau)
    lp = stats.norm.logpdf(mu, 0.0, 5.0)
    lp += stats.halfcauchy.logpdf(tau, scale=2.5) + log_tau
    lp += np.sum(stats.norm.logpdf(theta, mu, tau))
    lp += np.sum(stats.norm.logpdf(y, theta, sigma))
    return lp


def gp_two_hyper(log_ell, log_sf, X, y):
    ell, sf2 = np.exp(log_ell), np.exp(2 * log_sf)
    sq = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    K = sf2 * np.exp(-0.5 * sq / ell ** 2) + 0.1 * np.eye(len(X))
    L = np.linalg.cholesky(K)
    alpha = sla.cho_solve((L, True), y)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(L))) + 0.5 * len(X) * np.log(2 * np.pi)


def gp_predictive_mean(log_ell, X, y, Xs):
    ell = np.exp(log_ell)

    def kern(A, B):
        d = A[:, None, :] - B[None, :, :]
        return np.exp(-0.5 * np.sum(d * d, axis=-1) / ell ** 2)

    K = kern(X, X) + 0.05 * np.eye(len(X))
    Ks = kern(Xs, X)
    return np.sum(Ks @ np.linalg.solve(K, y))


def beta_binomial_loglik(log_a, log_b, k, n):
    a, b = np.exp(log_a), np.exp(log_b)
    return np.sum(special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)
                  + special.betaln(k + a, n - k + b) - special.betaln(a, b))


def dirichlet_multinomial(alpha, counts):
    A = np.sum(alpha)
    N = np.sum(counts)
    return (special.gammaln(A) - special.gammaln(N + A)
            + np.sum(special.gammaln(counts + alpha) - special.gammaln(alpha)))


def robust_regression_studentt(w, X, y, nu=4.0):
    r = y - X @ w
    return -np.sum(stats.t.logpdf(r, df=nu, scale=0.5))


def logistic_map_estimate(w, X, labels, prior_scale=1.0):
    z = X @ w
    ll = np.sum(labels * z - np.logaddexp(0.0, z))
    return -(ll - 0.5 * np.sum(w ** 2) / prior_scale ** 2)


def wishart_like(L_flat, S):
    L = np.zeros((2, 2))
    L[np.tril_indices(2)] = L_flat
    P = L @ L.T + 0.1 * np.eye(2)
    sign, logdet = np.linalg.slogdet(P)
    return -0.5 * np.trace(np.linalg.inv(P) @ S) - 1.5 * logdet


# ----- linear algebra ------------------------------------------------------------------------


def eigen_energy(A):
    S = 0.5 * (A + A.T)
    w, V = np.linalg.eigh(S)
    return w[-1] + np.sum(w ** 2) - w[0]


def det_and_inverse(M):
    return np.linalg.det(M) + np.sum(np.linalg.inv(M)[0])


def solve_normal_equations(X, y, lam):
    A = X.T @ X + lam * np.eye(X.shape[1])
    w = np.linalg.solve(A, X.T @ y)
    return np.linalg.norm(X @ w - y)


def power_iteration(A, iters=30):
    v = np.ones(A.shape[0])
    for _ in range(iters):
        v = A @ v
        v = v / np.linalg.norm(v)
    return v @ A @ v


def einsum_bilinear(x, W, y):
    return np.einsum("i,ij,j->", x, W, y) + np.einsum("ij,ij->", W, W)


def frobenius_orthogonality(Q):
    return np.linalg.norm(Q.T @ Q - np.eye(Q.shape[1]), "fro") ** 2


# ----- Python idioms -------------------------------------------------------------------------


def comprehension_filters(xs):
    positives = [v for v in xs if v > 0]
    squares = {i: v * v for i, v in enumerate(xs) if i % 2 == 0}
    return sum(positives) + sum(squares.values())


def closures_in_loop(x):
    fs = []
    for k in range(1, 4):
        fs.append(lambda t, k=k: k * t ** 2)  # <- lambda-default-loop-variable
    return sum(f(x) for f in fs)


def late_binding_closure(x):
    fs = [lambda t: t * k for k in range(3)]  # <- lambda-stored
    return sum(f(x) for f in fs)


def sorted_by_lambda(xs):
    pairs = sorted(zip(xs, range(len(xs))), key=lambda p: p[0])
    return pairs[0][0] * 2.0 + pairs[-1][0]


def max_by_key(xs, ws):
    best = max(range(len(xs)), key=lambda i: ws[i])
    return xs[best] ** 2 + sum(xs)


def any_all_guard(x):
    vals = [x, x ** 2, x - 1.0]
    if all(v > -5 for v in vals) and not any(v > 100 for v in vals):
        return sum(vals)
    return 0.0


def star_unpacking(xs):
    first, *middle, last = xs
    return first * last + sum(middle)


def param_dict_training(x0, y0):
    params = {"x": x0, "y": y0}
    for step in range(5):
        grads = {"x": 2 * (params["x"] - 1.0), "y": 4 * params["y"]}
        for name in params:
            params[name] = params[name] - 0.1 * grads[name]
    return params["x"] ** 2 + params["y"] ** 2


def while_with_counter(x):
    count = 0
    total = 0.0
    while count < 6:
        total += x / (count + 1)
        count += 1
    return total


def early_return_in_loop(xs, threshold):
    acc = 0.0
    for i, v in enumerate(xs):
        acc += v * threshold
        if acc > 2.0:
            return acc * i
    return acc


def enumerate_zip(xs, ys):
    total = 0.0
    for i, (a, b) in enumerate(zip(xs, ys)):
        total += (i + 1) * a * b
    return total


def reversed_and_negative_steps(x):
    rev = x[::-1]
    every_other = x[-1::-2]
    acc = 0.0
    for v in reversed(x):
        acc = acc * 0.5 + v
    return acc + np.sum(rev * x) + np.sum(every_other ** 2)


def where_and_masks(x):
    y = np.where(x > 0, x ** 2, -x)
    mask = np.abs(x) < 1.0
    return np.sum(y) + np.sum(x[mask] ** 3)


def fancy_index_gather(x, idx):
    return np.sum(x[idx] ** 2) + x[idx].max()


def inplace_slice_add(x):
    y = x.copy()
    y[1:] += y[:-1]
    y[::2] *= 2.0
    return np.sum(y ** 2)


def view_vs_copy(x):
    a = x.copy()
    b = a[:3]
    b *= 2.0
    c = a.copy()
    c[0] = 100.0
    return np.sum(a ** 2) + c[1]


def stack_split_concat(x):
    a, b, c = np.split(x, 3)
    M = np.stack([a, b, c])
    v = np.concatenate([M[0], M[2][::-1]])
    return np.sum(M @ M.T) + np.sum(v ** 2)


def set_of_indices(x):
    picked = {i % 3 for i in range(7)}
    return sum(x[i] ** 2 for i in sorted(picked))


def nested_function_accumulator(x):
    total = [0.0]

    def add(v):
        total[0] += v

    for k in range(3):
        add(x * k)  # <- callee-writes-closure-list
    return total[0] ** 2


def dict_of_lists(xs):
    groups = {"even": [], "odd": []}
    for i, v in enumerate(xs):
        key = "even" if i % 2 == 0 else "odd"
        groups[key].append(v)  # <- append-to-dict-item
    return sum(groups["even"]) * sum(groups["odd"])


def tuple_returns(x, y):
    def polar(a, b):
        return math.hypot(a, b), math.atan2(b, a)

    r, th = polar(x, y)
    return r * math.cos(2 * th)


def chained_comparisons(x):
    if 0.0 < x < 1.0:
        return x ** 2
    elif 1.0 <= x < 3.0:
        return 2 * x - 1
    return math.log(x)


def mapped_and_filtered(xs):
    squared = list(map(lambda v: v * v, xs))
    kept = list(filter(lambda v: v > 0.1, squared))
    return sum(kept)


def zip_star_transpose(rows):
    cols = list(zip(*rows))
    return sum(c[0] * c[-1] for c in cols)


def min_max_builtins(a, b, c):
    return max(a, b, c) - min(a, b, c) + abs(a - b)


@dataclass
class Quadratic:
    a: float
    b: float

    def __call__(self, x):
        return self.a * x ** 2 + self.b * x

    def deriv(self, x):
        return 2 * self.a * x + self.b


def dataclass_call(a, b, x):
    q = Quadratic(a, b)
    return q(x) + q.deriv(x) ** 2


class Linear:
    def __init__(self, n_in, n_out, weights):
        self.W = weights.reshape(n_out, n_in)
        self.n_out = n_out

    def __call__(self, x):
        return self.W @ x


class Sequential:
    def __init__(self, *layers):
        self.layers = layers

    def __call__(self, x):
        for layer in self.layers:
            x = np.tanh(layer(x))
        return x


def sequential_model(w1, w2, x):
    net = Sequential(Linear(3, 2, w1), Linear(2, 1, w2))  # <- object-with-reshape-init
    return net(x)[0]


def running_min_max(xs):
    lo, hi = xs[0], xs[0]
    for v in xs[1:]:
        if v < lo:
            lo = v
        if v > hi:
            hi = v
    return hi - lo + lo * hi


def cumulative_product_list(xs):
    out = [1.0]
    for v in xs:
        out.append(out[-1] * v)
    return out[-1] + sum(out[1:-1])


def argsort_weights(x, w):
    order = np.argsort(x)
    return np.sum(x[order] * w)


def clip_and_round_trip(x):
    y = np.clip(x, -1.0, 1.0)
    z = np.abs(y) + np.sign(x) * 0.1
    return float(np.sum(z * x))


def broadcast_outer_product(a, b):
    M = a[:, None] * b[None, :]
    M[M < 0] = 0.0
    return M.sum() + np.trace(M[:2, :2])


def np_norm_variants(x):
    return np.linalg.norm(x) + np.linalg.norm(x, 1) + np.linalg.norm(x, np.inf)


def integer_power_loop(x, n=5):
    result = 1.0
    base = x
    while n > 0:
        if n % 2 == 1:
            result *= base
        base *= base
        n //= 2
    return result


def string_keyed_schedule(lr):
    config = {"lr": lr, "decay": 0.9, "steps": 4}
    w = 1.0
    for _ in range(config["steps"]):
        w -= config["lr"] * 2 * w
        config["lr"] *= config["decay"]
    return w


def nested_list_matrix(x):
    M = [[x * i + j for j in range(3)] for i in range(3)]
    return sum(M[i][i] for i in range(3)) * M[0][2]


# ----- NumPy's less read semantics -----------------------------------------------------------


def eigh_of_unsymmetric(A):
    w = np.linalg.eigh(A)[0]
    return w[0] + 2.0 * w[-1]


def eigvalsh_upper(A):
    return np.sum(np.linalg.eigvalsh(A, UPLO="U") ** 2)


def cholesky_lower_read(A):
    L = np.linalg.cholesky(A)
    return np.sum(L * np.arange(1.0, 10.0).reshape(3, 3))


def scipy_cholesky_upper(A):
    U = sla.cholesky(A)
    return np.sum(U ** 3)


def einsum_implicit(A, B):
    return np.sum(np.einsum("ji", A) * B) + np.sum(np.einsum("ba,ac", A, B) * A)


def einsum_diagonal(A):
    return np.sum(np.einsum("ii->i", A) ** 2) + np.einsum("ii", A)


def take_modes(x):
    return np.sum(np.take(x, [0, 6, -7], mode="wrap") * np.array([1.0, 2.0, 3.0])) + \
        np.sum(np.take(x, [9, 1], mode="clip") * np.array([4.0, 5.0]))


def pad_modes(x):
    r = np.pad(x, 2, mode="reflect")
    e = np.pad(x, (1, 2), mode="edge")
    w = np.pad(x, 1, mode="wrap")
    return np.sum(r * np.arange(len(r))) + np.sum(e ** 2 * np.arange(len(e))) + np.sum(w * np.arange(len(w)) ** 2)


def polynomial_module_order(c, x):
    return np.sum(np.polynomial.polynomial.polyval(x, c)) + np.sum(np.polyval(c, x))  # <- polynomial-polyval


def duplicate_index_writes(x, w):
    y = x.copy()
    y[[0, 2, 0]] = w
    z = x.copy()
    z[[1, 1, 3]] += w
    return np.sum(y * np.arange(1.0, 6.0)) + np.sum(z * np.arange(2.0, 7.0))


def product_with_zero(x):
    return np.prod(x) + np.sum(np.cumprod(x)) + math.prod([x[0], x[1], x[2]])  # <- cumprod-at-zero


def det_singular(A):
    return np.linalg.det(A)  # <- det-of-singular


def vdot_tensordot(a, B):
    return np.vdot(B, B) + np.sum(np.tensordot(B, a, axes=1)) + np.sum(np.tensordot(a, a, axes=0) * B)


def norm_orders(x, M):
    return (np.linalg.norm(x, 3) + np.linalg.norm(x, -np.inf) + np.linalg.norm(M, 1)
            + np.linalg.norm(M, -1) + np.linalg.norm(M, np.inf) + np.linalg.norm(M, "nuc")
            + np.linalg.norm(M, 2) + np.linalg.norm(M, axis=0, ord=1).sum())


def ddof_and_where(x):
    mask = x > -0.5
    return (np.std(x, ddof=1) + np.var(x, ddof=2) + np.sum(x, where=mask) + np.mean(x ** 2, where=mask)
            + np.max(x, initial=10.0 * x[0] - 20.0))


def median_even(x):
    return np.median(x) * np.median(x[:-1]) + np.percentile(x, 30.0)


def sort_descending_weights(x):
    return np.sum(-np.sort(-x) * np.arange(len(x))) + np.sum(np.sort(x)[::-1][:2])


def ufunc_reduce_accumulate(x):
    return (np.logaddexp.reduce(x) + np.add.reduce(x ** 2) + np.multiply.reduce(x)
            + np.sum(np.maximum.accumulate(x)) + np.sum(np.add.accumulate(x) ** 2))


def axis_shuffles(T):
    return (np.sum(np.moveaxis(T, 0, -1) * np.arange(24.0).reshape(3, 4, 2))
            + np.sum(np.swapaxes(T, 1, 2)[0] ** 2) + np.sum(np.rot90(T[0]) * np.arange(12.0).reshape(4, 3))
            + np.sum(np.transpose(T, (1, 0, 2))[1] * T[0, 1]))


def repeats_and_tiles(x):
    return np.sum(np.repeat(x, [1, 2, 3]) * np.arange(6.0)) + np.sum(np.tile(x, (2, 1)) ** 2 * np.arange(6.0).reshape(2, 3))


def diff_higher_order(x):
    return np.sum(np.diff(x, n=2) ** 2) + np.sum(np.diff(x.reshape(2, 3), axis=0) ** 3)


def triangular_parts(A):
    return np.sum(np.triu(A, k=1) ** 2) + np.sum(np.tril(A, -1) * A.T) + np.sum(np.diag(np.diag(A), k=1)) + \
        np.trace(A, offset=1) + np.sum(np.diagonal(A, offset=-1) ** 2)


def clip_by_arrays(x, lo, hi):
    return np.sum(np.clip(x, lo, hi) ** 2)


def complex_rotation(theta, z):
    w = np.exp(1j * theta) * z  # <- complex-literal
    return np.abs(w.sum()) ** 2 + np.real(w[0] * np.conj(w[1]))


def cross_kron_outer(a, b):
    return np.sum(np.cross(a, b) ** 2) + np.sum(np.kron(a[:2], b) * np.arange(6.0)) + np.sum(np.outer(a, b)[1])


def matrix_power_and_expm(A):
    return np.sum(np.linalg.matrix_power(A, 3)) + np.sum(sla.expm(0.3 * A))


def svd_values(A):
    s = np.linalg.svd(A, compute_uv=False)
    return s[0] + 0.5 * np.sum(s ** 2)


def pinv_residual(A, b):
    return np.sum((A @ np.linalg.pinv(A) @ b - b) ** 2) + np.sum(np.linalg.pinv(A) ** 2)


def logsumexp_weighted(x, w):
    return special.logsumexp(x, b=w) + np.sum(special.softmax(x) * w) + np.sum(special.log_softmax(x) ** 2)


def special_functions(x):
    return np.sum(special.xlogy(x, x) + special.erf(x) + special.expit(3 * x) + special.erfc(x) ** 2)


def poisson_gamma_lik(log_rate, counts, shape):
    rate = np.exp(log_rate)
    return (np.sum(stats.poisson.logpmf(counts, rate)) + np.sum(stats.gamma.logpdf(rate, shape, scale=2.0))
            + np.sum(stats.beta.logpdf(special.expit(log_rate), 2.0, 3.0)))


def multivariate_normal_lik(mu, X, cov):
    return np.sum(stats.multivariate_normal.logpdf(X, mean=mu, cov=cov))


def batched_solve(As, bs):
    return np.sum(np.linalg.solve(As, bs) ** 2) + np.sum(np.linalg.det(As)) + np.sum(np.linalg.inv(As)[:, 0])


def solve_matrix_rhs(A, B):
    return np.sum(np.linalg.solve(A, B) ** 2) + np.sum(sla.solve_triangular(np.triu(A), B[:, 0]))


def float32_model(w, x):
    return np.sum(np.tanh(x @ w) ** 2)


def modulo_and_floor(x):
    return np.sum((x % 1.0) ** 2) + np.sum(np.fmod(x, 0.7)) + np.sum(x - np.floor(x)) + np.sum(np.remainder(3 * x, 2.0))


def where_scalar_branches(x, y):
    return np.sum(np.where(x > y, x, y) * np.where(x < 0, 1.0, x)) + np.sum(np.select([x < -0.5, x > 0.5], [x ** 2, x], 0.0))


def int_array_to_float(x, k):
    return np.sum(x ** k) + np.sum(x * k.astype(float))


def diagonal_assignment(A, v):
    B = A.copy()
    np.fill_diagonal(B, v)
    B[np.diag_indices(3)] += v
    return np.sum(B @ B)


def grid_indexing(A):
    rows = np.array([0, 2])
    cols = np.array([1, 2])
    return np.sum(A[np.ix_(rows, cols)] ** 2) + np.sum(A[rows, cols]) + np.sum(A[:, cols] * 2) + np.sum(A[A > 0] ** 2)


def masked_inplace_scale(A):
    B = A.copy()
    B[B > 0] *= 2.0
    B[:, 0] -= B[:, 1]
    B[-1] = B[0] * B[1]
    return np.sum(B ** 2)


def negative_step_write(x):
    y = np.zeros_like(x)
    y[::-1] = x
    y[::-2] += x[:3]
    return np.sum(y * np.arange(1.0, 6.0)) + y[0] * y[-1]


# ----- NumPy calls whose shapes are read in less usual ways --------------------------------------


def dot_of_stacks(A, B):
    return np.sum(np.dot(A, B) * np.arange(16.0).reshape(2, 2, 4)) + np.sum(np.inner(A, A) ** 2)


def outer_and_kron_of_matrices(A, B):
    return np.sum(np.outer(A, B) * np.arange(36.0).reshape(6, 6)) + np.sum(np.kron(A, B[:, :2]) ** 2)


def cross_of_2d_and_axes(a, b):
    u = np.stack([a, b])
    return np.sum(np.cross(u, u[::-1], axisa=1, axisb=1) ** 2) + np.sum(np.cross(a, b) * np.array([1.0, -2.0, 0.5]))  # <- cross-axes


def roll_and_flip_without_axis(A):
    return np.sum(np.roll(A, 1) * np.arange(6.0).reshape(2, 3)) + np.sum(np.flip(A) * np.arange(6.0).reshape(2, 3))


def resize_append_insert_delete(x, y):
    return (np.sum(np.resize(x, 7) * np.arange(7.0)) + np.sum(np.append(x, y) ** 2 * np.arange(6.0))
            + np.sum(np.insert(x, 1, y[0]) * np.arange(5.0)) + np.sum(np.delete(x, [0, 2]) ** 3))


def stacking_variants(a, b):
    return (np.sum(np.hstack([a, b]) * np.arange(6.0)) + np.sum(np.vstack([a, b]) ** 2 * np.arange(6.0).reshape(2, 3))
            + np.sum(np.column_stack([a, b]) * np.arange(6.0).reshape(3, 2)) + np.sum(np.dstack([a, b]) ** 3))


def array_split_uneven(x):
    parts = np.array_split(x, 3)
    return sum(np.sum(p ** (i + 1)) for i, p in enumerate(parts))


def linspace_endpoints(a, b):
    t = np.linspace(a, b, 5)
    return np.sum(np.sin(t)) + np.sum(np.logspace(a, b, 3)) + np.sum(np.linspace(a, b, 4, endpoint=False) ** 2)


def filled_from_scalars(a, b, c):
    M = np.full((2, 2), a) + np.eye(2) * b
    v = np.diag([a, b, c])
    return np.sum(M @ M) + np.sum(v @ v) + np.sum(np.full_like(v, c) * v) + np.sum(np.ones(3) * a * c)


def einsum_ellipsis_and_repeats(A, B):
    return (np.sum(np.einsum("...ij,...jk->...ik", A, B) ** 2) + np.sum(np.einsum("iij->j", A) ** 2)
            + np.sum(np.einsum("bij,bij->b", A, A)))


def tensordot_pairs(A, B):
    return np.sum(np.tensordot(A, B, axes=([0, 1], [1, 0])) * np.arange(4.0)) + np.tensordot(A[0], A[0])


def stacked_matmul_and_multi_dot(A, x):
    return np.sum(x @ A) + np.sum(A @ x) + np.sum(np.linalg.multi_dot([A[0], A[1], A[0]]))


def norms_over_axes(T):
    return (np.sum(np.linalg.norm(T, axis=(1, 2))) + np.sum(np.linalg.norm(T, ord="fro", axis=(0, 2)))
            + np.sum(np.linalg.norm(T, ord=1, axis=1)) + np.sum(np.linalg.norm(T, axis=-1, keepdims=True) * T))


def reductions_over_axis_tuples(T):
    return (np.sum(np.mean(T, axis=(0, 2)) ** 2) + np.sum(np.std(T, axis=1, keepdims=True) * T)
            + np.sum(np.var(T, axis=(1, 2), ddof=1)) + np.sum(np.ptp(T, axis=0)))


def sort_along_axes(A):
    return np.sum(np.sort(A, axis=0) * np.arange(6.0).reshape(3, 2)) + np.sum(np.sort(A, axis=None) * np.arange(6.0))


def vander_and_correlate(x, y):
    return (np.sum(np.vander(x, 3, increasing=True) * np.arange(12.0).reshape(4, 3))
            + np.sum(np.correlate(x, y, mode="full") * np.arange(6.0)) + np.sum(np.convolve(x, y, mode="valid") ** 2))


def unique_values(x):
    u = np.unique(np.round(x, 0) + x * 0.0)  # <- unique
    return np.sum(u ** 2) + np.sum(np.unique(x) * np.arange(len(x)))


def trace_and_diagonal_3d(T):
    return np.sum(np.trace(T, axis1=1, axis2=2)) + np.sum(np.diagonal(T, axis1=0, axis2=2) ** 2)


def squeeze_and_expand(x):
    y = np.expand_dims(x, (0, 2))
    z = np.atleast_2d(x)
    return np.sum(np.squeeze(y) ** 2) + np.sum(z.T @ z) + np.sum(np.broadcast_to(x, (2, 4)) * np.arange(8.0).reshape(2, 4))


def correlate_complex_free(x):
    return np.sum(np.correlate(x, x[::-1], mode="same") ** 2)


def zero_base_power(x, y):
    base = np.array([0.0, 1.5, 0.0])
    return np.sum(base ** x) + np.sum(np.power(base, y)) + 0.0 ** x[0]


def where_broadcast_scalar(x, c):
    return np.sum(np.where(x > 0.2, x, c) ** 2) + np.sum(np.clip(x, c, None)) + np.sum(np.maximum(x, c) * x)


def flat_and_item(x):
    A = x.reshape(2, 3)
    return A.flat[4] * A.item(1) + float(A[1, 2]) * np.sum(A.flatten()[::2]) + x.tolist()[0] ** 2  # <- flat


def sum_of_array_list(x):
    parts = [x * k for k in range(1, 4)]
    return np.sum(sum(parts) ** 2) + np.sum(max(parts, key=lambda p: p[0]))


# ----- signatures ----------------------------------------------------------------------------


def positional_only(x, y, /, scale=2.0, *, power=2.0):
    return scale * x * y ** power


def calls_positional_only(xs, w):
    total = 0.0
    for v in xs:
        total += positional_only(v, w, 0.5, power=3.0)
    return total


# ----- copies of lists by slicing ----------------------------------------------------------------


def list_slice_copy(xs):
    ys = xs[:]
    ys[0] = ys[0] * 3.0
    return sum(ys) + xs[0]


def list_tail_rebuilt(xs):
    rest = xs[1:]
    rest.append(xs[0] * 2.0)
    rest[0] = rest[0] ** 2
    return sum(v * (i + 1) for i, v in enumerate(rest)) + xs[1]


def reversed_list_copy(xs):
    ys = xs[::-1]
    ys[0] = 0.0
    return ys[0] + ys[-1] * xs[-1]


def list_of_arrays_slice(x):
    arrs = [x * 1.0, x * 2.0, x * 3.0]
    head = arrs[:2]
    head[0] = head[0] + 1.0
    return np.sum(head[0] * arrs[0]) + np.sum(head[1])


def slice_shares_the_arrays(x):
    arrs = [x * 1.0, x * 2.0]
    head = arrs[:]
    head[0][1] = 5.0  # <- item-of-sliced-list
    return np.sum(arrs[0] * x)


# ----- records whose class defines operators and items ------------------------------------------


@dataclass
class Complex:
    re: float
    im: float

    def __mul__(self, other):
        return Complex(self.re * other.re - self.im * other.im, self.re * other.im + self.im * other.re)

    def __add__(self, other):
        return Complex(self.re + other.re, self.im + other.im)

    def __neg__(self):
        return Complex(-self.im, self.re)  # (a quarter turn, not the negation of the fields)


def complex_records(a, b):
    p = Complex(a, b)
    z = p * Complex(b, 2.0)
    w = -p
    u = p + Complex(w.re, z.im)
    return z.re + 3.0 * u.im + w.re * u.re


@dataclass
class Interval:
    lo: float
    hi: float

    def __add__(self, other):
        return Interval(self.lo + other.lo, self.hi * other.hi)  # (a user's own rule, not fieldwise)

    def __rmul__(self, k):
        return Interval(k * self.lo, self.hi ** k)


def record_parameters_added(p, q):
    z = p + q
    s = 2.0 * q
    return z.lo + z.hi + s.lo * s.hi


class Coefficients:
    def __init__(self, values):
        self.values = values

    def __getitem__(self, i):
        return self.values[i]


def items_of_an_object(c, x):
    p = Coefficients(c)
    total = 0.0
    for i in range(3):
        total += p[i] * x ** i
    return total + p[-1] * sum(p[1:])


class Pair(NamedTuple):
    a: float
    b: float

    def __add__(self, other):
        return Pair(self.a + other.a, self.b * other.b)


def namedtuple_with_add(a, b):
    v = Pair(a, b) + Pair(b, 3.0)
    return v.a + v.b


def records_added_in_a_chain(a, b):
    p = Interval(a, b)
    w = (p + Interval(b, 3.0)) + p  # <- record-of-unknown-class-added
    return w.lo + w.hi


def records_from_a_list_added(a, b):
    rs = [Interval(a, b), Interval(b, 2.0)]
    w = rs[0] + rs[1]
    return w.lo + w.hi


def records_summed(a, b):
    w = sum([Interval(a, b), Interval(b, 2.0)], Interval(0.0, 1.0))  # <- sum-of-records
    return w.lo + w.hi


class Doubled(NamedTuple):
    a: float
    b: float

    def __getitem__(self, i):
        return 2.0 * tuple.__getitem__(self, i)  # <- tuple-getitem


def namedtuple_items_doubled(p, x):
    return p[0] * x + p[1]


@dataclass
class Polar:
    x: float
    y: float

    def __abs__(self):
        return math.hypot(self.x, self.y)

    def __float__(self):
        return 3.0 * self.x


def abs_and_float_of_records(p, a, b):
    q = Polar(a, b)
    return abs(p) * 2.0 + float(q) * abs(q) + float(p)


def make_polar(a, b):
    return Polar(a, b)


def abs_of_a_returned_record(a, b):
    return abs(make_polar(a, b)) * 2.0  # <- abs-of-returned-record


def set_of_pairs(x):
    pairs = {(i, j) for i in range(len(x)) for j in range(i)}
    kinds = {int(v > 0) for v in x}
    return sum(x[i] * x[j] for i, j in sorted(pairs)) + len(pairs) * sum(x[k] for k in sorted(kinds))


def set_of_values(x):
    distinct = {v * v for v in x}  # <- set-of-values
    return sum(sorted(distinct))


def records_added_by_operator(a, b):
    w = functools.reduce(operator.add, [Interval(a, b), Interval(b, 3.0)])  # <- operator-add-of-records
    return w.lo + w.hi


@dataclass
class Swapped:
    x: float
    y: float

    def __iter__(self):
        yield self.y
        yield 2.0 * self.x


def record_listed(a, b):
    return list(Swapped(a, b))[1] * 5.0  # <- list-of-iterable-record


def loop_over_iterable_record(p):
    total = 0.0
    for v in p:  # <- loop-over-iterable-record
        total = total * 3.0 + v
    return total
