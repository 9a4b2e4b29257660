"""The Python people write: parameter containers, inert statements, walrus, starred unpacking.

The gradient of a container (a pytree: dicts, lists, tuples, NamedTuples and dataclasses,
nested) has its structure and types: a dict with the same keys, the same NamedTuple or
dataclass class, tuples as tuples, floats as floats. Statements that do not touch the
derivative (print, f-strings, assert, raise in a branch, logging and warnings) run in the
primal sweep as written.
"""
from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from math import sin
from typing import NamedTuple

import numpy
import numpy as np
from numpy import exp

from adjoint import UnsupportedSyntaxError
from soundness import Exact, Refused

LOG = logging.getLogger(__name__)


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


def _apply_layers(layers, x):
    for layer in layers:
        x = x + np.tanh(x @ layer.W + layer.b) * layer.scale
    return x


def dataclasses_through_a_callee(layers, x):
    """The callee returns the gradient of each dataclass as a dataclass; the caller adds it to its own."""
    return np.sum(_apply_layers(layers, x) ** 2) + np.sum(_apply_layers(layers, 2.0 * x))


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


# ----- inert statements ----------------------------------------------------------------------


def checked_inputs(x, n):
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    assert x > 0.0, f"x = {x:.3f} must be positive"
    total = 0.0
    for i in range(n):
        if total > 1e6:
            raise RuntimeError("diverged")
        total = total + np.sin(x * i)
    return total


def messages(W, x):
    LOG.debug("W has shape %s", W.shape)
    logging.info("x = %s", x)
    if np.any(np.isnan(x)):
        warnings.warn("x holds NaN")
    label = f"norm {np.linalg.norm(x):.2f}"
    y = np.tanh(W @ x)
    print(label, end="")
    return np.sum(y ** 2)


def quiet_block(W, x):
    """A block that silences warnings: the filters are set and restored around it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.filterwarnings("ignore", category=RuntimeWarning)
        y = np.log(np.abs(W @ x))
    return np.sum(y * x[0])


def imported_names(x):
    return sin(x) * exp(x) + numpy.cos(x)


# ----- walrus, starred unpacking, *args, **kwargs, keyword-only arguments --------------------------


def walrus_in_test(x, xs):
    if (n := len(xs)) > 2:
        y = x * n
    else:
        y = x
    return (z := y * y) + z


def walrus_in_while(x):
    count = 0
    while (x := x * 0.5) > 0.1:
        count = count + 1
    return x * count


def walrus_after_and(x, y):
    if x > 0.0 and (t := y * 2.0) > 1.0:  # <- conditional_walrus
        return t
    return x


def starred_head(t):
    a, *rest = t
    return a * sum(rest)


def starred_middle(values):
    first, *middle, last = values
    return first * last + middle[0] * middle[1]


def starred_rows(x):
    top, *others = x
    return np.sum(top * others[0]) + np.sum(others[1])


def starred_loop(rows):
    total = 0.0
    for head, *tail in rows:
        total = total + head * tail[-1]
    return total


def power_sum(x, *coefficients, power=2):
    total = 0.0
    for c in coefficients:
        total = total + c * x ** power
    return total


def calls_with_rest(x):
    return power_sum(x, 1.5, -0.5, power=3)


def rest_is_differentiated(x, y):
    return power_sum(x, y, 2.0)


def scaled(x, **options):
    return x * options["scale"] + options["shift"]


def calls_with_options(x):
    return scaled(x, scale=3.0, shift=0.5) ** 2


def keyword_only(x, *, k=2.0, offset=1.0):
    return (x + offset) ** k


def calls_keyword_only(x, y):
    return keyword_only(x, k=3.0) * keyword_only(y, offset=0.5)


# ----- found by the fuzzer ---------------------------------------------------------------------


def slice_scaled_in_place(x0, a):
    """The tangent of `y[::2] *= c` reads y[::2] as it was: the optimizer must not move that read
    past the write (y[::2] is a view)."""
    y = a + 0.0
    y[::2] *= -0.75 / (1.0 + x0 * x0)
    y[1] = y[-1] * x0
    return np.sum(y * a)


# ----- auxiliary outputs -----------------------------------------------------------------------


def with_aux_dict(W, x):
    pred = np.tanh(W @ x)
    return np.sum(pred ** 2), {"pred": pred, "count": 3}


CASES = [
    Exact(mlp_dict, lambda rng: (_mlp_params(rng), rng.normal(size=3))),
    Exact(layers_of_pairs, lambda rng: (_layers(rng), rng.normal(size=3))),
    Exact(namedtuple_layers, lambda rng: ([Dense(rng.normal(size=(3, 3)), rng.normal(size=3)) for _ in range(2)],
                                          rng.normal(size=3))),
    Exact(dataclass_params, lambda rng: (Linear(rng.normal(size=(2, 3)), rng.normal(size=2), 1.5),
                                         rng.normal(size=3))),
    Exact(frozen_dataclass, lambda rng: (Frozen(0.3, -1.2),)),
    Exact(dataclasses_through_a_callee, lambda rng: ([Linear(rng.normal(size=(3, 3)), rng.normal(size=3), 0.5)
                                                      for _ in range(2)], rng.normal(size=(4, 3)))),
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
    Exact(checked_inputs, lambda rng: (0.7, 4)),
    Exact(messages, lambda rng: (rng.normal(size=(2, 3)), rng.normal(size=3))),
    Exact(quiet_block, lambda rng: (rng.normal(size=(2, 3)), rng.normal(size=3))),
    Exact(imported_names, lambda rng: (0.3,)),
    Exact(walrus_in_test, lambda rng: (1.5, [1, 2, 3])),
    Exact(walrus_in_while, lambda rng: (3.0,)),
    Refused(walrus_after_and, (1.0, 2.0), UnsupportedSyntaxError, "conditional_walrus"),
    Exact(starred_head, lambda rng: ((0.5, 2.0, -1.5),)),
    Exact(starred_middle, lambda rng: ([0.5, 2.0, -1.5, 3.0],)),
    Exact(starred_rows, lambda rng: (rng.normal(size=(3, 2)),)),
    Exact(starred_loop, lambda rng: ([(0.5, 2.0, -1.5), (1.5, 0.25)],)),
    Exact(calls_with_rest, lambda rng: (0.8,)),
    Exact(rest_is_differentiated, lambda rng: (0.8, 1.5), wrt=(0, 1)),
    Exact(calls_with_options, lambda rng: (0.8,)),
    Exact(keyword_only, lambda rng: (0.8,)),
    Exact(calls_keyword_only, lambda rng: (0.8, 1.2), wrt=(0, 1)),
    Exact(slice_scaled_in_place, lambda rng: (-1.0, rng.normal(size=3)), wrt=(0, 1)),
]
