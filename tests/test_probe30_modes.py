"""Derived functions of the transformations that adjoint does not differentiate again, and outputs
a matrix or a pullback cannot take, met in compositions of the transformations.

What was wrong:
- a function calling the derived function of vjp, jvp, hvp or of grad with has_aux on the
  differentiated arguments failed in forward mode with a KeyError from inside adjoint (the
  signature of the derived function is the user's, its code a wrapper taking `*args`), and was
  refused in reverse mode at a line of adjoint's own source, not the user's;
- transforming such a derived function (`grad(jvp(f))`, `jacobian(hvp(f))`, `vjp(jvp(f))`) raised
  a TypeError ("too many positional arguments") from inside adjoint;
- `jacobian` of a function returning a dict gave a matrix of zeros (the dict taken for a number
  whose cotangent is 1.0, and that cotangent for zero), and of a tuple of a number and an array
  raised NumPy's ValueError, as did `grad` of either (and `hessian(value_and_grad(f))`);
- the pullback of a function returning a dict or a tuple, given the number 1.0, returned zeros.
"""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from soundness import central_differences, directional_difference

autograd = pytest.importorskip("autograd")
anp = autograd.numpy

X = np.array([0.3, 0.7, -0.2])
V = np.array([1.0, -2.0, 0.5])
U = np.array([0.2, 0.1, -1.0])


def mixed(z):
    return np.sin(z) * z[::-1]


def scalar_mixed(z):
    return np.sum(np.sin(z) * z[::-1])


def loss_with_aux(w):
    return np.sum(np.sin(w) ** 2), {"n": np.sum(w)}


VJP_MIXED = adjoint.vjp(mixed)
JVP_MIXED = adjoint.jvp(scalar_mixed)
HVP_MIXED = adjoint.hvp(scalar_mixed)
GRAD_WITH_AUX = adjoint.grad(loss_with_aux, has_aux=True)
VALUE_AND_GRAD_WITH_AUX = adjoint.value_and_grad(loss_with_aux, has_aux=True)


def calls_vjp(z):
    value, _ = VJP_MIXED(z)
    return np.sum(value)


def calls_jvp(z):
    value, tangent = JVP_MIXED(z, U)
    return tangent * value


def calls_hvp(z):
    return np.sum(HVP_MIXED(z, U))


def calls_grad_with_aux(z):
    gradient, aux = GRAD_WITH_AUX(z)
    return np.sum(gradient) * aux["n"]


def calls_value_and_grad_with_aux(z):
    (value, aux), gradient = VALUE_AND_GRAD_WITH_AUX(z)
    return np.sum(gradient) * aux["n"] + value


def calls_them_on_constants(z):
    value, tangent = JVP_MIXED(U, U)
    pulled, _ = VJP_MIXED(U)
    return np.sum(z * tangent * pulled) + np.sum(HVP_MIXED(U, V) * z ** 2)


CALLERS = [calls_vjp, calls_jvp, calls_hvp, calls_grad_with_aux, calls_value_and_grad_with_aux]
MODES = {
    "grad": lambda f: adjoint.grad(f)(X),
    "jvp": lambda f: adjoint.jvp(f)(X, V),
    "hvp": lambda f: adjoint.hvp(f)(X, V),
}


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("caller", CALLERS, ids=lambda f: f.__name__)
def test_a_derived_function_that_is_not_differentiated_again_is_refused_at_the_callers_line(caller, mode):
    with pytest.raises(adjoint.AdjointError, match="not differentiate again") as refused:
        MODES[mode](caller)
    assert "test_probe30_modes.py" in str(refused.value)


def test_those_derived_functions_called_on_constants_are_differentiated_exactly():
    f = calls_them_on_constants
    np.testing.assert_allclose(adjoint.grad(f)(X), central_differences(f, (X,), 0), rtol=1e-7, atol=1e-9)
    value, tangent = adjoint.jvp(f)(X, V)
    assert value == f(X)
    np.testing.assert_allclose(tangent, directional_difference(f, (X,), (0,), (V,)), rtol=1e-7, atol=1e-9)
    constant = JVP_MIXED(U, U)[1] * VJP_MIXED(U)[0]
    weights = HVP_MIXED(U, V)
    peer = lambda z: anp.sum(z * constant) + anp.sum(weights * z ** 2)
    np.testing.assert_allclose(adjoint.hvp(f)(X, V), autograd.hessian(peer)(X) @ V, rtol=1e-10)


TRANSFORMS = {
    "grad": lambda d: adjoint.grad(d)(X, V),
    "value_and_grad": lambda d: adjoint.value_and_grad(d)(X, V),
    "vjp": lambda d: adjoint.vjp(d)(X, V),
    "jvp": lambda d: adjoint.jvp(d)(X, V, V),
    "hvp": lambda d: adjoint.hvp(d)(X, V, V),
    "jacobian": lambda d: adjoint.jacobian(d)(X, V),
    "hessian": lambda d: adjoint.hessian(d)(X, V),
    "elementwise_grad": lambda d: adjoint.elementwise_grad(d)(X, V),
}


@pytest.mark.parametrize("transform", list(TRANSFORMS))
@pytest.mark.parametrize("derived", [JVP_MIXED, HVP_MIXED, VJP_MIXED], ids=["jvp", "hvp", "vjp"])
def test_transforming_such_a_derived_function_is_refused(derived, transform):
    with pytest.raises(adjoint.AdjointError, match="not differentiate again"):
        TRANSFORMS[transform](derived)


def returns_a_dict(z):
    return {"a": z ** 2, "b": np.sum(np.sin(z))}


def returns_a_number_and_an_array(z):
    return np.sum(z), z * 2.0


def test_the_jacobian_of_an_output_with_no_one_shape_has_its_structure_and_its_gradient_is_refused():
    blocks = adjoint.jacobian(returns_a_dict)(X)
    np.testing.assert_allclose(blocks["a"], np.diag(2 * X), rtol=1e-12)
    np.testing.assert_allclose(blocks["b"], np.cos(X), rtol=1e-12)
    total, doubled = adjoint.jacobian(returns_a_number_and_an_array)(X)
    np.testing.assert_allclose(total, np.ones_like(X), rtol=1e-12)
    np.testing.assert_allclose(doubled, 2.0 * np.eye(X.size), rtol=1e-12)
    for func in (returns_a_dict, returns_a_number_and_an_array):
        with pytest.raises(adjoint.AdjointError, match="must return a scalar"):
            adjoint.grad(func)(X)


def test_the_hessian_of_value_and_grad_is_refused_and_its_jacobian_holds_the_gradient_and_the_hessian():
    with pytest.raises(adjoint.AdjointError, match="must return a scalar"):
        adjoint.hessian(adjoint.value_and_grad(scalar_mixed))(X)
    gradient, hessian = adjoint.jacobian(adjoint.value_and_grad(scalar_mixed))(X)
    np.testing.assert_allclose(gradient, adjoint.grad(scalar_mixed)(X), rtol=1e-12)
    np.testing.assert_allclose(hessian, adjoint.hessian(scalar_mixed)(X), rtol=1e-12)


def test_a_jacobian_of_a_tuple_of_arrays_of_one_shape_still_stacks_them():
    jac = adjoint.jacobian(lambda z: (z ** 2, np.sin(z)))(X)
    np.testing.assert_allclose(jac, np.stack([np.diag(2 * X), np.diag(np.cos(X))]), rtol=1e-12)


def test_a_pullback_takes_a_cotangent_of_the_outputs_structure_or_zero():
    value, pullback = adjoint.vjp(returns_a_dict)(X)
    with pytest.raises(adjoint.AdjointError, match="must be a dict"):
        pullback(1.0)
    with pytest.raises(adjoint.AdjointError, match="must be a dict"):
        pullback({"a": np.ones(3)})
    np.testing.assert_allclose(pullback(0.0), np.zeros(3))
    seed = {"a": U, "b": 0.7}
    peer = lambda z: anp.sum(z ** 2 * U) + 0.7 * anp.sum(anp.sin(z))
    np.testing.assert_allclose(pullback(seed), autograd.grad(peer)(X), rtol=1e-12)
    weighted = lambda z: np.sum(returns_a_dict(z)["a"] * U) + 0.7 * returns_a_dict(z)["b"]
    np.testing.assert_allclose(pullback(seed), central_differences(weighted, (X,), 0), rtol=1e-7)
    _, pullback = adjoint.vjp(returns_a_number_and_an_array)(X)
    with pytest.raises(adjoint.AdjointError, match="tuple of 2 items"):
        pullback(1.0)
    np.testing.assert_allclose(pullback((1.5, U)), 1.5 + 2.0 * U, rtol=1e-12)
