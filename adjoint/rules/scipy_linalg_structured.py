"""Adjoints and tangents of scipy.linalg's structured matrices: toeplitz and circulant (of a vector,
or of a batch of them along the last axis) and block_diag, which are linear in their arguments.

An entry of the matrix on its diagonal of offset i - j copies one argument entry, so an adjoint
sums each diagonal of g (runtime.diagonal_sums): toeplitz(c, r) puts c[k] on offset k >= 0
and r[k] on offset -k (r[0] is not read: c[0] is on the diagonal), toeplitz(c) uses c for both;
circulant(c) puts c[k] on offsets k and k - n. A tangent is the same matrix of the tangents, each
given its argument's shape (a tangent known to be zero is the number 0.0, which the functions would
take for a vector of one entry). block_diag(a, b, ...) (up to four arrays) places each array, as
np.atleast_2d takes it, down the diagonal: the adjoint of each is its block of g.
"""
import numpy as np
from scipy import linalg

from adjoint import runtime
from adjoint.rules.table import register_adjoint, register_tangent
from adjoint.runtime import (
    block_diag_tangent, block_diag_tangent_adjoint, block_of, broadcast_like, diagonal_spread, diagonal_sums,
    tangent_like, unbroadcast,
)
from adjoint.templates import d


@register_adjoint(linalg.toeplitz)
def _(result, c, r=None):
    sums = diagonal_sums(broadcast_like(d[result], result), c, r)
    d[c] = unbroadcast(sums[..., np.shape(result)[-1] - 1:] + (
        np.flip(sums[..., :np.shape(result)[-1]], axis=-1) * (np.arange(np.shape(result)[-1]) > 0)
        if r is None else 0.0), c)
    d[r] = unbroadcast(np.flip(sums[..., :np.shape(result)[-1]], axis=-1) * (np.arange(np.shape(result)[-1]) > 0), r)


@register_tangent(linalg.toeplitz)
def _(result, c, r=None):
    d[result] = linalg.toeplitz(d[c] + np.zeros(np.shape(c)), None if r is None else d[r] + np.zeros(np.shape(r)))


@register_adjoint(linalg.circulant)
def _(result, c):
    sums = diagonal_sums(broadcast_like(d[result], result), c)
    d[c] = (sums[..., np.shape(result)[-1] - 1:]
            + np.roll(sums[..., :np.shape(result)[-1]], 1, axis=-1) * (np.arange(np.shape(result)[-1]) > 0))


@register_tangent(linalg.circulant)
def _(result, c):
    d[result] = linalg.circulant(d[c] + np.zeros(np.shape(c)))


# diagonal_sums and diagonal_spread (its adjoint) are linear and each other's transpose; the vectors
# diagonal_sums is given are read for a refusal alone.
@register_adjoint(runtime.diagonal_sums)
def _(result, g, c, r=None):
    d[g] = diagonal_spread(d[result], np.shape(g))


@register_tangent(runtime.diagonal_sums)
def _(result, g, c, r=None):
    d[result] = diagonal_sums(d[g], c, r)


@register_adjoint(runtime.diagonal_spread)
def _(result, h, shape):
    d[h] = diagonal_sums(d[result])


@register_tangent(runtime.diagonal_spread)
def _(result, h, shape):
    d[result] = diagonal_spread(d[h], shape)


@register_adjoint(linalg.block_diag)
def _(result, a, b=None, c=None, e=None):
    d[a] = block_of(broadcast_like(d[result], result), 0, (a, b, c, e))
    d[b] = block_of(broadcast_like(d[result], result), 1, (a, b, c, e))
    d[c] = block_of(broadcast_like(d[result], result), 2, (a, b, c, e))
    d[e] = block_of(broadcast_like(d[result], result), 3, (a, b, c, e))


@register_tangent(linalg.block_diag)
def _(result, a, b=None, c=None, e=None):
    d[result] = block_diag_tangent((d[a], d[b], d[c], d[e]), (a, b, c, e))


# block_of (a block of g) and block_diag_tangent (blocks placed in zeros) are linear in g and in the
# tangents, and each other's transpose; the arrays give shapes alone.
@register_adjoint(runtime.block_of)
def _(result, g, position, arrays):
    d[g] = block_diag_tangent(tuple(d[result] if k == position else 0.0 for k in range(len(arrays))), arrays)


@register_tangent(runtime.block_of)
def _(result, g, position, arrays):
    d[result] = block_of(d[g], position, arrays)


@register_adjoint(runtime.block_diag_tangent)
def _(result, tangents, arrays):
    d[tangents] = block_diag_tangent_adjoint(d[result], arrays)


@register_tangent(runtime.block_diag_tangent)
def _(result, tangents, arrays):
    d[result] = block_diag_tangent(tangent_like(d[tangents], tangents), arrays)
