"""check_grad: compare adjoint's gradient with central finite differences, element by element."""
from __future__ import annotations

from typing import Callable

import numpy as np

from adjoint.api import grad, parameter_names, resolve_wrt


def _perturbed(args: tuple, position: int, index, delta: float) -> tuple:
    value = args[position]
    if np.ndim(value) == 0 and not isinstance(value, np.ndarray):
        changed = float(value) + delta
    else:
        changed = np.array(value, dtype=float)
        changed[index] += delta
    return args[:position] + (changed,) + args[position + 1:]


def numerical_gradient(func: Callable, args: tuple, position: int, eps: float = 1e-6):
    """Central differences of scalar func with respect to args[position]."""
    value = args[position]
    shape = np.shape(value)
    result = np.zeros(shape)
    for index in np.ndindex(*shape) if shape else [()]:
        plus = func(*_perturbed(args, position, index, eps))
        minus = func(*_perturbed(args, position, index, -eps))
        result[index] = (float(np.sum(plus)) - float(np.sum(minus))) / (2 * eps)
    return result if shape else float(result)


def check_grad(func: Callable, *args, wrt=0, eps: float = 1e-6, rtol: float = 1e-5, atol: float = 1e-7) -> None:
    """Raise AssertionError, naming the argument, the element and both values, where
    adjoint.grad(func, wrt) disagrees with central finite differences at args."""
    names, many = resolve_wrt(func, wrt)
    computed = grad(func, wrt=names if many else names[0])(*args)
    computed = computed if many else (computed,)
    positions = {name: index for index, name in enumerate(parameter_names(func))}
    for name, gradient in zip(names, computed):
        expected = numerical_gradient(func, args, positions[name], eps)
        gradient = np.asarray(gradient, dtype=float)
        expected = np.asarray(expected, dtype=float)
        if gradient.shape != expected.shape:
            raise AssertionError(f"gradient for {name!r} has shape {gradient.shape}, expected {expected.shape}")
        close = np.isclose(gradient, expected, rtol=rtol, atol=atol)
        if not np.all(close):
            index = tuple(int(i) for i in np.argwhere(~close)[0])
            where = f"{name}{list(index)}" if index else name
            raise AssertionError(
                f"gradient mismatch for argument {where}: adjoint gives {gradient[index]!r}, "
                f"finite differences give {expected[index]!r} (rtol={rtol}, atol={atol})"
            )
