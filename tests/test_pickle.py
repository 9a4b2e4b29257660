"""Derived functions pickle by recipe (or by name), so process pools can ship them to workers."""
from __future__ import annotations

import inspect
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

import adjoint


def loss(w, x):
    return np.sum(np.tanh(x @ w) ** 2)


def energy(a, b):
    return a * a * b + np.sin(b)


@adjoint.grad
def d_energy(a, b):
    return a * a * b + np.sin(b)


W = np.array([0.1, -0.2, 0.3])
X = np.arange(6.0).reshape(2, 3) / 10


def roundtrip(value):
    return pickle.loads(pickle.dumps(value))


def assert_same(got, expected):
    """Equal up to rounding, through tuples of results."""
    if isinstance(expected, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected)
        for a, b in zip(got, expected):
            assert_same(a, b)
    else:
        np.testing.assert_allclose(got, expected)


@pytest.mark.parametrize("make, args", [
    (lambda: adjoint.grad(loss), (W, X)),
    (lambda: adjoint.grad(loss, wrt=("w", 1)), (W, X)),
    (lambda: adjoint.grad(loss, wrt=(0,)), (W, X)),
    (lambda: adjoint.value_and_grad(energy, wrt="b"), (2.0, 3.0)),
    (lambda: adjoint.jvp(energy, wrt=0), (2.0, 3.0, 1.0)),
])
def test_a_pickled_derived_function_computes_the_same(make, args):
    derived = make()
    restored = roundtrip(derived)
    assert_same(restored(*args), derived(*args))
    assert restored.__name__ == derived.__name__
    assert inspect.signature(restored) == inspect.signature(derived)


def test_a_pickle_holds_the_recipe_not_the_code():
    data = pickle.dumps(adjoint.grad(loss, wrt="w"))
    assert len(data) < 300 and b"def " not in data


def test_vjp_pickles():
    value, pullback = roundtrip(adjoint.vjp(loss))(W, X)
    assert value == pytest.approx(loss(W, X))
    np.testing.assert_allclose(pullback(1.0), adjoint.grad(loss)(W, X))


def test_a_decorated_function_pickles_by_name():
    assert roundtrip(d_energy) is d_energy


def test_derived_functions_still_compose():
    second = adjoint.grad(adjoint.grad(energy))
    assert second(2.0, 3.0) == pytest.approx(6.0)
    assert roundtrip(second)(2.0, 3.0) == pytest.approx(6.0)


def _work(task):
    derived, args = task
    return derived(*args)


def test_a_process_pool_runs_derived_functions():
    gradient = adjoint.grad(loss)
    slope = adjoint.value_and_grad(energy, wrt=(0, 1))
    tasks = [(gradient, (W * k, X)) for k in range(3)] + [(slope, (1.0 + k, 2.0)) for k in range(3)]
    tasks.append((d_energy, (2.0, 3.0)))
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(_work, tasks))
    for (derived, args), result in zip(tasks, results):
        assert_same(result, derived(*args))
