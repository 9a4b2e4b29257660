"""What a derived function raises when it meets, at run time, a value adjoint does not differentiate.

The API turns each `Refused` into an `adjoint.AdjointError` at the user's line where it knows it.
"""
from __future__ import annotations

import inspect
import types

import numpy as np


class Refused(ValueError):
    """A derived function met, at run time, a value adjoint does not differentiate."""


class ContainerArithmeticError(Refused, TypeError):
    """Derivative code that took `+` or `*` for arithmetic met lists or tuples joined or repeated."""


class ListSliceStoreError(Refused, TypeError):
    """`xs[i:j] = v` on a list, met by derivative code generated without argument kinds."""


class RefusedAt(Refused):
    """A refusal at a line of the user's code: `filename` and `lineno` say where, and the message
    starts with them (in a module `adjoint gen` wrote, the file name is relative to the module's)."""

    def __init__(self, message, filename, lineno):
        super().__init__(message)
        self.filename = filename
        self.lineno = lineno

    def __str__(self) -> str:
        return f"{self.filename}:{self.lineno}: {self.args[0]}" if self.filename else str(self.args[0])


class InPlaceChangeError(RefusedAt):
    """`c += v` changes in place an array or list that another name, or the caller, also refers to:
    the derivative does not follow that change."""


class IterationError(RefusedAt):
    """A `for` met a dict where the derivative code reads the sequence by position."""


class JoinError(RefusedAt):
    """`a + b`, differentiated as joining lists or tuples, met a value that is not one."""


class StaleDerivativeError(RefusedAt):
    """A module's attribute the derivative was generated without exists where it runs."""


def absent_or_refuse(owner, attribute, message, filename, lineno):
    """Raise StaleDerivativeError if module `owner` has `attribute` after all: the derivative was
    generated where it had not (`np.trapz` on NumPy 2.4, in a module `adjoint gen` wrote and run
    with another NumPy, or a submodule imported since), so it differentiates no call of it. Where
    it has not, the call after this check raises Python's own AttributeError."""
    if hasattr(owner, attribute):
        raise StaleDerivativeError(message, filename, lineno)


# The methods by which `c += v` (and the other augmented assignments) change c in place.
IN_PLACE_OPERATORS = ("__iadd__", "__isub__", "__imul__", "__itruediv__", "__ifloordiv__", "__imod__", "__ipow__",
                      "__imatmul__", "__iand__", "__ior__", "__ixor__", "__ilshift__", "__irshift__")


def function_position(function, *functions):
    """The position of `function` among `functions` (by identity), -1 where it is none of them."""
    return next((position for position, known in enumerate(functions) if known is function), -1)


def function_choice_refused(function, message, filename, lineno):
    """A call of a function chosen at run time met one the derivative was not written for
    (normalize/function_choices.py): always raises."""
    raise RefusedAt(f"{message}; it holds {function!r}", filename, lineno)


def number_or_refuse(value, message, filename, lineno):
    """Raise InPlaceChangeError unless `value` is immutable (then `c += v` only rebinds c): not an
    array or a container, nor an object of a class with an in-place operator (`__iadd__`)."""
    if _changes_in_place(value):
        raise InPlaceChangeError(message, filename, lineno)


def _changes_in_place(value) -> bool:
    kind = type(value)
    if kind is float or kind is int:
        return False
    return isinstance(value, (np.ndarray, list, dict, set, bytearray)) or any(
        hasattr(kind, operator) for operator in IN_PLACE_OPERATORS)


class OperandKindError(RefusedAt):
    """`a | b` (or &, ^, <<, >>, ~) of a value that depends on the differentiated inputs met a dict,
    a set or another object whose operator merges values rather than combining bits; `dict(a)`
    met an `a` that is not a dict to copy."""


def bitwise_operand_or_refuse(value, message, filename, lineno):
    """Raise OperandKindError unless `value`, an operand of a bitwise operator, is a number or an
    array (of integers or truth values: the operator's result carries no derivative)."""
    if not isinstance(value, (int, float, np.ndarray, np.generic)):
        raise OperandKindError(message, filename, lineno)


def arithmetic_operand_or_refuse(value, name, message, filename, lineno):
    """Raise OperandKindError where `value`, an operand of the arithmetic operator whose method is
    `__<name>__`, is an object whose class defines that method or its reflection in Python (a function
    of the user's, which Python calls; the derivative is that of numbers, arrays and lists)."""
    if defines_arithmetic(value, name):
        raise OperandKindError(message, filename, lineno)


def defines_arithmetic(value, name):
    """Whether value's class defines `__<name>__`, its reflection or its in-place form as a Python function."""
    cls = type(value)
    return cls not in (float, int, bool, np.ndarray, np.float64, list, tuple) and any(
        inspect.isfunction(getattr(cls, f"__{prefix}{name}__", None)) for prefix in ("", "r", "i"))


def dict_or_refuse(value, message, filename, lineno):
    """Raise OperandKindError unless `value`, the argument of `dict(...)` differentiated as a copy, is a dict."""
    if not isinstance(value, dict):
        raise OperandKindError(message, filename, lineno)


def array_method_or_refuse(value, name, message, filename, lineno):
    """Raise OperandKindError if NumPy's function `name` (np.sum), given `value`, would call the
    method of that name of value's own class (a NamedTuple's `sum`) instead of its own code, or if
    `value.copy()` is such a method (not an array's, a list's, a dict's or a set's); for the name
    `__array__`, if NumPy would make value, or an item of the list or tuple it is, an array by that
    method of its class."""
    if name == "__array__" and type(value) in (list, tuple):
        for item in value:
            array_method_or_refuse(item, name, message, filename, lineno)
    elif not isinstance(value, (np.ndarray, np.generic, list, dict, set)) and callable(getattr(type(value), name, None)):
        raise OperandKindError(message, filename, lineno)


def attribute_or_raise(value, name, filename, lineno):
    """Raise the AttributeError Python raises reading `value.<name>`: the derivative code reads
    `x.sum()`, `x.T` and the other array methods and attributes as NumPy's functions (np.sum(x)),
    which take a list, a tuple or a number too, where Python finds no such attribute. A value of
    another class that has one (a NamedTuple's field `T`, an object's own `mean`) is refused
    (OperandKindError): the derivative would be NumPy's function's, not the attribute's."""
    if isinstance(value, (np.ndarray, np.generic)) or name == "copy" and isinstance(value, (list, dict, set)):
        return
    if not hasattr(value, name):
        raise AttributeError(f"'{type(value).__name__}' object has no attribute '{name}'")
    if isinstance(value, (float, int, complex)):  # x.real, x.imag
        return
    raise OperandKindError(f"`.{name}` here reads the attribute `{name}` of a value of its own class (a "
                           f"{type(value).__name__}), which adjoint would read as an array's (NumPy's); give the "
                           f"field or method another name", filename, lineno)


def item_update_or_refuse(container, item, message, filename, lineno):
    """Raise InPlaceChangeError if `container[k] op= v` changes `item` in place: an array or a list
    held by a container that is not an array (`X[k] += v` writes into the array X)."""
    if not isinstance(container, np.ndarray) and _changes_in_place(item):
        raise InPlaceChangeError(message, filename, lineno)


def items_apart_or_refuse(container, item, message, filename, lineno):
    """Raise InPlaceChangeError if `container[k] op= v` changes in place an `item` (an array or a
    list) that `container` holds at another place too, or an array sharing its memory: the
    derivative stores a new object at k alone. A container that is an array is written into."""
    if isinstance(container, np.ndarray) or not isinstance(item, (np.ndarray, list, dict, set, bytearray)):
        return
    places, seen, todo = 0, set(), [container]
    while todo:
        value = todo.pop()
        if value is item:
            places += 1
        elif isinstance(value, np.ndarray) and isinstance(item, np.ndarray) and np.may_share_memory(value, item):
            places += 2
        elif isinstance(value, (list, tuple, dict)) or hasattr(type(value), "__dataclass_fields__"):
            if id(value) not in seen:
                seen.add(id(value))
                todo.extend(_held_items(value))
        if places > 1:
            raise InPlaceChangeError(message, filename, lineno)


def arguments_apart_or_refuse(written, others, message, filename, lineno):
    """Raise InPlaceChangeError if an argument the function writes into in place (`written`)
    shares an object or memory with another argument: the derivative takes its arguments for
    separate objects (`f(a, a)` with `x *= 2.0` changes y as well in Python)."""
    reached = list(_objects_in(written))
    for other in others:
        for value in _objects_in(other):
            if any(_shared(value, mine) for mine in reached):
                raise InPlaceChangeError(message, filename, lineno)


def outside_apart_or_refuse(written, outside, message, filename, lineno):
    """Raise InPlaceChangeError if an argument the function writes into in place (`written`: a
    tuple of them) is, holds or views an object from outside it that it reads (`outside`: its
    globals and closure objects, and those of the functions it calls): the derivative takes a
    global for memory no argument reaches (`f(W)` with `w[0] = v` changes what `W` reads in Python)."""
    if _arrays_apart(written, outside):  # the common case (arrays alone), without a walk
        return
    reached = [value for argument in written for value in _objects_in(argument, True)]
    arrays = [value for value in reached if isinstance(value, np.ndarray)]
    mine = {id(value) for value in reached}
    for value in _objects_in(outside, True):
        if id(value) in mine or isinstance(value, np.ndarray) and any(
                np.may_share_memory(value, a) and np.shares_memory(value, a) for a in arrays):
            raise InPlaceChangeError(message, filename, lineno)


def _objects_in(value, objects: bool = False):
    """The arrays and mutable containers `value` is or holds (through lists, tuples, dicts and
    dataclass instances; with `objects`, through the attributes of any object that keeps them in a
    `__dict__` too, and yielding that object: not a module, a class or a function)."""
    seen, todo = set(), [value]
    while todo:
        value = todo.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        held = objects and _attributes_of(value)
        if held is not None or isinstance(value, (np.ndarray, list, dict, set, bytearray)):
            yield value
        if held:
            todo.extend(held.values())
        elif isinstance(value, (list, tuple, dict)) or hasattr(type(value), "__dataclass_fields__"):
            todo.extend(_held_items(value))


def _arrays_apart(written, outside) -> bool:
    """True where `written` and `outside` are arrays alone that share no memory (False: look closer)."""
    for a in written:
        if type(a) is not np.ndarray:
            return False
        for b in outside:
            if type(b) is not np.ndarray or np.may_share_memory(a, b) and np.shares_memory(a, b):
                return False
    return True


def _held_items(value) -> list:
    """The items of a list, tuple or dict, the fields of a dataclass instance (one with `__slots__`
    too, which has no `__dict__`)."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, dict):
        return list(value.values())
    return [getattr(value, name, None) for name in type(value).__dataclass_fields__]


def _attributes_of(value):
    """The `__dict__` of an object of a class that keeps its attributes there (not of a module, a
    class, a function or an array), or None."""
    if isinstance(value, (type, types.ModuleType, types.FunctionType, types.MethodType, np.ndarray)):
        return None
    try:
        attributes = object.__getattribute__(value, "__dict__")  # (not a class's own __getattr__)
    except AttributeError:
        return None
    return attributes if isinstance(attributes, dict) else None


def _shared(a, b) -> bool:
    if a is b:
        return True
    return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and np.may_share_memory(a, b)


class NonScalarOutput(ValueError):
    """A function differentiated with `grad` returned more than one number."""


class ComplexValue(Refused):
    """A complex value reached a derivative (adjoint differentiates real values only)."""

    def __init__(self, what: str):
        super().__init__(f"{what}: a complex value appeared at run time (a negative float raised to a fractional "
                         "power is complex in Python); adjoint differentiates real values only")
