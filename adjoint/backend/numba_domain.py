"""Numba versions of the helpers that keep the rules of `math` exact at the edge of a domain
(adjoint/runtime/scalars.py): NumPy's inf where Python refuses, math's ValueError outside."""
from __future__ import annotations

import numpy as np
from numba.core import types as _types
from numba.extending import overload as _overload


def _is_number(value) -> bool:
    return isinstance(value, (_types.Float, _types.Integer, _types.Boolean))


def power_or_inf(x, y):
    """x ** y, inf where x == 0 and y < 0 (NumPy's value, where Python refuses)."""
    raise NotImplementedError("compiled by numba only")


@_overload(power_or_inf)
def _power_or_inf(x, y):
    if _is_number(x) and _is_number(y):
        def of_numbers(x, y):
            if x == 0 and y < 0:
                return np.inf
            return x ** y
        return of_numbers
    return lambda x, y: x ** y


def math_pow_or_inf(x, y):
    """math.pow(x, y), inf where x == 0 and y < 0."""
    raise NotImplementedError("compiled by numba only")


@_overload(math_pow_or_inf)
def _math_pow_or_inf(x, y):
    def of_numbers(x, y):
        if x == 0 and y < 0:
            return np.inf
        return float(x) ** y
    return of_numbers


def quotient_or_inf(a, b):
    """a / b, NumPy's value (+-inf, nan) where b == 0."""
    raise NotImplementedError("compiled by numba only")


@_overload(quotient_or_inf)
def _quotient_or_inf(a, b):
    if _is_number(a) and _is_number(b):
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
