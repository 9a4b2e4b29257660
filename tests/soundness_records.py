"""Soundness cases for NamedTuples and dataclasses built inside the differentiated function
(normalize/records.py): differentiated as the containers of their fields, also passed to and
returned from called functions, in lists and loops, and copied with a field replaced
(`s._replace(u=v)`, `dataclasses.replace(s, q=v)`); classes whose constructor does more than
store the fields stay refused at the call, and writes through a field follow the alias rules."""
from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np

from soundness import Exact, Refused
from adjoint import NonDifferentiableError, UnsupportedSyntaxError


@dataclasses.dataclass
class State:
    q: np.ndarray
    p: np.ndarray
    t: float = 0.0


@dataclasses.dataclass(frozen=True)
class Frozen:
    a: float
    b: float


class Pair(NamedTuple):
    u: float
    v: float = 2.0


class Layer(NamedTuple):
    W: np.ndarray
    b: np.ndarray


def leapfrog(s, k, dt):
    p = s.p - dt * k * s.q
    return State(s.q + dt * p, p, s.t + dt)


def spring_energy(q0, k):
    s = State(q0, np.zeros_like(q0))
    for _ in range(6):
        s = leapfrog(s, k, 0.1)
    return np.sum(s.q ** 2) + np.sum(s.p ** 2) + s.t * k


def frozen_by_keywords(x, y):
    f = Frozen(a=x * y, b=x + y)
    g = Frozen(f.b, f.a * 2.0)
    return g.a * g.b + f.a


def named_tuple_default(x):
    p = Pair(x * 3.0)
    q = Pair(p.v * x, v=p.u)
    return q.u * q.v + p[0]


def records_in_a_list(xs):
    pairs = [Pair(x, x * x) for x in xs]
    return sum(p.u * p.v for p in pairs)


def swapped(s):
    return Pair(s.v * 1.5, s.u)


def returned_by_a_callee(x):
    s = Pair(x, 1.0)
    for _ in range(3):
        s = swapped(s)
    return s.u * 2.0 + s.v


def layers_of_a_network(W1, W2, x):
    layers = [Layer(W1, np.zeros(3)), Layer(W2, np.ones(2))]
    h = x
    for layer in layers:
        h = np.tanh(layer.W @ h + layer.b)
    return np.sum(h * h)


def unpacked_named_tuple(x):
    u, v = Pair(x * 2.0, x + 1.0)
    return u * v


def named_tuple_step(s, k):
    return s._replace(u=s.u + 0.1 * s.v, v=s.v - 0.1 * k * s.u)


def replaced_fields_in_a_loop(u0, k):
    s = Pair(u0, u0 * 0.5)
    for _ in range(4):
        s = named_tuple_step(s, k)
    return s.u ** 2 + s.v * s.u


def dataclass_replaced(q0, k):
    s = State(q0, q0 * 0.5)
    for _ in range(3):
        p = s.p - 0.1 * k * s.q
        s = dataclasses.replace(s, q=s.q + 0.1 * p, p=p)
    return np.sum(s.q ** 2 + s.p * s.q)


def argument_replaced(layer, scale):
    scaled = layer._replace(b=layer.b * scale)
    return np.sum(scaled.W @ scaled.b)


class Scaled:
    def __init__(self, w):
        self.w = w * 2.0


def own_constructor(x):
    c = Scaled(x)  # <- own-constructor
    return np.sum(c.w)


@dataclasses.dataclass
class Checked:
    w: np.ndarray

    def __post_init__(self):
        self.w = self.w * 2.0


def post_init(x):
    c = Checked(x)  # <- post-init
    return np.sum(c.w * x)


def written_through_a_field(x):
    y = x * 2.0
    b = Layer(y, x)
    w = b.W
    w[0] = x[1] * 5.0  # <- field-write
    return np.sum(y * x)


CASES = [
    Exact(spring_energy, lambda rng: (rng.normal(size=3), 1.3), wrt=(0, 1)),
    Exact(frozen_by_keywords, lambda rng: (0.7, 1.3), wrt=(0, 1)),
    Exact(named_tuple_default, lambda rng: (0.8,)),
    Exact(records_in_a_list, lambda rng: ([0.3, 0.5, 0.9],)),
    Exact(returned_by_a_callee, lambda rng: (0.6,)),
    Exact(layers_of_a_network, lambda rng: (rng.normal(size=(3, 4)), rng.normal(size=(2, 3)), rng.normal(size=4)),
          wrt=(0, 1)),
    Exact(unpacked_named_tuple, lambda rng: (0.4,)),
    Exact(replaced_fields_in_a_loop, lambda rng: (0.7, 1.3), wrt=(0, 1)),
    Exact(dataclass_replaced, lambda rng: (rng.normal(size=3), 1.3), wrt=(0, 1)),
    Exact(argument_replaced, lambda rng: (Layer(rng.normal(size=(2, 3)), rng.normal(size=3)), 1.5), wrt=(0, 1)),
    Refused(own_constructor, (np.array([0.3, 0.8]),), NonDifferentiableError, "own-constructor"),
    Refused(post_init, (np.array([0.3, 0.8]),), NonDifferentiableError, "post-init"),
    Refused(written_through_a_field, (np.array([0.3, 0.8, 1.3]),), UnsupportedSyntaxError, "field-write"),
]
