"""NumPy programs as users write them, in every mode, against central differences and autograd.

What was wrong:
- a differentiated float written into an array of integers or booleans (`counts = np.zeros(3,
  dtype=int); counts[0] = 10 * x[0]`, `a = np.arange(4); a[1] = 3.7 * x`, `np.array([1, 2, 3])`,
  `np.full(3, 2)`, `np.zeros_like` of an index array) passed its derivative on as if the array
  held it: NumPy truncates (or tests) the value as it stores it, a step function whose derivative
  is zero, so grad, vjp, value_and_grad and jvp were silently wrong.

What is true now: the write passes on a zero derivative where NumPy converts a float into an
array of integers or booleans, in every mode and to second order; an integer array given as the
differentiated argument is still differentiated as a real one (ints written into ints).
"""
from __future__ import annotations

import copy

import numpy as np
import pytest

import adjoint
from every_mode import _on_autograd_numpy, check_every_mode
from soundness import central_differences, directional_difference, flat
from test_catalogue_fd import assert_unchanged


# ----- floats stored into arrays of integers or booleans ------------------------------------


def int_counts(x):
    counts = np.zeros(3, dtype=int)
    counts[0] = x[0] * 10
    counts[1:] = x[1:] * 10
    return np.sum(counts * x)


def int_counts_peer(x):
    return np.sum(np.trunc(x * 10) * x)


def arange_overwritten(x):
    a = np.arange(4)
    a[1] = x[0] * 3.7
    return np.sum(a * x)


def arange_overwritten_peer(x):
    a = np.array([0.0, np.trunc(x[0] * 3.7), 2.0, 3.0])
    return np.sum(a * x)


def int_literal_overwritten(x):
    a = np.array([1, 2, 3])
    a[2] = x[1] * 5.0
    return np.sum(a * x ** 2)


def zeros_like_of_an_index(x, idx):
    b = np.zeros_like(idx)
    b[:] = x * 4.0
    return np.sum(b * np.sin(x))


def bool_flags(x):
    m = np.zeros(3, dtype=bool)
    m[0] = x[0]
    return np.sum(m * x ** 2)


def int_buffer_in_a_loop(x):
    bins = np.empty(len(x), dtype=np.int64)
    for i in range(len(x)):
        bins[i] = 4.0 * x[i]
    return np.sum(bins * x ** 2) + np.sum(x)


def float_array_overwritten(x):
    a = np.arange(4) * 1.0
    a[1] = x[0] * 3.7
    return np.sum(a * x)


def float_array_overwritten_peer(x):
    a = np.array([0.0, x[0] * 3.7, 2.0, 3.0])
    return np.sum(a * x)


X4 = np.array([0.33, 0.71, 0.12, 0.58])
X3 = X4[:3]

STORED = [
    (int_counts, (X3.copy(),), int_counts_peer),
    (arange_overwritten, (X4.copy(),), arange_overwritten_peer),
    (int_literal_overwritten, (X3.copy(),), None),
    (zeros_like_of_an_index, (X3.copy(), np.array([1, 2, 3])), None),
    (bool_flags, (X3.copy(),), None),
    (int_buffer_in_a_loop, (X4.copy(),), None),
    (float_array_overwritten, (X4.copy(),), float_array_overwritten_peer),
]


@pytest.mark.filterwarnings("ignore:Output seems independent of input")
@pytest.mark.parametrize("func, args, peer", STORED, ids=[case[0].__name__ for case in STORED])
def test_a_float_stored_into_integers_has_no_derivative(func, args, peer):
    check_every_mode(func, args, peer=peer)


def test_an_integer_argument_is_still_differentiated_as_a_real_one():
    def f(x):
        y = x.copy()
        y[0] = 2 * x[1]
        return np.sum(y * x)

    np.testing.assert_allclose(adjoint.grad(f)(np.array([1, 2, 3])), [4.0, 6.0, 6.0])
    assert adjoint.jvp(f)(np.array([1, 2, 3]), np.array([1.0, 0.0, 0.0]))[1] == 4.0


# ----- an array of known rank, added to in place, then written by row ----------------------


def outer_accumulated_then_row(x, w):
    Y = np.zeros((3, len(x)))
    Y += x[None, :] * w[:, None]
    Y[1] -= x
    return np.sum(Y ** 2)


def outer_accumulated_then_row_peer(x, w):
    Y = x[None, :] * w[:, None]
    Y = Y - np.array([0.0, 1.0, 0.0])[:, None] * x[None, :]
    return np.sum(Y ** 2)


def sliced_rows_accumulated(x):
    acc = np.ones((2, 3)) * 0.5
    acc += x[1:, :]
    acc[0, 1:] = acc[1, :-1] * x[0, 0]
    return np.sum(np.sin(acc))


def check_first_order(func, args, wrt, peer=None):
    """grad, value_and_grad, vjp and jvp of func in args[wrt] against central differences and
    autograd's gradient of peer, the arguments left as they were."""
    before = copy.deepcopy(args)
    expected = central_differences(func, args, wrt)
    np.testing.assert_allclose(flat(adjoint.grad(func, wrt=wrt)(*args)), expected, rtol=1e-6, atol=1e-7)
    value, gradient = adjoint.value_and_grad(func, wrt=wrt)(*args)
    assert value == func(*copy.deepcopy(args))
    np.testing.assert_allclose(flat(gradient), expected, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(flat(adjoint.vjp(func, wrt=wrt)(*args)[1](1.0)), expected, rtol=1e-6, atol=1e-7)
    tangent = np.random.default_rng(1).normal(size=np.shape(args[wrt]))
    want = directional_difference(func, args, (wrt,), (tangent,))
    np.testing.assert_allclose(flat(adjoint.jvp(func, wrt=wrt)(*args, tangent)[1]), want, rtol=1e-6, atol=1e-7)
    if peer is not None:
        import autograd
        np.testing.assert_allclose(flat(autograd.grad(_on_autograd_numpy(peer, autograd.numpy), wrt)(*args)),
                                   flat(gradient), rtol=1e-9, atol=1e-12)
    assert_unchanged(before, args)


RNG = np.random.default_rng(29)
RANKED = [
    (outer_accumulated_then_row, (RNG.normal(size=4), RNG.normal(size=3)), 0, outer_accumulated_then_row_peer),
    (outer_accumulated_then_row, (RNG.normal(size=4), RNG.normal(size=3)), 1, outer_accumulated_then_row_peer),
    (sliced_rows_accumulated, (RNG.normal(size=(3, 3)),), 0, None),
]


@pytest.mark.parametrize("func, args, wrt, peer", RANKED, ids=[f"{c[0].__name__}-{c[2]}" for c in RANKED])
def test_a_row_written_after_an_augmented_assignment_of_a_known_rank(func, args, wrt, peer):
    check_first_order(func, args, wrt, peer)


# ----- copies the sharing analysis took for views ---------------------------------------------


def astype_then_scaled(x):
    y = x.astype(float)
    y[1:] *= 2.0
    return np.sum(y ** 2) + np.sum(x)


def astype_then_scaled_peer(x):
    return np.sum(x ** 2 * np.array([1.0, 4.0, 4.0, 4.0])) + np.sum(x)


def row_copied_then_overwritten(A):
    B = A.copy()
    top = B[0].copy()
    B[0] = B[1] * 2
    return np.sum(B ** 2) + np.sum(np.sin(top))


def row_copied_then_overwritten_peer(A):
    return np.sum((A[1] * 2) ** 2) + np.sum(A[1] ** 2) + np.sum(np.sin(A[0]))


COPIES = [
    (astype_then_scaled, (RNG.normal(size=4),), astype_then_scaled_peer),
    (row_copied_then_overwritten, (RNG.normal(size=(2, 3)),), row_copied_then_overwritten_peer),
]


@pytest.mark.parametrize("func, args, peer", COPIES, ids=[case[0].__name__ for case in COPIES])
def test_a_copy_written_after_it_is_made_is_not_a_view(func, args, peer):
    check_every_mode(func, args, peer=peer)


def test_astype_without_a_copy_still_shares():
    def f(x):
        y = x * 1.0
        z = y.astype(float, copy=False)  # <- z is y
        z[0] = 3.0 * z[1]
        return np.sum(y ** 2)

    with pytest.raises(adjoint.AdjointError, match="test_probe29_numpy.py"):
        adjoint.grad(f)(np.ones(3))


# ----- arrays of integers made of floats ------------------------------------------------------


def array_of_ints(x):
    a = np.array([x[0] * 3.3, 1.0, x[1] * 2.2], dtype=int)
    return np.sum(a * x) + np.sum(x ** 2)


def asarray_of_ints(x):
    a = np.asarray(x * 4.0, dtype=np.int32)
    return np.sum(a * np.sin(x))


def asarray_of_ints_peer(x):
    return np.sum(np.trunc(x * 4.0) * np.sin(x))


def full_of_ints(x):
    a = np.full(3, x[0] * 5.0, dtype=int)
    return np.sum(a * x ** 2)


def full_like_an_index(x, idx):
    a = np.full_like(idx, x[0] * 5.0)
    return np.sum(a * x ** 2)


def array_of_floats(x):
    a = np.array([x[0] * 3.3, 1.0, x[1] * 2.2], dtype=float)
    return np.sum(a * x)


MADE = [
    (array_of_ints, (X3.copy(),), None),
    (asarray_of_ints, (X3.copy(),), asarray_of_ints_peer),
    (full_of_ints, (X3.copy(),), None),
    (full_like_an_index, (X3.copy(), np.array([1, 2, 3])), None),
    (array_of_floats, (X3.copy(),), None),
]


@pytest.mark.filterwarnings("ignore:Output seems independent of input")
@pytest.mark.parametrize("func, args, peer", MADE, ids=[case[0].__name__ for case in MADE])
def test_an_array_of_integers_made_of_floats_has_no_derivative(func, args, peer):
    check_every_mode(func, args, peer=peer)


def test_an_integer_argument_made_into_an_array_is_differentiated_as_a_real_one():
    def f(x):
        return np.sum(np.array(x, dtype=int) ** 2) + np.sum(np.full_like(x, 2) * x)

    x = np.array([1, 2, 3])
    np.testing.assert_allclose(adjoint.grad(f)(x), [4.0, 6.0, 8.0])
    assert adjoint.jvp(f)(x, np.array([1.0, 0.0, 0.0]))[1] == 4.0
    np.testing.assert_allclose(adjoint.hvp(f)(x, np.array([1.0, 0.0, 0.0])), [2.0, 0.0, 0.0])


# ----- quantiles: an array of them, and a refusal when the derivative runs, named at its line --


def interquartile_range(x):
    low, high = np.percentile(x, [25, 75])
    return (high - low) * np.sum(x ** 2)


def robust_scaling(X):
    q = np.quantile(X, [0.1, 0.5, 0.9], axis=0)
    return np.sum(((X - q[1]) / (q[2] - q[0])) ** 2)


def percentiles_summed(x):
    return np.percentile(x, [25, 75]).sum() * x[0]


QUANTILES = [
    (interquartile_range, (RNG.normal(size=7),), 0),
    (robust_scaling, (RNG.normal(size=(6, 3)),), 0),
    (percentiles_summed, (RNG.normal(size=5),), 0),
]


@pytest.mark.parametrize("func, args, wrt", QUANTILES, ids=[case[0].__name__ for case in QUANTILES])
def test_an_array_of_quantiles_is_differentiated(func, args, wrt):
    check_every_mode(func, args, wrt=wrt)


def squared_quantiles(q, x):
    return np.sum(np.quantile(x, q) ** 2)  # <- refused


def nearest_percentile(x):
    return np.percentile(x, 30.0, method="nearest") * x[0]  # <- refused


def test_the_derivative_in_one_quantile_is_differentiated():
    check_every_mode(squared_quantiles, (0.3, RNG.normal(size=5)))


@pytest.mark.parametrize("func, args", [(squared_quantiles, (np.array([0.2, 0.7]), RNG.normal(size=5))),
                                        (nearest_percentile, (RNG.normal(size=5),))])
@pytest.mark.parametrize("mode", ["grad", "vjp", "jvp"])
def test_a_refusal_when_the_derivative_runs_names_the_line_in_every_mode(func, args, mode):
    """An array of quantiles as the differentiated argument, a method other than 'linear': refused
    when the derivative runs, at the user's line also where forward mode inlines the code into its
    return statement (which named no line before)."""
    line = func.__code__.co_firstlineno + 1  # the line marked `# <- refused`
    with pytest.raises(adjoint.AdjointError, match=f"test_probe29_numpy.py:{line}:"):
        if mode == "grad":
            adjoint.grad(func)(*args)
        elif mode == "vjp":
            adjoint.vjp(func)(*args)[1](1.0)
        else:
            adjoint.jvp(func)(*args, np.ones(np.shape(args[0])))


# ----- a second derivative refused in the generated gradient names the user's line ------------


def forward_substitution(L, b):
    x = np.empty(len(b))
    for i in range(len(b)):
        x[i] = (b[i] - L[i, :i] @ x[:i]) / L[i, i]  # <- refused second derivative
    return np.sum(x ** 2)


SECOND = [
    (forward_substitution, (np.tril(RNG.normal(size=(3, 3))) + 3 * np.eye(3), RNG.normal(size=3)), 1, np.ones(3)),
]


@pytest.mark.parametrize("func, args, wrt, vector", SECOND, ids=[case[0].__name__ for case in SECOND])
def test_a_second_derivative_refused_in_the_gradient_names_the_write(func, args, wrt, vector):
    check_first_order(func, args, wrt)
    with pytest.raises(adjoint.AdjointError) as refused:
        adjoint.hvp(func, wrt=wrt)(*args, vector)
    assert refused.value.location.filename == __file__
    assert "# <- refused second derivative" in refused.value.location.line
    assert f"the derivative of `{func.__name__}`" in str(refused.value)


def heat_stencil(kappa, u0):
    u = u0.copy()
    for _ in range(3):
        lap = u[:-2] - 2 * u[1:-1] + u[2:]
        u[1:-1] += kappa * lap
    return np.sum(u * u)


@pytest.mark.parametrize("wrt", [0, 1])
def test_the_heat_stencil_has_second_derivatives(wrt):
    """Its gradient reads the views of `u` for their shapes alone: it keeps none of them
    (tests/test_second_order_slice_writes.py), and its derivative follows it."""
    check_every_mode(heat_stencil, (0.2, np.random.default_rng(3).normal(size=6)), wrt)


# ----- np.fill_diagonal, a write in place into the diagonal --------------------------------------


def pairwise_inverse_cubes(pos, masses):
    d = pos[None, :, :] - pos[:, None, :]
    inv = (np.sum(d ** 2, axis=-1) + 0.1) ** -1.5
    np.fill_diagonal(inv, 0.0)
    return np.sum(np.einsum("ij,ijk,j->ik", inv, d, masses) ** 2)


def pairwise_inverse_cubes_peer(pos, masses):
    d = pos[None, :, :] - pos[:, None, :]
    inv = (np.sum(d ** 2, axis=-1) + 0.1) ** -1.5 * (1.0 - np.eye(len(pos)))
    return np.sum(np.einsum("ij,ijk,j->ik", inv, d, masses) ** 2)


def kernel_with_noise_on_the_diagonal(noise, X):
    K = np.exp(-0.5 * (X[:, None] - X[None, :]) ** 2)
    np.fill_diagonal(K, K.diagonal() + noise * np.arange(1.0, len(X) + 1.0))
    return np.linalg.slogdet(K)[1]


def kernel_with_noise_on_the_diagonal_peer(noise, X):
    K = np.exp(-0.5 * (X[:, None] - X[None, :]) ** 2) + np.diag(noise * np.arange(1.0, len(X) + 1.0))
    return np.linalg.slogdet(K)[1]


def tall_diagonal(x):
    M = np.outer(x, x[:2])
    np.fill_diagonal(M, x[2] ** 2)
    return np.sum(M * np.arange(M.size).reshape(M.shape))


FILLED = [
    (pairwise_inverse_cubes, (RNG.normal(size=(4, 2)), RNG.random(4) + 0.5), 0, pairwise_inverse_cubes_peer),
    (pairwise_inverse_cubes, (RNG.normal(size=(4, 2)), RNG.random(4) + 0.5), 1, pairwise_inverse_cubes_peer),
    (kernel_with_noise_on_the_diagonal, (0.3, RNG.normal(size=4)), 0, kernel_with_noise_on_the_diagonal_peer),
    (kernel_with_noise_on_the_diagonal, (0.3, RNG.normal(size=4)), 1, kernel_with_noise_on_the_diagonal_peer),
    (tall_diagonal, (RNG.normal(size=4),), 0, None),
]


@pytest.mark.parametrize("func, args, wrt, peer", FILLED, ids=[f"{c[0].__name__}-{c[2]}" for c in FILLED])
def test_fill_diagonal_is_a_write_into_the_diagonal(func, args, wrt, peer):
    check_first_order(func, args, wrt, peer)


def test_fill_diagonal_second_order():
    check_every_mode(tall_diagonal, (RNG.normal(size=4),))


def repeated_diagonal_values(x):
    M = np.outer(x, x)
    np.fill_diagonal(M, x[:2])  # <- refused
    return np.sum(M)


def test_fill_diagonal_with_values_numpy_repeats_is_refused_at_its_line():
    line = repeated_diagonal_values.__code__.co_firstlineno + 2
    with pytest.raises(adjoint.AdjointError, match=f"test_probe29_numpy.py:{line}:"):
        adjoint.grad(repeated_diagonal_values)(RNG.normal(size=4))


# ----- reshapes column first ----------------------------------------------------------------------


def column_first_reshapes(x):
    M = x.reshape(2, -1, order="F")
    v = np.ravel(M.T * 2.0, order="F")
    w = np.reshape(x, (3, 2), order="F").ravel(order="F")
    return np.sum(M * np.arange(6).reshape(2, 3)) + np.sum(v * np.arange(6)) + np.sum(w ** 2 * np.arange(6))


def column_first_reshapes_peer(x):
    M = np.transpose(np.reshape(x, (3, 2)))
    v = np.ravel(np.transpose(np.transpose(M) * 2.0))
    w = np.ravel(np.transpose(np.transpose(np.reshape(x, (2, 3)))))
    return np.sum(M * np.arange(6).reshape(2, 3)) + np.sum(v * np.arange(6)) + np.sum(w ** 2 * np.arange(6))


def flattened_in_memory_order(X):
    f = X.flatten(order="F")
    a = np.ravel(X.T, order="A")
    k = np.ravel(X.T, order="K")
    return f @ np.arange(f.size) + np.sum(a * np.arange(a.size)) + np.sum(k ** 2 * np.arange(k.size))


ORDERS = [
    (column_first_reshapes, (RNG.normal(size=6),), column_first_reshapes_peer),
    (flattened_in_memory_order, (RNG.normal(size=(3, 4)),), None),
]


@pytest.mark.parametrize("func, args, peer", ORDERS, ids=[case[0].__name__ for case in ORDERS])
def test_reshapes_in_column_first_order(func, args, peer):
    check_every_mode(func, args, peer=peer)
