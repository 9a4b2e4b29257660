"""The soundness catalogue: code shapes that once gave wrong gradients, each with its outcome.

A soundness case says what adjoint does with one function: `Exact` (the derived functions
return the plain function's value and the gradient central differences measure, and no
input changes) or `Refused` (generation raises the named AdjointError subclass at the line
marked `# <- label` in the function's file). The cases live in `soundness_<topic>.py`
modules, each with a `CASES` list; test_soundness.py runs them all.
"""
from __future__ import annotations

import copy
import dataclasses
import glob
import importlib
import inspect
import os
from dataclasses import dataclass
from typing import Any, Callable, List, Optional, Tuple, Union

import numpy as np

Wrt = Union[int, str, Tuple[Union[int, str], ...]]


@dataclass(frozen=True)
class Exact:
    """`fn` is differentiated exactly at `make_args(rng)`; `jvp` also checks forward mode."""

    fn: Callable[..., Any]
    make_args: Callable[[np.random.Generator], tuple]
    wrt: Wrt = 0
    jvp: bool = True
    id: str = ""

    @property
    def name(self) -> str:
        return self.id or self.fn.__name__


@dataclass(frozen=True)
class Refused:
    """Generating the derivative of `fn` raises `raises` at the line marked `# <- marker`."""

    fn: Callable[..., Any]
    args: tuple
    raises: type
    marker: str
    wrt: Wrt = 0
    id: str = ""

    @property
    def name(self) -> str:
        return self.id or self.fn.__name__


def load_cases() -> List[Any]:
    """Every case of every soundness_<topic>.py module beside this file, in file order."""
    here = os.path.dirname(os.path.abspath(__file__))
    cases = []
    for path in sorted(glob.glob(os.path.join(here, "soundness_*.py"))):
        module = importlib.import_module(os.path.splitext(os.path.basename(path))[0])
        cases.extend(module.CASES)
    return cases


def marked_line(fn: Callable[..., Any], marker: str) -> int:
    """The line number of the line of fn's file ending with `# <- marker`."""
    path = inspect.getsourcefile(fn)
    with open(path, encoding="utf-8") as source:
        for number, line in enumerate(source, start=1):
            if line.rstrip().endswith(f"# <- {marker}"):
                return number
    raise LookupError(f"no line marked `# <- {marker}` in {path}")


# ----- flattening arguments into float leaves, for finite differences --------------------

def leaves(value: Any) -> List[Any]:
    """The numbers and arrays inside value (lists, tuples, NamedTuples, dataclasses, dicts)."""
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in leaves(item)]
    if isinstance(value, dict):
        return [leaf for key in sorted(value) for leaf in leaves(value[key])]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [leaf for f in dataclasses.fields(value) for leaf in leaves(getattr(value, f.name))]
    return [value]


def rebuild(template: Any, values: List[Any]) -> Any:
    """template's structure with its leaves replaced, in order, by `values` (consumed)."""
    if isinstance(template, (list, tuple)):
        items = [rebuild(item, values) for item in template]
        if isinstance(template, list):
            return items
        return type(template)(*items) if hasattr(template, "_fields") else tuple(items)
    if isinstance(template, dict):
        return {key: rebuild(template[key], values) for key in sorted(template)}
    if dataclasses.is_dataclass(template) and not isinstance(template, type):
        return dataclasses.replace(template, **{f.name: rebuild(getattr(template, f.name), values)
                                                for f in dataclasses.fields(template)})
    return values.pop(0)


def flat(value: Any) -> np.ndarray:
    """All leaves of value as one float64 vector (complex values keep their type)."""
    parts = [np.ravel(np.asarray(leaf)) for leaf in leaves(value)]
    return np.concatenate(parts) if parts else np.zeros(0)


def with_flat(value: Any, vector: np.ndarray) -> Any:
    """value with its leaves taken from `vector` (Python numbers stay numbers)."""
    out, start = [], 0
    for leaf in leaves(value):
        size = np.size(leaf)
        piece = vector[start:start + size]
        start += size
        out.append(piece.reshape(np.shape(leaf)).copy() if isinstance(leaf, np.ndarray) else float(piece[0]))
    return rebuild(value, out)


def scalar(value: Any) -> float:
    array = np.asarray(value)
    assert array.size == 1, f"the function returned shape {array.shape}, not a scalar"
    return float(array.reshape(()).real) if not np.iscomplexobj(array) else complex(array.reshape(()))


def central_differences(fn: Callable[..., Any], args: tuple, position: int, eps: float = 1e-6) -> np.ndarray:
    """d fn / d args[position] as a flat vector over that argument's leaves."""
    base = flat(args[position]).astype(np.float64)
    gradient = np.zeros(base.size)
    for index in range(base.size):
        values = []
        for step in (eps, -eps):
            varied = base.copy()
            varied[index] += step
            call_args = list(copy.deepcopy(args))
            call_args[position] = with_flat(args[position], varied)
            values.append(scalar(fn(*call_args)))
        gradient[index] = (values[0] - values[1]) / (2 * eps)
    return gradient


def directional_difference(fn: Callable[..., Any], args: tuple, positions: Tuple[int, ...],
                           tangents: tuple, eps: float = 1e-6) -> Optional[np.ndarray]:
    """(fn(args + eps t) - fn(args - eps t)) / 2 eps, flattened."""
    outputs = []
    for step in (eps, -eps):
        call_args = list(copy.deepcopy(args))
        for position, tangent in zip(positions, tangents):
            moved = flat(args[position]).astype(np.float64) + step * flat(tangent)
            call_args[position] = with_flat(args[position], moved)
        outputs.append(flat(fn(*call_args)))
    return (outputs[0] - outputs[1]) / (2 * eps)
