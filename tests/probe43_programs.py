"""Programs written as their users write them (tests/test_probe43_programs.py), of shapes the earlier
probes left thin: gradients taken inside the function (meta-learning with inner steps by adjoint.grad
and adjoint.value_and_grad in a loop, over a list of tasks and until the inner loss is low, a learned
learning rate, a bilevel ridge hypergradient, inner steps on a dict of parameters by a dict
comprehension, in place on a copy, with the gradient clipped, by keyword arguments and by a method of a
learner object, Newton steps by grad of grad, first-order MAML by stop_gradient; refused: vjp, jvp, hvp
and jacobian in a body, grad of a lambda over the function's variables, tree.map), solvers written by
hand (a deep-equilibrium fixed point to a tolerance, Newton for the Colebrook equation, with step
halving and for a 2x2 system tested by np.allclose, bisection polished by Newton, scalar and vectorized,
SOR, Gauss-Seidel and Jacobi, Crank-Nicolson steps by a Thomas solve into np.empty arrays, conjugate
gradients, power iteration, a backtracking line search, an adaptive Euler-Heun integrator),
interpolation and tables (np.interp with left/right, a period, knots shifted past the period, learned
knots and an inverse CDF, np.searchsorted with a lerp written by hand, a monotone cubic Hermite,
np.digitize picking per-bin coefficients, np.select with overlapping conditions, np.piecewise, np.take
with mode="clip", bilinear interpolation by floor indices, bisect over lists, tables as dicts of tuples
of arrays), and classes (a model whose methods call each other, class constants and a constant
overridden in a subclass, an instance attribute shadowing a class one, a static method, properties
reading properties and a class's table (of a plain class and of a dataclass argument), `__call__` and
`__getitem__`, a method taking a gradient; refused: `super().__init__`, a classmethod constructor, a
computing `__init__`, `super()` in a method, a method of an argument).
"""
import bisect
import math
from dataclasses import dataclass

import numpy as np

import adjoint


# ----- Gradients inside the function --------------------------------------------------------------


def support_loss(w, X, y):
    pred = np.tanh(X @ w)
    return np.mean((pred - y) ** 2)


def maml_value_and_grad_steps(w, X, y, Xq, yq):
    """Two inner steps by value_and_grad, the inner losses kept as a regulariser of the outer one."""
    inner_losses = []
    for _ in range(2):
        loss, g = adjoint.value_and_grad(support_loss)(w, X, y)
        inner_losses.append(loss)
        w = w - 0.5 * g
    return support_loss(w, Xq, yq) + 0.1 * sum(inner_losses)


def maml_learned_rate(log_lr, w, X, y, Xq, yq):
    """A learning rate learned in log space (Meta-SGD with one scalar rate)."""
    lr = np.exp(log_lr)
    adapted = w - lr * adjoint.grad(support_loss)(w, X, y)
    adapted = adapted - lr * adjoint.grad(support_loss)(adapted, X, y)
    return support_loss(adapted, Xq, yq)


def ridge_train_loss(w, lam, X, y):
    r = X @ w - y
    return 0.5 * r @ r + 0.5 * lam * w @ w


def ridge_hypergradient(log_lam, X, y, Xv, yv):
    """Unrolled gradient descent on the training loss, the validation loss after it."""
    lam = math.exp(log_lam)
    w = np.zeros(X.shape[1])
    for step in range(4):
        w = w - 0.1 * adjoint.grad(ridge_train_loss)(w, lam, X, y)
    r = Xv @ w - yv
    return 0.5 * r @ r


def dict_inner_loss(params, x, y):
    h = np.tanh(params["W"] @ x + params["b"])
    return np.sum((h - y) ** 2)


def dict_params_inner_steps(params, x, y, x_query, y_query):
    for _ in range(2):
        grads = adjoint.grad(dict_inner_loss)(params, x, y)
        params = {name: params[name] - 0.2 * grads[name] for name in params}
    return dict_inner_loss(params, x_query, y_query)


def dict_params_in_place_steps(params, x, y, x_query, y_query):
    """Inner steps written as numpy training loops write them: params[k] -= lr * grads[k]."""
    params = {name: value.copy() for name, value in params.items()}
    for _ in range(2):
        grads = adjoint.grad(dict_inner_loss)(params, x, y)
        for name in params:
            params[name] -= 0.2 * grads[name]  # <- item-written-in-place
    return dict_inner_loss(params, x_query, y_query)


def tree_map_inner_steps(params, x, y, x_query, y_query):
    for _ in range(2):
        grads = adjoint.grad(dict_inner_loss)(params, x, y)
        params = adjoint.tree.map(lambda p, g: p - 0.2 * g, params, grads)  # <- tree-map-in-body
    return dict_inner_loss(params, x_query, y_query)


def well(x, a):
    return 0.25 * x ** 4 - a * x ** 2 + 0.3 * x


def newton_minimum_of_well(a):
    """The minimiser of a double well by Newton steps on its derivative, as a function of the depth."""
    x = 1.5
    for _ in range(5):
        x = x - adjoint.grad(well)(x, a) / adjoint.grad(adjoint.grad(well))(x, a)
    return well(x, a) + x


def inner_steps_in_place(w0, X, y, Xq, yq):
    """The inner steps written in place on a copy of the parameters."""
    w = w0.copy()
    for _ in range(2):
        w -= 0.4 * adjoint.grad(support_loss)(w, X, y)
    return support_loss(w, Xq, yq)


def clipped_inner_step(w, X, y, Xq, yq):
    """One inner step with its gradient clipped by norm, as optimisers clip it."""
    g = adjoint.grad(support_loss)(w, X, y)
    norm = np.linalg.norm(g)
    if norm > 0.3:
        g = g * (0.3 / norm)
    g = np.clip(g, -0.2, 0.2)
    return support_loss(w - g, Xq, yq)


def inner_step_keywords(w, X, y):
    g = adjoint.grad(support_loss)(w, X=X, y=y)
    v, gv = adjoint.value_and_grad(support_loss, wrt="w")(w - g, y=y, X=X)
    return v + np.sum(gv * g)


def first_order_maml(w, X, y, Xq, yq):
    """First-order MAML: the inner gradient treated as a constant of the outer derivative."""
    g = adjoint.stop_gradient(adjoint.grad(support_loss)(w, X, y))
    return support_loss(w - 0.5 * g, Xq, yq)


def maml_over_tasks(w, tasks):
    """The meta-loss summed over tasks held as tuples in a list, by a generator expression."""
    return sum(support_loss(w - 0.3 * adjoint.grad(support_loss)(w, X, y), Xq, yq) for X, y, Xq, yq in tasks)


def inner_steps_until_fitted(w, X, y, Xq, yq):
    """Inner steps while the support loss stays above a level, at most five."""
    loss, g = adjoint.value_and_grad(support_loss)(w, X, y)
    steps = 0
    while loss > 0.3 and steps < 5:
        w = w - 0.5 * g
        loss, g = adjoint.value_and_grad(support_loss)(w, X, y)
        steps += 1
    return support_loss(w, Xq, yq) + loss


def residual_map(x):
    return np.sin(x) * x[::-1] + x ** 2


def pullback_in_body(x, v):
    """A vector-Jacobian product taken inside: the sensitivities of a residual map."""
    value, pullback = adjoint.vjp(residual_map)(x)  # <- vjp-in-body
    return np.sum(pullback(v) ** 2) + np.sum(value)


def tangent_in_body(x, v):
    value, tangent = adjoint.jvp(residual_map)(x, v)  # <- jvp-in-body
    return np.sum(tangent ** 2) + np.sum(value)


def log_cosh_bowl(x):
    return np.sum(np.log(np.cosh(x - 0.3))) + 0.1 * np.sum(x ** 4) + x[0] * x[1]


def hvp_newton_cg_step(x):
    """A truncated Newton step: a few CG iterations on H p = -g with Hessian-vector products."""
    g = adjoint.grad(log_cosh_bowl)(x)
    p = np.zeros_like(x)
    r = -g
    d = r.copy()
    for _ in range(2):
        Hd = adjoint.hvp(log_cosh_bowl)(x, d)  # <- hvp-in-body
        alpha = (r @ r) / (d @ Hd)
        p = p + alpha * d
        r_new = r - alpha * Hd
        d = r_new + (r_new @ r_new) / (r @ r) * d
        r = r_new
    return log_cosh_bowl(x + p)


def equilibrium_residual(x, p):
    return np.array([x[0] ** 3 + x[1] - p[0], x[0] - x[1] ** 3 + 0.5 * x[0] * x[1] - p[1]])


def newton_system_by_jacobian(p):
    """A 2x2 nonlinear system solved by Newton's method with the Jacobian from adjoint.jacobian."""
    x = np.array([1.0, 0.5])
    for _ in range(8):
        J = adjoint.jacobian(equilibrium_residual)(x, p)  # <- jacobian-in-body
        x = x - np.linalg.solve(J, equilibrium_residual(x, p))
    return np.sum(x ** 2) + x[0] * p[1]


def lambda_gradient_in_body(w, X, y):
    g = adjoint.grad(lambda v: np.sum((X @ v - y) ** 2))(w)  # <- lambda-in-body
    return np.sum(g ** 2)


# ----- Solvers written by hand --------------------------------------------------------------------


def fixed_point_layer(W, b, x):
    """A deep-equilibrium layer: z = tanh(W z + b + x) iterated until it stops moving."""
    z = np.zeros_like(b)
    err, tol, it = 1.0, 1e-13, 0
    while err > tol and it < 200:
        z_new = np.tanh(W @ z + b + x)
        err = np.max(np.abs(z_new - z))
        z = z_new
        it += 1
    return np.sum(z ** 2) + z[0]


def colebrook_friction(reynolds, roughness):
    """The Darcy friction factor from the Colebrook equation by Newton's method in 1/sqrt(f)."""
    a = roughness / 3.7
    b = 2.51 / reynolds
    u = 8.0
    for _ in range(30):
        g = u + 2.0 * math.log10(a + b * u)
        dg = 1.0 + 2.0 * b / ((a + b * u) * math.log(10.0))
        step = g / dg
        u -= step
        if abs(step) < 1e-14:
            break
    return 1.0 / (u * u)


def cubic_root_bisect_then_newton(c):
    """A root of x^3 + x - c bracketed by bisection, then polished by Newton."""
    lo, hi = -10.0, 10.0
    while hi - lo > 1e-3:
        mid = 0.5 * (lo + hi)
        if mid ** 3 + mid - c > 0.0:
            hi = mid
        else:
            lo = mid
    x = 0.5 * (lo + hi)
    for _ in range(6):
        x = x - (x ** 3 + x - c) / (3.0 * x ** 2 + 1.0)
    return x


def vector_bisection_polished(c):
    """Bisection for each entry at once with np.where, then two Newton steps."""
    lo, hi = np.full_like(c, -5.0), np.full_like(c, 5.0)
    for _ in range(20):
        mid = 0.5 * (lo + hi)
        positive = mid ** 3 + 2.0 * mid - c > 0.0
        hi = np.where(positive, mid, hi)
        lo = np.where(positive, lo, mid)
    x = 0.5 * (lo + hi)
    for _ in range(4):
        x = x - (x ** 3 + 2.0 * x - c) / (3.0 * x ** 2 + 2.0)
    return np.sum(x ** 2)


def newton_with_damping(c):
    """Newton's method on atan(x) - c with the step halved while it does not decrease |f|."""
    x = 3.0
    for _ in range(12):
        f = math.atan(x) - c
        step = f * (1.0 + x * x)
        t = 1.0
        while abs(math.atan(x - t * step) - c) >= abs(f) and t > 1e-4:
            t *= 0.5
        x = x - t * step
    return x


def newton_system_by_hand(p):
    """The same system with the Jacobian written by hand, to a tolerance tested with np.allclose."""
    x = np.array([1.0, 0.5])
    for _ in range(50):
        F = equilibrium_residual(x, p)
        J = np.array([[3.0 * x[0] ** 2, 1.0], [1.0 + 0.5 * x[1], -3.0 * x[1] ** 2 + 0.5 * x[0]]])
        x_new = x - np.linalg.solve(J, F)
        if np.allclose(x_new, x, rtol=0.0, atol=1e-15):
            x = x_new
            break
        x = x_new
    return np.sum(x ** 2) + x[0] * p[1]


def sor_poisson(f, omega):
    """Successive over-relaxation on a 1-D Poisson problem, swept in place until the update is small."""
    n = f.shape[0]
    u = np.zeros(n + 2)
    h2 = 1.0 / (n + 1) ** 2
    delta = 1.0
    sweeps = 0
    while delta > 1e-12 and sweeps < 500:
        delta = 0.0
        for i in range(1, n + 1):
            new = 0.5 * (u[i - 1] + u[i + 1] + h2 * f[i - 1])
            change = omega * (new - u[i])
            u[i] += change
            delta = max(delta, abs(change))
        sweeps += 1
    return np.sum(u ** 2)


def gauss_seidel_tolerance(A, b):
    """Gauss-Seidel to a tolerance, each row written from the others' latest values."""
    n = b.shape[0]
    x = np.zeros(n)
    for _ in range(100):
        old = x.copy()
        for i in range(n):
            x[i] = (b[i] - A[i, :i] @ x[:i] - A[i, i + 1:] @ old[i + 1:]) / A[i, i]
        if np.max(np.abs(x - old)) < 1e-14:
            break
    return x @ x + x[0]


def jacobi_matrix(A, b):
    """Jacobi iterations written with the diagonal split off, a fixed number of sweeps."""
    D = np.diag(A)
    R = A - np.diag(D)
    x = np.zeros_like(b)
    for _ in range(25):
        x = (b - R @ x) / D
    return x @ x


def thomas(lower, diag, upper, rhs):
    n = diag.shape[0]
    c = np.empty(n - 1)
    d = np.empty(n)
    c[0] = upper[0] / diag[0]
    d[0] = rhs[0] / diag[0]
    for i in range(1, n):
        denom = diag[i] - lower[i - 1] * c[i - 1]
        if i < n - 1:
            c[i] = upper[i] / denom
        d[i] = (rhs[i] - lower[i - 1] * d[i - 1]) / denom
    x = np.empty(n)
    x[-1] = d[-1]
    for i in range(n - 2, -1, -1):
        x[i] = d[i] - c[i] * x[i + 1]
    return x


def crank_nicolson_heat(u0, kappa):
    """Crank-Nicolson steps of the heat equation, each solved by the Thomas algorithm."""
    n = u0.shape[0]
    r = kappa * 0.1
    lower = np.full(n - 1, -0.5 * r)
    diag = np.full(n, 1.0 + r)
    upper = np.full(n - 1, -0.5 * r)
    u = u0.copy()
    for _ in range(3):
        rhs = (1.0 - r) * u
        rhs[1:] += 0.5 * r * u[:-1]
        rhs[:-1] += 0.5 * r * u[1:]
        u = thomas(lower, diag, upper, rhs)
    return np.sum(u ** 2) + u[n // 2]


def thomas_from_the_textbook(a, b, c, d):
    """The tridiagonal solve as it is often copied: copies by map(np.array, ...), and the solution
    written into the diagonal's copy under a second name."""
    n = len(d)
    ac, bc, cc, dc = map(np.array, (a, b, c, d))
    for i in range(1, n):
        mc = ac[i - 1] / bc[i - 1]
        bc[i] = bc[i] - mc * cc[i - 1]  # <- copies-by-map
        dc[i] = dc[i] - mc * dc[i - 1]
    xc = bc
    xc[-1] = dc[-1] / bc[-1]
    for i in range(n - 2, -1, -1):
        xc[i] = (dc[i] - cc[i] * xc[i + 1]) / bc[i]
    return np.sum(xc ** 2)


def conjugate_gradient(A, b):
    """CG on the normal matrix A^T A + I, to a residual tolerance."""
    M = A.T @ A + np.eye(A.shape[1])
    x = np.zeros_like(b)
    r = b - M @ x
    p = r.copy()
    rs = r @ r
    for _ in range(50):
        Mp = M @ p
        alpha = rs / (p @ Mp)
        x = x + alpha * p
        r = r - alpha * Mp
        rs_new = r @ r
        if math.sqrt(rs_new) < 1e-14:
            break
        p = r + (rs_new / rs) * p
        rs = rs_new
    return x @ b + np.sum(x ** 3)


def power_iteration(A):
    """The largest eigenvalue of A^T A by power iteration to a tolerance, as a Rayleigh quotient."""
    S = A.T @ A
    v = np.ones(S.shape[0]) / math.sqrt(S.shape[0])
    lam = 0.0
    for _ in range(500):
        w = S @ v
        v = w / np.linalg.norm(w)
        new = v @ S @ v
        if abs(new - lam) < 1e-15 * abs(new):
            break
        lam = new
    return new


def descent_with_backtracking(w0, X, y):
    """Gradient descent written by hand with an Armijo backtracking line search."""
    w = w0
    for _ in range(4):
        r = X @ w - y
        f = 0.5 * r @ r + 0.1 * np.sum(w ** 4)
        g = X.T @ r + 0.4 * w ** 3
        t = 1.0
        while True:
            trial = w - t * g
            rt = X @ trial - y
            if 0.5 * rt @ rt + 0.1 * np.sum(trial ** 4) <= f - 0.5 * t * (g @ g):
                break
            t *= 0.5
        w = trial
    return np.sum(w ** 2) + w[0]


def adaptive_heun(k, y0):
    """An embedded Euler-Heun pair with step-size control, integrating y' = -k y^2 + sin t to t = 1."""
    t, y, h = 0.0, y0, 0.1
    while t < 1.0:
        h = min(h, 1.0 - t)
        f0 = -k * y * y + math.sin(t)
        euler = y + h * f0
        f1 = -k * euler * euler + math.sin(t + h)
        heun = y + 0.5 * h * (f0 + f1)
        err = abs(heun - euler) + 1e-12
        if err < 1e-3:
            t, y = t + h, heun
        h = 0.9 * h * min(2.0, max(0.2, (1e-3 / err) ** 0.5))
    return y


# ----- Interpolation and tables -------------------------------------------------------------------


def interp_with_edges(t, values):
    grid = np.linspace(0.0, 1.0, values.shape[0])
    inside = np.interp(t, grid, values, left=values[0] - 1.0, right=2.0 * values[-1])
    return np.sum(inside ** 2)


def interp_periodic_angle(angles, table):
    grid = np.linspace(0.0, 2.0 * np.pi, table.shape[0], endpoint=False)
    return np.sum(np.interp(angles, grid, table, period=2.0 * np.pi) * np.cos(angles))


def interp_periodic_knots(angles, phase, table):
    """A periodic table whose knots are shifted by a phase: some wrap past the period and NumPy
    reorders them."""
    grid = np.linspace(0.0, 2.0 * np.pi, table.shape[0], endpoint=False) + phase
    return np.sum(np.interp(angles, grid, table, period=2.0 * np.pi) ** 2)


def learned_knots(x, knots, values):
    """np.interp with its knots as parameters (a learned piecewise-linear calibration)."""
    return np.sum(np.interp(x, np.cumsum(np.exp(knots)), values) ** 2)


def inverse_cdf_sampling(logits, u):
    """Inverse-transform samples from a discrete density on a grid, by np.interp on its CDF."""
    grid = np.linspace(-1.0, 1.0, logits.shape[0])
    p = np.exp(logits) / np.sum(np.exp(logits))
    cdf = np.cumsum(p)
    cdf = (cdf - cdf[0]) / (cdf[-1] - cdf[0])
    samples = np.interp(u, cdf, grid)
    return np.mean(samples ** 2) + np.mean(samples)


def lerp_by_searchsorted(x, knots, values):
    """Linear interpolation written by hand: the segment by np.searchsorted, clipped at the ends."""
    i = np.searchsorted(knots, x) - 1
    i = np.clip(i, 0, knots.shape[0] - 2)
    w = (x - knots[i]) / (knots[i + 1] - knots[i])
    y = (1.0 - w) * values[i] + w * values[i + 1]
    return np.sum(y ** 2)


def pchip_like(x, knots, values):
    """A cubic Hermite interpolant with slopes limited to keep it monotone (harmonic means)."""
    h = np.diff(knots)
    delta = np.diff(values) / h
    slopes = np.zeros_like(values)
    same_sign = delta[:-1] * delta[1:] > 0.0
    harmonic = 2.0 * delta[:-1] * delta[1:] / np.where(same_sign, delta[:-1] + delta[1:], 1.0)
    slopes[1:-1] = np.where(same_sign, harmonic, 0.0)
    slopes[0], slopes[-1] = delta[0], delta[-1]
    i = np.clip(np.searchsorted(knots, x) - 1, 0, knots.shape[0] - 2)
    t = (x - knots[i]) / h[i]
    h00 = 2 * t ** 3 - 3 * t ** 2 + 1
    h10 = t ** 3 - 2 * t ** 2 + t
    h01 = -2 * t ** 3 + 3 * t ** 2
    h11 = t ** 3 - t ** 2
    y = h00 * values[i] + h10 * h[i] * slopes[i] + h01 * values[i + 1] + h11 * h[i] * slopes[i + 1]
    return np.sum(y ** 2)


EDGES = np.array([0.0, 0.5, 1.5])


def digitized_piecewise_linear(x, slopes, intercepts):
    """Per-bin coefficients picked by np.digitize (bin 0 left of the first edge)."""
    bins = np.digitize(x, EDGES)
    y = slopes[bins] * x + intercepts[bins]
    return np.sum(y * y)


def select_first_condition_wins(x, k):
    """np.select with overlapping conditions (the first true one picks) and a scalar choice."""
    y = np.select([x > 1.0, x > 0.0, x > -1.0], [k * x ** 2, 0.5, np.exp(k * x)], default=-x)
    return np.sum(y ** 2)


def piecewise_with_lambdas(x, a):
    y = np.piecewise(x, [x < 0.0, (x >= 0.0) & (x < 1.0), x > 1.5],
                     [lambda v: a * v ** 2, lambda v: np.sin(v) * a, np.sqrt, lambda v: a + v])
    return np.sum(y * x)


def take_clip_lookup(x, table):
    i = np.floor(x * 4.0).astype(int)
    low = np.take(table, i, mode="clip")
    high = np.take(table, i + 1, mode="clip")
    frac = x * 4.0 - i
    return np.sum(((1.0 - frac) * low + frac * high) ** 2)


def bilinear_vectorized(grid, pts):
    """Bilinear interpolation of many points at once: floor indices as an int array, fancy indexing."""
    n = grid.shape[0] - 1
    f = pts * n
    ij = np.clip(np.floor(f).astype(int), 0, n - 1)
    t = f - ij
    i, j = ij[:, 0], ij[:, 1]
    tx, ty = t[:, 0], t[:, 1]
    v = ((1 - tx) * (1 - ty) * grid[i, j] + tx * (1 - ty) * grid[i + 1, j]
         + (1 - tx) * ty * grid[i, j + 1] + tx * ty * grid[i + 1, j + 1])
    return np.sum(v ** 2)


TARIFF_KNOTS = [0.0, 1.0, 2.5, 4.0]


def tariff_by_bisect(usage, prices):
    """A tariff tabulated on Python lists, looked up with bisect."""
    total = 0.0
    for u in usage:
        k = bisect.bisect_right(TARIFF_KNOTS, u) - 1
        k = max(0, min(k, len(TARIFF_KNOTS) - 2))
        frac = (u - TARIFF_KNOTS[k]) / (TARIFF_KNOTS[k + 1] - TARIFF_KNOTS[k])
        total += prices[k] + frac * (prices[k + 1] - prices[k])
    return total


MATERIALS = {  # conductivity tables, temperatures in hundreds of kelvins
    "steel": (np.array([3.0, 6.0, 9.0]), np.array([0.45, 0.38, 0.28])),
    "copper": (np.array([3.0, 5.0, 8.0, 11.0]), np.array([4.0, 3.9, 3.7, 3.5])),
}


def conduction_heat(temperatures, thickness):
    """Heat flow through layers whose conductivities are read from tables at their temperatures."""
    resistance = 0.0
    for name, T in zip(("steel", "copper"), temperatures):
        grid, k = MATERIALS[name]
        resistance = resistance + thickness / np.interp(T, grid, k)
    return 1.0 / resistance


# ----- Classes ------------------------------------------------------------------------------------


class TwoLayerNet:
    LEAK = 0.1
    SCALE = 0.5

    def __init__(self, W1, b1, W2):
        self.W1 = W1
        self.b1 = b1
        self.W2 = W2

    @staticmethod
    def leaky(z):
        return np.where(z > 0.0, z, TwoLayerNet.LEAK * z)

    def hidden(self, x):
        return self.leaky(self.W1 @ x + self.b1)

    def __call__(self, x):
        return self.SCALE * self.W2 @ self.hidden(x)

    @property
    def weight_norm(self):
        return np.sum(self.W1 ** 2) + np.sum(self.W2 ** 2)

    def loss(self, x, y):
        return np.sum((self(x) - y) ** 2) + 1e-2 * self.weight_norm


def two_layer_net_loss(W1, b1, W2, x, y):
    net = TwoLayerNet(W1, b1, W2)
    return net.loss(x, y)


class Unit:
    SCALE = 1.0

    def __init__(self, w):
        self.w = w

    def response(self, x):
        return self.SCALE * np.tanh(self.w * x)


class DoubledUnit(Unit):
    SCALE = 2.0


def subclass_overrides_constant(w, x):
    a, b = Unit(w), DoubledUnit(w)
    return np.sum(a.response(x) * b.response(x))


class Shifted:
    shift = 0.5

    def __init__(self, w, shift):
        self.w = w
        self.shift = shift

    def value(self, x):
        return self.w * (x - self.shift) ** 2


def instance_shadows_class_attribute(w, shift, x):
    return Shifted(w, shift).value(x) + Shifted.shift * w


class Material:
    TABLE = {"E": 2.0, "nu": 0.3}

    def __init__(self, scale):
        self.scale = scale

    @property
    def shear(self):
        return self.young / (2.0 * (1.0 + self.TABLE["nu"]))

    @property
    def young(self):
        return self.TABLE["E"] * self.scale

    def energy(self, strain):
        return self.shear * np.sum(strain ** 2)


def property_reads_property(scale, strain):
    return Material(scale).energy(strain)


@dataclass
class Elastic:
    """A dataclass argument whose class holds tables its methods read."""

    E: float
    nu: float
    TABLE = {"shift": 0.5, "scale": (1.0, 2.0)}
    WEIGHTS = [0.3, 0.7]

    @property
    def shear(self):
        return self.E / (2.0 * (1.0 + self.nu)) + self.TABLE["shift"]

    def energy(self, strain):
        weighted = sum(w * s for w, s in zip(self.WEIGHTS, strain))
        return self.shear * np.sum(strain ** 2) * self.TABLE["scale"][1] + weighted


def dataclass_argument_with_tables(material, strain):
    return material.energy(strain)


class Stack:
    """A container of layers reached by index and called in turn."""

    def __init__(self, first, second):
        self.first = first
        self.second = second

    def __getitem__(self, i):
        return self.first if i == 0 else self.second

    def __call__(self, x):
        for i in range(2):
            x = np.tanh(self[i] @ x)
        return x


def container_class_getitem(W1, W2, x):
    net = Stack(W1, W2)
    return np.sum(net(x) ** 2)


class Learner:
    LR = 0.4

    def __init__(self, w):
        self.w = w

    def adapt(self, X, y):
        return self.w - self.LR * adjoint.grad(support_loss)(self.w, X, y)

    def query(self, X, y, Xq, yq):
        return support_loss(self.adapt(X, y), Xq, yq)


def learner_method_takes_gradient(w, X, y, Xq, yq):
    return Learner(w).query(X, y, Xq, yq)


class Spring:
    GRAVITY = 9.81

    def __init__(self, k, mass):
        self.k = k
        self.mass = mass

    @property
    def omega(self):
        return math.sqrt(self.k / self.mass)

    def sag(self):
        return self.mass * self.GRAVITY / self.k


class DampedSpring(Spring):
    def __init__(self, k, mass, damping):
        super().__init__(k, mass)
        self.damping = damping

    @property
    def quality(self):
        return self.mass * self.omega / self.damping

    def energy_after(self, x0, t):
        decay = math.exp(-0.5 * self.damping * t / self.mass)
        return 0.5 * self.k * (x0 * decay * math.cos(self.omega * t)) ** 2


def damped_spring_design(k, damping):
    spring = DampedSpring(k, 2.0, damping)  # <- super-init
    return spring.energy_after(0.3, 1.5) + spring.sag() + 0.1 * spring.quality


class Layer:
    def __call__(self, x):
        return self.forward(x)


class Affine(Layer):
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def forward(self, x):
        return self.W @ x + self.b


class Softplus(Layer):
    def forward(self, x):
        return np.logaddexp(0.0, x)


def base_call_dispatches_forward(W, b, x):
    layers = [Affine(W, b), Softplus()]
    for layer in layers:
        x = layer(x)  # <- layers-of-two-classes
    return np.sum(x ** 2)


class Gaussian:
    def __init__(self, mu, log_sigma):
        self.mu = mu
        self.log_sigma = log_sigma

    @classmethod
    def standard(cls, shift):
        return cls(shift, 0.0)

    @property
    def sigma(self):
        return math.exp(self.log_sigma)

    def logpdf(self, x):
        z = (x - self.mu) / self.sigma
        return -0.5 * z * z - self.log_sigma - 0.5 * math.log(2.0 * math.pi)


def gaussian_classmethod(mu, log_sigma, data):
    prior = Gaussian.standard(0.5)
    model = Gaussian(mu, log_sigma)
    return -sum(model.logpdf(x) for x in data) - prior.logpdf(mu)  # <- classmethod-built


class Standardizer:
    def __init__(self, mean, std):
        self.mean = mean
        self.inv_std = 1.0 / std

    def transform(self, x):
        return (x - self.mean) * self.inv_std


def standardizer_computed_attribute(x, std):
    scaler = Standardizer(0.2, std)  # <- init-computes
    return np.sum(scaler.transform(x) ** 2)


class Oscillator:
    """An oscillator object passed in as an argument; its attributes are constants."""

    DT = 0.05

    def __init__(self, k, c):
        self.k = k
        self.c = c

    def __eq__(self, other):
        return vars(self) == vars(other)

    def accel(self, x, v):
        return -self.k * x - self.c * v

    def step(self, x, v):
        a = self.accel(x, v)
        v_new = v + self.DT * a
        return x + self.DT * v_new, v_new

    def rollout(self, x, v, n):
        total = 0.0
        for _ in range(n):
            x, v = self.step(x, v)
            total += x * x
        return total


def oscillator_argument(osc, x0, v0):
    return osc.rollout(x0, v0, 12)  # <- method-of-argument


class Base:
    def predict(self, x):
        return self.w * x


class WithOffset(Base):
    def __init__(self, w, b):
        self.w = w
        self.b = b

    def predict(self, x):
        return super().predict(x) + self.b


def super_in_method(w, b, x):
    return np.sum(WithOffset(w, b).predict(x) ** 2)  # <- super-in-method
