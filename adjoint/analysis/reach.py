"""Reach: the ways a function gets at memory from outside it without naming the object.

analysis/sharing.py gives the root OUTSIDE_MEMORY to what a global or closure name holds and to
what is read from it. Memory from outside is reached in other ways too, and a write into it
would be one the derivative restores or skips:

- through reflection: `getattr(config, "W")`, `vars(config)["W"]`, `globals()["W"]`,
  `importlib.import_module("config").W`, `type(self).W`, `f.__defaults__[0]`, the `__dict__`
  of anything; the result of such a call, or a dunder attribute, is memory from outside;
- through a module or a user class (an object sharing.py takes for inert, since it cannot be
  written into) given to a called function, which may return what it holds (`get(config)`,
  `operator.attrgetter("W")(config)`);
- through an object made in the function by calling a user class (`m = Model()`): its
  attributes may be class attributes (`Model.W`), what a property returns, or objects its
  `__init__` took from a global. Such an object may hold memory from outside unless nothing
  in its class can give it any (class_reaches_outside).
"""
from __future__ import annotations

import builtins
import collections
import dataclasses
import functools
import importlib
import inspect
import numbers
import operator
import os
import sys
import types
from typing import TYPE_CHECKING, Any, Set

import gast
import numpy as np

from adjoint import nodes
from adjoint.frontend.names import LIBRARIES, module_of
from adjoint.frontend.parse import MISSING
from adjoint.frontend.values import resolve_value

if TYPE_CHECKING:
    from adjoint.analysis.calls import CallClassifier

# Calls whose result may be any object from outside the function, whatever they are given.
REFLECTION = (globals, locals, vars, __import__, importlib.import_module, inspect.getattr_static,
              object.__getattribute__, type, sys._getframe, inspect.currentframe, operator.attrgetter,
              operator.methodcaller)
# Modules whose attributes a class's code may read without reaching memory from outside.
PURE_MODULES = ("builtins", "math", "cmath", "numbers", "typing", "dataclasses", "functools", "operator", "itertools",
                "abc", "enum", "collections")
# Objects of the dataclasses machinery a generated `__init__` holds in its closure.
DATACLASS_MARKERS = (dataclasses.MISSING, getattr(dataclasses, "_HAS_DEFAULT_FACTORY", None))
NOT_HOLDING = (numbers.Number, str, bytes, type(None), type(Ellipsis), type(NotImplemented))
STANDARD_LIBRARY = os.path.dirname(os.path.abspath(dataclasses.__file__))
# The descriptors of `__slots__` and of a namedtuple's fields: storage of each object, not of the class.
SLOTS = (types.MemberDescriptorType, types.GetSetDescriptorType, type(collections.namedtuple("Pair", "a").a))
# Python's own modules (Python 3.9 does not list them: the ones a class's code commonly uses).
STANDARD_MODULES = frozenset(getattr(sys, "stdlib_module_names", ())) or frozenset((
    "abc", "builtins", "cmath", "collections", "copy", "dataclasses", "enum", "functools", "itertools", "math",
    "numbers", "operator", "types", "typing", "_collections", "_collections_abc", "_functools", "_operator"))


def is_reflection(func: Any) -> bool:
    """getattr with a name known only at run time or a dunder name, vars, globals, type, ...
    (getattr with another constant name is an attribute read: see sharing.py)."""
    return any(func is reflective for reflective in REFLECTION)


def is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def is_library(value: Any) -> bool:
    """NumPy's, SciPy's and Python's own modules, classes and functions (not a user's)."""
    if isinstance(value, types.ModuleType):
        name = value.__name__
    else:
        name = module_of(value)
    root = name.split(".")[0]
    return root in LIBRARIES or root in ("builtins", "adjoint") or root in STANDARD_MODULES


def holds_memory(value: Any) -> bool:
    """A module or class of the user's, which holds objects a function given it may return."""
    return isinstance(value, (types.ModuleType, type)) and not is_library(value)


def class_reaches_outside(cls: type) -> bool:
    """Whether an object made by calling cls may be or hold memory from outside the function that
    made it: a class attribute that is an object (an array, a list, a property), or code of the
    class (`__init__`, `__new__`, any method) that reads such an object, a module of the user's,
    a default or a closure cell. NumPy's and Python's classes: no (their objects are new)."""
    return _class_reaches(cls, set())


def _class_reaches(cls: type, seen: Set[int]) -> bool:
    if id(cls) in seen or is_library(cls):
        return False
    seen.add(id(cls))
    for klass in cls.__mro__:
        if klass is object or is_library(klass):
            continue
        named_tuple = issubclass(klass, tuple) and hasattr(klass, "_fields")
        for name, value in vars(klass).items():
            if named_tuple and name == "_field_defaults":
                continue  # the defaults of its `__new__`, looked at there
            if _value_reaches(value, seen, attribute=name):
                return True
    return False


def _value_reaches(value: Any, seen: Set[int], attribute: str = "") -> bool:
    """Whether value (a class attribute, a global or closure object a class's code reads) may be or
    give memory from outside."""
    if isinstance(value, (staticmethod, classmethod)):
        value = value.__func__
    if isinstance(value, property):
        return any(_value_reaches(part, seen) for part in (value.fget, value.fset, value.fdel) if part is not None)
    if isinstance(value, types.FunctionType):
        return _function_reaches(value, seen)
    if isinstance(value, type):
        return _class_reaches(value, seen)
    if isinstance(value, types.ModuleType):
        return value.__name__.split(".")[0] not in LIBRARIES + PURE_MODULES
    if is_dunder(attribute) or isinstance(value, NOT_HOLDING + SLOTS) or _is_marker(value):
        return False  # `__module__`, `__annotations__`, `__dataclass_fields__`: what the class is, not its data
    if isinstance(value, (tuple, frozenset)):
        return any(_value_reaches(item, seen) for item in value)
    return not (callable(value) and is_library(value))


def _is_marker(value: Any) -> bool:
    return any(value is marker for marker in DATACLASS_MARKERS if marker is not None)


def _function_reaches(func: types.FunctionType, seen: Set[int]) -> bool:
    if id(func) in seen or is_library(func) or _in_standard_library(func.__code__.co_filename):
        return False  # (a wrapper made by Python's own modules, as dataclasses' `__repr__`)
    seen.add(id(func))
    held = list(func.__defaults__ or ()) + list((func.__kwdefaults__ or {}).values())
    held += [cell.cell_contents for cell in func.__closure__ or () if _filled(cell)]
    names = names_of(func.__code__)
    scope = func.__globals__
    builtin = vars(builtins)
    held += [scope[name] if name in scope else builtin[name] for name in names if name in scope or name in builtin]
    return any(_value_reaches(value, seen) for value in held if not isinstance(value, types.BuiltinFunctionType))


def _in_standard_library(filename: str) -> bool:
    return os.path.dirname(os.path.abspath(filename)) == STANDARD_LIBRARY


def _filled(cell) -> bool:
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


def names_of(code: types.CodeType) -> Set[str]:
    """The global and attribute names a code object (with those nested in it) reads."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= names_of(constant)
    return names


def defaulted_to_objects(arguments: gast.arguments) -> Set[str]:
    """The parameters whose default is an object, not a number (`w=W`, `buf=np.zeros(3)`): called
    without them, the function gets an object from outside, the same at every call."""
    positional = arguments.args[len(arguments.args) - len(arguments.defaults):]
    pairs = list(zip(positional, arguments.defaults)) + list(zip(arguments.kwonlyargs, arguments.kw_defaults))
    return {arg.id for arg, default in pairs if default is not None and not isinstance(default, gast.Constant)}


def outside_objects(func_node: gast.FunctionDef, classifier: CallClassifier) -> Set[str]:
    """The free names the function reads (globals, closure cells) that may hold an object whose
    memory can be written into: not a module, a function, a class, a number or a string."""
    local = classifier.local_names
    names = set(nodes.names_read(func_node)) - local
    return {name for name in names if not is_inert(resolve_value(nodes.name(name), classifier.parsed, local))}


INERT = (types.ModuleType, type, numbers.Number, str, bytes, type(None), types.FunctionType, types.BuiltinFunctionType,
         types.MethodType, np.ufunc, functools.partial)


def is_inert(value) -> bool:
    """An object whose memory a function cannot write into or hand out: a module, a function, a
    method or class, a number, a string (not an object called like a function, which may hold
    arrays; not MISSING, a name not found)."""
    return value is not MISSING and isinstance(value, INERT)
