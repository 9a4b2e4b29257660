"""The programs of numpy_gaps_programs.py, in every mode against central differences and, where it
runs them, autograd (each differentiated argument in grad, value_and_grad, vjp, jvp and hvp, the values
the function's own bit for bit, the arguments left as they were).

What was wrong:
- np.median along an axis of length 0 (`np.median(X[:, chosen], axis=1)` with nothing chosen, the
  median of the first k rows at k = 0), which NumPy answers with NaN (and a RuntimeWarning), crashed its
  derivative with IndexError in every mode: the weights of the order statistic picked the rank -1 of an
  empty line. An empty line's NaN moves with no element: its weights are zero. np.quantile and
  np.percentile of an empty line raise IndexError in NumPy itself, and their derivatives raise it too.
- np.nanmedian, np.nanquantile and np.nanpercentile had no rules. They are the order statistics of the
  entries that are not NaN, each line with its own count (a line of NaNs alone, or of no entries, moves
  with none).
- NumPy 2's np.linalg.trace, np.linalg.diagonal (the last two axes), np.linalg.cross (3-vectors along
  `axis`) and np.linalg.outer (1-d operands) had no rules; np.linalg.vector_norm and matrix_norm refused
  `ord`, np.linalg.cholesky refused `upper` (which reads the upper triangle). vector_norm's ord is a vector
  norm over all of `axis` however many axes it names, where np.linalg.norm over two axes is a matrix norm.
- np.multiply.at and np.put_along_axis were refused. np.multiply.at(y, index, v) is differentiated as
  np.add.at is (a new value of y, scatter_multiply), exactly where values are zero (the product of the
  others at a position, not a quotient); its second derivatives are refused. np.put_along_axis(y, indices,
  v, axis) is the write `y[index] = v` NumPy makes (axis None: at flat positions; a repeated position
  keeps the last value); its second derivatives are refused as those of every write into an array that
  the first derivative keeps.
- scipy.linalg.block_diag had no rule (up to four arrays now, each as np.atleast_2d takes it).
- The adjoints of scipy.linalg.toeplitz and circulant multiplied by an incidence matrix of (m n) x (m + n - 1)
  entries (a 1000 x 1000 Toeplitz matrix: 16 GB); they add each diagonal's entries now (np.add.at).
  scipy.integrate.simpson's weights were its values at the rows of an n x n identity (per row of y where x
  has rows); they are its values at the unit vectors of 3 and 4 points at a time now, SciPy's rule still,
  checked on one vector (and read from the identity where SciPy's rule differs).
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import adjoint
import numpy_gaps_programs as programs
from adjoint.runtime import diagonal_spread, diagonal_sums
from every_mode import check_program, skip_without_scipy

RNG = np.random.default_rng(42)
A3 = np.array([[1.2, 0.4, -0.3], [0.9, 1.8, 0.5], [-0.6, 0.2, 1.5]])
X34 = np.array([[0.3, -1.2, 0.8, 1.5], [0.7, 0.1, -0.4, 2.2], [-0.9, 1.1, 0.6, -0.2]])
NONE = np.array([], dtype=int)
NUMPY2_LINALG = hasattr(np.linalg, "cross")

# (name, args, positions, positions autograd runs, positions whose second derivative is refused)
CASES = [
    ("row_medians_of_chosen", (X34, NONE), (0,), (), ()),
    ("row_medians_of_chosen", (X34, np.array([0, 2, 3])), (0,), (), ()),
    ("medians_of_first_rows", (X34, 0), (0,), (), ()),
    ("medians_of_first_rows", (X34, 2), (0,), (), ()),
    ("nan_statistics_of_chosen", (X34, NONE), (0,), (), ()),
    ("nan_statistics_of_chosen", (X34, np.array([0, 1, 3])), (0,), (), ()),
    ("nan_statistics_of_chosen", (X34, np.array([3])), (0,), (), ()),
    ("linalg_aliases", (A3, np.array([0.3, -0.5, 0.8])), (0, 1), (), ()),
    ("smooth_norms", (A3, np.array([0.3, -0.5, 0.8])), (0, 1), (), ()),
    ("kinked_norms", (A3,), (0,), (), (0,)),
    ("gaussian_nll_upper", (A3, np.array([0.3, -0.5, 0.8])), (0,), (), ()),
    ("multiply_at_scatter", (np.array([0.3, -1.2, 0.8, 1.5]), np.array([0.7, 0.5, -1.2, 0.8, 1.5]), 1.3), (0, 1, 2),
     (), (0, 1, 2)),
    ("multiply_at_scatter", (np.array([0.3, -1.2, 0.8, 1.5]), np.array([0.0, 0.5, -1.2, 0.8, 0.0]), 1.3), (1,), (),
     (1,)),
    ("multiply_at_scatter", (np.array([0.3, -1.2, 0.8, 1.5]), np.array([0.0, 0.5, -1.2, 0.8, 1.5]), 0.0), (1, 2), (),
     (1, 2)),
    ("put_along_axis_writes", (A3, np.array([0.3, -0.5, 0.8])), (0, 1), (), (0, 1)),
    ("block_diagonal_covariance", (A3, np.array([0.3, -0.5, 0.8])), (0, 1), (), ()),
    ("block_rows_and_toeplitz", (A3, np.array([0.3, -0.5, 0.8, 1.2])), (0, 1), (), ()),
]
NUMPY2 = {"linalg_aliases", "smooth_norms", "kinked_norms", "gaussian_nll_upper"}


@pytest.mark.parametrize("name, args, positions, with_autograd, first_order_only", CASES,
                         ids=[f"{case[0]}-{n}" for n, case in enumerate(CASES)])
def test_every_argument_in_every_mode(name, args, positions, with_autograd, first_order_only):
    if name in NUMPY2 and not NUMPY2_LINALG:
        pytest.skip("NumPy 2's np.linalg.cross, trace, diagonal, outer, vector_norm, matrix_norm and cholesky(upper=)")
    skip_without_scipy(getattr(programs, name))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's own, for the median of an empty line
        check_program(getattr(programs, name), args, positions, with_autograd, first_order_only)


def test_quantiles_of_an_empty_line_raise_as_numpy_does():
    args = (X34, NONE)
    with pytest.raises(IndexError) as raised:
        programs.quantile_of_chosen(*args)
    for mode in (adjoint.grad, adjoint.value_and_grad):
        with pytest.raises(IndexError, match=str(raised.value)):
            mode(programs.quantile_of_chosen)(*args)
    with pytest.raises(IndexError, match=str(raised.value)):
        adjoint.jvp(programs.quantile_of_chosen)(*args, np.ones_like(X34))


def test_diagonal_sums_are_the_traces_of_each_offset_and_spread_is_their_transpose():
    g = RNG.normal(size=(2, 3, 4))
    sums = diagonal_sums(g)
    traces = [np.trace(g, offset=-offset, axis1=-2, axis2=-1) for offset in range(-3, 3)]
    np.testing.assert_allclose(sums, np.stack(traces, axis=-1), rtol=1e-14, atol=1e-15)
    h = RNG.normal(size=(2, 6))
    np.testing.assert_allclose(np.sum(sums * h), np.sum(g * diagonal_spread(h, g.shape)), rtol=1e-13)
    assert diagonal_spread(np.arange(6.0), (3, 4))[2, 0] == 5.0 and diagonal_spread(np.arange(6.0), (3, 4))[0, 3] == 0.0


def test_simpson_weights_three_and_four_points_at_a_time_are_those_of_the_identity(monkeypatch):
    pytest.importorskip("scipy")
    from adjoint.runtime import scipy_rules
    for n in (6, 7, 8, 11, 12):
        for x in (None, np.cumsum(RNG.uniform(0.1, 1.0, n)), np.cumsum(RNG.uniform(0.1, 1.0, (2, 3, n)), axis=-1)):
            np.testing.assert_allclose(scipy_rules._local_simpson_weights(x, n),
                                       scipy_rules._identity_simpson_weights(x, n), rtol=1e-12, atol=1e-14)
    # where SciPy's rule is not the one read 3 and 4 points at a time, the weights are read from the identity
    x = np.cumsum(RNG.uniform(0.1, 1.0, 8))
    monkeypatch.setattr(scipy_rules, "_local_simpson_weights", lambda points, n: np.ones(n))
    np.testing.assert_allclose(scipy_rules.simpson_weights(np.ones(8), x, 0),
                               scipy_rules._identity_simpson_weights(x, 8), rtol=1e-15)
