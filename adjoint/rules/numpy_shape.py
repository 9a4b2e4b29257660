"""Adjoints and tangents of NumPy functions that move elements around: construction, reshaping,
joining and splitting, reordering, repeating, indexing.

The adjoint of a function that moves elements puts each element's adjoint back where it came
from; its tangent is the same function applied to the tangent.
"""
import numpy as np

from adjoint.rules.table import register_adjoint, register_tangent
from adjoint.runtime import (
    scalar_base_or_refuse,
    add_adjoints, arange_adjoint, arange_tangent, block_adjoint, broadcast_like, column, concatenate_adjoint, item_adjoint,
    joined_adjoint, linspace_adjoint, linspace_end_tangent, linspace_tangent, memory_order, meshgrid_adjoint,
    repeat_adjoint, reshape_like, sort_adjoint, sort_tangent, split_adjoint, stack_adjoint, stored_derivative, take_adjoint, tangent_like,
    tile_adjoint, transpose_adjoint, unbroadcast, zeros_like,
)
from adjoint.templates import d

# ----- Construction ------------------------------------------------------------------


# An array of integers or booleans made of floats truncates (or tests) them: no derivative
# (stored_derivative); its tangent is of the float dtype zeros_like gives, not truncated itself.
@register_adjoint(np.array, np.asarray)
def _(result, x, dtype=None):
    d[x] = add_adjoints(d[x], list(stored_derivative(d[result], result, x)) if isinstance(x, (list, tuple))
                        else stored_derivative(d[result], result, x))


@register_tangent(np.array, np.asarray)
def _(result, x, dtype=None):
    d[result] = stored_derivative(np.array(tangent_like(d[x], x), dtype=zeros_like(result).dtype), result, x)


@register_adjoint(np.copy)
def _(result, x):
    d[x] = reshape_like(d[result], x)


@register_tangent(np.copy)
def _(result, x):
    d[result] = np.copy(d[x])


@register_adjoint(np.full)
def _(result, shape, fill_value, dtype=None):
    d[fill_value] = unbroadcast(stored_derivative(d[result], result, fill_value), fill_value)


@register_tangent(np.full)
def _(result, shape, fill_value, dtype=None):
    d[result] = stored_derivative(np.full(shape, d[fill_value], dtype=zeros_like(result).dtype), result, fill_value)


@register_adjoint(np.full_like)
def _(result, x, fill_value, dtype=None):
    d[fill_value] = unbroadcast(stored_derivative(d[result], result, fill_value), fill_value)


@register_tangent(np.full_like)
def _(result, x, fill_value, dtype=None):
    d[result] = stored_derivative(np.full_like(zeros_like(result), d[fill_value]), result, fill_value)


@register_adjoint(np.linspace)
def _(result, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    d[start] = linspace_adjoint(d[result], result, start, num, endpoint, retstep, dtype, axis, False)
    d[stop] = linspace_adjoint(d[result], result, stop, num, endpoint, retstep, dtype, axis, True)


@register_tangent(np.linspace)
def _(result, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    d[result] = linspace_tangent(d[start], d[stop], num, endpoint, retstep, dtype, axis, result)


# Sample k of np.geomspace is start^(1 - w_k) stop^w_k, w_k as np.linspace's: d/dstart is
# (1 - w_k) result_k / start, d/dstop is w_k result_k / stop (start is the same along the axes
# where it is broadcast, so it divides after the sum).
@register_adjoint(np.geomspace)
def _(result, start, stop, num=50, endpoint=True, dtype=None, axis=0):
    d[start] = linspace_adjoint(d[result] * result, result, start, num, endpoint, False, dtype, axis, False) / start
    d[stop] = linspace_adjoint(d[result] * result, result, stop, num, endpoint, False, dtype, axis, True) / stop


@register_tangent(np.geomspace)
def _(result, start, stop, num=50, endpoint=True, dtype=None, axis=0):
    d[result] = result * (linspace_end_tangent(d[start] / start, result, num, endpoint, False, axis, False)
                          + linspace_end_tangent(d[stop] / stop, result, num, endpoint, False, axis, True))


# Sample k of np.logspace is base^y_k, y = np.linspace(start, stop, ...): d/dy_k is result_k ln(base),
# d/dbase is result_k y_k / base (one base: an array of them is refused).
@register_adjoint(np.logspace)
def _(result, start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    d[start] = linspace_adjoint(d[result] * result * (np.log(base) + scalar_base_or_refuse(base)), result, start, num,
                                endpoint, False, dtype, axis, False)
    d[stop] = linspace_adjoint(d[result] * result * (np.log(base) + scalar_base_or_refuse(base)), result, stop, num,
                               endpoint, False, dtype, axis, True)
    d[base] = np.sum(stored_derivative(d[result], result, base) * result
                     * np.linspace(start, stop, num, endpoint, axis=axis)) / (base + scalar_base_or_refuse(base))


@register_tangent(np.logspace)
def _(result, start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    d[result] = result * ((np.log(base) + scalar_base_or_refuse(base))
                          * (linspace_end_tangent(d[start], result, num, endpoint, False, axis, False)
                             + linspace_end_tangent(d[stop], result, num, endpoint, False, axis, True))
                          + stored_derivative(np.linspace(start, stop, num, endpoint, axis=axis), result, base)
                          * d[base] / base)


@register_adjoint(np.arange)
def _(result, start, stop=None, step=None, dtype=None):
    d[start] = arange_adjoint(d[result], result, stop, False)
    d[step] = arange_adjoint(d[result], result, stop, True)


@register_tangent(np.arange)
def _(result, start, stop=None, step=None, dtype=None):
    d[result] = arange_tangent(d[start], d[step], result, stop)


# Two inputs (the common `X, Y = np.meshgrid(x, y)`); a grid's entries are the inputs' own.
@register_adjoint(np.meshgrid)
def _(result, x, y, indexing="xy", sparse=False, copy=True):
    d[x] = meshgrid_adjoint(broadcast_like(item_adjoint(d[result], 0), result[0]), x, 0, indexing)
    d[y] = meshgrid_adjoint(broadcast_like(item_adjoint(d[result], 1), result[1]), y, 1, indexing)


@register_tangent(np.meshgrid)
def _(result, x, y, indexing="xy", sparse=False, copy=True):
    d[result] = np.meshgrid(tangent_like(d[x], x), tangent_like(d[y], y), indexing=indexing, sparse=sparse)


# ----- Reshaping ----------------------------------------------------------------------


# order 'F' (or 'A' of an array laid out so) reads and writes the elements column first: the
# adjoint reshapes back in the same order (memory_order: the order the call used, of x).
@register_adjoint(np.reshape)
def _(result, x, shape, order="C"):
    d[x] = reshape_like(np.reshape(d[result], np.shape(x), order=memory_order(order, x)), x)


@register_tangent(np.reshape)
def _(result, x, shape, order="C"):
    d[result] = np.reshape(d[x], shape, order=memory_order(order, x))


@register_adjoint(np.ravel)
def _(result, x, order="C"):
    d[x] = reshape_like(np.reshape(d[result], np.shape(x), order=memory_order(order, x)), x)


@register_tangent(np.ravel)
def _(result, x, order="C"):
    d[result] = np.ravel(d[x], order=memory_order(order, x))


@register_adjoint(np.squeeze)
def _(result, x, axis=None):
    d[x] = reshape_like(d[result], x)


@register_tangent(np.squeeze)
def _(result, x, axis=None):
    d[result] = np.squeeze(d[x], axis)


@register_adjoint(np.expand_dims)
def _(result, x, axis):
    d[x] = reshape_like(d[result], x)


@register_tangent(np.expand_dims)
def _(result, x, axis):
    d[result] = np.expand_dims(d[x], axis)


@register_adjoint(np.atleast_1d, np.atleast_2d, np.atleast_3d)
def _(result, x):
    d[x] = reshape_like(d[result], x)


@register_tangent(np.atleast_1d)
def _(result, x):
    d[result] = np.atleast_1d(d[x])


@register_tangent(np.atleast_2d)
def _(result, x):
    d[result] = np.atleast_2d(d[x])


@register_tangent(np.atleast_3d)
def _(result, x):
    d[result] = np.atleast_3d(d[x])


@register_adjoint(np.broadcast_to)
def _(result, x, shape):
    d[x] = unbroadcast(d[result], x)


@register_tangent(np.broadcast_to)
def _(result, x, shape):
    d[result] = np.broadcast_to(d[x], shape)


# ----- Reordering axes -----------------------------------------------------------------


@register_adjoint(np.transpose)
def _(result, x, axes=None):
    d[x] = transpose_adjoint(d[result], axes)


@register_tangent(np.transpose)
def _(result, x, axes=None):
    d[result] = np.transpose(d[x], axes)


@register_adjoint(np.swapaxes)
def _(result, x, axis1, axis2):
    d[x] = np.swapaxes(d[result], axis1, axis2)


@register_tangent(np.swapaxes)
def _(result, x, axis1, axis2):
    d[result] = np.swapaxes(d[x], axis1, axis2)


@register_adjoint(np.moveaxis)
def _(result, x, source, destination):
    d[x] = np.moveaxis(d[result], destination, source)


@register_tangent(np.moveaxis)
def _(result, x, source, destination):
    d[result] = np.moveaxis(d[x], source, destination)


# ----- Reordering elements ---------------------------------------------------------------


@register_adjoint(np.flip)
def _(result, x, axis=None):
    d[x] = np.flip(d[result], axis)


@register_tangent(np.flip)
def _(result, x, axis=None):
    d[result] = np.flip(d[x], axis)


@register_adjoint(np.fliplr)
def _(result, x):
    d[x] = np.fliplr(d[result])


@register_tangent(np.fliplr)
def _(result, x):
    d[result] = np.fliplr(d[x])


@register_adjoint(np.flipud)
def _(result, x):
    d[x] = np.flipud(d[result])


@register_tangent(np.flipud)
def _(result, x):
    d[result] = np.flipud(d[x])


@register_adjoint(np.rot90)
def _(result, x, k=1, axes=(0, 1)):
    d[x] = np.rot90(d[result], -k, axes)


@register_tangent(np.rot90)
def _(result, x, k=1, axes=(0, 1)):
    d[result] = np.rot90(d[x], k, axes)


@register_adjoint(np.roll)
def _(result, x, shift, axis=None):
    d[x] = np.roll(d[result], np.negative(shift), axis)


@register_tangent(np.roll)
def _(result, x, shift, axis=None):
    d[result] = np.roll(d[x], shift, axis)


@register_adjoint(np.sort)
def _(result, x, axis=-1):
    d[x] = sort_adjoint(d[result], x, axis)


@register_tangent(np.sort)
def _(result, x, axis=-1):
    d[result] = sort_tangent(d[x], x, axis)


# ----- Triangles ----------------------------------------------------------------------------


@register_adjoint(np.triu)
def _(result, x, k=0):
    d[x] = np.triu(d[result], k)


@register_tangent(np.triu)
def _(result, x, k=0):
    d[result] = np.triu(d[x], k)


@register_adjoint(np.tril)
def _(result, x, k=0):
    d[x] = np.tril(d[result], k)


@register_tangent(np.tril)
def _(result, x, k=0):
    d[result] = np.tril(d[x], k)


# ----- Joining (the arrays come in a list: the adjoint is a list) ------------------------------


@register_adjoint(np.concatenate)
def _(result, xs, axis=0):
    d[xs] = concatenate_adjoint(d[result], xs, axis)


@register_tangent(np.concatenate)
def _(result, xs, axis=0):
    d[result] = np.concatenate(tangent_like(d[xs], xs), axis)


@register_adjoint(np.stack)
def _(result, xs, axis=0):
    d[xs] = stack_adjoint(d[result], xs, axis)


@register_tangent(np.stack)
def _(result, xs, axis=0):
    d[result] = np.stack(tangent_like(d[xs], xs), axis)


# np.block joins nested lists, the innermost along the last axis: the adjoint is the nested list
# of the parts of g each array became.
@register_adjoint(np.block)
def _(result, arrays):
    d[arrays] = block_adjoint(d[result], arrays)


@register_tangent(np.block)
def _(result, arrays):
    d[result] = np.block(tangent_like(d[arrays], arrays))


@register_adjoint(np.vstack)
def _(result, xs):
    d[xs] = joined_adjoint(d[result], xs, np.atleast_2d, 0)


@register_tangent(np.vstack)
def _(result, xs):
    d[result] = np.vstack(tangent_like(d[xs], xs))


@register_adjoint(np.hstack)
def _(result, xs):
    d[xs] = joined_adjoint(d[result], xs, np.atleast_1d, 1 if np.ndim(result) > 1 else 0)


@register_tangent(np.hstack)
def _(result, xs):
    d[result] = np.hstack(tangent_like(d[xs], xs))


@register_adjoint(np.dstack)
def _(result, xs):
    d[xs] = joined_adjoint(d[result], xs, np.atleast_3d, 2)


@register_tangent(np.dstack)
def _(result, xs):
    d[result] = np.dstack(tangent_like(d[xs], xs))


@register_adjoint(np.column_stack)
def _(result, xs):
    d[xs] = joined_adjoint(d[result], xs, column, 1)


@register_tangent(np.column_stack)
def _(result, xs):
    d[result] = np.column_stack(tangent_like(d[xs], xs))


# ----- Splitting (the result is a list: its adjoint is a list) ------------------------------------


@register_adjoint(np.split, np.array_split)
def _(result, x, indices_or_sections, axis=0):
    d[x] = split_adjoint(d[result], result, axis)


@register_tangent(np.split)
def _(result, x, indices_or_sections, axis=0):
    d[result] = np.split(d[x], indices_or_sections, axis)


@register_tangent(np.array_split)
def _(result, x, indices_or_sections, axis=0):
    d[result] = np.array_split(d[x], indices_or_sections, axis)


@register_adjoint(np.vsplit)
def _(result, x, indices_or_sections):
    d[x] = split_adjoint(d[result], result, 0)


@register_tangent(np.vsplit)
def _(result, x, indices_or_sections):
    d[result] = np.vsplit(d[x], indices_or_sections)


@register_adjoint(np.hsplit)
def _(result, x, indices_or_sections):
    d[x] = split_adjoint(d[result], result, 1 if np.ndim(x) > 1 else 0)


@register_tangent(np.hsplit)
def _(result, x, indices_or_sections):
    d[result] = np.hsplit(d[x], indices_or_sections)


# ----- Repeating ------------------------------------------------------------------------------


@register_adjoint(np.tile)
def _(result, x, reps):
    d[x] = tile_adjoint(d[result], x, reps)


@register_tangent(np.tile)
def _(result, x, reps):
    d[result] = np.tile(d[x], reps)


@register_adjoint(np.repeat)
def _(result, x, repeats, axis=None):
    d[x] = repeat_adjoint(d[result], x, repeats, axis)


@register_tangent(np.repeat)
def _(result, x, repeats, axis=None):
    d[result] = np.repeat(d[x], repeats, axis)


# ----- Indexing (subscripts `x[i]` are in operators.py) ------------------------------------------


@register_adjoint(np.take)
def _(result, x, indices, axis=None, out=None, mode="raise"):
    d[x] = take_adjoint(d[result], x, indices, axis, mode)


@register_tangent(np.take)
def _(result, x, indices, axis=None, out=None, mode="raise"):
    d[result] = np.take(d[x], indices, axis, mode=mode)


# diagflat(v, k) = diag(ravel(v), k): the adjoint reads the k-th diagonal back in v's shape.
@register_adjoint(np.diagflat)
def _(result, v, k=0):
    d[v] = reshape_like(np.diag(d[result], k), v)


@register_tangent(np.diagflat)
def _(result, v, k=0):
    d[result] = np.diagflat(d[v], k)


# vander(x, N): column j is x^(N-1-j), whose slope (N-1-j) x^(N-2-j) is column j+1 times N-1-j
# (the last column, x^0, has none); increasing=True: column j is x^j, whose slope is column j-1 times j.
@register_adjoint(np.vander)
def _(result, x, N=None, increasing=False):
    d[x] = (np.sum(d[result][:, 1:] * result[:, :-1] * np.arange(1, np.shape(result)[1]), axis=1) if increasing
            else np.sum(d[result][:, :-1] * result[:, 1:] * np.arange(np.shape(result)[1] - 1, 0, -1), axis=1))


@register_tangent(np.vander)
def _(result, x, N=None, increasing=False):
    d[result] = np.expand_dims(d[x], 1) * (
        np.pad(result[:, :-1] * np.arange(1, np.shape(result)[1]), ((0, 0), (1, 0))) if increasing
        else np.pad(result[:, 1:] * np.arange(np.shape(result)[1] - 1, 0, -1), ((0, 0), (0, 1))))
