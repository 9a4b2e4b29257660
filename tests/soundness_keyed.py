"""Soundness cases for `sorted`, `max` and `min` with a `key=` (normalize/keyed.py): the items
at the positions the key orders carry the derivative, the key is called once per item as the
builtin calls it; a sequence that is not repeatable (`zip`, `enumerate`, a generator, a call's
result) is listed once; a dict or a set given to them by name is refused when the derived function runs."""
from __future__ import annotations

import numpy as np

from soundness import Exact, Refused
from adjoint import AdjointError


def ranked_by_a_lambda(x):
    ys = sorted([x[0], x[1], x[2]], key=lambda v: -v)
    return ys[0] * 2.0 + ys[1]


def pairs_ranked_by_their_weight(x):
    pairs = [(x[0], 3.0), (x[1], 1.0), (x[2], 2.0)]
    ranked = sorted(pairs, key=lambda p: p[1], reverse=True)
    return ranked[0][0] * 5.0 + ranked[1][0]


def best_and_worst(x):
    pairs = [(x[0] ** 2, 3.0), (x[1] * x[2], 1.0), (np.sin(x[2]), 2.0)]
    best = max(pairs, key=lambda p: p[1])
    worst = min(pairs, key=lambda p: p[1])
    return best[0] * 5.0 + worst[0]


def array_by_magnitude(x):
    ys = sorted(x * 2.0 - 0.5, key=abs)
    return ys[0] * 3.0 + ys[-1]


def ties_keep_their_order(x):
    ys = sorted([x[0], x[1], x[2]], key=lambda v: round(v))  # 0.3 and -0.2 tie at 0
    return ys[0] * 2.0 + ys[1] * 7.0


def rows_by_their_norm(W):
    rows = [W[0], W[1], W[2]]
    ordered = sorted(rows, key=np.linalg.norm)
    return np.sum(ordered[0] * 3.0 + ordered[2])


def argmax_by_enumerate(x):
    i, v = max(enumerate(x), key=lambda t: t[1])  # the position and the value of the largest
    return v * 2.0 + i * v


def pairs_of_a_zip_nearest_first(x):
    c = 0.4
    ranked = sorted(zip(x, x[::-1] ** 2), key=lambda p: abs(p[0] - c), reverse=True)
    return ranked[0][0] * ranked[1][1] + ranked[-1][0]


def least_of_a_generator(x):
    return min((np.sin(v) * v for v in x), key=lambda t: -t) * x[1]


def rows_of_a_call_by_their_sum(W):
    return np.sum(max(np.tanh(W), key=np.sum) * W[0])


def keys_of_a_dict(x):
    d = {"a": x[0], "b": x[1]}
    names = sorted(d, key=len)  # <- dict
    return d[names[0]] * 2.0


CASES = [
    Exact(ranked_by_a_lambda, lambda rng: (np.array([0.3, -0.8, 1.3]),)),
    Exact(pairs_ranked_by_their_weight, lambda rng: (np.array([0.3, -0.8, 1.3]),)),
    Exact(best_and_worst, lambda rng: (np.array([0.3, -0.8, 1.3]),)),
    Exact(array_by_magnitude, lambda rng: (np.array([0.3, -0.8, 1.1]),)),
    Exact(ties_keep_their_order, lambda rng: (np.array([0.3, -0.2, 1.3]),)),
    Exact(rows_by_their_norm, lambda rng: (rng.normal(size=(3, 2)),)),
    Exact(argmax_by_enumerate, lambda rng: (np.array([0.3, -0.8, 1.3, 0.9]),)),
    Exact(pairs_of_a_zip_nearest_first, lambda rng: (np.array([0.3, -0.8, 1.3, 0.9]),)),
    Exact(least_of_a_generator, lambda rng: (np.array([0.3, -0.8, 1.3, 0.9]),)),
    Exact(rows_of_a_call_by_their_sum, lambda rng: (rng.normal(size=(3, 2)),)),
    Refused(keys_of_a_dict, (np.array([0.3, -0.8]),), AdjointError, "dict"),
]
