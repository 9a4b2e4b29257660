"""Programs whose users want their second derivatives (tests/test_second37_programs.py): Newton and
trust-region steps (logistic and Poisson regression, Rosenbrock, Beale, nonlinear least squares),
Laplace approximations (a Gaussian process's marginal likelihood in its hyperparameters, Bayesian
linear and logistic regression, a mixture of Gaussians), physics (Lennard-Jones, Morse and spring
potentials, an elastic rod, the action of a discretized path), neural networks (MLPs as lists of
layer tuples and dicts of weights, residual and recurrent nets, softmax cross-entropy), control
flow on data, and arrays, lists, dicts and NamedTuples built and written in the function.
"""
import math
from typing import NamedTuple

import numpy as np
from scipy.special import gammaln, logsumexp

# ----- Newton and trust-region steps -----------------------------------------------------


def logistic_nll(w, X, y):
    z = X @ w
    return np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * 1e-2 * w @ w


def logistic_nll_rows(w, X, y):
    loss = 0.0
    for xi, yi in zip(X, y):
        z = xi @ w
        if yi > 0.5:
            loss += np.logaddexp(0.0, -z)
        else:
            loss += np.logaddexp(0.0, z)
    return loss / len(y)


def poisson_glm_nll(beta, X, counts, exposure):
    eta = X @ beta + np.log(exposure)
    mu = np.exp(eta)
    return np.sum(mu - counts * eta + gammaln(counts + 1.0))


def rosenbrock(x):
    total = 0.0
    for i in range(len(x) - 1):
        total += 100.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1.0 - x[i]) ** 2
    return total


def rosenbrock_vectorized(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def beale(p):
    x, y = p
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2


def beale_scalars(x, y):
    terms = [(1.5, 1), (2.25, 2), (2.625, 3)]
    return sum((c - x + x * y ** k) ** 2 for c, k in terms)


def decay_residuals(theta, t, y):
    amplitude, rate, offset = theta
    return amplitude * np.exp(-rate * t) + offset - y


def decay_least_squares(theta, t, y):
    r = decay_residuals(theta, t, y)
    return 0.5 * np.sum(r ** 2)


def weighted_decay_residuals(theta, t, y, weights):
    """sum_i weights_i r_i(theta): its Hessian at weights = r is the true Hessian minus Gauss-Newton's."""
    return np.sum(weights * decay_residuals(theta, t, y))


def michaelis_menten_loss(params, substrate, rate):
    vmax, km = params[0], params[1]
    loss = 0.0
    for s, v in zip(substrate, rate):
        predicted = vmax * s / (km + s)
        loss += (predicted - v) ** 2
    return loss


def himmelblau(x, y):
    return (x * x + y - 11.0) ** 2 + (x + y * y - 7.0) ** 2


# ----- Laplace approximations and uncertainty --------------------------------------------


def rbf_kernel(X, lengthscale, variance):
    sq = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    return variance * np.exp(-0.5 * sq / lengthscale ** 2)


def gp_nll_cholesky(log_params, X, y):
    lengthscale, variance, noise = np.exp(log_params)
    K = rbf_kernel(X, lengthscale, variance) + noise * np.eye(len(y))
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(L))) + 0.5 * len(y) * np.log(2 * np.pi)


def gp_nll_slogdet(log_params, X, y):
    ell, sf2, sn2 = np.exp(log_params[0]), np.exp(log_params[1]), np.exp(log_params[2])
    d = X[:, None, :] - X[None, :, :]
    K = sf2 * np.exp(-0.5 * np.sum(d * d, axis=2) / ell ** 2) + sn2 * np.eye(X.shape[0])
    sign, logdet = np.linalg.slogdet(K)
    return 0.5 * y @ np.linalg.solve(K, y) + 0.5 * logdet


def gp_nll_dict(hyper, X, y):
    K = rbf_kernel(X, np.exp(hyper["log_ell"]), np.exp(hyper["log_sf2"]))
    K = K + np.exp(hyper["log_sn2"]) * np.eye(len(y))
    _, logdet = np.linalg.slogdet(K)
    return 0.5 * (y @ np.linalg.solve(K, y) + logdet)


def gp_kernel_loops(log_ell, x, y):
    n = len(x)
    K = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            K[i, j] = np.exp(-0.5 * (x[i] - x[j]) ** 2 / np.exp(2 * log_ell))  # <- kernel-item
    K = K + 0.1 * np.eye(n)
    return 0.5 * y @ np.linalg.solve(K, y) + 0.5 * np.linalg.slogdet(K)[1]


def bayes_linreg_neg_log_posterior(w, X, y, alpha, beta):
    r = y - X @ w
    return 0.5 * beta * r @ r + 0.5 * alpha * w @ w


def bayes_logistic_log_posterior(w, X, y, prior_precision):
    logits = X @ w
    log_lik = np.sum(y * logits - np.logaddexp(0.0, logits))
    return log_lik - 0.5 * prior_precision * np.sum(w ** 2)


def laplace_log_evidence(w, X, y):
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    A = X.T @ (X * (p * (1.0 - p))[:, None]) + np.eye(len(w))
    log_lik = np.sum(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))
    return log_lik - 0.5 * w @ w - 0.5 * np.linalg.slogdet(A)[1]


def gmm_loglik(means, X, log_weights, log_sigma):
    sigma = np.exp(log_sigma)
    d = X[:, None, :] - means[None, :, :]
    log_comp = (-0.5 * np.sum(d ** 2, axis=2) / sigma ** 2 - X.shape[1] * (log_sigma + 0.5 * np.log(2 * np.pi)))
    log_w = log_weights - logsumexp(log_weights)
    return np.sum(logsumexp(log_comp + log_w, axis=1))


def gmm_loglik_components(params, X):
    terms = []
    for mean, log_scale, logit in params:
        z = (X - mean) / np.exp(log_scale)
        terms.append(logit - log_scale - 0.5 * z ** 2)
    stacked = np.stack(terms)
    logits = np.array([p[2] for p in params])
    return np.sum(logsumexp(stacked, axis=0)) - len(X) * logsumexp(logits)


def student_t_nll(params, y):
    loc, log_scale, log_df = params
    scale, df = np.exp(log_scale), np.exp(log_df)
    z = (y - loc) / scale
    log_pdf = (gammaln((df + 1) / 2) - gammaln(df / 2) - 0.5 * np.log(df * np.pi) - log_scale
               - (df + 1) / 2 * np.log1p(z ** 2 / df))
    return -np.sum(log_pdf)


# ----- physics ---------------------------------------------------------------------------


def lennard_jones_pairs(pos, epsilon=1.0, sigma=1.0):
    energy = 0.0
    n = pos.shape[0]
    for i in range(n):
        for j in range(i + 1, n):
            r2 = np.sum((pos[i] - pos[j]) ** 2)
            s6 = (sigma ** 2 / r2) ** 3
            energy += 4 * epsilon * (s6 ** 2 - s6)
    return energy


def lennard_jones_broadcast(pos):
    d = pos[:, None, :] - pos[None, :, :]
    r2 = np.sum(d ** 2, axis=-1) + np.eye(len(pos))
    inv6 = 1.0 / r2 ** 3
    pair = 4.0 * (inv6 ** 2 - inv6)
    return 0.5 * np.sum(pair * (1.0 - np.eye(len(pos))))


def morse_triu(pos, depth, width, r0):
    i, j = np.triu_indices(len(pos), k=1)
    r = np.linalg.norm(pos[i] - pos[j], axis=1)
    return np.sum(depth * (1.0 - np.exp(-width * (r - r0))) ** 2)


def spring_network(pos, edges, rest, k):
    energy = 0.0
    for (i, j), length in zip(edges, rest):
        stretch = np.linalg.norm(pos[i] - pos[j]) - length
        energy += 0.5 * k * stretch ** 2
    return energy


def elastic_rod(points, stretch_k, bend_k):
    segments = np.diff(points, axis=0)
    lengths = np.sqrt(np.sum(segments ** 2, axis=1))
    tangents = segments / lengths[:, None]
    cos_turn = np.sum(tangents[1:] * tangents[:-1], axis=1)
    return 0.5 * stretch_k * np.sum((lengths - 1.0) ** 2) + bend_k * np.sum(1.0 - cos_turn)


def harmonic_chain(u, k, masses):
    stretch = np.diff(np.concatenate([[0.0], u, [0.0]]))
    return 0.5 * k * np.sum(stretch ** 2) / np.sqrt(np.prod(masses))


def anharmonic_action(path, q0, q1, dt, mass):
    q = np.concatenate([[q0], path, [q1]])
    velocity = np.diff(q) / dt
    midpoints = 0.5 * (q[1:] + q[:-1])
    potential = 0.5 * midpoints ** 2 + 0.1 * midpoints ** 4
    return np.sum(0.5 * mass * velocity ** 2 - potential) * dt


def pendulum_action(theta, dt, g=9.81, length=1.0):
    action = 0.0
    for k in range(len(theta) - 1):
        omega = (theta[k + 1] - theta[k]) / dt
        action += dt * (0.5 * length ** 2 * omega ** 2 + g * length * np.cos(theta[k]))
    return action


def bond_angle_energy(pos, k_theta, theta0):
    energy = 0.0
    for a, b, c in [(0, 1, 2), (1, 2, 3)]:
        u, v = pos[a] - pos[b], pos[c] - pos[b]
        cos_angle = u @ v / (np.linalg.norm(u) * np.linalg.norm(v))
        energy += 0.5 * k_theta * (np.arccos(cos_angle) - theta0) ** 2
    return energy


def coulomb_cutoff(pos, charges, cutoff):
    energy = 0.0
    for i in range(len(pos)):
        for j in range(i):
            r = math.sqrt(sum((pos[i][k] - pos[j][k]) ** 2 for k in range(3)))
            if r < cutoff:
                energy += charges[i] * charges[j] * (1.0 / r - 1.0 / cutoff)
    return energy


# ----- neural networks -------------------------------------------------------------------


def mlp_layer_tuples(layers, X, y):
    h = X
    for W, b in layers[:-1]:
        h = np.tanh(h @ W + b)
    W, b = layers[-1]
    out = h @ W + b
    return np.mean((out[:, 0] - y) ** 2)


def mlp_weights_dict(params, X, y):
    h = np.tanh(X @ params["W1"] + params["b1"])
    h = np.logaddexp(0.0, h @ params["W2"] + params["b2"])
    pred = h @ params["w3"]
    return 0.5 * np.sum((pred - y) ** 2)


def softplus(z):
    return np.logaddexp(0.0, z)


def mlp_activation_function(layers, X, y):
    act = softplus
    h = X
    for W, b in layers:
        h = act(h @ W + b)
    return np.sum((h.sum(axis=1) - y) ** 2)


def softmax_cross_entropy(W, X, labels):
    logits = X @ W
    logits = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    return -np.mean(log_probs[np.arange(len(labels)), labels])


def mlp_softmax(params, X, labels):
    (W1, b1), (W2, b2) = params
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    return -np.sum(logits[np.arange(len(labels)), labels] - logsumexp(logits, axis=1))


def mlp_loss_per_example(layers, X, Y):
    loss = 0.0
    for x, t in zip(X, Y):
        h = x
        for i, (W, b) in enumerate(layers):
            z = W @ h + b
            if i < len(layers) - 1:
                h = np.tanh(z)
            else:
                h = z
        loss += np.sum((h - t) ** 2)
    return loss / len(X)


def residual_net(weights, x):
    h = x
    for W in weights:
        h = h + np.tanh(h @ W)
    return np.sum(h ** 2) + 0.01 * sum(np.sum(W ** 2) for W in weights)


def elman_rnn_loss(W, U, xs, target):
    h = np.zeros(W.shape[0])
    hs = []
    for x in xs:
        h = np.tanh(W @ h + U @ x)
        hs.append(h)
    return np.sum((hs[-1] - target) ** 2) + 0.1 * sum(np.sum(hk ** 2) for hk in hs)


def network_input_laplacian(x, W1, w2):
    return np.sum(np.tanh(W1 @ x) * w2) + 0.5 * x @ x


def layer_norm_mlp(W, X, y):
    h = X @ W
    mu = h.mean(axis=1, keepdims=True)
    var = ((h - mu) ** 2).mean(axis=1, keepdims=True)
    h = (h - mu) / np.sqrt(var + 1e-5)
    return np.mean((np.tanh(h).sum(axis=1) - y) ** 2)


def gelu_mlp(W, X):
    z = X @ W
    gelu = 0.5 * z * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (z + 0.044715 * z ** 3)))
    return np.sum(gelu ** 2)


def weight_decayed_loss(layers, X, y, decay=1e-2):
    h = X
    penalty = 0.0
    for W, b in layers:
        h = np.tanh(h @ W + b)
        penalty += decay * np.sum(W * W)
    loss = np.mean((h[:, 0] - y) ** 2)
    loss += penalty
    return loss



def mlp_hidden_then_readout(layers, x):
    h = x
    for W, b in layers[:-1]:
        h = np.tanh(W @ h + b)
    W, b = layers[-1]
    return np.sum((W @ h + b) ** 2)


def mlp_transposed_after(layers, x):
    h = x
    for i in range(len(layers)):
        W, b = layers[i]
        h = np.tanh(W @ h + b)
    W = W.T
    return np.sum(h ** 2) + np.sum(W @ h)


def mlp_reuses_last(Ws, x):
    h = x
    for W in Ws:
        h = np.tanh(W @ h)
    return np.sum(W @ h) + np.sum(h ** 2)


def accumulate_then_rebind(Ws, x):
    total = 0.0
    h = x
    for k, W in enumerate(Ws):
        h = np.sin(W @ h)
        total += (k + 1) * np.sum(h ** 2)
    h = h * total
    total = np.sum(h)
    return total + np.sum(W ** 2) * k

# ----- control flow ----------------------------------------------------------------------


def piecewise(x, a):
    if x > 0.0:
        y = a * x ** 3 + math.sin(x)
    else:
        y = a * math.exp(x) - x ** 2
    return y * a


def fixed_iterations_decided_by_data(x, scale):
    steps = int(abs(scale) * 3) + 2
    i = 0
    y = x
    while i < steps:
        y = y - 0.1 * (y ** 3 - scale)
        i += 1
    return y ** 2


def where_branches(x):
    return np.sum(np.where(x > 0.0, x ** 3, np.sin(x)) + np.where(np.abs(x) < 1.0, x ** 2, 2.0 * np.abs(x) - 1.0))


def squared_hinge(w, X, y):
    margins = 1.0 - y * (X @ w)
    return np.sum(np.maximum(margins, 0.0) ** 2) + 0.5 * w @ w


def min_max_numbers(a, b):
    return min(a * b, a + b) ** 2 + max(a ** 2, b) * b


def early_return(x):
    s = np.sum(x ** 2)
    if s > 10.0:
        return np.sqrt(s)
    t = np.sum(np.sin(x))
    if t < 0.0:
        return s - t
    return s * t


def zip_enumerate(x, w):
    total = 0.0
    for i, (xi, wi) in enumerate(zip(x, w)):
        total += (i + 1) * wi * xi ** 2 + np.sin(xi * wi)
    return total


def newton_sqrt(a):
    x = a
    for _ in range(8):
        x = 0.5 * (x + a / x)
    return x * a


def clipped_objective(x, low, high):
    y = np.clip(x, low, high)
    return np.sum(y ** 3) + np.sum(x ** 2)


def break_on_threshold(x, threshold):
    total = 0.0
    for v in x:
        if v > threshold:
            break
        total += v ** 3 + v * threshold ** 2
    return total


def continue_on_sign(x):
    total = 0.0
    for i in range(len(x)):
        if x[i] < 0.0:
            continue
        total += x[i] ** 2 * x[(i + 1) % len(x)]
    return total


def sorted_by_magnitude(x):
    total = 0.0
    for rank, v in enumerate(sorted(x, key=abs)):
        total += (rank + 1) * v ** 3
    return total


# ----- arrays, lists, dicts and records built in the function ----------------------------


def filled_by_index(x):
    n = len(x)
    out = np.zeros(n)
    for i in range(n):
        out[i] = x[i] ** 2 * np.sin(x[i])
    return np.sum(out * x)


def laplacian_steps(u0, kappa):
    u = u0
    for _ in range(3):
        lap = np.zeros_like(u)
        lap[1:-1] = u[2:] - 2 * u[1:-1] + u[:-2]
        u = u + kappa * lap * u
    return np.sum(u ** 2)


def cumulative_in_place(x):
    c = np.empty_like(x)
    c[0] = x[0]
    for i in range(1, len(x)):
        c[i] = c[i - 1] * 0.5 + x[i] ** 2
    return np.sum(c ** 2)


def appended_features(x):
    feats = []
    for v in x:
        feats.append(np.sin(v) * v)
        feats.append(v ** 3)
    arr = np.array(feats)
    return np.sum(arr ** 2) + feats[0] * feats[-1]


def dict_state_integrator(v0, k, dt=0.1):
    state = {"x": np.zeros_like(v0), "v": v0}
    for _ in range(4):
        a = -k * state["x"] - 0.1 * state["v"] ** 3
        state["v"] = state["v"] + dt * a
        state["x"] = state["x"] + dt * state["v"]
    return np.sum(state["x"] ** 2) + np.sum(state["v"] ** 2)


class Particle(NamedTuple):
    pos: np.ndarray
    vel: np.ndarray


def namedtuple_leapfrog(p0, k):
    state = Particle(p0, np.zeros_like(p0))
    for _ in range(3):
        half = state.vel - 0.05 * k * np.sin(state.pos)
        pos = state.pos + 0.1 * half
        state = state._replace(pos=pos, vel=half - 0.05 * k * np.sin(pos))
    return np.sum(state.pos ** 2) + np.sum(state.vel ** 2)


def tridiagonal_solve(d, x):
    n = len(x)
    A = np.zeros((n, n))
    for i in range(n):
        A[i, i] = 2.0 + d[i] ** 2
        if i > 0:
            A[i, i - 1] = -1.0
            A[i - 1, i] = -1.0
    u = np.linalg.solve(A, x)
    return u @ x


def in_place_scaled_slices(x):
    y = x.copy()
    y[:2] *= 3.0
    y[2:] += y[:2].sum()  # <- reads-view-of-written
    y **= 2
    return np.sum(y * x)


def rows_written_per_step(X, W):
    H = np.zeros((X.shape[0], W.shape[1]))
    for t in range(X.shape[0]):
        H[t] = np.tanh(X[t] @ W)
    return np.sum(H ** 2)


def list_of_steps(x0, rate):
    xs = [x0]
    for _ in range(4):
        xs.append(xs[-1] - rate * np.sin(xs[-1]))
    return sum(np.sum(v ** 2) for v in xs)


# ----- the MLP's loop variables, and functions taking a constant and a varying operand ------


def mlp_reads_loop_variable_after(layers, X, y):
    h = X
    for W, b in layers:
        h = np.tanh(h @ W + b)
    loss = 0
    loss += np.mean((h[:, 0] - y) ** 2)
    return loss + 0.01 * np.sum(W ** 2) + 0.01 * b @ b


def mlp_rebinds_parameter(x, W1, W2):
    x = x @ W1
    x = np.tanh(x)
    x = x @ W2
    return np.sum(x ** 2)


def mlp_list_of_dicts(net, X, y):
    h = X
    for i, layer in enumerate(net):
        z = h @ layer["W"] + layer["b"]
        h = np.tanh(z) if i < len(net) - 1 else z
    return np.mean((h.ravel() - y) ** 2)


def mlp_skip_previous(layers, x):
    h = x
    prev = np.zeros_like(x)
    for W in layers:
        h, prev = np.tanh(h @ W) + 0.5 * prev, h
    return np.sum(h * prev)


def quadratic_form_einsum(x, A, b):
    return 0.5 * np.einsum("i,ij,j->", x, A, x) - b @ x + 0.1 * np.sum(x ** 4)


def ridge_through_solve(lam, X, y):
    A = X.T @ X + lam * np.eye(X.shape[1])
    w = np.linalg.solve(A, X.T @ y)
    r = y - X @ w
    return r @ r + lam * w @ w


def inverse_trace(s, A):
    M = A + np.diag(np.exp(s))
    return np.trace(np.linalg.inv(M)) + np.sum(np.outer(s, s) * A)


def variance_penalty(x, weights):
    return np.var(x * weights) + np.std(np.cumsum(x)) + np.prod(1.0 + 0.1 * x)


def cross_and_norm(p, q):
    n = np.cross(p, q)
    return np.linalg.norm(n) ** 3 + np.dot(p, np.kron(q, np.ones(1)))


def tensordot_energy(X, C):
    return np.sum(np.tensordot(X, C, axes=([1], [0])) * X) + np.sum(np.mean(X, axis=0, keepdims=True) ** 2 * X)


def stacked_with_constants(x, c):
    M = np.stack([x, c, x * c])
    v = np.concatenate([x, c, [1.0]])
    return np.sum(M @ M.T) + np.sum(v[:-1] * np.roll(v, 1)[:-1]) + np.sum(np.sort(x) * c)


def repeated_indices(x, idx):
    picked = x[idx]
    totals = np.zeros(3)
    np.add.at(totals, [0, 1, 1, 2], picked ** 2)
    return np.sum(totals ** 2) + np.sum(np.take_along_axis(np.tile(x, (2, 1)), np.array([[1, 0], [2, 2]]), 1) ** 3)


def expit_xlogy(w, X, y):
    from scipy.special import expit, xlogy
    p = expit(X @ w)
    return -np.sum(xlogy(y, p) + xlogy(1.0 - y, 1.0 - p))


def scipy_softmax_loss(W, X, labels):
    from scipy.special import log_softmax
    lp = log_softmax(X @ W, axis=1)
    return -np.sum(lp[np.arange(len(labels)), labels])


def triangular_solve_nll(log_diag, offdiag, y):
    from scipy.linalg import solve_triangular
    n = len(y)
    L = np.diag(np.exp(log_diag))
    L[np.tril_indices(n, -1)] = offdiag  # <- factor-kept
    z = solve_triangular(L, y, lower=True)
    return 0.5 * z @ z + np.sum(log_diag)


def cho_solve_nll(log_ell, X, y):
    from scipy.linalg import cho_factor, cho_solve
    K = np.exp(-0.5 * np.sum((X[:, None] - X[None]) ** 2, axis=-1) / np.exp(2 * log_ell)) + 0.1 * np.eye(len(y))
    c = cho_factor(K, lower=True)
    return 0.5 * y @ cho_solve(c, y) + np.sum(np.log(np.diag(c[0])))


def erf_loss(x, mu):
    from scipy.special import erf
    return np.sum(erf((x - mu) / np.sqrt(2.0)) ** 2 + np.exp(-x ** 2))


def power_of_parameter(x, y):
    return x ** y + y ** x + math.atan2(y, x) * math.hypot(x, y)


def expm_dynamics(theta, v):
    from scipy.linalg import expm
    A = np.array([[0.0, 1.0], [-1.0, 0.0]]) * theta[0] + np.eye(2) * theta[1]
    return np.sum((expm(A) @ v) ** 2)


def eigh_spectrum(s, A):
    M = A + np.diag(s ** 2)
    w = np.linalg.eigvalsh(M)
    return np.sum(w ** 3) + w[-1]


def matrix_power_chain(A, x):
    return x @ np.linalg.matrix_power(A, 3) @ x + np.sum(np.linalg.det(A + 2.0 * np.eye(len(x))))


# ----- parameters in records and closures, methods of arrays, conversions -----------------


class MLPParams(NamedTuple):
    W1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray


def namedtuple_mlp(params, X, y):
    h = np.tanh(X @ params.W1 + params.b1)
    return np.mean((h @ params.w2 - y) ** 2)


def dict_items_penalty(params, x):
    total = 0.0
    for name, value in params.items():
        if name.startswith("W"):
            total += np.sum(np.tanh(value @ x) ** 2)
        else:
            total += 0.5 * np.sum(value ** 2)
    return total


def make_loss(X, y):
    def loss(w):
        return np.sum(np.logaddexp(0.0, X @ w) - y * (X @ w))

    return loss


def closure_of_data(w, X, y):
    loss = make_loss(X, y)
    return loss(w) + loss(0.5 * w)


def array_methods(x, A):
    v = x.reshape(2, 2).T.flatten()
    return v.dot(A).dot(v) + x.sum() ** 2 + x.mean() * x.max() + (x ** 2).cumsum().sum()


def accumulate_into_zeros(W, X):
    total = np.zeros(W.shape[0])
    for x in X:
        total += np.tanh(W @ x)
    total *= 0.5
    return total @ total


def converted_scalars(x):
    energy = float(x @ x)
    first = x[0].item()
    y = np.asarray(x, dtype=float).astype(np.float64)
    return energy * first + np.sum(y ** 3) + math.fsum([float(v) ** 2 for v in x])


def array_from_scalars(p):
    a, b, c = p[0], p[1], p[2]
    r = np.array([a * b, b ** 2 - c, np.sin(c) * a])
    J = np.array([[a, b], [c, a * c]])
    return r @ r + np.linalg.det(J) ** 2


def comprehension_sums(ws, xs):
    return sum([w * x ** 2 for w, x in zip(ws, xs)]) + sum((w - x) ** 4 for w, x in zip(ws, xs))


def keyword_defaults(x, scale=2.0, *, shift=0.5):
    return np.sum(np.exp(-scale * (x - shift) ** 2))


def calls_with_keywords(x, s):
    return keyword_defaults(x, scale=s) + keyword_defaults(x, shift=-s) + keyword_defaults(2.0 * x, s, shift=s)


def ternary_and_abs(x):
    total = 0.0
    for v in x:
        total += v ** 3 if v > 0 else -abs(v) ** 2.5
        total += max(v, 0.1) ** 2 + min(abs(v), 2.0)
    return total


def helper_with_loop(v, n):
    out = v
    for _ in range(n):
        out = np.sin(out) + v
    return out


def nested_helpers(x, y):
    a = helper_with_loop(x, 2)
    b = helper_with_loop(y * a, 3)
    return np.sum(a * b) + np.sum(helper_with_loop(a + b, 1) ** 2)


def argmax_selected(x, W):
    scores = W @ x
    best = np.argmax(scores)
    return scores[best] ** 2 + np.max(x) * np.min(x) + np.sum(np.abs(x) ** 3)


def float32_argument(x):
    return np.sum(np.sin(x) * x)


# ----- the restore of an item write reads its index ----------------------------------------


def index_rebound_in_loop(x):
    A = np.eye(3)
    y = x
    for i in range(3):
        j = (i + 1) % 3
        y = A @ y * y
        A[i, j] = 0.5
    return np.sum(y)


def index_tuple_rebound(x):
    A = np.eye(3)
    y = x
    for i in range(3):
        idx = (i, (i + 1) % 3)
        y = A @ y * y
        A[idx] = 0.5
    return np.sum(y)


def added_item_rebound_index(x):
    A = np.eye(3)
    y = x
    for i in range(3):
        j = (i + 2) % 3
        y = np.tanh(A @ y) + y
        A[i, j] += 0.5
    return np.sum(y ** 2)


def slice_bounds_rebound(x):
    A = np.eye(4)
    y = x
    for i in range(3):
        stop = i + 2
        y = A @ y * y
        A[i, i + 1:stop + 1] = 0.3
    return np.sum(y)


def list_item(x):
    coeffs = [1.0, 1.0, 1.0]
    y = x
    for i in range(3):
        j = (i + 1) % 3
        y = y * coeffs[0] + coeffs[1] * y ** 2 - coeffs[2] * y ** 3
        coeffs[j] = 0.5 + i
    return np.sum(y)


def dict_item(x):
    c = {"a": 1.0, "b": 1.0}
    y = x
    for i in range(3):
        key = "a" if i % 2 else "b"
        y = c["a"] * y + c["b"] * y ** 2
        c[key] = 0.5 + i
    return np.sum(y)


def mask_rebound(x):
    A = np.ones(3)
    y = x
    for i in range(3):
        mask = np.arange(3) > i
        y = A * y * y + y
        A[mask] = 0.5 * i
    return np.sum(y)


def index_array_rebound(x):
    w = np.ones(4)
    y = x
    for i in range(3):
        idx = np.array([i, 3 - i])
        y = np.sin(w * y) + y
        w[idx] = 0.5 + i
    return np.sum(y)



def pairs_unpacked(x, pairs):
    A = np.eye(3)
    y = x
    for k in range(len(pairs)):
        i, j = pairs[k]
        y = np.tanh(A @ y) + y
        A[i, j] += 0.3 * k
    return np.sum(y ** 2)


def popped_index(x):
    order = [0, 2, 1]
    w = np.ones(3)
    y = x
    while order:
        j = order.pop()
        y = np.sin(w * y) + y
        w[j] = 2.0
    return np.sum(y ** 2)


def break_with_write(x):
    w = np.ones(4)
    y = x
    for k in range(10):
        j = (3 * k) % 4
        y = np.tanh(w * y) + 0.5 * y
        w[j] = 0.5 + 0.1 * k
        if k >= 4:
            break
    return np.sum(y ** 2)


def active_write_rebound_index(x):
    buf = np.zeros(4)
    total = 0.0
    for k in range(6):
        j = (k * 3) % 4
        total += np.sum(buf * x) ** 2
        buf[j] = x[j] * (k + 1)
    return total


def nested_loops_index(x):
    M = np.ones((3, 3))
    y = x
    for a in range(2):
        for b in range(3):
            c = (a + b) % 3
            y = np.tanh(M @ y)
            M[b, c] = 0.2 * (a + 1)
    return np.sum(y ** 2)


def for_else_write(x):
    w = np.ones(3)
    y = x
    for k in range(3):
        j = 2 - k
        y = w * y + np.sin(y)
        w[j] = 0.7
    else:
        y = y * w
    return np.sum(y ** 2)


def comprehension_index(x):
    w = np.ones(3)
    y = x
    for k in range(3):
        idx = [m for m in range(3) if m != k]  # <- comprehension-index
        y = np.tanh(w * y) + y
        w[idx] = 0.3 * (k + 1)
    return np.sum(y ** 2)


def slice_object_rebound(x):
    w = np.ones(4)
    y = x
    for k in range(3):
        part = slice(k, k + 2)
        y = np.tanh(w * y) + y
        w[part] = 0.4 * (k + 1)
    return np.sum(y ** 2)


def list_write_rebound_index(x):
    ws = [1.0, 1.0, 1.0]
    y = x
    for k in range(3):
        j = (k + 1) % 3
        y = np.tanh(ws[0] * y + ws[1]) * ws[2] + y
        ws[j] = 0.5 * (k + 1)
    return np.sum(y ** 2)


def pop_per_step(x):
    total = 0.0
    for k in range(3):
        queue = [x[0] * (k + 1), x[1] ** 2, np.sin(x[2])]
        last = queue.pop()  # <- popped-per-step
        total += last * queue[0] + queue[1] * last ** 2
    return total


def stack_machine(x):
    stack = []
    for v in x:
        stack.append(v * 2.0)
        if len(stack) >= 2:
            b = stack.pop()
            a = stack.pop()
            stack.append(a * b + np.sin(a))
    return stack[-1] ** 2


def append_to_rebound(x):
    total = 0.0
    for k in range(3):
        acc = []
        for v in x:
            acc.append(v ** (k + 1))  # <- appended-per-step
        total += sum(acc) * acc[0]
    return total


def parameter_index(x, j):
    A = np.eye(3)
    y = x
    for k in range(3):
        y = np.tanh(A @ y) + y
        A[j, k] = 0.4
        j = (j + 1) % 3
    return np.sum(y ** 2)


def divmod_index(x):
    A = np.eye(3)
    y = x
    for k in range(6):
        r, c = divmod(k, 3)
        y = np.tanh(A @ y) + 0.5 * y
        A[c, r + 1] = 0.2 * k
    return np.sum(y ** 2)


def while_counter_write(x):
    w = np.ones(4)
    y = x
    k = 0
    while k < 4:
        y = np.sin(w * y) + y
        w[3 - k] = 0.3 * k
        k += 1
    return np.sum(y ** 2)


def index_after_write(x):
    w = np.ones(4)
    y = x
    j = 0
    for k in range(4):
        y = np.sin(w * y) + y
        w[j] = 0.3 * k + 0.1
        j = (j + 3) % 4
    return np.sum(y ** 2)


def keyed_dict_rebound(x):
    params = {"a": np.ones(3), "b": np.ones(3)}
    y = x
    for k in range(4):
        key = "ab"[k % 2]
        y = np.tanh(params["a"] * y) + params["b"] * y
        params[key] = params[key] * 0.5
    return np.sum(y ** 2)


def item_of_item_index(x, perm):
    w = np.ones(3)
    y = x
    for k in range(3):
        y = np.sin(w * y) + y
        w[perm[k]] = 0.5 + k
    return np.sum(y ** 2)


def two_arrays_same_index(x):
    a, b = np.ones(3), np.ones(3)
    y = x
    for k in range(3):
        j = 2 - k
        y = np.tanh(a * y) * b + y
        a[j], b[j] = b[j] * 0.5, a[j] + 0.1
    return np.sum(y ** 2)

# ----- more arrays written in place: stencils, masks, assembly -------------------------------


def periodic_bc(u0, kappa):
    u = u0.copy()
    for _ in range(3):
        new = np.empty_like(u)
        new[1:-1] = u[1:-1] + kappa * (u[2:] - 2 * u[1:-1] + u[:-2]) * u[1:-1]
        new[0] = new[-2]
        new[-1] = new[1]  # <- periodic-copy
        u = new
    return np.sum(u ** 2)


def heat_in_place(u0, kappa):
    u = u0.copy()
    for _ in range(3):
        u[1:-1] += kappa * (u[:-2] - 2 * u[1:-1] + u[2:])
    return np.sum(u ** 3)


def mask_write(x):
    y = x.copy()
    y[y < 0] = 0.1 * y[y < 0]
    return np.sum(y ** 3)


def fancy_write(x, w):
    out = np.zeros(5)
    out[[0, 2, 4]] = x * w
    out[1::2] = w[:2] ** 2
    return np.sum(out ** 2 * np.arange(1.0, 6.0)) + out @ np.roll(out, 1)


def plus_equal_item(x):
    acc = np.zeros(3)
    for i in range(len(x)):
        acc[i % 3] += x[i] ** 2 * x[(i + 1) % len(x)]
    return np.sum(acc ** 2)


def column_writes(X, w):
    Y = np.zeros_like(X)
    for j in range(X.shape[1]):
        Y[:, j] = np.tanh(X[:, j] * w[j])
    return np.sum(Y @ Y.T)


def fill_diag(x, A):
    M = A.copy()
    np.fill_diagonal(M, np.exp(x))
    return np.linalg.slogdet(M)[1] + np.sum(np.linalg.solve(M, x))


def swap_items(x):
    y = x.copy()
    for i in range(len(y) - 1):
        if y[i] > y[i + 1]:
            y[i], y[i + 1] = y[i + 1], y[i]
    return np.sum(y * np.arange(len(y)) * y)


def ellipsis_write(X, w):
    Y = np.zeros(X.shape + (2,))
    Y[..., 0] = X * w
    Y[..., 1] = X ** 2
    return np.sum(np.prod(Y, axis=-1) ** 2)


def scaled_in_place(x):
    h = x * 1.0
    h *= 2.0
    h += x ** 2
    h /= (1.0 + x ** 2)
    return np.sum(h ** 3)


def appended_states(x0, k):
    xs = []
    x = x0
    for _ in range(4):
        x = x - 0.1 * k * np.sin(x)
        xs.append(x)
    traj = np.array(xs)
    return np.sum(traj ** 2) + np.sum(np.diff(traj, axis=0) ** 2)


def list_items_written(x):
    vals = [0.0] * len(x)
    for i, v in enumerate(x):
        vals[i] = v ** 2 + (vals[i - 1] if i else 0.0)
    return sum(v ** 2 for v in vals)


def dict_updated_in_loop(x):
    stats = {"sum": 0.0, "sq": 0.0}
    for v in x:
        stats["sum"] += v
        stats["sq"] += v * v
    n = len(x)
    return stats["sq"] / n - (stats["sum"] / n) ** 2


def matrix_assembly(k):
    n = len(k) + 1
    K = np.zeros((n, n))
    for e in range(len(k)):
        K[e:e + 2, e:e + 2] += k[e] * np.array([[1.0, -1.0], [-1.0, 1.0]])
    K[0, 0] += 1.0
    f = np.ones(n)
    u = np.linalg.solve(K, f)
    return f @ u


def rk4_arrays(y0, p):
    def f(y):
        return np.array([y[1], -p[0] * np.sin(y[0]) - p[1] * y[1]])
    y = y0
    h = 0.1
    for _ in range(5):
        k1 = f(y)
        k2 = f(y + h / 2 * k1)
        k3 = f(y + h / 2 * k2)
        k4 = f(y + h * k3)
        y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return y[0] ** 2 + y[1]


# ----- solvers and recursions written by hand ----------------------------------------------


def gauss_seidel(b, A):
    n = len(b)
    x = np.zeros(n)
    for sweep in range(4):
        for i in range(n):
            x[i] = (b[i] - A[i, :i] @ x[:i] - A[i, i + 1:] @ x[i + 1:]) / A[i, i]  # <- sweep-item
    return np.sum(x ** 2)


def manual_cholesky(A):
    n = A.shape[0]
    L = np.zeros_like(A)
    for j in range(n):
        s = A[j, j] - np.sum(L[j, :j] ** 2)
        L[j, j] = np.sqrt(s)  # <- factor-diagonal
        for i in range(j + 1, n):
            L[i, j] = (A[i, j] - np.sum(L[i, :j] * L[j, :j])) / L[j, j]
    return np.sum(np.log(np.diag(L))) + np.sum(L ** 2)


def thomas(a, b, c, d):
    n = len(d)
    cp = np.zeros(n)
    dp = np.zeros(n)
    cp[0] = c[0] / b[0]
    dp[0] = d[0] / b[0]
    for i in range(1, n):
        m = b[i] - a[i] * cp[i - 1]
        cp[i] = c[i] / m
        dp[i] = (d[i] - a[i] * dp[i - 1]) / m
    x = np.zeros(n)
    x[-1] = dp[-1]
    for i in range(n - 2, -1, -1):
        x[i] = dp[i] - cp[i] * x[i + 1]
    return x @ x


def soft_dtw(x, y, gamma=0.5):
    n, m = len(x), len(y)
    R = np.full((n + 1, m + 1), 1e10)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost = (x[i - 1] - y[j - 1]) ** 2
            prev = np.array([R[i - 1, j], R[i, j - 1], R[i - 1, j - 1]])
            R[i, j] = cost - gamma * logsumexp(-prev / gamma)
    return R[n, m]


def forward_algorithm(log_A, log_B, log_pi, obs):
    T = len(obs)
    alpha = np.zeros((T, len(log_pi)))
    alpha[0] = log_pi + log_B[:, obs[0]]
    for t in range(1, T):
        alpha[t] = logsumexp(alpha[t - 1][:, None] + log_A, axis=0) + log_B[:, obs[t]]  # <- alpha-row
    return logsumexp(alpha[-1])


def while_index_write(x, order):
    w = np.ones(len(x))
    y = x
    k = 0
    while k < len(order):
        j = order[k]
        y = np.tanh(w * y) + y
        w[j] = 0.5 + k
        k += 1
    return np.sum(y ** 2)


def jacobi_2d(u0, f):
    u = u0.copy()
    for _ in range(3):
        new = u.copy()
        new[1:-1, 1:-1] = 0.25 * (u[2:, 1:-1] + u[:-2, 1:-1] + u[1:-1, 2:] + u[1:-1, :-2]  # <- jacobi-copy
                                  - f[1:-1, 1:-1])
        u = new
    return np.sum(u ** 2)


def lu_manual(A, b):
    n = len(b)
    U = A.copy()
    L = np.eye(n)
    for k in range(n - 1):
        for i in range(k + 1, n):
            L[i, k] = U[i, k] / U[k, k]
            U[i, k:] = U[i, k:] - L[i, k] * U[k, k:]  # <- elimination-row
    y = np.linalg.solve(L, b)
    return np.sum(np.linalg.solve(U, y) ** 2)


def weighted_logsumexp(a, b):
    return np.sum(logsumexp(a, b=b, axis=-1) ** 2)  # <- weights-widen
