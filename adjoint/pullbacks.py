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


def as_float(seed: Any) -> Any:
    """An integer cotangent or tangent as the float it stands for: derivatives are floats (an
    optimized derivative may return a seed it multiplies by 1.0 as it came)."""
    return float(seed) if isinstance(seed, (int, np.integer)) else seed


def checked_tangents(func: Callable, arguments: tuple, kwargs: dict, names: Tuple[str, ...], tangents: tuple,
                     label: str) -> tuple:
    """jvp's tangents as floats, once each is seen to fit its argument: an array's of its shape or a
    number (broadcast to it), a dict's with its keys (a complex tangent is refused)."""
    refuse_unsupported_arguments(zip((f"tangent of {name}" for name in names), tangents), label)
    try:
        bound = inspect.signature(unwrap(func)).bind(*arguments, **kwargs).arguments
    except TypeError:
        bound = {}
    for name, tangent in zip(names, tangents):
        value = bound.get(name)
        shape = np.shape(value) if isinstance(value, (np.ndarray, float, int, np.number)) else None
        if shape is not None and np.shape(tangent) != shape and _broadcast(np.shape(tangent), shape) != shape:
            raise ArgumentError(f"{label}: the tangent of `{name}` has shape {np.shape(tangent)}, the argument "
                                f"has shape {shape}")
        if isinstance(value, dict) and (not isinstance(tangent, dict) or set(tangent) != set(value)):
            keys = sorted(map(str, tangent)) if isinstance(tangent, dict) else type(tangent).__name__
            raise ArgumentError(f"{label}: the tangent of `{name}` must be a dict with the argument's keys "
                                f"{sorted(map(str, value))}, got {keys}")
    return tuple(map(as_float, tangents))


def check_cotangent(value: Any, cotangent: Any, label: str, where: str = "the output") -> None:
    """A pullback's cotangent fits the output: an array's has its shape; a dict's, list's or tuple's
    is one of the same keys or length (a list or tuple of arrays of one shape may take the array
    of them stacked), or 0, its zero. A number other than 0 for a container has no meaning."""
    if isinstance(value, np.ndarray) and not isinstance(cotangent, (dict, list, tuple)):
        shape = np.shape(cotangent)  # (an entry's may be a number, or broadcast to the entry's shape)
        if shape != value.shape and (where == "the output" or _broadcast(shape, value.shape) != value.shape):
            whose = "the cotangent" if where == "the output" else f"the cotangent of {where}"
            raise ArgumentError(f"{label}: {whose} has shape {shape}, {where} has shape {value.shape}")
    zero = isinstance(cotangent, (int, float, np.number)) and cotangent == 0
    if not isinstance(value, (dict, list, tuple)) or zero:
        return
    if isinstance(value, dict):
        if not isinstance(cotangent, dict) or set(cotangent) != set(value):
            keys = sorted(map(str, cotangent)) if isinstance(cotangent, dict) else type(cotangent).__name__
            raise ArgumentError(f"{label}: the cotangent of {where}, a dict, must be a dict with its keys "
                                f"{sorted(map(str, value))} (or 0), got {keys}")
        for key, item in value.items():
            check_cotangent(item, cotangent[key], label, f"{where}[{key!r}]")
        return
    fits = isinstance(cotangent, (list, tuple)) or (isinstance(cotangent, np.ndarray) and cotangent.ndim > 0)
    if not fits or len(cotangent) != len(value):
        got = f"length {len(cotangent)}" if fits else type(cotangent).__name__
        raise ArgumentError(f"{label}: the cotangent of {where}, a {type(value).__name__} of {len(value)} items, "
                            f"must be a list or tuple of as many (or 0), got {got}")
    for index, (item, seed) in enumerate(zip(value, cotangent)):
        check_cotangent(item, seed, label, f"{where}[{index}]")


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
