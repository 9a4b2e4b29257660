"""Values returned by reverse mode that share memory with an array the function writes in place.

What was wrong: the adjoint sweep undoes a function's in-place writes (`out[i] = acc` is followed,
in the derivative, by `out[i] = <the saved item>`). The value a derivative returns was kept aside
(copied) only when it was the written name itself (`return out`); a value that is a view of it
(`return out[-1:]`, `out[::-1]`, `out.reshape(2, 2)`, `out.T`) or a tuple holding one
(`return loss, out[:2]` with `has_aux=True`) was returned as that view, so the sweep rewrote it
afterwards: value_and_grad gave 0.0 for 4.0, the aux of grad(has_aux=True) was zeros (also held
in a dict, a NamedTuple or a dataclass), a vjp's value changed to zeros (or freed memory) once its
pullback ran, all without a word. The returned value is now copied, through lists, tuples, dicts,
NamedTuples and dataclasses, whenever it may share memory with a name written in place
(analysis/aliases.py gives the names it may share at the return; ad/gradient.py copies it with
runtime.kept_value).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pytest

import adjoint


def _fd_jacobian(f, x, eps=1e-6):
    cols = []
    for i in range(x.size):
        e = np.zeros_like(x)
        e.flat[i] = eps
        cols.append((np.asarray(f(x + e), dtype=float) - np.asarray(f(x - e), dtype=float)) / (2 * eps))
    return np.stack(cols, axis=-1)


def last_cumulative(x):
    out = np.zeros(3)
    for i in range(3):
        out[i] = x[i] * 2.0 + x[i] ** 3
    return out[-1:]


def loss_with_predictions(x):
    out = np.zeros(3)
    for i in range(3):
        out[i] = x[i] ** 2
    return np.sum(out), out[:2]


def running_products_reversed(x):
    out = np.empty_like(x)
    acc = 1.0
    for i in range(len(x)):
        acc = acc * x[i]
        out[i] = acc
    return out[::-1]


def squares_as_matrix(x):
    out = np.zeros(4)
    for i in range(4):
        out[i] = x[i] ** 2
    return out.reshape(2, 2)


def rows_transposed(x):
    out = np.zeros((2, 2))
    out[0] = x[:2]
    out[1] = x[2:] * 3.0
    return out.T


def tail_and_number(x):
    out = np.zeros(4)
    for i in range(4):
        out[i] = np.sin(x[i]) * 3.0
    return out[1:], x[0] * 2.0


class Fitted(NamedTuple):
    loss: float
    predictions: np.ndarray


@dataclass
class Report:
    predictions: np.ndarray
    first: float


def aux_in_a_dict(x):
    out = np.zeros(3)
    for i in range(3):
        out[i] = np.tanh(x[i]) * x[i]
    return np.sum(out), {"predictions": out[:2], "count": 3}


def aux_in_a_named_tuple(x):
    out = np.zeros(3)
    for i in range(3):
        out[i] = np.tanh(x[i]) * x[i]
    return np.sum(out), Fitted(np.sum(out), out[1:])


def aux_in_a_dataclass(x):
    out = np.zeros(3)
    for i in range(3):
        out[i] = np.tanh(x[i]) * x[i]
    return np.sum(out), Report(out[::-1], x[0] * 2.0)


def views_in_a_dict(x):
    out = np.zeros(4)
    for i in range(4):
        out[i] = x[i] ** 2 + x[0]
    return {"head": out[:2], "tail": out[2:].reshape(1, 2)}


X = np.array([0.5, -1.5, 2.0, 0.7])


def test_value_and_grad_of_a_view_of_a_written_array():
    x = X[:3].copy()
    value, gradient = adjoint.value_and_grad(last_cumulative)(x)
    np.testing.assert_allclose(value, last_cumulative(x), rtol=1e-14)
    expected = _fd_jacobian(lambda t: last_cumulative(t)[0], x)
    np.testing.assert_allclose(gradient, expected, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("f", [running_products_reversed, squares_as_matrix, rows_transposed])
def test_vjp_value_survives_its_pullback(f):
    x = X.copy()
    expected_value = f(x)
    value, pullback = adjoint.vjp(f)(x)
    cotangent = np.linspace(-1.0, 1.5, expected_value.size).reshape(expected_value.shape)
    gradient = pullback(cotangent)
    np.testing.assert_allclose(value, expected_value, rtol=1e-14)
    jacobian = _fd_jacobian(f, x).reshape(expected_value.size, x.size)
    np.testing.assert_allclose(gradient, cotangent.ravel() @ jacobian, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(pullback(cotangent), gradient, rtol=1e-14)  # a second pullback agrees
    np.testing.assert_allclose(value, expected_value, rtol=1e-14)


def test_vjp_tuple_holding_a_view_survives_its_pullback():
    x = X.copy()
    expected_tail, expected_number = tail_and_number(x)
    value, pullback = adjoint.vjp(tail_and_number)(x)
    gradient = pullback((np.array([1.0, -2.0, 0.5]), 3.0))
    np.testing.assert_allclose(value[0], expected_tail, rtol=1e-14)
    np.testing.assert_allclose(value[1], expected_number, rtol=1e-14)
    expected = np.array([1.0, -2.0, 0.5]) @ _fd_jacobian(lambda t: tail_and_number(t)[0], x)
    expected = expected + 3.0 * _fd_jacobian(lambda t: tail_and_number(t)[1], x)
    np.testing.assert_allclose(gradient, expected, rtol=1e-6, atol=1e-9)


def _aux_arrays(aux):
    if isinstance(aux, np.ndarray):
        return [aux]
    if isinstance(aux, dict):
        return [np.asarray(v, dtype=float) for v in aux.values()]
    if isinstance(aux, Report):
        return [aux.predictions, np.asarray(aux.first)]
    return [np.asarray(v, dtype=float) for v in aux]


@pytest.mark.parametrize("f", [loss_with_predictions, aux_in_a_dict, aux_in_a_named_tuple, aux_in_a_dataclass])
@pytest.mark.parametrize("mode", ["grad", "value_and_grad"])
def test_aux_holding_a_view_of_a_written_array(f, mode):
    x = X[:3].copy()
    loss, expected_aux = f(x)
    if mode == "grad":
        gradient, aux = adjoint.grad(f, has_aux=True)(x)
    else:
        (value, aux), gradient = adjoint.value_and_grad(f, has_aux=True)(x)
        np.testing.assert_allclose(value, loss, rtol=1e-14)
    assert type(aux) is type(expected_aux)
    for got, expected in zip(_aux_arrays(aux), _aux_arrays(expected_aux)):
        np.testing.assert_allclose(got, expected, rtol=1e-14)
    expected_gradient = _fd_jacobian(lambda t: f(t)[0], x)
    np.testing.assert_allclose(gradient, expected_gradient, rtol=1e-6, atol=1e-9)


def test_vjp_dict_of_views_survives_its_pullback():
    x = X.copy()
    expected = views_in_a_dict(x)
    value, pullback = adjoint.vjp(views_in_a_dict)(x)
    head_ct, tail_ct = np.array([1.0, -0.5]), np.array([[2.0, 0.25]])
    gradient = pullback({"head": head_ct, "tail": tail_ct})
    for key in expected:
        np.testing.assert_allclose(value[key], expected[key], rtol=1e-14)
    want = head_ct @ _fd_jacobian(lambda t: views_in_a_dict(t)["head"], x)
    want = want + tail_ct.ravel() @ _fd_jacobian(lambda t: views_in_a_dict(t)["tail"], x).reshape(2, 4)
    np.testing.assert_allclose(gradient, want, rtol=1e-6, atol=1e-9)
