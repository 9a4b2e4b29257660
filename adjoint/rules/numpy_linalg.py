"""Adjoints and tangents of NumPy linear algebra: products, traces and diagonals, np.linalg.

`@` and np.matmul are with the operators (operators.py). Matrix functions work on stacks
of matrices (the last two axes), as NumPy's do.
"""
import numpy as np

from adjoint.rules.table import not_differentiated, register_adjoint, register_tangent
from adjoint.runtime import (
    cholesky_adjoint, cholesky_tangent, cofactors, diag_adjoint, diagonal_adjoint, einsum_adjoint, einsum_tangent,
    inner_axes, item_adjoint, kron_adjoint, multi_dot_adjoint, multi_dot_tangent, norm_adjoint, norm_tangent,
    np_dot_adjoint_a, np_dot_adjoint_b,
    solve_adjoint_a, solve_adjoint_b, solve_tangent, symmetric_from, tensordot_adjoint_a, tensordot_adjoint_b,
    trace_adjoint, transpose_if, triangle_adjoint, unbroadcast,
)
from adjoint.templates import d

# NumPy 2 names, when NumPy has them.
VECDOTS = tuple(f for f in (getattr(np, "vecdot", None), getattr(np.linalg, "vecdot", None)) if f is not None)
LINALG_OUTERS = tuple(f for f in (getattr(np.linalg, "outer", None),) if f is not None)
MATRIX_TRANSPOSES = tuple(f for f in (getattr(np, "matrix_transpose", None), getattr(np.linalg, "matrix_transpose", None))
                          if f is not None)

# ----- Products ------------------------------------------------------------------------


# np.dot is a @ b up to 2-d operands; beyond, it pairs every row of x with every matrix of y.
@register_adjoint(np.dot)
def _(result, x, y):
    d[x] = np_dot_adjoint_a(d[result], x, y)
    d[y] = np_dot_adjoint_b(d[result], x, y)


@register_tangent(np.dot)
def _(result, x, y):
    d[result] = np.dot(d[x], y) + np.dot(x, d[y])


@register_adjoint(np.tensordot)
def _(result, x, y, axes=2):
    d[x] = tensordot_adjoint_a(d[result], x, y, axes)
    d[y] = tensordot_adjoint_b(d[result], x, y, axes)


@register_tangent(np.tensordot)
def _(result, x, y, axes=2):
    d[result] = np.tensordot(d[x], y, axes) + np.tensordot(x, d[y], axes)


# np.vdot flattens both operands.
@register_adjoint(np.vdot)
def _(result, x, y):
    d[x] = np.reshape(d[result] * np.ravel(y), np.shape(x))
    d[y] = np.reshape(d[result] * np.ravel(x), np.shape(y))


@register_tangent(np.vdot)
def _(result, x, y):
    d[result] = np.vdot(d[x], y) + np.vdot(x, d[y])


# np.inner contracts the last axes of both operands (and multiplies by a 0-d operand).
@register_adjoint(np.inner)
def _(result, x, y):
    d[x] = unbroadcast(tensordot_adjoint_a(d[result], x, y, inner_axes(x, y)), x)
    d[y] = unbroadcast(tensordot_adjoint_b(d[result], x, y, inner_axes(x, y)), y)


@register_tangent(np.inner)
def _(result, x, y):
    d[result] = np.inner(d[x], y) + np.inner(x, d[y])


# np.outer flattens both operands: result[i, j] = x.flat[i] * y.flat[j]. (NumPy 2's np.linalg.outer is
# np.outer of 1-d operands, the only ones it takes.)
@register_adjoint(np.outer, *LINALG_OUTERS)
def _(result, x, y):
    d[x] = np.reshape(np.dot(d[result], np.ravel(y)), np.shape(x))
    d[y] = np.reshape(np.dot(np.ravel(x), d[result]), np.shape(y))


@register_tangent(np.outer, *LINALG_OUTERS)
def _(result, x, y):
    d[result] = np.outer(d[x], y) + np.outer(x, d[y])


@register_adjoint(np.kron)
def _(result, x, y):
    d[x] = kron_adjoint(d[result], x, y, 0)
    d[y] = kron_adjoint(d[result], x, y, 1)


@register_tangent(np.kron)
def _(result, x, y):
    d[result] = np.kron(d[x], y) + np.kron(x, d[y])


# np.einsum(a, [0, 1], b, [1, 2]) (operands and axes) puts an operand where the subscripts are.
not_differentiated(np.einsum, "subscripts")


# Operands of np.einsum follow the subscripts; up to three operands. `optimize` chooses the order
# of the contractions, not what they compute.
@register_adjoint(np.einsum)
def _(result, subscripts, x, y=None, z=None, optimize=False):
    d[x] = einsum_adjoint(d[result], subscripts, 0, x, y, z)
    d[y] = einsum_adjoint(d[result], subscripts, 1, x, y, z)
    d[z] = einsum_adjoint(d[result], subscripts, 2, x, y, z)


@register_tangent(np.einsum)
def _(result, subscripts, x, y=None, z=None, optimize=False):
    d[result] = einsum_tangent(subscripts, (d[x], d[y], d[z]), (x, y, z))


# np.vecdot and np.linalg.vecdot (NumPy 2): sum(x * y, axis).
@register_adjoint(*VECDOTS)
def _(result, x, y, axis=-1):
    d[x] = unbroadcast(np.expand_dims(d[result], axis) * y, x)
    d[y] = unbroadcast(np.expand_dims(d[result], axis) * x, y)


@register_tangent(*VECDOTS)
def _(result, x, y, axis=-1):
    d[result] = np.sum(d[x] * y + x * d[y], axis=axis)


@register_adjoint(*MATRIX_TRANSPOSES)
def _(result, x):
    d[x] = np.swapaxes(d[result], -1, -2)


@register_tangent(*MATRIX_TRANSPOSES)
def _(result, x):
    d[result] = np.swapaxes(d[x], -1, -2)


# NumPy 2's np.linalg.cross takes 3-vectors alone, along `axis` of each operand and of the result: the
# operands broadcast over their other axes, so the adjoints are summed over those with `axis` moved last.
if hasattr(np.linalg, "cross"):
    @register_adjoint(np.linalg.cross)
    def _(result, a, b, axis=-1):
        d[a] = np.moveaxis(unbroadcast(np.linalg.cross(np.moveaxis(b, axis, -1), np.moveaxis(d[result], axis, -1)),
                                       np.moveaxis(a, axis, -1)), -1, axis)
        d[b] = np.moveaxis(unbroadcast(np.linalg.cross(np.moveaxis(d[result], axis, -1), np.moveaxis(a, axis, -1)),
                                       np.moveaxis(b, axis, -1)), -1, axis)

    @register_tangent(np.linalg.cross)
    def _(result, a, b, axis=-1):
        d[result] = np.linalg.cross(d[a], b, axis=axis) + np.linalg.cross(a, d[b], axis=axis)


# A chain of matrix products (NumPy picks the order; a first vector is a row, a last one a column):
# A_i's adjoint is (A_1..A_{i-1})^T g (A_{i+1}..A_n)^T, the tangent the sum of the chains with dA_i.
@register_adjoint(np.linalg.multi_dot)
def _(result, arrays):
    d[arrays] = multi_dot_adjoint(d[result], arrays)


@register_tangent(np.linalg.multi_dot)
def _(result, arrays):
    d[result] = multi_dot_tangent(d[arrays], arrays)


# ----- Traces and diagonals ------------------------------------------------------------------


@register_adjoint(np.trace)
def _(result, x, offset=0, axis1=0, axis2=1):
    d[x] = trace_adjoint(d[result], x, offset, axis1, axis2)


@register_tangent(np.trace)
def _(result, x, offset=0, axis1=0, axis2=1):
    d[result] = np.trace(d[x], offset, axis1, axis2)


@register_adjoint(np.diagonal)
def _(result, x, offset=0, axis1=0, axis2=1):
    d[x] = diagonal_adjoint(d[result], x, offset, axis1, axis2)


@register_tangent(np.diagonal)
def _(result, x, offset=0, axis1=0, axis2=1):
    d[result] = np.diagonal(d[x], offset, axis1, axis2)


# NumPy 2's np.linalg.trace and np.linalg.diagonal: np.trace and np.diagonal of the last two axes.
if hasattr(np.linalg, "trace"):
    @register_adjoint(np.linalg.trace)
    def _(result, x, offset=0):
        d[x] = trace_adjoint(d[result], x, offset, -2, -1)

    @register_tangent(np.linalg.trace)
    def _(result, x, offset=0):
        d[result] = np.trace(d[x], offset, -2, -1)

    @register_adjoint(np.linalg.diagonal)
    def _(result, x, offset=0):
        d[x] = diagonal_adjoint(d[result], x, offset, -2, -1)

    @register_tangent(np.linalg.diagonal)
    def _(result, x, offset=0):
        d[result] = np.diagonal(d[x], offset, -2, -1)


@register_adjoint(np.diag)
def _(result, x, k=0):
    d[x] = diag_adjoint(d[result], x, k)


@register_tangent(np.diag)
def _(result, x, k=0):
    d[result] = np.diag(d[x], k)


# ----- Inverses, determinants and solves ------------------------------------------------------


# d inv(A) = -inv(A) dA inv(A).
@register_adjoint(np.linalg.inv)
def _(result, x):
    d[x] = -np.swapaxes(result, -1, -2) @ d[result] @ np.swapaxes(result, -1, -2)


@register_tangent(np.linalg.inv)
def _(result, x):
    d[result] = -result @ d[x] @ result


# Jacobi's formula: d det(A) = <cofactors of A, dA>, det(A) A^-T where A is invertible (and the
# adjugate's transpose where it is not: cofactors).
@register_adjoint(np.linalg.det)
def _(result, x):
    d[x] = np.expand_dims(d[result], (-2, -1)) * cofactors(x, result)


@register_tangent(np.linalg.det)
def _(result, x):
    d[result] = np.sum(cofactors(x, result) * d[x], axis=(-2, -1))


# slogdet returns (sign, log|det|); the sign is constant, d log|det A| = tr(A^-1 dA).
@register_adjoint(np.linalg.slogdet)
def _(result, x):
    d[x] = np.expand_dims(item_adjoint(d[result], 1), (-2, -1)) * np.swapaxes(np.linalg.inv(x), -1, -2)


@register_tangent(np.linalg.slogdet)
def _(result, x):
    d[result] = (0.0, np.trace(np.linalg.solve(x, d[x]), axis1=-2, axis2=-1))


@register_adjoint(np.linalg.solve)
def _(result, a, b):
    d[a] = solve_adjoint_a(d[result], a, b, result)
    d[b] = solve_adjoint_b(d[result], a, b)


@register_tangent(np.linalg.solve)
def _(result, a, b):
    d[result] = solve_tangent(d[a], d[b], a, b, result)


# np.linalg.cholesky factors the symmetric matrix of x's lower triangle and never reads the upper one:
# the gradient lies in the lower triangle (as np.linalg.eigh's in the triangle it reads). With upper=True
# (NumPy 2) it returns U = L^T of the matrix of the upper triangle, which is the transpose of that of the
# transposed lower one, as scipy.linalg.cholesky does.
@register_adjoint(np.linalg.cholesky)
def _(result, x, upper=False):
    d[x] = transpose_if(triangle_adjoint(cholesky_adjoint(transpose_if(d[result], upper), transpose_if(result, upper))),
                        upper)


@register_tangent(np.linalg.cholesky)
def _(result, x, upper=False):
    d[result] = transpose_if(cholesky_tangent(symmetric_from(transpose_if(d[x], upper)), transpose_if(result, upper)),
                             upper)


# ----- Norms ---------------------------------------------------------------------------


# Vector 2-, p- and max-norms; Frobenius, nuclear and spectral matrix norms. d|x|_2 = <x, dx> / |x|_2.
# The order of a norm is not differentiated (a differentiated ord is refused at its line).
not_differentiated(np.linalg.norm, "ord")


@register_adjoint(np.linalg.norm)
def _(result, x, ord=None, axis=None, keepdims=False):
    d[x] = norm_adjoint(d[result], result, x, ord, axis, keepdims)


@register_tangent(np.linalg.norm)
def _(result, x, ord=None, axis=None, keepdims=False):
    d[result] = norm_tangent(d[x], result, x, ord, axis, keepdims)


# NumPy 2's np.linalg.vector_norm(x, axis, keepdims, ord) is a vector norm over all of axis (every axis when
# None), however many: ord 2 (its default), p, inf, -inf and 0 as np.linalg.norm's of a vector.
# np.linalg.matrix_norm(x, keepdims, ord) is np.linalg.norm over the last two axes ('fro' its default).
if hasattr(np.linalg, "vector_norm"):
    not_differentiated(np.linalg.vector_norm, "ord")
    not_differentiated(np.linalg.matrix_norm, "ord")

    @register_adjoint(np.linalg.vector_norm)
    def _(result, x, axis=None, keepdims=False, ord=2):
        d[x] = norm_adjoint(d[result], result, x, ord, axis, keepdims, True)

    @register_tangent(np.linalg.vector_norm)
    def _(result, x, axis=None, keepdims=False, ord=2):
        d[result] = norm_tangent(d[x], result, x, ord, axis, keepdims, True)

    @register_adjoint(np.linalg.matrix_norm)
    def _(result, x, keepdims=False, ord="fro"):
        d[x] = norm_adjoint(d[result], result, x, ord, (-2, -1), keepdims)

    @register_tangent(np.linalg.matrix_norm)
    def _(result, x, keepdims=False, ord="fro"):
        d[result] = norm_tangent(d[x], result, x, ord, (-2, -1), keepdims)
