"""Soundness cases: in-place writes where the statement-level checks did not look.

A user function that writes into its argument, called inside a condition, an `and`/`or`
operand, an assert or an f-string; a user function that writes in place passed as a value
(`map(g, xs)`, `sorted(key=g)`, stored in a list or a variable); a method that writes into its
object whose result is kept or used (`z = c.fill(2.0)`); a NumPy or library function that
writes into what it is given inside an expression or without a rule; a function chosen only
when the function runs; an object of a user class whose initializer writes into what it is
given. Each was accepted with a wrong gradient (one with an internal error);
each is refused at its line. The Exact cases are the same shapes without a write in place.
"""
from __future__ import annotations

import bisect
import functools
import heapq
import operator
import sys

import numpy as np

from adjoint import AdjointError, NonDifferentiableError, UnsupportedSyntaxError
from soundness import Exact, Refused


# ----- helpers ---------------------------------------------------------------------------

def add_into(y, x):
    y += x
    return y


def doubled_in_place(c):
    c *= 2.0
    return c


def doubled_in_place_key(c):
    c *= 2.0
    return 0.0


def doubled(c):
    return c * 2.0


def negated(v):
    return -v


class Bumper:
    def bump(self, c):
        c *= 2.0
        return c


BUMPER = Bumper()
WRITERS = [doubled_in_place]
THIS_MODULE = sys.modules[__name__]
ONES = np.ones(3)
GLOBAL_WEIGHTS = np.ones(3)


# ----- a writing user function called inside an expression --------------------------------

def written_in_if_test(x):
    y = np.ones(3)
    if add_into(y, x)[0] > 0.0:  # <- in-if-test
        return np.sum(y * x)
    return np.sum(y)


def written_in_or_operand(x):
    y = np.ones(3)
    ok = add_into(y, x)[0] > 100.0 or True  # <- in-or-operand
    return np.sum(y * x) * float(ok)


def written_in_while_test(x):
    y = np.ones(3)
    n = 0
    while add_into(y, x)[0] < 3.0 and n < 1:  # <- in-while-test
        n += 1
    return np.sum(y * x)


def written_in_not_operand(x):
    y = np.ones(3)
    ok = not add_into(y, x)[0] > 100.0  # <- in-not-operand
    return np.sum(y * x) * float(ok)


def written_in_ternary_test(x):
    y = np.ones(3)
    z = 1.0 if add_into(y, x)[0] > 0.0 else 2.0  # <- in-ternary-test
    return np.sum(y * x) * z


def written_in_assert(x):
    y = np.ones(3)
    assert add_into(y, x)[0] > 0.0  # <- in-assert
    return np.sum(y * x)


def written_in_fstring(x):
    y = np.ones(3)
    s = f"{add_into(y, x)}"  # <- in-fstring
    return np.sum(y * x) + 0.0 * len(s)


def written_in_comprehension_condition(x):
    y = np.ones(3)
    z = [v for v in [1.0, 2.0] if add_into(y, x)[0] > 0.0]  # <- in-comprehension-condition
    return np.sum(y * x) * z[0]


def written_by_bound_method_in_test(x):
    c = x * 1.0
    if BUMPER.bump(c)[0] > 100.0:  # <- bound-method-in-test
        return 0.0
    return np.sum(c * x)


def not_written_in_if_test(x):
    y = x * 1.0
    if np.sum(doubled(y)) > -100.0:
        return np.sum(y * x)
    return 0.0


# ----- a writing user function passed as a value ------------------------------------------

def written_through_map(x):
    c = x * 1.0
    list(map(doubled_in_place, [c]))  # <- through-map
    return np.sum(c * x)


def written_through_sorted_key(x):
    c = x * 1.0
    sorted([c], key=doubled_in_place_key)  # <- through-sorted-key
    return np.sum(c * x)


def written_through_reduce_lambda(x):
    c = x * 1.0
    functools.reduce(lambda a, b: doubled_in_place(b), [c, c])  # <- through-reduce-lambda
    return np.sum(c * x)


def written_through_reduce(x):
    c = x * 1.0
    d = x * 1.0
    functools.reduce(add_into, [c, d])  # <- through-reduce
    return np.sum(c * x)


def written_through_a_local_list(x):
    c = x * 1.0
    fs = [doubled_in_place]  # <- through-local-list
    fs[0](c)
    return np.sum(c * x)


def written_through_a_variable(x):
    c = x * 1.0
    h = doubled_in_place
    h(c)  # <- through-variable
    return np.sum(c * x)


def written_through_a_bound_method_value(x):
    c = x * 1.0
    list(map(BUMPER.bump, [c]))  # <- through-bound-method
    return np.sum(c * x)


def pure_function_as_key(x):
    c = x * 1.0
    order = sorted([2.0, 1.0, 3.0], key=negated)
    return np.sum(c * x) * order[0]


# ----- a function chosen only when the function runs --------------------------------------

def written_through_a_global_list(x):
    c = x * 1.0
    WRITERS[0](c)  # <- global-list
    return np.sum(c * x)


def written_through_getattr_of_a_module(x):
    c = x * 1.0
    getattr(THIS_MODULE, "doubled_in_place")(c)  # <- getattr
    return np.sum(c * x)


# ----- a method that writes into its object, its result used --------------------------------

def filled_and_kept(x):
    c = x * 1.0
    z = c.fill(2.0)  # <- fill-kept
    return np.sum(c * x) + (0.0 if z is None else 1.0)


def filled_in_a_list(x):
    c = x * 1.0
    z = [c.fill(2.0)]  # <- fill-in-list
    return np.sum(c * x) + 0.0 * len(z)


def sorted_in_a_call(x):
    c = x[::-1] * 1.0
    print(c.sort(), end="")  # <- sort-in-call
    return np.sum(c * x)


def sorted_and_kept(x):
    c = x[::-1] * 1.0
    z = c.sort()  # <- sort-kept
    return np.sum(c * x) + (0.0 if z is None else 1.0)


def put_in_a_condition(x):
    c = x * 1.0
    if c.put(0, 3.0) is None:  # <- put-in-condition
        return np.sum(c * x)
    return 0.0


def filled_in_an_or(x):
    c = x * 1.0
    ok = c.fill(2.0) or True  # <- fill-in-or
    return np.sum(c * x) * float(ok)


def list_sorted_and_kept(x):
    c = [x[2], x[1], x[0]]
    z = c.sort()  # <- list-sort-kept
    return c[0] * x[0] + c[2] + (0.0 if z is None else 1.0)


def list_reversed_in_a_list(x):
    c = [x[2], x[1], x[0]]
    z = [c.reverse()]  # <- list-reverse-in-list
    return c[0] * x[0] + c[2] + 0.0 * len(z)


def popped_in_a_condition(x):
    c = [x[0], x[1], x[2]]
    if c.pop() > 100.0:  # <- pop-in-condition
        return 0.0
    return c[-1] * x[0]


def appended_and_kept(x):
    c = [x[0]]
    z = c.append(x[1] * 2.0)  # <- append-kept
    return c[-1] * x[1] + (0.0 if z is None else 1.0)


def inserted_and_kept(x):
    c = [x[0]]
    z = c.insert(0, x[1] * 2.0)  # <- insert-kept
    return c[0] * x[1] + (0.0 if z is None else 1.0)


def added_in_place_by_name(x):
    c = x * 1.0
    z = c.__iadd__(x)  # <- iadd-by-name
    return np.sum(c * x) + (0.0 if z is None else 1.0)


def item_set_by_name_and_kept(x):
    c = x * 1.0
    z = c.__setitem__(0, 5.0)  # <- setitem-kept
    return np.sum(c * x) + (0.0 if z is None else 1.0)


def item_set_in_a_ternary(x):
    c = x * 1.0
    z = c.put(0, 5.0) if x[0] > -100.0 else None  # <- put-in-ternary
    return np.sum(c * x) + (0.0 if z is None else 1.0)


def global_item_set_by_name(x):
    GLOBAL_WEIGHTS.__setitem__(0, 1.0)  # <- global-setitem
    return np.sum(GLOBAL_WEIGHTS * x)


def pop_kept_and_methods_read(x):
    c = [x[0] * 1.0, x[1] * 2.0]
    v = c.pop()
    if np.sum(x) > -100.0 and x.copy()[0] > -100.0:
        return v * x[2] + c[0]
    return 0.0


# ----- NumPy and library functions that write into what they are given -------------------

def copied_into_in_a_condition(x):
    c = x * 1.0
    if np.copyto(c, 2.0) is None:  # <- copyto-in-condition
        return np.sum(c * x)
    return 0.0


def out_in_an_or(x):
    c = x * 1.0
    ok = np.multiply(x, 2.0, out=c) is None or True  # <- out-in-or
    return np.sum(c * x) * float(ok)


def heap_pushed(x):
    c = [x[0] * 1.0]
    heapq.heappush(c, x[1] * 0.5 - 10.0)  # <- heappush
    return c[0] * x[1]


def insorted(x):
    c = [x[0] * 1.0]
    bisect.insort(c, x[1] - 10.0)  # <- insort
    return c[0] * x[1]


def list_sorted_through_the_class(x):
    c = [x[2] * 1.0, x[1] * 1.0, x[0] * 1.0]
    list.sort(c)  # <- list-sort-class
    return c[0] * x[0] + c[2]


def filled_through_the_class(x):
    c = x * 1.0
    np.ndarray.fill(c, 2.0)  # <- fill-class
    return np.sum(c * x)


def set_through_operator(x):
    c = x * 1.0
    operator.setitem(c, 0, 5.0)  # <- operator-setitem
    return np.sum(c * x)


# ----- an object of a user class whose initializer writes into what it is given -----------

class Scaled:
    def __init__(self, c):
        c *= 2.0
        self.c = c


class Sorted:
    def __init__(self, c):
        c.sort()


class Holder:
    def __init__(self, c):
        self.c = c


def constructed_by_a_writing_initializer(x):
    c = x * 1.0
    Scaled(c)  # <- scaling-initializer
    return np.sum(c * x)


def constructed_and_kept(x):
    c = x[::-1] * 1.0
    s = Sorted(c)  # <- sorting-initializer
    return np.sum(c * x) + (0.0 if s is None else 1.0)


def class_passed_as_a_value(x):
    c = x[::-1] * 1.0
    list(map(Sorted, [c]))  # <- class-as-value
    return np.sum(c * x)


def class_stored_as_a_value(x):
    c = x * 1.0
    makers = [Scaled]  # <- class-stored
    makers[0](c)
    return np.sum(c * x)


def constructed_holder(x):
    c = x * 1.0
    h = Holder(c)
    return np.sum(c * x) + (0.0 if h is None else 1.0)


# ----- a callee whose write is hidden, seen by its caller -----------------------------------

def writes_in_its_test(y):
    if add_into(y, ONES)[0] > 0.0:
        pass
    return 0.0


def fills_and_keeps(y):
    z = y.fill(2.0)
    return 0.0 if z is None else 1.0


def maps_a_writer(y):
    list(map(doubled_in_place, [y]))
    return 0.0


def callee_writes_in_its_test(x):
    y = np.ones(3)
    z = y * x
    writes_in_its_test(y)  # <- callee-test
    return np.sum(z)


def callee_fills(x):
    y = np.ones(3)
    z = y * x
    fills_and_keeps(y)  # <- callee-fill
    return np.sum(z)


def callee_maps(x):
    y = np.ones(3)
    z = y * x
    maps_a_writer(y)  # <- callee-map
    return np.sum(z)


def vector(rng):
    return (rng.normal(size=3),)


ARGS = (np.array([0.5, 1.0, 2.0]),)

CASES = [
    Refused(written_in_if_test, ARGS, UnsupportedSyntaxError, "in-if-test"),
    Refused(written_in_or_operand, ARGS, UnsupportedSyntaxError, "in-or-operand"),
    Refused(written_in_while_test, ARGS, UnsupportedSyntaxError, "in-while-test"),
    Refused(written_in_not_operand, ARGS, UnsupportedSyntaxError, "in-not-operand"),
    Refused(written_in_ternary_test, ARGS, UnsupportedSyntaxError, "in-ternary-test"),
    Refused(written_in_assert, ARGS, UnsupportedSyntaxError, "in-assert"),
    Refused(written_in_fstring, ARGS, UnsupportedSyntaxError, "in-fstring"),
    Refused(written_in_comprehension_condition, ARGS, UnsupportedSyntaxError, "in-comprehension-condition"),
    Refused(written_by_bound_method_in_test, ARGS, UnsupportedSyntaxError, "bound-method-in-test"),
    Exact(not_written_in_if_test, vector),
    Refused(written_through_map, ARGS, UnsupportedSyntaxError, "through-map"),
    Refused(written_through_sorted_key, ARGS, UnsupportedSyntaxError, "through-sorted-key"),
    Refused(written_through_reduce_lambda, ARGS, UnsupportedSyntaxError, "through-reduce-lambda"),
    Refused(written_through_reduce, ARGS, UnsupportedSyntaxError, "through-reduce"),
    Refused(written_through_a_local_list, ARGS, UnsupportedSyntaxError, "through-local-list"),
    Refused(written_through_a_variable, ARGS, UnsupportedSyntaxError, "through-variable"),
    Refused(written_through_a_bound_method_value, ARGS, UnsupportedSyntaxError, "through-bound-method"),
    Exact(pure_function_as_key, vector),
    Refused(written_through_a_global_list, ARGS, UnsupportedSyntaxError, "global-list"),
    Refused(written_through_getattr_of_a_module, ARGS, NonDifferentiableError, "getattr"),
    Refused(filled_and_kept, ARGS, UnsupportedSyntaxError, "fill-kept"),
    Refused(filled_in_a_list, ARGS, UnsupportedSyntaxError, "fill-in-list"),
    Refused(sorted_in_a_call, ARGS, UnsupportedSyntaxError, "sort-in-call"),
    Refused(sorted_and_kept, ARGS, UnsupportedSyntaxError, "sort-kept"),
    Refused(put_in_a_condition, ARGS, UnsupportedSyntaxError, "put-in-condition"),
    Refused(filled_in_an_or, ARGS, UnsupportedSyntaxError, "fill-in-or"),
    Refused(list_sorted_and_kept, ARGS, UnsupportedSyntaxError, "list-sort-kept"),
    Refused(list_reversed_in_a_list, ARGS, UnsupportedSyntaxError, "list-reverse-in-list"),
    Refused(popped_in_a_condition, ARGS, UnsupportedSyntaxError, "pop-in-condition"),
    Refused(appended_and_kept, ARGS, UnsupportedSyntaxError, "append-kept"),
    Refused(inserted_and_kept, ARGS, UnsupportedSyntaxError, "insert-kept"),
    Refused(added_in_place_by_name, ARGS, UnsupportedSyntaxError, "iadd-by-name"),
    Refused(item_set_by_name_and_kept, ARGS, UnsupportedSyntaxError, "setitem-kept"),
    Refused(item_set_in_a_ternary, ARGS, UnsupportedSyntaxError, "put-in-ternary"),
    Refused(global_item_set_by_name, ARGS, UnsupportedSyntaxError, "global-setitem"),
    Exact(pop_kept_and_methods_read, vector),
    Refused(copied_into_in_a_condition, ARGS, UnsupportedSyntaxError, "copyto-in-condition"),
    Refused(out_in_an_or, ARGS, UnsupportedSyntaxError, "out-in-or"),
    Refused(heap_pushed, ARGS, UnsupportedSyntaxError, "heappush"),
    Refused(insorted, ARGS, UnsupportedSyntaxError, "insort"),
    Refused(list_sorted_through_the_class, ARGS, UnsupportedSyntaxError, "list-sort-class"),
    Refused(filled_through_the_class, ARGS, UnsupportedSyntaxError, "fill-class"),
    Refused(set_through_operator, ARGS, UnsupportedSyntaxError, "operator-setitem"),
    Refused(constructed_by_a_writing_initializer, ARGS, UnsupportedSyntaxError, "scaling-initializer"),
    Refused(constructed_and_kept, ARGS, UnsupportedSyntaxError, "sorting-initializer"),
    Refused(class_passed_as_a_value, ARGS, UnsupportedSyntaxError, "class-as-value"),
    Refused(class_stored_as_a_value, ARGS, UnsupportedSyntaxError, "class-stored"),
    Exact(constructed_holder, vector),
    Refused(callee_writes_in_its_test, ARGS, AdjointError, "callee-test"),
    Refused(callee_fills, ARGS, AdjointError, "callee-fill"),
    Refused(callee_maps, ARGS, AdjointError, "callee-map"),
]
