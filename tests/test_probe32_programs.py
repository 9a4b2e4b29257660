"""Programs written as their users write them (integrators, solvers, filters, models, Python's
own forms), and the shapes among them that adjoint refused or explained in its own terms.

What was wrong:
- `*` of a sequence whose length the source fixes was refused in every call and display
  ("starred expressions (`*x`) are not supported"): `f(*(x, y))`, `t = (x, y, x * y); f(*t)`,
  `vals = [x, y]; total(*vals)`, `np.full((*shape,), x)`. A display spread is its items, and a
  name bound once to a display (a list only where nothing but such spreads reads it) is spread
  as its items read by position (normalize/starred.py); any other `*` is refused as before.
- a tangent (jvp, and hvp's forward pass) of a sum whose one operand has a zero tangent was given
  the other operand's shape where NumPy broadcasts the sum wider: `y = np.zeros(3); y = y + b` of a
  number b, or `y = np.zeros((3, 2)); y += b` of a row b, had the tangent of b itself, so
  `np.sum(y)`'s tangent was b's (1.0 for 3.0, 2.0 for 6.0) without a word, and a write into an item
  of y after it raised ValueError inside the derivative. The optimizer took the zero out of the sum
  (`zeros_like(y) + db` -> `db`); in forward mode the sum keeps its primal's shape now
  (`tangent_like(db, y)`, optimize/zeros.py).
- `sorted(range(len(xs)), key=lambda i: abs(xs[i]))` and `max(range(n), key=lambda i: s[i])` (the
  positions that order a list, a key reading the function's variables) were refused ("this lambda
  reads `xs` ... it can be passed only to a Python function that adjoint differentiates"): the
  rewrite of a keyed sorted/max/min took only a sequence without calls, which `range(len(xs))`
  is not, though it gives the same items, with no effect, each time (normalize/keyed.py).
- a second derivative (hvp, hessian, grad of grad) of a program writing into an array or list in
  place (`u[0] = 0.0` in a heat-equation step, `acc[i] += ...` in an n-body loop, `K[i, j] = ...`
  filling a kernel matrix, `xs[i] += 1.0`) was refused with a message naming the names of
  adjoint's own code ("memory that `_stack` may share", "`_t12`", "`_range2`"), which the user
  cannot find or act on. It says now, at the user's line, that the line writes in place and that
  second derivatives are not taken through it, and what to write instead (generated.py).
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode
from soundness import marked_line


# ----- `*` of a sequence of fixed length ---------------------------------------------------------

def sum_of_squares(*values):
    total = 0.0
    for v in values:
        total = total + v * v
    return total


def spread_display(x, y):
    return sum_of_squares(*(x, y)) + sum_of_squares(*[x * y, 2.0], y)


def spread_tuple_name(x, y):
    terms = (x, y, x * y)
    return sum_of_squares(*terms) + len(terms) * x


def spread_list_name(x, y):
    vals = [x, np.sin(y), x * y]
    return sum_of_squares(*vals) + sum_of_squares(x)


def spread_in_a_loop(x, y):
    total = 0.0
    for k in range(3):
        pair = (x * k, y)
        total = total + sum_of_squares(*pair, 1.0)
    return total


def spread_shape(x, y):
    shape = (2, 3)
    z = np.full((*shape,), x) * y
    return np.sum(z * z) + sum_of_squares(*shape) * x


def spread_into_a_display(a, b):
    parts = (a, b * 2.0)
    stacked = np.stack([*parts, a * b])
    return np.sum(np.tanh(stacked) ** 2)


@pytest.mark.parametrize("program", [spread_display, spread_tuple_name, spread_list_name, spread_in_a_loop,
                                     spread_shape])
@pytest.mark.parametrize("wrt", [0, 1])
def test_a_spread_of_fixed_length_is_differentiated(program, wrt):
    check_every_mode(program, (0.7, -1.3), wrt=wrt, peer=program)


@pytest.mark.parametrize("wrt", [0, 1])
def test_a_spread_into_a_display_of_arrays(wrt):
    args = (np.array([0.3, -0.5, 0.9]), np.array([1.1, 0.2, -0.4]))
    check_every_mode(spread_into_a_display, args, wrt=wrt, peer=spread_into_a_display)


def list_changed_then_spread(x, y):
    vals = [x, y]
    vals.append(x * y)
    return sum_of_squares(*vals)  # <- spread of a changed list


def bound_in_two_branches(x, y):
    if x > 0:
        vals = (x, y)
    else:
        vals = (y,)
    return sum_of_squares(*vals)  # <- spread of two bindings


@pytest.mark.parametrize("program, marker", [(list_changed_then_spread, "spread of a changed list"),
                                             (bound_in_two_branches, "spread of two bindings")])
def test_a_spread_of_a_length_the_source_does_not_fix_is_refused_at_its_line(program, marker):
    with pytest.raises(adjoint.UnsupportedSyntaxError) as caught:
        adjoint.grad(program)(0.7, -1.3)
    assert caught.value.lineno == marked_line(program, marker)


# ----- positions ordered by a key --------------------------------------------------------------------

def rank_weighted(xs, w):
    order = sorted(range(len(xs)), key=lambda i: abs(xs[i]))
    total = 0.0
    for rank, i in enumerate(order):
        total += (rank + 1) * xs[i] * w[rank]
    return total


def best_of(scores, values):
    n = len(scores)
    k = max(range(n), key=lambda i: scores[i] * values[i])
    last = min(range(1, n), key=lambda i: -scores[i])
    return values[k] ** 2 + scores[k] * values[last]


@pytest.mark.parametrize("program, args", [
    (rank_weighted, (np.array([0.5, -1.5, 0.3, 2.0]), np.array([1.0, 2.0, 3.0, 0.5]))),
    (best_of, (np.array([0.5, -1.5, 0.3, 2.0]), np.array([1.0, 2.0, 3.0, 0.5]))),
])
@pytest.mark.parametrize("wrt", [0, 1])
def test_positions_ordered_by_a_key_reading_the_functions_variables(program, args, wrt):
    check_every_mode(program, args, wrt=wrt, peer=program)
    as_lists = tuple(list(arg) for arg in args)
    check_every_mode(program, as_lists, wrt=wrt)


# ----- tangents of sums broadcast wider than their varied operand ----------------------------------

def offset_grid(b, x):
    y = np.zeros((3, 2))
    y += b
    y = y * x
    return np.sum(y)


def shifted_zeros(c):
    y = np.zeros(3)
    y = y + c
    return np.sum(y) + np.sum(np.sin(y))


def running_total(c, xs):
    total = np.zeros(4)
    total = total - c
    for x in xs:
        total = total + x * c
    return np.sum(total ** 2)


def bias_then_rows(x, b):
    y = np.zeros((3, 2))
    y += b
    y[1] += x
    y[:, 0] *= x[0]
    return np.sum(y ** 2)


@pytest.mark.parametrize("program, args, wrt, second_order", [
    (offset_grid, (np.array([0.3, 0.7]), 2.0), 0, True),
    (offset_grid, (np.array([0.3, 0.7]), 2.0), 1, True),
    (shifted_zeros, (0.5,), 0, True),
    (running_total, (0.5, [0.2, -0.4, 1.1]), 0, True),
    (bias_then_rows, (np.array([0.5, -1.5]), np.array([0.3, 0.7])), 1, False),
])
def test_a_tangent_keeps_the_shape_numpy_broadcasts_a_sum_to(program, args, wrt, second_order):
    in_place = program in (offset_grid, bias_then_rows)  # (which autograd does not run)
    check_every_mode(program, args, wrt=wrt, peer=None if in_place else program, second_order=second_order)


# ----- second derivatives of writes in place, said in the user's terms ----------------------------

def heat_equation(u0, alpha, steps=5):
    u = u0.copy()
    dx = 1.0 / (u.shape[0] - 1)
    for _ in range(steps):
        lap = np.zeros_like(u)
        lap[1:-1] = u[2:] - 2 * u[1:-1] + u[:-2]
        u = u + alpha * 1e-3 / dx ** 2 * lap
        u[0] = 0.0
        u[-1] = 0.0  # <- written: boundary
    return np.sum(u ** 2) * dx


def shifted_items(xs):
    for i in range(len(xs)):
        xs[i] += 1.0  # <- written: item
    return sum(v * v for v in xs)


def kernel_matrix(log_noise, X):
    n = X.shape[0]
    K = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            K[i, j] = math.exp(-0.5 * np.sum((X[i] - X[j]) ** 2))  # <- written: kernel
    K += np.exp(log_noise) * np.eye(n)
    L = np.linalg.cholesky(K)
    return np.sum(np.log(np.diag(L)))


SECOND_ORDER_CASES = [
    (heat_equation, (np.sin(np.linspace(0.0, np.pi, 6)) + 0.1 * np.arange(6), 0.5), "boundary"),
    (shifted_items, ([0.5, 1.5, -0.3],), "item"),
    (kernel_matrix, (-1.0, np.array([[0.0, 0.3], [1.0, -0.2], [0.4, 0.8]])), "kernel"),
]


@pytest.mark.parametrize("program, args, marker", SECOND_ORDER_CASES)
def test_a_second_derivative_through_a_write_in_place_is_refused_in_the_users_terms(program, args, marker):
    check_every_mode(program, args, second_order=False)  # first derivatives exact
    with pytest.raises(adjoint.AdjointError) as caught:
        adjoint.hessian(program)(*args)
    error = caught.value
    assert error.filename == __file__ and error.lineno == marked_line(program, "written: " + marker)
    assert "writes in place" in error.message and "second derivative" in error.message
    head = error.message.split(" (at <adjoint")[0]
    assert "`_" not in head and "d_t" not in head, head  # no name of adjoint's own code
