"""check_grad: compare adjoint's gradient with central finite differences, element by element.

An argument may be a number, an array, or any nesting of lists, tuples, dicts, NamedTuples and
dataclasses of them (as the gradient is): each number and each element of each array is moved
in turn, in a copy of the argument of its own structure and types.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable, Iterator, List, Tuple

import numpy as np

from adjoint.api import grad, parameter_names, resolve_wrt


def _is_record(value: Any) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def _leaves(value: Any, path: str = "") -> List[Tuple[str, Any]]:
    """(path, leaf) of every number and array in value, in order; a None entry has none."""
    if value is None:
        return []
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _leaves(item, f"{path}[{key!r}]")]
    if _is_record(value):
        return [leaf for field in dataclasses.fields(value)
                for leaf in _leaves(getattr(value, field.name), f"{path}.{field.name}")]
    if isinstance(value, (list, tuple)):
        return [leaf for i, item in enumerate(value) for leaf in _leaves(item, f"{path}[{i}]")]
    return [(path, value)]


def _rebuilt(value: Any, leaves: Iterator[Any]) -> Any:
    """value with its leaves taken, in order, from `leaves`."""
    if value is None:
        return None
    if isinstance(value, dict):
        return {key: _rebuilt(item, leaves) for key, item in value.items()}
    if _is_record(value):
        return dataclasses.replace(value, **{field.name: _rebuilt(getattr(value, field.name), leaves)
                                             for field in dataclasses.fields(value)})
    if isinstance(value, (list, tuple)):
        items = [_rebuilt(item, leaves) for item in value]
        if isinstance(value, list):
            return items
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    return next(leaves)


def _moved(leaf: Any, index, delta: float) -> Any:
    if np.ndim(leaf) == 0 and not isinstance(leaf, np.ndarray):
        return float(leaf) + delta
    changed = np.array(leaf, dtype=float)
    changed[index] += delta
    return changed


def _perturbed(args: tuple, position: int, leaf_number: int, index, delta: float) -> tuple:
    leaves = [leaf for _, leaf in _leaves(args[position])]
    leaves[leaf_number] = _moved(leaves[leaf_number], index, delta)
    changed = _rebuilt(args[position], iter(leaves))
    return args[:position] + (changed,) + args[position + 1:]


def numerical_gradient(func: Callable, args: tuple, position: int, eps: float = 1e-6) -> List[Tuple[str, Any]]:
    """Central differences of scalar func with respect to each leaf of args[position]: (path, value)."""
    found = []
    for number, (path, leaf) in enumerate(_leaves(args[position])):
        shape = np.shape(leaf)
        result = np.zeros(shape)
        for index in np.ndindex(*shape) if shape else [()]:
            plus = func(*_perturbed(args, position, number, index, eps))
            minus = func(*_perturbed(args, position, number, index, -eps))
            result[index] = (float(np.sum(plus)) - float(np.sum(minus))) / (2 * eps)
        found.append((path, result if shape else float(result)))
    return found


def check_grad(func: Callable, *args, wrt=0, eps: float = 1e-6, rtol: float = 1e-5, atol: float = 1e-7) -> None:
    """Raise AssertionError, naming the argument, the element and both values, where
    adjoint.grad(func, wrt) disagrees with central finite differences at args."""
    names, many = resolve_wrt(func, wrt)
    computed = grad(func, wrt=names if many else names[0])(*args)
    computed = computed if many else (computed,)
    positions = {name: index for index, name in enumerate(parameter_names(func))}
    for name, gradient in zip(names, computed):
        expected = numerical_gradient(func, args, positions[name], eps)
        leaves = _leaves(gradient)
        if len(leaves) != len(expected):
            raise AssertionError(f"gradient for {name!r} has {len(leaves)} parts, the argument {len(expected)}")
        for (path, part), (_, want) in zip(leaves, expected):
            part, want = np.asarray(part, dtype=float), np.asarray(want, dtype=float)
            if part.shape != want.shape:
                raise AssertionError(f"gradient for {name}{path!s} has shape {part.shape}, expected {want.shape}")
            close = np.isclose(part, want, rtol=rtol, atol=atol)
            if not np.all(close):
                index = tuple(int(i) for i in np.argwhere(~close)[0])
                where = f"{name}{path}{list(index)}" if index else f"{name}{path}"
                raise AssertionError(
                    f"gradient mismatch for argument {where}: adjoint gives {float(part[index])!r}, "
                    f"finite differences give {float(want[index])!r} (rtol={rtol}, atol={atol})"
                )
