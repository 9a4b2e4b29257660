"""The program corpus of tests/programs/: load each program, differentiate it, say what happened.

Every program module defines `make(rng) -> (objective, args, wrt)` (and `HAS_AUX = True` when
the objective returns `(loss, aux)`). A measurement runs adjoint's gradient on it and compares
it with central differences of the flattened parameters and with autograd running the same
source, the import lines switched to `autograd.numpy` / `autograd.scipy`. A program that
autograd cannot run as written (in-place writes into arrays, math functions of traced
values, functions it has no derivative of) says why in `NO_AUTOGRAD = "..."`; its gradient is
checked against central differences alone, and its hvp against differences of adjoint's
gradient, which central differences check. The outcome is one of
`exact`, `refused` (an AdjointError, with the line it names), `wrong` (a value, a gradient, a
structure or an input differs) or `crashed` (any other exception out of adjoint).
tests/test_programs.py asserts on measurements; `python -m tests.programs` prints them.
"""
from __future__ import annotations

import copy
import dataclasses
import functools
import importlib.util
import inspect
import os
import re
import sys
import traceback
import types
from dataclasses import dataclass
from typing import Any, Callable, Iterator, List, Optional, Tuple

import numpy as np

import adjoint

PROGRAMS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "programs")
SEED = 0
EPS = 1e-6
CENTRAL_TOLERANCE = dict(rtol=1e-5, atol=1e-5)
PEER_TOLERANCE = dict(rtol=1e-8, atol=1e-10)

# Each pattern matches a whole import line of a program; the replacement imports the same names
# from autograd's wrappers.
AUTOGRAD_IMPORTS = (
    (re.compile(r"^import numpy as np$", re.M), "import autograd.numpy as np"),
    (re.compile(r"^from scipy\.(\w+) import ", re.M), r"from autograd.scipy.\1 import "),
    (re.compile(r"^import scipy\.(\w+) as ", re.M), r"import autograd.scipy.\1 as "),
)


def program_names() -> List[str]:
    """The stems of the program modules, sorted."""
    return sorted(name[:-3] for name in os.listdir(PROGRAMS_DIR)
                  if name.endswith(".py") and not name.startswith("_"))


def program_path(name: str) -> str:
    return os.path.join(PROGRAMS_DIR, name + ".py")


def autograd_runs(name: str) -> bool:
    """autograd is installed and can run program `name` as written (no NO_AUTOGRAD reason)."""
    return _autograd_available() and not getattr(load(name), "NO_AUTOGRAD", None)


def peer_program_names() -> List[str]:
    """The programs autograd can run as written."""
    return [name for name in program_names() if not getattr(load(name), "NO_AUTOGRAD", None)]


# ----- loading a program, as written and with autograd's imports ----------------------------

def _module_from_source(module_name: str, source: str, filename: str) -> types.ModuleType:
    module = types.ModuleType(module_name)
    module.__file__ = filename
    sys.modules[module_name] = module  # dataclasses and pickling look a class's module up here
    exec(compile(source, filename, "exec"), module.__dict__)
    return module


@functools.lru_cache(maxsize=None)
def load(name: str) -> types.ModuleType:
    """The program module as written (adjoint reads its source from the file)."""
    spec = importlib.util.spec_from_file_location(f"adjoint_programs.{name}", program_path(name))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def autograd_source(source: str) -> str:
    """source with its NumPy and SciPy import lines switched to autograd's; nothing else changes."""
    for pattern, replacement in AUTOGRAD_IMPORTS:
        source = pattern.sub(replacement, source)
    return source


@functools.lru_cache(maxsize=None)
def load_for_autograd(name: str) -> types.ModuleType:
    with open(program_path(name), encoding="utf-8") as file:
        source = autograd_source(file.read())
    return _module_from_source(f"adjoint_programs_autograd.{name}", source, program_path(name))


@dataclass(frozen=True)
class Program:
    name: str
    objective: Callable[..., Any]
    args: tuple
    wrt: Any  # as the program gives it: a position or a tuple of positions
    has_aux: bool

    @property
    def positions(self) -> Tuple[int, ...]:
        return self.wrt if isinstance(self.wrt, tuple) else (self.wrt,)

    def loss(self, *args: Any) -> Any:
        result = self.objective(*args)
        return result[0] if self.has_aux else result


def instantiate(name: str, module: types.ModuleType) -> Program:
    objective, args, wrt = module.make(np.random.default_rng(SEED))
    return Program(name, objective, args, wrt, getattr(module, "HAS_AUX", False))


# ----- parameter containers: leaves in order, rebuilt, compared ---------------------------

def tree_leaves(value: Any) -> List[Any]:
    """The leaves of nested lists, tuples, NamedTuples, dicts (in their order) and dataclasses."""
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in tree_leaves(item)]
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in tree_leaves(item)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [leaf for field in dataclasses.fields(value) for leaf in tree_leaves(getattr(value, field.name))]
    return [value]


def tree_rebuild(template: Any, leaves: Iterator[Any]) -> Any:
    """template's structure with its leaves taken, in order, from `leaves`."""
    if isinstance(template, (list, tuple)):
        items = [tree_rebuild(item, leaves) for item in template]
        if isinstance(template, list):
            return items
        return type(template)(*items) if hasattr(template, "_fields") else tuple(items)
    if isinstance(template, dict):
        return {key: tree_rebuild(item, leaves) for key, item in template.items()}
    if dataclasses.is_dataclass(template) and not isinstance(template, type):
        return dataclasses.replace(template, **{field.name: tree_rebuild(getattr(template, field.name), leaves)
                                                for field in dataclasses.fields(template)})
    return next(leaves)


def structure_mismatch(expected: Any, actual: Any, where: str = "gradient") -> Optional[str]:
    """Where actual's container structure, leaf kinds or leaf shapes differ from expected's."""
    if isinstance(expected, (list, tuple, dict)) or dataclasses.is_dataclass(expected):
        if type(actual) is not type(expected):
            return f"{where} is a {type(actual).__name__}, not a {type(expected).__name__}"
        if isinstance(expected, dict):
            if list(actual) != list(expected):
                return f"{where} has keys {list(actual)}, not {list(expected)}"
            pairs = [(f"{where}[{key!r}]", expected[key], actual[key]) for key in expected]
        elif isinstance(expected, (list, tuple)):
            if len(actual) != len(expected):
                return f"{where} has {len(actual)} items, not {len(expected)}"
            pairs = [(f"{where}[{i}]", e, a) for i, (e, a) in enumerate(zip(expected, actual))]
        else:
            pairs = [(f"{where}.{f.name}", getattr(expected, f.name), getattr(actual, f.name))
                     for f in dataclasses.fields(expected)]
        return next(filter(None, (structure_mismatch(e, a, w) for w, e, a in pairs)), None)
    if isinstance(expected, np.ndarray) != isinstance(actual, np.ndarray):
        return f"{where} is a {type(actual).__name__}, the parameter a {type(expected).__name__}"
    if np.shape(actual) != np.shape(expected):
        return f"{where} has shape {np.shape(actual)}, not {np.shape(expected)}"
    return None


def flat(value: Any) -> np.ndarray:
    parts = [np.ravel(np.asarray(leaf, dtype=np.float64)) for leaf in tree_leaves(value)]
    return np.concatenate(parts) if parts else np.zeros(0)


def with_flat(template: Any, vector: np.ndarray) -> Any:
    """template with its leaves read from vector (numbers stay Python floats)."""
    values, start = [], 0
    for leaf in tree_leaves(template):
        size = np.size(leaf)
        piece = vector[start:start + size]
        start += size
        values.append(piece.reshape(np.shape(leaf)).copy() if isinstance(leaf, np.ndarray) else float(piece[0]))
    return tree_rebuild(template, iter(values))


def tree_equal(a: Any, b: Any) -> bool:
    leaves_a, leaves_b = tree_leaves(a), tree_leaves(b)
    return len(leaves_a) == len(leaves_b) and all(
        np.array_equal(x, y) if isinstance(x, np.ndarray) or isinstance(y, np.ndarray) else x == y
        for x, y in zip(leaves_a, leaves_b))


# ----- the references: central differences and autograd ---------------------------------

def scalar(value: Any) -> float:
    return float(np.asarray(value).reshape(()))


def wrt_vector(program: Program) -> np.ndarray:
    """The leaves of the differentiated arguments, flattened and concatenated."""
    return np.concatenate([flat(program.args[p]) for p in program.positions])


def with_wrt_vector(program: Program, vector: np.ndarray) -> list:
    """A copy of the program's arguments with the differentiated ones read from vector."""
    args, start = list(copy.deepcopy(program.args)), 0
    for position in program.positions:
        size = flat(program.args[position]).size
        args[position] = with_flat(program.args[position], vector[start:start + size])
        start += size
    return args


def wrt_pieces(program: Program, vector: np.ndarray) -> tuple:
    """vector cut and shaped like each differentiated argument (tangents, hvp directions)."""
    shaped = with_wrt_vector(program, vector)
    return tuple(shaped[p] for p in program.positions)


def central_differences(program: Program) -> np.ndarray:
    """d loss / d (the wrt arguments' leaves, flattened and concatenated)."""
    base = wrt_vector(program)
    return np.array([directional_difference(program, base, unit) for unit in np.eye(base.size)])


def directional_difference(program: Program, base: np.ndarray, v: np.ndarray) -> float:
    """(loss(x + eps v) - loss(x - eps v)) / 2 eps at the differentiated leaves x = base."""
    forward = scalar(program.loss(*with_wrt_vector(program, base + EPS * v)))
    backward = scalar(program.loss(*with_wrt_vector(program, base - EPS * v)))
    return (forward - backward) / (2 * EPS)


@functools.lru_cache(maxsize=None)
def central(name: str) -> np.ndarray:
    """Central differences of program `name` as written (cached)."""
    return central_differences(instantiate(name, load(name)))


@functools.lru_cache(maxsize=None)
def direction(name: str) -> np.ndarray:
    """A fixed random direction in the space of program `name`'s differentiated leaves."""
    size = wrt_vector(instantiate(name, load(name))).size
    return np.random.default_rng(SEED + 1).normal(size=size)


@functools.lru_cache(maxsize=None)
def autograd_gradient(name: str, step: float = 0.0) -> np.ndarray:
    """autograd's gradient of the same source at the parameters moved by step * direction(name),
    over the wrt arguments' leaves, flattened.

    autograd differentiates lists of leaves; the program's containers (NamedTuples and
    dataclasses included) are rebuilt from them inside the function it traces.
    """
    import autograd

    program = instantiate(name, load_for_autograd(name))
    moved = with_wrt_vector(program, wrt_vector(program) + step * direction(name))
    templates = [moved[p] for p in program.positions]

    def over_leaves(leaf_lists):
        args = list(moved)
        for position, template, leaves in zip(program.positions, templates, leaf_lists):
            args[position] = tree_rebuild(template, iter(leaves))
        return program.loss(*args)

    gradient = autograd.grad(over_leaves)([tree_leaves(t) for t in templates])
    return np.concatenate([flat(leaves) for leaves in gradient])


# ----- adjoint on a program ------------------------------------------------------------

@dataclass
class Measurement:
    """What adjoint did with one program, beside the references."""

    name: str
    status: str  # exact | refused | wrong | crashed | no API (has_aux)
    detail: str = ""
    names_own_line: bool = True  # for a refusal: the error's location is in the program's file
    value_ok: bool = False  # value, aux and the gradient's container structure
    central_ok: bool = False
    autograd_ok: Optional[bool] = False  # None: autograd is not installed
    unmutated: bool = False


def _adjoint_call(program: Program, args: list) -> Tuple[Optional[float], Any, Any]:
    """(value or None, aux or None, gradient) from adjoint on a copy of the arguments."""
    if program.has_aux:
        gradient, aux = adjoint.grad(program.objective, wrt=program.wrt, has_aux=True)(*args)
        return None, aux, gradient
    value, gradient = adjoint.value_and_grad(program.objective, wrt=program.wrt)(*args)
    return value, None, gradient


def _where(error: BaseException) -> str:
    frame = traceback.extract_tb(error.__traceback__)[-1]
    return f"{os.path.relpath(frame.filename)}:{frame.lineno}"


def _refusal(name: str, error: adjoint.AdjointError) -> Measurement:
    message = str(error.message).splitlines()[0] if getattr(error, "message", None) else str(error)
    filename = error.filename
    own = filename is not None and os.path.abspath(filename) == program_path(name)
    where = f"{os.path.basename(filename)}:{error.lineno}" if filename else "no location"
    return Measurement(name, "refused", f"{message} at {where}", names_own_line=own)


def _autograd_available() -> bool:
    return importlib.util.find_spec("autograd") is not None


def _compare(program: Program, args: list, value, aux, gradient) -> Measurement:
    """Check what adjoint returned against the plain function and the two references."""
    plain = program.objective(*copy.deepcopy(program.args))
    plain_loss, plain_aux = plain if program.has_aux else (plain, None)
    value_ok = value is None or bool(np.allclose(scalar(value), scalar(plain_loss), rtol=1e-12, atol=1e-12))
    aux_ok = not program.has_aux or tree_equal(aux, plain_aux)
    expected = tuple(program.args[p] for p in program.positions)
    shaped = gradient if isinstance(program.wrt, tuple) else (gradient,)
    mismatch = structure_mismatch(expected, tuple(shaped) if isinstance(shaped, (list, tuple)) else shaped)
    gradient_flat = None if mismatch else flat(shaped)
    central_ok = gradient_flat is not None and bool(
        np.allclose(gradient_flat, central(program.name), **CENTRAL_TOLERANCE))
    autograd_ok = None
    if autograd_runs(program.name):
        autograd_ok = gradient_flat is not None and bool(
            np.allclose(gradient_flat, autograd_gradient(program.name), **PEER_TOLERANCE))
    unmutated = tree_equal(args, list(program.args))
    problems = [problem for ok, problem in (
        (value_ok, f"the value {value!r} is not the function's {plain_loss!r}"),
        (aux_ok, "aux differs from the function's"),
        (mismatch is None, mismatch),
        (central_ok or mismatch, "the gradient differs from central differences"),
        (autograd_ok is not False or mismatch, "the gradient differs from autograd's"),
        (unmutated, "an input was changed"),
    ) if not ok]
    return Measurement(program.name, "wrong" if problems else "exact", "; ".join(problems),
                       value_ok=value_ok and aux_ok and mismatch is None, central_ok=central_ok,
                       autograd_ok=autograd_ok, unmutated=unmutated)


def _attempt(name: str, call: Callable[[], Any]) -> Tuple[Any, Optional[Measurement]]:
    """(call's result, None), or (None, the refusal or crash it ended with)."""
    try:
        return call(), None
    except adjoint.AdjointError as error:
        return None, _refusal(name, error)
    except Exception as error:  # noqa: BLE001 - any other exception is what the report is about
        head = str(error).splitlines()[0] if str(error) else ""
        return None, Measurement(name, "crashed", f"{type(error).__name__}: {head} at {_where(error)}",
                                 names_own_line=False)


@functools.lru_cache(maxsize=None)
def measure(name: str) -> Measurement:
    """Run adjoint's gradient on program `name` and classify the outcome (cached: several tests read it)."""
    program = instantiate(name, load(name))
    args = list(copy.deepcopy(program.args))
    if program.has_aux and "has_aux" not in inspect.signature(adjoint.grad).parameters:
        return Measurement(name, "no API", "adjoint.grad takes no has_aux=True (issue 13)", names_own_line=False)
    result, failure = _attempt(name, lambda: _adjoint_call(program, args))
    return failure or _compare(program, args, *result)


def _checked(name: str, problems: List[Tuple[bool, str]]) -> Measurement:
    found = [problem for ok, problem in problems if not ok]
    return Measurement(name, "wrong" if found else "exact", "; ".join(found), value_ok=not found)


@functools.lru_cache(maxsize=None)
def measure_jvp(name: str) -> Measurement:
    """Forward mode on program `name`: value and tangent along direction(name), by jvp."""
    program = instantiate(name, load(name))
    if program.has_aux:
        return Measurement(name, "n/a", "the objective returns (loss, aux)")
    args = list(copy.deepcopy(program.args))
    tangents = wrt_pieces(program, direction(name))
    result, failure = _attempt(name, lambda: adjoint.jvp(program.objective, wrt=program.wrt)(*args, *tangents))
    if failure:
        return failure
    value, tangent = result
    expected = directional_difference(program, wrt_vector(program), direction(name))
    return _checked(name, [
        (np.allclose(scalar(value), scalar(program.loss(*copy.deepcopy(program.args))), rtol=1e-12, atol=1e-12),
         "the value is not the function's"),
        (np.allclose(scalar(tangent), expected, **CENTRAL_TOLERANCE),
         f"the tangent {scalar(tangent)!r} is not the directional difference {expected!r}"),
        (tree_equal(args, list(program.args)), "an input was changed"),
    ])


@functools.lru_cache(maxsize=None)
def adjoint_gradient(name: str, step: float) -> np.ndarray:
    """adjoint's gradient of program `name` at the parameters moved by step * direction(name),
    flattened: the reference of second order for a program autograd cannot run."""
    program = instantiate(name, load(name))
    moved = with_wrt_vector(program, wrt_vector(program) + step * direction(name))
    gradient = adjoint.grad(program.objective, wrt=program.wrt)(*moved)
    return flat(gradient if isinstance(program.wrt, tuple) else (gradient,))


def reference_gradient(name: str, step: float) -> np.ndarray:
    return autograd_gradient(name, step) if autograd_runs(name) else adjoint_gradient(name, step)


@functools.lru_cache(maxsize=None)
def measure_hvp(name: str) -> Measurement:
    """Second order on program `name`: hvp along direction(name) against central differences of
    autograd's gradient along the same direction (adjoint's, checked by central differences,
    where autograd cannot run the program)."""
    program = instantiate(name, load(name))
    if program.has_aux or not _autograd_available():
        return Measurement(name, "n/a", "the objective returns (loss, aux)" if program.has_aux else "no autograd")
    args = list(copy.deepcopy(program.args))
    vectors = wrt_pieces(program, direction(name))
    product, failure = _attempt(name, lambda: adjoint.hvp(program.objective, wrt=program.wrt)(*args, *vectors))
    if failure:
        return failure
    shaped = product if isinstance(program.wrt, tuple) else (product,)
    expected_shape = tuple(program.args[p] for p in program.positions)
    mismatch = structure_mismatch(expected_shape, tuple(shaped) if isinstance(shaped, (list, tuple)) else shaped,
                                  "hvp")
    expected = (reference_gradient(name, EPS) - reference_gradient(name, -EPS)) / (2 * EPS)
    return _checked(name, [
        (mismatch is None, mismatch),
        (mismatch is not None or np.allclose(flat(shaped), expected, **CENTRAL_TOLERANCE),
         "the product differs from differences of the gradient"),
        (tree_equal(args, list(program.args)), "an input was changed"),
    ])


# ----- the report ------------------------------------------------------------------------

def report_lines(names: Optional[List[str]] = None) -> List[str]:
    """One line a program (its gradient's status, jvp's and hvp's, what stopped it) and counts."""
    names = names or program_names()
    rows = [(name, measure(name), measure_jvp(name), measure_hvp(name)) for name in names]
    width = max(len(name) for name in names)
    lines = [f"{'program':<{width}}  {'grad':<8}  {'jvp':<8}  {'hvp':<8}  detail",
             f"{'-' * width}  --------  --------  --------  ------"]
    for name, gradient, forward, second in rows:
        shown = next((m for m in (gradient, forward, second) if m.status not in ("exact", "n/a")), gradient)
        note = "" if shown.status != "refused" or shown.names_own_line else " (not a line of the program)"
        lines.append(f"{name:<{width}}  {gradient.status:<8}  {forward.status:<8}  {second.status:<8}  "
                     f"{shown.detail}{note}")
    lines.append("")
    for label, column in (("grad", 1), ("jvp", 2), ("hvp", 3)):
        statuses = [row[column].status for row in rows]
        counted = ", ".join(f"{statuses.count(s)} {s}" for s in ("refused", "wrong", "crashed", "no API", "n/a")
                            if statuses.count(s))
        lines.append(f"{label}: {statuses.count('exact')} of {len(rows)} programs exact; {counted}")
    return lines


def main() -> int:
    for line in report_lines():
        print(line)
    return 0

