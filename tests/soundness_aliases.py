"""Aliases, views and in-place writes: exact where the write reaches no other live name, refused otherwise."""
import numpy as np

import adjoint
from soundness import Exact, Refused


def alias_augmented_then_base_read(x):
    y = x.copy()
    out = y
    out += 1.0  # <- alias-augmented
    return np.sum(y * x)


def view_scaled_then_base_read(x):
    y = x * 1.0
    v = y[1:]
    v *= 3.0  # (normalize/views.py: `y[1:] *= 3.0`, which the derivative follows)
    return np.sum(y)


def alias_element_write(x):
    y = np.zeros(2)
    z = y
    z[0] = 3.0 * x[0]  # <- alias-write
    return y[0]


def nested_list_write(x):
    rows = [[0.0, 0.0], [0.0, 0.0]]
    rows[1][0] = 3.0 * x  # <- nested-list
    return rows[1][0] + rows[0][1]


def write_through_argument_alias_then_read(x):
    z = x
    z[0] = 3.0 * x[1]  # <- argument-alias
    return np.sum(x)


def append_then_alias_read(x):
    parts = [x]
    same = parts
    parts.append(x * x)  # <- append-alias
    return same[0] + same[1]


def sort_in_place(x):
    y = x * 1.0
    y.sort()
    return y[0] * 3.0 + y[2]


def fill_in_place(x):
    buffer = np.zeros(3)
    buffer.fill(x)
    return np.sum(buffer)


def append_twice(terms, v):
    terms.append(v * 2.0)  # <- callee-append-site


def callee_appends(x):
    terms = [x]
    append_twice(terms, x)  # <- callee-append
    return terms[0] + terms[1]


def doubles_in_place(v):
    v[0] = v[0] * 2.0
    return v[0]


def callee_writes_argument(x):
    y = x * 1.0
    first = doubles_in_place(y)  # <- callee-store
    return first + np.sum(y)


def copy_then_write_is_exact(x):
    y = x.copy()
    y[0] = y[1] * y[2]
    y += x
    return np.sum(y * x)


def view_written_base_read_only_before(x):
    y = x * 2.0
    s = np.sum(y * y)
    v = y[1:]
    v[0] = 5.0 * x[0]
    return s + np.sum(v * v)


def row_view_read_before_constant_write(x):
    grid = np.ones((2, 3))
    row = grid[0]
    s = np.sum(row * x)
    grid[0] = 5.0
    return s + np.sum(grid)


def alias_rebound_after_write_is_exact(x):
    y = x * 1.0
    y += 1.0
    v = y[1:]
    return np.sum(v * x[1:])


def alias_of_argument_written_not_read_after(x):
    z = x
    z[0] = 3.0 * z[1]
    return np.sum(z * z)


def write_into_argument(x):
    x[0] = x[0] * x[1]
    return np.sum(x * x)


def element_of_list_argument_written(xs):
    first = xs[0]
    first[0] = 2.0 * first[1]
    return np.sum(first * first)


def loop_recurrence_in_place(x):
    y = np.zeros(4)
    y[0] = x[0]
    for i in range(1, 4):
        y[i] = y[i - 1] * 0.5 + x[i] * y[i - 1]
    return np.sum(y)


def two_copies_one_written(x):
    y = x * 1.0
    z = x * 1.0
    y[0] = 3.0
    return np.sum(y * z)


def scalar_augmented_alias(a):
    b = a
    b += 1.0
    return a * b


def fill_first(buffer, v):
    buffer[0] = v * 2.0
    return buffer[0] + buffer[1]


def callee_writes_scratch_not_read_after(x):
    scratch = np.zeros(2)
    first = fill_first(scratch, x[0])
    return first * x[1]


def callee_writes_argument_not_read_after(x):
    y = x * 1.5
    first = doubles_in_place(y)
    return first * x[1]


def take_last(stack):
    return stack.pop()


def callee_pops_once(x):
    stack = [x * 2.0, np.sin(x)]
    top = take_last(stack)
    return top * x


def callee_pops_twice(x):
    stack = [x * 2.0, np.sin(x)]
    top = take_last(stack)  # <- callee-pop-read
    below = take_last(stack)
    return top * below


def doubles_through_helper(v):
    return doubles_in_place(v) * 1.0


def callee_writes_through_its_callee(x):
    y = x * 1.0
    first = doubles_through_helper(y)  # <- transitive-callee
    return first + np.sum(y)


def callee_writes_through_its_callee_not_read_after(x):
    y = x * 1.0
    first = doubles_through_helper(y)
    return first * 3.0


def slice_scaled_then_element_written(x0, a):
    y1 = a + 0.0
    y1[:2] *= x0
    y1[-2] = y1[2] * x0
    return np.sum(y1 * y1)


BUFFER = np.zeros(2)


def callee_writes_a_global(x):
    first = fill_first(BUFFER, x[0])  # <- callee-global
    return first * x[1] + BUFFER[0]


def _vector(rng, n=3):
    return rng.uniform(0.5, 1.5, size=n)


CASES = [
    Refused(alias_augmented_then_base_read, (np.array([1.0, 2.0, 3.0]),), adjoint.UnsupportedSyntaxError,
            "alias-augmented"),
    Refused(alias_element_write, (np.array([1.0, 2.0]),), adjoint.UnsupportedSyntaxError, "alias-write"),
    Refused(nested_list_write, (1.0,), adjoint.UnsupportedSyntaxError, "nested-list"),
    Refused(write_through_argument_alias_then_read, (np.array([1.0, 2.0]),), adjoint.UnsupportedSyntaxError,
            "argument-alias"),
    Refused(append_then_alias_read, (1.5,), adjoint.UnsupportedSyntaxError, "append-alias"),
    Refused(callee_appends, (1.5,), adjoint.UnsupportedSyntaxError, "callee-append"),
    Refused(callee_writes_argument, (np.array([1.0, 2.0]),), adjoint.UnsupportedSyntaxError, "callee-store"),
    Refused(callee_pops_twice, (1.5,), adjoint.UnsupportedSyntaxError, "callee-pop-read"),
    Refused(callee_writes_a_global, (np.array([1.0, 2.0]),), adjoint.UnsupportedSyntaxError, "callee-global"),
    Refused(callee_writes_through_its_callee, (np.array([1.0, 2.0]),), adjoint.UnsupportedSyntaxError,
            "transitive-callee"),
    Exact(callee_writes_scratch_not_read_after, lambda rng: (_vector(rng),)),
    Exact(view_scaled_then_base_read, lambda rng: (_vector(rng),)),
    Exact(callee_writes_argument_not_read_after, lambda rng: (_vector(rng),)),
    Exact(callee_pops_once, lambda rng: (0.8,)),
    Exact(slice_scaled_then_element_written, lambda rng: (0.8, _vector(rng, 5))),
    Exact(callee_writes_through_its_callee_not_read_after, lambda rng: (_vector(rng),)),
    Exact(copy_then_write_is_exact, lambda rng: (_vector(rng),)),
    Exact(sort_in_place, lambda rng: (_vector(rng),)),  # y[...] = np.sort(y)
    Exact(fill_in_place, lambda rng: (0.8,)),  # buffer[...] = x
    Exact(view_written_base_read_only_before, lambda rng: (_vector(rng),)),
    Exact(row_view_read_before_constant_write, lambda rng: (_vector(rng),)),
    Exact(alias_rebound_after_write_is_exact, lambda rng: (_vector(rng),)),
    Exact(alias_of_argument_written_not_read_after, lambda rng: (_vector(rng),)),
    Exact(write_into_argument, lambda rng: (_vector(rng),)),
    Exact(element_of_list_argument_written, lambda rng: ([_vector(rng), _vector(rng)],), jvp=False),
    Exact(loop_recurrence_in_place, lambda rng: (_vector(rng, 4),)),
    Exact(two_copies_one_written, lambda rng: (_vector(rng),)),
    Exact(scalar_augmented_alias, lambda rng: (0.7,)),
]
