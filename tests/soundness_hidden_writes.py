"""Soundness cases for writes in place that happen where the function writes no call or no write.

An argument the function writes into in place (itself, or through the functions it calls) may be
a global the function reads (`grad(f)(x, W)`), hold one (a list, an object's attribute), or view
one: Python's write changes what the global reads, which the derivative does not follow. The
derivative checks first that no argument it writes into shares anything with the globals and
closure objects the function and its callees read, and refuses at the write where one does (a
run-time refusal: `Shared` passes the caller's objects themselves). A user class's code that runs
without a call written in the function writes in place too: an initializer's helper
(`self._fill(a)`, `super().__init__(a)`), a property getter, an operator method (`o += v` runs
`__iadd__`, `o[k]` runs `__getitem__`); making such an object from memory of the function is
refused at the construction (at the operator, `o += v`, for an object of a plain class adjoint reads
as a record, whose `__iadd__` it calls), and an argument holding an object whose property the function reads
and whose getter writes in place is refused at the parameter. NumPy and SciPy functions told to overwrite what they are given
(`overwrite_a=True` by position or by name, `overwrite_input`, SciPy's `output=`) are refused
where their result is not differentiated as well as where it is. Every Refused case below gave a
wrong gradient before. The functions that write
into their arguments change them as Python does, so the cases that give them memory of their own
(not refused, exact) are in test_hidden_writes.py.
"""
from __future__ import annotations

import dataclasses
import types

import numpy as np

from adjoint import AdjointError, NonDifferentiableError, UnsupportedSyntaxError
from adjoint.errors import ArgumentError
from soundness import Exact, Refused

try:
    import scipy.linalg
    import scipy.ndimage
except ImportError:  # SciPy is optional
    scipy = None

W = np.array([1.0, 2.0, 3.0])
LISTED = [np.array([1.0, 2.0, 3.0])]
CONFIG = types.SimpleNamespace(w=np.array([1.0, 2.0, 3.0]))
SETTINGS = types.ModuleType("hidden_writes_settings")
SETTINGS.w = np.array([1.0, 2.0, 3.0])


class Shared(tuple):
    """Arguments passed as they are: a global given is that global (not a copy of it)."""

    def __deepcopy__(self, memo):
        return self


# ----- an argument that is, holds or views a global the function reads --------------------

def put_first(a, x):
    a[0] = x[0]
    return 0.0


def put_first_again(a, x):
    return put_first(a, x)


def put_in_list(items, x):
    items[0][0] = x[0]
    return 0.0


def put_in_attribute(holder, x):
    holder.w[0] = x[0]
    return 0.0


def weighted(x):
    return np.sum(W * x)


def writes_argument_reads_global(x, w):
    t = x * 2.0
    put_first(w, t)  # <- direct
    return np.sum(W * x)


def writes_argument_two_calls_down(x, w):
    t = x * 2.0
    put_first_again(w, t)  # <- two calls
    return np.sum(W * x)


def writes_list_argument_reads_global(x, items):
    t = x * 2.0
    put_in_list(items, t)  # <- list
    return np.sum(LISTED[0] * x)


def writes_list_holding_global(x, items):
    t = x * 2.0
    put_in_list(items, t)  # <- list holding
    return np.sum(W * x)


def writes_object_argument_reads_global(x, holder):
    t = x * 2.0
    put_in_attribute(holder, t)  # <- object
    return np.sum(CONFIG.w * x)


def writes_argument_reads_module_attribute(x, w):
    t = x * 2.0
    put_first(w, t)  # <- module attribute
    return np.sum(SETTINGS.w * x)


def writes_argument_callee_reads_global(x, w):
    t = x * 2.0
    put_first(w, t)  # <- callee reads
    return weighted(x)


def writes_argument_itself_reads_global(x, w):
    w[0] = x[0] * 2.0  # <- own write
    return np.sum(W * x)


class Weights:
    W = np.array([1.0, 2.0, 3.0])


def writes_argument_reads_class_attribute(x, w):
    t = x * 2.0
    put_first(w, t)  # <- class attribute
    return np.sum(Weights.W * x)


def writes_attribute_of_argument(x, holder):
    holder.w[0] = x[0] * 2.0  # <- attribute write
    return np.sum(W * x)


def adds_into_argument_reads_global(x, w):
    w += x  # <- augmented
    return np.sum(W * x)


def writes_item_of_tuple_argument(x, pair):
    pair[0][0] = x[0] * 2.0  # <- tuple holding
    return np.sum(W * x)


def writes_value_of_dict_argument(x, table):
    table["w"][0] = x[0] * 2.0  # <- dict holding
    return np.sum(W * x)


class Model:
    def __init__(self):
        self.w = np.array([1.0, 2.0, 3.0])

    def loss(self, x, w):
        t = x * 2.0
        put_first(w, t)  # <- bound instance
        return np.sum(self.w * x)


MODEL = Model()


def made_with(v):
    def writes_argument_reads_closure(x, w):
        t = x * 2.0
        put_first(w, t)  # <- closure
        return np.sum(v * x)
    return writes_argument_reads_closure


WRITES_ARGUMENT_READS_CLOSURE = made_with(np.array([1.0, 2.0, 3.0]))
CLOSED_OVER = WRITES_ARGUMENT_READS_CLOSURE.__closure__[0].cell_contents


def vector(rng):
    return rng.normal(size=3)


# ----- code of a user class run without a call written in the function --------------------

class Filler:
    def __init__(self, a):
        self._fill(a)
        self.a = a

    def _fill(self, a):
        a[0] = 5.0


def initializer_helper(x):
    y = x * 2.0
    Filler(y)  # <- initializer helper
    return np.sum(y * x)


class Base:
    def __init__(self, a):
        a[0] = 3.0


class Derived(Base):
    def __init__(self, a):
        super().__init__(a)


def initializer_of_the_base(x):
    y = x * 2.0
    Derived(y)  # <- super init
    return np.sum(y * x)


class Keeper:
    def __init__(self, a):
        self.a = a
        self.a[0] = 5.0


def initializer_writes_its_attribute(x):
    y = x * 2.0
    Keeper(y)  # <- attribute of self
    return np.sum(y * x)


class Tail:
    def __init__(self, a):
        self.tail = a[1:]
        self.tail *= 2.0


def initializer_scales_a_view(x):
    y = x * 2.0
    Tail(y)  # <- view in self
    return np.sum(y * x)


class Copier:
    """Writes into copies of what it is given: exact."""

    def __init__(self, a):
        self.a = a.copy()
        self.a[0] = 5.0
        self.b = np.array(a)
        self.b *= 2.0


def initializer_writes_copies(x):
    y = x * 2.0
    Copier(y)
    return np.sum(y * x)


class Lazy:
    def __init__(self, a):
        self.a = a

    @property
    def doubled(self):
        self.a[0] = 7.0
        return self.a


def property_writes(x):
    y = x * 2.0
    o = Lazy(y)
    z = o.doubled  # <- property
    return np.sum(y * x)


@dataclasses.dataclass
class Scaled:
    a: np.ndarray

    @property
    def scaled(self):
        self.a *= 2.0  # <- dataclass property
        return self.a


def dataclass_property_writes(x):
    y = x * 2.0
    o = Scaled(y)
    z = o.scaled
    return np.sum(y * x)


def argument_property_writes(p):  # <- argument property
    z = p.scaled
    return np.sum(p.a * p.a)


class Accumulator:
    def __init__(self, a):
        self.a = a

    def __iadd__(self, v):
        self.a[0] = v
        return self


def in_place_operator(x):
    y = x * 2.0
    o = Accumulator(y)
    o += 3.0  # <- iadd
    return np.sum(y * x)


class Counter:
    def __init__(self):
        self.n = 0

    def __iadd__(self, v):
        self.n = self.n + 1
        return self


def item_in_place_operator(x, table):
    y = x * 2.0
    table["count"] += 3.0  # <- item iadd
    return np.sum(y * x)


class Getter:
    def __init__(self, a):
        self.a = a

    def __getitem__(self, k):
        self.a[0] = 1.0
        return self.a[k]


def getitem_writes(x):
    y = x * 2.0
    g = Getter(y)
    t = g[1]  # <- getitem
    return np.sum(y * x)


class Memo:
    """Writes into its own dict, never into what it was given: exact."""

    def __init__(self, a):
        self.a = a
        self.cache = {}

    @property
    def total(self):
        self.cache["total"] = 1.0
        return self.cache["total"]


def property_writes_its_own_memory(x):
    y = x * 2.0
    o = Memo(y)
    z = o.total
    return np.sum(y * x)


# ----- NumPy and SciPy told to overwrite what they are given -------------------------------

def median_overwrites_by_name(x):
    a = x * 2.0
    m = np.median(a, overwrite_input=True)  # <- median
    return np.sum(a * x)


def lu_factor_overwrites_by_position(x):
    a = (np.outer(x, x) + np.diag(x) * 3.0 + np.eye(3) * 9.0).T
    lu, piv = scipy.linalg.lu_factor(a, True)  # <- lu_factor
    return np.sum(a * a)


def solve_overwrites_by_position(x):
    a = (np.outer(x, x) + np.diag(x) * 3.0 + np.eye(3) * 9.0).T
    b = x * 1.0
    s = scipy.linalg.solve(a, b, False, True, True)  # <- solve
    return np.sum(a * a) + np.sum(b)


def inv_overwrites_by_position(x):
    a = (np.outer(x, x) + np.diag(x) * 3.0 + np.eye(3) * 9.0).T
    s = scipy.linalg.inv(a, True)  # <- inv
    return np.sum(a * a)


def eigh_overwrites_by_name(x):
    a = (np.outer(x, x) + np.diag(x) * 3.0 + np.eye(3) * 9.0).T
    w, v = scipy.linalg.eigh(a, overwrite_a=True)  # <- eigh
    return np.sum(a * a)


def filter_writes_its_output(x):
    y = x * 2.0
    t = scipy.ndimage.gaussian_filter(x * 3.0, 1.0, output=y)  # <- output
    return np.sum(y * x)


def accumulate_writes_its_out(x):
    y = x * 2.0
    t = np.add.accumulate(x * 3.0, 0, None, y)  # <- accumulate
    return np.sum(y * x)


def nan_to_num_in_place(x):
    y = x / (x - x[0])
    t = np.nan_to_num(y, copy=False)  # <- nan_to_num
    return np.sum(y[1:] * x[1:])


def lu_factor_told_not_to_overwrite(x):
    a = (np.outer(x, x) + np.diag(x) * 3.0 + np.eye(3) * 9.0).T
    lu, piv = scipy.linalg.lu_factor(a, False)
    return np.sum(a * a)


def cho_factor_told_not_to_overwrite(x):
    a = np.outer(x, x) + np.eye(3) * 9.0
    c, low = scipy.linalg.cho_factor(a, False, False)
    return np.sum(c * c)


X = np.array([0.5, -1.2, 2.0])

CASES = [
    Refused(writes_argument_reads_global, Shared((X, W)), AdjointError, "direct"),
    Refused(writes_argument_two_calls_down, Shared((X, W)), AdjointError, "two calls"),
    Refused(writes_list_argument_reads_global, Shared((X, LISTED)), AdjointError, "list"),
    Refused(writes_list_holding_global, Shared((X, [W])), AdjointError, "list holding"),
    Refused(writes_object_argument_reads_global, Shared((X, CONFIG)), AdjointError, "object"),
    Refused(writes_object_argument_reads_global, Shared((X, types.SimpleNamespace(w=CONFIG.w))), AdjointError,
            "object", id="object_holding_global"),
    Refused(writes_argument_reads_global, Shared((X, W[1:])), AdjointError, "direct", id="view_of_global"),
    Refused(writes_argument_reads_module_attribute, Shared((X, SETTINGS.w)), AdjointError, "module attribute"),
    Refused(writes_argument_callee_reads_global, Shared((X, W)), AdjointError, "callee reads"),
    Refused(writes_argument_itself_reads_global, Shared((X, W)), AdjointError, "own write"),
    Refused(writes_argument_reads_class_attribute, Shared((X, Weights.W)), AdjointError, "class attribute"),
    Refused(writes_attribute_of_argument, Shared((X, types.SimpleNamespace(w=W))), AdjointError, "attribute write"),
    Refused(adds_into_argument_reads_global, Shared((X, W)), AdjointError, "augmented"),
    Refused(writes_item_of_tuple_argument, Shared((X, (W, 1.0))), AdjointError, "tuple holding"),
    Refused(writes_value_of_dict_argument, Shared((X, {"w": W})), AdjointError, "dict holding"),
    Refused(MODEL.loss, Shared((X, MODEL.w)), AdjointError, "bound instance", id="bound_instance_attribute"),
    Refused(WRITES_ARGUMENT_READS_CLOSURE, Shared((X, CLOSED_OVER)), AdjointError, "closure"),
    Refused(initializer_helper, (X,), UnsupportedSyntaxError, "initializer helper"),
    Refused(initializer_of_the_base, (X,), UnsupportedSyntaxError, "super init"),
    Refused(initializer_writes_its_attribute, (X,), UnsupportedSyntaxError, "attribute of self"),
    Refused(initializer_scales_a_view, (X,), UnsupportedSyntaxError, "view in self"),
    Exact(initializer_writes_copies, lambda rng: (vector(rng),)),
    Refused(property_writes, (X,), UnsupportedSyntaxError, "property"),
    Refused(dataclass_property_writes, (X,), UnsupportedSyntaxError, "dataclass property"),
    Refused(argument_property_writes, (Scaled(X.copy()),), ArgumentError, "argument property"),
    Refused(in_place_operator, (X,), UnsupportedSyntaxError, "iadd"),
    Refused(getitem_writes, (X,), UnsupportedSyntaxError, "getitem"),
    Exact(property_writes_its_own_memory, lambda rng: (vector(rng),)),
    Refused(median_overwrites_by_name, (X,), NonDifferentiableError, "median"),
    Refused(accumulate_writes_its_out, (X,), UnsupportedSyntaxError, "accumulate"),
    Refused(nan_to_num_in_place, (X,), NonDifferentiableError, "nan_to_num"),
]

if scipy is not None:
    CASES += [
        Refused(lu_factor_overwrites_by_position, (X,), NonDifferentiableError, "lu_factor"),
        Refused(solve_overwrites_by_position, (X,), NonDifferentiableError, "solve"),
        Refused(inv_overwrites_by_position, (X,), NonDifferentiableError, "inv"),
        Refused(eigh_overwrites_by_name, (X,), NonDifferentiableError, "eigh"),
        Refused(filter_writes_its_output, (X,), NonDifferentiableError, "output"),
        Exact(lu_factor_told_not_to_overwrite, lambda rng: (vector(rng),)),
        Exact(cho_factor_told_not_to_overwrite, lambda rng: (vector(rng),)),
    ]
