"""Programs written as their users write them (tests/test_probe42_programs.py), of kinds the earlier
probes left out: epidemics by compartments of age groups (a contact matrix, RK4 keeping a list of
states, a negative binomial fit; an SIR model through scipy.integrate.solve_ivp, refused),
econometrics (GARCH(1,1) and GJR-GARCH likelihoods, an ARMA(1,1) conditional sum of squares, a
two-regime Markov switching filter, a Nelson-Siegel bond pricing fit, a media-mix model's adstock and
Hill saturation, Holt-Winters smoothing, a nested logit whose nests are found by `next`, a knock-in
payoff from the first price over a barrier), survival analysis (Cox's partial likelihood by risk sets
from argsort and cumsum, with ties grouped by np.unique and np.bincount, with Efron's ties by a loop
over distinct times, a censored Weibull likelihood), recommenders and ratings (a BPR loss over
integer index arrays, a factorization machine, Bradley-Terry, Plackett-Luce and Elo, a 2PL item
response model), graph networks (a GCN with
its layers in a list of dicts, a graph attention layer held in a dataclass), Kepler's equation by a
vectorized Newton iteration to a tolerance, second-order sections of an IIR filter from their
design parameters, kriging (a GP's predictive mean and variance by scipy.linalg.cho_factor, ordinary
kriging by a bordered system), portfolios (mean-variance of softmax weights, risk parity), SPH
densities by a piecewise cubic spline kernel, an LQR gain by the backward Riccati recursion,
implicit Euler with a Newton solve per step, a plane truss's compliance, an Erlang C queue, a
bucket hydrology model with thresholds, thermodynamics from a module-level table of NASA
polynomials, hyperparameters of Adam and RMSprop written by hand and unrolled, and a class-based
model with properties, static and class methods and typed, keyword-only and *args signatures.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import scipy.integrate
import scipy.linalg
import scipy.special


# ----- Epidemiology --------------------------------------------------------------------------------

CONTACTS = np.array([[2.0, 0.6, 0.2],
                     [0.6, 1.4, 0.4],
                     [0.2, 0.4, 0.8]])
POPULATION_SHARE = np.array([0.3, 0.5, 0.2])


def age_seir_rhs(state, beta, sigma, gamma):
    S, E, I, R = state
    force = beta * CONTACTS @ (I / POPULATION_SHARE)
    new_exposed = S * force
    return (-new_exposed, new_exposed - sigma * E, sigma * E - gamma * I, gamma * I)


def add_scaled(state, k, h):
    return tuple(s + h * d for s, d in zip(state, k))


def age_seir_fit(log_beta, sigma, observed, dispersion=5.0):
    """RK4 over age groups, incidence by day, a negative binomial log likelihood of the counts."""
    beta, gamma = math.exp(log_beta), 0.25
    I0 = 1e-3 * POPULATION_SHARE
    state = (POPULATION_SHARE - I0, np.zeros(3), I0, np.zeros(3))
    h = 0.5
    states = [state]
    for day in range(len(observed)):
        for _ in range(2):
            k1 = age_seir_rhs(state, beta, sigma, gamma)
            k2 = age_seir_rhs(add_scaled(state, k1, h / 2), beta, sigma, gamma)
            k3 = age_seir_rhs(add_scaled(state, k2, h / 2), beta, sigma, gamma)
            k4 = age_seir_rhs(add_scaled(state, k3, h), beta, sigma, gamma)
            state = tuple(s + h / 6 * (a + 2 * b + 2 * c + d) for s, a, b, c, d in zip(state, k1, k2, k3, k4))
        states.append(state)
    cumulative = np.array([np.sum(s[2] + s[3]) for s in states]) * 1e4
    incidence = np.diff(cumulative)
    r, mu = dispersion, incidence
    loglik = (scipy.special.gammaln(observed + r) - scipy.special.gammaln(r) - scipy.special.gammaln(observed + 1)
              + r * np.log(r / (r + mu)) + observed * np.log(mu / (r + mu)))
    return -np.sum(loglik)


def sir_rhs(t, y, beta, gamma):
    s, i, r = y
    return [-beta * s * i, beta * s * i - gamma * i, gamma * i]


def sir_solve_ivp_fit(beta, gamma, observed):
    solution = scipy.integrate.solve_ivp(sir_rhs, (0.0, 6.0), [0.99, 0.01, 0.0], args=(beta, gamma),  # <- solve-ivp
                                         t_eval=[2.0, 4.0, 6.0])
    return np.sum((solution.y[1] - observed) ** 2)


# ----- Econometrics --------------------------------------------------------------------------------


def garch11_nll(params, returns):
    omega, alpha, beta = params
    sigma2 = np.var(returns)
    nll = 0.0
    for r in returns:
        nll += 0.5 * (math.log(2 * math.pi) + np.log(sigma2) + r ** 2 / sigma2)
        sigma2 = omega + alpha * r ** 2 + beta * sigma2
    return nll


def gjr_garch_nll(omega, alpha, gamma, beta, returns):
    """Leverage: a negative return adds gamma to its ARCH weight (a Python branch on the data)."""
    h = [omega / (1 - alpha - 0.5 * gamma - beta)]
    for t in range(1, len(returns)):
        shock = returns[t - 1] ** 2
        if returns[t - 1] < 0:
            h.append(omega + (alpha + gamma) * shock + beta * h[-1])
        else:
            h.append(omega + alpha * shock + beta * h[-1])
    h = np.array(h)
    return 0.5 * np.sum(np.log(h) + returns ** 2 / h)


def arma11_css(phi, theta, y, mu=0.0):
    n = len(y)
    e = np.zeros(n)
    for t in range(1, n):
        e[t] = y[t] - mu - phi * (y[t - 1] - mu) - theta * e[t - 1]
    return np.sum(e[1:] ** 2) / (n - 1)


def markov_switching_loglik(mus, log_sigmas, p_stay, y):
    """Hamilton's filter with two regimes; the transition matrix built from the stay probabilities."""
    P = np.array([[p_stay[0], 1 - p_stay[0]],
                  [1 - p_stay[1], p_stay[1]]])
    sigmas = np.exp(log_sigmas)
    xi = np.array([0.5, 0.5])
    loglik = 0.0
    for obs in y:
        predicted = P.T @ xi
        dens = np.exp(-0.5 * ((obs - mus) / sigmas) ** 2) / (np.sqrt(2 * np.pi) * sigmas)
        joint = predicted * dens
        total = joint.sum()
        loglik += np.log(total)
        xi = joint / total
    return loglik


MATURITIES = np.array([0.5, 1.0, 2.0, 3.0, 5.0])


def nelson_siegel_yield(t, beta0, beta1, beta2, tau):
    x = t / tau
    slope = (1 - np.exp(-x)) / x
    return beta0 + beta1 * slope + beta2 * (slope - np.exp(-x))


def bond_pricing_error(betas, log_tau, coupons, prices):
    """Annual coupon bonds maturing at MATURITIES, each cash flow discounted on the fitted curve."""
    level, slope, curvature = betas
    tau = math.exp(log_tau)
    model = []
    for maturity, coupon in zip(MATURITIES, coupons):
        times = np.arange(maturity, 0, -1.0)[::-1]
        flows = np.full(len(times), coupon)
        flows[-1] += 100.0
        yields = nelson_siegel_yield(times, level, slope, curvature, tau)
        model.append(np.sum(flows * np.exp(-yields * times)))
    return np.mean((np.array(model) - prices) ** 2)


def curve_roughness(betas, log_tau):
    yields = nelson_siegel_yield(MATURITIES, *betas, math.exp(log_tau))  # <- starred-arguments
    return np.sum(np.diff(yields, 2) ** 2)


def media_mix_response(decay, half_saturation, slope, spend, sales):
    """Geometric adstock by a recursion, a Hill saturation, a least-squares fit of sales."""
    adstock = []
    carry = 0.0
    for x in spend:
        carry = x + decay * carry
        adstock.append(carry)
    adstock = np.asarray(adstock)
    response = adstock ** slope / (adstock ** slope + half_saturation ** slope)
    return np.sum((sales - 10.0 * response) ** 2)


def holt_winters_sse(alpha, beta, gamma, y, m=4):
    """Additive Holt-Winters: level, trend and a season of m kept in lists, one-step forecast errors."""
    level, trend = y[0], y[1] - y[0]
    season = [v - np.mean(y[:m]) for v in y[:m]]
    sse = 0.0
    for t in range(m, len(y)):
        forecast = level + trend + season[t - m]
        sse += (y[t] - forecast) ** 2
        previous = level
        level = alpha * (y[t] - season[t - m]) + (1 - alpha) * (level + trend)
        trend = beta * (level - previous) + (1 - beta) * trend
        season.append(gamma * (y[t] - level) + (1 - gamma) * season[t - m])
    return sse


NESTS = {"transit": (0, 1), "car": (2, 3)}


def nested_logit_nll(beta, lambdas, X, chosen):
    """Utilities per alternative, inclusive values per nest; lambdas a dict of the nests' scales."""
    V = X @ beta
    inclusive = {nest: lambdas[nest] * scipy.special.logsumexp(V[list(alts)] / lambdas[nest])
                 for nest, alts in NESTS.items()}
    log_denominator = scipy.special.logsumexp(np.array(list(inclusive.values())))
    nll = 0.0
    for alt in chosen:
        nest = next(name for name, alts in NESTS.items() if alt in alts)
        lam = lambdas[nest]
        within = V[alt] / lam - inclusive[nest] / lam
        nll -= within + inclusive[nest] - log_denominator
    return nll


def knock_in_payoff(drift, vol, shocks, barrier=1.1, strike=1.0):
    """A path by Euler steps; the payoff counts from the first price over the barrier (none: no payoff)."""
    prices = [1.0]
    for z in shocks:
        prices.append(prices[-1] * (1.0 + drift + vol * z))
    entry = next((p for p in prices if p > barrier), None)
    if entry is None:
        return 0.0
    return max(prices[-1] - strike, 0.0) + 0.1 * entry


def first_positive_squared(weights):
    return next(w for w in weights if w > 0) ** 2


# ----- Survival analysis ---------------------------------------------------------------------------


def cox_partial_nll(beta, X, times, events):
    """Breslow's partial likelihood: risk sets are suffixes of the data sorted by time."""
    order = np.argsort(times)
    eta = X[order] @ beta
    d = events[order]
    log_risk = np.log(np.cumsum(np.exp(eta)[::-1])[::-1])
    return -np.sum(d * (eta - log_risk))


def cox_stable_nll(beta, X, times, events):
    """Breslow's risk sets by a running log-sum-exp from the latest time back (no overflow)."""
    order = np.argsort(-times)
    eta = X[order] @ beta
    log_risk = np.logaddexp.accumulate(eta)  # <- logaddexp-accumulate
    return -np.sum(events[order] * (eta - log_risk))


def cox_grouped_ties_nll(beta, X, times, events):
    """Tied times grouped by np.unique's inverse; each group's risk summed by np.bincount."""
    eta = X @ beta
    distinct, group = np.unique(times, return_inverse=True)
    group_risk = np.bincount(group, weights=np.exp(eta), minlength=len(distinct))
    at_risk = np.cumsum(group_risk[::-1])[::-1]
    return -np.sum(events * (eta - np.log(at_risk[group])))


def cox_efron_nll(beta, X, times, events):
    """Efron's approximation for tied event times, a loop over the distinct times."""
    eta = X @ beta
    risk = np.exp(eta)
    nll = 0.0
    for t in np.unique(times[events == 1]):
        at_risk = times >= t
        tied = (times == t) & (events == 1)
        m = int(tied.sum())
        risk_sum = risk[at_risk].sum()
        tied_sum = risk[tied].sum()
        nll -= eta[tied].sum()
        for k in range(m):
            nll += np.log(risk_sum - k / m * tied_sum)
    return nll


def weibull_censored_nll(log_k, log_lam, t, observed):
    k, lam = np.exp(log_k), np.exp(log_lam)
    z = t / lam
    log_hazard = np.log(k) - np.log(lam) + (k - 1) * np.log(z)
    cumulative_hazard = z ** k
    return -np.sum(np.where(observed, log_hazard, 0.0) - cumulative_hazard)


# ----- Recommenders, ratings and tests -------------------------------------------------------------


def bpr_loss(U, V, users, positives, negatives, reg=0.01):
    u, i, j = U[users], V[positives], V[negatives]
    x_uij = np.sum(u * (i - j), axis=1)
    loss = -np.mean(np.log(scipy.special.expit(x_uij)))
    return loss + reg * (np.sum(u ** 2) + np.sum(i ** 2) + np.sum(j ** 2)) / len(users)


def factorization_machine(w0, w, V, X, y):
    linear = w0 + X @ w
    XV = X @ V
    pairwise = 0.5 * np.sum(XV ** 2 - (X ** 2) @ (V ** 2), axis=1)
    pred = linear + pairwise
    return np.mean((pred - y) ** 2)


def bradley_terry_nll(strength, winners, losers, home=None):
    diff = strength[winners] - strength[losers]
    if home is not None:
        diff = diff + home
    return np.sum(np.logaddexp(0.0, -diff)) + 0.5 * np.sum(strength ** 2)


def plackett_luce_nll(scores, rankings):
    nll = 0.0
    for ranking in rankings:
        remaining = list(ranking)
        while remaining:
            s = scores[remaining]
            nll += scipy.special.logsumexp(s) - s[0]
            remaining.pop(0)
    return nll


def elo_log_loss(ratings, matches, outcomes, k=0.2):
    """Ratings updated match by match (integer pairs), the log loss of each prediction made before it."""
    ratings = ratings.copy()
    loss = 0.0
    for (i, j), s in zip(matches, outcomes):
        expected = 1.0 / (1.0 + np.exp(ratings[j] - ratings[i]))
        loss -= s * np.log(expected) + (1 - s) * np.log(1 - expected)
        ratings[i] += k * (s - expected)
        ratings[j] -= k * (s - expected)
    return loss


def irt_2pl_nll(ability, log_discrimination, difficulty, persons, items, correct):
    a = np.exp(log_discrimination)[items]
    logits = a * (ability[persons] - difficulty[items])
    return np.sum(np.logaddexp(0.0, logits) - correct * logits) + 0.5 * ability @ ability


# ----- Graph networks ------------------------------------------------------------------------------


def normalized_adjacency(A):
    A_hat = A + np.eye(A.shape[0])
    d_inv_sqrt = 1.0 / np.sqrt(A_hat.sum(axis=1))
    return d_inv_sqrt[:, None] * A_hat * d_inv_sqrt[None, :]


def gcn_loss(layers, A, X, labels):
    A_norm = normalized_adjacency(A)
    H = X
    for n, layer in enumerate(layers):
        H = A_norm @ H @ layer["W"] + layer["b"]
        if n < len(layers) - 1:
            H = np.maximum(H, 0.0)
    H = H - H.max(axis=1, keepdims=True)
    log_probs = H - np.log(np.exp(H).sum(axis=1, keepdims=True))
    return -np.mean(log_probs[np.arange(len(labels)), labels])


@dataclass
class GraphAttention:
    W: np.ndarray
    a_src: np.ndarray
    a_dst: np.ndarray
    slope: float = 0.2

    def __call__(self, H, A):
        Z = H @ self.W
        e = (Z @ self.a_src)[:, None] + (Z @ self.a_dst)[None, :]
        e = np.where(e > 0, e, self.slope * e)
        e = np.where(A + np.eye(len(A)) > 0, e, -np.inf)
        alpha = np.exp(e - e.max(axis=1, keepdims=True))
        alpha = alpha / alpha.sum(axis=1, keepdims=True)
        return np.tanh(alpha @ Z)


def gat_readout(W, a_src, A, X):
    layer = GraphAttention(W, a_src, np.array([0.3, -0.2]))
    H = layer(X, A)
    return np.sum(H.mean(axis=0) ** 2)


# ----- Orbits --------------------------------------------------------------------------------------


def eccentric_anomaly(M, e, tol=1e-13):
    E = M + e * np.sin(M)
    while True:
        step = (E - e * np.sin(E) - M) / (1 - e * np.cos(E))
        E = E - step
        if np.max(np.abs(step)) < tol:
            break
    return E


def radial_velocity_misfit(K, e, omega, times, rv, period=3.0):
    M = 2 * np.pi * times / period
    E = eccentric_anomaly(M, e)
    nu = 2 * np.arctan2(np.sqrt(1 + e) * np.sin(E / 2), np.sqrt(1 - e) * np.cos(E / 2))
    model = K * (np.cos(nu + omega) + e * math.cos(omega))
    return np.sum((model - rv) ** 2)


# ----- Filters -------------------------------------------------------------------------------------


def peaking_section(f0, gain_db, q, fs=48.0):
    """RBJ's audio EQ cookbook: a peaking filter's normalized coefficients."""
    A = 10 ** (gain_db / 40)
    w0 = 2 * math.pi * f0 / fs
    alpha = math.sin(w0) / (2 * q)
    a0 = 1 + alpha / A
    b = (1 + alpha * A, -2 * math.cos(w0), 1 - alpha * A)
    a = (1.0, -2 * math.cos(w0) / a0, (1 - alpha / A) / a0)
    return [bk / a0 for bk in b], a


def sos_filter(sections, x):
    """Second-order sections in cascade, each in transposed direct form II over the samples."""
    y = list(x)
    for b, a in sections:
        z1 = z2 = 0.0
        out = []
        for sample in y:
            yn = b[0] * sample + z1
            z1 = b[1] * sample - a[1] * yn + z2
            z2 = b[2] * sample - a[2] * yn
            out.append(yn)
        y = out
    return y


def equalizer_error(gains_db, x, target):
    sections = [peaking_section(f0, g, 0.9) for f0, g in zip((2.0, 6.0), gains_db)]
    y = sos_filter(sections, x)
    return sum((yi - ti) ** 2 for yi, ti in zip(y, target))


# ----- Kriging -------------------------------------------------------------------------------------


def gp_predict(log_ell, log_noise, X, y, Xs):
    def kernel(P, Q):
        d2 = np.sum((P[:, None, :] - Q[None, :, :]) ** 2, axis=-1)
        return np.exp(-0.5 * d2 / np.exp(2 * log_ell))

    K = kernel(X, X) + np.exp(2 * log_noise) * np.eye(len(X))
    c_and_lower = scipy.linalg.cho_factor(K, lower=True)
    alpha = scipy.linalg.cho_solve(c_and_lower, y)
    Ks = kernel(Xs, X)
    mean = Ks @ alpha
    V = scipy.linalg.solve_triangular(c_and_lower[0], Ks.T, lower=True)
    var = 1.0 - np.sum(V ** 2, axis=0)
    return mean, var


def gp_prediction_score(log_ell, log_noise, X, y, Xs, ys):
    mean, var = gp_predict(log_ell, log_noise, X, y, Xs)
    return np.sum(0.5 * np.log(var) + 0.5 * (ys - mean) ** 2 / var)


def ordinary_kriging(sill, range_, sites, values, target):
    """An exponential variogram; the weights sum to one through a Lagrange multiplier."""
    def variogram(h):
        return sill * (1 - np.exp(-h / range_))

    n = len(sites)
    H = np.linalg.norm(sites[:, None, :] - sites[None, :, :], axis=-1)
    G = np.ones((n + 1, n + 1))
    G[:n, :n] = variogram(H)
    G[n, n] = 0.0
    g = np.ones(n + 1)
    g[:n] = variogram(np.linalg.norm(sites - target, axis=1))
    solution = np.linalg.solve(G, g)
    weights, lagrange = solution[:n], solution[n]
    estimate = weights @ values
    variance = weights @ g[:n] + lagrange
    return estimate + variance


# ----- Portfolios ----------------------------------------------------------------------------------


def softmax_portfolio_utility(logits, mu, Sigma, previous, risk_aversion=3.0, cost=0.01):
    w = np.exp(logits - logits.max())
    w /= w.sum()
    expected = w @ mu
    risk = w @ Sigma @ w
    turnover = np.sum(np.sqrt((w - previous) ** 2 + 1e-8))
    return -(expected - 0.5 * risk_aversion * risk - cost * turnover)


def risk_parity_objective(log_w, Sigma):
    w = np.exp(log_w)
    w = w / np.sum(w)
    marginal = Sigma @ w
    vol = np.sqrt(w @ marginal)
    contributions = w * marginal / vol
    target = vol / len(w)
    return np.sum((contributions - target) ** 2) * 1e3


# ----- Particles -----------------------------------------------------------------------------------


def cubic_spline_kernel(r, h):
    q = r / h
    sigma = 10.0 / (7.0 * np.pi * h ** 2)
    inner = 1 - 1.5 * q ** 2 + 0.75 * q ** 3
    outer = 0.25 * (2 - q) ** 3
    return sigma * np.where(q < 1, inner, np.where(q < 2, outer, 0.0))


def sph_pressure_energy(positions, h, masses, rest_density=1.0, stiffness=2.0):
    diff = positions[:, None, :] - positions[None, :, :]
    r = np.sqrt(np.sum(diff ** 2, axis=-1) + 1e-12)
    rho = (masses[None, :] * cubic_spline_kernel(r, h)).sum(axis=1)
    pressure = stiffness * ((rho / rest_density) ** 7 - 1) / 7
    return np.sum(masses * pressure / rho)


# ----- Control, implicit integration, structures, queues, hydrology --------------------------------


def lqr_riccati_cost(q_diag, r, A, B, x0, horizon=6):
    """Finite-horizon LQR: gains by the backward Riccati recursion, then the closed loop's cost."""
    Q = np.diag(q_diag)
    R = np.array([[r]])
    P = Q.copy()
    gains = []
    for _ in reversed(range(horizon)):
        K = np.linalg.solve(R + B.T @ P @ B, B.T @ P @ A)
        P = Q + A.T @ P @ (A - B @ K)
        gains.insert(0, K)
    x = x0
    cost = 0.0
    for K in gains:
        u = -K @ x
        cost += float(x @ x + u @ u)
        x = A @ x + B @ u
    return cost


def robertson_rhs(y, k):
    return np.array([-k[0] * y[0] + k[2] * y[1] * y[2],
                     k[0] * y[0] - k[2] * y[1] * y[2] - k[1] * y[1] ** 2,
                     k[1] * y[1] ** 2])


def robertson_jacobian(y, k):
    return np.array([[-k[0], k[2] * y[2], k[2] * y[1]],
                     [k[0], -k[2] * y[2] - 2 * k[1] * y[1], -k[2] * y[1]],
                     [0.0, 2 * k[1] * y[1], 0.0]])


def implicit_euler_robertson(k, dt=0.05, steps=4):
    """Backward Euler for a stiff system; each step solved by Newton to a tolerance."""
    y = np.array([1.0, 0.0, 0.0])
    for _ in range(steps):
        z = y.copy()
        for _ in range(20):
            residual = z - y - dt * robertson_rhs(z, k)
            J = np.eye(3) - dt * robertson_jacobian(z, k)
            dz = np.linalg.solve(J, residual)
            z = z - dz
            if np.linalg.norm(dz) < 1e-14:
                break
        y = z
    return y[1] * 1e4 + y[2]


TRUSS_NODES = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [0.5, 0.8], [1.5, 0.8]])
TRUSS_BARS = [(0, 1), (1, 2), (0, 3), (1, 3), (1, 4), (2, 4), (3, 4)]
TRUSS_FIXED = (0, 1, 5)


def truss_compliance(areas, load=-1.0, young=100.0):
    n_dof = 2 * len(TRUSS_NODES)
    K = np.zeros((n_dof, n_dof))
    for area, (i, j) in zip(areas, TRUSS_BARS):
        delta = TRUSS_NODES[j] - TRUSS_NODES[i]
        length = np.hypot(delta[0], delta[1])
        c, s = delta / length
        k_local = young * area / length * np.outer([c, s, -c, -s], [c, s, -c, -s])
        dofs = [2 * i, 2 * i + 1, 2 * j, 2 * j + 1]
        K[np.ix_(dofs, dofs)] += k_local
    f = np.zeros(n_dof)
    f[3] = load
    free = [d for d in range(n_dof) if d not in TRUSS_FIXED]
    u = np.linalg.solve(K[np.ix_(free, free)], f[free])
    return f[free] @ u + 0.1 * sum(areas)


def erlang_c_wait(arrival_rate, service_rate=1.0, servers=3):
    """The expected wait of an M/M/c queue by the Erlang C formula."""
    a = arrival_rate / service_rate
    rho = a / servers
    head = sum(a ** k / math.factorial(k) for k in range(servers))
    tail = a ** servers / (math.factorial(servers) * (1 - rho))
    p_wait = tail / (head + tail)
    return p_wait / (servers * service_rate - arrival_rate)


def bucket_runoff(capacity, k_fast, k_slow, rain, observed):
    """A soil bucket that spills over its capacity, drained by a fast and a slow outflow."""
    soil, ground = 0.5 * capacity, 1.0
    flows = []
    for p in rain:
        soil += p
        spill = max(soil - capacity, 0.0)
        soil = min(soil, capacity)
        percolation = 0.1 * soil
        soil -= percolation
        ground += percolation
        fast = k_fast * spill
        slow = k_slow * ground
        ground -= slow
        flows.append(fast + slow)
    flows = np.array(flows)
    return np.sum((np.sqrt(flows) - np.sqrt(observed)) ** 2)


# ----- Thermodynamics from a module-level table ----------------------------------------------------

# NASA 7-coefficient polynomials (the 1000-6000 K range) of a few species
NASA7: Dict[str, Tuple[float, ...]] = {
    "H2": (2.93286575, 8.26608026e-4, -1.46402364e-7, 1.54100414e-11, -6.888048e-16, -813.065581, -1.02432865),
    "O2": (3.66096065, 6.56365811e-4, -1.41149627e-7, 2.05797935e-11, -1.29913436e-15, -1215.97718, 3.41536279),
    "H2O": (2.67703787, 2.97318329e-3, -7.7376969e-7, 9.44336689e-11, -4.26900959e-15, -29885.8938, 6.88255571),
    "OH": (2.83853033, 1.10741289e-3, -2.94000209e-7, 4.20698729e-11, -2.4228989e-15, 3697.80808, 5.84494652),
}
SPECIES = ("H2", "O2", "H2O", "OH")


def gibbs_over_rt(species: str, T: float) -> float:
    a1, a2, a3, a4, a5, a6, a7 = NASA7[species]
    h = a1 + a2 * T / 2 + a3 * T ** 2 / 3 + a4 * T ** 3 / 4 + a5 * T ** 4 / 5 + a6 / T
    s = a1 * math.log(T) + a2 * T + a3 * T ** 2 / 2 + a4 * T ** 3 / 3 + a5 * T ** 4 / 4 + a7
    return h - s


def mixture_gibbs(moles: np.ndarray, T: float, *, pressure: float = 1.0) -> float:
    """The Gibbs energy of an ideal gas mixture over RT, the quantity an equilibrium solver minimizes."""
    mu0 = np.array([gibbs_over_rt(name, T) for name in SPECIES])
    total = np.sum(moles)
    return float(np.sum(moles * (mu0 + np.log(moles / total) + math.log(pressure))))


# ----- Hyperparameters of optimizers written by hand -----------------------------------------------


def quadratic_gradient(w, X, y):
    return X.T @ (X @ w - y) / len(y)


def adam_validation_loss(lr, beta1, X, y, X_val, y_val, steps=5, beta2=0.999, eps=1e-8):
    w = np.zeros(X.shape[1])
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for t in range(1, steps + 1):
        g = quadratic_gradient(w, X, y)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta2 ** t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return 0.5 * np.mean((X_val @ w - y_val) ** 2)


def rmsprop_momentum(params, X, y, steps=4):
    """Hyperparameters in a dict; the state kept in a dict updated in place each step."""
    state = {"w": np.zeros(X.shape[1]), "sq": np.full(X.shape[1], 1e-2), "mom": np.zeros(X.shape[1])}
    for _ in range(steps):
        g = quadratic_gradient(state["w"], X, y)
        state["sq"] = params["rho"] * state["sq"] + (1 - params["rho"]) * g ** 2
        state["mom"] = params["momentum"] * state["mom"] + params["lr"] * g / np.sqrt(state["sq"] + 1e-6)
        state["w"] = state["w"] - state["mom"]
    return 0.5 * np.mean((X @ state["w"] - y) ** 2)


def sgd_learning_rate(lr, X, y, steps=3):
    """The learning rate's effect on the loss after a few steps; the weights start as constants."""
    state = {"w": np.zeros(X.shape[1]), "loss": 0.0}
    for _ in range(steps):
        residual = np.dot(X, state["w"]) - y
        state["w"] = state["w"] - lr * np.dot(X.T, residual) / len(y)
        state["loss"] = 0.5 * np.mean((np.dot(X, state["w"]) - y) ** 2)
    return state["loss"]


def strain_energy(scale, stiffness):
    """A load case's parts in a dict made with its defaults; the scale set from the argument."""
    case = {"direction": np.ones(len(stiffness)), "scale": 1.0}
    case["scale"] = scale
    force = np.dot(stiffness, case["direction"]) * case["scale"]
    return 0.5 * np.sum(force ** 2)


# ----- A class-based model with typed signatures ---------------------------------------------------


class PoissonRegression:
    """Rates by a log link with a softplus-positive overdispersion; built by a class method."""

    link_floor = 1e-9

    def __init__(self, coef: np.ndarray, raw_dispersion: float, offsets: Optional[np.ndarray] = None):
        self.coef = coef
        self.raw_dispersion = raw_dispersion
        self.offsets = offsets

    @classmethod
    def from_vector(cls, theta: np.ndarray, offsets=None) -> "PoissonRegression":
        return cls(theta[:-1], theta[-1], offsets)

    @classmethod
    def prior(cls, coef: np.ndarray, *, scale: float = 2.0) -> float:
        return 0.5 * np.sum(coef ** 2) / (scale * cls.link_floor * 1e9)

    @staticmethod
    def softplus(x):
        return np.logaddexp(0.0, x)

    @property
    def dispersion(self) -> float:
        return self.softplus(self.raw_dispersion) + self.link_floor

    def linear_predictor(self, X: np.ndarray) -> np.ndarray:
        eta = X @ self.coef
        return eta if self.offsets is None else eta + self.offsets

    def rate(self, X):
        return np.exp(self.linear_predictor(X))

    def nll(self, X, counts, *, weights=None) -> float:
        mu, r = self.rate(X), 1.0 / self.dispersion
        ll = (scipy.special.gammaln(counts + r) - scipy.special.gammaln(r)
              + r * np.log(r / (r + mu)) + counts * np.log(mu / (r + mu)))
        if weights is not None:
            ll = ll * weights
        return -np.sum(ll)


def count_model_loss(theta: np.ndarray, X: np.ndarray, counts: np.ndarray, *extra: float,
                     exposure: Sequence[float] = (1.0, 2.0, 1.0, 0.5), l2: float = 0.1) -> float:
    model = PoissonRegression(theta[:-1], theta[-1], offsets=np.log(np.asarray(exposure)))
    penalty = l2 * np.sum(model.coef ** 2) + sum(extra) + PoissonRegression.prior(theta[:-1])
    return model.nll(X, counts, weights=np.array([1.0, 1.0, 0.5, 2.0])) + penalty


def count_model_from_vector(theta, X, counts):
    model = PoissonRegression.from_vector(theta)
    return model.nll(X, counts)  # <- method-of-factory-object


def stacked_losses(thetas: List[np.ndarray], X: np.ndarray, counts: np.ndarray) -> float:
    return sum(count_model_loss(theta, X, counts, 0.01 * k, l2=0.05) for k, theta in enumerate(thetas))
