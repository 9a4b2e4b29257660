"""Parameter containers (pytrees): dicts, lists, tuples, NamedTuples and dataclasses, nested.

The gradient of a container has its structure and types: a dict with the same keys, the
same NamedTuple or dataclass class, tuples as tuples, floats as floats.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from soundness import Exact


def _mlp_params(rng):
    return {"W1": rng.normal(size=(4, 3)), "b1": rng.normal(size=4),
            "W2": rng.normal(size=(2, 4)), "b2": rng.normal(size=2)}


def mlp_dict(params, x):
    h = np.tanh(params["W1"] @ x + params["b1"])
    out = params["W2"] @ h + params["b2"]
    return np.sum(out ** 2)


def layers_of_pairs(layers, x):
    for W, b in layers:
        x = np.tanh(W @ x + b)
    return np.sum(x)


def _layers(rng):
    return [(rng.normal(size=(3, 3)), rng.normal(size=3)) for _ in range(3)]


class Dense(NamedTuple):
    W: np.ndarray
    b: np.ndarray


def namedtuple_layers(layers, x):
    for layer in layers:
        x = np.sin(layer.W @ x + layer.b)
    return np.sum(x * x)


@dataclass
class Linear:
    W: np.ndarray
    b: np.ndarray
    scale: float


def dataclass_params(p, x):
    return p.scale * np.sum(np.tanh(p.W @ x + p.b))


@dataclass(frozen=True)
class Frozen:
    a: float
    b: float


def frozen_dataclass(p):
    return p.a * p.b + p.a ** 2


def dict_items_loop(params):
    total = 0.0
    for name, W in params.items():
        total = total + np.sum(W ** 2)
    return total


def dict_values_loop(params, x):
    for W in params.values():
        x = x * np.sum(W)
    return x


def dict_keys_loop(params):
    total = 0.0
    for key in params.keys():
        total = total + np.sum(np.sin(params[key]))
    return total


def dict_iterated(params):
    total = 1.0
    for key in params:
        total = total * np.sum(params[key])
    return total


def nested_dicts(params, x):
    encoder = params["encoder"]
    h = np.tanh(encoder["W"] @ x)
    return np.sum(params["decoder"]["W"] @ h) + params["scale"] * np.sum(h)


def _nested(rng):
    return {"encoder": {"W": rng.normal(size=(3, 2))}, "decoder": {"W": rng.normal(size=(2, 3))}, "scale": 0.5}


def dict_of_layer_lists(params, x):
    for W, b in params["layers"]:
        x = np.tanh(W @ x + b)
    return np.sum(x) * params["gain"]


def tuple_of_numbers(t):
    a, b = t
    return a * b + np.sin(a)


def dict_of_numbers(p, q):
    return p["a"] * q + p["b"] ** 2


def float_inputs(a, b, c):
    return a * b * c + a ** 2


def dataclass_in_dict(params, x):
    return np.sum(params["lin"].W @ x) * params["lin"].scale + params["bias"]


def mixed_wrt(params, x):
    return np.sum(np.tanh(params["W"] @ x)) + np.sum(x ** 2)


CASES = [
    Exact(mlp_dict, lambda rng: (_mlp_params(rng), rng.normal(size=3))),
    Exact(layers_of_pairs, lambda rng: (_layers(rng), rng.normal(size=3))),
    Exact(namedtuple_layers, lambda rng: ([Dense(rng.normal(size=(3, 3)), rng.normal(size=3)) for _ in range(2)],
                                          rng.normal(size=3))),
    Exact(dataclass_params, lambda rng: (Linear(rng.normal(size=(2, 3)), rng.normal(size=2), 1.5),
                                         rng.normal(size=3))),
    Exact(frozen_dataclass, lambda rng: (Frozen(0.3, -1.2),)),
    Exact(dict_items_loop, lambda rng: (_mlp_params(rng),)),
    Exact(dict_values_loop, lambda rng: ({"a": rng.normal(size=2), "b": rng.normal(size=(2, 2))}, 0.7)),
    Exact(dict_keys_loop, lambda rng: (_mlp_params(rng),)),
    Exact(dict_iterated, lambda rng: ({"u": rng.normal(size=3), "v": rng.normal(size=2)},)),
    Exact(nested_dicts, lambda rng: (_nested(rng), rng.normal(size=2))),
    Exact(dict_of_layer_lists, lambda rng: ({"layers": _layers(rng), "gain": 2.0}, rng.normal(size=3))),
    Exact(tuple_of_numbers, lambda rng: ((0.4, 1.3),)),
    Exact(dict_of_numbers, lambda rng: ({"a": 0.4, "b": 1.5}, 2.0), wrt=(0, 1)),
    Exact(float_inputs, lambda rng: (0.5, 1.5, -2.0), wrt=(0, 1, 2)),
    Exact(dataclass_in_dict, lambda rng: ({"lin": Linear(rng.normal(size=(2, 3)), rng.normal(size=2), 0.5),
                                           "bias": 0.25}, rng.normal(size=3))),
    Exact(mixed_wrt, lambda rng: ({"W": rng.normal(size=(2, 3))}, rng.normal(size=3)), wrt=(0, 1)),
]
