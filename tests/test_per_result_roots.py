"""Writes in place into one result of a NumPy function that returns several new arrays.

`w, V = np.linalg.eigh(S)` binds two arrays apart from each other and from S, so a write into V
(`V[:, j] *= -1` fixing the sign of an eigenvector) leaves w as it was: each position of such a
result is memory of its own (analysis/views.py, results_apart), reached by the name bound to it,
by `res[1]` and by `res.eigenvectors` of the NamedTuple NumPy 2 returns, and a later `res[0]` or
`res.eigenvalues` does not read what the write changed. These writes were refused as if the
results shared memory. A result that may be a view (np.split, a user function returning views
of its argument), a view taken of a result before the write, the result read again at the
position written, an item of a list holding a result, a result the call may return whole (a
`compute_uv` not known), and a callee changing a result the derivative reads later stay refused.

Second derivatives of a write into part of a result (`V[:, 0] *= -1`) are refused as for any
array whose memory the first derivative keeps for its backward sweep (here the result the
decomposition's adjoint reads); `V *= signs` rebinds V in the derivative and has all of them.
"""
from __future__ import annotations

import itertools

import gast
import numpy as np
import pytest

import adjoint
from adjoint.analysis.views import RESULTS_APART, results_apart
from every_mode import AUTOGRAD_RUNS_NUMPY_CALLS, check_every_mode
from soundness import marked_line

linalg = pytest.importorskip("scipy.linalg")

# ----- programs differentiated exactly, each beside the same program without the write, for autograd -----


def pca_sign_fixed(X):
    Xc = X - np.mean(X, axis=0)
    w, V = np.linalg.eigh(Xc.T @ Xc)
    V[:, 0] *= -1.0
    V[:, 2] *= -1.0
    scores = Xc @ V[:, 1:]
    return np.sum(np.sin(scores) * w[1:])


def pca_sign_fixed_peer(X):
    Xc = X - np.mean(X, axis=0)
    w, V = np.linalg.eigh(Xc.T @ Xc)
    V = V * np.array([-1.0, 1.0, -1.0])
    return np.sum(np.sin(Xc @ V[:, 1:]) * w[1:])


def pca_result_fields(X):
    Xc = X - np.mean(X, axis=0)
    res = np.linalg.eigh(Xc.T @ Xc)
    V = res.eigenvectors
    V[:, 0] *= -1.0
    return np.sum(np.sin(Xc @ V) * np.sqrt(res.eigenvalues))


def pca_result_fields_peer(X):
    Xc = X - np.mean(X, axis=0)
    w, V = np.linalg.eigh(Xc.T @ Xc)
    return np.sum(np.sin(Xc @ (V * np.array([-1.0, 1.0, 1.0]))) * np.sqrt(w))


def pca_result_index(X):
    Xc = X - np.mean(X, axis=0)
    res = np.linalg.eigh(Xc.T @ Xc)
    V = res[1]
    V[:, 0] *= -1.0
    return np.sum(np.sin(Xc @ V) * res[0])


def pca_result_index_peer(X):
    Xc = X - np.mean(X, axis=0)
    w, V = np.linalg.eigh(Xc.T @ Xc)
    return np.sum(np.sin(Xc @ (V * np.array([-1.0, 1.0, 1.0]))) * w)


def pca_sign_loop(X):
    Xc = X - np.mean(X, axis=0)
    w, V = np.linalg.eigh(Xc.T @ Xc)
    for j in range(3):
        if V[0, j] < 0.0:
            V[:, j] *= -1.0
    return np.sum(np.sin(Xc @ V) * w)


def pca_sign_loop_peer(X):
    Xc = X - np.mean(X, axis=0)
    w, V = np.linalg.eigh(Xc.T @ Xc)
    return np.sum(np.sin(Xc @ (V * np.sign(V[0]))) * w)


def regularized_spectra(X):
    """The decomposition made again in a loop: each run's V is written before the next is made."""
    total = 0.0
    for k in range(2):
        w, V = np.linalg.eigh(X.T @ X + k * np.eye(3))
        V[:, 0] *= -1.0
        total = total + np.sum(np.sin(X @ V) * w)
    return total


def regularized_spectra_peer(X):
    total = 0.0
    for k in range(2):
        w, V = np.linalg.eigh(X.T @ X + k * np.eye(3))
        total = total + np.sum(np.sin(X @ (V * np.array([-1.0, 1.0, 1.0]))) * w)
    return total


def spectrum(S):
    w, V = np.linalg.eigh(S)
    return w, V


def spectrum_through_a_helper(X):
    """A user function returning the arrays of the decomposition: each is memory of its own."""
    w, V = spectrum(X.T @ X)
    V[:, 0] *= -1.0
    return np.sum(np.sin(X @ V) * w)


def spectrum_through_a_helper_peer(X):
    w, V = np.linalg.eigh(X.T @ X)
    return np.sum(np.sin(X @ (V * np.array([-1.0, 1.0, 1.0]))) * w)


def pca_svd_flip(X):
    """scikit-learn's svd_flip: the sign of each component makes its largest loading positive."""
    Xc = X - np.mean(X, axis=0)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    signs = np.sign(U[np.argmax(np.abs(U), axis=0), range(3)])
    U *= signs
    Vt *= signs[:, np.newaxis]
    return np.sum(np.tanh(Xc @ Vt[:2].T)) + np.sum(s[:2] * U[0, :2])


def pca_svd_flip_peer(X):
    Xc = X - np.mean(X, axis=0)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    signs = np.sign(U[np.argmax(np.abs(U), axis=0), range(3)])
    return np.sum(np.tanh(Xc @ (Vt * signs[:, np.newaxis])[:2].T)) + np.sum(s[:2] * (U * signs)[0, :2])


def truncated_svd_loss(A):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    s[2:] = 0.0
    return np.sum((A - (U * s) @ Vt) ** 2) + np.sum(np.cos(U[:, 0]))


def truncated_svd_loss_peer(A):
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    s = s * np.array([1.0, 1.0, 0.0])
    return np.sum((A - (U * s) @ Vt) ** 2) + np.sum(np.cos(U[:, 0]))


def qr_least_squares(A, b):
    """QR with the signs that make R's diagonal positive, then the least-squares solution."""
    Q, R = np.linalg.qr(A)
    d = np.sign(np.diag(R))
    Q *= d
    R *= d[:, None]
    x = np.linalg.solve(R, Q.T @ b)
    return np.sum(x ** 2) + np.sum(np.cos(Q[0]))


def eigh_matrix_log(S):
    w, V = np.linalg.eigh(S @ S.T + np.eye(3))
    w[:] = np.log(w)
    L = (V * w) @ V.T
    return np.sum(L * np.arange(9.0).reshape(3, 3))


def eigh_matrix_log_peer(S):
    w, V = np.linalg.eigh(S @ S.T + np.eye(3))
    L = (V * np.log(w)) @ V.T
    return np.sum(L * np.arange(9.0).reshape(3, 3))


def signed_log_determinants(K):
    sign, logabsdet = np.linalg.slogdet(K)
    logabsdet *= sign
    return np.sum(logabsdet ** 2)


def signed_log_determinants_peer(K):
    sign, logabsdet = np.linalg.slogdet(K)
    return np.sum((logabsdet * sign) ** 2)


def weighted_least_squares(A, b):
    x, residuals, rank, singular = np.linalg.lstsq(A, b, rcond=None)
    x *= np.array([1.0, 2.0, 3.0])
    return np.sum(x ** 2) + np.sum(residuals) + np.sum(singular)


def cholesky_solve(K, b):
    """The factor's unused triangle cleared, then K read again after the write (its residual)."""
    c, lower = linalg.cho_factor(K @ K.T + 3.0 * np.eye(3), lower=True)
    c[0, 1:] = 0.0
    x = linalg.cho_solve((c, lower), b)
    return 2.0 * np.sum(np.log(np.diag(c))) + np.sum(x ** 2) + np.sum((K @ x) ** 2)


RNG = np.random.default_rng(3)
X, A, B, S = RNG.normal(size=(7, 3)), RNG.normal(size=(6, 3)), RNG.normal(size=6), RNG.normal(size=(3, 3))
K = RNG.normal(size=(4, 3, 3)) + 3.0 * np.eye(3)

# (program, arguments, the same program for autograd or None, the arguments in which second
# derivatives are had: not where the write into part of a result depends on them)
EXACT = [
    (pca_sign_fixed, (X,), pca_sign_fixed_peer, ()),
    (pca_result_fields, (X,), pca_result_fields_peer, ()),
    (pca_result_index, (X,), pca_result_index_peer, ()),
    (pca_sign_loop, (X,), pca_sign_loop_peer, ()),
    (regularized_spectra, (X,), regularized_spectra_peer, ()),
    (spectrum_through_a_helper, (X,), spectrum_through_a_helper_peer, ()),
    (pca_svd_flip, (X,), pca_svd_flip_peer, (0,)),
    (truncated_svd_loss, (A,), truncated_svd_loss_peer, ()),
    (qr_least_squares, (A, B), None, (0, 1)),  # (autograd has no derivative of np.linalg.qr)
    (eigh_matrix_log, (S,), eigh_matrix_log_peer, ()),
    (signed_log_determinants, (K,), signed_log_determinants_peer, (0,)),
    (weighted_least_squares, (A, B), None, (0, 1)),  # (nor of np.linalg.lstsq)
    (cholesky_solve, (S, B[:3]), None, (1,)),  # (nor of scipy.linalg.cho_factor)
]


@pytest.mark.parametrize("func, args, peer, second_order", EXACT, ids=[case[0].__name__ for case in EXACT])
def test_a_write_into_one_result_is_differentiated_exactly(func, args, peer, second_order):
    for wrt in range(len(args)):
        check_every_mode(func, args, wrt=wrt, peer=peer if AUTOGRAD_RUNS_NUMPY_CALLS else None,
                         second_order=wrt in second_order)


@pytest.mark.parametrize("func, args, peer", [case[:3] for case in EXACT if case[2] is not None],
                         ids=[case[0].__name__ for case in EXACT if case[2] is not None])
def test_the_peer_is_the_program(func, args, peer):
    """The program autograd differentiates computes what the one with the write computes."""
    np.testing.assert_allclose(peer(*args), func(*args), rtol=1e-12)


# ----- what stays refused: memory a result really shares -----------------------------------


def split_written(x):
    y = np.sin(x)
    low, high = np.split(y, 2)
    spread = np.sum(high ** 2)
    low *= 2.0  # <- split
    return np.sum(y * 3.0) + spread


def halves(v):
    return v[:3], v[3:]


def user_views_written(x):
    y = np.sin(x)
    a, b = halves(y)
    spread = np.sum(b ** 2)
    a[0] = 0.0  # <- halves
    return np.sum(y ** 2) + spread


def view_taken_before_flip(x):
    M = np.outer(x[:3], x[3:]) + np.eye(3)
    w, V = np.linalg.eigh(M @ M.T)
    top = V[:, 1:]
    V[:, 2] *= -1.0  # <- view
    return np.sum(np.sin(top)) + np.sum(w)


def transpose_taken_before_flip(x):
    M = np.outer(x[:3], x[3:]) + np.eye(3)
    U, s, Vt = np.linalg.svd(M, full_matrices=False)
    V = Vt.T
    Vt[0] *= -1.0  # <- transpose
    return np.sum(np.sin(V)) + np.sum(U)


def field_read_after_write(x):
    M = np.outer(x[:3], x[3:]) + np.eye(3)
    res = np.linalg.eigh(M @ M.T)
    V = res.eigenvectors
    V[:, 0] = 0.0  # <- field
    return np.sum(np.sin(res.eigenvectors))


def factor_read_after_scaling(x):
    res = np.linalg.qr(np.outer(x, x[:3]) + 1.0)
    Q = res.Q
    Q *= 2.0  # <- factor
    return np.sum(res.Q * x[:, None])


def index_read_after_write(x):
    M = np.outer(x[:3], x[3:]) + np.eye(3)
    res = np.linalg.eigh(M @ M.T)
    V = res[1]
    V[:, 0] = 0.0  # <- index
    return np.sum(np.sin(res[-1])) + np.sum(res[0])


def pair(x):
    a = x * 1.0
    b = x * 2.0
    return a, b


def item_of_a_list(x):
    t = pair(x)
    kept = [t[1]]
    b = kept[0]
    b[0] = 5.0  # <- list
    return np.sum(t[1] * x)


def result_kept_in_a_list(x):
    M = np.outer(x[:3], x[3:]) + np.eye(3)
    w, V = np.linalg.eigh(M @ M.T)
    bases = [V]
    V[:, 0] *= -1.0  # <- kept
    return np.sum(np.sin(bases[0])) + np.sum(w)


def kept_across_iterations(x):
    M = np.outer(x[:3], x[3:]) + np.eye(3)
    bases = []
    for k in range(2):
        w, V = np.linalg.eigh(M @ M.T + k * np.eye(3))
        bases.append(V)
        V[:, 0] *= -1.0  # <- iterations
    return np.sum(np.sin(bases[0]))


def maybe_a_view_of_the_argument(x, flag):
    M = np.outer(x[:3], x[3:]) + np.eye(3)
    if flag:
        t = np.linalg.eigh(M @ M.T)
    else:
        t = (np.ones(3), x[:3])
    V = t[1]
    V[0] *= -1.0  # <- branch
    return np.sum(np.sin(x * 2.0)) + np.sum(V)


def vectors_maybe_not_computed(x, flag):
    M = np.outer(x[:3], x[3:]) + np.eye(3)
    U, s, Vt = np.linalg.svd(M, False, flag)
    s[2] = 0.0  # <- flag
    return np.sum((U * s) @ Vt)


def flip(u, v):
    signs = np.sign(u[0])
    u *= signs
    v *= signs[:, np.newaxis]
    return u, v


def callee_flips_the_factors(x):
    M = np.outer(x[:3], x[3:]) + np.eye(3)
    U, s, Vt = np.linalg.svd(M, full_matrices=False)
    U, Vt = flip(U, Vt)  # <- callee
    return np.sum(np.sin(U)) + np.sum(s * Vt[0])


x6 = np.linspace(0.3, 1.8, 6)
# (program, arguments, marker, what the refusal names): the gradient main gave for
# field_read_after_write, factor_read_after_scaling and item_of_a_list was wrong.
REFUSED = [
    (split_written, (x6,), "split", "`y`"),
    (user_views_written, (x6,), "halves", "`y`"),
    (view_taken_before_flip, (x6,), "view", "`top`"),
    (transpose_taken_before_flip, (x6,), "transpose", "`V`"),
    (field_read_after_write, (x6,), "field", "`res`"),
    (factor_read_after_scaling, (x6,), "factor", "`res`"),
    (index_read_after_write, (x6,), "index", "`res`"),
    (item_of_a_list, (x6,), "list", "`t`"),
    (result_kept_in_a_list, (x6,), "kept", "`bases`"),
    (kept_across_iterations, (x6,), "iterations", "`bases`"),
    (maybe_a_view_of_the_argument, (x6, True), "branch", "`x`"),
    (vectors_maybe_not_computed, (x6, True), "flag", "`U`"),
    (callee_flips_the_factors, (x6,), "callee", "`np.linalg.svd(M, full_matrices=False)`"),
]


@pytest.mark.parametrize("transform", ["grad", "jvp"])
@pytest.mark.parametrize("func, args, marker, named", REFUSED, ids=[case[0].__name__ for case in REFUSED])
def test_a_write_into_memory_a_result_shares_stays_refused(func, args, marker, named, transform):
    derived = adjoint.grad(func) if transform == "grad" else adjoint.jvp(func)
    with pytest.raises(adjoint.AdjointError) as caught:
        derived(*args) if transform == "grad" else derived(*args, np.ones(6))
    first_line = str(caught.value).split("\n")[0]
    assert f"test_per_result_roots.py:{marked_line(func, marker)}:" in first_line
    assert named in first_line


# ----- the table's claim, checked on the NumPy (and SciPy) installed ---------------------


CALLS = {
    ("numpy.linalg", "eigh"): [lambda a: np.linalg.eigh(a), lambda a: np.linalg.eigh(a, "U")],
    ("numpy.linalg", "eig"): [np.linalg.eig],
    ("numpy.linalg", "svd"): [np.linalg.svd, lambda a: np.linalg.svd(a, full_matrices=False),
                              lambda a: np.linalg.svd(a, hermitian=True)],
    ("numpy.linalg", "qr"): [np.linalg.qr, lambda a: np.linalg.qr(a, "complete"), lambda a: np.linalg.qr(a, "raw")],
    ("numpy.linalg", "slogdet"): [np.linalg.slogdet],
    ("numpy.linalg", "lstsq"): [lambda a: np.linalg.lstsq(a, np.ones(a.shape[-2])),
                                lambda a: np.linalg.lstsq(a, np.ones((a.shape[-2], 2)))],
    ("scipy.linalg", "cho_factor"): [linalg.cho_factor, lambda a: linalg.cho_factor(a, lower=True)],
}


@pytest.mark.parametrize("where", list(RESULTS_APART), ids=[name for _, name in RESULTS_APART])
def test_results_said_apart_share_no_memory(where):
    """Every array of the result is apart from the others and from the argument, for a matrix,
    a Fortran-ordered one, a float32 one and a stack of them; the fields are the NamedTuple's."""
    fields = RESULTS_APART[where][0]
    symmetric = S @ S.T + 3.0 * np.eye(3)
    for call, matrix in itertools.product(CALLS[where], [symmetric, np.asfortranarray(symmetric),
                                                          symmetric.astype(np.float32), np.stack([symmetric] * 2)]):
        if where in (("scipy.linalg", "cho_factor"), ("numpy.linalg", "lstsq")) and matrix.ndim > 2:
            continue  # (matrices only)
        result = call(matrix)
        assert len(result) == len(fields)
        if hasattr(type(result), "_fields"):
            assert type(result)._fields == fields
        arrays = [item for item in result if isinstance(item, np.ndarray)]
        assert not any(np.shares_memory(a, b) for a, b in itertools.combinations(arrays, 2))
        assert not any(np.shares_memory(a, matrix) for a in arrays)
    for ufunc in (np.modf, np.frexp, np.divmod):
        first, second = ufunc(*[np.linspace(0.5, 3.5, 4)] * ufunc.nin)
        assert not np.shares_memory(first, second)


def _call(source: str) -> gast.Call:
    return gast.parse(source).body[0].value


def test_a_call_that_may_return_one_array_or_its_argument_is_not_said_apart():
    """svd without its vectors returns one array; cho_factor told to overwrite may return its
    argument; a flag known only at run time, *args or a ufunc given an output: not apart."""
    svd, qr, cho_factor = np.linalg.svd, np.linalg.qr, linalg.cho_factor
    assert results_apart(svd, _call("f(a)")) == ("U", "S", "Vh")
    assert results_apart(svd, _call("f(a, compute_uv=True, hermitian=h)")) == ("U", "S", "Vh")
    for source in ("f(a, compute_uv=False)", "f(a, False, flag)", "f(*args)", "f(a, **options)"):
        assert results_apart(svd, _call(source)) is None
    assert results_apart(qr, _call("f(a, 'r')")) is None
    assert results_apart(cho_factor, _call("f(a, True, False)")) == (None, None)
    assert results_apart(cho_factor, _call("f(a, overwrite_a=True)")) is None
    assert results_apart(cho_factor, _call("f(a, True, flag)")) is None
    assert results_apart(np.modf, _call("f(x)")) == (None, None)
    assert results_apart(np.modf, _call("f(x, out=(a, b))")) is None
    assert results_apart(np.divmod, _call("f(x, y, a)")) is None
    assert results_apart(np.exp, _call("f(x)")) is None
