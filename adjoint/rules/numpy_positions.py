"""Adjoints and tangents of np.delete, np.insert, np.resize and np.partition, and of the array np.diff
takes the differences of where it is given ends to join (runtime.diff_extended): each element of
their result is an element of an argument (or, for np.insert into an integer array, a value cast to
an integer).

The rules run the call itself on position tags (runtime/positions.py), so they follow NumPy's own
reading of `obj`, `axis` and broadcasting: the adjoint adds each entry of the result's adjoint to
the element it came from, and the tangent is the call on the tangents. np.partition leaves the
order of all but the `kth` elements to its algorithm, so its rules match the result's elements to
the argument's by value instead. Their helpers' derivatives
are in position_helpers.py.
"""
import numpy as np

from adjoint.templates import d
from adjoint.rules.table import register_adjoint, register_tangent
from adjoint import runtime
from adjoint.runtime import (diff_extended_tangent, diff_positions, inserted_value_tags, insert_tangent, kept_tags,
                             position_tags, reordered_tags, tags_gather, tags_scatter, tangent_like, unbroadcast)


@register_adjoint(np.delete)
def _(result, arr, obj, axis=None):
    d[arr] = tags_scatter(d[result], np.delete(position_tags(arr), obj, axis), arr)


@register_tangent(np.delete)
def _(result, arr, obj, axis=None):
    d[result] = np.delete(tangent_like(d[arr], arr), obj, axis)


@register_adjoint(np.insert)
def _(result, arr, obj, values, axis=None):
    d[arr] = tags_scatter(d[result], kept_tags(arr, obj, values, axis), arr)
    d[values] = tags_scatter(d[result], inserted_value_tags(arr, obj, values, axis), values)


@register_tangent(np.insert)
def _(result, arr, obj, values, axis=None):
    d[result] = insert_tangent(d[arr], d[values], arr, obj, values, axis)


# np.resize(a, shape) repeats a's elements, flattened, until the new shape is full.
@register_adjoint(np.resize)
def _(result, a, new_shape):
    d[a] = tags_scatter(d[result], np.resize(position_tags(a), new_shape), a)


@register_tangent(np.resize)
def _(result, a, new_shape):
    d[result] = np.resize(tangent_like(d[a], a), new_shape)


@register_adjoint(np.partition)
def _(result, a, kth, axis=-1, kind="introselect", order=None):
    d[a] = tags_scatter(d[result], reordered_tags(a, result, axis), a)


@register_tangent(np.partition)
def _(result, a, kth, axis=-1, kind="introselect", order=None):
    d[result] = tags_gather(d[a], reordered_tags(a, result, axis))


@register_adjoint(runtime.diff_extended)
def _(result, x, axis, prepend, append, given):
    d[x] = np.take(d[result], diff_positions(x, axis, prepend, append, given, 1), axis)
    d[prepend] = unbroadcast(np.take(d[result], diff_positions(x, axis, prepend, append, given, 0), axis), prepend)
    d[append] = unbroadcast(np.take(d[result], diff_positions(x, axis, prepend, append, given, 2), axis), append)


@register_tangent(runtime.diff_extended)
def _(result, x, axis, prepend, append, given):
    d[result] = diff_extended_tangent(d[x], d[prepend], d[append], x, axis, prepend, append, given)


@register_adjoint(runtime.diff_extended_tangent)
def _(result, dx, dprepend, dappend, x, axis, prepend, append, given):
    d[dx] = unbroadcast(np.take(d[result], diff_positions(x, axis, prepend, append, given, 1), axis), dx)
    d[dprepend] = unbroadcast(np.take(d[result], diff_positions(x, axis, prepend, append, given, 0), axis), dprepend)
    d[dappend] = unbroadcast(np.take(d[result], diff_positions(x, axis, prepend, append, given, 2), axis), dappend)


@register_tangent(runtime.diff_extended_tangent)
def _(result, dx, dprepend, dappend, x, axis, prepend, append, given):
    d[result] = diff_extended_tangent(d[dx], d[dprepend], d[dappend], x, axis, prepend, append, given)


# A read-only view whose windows overlap: each element of x is in every window that covers it,
# and its adjoint adds theirs.
@register_adjoint(np.lib.stride_tricks.sliding_window_view)
def _(result, x, window_shape, axis=None, subok=False, writeable=False):
    d[x] = tags_scatter(d[result], np.lib.stride_tricks.sliding_window_view(position_tags(x), window_shape, axis), x)


@register_tangent(np.lib.stride_tricks.sliding_window_view)
def _(result, x, window_shape, axis=None, subok=False, writeable=False):
    d[result] = np.lib.stride_tricks.sliding_window_view(tangent_like(d[x], x), window_shape, axis)
