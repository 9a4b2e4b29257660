"""The numba backend: the units of a generation compiled together with `numba.njit(cache=True)`.

The generated source is lowered for numba (backend/numba_lowering.py), written as a module
with the numba versions of the runtime helpers (backend/numba_helpers.py), the constants it
reads and one `@numba.njit(cache=True)` function per unit. numba's disk cache needs that
module in a real file: it goes under adjoint's cache directory (when only the user can write
it, see backend/trust.py), named by the digest of its text, and is imported from there, so a
later process loads the machine code numba cached next to it. numba compiles on the first
call for each argument types; what it cannot compile becomes a BackendError naming the line
of the generated code and the user's line it differentiates.
"""
from __future__ import annotations

import ast
import dataclasses
import hashlib
import importlib.util
import inspect
import os
import re
import sys
import types
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

from adjoint import runtime
from adjoint.backend import numba_lowering
from adjoint.backend.cache import cache_directory
from adjoint.backend.trust import usable_directory
from adjoint.errors import AdjointError, AdjointWarning, BackendError, Location
from adjoint.generated import Deferred, Generated

_COMMENT = "__adjoint_comment__"
_COMMENT_LINE = re.compile(r"^(\s*)# (.*)$")
_COMMENT_CALL = re.compile(rf"^(\s*){_COMMENT}\((.*)\)$")
_MODULES: Dict[str, types.ModuleType] = {}


def available() -> bool:
    return importlib.util.find_spec("numba") is not None


# ----- the module text --------------------------------------------------------------------------

def lowered_source(unit_source: str, numpy_name: str) -> str:
    """A unit's source lowered for numba, its comments (`# Grad of: ...`) kept."""
    lines = []
    for line in unit_source.splitlines():
        comment = _COMMENT_LINE.match(line)
        lines.append(f"{comment.group(1)}{_COMMENT}({comment.group(2)!r})" if comment else line)
    lowered = numba_lowering.lower("\n".join(lines) + "\n", numpy_name)
    restored = []
    for line in lowered.splitlines():
        call = _COMMENT_CALL.match(line)
        restored.append(f"{call.group(1)}# {eval(call.group(2))}" if call else line)  # a repr written above
    return "\n".join(restored) + "\n"


def module_source(units, helpers: str, func: Optional[Callable] = None) -> str:
    """The module of a generation's units: imports, constants, helpers and njit functions.

    `helpers` is the import of the numba helpers (or their source, in a standalone module)."""
    imports, constants, aliases = {"import numba"}, {}, {}
    unit_names = {unit.name for unit in units}
    numpy_name = "np"
    for unit in units:
        for name, value in sorted(_read_names(unit).items()):
            if isinstance(value, types.ModuleType):
                imports.add(f"import {value.__name__} as {name}" if name != value.__name__ else f"import {name}")
                if value.__name__ == "numpy":
                    numpy_name = name
            elif isinstance(value, Deferred):
                if name != value.generated_name:
                    aliases[name] = value.generated_name
            elif runtime.helper_name(value) is not None:
                helper = runtime.helper_name(value)
                if helper not in numba_helpers_names():
                    raise _unit_refusal(unit, name, f"the runtime helper {helper} has no numba version", func)
                if name != helper:
                    aliases[name] = helper
            elif type(value) in (bool, int, float) or value is None:
                constants[name] = repr(value)
            elif name not in unit_names:
                raise _unit_refusal(unit, name, f"{name} = {_short(value)} cannot be compiled in (only numbers, "
                                                "NumPy, math and other derivatives)", func)
    parts = ["\n".join(sorted(imports)), helpers]
    parts.append("\n".join(f"{name} = {value}" for name, value in sorted(constants.items())))
    for unit in units:
        parts.append("@numba.njit(cache=True)\n" + lowered_source(unit.source, numpy_name))
    parts.append("\n".join(f"{name} = {target}" for name, target in sorted(aliases.items())))
    return "\n\n\n".join(part.strip("\n") for part in parts if part.strip()) + "\n"


def _unit_refusal(unit, name: str, reason: str, func: Optional[Callable]) -> BackendError:
    """A BackendError about `name`, read by the unit: at its first line that reads it."""
    lines = unit.source.splitlines()
    number = next((i + 1 for i, line in enumerate(lines) if re.search(rf"\b{re.escape(name)}\b", line)
                   and not line.lstrip().startswith(("#", "def "))), None)
    text = f"the numba backend cannot compile the derivative {unit.name}: {reason}"
    location = None
    if number is not None:
        user_text = _differentiated_line(lines, number)
        location = _user_location(func, user_text)
        text += f", at line {number} of the generated code, `{lines[number - 1].strip()}`"
        if user_text:
            text += f" (in the derivative of `{user_text}`)"
    return BackendError(name, text + "; use backend='python' or backend='auto'", location)


def _read_names(unit) -> Dict[str, Any]:
    """The bindings of a unit and the globals of the user's module its source reads."""
    tree = ast.parse(unit.source)
    local = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)}
    local |= {argument.arg for argument in ast.walk(tree) if isinstance(argument, ast.arg)}
    read = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)} - local
    found = {name: unit.globals[name] for name in read if name in unit.globals}
    found.update(unit.bindings)
    return found


def numba_helpers_names() -> Tuple[str, ...]:
    from adjoint.backend import numba_helpers
    return numba_helpers.HELPERS


def helpers_import() -> str:
    return f"from adjoint.backend.numba_helpers import {', '.join(numba_helpers_names())}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# ----- the module on disk -----------------------------------------------------------------------

def load_module(source: str) -> types.ModuleType:
    """Import `source` from a file under the cache directory (numba caches the machine code
    next to it), or from a private temporary directory when there is no usable cache."""
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:24]
    if digest in _MODULES:
        return _MODULES[digest]
    directory = _module_directory()
    path = directory / f"adjoint_numba_{digest}.py"
    if not path.exists() or path.read_text(encoding="utf-8") != source:
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(source, encoding="utf-8")
        os.replace(temporary, path)
    name = f"adjoint_numba_{digest}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    _MODULES[digest] = module
    return module


def _module_directory() -> Path:
    base = cache_directory()
    if base is not None and usable_directory(base / "numba"):
        return base / "numba"
    import tempfile
    directory = Path(tempfile.gettempdir()) / f"adjoint-numba-{os.getuid() if hasattr(os, 'getuid') else 0}"
    if not usable_directory(directory):
        directory = Path(tempfile.mkdtemp(prefix="adjoint-numba-"))
    return directory


# ----- errors -----------------------------------------------------------------------------------

def _refusal(error: Exception, module: types.ModuleType, func: Optional[Callable]) -> BackendError:
    """A BackendError for numba's error: the generated line it names and the user's line."""
    message = str(error)
    path = module.__file__
    found = re.findall(r'File "([^"]+)", line (\d+)', message)
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    own = [int(line) for file, line in found if os.path.abspath(file) == os.path.abspath(path)]
    construct = _reason(message) or type(error).__name__
    if not own:
        return BackendError(construct, f"numba cannot compile the derivative: {construct}")
    number = own[-1]
    generated = lines[number - 1].strip()
    user_text = _differentiated_line(lines, number)
    location = _user_location(func, user_text)
    text = f"numba cannot compile line {number} of the generated derivative, `{generated}`: {construct}"
    if user_text:
        text += f" (in the derivative of `{user_text}`)"
    return BackendError(construct, text + "; use backend='python' or backend='auto'", location)


def _reason(message: str) -> str:
    """numba's reason, without its colours, its pipeline stage and its traceback of the types."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", message)
    kept = []
    for line in plain.splitlines():
        line = line.strip()
        if not line or line.startswith(("Failed in ", "During:", "File ", "^")):
            continue
        if line.startswith(("The above exception", "Traceback", "- Resolution failure")):
            break
        kept.append(line)
    return " ".join(kept[:3])


def _differentiated_line(lines: List[str], number: int) -> str:
    for line in reversed(lines[:number]):
        stripped = line.strip()
        if stripped.startswith("# Grad of: ") or stripped.startswith("# Tangent of: "):
            return stripped.split(": ", 1)[1]
    return ""


def _user_location(func: Optional[Callable], text: str) -> Optional[Location]:
    if func is None or not text:
        return None
    try:
        source_lines, first = inspect.getsourcelines(inspect.unwrap(func))
        filename = inspect.getsourcefile(func)
    except (OSError, TypeError):
        return None
    for offset, line in enumerate(source_lines):
        if line.strip() and line.strip().startswith(text.strip()):
            return Location(filename, first + offset, len(line) - len(line.lstrip()), line=line.rstrip("\n"))
    return None


# ----- compiling a generation -------------------------------------------------------------------

def by_backend(generated: Generated, func: Callable, options) -> Generated:
    """`generated` as the backend of `options` runs it: unchanged for "python"; compiled by
    numba for "numba"; for "auto" compiled by numba where it can, else Python after a warning."""
    if options.backend == "python":
        return generated
    return compile_generation(generated, func, options.backend == "auto")


def compile_generation(generated: Generated, func: Optional[Callable], fallback: bool) -> Generated:
    """`generated` with its root (and backward half) compiled by numba; with `fallback`, what
    numba cannot compile runs as Python after an AdjointWarning."""
    try:
        if not available():
            raise BackendError("numba", "the numba backend needs numba (pip install 'adjoint[numba]')")
        if generated.backward is not None:  # its residuals (ranges, stacks) cannot all cross into Python
            raise BackendError("vjp", "vjp is not compiled by numba yet: use grad or value_and_grad with "
                                      "backend='numba', or vjp with backend='python'")
        root = generated.function.__name__
        source = module_source(generated.units, helpers_import(), func)
        module = load_module(source)
    except BackendError as error:
        if not fallback:
            raise
        _warn(error)
        return generated
    function = _guarded(getattr(module, root), generated.function, module, func, fallback)
    return dataclasses.replace(generated, function=function)


def _warn(error: AdjointError) -> None:
    warnings.warn(AdjointWarning(f"running the Python derivative: {error}"), stacklevel=4)


def _guarded(dispatcher, python: Callable, module: types.ModuleType, func: Optional[Callable],
             fallback: bool) -> Callable:
    """The njit function; numba's compile errors (on a first call) become BackendErrors."""
    from numba.core.errors import NumbaError

    failed: List[bool] = []

    def call(*args):
        if failed:
            return python(*args)
        try:
            return dispatcher(*args)
        except NumbaError as error:
            refusal = _refusal(error, module, func)
            if not fallback:
                raise refusal from None
            failed.append(True)
            _warn(refusal)
            return python(*args)

    call.__name__ = call.__qualname__ = python.__name__
    call.__wrapped__ = dispatcher
    call.py_func = python
    return call


# ----- adjoint gen --backend numba ---------------------------------------------------------------

def helpers_source() -> str:
    """The numba helpers' own source, to copy into a standalone module (without its docstring
    and its `from __future__` line)."""
    from adjoint.backend import numba_helpers
    tree = ast.parse(inspect.getsource(numba_helpers))
    body = [node for node in tree.body[1:] if not (isinstance(node, ast.ImportFrom) and node.module == "__future__")]
    lines = inspect.getsource(numba_helpers).splitlines()
    start = body[0].lineno - 1
    kept = [line for line in lines[start:] if line not in ("import numba", "import numpy as np")]
    return "# ----- numba versions of adjoint's runtime helpers " + "-" * 44 + "\n\n" + "\n".join(kept).lstrip("\n")


def write_standalone(func: Callable, options, generated: Generated, command: str, version: str) -> str:
    """The module `adjoint gen --backend numba` writes: the header of the Python module, then
    numba, the helpers and the derivatives, each `@numba.njit(cache=True)`."""
    from adjoint.backend.standalone import header
    lines = header(func, options, generated.rules, command, version)
    lines.append("imports: numba, numpy (adjoint is not needed to run it)")
    head = "".join(f"# {line}\n" for line in lines)
    exported = generated.function.__name__
    docstring = f'"""The derivative {exported} of {func.__name__}, compiled by numba on its first call."""\n\n'
    body = module_source(generated.units, helpers_source())
    return head + docstring + f'__all__ = ["{exported}"]\n\n' + body
