"""Derivatives of the helpers the decomposition rules call (numpy_decompositions.py), for second order.

symmetric_from and triangle_adjoint are linear and each other's transpose; the checks
(full_rank, ...) pass their first argument through. The helpers of the tangent rules
(svd_tangent, qr_tangent, ...) have no rules: reverse mode over jvp through a decomposition
is not supported (forward over reverse, as in hvp, and reverse over reverse are).
"""
import numpy as np

from adjoint import runtime
from adjoint.templates import d
from adjoint.rules.table import non_differentiable, register_adjoint, register_tangent
from adjoint.runtime import (
    as_columns, eigen_gaps, full_column_rank, full_rank, lstsq_residuals_adjoint, lstsq_residuals_tangent, symmetric_from, tall_qr,
    gaps_product, transpose_if, triangle_adjoint,
)


# An integer: constant where it is defined.
non_differentiable(np.linalg.matrix_rank, runtime.vander_scale)


@register_adjoint(runtime.full_rank)
def _(result, x, what):
    d[x] = d[result]


@register_tangent(runtime.full_rank)
def _(result, x, what):
    d[result] = d[x]


@register_adjoint(runtime.polyfit_points)
def _(result, x, deg, rcond=None, w=None, full=False, cov=False):
    d[x] = d[result]


@register_tangent(runtime.polyfit_points)
def _(result, x, deg, rcond=None, w=None, full=False, cov=False):
    d[result] = d[x]


@register_adjoint(runtime.full_column_rank)
def _(result, x, rank, what):
    d[x] = d[result]


@register_tangent(runtime.full_column_rank)
def _(result, x, rank, what):
    d[result] = d[x]


@register_adjoint(runtime.reduced_svd)
def _(result, u, x, full_matrices, compute_uv, hermitian):
    d[u] = d[result]


@register_tangent(runtime.reduced_svd)
def _(result, u, x, full_matrices, compute_uv, hermitian):
    d[result] = d[u]


@register_adjoint(runtime.tall_qr)
def _(result, factor, x, mode):
    d[factor] = d[result]


@register_tangent(runtime.tall_qr)
def _(result, factor, x, mode):
    d[result] = d[factor]


# F[i, j] = 1 / (w_j - w_i): dF = -F o F o (dw_j - dw_i).
@register_adjoint(runtime.eigen_gaps)
def _(result, w):
    d[w] = np.sum(result * result * d[result], axis=-1) - np.sum(result * result * d[result], axis=-2)


@register_tangent(runtime.eigen_gaps)
def _(result, w):
    d[result] = -result * result * (np.expand_dims(d[w], -2) - np.expand_dims(d[w], -1))


# gaps_product(w, m) = F o m, F = eigen_gaps(w): linear in m, dF = -F o F o (dw_j - dw_i) (zeros of m stay zeros).
@register_adjoint(runtime.gaps_product)
def _(result, w, m):
    d[m] = gaps_product(w, d[result])
    d[w] = (np.sum(gaps_product(w, gaps_product(w, m * d[result])), axis=-1)
            - np.sum(gaps_product(w, gaps_product(w, m * d[result])), axis=-2))


@register_tangent(runtime.gaps_product)
def _(result, w, m):
    d[result] = gaps_product(w, d[m]) - gaps_product(w, gaps_product(w, m * (np.expand_dims(d[w], -2)
                                                                               - np.expand_dims(d[w], -1))))


# vectors_tangent(V, w, m) = V (F o m): bilinear in V and m, F as in gaps_product.
@register_adjoint(runtime.vectors_tangent)
def _(result, vectors, w, m):
    d[vectors] = d[result] @ np.swapaxes(gaps_product(w, m), -1, -2)
    d[m] = gaps_product(w, np.swapaxes(vectors, -1, -2) @ d[result])
    d[w] = (np.sum(gaps_product(w, gaps_product(w, m * (np.swapaxes(vectors, -1, -2) @ d[result]))), axis=-1)
            - np.sum(gaps_product(w, gaps_product(w, m * (np.swapaxes(vectors, -1, -2) @ d[result]))), axis=-2))


@register_tangent(runtime.vectors_tangent)
def _(result, vectors, w, m):
    d[result] = d[vectors] @ gaps_product(w, m) + vectors @ (
        gaps_product(w, d[m]) - gaps_product(w, gaps_product(w, m * (np.expand_dims(d[w], -2) - np.expand_dims(d[w], -1)))))


@register_adjoint(runtime.symmetric_from)
def _(result, a, uplo="L"):
    d[a] = triangle_adjoint(d[result], uplo)


@register_tangent(runtime.symmetric_from)
def _(result, a, uplo="L"):
    d[result] = symmetric_from(d[a], uplo)


@register_adjoint(runtime.triangle_adjoint)
def _(result, g, uplo="L"):
    d[g] = symmetric_from(d[result], uplo)


@register_tangent(runtime.triangle_adjoint)
def _(result, g, uplo="L"):
    d[result] = triangle_adjoint(d[g], uplo)


@register_adjoint(runtime.transpose_if)
def _(result, x, trans):
    d[x] = transpose_if(d[result], trans)


@register_tangent(runtime.transpose_if)
def _(result, x, trans):
    d[result] = transpose_if(d[x], trans)


@register_adjoint(runtime.as_columns)
def _(result, v):
    d[v] = np.reshape(d[result], np.shape(v))


@register_tangent(runtime.as_columns)
def _(result, v):
    d[result] = as_columns(d[v])


# 2 sum(r * m, axis=0): bilinear in the residual r and the moved right-hand side m.
@register_adjoint(runtime.lstsq_residuals_tangent)
def _(result, residual, moved, residuals):
    d[residual] = 2.0 * moved * np.reshape(d[result], np.shape(np.sum(moved, axis=0)))
    d[moved] = 2.0 * residual * np.reshape(d[result], np.shape(np.sum(residual, axis=0)))


@register_tangent(runtime.lstsq_residuals_tangent)
def _(result, residual, moved, residuals):
    d[result] = lstsq_residuals_tangent(d[residual], moved, residuals) + lstsq_residuals_tangent(residual, d[moved], residuals)


# 2 r g: bilinear in the residual r and the residuals' adjoint g; its transpose in g is
# lstsq_residuals_tangent (2 sum(r h, axis=0)).
@register_adjoint(runtime.lstsq_residuals_adjoint)
def _(result, g, residual, residuals):
    d[g] = lstsq_residuals_tangent(residual, d[result], residuals)
    d[residual] = lstsq_residuals_adjoint(g, d[result], residuals)


@register_tangent(runtime.lstsq_residuals_adjoint)
def _(result, g, residual, residuals):
    d[result] = lstsq_residuals_adjoint(d[g], residual, residuals) + lstsq_residuals_adjoint(g, d[residual], residuals)
