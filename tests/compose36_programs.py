"""Programs that compose adjoint's transformations (tests/test_compose36_programs.py): derivatives of
derived functions (jvp of grad, vjp of grad, grad of grad of grad) and
user functions that call derived functions in their bodies (a gradient penalty, one inner step of
meta-learning, a Newton step, Hamiltonian equations of motion stepped by leapfrog, forces of a
pair potential), with several wrt arguments, keyword arguments, NamedTuple and dict parameters,
a fixed point of a contraction iterated to convergence, a Laplacian and score matching from grad of
grad, RK2, a derivative taken in a helper, a method, a comprehension and under a branch, a penalty on
the gradient of an energy passed as an argument, a derived function held in a local variable; and
refused ones: jvp called in a body, closures over the caller's variables, has_aux in a body, a
callee writing into its argument, and second derivatives through writes in place."""
from typing import NamedTuple

import numpy as np

import adjoint


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def log_cosh_energy(x):
    return np.sum(np.log(np.cosh(x))) + 0.25 * np.sum(x ** 4) + x[0] * x[-1]


def quartic_scalar(x):
    return x ** 4 * np.sin(x) + np.exp(0.5 * x)


def directional_derivative(x, v):
    """<grad f(x), v> from one jvp; its gradient in x is H v."""
    return adjoint.jvp(log_cosh_energy)(x, v)[1]  # <- jvp-in-a-body


def gradient_dot(x, w):
    """<grad g(x), w>: value_and_grad of it gives H w."""
    return adjoint.grad(log_cosh_energy)(x) @ w


def critic(x, W, b):
    return np.sum(np.tanh(W @ x + b))


def gradient_penalty(W, b, x):
    """WGAN-GP's penalty: the critic's input gradient pushed to unit norm (squared entries here)."""
    g = adjoint.grad(critic)(x, W, b)
    return np.sum((g ** 2 - 1.0) ** 2)


def gradient_norm_penalty(W, b, x):
    """WGAN-GP's penalty on the norm of the critic's input gradient."""
    g = adjoint.grad(critic)(x, W, b)
    return (np.sqrt(np.sum(g ** 2)) - 1.0) ** 2


def inner_loss(w, X, y):
    r = np.tanh(X @ w) - y
    return np.mean(r ** 2) + 0.01 * np.sum(w ** 2)


def maml_loss(w, X, y, Xq, yq, lr):
    """One inner gradient step on the support set, the loss on the query set after it."""
    adapted = w - lr * adjoint.grad(inner_loss)(w, X, y)
    return inner_loss(adapted, Xq, yq)


INNER_GRADIENT = adjoint.grad(inner_loss)


def maml_two_steps(w, X, y, Xq, yq):
    """Two inner steps by a derived function bound to a global name, in a loop."""
    for _ in range(2):
        w = w - 0.3 * INNER_GRADIENT(w, X, y)
    return inner_loss(w, Xq, yq)


def maml_local_derived(w, X, y, Xq, yq):
    inner = adjoint.grad(inner_loss)
    w = w - 0.3 * inner(w, X, y)
    return inner_loss(w, Xq, yq)


def newton_step(x):
    """One Newton step on the derivative of a scalar function, as a function of where it starts."""
    return x - adjoint.grad(quartic_scalar)(x) / adjoint.grad(adjoint.grad(quartic_scalar))(x)


def two_argument_energy(x, y):
    return np.sum(np.sin(x) * y ** 2) + np.sum(x * y) ** 2


def both_gradients_loss(x, y):
    """Both gradients of a two-argument energy, from one wrt=(0, 1) derivative."""
    gx, gy = adjoint.grad(two_argument_energy, wrt=(0, 1))(x, y)
    return np.sum(gx ** 2) + np.sum(gx * gy)


def scaled_energy(x, *, scale=1.0, shift=0.0):
    return scale * np.sum((x - shift) ** 2 * np.cos(x))


def keyword_gradient_loss(x, scale):
    g = adjoint.grad(scaled_energy)(x, scale=scale, shift=0.3)
    return np.sum(g * x)


class Params(NamedTuple):
    W: np.ndarray
    b: np.ndarray


def mlp_loss(params, x, y):
    h = np.tanh(params.W @ x + params.b)
    return np.sum((h - y) ** 2)


def namedtuple_input_penalty(params, x, y):
    """The input gradient of a loss over NamedTuple parameters, its squared norm."""
    g = adjoint.grad(mlp_loss, wrt=1)(params, x, y)
    return np.sum(g ** 2)


def dict_loss(p, x):
    return np.sum(np.sin(p["a"] * x) + p["c"] * x ** 2)


def dict_parameter_step(p, x):
    """One gradient step on a dict of parameters, the loss after it."""
    g = adjoint.grad(dict_loss)(p, x)
    stepped = {"a": p["a"] - 0.1 * g["a"], "c": p["c"] - 0.1 * g["c"]}
    return dict_loss(stepped, x)


def hamiltonian(q, p):
    return 0.5 * np.sum(p ** 2) + np.sum(1.0 - np.cos(q)) + 0.1 * np.sum(q[:-1] * q[1:])


def leapfrog_energy(q, p):
    """Leapfrog steps of Hamilton's equations from grad(H); the energy where they end."""
    h = 0.1
    for _ in range(5):
        p = p - 0.5 * h * adjoint.grad(hamiltonian, wrt=0)(q, p)
        q = q + h * adjoint.grad(hamiltonian, wrt=1)(q, p)
        p = p - 0.5 * h * adjoint.grad(hamiltonian, wrt=0)(q, p)
    return hamiltonian(q, p)


@adjoint.grad(wrt=(0, 1))
def hamilton_gradients(q, p):
    return 0.5 * np.sum(p ** 2) + np.sum(1.0 - np.cos(q)) + 0.1 * np.sum(q[:-1] * q[1:])


def leapfrog_decorated(q, p, h):
    """Leapfrog by a decorated derived function giving both of H's gradients; the energy where it ends."""
    for _ in range(4):
        p = p - 0.5 * h * hamilton_gradients(q, p)[0]
        q = q + h * hamilton_gradients(q, p)[1]
        p = p - 0.5 * h * hamilton_gradients(q, p)[0]
    return hamiltonian(q, p)


def leapfrog_with_force(force, q, p):
    """Leapfrog with the force passed in as an argument (a derived function)."""
    for _ in range(4):
        p = p + 0.05 * force(q, p)
        q = q + 0.1 * p
        p = p + 0.05 * force(q, p)
    return hamiltonian(q, p)


def pair_energy(r):
    d = r[:, None, :] - r[None, :, :]
    s = np.sum(d ** 2, axis=-1) + np.eye(r.shape[0])
    return 0.5 * np.sum((1.0 - np.eye(r.shape[0])) * (1.0 / s ** 3 - 1.0 / s ** 2))


def force_matching_loss(r, target):
    """Forces from an energy by grad, matched to target forces."""
    force = -adjoint.grad(pair_energy)(r)
    return np.sum((force - target) ** 2)


def contraction_fixed_point(theta, x0):
    """x = 0.5 * tanh(theta * x) + 0.3, iterated 40 times from x0 (a contraction for |theta| < 2)."""
    x = x0
    for _ in range(40):
        x = 0.5 * np.tanh(theta * x) + 0.3
    return np.sum(x ** 2)


def fixed_point_until_converged(theta):
    x = np.zeros_like(theta)
    while True:
        x_new = 0.5 * np.tanh(theta * x) + 0.3
        if np.max(np.abs(x_new - x)) < 1e-13:
            break
        x = x_new
    return np.sum(x_new ** 2)


def hessian_trace(x):
    """The trace of the Hessian from jvp of grad, column by column."""
    total = 0.0
    for i in range(x.shape[0]):
        e = np.zeros_like(x)
        e[i] = 1.0
        total = total + adjoint.jvp(adjoint.grad(log_cosh_energy))(x, e)[1][i]  # <- jvp-in-a-loop
    return total


def laplacian_energy(x):
    """The Laplacian (trace of the Hessian) of an energy from grad of grad, coordinate by coordinate."""
    total = 0.0
    for i in range(x.shape[0]):
        total = total + adjoint.grad(adjoint.grad(coordinate_energy, wrt=0), wrt=0)(x[i], x)
    return total


def coordinate_energy(xi, x):
    return np.sin(xi) * np.sum(x ** 2) + xi ** 3 * np.cos(np.sum(x))


def score_matching(x, theta):
    """Hyvärinen's score matching: 0.5 |grad log p|^2 plus the divergence of the score, in one variable."""
    total = 0.0
    for i in range(x.shape[0]):
        s = adjoint.grad(log_density, wrt=0)(x[i], theta)
        ds = adjoint.grad(adjoint.grad(log_density, wrt=0), wrt=0)(x[i], theta)
        total = total + 0.5 * s ** 2 + ds
    return total / x.shape[0]


def log_density(x, theta):
    return -0.5 * theta[0] * x ** 2 - 0.25 * theta[1] * x ** 4 + theta[2] * np.sin(x)


def implicit_step_fixed_point(theta, x0):
    """A backward Euler step solved by fixed-point iteration: x = x0 + h f(x), f from grad of a potential."""
    x = x0
    for _ in range(30):
        x = x0 - 0.1 * adjoint.grad(potential)(x, theta)
    return np.sum(x ** 2) + np.sum(theta * x)


def potential(x, theta):
    return np.sum(theta * np.log(np.cosh(x))) + 0.5 * np.sum(x[:-1] * x[1:])


def value_and_grad_in_body(x):
    v, g = adjoint.value_and_grad(log_cosh_energy)(x)
    return v * np.sum(g ** 2)


def gradient_rebound_and_written(x):
    """The gradient scaled and written in place after x is rebound."""
    g = adjoint.grad(log_cosh_energy)(x)
    x = x * 2.0
    g *= 3.0
    g[0] += x[0]
    return np.sum(g * x)


def theta_gradient_by_name(x, th):
    return np.sum(adjoint.grad(log_density, wrt="theta")(x, th) * th ** 2)


def bounce(x):
    s = 0.0
    i = 0
    while s < 3.0 and i < 10:
        if x > 0:
            s = s + x * x
        else:
            s = s - x
        i += 1
    return s * np.sin(x)


def gradients_appended(xs):
    """Gradients of a function with a while loop and a branch, appended to a list in a loop."""
    out = []
    for x in xs:
        out.append(adjoint.grad(bounce)(x))  # <- appended-gradients
    return np.sum(np.array(out) ** 2)


def squared_slope(x):
    return adjoint.grad(quartic_scalar)(x) ** 2


def three_levels(x):
    """A derivative of a function that takes a derivative in its body, in a body."""
    return adjoint.grad(squared_slope)(x) * x


@adjoint.checkpoint
def checkpointed_energy(x):
    return np.sum(np.sin(x) ** 3)


def gradient_of_checkpointed(x):
    return np.sum(adjoint.grad(checkpointed_energy)(x) * x)


def power_sum(x, n):
    return np.sum(x ** n)


def integer_power_gradient(x, n):
    return np.sum(adjoint.grad(power_sum)(x, n) ** 2)


def helper_force(q):
    return -adjoint.grad(log_cosh_energy)(q)


def force_from_helper(q):
    f = helper_force(q)
    return np.sum(f ** 2) + np.sum(q * f)


def branch_on_gradient(x):
    g = adjoint.grad(log_cosh_energy)(x)
    if np.sum(g) > 0:
        return np.sum(g ** 2)
    return np.sum(np.sin(g))


def gradients_in_comprehension(xs):
    gs = [adjoint.grad(log_cosh_energy)(x) for x in xs]
    return sum(np.sum(g * g) for g in gs)


def rk2_energy(q, p):
    """Midpoint (RK2) steps of Hamilton's equations; the energy where they end."""
    h = 0.1
    for _ in range(3):
        k1q = adjoint.grad(hamiltonian, wrt=1)(q, p)
        k1p = -adjoint.grad(hamiltonian, wrt=0)(q, p)
        k2q = adjoint.grad(hamiltonian, wrt=1)(q + 0.5 * h * k1q, p + 0.5 * h * k1p)
        k2p = -adjoint.grad(hamiltonian, wrt=0)(q + 0.5 * h * k1q, p + 0.5 * h * k1p)
        q = q + h * k2q
        p = p + h * k2p
    return hamiltonian(q, p)


class Model:
    def __init__(self, scale):
        self.scale = scale

    def energy(self, x):
        return self.scale * np.sum(np.cosh(x))

    def penalty(self, x):
        return np.sum(adjoint.grad(self.energy)(x) ** 2)


MODEL = Model(0.7)


def method_penalty(x):
    return MODEL.penalty(x)


def mixed_partial_sum(x, y):
    return np.sum(adjoint.grad(two_argument_energy, wrt=1)(x, y) * x)


def integer_first_argument(x):
    return adjoint.grad(mixed_product, wrt=1)(2, x) * x


def mixed_product(a, b):
    return a * b ** 3 + np.sin(a * b)


def shifted_in_place(x):
    y = x.copy()
    y[1:] *= y[:-1]  # <- shifted-write
    y[0] += 1.0
    return np.sum(np.sin(y) * x)


def in_place_penalty(x):
    return np.sum(adjoint.grad(shifted_in_place)(x) ** 2)  # <- in-place-inner


def negative_hamiltonian(q, p):
    return -hamiltonian(q, p)


def closure_penalty(x, y):
    """The input gradient of a function closing over x, differentiated in x: refused."""
    def inner(z):
        return np.sum(np.sin(z * x))
    return np.sum(adjoint.grad(inner)(y) ** 2)  # <- closure-over-a-variable


def lambda_penalty(x, y):
    return np.sum(adjoint.grad(lambda z: np.sum(np.sin(z * x)))(y) ** 2)  # <- lambda-over-a-variable


def aux_loss(x):
    return np.sum(x ** 3), np.max(x)


def aux_in_body(x):
    (v, aux), g = adjoint.value_and_grad(aux_loss, has_aux=True)(x)  # <- has-aux-in-a-body
    return v + aux * np.sum(g)


def doubles_first(x):
    x[0] = x[0] * 2.0
    return np.sum(x ** 3)


def writing_callee_gradient(x):
    g = adjoint.grad(doubles_first)(x)  # <- writing-callee
    return np.sum(g * x)


def same_array_twice(x):
    """Both gradients of a two-argument energy at the same array."""
    gx, gy = adjoint.grad(two_argument_energy, wrt=(0, 1))(x, x)
    return np.sum(gx * gy)


def nested_fixed_point(theta):
    """The gradient of a fixed point found by a while loop with a break, in a body."""
    return np.sum(adjoint.grad(fixed_point_until_converged)(theta) * theta)


def penalty_of(energy, x):
    """The input-gradient penalty of an energy the caller passes (bound with functools.partial)."""
    g = adjoint.grad(energy)(x)  # <- gradient-of-an-argument
    return np.sum(g ** 2)


def padded_products(x):
    y = np.zeros(x.shape[0] + 2)
    y[1:-1] = x ** 2
    y[0] = x[1] * x[2]
    return np.sum(y[:-1] * y[1:] * np.exp(-y[1:]))


# Energies whose input-gradient penalty (penalty_of) is differentiated: NumPy's rules at second and third order.

REPEATED = np.array([0, 2, 2, 4, 0, 1])


def repeated_indices(x):
    return np.sum(np.sin(x[REPEATED]) * x[REPEATED] ** 2)


def cumulative(x):
    return np.sum(np.cumsum(x) ** 3) + np.sum(np.cumprod(x) * x)


def solve_and_slogdet(x):
    A = np.outer(x, x) + 3.0 * np.eye(x.shape[0])
    return np.sum(np.linalg.solve(A, x)) + np.linalg.slogdet(A)[1]


def softmax_cross_entropy(x):
    m = np.max(x)
    e = np.exp(x - m)
    p = e / np.sum(e)
    return -np.log(p[1]) + np.sum(p ** 2)


def norms(x):
    return np.linalg.norm(x) ** 3 + np.linalg.norm(np.outer(x, x + 1.0))


def einsum_traces(x):
    M = np.einsum("i,j->ij", x, np.cos(x))
    return np.einsum("ij,ji->", M, M) + np.einsum("ii", M) ** 2


def stacked_rows(x):
    rows = []
    for i in range(3):
        rows.append(x * (i + 1.0) + np.sin(x))
    return np.sum(np.stack(rows) ** 3)


def sorted_weights(x):
    s = np.sort(x)
    return np.sum(s * np.arange(1.0, x.shape[0] + 1) ** 2 * s)


def where_and_maximum(x):
    return np.sum(np.where(x > 0.1, x ** 3, np.sin(x))) + np.sum(np.maximum(x, 0.2) ** 2)


def inverse_and_det(x):
    A = np.outer(x, x) + np.diag(np.exp(x))
    return np.trace(np.linalg.inv(A)) + np.linalg.det(A)


def take_and_roll(x):
    return np.sum(np.roll(x, 2) * np.take(x, [1, 1, 3]).sum() * np.flip(x) ** 2)


def energy_and_force(x):
    """A dict of the energy and the force from its gradient."""
    return {"energy": log_cosh_energy(x), "force": -adjoint.grad(log_cosh_energy)(x)}


def hamiltonian_flow(state):
    """Hamilton's vector field (dH/dp, -dH/dq) of the state (q, p) stacked."""
    q, p = state[:3], state[3:]
    return np.concatenate([adjoint.grad(hamiltonian, wrt=1)(q, p), -adjoint.grad(hamiltonian, wrt=0)(q, p)])


def squared_force(x):
    return np.sum(adjoint.grad(log_cosh_energy)(x) ** 2)


WEIGHTS = np.array([1.0, 2.0, 3.0, -1.0, 0.5])


def weighted(x, w):
    return np.sum(x * WEIGHTS[::-1]) + np.sum(x * w)


def constant_gradient_scaled_in_place(x, w):
    """A gradient that equals a global and an argument, scaled in place: neither may change."""
    g = adjoint.grad(weighted)(x, w)
    g *= 3.0
    return np.sum(g * x ** 2) + np.sum(WEIGHTS * w)
