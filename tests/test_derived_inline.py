"""Calls of derived functions written into the function differentiated (normalize/derived_inline.py):
a derivative of `np.sum(d(x))`, d a derived function, is one generated function, where it was
the forward and backward halves of d's code and of every generated function that code called
(2**k - 1 functions at order k); names of the caller and of the code written in stay apart, and a
call the inlining cannot take stays a call. Values against autograd and central differences."""
from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import adjoint
from adjoint.options import Options
from adjoint.pipeline import generate
from test_nested_kinds import _summed, adjoint_derivatives

X = np.linspace(-0.9, 1.1, 7)
D1, D2, D3, D4 = adjoint_derivatives(np.tanh, 4)  # D<k+1> = grad of the sum of D<k>


def _tanh_derivative(order):
    """The order-th derivative of tanh, elementwise, as autograd nests it."""
    derivative = anp.tanh
    for _ in range(order):
        derivative = autograd.elementwise_grad(derivative)
    return derivative


@pytest.mark.parametrize("order", [2, 3, 4])
def test_a_derivative_of_a_called_derivative_is_one_function(order):
    caller = _summed([D1, D2, D3][order - 2])  # x -> np.sum(D<order-1>(x))
    generated = generate(caller, Options("reverse", ("x",), True, (("x", "array:1"),)))
    assert [unit.name for unit in generated.units] == ["grad_summed"]
    np.testing.assert_allclose(adjoint.grad(caller)(X), _tanh_derivative(order)(X), rtol=1e-12, atol=1e-12)


def unreduce(v):
    """The user's function of the name of a runtime helper that D1's code reads."""
    return v * 1.5


def shadowing_names(x):
    _t1 = x * 0.5
    dx = D1(_t1)  # D1's code names its own _t1 and dx, and reads the runtime helper `unreduce`
    x = D1(x)  # the caller's target: the name of D1's parameter
    return np.sum(unreduce(dx) * _t1 + x)


def shadowing_names_autograd(x):
    first = autograd.elementwise_grad(anp.tanh)
    return anp.sum(first(x * 0.5) * 1.5 * (x * 0.5) + first(x))


def penalty(w, b):
    return np.sum(np.tanh(w * b)) + b * b


penalty_gradient = adjoint.grad(penalty, wrt=(0, 1))


def calls_in_branches_and_loops(x):
    gw, gb = penalty_gradient(x, 0.7)  # a constant argument, a tuple of gradients
    total = np.sum(gw * x) + gb
    if total > 0.0:
        total = total + np.sum(D1(x * total))
    for i in range(2):
        total = total + np.sum(D1(x + 0.1 * i)) * gb
    return total


def calls_in_branches_and_loops_autograd(x):
    """The same, with tanh' = 1 - tanh**2 and the penalty's gradient written out."""
    def first(z):
        return 1.0 - anp.tanh(z) ** 2
    gw, gb = 0.7 * first(0.7 * x), anp.sum(x * first(0.7 * x)) + 1.4
    total = anp.sum(gw * x) + gb
    if total > 0.0:
        total = total + anp.sum(first(x * total))
    return total + sum(anp.sum(first(x + 0.1 * i)) * gb for i in range(2))


def keyword_call(x):
    """A call the inlining leaves: D1 called by keyword is differentiated in halves, as before."""
    return np.sum(D1(x=x) * x)


def keyword_call_autograd(x):
    return anp.sum(autograd.elementwise_grad(anp.tanh)(x) * x)


CASES = {shadowing_names: shadowing_names_autograd, calls_in_branches_and_loops: calls_in_branches_and_loops_autograd,
         keyword_call: keyword_call_autograd}


@pytest.mark.parametrize("func", list(CASES), ids=lambda f: f.__name__)
def test_gradients_and_second_derivatives_of_callers_of_derived_functions(func):
    reference = CASES[func]
    assert func(X) == pytest.approx(reference(X), rel=1e-13)
    gradient = adjoint.grad(func)(X)
    np.testing.assert_allclose(gradient, autograd.grad(reference)(X), rtol=1e-11, atol=1e-12)
    step = 1e-6
    central = np.array([(func(X + step * e) - func(X - step * e)) / (2 * step) for e in np.eye(X.size)])
    np.testing.assert_allclose(gradient, central, rtol=1e-6, atol=1e-7)
    v = np.linspace(0.3, -0.6, X.size)
    product = adjoint.hvp(func)(X, v)
    np.testing.assert_allclose(product, autograd.hessian_vector_product(reference)(X, v), rtol=1e-10, atol=1e-11)


def test_the_inlined_callers_code_reads_the_users_function_under_its_own_name():
    code = [line for line in adjoint.source(shadowing_names, args=(X,)).splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in code if "D1(" in line or "grad_first" in line]  # written in, not called
    generated = generate(shadowing_names, Options("reverse", ("x",), True, (("x", "array:1"),)))
    bindings = generated.units[0].bindings
    assert [name for name, value in bindings.items() if value is unreduce] == []  # the user's reads its global
    assert any(value is adjoint.runtime.unreduce for value in bindings.values())


def test_a_called_derivative_that_cannot_be_written_in_stays_a_call():
    generated = generate(keyword_call, Options("reverse", ("x",), True, (("x", "array:1"),)))
    assert len(generated.units) == 3  # the derivative, and the halves of D1's code
