"""Programs reading records as users write them (tests/test_record_chains.py): fields of nested
records read by a chain of attributes (`state.body.position`, `model.layer1.W @ x`,
`cfg.optim.lr * grad`), and records taken from a list or a dict argument and passed to a function
that reads their fields (`for layer in layers: h = dense(layer, h)`, `forward(params["net"], x)`).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


# ----- nested records --------------------------------------------------------------------------

@dataclass
class Body:
    position: np.ndarray
    velocity: np.ndarray
    mass: float


class Spring(NamedTuple):
    k: float
    rest: float


class World(NamedTuple):
    """A NamedTuple holding a dataclass and a NamedTuple."""
    body: Body
    spring: Spring


@dataclass
class Universe:
    """A dataclass of a NamedTuple of a dataclass: chains three attributes long."""
    world: World
    gravity: float


class Layer(NamedTuple):
    W: np.ndarray
    b: np.ndarray


@dataclass
class Model:
    """A dataclass of NamedTuples."""
    layer1: Layer
    layer2: Layer


class Optim(NamedTuple):
    lr: float
    decay: float


@dataclass
class Config:
    optim: Optim
    damping: float


def world_energy(world):
    """Kinetic and spring energy read by chains of attributes, the chain's end an array's `.T`."""
    stretch = np.sqrt(np.sum(world.body.position ** 2)) - world.spring.rest
    kinetic = 0.5 * world.body.mass * world.body.velocity.T @ world.body.velocity
    return kinetic + 0.5 * world.spring.k * stretch ** 2


def world_rollout(world, dt):
    """A simulation starting from a chain read into a tuple; gravity-free leapfrog steps."""
    x, v = world.body.position, world.body.velocity
    for _ in range(4):
        force = -world.spring.k * x * (1.0 - world.spring.rest / np.sqrt(np.sum(x ** 2)))
        v = v + dt * force / world.body.mass
        x = x + dt * v
    return np.sum(x ** 2) + 0.1 * np.sum(v * world.body.velocity)


def universe_energy(universe):
    """Chains three attributes long, a method called at a chain's end."""
    height = universe.world.body.position[1]
    return universe.world.body.mass * (universe.gravity * height + universe.world.body.velocity.sum() ** 2)


def two_layers(model, x):
    """`model.layer1.W @ x`: a dataclass model of NamedTuple layers."""
    h = np.tanh(x @ model.layer1.W + model.layer1.b)
    return np.sum(np.tanh(h @ model.layer2.W + model.layer2.b) ** 2)


def sgd_loss(weights, cfg, x):
    """`cfg.optim.lr * grad`: one gradient step whose size a nested configuration sets."""
    for _ in range(3):
        grad = 2.0 * x.T @ (x @ weights) + cfg.optim.decay * weights
        weights = weights - cfg.optim.lr * grad / (1.0 + cfg.damping)
    return np.sum((x @ weights) ** 2)


def chained_in_a_callee(world, scale):
    """A called function reads the chains of the record it is given."""
    return scale * world_energy(world)


def chained_items(blocks, x):
    """Chains on the items of a list: `block.dense.W` of a NamedTuple block holding a NamedTuple."""
    h = x
    for block in blocks:
        h = np.tanh(h @ block.dense.W + block.dense.b) * block.gain
    return np.sum(h ** 2)


class Block(NamedTuple):
    dense: Layer
    gain: float


def built_then_chained(position, velocity):
    """A nested record the function builds, read by chains."""
    world = World(Body(position, velocity, 2.0), Spring(1.5, 0.5))
    return world_energy(world) + world.body.mass * np.sum(world.body.position * world.body.velocity)


def replaced_through_a_chain(world):
    """What the refusal of a write through a chain says to write: new records."""
    world = world._replace(body=dataclasses.replace(world.body, mass=2.0 * world.body.mass))
    return world_energy(world)


def written_through_a_chain(world):
    world.body.mass = 2.0 * world.body.mass  # <- chain-write
    return world_energy(world)


def added_through_a_chain(universe):
    universe.world.body.position += 1.0  # <- chain-augmented-write
    return universe_energy(universe)


# ----- records from a list or a dict, passed to a function reading their fields --------------------

def dense(layer, h):
    return np.tanh(h @ layer.W + layer.b)


def mlp(layers, x):
    """`layers` a list of NamedTuples Layer(W, b), each passed to dense."""
    h = x
    for layer in layers:
        h = dense(layer, h)
    return np.sum(h)


def forward(cfg, x):
    return np.sum(np.tanh(x @ cfg.W + cfg.b) ** 2)


def from_a_dict(params, x):
    """`params` a dict holding a NamedTuple (or a dataclass)."""
    cfg = params["net"]
    out = forward(cfg, x)
    return out


@dataclass
class DenseLayer:
    W: np.ndarray
    b: np.ndarray


def scaled_forward(cfg, x, scale):
    """Passes the record it is given on to another function."""
    return scale * forward(cfg, x)


def passed_twice(params, x):
    return scaled_forward(params["net"], x, params["scale"])


def nested_from_a_dict(params, x):
    """A dataclass model of NamedTuples, from a dict, read by chains in the function it is passed to."""
    return two_layers(params["model"], x)


def by_index(layers, x):
    """Items of a list taken by index, the last one's fields read in the function itself too."""
    h = dense(layers[0], x)
    last = layers[1]
    return np.sum(dense(last, h) * last.b)


class Plain:
    """An object that is neither a NamedTuple nor a dataclass."""

    def __init__(self, W, b):
        self.W = W
        self.b = b


def plain_dense(layer, h):
    return np.tanh(h @ layer.W + layer.b)  # <- plain-object


def mlp_of_plain_objects(layers, x):
    h = x
    for layer in layers:
        h = plain_dense(layer, h)
    return np.sum(h)
