"""What a generation produces: generated functions, placeholders for the derivatives they
call, and warnings to give; and the generated code a derived function stands for. A leaf module: the backend reads these without importing the
transforms that make them."""
from __future__ import annotations

import keyword
import linecache
import re
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

from adjoint.errors import AdjointError, AdjointWarning, Location
from adjoint.options import Mode

# What the name of a derivative of f starts with, by mode: grad_f, jvp_f, fwd_f and bwd_f ...
PREFIXES = {Mode.REVERSE: "grad", Mode.VALUE_AND_GRAD: "value_and_grad", Mode.VJP: "vjp", Mode.FORWARD: "jvp",
            Mode.PRIMAL: "", Mode.FORWARD_PASS: "fwd", Mode.BACKWARD_PASS: "bwd"}


def identifier(name: str) -> str:
    """A function's name as part of a Python identifier: `<lambda>` gives `lambda_`."""
    # An ASCII identifier leaves the expression nothing to take out (compiling it is the first call's cost).
    label = name if name.isascii() and name.isidentifier() else re.sub(r"\W", "", name) or "f"
    return label + "_" if keyword.iskeyword(label) or label[0].isdigit() else label


@dataclass(frozen=True)
class Unreached:
    """A warning to give: its message and the user's line it is about."""

    message: str
    filename: str
    lineno: int


@dataclass
class GeneratedFunction:
    """One generated derivative: its source and what it needs to be compiled."""

    name: str
    source: str
    globals: Dict[str, Any]
    bindings: Dict[str, Any] = field(default_factory=dict)
    # The call in the user's code that this derivative was made for, and the function it calls:
    # a refusal met when the derivative is differentiated again names that line.
    user_call: Optional[Tuple[Location, str]] = None
    # For a backward half (see ad/split.py): the name of its forward half and the kinds of the
    # parameters that forward half was generated for.
    forward_half: Optional[Tuple[str, Dict[str, str]]] = None
    # For both halves: the kinds of the forward half's value and of its residuals, by position
    # where they are tuples (analysis/derived_kinds.py), then the same for the labels of the
    # arrays of one shape (analysis/same_shapes.py).
    shapes: Optional[Tuple[Any, ...]] = None
    # Where its statements come from: the SourceInfo of the function it was generated from and,
    # for each statement of the source in order, the position it was made for (or None).
    positions: Optional[Tuple[Any, List[Optional[Tuple[int, int, int, int]]]]] = None

    def made_for(self, line: int) -> Optional[Location]:
        """The user's line the line `line` (from 1) of its source was made for, where known."""
        return None if self.positions is None else _made_for_line(self.source, *self.positions, line)


@dataclass
class Generated:
    """The result of a generation: the root derivative and every function it calls."""

    function: Callable
    units: List[GeneratedFunction]
    dependencies: List[Tuple[Dict[str, Any], str, Any]] = field(default_factory=list)
    backward: Optional[Callable] = None  # a forward_pass root's backward half
    warnings: List[Unreached] = field(default_factory=list)
    rules: List[Tuple[str, str]] = field(default_factory=list)  # (callee, rule source) of the rules it used
    cache_key: Optional[str] = None  # its key in the disk cache (backend/cache.py), when it has one

    def warn(self) -> None:
        """Give the generation's warnings (an AdjointWarning at the user's line for each)."""
        for found in self.warnings:
            warnings.warn_explicit(AdjointWarning(found.message), AdjointWarning, found.filename, found.lineno)

    def is_current(self) -> bool:
        """False once a global name the derivative was generated for is bound to something else."""
        return all(namespace.get(name) is value for namespace, name, value in self.dependencies)

    def while_current(self, function: Callable, fallback: Callable[[tuple, dict], Callable]) -> Callable:
        """`function`, which hands its call to `fallback(args, kwargs)` (a regeneration) once a
        name, attribute or closure cell the derivative depends on has changed."""
        def call(*args, **kwargs):
            if self.is_current():
                return function(*args, **kwargs)
            return fallback(args, kwargs)(*args, **kwargs)
        return call

    @property
    def source(self) -> str:
        return "\n\n".join(unit.source for unit in self.units)


def shapes_from_json(described) -> Optional[tuple]:
    """GeneratedFunction.shapes as the disk cache stores them (lists for tuples)."""
    def rebuilt(item):
        return tuple(rebuilt(i) for i in item) if isinstance(item, list) else None if item is None else str(item)
    def pair(part) -> Optional[tuple]:
        if not (isinstance(part, list) and len(part) == 2 and isinstance(part[1], dict)):
            return None
        return rebuilt(part[0]), {str(name): rebuilt(shape) for name, shape in part[1].items()}
    if not isinstance(described, list) or len(described) not in (2, 3):
        return None
    shapes = pair(described[:2])
    labels = pair(described[2]) if len(described) == 3 else None  # the labels of analysis/same_shapes.py
    return shapes if shapes is None or labels is None else shapes + (labels,)


class Deferred:
    """Placeholder binding for a derivative function generated later (filled in at compile time)."""

    def __init__(self, generated_name: str):
        self.generated_name = generated_name

    def __repr__(self) -> str:
        return f"<derivative {self.generated_name}>"


def materialize(func: Callable, kinds: Dict[str, str]) -> Callable:
    """A derived function (grad(f), ...) stands for the code generated for these argument kinds."""
    return materialized(func, kinds)[0]


def materialized(func: Callable, kinds: Dict[str, str]) -> Tuple[Callable, List[Tuple[Dict[str, Any], str, Any]]]:
    """materialize's function, and the dependencies of the generation that wrote it (none for a
    function that is no derived function): the code stands for the derived function only while
    each of those names is bound as it was."""
    generated_for = getattr(func, "__adjoint_generated__", None)
    if generated_for is None:
        return func, []
    return generated_for(tuple(sorted(kinds.items())) if kinds else None)


# The derived functions whose code a derivative differentiates again: those of grad and
# value_and_grad, which take the function's arguments and return what the code generated for it
# returns. jvp's takes tangents besides; vjp's returns a pullback; hvp's, and grad's with has_aux,
# are Python functions around other derived functions.
_DIFFERENTIATED_AGAIN = frozenset({"reverse", "value_and_grad"})


def not_differentiated_again(func: Any) -> bool:
    """Whether func is a derived function (adjoint.jvp(f), vjp, hvp, grad with has_aux) that no
    derivative differentiates: neither called in a differentiated function nor transformed."""
    if getattr(func, "__adjoint_primal__", None) is None:
        return False
    made_by = getattr(getattr(func, "__adjoint_generated__", None), "__self__", None)  # api._Specializing
    return getattr(made_by, "mode", None) not in _DIFFERENTIATED_AGAIN


def is_generated_code(func) -> bool:
    """A function compiled from a unit adjoint generated (a derivative, differentiated again): its
    file is `<adjoint name digest>` (frontend/define.py). A local function lifted out of the user's
    code (`<adjoint local function name>`) or a checkpointed loop's step (`<adjoint checkpointed
    loop name digest>`) is the user's code, compiled under other labels."""
    code = getattr(func, "__code__", None)
    filename = code.co_filename if code is not None else ""
    return filename.startswith("<adjoint ") and filename.endswith(">") and len(filename[1:-1].split(" ")) == 3


# ----- the user's line of a generated line ------------------------------------------------------

# The compiled file name of a generated function -> (its source, SourceInfo, statement positions).
LINES: Dict[str, Tuple[str, Any, List[Optional[Tuple[int, int, int, int]]]]] = {}


def positions_to_json(positions) -> Optional[list]:
    """A GeneratedFunction's positions for the disk cache: its SourceInfo's fields, then the positions."""
    if positions is None:
        return None
    info, lines = positions
    return [info.filename, info.first_line, list(info.lines), info.indent, lines]


def positions_from_json(described, source_info: Callable) -> Optional[Tuple[Any, list]]:
    """positions_to_json's positions again, the SourceInfo made by `source_info`; None if malformed."""
    if not (isinstance(described, list) and len(described) == 5 and isinstance(described[4], list)):
        return None
    filename, first, lines, indent, positions = described
    return source_info(filename, first, tuple(lines), indent), [tuple(p) if p else None for p in positions]


def register_lines(filename: str, source: str, info: Any, positions: List[Optional[Tuple[int, int, int, int]]]) -> None:
    LINES[filename] = (source, info, positions)


def user_location(error: BaseException) -> Optional[Location]:
    """The user's line the innermost generated line of error's traceback was made for (through a
    derivative of a derivative, down to the user's own code), or None where it is not known."""
    import traceback
    for frame, lineno in reversed(list(traceback.walk_tb(error.__traceback__))):
        found = _mapped(frame.f_code.co_filename, lineno)
        if found is not None:
            return found
    return None


def made_for(location: Location) -> Location:
    """The user's line a line of generated code was made for (through a derivative of a derivative),
    else location itself."""
    return (_mapped(location.filename, location.lineno) if location.lineno else None) or location


def _mapped(filename: str, lineno: int, depth: int = 0) -> Optional[Location]:
    entry = LINES.get(filename)
    if entry is None or depth > 8:
        return None
    where = _made_for_line(*entry, lineno - 1)  # the factory's `def` comes first in the compiled file
    return None if where is None else _mapped(where.filename, where.lineno, depth + 1) or where


def _made_for_line(source: str, info: Any, positions: List[Optional[Tuple[int, int, int, int]]],
                  line: int) -> Optional[Location]:
    """The user's line the line `line` (from 1) of a generated function's source was made for."""
    statements = _statement_nodes(source)
    if len(statements) != len(positions):
        return None
    best = None
    for node, position in zip(statements, positions):
        if position is not None and node.lineno <= line <= (node.end_lineno or node.lineno):
            best = position  # an inner statement comes after the one holding it
    if best is None:
        return None
    from types import SimpleNamespace
    return info.location(SimpleNamespace(lineno=best[0], col_offset=best[1], end_lineno=best[2], end_col_offset=best[3]))


def _statement_nodes(source: str) -> list:
    import ast
    found: list = []

    def walk(node) -> None:
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.stmt):
                        found.append(item)
                    if isinstance(item, (ast.stmt, ast.excepthandler, getattr(ast, "match_case", ast.stmt))):
                        walk(item)
    walk(ast.parse(source).body[0])
    return found


def refuse_in_generated_code(error: AdjointError, target: Callable) -> None:
    """A refusal met in code adjoint generated, moved to the user's code: the call the derivative
    was made for, else the user's line the refused generated line was made for (a second derivative
    of a write in place), else the definition of the user's function a derived function differentiates."""
    made_for = getattr(target, "__adjoint_user_call__", None)
    if made_for is not None:
        raise error.blamed_on(made_for[0], f"the derivative of `{made_for[1]}`") from None
    origin = _unspecialized(getattr(target, "__adjoint_origin__", None))
    code = getattr(origin, "__code__", None)
    if code is None or code.co_filename.startswith("<"):
        return
    inner = error.location
    line = _mapped(inner.filename, inner.lineno) if inner is not None and inner.lineno else None
    if line is not None and line.filename == code.co_filename:
        if _generated_names(error.message, code) or _names_the_derivative(error.message, target):
            error = _second_derivative_refusal(error)  # (a user cannot act on the names of adjoint's own code)
        raise error.blamed_on(line, f"the derivative of `{origin.__qualname__}`", "made for this line") from None
    text = linecache.getline(code.co_filename, code.co_firstlineno)
    definition = Location(code.co_filename, code.co_firstlineno, len(text) - len(text.lstrip()), None, text)
    raise error.blamed_on(definition, f"the derivative of `{origin.__qualname__}`", "defined here") from None


def _unspecialized(func: Any) -> Any:
    """The user's function a specialization adjoint made of it stands for (bound to the functions it
    receives, functools.partial's arguments): the specialization's code is adjoint's own."""
    while getattr(func, "__adjoint_specialized__", None) is not None:
        func = func.__adjoint_specialized__.origin
    return func


def _generated_names(message: str, code) -> List[str]:
    """The names in backquotes in message that the user's function (code) does not use: adjoint's own."""
    used, codes = set(), [code]
    while codes:
        one = codes.pop()
        used.update(one.co_varnames + one.co_names + one.co_cellvars + one.co_freevars)
        codes.extend(const for const in one.co_consts if hasattr(const, "co_varnames"))
    return [name for name in re.findall(r"`([A-Za-z_]\w*)`", message) if name not in used]


def _names_the_derivative(message: str, target: Callable) -> bool:
    """Whether message speaks of the derivative adjoint wrote by its name (`an object from outside grad_f`)."""
    name = getattr(target, "__name__", "")
    return bool(name) and re.search(rf"\b{re.escape(name)}\b", message) is not None


def _second_derivative_refusal(error: AdjointError) -> AdjointError:
    """A refusal met in a first derivative's own code, said in the user's terms."""
    if "in place" in error.message:
        reason = ("this line writes in place, and its first derivative keeps values that may share the memory it "
                  "writes (views of it, saved for the backward pass): a second derivative cannot follow the change "
                  "into them; assign a new value instead of writing in place to take second derivatives (hvp, "
                  "hessian, grad of grad)")
    else:
        reason = ("its first derivative holds a construct adjoint cannot differentiate again, so second derivatives "
                  "(hvp, hessian, grad of grad) are not taken through this line")
    moved = type(error).__new__(type(error))
    moved.__dict__.update(error.__dict__)
    moved.message = reason
    moved.args = (moved._format(),)
    return moved
