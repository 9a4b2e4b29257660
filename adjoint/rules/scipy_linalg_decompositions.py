"""Adjoints and tangents of scipy.linalg's decompositions and the functions built on them: eigh and
eigvalsh, svd, qr, pinv and norm, with np.linalg's derivatives (numpy_decompositions.py) and caveats.

eigh and eigvalsh read one triangle (the lower one unless lower=False), and the derivative is
with respect to that triangle; a generalized problem (a second matrix b) is refused when the
derivative runs. svd is differentiated with full_matrices=False or of a square matrix, qr without
pivoting in mode 'economic' (or 'full' of a square matrix) with at least as many rows as columns,
pinv at full rank with its default tolerances; keywords the rules do not take (subset_by_index,
eigh's `type`, pinv's atol and rtol, return_rank) are refused at their line, and an argument the
call may overwrite (overwrite_a=True) when the derivative runs. The order of norm is not differentiated.
"""
import numpy as np
from scipy import linalg

from adjoint.templates import d
from adjoint.rules.table import non_differentiable, not_differentiated, register_adjoint, register_tangent
from adjoint.runtime import (
    broadcast_like, eigh_tangent, eigh_uplo, full_rank, gaps_product, general_or_refuse, item_adjoint, norm_adjoint,
    norm_tangent, qr_tangent, reduced_svd, scipy_qr_mode, svd_tangent, tall_qr, triangle_adjoint,
)

non_differentiable(eigh_uplo, scipy_qr_mode)
not_differentiated(linalg.norm, "ord")

# ----- Symmetric eigenproblems: A = V diag(w) V^T, as np.linalg.eigh ---------------------------------------


@register_adjoint(linalg.eigh)
def _(result, a, b=None, lower=True, eigvals_only=False, check_finite=True, driver=None):
    vectors = np.linalg.eigh(a, eigh_uplo(lower, b))[1] if eigvals_only else result[1]
    gw = d[result] if eigvals_only else broadcast_like(item_adjoint(d[result], 0), result[0])
    gv = 0.0 if eigvals_only else gaps_product(result[0], np.swapaxes(result[1], -1, -2)
                                               @ broadcast_like(item_adjoint(d[result], 1), result[1]))
    d[a] = triangle_adjoint(vectors @ (np.expand_dims(gw, -1) * np.eye(np.shape(a)[-1]) + gv)
                            @ np.swapaxes(vectors, -1, -2), eigh_uplo(lower, b))


@register_tangent(linalg.eigh)
def _(result, a, b=None, lower=True, eigvals_only=False, check_finite=True, driver=None):
    d[result] = eigh_tangent(d[a], result, a, eigh_uplo(lower, b), eigvals_only)


@register_adjoint(linalg.eigvalsh)
def _(result, a, b=None, lower=True, check_finite=True, driver=None):
    vectors = np.linalg.eigh(a, eigh_uplo(lower, b))[1]
    d[a] = triangle_adjoint((vectors * np.expand_dims(d[result], -2)) @ np.swapaxes(vectors, -1, -2),
                            eigh_uplo(lower, b))


@register_tangent(linalg.eigvalsh)
def _(result, a, b=None, lower=True, check_finite=True, driver=None):
    d[result] = eigh_tangent(d[a], result, a, eigh_uplo(lower, b), True)


# ----- Singular values (Townsend 2016, as np.linalg.svd's), QR and the pseudo-inverse ------------------------


@register_adjoint(linalg.svd)
def _(result, a, full_matrices=True, compute_uv=True, overwrite_a=False, check_finite=True, lapack_driver="gesdd"):
    g = general_or_refuse(d[result], None, False, overwrite_a)
    factors = result if compute_uv else np.linalg.svd(a, full_matrices=False)
    u = reduced_svd(factors[0], a, full_matrices, compute_uv, False)
    gu = broadcast_like(item_adjoint(g, 0), u) if compute_uv else 0.0 * u
    gs = broadcast_like(item_adjoint(g, 1), factors[1]) if compute_uv else g
    gvh = broadcast_like(item_adjoint(g, 2), factors[2]) if compute_uv else 0.0 * factors[2]
    left = np.swapaxes(u, -1, -2) @ gu
    right = factors[2] @ np.swapaxes(gvh, -1, -2)
    squares = factors[1] * factors[1]
    inner = (gaps_product(squares, left - np.swapaxes(left, -1, -2)) * np.expand_dims(factors[1], -2)
             + np.expand_dims(gs, -1) * np.eye(np.shape(factors[1])[-1])
             + np.expand_dims(factors[1], -1) * gaps_product(squares, right - np.swapaxes(right, -1, -2)))
    d[a] = (u @ inner @ factors[2] + ((gu - u @ left) / np.expand_dims(factors[1], -2)) @ factors[2]
            + (u / np.expand_dims(factors[1], -2)) @ (gvh - np.swapaxes(right, -1, -2) @ factors[2])
            if compute_uv else (u * np.expand_dims(gs, -2)) @ factors[2])


@register_tangent(linalg.svd)
def _(result, a, full_matrices=True, compute_uv=True, overwrite_a=False, check_finite=True, lapack_driver="gesdd"):
    d[result] = general_or_refuse(svd_tangent(d[a], result, a, full_matrices, compute_uv), None, False, overwrite_a)


# A = QR: dA's adjoint is (gQ + Q copyltu(M)) R^-T with M = R gR^T - gQ^T Q (as np.linalg.qr's).
@register_adjoint(linalg.qr)
def _(result, a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True):
    g = general_or_refuse(d[result], None, False, overwrite_a)
    # R is the last factor (mode 'r' returns (R,), refused here, not failed on a missing item).
    inverse = np.linalg.inv(tall_qr(result[-1], a, scipy_qr_mode(mode, pivoting, a)))
    gq = broadcast_like(item_adjoint(g, 0), result[0])
    gr = broadcast_like(item_adjoint(g, 1), result[1])
    m = result[1] @ np.swapaxes(gr, -1, -2) - np.swapaxes(gq, -1, -2) @ result[0]
    d[a] = (gq + result[0] @ (np.tril(m) + np.swapaxes(np.tril(m, -1), -1, -2))) @ np.swapaxes(inverse, -1, -2)


@register_tangent(linalg.qr)
def _(result, a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True):
    d[result] = general_or_refuse(qr_tangent(d[a], tall_qr(result[0], a, scipy_qr_mode(mode, pivoting, a)),
                                             result[1]), None, False, overwrite_a)


# Full rank: d A+ = -A+ dA A+ + A+ A+^T dA^T (I - A A+) + (I - A+ A) dA^T A+^T A+ (Golub & Pereyra 1973).
@register_adjoint(linalg.pinv)
def _(result, a, check_finite=True):
    pt = np.swapaxes(result, -1, -2)
    checked = full_rank(a, "scipy.linalg.pinv")
    d[a] = (-pt @ d[result] @ pt
            + (np.eye(np.shape(a)[-2]) - checked @ result) @ np.swapaxes(d[result], -1, -2) @ result @ pt
            + pt @ result @ np.swapaxes(d[result], -1, -2) @ (np.eye(np.shape(a)[-1]) - result @ a))


@register_tangent(linalg.pinv)
def _(result, a, check_finite=True):
    d[result] = (-result @ d[a] @ result
                 + result @ ((np.swapaxes(result, -1, -2) @ np.swapaxes(d[a], -1, -2))
                             @ (np.eye(np.shape(a)[-2]) - full_rank(a, "scipy.linalg.pinv") @ result))
                 + ((np.eye(np.shape(a)[-1]) - result @ a) @ np.swapaxes(d[a], -1, -2) @ np.swapaxes(result, -1, -2))
                 @ result)


# ----- Norms: as np.linalg.norm (vector 2-, p- and max-norms; Frobenius, nuclear and spectral) -----------------


@register_adjoint(linalg.norm)
def _(result, a, ord=None, axis=None, keepdims=False, check_finite=True):
    d[a] = norm_adjoint(d[result], result, a, ord, axis, keepdims)


@register_tangent(linalg.norm)
def _(result, a, ord=None, axis=None, keepdims=False, check_finite=True):
    d[result] = norm_tangent(d[a], result, a, ord, axis, keepdims)
