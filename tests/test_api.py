"""The public API of SPEC §1: wrt forms, types of gradients, user rules and markers, errors."""
from __future__ import annotations

import math

import numpy as np
import pytest

import adjoint
import api_functions as fns
from adjoint import d
from adjoint.errors import ArgumentError, NonScalarOutputError, WrtError


def test_wrt_by_position_name_and_tuple():
    x, y = 1.5, 2.0
    expected = (2 * x * y, x * x + 2.0)
    assert adjoint.grad(fns.poly)(x, y) == pytest.approx(expected[0])
    assert adjoint.grad(fns.poly, wrt="y")(x, y) == pytest.approx(expected[1])
    assert adjoint.grad(fns.poly, wrt=(0, "y"))(x, y) == pytest.approx(expected)
    assert adjoint.grad(fns.poly, wrt=(1,))(x, y) == pytest.approx((expected[1],))
    assert adjoint.grad(fns.poly, wrt=-1)(x, y, scale=3.0) == pytest.approx(x * x * y + 2.0 * y)


def test_decorator_forms():
    @adjoint.grad
    def first(x, y):
        return x * y

    @adjoint.grad(wrt="y")
    def second(x, y):
        return x * y

    assert first(2.0, 5.0) == 5.0
    assert second(2.0, 5.0) == 2.0


def test_defaults_and_keywords_reach_the_derivative():
    assert adjoint.grad(fns.poly, wrt=1)(1.0, 1.0, 3.0, scale=2.0) == pytest.approx(2.0 * (1.0 + 3.0))
    assert adjoint.grad(fns.poly, wrt="z")(1.0, 4.0, z=5.0) == pytest.approx(4.0)


def test_gradient_has_the_type_of_its_input():
    assert isinstance(adjoint.grad(fns.poly)(1, 2), float)
    w32 = np.linspace(-1.0, 1.0, 6, dtype=np.float32).reshape(2, 3)
    gradient = adjoint.grad(fns.mean_square)(w32)
    assert gradient.dtype == np.float32 and gradient.shape == (2, 3)
    np.testing.assert_allclose(gradient, 2 * w32 / 6, rtol=1e-6)


def test_broadcasting_is_undone_for_the_bias():
    w = np.random.default_rng(0).normal(size=(64, 3))
    b = np.array([0.1, -0.2, 0.3])
    db = adjoint.grad(fns.biased, wrt=1)(w, b)
    assert db.shape == (3,)
    np.testing.assert_allclose(db, np.sum(1 - np.tanh(w + b) ** 2, axis=0), rtol=1e-12)


def test_value_and_grad_is_one_call():
    value, gradient = adjoint.value_and_grad(fns.poly, wrt=(0, 1))(1.5, 2.0)
    assert value == pytest.approx(fns.poly(1.5, 2.0))
    assert gradient == pytest.approx(adjoint.grad(fns.poly, wrt=(0, 1))(1.5, 2.0))


def test_vjp_pulls_back_a_vector():
    x = np.array([0.1, 0.2, 0.3])
    value, pullback = adjoint.vjp(fns.vector_output)(x)
    np.testing.assert_allclose(value, np.sin(x))
    cotangent = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(pullback(cotangent), cotangent * np.cos(x), rtol=1e-12)


def test_jvp_pushes_forward_and_checks_tangent_count():
    value, tangent = adjoint.jvp(fns.poly, wrt=(0, 1))(1.5, 2.0, 1.0, 0.0)
    assert value == pytest.approx(fns.poly(1.5, 2.0))
    assert tangent == pytest.approx(2 * 1.5 * 2.0)
    with pytest.raises(ArgumentError):
        adjoint.jvp(fns.poly, wrt=(0, 1))(1.5)


def test_stop_gradient_blocks_the_derivative():
    assert adjoint.grad(fns.with_stop)(3.0) == pytest.approx(9.0)


def test_insert_grad_of_changes_the_adjoint_in_the_backward_pass():
    # d/dx (5 * 4x) = 20, but the adjoint of h (5) is clipped to 1 before it reaches x.
    assert adjoint.grad(fns.clip_gradient)(0.3) == pytest.approx(4.0)
    assert fns.clip_gradient(0.3) == pytest.approx(6.0)


def test_user_rule_is_used_and_scoped():
    calls = []

    with adjoint.rules.ADJOINTS.scoped():

        @adjoint.register_adjoint(fns.my_softplus)
        def _(result, x):
            d[x] = d[result] * 0.5  # a deliberately wrong rule, to see that it is used

        calls.append(adjoint.grad(fns.softplus)(0.3))
    assert calls[0] == pytest.approx(0.5)
    assert adjoint.grad(fns.softplus)(0.3) == pytest.approx(1 / (1 + math.exp(-0.3)))


def test_non_differentiable_declares_a_constant():
    adjoint.non_differentiable(fns.my_count)
    assert adjoint.grad(fns.counted)(2.5) == pytest.approx(fns.my_count(2.5))


def test_inputs_are_not_mutated():
    a = np.array([1.0, 2.0, 3.0])
    gradient = adjoint.grad(fns.in_place, wrt=0)(a, 5.0)
    np.testing.assert_array_equal(a, [1.0, 2.0, 3.0])
    np.testing.assert_allclose(gradient, [0.0, 4.0, 6.0])
    assert adjoint.grad(fns.in_place, wrt=1)(a, 5.0) == pytest.approx(10.0)


def test_tuple_returns_and_unpacking_through_calls():
    x, y = 1.2, 0.7
    expected = (y * (x + y) + x * y, x * (x + y) + x * y)
    assert adjoint.grad(fns.uses_pair, wrt=(0, 1))(x, y) == pytest.approx(expected)


def test_verbose_prints_the_generated_source(capsys):
    adjoint.grad(fns.poly, verbose=True)(1.0, 2.0)
    printed = capsys.readouterr().out
    assert "def grad_poly(" in printed and "# Grad of:" in printed


def test_source_shows_generic_code_without_example_arguments():
    generic = adjoint.source(fns.mean_square)
    assert "def grad_mean_square(w):" in generic
    assert "gradient_like" in generic


@pytest.mark.parametrize("wrt", ["nope", 7, -9, 1.5, ()])
def test_bad_wrt_is_a_value_error_and_an_adjoint_error(wrt):
    with pytest.raises(WrtError) as info:
        adjoint.grad(fns.poly, wrt=wrt)
    assert isinstance(info.value, ValueError) and isinstance(info.value, adjoint.AdjointError)


def test_grad_of_a_vector_output_is_refused():
    with pytest.raises(NonScalarOutputError, match="scalar"):
        adjoint.grad(fns.vector_output)(np.array([0.1, 0.2]))


def test_check_grad_names_the_argument_and_element():
    def wrong(w):
        return np.sum(w * w)

    adjoint.check_grad(fns.mean_square, np.array([0.5, -1.0]))
    with adjoint.rules.ADJOINTS.scoped():

        @adjoint.register_adjoint(np.mean)
        def _(result, x, axis=None, keepdims=False):
            d[x] = d[result] * x  # wrong on purpose

        with pytest.raises(AssertionError, match=r"argument w\[0\].*adjoint gives.*finite differences give"):
            adjoint.check_grad(fns.mean_square, np.array([0.5, -1.0]))
    assert wrong is not None


def test_second_call_is_served_from_the_cache():
    derivative = adjoint.grad(fns.poly)
    first = derivative(1.0, 2.0)
    generated = adjoint.api.derivative_of
    calls = []

    def counting(func, options):
        calls.append(options)
        return generated(func, options)

    adjoint.api.derivative_of = counting
    try:
        assert derivative(1.0, 2.0) == first
    finally:
        adjoint.api.derivative_of = generated
    assert calls == []


def test_redefining_a_called_function_is_never_served_a_stale_derivative():
    derivative = adjoint.grad(fns.softplus)
    first = derivative(0.3)
    original = fns.my_softplus
    try:
        fns.my_softplus = fns.my_double
        assert derivative(0.3) == pytest.approx(2.0)
    finally:
        fns.my_softplus = original
    assert derivative(0.3) == pytest.approx(first)
