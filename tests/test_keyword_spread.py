"""`**` of a dict in a call (normalize/keyword_spread.py): a dict literal of the function, one with items
written, a dict parameter; exact in every mode and to second order, Python's TypeError for keys the
callee does not take, and the refusal of `**` where the callee's parameters do not name the keys."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode


def linear(x, w, b=0.5):
    return w * x + b


def affine(x, w, b, *, scale=np.array(2.0)):
    return (w * x + b) * scale


def spread_literal(x, w):
    params = {"w": w, "b": 2.0 * w}
    return linear(x, **params) * x


def spread_written(x, w):
    params = {}
    params["w"] = w * w
    if x > 0.0:
        params["b"] = x
    return linear(x, **params) + linear(params["w"], **params) * x


def spread_parameter(x, params):
    return linear(x, **params) * linear(params["w"], **params)


def spread_with_keywords(x, params):
    return affine(x, b=x * x, **params)


def spread_into_a_lambda_free_keyword(x, w):
    opts = {"b": w * x}
    return linear(x, 3.0, **opts)


CASES = [
    (spread_literal, (0.7, 1.3), 0),
    (spread_literal, (0.7, 1.3), 1),
    (spread_written, (0.7, 1.3), 0),
    (spread_written, (-0.7, 1.3), 1),
    (spread_parameter, (0.7, {"w": 1.3, "b": -0.2}), 0),
    (spread_parameter, (0.7, {"w": 1.3, "b": -0.2}), 1),
    (spread_parameter, (0.7, {"w": 1.3}), 1),
    (spread_with_keywords, (0.7, {"w": 1.3}), 0),
    (spread_with_keywords, (0.7, {"w": 1.3, "scale": 0.4}), 1),
    (spread_into_a_lambda_free_keyword, (0.7, 1.3), 0),
]


@pytest.mark.parametrize("func, args, wrt", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_a_dict_spread_into_keywords(func, args, wrt):
    check_every_mode(func, args, wrt=wrt, peer=func)


def test_the_gradient_of_a_spread_dict_parameter_has_its_keys():
    params = {"w": 1.3}
    gradient = adjoint.grad(spread_parameter, wrt=1)(0.7, params)
    assert params == {"w": 1.3} and set(gradient) == {"w"}


@pytest.mark.parametrize("params", [{"w": 1.0, "c": 2.0}, {"b": 1.0}])
def test_keys_the_callee_does_not_take_raise_as_in_python(params):
    with pytest.raises(TypeError) as plain:
        spread_parameter(0.7, params)
    with pytest.raises(TypeError) as derived:
        adjoint.grad(spread_parameter)(0.7, params)
    assert str(plain.value).split("(")[0] in str(derived.value)


def takes_any_keyword(x, **options):
    return x * options["w"]


def spread_into_kwargs(x, params):
    return takes_any_keyword(x, **params)  # <- kwargs


def spread_into_numpy(x, opts):
    return np.sum(x, **opts)  # <- numpy


@pytest.mark.parametrize("func, args, label", [
    (spread_into_kwargs, (0.7, {"w": 1.0}), "kwargs"),
    (spread_into_numpy, (np.ones(3), {"axis": 0}), "numpy"),
])
def test_spreads_whose_keys_no_parameter_names_are_refused_at_their_line(func, args, label):
    lines, first = inspect.getsourcelines(func)
    line = first + next(i for i, text in enumerate(lines) if f"# <- {label}" in text)
    with pytest.raises(adjoint.UnsupportedSyntaxError, match=r"\*\*") as caught:
        adjoint.grad(func)(*args)
    assert f"test_keyword_spread.py:{line}" in str(caught.value)


def spread_into_numpy_literal(a):
    options = {"axis": 0}
    return np.sum(np.sum(a * a, **options) * np.array([1.0, 2.0, 3.0]))


def test_a_literal_dict_spread_into_a_numpy_function():
    check_every_mode(spread_into_numpy_literal, (np.array([[0.3, -0.5, 1.1], [0.8, 1.4, -0.2]]),), peer=None)


def given_twice(x, w):
    params = {"w": w}
    return linear(x, w=2.0, **params)


def given_by_position_too(x, w):
    params = {"x": w, "w": w}
    return linear(x, **params)


@pytest.mark.parametrize("func", [given_twice, given_by_position_too])
def test_a_keyword_given_twice_raises_as_in_python(func):
    with pytest.raises(TypeError):
        func(0.7, 1.3)
    with pytest.raises(TypeError, match="unexpected keyword"):
        adjoint.grad(func)(0.7, 1.3)
