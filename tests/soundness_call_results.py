"""Soundness: a write in place into an object that a called function's result holds.

`t = pair(x)` may return a tuple of new lists or arrays. A name bound to one of them
(`a = t[0]`) shares its memory with `t`, as it does when the tuple is built in place
(`t = ([...], [...])`): a write through `a` (`a[0] = v`, `a[0] += v`, `a.append(v)`,
`a.sort()`, `np.copyto(a, v)`, `a += v`) changes what `t[0]` reads afterwards. Each such
write is refused at its line, like the same write into a tuple built in place; a write
after which the tuple is no longer read stays exact, and so does one into a position of a
tuple whose positions the callee made apart (`a, b = pair(x); a[0] = v; ... b ...`), but not
when they may be one object (`return v, v`, a global reached from both).
"""
from __future__ import annotations

import numpy as np

from adjoint.errors import AdjointError, UnsupportedSyntaxError
from soundness import Exact, Refused


# ----- callees ---------------------------------------------------------------------------

def pair(s):
    return [s * 1.0, s * 2.0], [s * 3.0, s * 4.0]


def pair_arr(s):
    return np.array([s, 2 * s]), np.array([3 * s, 4 * s])


def pair_vec(v):
    return v * 2.0, np.sin(v)


def with_argument(s, items):
    return [s * 1.0, s * 2.0], items


def pair_of_pair(s):
    return pair(s * 1.5)


def nested(s):
    return (pair(s), [s * 5.0])


def make_dict(s):
    return {"k": [s, 2 * s], "m": [3 * s]}


def same_twice(s):
    v = [s * 1.0, s * 2.0]
    return v, v


def shared_inside(s):
    inner = [s * 1.0, s * 2.0]
    return [inner, [s]], inner


SHARED = [1.0, 2.0]


def global_twice(s):
    v = [s * 1.0, SHARED]
    w = [s * 2.0, SHARED]
    return v, w


def into_out(s):
    w = np.zeros(2)
    v = np.multiply(s, np.ones(2), out=w)
    return v, w


def grown(s):
    w = [s * 1.0, s * 2.0]
    v = w
    v += [s * 3.0]
    return v, w


def from_calls(s):
    return shared_list(), shared_list()


def shared_list():
    return SHARED


# ----- refused: the tuple is read after the write through its element --------------------

def uses_pair(x):
    t = pair(x)
    a = t[0]
    a[0] = 10.0  # <- item
    return t[0][0] * x + t[1][1] * x + a[1]


def uses_pair_inline(x):
    t = ([x * 1.0, x * 2.0], [x * 3.0, x * 4.0])
    a = t[0]
    a[0] = 10.0  # <- inline
    return t[0][0] * x + t[1][1] * x + a[1]


def uses_pair_arr(x):
    t = pair_arr(x)
    a = t[0]
    a[0] = 10.0  # <- array item
    return t[0][0] * x + t[1][1] * x + a[1]


def augmented_item(x):
    t = pair(x)
    a = t[0]
    a[0] += x * x  # <- augmented item
    return t[0][0] * x + a[1]


def augmented_array(x):
    t = pair_arr(x)
    a = t[0]
    a += x * x  # <- augmented array
    return t[0][0] * x + a[1]


def appended(x):
    t = pair(x)
    a = t[0]
    a.append(x * x)  # <- append
    return t[0][-1] * x + a[0]


def sorted_in_place(x):
    t = pair(-x)
    a = t[0]
    a.sort()  # <- sort
    return t[0][0] * x + a[1]


def copied_into(x):
    t = pair_vec(x)
    a = t[1]
    np.copyto(a, x * 3.0)  # <- copyto
    return np.sum(t[1] * x) + np.sum(a)


def written_by_out(x):
    t = pair_vec(x)
    a = t[0]
    np.multiply(x, x, out=a)  # <- out
    return np.sum(t[0] * x) + np.sum(a)


def from_argument_returner(x):
    t = with_argument(x, [x, x * x])
    a = t[1]
    a[0] = 10.0  # <- returner
    return t[1][0] * x + t[0][1] + a[1]


def fresh_beside_argument(x):
    t = with_argument(x, [x, x * x])
    a = t[0]
    a[0] = 10.0  # <- beside argument
    return t[0][0] * x + t[1][1] + a[1]


def from_nested_call(x):
    t = pair_of_pair(x)
    a = t[1]
    a[1] = 10.0  # <- nested call
    return t[1][1] * x + a[0]


def two_levels(x):
    t = nested(x)
    inner = t[0]
    a = inner[0]
    a[0] = 10.0  # <- two levels
    return t[0][0][0] * x + a[1]


def vector_pair(x):
    t = pair_vec(x)
    a = t[0]
    a[1] = 10.0  # <- vector item
    return np.sum(t[0] * x) + a[0]


def same_object_twice(x):
    a, b = same_twice(x)
    a[0] = 10.0  # <- same object
    return b[0] * x + a[1]


def shared_inside_positions(x):
    a, b = shared_inside(x)
    a[0][0] = 10.0  # <- inside
    return b[0] * x + a[1][0]


def through_a_loop(x):
    t = pair(x)
    s = 0.0
    for a in t:
        a[0] = 10.0  # <- loop
        s = s + a[1] * x
    return s + t[0][0] * x


def through_list(x):
    t = pair(x)
    u = list(t)
    a = u[0]
    a[0] = 10.0  # <- list
    return t[0][0] * x + a[1]


def global_in_both(x):
    a, b = global_twice(x)
    inner = a[1]
    inner[0] = x * 3.0  # <- global
    return b[1][0] * x + a[0]


def calls_twice(x):
    a, b = from_calls(x)
    a[0] = x * 3.0  # <- calls
    return b[0] * x + a[1]


def out_twice(x):
    a, b = into_out(x)
    a[0] = x * 3.0  # <- out twice
    return b[0] * x + a[1]


def grown_twice(x):
    a, b = grown(x)
    a[0] = x * 3.0  # <- grown
    return b[0] * x + a[1]


def through_a_mapping(x):
    d = make_dict(x)
    a = d["k"]
    a[0] = 10.0  # <- mapping
    return d["k"][0] * x + a[1]


def negative_index(x):
    t = pair(x)
    a = t[-2]
    a[0] = 10.0  # <- negative
    return t[0][0] * x + a[1]


# ----- exact: nothing reads the tuple after the write ------------------------------------

def unpacked(x):
    a, b = pair(x)
    a[0] = 10.0
    return a[0] * x + b[1] * x + a[1]


def unpacked_arrays(x):
    a, b = pair_vec(x)
    a[0] = 10.0
    return np.sum(a * x) + np.sum(b)


def unpacked_augmented(x):
    a, b = pair_arr(x)
    a += x * x
    b[1] = a[0] * b[0]
    return np.sum(a * b) * x

def element_written_last(x):
    t = pair(x)
    a = t[0]
    a[0] = x * x
    return a[0] * a[1]


def array_element_written_last(x):
    t = pair_vec(x)
    a = t[1]
    a[0] = 10.0
    return np.sum(a * x)


def scalar(rng):
    return (float(rng.uniform(0.5, 1.5)),)


def vector(rng):
    return (rng.uniform(0.5, 1.5, size=3),)


CASES = [
    Refused(uses_pair, (0.7,), UnsupportedSyntaxError, "item"),
    Refused(uses_pair_inline, (0.7,), UnsupportedSyntaxError, "inline"),
    Refused(uses_pair_arr, (0.7,), UnsupportedSyntaxError, "array item"),
    Refused(augmented_item, (0.7,), UnsupportedSyntaxError, "augmented item"),
    Refused(augmented_array, (0.7,), AdjointError, "augmented array"),
    Refused(appended, (0.7,), UnsupportedSyntaxError, "append"),
    Refused(sorted_in_place, (0.7,), UnsupportedSyntaxError, "sort"),
    Refused(copied_into, (np.array([0.5, 0.7, 0.9]),), UnsupportedSyntaxError, "copyto"),
    Refused(written_by_out, (np.array([0.5, 0.7, 0.9]),), UnsupportedSyntaxError, "out"),
    Refused(from_argument_returner, (0.7,), UnsupportedSyntaxError, "returner"),
    Refused(fresh_beside_argument, (0.7,), UnsupportedSyntaxError, "beside argument"),
    Refused(from_nested_call, (0.7,), UnsupportedSyntaxError, "nested call"),
    Refused(two_levels, (0.7,), UnsupportedSyntaxError, "two levels"),
    Refused(vector_pair, (np.array([0.5, 0.7, 0.9]),), UnsupportedSyntaxError, "vector item"),
    Refused(same_object_twice, (0.7,), UnsupportedSyntaxError, "same object"),
    Refused(shared_inside_positions, (0.7,), UnsupportedSyntaxError, "inside"),
    Refused(through_a_loop, (0.7,), UnsupportedSyntaxError, "loop"),
    Refused(through_list, (0.7,), UnsupportedSyntaxError, "list"),
    Refused(global_in_both, (0.7,), UnsupportedSyntaxError, "global"),
    Refused(calls_twice, (0.7,), UnsupportedSyntaxError, "calls"),
    Refused(out_twice, (0.7,), UnsupportedSyntaxError, "out twice"),
    Refused(grown_twice, (0.7,), UnsupportedSyntaxError, "grown"),
    Refused(through_a_mapping, (0.7,), UnsupportedSyntaxError, "mapping"),
    Refused(negative_index, (0.7,), UnsupportedSyntaxError, "negative"),
    Exact(element_written_last, scalar),
    Exact(unpacked, scalar),
    Exact(unpacked_arrays, vector),
    Exact(unpacked_augmented, scalar),
    Exact(array_element_written_last, vector),
]
