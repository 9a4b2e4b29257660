"""Recursive code: a polynomial evaluated by recursive Horner, a Chebyshev series by the
three-term recurrence written recursively, and a binary tree of soft decisions (a soft
decision tree) evaluated by recursion over a nested-tuple tree."""
import numpy as np


def horner(coefficients, x):
    if len(coefficients) == 1:
        return coefficients[0]
    return coefficients[0] + x * horner(coefficients[1:], x)


def chebyshev(n, x):
    if n == 0:
        return np.ones_like(x)
    if n == 1:
        return x
    return 2 * x * chebyshev(n - 1, x) - chebyshev(n - 2, x)


def soft_tree(node, weights, x):
    if isinstance(node, int):
        return weights["leaves"][node]
    feature, threshold_index, left, right = node
    gate = 1.0 / (1.0 + np.exp(-(x[:, feature] - weights["thresholds"][threshold_index]) * 4.0))
    return gate * soft_tree(right, weights, x) + (1.0 - gate) * soft_tree(left, weights, x)


TREE = (0, 0, (1, 1, 0, 1), (1, 2, 2, 3))


def loss(weights, x, y):
    t = np.tanh(x[:, 0])
    poly = horner(weights["poly"], t)
    cheb = sum(c * chebyshev(k, t) for k, c in enumerate(weights["cheb"]))
    tree = soft_tree(TREE, weights, x)
    return np.mean((poly + cheb + tree - y) ** 2)


def make(rng):
    x = rng.normal(size=(15, 2))
    y = np.cos(x[:, 0]) + 0.5 * (x[:, 1] > 0)
    weights = {"poly": rng.normal(size=4), "cheb": rng.normal(size=4),
               "leaves": rng.normal(size=4), "thresholds": 0.3 * rng.normal(size=3)}
    return loss, (weights, x, y), 0
