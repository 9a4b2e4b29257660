"""Helpers of the rules of np.linalg's decompositions (eigh, svd, qr, lstsq, pinv).

np.linalg.eigh reads one triangle of its argument: `symmetric_from` is the symmetric matrix it
sees, `triangle_adjoint` that map's transpose. Both are linear in their first argument, each
the other's adjoint. The other helpers refuse, at run time, the arguments where a
decomposition has no derivative.
"""
from __future__ import annotations

import numpy as np

from adjoint.runtime.refusals import Refused
from adjoint.runtime.statistics import UnsupportedArguments


class NotDifferentiableHere(Refused):
    """A decomposition met an argument at which it has no derivative (a rank-deficient matrix,
    a wide matrix for qr, an arbitrary completion of a basis)."""


def polyfit_points(x, deg, rcond=None, w=None, full=False, cov=False):
    """x, after refusing what np.polyfit's rule does not differentiate (weights, the full and cov
    outputs) and points that do not fix deg + 1 coefficients, where the fit jumps: the rank is
    NumPy's, singular values of the scaled matrix above rcond (by default len(x) eps) times the greatest."""
    if w is not None or full or cov:
        raise UnsupportedArguments("np.polyfit is differentiated without w, full=True or cov=True")
    singular = np.linalg.svd(np.vander(x, deg + 1) / vander_scale(x, deg), compute_uv=False)
    cutoff = (np.size(x) * np.finfo(np.result_type(x, 0.0)).eps if rcond is None else rcond) * singular[0]
    if np.shape(singular)[0] < deg + 1 or np.sum(singular > cutoff) < deg + 1:
        raise NotDifferentiableHere(
            f"np.polyfit of degree {deg} through {np.size(x)} points, fewer distinct than its {deg + 1} "
            "coefficients, has no derivative: the fit jumps as points part")
    return x


def vander_scale(x, deg):
    """The norms of the columns of np.vander(x, deg + 1), by which np.polyfit divides them (the fit,
    and so its derivative, holds for any scale: it is held constant)."""
    return np.sqrt(np.sum(np.vander(x, deg + 1) ** 2, axis=0))


def symmetric_from(a, uplo="L"):
    """The symmetric matrix np.linalg.eigh(a, uplo) decomposes: a's lower (or upper) triangle mirrored."""
    if uplo == "L":
        return np.tril(a) + np.swapaxes(np.tril(a, -1), -1, -2)
    return np.triu(a) + np.swapaxes(np.triu(a, 1), -1, -2)


def triangle_adjoint(g, uplo="L"):
    """The adjoint of a in symmetric_from(a, uplo): the triangle read gets g and its mirror image."""
    if uplo == "L":
        return np.tril(g) + np.tril(np.swapaxes(g, -1, -2), -1)
    return np.triu(g) + np.triu(np.swapaxes(g, -1, -2), 1)


def full_column_rank(x, rank, what):
    """x, after refusing it unless it has full column rank: there `what` is smooth."""
    if np.any(np.asarray(rank) < np.shape(x)[-1]) or np.shape(x)[-2] < np.shape(x)[-1]:
        raise NotDifferentiableHere(
            f"{what} of a matrix without full column rank (shape {np.shape(x)}, rank {rank}) has no derivative: "
            "its solution jumps as the rank changes; regularize the problem (add a multiple of the identity)")
    return x


def full_rank(x, what):
    """x, after refusing it unless it has full rank min(m, n): `what` jumps at a rank change."""
    rank = np.linalg.matrix_rank(x)
    if np.any(np.asarray(rank) < min(np.shape(x)[-2:])):
        raise NotDifferentiableHere(
            f"{what} of a rank-deficient matrix (shape {np.shape(x)}, rank {rank}) has no derivative: it jumps as "
            "the rank changes; regularize the problem (add a multiple of the identity)")
    return x


def reduced_svd(u, x, full_matrices, compute_uv, hermitian):
    """u (svd's left factor of x), after refusing full_matrices=True of a non-square matrix (the
    columns completing the basis are arbitrary) and hermitian=True (signs from an eigendecomposition)."""
    rows, columns = np.shape(x)[-2:]
    if hermitian:
        raise NotDifferentiableHere("np.linalg.svd with hermitian=True is not differentiated: call np.linalg.eigh")
    if compute_uv and full_matrices and rows != columns:
        raise NotDifferentiableHere(
            "np.linalg.svd with full_matrices=True of a non-square matrix has no derivative (the columns that "
            "complete U or V are arbitrary): call it with full_matrices=False")
    return u


def tall_qr(factor, x, mode):
    """factor (one of qr's factors of x), after refusing a wide x or a mode other than 'reduced'."""
    rows, columns = np.shape(x)[-2:]
    if rows < columns or mode not in ("reduced", "complete") or mode == "complete" and rows != columns:
        raise NotDifferentiableHere(
            f"np.linalg.qr(mode={mode!r}) of a {rows}x{columns} matrix is differentiated only in mode 'reduced' "
            "with at least as many rows as columns")
    return factor


def _transposed(a):
    return np.swapaxes(a, -1, -2)


def svd_tangent(dx, result, x, full_matrices=True, compute_uv=True, hermitian=False):
    """The tangent of np.linalg.svd(x, ...) along dx: (dU, ds, dVh), or ds when compute_uv is False."""
    u, s, vh = result if compute_uv else np.linalg.svd(x, full_matrices=False)
    u = reduced_svd(u, x, full_matrices, compute_uv, hermitian)
    v = _transposed(vh)
    projected = np.matmul(np.matmul(_transposed(u), dx), v)
    ds = np.diagonal(projected, 0, -2, -1)
    if not compute_uv:
        return ds
    squares = s * s
    scaled = projected * np.expand_dims(s, -2)
    du = vectors_tangent(u, squares, scaled + _transposed(scaled))
    dv = vectors_tangent(v, squares, np.expand_dims(s, -1) * projected + _transposed(projected) * np.expand_dims(s, -2))
    if isinstance(du, UndefinedTangent) or isinstance(dv, UndefinedTangent):
        undefined = du if isinstance(du, UndefinedTangent) else dv
        return undefined, ds, undefined
    rows, columns = np.shape(x)[-2:]
    if rows > columns:
        du = du + np.matmul(dx - np.matmul(u, np.matmul(_transposed(u), dx)), v) / np.expand_dims(s, -2)
    if rows < columns:
        dxt = _transposed(dx)
        dv = dv + np.matmul(dxt - np.matmul(v, np.matmul(vh, dxt)), u) / np.expand_dims(s, -2)
    return du, ds, _transposed(dv)


def as_columns(v):
    """A vector as a one-column matrix, a matrix as it is (lstsq's right-hand sides), the axes after the
    first merged (counted, not left to -1, which an empty v leaves undetermined)."""
    return np.reshape(v, (np.shape(v)[0], int(np.prod(np.shape(v)[1:], dtype=int))))


def lstsq_residuals_adjoint(g, residual, residuals):
    """2 r g: what the adjoint g of lstsq's residuals sum(r^2, axis=0) adds to b's (and, times -x^T,
    to a's), r = b - a x; 0.0 where lstsq reports no residuals or they carry no adjoint."""
    if np.size(residuals) == 0 or np.ndim(g) == 0:
        return 0.0
    return 2.0 * residual * g


def lstsq_residuals_tangent(residual, moved, residuals):
    """The tangent of lstsq's residuals, sum(r^2, axis=0), given r = b - A x and db - dA x (A^T r = 0
    at the solution); empty as the residuals are when lstsq reports none."""
    if np.size(residuals) == 0:
        return np.zeros(np.shape(residuals))
    return np.reshape(2.0 * np.sum(residual * moved, axis=0), np.shape(residuals))


def eigen_gaps(w):
    """F with F[i, j] = 1 / (w_j - w_i) off the diagonal, 0 on it (eigenvalues w, last axis)."""
    eye = np.eye(np.shape(w)[-1])
    return (1.0 - eye) / (np.expand_dims(w, -2) - np.expand_dims(w, -1) + eye)


def repeated_pairs(w):
    """True at [i, j] (i != j) where w_i and w_j are equal up to the rounding an eigensolver leaves
    (8 n eps max |w|): there 1 / (w_j - w_i) stands for no number."""
    size = np.shape(w)[-1]
    spread = np.abs(np.expand_dims(w, -2) - np.expand_dims(w, -1))
    scale = np.max(np.abs(w), axis=-1, keepdims=True)[..., None] if size else 0.0
    return (spread <= 8.0 * size * np.finfo(float).eps * scale) & (np.eye(size) == 0)


def gaps_product(w, m):
    """eigen_gaps(w) o m (linear in m), where an entry between equal eigenvalues (F infinite) meets a
    zero of m as zero: the part of eigh's adjoint that its eigenvectors carry, nothing where they carry
    no adjoint (a function of the eigenvalues alone, whichever repeat). A non-zero entry of m between
    repeated eigenvalues is refused: the eigenvectors there have no derivative, and the eigenvalues
    none of second order that the program's values determine."""
    if np.ndim(m) == 0 and m == 0:
        return 0.0
    repeated = repeated_pairs(w)
    if np.any(repeated & (m != 0)):
        raise NotDifferentiableHere(
            f"a repeated eigenvalue (or squared singular value) {_repeated_value(w, repeated & (m != 0))} of np.linalg.eigh "
            "or np.linalg.svd: its eigenvectors (singular vectors) have no derivative there, and its eigenvalues "
            "(singular values) no second derivative that adjoint computes; first derivatives of the eigenvalues "
            "alone (np.linalg.eigvalsh, svd with compute_uv=False, in reverse mode) are defined")
    eye = np.eye(np.shape(w)[-1])
    with np.errstate(divide="ignore", invalid="ignore"):
        product = (1.0 - eye) * m / (np.expand_dims(w, -2) - np.expand_dims(w, -1) + eye)
    return np.where(repeated | (m == 0), 0.0, product)


def _repeated_value(w, where):
    index = np.argwhere(np.broadcast_to(where, np.broadcast_shapes(np.shape(where), np.shape(w)[:-1] + (1, 1))))[0]
    return f"{float(np.asarray(w)[tuple(index[:-2]) + (index[-1],)]):.6g}"


class UndefinedTangent(np.ndarray):
    """The tangent of eigenvectors (singular vectors) at a repeated eigenvalue, which has none: it
    stands in the tangent of eigh's (svd's) result, so that the eigenvalues' tangent, read alone,
    is exact. Any use of it (arithmetic, indexing, a NumPy function, being returned) raises the
    refusal; an array of NaN for what reads its memory directly."""

    def __new__(cls, shape, reason: str):
        undefined = np.full(shape, np.nan).view(cls)
        undefined.reason = reason
        return undefined

    def __array_finalize__(self, obj):
        self.reason = getattr(obj, "reason", None)

    def refuse(self, *args, **kwargs):
        raise NotDifferentiableHere(self.reason)

    __array_ufunc__ = __array_function__ = __getitem__ = __iter__ = __float__ = __bool__ = refuse


def vectors_tangent(vectors, w, m):
    """vectors @ gaps_product(w, m): the tangent of eigenvectors (or singular vectors), or an
    UndefinedTangent where a repeated eigenvalue leaves them none."""
    try:
        return np.matmul(vectors, gaps_product(w, m))
    except NotDifferentiableHere as error:
        return UndefinedTangent(np.shape(vectors), str(error))


def refuse_undefined(tangent):
    """tangent, after refusing an UndefinedTangent in it (returned by a forward derivative)."""
    if isinstance(tangent, UndefinedTangent):
        tangent.refuse()
    if isinstance(tangent, (tuple, list)):
        for item in tangent:
            refuse_undefined(item)
    elif isinstance(tangent, dict):
        for item in tangent.values():
            refuse_undefined(item)
    return tangent


def eigvalsh_tangent(dx, x, uplo="L"):
    """The tangent of np.linalg.eigvalsh(x, uplo): diag(V^T dS V), dS the symmetric tangent eigh reads."""
    vectors = np.linalg.eigh(x, uplo)[1]
    return np.sum(vectors * np.matmul(symmetric_from(dx, uplo), vectors), axis=-2)


def qr_tangent(dx, q, r):
    """The tangent (dQ, dR) of np.linalg.qr's reduced factors Q R = x (rows >= columns): with
    X = Q^T dx R^-1 and W = tril(X, -1) - tril(X, -1)^T, dR = (X - W) R and dQ = Q W + (I - Q Q^T) dx R^-1."""
    moved = np.matmul(dx, np.linalg.inv(r))
    rotated = np.matmul(_transposed(q), moved)
    skew = np.tril(rotated, -1) - _transposed(np.tril(rotated, -1))
    return np.matmul(q, skew) + moved - np.matmul(q, rotated), np.matmul(rotated - skew, r)


def lstsq_tangent(da, db, a, b, result):
    """The tangent of np.linalg.lstsq(a, b) = (x, residuals, rank, s) at full column rank: with
    r = b - a x and m = db - da x, dx = (a^T a)^-1 (a^T m + da^T r), d residuals = 2 sum(r m).
    da or db may be the symbolic zero 0.0."""
    solution, residuals, _, singular = result
    residual = b - np.matmul(a, solution)
    if np.ndim(da) == 0:
        moved, turned, dsingular = db + np.zeros(np.shape(b)), 0.0, np.zeros(np.shape(singular))
    else:
        moved = db - np.matmul(da, solution)
        turned, dsingular = np.matmul(_transposed(da), residual), svd_tangent(da, singular, a, False, False)
    dsolution = np.linalg.solve(np.matmul(_transposed(a), a), np.matmul(_transposed(a), moved) + turned)
    return dsolution, lstsq_residuals_tangent(residual, moved, residuals), 0.0, dsingular


def matrix_power_tangent(da, a, n):
    """The tangent of np.linalg.matrix_power(a, n): sum_k B^k dB B^(m-1-k) (B = a, m = n; for n < 0,
    B = inv(a), dB = -B da B, m = -n), the top right block of [[B, dB], [0, B]]^m."""
    base = np.linalg.inv(a) if n < 0 else a
    moved = -np.matmul(np.matmul(base, da), base) if n < 0 else da
    size = np.shape(a)[-1]
    block = np.concatenate([np.concatenate([base, np.broadcast_to(moved, np.shape(a))], -1),
                            np.concatenate([np.zeros(np.shape(a)), base], -1)], -2)
    return np.linalg.matrix_power(block, abs(n))[..., :size, size:]


def eigh_tangent(dx, result, x, uplo="L", eigvals_only=False):
    """The tangent of np.linalg.eigh(x, uplo), (dw, dV) with dw = diag(V^T dS V) and dV = V (F o V^T dS V),
    dS the symmetric tangent eigh reads; dw alone when eigvals_only (result the eigenvalues)."""
    if eigvals_only:
        return eigvalsh_tangent(dx, x, uplo)
    values, vectors = result
    rotated = np.matmul(np.matmul(_transposed(vectors), symmetric_from(dx, uplo)), vectors)
    return np.diagonal(rotated, 0, -2, -1), np.matmul(vectors, eigen_gaps(values) * rotated)
