"""Programs that reach gaps of the NumPy and SciPy coverage (tests/test_numpy_gaps_programs.py): order
statistics of empty lines, NumPy 2's np.linalg names and keywords, scipy.linalg.block_diag, writes by
np.multiply.at and np.put_along_axis, and scipy.linalg's structured matrices.
"""
import numpy as np
import scipy.linalg


# ----- Order statistics of no elements -------------------------------------------------------------


def row_medians_of_chosen(X, chosen):
    m = np.median(X[:, chosen], axis=1)
    return np.sum(np.where(np.isnan(m), 0.0, m) * np.arange(1.0, 4.0)) + np.sum(X ** 2)


def medians_of_first_rows(X, k):
    columns = np.median(X[:k], axis=0)
    whole = np.median(X[:k], axis=None, keepdims=True)
    return np.sum(np.where(np.isnan(columns), 1.0, columns) ** 2) + np.sum(np.where(np.isnan(whole), 0.0, whole)) + np.sum(X)


def nan_statistics_of_chosen(X, chosen):
    masked = np.where(X > 1.0, np.nan, X)[:, chosen]
    m = np.nanmedian(masked, axis=1)
    q = np.nanquantile(masked, 0.3, axis=0)
    p = np.nanpercentile(masked, [20.0, 70.0])
    return (np.sum(np.where(np.isnan(m), 0.0, m) * np.arange(1.0, 4.0)) + np.sum(np.where(np.isnan(q), 0.0, q) ** 2)
            + np.sum(np.where(np.isnan(p), 0.0, p)) + np.sum(X ** 2))


def quantile_of_chosen(X, chosen):
    return np.sum(np.quantile(X[:, chosen], 0.3, axis=1)) + np.sum(np.percentile(X[:, chosen], [20.0, 70.0], axis=1))


# ----- NumPy 2's np.linalg names and keywords --------------------------------------------------------


def linalg_aliases(A, x):
    T = np.stack([A, A * A])
    return (np.linalg.trace(A @ A) + np.sum(np.linalg.trace(T, offset=1) ** 2) + np.sum(np.linalg.diagonal(T) ** 3)
            + np.sum(np.linalg.diagonal(A, offset=-1) * x[:2]) + np.sum(np.linalg.cross(x, A) ** 2)
            + np.sum(np.linalg.cross(A, x * x, axis=0)) + np.sum(np.linalg.outer(x, A[0]) * A)
            + np.sum(np.linalg.matrix_transpose(T) * T) + np.sum(np.linalg.vecdot(A, x) ** 2))


def smooth_norms(A, x):
    return (np.sum(np.linalg.vector_norm(A, ord=3, axis=1)) + np.linalg.vector_norm(A, ord=4)
            + np.sum(np.linalg.vector_norm(np.stack([A, A.T]), ord=3, axis=(0, 2), keepdims=True) * A[0])
            + np.linalg.matrix_norm(A, ord="fro") * np.linalg.vector_norm(x, ord=2.5))


def kinked_norms(A):
    return (np.linalg.vector_norm(A, ord=1) + np.sum(np.linalg.vector_norm(A, ord=-np.inf, axis=0))
            + np.linalg.vector_norm(A, ord=np.inf) + np.linalg.matrix_norm(A, ord=1)
            + np.linalg.matrix_norm(A, ord=-np.inf) + np.linalg.matrix_norm(A, ord="nuc")
            + np.linalg.matrix_norm(A, ord=2) * np.linalg.matrix_norm(A, ord=-2))


def gaussian_nll_upper(A, y):
    K = A @ A.T + np.eye(3) + np.tril(A, -1)  # the lower triangle is not read with upper=True
    U = np.linalg.cholesky(K, upper=True)
    z = np.linalg.solve(U.T, y)
    return 0.5 * np.sum(z ** 2) + np.sum(np.log(np.diag(U)))


# ----- Writes by np.multiply.at and np.put_along_axis ------------------------------------------------


def multiply_at_scatter(x, v, s):
    out = x * 1.0
    np.multiply.at(out, [0, 2, 2, 3, 0], v)
    B = np.outer(x, x[:3])
    np.multiply.at(B, ([0, 1, 1], [2, 0, 0]), v[:3])
    np.multiply.at(B, 1, v[1:4])
    np.multiply.at(B, [3, 3], v[:1] * s)
    np.multiply.at(out, [1, 1], s)
    np.multiply.at(B, (slice(None), 0), x[::-1])
    np.multiply.at(out, x > 0.5, x[x > 0.5] ** 2)
    return np.sum(out ** 2) + np.sum(B * np.arange(1.0, 13.0).reshape(4, 3))


def put_along_axis_writes(M, v):
    A = M * 1.0
    idx = np.argsort(M, axis=1)[:, :1]
    np.put_along_axis(A, idx, v[:, None] ** 2, axis=1)
    np.put_along_axis(A, np.array([[0, 1, 1], [0, 1, 1]]), M[:2] * 3.0, 0)
    np.put_along_axis(A, np.array([1, 4, 4, -1]), np.append(v, v[0] * v[1]), axis=None)
    np.put_along_axis(arr=A, indices=np.array([[2], [0], [1]]), values=0.5, axis=-1)
    return np.sum(A * M) + np.sum(A ** 3)


# ----- scipy.linalg.block_diag and the structured matrices ----------------------------------------------


def block_diagonal_covariance(A, s):
    K = scipy.linalg.block_diag(A @ A.T + np.eye(3), s[0] ** 2 + 1.0, np.diag(np.exp(s[1:])))
    y = np.array([0.3, -0.5, 0.8, 1.1, -0.2, 0.4])
    return 0.5 * y @ np.linalg.solve(K, y) + 0.5 * np.linalg.slogdet(K)[1]


def block_rows_and_toeplitz(A, s):
    M = scipy.linalg.block_diag(s, A[:2], A[2, 0])
    T = scipy.linalg.toeplitz(s, A[0]) @ scipy.linalg.circulant(A[1])
    return np.sum(M ** 3 * np.arange(1.0, 33.0).reshape(4, 8)) + np.sum(T * np.sin(T))
