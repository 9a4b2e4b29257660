"""Helpers of the second-order rules (adjoint/rules/runtime_helpers.py).

Derivatives of the runtime helpers themselves, where a rule would need more than a few lines.
"""
from __future__ import annotations

import math

import numpy as np

from adjoint.runtime.adjoints import unbroadcast, _is_container, _is_zero_scalar
from adjoint.runtime.linalg import _norm_kind, _norm_slope, _solve_operands
from adjoint.runtime.builtin_rules import tangent_like
from adjoint.runtime.numpy_rules import einsum_adjoint, kron_adjoint
from adjoint.runtime.refusals import Refused


def sinc_derivative(x, order):
    """The order-th derivative of np.sinc (order >= 1): from x sinc(x) = sin(pi x) / pi differentiated
    n times, x s_n + n s_(n-1) = pi^(n-1) sin(pi x + n pi / 2); its Taylor series where |x| < 1/4."""
    near = np.abs(x) < 0.25
    safe = np.where(near, 1.0, x)
    value = np.sinc(safe)
    for n in range(1, order + 1):
        value = (np.pi ** (n - 1) * np.sin(np.pi * safe + n * np.pi / 2) - n * value) / safe
    series = 0.0
    for k in range((order + 1) // 2, (order + 1) // 2 + 12):
        series = series + ((-np.pi ** 2) ** k / math.factorial(2 * k + 1) * math.factorial(2 * k)
                           / math.factorial(2 * k - order) * np.where(near, x, 0.0) ** (2 * k - order))
    return np.where(near, series, value)


def promoted_join(g, xs, promote, axis):
    """The transpose of joined_adjoint: the pieces g (shaped like xs) promoted and joined along axis."""
    return np.concatenate([promote(item) for item in tangent_like(g, xs)], axis)


def tangent_like_adjoint(g, dx):
    """The adjoint of dx in tangent_like(dx, x): g summed back to dx's shape, item by item in lists."""
    if isinstance(dx, (list, tuple)):
        items = g if _is_container(g) else [0.0] * len(dx)
        return [tangent_like_adjoint(item, part) for item, part in zip(items, dx)]
    return unbroadcast(g, dx)


def symmetrized(x):
    """(x + x^T) / 2 over the last two axes."""
    return 0.5 * (x + np.swapaxes(x, -1, -2))


def solve_adjoint_solution(h, g, a, b):
    """-h^T solve(a^T, g), shaped like a solution of np.linalg.solve(a, b) (g is one too).

    The adjoint of `solution` in solve_adjoint_a(g, a, b, solution) given h (a's shape), and the
    tangent -da^T lambda of lambda = solve(a^T, g) given h = da. Linear in h and in g.
    """
    adjoint = np.linalg.solve(np.swapaxes(a, -1, -2), _solve_operands(g, b))
    total = -np.matmul(np.swapaxes(h, -1, -2), adjoint)
    return total[..., 0] if np.ndim(b) == 1 else total


def _replaced(operands, position, value):
    """operands (None ones dropped) with the one at `position` replaced by value."""
    operands = [x for x in operands if x is not None]
    operands[position] = value
    return operands


def einsum_adjoint_backward(h, g, subscripts, position, wanted, *operands):
    """The adjoint of g (`wanted` None) or of operand `wanted` in einsum_adjoint(g, subscripts,
    position, *operands), given h, the adjoint of its result (shaped like operand `position`).

    <h, einsum_adjoint(g, ...)> is <g, einsum with operand `position` replaced by h>: that einsum
    is g's adjoint, and each other operand's is that einsum's adjoint of it.
    """
    if wanted is None:
        return np.einsum(subscripts, *_replaced(operands, position, h))
    if wanted >= len([x for x in operands if x is not None]):
        return 0.0
    if wanted == position:  # read for its shape alone
        return np.zeros(np.shape(operands[position]))
    return einsum_adjoint(g, subscripts, wanted, *_replaced(operands, position, h))


def einsum_adjoint_tangent(g, subscripts, position, tangents, operands):
    """The tangent of einsum_adjoint(g, subscripts, position, *operands) from the other operands'
    tangents (operand `position` only gives its shape): one term per other operand with a tangent."""
    tangents = tangents if _is_container(tangents) else [0.0] * len(operands)
    total = None
    for k, tangent in enumerate(tangents[:len([x for x in operands if x is not None])]):
        if k != position and not _is_zero_scalar(tangent):
            term = einsum_adjoint(g, subscripts, position, *_replaced(operands, k, tangent))
            total = term if total is None else total + term
    if total is None:  # the adjoint reads operand `position` for its shape alone: zeros of that shape
        return np.zeros(np.shape(operands[position]))
    return total


def einsum_cross(subscripts, first, second, operands):
    """The sum over pairs k != j of np.einsum(subscripts, *operands) with operand k replaced by
    first[k] and operand j by second[j]: the tangent of einsum_tangent(subscripts, first, operands)
    from the operands' tangents `second`."""
    count = len([x for x in operands if x is not None])
    first = first if _is_container(first) else [0.0] * count
    second = second if _is_container(second) else [0.0] * count
    total = 0.0
    for k in range(count):
        for j in range(count):
            if k != j and not _is_zero_scalar(first[k]) and not _is_zero_scalar(second[j]):
                varied = _replaced(operands, k, first[k])
                varied[j] = second[j]
                total = total + np.einsum(subscripts, *varied)
    return total


def einsum_tangent_adjoint(h, subscripts, tangents, operands, of):
    """The adjoints (a list) of the `tangents` (of="tangents") or `operands` (of="operands") of
    einsum_tangent(subscripts, tangents, operands), given h, the adjoint of its result."""
    present = [x for x in operands if x is not None]
    if of == "tangents":
        return [einsum_adjoint(h, subscripts, k, *present) for k in range(len(present))] + [0.0] * (
            len(tangents) - len(present))
    adjoints = [0.0] * len(operands)
    for k, tangent in enumerate(tangents[:len(present)]):
        if not _is_zero_scalar(tangent):
            for j in range(len(present)):
                if j != k:
                    adjoints[j] = adjoints[j] + einsum_adjoint(h, subscripts, j, *_replaced(present, k, tangent))
    return adjoints


def kron_adjoint_backward(h, g, a, b, position, wanted):
    """The adjoint of g (`wanted` None) or of operand `wanted` (0: a, 1: b) in kron_adjoint(g, a, b,
    position), given h, the adjoint of its result (shaped like that operand): as for einsum_adjoint."""
    replaced = (h, b) if position == 0 else (a, h)
    if wanted is None:
        return np.kron(*replaced)
    if wanted == position:  # read for its shape alone
        return np.zeros(np.shape((a, b)[position]))
    return kron_adjoint(g, *replaced, wanted)


def _norm_curvature(v, result, x, ord, axis, vector=False):
    """The Hessian of np.linalg.norm(x, ord, axis) at x applied to v, group by group (result is the
    norm without kept axes). For a p-norm, with slope s: (p - 1) (|x|^(p-2) v / r^(p-1) - s <s, v> / r)."""
    kind, axes = _norm_kind(x, ord, axis, vector)
    if np.size(x) == 0:  # the norm of no entries: 0, with no entries to curve in
        return 0.0 * v
    if kind == "vector" and ord in (np.inf, -np.inf, 0) or kind == "matrix" and ord in (1, -1, np.inf, -np.inf):
        return 0.0 * v  # the slope is constant where the maximum (or minimum) is unique
    if kind == "matrix" and ord not in (None, "fro"):
        raise Refused(f"the second derivative of np.linalg.norm with ord={ord!r} is not supported (the derivative "
                      "of its singular vectors); the Frobenius norm's is")
    power = 2 if ord in (None, "fro") else ord
    r = np.expand_dims(result, axes) if np.ndim(result) else result
    if np.any(np.equal(r, 0)):
        raise Refused("the second derivative of np.linalg.norm at a zero vector is not differentiated (the norm's "
                      "curvature is unbounded there); its first derivative is 0 there")
    slope = _norm_slope(result, x, ord, axis, vector)
    return (power - 1) * (np.abs(x) ** (power - 2) * v / r ** (power - 1)
                          - slope * np.sum(slope * v, axis=axes, keepdims=True) / r)


def norm_hessian_product(g, v, result, x, ord=None, axis=None, keepdims=False, vector=False):
    """g (result's shape) times the norm's Hessian applied to v (x's shape): the derivative of
    norm_adjoint(g, result, x, ...) along v, the norm `result` following x. Linear in g and in v."""
    kind, axes = _norm_kind(x, ord, axis, vector)
    reduced = np.squeeze(result, axes) if keepdims and np.ndim(result) else result
    spread = np.expand_dims(g, axes) if not keepdims and np.ndim(result) else g
    return spread * _norm_curvature(v, reduced, x, ord, axis, vector)


def norm_hessian_form(u, v, result, x, ord=None, axis=None, keepdims=False, vector=False):
    """u^T H v group by group (result's shape), H the norm's Hessian: the derivative of
    norm_tangent(u, result, x, ...) along v. Linear in u and in v."""
    kind, axes = _norm_kind(x, ord, axis, vector)
    reduced = np.squeeze(result, axes) if keepdims and np.ndim(result) else result
    return np.sum(u * _norm_curvature(v, reduced, x, ord, axis, vector), axis=axes, keepdims=keepdims)


def array_tangent(dx, x):
    """The tangent of a list or tuple x that a NumPy function reads as np.asarray(x): dx (with
    zeros for its symbolic ones) as that array, which tangent rules compute with as with x's array
    (`dx * 2.0` of a list is a TypeError, `dx * 2` a list repeated). Items of unequal shapes, which
    make no array of numbers, and any other x leave dx as it is."""
    if not isinstance(x, (list, tuple)):
        return dx
    items = tangent_like(dx, x)
    try:
        array = np.array(items)
    except ValueError:  # ragged
        return items
    return items if array.dtype == object else array
