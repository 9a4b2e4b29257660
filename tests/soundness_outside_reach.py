"""Soundness cases for memory from outside the function reached without its global name, and then written.

A global array is reached by reflection (`getattr(module, "W")`, `vars(module)["W"]`,
`globals()["W"]`, `operator.attrgetter("W")(module)`, `__import__`, a module's
`__getattribute__`), through a module or a class given to a function that returns what it holds,
through a class attribute read on an object the function makes (`M().W`, inherited too, or
`getattr(M, "W")`; of a NamedTuple's or a dataclass's class too, `p.W` for `W = np.ones(3)` in its
body, no field), through a property, through an `__init__` that stores a global or a namedtuple's default, or in a method
through `type(self).W`, `self.__class__.W` or `self.W` of the bound object. A write through the
local name changes the global, which the function reads under its own name afterwards: the
derivative restored or skipped the change. Each is refused at the write. Two reads of one
attribute of an object the function makes (`b.w`, then `b.w` again) name one array: a write
through the first, read through the second, is refused too. After `a += v` on what may be a 0-d
array, the derivative's `a = a + v` is a NumPy number: an item write into it raised a TypeError
from the generated code; it is refused. Every refused case below gave a wrong gradient (or, for
`zero_d_written_after_augmented_assignment`, raised the TypeError) before. A default that is an
object is the object `def` made: the derivative re-evaluated its expression (a new random draw,
or what the global name means now), a wrong value and gradient for `drawn_default` and
`default_of_a_rebound_global` before; the other exact cases stay exact (objects of a class whose
attributes are the ones it is given, a dataclass made locally).
"""
from __future__ import annotations

import collections
import dataclasses
import itertools
import operator
import sys
import typing

import numpy as np

from adjoint import UnsupportedSyntaxError
from soundness import Exact, Refused

W = np.ones(3)
NAME = "W"
MODULE = sys.modules[__name__]
DRAWS = itertools.count()


class Weights:
    W = np.ones(3)


class Inherited(Weights):
    pass


class PairWithTable(typing.NamedTuple):
    a: float
    W = np.ones(3)  # an object of the class, no field


@dataclasses.dataclass
class CellWithTable:
    a: float
    W = np.ones(3)


class FromProperty:
    @property
    def w(self):
        return W


class StoresGlobal:
    def __init__(self):
        self.w = W


class Box:
    def __init__(self):
        self.w = np.ones(3)


WithDefault = collections.namedtuple("WithDefault", "a", defaults=(W,))


@dataclasses.dataclass
class Params:
    a: np.ndarray
    scale: float = 2.0


class Method:
    W = np.ones(3)

    def through_type(self, x):
        w = type(self).W
        w[0] = x[0]  # <- type_of_self
        return np.sum(Method.W * x)

    def through_class(self, x):
        w = self.__class__.W
        w[0] = x[0]  # <- class_of_self
        return np.sum(Method.W * x)

    def through_self(self, x):
        self.W[0] = x[0]  # <- self_attribute
        return np.sum(Method.W * x)


METHOD = Method()


def attribute_of(owner):
    return owner.W


def x3(rng):
    return (rng.normal(size=3),)


def getattr_of_module(x):
    w = getattr(MODULE, "W")
    w[0] = x[0]  # <- getattr_of_module
    return np.sum(W * x)


def getattr_with_a_global_name(x):
    w = getattr(MODULE, NAME)
    w[0] = x[0]  # <- getattr_with_a_global_name
    return np.sum(W * x)


def vars_of_module(x):
    w = vars(MODULE)["W"]
    w[0] = x[0]  # <- vars_of_module
    return np.sum(W * x)


def item_of_globals(x):
    w = globals()["W"]
    w[0] = x[0]  # <- item_of_globals
    return np.sum(W * x)


def attrgetter_of_module(x):
    w = operator.attrgetter("W")(MODULE)
    w[0] = x[0]  # <- attrgetter_of_module
    return np.sum(W * x)


def module_getattribute(x):
    w = MODULE.__getattribute__("W")
    w[0] = x[0]  # <- module_getattribute
    return np.sum(W * x)


def attribute_of_imported(x):
    m = __import__(__name__)
    m.W[0] = x[0]  # <- attribute_of_imported
    return np.sum(W * x)


def getter_given_the_module(x):
    w = attribute_of(MODULE)
    w[0] = x[0]  # <- getter_given_the_module
    return np.sum(W * x)


def getter_given_the_class(x):
    w = attribute_of(Weights)
    w[0] = x[0]  # <- getter_given_the_class
    return np.sum(Weights.W * x)


def class_attribute_of_made_object(x):
    m = Weights()
    m.W[0] = x[0]  # <- class_attribute_of_made_object
    return np.sum(Weights.W * x)


def class_object_of_a_named_tuple(x):
    p = PairWithTable(1.0)
    p.W[0] = x[0]  # <- class_object_of_a_named_tuple
    return np.sum(PairWithTable.W * x)


def class_object_of_a_dataclass(x):
    c = CellWithTable(1.0)
    c.W[0] = x[0]  # <- class_object_of_a_dataclass
    return np.sum(CellWithTable.W * x)


def class_object_of_a_dataclass_by_name(x):
    c = CellWithTable(1.0)
    w = c.W
    w[1] = x[1]  # <- class_object_of_a_dataclass_by_name
    return np.sum(CellWithTable.W * x)


def class_attribute_by_name(x):
    m = Weights()
    w = m.W
    w[0] = x[0]  # <- class_attribute_by_name
    return np.sum(Weights.W * x)


def inherited_class_attribute(x):
    m = Inherited()
    m.W[0] = x[0]  # <- inherited_class_attribute
    return np.sum(Weights.W * x)


def getattr_of_class(x):
    w = getattr(Weights, "W")
    w[0] = x[0]  # <- getattr_of_class
    return np.sum(Weights.W * x)


def property_returning_a_global(x):
    m = FromProperty()
    w = m.w
    w[0] = x[0]  # <- property_returning_a_global
    return np.sum(W * x)


def init_storing_a_global(x):
    m = StoresGlobal()
    m.w[0] = x[0]  # <- init_storing_a_global
    return np.sum(W * x)


def named_tuple_default_of_a_global(x):
    t = WithDefault()
    t.a[0] = x[0]  # <- named_tuple_default
    return np.sum(W * x)


def attribute_read_twice(x):
    b = Box()
    b.w[0] = x[0]  # <- attribute_read_twice
    return np.sum(b.w * x)


def zero_d_written_after_augmented_assignment(x):
    a = np.array(1.0)
    a += 1.0
    a[()] = x[0]  # <- zero_d_after_augmented
    return float(a) * np.sum(x)


def attribute_of_own_object_written(x):
    w = Box().w
    w[0] = x[1]
    return np.sum(w * x)


def dataclass_made_locally(x):
    p = Params(np.ones(3))
    return np.sum(p.a * x) * p.scale


def zero_d_item_update(x):
    a = np.array(1.0)
    a[()] += x[0]
    return float(a) * np.sum(x)


def drawn_default(x, w=np.full(3, 2.0 + next(DRAWS))):  # evaluated again, it gives another array
    return np.sum(x * w)


def default_of_a_rebound_global(x, w=W):
    return np.sum(x * w * w)


def refused(fn, marker, wrt=0, name=""):
    return Refused(fn, (np.array([0.5, 1.0, 2.0]),), UnsupportedSyntaxError, marker, wrt=wrt, id=name)


CASES = [
    refused(getattr_of_module, "getattr_of_module"),
    refused(getattr_with_a_global_name, "getattr_with_a_global_name"),
    refused(vars_of_module, "vars_of_module"),
    refused(item_of_globals, "item_of_globals"),
    refused(attrgetter_of_module, "attrgetter_of_module"),
    refused(module_getattribute, "module_getattribute"),
    refused(attribute_of_imported, "attribute_of_imported"),
    refused(getter_given_the_module, "getter_given_the_module"),
    refused(getter_given_the_class, "getter_given_the_class"),
    refused(class_attribute_of_made_object, "class_attribute_of_made_object"),
    refused(class_attribute_by_name, "class_attribute_by_name"),
    refused(class_object_of_a_named_tuple, "class_object_of_a_named_tuple"),
    refused(class_object_of_a_dataclass, "class_object_of_a_dataclass"),
    refused(class_object_of_a_dataclass_by_name, "class_object_of_a_dataclass_by_name"),
    refused(inherited_class_attribute, "inherited_class_attribute"),
    refused(getattr_of_class, "getattr_of_class"),
    refused(property_returning_a_global, "property_returning_a_global"),
    refused(init_storing_a_global, "init_storing_a_global"),
    refused(named_tuple_default_of_a_global, "named_tuple_default"),
    refused(attribute_read_twice, "attribute_read_twice"),
    refused(METHOD.through_type, "type_of_self", name="type_of_self"),
    refused(METHOD.through_class, "class_of_self", name="class_of_self"),
    refused(METHOD.through_self, "self_attribute", name="self_attribute"),
    refused(zero_d_written_after_augmented_assignment, "zero_d_after_augmented"),
    Exact(attribute_of_own_object_written, x3),
    Exact(dataclass_made_locally, x3),
    Exact(zero_d_item_update, x3),
    Exact(drawn_default, x3),
    Exact(default_of_a_rebound_global, x3),
]

W = np.full(3, 2.0)  # rebound after `default_of_a_rebound_global` took the first W for its default
