"""Every catalogue case: adjoint's gradient against central finite differences in float64.

Besides the values, the gradient must have the type and shape of its input, a second call
must give the same values, and no input may be changed. `value_and_grad` and
`check_grad` are checked on the same cases.
"""
from __future__ import annotations

import copy
import dataclasses
import math
from typing import Any, Callable, Sequence

import numpy as np
import pytest

import adjoint
import catalogue_functions as fns
from catalogue import CASES, CATEGORIES, Case, load_functions

EPS = 1e-6
RTOL = 1e-6
ATOL = 1e-8

PARAMS = [pytest.param(case, id=case.id) for case in CASES]


# ----- finite differences ---------------------------------------------------------

def scalar_output(value: Any) -> float:
    """A function's output as a float; it must be a float or an array of size 1."""
    array = np.asarray(value, dtype=np.float64)
    assert array.size == 1, f"the function returned shape {array.shape}, not a scalar"
    return float(array.reshape(()))


def central_differences(fn: Callable[..., Any], args: Sequence[Any], position: int, eps: float = EPS) -> Any:
    """d fn(*args) / d args[position], element by element: (f(x + eps) - f(x - eps)) / 2 eps.

    Ints are perturbed as floats. The result is a float for a scalar argument and a
    float64 array of the argument's shape for an array.
    """
    def at(value: Any) -> float:
        varied = list(copy.deepcopy(args))
        varied[position] = value
        return scalar_output(fn(*varied))

    base = args[position]
    if isinstance(base, np.ndarray):
        gradient = np.zeros(base.shape)
        for index in np.ndindex(*base.shape):
            plus = base.astype(np.float64)
            minus = base.astype(np.float64)
            plus[index] += eps
            minus[index] -= eps
            gradient[index] = (at(plus) - at(minus)) / (2 * eps)
        return gradient
    x = float(base)
    return (at(x + eps) - at(x - eps)) / (2 * eps)


class FrozenStops:
    """Stands in for `adjoint` in a copy of the catalogue functions.

    The first run records what each `stop_gradient` call returns; later runs return the
    recorded values, call by call. Finite differences of the copy then treat every
    stopped expression as the constant it is at the point of differentiation.
    """

    def __init__(self) -> None:
        self.values: list = []
        self.position: int | None = None

    def stop_gradient(self, x: Any) -> Any:
        if self.position is None:
            self.values.append(copy.deepcopy(x))
            return x
        assert self.position < len(self.values), "more stop_gradient calls than at the base point"
        self.position += 1
        return copy.deepcopy(self.values[self.position - 1])

    def replay(self, fn: Callable[..., Any], args: Sequence[Any]) -> Any:
        self.position = 0
        result = fn(*args)
        assert self.position == len(self.values), "fewer stop_gradient calls than at the base point"
        return result


def reference_function(case: Case, args: Sequence[Any]) -> Callable[..., Any]:
    """The function finite differences should differentiate to get the case's gradient.

    That is the case's function itself, except for stop_gradient cases: there it is a
    copy whose stopped values are frozen at `args`.
    """
    if "stop_gradient" not in case.tags:
        return case.fn
    stops = FrozenStops()
    frozen = getattr(load_functions(adjoint=stops), case.fn.__name__)
    frozen(*copy.deepcopy(args))
    return lambda *call_args: stops.replay(frozen, call_args)


# ----- helpers ------------------------------------------------------------------------

def as_tuple(case: Case, result: Any) -> tuple:
    """The gradients as a tuple in `wrt` order; a tuple `wrt` must give a tuple of that length."""
    if not isinstance(case.wrt, tuple):
        return (result,)
    assert isinstance(result, tuple), f"wrt={case.wrt!r} should give a tuple, got {type(result).__name__}"
    assert len(result) == len(case.wrt), f"wrt={case.wrt!r} gave {len(result)} gradients"
    return result


def assert_like_input(gradient: Any, value: Any, what: str) -> None:
    """A float for a Python number (int included), a float array of the same shape for an array."""
    if isinstance(value, np.ndarray):
        assert isinstance(gradient, np.ndarray), (
            f"{what}: expected an array of shape {value.shape}, got {type(gradient).__name__}")
        assert gradient.shape == value.shape, f"{what}: shape {gradient.shape}, input has {value.shape}"
        assert np.issubdtype(gradient.dtype, np.floating), f"{what}: dtype {gradient.dtype}"
    else:
        assert isinstance(gradient, float), (
            f"{what}: expected a float for a {type(value).__name__} input, got {type(gradient).__name__}")


def assert_unchanged(before: Any, after: Any, where: str = "args") -> None:
    """`after` equals the deep copy `before`, with the same types, shapes and dtypes."""
    assert type(after) is type(before), f"{where}: {type(before).__name__} became {type(after).__name__}"
    if isinstance(before, np.ndarray):
        assert after.dtype == before.dtype and after.shape == before.shape, f"{where}: dtype or shape changed"
        assert np.array_equal(after, before), f"{where}: array changed from {before} to {after}"
    elif isinstance(before, (list, tuple)):
        assert len(after) == len(before), f"{where}: length changed"
        for index, (b, a) in enumerate(zip(before, after)):
            assert_unchanged(b, a, f"{where}[{index}]")
    elif isinstance(before, dict):
        assert list(after) == list(before), f"{where}: keys changed"
        for key in before:
            assert_unchanged(before[key], after[key], f"{where}[{key!r}]")
    elif dataclasses.is_dataclass(before):
        for field in dataclasses.fields(before):
            assert_unchanged(getattr(before, field.name), getattr(after, field.name), f"{where}.{field.name}")
    else:
        assert after == before, f"{where}: {before!r} became {after!r}"


def all_numbers(case: Case) -> bool:
    """True when every argument of the case is a Python int or float (bools included)."""
    return all(isinstance(a, (int, float)) for a in case.make_args(np.random.default_rng(0)))


# ----- the catalogue itself -----------------------------------------------------------

def test_catalogue_is_complete() -> None:
    assert len(CASES) >= 160
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    for category in CATEGORIES:
        assert sum(category in case.tags for case in CASES) >= 5, category
    for case in CASES:
        assert case.fn.__module__ == fns.__name__, case.id
        names = list(case.fn.__code__.co_varnames[:case.fn.__code__.co_argcount])
        assert all(0 <= p < len(names) for p in case.positions), case.id
        assert len(set(case.positions)) == len(case.positions), case.id


@pytest.mark.parametrize("case", PARAMS)
def test_function_returns_finite_scalar(case: Case, rng: np.random.Generator) -> None:
    out = case.fn(*case.make_args(rng))
    assert isinstance(out, float) or (isinstance(out, np.ndarray) and np.issubdtype(out.dtype, np.floating)), (
        f"returned {type(out).__name__}")
    assert math.isfinite(scalar_output(out))


def test_copy_with_replaced_globals_leaves_original_alone() -> None:
    marker = object()
    module = load_functions(np=marker)
    assert module.np is marker and fns.np is np
    assert module.helper_square is not fns.helper_square
    assert module.call_helper.__globals__["helper_square"] is module.helper_square


# ----- gradients ------------------------------------------------------------------------

@pytest.mark.parametrize("case", PARAMS)
def test_grad_matches_finite_differences(case: Case, rng: np.random.Generator) -> None:
    args = case.make_args(rng)
    gradients = as_tuple(case, adjoint.grad(case.fn, wrt=case.wrt)(*copy.deepcopy(args)))
    reference = reference_function(case, args)
    for wrt, position, gradient in zip(case.wrt_items, case.positions, gradients):
        expected = central_differences(reference, args, position)
        np.testing.assert_allclose(np.asarray(gradient, dtype=np.float64), expected, rtol=RTOL, atol=ATOL,
                                   err_msg=f"gradient with respect to {wrt!r}")


@pytest.mark.parametrize("case", PARAMS)
def test_gradient_has_type_and_shape_of_input(case: Case, rng: np.random.Generator) -> None:
    args = case.make_args(rng)
    gradients = as_tuple(case, adjoint.grad(case.fn, wrt=case.wrt)(*copy.deepcopy(args)))
    for wrt, position, gradient in zip(case.wrt_items, case.positions, gradients):
        assert_like_input(gradient, args[position], f"gradient with respect to {wrt!r}")


@pytest.mark.parametrize("case", PARAMS)
def test_grad_repeats_and_leaves_inputs_alone(case: Case, rng: np.random.Generator) -> None:
    args = case.make_args(rng)
    before = copy.deepcopy(args)
    gradient_fn = adjoint.grad(case.fn, wrt=case.wrt)
    first = as_tuple(case, gradient_fn(*args))
    assert_unchanged(before, args)
    first_copy = copy.deepcopy(first)
    second = as_tuple(case, gradient_fn(*args))
    assert_unchanged(before, args)
    for wrt, a, b, c in zip(case.wrt_items, first_copy, first, second):
        np.testing.assert_array_equal(b, a, err_msg=f"the second call changed the first gradient for {wrt!r}")
        np.testing.assert_array_equal(c, a, err_msg=f"the second call gave another gradient for {wrt!r}")


@pytest.mark.parametrize("case", PARAMS)
def test_value_and_grad(case: Case, rng: np.random.Generator) -> None:
    args = case.make_args(rng)
    value, gradients = adjoint.value_and_grad(case.fn, wrt=case.wrt)(*copy.deepcopy(args))
    expected_value = case.fn(*copy.deepcopy(args))
    assert np.shape(value) == np.shape(expected_value)
    np.testing.assert_allclose(scalar_output(value), scalar_output(expected_value), rtol=1e-12, atol=1e-12)
    expected = as_tuple(case, adjoint.grad(case.fn, wrt=case.wrt)(*copy.deepcopy(args)))
    for wrt, gradient, grad_gradient in zip(case.wrt_items, as_tuple(case, gradients), expected):
        np.testing.assert_allclose(gradient, grad_gradient, rtol=1e-12, atol=1e-12,
                                   err_msg=f"value_and_grad and grad differ with respect to {wrt!r}")


# ----- check_grad on the cases with only number arguments -------------------------------

NUMBER_CASES = [c for c in PARAMS if all_numbers(c.values[0])]


@pytest.mark.parametrize("case", [c for c in NUMBER_CASES if "stop_gradient" not in c.values[0].tags])
def test_check_grad_accepts(case: Case, rng: np.random.Generator) -> None:
    adjoint.check_grad(case.fn, *case.make_args(rng), wrt=case.wrt)


@pytest.mark.parametrize("case", [c for c in NUMBER_CASES if "stop_gradient" in c.values[0].tags])
def test_check_grad_rejects_stopped_gradient(case: Case, rng: np.random.Generator) -> None:
    # Plain finite differences see through stop_gradient, so the checker must complain.
    with pytest.raises(AssertionError):
        adjoint.check_grad(case.fn, *case.make_args(rng), wrt=case.wrt)


# ----- values printed in the seed notebooks ---------------------------------------------

SEED_VALUES = [
    pytest.param(fns.seed_helium_energy, (2, 3, 2, 5, 3, -3, 0.3), "alpha", (-0.44404586887760766,),
                 id="helium_alpha"),
    pytest.param(fns.seed_cube, (2.0,), 0, (12.0,), id="cube"),
    pytest.param(fns.seed_product_graph, (2.0, 3.0), (0, 1), (15.0, 10.0), id="product_graph"),
    pytest.param(fns.seed_diamond, (3.0, 2.0, 1.0), (0, 1, 2), (96.0, 288.0, 288.0), id="diamond"),
    pytest.param(fns.seed_diamond_square, (3.0, 2.0, 1.0), (0, 1, 2), (96.0, 288.0, 288.0), id="diamond_square"),
    pytest.param(fns.seed_cubic, (3.2,), 0, (645.1200000000001,), id="cubic"),
    pytest.param(fns.seed_plus_times, (4.0,), 0, (11.0,), id="plus_times"),
    pytest.param(fns.seed_quotient, (4.0, 3.0), (0, 1), (0.6666666666666666, -0.8888888888888888), id="quotient"),
    pytest.param(fns.seed_difference_times, (5.0, 3.0), (0, 1), (7.0, -5.0), id="difference_times"),
    pytest.param(fns.seed_power_of_two, (3.0,), 0, (1064.674069340076,), id="power_of_two"),
    pytest.param(fns.seed_exp_of_quotient, (4.0,), 0, (-54.59815003314423,), id="exp_of_quotient"),
    pytest.param(fns.seed_exp_times_three, (2.0,), 0, (22.16716829679195,), id="exp_times_three"),
    pytest.param(fns.seed_power_pair, (0.5, 4.2), "y", (0.46228627071977624,), id="power_pair"),
]


@pytest.mark.parametrize("fn, args, wrt, documented", SEED_VALUES)
def test_seed_documented_gradients(fn: Callable[..., Any], args: tuple, wrt: Any, documented: tuple) -> None:
    result = adjoint.grad(fn, wrt=wrt)(*args)
    gradients = result if isinstance(wrt, tuple) else (result,)
    np.testing.assert_allclose(gradients, documented, rtol=1e-10)


def test_seed_helium_energy_value() -> None:
    value, _ = adjoint.value_and_grad(fns.seed_helium_energy, wrt="alpha")(2, 3, 2, 5, 3, -3, 0.3)
    assert value == pytest.approx(-3.715315687004636, rel=1e-12)
