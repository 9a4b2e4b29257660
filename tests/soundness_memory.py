"""Soundness cases of saving less: rows of inputs read again in the adjoint sweep instead of
saved, and values read only for their shape saved as a shape-only stand-in (shapes that
change from step to step, broadcasting that sums, inputs written in place, aliases)."""
from __future__ import annotations

import numpy as np

from soundness import Exact


def _rnn_args(rng, steps=6):
    return rng.normal(size=(3, 4)) * 0.5, rng.normal(size=(4, 4)) * 0.5, rng.normal(size=(steps, 3)), rng.normal(size=4)


# ----- rows of inputs read again ------------------------------------------------------------

def rnn_steps(Wx, Wh, xs, h):
    for t in range(len(xs)):
        h = np.tanh(xs[t] @ Wx + h @ Wh)
    return np.sum(h * h)


def rows_of_a_matrix_and_a_slice(X, w):
    total = 0.0
    for t in range(X.shape[0] - 1):
        total = total + np.sum(np.sin(X[t, 1:] * w[1:]) * X[t + 1, :-1])
    return total


def rows_at_a_counter(xs, w):
    i = 0
    total = 0.0
    while i < len(xs):
        total = total + np.sum(np.tanh(xs[i] @ w))
        i = i + 1
    return total


def items_of_a_list_of_arrays(seq, W, h):
    for t in range(len(seq)):
        h = np.tanh(seq[t] @ W + h)
    return np.sum(h)


def rows_of_a_buffer_written_in_the_loop(x, w):
    buffer = np.zeros((3, 2))
    total = 0.0
    for t in range(3):
        buffer[t] = x * w + total
        total = total + np.sum(buffer[t] * w)
    return total


def rows_of_an_input_written_later(xs, w):
    xs = xs * 1.0
    total = 0.0
    for t in range(len(xs) - 1):
        total = total + np.sum(np.sin(xs[t] * w))
        xs[t + 1] = xs[t + 1] * total
    return total


# ----- values read only for their shape -----------------------------------------------------

def product_broadcast_over_rows(W, B, xs):
    total = 0.0
    for t in range(len(xs)):
        s = np.sin(xs[t] @ W + B)
        total = total + np.sum(s * s)
    return total


def shapes_change_between_steps(x, w, c):
    total = 0.0
    for k in range(1, len(x) + 1):
        v = np.outer(x[:k], w)
        total = total + np.sum(np.tanh(v + c))
    return total


def polynomial_of_arrays(x, coefficients):
    total = 0.0
    for c in coefficients:
        total = total * x + c
    return np.sum(total * total)


def polynomial_of_numbers(x, coefficients):
    total = 0.0
    for c in coefficients:
        total = total * x + c
    return total


def sum_of_rows_kept_by_keepdims(X, w):
    total = 0.0
    for t in range(3):
        m = X @ w + t
        total = total + np.sum(np.exp(m - np.max(m, axis=0, keepdims=True)))
    return total


CASES = [
    Exact(rnn_steps, _rnn_args, wrt=(0, 1, 2, 3)),
    Exact(rows_of_a_matrix_and_a_slice, lambda rng: (rng.normal(size=(4, 3)), rng.normal(size=3)), wrt=(0, 1)),
    Exact(rows_at_a_counter, lambda rng: (rng.normal(size=(3, 2)), rng.normal(size=(2, 2))), wrt=(0, 1)),
    Exact(items_of_a_list_of_arrays,
          lambda rng: ([rng.normal(size=3) for _ in range(4)], rng.normal(size=(3, 3)) * 0.5, rng.normal(size=3)),
          wrt=(0, 1, 2)),
    Exact(rows_of_a_buffer_written_in_the_loop, lambda rng: (rng.normal(size=2), rng.normal(size=2)), wrt=(0, 1)),
    Exact(rows_of_an_input_written_later, lambda rng: (rng.normal(size=(4, 2)), rng.normal(size=2)), wrt=(0, 1)),
    Exact(product_broadcast_over_rows,
          lambda rng: (rng.normal(size=(2, 3)), rng.normal(size=(4, 3)), rng.normal(size=(3, 2))), wrt=(0, 1, 2)),
    Exact(shapes_change_between_steps, lambda rng: (rng.normal(size=4), rng.normal(size=3), rng.normal(size=3)),
          wrt=(0, 1, 2)),
    Exact(polynomial_of_arrays, lambda rng: (rng.normal(size=3), [rng.normal(size=3) for _ in range(4)]),
          wrt=(0, 1)),
    Exact(polynomial_of_numbers, lambda rng: (0.7, [float(v) for v in rng.normal(size=4)]), wrt=(0, 1)),
    Exact(sum_of_rows_kept_by_keepdims, lambda rng: (rng.normal(size=(4, 3)), rng.normal(size=(3, 2))), wrt=(0, 1)),
]
