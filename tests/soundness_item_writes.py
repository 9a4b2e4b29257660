"""`c[k] op= v` on a list or a dict holding arrays changes the item in place (Python runs
`t = c[k]; t += v; c[k] = t`): on a list, exact where nothing else that may hold the item is
read afterwards, refused otherwise; on a dict the function builds, refused when the derivative
runs; items that are numbers and arrays written by index stay exact."""
from types import SimpleNamespace

import numpy as np

import adjoint
from soundness import Exact, Refused


def _vector(rng):
    return (rng.normal(size=3),)


def _matrix(rng):
    return (rng.normal(size=(2, 2)),)


# ----- another name holds the item and is read afterwards: refused ------------------------

def dict_item_scaled_then_alias_read(x):
    y = x * 1.0
    d = {}
    d["a"] = y
    d["a"] *= 2.0  # <- dict-scaled
    return np.sum(y * x)


def dict_literal_item_added_then_alias_read(x):
    y = x * 1.0
    d = {"a": y}
    d["a"] += x  # <- dict-literal-added
    return np.sum(y * x)


def list_item_scaled_then_alias_read(x):
    y = x * 1.0
    lst = [y, x]
    lst[0] *= 2.0  # <- list-scaled
    return np.sum(y * x)


def appended_item_added_then_alias_read(x):
    y = x * 1.0
    lst = []
    lst.append(y)
    lst[0] += x  # <- appended-added
    return np.sum(y * x)


def copied_list_items_scaled_in_loop(x):
    ys = [x * 1.0, x * 2.0]
    zs = list(ys)
    for i in range(2):
        zs[i] *= 2.0  # <- copied-list-loop
    return np.sum(ys[0] * x) + np.sum(ys[1])


def list_alias_item_subtracted(x):
    y = x * 1.0
    lst = [y]
    same = lst
    lst[0] -= x  # <- list-alias
    return np.sum(same[0] * x) + np.sum(y)


def nested_list_item_added(x):
    y = x * 1.0
    m = [[y]]
    m[0][0] += 1.0  # <- nested-added
    return np.sum(y * x)


def tuple_of_lists_item_scaled(x):
    y = x * 1.0
    pair = ([y], x)
    pair[0][0] *= 3.0  # <- tuple-of-lists
    return np.sum(y * pair[1])


def item_read_before_and_after(x):
    lst = [x * 1.0]
    first = lst[0]
    lst[0] /= 2.0  # <- read-before
    return np.sum(first * x)


def matrix_list_matmul_then_alias_read(a):
    m = a * 1.0
    ms = [m, a]
    ms[0] @= a  # <- matmul
    return np.sum(m)


def power_item_then_alias_read(x):
    y = x * 1.0 + 2.0
    lst = [y]
    lst[0] **= 2.0  # <- power
    return np.sum(y * x)


def dict_items_apart_after_read(x):
    y = x * 1.0
    d = {"a": y, "b": y}
    d["a"] -= x  # <- dict-same-twice
    return np.sum(d["b"] * x)


def argument_list_item_kept_then_scaled(xs):
    first = xs[0]
    xs[0] *= 2.0  # <- argument-item-kept
    return np.sum(first * xs[1])


def item_of_list_argument_scaled_in_callee(x):
    y = x * 1.0
    total = scale_first_item([y])  # <- callee-item
    return total + np.sum(y * x)


def scale_first_item(items):
    items[0] *= 2.0
    return np.sum(items[0])


def scale_argument_through_own_list(v):
    held = [v]
    held[0] *= 2.0
    return np.sum(held[0])


def argument_scaled_through_callee_list(x):
    y = x * 1.0
    total = scale_argument_through_own_list(y)  # <- callee-own-list
    return total + np.sum(y * x)


# ----- the item may be an object from outside the function: refused --------------------------

WEIGHTS = np.ones(3)
SETTINGS = SimpleNamespace(w=np.ones(3), scale=2.0)
TABLE = [np.ones(3)]


def global_array_in_list_updated(x):
    lst = [WEIGHTS]
    lst[0] += x  # <- global-in-list
    return np.sum(lst[0] * x)


def global_array_appended_then_updated(x):
    lst = []
    lst.append(WEIGHTS)
    lst[0] *= 2.0  # <- global-appended
    return np.sum(lst[0] * x)


def global_attribute_in_list_updated(x):
    w = SETTINGS.w
    lst = [w, x]
    lst[0] *= 2.0  # <- global-attribute
    return np.sum(lst[0] * x)


def global_list_copied_then_updated(x):
    lst = list(TABLE)
    lst[0] -= x  # <- global-list-copied
    return np.sum(lst[0] * x)


def number_item_beside_read_array(x):
    y = x * 1.0
    lst = [x[0], y]
    lst[0] *= 2.0
    return lst[0] * np.sum(y)


def float_list_argument_item_kept_then_scaled(xs):
    first = xs[0]
    xs[0] *= 2.0
    return first * xs[1] + xs[0]


def global_number_in_list_updated(x):
    lst = [SETTINGS.scale, 1.0]
    lst[0] *= x[0]
    return lst[0] * x[1]


# ----- the same array twice in the container, met at run time: refused -------------------

def same_array_twice_in_list(x):
    y = x * 1.0
    zs = [y, y]
    zs[0] *= 2.0  # <- same-twice
    return np.sum(zs[1] * x)


def same_array_twice_in_loop(x):
    zs = [x * 1.0]
    zs.append(zs[0])
    for i in range(2):
        zs[i] *= 2.0  # <- same-twice-loop
    return np.sum(zs[0] * x)


# ----- nothing else holds the item: exact ---------------------------------------------------

def list_item_scaled_then_read(x):
    zs = [x * 1.0]
    zs[0] *= 2.0
    return np.sum(zs[0] * x)


def list_items_scaled_in_loop(x):
    zs = [x * 1.0, x * 2.0]
    for i in range(2):
        zs[i] *= float(i + 2)
        zs[i] += x
    return np.sum(zs[0] * zs[1])


def appended_items_updated(x):
    zs = []
    for i in range(3):
        zs.append(x * float(i))
    for i in range(3):
        zs[i] -= x * x
    return np.sum(zs[0] + zs[2] * x)


def list_of_floats_updated(x):
    lst = [x[0], x[1]]
    lst[0] *= 2.0
    lst[1] += lst[0]
    return lst[0] * lst[1]


def list_of_float_constants_updated(x):
    lst = [1.0, 2.0]
    lst[0] *= x[0]
    lst[1] += x[1] * lst[0]
    return lst[0] * lst[1]


def repeated_zeros_accumulated(x):
    out = [0.0] * 3
    for i in range(3):
        for j in range(3):
            out[i] += x[i] * x[j]
    return out[0] * out[1] + out[2]


def number_item_becomes_array(x):
    lst = [1.0]
    lst[0] += x
    lst[0] *= 2.0
    return np.sum(lst[0] * x)


def matrices_multiplied_in_list(a):
    ms = [a * 1.0, a + 1.0]
    ms[0] @= a
    ms[1] @= ms[0]
    return np.sum(ms[1])


def list_argument_items_updated(xs):
    xs[0] *= 2.0
    xs[1] += xs[0]
    return np.sum(xs[0] * xs[1])


def argument_item_updated_argument_unread(x):
    lst = [x]
    lst[0] *= 2.0
    return np.sum(lst[0] * lst[0])


def item_read_before_only(x):
    lst = [x * 1.0]
    before = np.sum(lst[0] * x)
    lst[0] *= 3.0
    return before + np.sum(lst[0])


def updated_item_of_list_in_callee(x):
    return scale_argument_through_own_list(x * 1.0) * 2.0


# ----- arrays written by index: exact as before ---------------------------------------------

def array_element_added(x):
    y = x * 1.0
    y[0] += x[1]
    y[1:] -= x[:2]
    return np.sum(y * x)


def matrix_element_scaled(a):
    m = a + 1.0
    m[0, 1] *= 2.0
    m[1] += a[0]
    return np.sum(m * a)


def argument_array_rows_updated(a):
    m = a * 1.0
    for i in range(2):
        m[i] *= float(i + 1)
    return np.sum(m * a)


CASES = [
    Refused(dict_item_scaled_then_alias_read, (np.ones(3),), adjoint.AdjointError, "dict-scaled"),
    Refused(dict_literal_item_added_then_alias_read, (np.ones(3),), adjoint.AdjointError, "dict-literal-added"),
    Refused(list_item_scaled_then_alias_read, (np.ones(3),), adjoint.UnsupportedSyntaxError, "list-scaled"),
    Refused(appended_item_added_then_alias_read, (np.ones(3),), adjoint.UnsupportedSyntaxError, "appended-added"),
    Refused(copied_list_items_scaled_in_loop, (np.ones(3),), adjoint.UnsupportedSyntaxError, "copied-list-loop"),
    Refused(list_alias_item_subtracted, (np.ones(3),), adjoint.UnsupportedSyntaxError, "list-alias"),
    Refused(nested_list_item_added, (np.ones(3),), adjoint.UnsupportedSyntaxError, "nested-added"),
    Refused(tuple_of_lists_item_scaled, (np.ones(3),), adjoint.UnsupportedSyntaxError, "tuple-of-lists"),
    Refused(item_read_before_and_after, (np.ones(3),), adjoint.UnsupportedSyntaxError, "read-before"),
    Refused(matrix_list_matmul_then_alias_read, (np.eye(2),), adjoint.UnsupportedSyntaxError, "matmul"),
    Refused(power_item_then_alias_read, (np.ones(3),), adjoint.UnsupportedSyntaxError, "power"),
    Refused(dict_items_apart_after_read, (np.ones(3),), adjoint.AdjointError, "dict-same-twice"),
    Refused(argument_list_item_kept_then_scaled, ([np.ones(3), np.ones(3)],), adjoint.AdjointError,
            "argument-item-kept"),
    Refused(item_of_list_argument_scaled_in_callee, (np.ones(3),), adjoint.UnsupportedSyntaxError, "callee-item"),
    Refused(argument_scaled_through_callee_list, (np.ones(3),), adjoint.UnsupportedSyntaxError, "callee-own-list"),
    Refused(global_array_in_list_updated, (np.ones(3),), adjoint.UnsupportedSyntaxError, "global-in-list"),
    Refused(global_array_appended_then_updated, (np.ones(3),), adjoint.UnsupportedSyntaxError, "global-appended"),
    Refused(global_attribute_in_list_updated, (np.ones(3),), adjoint.UnsupportedSyntaxError, "global-attribute"),
    Refused(global_list_copied_then_updated, (np.ones(3),), adjoint.UnsupportedSyntaxError, "global-list-copied"),
    Refused(same_array_twice_in_list, (np.ones(3),), adjoint.AdjointError, "same-twice"),
    Refused(same_array_twice_in_loop, (np.ones(3),), adjoint.AdjointError, "same-twice-loop"),
    Exact(list_item_scaled_then_read, _vector),
    Exact(list_items_scaled_in_loop, _vector),
    Exact(appended_items_updated, _vector),
    Exact(list_of_floats_updated, _vector),
    Exact(list_of_float_constants_updated, _vector),
    Exact(repeated_zeros_accumulated, _vector),
    Exact(number_item_becomes_array, _vector),
    Exact(matrices_multiplied_in_list, _matrix),
    Exact(list_argument_items_updated, lambda rng: ([rng.normal(size=3), rng.normal(size=3)],)),
    Exact(argument_item_updated_argument_unread, _vector),
    Exact(item_read_before_only, _vector),
    Exact(updated_item_of_list_in_callee, _vector),
    Exact(number_item_beside_read_array, _vector),
    Exact(float_list_argument_item_kept_then_scaled, lambda rng: ([float(v) for v in rng.normal(size=2)],)),
    Exact(global_number_in_list_updated, _vector),
    Exact(array_element_added, _vector),
    Exact(matrix_element_scaled, _matrix),
    Exact(argument_array_rows_updated, _matrix),
]
