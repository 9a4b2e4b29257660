"""Numba versions of the helpers that keep the rules of `math` exact at the edge of a domain
(adjoint/runtime/scalars.py): NumPy's inf where Python refuses, math's ValueError outside."""
from __future__ import annotations

import math

import numpy as np
from numba.core import types as _types
from numba.extending import overload as _overload


def _numeric(value) -> bool:
    return isinstance(value, (_types.Float, _types.Integer, _types.Boolean))


class CompiledRefusal(ValueError):
    """A value the compiled derivative cannot represent as Python does (the numba backend turns it
    into a BackendError, or runs the Python derivative for backend='auto')."""


COMPLEX_POWER = ("a negative number raised to a fractional power is complex in Python, and adjoint differentiates "
                 "real values only (numba's power gives nan)")


def pow_term(c, x, e):
    """c * x ** e, 0 where c == 0, inf where x == 0 and e < 0 (NumPy's value, where Python refuses);
    refused where x < 0 and e is fractional (complex in Python, nan in numba)."""
    raise NotImplementedError("compiled by numba only")


@_overload(pow_term)
def _pow_term(c, x, e):
    if _numeric(c) and _numeric(x) and _numeric(e):
        def of_numbers(c, x, e):
            if c == 0:
                return 0.0
            if x == 0 and e < 0:
                return c * np.inf
            if x < 0 and math.isfinite(e) and e != math.floor(e):
                raise CompiledRefusal(COMPLEX_POWER)
            return c * float(x) ** e
        return of_numbers
    return lambda c, x, e: np.where(np.equal(c, 0), 0.0, c * x ** e)


def math_pow_or_inf(x, y):
    """math.pow(x, y), inf where x == 0 and y < 0."""
    raise NotImplementedError("compiled by numba only")


@_overload(math_pow_or_inf)
def _math_pow_or_inf(x, y):
    def of_numbers(x, y):
        if x == 0 and y < 0:
            return np.inf
        if x < 0 and math.isfinite(y) and y != math.floor(y):
            raise ValueError("math domain error")
        return float(x) ** y
    return of_numbers


def quotient_or_inf(a, b):
    """a / b, NumPy's value (+-inf, nan) where b == 0."""
    raise NotImplementedError("compiled by numba only")


@_overload(quotient_or_inf)
def _quotient_or_inf(a, b):
    if _numeric(a) and _numeric(b):
        def of_numbers(a, b):
            if b == 0:
                if a == 0 or a != a:
                    return np.nan
                return np.inf if (a > 0) == (np.copysign(1.0, b) > 0) else -np.inf
            return a / b
        return of_numbers
    return lambda a, b: np.divide(a, b)


def math_domain(x):
    """x, after raising math's ValueError where x <= 0."""
    raise NotImplementedError("compiled by numba only")


@_overload(math_domain)
def _math_domain(x):
    def of_number(x):
        if x <= 0:
            raise ValueError("math domain error")
        return x
    return of_number


def over_length(a, r):
    """a / r, 0 where r == 0: the slope of a Euclidean length in a coordinate, 0 at the origin."""
    raise NotImplementedError("compiled by numba only")


@_overload(over_length)
def _over_length(a, r):
    if _numeric(a) and _numeric(r):
        def of_numbers(a, r):
            if r == 0:
                return 0.0 * a
            return a / r
        return of_numbers
    return lambda a, r: np.where(np.equal(r, 0), 0.0, a / np.where(np.equal(r, 0), 1.0, r))


def nonzero_length(r):
    """r, after refusing a length of 0, where a length's second derivative is unbounded."""
    raise NotImplementedError("compiled by numba only")


@_overload(nonzero_length)
def _nonzero_length(r):
    def of_length(r):
        if np.any(np.equal(r, 0)):
            raise ValueError("the second derivative of a Euclidean length at zero is not differentiated: its curvature "
                          "is unbounded there (its first derivative there is 0)")
        return r
    return of_length


def array_method_or_refuse(value, name, message, filename, lineno):
    """Nothing: numba's code is given arrays and numbers only, never an object whose class has a method
    of its own that NumPy would call (runtime.array_method_or_refuse checks that in Python)."""
    raise NotImplementedError("compiled by numba only")


@_overload(array_method_or_refuse)
def _array_method_or_refuse(value, name, message, filename, lineno):
    if isinstance(value, (_types.Array, _types.Number, _types.Boolean)):
        return lambda value, name, message, filename, lineno: None
    return None


def python_power(a, b):
    """a ** b as Python computes it: an integer to a negative integer power is refused (a float in
    Python; numba's integer power truncates it: 2 ** -2 is 0 there), so is a negative number to a
    fractional power (complex in Python, nan in numba); 0.0 to a negative power raises
    ZeroDivisionError and a finite power that overflows OverflowError (numba gives inf)."""
    raise NotImplementedError("compiled by numba only")


@_overload(python_power)
def _python_power(a, b):
    if isinstance(a, (_types.Integer, _types.Boolean)) and isinstance(b, (_types.Integer, _types.Boolean)):
        def of_integers(a, b):
            if b < 0:
                raise CompiledRefusal("an integer raised to a negative integer power is a float in Python, which the "
                                      "compiled derivative's integer power does not give: write the base as a float "
                                      "(2.0 ** k)")
            return a ** b
        return of_integers
    if _numeric(a) and _numeric(b):
        def of_numbers(a, b):
            if a == 0 and b < 0:
                raise ZeroDivisionError("0.0 cannot be raised to a negative power")
            if a < 0 and math.isfinite(b) and b != math.floor(b):
                raise CompiledRefusal(COMPLEX_POWER)
            value = a ** b
            if math.isinf(value) and math.isfinite(a) and math.isfinite(b):
                raise OverflowError("Numerical result out of range")
            return value
        return of_numbers
    return lambda a, b: a ** b


def math_range(name, x):
    """math.<name>(x), raising math's OverflowError where Python's does (a finite x whose value
    overflows: math.exp(1000.0)); numba's gives inf."""
    raise NotImplementedError("compiled by numba only")


@_overload(math_range, prefer_literal=True)
def _math_range(name, x):
    if not isinstance(name, _types.StringLiteral) or not _numeric(x):
        return None
    function = getattr(math, name.literal_value)

    def checked(name, x):
        value = function(x)
        if math.isinf(value) and math.isfinite(x):
            raise OverflowError("math range error")
        return value
    return checked


def math_argument(x, low, high, open_low, open_high):
    """x, after raising math's ValueError outside [low, high] (an open end excluded, high None for
    none): numba's math.sqrt(-1.0), math.acos(2.0), ... give nan where Python's refuse."""
    raise NotImplementedError("compiled by numba only")


@_overload(math_argument)
def _math_argument(x, low, high, open_low, open_high):
    if not _numeric(x):
        return None
    if high is None or isinstance(high, _types.NoneType):
        def above(x, low, high, open_low, open_high):
            if x < low or (open_low and x == low):
                raise ValueError("math domain error")
            return x
        return above
    def between(x, low, high, open_low, open_high):
        if x < low or x > high or (open_low and x == low) or (open_high and x == high):
            raise ValueError("math domain error")
        return x
    return between


def slope_or_zero(g, value):
    """value, 0 where g == 0 and value is not finite (the branch np.where did not take)."""
    raise NotImplementedError("compiled by numba only")


def slope_or_zero_like(g, value, t):
    """t, 0 where g == 0 and value or t is not finite."""
    raise NotImplementedError("compiled by numba only")


@_overload(slope_or_zero)
def _slope_or_zero(g, value):
    return lambda g, value: slope_or_zero_like(g, value, value)


@_overload(slope_or_zero_like)
def _slope_or_zero_like(g, value, t):
    if _numeric(g) and _numeric(value) and _numeric(t):
        return lambda g, value, t: 0.0 if g == 0 and not (math.isfinite(value) and math.isfinite(t)) else t
    return lambda g, value, t: np.where((g == 0) & ~(np.isfinite(value) & np.isfinite(t)), 0.0, t)
