"""Helpers of the rules of `math`, of the builtins max and min over a sequence, and of np.clip (a max
and a min).

`max(xs)` and `min(xs)` of one sequence are rewritten to `largest(xs)` and `smallest(xs)` (the
rule of max and min takes two to four numbers); the derivative goes to the first item that
attains the extremum, the one Python returns.
"""
from __future__ import annotations

import math

import numpy as np

from adjoint.runtime.adjoints import _is_container
from adjoint.runtime.builtin_rules import tangent_like
from adjoint.runtime.refusals import Refused

# B_2, B_4, ..., B_14: the Bernoulli numbers of the asymptotic series of the polygamma functions.
BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6)


def scalar_polygamma(n, x):
    """The n-th derivative of the digamma function at a real x (not 0, -1, -2, ...); digamma for n = 0.

    The recurrence psi_n(x) = psi_n(x + 1) + (-1)^(n+1) n! / x^(n+1) moves x above 20 + n, where
    the asymptotic series with the Bernoulli numbers is exact to rounding.
    """
    x = float(x)
    sign = -1.0 if n % 2 == 0 else 1.0
    total = 0.0
    while x < 20 + n:
        total += sign * math.factorial(n) / x ** (n + 1)
        x += 1.0
    if n == 0:
        series = math.log(x) - 0.5 / x
        return total + series - sum(b / (2 * k * x ** (2 * k)) for k, b in enumerate(BERNOULLI, 1))
    series = math.factorial(n - 1) / x ** n + math.factorial(n) / (2.0 * x ** (n + 1))
    series += sum(b * math.factorial(2 * k + n - 1) / (math.factorial(2 * k) * x ** (2 * k + n))
                  for k, b in enumerate(BERNOULLI, 1))
    return total + sign * series


def quotient_or_inf(a, b):
    """a / b, and where Python refuses a zero b, the value NumPy gives (inf, -inf or nan, with its
    warning): the derivative of math.sqrt at 0 is inf as np.sqrt's is."""
    try:
        return a / b
    except ZeroDivisionError:
        return float(np.divide(np.float64(a), np.float64(b)))


def over_length(a, r):
    """a / r, the slope of a Euclidean length r (math.hypot, math.dist, np.hypot) in its coordinate a, and
    0.0 where r is 0 (a is 0 there too): the subgradient at the origin, as np.abs's at 0 and the norms'."""
    if isinstance(a, np.ndarray) or isinstance(r, np.ndarray):
        zero = np.equal(r, 0)
        if not np.any(zero):
            return a / r
        return np.where(zero, 0.0, a / np.where(zero, 1.0, r))
    return a / r if r != 0 else 0.0 * a


def nonzero_length(r):
    """r, refusing a length of 0: the second derivative of a length at the origin is unbounded."""
    if np.any(np.equal(r, 0)):
        raise Refused("the second derivative of a Euclidean length (math.hypot, math.dist, np.hypot) at zero is not "
                      "differentiated: its curvature is unbounded there (its first derivative there is 0)")
    return r


def pow_term(c, x, e):
    """c * x ** e, the slope of a power (c = y, e = y - 1): exactly 0 where c is 0 (the slope of
    x ** 0, even at x = 0, where x ** -1 is inf), and where Python refuses 0 to a negative power,
    the value NumPy gives (inf, with its warning): the slope of x ** 0.5 at 0.0 is inf as at
    np.float64(0.0)."""
    if isinstance(c, np.ndarray) or isinstance(x, np.ndarray) or isinstance(e, np.ndarray):
        if np.all(np.not_equal(c, 0)):
            return c * x ** e
        with np.errstate(divide="ignore", invalid="ignore"):  # where c is 0, the term is not read
            return np.where(np.equal(c, 0), 0.0, c * x ** e)
    if c == 0:
        return c * 0.0
    try:
        return c * x ** e
    except ZeroDivisionError:
        return c * float(np.power(np.float64(x), np.float64(e)))


def math_pow_or_inf(x, y):
    """math.pow(x, y), and at x == 0 with y < 0, where math.pow refuses, NumPy's inf (with its warning)."""
    try:
        return math.pow(x, y)
    except ValueError:
        if x != 0:
            raise
        return float(np.power(np.float64(x), np.float64(y)))


def math_domain(x):
    """x, after raising math's ValueError where x <= 0: the adjoints of math.log and its kin need not
    their value, so their call may not run; the derivative refuses the arguments the call refuses."""
    if x <= 0:
        raise ValueError("math domain error")
    return x


def largest(xs):
    """`max(xs)` of one sequence."""
    return max(xs)


def smallest(xs):
    """`min(xs)` of one sequence."""
    return min(xs)


def _chosen(xs, result):
    """The position of the first item of xs equal to result (the extremum max or min returned)."""
    return next(k for k, item in enumerate(xs) if item == result)


def chosen_adjoint(g, xs, result):
    """The adjoint of xs in max(xs) or min(xs): g at the chosen item, zeros elsewhere (a list for a
    list or tuple, an array for an array; zero for a dict, whose items are its keys)."""
    if isinstance(xs, dict):
        return 0.0
    position = _chosen(xs, result)
    if isinstance(xs, np.ndarray):
        placed = np.zeros(np.shape(xs))
        placed[position] = g
        return placed
    return [g if k == position else 0.0 for k in range(len(xs))]


def chosen_tangent(dxs, xs, result):
    """The tangent of max(xs) or min(xs): the chosen item's tangent (none for a dict's key)."""
    return dxs[_chosen(xs, result)] if _is_container(dxs) and not isinstance(xs, dict) else 0.0


def items_tangent(dx, x):
    """The tangent of list(x) or tuple(x): the tangents of x's items, zeros for a dict's (its keys)."""
    if isinstance(x, dict):
        return [0.0] * len(x)
    return list(tangent_like(dx, x))


def hypot_of(items):
    """`math.hypot(a, b, c, ...)` with other than two arguments, given their list (normalize/math_forms.py)."""
    return math.hypot(*items)


def items_scaled(items, c):
    """c times each item of a sequence of numbers (an array: c * items); a symbolic zero stays one."""
    if isinstance(items, np.ndarray):
        return c * items
    if not _is_container(items):
        return 0.0
    return [c * item for item in items]


def items_dot(a, b):
    """The sum of a[i] * b[i] over two sequences of numbers; 0.0 where either is a symbolic zero."""
    if not _is_container(a) or not _is_container(b):
        return 0.0
    return sum((x * y for x, y in zip(a, b)), 0.0)


def clip_mask(x, low, high, part):
    """1.0 where np.clip(x, low, high) takes its `part` ("x", "low" or "high"), else 0.0 (None: no
    bound). NumPy computes min(max(x, low), high), so where low > high the result is high whatever
    x is: no entry passes on its derivative to two parts, nor to a bound the result is not."""
    below = np.zeros(np.shape(x), dtype=bool) if low is None else np.asarray(x < low)
    raised = x if low is None else np.maximum(x, low)
    above = np.zeros(np.shape(x), dtype=bool) if high is None else np.asarray(raised > high)
    chosen = {"x": ~below & ~above, "low": below & ~above, "high": above}[part]
    return np.ones(np.shape(chosen)) * chosen
