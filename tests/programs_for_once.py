"""Functions tests/test_normalized_once.py differentiates in several modes, changing what they read
in between: globals, a module's attribute, a table's entry, a factory."""
from __future__ import annotations

import math

import numpy as np


def damped(x, k):
    y = math.exp(-k * x) * math.cos(3.0 * x)
    return y * y + k * x


def in_place(x, k):
    """Writes in place (`+=` on an array) and item updates, which the parsed function lists."""
    v = np.array([x, k, x * k])
    v[1] += x * x
    v += np.sin(v)
    total = 0.0
    for i in range(3):
        total += v[i] * k
    return total


def over_list(x, k):
    """A loop over a list by index, a comprehension and a local function lifted out."""
    ws = [x, k, x * k]

    def square(t):
        return t * t

    acc = sum([square(w) for w in ws])
    for w in ws:
        acc = acc + math.tanh(w) * k
    return acc


def with_branches(x, k):
    if x > k:
        return (x - k) ** 2
    y = x
    while y < 5.0:
        y = y * 1.5 + k
    return y * x


NAMES = ["damped", "in_place", "over_list", "with_branches"]

shape = math.sin


def through_global(x):
    return shape(3.0 * x)


def quadratic(x):
    return x * x


def quartic(x):
    return x ** 4


helpers = None  # a namespace with `potential`, set by the test


def through_module(x):
    return helpers.potential(x)


ACTIVATIONS = {"act": np.tanh}


def through_table(x):
    return np.sum(ACTIVATIONS["act"](x) * x)


def make_scaled(g):
    def scaled(x):
        return g(2.0 * x)

    def rescale(new):
        nonlocal g
        g = new

    return scaled, rescale


def make_square():
    def power(x):
        return x * x
    return power


def make_cube():
    def power(x):
        return x * x * x
    return power


make_power = make_square


def through_factory(x):
    p = make_power()
    return p(x) + x


SCALE = 2.0


def scaled_square(x):
    return SCALE * x * x


class Spring:
    def __init__(self, k):
        self.k = k

    def force(self, x):
        return self.k * x


spring = Spring(2.0)


def through_method(x):
    return spring.force(x) * x


def never_called(x):
    return x
