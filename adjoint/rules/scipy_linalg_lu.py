"""Adjoints and tangents of scipy.linalg.lu_factor and lu_solve (square matrices, real).

lu_factor(a) gives (lu, piv): a's rows taken in the order runtime.lu_rows reads from piv are L U, L
unit lower triangular (below lu's diagonal) and U upper triangular (on and above it). The pivots are
piecewise constant. With F = L^-1 da[rows] U^-1: dL = L tril(F, -1) and dU = triu(F) U, so
d lu = L tril(F, -1) + triu(F) U; the adjoint of da[rows] is L^-T (tril(L^T gL, -1) + triu(gU U^T)) U^-T.
lu_solve((lu, piv), b, trans) solves op(A) x = b for A = P^T L U (op the transpose when `trans`
says so), as solve does. A call that may overwrite its argument (overwrite_a, overwrite_b) is
refused when the derivative runs.
"""
import numpy as np
from scipy import linalg

from adjoint.rules.table import non_differentiable, register_adjoint, register_tangent
from adjoint.runtime import (
    add_at, broadcast_like, general_or_refuse, item_adjoint, lu_rows, transpose_if, transposed_trans, unit_lower,
)
from adjoint.templates import d

non_differentiable(lu_rows)


@register_adjoint(linalg.lu_factor)
def _(result, a, overwrite_a=False, check_finite=True):
    low = unit_lower(result[0])
    g = general_or_refuse(broadcast_like(item_adjoint(d[result], 0), result[0]), None, False, overwrite_a)
    d[a] = np.transpose(linalg.solve_triangular(np.triu(result[0]), np.transpose(linalg.solve_triangular(
        low, np.tril(np.transpose(low) @ np.tril(g, -1), -1) + np.triu(np.triu(g) @ np.transpose(np.triu(result[0]))),
        trans=1, lower=True))))[np.argsort(lu_rows(result[1]))]


@register_tangent(linalg.lu_factor)
def _(result, a, overwrite_a=False, check_finite=True):
    d[result] = (unit_lower(result[0]) @ np.tril(np.transpose(
        linalg.solve_triangular(np.triu(result[0]), np.transpose(linalg.solve_triangular(
            unit_lower(result[0]),
            general_or_refuse(d[a], None, False, overwrite_a)[lu_rows(result[1])], lower=True)),
            trans=1)), -1)
        + np.triu(np.transpose(linalg.solve_triangular(np.triu(result[0]), np.transpose(linalg.solve_triangular(
            unit_lower(result[0]),
            general_or_refuse(d[a], None, False, overwrite_a)[lu_rows(result[1])], lower=True)),
            trans=1))) @ np.triu(result[0]), 0.0)


# x = lu_solve((lu, piv), b, trans) solves op(A) x = b: db = lu_solve(., g, the other trans), d op(A) = -db x^T,
# and A[rows] = L U takes dA[rows] to gL = tril(dA[rows] U^T, -1) and gU = triu(L^T dA[rows]).
@register_adjoint(linalg.lu_solve)
def _(result, lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    solved = linalg.lu_solve(lu_and_piv, general_or_refuse(d[result], None, False, overwrite_b),
                             trans=transposed_trans(trans))
    rows_adjoint = -transpose_if(np.reshape(solved, (np.shape(result)[0], -1))
                                 @ np.transpose(np.reshape(result, (np.shape(result)[0], -1))),
                                 trans)[lu_rows(lu_and_piv[1])]
    d[b] = solved
    d[lu_and_piv] = add_at(d[lu_and_piv], lu_and_piv, 0,
                           np.tril(rows_adjoint @ np.transpose(np.triu(lu_and_piv[0])), -1)
                           + np.triu(np.transpose(unit_lower(lu_and_piv[0])) @ rows_adjoint))


@register_tangent(linalg.lu_solve)
def _(result, lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    d[result] = linalg.lu_solve(lu_and_piv, general_or_refuse(d[b], None, False, overwrite_b) - transpose_if(
        (np.tril(item_adjoint(d[lu_and_piv], 0), -1) @ np.triu(lu_and_piv[0])
         + unit_lower(lu_and_piv[0]) @ np.triu(item_adjoint(d[lu_and_piv], 0))
         )[np.argsort(lu_rows(lu_and_piv[1]))], trans) @ result, trans=trans)


@register_adjoint(unit_lower)
def _(result, lu):
    d[lu] = np.tril(d[result], -1)


@register_tangent(unit_lower)
def _(result, lu):
    d[result] = np.tril(d[lu], -1)
