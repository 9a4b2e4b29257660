"""Adjoints and tangents of NumPy functions that move elements around: reshape, transpose, array."""
import numpy as np

from adjoint.ad.templates import d
from adjoint.rules.table import register_adjoint, register_tangent
from adjoint.runtime import add_adjoints, transpose_adjoint

# ----- Construction ------------------------------------------------------------------


@register_adjoint(np.array, np.asarray)
def _(result, x, dtype=None):
    d[x] = add_adjoints(d[x], list(d[result]) if isinstance(x, (list, tuple)) else d[result])


@register_tangent(np.array, np.asarray)
def _(result, x, dtype=None):
    d[result] = np.array(d[x], dtype=dtype)


# ----- Reshaping ----------------------------------------------------------------------


@register_adjoint(np.reshape)
def _(result, x, shape):
    d[x] = np.reshape(d[result], np.shape(x))


@register_tangent(np.reshape)
def _(result, x, shape):
    d[result] = np.reshape(d[x], shape)


@register_adjoint(np.ravel)
def _(result, x):
    d[x] = np.reshape(d[result], np.shape(x))


@register_tangent(np.ravel)
def _(result, x):
    d[result] = np.ravel(d[x])


@register_adjoint(np.transpose)
def _(result, x, axes=None):
    d[x] = transpose_adjoint(d[result], axes)


@register_tangent(np.transpose)
def _(result, x, axes=None):
    d[result] = np.transpose(d[x], axes)
