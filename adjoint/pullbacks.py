"""What vjp's pullback works with: the forward half's residuals, auxiliary outputs, and the
seeds vjp and jvp are given (an int as the float it stands for).

`grad(f, has_aux=True)` of an f returning the pair `(loss, aux)`, as in JAX: the pair is
differentiated by vjp and pulled back from the cotangent `(1, 0)`, so aux gets no derivative
and f runs once.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, Optional, Tuple

import numpy as np

from adjoint import runtime
from adjoint.errors import ArgumentError, NonScalarOutputError
from adjoint.frontend.complex_values import refuse_unsupported_arguments
from adjoint.frontend.parse import unwrap
from adjoint.runtime.containers import _is_record, _record_fields, _record_like, own_items


def as_float(seed: Any) -> Any:
    """An integer cotangent or tangent as the float it stands for: derivatives are floats (an
    optimized derivative may return a seed it multiplies by 1.0 as it came)."""
    return float(seed) if isinstance(seed, (int, np.integer)) else seed


def checked_tangents(func: Callable, arguments: tuple, kwargs: dict, names: Tuple[str, ...], tangents: tuple,
                     label: str) -> tuple:
    """jvp's tangents, once each is seen to fit its argument, made to fit it part by part (see
    _fitted; a complex tangent is refused)."""
    refuse_unsupported_arguments(zip((f"tangent of {name}" for name in names), tangents), label)
    try:
        bound = inspect.signature(unwrap(func)).bind(*arguments, **kwargs).arguments
    except TypeError:
        bound = {}
    return tuple(as_float(_fitted(tangent, bound.get(name), f"`{name}`", label)) if name in bound else as_float(tangent)
                 for name, tangent in zip(names, tangents))


def _fitted(tangent: Any, value: Any, where: str, label: str) -> Any:
    """The tangent of `value`: an array's an array of its shape (a number or a smaller array broadcast
    to it, a list made an array), a Python number's a Python float, a dict's, a list's, a tuple's, a
    NamedTuple's or a dataclass's one of the same keys, length or fields, fitted item by item (a
    number 0 stands for no tangent of a container). Taken as it came, a number for an array counted
    once in `np.sum(v + v)`, not once per entry, a number for a field of a record was read as no
    tangent, a list's tangent was joined by `+`, and None for a number failed with a TypeError."""
    if value is None:
        return tangent
    if isinstance(value, (np.ndarray, float, int, np.number)):
        shape, given = np.shape(value), _numeric_shape(tangent)
        if given is None or _broadcast(given, shape) != shape:
            if given is None:
                raise ArgumentError(f"{label}: the tangent of {where} is {_described(tangent)}, not a number or an "
                                    f"array of the argument's shape {shape}")
            raise ArgumentError(f"{label}: the tangent of {where} has shape {given}, the argument has shape {shape}")
        if isinstance(value, np.ndarray):
            return _array_tangent(tangent, shape)
        return float(tangent) if isinstance(value, (float, int)) else as_float(tangent)
    if isinstance(value, dict):
        if not isinstance(tangent, dict) or set(tangent) != set(value):
            keys = sorted(map(str, tangent)) if isinstance(tangent, dict) else type(tangent).__name__
            raise ArgumentError(f"{label}: the tangent of {where} must be a dict with the argument's keys "
                                f"{sorted(map(str, value))}, got {keys}")
        return {key: _fitted(part, value[key], f"{where}[{key!r}]", label) for key, part in tangent.items()}
    if tangent is None or _is_zero(tangent) or not isinstance(value, (list, tuple)) and not _is_record(value):
        return tangent
    if isinstance(value, (list, tuple)):
        if isinstance(tangent, np.ndarray) and _numeric_shape(value) == tangent.shape:
            return tangent
        parts = own_items(value)  # (a NamedTuple's fields, whatever its class's `__iter__` yields)
        if not isinstance(tangent, (list, tuple)) or len(own_items(tangent)) != len(parts):
            raise ArgumentError(f"{label}: the tangent of {where}, a {type(value).__name__} of {len(parts)} items, "
                                f"must be a list or tuple of as many, got {_described(tangent)}")
        items = [_fitted(part, item, f"{where}[{index}]", label)
                 for index, (part, item) in enumerate(zip(own_items(tangent), parts))]
        return type(tangent)(*items) if hasattr(tangent, "_fields") else type(tangent)(items)
    if type(tangent) is not type(value):
        raise ArgumentError(f"{label}: the tangent of {where} must be a {type(value).__name__} of tangents, got "
                            f"{_described(tangent)}")
    fields = {name: _fitted(getattr(tangent, name), getattr(value, name), f"{where}.{name}", label)
              for name in _record_fields(value)}
    return _record_like(fields, tangent)


def _array_tangent(tangent: Any, shape: tuple) -> np.ndarray:
    """An array argument's tangent as a float array of its shape."""
    if type(tangent) is np.ndarray and tangent.shape == shape and tangent.dtype.kind == "f":
        return tangent
    dtype = tangent.dtype if isinstance(tangent, (np.ndarray, np.floating)) and tangent.dtype.kind == "f" else float
    return np.array(np.broadcast_to(np.asarray(tangent, dtype=dtype), shape))


def check_cotangent(value: Any, cotangent: Any, label: str, where: str = "the output") -> None:
    """Refuse a cotangent that does not fit vjp's output `value`: an array's of its shape, a number's
    a number, a dict's a dict with its keys, a list's or tuple's one of its length (or an array of
    the shape NumPy gives the value). A number 0 fits any part of it (no cotangent there: has_aux's
    aux), and the whole of it unless it is an array. Without this a number given for a tuple or a
    dict was read as no cotangent, and the gradient was silently zero."""
    if _is_zero(cotangent) and (where != "the output" or not isinstance(value, np.ndarray)):
        return
    if isinstance(value, np.ndarray) or isinstance(value, (float, np.floating)):
        if isinstance(cotangent, (list, tuple, dict)) or np.shape(cotangent) != np.shape(value):
            raise ArgumentError(f"{label}: the cotangent{'' if where == 'the output' else ' of ' + where} has shape "
                                f"{_shape_of(cotangent)}, {where} has shape {np.shape(value)}")
    elif isinstance(value, dict):
        if not isinstance(cotangent, dict) or set(cotangent) != set(value):
            got = sorted(map(str, cotangent)) if isinstance(cotangent, dict) else type(cotangent).__name__
            raise ArgumentError(f"{label}: the cotangent of {where} must be a dict with its keys "
                                f"{sorted(map(str, value))}, got {got}")
        for key, item in value.items():
            check_cotangent(item, cotangent[key], label, f"{where}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        if isinstance(cotangent, np.ndarray) and _numeric_shape(value) == cotangent.shape:
            return
        if not isinstance(cotangent, (list, tuple)) or len(cotangent) != len(value):
            raise ArgumentError(f"{label}: the cotangent of {where}, a {type(value).__name__} of {len(value)} "
                                f"items, must be a list or tuple of as many, got {_described(cotangent)}")
        for index, (item, part) in enumerate(zip(value, cotangent)):
            check_cotangent(item, part, label, f"{where}[{index}]")


def _is_zero(cotangent: Any) -> bool:
    return isinstance(cotangent, (int, float, np.number)) and not isinstance(cotangent, bool) and cotangent == 0


def _described(cotangent: Any) -> str:
    """A list, tuple or dict by its length, an array by its shape, anything else by its type."""
    return _shape_of(cotangent) if isinstance(cotangent, (list, tuple, dict, np.ndarray)) else \
        f"a {type(cotangent).__name__}"


def _shape_of(cotangent: Any) -> str:
    if isinstance(cotangent, (list, tuple, dict)):
        return f"a {type(cotangent).__name__} of {len(cotangent)} items"
    return str(np.shape(cotangent))


def _numeric_shape(value: Any) -> Optional[tuple]:
    """The shape NumPy gives a nesting of lists and tuples of numbers and arrays, None if ragged."""
    try:
        array = np.asarray(value)
    except ValueError:
        return None
    return array.shape if array.dtype.kind in "biuf" else None


def _broadcast(*shapes: tuple) -> Optional[tuple]:
    """The shape the shapes broadcast to, None if they do not."""
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        return None


def value_aux_and_gradient(value_and_pullback: Callable, transform: str, what: str) -> Callable:
    """`(*args) -> ((loss, aux), gradient of loss)` from f's vjp (`value_and_pullback`)."""

    def run(*args, **kwargs) -> Tuple[Any, Any]:
        value, pullback = value_and_pullback(*args, **kwargs)
        if type(value) is not tuple or len(value) != 2:
            raise NonScalarOutputError(f"{transform} of {what} with has_aux=True: the function must return a "
                                       f"pair (loss, aux), got {type(value).__name__}")
        try:
            seed = runtime.unit_seed(value[0])
        except runtime.NonScalarOutput as error:
            raise NonScalarOutputError(f"{transform} of {what}: the loss (first of the pair): {error}") from None
        return value, pullback((seed, 0.0))

    return run


def gradient_and_aux(value_and_pullback: Callable, transform: str, what: str) -> Callable:
    """`(*args) -> (gradient of loss, aux)`, what grad(f, has_aux=True) returns."""
    with_value = value_aux_and_gradient(value_and_pullback, transform, what)

    def run(*args, **kwargs) -> Tuple[Any, Any]:
        (_, aux), gradient = with_value(*args, **kwargs)
        return gradient, aux

    return run


class Residuals:
    """The forward half's residuals, put back as the forward half left them before each backward
    half (which pops its stack and restores overwritten values in place). Arrays and lists are
    restored in place, so a view still views what it viewed; the caller's arguments are left
    alone, as the derivative never changes them."""

    def __init__(self, residuals: Any, arguments: list):
        self.residuals = residuals
        self.arguments = {id(argument) for argument in arguments}
        self.contents: Optional[list] = None

    def as_left(self) -> Any:
        if self.contents is None:
            self.contents = []
            self._keep(self.residuals, set())
        else:
            for obj, contents in self.contents:
                if isinstance(obj, np.ndarray):
                    obj[...] = contents
                else:
                    obj[:] = contents
        return self.residuals

    def _keep(self, obj: Any, seen: set) -> None:
        if id(obj) in self.arguments or id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, np.ndarray) and obj.flags.writeable:
            self.contents.append((obj, obj.copy()))
        elif isinstance(obj, list):
            self.contents.append((obj, list(obj)))
        if isinstance(obj, (list, tuple)):
            for item in obj:
                self._keep(item, seen)
