"""Derivatives of the helpers the transformer emits, so that derivatives can be differentiated again.

grad(grad(f)), jvp(grad(f)) and hvp differentiate code that calls unbroadcast, add_at, ...;
each helper is linear in the adjoint it carries, so its rules are short: its transpose is
usually another helper. The helpers of the NumPy rules have theirs in numpy_helpers.py.
"""
import numpy as np

from adjoint import runtime
from adjoint.rules.table import non_differentiable, register_adjoint, register_tangent
from adjoint.runtime import (
    add_adjoints, add_at, append_tangent, array_tangent, broadcast_like, copied_tangent, kept_value, dot_adjoint_a,
    dot_adjoint_b, field_index, gradient_like, item_adjoint, item_adjoint_backward, key_removed, key_zeroed,
    list_concat_tangent,
    listed_tangent, list_repeat_adjoint, list_repeat_tangent, pop_adjoint, pop_tangent, pow_exponent_adjoint,
    pow_log_slope, record_adjoint, record_tangent, record_tangent_adjoint, saved_item_adjoint, saved_item_tangent,
    scatter_multiply_adjoint, scatter_multiply_tangent, set_at, shaped_zero, slope_or_zero_like,
    sorted_adjoint, sorted_tangent, stored_derivative, sum_adjoint, sum_tangent, tangent_like, tangent_like_adjoint,
    transpose_adjoint, transposed_adjoint, transposed_tangent, unbroadcast, unreduce, written_adjoint,
    written_adjoint_backward, zero_at,
)
from adjoint.templates import d

non_differentiable(runtime.unit_seed, runtime.sign, runtime.zeros_like, runtime.clip_mask, runtime.inner_axes,
                   runtime.lists_apart, runtime.drop_if_absent, runtime.kept_positions,
                   runtime.deleted_span,
                   runtime.reached, runtime.shape_only, runtime.arguments_apart_or_refuse,
                   runtime.outside_apart_or_refuse,
                   runtime.sorted_positions, runtime.extreme_position, runtime.keyed_positions,
                   runtime.keyed_extreme, runtime.islice_positions, runtime.pooled_columns,
                   runtime.heap_positions, runtime.zip_lengths_or_raise, runtime.zip_pulls, runtime.islice_pulls,
                   runtime.counted_or_raise,
                   runtime.initial_or_refuse, runtime.spread_key, runtime.immutable_field_or_refuse,
                   runtime.list_or_refuse, runtime.list_method_or_refuse, runtime.array_or_refuse,
                   runtime.bitwise_operand_or_refuse, runtime.arithmetic_operand_or_refuse, runtime.dict_or_refuse, runtime.absent_or_refuse,
                   runtime.array_method_or_refuse, runtime.diagonal_positions, runtime.memory_order,
                   runtime.check_recomputed_value, runtime.check_recomputed_step, runtime.piecewise_conditions,
                   runtime.along_axis_count, runtime.along_axis_placement)

# shaped_zero(g, x) is g (zeros in x's shape for the symbolic zero): linear in g.
@register_adjoint(runtime.shaped_zero)
def _(result, g, x):
    d[g] = unbroadcast(d[result], g)


@register_tangent(runtime.shaped_zero)
def _(result, g, x):
    d[result] = shaped_zero(d[g], x)


# ----- Records built in the function (normalize/records.py) ------------------------------


@register_adjoint(runtime.make_record)
def _(result, items, cls):
    d[items] = record_adjoint(d[result])


@register_tangent(runtime.make_record)
def _(result, items, cls):
    d[result] = record_tangent(d[items], items)


@register_adjoint(runtime.record_tangent)
def _(result, d_items, items):
    d[d_items] = record_tangent_adjoint(d[result], d_items)


@register_tangent(runtime.record_tangent)
def _(result, d_items, items):
    d[result] = record_tangent(d[d_items], items)


@register_adjoint(runtime.record_tangent_adjoint)
def _(result, g, d_items):
    d[g] = record_tangent(d[result], g)


@register_tangent(runtime.record_tangent_adjoint)
def _(result, g, d_items):
    d[result] = record_tangent_adjoint(d[g], d_items)


@register_adjoint(runtime.replaced)
def _(result, record, name, value):
    d[record] = zero_at(d[result], record, field_index(record, name))
    d[value] = item_adjoint(d[result], field_index(record, name), record)


@register_tangent(runtime.replaced)
def _(result, record, name, value):
    d[result] = set_at(d[record], record, field_index(record, name), d[value])


@register_adjoint(runtime.updated_record)
def _(result, pair, cls):
    d[pair] = add_at(0.0, pair, 0, d[result])


@register_tangent(runtime.updated_record)
def _(result, pair, cls):
    d[result] = item_adjoint(d[pair], 0, pair)


# ----- Items written into a dict built in the function (normalize/dict_writes.py) --------


@register_adjoint(runtime.with_item)
def _(result, mapping, key, value):
    d[mapping] = zero_at(d[result], result, key)
    d[value] = item_adjoint(d[result], key, result)


@register_tangent(runtime.with_item)
def _(result, mapping, key, value):
    d[result] = set_at(d[mapping], result, key, d[value])


@register_adjoint(runtime.without_key)
def _(result, mapping, key):
    d[mapping] = key_zeroed(d[result], key)


@register_tangent(runtime.without_key)
def _(result, mapping, key):
    d[result] = key_removed(d[mapping], key)


@register_adjoint(runtime.key_removed)
def _(result, dx, key):
    d[dx] = key_zeroed(d[result], key)


@register_tangent(runtime.key_removed)
def _(result, dx, key):
    d[result] = key_removed(d[dx], key)


@register_adjoint(runtime.key_zeroed)
def _(result, g, key):
    d[g] = key_removed(d[result], key)


@register_tangent(runtime.key_zeroed)
def _(result, g, key):
    d[result] = key_zeroed(d[g], key)


# ----- Columns of a list of lists or of a 2-D array: zip(*rows) (normalize/python_forms.py) ------


@register_adjoint(runtime.transposed)
def _(result, rows):
    d[rows] = transposed_adjoint(d[result], rows)


@register_tangent(runtime.transposed)
def _(result, rows):
    d[result] = transposed_tangent(d[rows], rows)


@register_adjoint(runtime.transposed_adjoint)
def _(result, g, rows):
    d[g] = transposed_tangent(d[result], rows)


@register_tangent(runtime.transposed_adjoint)
def _(result, g, rows):
    d[result] = transposed_adjoint(d[g], rows)


@register_adjoint(runtime.transposed_tangent)
def _(result, d_rows, rows):
    d[d_rows] = transposed_adjoint(d[result], rows)


@register_tangent(runtime.transposed_tangent)
def _(result, d_rows, rows):
    d[result] = transposed_tangent(d[d_rows], rows)


@register_adjoint(runtime.record_adjoint)
def _(result, dr):
    d[dr] = d[result]


@register_tangent(runtime.record_adjoint)
def _(result, dr):
    d[result] = record_adjoint(d[dr])


# ----- Shape bookkeeping --------------------------------------------------------------


@register_adjoint(runtime.unbroadcast)
def _(result, g, x):
    d[g] = unbroadcast(d[result], g)  # unbroadcast sums g's broadcast axes and broadcasts its missing ones


@register_tangent(runtime.unbroadcast)
def _(result, g, x):
    d[result] = unbroadcast(d[g], x)


@register_adjoint(runtime.broadcast_like)
def _(result, g, target):
    d[g] = unbroadcast(d[result], g)


@register_tangent(runtime.broadcast_like)
def _(result, g, target):
    d[result] = broadcast_like(d[g], target)


@register_adjoint(runtime.unreduce)
def _(result, g, x, axis=None, keepdims=False):
    d[g] = unbroadcast(np.sum(d[result], axis=axis, keepdims=keepdims), g)


@register_tangent(runtime.unreduce)
def _(result, g, x, axis=None, keepdims=False):
    d[result] = unreduce(d[g], x, axis, keepdims)


@register_adjoint(runtime.gradient_like)
def _(result, g, x):
    d[g] = unbroadcast(d[result], g)


@register_tangent(runtime.gradient_like)
def _(result, g, x):
    d[result] = gradient_like(d[g], x)


# with_fingerprint(v) is (v, a fingerprint of v): the fingerprint, numbers about v's value that a
# second run of a function marked adjoint.checkpoint is checked against, passes no derivative on.
@register_adjoint(runtime.with_fingerprint)
def _(result, value):
    d[value] = item_adjoint(d[result], 0)


@register_tangent(runtime.with_fingerprint)
def _(result, value):
    d[result] = (d[value], 0.0)


@register_adjoint(runtime.snapshot)
def _(result, x):
    d[x] = d[result]


@register_tangent(runtime.snapshot)
def _(result, x):
    d[result] = d[x]


# What a write by key overwrites, saved for the adjoint sweep (ad/saved_values.py).
@register_adjoint(runtime.saved_item)
def _(result, container, key):
    d[container] = saved_item_adjoint(d[container], container, key, d[result])


@register_tangent(runtime.saved_item)
def _(result, container, key):
    d[result] = saved_item_tangent(d[container], container, key)


# saved_item's derivatives are linear in the derivatives they are given, each the other's transpose.
@register_adjoint(runtime.saved_item_tangent)
def _(result, dc, container, key):
    d[dc] = saved_item_adjoint(d[dc], container, key, d[result])


@register_tangent(runtime.saved_item_tangent)
def _(result, dc, container, key):
    d[result] = saved_item_tangent(d[dc], container, key)


@register_adjoint(runtime.saved_item_adjoint)
def _(result, dc, container, key, g):
    d[dc] = add_adjoints(d[dc], d[result])
    d[g] = add_adjoints(d[g], saved_item_tangent(d[result], container, key))


@register_tangent(runtime.saved_item_adjoint)
def _(result, dc, container, key, g):
    d[result] = saved_item_adjoint(d[dc], container, key, d[g])


# The value a derivative returns, copied apart from what its adjoint sweep puts back (ad/gradient.py).
@register_adjoint(runtime.kept_value)
def _(result, x):
    d[x] = add_adjoints(d[x], d[result])


@register_tangent(runtime.kept_value)
def _(result, x):
    d[result] = kept_value(d[x])


# `x.copy()` is rewritten to runtime.copied(x): an array's, a list's or a dict's copy, whose adjoint
# is the copy's (lists and dicts item by item).
@register_adjoint(runtime.copied)
def _(result, x, order=None):
    d[x] = add_adjoints(d[x], d[result])


@register_tangent(runtime.copied)
def _(result, x, order=None):
    d[result] = copied_tangent(d[x])


@register_adjoint(runtime.copied_tangent)
def _(result, dx):
    d[dx] = add_adjoints(d[dx], d[result])


@register_tangent(runtime.copied_tangent)
def _(result, dx):
    d[result] = copied_tangent(d[dx])


# `x.tolist()` is rewritten to runtime.listed(x): the array's items in lists, as list(x) holds them.
@register_adjoint(runtime.listed)
def _(result, x):
    d[x] = add_adjoints(d[x], gradient_like(tangent_like(d[result], result), x))


@register_tangent(runtime.listed)
def _(result, x):
    d[result] = listed_tangent(d[x], x)


@register_adjoint(runtime.listed_tangent)
def _(result, dx, x):
    d[dx] = add_adjoints(d[dx], gradient_like(tangent_like(d[result], result), x))


@register_tangent(runtime.listed_tangent)
def _(result, dx, x):
    d[result] = listed_tangent(d[dx], x)


# A list's tangent as the array a NumPy function makes of the list (forward mode, ad/forward.py).
@register_adjoint(runtime.array_tangent)
def _(result, dx, x):
    d[dx] = add_adjoints(d[dx], tangent_like_adjoint(d[result], dx))


@register_tangent(runtime.array_tangent)
def _(result, dx, x):
    d[result] = array_tangent(d[dx], x)


@register_adjoint(runtime.transpose_adjoint)
def _(result, g, axes=None):
    d[g] = np.transpose(d[result], axes)


@register_tangent(runtime.transpose_adjoint)
def _(result, g, axes=None):
    d[result] = transpose_adjoint(d[g], axes)


# ----- Containers of adjoints --------------------------------------------------------------


@register_adjoint(runtime.add_at)
def _(result, total, x, index, value):
    d[total] = unbroadcast(d[result], total)
    d[value] = unbroadcast(item_adjoint(d[result], index, x), value)


@register_tangent(runtime.add_at)
def _(result, total, x, index, value):
    d[result] = add_at(d[total], x, index, d[value])


@register_adjoint(runtime.zero_at)
def _(result, total, x, index):
    d[total] = zero_at(d[result], x, index)


@register_tangent(runtime.zero_at)
def _(result, total, x, index):
    d[result] = zero_at(d[total], x, index)


@register_adjoint(runtime.item_adjoint)
def _(result, container, index, x=None):
    d[container] = item_adjoint_backward(d[container], container, index, x, d[result])


@register_tangent(runtime.item_adjoint)
def _(result, container, index, x=None):
    d[result] = item_adjoint(d[container], index, x)


@register_adjoint(runtime.written_adjoint)
def _(result, container, index, x):
    d[container] = written_adjoint_backward(d[container], container, index, x, d[result])


@register_tangent(runtime.written_adjoint)
def _(result, container, index, x):
    d[result] = written_adjoint(d[container], index, x)


@register_adjoint(runtime.stored_derivative)
def _(result, g, x, value):
    d[g] = stored_derivative(d[result], x, value)


@register_tangent(runtime.stored_derivative)
def _(result, g, x, value):
    d[result] = stored_derivative(d[g], x, value)


@register_adjoint(runtime.written_adjoint_backward)
def _(result, total, container, index, x, g):
    d[total] = d[result]
    d[g] = written_adjoint(d[result], index, x)


@register_tangent(runtime.written_adjoint_backward)
def _(result, total, container, index, x, g):
    d[result] = written_adjoint_backward(d[total], container, index, x, d[g])


@register_adjoint(runtime.scatter_add)
def _(result, x, index, value):
    d[x] = d[result]
    d[value] = unbroadcast(item_adjoint(d[result], index, x), value)


@register_tangent(runtime.scatter_add)
def _(result, x, index, value):
    d[result] = add_at(d[x], x, index, d[value])


# np.multiply.at (runtime/products.py): first order (the helpers of these rules have none of their own).
@register_adjoint(runtime.scatter_multiply)
def _(result, x, index, value):
    d[x] = scatter_multiply_adjoint(d[result], x, index, value, "x")
    d[value] = unbroadcast(scatter_multiply_adjoint(d[result], x, index, value, "value"), value)


@register_tangent(runtime.scatter_multiply)
def _(result, x, index, value):
    d[result] = scatter_multiply_tangent(d[x], d[value], x, index, value)


# ----- Lists and tuples joined by `+` and repeated by `*` -------------------------------------


@register_adjoint(runtime.list_concat)
def _(result, x, y):
    d[x] = item_adjoint(d[result], slice(0, len(x)))
    d[y] = item_adjoint(d[result], slice(len(x), None))


@register_tangent(runtime.list_concat)
def _(result, x, y):
    d[result] = list_concat_tangent(d[x], d[y], x, y)


@register_adjoint(runtime.list_repeat)
def _(result, x, y):
    d[x] = list_repeat_adjoint(d[result], x, y)
    d[y] = list_repeat_adjoint(d[result], y, x)


@register_tangent(runtime.list_repeat)
def _(result, x, y):
    d[result] = list_repeat_tangent(d[x], d[y], x, y)


@register_adjoint(runtime.list_concat_tangent)
def _(result, dx, dy, x, y):
    d[dx] = item_adjoint(d[result], slice(0, len(x)))
    d[dy] = item_adjoint(d[result], slice(len(x), None))


@register_tangent(runtime.list_concat_tangent)
def _(result, dx, dy, x, y):
    d[result] = list_concat_tangent(d[dx], d[dy], x, y)


@register_adjoint(runtime.list_repeat_tangent)
def _(result, dx, dy, x, y):
    d[dx] = list_repeat_adjoint(d[result], x, y)
    d[dy] = list_repeat_adjoint(d[result], y, x)


@register_tangent(runtime.list_repeat_tangent)
def _(result, dx, dy, x, y):
    d[result] = list_repeat_tangent(d[dx], d[dy], x, y)


# list_repeat_adjoint sums the copies of part; its transpose repeats (only where part is the list).
@register_adjoint(runtime.list_repeat_adjoint)
def _(result, g, part, other):
    d[g] = list_repeat_tangent(d[result], 0.0, part, other)


@register_tangent(runtime.list_repeat_adjoint)
def _(result, g, part, other):
    d[result] = list_repeat_adjoint(d[g], part, other)


@register_adjoint(runtime.add_adjoints)
def _(result, a, b):
    d[a] = d[result]
    d[b] = d[result]


@register_tangent(runtime.add_adjoints)
def _(result, a, b):
    d[result] = add_adjoints(d[a], d[b])


@register_adjoint(runtime.item_adjoint_backward)
def _(result, total, container, index, x, g):
    d[total] = d[result]
    d[g] = item_adjoint(d[result], index, x)


@register_tangent(runtime.item_adjoint_backward)
def _(result, total, container, index, x, g):
    d[result] = item_adjoint_backward(d[total], container, index, x, d[g])


@register_adjoint(runtime.pop_adjoint)
def _(result, total, x, value):
    d[total] = item_adjoint(d[result], slice(0, len(x)))
    d[value] = item_adjoint(d[result], len(x))


@register_tangent(runtime.pop_adjoint)
def _(result, total, x, value):
    d[result] = pop_adjoint(d[total], x, d[value])


@register_adjoint(runtime.set_at)
def _(result, total, x, index, value):
    d[total] = zero_at(d[result], x, index)
    d[value] = item_adjoint(d[result], index, x)


@register_tangent(runtime.set_at)
def _(result, total, x, index, value):
    d[result] = set_at(d[total], x, index, d[value])


@register_adjoint(runtime.append_tangent)
def _(result, total, x, value):
    d[total] = d[result]
    d[value] = item_adjoint(d[result], len(x) - 1)


@register_tangent(runtime.append_tangent)
def _(result, total, x, value):
    d[result] = append_tangent(d[total], x, d[value])


@register_adjoint(runtime.pop_tangent)
def _(result, total, x):
    d[total] = pop_adjoint(d[total], x, d[result])


@register_tangent(runtime.pop_tangent)
def _(result, total, x):
    d[result] = pop_tangent(d[total], x)


# ----- Products ---------------------------------------------------------------------------------


# dot_adjoint_a(g, a, b) = L_b^T g for L_b: a -> a @ b; so <dA, L_b^T g> = <dA @ b, g>.
@register_adjoint(runtime.dot_adjoint_a)
def _(result, g, a, b):
    d[g] = unbroadcast(d[result] @ b, g)
    d[b] = dot_adjoint_b(g, d[result], b)


@register_tangent(runtime.dot_adjoint_a)
def _(result, g, a, b):
    d[result] = dot_adjoint_a(d[g], a, b) + dot_adjoint_a(g, a, d[b])


@register_adjoint(runtime.dot_adjoint_b)
def _(result, g, a, b):
    d[g] = unbroadcast(a @ d[result], g)
    d[a] = dot_adjoint_a(g, a, d[result])


@register_tangent(runtime.dot_adjoint_b)
def _(result, g, a, b):
    d[result] = dot_adjoint_b(d[g], a, b) + dot_adjoint_b(g, d[a], b)


# The exponent of pow_exponent_adjoint and pow_log_slope only says where x == 0 which limit to take:
# their derivatives in it are 0. pow_log_slope(g, power, x, y) = g * power / x: linear in g and in
# power, and -result / x = pow_log_slope(result, 1, x, y - 1) (the limit where x == 0) in x.
@register_adjoint(runtime.pow_exponent_adjoint)
def _(result, g, power, x, exponent):
    d[g] = unbroadcast(pow_exponent_adjoint(d[result], power, x, exponent), g)
    d[power] = unbroadcast(pow_exponent_adjoint(d[result], g, x, exponent), power)
    d[x] = unbroadcast(pow_log_slope(d[result] * g, power, x, exponent), x)


@register_tangent(runtime.pow_exponent_adjoint)
def _(result, g, power, x, exponent):
    d[result] = (pow_exponent_adjoint(d[g], power, x, exponent) + pow_exponent_adjoint(g, d[power], x, exponent)
                 + pow_log_slope(d[x] * g, power, x, exponent))


@register_adjoint(runtime.pow_log_slope)
def _(result, g, power, x, exponent):
    d[g] = unbroadcast(pow_log_slope(d[result], power, x, exponent), g)
    d[power] = unbroadcast(pow_log_slope(d[result], g, x, exponent), power)
    d[x] = unbroadcast(-pow_log_slope(d[result] * result, 1.0, x, exponent - 1), x)


@register_tangent(runtime.pow_log_slope)
def _(result, g, power, x, exponent):
    d[result] = (pow_log_slope(d[g], power, x, exponent) + pow_log_slope(g, d[power], x, exponent)
                 - pow_log_slope(result * d[x], 1.0, x, exponent - 1))


# slope_or_zero(g, value) is value, 0 where g is 0 and value is not finite: linear in value, with that
# mask (slope_or_zero_like applies it to a derivative); g only says where, its derivative is 0. A
# tangent is masked where g and its tangent are both 0 (a branch np.where did not take).
@register_adjoint(runtime.slope_or_zero)
def _(result, g, value):
    d[value] = unbroadcast(slope_or_zero_like(g, value, d[result]), value)


@register_tangent(runtime.slope_or_zero)
def _(result, g, value):
    d[result] = slope_or_zero_like(np.abs(g) + np.abs(d[g]), value, d[value])


@register_adjoint(runtime.slope_or_zero_like)
def _(result, g, value, t):
    d[t] = unbroadcast(slope_or_zero_like(g, value, d[result]), t)


@register_tangent(runtime.slope_or_zero_like)
def _(result, g, value, t):
    d[result] = slope_or_zero_like(np.abs(g) + np.abs(d[g]), value, d[t])


# ----- The builtins sum and sorted: each helper is the transpose of its partner ------------------


@register_adjoint(runtime.sum_adjoint)
def _(result, g, x):
    d[g] = broadcast_like(sum_tangent(d[result], x, 0.0), g)


@register_tangent(runtime.sum_adjoint)
def _(result, g, x):
    d[result] = sum_adjoint(d[g], x)


@register_adjoint(runtime.sum_tangent)
def _(result, dx, x, dstart):
    d[dx] = add_adjoints(d[dx], sum_adjoint(d[result], x))
    d[dstart] = unbroadcast(d[result], dstart)


@register_tangent(runtime.sum_tangent)
def _(result, dx, x, dstart):
    d[result] = sum_tangent(d[dx], x, d[dstart])


@register_adjoint(runtime.sorted_adjoint)
def _(result, g, x, reverse=False):
    d[g] = add_adjoints(d[g], sorted_tangent(d[result], x, reverse))


@register_tangent(runtime.sorted_adjoint)
def _(result, g, x, reverse=False):
    d[result] = sorted_adjoint(d[g], x, reverse)


@register_adjoint(runtime.sorted_tangent)
def _(result, dx, x, reverse=False):
    d[dx] = add_adjoints(d[dx], sorted_adjoint(d[result], x, reverse))


@register_tangent(runtime.sorted_tangent)
def _(result, dx, x, reverse=False):
    d[result] = sorted_tangent(d[dx], x, reverse)


# A residual as a backward half reads it, apart from what it pops (ad/split.py): the identity.
@register_adjoint(runtime.list_apart)
def _(result, x, copies):
    d[x] = d[result]


@register_tangent(runtime.list_apart)
def _(result, x, copies):
    d[result] = d[x]
