"""Helpers of the linear-algebra rules: solve, determinant, cholesky and norm.

Each is linear in its first argument (the adjoint or tangent it carries) unless it says so.
"""
from __future__ import annotations

import numpy as np

from adjoint.runtime.adjoints import unbroadcast, _is_zero_scalar
from adjoint.runtime.products import prod_others
from adjoint.runtime.refusals import Refused


def _solve_operands(g, b):
    """g with a trailing axis when np.linalg.solve's b is a vector, so the matrix formulas apply."""
    return np.expand_dims(g, -1) if np.ndim(b) == 1 else g


def solve_adjoint_b(g, a, b):
    """The adjoint of b in np.linalg.solve(a, b): solve(a^T, g)."""
    adjoint = np.linalg.solve(np.swapaxes(a, -1, -2), _solve_operands(g, b))
    return unbroadcast(adjoint[..., 0] if np.ndim(b) == 1 else adjoint, b)


def solve_adjoint_a(g, a, b, result):
    """The adjoint of a in x = np.linalg.solve(a, b): -solve(a^T, g) x^T."""
    adjoint = np.linalg.solve(np.swapaxes(a, -1, -2), _solve_operands(g, b))
    return unbroadcast(-np.matmul(adjoint, np.swapaxes(_solve_operands(result, b), -1, -2)), a)


def solve_tangent(da, db, a, b, result):
    """The tangent of x = np.linalg.solve(a, b): solve(a, db - da x). Linear in (da, db) together."""
    solution = _solve_operands(result, b)
    rhs = _solve_operands(db, b)
    if not _is_zero_scalar(da):
        rhs = rhs - np.matmul(da, solution)
    tangent = np.linalg.solve(a, np.broadcast_to(rhs, np.shape(solution)))
    return tangent[..., 0] if np.ndim(b) == 1 else tangent


def cofactors(x, det):
    """The cofactors of the matrices x (the last two axes) given det = det(x), which are d det(x) / d x
    (not linear): det inv(x)^T, and where x is singular (its inverse is no help), the same polynomial in x
    from x = U S V^T: det(U) det(V^T) U diag(the product of the other singular values) V^T."""
    try:
        inverse = np.linalg.inv(x)
    except np.linalg.LinAlgError:
        u, s, vt = np.linalg.svd(x)
        sign = np.linalg.det(u) * np.linalg.det(vt)
        return np.expand_dims(sign, (-2, -1)) * np.matmul(u * np.expand_dims(prod_others(s, -1), -2), vt)
    return np.expand_dims(det, (-2, -1)) * np.swapaxes(inverse, -1, -2)


def _inverse_for_second_derivative(x):
    """inv(x), refused where x is singular or so near it that the second derivative's two terms, each
    of the order of cond(x) times its value and cancelling, leave fewer than 8 of its digits."""
    singular = Refused("the second derivative of np.linalg.det at a singular matrix (or one as near it as its "
                       "condition number says) is not supported")
    if np.size(x) == 0:  # 0x0 matrices (np.linalg.cond refuses them): their inverses are as empty
        return np.linalg.inv(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        near = np.any(~(np.linalg.cond(x) * np.finfo(np.result_type(x, 1.0)).eps <= 1e-8))
    if near:
        raise singular
    try:
        return np.linalg.inv(x)
    except np.linalg.LinAlgError:
        raise singular from None


def cofactors_tangent(dx, ddet, x, det):
    """The tangent of cofactors(x, det) where x is invertible: ddet inv(x)^T - det (inv(x) dx inv(x))^T
    (linear in (dx, ddet) together)."""
    inverse = _inverse_for_second_derivative(x)
    tangent = 0.0
    if not _is_zero_scalar(dx):
        tangent = -np.expand_dims(det, (-2, -1)) * np.swapaxes(np.matmul(np.matmul(inverse, dx), inverse), -1, -2)
    if not _is_zero_scalar(ddet):
        tangent = tangent + np.expand_dims(ddet, (-2, -1)) * np.swapaxes(inverse, -1, -2)
    return tangent


def cofactors_adjoint_x(g, x, det):
    """The adjoint of x in cofactors(x, det) where x is invertible: -det inv(x)^T g^T inv(x)^T."""
    inverse = np.swapaxes(_inverse_for_second_derivative(x), -1, -2)
    return -np.expand_dims(det, (-2, -1)) * np.matmul(np.matmul(inverse, np.swapaxes(g, -1, -2)), inverse)


def cofactors_adjoint_det(g, x, det):
    """The adjoint of det in cofactors(x, det) where x is invertible: <g, inv(x)^T> over the last two axes."""
    inverse = _inverse_for_second_derivative(x)
    return unbroadcast(np.sum(g * np.swapaxes(inverse, -1, -2), axis=(-2, -1)), det)


def _lower_half(x):
    """The lower triangle of x with its diagonal halved (Murray's Phi)."""
    return np.tril(x) - 0.5 * np.eye(np.shape(x)[-1]) * x


def cholesky_adjoint(g, low):
    """The adjoint of A in L = np.linalg.cholesky(A), symmetrized (Murray 2016, arXiv:1602.07527)."""
    phi = _lower_half(np.matmul(np.swapaxes(low, -1, -2), g))
    inverse = np.linalg.inv(low)
    inner = np.matmul(np.swapaxes(inverse, -1, -2), np.matmul(phi, inverse))
    return 0.5 * (inner + np.swapaxes(inner, -1, -2))


def cholesky_tangent(da, low):
    """The tangent of L = np.linalg.cholesky(A): L Phi(L^-1 dA L^-T)."""
    inverse = np.linalg.inv(low)
    return np.matmul(low, _lower_half(np.matmul(inverse, np.matmul(da, np.swapaxes(inverse, -1, -2)))))


def _norm_kind(x, ord, axis, vector=False):
    """("vector", axes) or ("matrix", axes) as np.linalg.norm decides for these arguments; `vector`:
    a vector norm over all of axis (every axis when None), as np.linalg.vector_norm's."""
    ndim = np.ndim(x)
    if vector:
        axes = range(ndim) if axis is None else (axis,) if np.ndim(axis) == 0 else axis
        return "vector", tuple(a % max(ndim, 1) for a in axes)
    if axis is None:
        if ord is None or ndim == 1:
            return "vector", tuple(range(ndim))
        return "matrix", (0, 1)
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    return ("vector" if len(axes) == 1 else "matrix"), tuple(a % max(ndim, 1) for a in axes)


def _norm_slope(result, x, ord, axis, vector=False):
    """d norm / d x for the norms with a derivative: 2-, p- and max-norms of vectors, Frobenius,
    nuclear and spectral norms of matrices."""
    kind, axes = _norm_kind(x, ord, axis, vector)
    r = np.expand_dims(result, axes) if np.ndim(result) else result
    if kind == "vector" and ord in (None, 2) or kind == "matrix" and ord in (None, "fro"):
        return _over_norm(x, r)
    if kind == "vector" and ord in (np.inf, -np.inf):
        mask = np.abs(x) == r
        return mask * np.sign(x) / np.sum(mask, axis=axes, keepdims=True)
    if kind == "vector" and np.ndim(ord) == 0 and ord not in (0,) and not isinstance(ord, str):
        return _over_norm(np.sign(x) * np.abs(x) ** (ord - 1), r ** (ord - 1))
    if kind == "vector" and ord == 0:
        return np.zeros(np.shape(x))  # a count of the non-zero entries: constant almost everywhere
    if kind == "matrix" and ord in (1, -1, np.inf, -np.inf):
        return _induced_norm_slope(x, ord, axes)
    if kind == "matrix" and ord in ("nuc", 2, -2):
        moved = np.moveaxis(x, axes, (-2, -1))
        u, s, vt = np.linalg.svd(moved, full_matrices=False)
        return np.moveaxis(np.matmul(u * np.expand_dims(_singular_weights(s, ord), -2), vt), (-2, -1), axes)
    raise Refused(f"the derivative of np.linalg.norm with ord={ord!r} is not supported")


def _over_norm(a, r):
    """a / r, and 0.0 in a group whose norm r is 0 (a zero vector, where a is 0 too): the slope of a
    2-, p- or Frobenius norm at zero is the subgradient 0, as np.abs's at 0 and the nuclear norm's at
    a zero singular value."""
    if np.all(np.not_equal(r, 0)):
        return a / r
    zero = np.equal(r, 0)
    return np.where(zero, 0.0, a / np.where(zero, 1.0, r))


def _singular_weights(s, ord):
    """The weight of each singular vector pair in the slope of the nuclear (ord 'nuc') or spectral
    (2, -2) norm: 1 for each non-zero singular value (the slope of |s| at 0 is 0, as np.abs's), and
    for the largest (smallest) one, shared evenly between the singular values tied with it (as
    np.max's slope between tied entries): U diag(weights) V^T does not depend on the singular
    vectors NumPy picks within a repeated singular value."""
    tolerance = 8.0 * np.shape(s)[-1] * np.finfo(float).eps * np.max(s, axis=-1, keepdims=True)
    if ord == "nuc":
        return (s > tolerance).astype(float)
    tied = np.abs(s - s[..., :1] if ord == 2 else s - s[..., -1:]) <= tolerance
    return tied / np.sum(tied, axis=-1, keepdims=True)


def _induced_norm_slope(x, ord, axes):
    """The slope of the largest (ord 1, inf) or smallest (-1, -inf) absolute column (ord +-1) or
    row (+-inf) sum: the signs of x on that column or row, shared evenly between tied ones."""
    moved = np.moveaxis(x, axes, (-2, -1))
    summed, across = (-2, -1) if ord in (1, -1) else (-1, -2)
    sums = np.sum(np.abs(moved), axis=summed, keepdims=True)
    chosen = sums == (np.max if ord > 0 else np.min)(sums, axis=across, keepdims=True)
    slope = np.sign(moved) * chosen / np.sum(chosen, axis=across, keepdims=True)
    return np.moveaxis(slope, (-2, -1), axes)


def norm_adjoint(g, result, x, ord=None, axis=None, keepdims=False, vector=False):
    """The adjoint of np.linalg.norm(x, ord, axis, keepdims) (`vector`: of np.linalg.vector_norm)."""
    kind, axes = _norm_kind(x, ord, axis, vector)
    reduced = np.squeeze(result, axes) if keepdims and np.ndim(result) else result
    spread = np.expand_dims(g, axes) if not keepdims and np.ndim(result) else g
    return spread * _norm_slope(reduced, x, ord, axis, vector)


def norm_tangent(dx, result, x, ord=None, axis=None, keepdims=False, vector=False):
    """The tangent of np.linalg.norm(x, ord, axis, keepdims) (`vector`: of np.linalg.vector_norm)."""
    kind, axes = _norm_kind(x, ord, axis, vector)
    slope = _norm_slope(np.squeeze(result, axes) if keepdims and np.ndim(result) else result, x, ord, axis, vector)
    return np.sum(slope * dx, axis=axes, keepdims=keepdims)


# ----- np.linalg.multi_dot([A_1, ..., A_n]): a first vector is a row, a last one a column -------------------


def _chain_matrices(xs):
    mats = [np.asarray(x) for x in xs]
    if mats[0].ndim == 1:
        mats[0] = mats[0][None, :]
    if mats[-1].ndim == 1:
        mats[-1] = mats[-1][:, None]
    return mats


def _chain(mats):
    product = mats[0]
    for mat in mats[1:]:
        product = np.matmul(product, mat)
    return product


def _multi_dot_shape(xs, mats):
    return (mats[0].shape[0],) * (np.ndim(xs[0]) == 2) + (mats[-1].shape[1],) * (np.ndim(xs[-1]) == 2)


def _arrays_like(dxs, xs):
    """dxs, a list of arrays shaped as xs (the number 0.0, or 0.0 items, stand for zeros)."""
    items = dxs if isinstance(dxs, (list, tuple)) else [0.0] * len(xs)
    return [np.broadcast_to(item, np.shape(x)) for item, x in zip(items, xs)]


def multi_dot_adjoint(g, xs):
    """The adjoints of the arrays of np.linalg.multi_dot(xs): A_i's is (A_1..A_{i-1})^T g (A_{i+1}..A_n)^T."""
    mats = _chain_matrices(xs)
    rows, columns = mats[0].shape[0], mats[-1].shape[1]
    seed = np.reshape(np.broadcast_to(g, _multi_dot_shape(xs, mats)), (rows, columns))
    prefixes = [np.eye(rows)]
    for mat in mats[:-1]:
        prefixes.append(np.matmul(prefixes[-1], mat))
    adjoints = [None] * len(mats)
    suffix = np.eye(columns)
    for i in range(len(mats) - 1, -1, -1):
        adjoints[i] = np.reshape(np.matmul(np.matmul(prefixes[i].T, seed), suffix.T), np.shape(xs[i]))
        suffix = np.matmul(mats[i], suffix)
    return adjoints


def multi_dot_tangent(dxs, xs):
    """The tangent of np.linalg.multi_dot(xs): the sum over i of the product with dA_i in A_i's place."""
    mats, moved = _chain_matrices(xs), _chain_matrices(_arrays_like(dxs, xs))
    total = sum(_chain(mats[:i] + [moved[i]] + mats[i + 1:]) for i in range(len(mats)))
    return np.reshape(total, _multi_dot_shape(xs, mats))


def multi_dot_second(hs, g, xs):
    """The derivative of multi_dot_adjoint(g, xs) in xs along hs (and its adjoint, given hs, in xs):
    item j is the sum over i != j of multi_dot_adjoint(g, xs with h_i in A_i's place)[j]."""
    hs = _arrays_like(hs, xs)
    total = [np.zeros(np.shape(x)) for x in xs]
    for i in range(len(xs)):
        adjoints = multi_dot_adjoint(g, list(xs[:i]) + [hs[i]] + list(xs[i + 1:]))
        total = [t + a if j != i else t for j, (t, a) in enumerate(zip(total, adjoints))]
    return total


def multi_dot_adjoint_tangent(dg, dxs, g, xs):
    """The tangent of multi_dot_adjoint(g, xs) along dg and dxs."""
    return [a + b for a, b in zip(multi_dot_adjoint(dg, xs), multi_dot_second(dxs, g, xs))]
