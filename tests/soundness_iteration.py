"""Soundness cases of iteration: loop variables read after their loop, the builtin `sum`, and
`for` over iterables built from zip, enumerate, reversed, range and sorted."""
from __future__ import annotations

import numpy as np

from adjoint.errors import UnsupportedSyntaxError
from soundness import Exact, Refused


def _vector(rng, size=4):
    return rng.normal(size=size)


def _floats(rng, size=4):
    return [float(v) for v in rng.normal(size=size)]


# ----- loop variables after the loop --------------------------------------------------------

def counter_read_after_loop(x, n):
    for k in range(n):
        x = x * 1.5
    return x * k


def index_in_mean_after_loop(x):
    s = 0.0
    for i in range(3):
        s = s + x
    return s / (i + 1)


def while_counter_read_after(x):
    i = 0
    while i < 3:
        x = x * 2.0
        i = i + 1
    return x * i


def element_read_after_loop(xs):
    total = 0.0
    for a in xs:
        total = total + a * a
    return total * a


def unused_body_loop_variable_after(x):
    for k in range(3):
        y = x * 2.0
    return x * (k + 0.5)


def loop_variable_also_assigned_before(x):
    k = 2.0
    y = x * k
    for k in range(3):
        y = y * (k + 2.0)
    return y * k


def inner_loop_variable_read_in_outer_loop(x):
    for i in range(3):
        for j in range(2):
            x = x * 1.1 + j
        x = x * (j + 0.5) + i
    return x * (i + j)


def loop_variable_read_after_a_break(x):
    for k in range(10):
        x = x * 1.2
        if x > 5.0:
            break
    return x * k


def unpacked_elements_after_loop(xs, ys):
    t = 0.0
    for a, b in zip(xs, ys):
        t = t + a * b
    return t + a * b


def loop_variable_reused_by_a_later_loop(x):
    for k in range(3):
        x = x * (k + 1)
    y = x * k
    for k in range(2):
        y = y * (k + 1.5)
    return y * k


def element_reused_by_a_later_loop(xs):
    t = 0.0
    for a in xs:
        t = t + a * a
    u = t * a
    for a in reversed(xs):
        u = u * a
    return u * a


def while_counters_read_between_loops(x, n):
    i = 0
    while i < n:
        x = x * 1.1
        i = i + 1
    y = x * i
    while i > 0:
        y = y * 0.9 + x
        i = i - 1
    return y + i


# ----- the builtin sum ------------------------------------------------------------------------

def sum_of_squares(x):
    return sum(x ** 2)


def sum_of_scaled(x):
    return sum(3.0 * x)


def sum_times_first(xs):
    return sum(xs) * xs[0]


def sum_with_start_squared(xs, start):
    return np.sum(sum(xs, start) ** 2)


def sum_of_rows(a):
    rows = sum(a)
    return np.sum(rows * rows)


def sum_of_rows_with_start(a, start):
    return np.sum(np.sin(sum(a, start)))


def sum_of_arrays_with_float_start(xs):
    return np.sum(sum(xs, 0.0) ** 2)


def sum_in_a_loop(x):
    total = 0.0
    for i in range(3):
        total = total + sum(x * i) * x[i]
    return total


def concatenating_sum(a, b):
    return sum([[a], [b]], [])[1] * a  # <- concatenation


def _rows(rng):
    return [rng.normal(size=3) for _ in range(3)]


# ----- for over zip, enumerate, reversed, range and sorted ------------------------------------

def enumerate_zip(xs, ys):
    t = 0.0
    for i, (a, b) in enumerate(zip(xs, ys)):
        t = t + a * b * (i + 1)
    return t


def enumerate_reversed(xs):
    t = 0.0
    for i, a in enumerate(reversed(xs)):
        t = t * 0.5 + a * (i + 1)
    return t


def zip_reversed_with_forward(xs, ys):
    t = 0.0
    for a, b in zip(reversed(xs), ys):
        t = t + a * b ** 2
    return t


def zip_bound_to_a_name(xs, ys):
    pairs = zip(xs, ys)
    t = 0.0
    for a, b in pairs:
        t = t + a * b
    return t


def enumerate_bound_then_sequence_rebound(xs):
    numbered = enumerate(xs)
    xs = xs * 2.0
    t = 0.0
    for i, a in numbered:
        t = t + a * i + xs[i] * a
    return t


def loop_rebinds_the_sequence_it_iterates(xs):
    t = 0.0
    for a in xs:
        xs = xs * 2.0
        t = t + a * xs[0]
    return t


def nested_enumerates_with_starts(xs, ys):
    t = 0.0
    for i, (j, (a, b)) in enumerate(enumerate(zip(xs, reversed(ys)), 2), 1):
        t = t + a * b * i * j
    return t


def enumerate_with_start_argument(xs, first):
    t = 0.0
    for i, a in enumerate(xs, first):
        t = t + a * i
    for i, a in enumerate(xs, start=first + 1):
        t = t + a * a * i
    return t


def zip_of_three_into_one_name(xs, ys, zs):
    t = 0.0
    for item in zip(xs, ys, zs):
        t = t + item[0] * item[1] - item[2]
    return t


def zip_with_ranges(xs, n):
    t = 0.0
    for k, a in zip(range(1, 10, 2), xs):
        t = t + a * k
    for i, a in zip(range(n), reversed(xs)):
        t = t * 1.5 + a * i
    return t


def reversed_range(x, n):
    for k in reversed(range(n)):
        x = x * (k + 1.5)
    return x


def rows_of_a_matrix(a):
    t = 0.0
    for row in a:
        t = t + np.sum(row ** 2) * row[0]
    return t


def enumerate_reversed_rows_with_weights(a, w):
    t = 0.0
    for k, (row, c) in enumerate(zip(reversed(a), w)):
        t = t + np.sum(np.sin(row) * c) * (k + 1)
    return t


def unpacking_rows(a):
    t = 0.0
    for first, second in a:
        t = t + first * second
    return t


def enumerate_sorted(xs):
    t = 0.0
    for i, a in enumerate(sorted(xs)):
        t = t + a * (i + 1)
    return t


def list_of_sorted(xs):
    ordered = list(sorted(xs))
    return ordered[0] * 3.0 + ordered[-1]


def sorted_descending(xs):
    t = 0.0
    for v in sorted(xs, reverse=True):
        t = t * 2.0 + v
    return t


def sorted_alone(xs):
    return sorted(xs)[1] * sorted(xs)[0]


def loop_over_a_tuple_of(xs):
    t = 0.0
    for a in tuple(xs):
        t = t * 2.0 + a
    return t


def loop_writes_the_array_it_iterates(x):
    y = np.sin(x)
    t = 0.0
    for a in y:
        y[1] = y[1] + a
        t = t + a * a
    return t + np.sum(y)


def loop_over_a_copy_appends_to_the_original(xs):
    ys = list(xs)
    t = 0.0
    for a in list(ys):
        ys.append(a * 2.0)
        t = t + a * ys[-1]
    return t + ys[-1]

def tuple_and_list_of_rows(a):
    rows = tuple(a)
    again = list(rows)
    return np.sum(rows[0] * again[1]) + np.sum(np.cos(again[-1]))

def counter_of_enumerate_after_loop(xs):
    t = 0.0
    for i, a in enumerate(reversed(xs)):
        t = t + a
    return t * i + a


def zip_iterated_twice(xs, ys):
    pairs = zip(xs, ys)
    t = 0.0
    for a, b in pairs:
        t = t + a * b
    for a, b in pairs:  # <- second iteration
        t = t + a * b
    return t


def zip_turned_into_a_list(xs, ys):
    return np.sum(np.array(list(zip(xs, ys))) ** 2)  # the list of pairs zip makes


def reversed_enumerate(xs):
    t = 0.0
    for i, a in reversed(enumerate(xs)):  # <- reversed enumerate
        t = t + a
    return t


def loop_appends_to_its_list(xs):
    t = 0.0
    for a in xs:
        xs.append(a)  # <- resized
        t = t + a
        if t > 100.0:
            break
    return t


def unpacking_too_many(xs, ys):
    t = 0.0
    for a, b, c in zip(xs, ys):  # <- too many names
        t = t + a
    return t


def zip_consumed_in_an_inner_loop(xs, ys):
    pairs = zip(xs, ys)
    t = 0.0
    for k in range(2):
        for a, b in pairs:  # <- inner loop
            t = t + a * b
    return t


def list_resized_before_its_iterator_runs(xs):
    backwards = reversed(xs)
    xs.append(1.0)  # <- resized before
    t = 0.0
    for a in backwards:
        t = t + a
    return t


def sorted_with_a_key(xs):
    return sorted(xs, key=abs)[0]


def index_rebound_by_a_loop_without_derivatives(x):
    """The loop rebinds `k`, which indexed x before it; nothing in the loop needs a derivative, so the
    backward sweep had no loop to put `k` back at: x[1] took the gradient of x[3]."""
    k = 3
    v = x[k]
    for k in range(2):
        pass
    return v * v


def slice_start_rebound_by_a_loop(x):
    k = 1
    v = x[k:]
    for k in range(2):
        print(end="")
    return np.sum(v * v)


CASES = [
    Exact(index_rebound_by_a_loop_without_derivatives, lambda rng: (_vector(rng),)),
    Exact(slice_start_rebound_by_a_loop, lambda rng: (_vector(rng),)),
    Exact(counter_read_after_loop, lambda rng: (float(rng.normal()), 3)),
    Exact(index_in_mean_after_loop, lambda rng: (float(rng.normal()),)),
    Exact(while_counter_read_after, lambda rng: (float(rng.normal()),)),
    Exact(element_read_after_loop, lambda rng: (_floats(rng),)),
    Exact(element_read_after_loop, lambda rng: (_vector(rng),), id="element_read_after_loop_array"),
    Exact(unused_body_loop_variable_after, lambda rng: (float(rng.normal()),)),
    Exact(loop_variable_also_assigned_before, lambda rng: (float(rng.normal()),)),
    Exact(inner_loop_variable_read_in_outer_loop, lambda rng: (float(rng.normal()),)),
    Exact(loop_variable_read_after_a_break, lambda rng: (1.0 + abs(float(rng.normal())),)),
    Exact(unpacked_elements_after_loop, lambda rng: (_floats(rng), _vector(rng)), wrt=(0, 1)),
    Exact(loop_variable_reused_by_a_later_loop, lambda rng: (float(rng.normal()),)),
    Exact(element_reused_by_a_later_loop, lambda rng: (_floats(rng),)),
    Exact(while_counters_read_between_loops, lambda rng: (float(rng.normal()), 3)),
    Exact(sum_of_squares, lambda rng: (_vector(rng),)),
    Exact(sum_of_scaled, lambda rng: (_vector(rng),)),
    Exact(sum_times_first, lambda rng: (_floats(rng),)),
    Exact(sum_times_first, lambda rng: (tuple(_floats(rng)),), id="sum_times_first_tuple"),
    Exact(sum_times_first, lambda rng: (_vector(rng),), id="sum_times_first_array"),
    Exact(sum_with_start_squared, lambda rng: (_floats(rng), float(rng.normal())), wrt=(0, 1)),
    Exact(sum_with_start_squared, lambda rng: (_rows(rng), rng.normal(size=3)), wrt=(0, 1),
          id="sum_with_start_squared_rows"),
    Exact(sum_of_rows, lambda rng: (rng.normal(size=(4, 3)),)),
    Exact(sum_of_rows_with_start, lambda rng: (rng.normal(size=(4, 3)), float(rng.normal())), wrt=(0, 1)),
    Exact(sum_of_rows_with_start, lambda rng: (rng.normal(size=(4, 3)), rng.normal(size=(2, 3))), wrt=(0, 1),
          id="sum_of_rows_with_broadcast_start"),
    Exact(sum_of_arrays_with_float_start, lambda rng: (_rows(rng),)),
    Exact(sum_in_a_loop, lambda rng: (_vector(rng),)),
    Refused(concatenating_sum, (1.0, 2.0), UnsupportedSyntaxError, "concatenation"),
    Exact(enumerate_zip, lambda rng: (_floats(rng), _vector(rng, 5)), wrt=(0, 1)),
    Exact(enumerate_zip, lambda rng: (tuple(_floats(rng)), _floats(rng, 3)), wrt=(0, 1), id="enumerate_zip_tuple"),
    Exact(enumerate_reversed, lambda rng: (_floats(rng),)),
    Exact(enumerate_reversed, lambda rng: (_vector(rng),), id="enumerate_reversed_array"),
    Exact(zip_reversed_with_forward, lambda rng: (_vector(rng, 5), _floats(rng)), wrt=(0, 1)),
    Exact(zip_bound_to_a_name, lambda rng: (_floats(rng), tuple(_floats(rng, 3))), wrt=(0, 1)),
    Exact(enumerate_bound_then_sequence_rebound, lambda rng: (_vector(rng),)),
    Exact(loop_rebinds_the_sequence_it_iterates, lambda rng: (_vector(rng),)),
    Exact(nested_enumerates_with_starts, lambda rng: (_floats(rng), _vector(rng, 3)), wrt=(0, 1)),
    Exact(enumerate_with_start_argument, lambda rng: (_vector(rng), 3)),
    Exact(zip_of_three_into_one_name, lambda rng: (_floats(rng), _vector(rng), tuple(_floats(rng))), wrt=(0, 1, 2)),
    Exact(zip_with_ranges, lambda rng: (_floats(rng), 3)),
    Exact(reversed_range, lambda rng: (float(rng.normal()), 4)),
    Exact(rows_of_a_matrix, lambda rng: (rng.normal(size=(3, 4)),)),
    Exact(enumerate_reversed_rows_with_weights, lambda rng: (rng.normal(size=(4, 3)), _floats(rng, 3)), wrt=(0, 1)),
    Exact(unpacking_rows, lambda rng: (rng.normal(size=(4, 2)),)),
    Exact(enumerate_sorted, lambda rng: (_vector(rng),)),
    Exact(enumerate_sorted, lambda rng: (_floats(rng),), id="enumerate_sorted_list"),
    Exact(list_of_sorted, lambda rng: (_floats(rng),)),
    Exact(list_of_sorted, lambda rng: (_vector(rng),), id="list_of_sorted_array"),
    Exact(sorted_descending, lambda rng: (_floats(rng),)),
    Exact(sorted_descending, lambda rng: (_vector(rng),), id="sorted_descending_array"),
    Exact(sorted_alone, lambda rng: (tuple(_floats(rng)),)),
    Exact(loop_over_a_tuple_of, lambda rng: (_vector(rng),)),
    Exact(loop_writes_the_array_it_iterates, lambda rng: (_vector(rng),)),
    Exact(loop_over_a_copy_appends_to_the_original, lambda rng: (_floats(rng),)),
    Exact(tuple_and_list_of_rows, lambda rng: (rng.normal(size=(3, 2)),)),
    Exact(counter_of_enumerate_after_loop, lambda rng: (_floats(rng),)),
    Refused(zip_iterated_twice, ([1.0, 2.0], [3.0, 4.0]), UnsupportedSyntaxError, "second iteration"),
    Exact(zip_turned_into_a_list, lambda rng: (list(rng.normal(size=2)), list(rng.normal(size=2))), wrt=(0, 1)),
    Refused(reversed_enumerate, ([1.0, 2.0],), UnsupportedSyntaxError, "reversed enumerate"),
    Refused(loop_appends_to_its_list, ([1.0, 2.0],), UnsupportedSyntaxError, "resized"),
    Refused(unpacking_too_many, ([1.0, 2.0], [3.0, 4.0]), UnsupportedSyntaxError, "too many names"),
    Refused(zip_consumed_in_an_inner_loop, ([1.0, 2.0], [3.0, 4.0]), UnsupportedSyntaxError, "inner loop"),
    Refused(list_resized_before_its_iterator_runs, ([1.0, 2.0],), UnsupportedSyntaxError, "resized before"),
    Exact(sorted_with_a_key, lambda rng: ([1.0, -2.0],)),
]
