"""Adjoints and tangents of scipy.linalg's structured matrices: toeplitz and circulant (of a vector,
or of a batch of them along the last axis), which are linear in their arguments.

An entry of the matrix on its diagonal of offset i - j copies one argument entry, so an adjoint
sums each diagonal of g (runtime.diagonal_incidence): toeplitz(c, r) puts c[k] on offset k >= 0
and r[k] on offset -k (r[0] is not read: c[0] is on the diagonal), toeplitz(c) uses c for both;
circulant(c) puts c[k] on offsets k and k - n. A tangent is the same matrix of the tangents, each
given its argument's shape (a tangent known to be zero is the number 0.0, which the functions would
take for a vector of one entry).
"""
import numpy as np
from scipy import linalg

from adjoint.rules.table import non_differentiable, register_adjoint, register_tangent
from adjoint.runtime import broadcast_like, diagonal_incidence, unbroadcast
from adjoint.templates import d

non_differentiable(diagonal_incidence)


@register_adjoint(linalg.toeplitz)
def _(result, c, r=None):
    sums = (np.reshape(broadcast_like(d[result], result), np.shape(result)[:-2] + (-1,))
            @ diagonal_incidence(np.shape(result), c, r))
    d[c] = unbroadcast(sums[..., np.shape(result)[-1] - 1:] + (
        np.flip(sums[..., :np.shape(result)[-1]], axis=-1) * (np.arange(np.shape(result)[-1]) > 0)
        if r is None else 0.0), c)
    d[r] = unbroadcast(np.flip(sums[..., :np.shape(result)[-1]], axis=-1) * (np.arange(np.shape(result)[-1]) > 0), r)


@register_tangent(linalg.toeplitz)
def _(result, c, r=None):
    d[result] = linalg.toeplitz(d[c] + np.zeros(np.shape(c)), None if r is None else d[r] + np.zeros(np.shape(r)))


@register_adjoint(linalg.circulant)
def _(result, c):
    sums = (np.reshape(broadcast_like(d[result], result), np.shape(result)[:-2] + (-1,))
            @ diagonal_incidence(np.shape(result), c))
    d[c] = (sums[..., np.shape(result)[-1] - 1:]
            + np.roll(sums[..., :np.shape(result)[-1]], 1, axis=-1) * (np.arange(np.shape(result)[-1]) > 0))


@register_tangent(linalg.circulant)
def _(result, c):
    d[result] = linalg.circulant(d[c] + np.zeros(np.shape(c)))
