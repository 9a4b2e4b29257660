"""Derivatives of derivatives: grad of grad (of grad), jvp of grad, hvp, jacobian and hessian.

Second and third derivatives are compared with their analytic values; Hessian-vector
products with central differences of the gradient.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode
import higher_order_functions as fns


def tanh_derivatives(x):
    t = math.tanh(x)
    return (-2 * t * (1 - t * t), -2 * (1 - t * t) * (1 - 3 * t * t))


ANALYTIC = [
    (fns.sine, 0.7, lambda x: (-math.sin(x), -math.cos(x))),
    (fns.exp_twice, 0.3, lambda x: (4 * math.exp(2 * x), 8 * math.exp(2 * x))),
    (fns.fourth_power, 1.3, lambda x: (12 * x ** 2, 24 * x)),
    (fns.logarithm, 1.7, lambda x: (-1 / x ** 2, 2 / x ** 3)),
    (fns.hyperbolic_tangent, 0.4, tanh_derivatives),
    (fns.square_root, 2.5, lambda x: (-0.25 * x ** -1.5, 0.375 * x ** -2.5)),
    (fns.x_sin_x, 1.1, lambda x: (2 * math.cos(x) - x * math.sin(x), -3 * math.sin(x) - x * math.cos(x))),
    (fns.arctangent, 0.6, lambda x: (-2 * x / (1 + x * x) ** 2, (6 * x * x - 2) / (1 + x * x) ** 3)),
    (fns.horner, 0.9, lambda x: (6.0 * 1.0 * x - 4.0, 6.0)),
    (fns.piecewise, 0.8, lambda x: (6 * x, 6.0)),
    (fns.piecewise, -0.8, lambda x: (-2.0, 0.0)),
    (fns.repeated_squaring, 1.05, lambda x: (56 * x ** 6, 336 * x ** 5)),
    (fns.fifth_power, 1.2, lambda x: (20 * x ** 3, 60 * x ** 2)),
]
IDS = [f"{fn.__name__}@{x}" for fn, x, _ in ANALYTIC]


@pytest.mark.parametrize("fn, x, analytic", ANALYTIC, ids=IDS)
def test_second_derivative_by_grad_of_grad(fn, x, analytic):
    assert adjoint.grad(adjoint.grad(fn))(x) == pytest.approx(analytic(x)[0], rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("fn, x, analytic", ANALYTIC, ids=IDS)
def test_third_derivative_by_grad_three_times(fn, x, analytic):
    assert adjoint.grad(adjoint.grad(adjoint.grad(fn)))(x) == pytest.approx(analytic(x)[1], rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("fn, x, analytic", ANALYTIC, ids=IDS)
def test_second_derivative_forward_over_reverse(fn, x, analytic):
    _, second = adjoint.jvp(adjoint.grad(fn))(x, 1.0)
    assert second == pytest.approx(analytic(x)[0], rel=1e-10, abs=1e-12)
    assert adjoint.hvp(fn)(x, 1.0) == pytest.approx(analytic(x)[0], rel=1e-10, abs=1e-12)


def helium_third_derivative(a, b, c):
    """d^3/da^3 of exp(-2 r), r = |(a, b, c)|, with u = a / r: f (-2 u g + g'), g = 4u^2 - 2(1 - u^2)/r."""
    r = math.sqrt(a * a + b * b + c * c)
    u = a / r
    f = math.exp(-2 * r)
    g = 4 * u * u - 2 * (1 - u * u) / r
    g_a = 8 * u * (1 - u * u) / r + 6 * u * (1 - u * u) / r ** 2
    return f * (-2 * u * g + g_a)


def test_third_derivative_of_the_helium_decay():
    point = (0.3, -0.4, 0.5)
    third = adjoint.grad(adjoint.grad(adjoint.grad(fns.helium_decay)))(*point)
    assert third == pytest.approx(helium_third_derivative(*point), rel=1e-10)


def test_nth_derivatives_of_exp_compose():
    derivative = fns.exp_twice
    for order in range(1, 6):
        derivative = adjoint.grad(derivative)
        assert derivative(0.2) == pytest.approx(2 ** order * math.exp(0.4), rel=1e-12)


def test_elementwise_derivatives_of_tanh_up_to_the_fifth_match_autograd():
    """Each order differentiates the code generated for the one before, residuals' adjoints included."""
    autograd = pytest.importorskip("autograd")
    x = np.linspace(-1.0, 1.0, 16)
    expected = autograd.numpy.tanh
    for derivative in fns.ELEMENTWISE_TANH_DERIVATIVES:
        expected = autograd.elementwise_grad(expected)
        np.testing.assert_allclose(derivative(x), expected(x), rtol=1e-10, atol=1e-12)


def gradient_differences(fn, args, position, direction, eps=1e-6):
    gradient = adjoint.grad(fn, wrt=position)
    plus = list(args)
    minus = list(args)
    plus[position] = args[position] + eps * direction
    minus[position] = args[position] - eps * direction
    return (np.asarray(gradient(*plus)) - np.asarray(gradient(*minus))) / (2 * eps)


def test_hvp_of_a_numpy_loop_matches_differences_of_the_gradient(rng):
    w = rng.normal(size=(3, 3)) * 0.5
    x = rng.normal(size=(4, 3))
    v = rng.normal(size=(3, 3))
    product = adjoint.hvp(fns.rnn_loss, wrt=0)(w, x, v)
    assert product.shape == w.shape
    np.testing.assert_allclose(product, gradient_differences(fns.rnn_loss, (w, x), 0, v), rtol=1e-6, atol=1e-8)


def test_hvp_of_a_scalar_loop_matches_differences_of_the_gradient():
    product = adjoint.hvp(fns.scalar_loop_energy)(0.3, 3.2, 1.0)
    assert product == pytest.approx(float(gradient_differences(fns.scalar_loop_energy, (0.3, 3.2), 0, 1.0)), rel=1e-6)


@pytest.mark.parametrize("fn", [fns.loss_through_a_callee_with_a_loop, fns.loss_through_a_callee_that_appends])
def test_hvp_through_a_callee_whose_backward_half_pops_matches_differences(fn, rng):
    w = rng.normal(size=(3, 3)) * 0.5
    x = rng.normal(size=(4, 3))
    v = rng.normal(size=(3, 3))
    hvp = adjoint.hvp(fn, wrt=0)
    expected = gradient_differences(fn, (w, x), 0, v)
    np.testing.assert_allclose(hvp(w, x, v), expected, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(hvp(w, x, v), expected, rtol=1e-6, atol=1e-8)


def test_hvp_of_a_list_whose_slice_is_read_where_no_second_derivative_flows(rng):
    xs = [rng.normal(size=2) for _ in range(3)]
    v = [rng.normal(size=2) for _ in range(3)]
    product = adjoint.hvp(fns.loop_over_a_slice_of_a_list, wrt=1)(0.3, xs, v)
    gradient = adjoint.grad(fns.loop_over_a_slice_of_a_list, wrt=1)
    eps = 1e-5
    expected = [(a - b) / (2 * eps) for a, b in zip(gradient(0.3, [x + eps * d for x, d in zip(xs, v)]),
                                                    gradient(0.3, [x - eps * d for x, d in zip(xs, v)]))]
    for got, want in zip(product, expected):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


def test_hessian_matches_differences_of_the_gradient(rng):
    a = rng.normal(size=4)
    hessian = adjoint.hessian(lambda_free_sum_of_decay)(a)
    assert hessian.shape == (4, 4)
    columns = [gradient_differences(lambda_free_sum_of_decay, (a,), 0, unit) for unit in np.eye(4)]
    np.testing.assert_allclose(hessian, np.stack(columns, axis=-1), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(hessian, hessian.T, rtol=1e-12, atol=1e-12)


def lambda_free_sum_of_decay(a):
    return np.sum(fns.numpy_decay(a))


def test_jacobian_shapes_follow_out_shape_then_in_shape(rng):
    x = rng.normal(size=(2, 3))
    jacobian = adjoint.jacobian(fns.numpy_decay)(x)
    assert jacobian.shape == (2, 3, 2, 3)
    expected = np.zeros((2, 3, 2, 3))
    for index in np.ndindex(2, 3):
        expected[index + index] = adjoint.grad(lambda_free_decay_at(index))(x)[index]
    np.testing.assert_allclose(jacobian, expected, rtol=1e-12, atol=1e-14)


def lambda_free_decay_at(index):
    def decay_at(a):
        return fns.numpy_decay(a)[index]

    return decay_at


def test_jacobian_of_a_scalar_function_is_its_gradient():
    point = (0.3, -0.4, 0.5)
    jacobian = adjoint.jacobian(fns.helium_decay, wrt=(0, 1, 2))(*point)
    assert jacobian == pytest.approx(adjoint.grad(fns.helium_decay, wrt=(0, 1, 2))(*point), rel=1e-12)
    assert all(isinstance(entry, float) for entry in jacobian)


def test_wide_jacobian_uses_forward_mode_and_agrees_with_reverse(rng):
    x = rng.normal(size=2)
    tall = adjoint.jacobian(widen)(x)
    assert tall.shape == (6, 2)
    rows = np.stack([adjoint.grad(lambda_free_widen_at(i))(x) for i in range(6)])
    np.testing.assert_allclose(tall, rows, rtol=1e-12, atol=1e-14)


def widen(x):
    return np.sin(np.array([x[0], x[1], x[0] * x[1], x[0], x[1], 1.0]))


def lambda_free_widen_at(i):
    def widen_at(x):
        return widen(x)[i]

    return widen_at


def second_through_the_module(x):
    return np.sum(fns.tanh_1(x))


def test_a_derived_function_read_as_a_module_attribute_is_differentiated_as_its_generated_code(rng):
    """`fns.tanh_1(x)` is the derived function itself, as `tanh_1(x)` is: adjoint differentiates
    the code it generated for it, never the source of its own API."""
    x = rng.normal(size=3)
    t = np.tanh(x)
    np.testing.assert_allclose(adjoint.grad(second_through_the_module)(x), -2.0 * t * (1.0 - t ** 2), rtol=1e-12)


def test_forward_mode_through_a_derived_function_takes_the_tangents_of_its_generated_code(rng):
    """jvp of a function calling grad(f) passes tangents by the names of the generated code's
    parameters, not those of adjoint's API wrapper (an internal KeyError before)."""
    x, direction = rng.normal(size=3), rng.normal(size=3)
    t = np.tanh(x)
    value, tangent = adjoint.jvp(fns.tanh_1_sum)(x, direction)
    assert value == pytest.approx(np.sum(1.0 - t ** 2), rel=1e-12)
    assert tangent == pytest.approx(np.sum(-2.0 * t * (1.0 - t ** 2) * direction), rel=1e-12)
    via_module_value, via_module_tangent = adjoint.jvp(second_through_the_module)(x, direction)
    assert (via_module_value, via_module_tangent) == pytest.approx((value, tangent), rel=1e-12)


def added_into_a_slice(x):
    y = np.ones(5)
    y[1:4] += x[:3] * 2
    y[::2] *= x[0]
    return np.sum(y ** 2)


def test_a_slice_added_into_then_scaled_to_second_order():
    """The gradient keeps the slice `y[1:4]` read before the write; read as its expression
    (normalize/views.py), its second derivative is taken (it was refused)."""
    check_every_mode(added_into_a_slice, (np.linspace(0.3, 1.2, 4),))


def prefix_dependent_items(x):
    y = x * 1.0
    for i in range(1, len(x)):
        y[i] = y[i] + 0.5 * np.sum(np.sin(y[:i]))  # <- refused-derivative
    return np.sum(y ** 2)


def test_a_refusal_inside_a_derivative_differentiated_again_names_the_users_function():
    """hvp differentiates the generated gradient; a refusal met in that code names the line of
    the user's function the refused generated line was made for (and the generated line in the
    message), not only the generated code. (The backward sweep reads the prefix `y[:i]` by value:
    the gradient keeps views of the array the line writes.)"""
    with pytest.raises(adjoint.AdjointError) as refused:
        adjoint.hvp(prefix_dependent_items)(np.ones(4), np.ones(4))
    assert refused.value.location.filename == __file__
    assert "# <- refused-derivative" in refused.value.location.line
    assert "the derivative of `prefix_dependent_items`" in str(refused.value)
    assert "<adjoint grad_prefix_dependent_items" in str(refused.value)


def slices_added_into(x):
    y = np.zeros(6)
    y[:4] += x
    y[2:] += x ** 2
    return np.sum(y ** 3)


def test_second_order_through_writes_into_slices():
    # the derivative reads the slices it wrote into only for their shapes (unbroadcast): the
    # aliasing check took that for a read of their values and refused every second derivative
    x = np.array([0.3, -0.7, 1.1, 0.5])
    v = np.array([0.2, -0.1, 0.4, 0.3])
    gradient = adjoint.grad(slices_added_into)
    expected = (gradient(x + 1e-6 * v) - gradient(x - 1e-6 * v)) / 2e-6
    np.testing.assert_allclose(adjoint.hvp(slices_added_into)(x, v), expected, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(adjoint.jacobian(gradient)(x) @ v, expected, rtol=1e-6, atol=1e-8)
