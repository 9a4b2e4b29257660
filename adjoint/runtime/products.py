"""Derivatives of products that stay exact where a factor is zero.

d prod(x) / d x_i is the product of the other factors. Written prod(x) / x_i it is NaN where
x_i is zero (and wrong where another factor is): `prod_others` multiplies the factors before
and after each one instead (exclusive cumulative products from both ends). Its own
derivative, for second derivatives, is the matrix of products leaving out two factors
(`prod_others_pairs`), whose own derivatives (third order) have no rule and are refused.
np.cumprod's derivative keeps the quotient form and refuses an entry that is zero.

`np.multiply.at(x, index, value)` is written `x = scatter_multiply(x, index, value)`
(normalize/method_statements.py): each element of value (broadcast to x[index]'s shape) multiplies
the element of x it names, a repeated one as often as it is named. Its derivatives are first order
(their helpers have no rules: a second derivative is refused).
"""
from __future__ import annotations

import numpy as np

from adjoint.runtime.refusals import Refused


def _axes(x, axis) -> tuple:
    ndim = np.ndim(x)
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, tuple) else (axis,)
    return tuple(a % ndim for a in axes)


def _last(x, axis):
    """x with the reduced axes moved to the end and merged into one, and how to undo it."""
    x = np.asarray(x)
    axes = _axes(x, axis)
    kept = [a for a in range(x.ndim) if a not in axes]
    moved = np.transpose(x, kept + list(axes))
    shape = moved.shape
    merged = moved.reshape(shape[:len(kept)] + (int(np.prod(shape[len(kept):], dtype=int)),))  # (-1: 0 kept rows)

    def back(values):
        return np.transpose(np.reshape(values, shape), np.argsort(kept + list(axes)))
    return merged, back


def _exclusive_products(x):
    """For each entry along the last axis, the product of the entries before it and of those after it."""
    if x.shape[-1] == 0:  # no entries (np.prod of an empty slice): none to leave out
        return x, x
    ones = np.ones(x.shape[:-1] + (1,), dtype=x.dtype)
    before = np.cumprod(np.concatenate([ones, x[..., :-1]], axis=-1), axis=-1)
    after = np.flip(np.cumprod(np.flip(np.concatenate([x[..., 1:], ones], axis=-1), -1), axis=-1), -1)
    return before, after


def prod_others(x, axis=None):
    """For each entry of x, the product of the other entries reduced with it by np.prod(x, axis)."""
    merged, back = _last(x, axis)
    before, after = _exclusive_products(merged)
    return back(before * after)


def prod_others_pairs(x, axis=None):
    """pairs[..., i, k]: the product of the entries other than i and k (0 where i == k), the
    entries along the reduced axes merged into the last one."""
    merged, _ = _last(x, axis)
    n = merged.shape[-1]
    rows = np.repeat(merged[..., None, :], n, axis=-2)
    rows[..., np.arange(n), np.arange(n)] = 1.0  # row i leaves out entry i
    before, after = _exclusive_products(rows)
    pairs = before * after
    pairs[..., np.arange(n), np.arange(n)] = 0.0
    return pairs


def prod_others_adjoint(g, x, axis=None):
    """The adjoint of x in prod_others(x, axis) for its adjoint g."""
    merged_g, _ = _last(g, axis)
    _, back = _last(x, axis)
    return back(np.einsum("...i,...ik->...k", merged_g, prod_others_pairs(x, axis)))


def prod_others_tangent(dx, x, axis=None):
    """The tangent of prod_others(x, axis) for x's tangent dx."""
    merged_dx, _ = _last(np.broadcast_to(dx, np.shape(x)), axis)
    _, back = _last(x, axis)
    return back(np.einsum("...ik,...k->...i", prod_others_pairs(x, axis), merged_dx))


def nonzero_or_refuse(x):
    """x, where no entry is zero: np.cumprod's derivative takes the quotient form result / x."""
    if not np.all(np.asarray(x) != 0):
        raise Refused("the derivative of np.cumprod where an entry is zero is not supported (it divides by the "
                      "entries); np.prod's is (the product of the other entries)")
    return x


def three_component_or_refuse(g, a, b):
    """g, where np.cross's operands are 3-vectors along the last axis: with 2 components (deprecated
    in NumPy 2) the result is the third component alone, which the cross-product adjoint does not take."""
    if np.shape(a)[-1:] != (3,) or np.shape(b)[-1:] != (3,):
        raise Refused("the derivative of np.cross of 2-component vectors is not supported (NumPy 2 deprecates "
                      "them); give the vectors a third component of zero")
    return g


def scatter_multiply(x, index, value):
    """`np.multiply.at(x, index, value)` without changing x: a copy of x multiplied at every occurrence
    of a position in index (repeated positions multiply again)."""
    out = x.copy()
    np.multiply.at(out, index, value)
    return out


def _scatter_factors(x, index, value):
    """(positions, values, products, others): the flat position in x of each occurrence and the value it
    multiplies by (flat, value broadcast to x[index]'s shape); for each position of x the product of all
    the values at it (1 where none); for each occurrence the product of the other values at its position,
    exact where a value is zero."""
    positions = np.arange(np.size(x)).reshape(np.shape(x))[index]
    values = np.ravel(np.broadcast_to(value, np.shape(positions)))
    positions = np.ravel(positions)
    is_zero = values == 0
    nonzero = np.where(is_zero, 1.0, values)
    products = np.ones(np.size(x), dtype=np.result_type(values, float))
    np.multiply.at(products, positions, nonzero)
    zeros = np.bincount(positions, weights=is_zero, minlength=np.size(x))
    others = np.where(is_zero, (zeros[positions] == 1) * products[positions],
                      (zeros[positions] == 0) * products[positions] / nonzero)
    return positions, values, np.where(zeros == 0, products, 0.0), others


def scatter_multiply_adjoint(g, x, index, value, of):
    """The adjoint of x (`of` "x") or of value ("value", in x[index]'s shape, to be summed over what value
    was broadcast along) in scatter_multiply(x, index, value), given g."""
    positions, _, products, others = _scatter_factors(x, index, value)
    g = np.ravel(np.broadcast_to(g, np.shape(x)))
    if of == "x":
        return np.reshape(g * products, np.shape(x))
    return np.reshape(g[positions] * np.ravel(x)[positions] * others, np.shape(np.asarray(x)[index]))


def scatter_multiply_tangent(dx, dvalue, x, index, value):
    """The tangent of scatter_multiply(x, index, value) given those of x and value (either may be 0.0)."""
    positions, _, products, others = _scatter_factors(x, index, value)
    moved = np.zeros(np.size(x), dtype=np.result_type(products, dvalue))
    np.add.at(moved, positions, np.ravel(np.broadcast_to(dvalue, np.shape(np.asarray(x)[index]))) * others)
    return np.reshape(np.ravel(np.broadcast_to(dx, np.shape(x))) * products + np.ravel(x) * moved, np.shape(x))
