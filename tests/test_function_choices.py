"""Calls of a function chosen at run time among functions known when adjoint reads the function
(normalize/function_choices.py): from a table by a key (`ACTIVATIONS[name]`), by a condition
(`softplus if smooth else relu`), through a table by an index known only at run time."""
from __future__ import annotations

import math

import numpy as np
import pytest

import adjoint
from every_mode import AUTOGRAD_RUNS_NUMPY_CALLS, check_every_mode
from soundness import central_differences, flat
from test_gen_probe26 import gen, load, run_without_adjoint, write


def relu(x):
    return np.maximum(x, 0.0)


def softplus(x):
    return np.log1p(np.exp(x))


def swish(x):
    return x / (1.0 + np.exp(-x))


ACTIVATIONS = {"relu": relu, "tanh": np.tanh, "softplus": softplus, "swish": swish}
W1 = np.array([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]])


def mlp(x, activation):
    act = ACTIVATIONS[activation]
    h = act(W1 @ x + 0.1)
    return np.sum(act(h) ** 2)


def mlp_through_the_table(x, activation):
    return np.sum(ACTIVATIONS[activation](W1 @ x) * np.arange(1.0, 3.0))


def smooth_or_not(x, smooth):
    act = softplus if smooth else relu
    scaled = act
    return np.sum(scaled(x * 2.0) ** 2)


LAYERS = (np.tanh, np.sin, softplus)


def layers_by_index(x, depth):
    i = 0
    while i < depth:
        x = LAYERS[i % 3](x) * 1.5
        i += 1
    return np.sum(x ** 2)


STEPS = {"sin": math.sin, "cos": math.cos, "exp": math.exp}


def scalar_schedule(t, names):
    total = 0.0
    for name in names:
        step = STEPS[name]
        total = total + step(t * total + t)
    return total


def euler(f, y, h):
    return y + h * f(y)


def midpoint(f, y, h):
    return y + h * f(y + 0.5 * h * f(y))


INTEGRATORS = [euler, midpoint]


def decay(y):
    return -0.7 * y + np.sin(y)


def integrate(y0, method):
    y = y0
    for _ in range(5):
        y = INTEGRATORS[method](decay, y, 0.1)
    return np.sum(y ** 2)


def pooled(x, average):
    pool = np.mean if average else np.sum  # NumPy's own functions (dispatcher objects on NumPy 2)
    return pool(np.tanh(x) * x) ** 2


X = np.array([0.4, -1.1, 0.8])

EXACT = [(mlp, (X, name)) for name in ACTIVATIONS if name != "relu"] + [
    (mlp, (X + 2.0, "relu")),  # away from relu's kink
    (mlp_through_the_table, (X, "swish")),
    (mlp_through_the_table, (X, "tanh")),
    (smooth_or_not, (X, True)),
    (smooth_or_not, (X + 2.0, False)),
    (layers_by_index, (X, 5)),
    (scalar_schedule, (0.3, ("sin", "exp", "cos", "sin"))),
    (integrate, (X, 0)),
    (integrate, (X, 1)),
    (pooled, (X, True)),
    (pooled, (X, False)),
]


@pytest.mark.parametrize("func, args", EXACT, ids=[f"{func.__name__}-{args[1]}" for func, args in EXACT])
def test_a_function_chosen_at_run_time_is_differentiated_in_every_mode(func, args):
    on_autograd = AUTOGRAD_RUNS_NUMPY_CALLS and func not in (integrate, scalar_schedule)  # (math.sin: no boxes)
    check_every_mode(func, args, peer=func if on_autograd else None)


def test_one_derivative_serves_every_choice():
    gradient = adjoint.grad(mlp)
    for name in ("tanh", "softplus", "swish", "tanh"):
        np.testing.assert_allclose(flat(gradient(X, name)), central_differences(mlp, (X, name), 0),
                                   rtol=1e-6, atol=1e-8)


TABLE = {"tanh": np.tanh, "softplus": softplus}


def through_a_changing_table(x, name):
    return np.sum(TABLE[name](x) ** 2)


def test_a_table_given_another_function_or_key_gets_another_derivative(monkeypatch):
    gradient = adjoint.grad(through_a_changing_table)
    gradient(X, "tanh")
    monkeypatch.setitem(TABLE, "tanh", np.sin)
    np.testing.assert_allclose(gradient(X, "tanh"), 2.0 * np.sin(X) * np.cos(X), rtol=1e-12)
    monkeypatch.setitem(TABLE, "swish", swish)
    np.testing.assert_allclose(flat(gradient(X, "swish")), central_differences(through_a_changing_table, (X, "swish"),
                                                                               0), rtol=1e-6, atol=1e-8)


def a_missing_key(x):
    return np.sum(ACTIVATIONS["gelu" if x[0] > 10.0 else "nope"](x))


def test_a_missing_key_raises_what_python_raises():
    with pytest.raises(KeyError):
        adjoint.grad(a_missing_key)(X)


def make(k):
    def scale(x):
        return k * x
    return scale


def from_a_factory(x):
    f = make(2.0) if x[0] > 0 else np.sin
    return np.sum(f(x))


def test_a_function_of_unknown_origin_stays_refused_at_the_call():
    with pytest.raises(adjoint.AdjointError, match="`f` is a function held in a variable"):
        adjoint.grad(from_a_factory)(X)


MODEL = '''
import numpy as np

def relu(x):
    return np.maximum(x, 0.0)

def softplus(x):
    return np.log1p(np.exp(x))

ACTIVATIONS = {"relu": relu, "tanh": np.tanh, "softplus": softplus}

def f(x, name, smooth):
    act = ACTIVATIONS[name]
    other = softplus if smooth else np.sin
    return np.sum(other(act(x) * 2.0) ** 2)
'''


def test_the_module_adjoint_gen_writes_chooses_the_same_functions(tmp_path):
    write(tmp_path, "model", MODEL)
    assert gen(tmp_path / "model.py:f", "-o", tmp_path / "grad_f.py") == 0
    model = load(tmp_path / "model.py", "model_for_choices")
    x = np.array([0.3, -0.8, 1.2])
    script = f"""
        import json, numpy as np
        from grad_f import grad_f
        x = np.array({x.tolist()})
        print(json.dumps([grad_f(x, name, smooth).tolist() for name in ("relu", "tanh", "softplus")
                          for smooth in (True, False)]))
    """
    written = run_without_adjoint(tmp_path, tmp_path, script)
    expected = [adjoint.grad(model.f)(x, name, smooth) for name in ("relu", "tanh", "softplus")
                for smooth in (True, False)]
    np.testing.assert_allclose(written, expected, rtol=1e-12)
    for (name, smooth), gradient in zip([(n, s) for n in ("relu", "tanh", "softplus") for s in (True, False)],
                                        expected):
        np.testing.assert_allclose(gradient, central_differences(model.f, (x, name, smooth), 0), rtol=1e-6, atol=1e-8)


WEIGHTS = {"a": 0.5, "b": 2.0, "c": 1.5}


def weighted_over_a_global_dict(x):
    total = 0.0
    for name in WEIGHTS:  # its keys, as Python iterates a dict (they were read by position: KeyError 0)
        total = total + WEIGHTS[name] * np.sum(np.sin(x * WEIGHTS[name]))
        if total > 100.0:
            break
    return total


def every_activation(x):
    total = 0.0
    for name in ACTIVATIONS:
        total = total + np.sum(ACTIVATIONS[name](x) * x)
    return total


ORDER = {2: 0, 0: 1, 1: 2}  # keys that are positions too, out of order


def in_the_dict_order(x):
    total = 0.0
    for k in ORDER:  # (read by position, the keys were 1, 2, 0: a wrong value and gradient)
        total = total * x[k] + x[ORDER[k]] ** 2
    return total


@pytest.mark.parametrize("func", [weighted_over_a_global_dict, every_activation, in_the_dict_order])
def test_a_loop_over_a_global_dict_iterates_its_keys(func):
    check_every_mode(func, (X + 2.0,))


class Weighted:
    def __init__(self):
        self.weights = {1: 0.5, 0: 2.0, 2: -1.0}  # keys that are positions too, out of order

    def loss(self, x):
        total = 0.0
        for k in self.weights:
            total = total + self.weights[k] * x[k] ** 2
            if total > 1.2:
                break
        return total


@pytest.mark.parametrize("x", [np.array([0.3, 0.4, 0.5]), np.array([1.0, 1.0, 1.0])], ids=["through", "breaks"])
def test_a_loop_over_a_dict_of_the_bound_object_iterates_its_keys_in_order(x):
    model = Weighted()
    value, gradient = adjoint.value_and_grad(model.loss)(x)
    assert value == model.loss(x)
    np.testing.assert_allclose(gradient, central_differences(model.loss, (x,), 0), rtol=1e-6, atol=1e-8)


class CountedTable(dict):
    """A table that counts its reads: the choice would read its entries again."""

    reads = 0

    def __getitem__(self, key):
        CountedTable.reads += 1
        return super().__getitem__(key)


COUNTED = CountedTable(tanh=np.tanh, sin=np.sin)


def through_a_dict_subclass(x, name):
    return np.sum(COUNTED[name](x))


def test_a_table_of_a_dict_subclass_stays_refused():
    with pytest.raises(adjoint.NonDifferentiableError, match="picks a function with an index"):
        adjoint.grad(through_a_dict_subclass)(X, "sin")
