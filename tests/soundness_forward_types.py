"""Soundness: tangents keep their primal's shape; adjoints no path reached; einsum subscripts.

- Broadcasting in forward mode: the tangent of `X - m` with only m differentiated is `-dm`,
  shaped like m; a transpose, reshape, matmul or reduction over an axis after it read it
  wrongly (a wrong tangent, an asymmetric Hessian) or failed.
- Adjoints of unknown type: an adjoint starts as the symbolic zero `0.0`; a covariance
  update never read at the end handed it to `A @ P`'s adjoint (or a solve's, an einsum's,
  a reshape's), which needs an array.
- einsum with a repeated index (a trace, a diagonal), over a size-1 broadcast axis, with `...`:
  its adjoint failed when the gradient was called. The operand-list form
  (`np.einsum(a, [0, 1], b, [1, 2])`) is refused at its line.
"""
from __future__ import annotations

import numpy as np

from adjoint import NonDifferentiableError
from soundness import Exact, Refused

X = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
W = np.cos(np.arange(12.0)).reshape(4, 3)
SQUARE = np.array([[1.0, 2.0], [3.0, 4.0]])
A = np.eye(4) * 4.0 + np.sin(np.arange(16.0)).reshape(4, 4)
B = np.cos(np.arange(4.0 * 6)).reshape(4, 6)


def vector(size):
    return lambda rng: (rng.normal(size=size),)


# ----- forward mode and broadcasting ----------------------------------------------------------


def transposed_difference(m):
    return np.sum((np.ones((2, 2)) - m).T * SQUARE)


def sine_of_transposed_difference(m):
    return np.sum(np.sin((X - m).T) * W)


def reshaped_difference(m):
    return np.sum(np.sin(np.reshape(X - m, (4, 3))) * W)


def matmul_of_broadcast_sum(m):
    return np.sum(np.tanh((m + X) @ A) ** 2)


def solve_of_transposed_difference(m):
    return np.sum(np.linalg.solve(A, np.sin((X - m).T)) ** 2)


def column_minus_matrix_transposed(m):
    return np.sum(np.cos(np.transpose(m[:, None] - X[:, :1] * 2.0)) * np.arange(3.0))


def axis_sum_of_broadcast_product(m):
    return np.sum(np.sum(np.exp(0.5 * X - m[:, None]), axis=1) ** 2)


def scalar_plus_matrix_cumsum(s):
    return np.sum(np.cumsum(np.transpose(s + X)) ** 2)


def broadcast_quotient_swapped(m):
    return np.sum(np.swapaxes(np.sin(X / (2.0 + m)), 0, 1) @ np.arange(3.0))


def kept_dims_mean_difference(m):
    centred = X - np.mean(X, axis=1, keepdims=True) * m
    return np.sum(np.tanh(centred.T @ centred))


def remainder_transposed(m):
    return np.sum(np.sin(np.transpose(m % (X + 3.0))) * W)


def einsum_of_broadcast_difference(m):
    return np.sum(np.einsum("ij,jk->ik", np.sin(X - m), W) ** 2)


def row_written_into_broadcast_difference(m):
    Y = X - m
    Y[0] = 2.0 * m
    return np.sum(np.sin(Y.T) * np.arange(3.0))


def shifted(m):
    return X * 2.0 + m


def called_then_transposed(m):
    return np.sum(np.cumsum(shifted(m).T) ** 2)


def number_plus_matrix_weighted(s, m):
    Z = s + X
    return np.sum(np.cumsum(Z.T, axis=0) * m[:, None])


# ----- adjoints of unknown type ----------------------------------------------------------------


def riccati_sum(q):
    P = np.eye(2)
    s = 0.0
    for i in range(3):
        s = s + P[0, 0] * q
        A = np.eye(2) - q * P
        P = A @ P
    return s


def kalman_likelihood(q, ys):
    x = np.zeros(2)
    P = np.eye(2)
    F = np.array([[1.0, 1.0], [0.0, 1.0]])
    H = np.array([[1.0, 0.0]])
    total = 0.0
    for y in ys:
        x = F @ x
        P = F @ P @ F.T + q * np.eye(2)
        S = H @ P @ H.T + 0.5
        K = P @ H.T / S[0, 0]
        r = y - (H @ x)[0]
        total = total + np.log(S[0, 0]) + r * r / S[0, 0]
        x = x + K[:, 0] * r
        P = (np.eye(2) - K @ H) @ P
    return total


def unused_last_matmul(x):
    M = np.outer(x, x)
    total = 0.0
    for i in range(3):
        total = total + np.sum(M) * x[0]
        M = M @ M / 4.0
    return total


def unused_solve(x):
    v = x * 1.0
    total = 0.0
    for i in range(3):
        total = total + np.sum(v ** 2)
        v = np.linalg.solve(A, v)
    return total


def unused_inverse(x):
    M = np.diag(x) + 3.0 * np.eye(4)
    total = 0.0
    for i in range(2):
        total = total + np.trace(M)
        M = np.linalg.inv(M)
    return total


def unused_einsum(x):
    M = np.outer(x, x)
    total = 0.0
    for i in range(3):
        total = total + M[1, 2]
        M = np.einsum("ij,jk->ik", M, A) / 5.0
    return total


def unused_transpose_and_reshape(x):
    M = np.reshape(x * 1.0, (2, 2))
    total = 0.0
    for i in range(3):
        total = total + np.sum(np.sin(M)) * M[0, 1]
        M = np.reshape(M.T * 0.5, (2, 2))
    return total


def unused_axis_sum(x):
    M = np.outer(x, x)
    total = 0.0
    for i in range(2):
        total = total + M[0, 0]
        v = np.sum(M, axis=0)
        M = np.outer(v, x)
    return total


def unused_on_one_branch(x, flag):
    M = np.outer(x, x)
    if flag > 0.0:
        M = M @ A
    else:
        M = np.reshape(M, (16,))
    return np.sum(x ** 2)


def constant_item_of_a_list(x):
    items = [SQUARE, x * 2.0]
    first = items[0]
    return np.sum((first @ SQUARE) * x[0, 0]) + np.sum(np.reshape(items[0], (4,)) * x[1, 1])


def constant_popped_from_a_list(x):
    items = [x * 2.0, SQUARE]
    last = items.pop()
    return np.sum((last @ items[0]) * x[0, 1])


def unread_straight_line(x):
    M = np.outer(x, x)
    N = M @ A
    R = np.reshape(N, (2, 8))
    return np.sum(M)


# ----- einsum: repeated indices, size-1 broadcast axes ---------------------------------------------


def einsum_trace(M):
    return np.einsum("ii->", M) * np.sum(M)


def einsum_diagonal(M):
    return np.sum(np.einsum("ii->i", M) ** 2)


def einsum_with_a_diagonal_operand(M):
    return np.sum(np.sin(np.einsum("ij,jj->i", M, M)))


def einsum_diagonal_of_a_stack(M):
    return np.sum(np.einsum("iij->ij", np.reshape(M, (3, 3, 1)) * M) ** 2)


def einsum_repeated_outer_index(T):
    return np.einsum("iji,j->", T, np.arange(2.0)) ** 2


def einsum_over_a_size_one_axis(T):
    return np.sum(np.einsum("ijk,jk->ij", T, np.cos(np.arange(12.0)).reshape(4, 3)) ** 2)


def einsum_size_one_operand(M):
    return np.sum(np.einsum("ij,jk->ik", M[:, :1], np.tanh(M[:2, :])) ** 2)


def einsum_broadcasting_both(x):
    column = np.reshape(x[:3], (3, 1))
    row = np.reshape(x[3:], (1, 4))
    return np.sum(np.einsum("ij,ij->i", column, row * X) ** 2)


def einsum_batched_trace(T):
    return np.sum(np.einsum("...ii->...", T) ** 2)


def einsum_implicit_ellipsis(T):
    return np.sum(np.sin(np.einsum("...ij,jk", T, W)))


def einsum_operand_list_form(M):
    return np.sum(np.einsum(M, [0, 1], M, [1, 2]))  # <- operand list


def einsum_operand_list_form_constant_first(M):
    return np.sum(np.einsum(SQUARE, [0, 1], M, [1, 2]))  # <- constant first


CASES = [
    Exact(transposed_difference, vector(2)),
    Exact(sine_of_transposed_difference, vector(4)),
    Exact(reshaped_difference, vector(4)),
    Exact(matmul_of_broadcast_sum, vector(4)),
    Exact(solve_of_transposed_difference, vector(4)),
    Exact(column_minus_matrix_transposed, vector(3)),
    Exact(axis_sum_of_broadcast_product, vector(3)),
    Exact(scalar_plus_matrix_cumsum, lambda rng: (float(rng.normal()),)),
    Exact(broadcast_quotient_swapped, vector(4)),
    Exact(kept_dims_mean_difference, vector(4)),
    Exact(remainder_transposed, lambda rng: (rng.uniform(0.5, 1.5, size=4),)),
    Exact(einsum_of_broadcast_difference, vector(4)),
    Exact(row_written_into_broadcast_difference, vector(4)),
    Exact(called_then_transposed, vector(4)),
    Exact(number_plus_matrix_weighted, lambda rng: (0.3, rng.normal(size=4))),
    Exact(riccati_sum, lambda rng: (0.3,)),
    Exact(kalman_likelihood, lambda rng: (0.4, list(rng.normal(size=4)))),
    Exact(unused_last_matmul, vector(3)),
    Exact(unused_solve, vector(4)),
    Exact(unused_inverse, lambda rng: (rng.uniform(0.5, 1.5, size=4),)),
    Exact(unused_einsum, vector(4)),
    Exact(unused_transpose_and_reshape, vector(4)),
    Exact(unused_axis_sum, vector(3)),
    Exact(unused_on_one_branch, lambda rng: (rng.normal(size=4), 1.0), id="unused_on_one_branch[matmul]"),
    Exact(unused_on_one_branch, lambda rng: (rng.normal(size=4), -1.0), id="unused_on_one_branch[reshape]"),
    Exact(unread_straight_line, vector(4)),
    Exact(constant_item_of_a_list, lambda rng: (rng.normal(size=(2, 2)),)),
    Exact(constant_popped_from_a_list, lambda rng: (rng.normal(size=(2, 2)),)),
    Exact(einsum_trace, lambda rng: (rng.normal(size=(3, 3)),)),
    Exact(einsum_diagonal, lambda rng: (rng.normal(size=(3, 3)),)),
    Exact(einsum_with_a_diagonal_operand, lambda rng: (rng.normal(size=(3, 3)),)),
    Exact(einsum_diagonal_of_a_stack, lambda rng: (rng.normal(size=(3, 3)),)),
    Exact(einsum_repeated_outer_index, lambda rng: (rng.normal(size=(3, 2, 3)),)),
    Exact(einsum_over_a_size_one_axis, lambda rng: (rng.normal(size=(2, 4, 1)),)),
    Exact(einsum_size_one_operand, lambda rng: (rng.normal(size=(3, 4)),)),
    Exact(einsum_broadcasting_both, vector(7)),
    Exact(einsum_batched_trace, lambda rng: (rng.normal(size=(2, 3, 3)),)),
    Exact(einsum_implicit_ellipsis, lambda rng: (rng.normal(size=(2, 3, 4)),)),
    Refused(einsum_operand_list_form, (np.ones((2, 2)),), NonDifferentiableError, "operand list"),
    Refused(einsum_operand_list_form_constant_first, (np.ones((2, 2)),), NonDifferentiableError, "constant first"),
]
