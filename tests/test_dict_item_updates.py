"""`d[k] op= v` on a dict the function builds: a number's update is a new number, as
`d[k] = d[k] op v` is, and is differentiated in every mode; an array's or a list's is changed
in place by Python, for every name holding it, and is refused at the line when the derivative
runs (normalize/dict_writes.py)."""
from __future__ import annotations

import inspect
import sys

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode

RNG = np.random.default_rng(34)
X = RNG.normal(size=(6, 3))
Y = RNG.normal(size=6)


def loss_by_parts(w, X, y):
    parts = {"fit": 0.0, "penalty": 0.0}
    for i in range(len(y)):
        parts["fit"] += (np.dot(X[i], w) - y[i]) ** 2
    for name in ("penalty",):
        parts[name] += 0.1 * np.sum(w ** 2)
    parts["fit"] /= len(y)
    return parts["fit"] + parts["penalty"]


def running_mean_of_squares(x):
    stats = {"n": 0, "total": 0.0}
    for value in x:
        stats["n"] += 1
        stats["total"] += value ** 2
    return stats["total"] / stats["n"]


def totals_by_label(x):
    labels = ["a", "b", "a", "c", "b", "a"]
    totals = {}
    for label in labels:
        totals[label] = 0.0
    for i, label in enumerate(labels):
        totals[label] += x[i] * (i + 1.0)
        totals[label] *= 0.9
    return totals["a"] * totals["b"] - totals["c"] ** 2


def every_operator(x):
    d = {"s": 1.0}
    d["s"] += x[0]
    d["s"] -= x[1] ** 2
    d["s"] *= x[2]
    d["s"] /= 1.0 + x[0] ** 2
    d["s"] **= 2
    return d["s"]


def scaled_over_its_own_keys(x):
    weights = {"u": x[0], "v": x[1], "w": x[2]}
    for key in weights:
        weights[key] *= 2.0 + x[0]
    return weights["u"] * weights["v"] + np.sin(weights["w"])


def key_of(i):
    return "even" if i % 2 == 0 else "odd"


def key_from_a_call(x):
    sums = {"even": 0.0, "odd": 0.0}
    for i in range(len(x)):
        sums[key_of(i)] += np.exp(x[i])
    return np.log(sums["even"]) - sums["odd"]


def scalar_argument(a):
    d = {"k": a}
    d["k"] *= d["k"] + 1.0
    d["k"] -= np.cos(a)
    return d["k"]


EXACT = [
    (loss_by_parts, (RNG.normal(size=3), X, Y)),
    (running_mean_of_squares, (RNG.normal(size=5),)),
    (totals_by_label, (RNG.normal(size=6),)),
    (every_operator, (RNG.normal(size=3),)),
    (scaled_over_its_own_keys, (RNG.normal(size=3),)),
    (key_from_a_call, (RNG.normal(size=5),)),
    (scalar_argument, (0.7,)),
]


@pytest.mark.parametrize("func, args", EXACT, ids=[func.__name__ for func, _ in EXACT])
def test_number_item_update_is_exact_in_every_mode(func, args):
    check_every_mode(func, args, peer=func)


def fresh_array_item_added(x):
    d = {"a": np.zeros(3)}
    d["a"] += x  # <- fresh
    return np.sum(d["a"] ** 2)


def shared_array_item_scaled(x):
    y = x * 1.0
    d = {"a": y}
    d["a"] *= 2.0  # <- shared
    return np.sum(y * x)


def list_item_extended(x):
    d = {"a": [x[0]]}
    d["a"] += [x[1]]  # <- list
    return d["a"][0] * d["a"][-1]


REFUSED = {fresh_array_item_added: "fresh", shared_array_item_scaled: "shared", list_item_extended: "list"}


def _marked_line(mark: str) -> int:
    lines = inspect.getsource(sys.modules[__name__]).splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.endswith(f"# <- {mark}"))


@pytest.mark.parametrize("func", REFUSED, ids=[func.__name__ for func in REFUSED])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_array_or_list_item_update_is_refused_at_its_line(func, mode):
    x = RNG.normal(size=3)
    derived = adjoint.grad(func) if mode == "grad" else lambda x: adjoint.jvp(func)(x, np.ones(3))
    with pytest.raises(adjoint.AdjointError) as refused:
        derived(x)
    assert f"{__file__}:{_marked_line(REFUSED[func])}:" in str(refused.value)
    assert "changes in place" in str(refused.value)


def test_the_user_function_is_left_as_it_was():
    x = RNG.normal(size=5)
    before = running_mean_of_squares(x)
    adjoint.grad(running_mean_of_squares)(x)
    assert running_mean_of_squares(x) == before
