"""Adjoints and tangents of np.linalg's decompositions and the functions built on them.

Caveats (where a decomposition has no derivative): eigenvectors (eigh) need distinct
eigenvalues, singular vectors (svd) distinct non-zero singular values; eigenvalues alone
(eigvalsh, svd with compute_uv=False, or eigh's and svd's where their vectors carry no adjoint)
need only that the eigenvalue or singular value differentiated is simple. Where a product that
divides by the gap between two eigenvalues meets a repeated pair with a non-zero entry (the
vectors' derivative, any second derivative), gaps_product refuses it at run time. Eigen- and singular vectors are defined up to sign (and up to a
rotation within a repeated eigenvalue's space): the derivative follows the vectors NumPy
returns, so a function should not depend on their signs. np.linalg.eigh reads one triangle
of its argument (`UPLO`), and the derivative is with respect to that triangle. qr is
differentiated for matrices with at least as many rows as columns in mode 'reduced'; lstsq
for full column rank and pinv for full rank (a rank change makes them jump: refused at run
time), svd with full_matrices=False or square matrices.
"""
import numpy as np

from adjoint.templates import d
from adjoint.rules.table import register_adjoint, register_tangent
from adjoint.runtime import (
    as_columns, broadcast_like, eigvalsh_tangent, full_column_rank, full_rank, gaps_product,
    item_adjoint, lstsq_residuals_adjoint, lstsq_tangent, matrix_power_tangent, qr_tangent, reduced_svd, svd_tangent,
    symmetric_from, tall_qr, triangle_adjoint, vectors_tangent,
)

SVDVALS = tuple(f for f in (getattr(np.linalg, "svdvals", None),) if f is not None)

# ----- Symmetric eigenproblems ------------------------------------------------------------------


# A = V diag(w) V^T: dw = diag(V^T dA V), dV = V (F o V^T dA V) with F[i, j] = 1 / (w_j - w_i).
@register_adjoint(np.linalg.eigh)
def _(result, x, UPLO="L"):
    vt = np.swapaxes(result[1], -1, -2)
    gw = np.expand_dims(broadcast_like(item_adjoint(d[result], 0), result[0]), -1) * np.eye(np.shape(x)[-1])
    gv = gaps_product(result[0], vt @ broadcast_like(item_adjoint(d[result], 1), result[1]))
    d[x] = triangle_adjoint(result[1] @ (gw + gv) @ vt, UPLO)


@register_tangent(np.linalg.eigh)
def _(result, x, UPLO="L"):
    d[result] = (np.sum(result[1] * (symmetric_from(d[x], UPLO) @ result[1]), axis=-2),
                 vectors_tangent(result[1], result[0], np.swapaxes(result[1], -1, -2) @ symmetric_from(d[x], UPLO)
                                 @ result[1]))


@register_adjoint(np.linalg.eigvalsh)
def _(result, x, UPLO="L"):
    vectors = np.linalg.eigh(x, UPLO)[1]
    d[x] = triangle_adjoint((vectors * np.expand_dims(d[result], -2)) @ np.swapaxes(vectors, -1, -2), UPLO)


@register_tangent(np.linalg.eigvalsh)
def _(result, x, UPLO="L"):
    d[result] = eigvalsh_tangent(d[x], x, UPLO)


# ----- Singular values, QR, least squares ---------------------------------------------------


# A = U S V^T (reduced), F[i, j] = 1 / (s_j^2 - s_i^2): the adjoint of A is
# U (F o (U^T gU - gU^T U) S + diag(gs) + S (F o (V^T gV - gV^T V))) V^T
#   + (I - U U^T) gU S^-1 V^T + U S^-1 gV^T (I - V V^T)   (Townsend 2016).
# With compute_uv=False only gs: the factors are computed again.
@register_adjoint(np.linalg.svd)
def _(result, x, full_matrices=True, compute_uv=True, hermitian=False):
    factors = result if compute_uv else np.linalg.svd(x, full_matrices=False)
    u = reduced_svd(factors[0], x, full_matrices, compute_uv, hermitian)
    gu = broadcast_like(item_adjoint(d[result], 0), u) if compute_uv else 0.0 * u
    gs = broadcast_like(item_adjoint(d[result], 1), factors[1]) if compute_uv else d[result]
    gvh = broadcast_like(item_adjoint(d[result], 2), factors[2]) if compute_uv else 0.0 * factors[2]
    left = np.swapaxes(u, -1, -2) @ gu
    right = factors[2] @ np.swapaxes(gvh, -1, -2)
    squares = factors[1] * factors[1]
    inner = (gaps_product(squares, left - np.swapaxes(left, -1, -2)) * np.expand_dims(factors[1], -2)
             + np.expand_dims(gs, -1) * np.eye(np.shape(factors[1])[-1])
             + np.expand_dims(factors[1], -1) * gaps_product(squares, right - np.swapaxes(right, -1, -2)))
    d[x] = (u @ inner @ factors[2] + ((gu - u @ left) / np.expand_dims(factors[1], -2)) @ factors[2]
            + (u / np.expand_dims(factors[1], -2)) @ (gvh - np.swapaxes(right, -1, -2) @ factors[2])
            if compute_uv else (u * np.expand_dims(gs, -2)) @ factors[2])


@register_tangent(np.linalg.svd)
def _(result, x, full_matrices=True, compute_uv=True, hermitian=False):
    d[result] = svd_tangent(d[x], result, x, full_matrices, compute_uv, hermitian)



# np.linalg.svdvals (NumPy 2) is np.linalg.svd(x, compute_uv=False).
@register_adjoint(*SVDVALS)
def _(result, x):
    factors = np.linalg.svd(x, full_matrices=False)
    d[x] = (factors[0] * np.expand_dims(d[result], -2)) @ factors[2]


@register_tangent(*SVDVALS)
def _(result, x):
    d[result] = svd_tangent(d[x], result, x, False, False)


# A = QR (m >= n): dA's adjoint is (gQ + Q copyltu(M)) R^-T with M = R gR^T - gQ^T Q and
# copyltu(M) = tril(M) + tril(M, -1)^T (Walter & Lehmann 2018).
@register_adjoint(np.linalg.qr)
def _(result, x, mode="reduced"):
    inverse = np.linalg.inv(tall_qr(result[1], x, mode))
    gq = broadcast_like(item_adjoint(d[result], 0), result[0])
    gr = broadcast_like(item_adjoint(d[result], 1), result[1])
    m = result[1] @ np.swapaxes(gr, -1, -2) - np.swapaxes(gq, -1, -2) @ result[0]
    d[x] = (gq + result[0] @ (np.tril(m) + np.swapaxes(np.tril(m, -1), -1, -2))) @ np.swapaxes(inverse, -1, -2)


@register_tangent(np.linalg.qr)
def _(result, x, mode="reduced"):
    d[result] = qr_tangent(d[x], tall_qr(result[0], x, mode), result[1])


# Full rank: d A+ = -A+ dA A+ + A+ A+^T dA^T (I - A A+) + (I - A+ A) dA^T A+^T A+ (Golub & Pereyra 1973).
@register_adjoint(np.linalg.pinv)
def _(result, x, rcond=None, hermitian=False):
    pt = np.swapaxes(result, -1, -2)
    checked = full_rank(x, "np.linalg.pinv")
    d[x] = (-pt @ d[result] @ pt + (np.eye(np.shape(x)[-2]) - checked @ result) @ np.swapaxes(d[result], -1, -2) @ result @ pt
            + pt @ result @ np.swapaxes(d[result], -1, -2) @ (np.eye(np.shape(x)[-1]) - result @ x))


@register_tangent(np.linalg.pinv)
def _(result, x, rcond=None, hermitian=False):
    d[result] = (-result @ d[x] @ result
                 + result @ ((np.swapaxes(result, -1, -2) @ np.swapaxes(d[x], -1, -2)) @ (np.eye(np.shape(x)[-2]) - full_rank(x, "np.linalg.pinv") @ result))
                 + ((np.eye(np.shape(x)[-1]) - result @ x) @ np.swapaxes(d[x], -1, -2) @ np.swapaxes(result, -1, -2)) @ result)


# Full column rank: x = C A^T b with C = (A^T A)^-1, r = b - A x. With z = C g:
# the adjoint of b is A z, of A is r z^T - A z x^T; dx = C (A^T (db - dA x) + dA^T r).
# The residuals sum(r^2) (A^T r = 0) add 2 r g_res to b's adjoint and -2 r g_res x^T to A's; the
# singular values s (those of A) add U diag(g_s) V^T, the factors computed where s has an adjoint.
@register_adjoint(np.linalg.lstsq)
def _(result, a, b, rcond=None):
    gram = np.transpose(full_column_rank(a, result[2], "np.linalg.lstsq")) @ a
    z = np.linalg.solve(gram, broadcast_like(item_adjoint(d[result], 0), result[0]))
    residual = b - a @ result[0]
    weighted = lstsq_residuals_adjoint(item_adjoint(d[result], 1), residual, result[1])
    gs = item_adjoint(d[result], 3)
    factors = np.linalg.svd(a, full_matrices=False) if np.ndim(gs) else (0.0, 0.0, 0.0)
    d[a] = (as_columns(residual) @ np.transpose(as_columns(z))
            - as_columns(a @ z + weighted) @ np.transpose(as_columns(result[0]))
            + np.dot(factors[0] * np.expand_dims(gs, 0), factors[2]))
    d[b] = a @ z + weighted


@register_tangent(np.linalg.lstsq)
def _(result, a, b, rcond=None):
    d[result] = lstsq_tangent(d[a], d[b], full_column_rank(a, result[2], "np.linalg.lstsq"), b, result)


# A^n for n >= 0: sum_k A^k dA A^(n-1-k) is the top right block of [[A, dA], [0, A]]^n; the
# adjoint, the same sum with A^T and g. For n < 0, A^n = inv(A)^-n.
@register_adjoint(np.linalg.matrix_power)
def _(result, a, n):
    base = np.linalg.inv(a) if n < 0 else a
    bt = np.swapaxes(base, -1, -2)
    size = np.shape(a)[-1]
    block = np.concatenate([np.concatenate([bt, broadcast_like(d[result], a)], -1),
                            np.concatenate([np.zeros(np.shape(a)), bt], -1)], -2)
    spread = np.linalg.matrix_power(block, abs(n))[..., :size, size:]
    d[a] = -bt @ spread @ bt if n < 0 else spread


@register_tangent(np.linalg.matrix_power)
def _(result, a, n):
    d[result] = matrix_power_tangent(d[a], a, n)
