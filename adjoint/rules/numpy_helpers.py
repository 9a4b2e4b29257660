"""Derivatives of the helpers the NumPy rules call, so that their derivatives differentiate again.

Each helper is linear in the adjoint it carries: its transpose is usually another helper, or
the NumPy function whose adjoint it is. Helpers that also read primal values (solve,
Cholesky, norms, sinc) have a term for each. The helpers the rules of einsum, kron and norm
helpers call (einsum_adjoint_backward, ...) have no rules of their own: third derivatives
through those are not supported.
"""
import numpy as np

from adjoint import runtime
from adjoint.rules.table import non_differentiable, register_adjoint, register_tangent
from adjoint.runtime import (
    add_adjoints, any_condition, arange_adjoint, arange_tangent, block_adjoint, broadcast_like, cholesky_adjoint, cholesky_tangent,
    cofactors_adjoint_det, cofactors_adjoint_x, cofactors_tangent, column, concatenate_adjoint,
    cumsum_adjoint, diag_adjoint, diagonal_adjoint, diff_adjoint, einsum_adjoint, einsum_adjoint_backward,
    einsum_adjoint_tangent, einsum_cross, einsum_tangent, einsum_tangent_adjoint, extremum_adjoint,
    extremum_tangent, float_cast, general_or_refuse, gradient_adjoint, gradient_along, gradient_like, grid_spread,
    gradient_spacing_adjoint, gradient_spacing_tangent, histogram_edges_adjoint, histogram_edges_tangent, items_tangent,
    joined_adjoint, kron_adjoint, kron_adjoint_backward,
    linspace_adjoint, linspace_end_tangent, linspace_tangent, meshgrid_adjoint, norm_adjoint, norm_hessian_form,
    norm_hessian_product, norm_tangent, np_dot_adjoint_a, np_dot_adjoint_b, prod_others_adjoint,
    prod_others_tangent, promoted_join, repeat_adjoint, reshape_like, select_adjoint, select_tangent,
    sinc_derivative, solve_adjoint_a, solve_adjoint_b, solve_adjoint_solution, solve_tangent, sort_adjoint,
    sort_tangent, split_adjoint, stack_adjoint, symmetrized, take_adjoint, tangent_like, tangent_like_adjoint, tensordot_adjoint_a,
    tensordot_adjoint_b, tile_adjoint, trace_adjoint, unbroadcast, var_adjoint, var_tangent,
)
from adjoint.templates import d


# ----- Helpers of the NumPy rules ------------------------------------------------------------


@register_adjoint(runtime.reshape_like)
def _(result, g, x):
    d[g] = reshape_like(d[result], g)


@register_tangent(runtime.reshape_like)
def _(result, g, x):
    d[result] = reshape_like(d[g], x)


# np_dot_adjoint_a(g, a, b) = L_b^T g for L_b: a -> np.dot(a, b), as dot_adjoint_a is for a @ b.
@register_adjoint(runtime.np_dot_adjoint_a)
def _(result, g, a, b):
    d[g] = unbroadcast(np.dot(d[result], b), g)
    d[b] = np_dot_adjoint_b(g, d[result], b)


@register_tangent(runtime.np_dot_adjoint_a)
def _(result, g, a, b):
    d[result] = np_dot_adjoint_a(d[g], a, b) + np_dot_adjoint_a(g, a, d[b])


@register_adjoint(runtime.np_dot_adjoint_b)
def _(result, g, a, b):
    d[g] = unbroadcast(np.dot(a, d[result]), g)
    d[a] = np_dot_adjoint_a(g, a, d[result])


@register_tangent(runtime.np_dot_adjoint_b)
def _(result, g, a, b):
    d[result] = np_dot_adjoint_b(d[g], a, b) + np_dot_adjoint_b(g, d[a], b)


@register_adjoint(runtime.column)
def _(result, x):
    d[x] = reshape_like(d[result], x)


@register_tangent(runtime.column)
def _(result, x):
    d[result] = column(d[x])


@register_adjoint(runtime.float_cast)
def _(result, g, dtype, like):
    d[g] = float_cast(d[result], dtype, g)


@register_tangent(runtime.float_cast)
def _(result, g, dtype, like):
    d[result] = float_cast(d[g], dtype, like)


# sinc_slope(x) is sinc'(x), a factor rather than a linear map: its derivative is sinc''(x).
@register_adjoint(runtime.sinc_slope)
def _(result, x):
    d[x] = d[result] * sinc_derivative(x, 2)


@register_tangent(runtime.sinc_slope)
def _(result, x):
    d[result] = d[x] * sinc_derivative(x, 2)


@register_adjoint(runtime.sinc_derivative)
def _(result, x, order):
    d[x] = d[result] * sinc_derivative(x, order + 1)


@register_tangent(runtime.sinc_derivative)
def _(result, x, order):
    d[result] = d[x] * sinc_derivative(x, order + 1)


# ----- Reductions: each helper is the transpose of another ------------------------------------


# The mask of the extremum is constant where the extremum is unique: only g has a derivative.
@register_adjoint(runtime.extremum_adjoint)
def _(result, g, extremum, x, axis=None, keepdims=False):
    d[g] = extremum_tangent(d[result], extremum, x, axis, keepdims)


@register_tangent(runtime.extremum_adjoint)
def _(result, g, extremum, x, axis=None, keepdims=False):
    d[result] = extremum_adjoint(d[g], extremum, x, axis, keepdims)


@register_adjoint(runtime.extremum_tangent)
def _(result, dx, extremum, x, axis=None, keepdims=False):
    d[dx] = extremum_adjoint(d[result], extremum, x, axis, keepdims)


@register_tangent(runtime.extremum_tangent)
def _(result, dx, extremum, x, axis=None, keepdims=False):
    d[result] = extremum_tangent(d[dx], extremum, x, axis, keepdims)


# var_adjoint(g, x) = unreduce(g) * (x - mean(x)) * c and var_tangent(dx, x) = sum((x - mean(x)) dx) * c
# are bilinear, and centring commutes with multiplying by unreduce(g), constant along the axes.
@register_adjoint(runtime.var_adjoint)
def _(result, g, x, axis=None, ddof=0, keepdims=False):
    d[g] = var_tangent(d[result], x, axis, ddof, keepdims)
    d[x] = var_adjoint(g, d[result], axis, ddof, keepdims)


@register_tangent(runtime.var_adjoint)
def _(result, g, x, axis=None, ddof=0, keepdims=False):
    d[result] = var_adjoint(d[g], x, axis, ddof, keepdims) + var_adjoint(g, d[x], axis, ddof, keepdims)


@register_adjoint(runtime.var_tangent)
def _(result, dx, x, axis=None, ddof=0, keepdims=False):
    d[dx] = var_adjoint(d[result], x, axis, ddof, keepdims)
    d[x] = var_adjoint(d[result], dx, axis, ddof, keepdims)


@register_tangent(runtime.var_tangent)
def _(result, dx, x, axis=None, ddof=0, keepdims=False):
    d[result] = var_tangent(d[dx], x, axis, ddof, keepdims) + var_tangent(dx, d[x], axis, ddof, keepdims)


@register_adjoint(runtime.prod_others)
def _(result, x, axis=None):
    d[x] = prod_others_adjoint(d[result], x, axis)


@register_tangent(runtime.prod_others)
def _(result, x, axis=None):
    d[result] = prod_others_tangent(d[x], x, axis)


# cofactors(x, det) = det inv(x)^T (where x is invertible; at a singular x the second derivative is refused).
@register_adjoint(runtime.cofactors)
def _(result, x, det):
    d[x] = cofactors_adjoint_x(d[result], x, det)
    d[det] = cofactors_adjoint_det(d[result], x, det)


@register_tangent(runtime.cofactors)
def _(result, x, det):
    d[result] = cofactors_tangent(d[x], d[det], x, det)


@register_adjoint(runtime.nonzero_or_refuse)
def _(result, x):
    d[x] = d[result]


@register_tangent(runtime.nonzero_or_refuse)
def _(result, x):
    d[result] = d[x]


@register_adjoint(runtime.general_or_refuse)
def _(result, g, assume_a=None, transposed=False, arguments_lost=False):
    d[g] = general_or_refuse(d[result], assume_a, transposed, arguments_lost)


@register_tangent(runtime.general_or_refuse)
def _(result, g, assume_a=None, transposed=False, arguments_lost=False):
    d[result] = general_or_refuse(d[g], assume_a, transposed, arguments_lost)


@register_adjoint(runtime.three_component_or_refuse)
def _(result, g, a, b):
    d[g] = d[result]


@register_tangent(runtime.three_component_or_refuse)
def _(result, g, a, b):
    d[result] = d[g]


@register_adjoint(runtime.cumsum_adjoint)
def _(result, g, x, axis=None):
    d[g] = reshape_like(np.cumsum(d[result], axis=axis), g)


@register_tangent(runtime.cumsum_adjoint)
def _(result, g, x, axis=None):
    d[result] = cumsum_adjoint(d[g], x, axis)


@register_adjoint(runtime.diff_adjoint)
def _(result, g, n=1, axis=-1):
    d[g] = np.diff(d[result], n, axis)


@register_tangent(runtime.diff_adjoint)
def _(result, g, n=1, axis=-1):
    d[result] = diff_adjoint(d[g], n, axis)


# gradient_along and gradient_adjoint are linear in their first argument and each other's transpose;
# both are proportional to 1/h for a scalar spacing h.
@register_adjoint(runtime.gradient_along)
def _(result, f, spacing, axis, edge_order):
    d[f] = gradient_adjoint(d[result], f, spacing, axis, edge_order)
    d[spacing] = gradient_spacing_adjoint(d[result], result, spacing)


@register_tangent(runtime.gradient_along)
def _(result, f, spacing, axis, edge_order):
    d[result] = gradient_along(d[f], spacing, axis, edge_order) + gradient_spacing_tangent(d[spacing], result, spacing)


@register_adjoint(runtime.gradient_adjoint)
def _(result, g, f, spacing, axis, edge_order):
    d[g] = gradient_along(d[result], spacing, axis, edge_order)
    d[spacing] = gradient_spacing_adjoint(d[result], result, spacing)


@register_tangent(runtime.gradient_adjoint)
def _(result, g, f, spacing, axis, edge_order):
    d[result] = gradient_adjoint(d[g], f, spacing, axis, edge_order) + gradient_spacing_tangent(d[spacing], result,
                                                                                               spacing)


# s = -sum(g * gradient) / h and t = -gradient * dh / h, for a scalar spacing h.
@register_adjoint(runtime.gradient_spacing_adjoint)
def _(result, g, gradient, spacing):
    d[g] = -d[result] * gradient / spacing
    d[gradient] = -d[result] * g / spacing
    d[spacing] = -d[result] * result / spacing


@register_tangent(runtime.gradient_spacing_adjoint)
def _(result, g, gradient, spacing):
    d[result] = -(np.sum(d[g] * gradient) + np.sum(g * d[gradient]) + result * d[spacing]) / spacing


@register_adjoint(runtime.gradient_spacing_tangent)
def _(result, d_spacing, gradient, spacing):
    d[d_spacing] = -np.sum(d[result] * gradient) / spacing
    d[gradient] = -d[result] * d_spacing / spacing
    d[spacing] = -np.sum(d[result] * result) / spacing


@register_tangent(runtime.gradient_spacing_tangent)
def _(result, d_spacing, gradient, spacing):
    d[result] = -(d[gradient] * d_spacing + gradient * d[d_spacing] + result * d[spacing]) / spacing


# The order of the sort is constant where x has no ties.
@register_adjoint(runtime.sort_adjoint)
def _(result, g, x, axis=-1):
    d[g] = sort_tangent(d[result], x, axis)


@register_tangent(runtime.sort_adjoint)
def _(result, g, x, axis=-1):
    d[result] = sort_adjoint(d[g], x, axis)


@register_adjoint(runtime.sort_tangent)
def _(result, dx, x, axis=-1):
    d[dx] = sort_adjoint(d[result], x, axis)


@register_tangent(runtime.sort_tangent)
def _(result, dx, x, axis=-1):
    d[result] = sort_tangent(d[dx], x, axis)


# Evenly spaced samples are linear in their ends and their step.
@register_adjoint(runtime.linspace_adjoint)
def _(result, g, samples, end, num, endpoint, retstep, dtype, axis, of_stop):
    d[g] = linspace_end_tangent(d[result], samples, num, endpoint, retstep, axis, of_stop)


@register_tangent(runtime.linspace_adjoint)
def _(result, g, samples, end, num, endpoint, retstep, dtype, axis, of_stop):
    d[result] = linspace_adjoint(d[g], samples, end, num, endpoint, retstep, dtype, axis, of_stop)


@register_adjoint(runtime.linspace_end_tangent)
def _(result, r, samples, num, endpoint, retstep, axis, of_stop):
    d[r] = linspace_adjoint(d[result], samples, r, num, endpoint, retstep, None, axis, of_stop)


@register_tangent(runtime.linspace_end_tangent)
def _(result, r, samples, num, endpoint, retstep, axis, of_stop):
    d[result] = linspace_end_tangent(d[r], samples, num, endpoint, retstep, axis, of_stop)


# The edges of np.histogram are linear in the samples' extremes.
@register_adjoint(runtime.histogram_edges_adjoint)
def _(result, g, a, bins, range_, edges):
    d[g] = histogram_edges_tangent(d[result], a, bins, range_, edges)


@register_tangent(runtime.histogram_edges_adjoint)
def _(result, g, a, bins, range_, edges):
    d[result] = histogram_edges_adjoint(d[g], a, bins, range_, edges)


@register_adjoint(runtime.histogram_edges_tangent)
def _(result, r, a, bins, range_, edges):
    d[r] = histogram_edges_adjoint(d[result], a, bins, range_, edges)


@register_tangent(runtime.histogram_edges_tangent)
def _(result, r, a, bins, range_, edges):
    d[result] = histogram_edges_tangent(d[r], a, bins, range_, edges)


@register_adjoint(runtime.linspace_tangent)
def _(result, d_start, d_stop, num, endpoint, retstep, dtype, axis, samples=None):
    d[d_start] = linspace_adjoint(d[result], result, d_start, num, endpoint, retstep, dtype, axis, False)
    d[d_stop] = linspace_adjoint(d[result], result, d_stop, num, endpoint, retstep, dtype, axis, True)


@register_tangent(runtime.linspace_tangent)
def _(result, d_start, d_stop, num, endpoint, retstep, dtype, axis, samples=None):
    d[result] = linspace_tangent(d[d_start], d[d_stop], num, endpoint, retstep, dtype, axis, samples)


@register_adjoint(runtime.arange_adjoint)
def _(result, g, samples, stop, of_step):
    d[g] = arange_tangent(d[result] * (not of_step), d[result] * of_step, samples, stop)


@register_tangent(runtime.arange_adjoint)
def _(result, g, samples, stop, of_step):
    d[result] = arange_adjoint(d[g], samples, stop, of_step)


@register_adjoint(runtime.arange_tangent)
def _(result, d_start, d_step, samples, stop):
    d[d_start] = arange_adjoint(d[result], samples, stop, False)
    d[d_step] = arange_adjoint(d[result], samples, stop, True)


@register_tangent(runtime.arange_tangent)
def _(result, d_start, d_step, samples, stop):
    d[result] = arange_tangent(d[d_start], d[d_step], samples, stop)


@register_adjoint(runtime.meshgrid_adjoint)
def _(result, g, x, position, indexing):
    d[g] = grid_spread(d[result], g, position, indexing)


@register_tangent(runtime.meshgrid_adjoint)
def _(result, g, x, position, indexing):
    d[result] = meshgrid_adjoint(d[g], x, position, indexing)


@register_adjoint(runtime.grid_spread)
def _(result, r, g, position, indexing):
    d[r] = meshgrid_adjoint(d[result], r, position, indexing)


@register_tangent(runtime.grid_spread)
def _(result, r, g, position, indexing):
    d[result] = grid_spread(d[r], g, position, indexing)


# ----- Moving elements: the transpose of each helper is the NumPy function it undoes -------------


@register_adjoint(runtime.tile_adjoint)
def _(result, g, x, reps):
    d[g] = np.tile(d[result], reps)


@register_tangent(runtime.tile_adjoint)
def _(result, g, x, reps):
    d[result] = tile_adjoint(d[g], x, reps)


@register_adjoint(runtime.repeat_adjoint)
def _(result, g, x, repeats, axis=None):
    d[g] = np.repeat(d[result], repeats, axis)


@register_tangent(runtime.repeat_adjoint)
def _(result, g, x, repeats, axis=None):
    d[result] = repeat_adjoint(d[g], x, repeats, axis)


@register_adjoint(runtime.take_adjoint)
def _(result, g, x, indices, axis=None, mode="raise"):
    d[g] = np.take(d[result], indices, axis, mode=mode)


@register_tangent(runtime.take_adjoint)
def _(result, g, x, indices, axis=None, mode="raise"):
    d[result] = take_adjoint(d[g], x, indices, axis, mode)


@register_adjoint(runtime.trace_adjoint)
def _(result, g, x, offset=0, axis1=0, axis2=1):
    d[g] = np.trace(d[result], offset, axis1, axis2)


@register_tangent(runtime.trace_adjoint)
def _(result, g, x, offset=0, axis1=0, axis2=1):
    d[result] = trace_adjoint(d[g], x, offset, axis1, axis2)


@register_adjoint(runtime.diagonal_adjoint)
def _(result, g, x, offset=0, axis1=0, axis2=1):
    d[g] = np.diagonal(d[result], offset, axis1, axis2)


@register_tangent(runtime.diagonal_adjoint)
def _(result, g, x, offset=0, axis1=0, axis2=1):
    d[result] = diagonal_adjoint(d[g], x, offset, axis1, axis2)


# np.diag takes the diagonal of a matrix and builds a matrix from a vector: it is its own transpose.
@register_adjoint(runtime.diag_adjoint)
def _(result, g, x, k=0):
    d[g] = np.diag(d[result], k)


@register_tangent(runtime.diag_adjoint)
def _(result, g, x, k=0):
    d[result] = diag_adjoint(d[g], x, k)


# ----- Joining and splitting (adjoints of lists are lists) ----------------------------------------


@register_adjoint(runtime.concatenate_adjoint)
def _(result, g, xs, axis=0):
    d[g] = np.concatenate(tangent_like(d[result], xs), axis)


@register_tangent(runtime.concatenate_adjoint)
def _(result, g, xs, axis=0):
    d[result] = concatenate_adjoint(d[g], xs, axis)


@register_adjoint(runtime.block_adjoint)
def _(result, g, arrays):
    d[g] = np.block(tangent_like(d[result], arrays))


@register_tangent(runtime.block_adjoint)
def _(result, g, arrays):
    d[result] = block_adjoint(d[g], arrays)


# select_adjoint hands g to the choice each entry took: its transpose is np.select of the choices' adjoints.
non_differentiable(runtime.any_condition)


@register_adjoint(runtime.select_adjoint)
def _(result, g, condlist, choicelist):
    d[g] = broadcast_like(np.select(condlist, tangent_like(d[result], choicelist), 0.0), g)


@register_tangent(runtime.select_adjoint)
def _(result, g, condlist, choicelist):
    d[result] = select_adjoint(d[g], condlist, choicelist)


@register_adjoint(runtime.select_tangent)
def _(result, condlist, d_choices, choicelist, d_default, like):
    d[d_choices] = select_adjoint(d[result], condlist, choicelist)
    d[d_default] = unbroadcast(np.where(any_condition(condlist), 0.0, d[result]), d_default)


@register_tangent(runtime.select_tangent)
def _(result, condlist, d_choices, choicelist, d_default, like):
    d[result] = select_tangent(condlist, d[d_choices], choicelist, d[d_default], like)


@register_adjoint(runtime.stack_adjoint)
def _(result, g, xs, axis=0):
    d[g] = np.stack(tangent_like(d[result], xs), axis)


@register_tangent(runtime.stack_adjoint)
def _(result, g, xs, axis=0):
    d[result] = stack_adjoint(d[g], xs, axis)


@register_adjoint(runtime.joined_adjoint)
def _(result, g, xs, promote, axis):
    d[g] = promoted_join(d[result], xs, promote, axis)


@register_tangent(runtime.joined_adjoint)
def _(result, g, xs, promote, axis):
    d[result] = joined_adjoint(d[g], xs, promote, axis)


@register_adjoint(runtime.promoted_join)
def _(result, g, xs, promote, axis):
    d[g] = joined_adjoint(d[result], xs, promote, axis)


@register_tangent(runtime.promoted_join)
def _(result, g, xs, promote, axis):
    d[result] = promoted_join(d[g], xs, promote, axis)


# Each item of g was broadcast to its piece's shape.
@register_adjoint(runtime.split_adjoint)
def _(result, g, pieces, axis=0):
    d[g] = tangent_like_adjoint(concatenate_adjoint(d[result], pieces, axis), g)


@register_tangent(runtime.split_adjoint)
def _(result, g, pieces, axis=0):
    d[result] = split_adjoint(d[g], pieces, axis)


@register_adjoint(runtime.tangent_like)
def _(result, dx, x):
    d[dx] = tangent_like_adjoint(d[result], dx)


@register_tangent(runtime.tangent_like)
def _(result, dx, x):
    d[result] = tangent_like(d[dx], x)


@register_adjoint(runtime.tangent_like_adjoint)
def _(result, g, dx):
    d[g] = tangent_like(d[result], g)


@register_tangent(runtime.tangent_like_adjoint)
def _(result, g, dx):
    d[result] = tangent_like_adjoint(d[g], dx)


# The adjoint of np.array([...]) calls list(); list(x) and tuple(x) hold x's items (the rows of an array).
@register_adjoint(list, tuple)
def _(result, x):
    d[x] = add_adjoints(d[x], gradient_like(tangent_like(d[result], result), x))


@register_tangent(list, tuple)
def _(result, x):
    d[result] = items_tangent(d[x], x)


@register_adjoint(runtime.items_tangent)
def _(result, dx, x):
    d[dx] = add_adjoints(d[dx], gradient_like(tangent_like(d[result], result), x))


@register_tangent(runtime.items_tangent)
def _(result, dx, x):
    d[result] = items_tangent(d[dx], x)


# ----- Products: each adjoint helper is bilinear in g and the other operand ----------------------


# tensordot_adjoint_a(g, a, b) = L_b^T g for L_b: a -> tensordot(a, b), as dot_adjoint_a is for a @ b.
@register_adjoint(runtime.tensordot_adjoint_a)
def _(result, g, a, b, axes=2):
    d[g] = np.tensordot(d[result], b, axes)
    d[b] = tensordot_adjoint_b(g, d[result], b, axes)


@register_tangent(runtime.tensordot_adjoint_a)
def _(result, g, a, b, axes=2):
    d[result] = tensordot_adjoint_a(d[g], a, b, axes) + tensordot_adjoint_a(g, a, d[b], axes)


@register_adjoint(runtime.tensordot_adjoint_b)
def _(result, g, a, b, axes=2):
    d[g] = np.tensordot(a, d[result], axes)
    d[a] = tensordot_adjoint_a(g, a, d[result], axes)


@register_tangent(runtime.tensordot_adjoint_b)
def _(result, g, a, b, axes=2):
    d[result] = tensordot_adjoint_b(d[g], a, b, axes) + tensordot_adjoint_b(g, d[a], b, axes)


# Operand `position` only gives its shape. kron_adjoint_backward(h, g, a, b, k, position) is
# kron_adjoint(g, a, b, position) with operand k (the other one) replaced by h, and 0 when k == position.
@register_adjoint(runtime.kron_adjoint)
def _(result, g, a, b, position):
    d[g] = kron_adjoint_backward(d[result], g, a, b, position, None)
    d[a] = kron_adjoint_backward(d[result], g, a, b, position, 0)
    d[b] = kron_adjoint_backward(d[result], g, a, b, position, 1)


@register_tangent(runtime.kron_adjoint)
def _(result, g, a, b, position):
    d[result] = (kron_adjoint(d[g], a, b, position) + kron_adjoint_backward(d[a], g, a, b, 0, position)
                 + kron_adjoint_backward(d[b], g, a, b, 1, position))


@register_adjoint(runtime.einsum_adjoint)
def _(result, g, subscripts, position, x, y=None, z=None):
    d[g] = einsum_adjoint_backward(d[result], g, subscripts, position, None, x, y, z)
    d[x] = einsum_adjoint_backward(d[result], g, subscripts, position, 0, x, y, z)
    d[y] = einsum_adjoint_backward(d[result], g, subscripts, position, 1, x, y, z)
    d[z] = einsum_adjoint_backward(d[result], g, subscripts, position, 2, x, y, z)


@register_tangent(runtime.einsum_adjoint)
def _(result, g, subscripts, position, x, y=None, z=None):
    d[result] = (einsum_adjoint(d[g], subscripts, position, x, y, z)
                 + einsum_adjoint_tangent(g, subscripts, position, (d[x], d[y], d[z]), (x, y, z)))


@register_adjoint(runtime.einsum_tangent)
def _(result, subscripts, tangents, operands):
    d[tangents] = einsum_tangent_adjoint(d[result], subscripts, tangents, operands, "tangents")
    d[operands] = einsum_tangent_adjoint(d[result], subscripts, tangents, operands, "operands")


@register_tangent(runtime.einsum_tangent)
def _(result, subscripts, tangents, operands):
    d[result] = (einsum_tangent(subscripts, tangent_like(d[tangents], tangents), operands)
                 + einsum_cross(subscripts, tangents, tangent_like(d[operands], operands), operands))


# ----- np.linalg: solve, Cholesky, norms ------------------------------------------------------------
# With lambda = solve(a^T, g): solve_adjoint_b(g, a, b) = lambda, solve_adjoint_a(g, a, b, x) = -lambda x^T
# (both unbroadcast), solve_tangent(da, db, a, b, x) = solve(a, db - da x), and d lambda = -a^-T da^T lambda.


@register_adjoint(runtime.solve_adjoint_b)
def _(result, g, a, b):
    d[g] = solve_tangent(0.0, d[result], a, b, g)
    d[a] = solve_adjoint_a(g, a, b, solve_tangent(0.0, d[result], a, b, g))


@register_tangent(runtime.solve_adjoint_b)
def _(result, g, a, b):
    d[result] = solve_adjoint_b(d[g], a, b) + solve_adjoint_b(solve_adjoint_solution(d[a], g, a, b), a, b)


@register_adjoint(runtime.solve_adjoint_a)
def _(result, g, a, b, solution):
    d[g] = solve_tangent(d[result], 0.0, a, b, solution)
    d[a] = solve_adjoint_a(g, a, b, solve_tangent(d[result], 0.0, a, b, solution))
    d[solution] = solve_adjoint_solution(d[result], g, a, b)


@register_tangent(runtime.solve_adjoint_a)
def _(result, g, a, b, solution):
    d[result] = (solve_adjoint_a(d[g], a, b, solution) + solve_adjoint_a(g, a, b, d[solution])
                 + solve_adjoint_a(solve_adjoint_solution(d[a], g, a, b), a, b, solution))


@register_adjoint(runtime.solve_tangent)
def _(result, da, db, a, b, solution):
    d[da] = solve_adjoint_a(d[result], a, b, solution)
    d[db] = solve_adjoint_b(d[result], a, b)
    d[a] = solve_adjoint_a(d[result], a, b, result)
    d[solution] = solve_adjoint_solution(da, d[result], a, b)


@register_tangent(runtime.solve_tangent)
def _(result, da, db, a, b, solution):
    d[result] = (solve_tangent(d[da], d[db], a, b, solution) + solve_tangent(da, 0.0, a, b, d[solution])
                 + solve_tangent(d[a], 0.0, a, b, result))


# -h^T solve(a^T, g): d solve(a^T, g) = solve(a^T, -da^T solve(a^T, g)).
@register_adjoint(runtime.solve_adjoint_solution)
def _(result, h, g, a, b):
    d[h] = solve_adjoint_a(g, a, b, d[result])
    d[g] = solve_tangent(h, 0.0, a, b, d[result])
    d[a] = solve_adjoint_a(g, a, b, solve_tangent(h, 0.0, a, b, d[result]))


@register_tangent(runtime.solve_adjoint_solution)
def _(result, h, g, a, b):
    d[result] = (solve_adjoint_solution(d[h], g, a, b) + solve_adjoint_solution(h, d[g], a, b)
                 + solve_adjoint_solution(h, solve_adjoint_solution(d[a], g, a, b), a, b))


# cholesky_tangent(dA, L) = L Phi(L^-1 dA L^-T) and cholesky_adjoint(g, L) = sym(L^-T Phi(L^T g) L^-1),
# with d L^-1 = -L^-1 dL L^-1; each is the other's transpose on symmetric matrices.
@register_adjoint(runtime.cholesky_adjoint)
def _(result, g, low):
    d[g] = cholesky_tangent(symmetrized(d[result]), low)
    d[low] = ((g @ np.swapaxes(cholesky_tangent(symmetrized(d[result]), low), -1, -2)
               - 2.0 * result @ symmetrized(d[result])) @ np.swapaxes(np.linalg.inv(low), -1, -2))


@register_tangent(runtime.cholesky_adjoint)
def _(result, g, low):
    d[result] = (cholesky_adjoint(d[g], low)
                 + cholesky_adjoint(np.swapaxes(d[low] @ np.linalg.inv(low), -1, -2) @ g, low)
                 - 2.0 * symmetrized(np.swapaxes(d[low] @ np.linalg.inv(low), -1, -2) @ result))


@register_adjoint(runtime.cholesky_tangent)
def _(result, da, low):
    d[da] = cholesky_adjoint(d[result], low)
    d[low] = ((d[result] @ np.swapaxes(result, -1, -2) - 2.0 * cholesky_adjoint(d[result], low)
               @ np.swapaxes(da, -1, -2)) @ np.swapaxes(np.linalg.inv(low), -1, -2))


@register_tangent(runtime.cholesky_tangent)
def _(result, da, low):
    d[result] = (cholesky_tangent(d[da], low) + d[low] @ np.linalg.solve(low, result)
                 - 2.0 * cholesky_tangent(symmetrized(d[low] @ np.linalg.solve(low, da)), low))


@register_adjoint(runtime.symmetrized)
def _(result, x):
    d[x] = symmetrized(d[result])


@register_tangent(runtime.symmetrized)
def _(result, x):
    d[result] = symmetrized(d[x])


# `norm` is np.linalg.norm(x, ...), so the derivative through it is taken with x's: the norm's Hessian.
@register_adjoint(runtime.norm_adjoint)
def _(result, g, norm, x, ord=None, axis=None, keepdims=False, vector=False):
    d[g] = norm_tangent(d[result], norm, x, ord, axis, keepdims, vector)
    d[x] = norm_hessian_product(g, d[result], norm, x, ord, axis, keepdims, vector)


@register_tangent(runtime.norm_adjoint)
def _(result, g, norm, x, ord=None, axis=None, keepdims=False, vector=False):
    d[result] = (norm_adjoint(d[g], norm, x, ord, axis, keepdims, vector)
                 + norm_hessian_product(g, d[x], norm, x, ord, axis, keepdims, vector))


@register_adjoint(runtime.norm_tangent)
def _(result, dx, norm, x, ord=None, axis=None, keepdims=False, vector=False):
    d[dx] = norm_adjoint(d[result], norm, x, ord, axis, keepdims, vector)
    d[x] = norm_hessian_product(d[result], dx, norm, x, ord, axis, keepdims, vector)


@register_tangent(runtime.norm_tangent)
def _(result, dx, norm, x, ord=None, axis=None, keepdims=False, vector=False):
    d[result] = (norm_tangent(d[dx], norm, x, ord, axis, keepdims, vector)
                 + norm_hessian_form(dx, d[x], norm, x, ord, axis, keepdims, vector))
