"""Helpers of the SciPy rules (adjoint/rules/scipy_*.py) that take more than an expression.

SciPy is optional, and importing it is slow: this module does not import it. The SciPy
modules its helpers read are imported on their first use, from derivatives of the SciPy rules
(registered when a lookup meets SciPy: adjoint/rules/libraries.py).
"""
from __future__ import annotations

import importlib
import types

import numpy as np

from adjoint.runtime.refusals import Refused


class _ImportedOnUse(types.ModuleType):
    """A module of SciPy, imported when one of its attributes is first read."""

    def __getattr__(self, name):
        return getattr(importlib.import_module(self.__name__), name)


_scipy_linalg = _ImportedOnUse("scipy.linalg")
_scipy_integrate = _ImportedOnUse("scipy.integrate")
special = _ImportedOnUse("scipy.special")


def logsumexp_values(a, b):
    """logsumexp's `a`, where its `b` broadcasts to a's shape: the shape its derivatives bring
    logsumexp's result back to. A `b` that widens `a` is refused before that shape is read."""
    if b is not None and np.broadcast(a, b).shape != np.shape(a):
        raise Refused("logsumexp with a `b` of more dimensions than `a` is not differentiated; "
                      "broadcast `a` to b's shape first")
    return a


def logsumexp_weights(x, b):
    """exp(x), times b when logsumexp's `b` is given: the weights of logsumexp's adjoint, with
    x = a - logsumexp(a) broadcast back to a's shape."""
    if b is None:
        return np.exp(x)
    return b * np.exp(x)


def standardized(x, loc, scale):
    """(x - loc) / scale: a value of a location-scale distribution in standard units."""
    return (x - loc) / scale


def zero_where_infinite(v, x):
    """v, with 0.0 where x is infinite. A distribution function is flat at an infinite value (its
    density and each of its derivatives there 0): the rules read z from x with its infinite entries
    made 0.0 and put 0.0 in the slopes there, so that no inf * 0 in their derivatives makes nan."""
    infinite = np.isinf(x)
    if np.ndim(infinite) == 0 and np.ndim(v) == 0:
        return np.zeros_like(v)[()] if infinite else v
    return np.where(infinite, 0.0, v)


def finite_standardized(x, loc, scale):
    """(x - loc) / scale, with x's infinite entries 0.0: the z a distribution function's rules read, which
    leave its slope 0.0 where x is infinite (zero_where_infinite)."""
    return (zero_where_infinite(x, x) - loc) / scale


def gaussian(x):
    """exp(-x**2 / 2), with 0.0 at an infinite x: its slope -x exp(-x**2 / 2), and each derivative
    of that, is 0.0 there too, where -x * exp(-x**2 / 2) would be inf * 0."""
    return zero_where_infinite(np.exp(-0.5 * np.square(zero_where_infinite(x, x))), x)


def gamma_density(a, x):
    """x**(a - 1) exp(-x) / gamma(a), the slope of scipy.special.gammainc(a, x) in x, with 0.0 at x = inf
    (where it is inf - inf in the exponent)."""
    x_finite = np.where(np.isinf(x), 1.0, x)
    return zero_where_infinite(np.exp((a - 1.0) * np.log(x_finite) - x_finite - special.gammaln(a)), x)


def multigamma_polygamma(n, a, dim):
    """The n-th derivative of scipy.special.multigammaln(a, dim) (n >= 1): sum_j polygamma(n - 1, a - j/2)."""
    return sum(special.polygamma(n - 1, a - 0.5 * j) for j in range(dim))


def mvn_precision(cov, x):
    """inv(cov) for multivariate_normal's rules, which take a covariance matrix and points on
    the last axis of x (at least two components, or points as rows of a 2-d x). SciPy reads the
    lower triangle of cov alone (scipy.linalg.eigh(cov, lower=True)): the matrix inverted is the
    symmetric one of that triangle."""
    if np.ndim(cov) != 2 or np.shape(x)[-1:] != np.shape(cov)[:1] or (np.ndim(x) == 1 and np.size(cov) == 1):
        raise Refused("multivariate_normal is differentiated for a 2-d covariance matrix and points along "
                      "the last axis of x (a 2-d x for one-dimensional points)")
    return np.linalg.inv(np.tril(cov) + np.swapaxes(np.tril(cov, -1), -1, -2))


def points_outer(a, b):
    """The sum over points of the outer products a_p b_p^T, points on the last axis of a and b."""
    return np.transpose(np.reshape(a, (-1, np.shape(a)[-1]))) @ np.reshape(b, (-1, np.shape(b)[-1]))


def dirichlet_points(x, alpha):
    """x transposed, points as rows, for dirichlet's rules (x has one row per component of alpha)."""
    if np.ndim(x) not in (1, 2) or np.shape(x)[0] != np.shape(alpha)[-1]:
        raise Refused("dirichlet is differentiated for an x with one row per component of alpha "
                      "(the last component not left out)")
    return np.transpose(x)


def transposed_trans(trans):
    """The `trans` of solve_triangular that solves with the transposed matrix (real matrices)."""
    return 0 if trans in (1, 2, "T", "C") else 1


def triangle(x, lower):
    """The lower (or upper) triangle of x: the part of a matrix a triangular solve reads."""
    return np.tril(x) if lower else np.triu(x)


def cho_factor_keeps_the_other_triangle():
    """1.0 if scipy.linalg.cho_factor leaves its argument's entries in the triangle the factor
    does not use (SciPy before 1.18), 0.0 if it writes zeros there: the derivative of those
    entries of its result is the identity, or zero. The installed SciPy is asked at each call
    (a factorization of a 2x2 matrix), so a derivative written out by `adjoint gen` follows the
    SciPy it runs with."""
    return float(_scipy_linalg.cho_factor(np.array([[1.0, 0.5], [0.5, 1.0]]))[0][1, 0] != 0.0)


def transpose_if(x, trans):
    """x transposed (over its last two axes) when solve_triangular's `trans` transposes, else x."""
    return np.swapaxes(x, -1, -2) if trans in (1, 2, "T", "C") else x


def frechet_block(a, e):
    """The block matrix [[a, e], [0, a]]: expm of it holds the Frechet derivative of expm at a
    in the direction e in its upper-right block (Higham, Functions of Matrices, 3.2). Either may
    be the number 0.0 (a derivative known to be zero, as forward mode passes it): it stands for
    zeros of the other's shape."""
    shape = np.broadcast_shapes(np.shape(a), np.shape(e))
    a, e = np.broadcast_to(a, shape), np.broadcast_to(e, shape)
    return np.block([[a, e], [np.zeros_like(a), a]])


def frechet_corner(m):
    """The upper-right quarter of a square matrix of even size (see frechet_block)."""
    half = np.shape(m)[-1] // 2
    return m[..., :half, half:]


_GENERAL = (None, "gen", "general")


def general_or_refuse(g, assume_a=None, transposed=False, arguments_lost=False):
    """g, where a scipy.linalg solve, inverse or determinant treats its matrix as a general one,
    untransposed, and leaves its arguments as they were: a structure (assume_a='sym', 'pos', a
    triangle, a band) reads part of the matrix, and an overwritten argument is gone."""
    if assume_a not in _GENERAL:
        raise Refused(f"the derivative with assume_a={assume_a!r} is not supported (it reads part of the matrix); "
                      "leave assume_a unset, or use a solve that says which part it reads (solve_triangular, "
                      "cho_solve)")
    if transposed:
        raise Refused("the derivative with transposed=True is not supported; solve with the transpose, a.T")
    if arguments_lost:
        raise Refused("the derivative of a call that may overwrite its arguments (overwrite_a, overwrite_b, "
                      "overwrite_x) is not supported: the derivative reads them, or values that share their memory")
    return g


def entropy_log_base(base, pk, qk):
    """log(base) (1.0 for the natural base) of scipy.stats.entropy, after refusing a qk whose shape
    is not pk's (the two are normalized each in its own shape, then broadcast)."""
    if qk is not None and np.shape(qk) != np.shape(pk):
        raise Refused("scipy.stats.entropy with pk and qk of different shapes is not differentiated; "
                      "broadcast them to one shape first")
    return 1.0 if base is None else float(np.log(base))


def eigh_uplo(lower, b):
    """The triangle scipy.linalg.eigh (or eigvalsh) reads, as np.linalg.eigh's UPLO, after refusing a
    generalized problem (a second matrix b)."""
    if b is not None:
        raise Refused("scipy.linalg.eigh and eigvalsh of a generalized problem (a matrix b) are not differentiated")
    return "L" if lower else "U"


def scipy_qr_mode(mode, pivoting, x):
    """np.linalg.qr's mode for scipy.linalg.qr's, after refusing what has no derivative: pivoting (the
    permutation jumps), mode 'r' and 'raw', mode 'full' of a non-square matrix (the columns completing Q
    are arbitrary) and a wide matrix."""
    rows, columns = np.shape(x)[-2:]
    if pivoting or mode not in ("full", "economic") or rows < columns or mode == "full" and rows != columns:
        raise Refused(f"scipy.linalg.qr(mode={mode!r}, pivoting={pivoting!r}) of a {rows}x{columns} matrix is "
                      "differentiated only without pivoting, in mode 'economic' with at least as many rows as "
                      "columns (or mode 'full' of a square matrix)")
    return "reduced"


def distribution_stand_in(*operands):
    """What a SciPy distribution's logpdf, cdf, ... of these operands returns, where the derivative
    reads only its shape (optimize/stand_ins.py): a float64 number, or read-only float64 zeros of
    the operands' broadcast shape (one zero, strided over the shape), without computing it."""
    shape = np.broadcast_shapes(*(np.shape(operand) for operand in operands))
    return np.broadcast_to(np.zeros(()), shape) if shape else np.float64(0.0)


DISTANCE_METRICS = ("euclidean", "sqeuclidean", "cityblock")


def _distance_metric(metric):
    if not isinstance(metric, str) or metric not in DISTANCE_METRICS:
        raise Refused(f"scipy.spatial.distance with metric={metric!r} is not differentiated; the metrics "
                      f"differentiated are {', '.join(DISTANCE_METRICS)}")
    return metric


def distance_scale(metric, distances):
    """The factor s of each pair's slope s * (x - y) (plus a sign's, distance_signs): 1 / |x - y| for
    'euclidean' (0 at a zero distance, as np.linalg.norm's derivative there), 2 for 'sqeuclidean',
    0 for 'cityblock'."""
    metric = _distance_metric(metric)
    distances = np.asarray(distances, dtype=float)
    if metric == "euclidean":
        return np.where(distances > 0, 1.0 / np.where(distances > 0, distances, 1.0), 0.0)
    return np.full(distances.shape, 2.0 if metric == "sqeuclidean" else 0.0)


def curved_distances(metric, distances):
    """1.0 for 'euclidean' (whose slope's factor 1 / D moves with D), after refusing a zero distance
    (where the distance's curvature is unbounded, as np.linalg.norm's second derivative is refused
    at a zero vector); 0.0 for the metrics whose factor is constant."""
    if _distance_metric(metric) != "euclidean":
        return 0.0
    if np.any(np.equal(distances, 0)):
        raise Refused("the second derivative of a euclidean distance of two equal points is not differentiated "
                      "(its curvature is unbounded there); its first derivative is 0 there")
    return 1.0


def distance_signs(metric, differences):
    """sign(x - y) for 'cityblock' (0 where the coordinates are equal), 0 for the other metrics:
    the part of a pair's slope that does not scale with x - y."""
    if _distance_metric(metric) == "cityblock":
        return np.sign(differences).astype(float)
    return np.zeros(np.shape(differences))


def pair_differences(a, b):
    """a[i] - b[j] of every row i of a and j of b: (rows of a, rows of b, columns). Either may be
    a number standing for rows all equal to it (a tangent known to be zero)."""
    return (np.expand_dims(a, 1) if np.ndim(a) else a) - (np.expand_dims(b, 0) if np.ndim(b) else b)


def initial_dropped(g, axis, initial):
    """g without its first entry along axis when cumulative_trapezoid put `initial` (0) there."""
    if initial is None:
        return g
    return np.take(g, np.arange(1, np.shape(g)[axis]), axis=axis)


def initial_inserted(g, axis, initial):
    """g with a 0 before its first entry along axis when `initial` is given, as cumulative_trapezoid
    puts its initial 0 before the running integrals."""
    if initial is None:
        return g
    moved = np.moveaxis(g, axis, -1)
    return np.moveaxis(np.concatenate([np.zeros(np.shape(moved)[:-1] + (1,)), moved], -1), -1, axis)


def simpson_weights(y, x, axis):
    """The weights w (y's shape) with simpson(y, x, dx=1.0, axis) = sum(w * y, axis): simpson is
    linear in y, and its weights are its values at unit vectors, SciPy's own rule (_local_simpson_weights,
    with O(n) memory; checked on one vector, and read from the rows of the identity where they differ)."""
    n = np.shape(y)[axis]
    points = None if x is None else np.asarray(x) if np.ndim(x) == 1 else np.moveaxis(
        np.broadcast_to(x, np.shape(y)), axis, -1)
    weights = _local_simpson_weights(points, n)
    probe = np.broadcast_to(np.cos(1.7 * np.arange(n) + 0.3), np.shape(weights))
    own = _scipy_integrate.simpson(probe, x=points, axis=-1)
    if not np.allclose(np.sum(weights * probe, axis=-1), own, rtol=1e-9, atol=1e-12 * np.max(np.abs(weights))):
        weights = _identity_simpson_weights(points, n)
    shape = [1] * np.ndim(y)
    shape[axis] = n
    if np.ndim(weights) == 1:
        return np.broadcast_to(np.reshape(weights, shape), np.shape(y))
    return np.moveaxis(weights, -1, axis)


def _identity_simpson_weights(points, n):
    """simpson's weights (along the last axis of points, sample points a line) from its values at the
    rows of the identity: n x n of them."""
    if points is None or np.ndim(points) == 1:
        return _scipy_integrate.simpson(np.eye(n), x=points, axis=-1)
    stacked = np.shape(points)[:-1] + (n, n)
    return _scipy_integrate.simpson(np.broadcast_to(np.eye(n), stacked),
                                    x=np.broadcast_to(np.expand_dims(points, -2), stacked), axis=-1)


def _local_simpson_weights(points, n):
    """simpson's weights from its values at the unit vectors of 3 or 4 points at a time: SciPy (1.11 on)
    sums Simpson's rule over the pairs of intervals of the first n (odd) or n - 1 (even) points, and
    for an even n corrects for the last interval by the last three points, which is what it adds to
    the 4 last points' rule over what it gives their first three."""
    if n < 6:
        return _identity_simpson_weights(points, n)
    covered = n if n % 2 else n - 1
    starts = np.arange(0, covered - 2, 2)
    batch = () if points is None or np.ndim(points) == 1 else np.shape(points)[:-1]
    panels = _identity_simpson_weights(None if points is None else points[..., starts[:, None] + np.arange(3)], 3)
    weights = np.zeros(batch + (n,))
    for k in range(3):
        weights[..., starts + k] += panels[..., k]
    if n % 2 == 0:
        last = None if points is None else points[..., n - 4:]
        weights[..., n - 4:] += _identity_simpson_weights(last, 4)
        weights[..., n - 4:n - 1] -= _identity_simpson_weights(None if points is None else last[..., :3], 3)
    return weights


def full_convolution_shape(in1, in2):
    """The shape of the full convolution of in1 and in2: s1 + s2 - 1 along each axis."""
    return tuple(np.add(np.shape(in1), np.shape(in2)) - 1)


def centered(x, shape):
    """The centre of x in `shape`, as scipy.signal cuts a 'same' or 'valid' convolution out of the
    full one (starting at (x.shape - shape) // 2 along each axis)."""
    starts = (np.subtract(np.shape(x), shape)) // 2
    return np.asarray(x)[tuple(slice(start, start + size) for start, size in zip(starts, shape))]


def centered_padded(g, shape):
    """g in the middle of zeros of `shape` (where centered(., g.shape) reads it): the adjoint of centered."""
    if np.ndim(g) == 0:  # the product of two numbers, which scipy.signal's convolutions are of 0-d inputs
        return g
    starts = (np.subtract(shape, np.shape(g))) // 2
    return np.pad(g, [(start, size - start - length) for start, size, length in zip(starts, shape, np.shape(g))])


def fft_axes_refused(axes):
    """fftconvolve's axes, refused unless None (every axis)."""
    if axes is not None:
        raise Refused("scipy.signal.fftconvolve with axes= is not differentiated; it is over every axis")
    return axes


def _diagonal_offsets(rows, columns):
    """i - j + columns - 1 for each entry (i, j) of a rows x columns matrix: the index of its diagonal,
    from the top right one (offset 1 - columns) to the bottom left one (rows - 1)."""
    return np.subtract.outer(np.arange(rows), np.arange(columns)) + columns - 1


def diagonal_sums(g, *vectors):
    """The sums of the diagonals of g (..., m, n) over its last two axes, from the top right one to the
    bottom left one (m + n - 1 of them): the adjoint of toeplitz and circulant reads them.

    `vectors`: the arguments the matrix was made of. SciPy 1.17 takes an argument of more than one
    dimension for a batch of vectors (the matrices' leading axes are its own), which the adjoints
    follow; an earlier SciPy flattens it into one vector, which they do not: refused there."""
    shape = np.shape(g)
    if any(np.ndim(vector) > 1 and tuple(shape[:-2]) != np.shape(vector)[:-1] for vector in vectors):
        raise Refused("scipy.linalg.toeplitz or circulant of an array of more than one dimension, which this SciPy "
                      "flattens into one vector (SciPy 1.17 and later take it for a batch of vectors): pass "
                      "np.ravel(c) for the matrix this SciPy builds, or upgrade SciPy")
    rows, columns = shape[-2], shape[-1]
    lines = np.reshape(g, (int(np.prod(shape[:-2], dtype=int)), rows * columns))
    sums = np.zeros((lines.shape[0], rows + columns - 1), dtype=np.result_type(lines, float))
    np.add.at(sums, (np.arange(lines.shape[0])[:, None], _diagonal_offsets(rows, columns).ravel()), lines)
    return np.reshape(sums, shape[:-2] + (rows + columns - 1,))


def diagonal_spread(h, shape):
    """The (..., m, n) matrix (`shape`) whose every diagonal holds its entry of h (..., m + n - 1), from the
    top right one: the adjoint of diagonal_sums."""
    return np.asarray(h)[..., _diagonal_offsets(shape[-2], shape[-1])]


def _block_spans(arrays):
    """The rows and columns (two slices) of each array scipy.linalg.block_diag places (None where there is
    none); it takes each as np.atleast_2d does."""
    spans, row, column = [], 0, 0
    for array in arrays:
        if array is None:
            spans.append(None)
            continue
        rows, columns = np.shape(np.atleast_2d(array))
        spans.append((slice(row, row + rows), slice(column, column + columns)))
        row, column = row + rows, column + columns
    return spans, (row, column)


def block_of(g, position, arrays):
    """The block of g (scipy.linalg.block_diag(*arrays)'s shape) where arrays[position] stands, in its
    shape: the adjoint of that array."""
    return np.reshape(np.asarray(g)[_block_spans(arrays)[0][position]], np.shape(arrays[position]))


def block_diag_tangent(tangents, arrays):
    """scipy.linalg.block_diag of the tangents of arrays (a symbolic zero, 0.0, is zeros of its array's
    shape; None stands for no array), in NumPy: linear in the tangents."""
    spans, shape = _block_spans(arrays)
    present = [np.asarray(t) for t, a in zip(tangents, arrays) if a is not None]
    result = np.zeros(shape, dtype=np.result_type(float, *present))
    for tangent, span in zip(present, [span for span in spans if span is not None]):
        result[span] = np.broadcast_to(tangent, (span[0].stop - span[0].start, span[1].stop - span[1].start))
    return result


def block_diag_tangent_adjoint(h, arrays):
    """The adjoints of the tangents in block_diag_tangent(tangents, arrays), given h: their blocks."""
    return [0.0 if array is None else block_of(h, k, arrays) for k, array in enumerate(arrays)]


def off_gamma_poles(*arguments):
    """1.0, after refusing arguments at which gamma has a pole (0, -1, -2, ...): scipy.special.binom's
    slope is binom times differences of digamma there, an infinity times 0 (its value there is a limit)."""
    for argument in arguments:
        if np.any((np.asarray(argument) <= 0) & (np.asarray(argument) == np.floor(argument))):
            raise Refused("the derivative of scipy.special.binom(n, k) where n, k or n - k is a negative integer "
                          "is not differentiated (gamma has a pole there)")
    return 1.0


def unit_lower(lu):
    """L of lu_factor's lu: its entries below the diagonal, ones on it. A rectangular factorization
    is refused (the rules of lu_factor and lu_solve read L and U of a square one)."""
    if np.ndim(lu) != 2 or np.shape(lu)[0] != np.shape(lu)[1]:
        raise Refused("scipy.linalg.lu_factor and lu_solve are differentiated for a square matrix")
    return np.tril(lu, -1) + np.eye(np.shape(lu)[0])


def lu_rows(piv):
    """The rows of a that lu_factor(a) factors, in order: a[lu_rows(piv)] = L U (LAPACK's pivots
    piv swap row i with row piv[i], one after the other)."""
    rows = np.arange(len(piv))
    for i, j in enumerate(piv):
        rows[i], rows[j] = rows[j], rows[i]
    return rows
