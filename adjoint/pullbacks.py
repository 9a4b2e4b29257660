"""What vjp's pullback works with: the forward half's residuals, auxiliary outputs, and the
seeds vjp and jvp are given (an int as the float it stands for).

`grad(f, has_aux=True)` of an f returning the pair `(loss, aux)`, as in JAX: the pair is
differentiated by vjp and pulled back from the cotangent `(1, 0)`, so aux gets no derivative
and f runs once.
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Tuple

import numpy as np

from adjoint import runtime
from adjoint.errors import NonScalarOutputError


def as_float(seed: Any) -> Any:
    """An integer cotangent or tangent as the float it stands for: derivatives are floats (an
    optimized derivative may return a seed it multiplies by 1.0 as it came)."""
    return float(seed) if isinstance(seed, (int, np.integer)) else seed


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
