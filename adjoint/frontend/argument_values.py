"""The values an argument (or a global) holds, and arrays of a class of NumPy's whose operations
mean something else than an ndarray's: `np.matrix` (`*` is a matrix product), masked arrays
(reductions skip the masked entries), any other subclass that may change an operation. The
derivative rules are an ndarray's, so the derivative through such an array would be silently
wrong: frontend/complex_values.py refuses them where it refuses complex values, and the classes
and functions that make them where the function names them. Subclasses that only add to an
ndarray (np.memmap, np.recarray) are arrays like any other.

So are numbers of a class of the user's that defines an operation of its own (`__mul__`, an
`__index__` or `__float__` NumPy calls, which may answer differently each time the derivative
asks): the rules compute with them as with floats."""
from __future__ import annotations

import inspect
from typing import Any, Optional

import numpy as np

PLAIN_ARRAYS = (np.ndarray, np.memmap, np.recarray)
NUMBERS = (int, float, complex)
# Functions of NumPy's whose arrays are not ndarrays (beside numpy.ma's, every one).
FOREIGN_ARRAY_MAKERS = (np.asmatrix, np.bmat)
# What a class of numbers may define without changing what its numbers do in an operation.
_INERT_NUMBER_ATTRIBUTES = frozenset((
    "__module__", "__qualname__", "__doc__", "__dict__", "__weakref__", "__slots__", "__init__", "__new__",
    "__repr__", "__str__", "__format__", "__init_subclass__", "__getnewargs__", "__reduce__", "__reduce_ex__",
    "__annotations__", "__orig_bases__", "__parameters__", "__firstlineno__", "__static_attributes__",
    "__slotnames__"))  # (the last: copyreg's, kept on the class once an object of it is copied)
_NUMBER_OPERATIONS = frozenset(dir(float)) | frozenset(dir(int)) | frozenset(dir(complex))


def parts(value: Any, depth: int = 0):
    """value and what it holds: the items of a list or tuple, a dict's values, an object's
    attributes, two levels deep (the places an argument's values are read from)."""
    yield value
    if depth > 2 or isinstance(value, (float, int, str, np.ndarray, np.generic)) or value is None:
        return
    if isinstance(value, (list, tuple, dict)):
        for item in value.values() if isinstance(value, dict) else value:
            if type(item) is not float:
                yield from parts(item, depth + 1)
        return
    attributes = getattr(value, "__dict__", None)
    if isinstance(attributes, dict) and not inspect.ismodule(value) and not callable(value):
        for item in attributes.values():
            yield from parts(item, depth + 1)


def foreign_array(value: Any) -> Optional[str]:
    """The class (as text) of the first array value is or holds that is not an ndarray's, else None."""
    return next(filter(None, map(array_class, parts(value))), None)


def array_class(part: Any) -> Optional[str]:
    """The class of `part` as text where it is an array whose operations are not an ndarray's."""
    if isinstance(part, np.ndarray) and type(part) not in PLAIN_ARRAYS:
        return f"{type(part).__module__}.{type(part).__qualname__}"
    return None


def foreign_number(part: Any) -> Optional[str]:
    """The class of `part` as text where it is a number of a class of the user's that defines an
    operation, a conversion or any other special method of its own."""
    cls = type(part)
    if not isinstance(part, NUMBERS) or cls in NUMBERS or cls is bool or isinstance(part, np.generic):
        return None
    for klass in cls.__mro__:
        if klass in NUMBERS or klass is object:
            break
        if klass.__module__.split(".")[0] in ("enum", "numbers", "typing", "builtins"):
            continue
        if any(name not in _INERT_NUMBER_ATTRIBUTES and (name in _NUMBER_OPERATIONS or _is_special(name))
               for name in vars(klass)):
            return f"{cls.__module__}.{cls.__qualname__}"
    return None


def foreign_number_reason(kind: str) -> str:
    return (f"a {kind}, a number whose class defines an operation or a conversion of its own (the derivative "
            f"rules are a float's, and ask for its value more than once); use `float(...)` of it")


def _is_special(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def foreign_array_class(value: Any) -> Optional[str]:
    """`value` as text where it is a class of arrays that are not ndarrays (np.matrix, a masked
    array, a subclass of the user's) or a function of NumPy's that makes them."""
    if inspect.isclass(value) and issubclass(value, np.ndarray) and value not in PLAIN_ARRAYS:
        return f"{value.__module__}.{value.__qualname__}"
    if any(value is maker for maker in FOREIGN_ARRAY_MAKERS) or (
            callable(value) and str(getattr(value, "__module__", "")).startswith("numpy.ma")):
        return f"{getattr(value, '__module__', 'numpy')}.{getattr(value, '__qualname__', '')}"
    return None


def foreign_array_reason(kind: str) -> str:
    return (f"a {kind}, whose operations are not an ndarray's (the derivative rules are an ndarray's); "
            f"use `np.asarray(...)` of it")
