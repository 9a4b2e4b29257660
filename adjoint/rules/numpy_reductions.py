"""Adjoints and tangents of NumPy reductions: the adjoint spreads back over the reduced axes."""
import numpy as np

from adjoint.ad.templates import d
from adjoint.rules.table import register_adjoint, register_tangent
from adjoint.runtime import unreduce

# ----- Sums and means --------------------------------------------------------------


@register_adjoint(np.sum)
def _(result, x, axis=None, keepdims=False):
    d[x] = unreduce(d[result], x, axis, keepdims)


@register_tangent(np.sum)
def _(result, x, axis=None, keepdims=False):
    d[result] = np.sum(d[x], axis=axis, keepdims=keepdims)


@register_adjoint(np.mean)
def _(result, x, axis=None, keepdims=False):
    d[x] = unreduce(d[result], x, axis, keepdims) * (np.size(result) / np.size(x))


@register_tangent(np.mean)
def _(result, x, axis=None, keepdims=False):
    d[result] = np.mean(d[x], axis=axis, keepdims=keepdims)
