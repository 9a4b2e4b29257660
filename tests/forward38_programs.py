"""Programs for forward mode and second order (tests/test_forward38_programs.py): views and layout
(transposes, reshapes, swapaxes, moveaxis, strided and negative slices, broadcast_to, einsum with
implicit outputs, tensordot, `@` of 1-D and 3-D operands), writes in place into arrays and lists,
control flow (while with break and continue, for-else, nested loops, a return inside a loop),
containers as arguments and results (tuples, lists, dicts, NamedTuples, dataclasses), functions as
values (lambdas, closures, functools.partial, a function argument's default), NumPy's special
functions and np.linalg, and the examples of JAX's autodiff cookbook written in NumPy (a Newton
step, grad of grad, per-example gradients in a loop, a Gauss-Newton product)."""
from __future__ import annotations

import dataclasses
import functools
import math
from typing import NamedTuple

import numpy as np

import adjoint


# ----- views and layout -------------------------------------------------------------------------

def transpose_product(A, x):
    return np.sum(np.tanh(A.T @ x) ** 2) + x @ A @ A.T @ x


def reshape_and_ravel(x):
    m = x.reshape(2, 3)
    return np.sum(np.sin(m.ravel()) * m.T.ravel()) + np.sum(m.reshape(-1, 2) ** 3)


def swapped_axes(t):
    s = np.swapaxes(t, 0, 2)
    return np.sum(s[0] * s[-1]) + np.sum(np.cos(s) * np.arange(s.size).reshape(s.shape))


def moved_axes(t):
    m = np.moveaxis(t, 0, -1)
    return np.sum(m[..., 0] ** 2 * m[..., 1]) + np.sum(np.exp(0.1 * m.transpose(2, 0, 1)[1]))


def strided_slices(x):
    return np.sum(x[::2] * x[1::2] ** 2) + np.sum(x[::-1][:3] * x[-3:]) + x[-1] * x[-2::-2][0]


def negative_steps(x):
    head = x[-2:0:-2]
    return np.sum(head * np.sin(x[1:-1:2])) + np.sum(x[::-3] ** 3)


def broadcast_rows(x, W):
    B = np.broadcast_to(x, W.shape)
    return np.sum(np.tanh(B * W)) + np.sum(B.T @ W)


def einsum_implicit(A, B, c):
    chain = np.einsum("ij,jk,k", A, B, c)
    return np.sum(chain ** 2) + np.einsum("ij,ij", A, A) * np.einsum("i,i", c, c)


def einsum_trace_and_outer(A, x):
    outer = np.einsum("i,j", x, x)
    return np.einsum("ii", A @ outer) + np.sum(np.einsum("ij->ji", A) * outer) + np.einsum("ij,j", A, x) @ x


def tensordot_axes(T, M):
    contracted = np.tensordot(T, M, axes=([1, 2], [0, 1]))
    return np.sum(np.sin(contracted)) + np.sum(np.tensordot(M, M.T, axes=1) ** 2)


def matmul_one_and_three(T, x):
    left = x @ T
    right = T @ x[:3]
    return np.sum(left ** 2) + np.sum(np.tanh(right)) + np.sum(T @ T.transpose(0, 2, 1))


def batched_matmul(T, M):
    return np.sum(np.sin(T @ M)) + np.sum((M.T @ T.transpose(0, 2, 1)) ** 2)


# ----- writes in place ----------------------------------------------------------------------------

def augmented_copy(x):
    y = x.copy()
    y += np.sin(x)
    y *= x
    y -= 0.5
    y /= 1.0 + x ** 2
    return np.sum(y ** 2)


def slice_assignment(x):
    y = np.zeros(x.shape[0] + 1)
    y[1:] = x * 2.0
    y[0] = x[0] ** 3
    y[::2] = y[::2] * x[0]
    return np.sum(np.sin(y))


def put_by_indices(x):
    y = np.zeros(6)
    y[[0, 2, 4]] = x[:3] ** 2
    y[[5, 1]] = np.exp(x[3:5])
    y[3] = x[0] * x[4]  # <- item-after-fancy
    np.add.at(y, [0, 0, 5], x[[1, 2, 3]])
    return np.sum(y * np.cos(y))


def appended_then_array(x):
    rows = []
    for i in range(3):
        rows.append(x[i:i + 3] * (i + 1.0))
    rows.append(np.sin(x[:3]))
    m = np.array(rows)
    return np.sum(m @ m.T)


def list_items_rewritten(x):
    items = [x[0], x[1], x[2]]
    items[0] = items[0] * items[1]
    items[2] += items[0]
    items.append(items[2] * x[3])
    return sum(v ** 2 for v in items)


def strided_updates_in_loop(x):
    y = x * 1.0
    for _ in range(3):
        y[::2] += 0.3 * np.tanh(y[1::2])
    return np.sum(y ** 2)


def matrix_row_updates(A):
    B = A.copy()
    for i in range(1, B.shape[0]):
        B[i] = B[i] - 0.5 * B[i - 1] * B[i, 0]  # <- row-update
    B[:, -1] *= 2.0
    return np.sum(B ** 2)


# ----- control flow -------------------------------------------------------------------------------

def while_with_break(x):
    s = x
    n = 0
    while True:
        s = s * 0.7 + math.sin(s)
        n += 1
        if n >= 6:
            break
    return s * x


def while_with_continue(x):
    total = 0.0
    i = 0
    while i < 7:
        i += 1
        if i % 3 == 0:
            continue
        total = total + math.exp(-0.1 * i * x) * x
    return total


def for_else(x):
    y = x
    for i in range(5):
        y = y * math.cos(0.1 * y)
        if y > 100.0:
            break
    else:
        y = y + x ** 2
    return y


def nested_loops(x):
    total = 0.0
    for i in range(x.shape[0]):
        for j in range(i):
            total = total + np.sin(x[i] * x[j]) * (i - j)
    return total


def return_inside_loop(x):
    s = 0.0
    for i in range(10):
        s = s + x[i % x.shape[0]] ** 2
        if s > 2.0:
            return s * np.sum(x)
    return -s


def nested_while(x):
    y = x
    i = 0
    while i < 3:
        j = 0
        while j < i + 1:
            y = y + 0.1 * math.tanh(y * (j + 1))
            j += 1
        i += 1
    return y * y


# ----- containers ---------------------------------------------------------------------------------

def tuple_argument(pair):
    a, b = pair
    return np.sum(a * np.sin(b)) + pair[0][0] ** 2


def list_argument(xs):
    total = 0.0
    for k, x in enumerate(xs):
        total = total + (k + 1.0) * np.sum(x ** 2)
    return total * xs[-1][0]


def dict_argument(p):
    return np.sum(np.tanh(p["W"] @ p["x"] + p["b"])) + p["s"] ** 2


def tuple_result(x):
    return np.sin(x) * x[0], np.sum(x ** 2)


def dict_result(x):
    return {"u": np.exp(x[:2]), "v": x[2] * x[0]}


class Gaussian(NamedTuple):
    mean: np.ndarray
    log_std: float


def namedtuple_argument(q, samples):
    z = (samples - q.mean) / np.exp(q.log_std)
    return np.sum(0.5 * z ** 2 + q.log_std)


@dataclasses.dataclass
class Spring:
    k: float
    rest: np.ndarray


def dataclass_argument(s, x):
    stretch = x - s.rest
    return 0.5 * s.k * np.sum(stretch ** 2) + np.sum(np.sin(s.rest) * x)


def nested_container(p):
    total = 0.0
    for W, b in p["layers"]:
        total = total + np.sum(np.tanh(W * b))
    return total * p["scale"]


# ----- functions as values ------------------------------------------------------------------------

def local_lambda(x):
    f = lambda v: np.sin(v) * v  # noqa: E731
    return np.sum(f(x) * f(x[::-1]))


def closure_over_array(x, W):
    def layer(h):
        return np.tanh(W @ h)
    return np.sum(layer(layer(x)) ** 2)


def shifted_cube(x, shift):
    return np.sum((x - shift) ** 3)


def partial_inside(x):
    f = functools.partial(shifted_cube, shift=0.3)
    return f(x) + f(x * x)


def apply_with_default(x, act=np.tanh):
    return np.sum(act(x) * x)


def defaults_calling(x):
    return apply_with_default(x) + apply_with_default(x, np.sin)


def reduce_with_lambda(x):
    return functools.reduce(lambda a, b: a * b + math.sin(a), [x[0], x[1], x[2]], 1.0)


def affine(W, *inputs):
    return sum(W[i] * v for i, v in enumerate(inputs))


def varargs_and_recursion(x, depth=4):
    """A callee taking *inputs, and one calling itself twice per level."""
    if depth <= 1:
        return affine(np.array([0.5, -1.0, 2.0]), x, x * x, math.sin(x))
    return varargs_and_recursion(x, depth - 1) * 0.5 + math.sin(varargs_and_recursion(x, depth - 2))


# ----- special functions and np.linalg ------------------------------------------------------------

def arctan2_hypot(x, y):
    return np.sum(np.arctan2(x, y) * np.hypot(x, y))


def log1p_expm1(x):
    return np.sum(np.log1p(x ** 2) * np.expm1(0.5 * x))


def clip_maximum_where(x):
    c = np.clip(x, -0.8, 0.8)
    m = np.maximum(x, 0.1 * x)
    w = np.where(x > 0.0, x ** 2, np.sin(x))
    return np.sum(c * m + w ** 2)


def abs_away_from_zero(x):
    return np.sum(np.abs(x) ** 1.5) + np.sum(np.abs(x * x[::-1]))


def math_scalars(x, y):
    return math.atan2(x, y) * math.hypot(x, y) + math.log1p(x * x) * math.expm1(y)


def linear_solve(A, b):
    s = np.linalg.solve(A, b)
    return np.sum(s ** 2) + np.sum(np.linalg.solve(A, np.outer(b, b)))


def inverse_and_det(A):
    return np.sum(np.linalg.inv(A) ** 2) + np.linalg.det(A) ** 2


def norms(x, A):
    return np.linalg.norm(x) + np.linalg.norm(A) * np.linalg.norm(A @ x, 1) + np.linalg.norm(x, np.inf)


def cholesky_logdet(A):
    S = A @ A.T + 3.0 * np.eye(A.shape[0])
    L = np.linalg.cholesky(S)
    return 2.0 * np.sum(np.log(np.diag(L))) + np.sum(L ** 2)


def slogdet_quadratic(A, x):
    S = A @ A.T + np.eye(A.shape[0])
    sign, logdet = np.linalg.slogdet(S)
    return sign * logdet + x @ np.linalg.solve(S, x)


def stacked_linalg(T, b):
    """np.linalg over a stack of matrices: inverses, determinants, slogdet and batched solves."""
    sign, logdet = np.linalg.slogdet(T)
    solved = np.linalg.solve(T, b[..., None])[..., 0]
    return np.sum(np.linalg.inv(T) ** 2) + np.sum(np.linalg.det(T) ** 2) + np.sum(sign * logdet) + np.sum(solved * b)


def gaussian_nll(mu, L, xs):
    """The negative log-likelihood of points under N(mu, L L^T + I)."""
    S = L @ L.T + np.eye(L.shape[0])
    C = np.linalg.cholesky(S)
    total = 0.0
    for x in xs:
        r = np.linalg.solve(C, x - mu)
        total = total + 0.5 * r @ r
    return total + xs.shape[0] * np.sum(np.log(np.diag(C)))


# ----- JAX's autodiff cookbook, in NumPy ----------------------------------------------------------

def tanh_scalar(x):
    return np.tanh(x) * x ** 2


def cookbook_loss(W, b, X, y):
    """The cookbook's logistic regression."""
    p = 0.5 * (np.tanh(X @ W + b) + 1.0)
    return -np.sum(np.log(p * y + (1.0 - p) * (1.0 - y)))


def newton_iterations(x):
    """Newton's method on f'(x) = 0 from x: its result as a function of the start."""
    for _ in range(3):
        x = x - adjoint.grad(rosen_scalar)(x) / adjoint.grad(adjoint.grad(rosen_scalar))(x)
    return x


def rosen_scalar(x):
    return (1.0 - x) ** 2 + 0.5 * (x - x ** 2) ** 2 + math.cos(x)


def per_example_gradients(W, X, y):
    """Sum over examples of the squared norm of each example's gradient, by a Python loop."""
    total = 0.0
    for i in range(X.shape[0]):
        g = adjoint.grad(example_loss)(W, X[i], y[i])
        total = total + np.sum(g ** 2)
    return total


def example_loss(W, x, t):
    return (np.tanh(x @ W) - t) ** 2


def gradient_norm_of_second(x):
    """grad of grad inside: a curvature penalty."""
    return adjoint.grad(adjoint.grad(tanh_scalar))(x) ** 2 + tanh_scalar(x)


def gauss_newton_residuals(theta, ts):
    """The residuals of an exponential decay model, a vector function."""
    return theta[0] * np.exp(-theta[1] * ts) - np.cos(ts)


def implicit_layer(x, W):
    """A fixed point z = tanh(W z + x) iterated; its sum."""
    z = np.zeros_like(x)
    for _ in range(25):
        z = np.tanh(W @ z + x)
    return np.sum(z * x)


def crossed_clip_bounds(x, low, high):
    """np.clip where some lower bounds exceed the upper ones: NumPy gives min(max(x, low), high), the
    upper bound there whatever x is."""
    return np.sum(np.clip(x, low, high) ** 2 * np.arange(1.0, x.shape[0] + 1.0)) + np.sum(x.clip(low, high) * low)


def crossed_clip_scalar(x, low, high):
    return np.clip(x, low, high) ** 3 + np.clip(2.0 * x, low, high) * low


KNOTS = np.array([0.0, 0.5, 1.0, 2.0])


def interp_literal_ends(x, fp):
    """np.interp given literal values outside the knots (`left=-1.0`)."""
    inside = np.interp(x, KNOTS, fp, left=-1.0, right=2.5)
    return np.sum(inside ** 2 * x) + np.sum(np.interp(x, KNOTS, fp, right=None) * fp[1])


def doubled_entries(v):
    """`v + v` and an item of a copy: a tangent given as a number, a smaller array or a list."""
    w = v * 1.0
    return np.sum(v + v) + np.max(v + v) + w[0, 1] * 3.0 + np.sum(np.sin(w) * v)


def doubled_mean(q):
    return np.sum(q.mean + q.mean) * q.log_std + np.sum(np.sin(q.mean))


def doubled_rest(s):
    return np.sum(s.rest + s.rest) * s.k


def doubled_items(p):
    return np.sum(p["W"] + p["W"]) * p["s"] + np.sum(p["x"] ** 2)


def doubled_first(xs):
    return np.sum(xs[0] + xs[0]) * np.sum(xs[1])


def weighted_spectrum(x):
    """Weights from a complex array's size and shape (real numbers whatever its dtype)."""
    F = np.fft.rfft(x)
    weights = np.arange(F.size) / F.shape[0] + F.ndim
    return np.sum(np.abs(F) ** 2 * weights) + np.sum(F.real * F.imag)


def widened_float32(x):
    """A float32 rounding of x, made a Python float again by float() and by math: the value's
    difference from x's own terms is float32's rounding error, and so is the derivative."""
    r = np.float32(x)
    return float(r) * x - x * x + (math.sin(r) - math.sin(x)) + 0.5 * (math.exp(r) - math.exp(x))


def widened_float32_slope(x):
    r = float(np.float32(x))
    return r - x + (math.cos(r) - math.cos(x)) + 0.5 * (math.exp(r) - math.exp(x))


def largest_by_key(x):
    """max over enumerate with a key: the derivative lists the pairs and pops them back in its
    adjoint sweep."""
    i, v = max(enumerate(x), key=lambda t: t[1] ** 2)
    return v * i + v ** 3 + np.sum(np.sin(x))


def sorted_pairs(x, y):
    """sorted over zip with a key: pairs listed, then popped back in the adjoint sweep."""
    return sum(a * b + a ** 3 for a, b in sorted(zip(x, y), key=lambda t: t[1]))
