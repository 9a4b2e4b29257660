"""Derivatives of `math` (and NumPy on Python floats) at the edge of a domain, where the derivative
is infinite though the function has a value, and outside it, where the function raises.

What was wrong:
- the derivative of math.sqrt at 0.0, of `x ** 0.5` and math.pow(x, 0.5) at 0.0, of math.asin and
  math.acos at +-1, math.acosh at 1, and of np.log, np.log1p, np.arctanh on a Python float at the
  edge raised a bare ZeroDivisionError (or ValueError) from the generated code, while np.sqrt's
  (and every rule on a NumPy scalar or array) gave NumPy's inf;
- the gradient of math.log at -1.0 (math.log2, log10, log1p, atanh outside their domains) returned a
  number, though the function raises there: its adjoint does not read its value, so the call that
  raises never ran; at 0.0 it raised ZeroDivisionError instead of the function's ValueError.

What is true now: the derivative at the edge is NumPy's inf (or -inf), the same for math and NumPy,
for a Python float and a NumPy scalar, in every mode and to second order; outside the domain the
derivative raises the function's own ValueError.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import adjoint


def math_sqrt(x):
    return math.sqrt(x)


def numpy_sqrt(x):
    return np.sqrt(x)


def half_power(x):
    return x ** 0.5


def math_half_power(x):
    return math.pow(x, 0.5)


def math_asin(x):
    return math.asin(x)


def math_acos(x):
    return math.acos(x)


def math_acosh(x):
    return math.acosh(x)


def numpy_log(x):
    return np.log(x)


def numpy_log1p(x):
    return np.log1p(x)


def numpy_arctanh(x):
    return np.arctanh(x)


# f, the edge, the first derivative there and the second (the one-sided limits).
EDGES = [
    (math_sqrt, 0.0, math.inf, -math.inf),
    (numpy_sqrt, 0.0, math.inf, -math.inf),
    (half_power, 0.0, math.inf, -math.inf),
    (math_half_power, 0.0, math.inf, -math.inf),
    (math_asin, 1.0, math.inf, math.inf),
    (math_acos, 1.0, -math.inf, -math.inf),
    (math_acosh, 1.0, math.inf, -math.inf),
    (numpy_log, 0.0, math.inf, -math.inf),
    (numpy_log1p, -1.0, math.inf, -math.inf),
    (numpy_arctanh, 1.0, math.inf, math.inf),
]


def _quietly(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's "divide by zero", as for np.sqrt
        return call()


@pytest.mark.parametrize("fn, edge, first, second", EDGES, ids=[case[0].__name__ for case in EDGES])
@pytest.mark.parametrize("kind", [float, np.float64])
def test_infinite_derivative_at_the_edge_of_the_domain_is_numpys_inf(fn, edge, first, second, kind):
    x = kind(edge)
    assert _quietly(lambda: adjoint.grad(fn)(x)) == first
    value, tangent = _quietly(lambda: adjoint.jvp(fn)(x, 1.0))
    assert value == _quietly(lambda: fn(x)) and tangent == first
    _, pullback = _quietly(lambda: adjoint.vjp(fn)(x))
    assert _quietly(lambda: pullback(1.0)) == first
    assert _quietly(lambda: adjoint.grad(adjoint.grad(fn))(x)) == second
    assert _quietly(lambda: adjoint.hvp(fn)(x, 1.0)) == second


def test_math_and_numpy_agree_at_zero_and_autograd_does_for_arrays():
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    for x in (0.0, np.float64(0.0)):
        assert _quietly(lambda: adjoint.grad(math_sqrt)(x)) == _quietly(lambda: adjoint.grad(numpy_sqrt)(x))
    peer = _quietly(lambda: autograd.elementwise_grad(anp.sqrt)(np.zeros(2)))
    np.testing.assert_array_equal(_quietly(lambda: adjoint.elementwise_grad(numpy_sqrt)(np.zeros(2))), peer)


def math_log(x):
    return math.log(x)


def math_log_base(x):
    return math.log(x, 2.0)


def math_log2(x):
    return math.log2(x)


def math_log10(x):
    return math.log10(x)


def math_log1p(x):
    return math.log1p(x)


def math_atanh(x):
    return math.atanh(x)


def log_of_a_sum(x, y):
    s = x + y
    return 3.0 * math.log(s)


OUTSIDE = [(math_log, -1.0), (math_log, 0.0), (math_log_base, -2.0), (math_log2, -1.0), (math_log10, 0.0),
           (math_log1p, -2.0), (math_log1p, -1.0), (math_atanh, 2.0), (math_atanh, -1.0)]


@pytest.mark.parametrize("fn, x", OUTSIDE, ids=[f"{fn.__name__}({x})" for fn, x in OUTSIDE])
def test_gradient_outside_the_domain_raises_the_functions_error(fn, x):
    with pytest.raises(ValueError, match="math domain error"):
        fn(x)
    with pytest.raises(ValueError, match="math domain error"):
        adjoint.grad(fn)(x)
    with pytest.raises(ValueError, match="math domain error"):
        adjoint.vjp(fn)(x)[1](1.0)


def test_gradient_of_a_log_of_a_negative_sum_raises():
    with pytest.raises(ValueError, match="math domain error"):
        adjoint.grad(log_of_a_sum, wrt=(0, 1))(-1.0, 0.5)


def _power_mix(x, y):
    return math.sqrt(x) * x ** y + math.pow(x, 0.25) + math.log(x) * math.asin(x / 2.0) + math.atanh(x / 3.0)


@pytest.mark.parametrize("x, y", [(0.7, 1.3), (1.9, -0.4)])
def test_inside_the_domain_every_mode_matches_differences(x, y):
    step = 1e-6
    for wrt, moved in ((0, lambda h: _power_mix(x + h, y)), (1, lambda h: _power_mix(x, y + h))):
        want = (moved(step) - moved(-step)) / (2 * step)
        assert adjoint.grad(_power_mix, wrt=wrt)(x, y) == pytest.approx(want, rel=1e-7)
        assert adjoint.jvp(_power_mix, wrt=wrt)(x, y, 1.0)[1] == pytest.approx(want, rel=1e-7)
    first = adjoint.grad(_power_mix)
    want = (first(x + step, y) - first(x - step, y)) / (2 * step)
    assert adjoint.hvp(_power_mix)(x, y, 1.0) == pytest.approx(want, rel=1e-6)
    assert adjoint.grad(first)(x, y) == pytest.approx(want, rel=1e-6)


# ----- x ** k with k = 0 at x = 0: the slope 0 * x ** -1 was nan --------------------------------
# Was: nan (0 * inf) for the gradient of the features x ** k, k from a range, at x = 0.0 (a Python
# float or an array holding 0.0); autograd takes the slope of x ** 0 as 0. Now pow_term(y, x, y - 1)
# is exactly 0 where y is 0, to second order.

def power_features(x):
    return sum(x ** k for k in range(4))


def power_features_of_an_array(x):
    return np.sum(sum(c * x ** k for k, c in enumerate([0.5, -1.0, 2.0])))


@pytest.mark.parametrize("x", [0.0, np.float64(0.0), 0.4])
def test_slope_of_a_zeroth_power_at_zero_is_zero(x):
    autograd = pytest.importorskip("autograd")
    assert adjoint.grad(power_features)(x) == pytest.approx(autograd.grad(power_features)(float(x)), abs=1e-12)
    assert adjoint.grad(power_features)(x) == pytest.approx(1.0 + 2.0 * x + 3.0 * x * x, abs=1e-12)
    assert adjoint.jvp(power_features)(x, 1.0)[1] == pytest.approx(1.0 + 2.0 * x + 3.0 * x * x, abs=1e-12)
    assert adjoint.grad(adjoint.grad(power_features))(x) == pytest.approx(2.0 + 6.0 * x, abs=1e-12)
    assert adjoint.hvp(power_features)(x, 1.0) == pytest.approx(2.0 + 6.0 * x, abs=1e-12)


def test_slope_of_a_zeroth_power_of_an_array_at_zero_is_zero():
    x = np.array([0.0, 0.5, -1.5])
    want = -1.0 + 4.0 * x
    np.testing.assert_allclose(adjoint.grad(power_features_of_an_array)(x), want, atol=1e-12)
    np.testing.assert_allclose(adjoint.hvp(power_features_of_an_array)(x, np.ones(3)), np.full(3, 4.0), atol=1e-12)
