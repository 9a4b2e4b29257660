"""The values an argument (or a global) holds, and arrays of a class of NumPy's whose operations
mean something else than an ndarray's: `np.matrix` (`*` is a matrix product), masked arrays
(reductions skip the masked entries), any other subclass that may change an operation. The
derivative rules are an ndarray's, so the derivative through such an array would be silently
wrong: frontend/complex_values.py refuses them where it refuses complex values. Subclasses
that only add to an ndarray (np.memmap, np.recarray) are arrays like any other."""
from __future__ import annotations

import inspect
from typing import Any, Optional

import numpy as np

PLAIN_ARRAYS = (np.ndarray, np.memmap, np.recarray)


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


def foreign_array_reason(kind: str) -> str:
    return (f"a {kind}, whose operations are not an ndarray's (the derivative rules are an ndarray's); "
            f"use `np.asarray(...)` of it")
