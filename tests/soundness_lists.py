"""Soundness of lists as containers (`+` joins, `*` repeats, extend, slices, nested lists) and
of NumPy writes through repeated fancy indices (the last write wins; np.add.at accumulates), and a
list a callee rebinds to the array of its items."""
from __future__ import annotations

import numpy as np

from adjoint import UnsupportedSyntaxError
from soundness import Exact, Refused


def _floats(count):
    return lambda rng: tuple(float(v) for v in rng.normal(size=count))


def _array(*shape):
    return lambda rng: (rng.normal(size=shape),)


# ----- `+` and `*` on lists are concatenation and repetition ---------------------------------


def concat_singletons(a, b):
    parts = [a] + [b]
    return parts[0] + 10 * parts[1]


def concat_different_lengths(x):
    parts = [x] + [x * x, 3.0 * x]
    return parts[0] + 2.0 * parts[1] + 5.0 * parts[2]


def repeat_on_the_right(x):
    parts = [x] * 3
    return parts[0] + 2.0 * parts[1] + 3.0 * parts[2]


def repeat_on_the_left(x):
    parts = 3 * [x]
    return parts[0] + 2.0 * parts[1] + 3.0 * parts[2]


def repeat_by_an_argument(x, n):
    parts = [x, x * x] * n
    total = 0.0
    for i in range(len(parts)):
        total = total + (i + 1) * parts[i]
    return total


def augmented_concat(x):
    parts = [x]
    parts += [x * x, 4.0 * x]
    return parts[0] + 2.0 * parts[1] + parts[2]


def concat_in_a_loop(x):
    parts = []
    for i in range(4):
        parts = parts + [x * i, x * x]
    return parts[1] * parts[6] + parts[7]


def augmented_tuple_on_a_tuple(x):
    t = (x,)
    t += (2.0 * x, x * x)
    return t[2] * t[1] + t[0]


def augmented_list_by_an_array(x):
    parts = [x, 2.0 * x]
    parts += np.array([3.0, 4.0]) * x  # <- list-plus-array
    return parts[0] + parts[1]


def augmented_list_by_a_tuple(x):
    parts = [x]
    parts += (x, 2.0 * x)  # <- list-plus-tuple
    return parts[2]


def extend_with_a_list(x):
    parts = [x]
    parts.extend([x * x])
    return parts[0] + 3.0 * parts[1]


def extend_with_a_tuple(x):
    parts = [x]
    parts.extend((x * x, 2.0 * x))
    return parts[0] * parts[2] + parts[1]


def tuple_concat(x):
    t = (x, 2.0 * x) + (3.0 * x,)
    return t[2] * t[1] + t[0]


def list_slices(x):
    parts = [x, 2.0 * x, x * x, 4.0]
    tail = parts[1:]
    backwards = parts[::-1]
    last_two = parts[-2:]
    return tail[0] * backwards[1] + last_two[0] + 7.0 * len(parts)


def tuple_of_a_list_joined(xs):
    t = tuple(xs) + (xs[0] * 2.0,)
    return t[0] * t[2] + sum(t)


def loop_over_a_joined_list(a, b):
    total = 0.0
    for v in [a] + [b * b]:
        total = total + v * v
    return total


def reversed_and_tail_joined(xs):
    ys = xs[::-1] + xs[1:]
    return ys[0] * ys[-1] + ys[1]


def list_arguments_joined(xs, ys):
    joined = xs + ys
    total = 0.0
    for i in range(len(joined)):
        total = total + (i + 1) * joined[i] * joined[i]
    return total


def list_argument_repeated(xs):
    twice = xs * 2
    return twice[0] * twice[3] + twice[2]


def arrays_in_joined_lists(a, b):
    parts = [a] + [b, a * b]
    return np.sum(parts[0] * parts[1] + parts[2])


# ----- Nested lists ---------------------------------------------------------------------------


def nested_rows_joined(x):
    rows = [[x, 2.0 * x], [3.0 * x]]
    joined = rows[0] + rows[1]
    return joined[2] * joined[0] + joined[1]


def nested_argument_row_shared(rows):
    row = rows[0]
    first = row
    second = row
    return first[0] * 2.0 + second[1] * 3.0 + rows[1][0]


def rows_built_by_append(x):
    rows = []
    for i in range(3):
        rows.append([x * i, x + i])
    flat = rows[0] + rows[1] + rows[2]
    return flat[1] * flat[5] + flat[2]


def nested_row_rebuilt(x):
    rows = [[x], [2.0 * x]]
    rows[0] = rows[0] + [3.0 * x]
    return rows[0][1] * rows[0][0] + rows[1][0]


def nested_row_appended(x):
    rows = [[x], [2.0 * x]]
    rows[0].append(3.0 * x)  # <- nested-append
    return rows[0][1]


# ----- pop ------------------------------------------------------------------------------------


def pop_dropped(x):
    parts = [x, 2.0 * x]
    parts.pop()
    parts.append(7.0 * x)
    return parts[1] * parts[0]


def pop_then_append(x):
    parts = [x, 2.0 * x]
    popped = parts.pop()
    parts.append(7.0 * x)
    return parts[1] + 3.0 * popped


# ----- In-place list methods are refused --------------------------------------------------------


def list_insert(x):
    parts = [x, 2.0 * x]
    parts.insert(0, 3.0 * x)
    return parts[0]


def list_remove(x):
    parts = [x, 2.0 * x]
    parts.remove(x)
    return parts[0]


def list_reverse(x):
    parts = [x, 2.0 * x]
    parts.reverse()
    return parts[0]


def list_sort(x):
    parts = [2.0 * x, x]
    parts.sort()
    return parts[0]


def list_clear(x):
    parts = [x]
    parts.clear()
    parts.append(5.0 * x)
    return parts[0]


def list_slice_assignment(x):
    parts = [x, 2.0 * x, 3.0 * x]
    parts[0:2] = [5.0 * x]  # <- slice-store
    return parts[1]


def array_sort_in_place(x):
    y = x * 1.0
    y.sort()
    return y[0]


# ----- Writes through repeated fancy indices: NumPy keeps the last write --------------------------


def scatter_augmented(x):
    y = np.zeros(2)
    y[np.array([0, 0])] += x
    return y[0]


def scatter_set_with_a_list(x):
    y = np.zeros(3)
    y[[0, 0, 1]] = x
    return y[0] + 2.0 * y[1]


def scatter_broadcast_value(x):
    y = np.ones(3)
    y[[2, 0, 2]] = x[1]
    return np.sum(y * np.array([1.0, 2.0, 3.0])) * x[0]


def scatter_tuple_of_index_arrays(x):
    y = np.zeros((2, 2))
    y[[0, 0, 1], [1, 1, 0]] = x
    return np.sum(y * np.array([[1.0, 2.0], [3.0, 4.0]]))


def scatter_mixed_with_a_slice(x):
    y = np.zeros((3, 2))
    y[[1, 1], :] = x
    return np.sum(y * y)


def scatter_boolean_mask(x):
    y = x * 1.0
    y[x > 0] = x[x > 0] * 3.0
    return np.sum(y * y)


def gather_repeated(x):
    return np.sum(x[[0, 0, 1]] * np.array([1.0, 2.0, 3.0]))


def add_at_repeated(x):
    y = np.zeros(2)
    np.add.at(y, [0, 0], x)
    return y[0] * 3.0 + y[1]


def add_at_into_a_copy(x, v):
    y = x * 2.0
    np.add.at(y, np.array([2, 0, 2]), v)
    return np.sum(y * y)


def add_at_two_dimensional(x):
    y = np.ones((2, 2))
    np.add.at(y, ([0, 0, 1], [1, 1, 1]), x)
    return np.sum(y * y)


def subtract_at_repeated(x):
    y = np.ones(3)
    np.subtract.at(y, [1, 1, 2], x)
    return np.sum(y * y)


# ----- a list rebound to the array of its items, in a callee ------------------------------------
# (the callee's backward half, given the array, copied it as the list it had been: a list of rows)


def trajectory_loss(x):
    traj = [x]
    for _ in range(3):
        traj.append(traj[-1] * x)
    traj = np.array(traj)
    return np.sum(traj[:, 0] ** 2)


def rebound_list_in_a_callee(x):
    return 2.0 * trajectory_loss(x)


def multiply_at(x):
    y = np.ones(2)
    np.multiply.at(y, [0, 0], x)
    return y[0]


CASES = [
    Exact(concat_singletons, _floats(2), wrt=(0, 1)),
    Exact(concat_different_lengths, _floats(1)),
    Exact(repeat_on_the_right, _floats(1)),
    Exact(repeat_on_the_left, _floats(1)),
    Exact(repeat_by_an_argument, lambda rng: (float(rng.normal()), 3)),
    Exact(augmented_concat, _floats(1)),
    Exact(concat_in_a_loop, _floats(1)),
    Exact(augmented_tuple_on_a_tuple, _floats(1)),
    Refused(augmented_list_by_an_array, (1.0,), UnsupportedSyntaxError, "list-plus-array"),
    Refused(augmented_list_by_a_tuple, (1.0,), UnsupportedSyntaxError, "list-plus-tuple"),
    Exact(extend_with_a_list, _floats(1)),
    Exact(extend_with_a_tuple, _floats(1)),
    Exact(tuple_concat, _floats(1)),
    Exact(list_slices, _floats(1)),
    Exact(tuple_of_a_list_joined, lambda rng: (list(rng.normal(size=2)),)),
    Exact(loop_over_a_joined_list, _floats(2), wrt=(0, 1)),
    Exact(reversed_and_tail_joined, lambda rng: (list(rng.normal(size=3)),)),
    Exact(list_arguments_joined, lambda rng: (list(rng.normal(size=2)), list(rng.normal(size=3))), wrt=(0, 1)),
    Exact(list_argument_repeated, lambda rng: (list(rng.normal(size=2)),)),
    Exact(arrays_in_joined_lists, lambda rng: (rng.normal(size=3), rng.normal(size=3)), wrt=(0, 1)),
    Exact(nested_rows_joined, _floats(1)),
    Exact(nested_argument_row_shared, lambda rng: ([list(rng.normal(size=2)), [float(rng.normal())]],)),
    Exact(rows_built_by_append, _floats(1)),
    Exact(nested_row_rebuilt, _floats(1)),
    Refused(nested_row_appended, (1.0,), UnsupportedSyntaxError, "nested-append"),
    Exact(pop_dropped, _floats(1)),
    Exact(pop_then_append, _floats(1)),
    Exact(list_insert, _floats(1)),  # `parts = list(parts[:0]) + [3.0 * x] + list(parts[0:])`
    Exact(list_remove, _floats(1)),  # `parts = list(parts[:k]) + list(parts[k + 1:])`, k = parts.index(x)
    Exact(list_reverse, _floats(1)),  # `parts = list(parts[::-1])`
    Exact(list_sort, lambda rng: (1.0,)),  # `parts = sorted(parts)`, a list no other name holds
    Exact(array_sort_in_place, _array(3)),  # `y[...] = np.sort(y)`
    Exact(list_clear, _floats(1)),  # `parts = []`
    Refused(list_slice_assignment, (1.0,), UnsupportedSyntaxError, "slice-store"),
    Exact(scatter_augmented, _array(2)),
    Exact(scatter_set_with_a_list, _array(3)),
    Exact(scatter_broadcast_value, _array(2)),
    Exact(scatter_tuple_of_index_arrays, _array(3)),
    Exact(scatter_mixed_with_a_slice, _array(2, 2)),
    Exact(scatter_boolean_mask, _array(5)),
    Exact(gather_repeated, _array(2)),
    Exact(add_at_repeated, _array(2)),
    Exact(add_at_into_a_copy, lambda rng: (rng.normal(size=3), rng.normal(size=3)), wrt=(0, 1)),
    Exact(add_at_two_dimensional, _array(3)),
    Exact(subtract_at_repeated, _array(3)),
    Exact(multiply_at, _array(2)),
    Exact(rebound_list_in_a_callee, _array(2)),
]
