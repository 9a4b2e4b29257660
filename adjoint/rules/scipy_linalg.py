"""Adjoints and tangents of scipy.linalg: general solves, inverses and determinants (as NumPy's;
a structure named by assume_a, transposed=True and overwritten arguments are refused when the
derivative runs), triangular solves, the Cholesky factor (cholesky, cho_factor and cho_solve),
the matrix exponential and square root (real square matrices, not stacks), the Sylvester and continuous
Lyapunov equations.

Matrices with a structure (the triangle a solve reads, the triangle a Cholesky factor is
computed from) get gradients with that structure: a triangular solve's gradient lies in the
triangle it reads, and cholesky's in the triangle it factors (the upper one unless lower=True),
as np.linalg.cholesky's in the lower one. cho_factor factors a
copy of its argument in place: its result holds the factor in one triangle, computed from that
triangle of the argument alone, and in the other the argument's own entries (SciPy before 1.18)
or zeros (from 1.18); its gradient is with respect to exactly the entries it reads (as
np.linalg.eigh's is with respect to the triangle it reads).
"""
import numpy as np
from scipy import linalg

from adjoint.templates import d
from adjoint.rules.table import non_differentiable, register_adjoint, register_tangent
from adjoint.runtime import (
    add_at, as_columns, broadcast_like, cho_factor_keeps_the_other_triangle, cholesky_adjoint, cholesky_tangent, cofactors,
    frechet_block,
    frechet_corner, general_or_refuse, item_adjoint, solve_adjoint_a, solve_adjoint_b, solve_tangent, symmetric_from,
    symmetrized, transpose_if, transposed_trans, triangle, triangle_adjoint,
)

non_differentiable(transposed_trans)
non_differentiable(cho_factor_keeps_the_other_triangle)

# ----- Triangular solves ----------------------------------------------------------------------------
# x = solve(op(T), b), T the triangle of a, op the transpose when `trans` says so:
# db = solve(op(T)^T, g), dT = -op(db x^T) in the triangle.


@register_adjoint(linalg.solve_triangular)
def _(result, a, b, trans=0, lower=False):
    solved = linalg.solve_triangular(a, d[result], trans=transposed_trans(trans), lower=lower)
    d[b] = solved
    d[a] = -triangle(transpose_if(as_columns(solved) @ np.transpose(as_columns(result)), trans), lower)


@register_tangent(linalg.solve_triangular)
def _(result, a, b, trans=0, lower=False):
    d[result] = linalg.solve_triangular(a, d[b] - transpose_if(triangle(d[a], lower), trans) @ result, trans=trans,
                                        lower=lower)


# ----- General solves, inverses and determinants: as NumPy's, for a general matrix -------------------


@register_adjoint(linalg.solve)
def _(result, a, b, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True, assume_a=None,
      transposed=False):
    g = general_or_refuse(d[result], assume_a, transposed, overwrite_a or overwrite_b)
    d[a] = solve_adjoint_a(g, a, b, result)
    d[b] = solve_adjoint_b(g, a, b)


@register_tangent(linalg.solve)
def _(result, a, b, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True, assume_a=None,
      transposed=False):
    d[result] = general_or_refuse(solve_tangent(d[a], d[b], a, b, result), assume_a, transposed,
                                  overwrite_a or overwrite_b)


@register_adjoint(linalg.inv)
def _(result, a, overwrite_a=False, check_finite=True, assume_a=None, lower=False):
    g = general_or_refuse(d[result], assume_a, False, overwrite_a)
    d[a] = -np.swapaxes(result, -1, -2) @ g @ np.swapaxes(result, -1, -2)


@register_tangent(linalg.inv)
def _(result, a, overwrite_a=False, check_finite=True, assume_a=None, lower=False):
    d[result] = -result @ general_or_refuse(d[a], assume_a, False, overwrite_a) @ result


@register_adjoint(linalg.det)
def _(result, a, overwrite_a=False, check_finite=True):
    g = general_or_refuse(d[result], None, False, overwrite_a)
    d[a] = np.expand_dims(g, (-2, -1)) * cofactors(a, result)


@register_tangent(linalg.det)
def _(result, a, overwrite_a=False, check_finite=True):
    d[result] = np.sum(cofactors(a, result) * general_or_refuse(d[a], None, False, overwrite_a), axis=(-2, -1))


# ----- Cholesky ---------------------------------------------------------------------------------------
# scipy.linalg.cholesky returns the upper factor U = L^T unless lower=True.


# It reads the triangle of `a` it returns: the symmetric matrix of the upper triangle is the transpose
# of that of the transposed lower one (symmetric_from), and so are their adjoints (triangle_adjoint).
@register_adjoint(linalg.cholesky)
def _(result, a, lower=False):
    d[a] = transpose_if(triangle_adjoint(cholesky_adjoint(transpose_if(d[result], 1 - lower),
                                                          transpose_if(result, 1 - lower))), 1 - lower)


@register_tangent(linalg.cholesky)
def _(result, a, lower=False):
    d[result] = transpose_if(cholesky_tangent(symmetric_from(transpose_if(d[a], 1 - lower)),
                                              transpose_if(result, 1 - lower)), 1 - lower)


# (c, lower) = cho_factor(a, lower): c = F + k (a - triangle(a)), F the factor (L, or U = L^T) of
# the symmetric matrix mirrored from a's triangle, k = 1 where SciPy keeps a's other triangle and
# 0 where it zeros it; the transpose of symmetric_from(., "U") is that of symmetric_from(transpose(.), "L").
@register_adjoint(linalg.cho_factor)
def _(result, a, lower=False, overwrite_a=False, check_finite=True):
    g = broadcast_like(item_adjoint(d[result], 0), result[0])
    low = transpose_if(triangle(result[0], lower), 1 - lower)
    d[a] = (transpose_if(triangle_adjoint(cholesky_adjoint(transpose_if(triangle(g, lower), 1 - lower), low), "L"),
                         1 - lower)
            + cho_factor_keeps_the_other_triangle() * (g - triangle(g, lower)))


@register_tangent(linalg.cho_factor)
def _(result, a, lower=False, overwrite_a=False, check_finite=True):
    d[result] = (transpose_if(cholesky_tangent(symmetric_from(transpose_if(d[a], 1 - lower), "L"),
                                               transpose_if(triangle(result[0], lower), 1 - lower)), 1 - lower)
                 + cho_factor_keeps_the_other_triangle() * (d[a] - triangle(d[a], lower)), 0.0)


# x = cho_solve((c, lower), b) solves (L L^T) x = b, L from c's triangle: db = cho_solve((c, lower), g),
# dA = -db x^T, and dL = (dA + dA^T) L lands in c's triangle.
@register_adjoint(linalg.cho_solve)
def _(result, c_and_lower, b, overwrite_b=False, check_finite=True):
    solved = linalg.cho_solve(c_and_lower, d[result])
    outer = as_columns(solved) @ np.transpose(as_columns(result))
    d[b] = solved
    d[c_and_lower] = add_at(d[c_and_lower], c_and_lower, 0, -triangle(transpose_if(
        (outer + np.transpose(outer)) @ transpose_if(triangle(c_and_lower[0], c_and_lower[1]), 1 - c_and_lower[1]),
        1 - c_and_lower[1]), c_and_lower[1]))


@register_tangent(linalg.cho_solve)
def _(result, c_and_lower, b, overwrite_b=False, check_finite=True):
    d[result] = linalg.cho_solve(c_and_lower, d[b] - 2.0 * symmetrized(
        transpose_if(triangle(item_adjoint(d[c_and_lower], 0), c_and_lower[1]), 1 - c_and_lower[1])
        @ np.transpose(transpose_if(triangle(c_and_lower[0], c_and_lower[1]), 1 - c_and_lower[1]))) @ result)


# ----- Matrix functions -------------------------------------------------------------------------------
# The Frechet derivative of expm at A in the direction E is the upper-right block of
# expm([[A, E], [0, A]]); its adjoint is the Frechet derivative at A^T.


@register_adjoint(linalg.expm)
def _(result, a):
    d[a] = frechet_corner(linalg.expm(frechet_block(np.transpose(a), d[result])))


@register_tangent(linalg.expm)
def _(result, a):
    d[result] = frechet_corner(linalg.expm(frechet_block(a, d[a])))


# X = sqrtm(A): X dX + dX X = dA, a Sylvester equation.
@register_adjoint(linalg.sqrtm)
def _(result, a):
    d[a] = linalg.solve_sylvester(np.transpose(result), np.transpose(result), d[result])


@register_tangent(linalg.sqrtm)
def _(result, a):
    d[result] = linalg.solve_sylvester(result, result, d[a])


# X = solve_sylvester(A, B, Q) solves A X + X B = Q: dX = solve_sylvester(A, B, dQ - dA X - X dB).
@register_adjoint(linalg.solve_sylvester)
def _(result, a, b, q):
    solved = linalg.solve_sylvester(np.transpose(a), np.transpose(b), d[result])
    d[q] = solved
    d[a] = -(solved @ np.transpose(result))
    d[b] = -(np.transpose(result) @ solved)


@register_tangent(linalg.solve_sylvester)
def _(result, a, b, q):
    d[result] = linalg.solve_sylvester(a, b, d[q] - d[a] @ result - result @ d[b])


# X = solve_continuous_lyapunov(A, Q) solves A X + X A^T = Q (real A): solve_sylvester(A, A^T, Q), whose
# adjoint in B = A^T comes back transposed to A.
@register_adjoint(linalg.solve_continuous_lyapunov)
def _(result, a, q):
    solved = linalg.solve_continuous_lyapunov(np.transpose(a), d[result])
    d[q] = solved
    d[a] = -(solved @ np.transpose(result) + np.transpose(solved) @ result)


@register_tangent(linalg.solve_continuous_lyapunov)
def _(result, a, q):
    d[result] = linalg.solve_continuous_lyapunov(a, d[q] - d[a] @ result - result @ np.transpose(d[a]))


# ----- Helpers of these rules (each linear in its first argument) --------------------------------------


@register_adjoint(triangle)
def _(result, x, lower):
    d[x] = triangle(d[result], lower)


@register_tangent(triangle)
def _(result, x, lower):
    d[result] = triangle(d[x], lower)


@register_adjoint(frechet_block)
def _(result, a, e):
    d[a] = d[result][..., :np.shape(a)[-1], :np.shape(a)[-1]] + d[result][..., np.shape(a)[-1]:, np.shape(a)[-1]:]
    d[e] = frechet_corner(d[result])


@register_tangent(frechet_block)
def _(result, a, e):
    d[result] = frechet_block(d[a], d[e])


@register_adjoint(frechet_corner)
def _(result, m):
    d[m] = frechet_block(np.zeros_like(d[result]), d[result])


@register_tangent(frechet_corner)
def _(result, m):
    d[result] = frechet_corner(d[m])
