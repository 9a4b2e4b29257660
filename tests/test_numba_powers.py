"""Powers and exponentials under the numba backend compute what Python computes, or refuse: a
negative number to a fractional power is complex in Python (the Python derivative refuses it)
where numba's power gave nan; 0.0 to a negative power raises ZeroDivisionError, and a finite
`math.exp`, `math.cosh` or power that overflows OverflowError, where numba's gave inf. Skipped
where numba is not installed."""
from __future__ import annotations

import math

import numpy as np
import pytest

import adjoint
from adjoint.checking import numerical_gradient
from adjoint.errors import BackendError

pytest.importorskip("numba")
RTOL = 1e-10


def square_root_and_line(x):
    return x ** 0.5 + 2.0 * x


def power_of_a_parameter(x, k):
    return x ** k + x


def inverse_square_root(x):
    return 3.0 * x ** -0.5


def math_power(x, y):
    return math.pow(x, y) + x


def cube_root_in_a_loop(x):
    total = 0.0
    for c in (1.0, 2.0, 3.0):
        total = total + (x * c) ** (1.0 / 3.0)
    return total


def slope(f, args, position):
    (_, expected), = numerical_gradient(f, tuple(args), position, 1e-6)
    return expected


@pytest.mark.parametrize("f, args", [
    (square_root_and_line, (4.0,)), (power_of_a_parameter, (2.0, 1.5)), (inverse_square_root, (2.5,)),
    (math_power, (2.0, 0.7)), (cube_root_in_a_loop, (1.7,)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_powers_in_their_domain_agree_with_python(f, args):
    compiled = adjoint.grad(f, backend="numba")(*args)
    assert compiled == pytest.approx(adjoint.grad(f)(*args), rel=RTOL)
    assert compiled == pytest.approx(slope(f, args, 0), rel=1e-7)
    value, gradient = adjoint.value_and_grad(f, backend="numba")(*args)
    assert value == pytest.approx(f(*args), rel=RTOL)


@pytest.mark.parametrize("f, args", [
    (square_root_and_line, (-4.0,)), (power_of_a_parameter, (-2.0, 1.5)), (inverse_square_root, (-2.5,)),
    (cube_root_in_a_loop, (-1.7,)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_a_negative_number_to_a_fractional_power_is_refused_not_nan(f, args):
    with pytest.raises(adjoint.AdjointError, match="complex"):
        adjoint.grad(f)(*args)  # Python's value is complex
    for transform in (adjoint.grad, adjoint.value_and_grad):
        with pytest.raises(BackendError, match="fractional power is complex"):
            transform(f, backend="numba")(*args)
    with pytest.warns(adjoint.AdjointWarning), pytest.raises(adjoint.AdjointError, match="complex"):
        adjoint.grad(f, backend="auto")(*args)


def test_math_pow_of_a_negative_number_to_a_fractional_power_raises_as_in_python():
    with pytest.raises(ValueError, match="math domain error"):
        math_power(-2.0, 0.7)
    for backend in ("python", "numba"):
        with pytest.raises(ValueError, match="math domain error"):
            adjoint.grad(math_power, backend=backend)(-2.0, 0.7)


def test_zero_to_a_negative_power_raises_as_in_python_not_inf():
    with pytest.raises(ZeroDivisionError):
        power_of_a_parameter(0.0, -1.0)
    for backend in ("python", "numba"):
        with pytest.raises(ZeroDivisionError):
            adjoint.grad(power_of_a_parameter, backend=backend)(0.0, -1.0)
        with pytest.raises(ZeroDivisionError):
            adjoint.value_and_grad(power_of_a_parameter, backend=backend)(0.0, -1.0)


def test_powers_of_arrays_keep_numpys_values():
    """NumPy's power of a negative array entry to a fractional power is nan, with no error, in
    both backends; the other entries' slopes agree with finite differences."""
    def root_sum(x):
        return np.sum(x ** 0.5 + x ** 2)
    x = np.array([-1.5, 0.4, 2.0])
    with np.errstate(invalid="ignore"):
        compiled, plain = adjoint.grad(root_sum, backend="numba")(x), adjoint.grad(root_sum)(x)
    np.testing.assert_allclose(compiled, plain, rtol=RTOL)
    assert np.isnan(compiled[0]) and np.all(np.isfinite(compiled[1:]))
    np.testing.assert_allclose(compiled[1:], 0.5 * x[1:] ** -0.5 + 2 * x[1:], rtol=RTOL)


def exponential_energy(x):
    return math.exp(x) + math.cosh(0.5 * x) + x ** 2


@pytest.mark.parametrize("x", [1000.0, 800.0])
def test_a_finite_value_that_overflows_raises_as_in_python_not_inf(x):
    with pytest.raises(OverflowError):
        exponential_energy(x)
    for backend in ("python", "numba"):
        for transform in (adjoint.grad, adjoint.value_and_grad):
            with pytest.raises(OverflowError):
                transform(exponential_energy, backend=backend)(x)


def test_a_square_that_overflows_raises_as_in_python_not_inf():
    with pytest.raises(OverflowError):
        power_of_a_parameter(1e200, 2.0)
    for backend in ("python", "numba"):
        with pytest.raises(OverflowError):
            adjoint.grad(square_root_and_line_squared, backend=backend)(1e200)


def square_root_and_line_squared(x):
    return x ** 2 + x ** 0.5


def test_exponentials_in_range_agree_with_python():
    for x in (0.3, -2.0, 5.0):
        assert adjoint.grad(exponential_energy, backend="numba")(x) == pytest.approx(
            adjoint.grad(exponential_energy)(x), rel=RTOL)
        assert adjoint.grad(exponential_energy)(x) == pytest.approx(slope(exponential_energy, (x,), 0), rel=1e-6)
