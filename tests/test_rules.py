"""Every NumPy rule, in both modes, against central differences; and against autograd.

Each case of rule_specs.CASES is a small function `rule_<n>(x0, ...)` written into a
generated module (so that adjoint can read its source). With random directions u (on the
output) and v (on the inputs), in float64:

- reverse: <u, J v> from vjp's pullback, <pullback(u), v>, equals the central difference
  <u, f(x + eps v) - f(x - eps v)> / 2 eps;
- forward: jvp's tangent equals (f(x + eps v) - f(x - eps v)) / 2 eps, element by element;
- peers: the pullback equals autograd's vjp of the same source run on autograd.numpy.

Gradients have their input's shape and type, and float32 inputs give float32 derivatives.
jvp returns its tangent in the output's shape, which hides a tangent of another shape inside
the function: test_tangent_shapes.py checks the shapes of the tangents themselves.
"""
from __future__ import annotations

import copy
import importlib.util
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pytest

import adjoint
from rule_specs import CASES, SCALAR, WRITE_CASES, Case, module_source

EPS = 1e-6
PARAMS = [pytest.param(case, id=case.id) for case in CASES + WRITE_CASES]


def load_module(path: Path, cases: Sequence[Case], numpy_module: str):
    path.write_text(module_source(cases, numpy_module))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def functions(tmp_path_factory):
    return load_module(tmp_path_factory.mktemp("rules") / "rule_functions.py", CASES + WRITE_CASES, "numpy")


# ----- values of any structure (floats, arrays, lists and tuples of them) ---------------------

def flat(value: Any) -> np.ndarray:
    if isinstance(value, (list, tuple)):
        return np.concatenate([flat(item) for item in value]) if value else np.zeros(0)
    return np.ravel(np.asarray(value, dtype=np.float64))


def direction_like(value: Any, rng: np.random.Generator) -> Any:
    """A random value of value's structure: floats for floats, float64 arrays for arrays."""
    if isinstance(value, (list, tuple)):
        return type(value)(direction_like(item, rng) for item in value)
    if isinstance(value, np.ndarray):
        return rng.normal(size=value.shape)
    return float(rng.normal())


def inner(a: Any, b: Any) -> float:
    return float(np.dot(flat(a), flat(b)))


def moved(args: tuple, wrt: Sequence[int], directions: Sequence[Any], eps: float) -> tuple:
    varied = list(copy.deepcopy(args))
    for position, step in zip(wrt, directions):
        varied[position] = varied[position] + eps * step
    return tuple(varied)


def central_difference(fn, args, wrt, directions) -> np.ndarray:
    plus = fn(*moved(args, wrt, directions, EPS))
    minus = fn(*moved(args, wrt, directions, -EPS))
    return (flat(plus) - flat(minus)) / (2 * EPS)


def assert_like_input(gradient: Any, value: Any, what: str) -> None:
    """A gradient has its input's type (float for a Python float) and shape."""
    if isinstance(value, float):
        assert isinstance(gradient, float), f"{what}: a float input got a {type(gradient).__name__} gradient"
    else:
        assert np.shape(gradient) == np.shape(value), f"{what}: shape {np.shape(gradient)}, not {np.shape(value)}"


def assert_same_structure(tangent: Any, value: Any) -> None:
    if isinstance(value, (list, tuple)):
        assert len(tangent) == len(value)
        for item_tangent, item in zip(tangent, value):
            assert_same_structure(item_tangent, item)
    else:
        assert np.shape(tangent) == np.shape(value), f"tangent shape {np.shape(tangent)}, value {np.shape(value)}"


# ----- the tests ---------------------------------------------------------------------------------

@pytest.mark.parametrize("case", PARAMS)
def test_adjoint_matches_central_differences(case: Case, functions, rng) -> None:
    fn = getattr(functions, case.name)
    args = case.make_args(rng)
    value, pullback = adjoint.vjp(fn, wrt=case.wrt)(*copy.deepcopy(args))
    np.testing.assert_array_equal(flat(value), flat(fn(*copy.deepcopy(args))))
    u = direction_like(value, rng)
    gradients = pullback(u)
    assert len(gradients) == len(case.wrt)
    for position, gradient in zip(case.wrt, gradients):
        assert_like_input(gradient, args[position], f"gradient of x{position}")
    v = [direction_like(args[p], rng) for p in case.wrt]
    projected = sum(inner(g, step) for g, step in zip(gradients, v))
    expected = inner(u, central_difference(fn, args, case.wrt, v))
    tol = case.spec.tol
    assert projected == pytest.approx(expected, rel=tol, abs=tol)


@pytest.mark.parametrize("case", PARAMS)
def test_tangent_matches_central_differences(case: Case, functions, rng) -> None:
    fn = getattr(functions, case.name)
    args = case.make_args(rng)
    v = [direction_like(args[p], rng) for p in case.wrt]
    value, tangent = adjoint.jvp(fn, wrt=case.wrt)(*copy.deepcopy(args), *v)
    np.testing.assert_array_equal(flat(value), flat(fn(*copy.deepcopy(args))))
    assert_same_structure(tangent, value)
    tol = case.spec.tol
    np.testing.assert_allclose(flat(tangent), central_difference(fn, args, case.wrt, v), rtol=tol, atol=tol)


DTYPE_PARAMS = [
    pytest.param(case, id=case.id) for case in CASES
    if len(case.wrt) == case.spec.nargs and SCALAR not in case.shapes and not case.kwargs
]


def as_float32(args: tuple) -> tuple:
    return tuple(np.asarray(a, dtype=np.float32) for a in args)


@pytest.mark.parametrize("case", DTYPE_PARAMS)
def test_float32_in_float32_out(case: Case, functions, rng) -> None:
    fn = getattr(functions, case.name)
    args = case.make_args(rng)
    single = as_float32(args)
    value, pullback = adjoint.vjp(fn, wrt=case.wrt)(*single)
    u = direction_like(value, rng)
    gradients = pullback(u)
    reference = adjoint.vjp(fn, wrt=case.wrt)(*args)[1](u)
    for gradient, expected in zip(gradients, reference):
        assert np.asarray(gradient).dtype == np.float32
        np.testing.assert_allclose(gradient, expected, rtol=1e-3, atol=1e-3)
    v = [np.asarray(direction_like(a, rng), dtype=np.float32) for a in single]
    value, tangent = adjoint.jvp(fn, wrt=case.wrt)(*single, *v)
    for item_tangent, item in zip(flat_items(tangent), flat_items(value)):
        assert np.asarray(item_tangent).dtype == np.asarray(item).dtype


def flat_items(value: Any) -> list:
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in flat_items(item)]
    return [value]


# ----- against autograd ------------------------------------------------------------------------

PEER_CASES = [case for case in CASES if case.spec.peer]


@pytest.fixture(scope="module")
def autograd_functions(tmp_path_factory):
    pytest.importorskip("autograd")
    return load_module(tmp_path_factory.mktemp("rules") / "rule_functions_autograd.py", PEER_CASES,
                       "autograd.numpy")


@pytest.mark.peers
@pytest.mark.filterwarnings("ignore:Output seems independent of input")
@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in PEER_CASES])
def test_adjoint_matches_autograd(case: Case, functions, autograd_functions, rng) -> None:
    autograd = pytest.importorskip("autograd")
    fn = getattr(functions, case.name)
    args = case.make_args(rng)
    value, pullback = adjoint.vjp(fn, wrt=case.wrt)(*copy.deepcopy(args))
    u = direction_like(value, rng)
    gradients = pullback(u)
    peer = getattr(autograd_functions, case.name)
    for position, gradient in zip(case.wrt, gradients):
        peer_vjp, peer_value = autograd.make_vjp(peer, position)(*copy.deepcopy(args))
        np.testing.assert_allclose(flat(peer_value), flat(value), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(flat(gradient), flat(peer_vjp(u)), rtol=1e-9, atol=1e-12,
                                   err_msg=f"gradient of x{position}")
