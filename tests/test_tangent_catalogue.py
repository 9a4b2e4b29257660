"""Every function of Tangent's catalogue (tangent_catalogue.py) is differentiated exactly.

Each function is differentiated with respect to all its float, array and container
arguments: `grad` (or `vjp` where it returns a tuple) against central differences and, where
autograd runs the function, against autograd; `jvp` against a directional difference; and
the single-argument scalar functions to second order, `grad(grad(f))` against autograd's.
"""
from __future__ import annotations

import copy
import inspect
import types

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import adjoint
import tangent_catalogue as catalogue
from soundness import central_differences, directional_difference, flat, with_flat

# autograd's note on the linear functions' second derivatives, which are constant.
pytestmark = pytest.mark.filterwarnings("ignore:Output seems independent of input:UserWarning")
RTOL = 1e-6
ATOL = 1e-7

# Points on both sides of the branches, inside every function's domain.
SCALAR_POINTS = (-1.7, 0.6, 1.15)
POSITIVE_POINTS = (0.6, 1.15, 2.3)
POSITIVE_ONLY = {"numpy_sqrt", "test_binop_div2", "test_binop_div3", "gradgrad_pow"}
# autograd does not follow writes into an array (`x[0] = ...`).
NOT_AUTOGRAD = {"test_subscript2", "test_subscript3", "active_subscript", "init_array_grad_maybe_active",
                "rnn"}
INTEGER_ARGUMENTS = {"n": 3, "i": 1}


def _argument(name: str, rng: np.random.Generator, point: float):
    """A value for a parameter, by Tangent's naming convention."""
    if name in INTEGER_ARGUMENTS:
        return INTEGER_ARGUMENTS[name]
    if name in ("a", "b", "c"):
        return point + 0.1 * ("abc".index(name))
    if name == "abc_packed_in_tuple":
        return (point, 0.4, -0.8)
    if name == "val":
        return {"a": point, "b": 0.4, "c": -0.8}
    if name == "p":
        return {"i": {"j": point, "k": -1.3}}
    shapes = {"x": (5,), "inputs": (3, 2), "W": (2, 3), "label": (3,), "h": (4,), "U": (4, 3)}
    return rng.normal(size=shapes[name])


def _arguments(fn, rng, point):
    if fn is catalogue.logistic_regression:
        return (rng.normal(size=(3, 2)), rng.integers(0, 2, size=3).astype(float), rng.normal(size=(2, 1)),
                rng.normal())
    if fn is catalogue.listcomp:
        return (point + rng.normal(size=4),)
    if fn is catalogue.bilinear:
        return tuple(rng.normal(size=shape) for shape in ((2,), (4,), (4, 3), (2, 3), (3,)))
    return tuple(_argument(name, rng, point) for name in inspect.signature(fn).parameters)


def _differentiated(args) -> tuple:
    return tuple(p for p, name in enumerate(args) if not isinstance(name, int))


def _points(name: str) -> tuple:
    return POSITIVE_POINTS if name in POSITIVE_ONLY else SCALAR_POINTS


FUNCTIONS = [fn for name, fn in vars(catalogue).items()
             if isinstance(fn, types.FunctionType) and fn.__module__ == catalogue.__name__
             and not name.startswith("_")]
CASES = [pytest.param(fn, point, id=f"{fn.__name__}[{point}]") for fn in FUNCTIONS for point in _points(fn.__name__)]


def _close(got, want, what: str) -> None:
    np.testing.assert_allclose(flat(got), flat(want), rtol=RTOL, atol=ATOL, err_msg=what)


def _returns_tuple(fn, args) -> bool:
    return isinstance(fn(*copy.deepcopy(args)), tuple)


def _with_autograd_numpy(fn):
    """fn with `np` bound to autograd's NumPy."""
    namespace = dict(fn.__globals__, np=anp)
    return types.FunctionType(fn.__code__, namespace, fn.__name__, fn.__defaults__, fn.__closure__)


def _reverse(fn, args, wrt):
    """The gradients of fn (or, for a tuple result, the pullback of a cotangent of ones)."""
    if _returns_tuple(fn, args):
        _, pullback = adjoint.vjp(fn, wrt=wrt)(*args)
        return pullback(tuple(1.0 for _ in fn(*copy.deepcopy(args))))
    return adjoint.grad(fn, wrt=wrt)(*args)


def _summed(fn):
    """For central differences: fn, with a tuple result summed (the cotangent of ones)."""
    def total(*args):
        result = fn(*args)
        return sum(result) if isinstance(result, tuple) else result
    return total


def test_the_catalogue_is_whole():
    assert len(FUNCTIONS) == 88


@pytest.mark.parametrize("fn, point", CASES)
def test_reverse_mode_matches_differences(fn, point, rng):
    args = _arguments(fn, rng, point)
    wrt = _differentiated(args)
    gradients = _reverse(fn, copy.deepcopy(args), wrt)
    gradients = gradients if len(wrt) > 1 else (gradients,)
    for position, gradient in zip(wrt, gradients):
        _close(gradient, central_differences(_summed(fn), args, position), f"argument {position}")
        if fn.__name__ not in NOT_AUTOGRAD and isinstance(args[position], float):
            expected = autograd.grad(_summed(_with_autograd_numpy(fn)), position)(*copy.deepcopy(args))
            _close(gradient, expected, f"autograd, argument {position}")


@pytest.mark.parametrize("fn, point", CASES)
def test_forward_mode_matches_a_directional_difference(fn, point, rng):
    args = _arguments(fn, rng, point)
    wrt = _differentiated(args)
    tangents = tuple(with_flat(args[p], rng.normal(size=flat(args[p]).size)) for p in wrt)
    value, tangent = adjoint.jvp(fn, wrt=wrt)(*copy.deepcopy(args), *tangents)
    _close(value, fn(*copy.deepcopy(args)), "value")
    _close(tangent, directional_difference(fn, args, wrt, tangents), "tangent")


SECOND_ORDER = [pytest.param(fn, point, id=f"{fn.__name__}[{point}]") for fn, point in
                ((p.values[0], p.values[1]) for p in CASES)
                if list(inspect.signature(fn).parameters) == ["a"] and fn.__name__ not in NOT_AUTOGRAD
                and fn not in (catalogue.fn_multiple_return, catalogue.listcomp)]


@pytest.mark.parametrize("fn, point", SECOND_ORDER)
def test_second_derivative_matches_autograd(fn, point):
    expected = autograd.grad(autograd.grad(_with_autograd_numpy(fn)))(point)
    _close(adjoint.grad(adjoint.grad(fn))(point), expected, "second derivative")
