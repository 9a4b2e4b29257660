"""The numba backend: the units of a generation compiled together with `numba.njit(cache=True)`.

The generated source is lowered for numba (backend/numba_lowering.py), written as a module with the numba
versions of the runtime helpers (backend/numba_helpers.py), the constants it reads and one
`@numba.njit(cache=True)` function per unit. numba's disk cache needs that module in a real file: it goes
under adjoint's cache directory (when only the user can write it, see backend/trust.py), named by the digest
of its text, and is imported from there, so a later process loads the machine code numba cached next to it.
numba compiles on the first call for each argument types; what it cannot compile becomes a BackendError naming
the line of the generated code and the user's line it differentiates.
"""
from __future__ import annotations

import ast
import contextlib
import dataclasses
import functools
import hashlib
import importlib.util
import inspect
import json
import math
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
from adjoint.frontend.names import module_of
from adjoint.generated import Deferred, Generated, GeneratedFunction

_COMMENT = "__adjoint_comment__"
_COMMENT_LINE = re.compile(r"^(\s*)# (.*)$")
_COMMENT_CALL = re.compile(rf"^(\s*){_COMMENT}\((.*)\)$")
_MODULES: Dict[str, types.ModuleType] = {}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
_ABSENT = object()


def available() -> bool:
    return importlib.util.find_spec("numba") is not None


# ----- the module text --------------------------------------------------------------------------

def lowered_source(unit_source: str, numpy_name: str, adjoint_names: Tuple[str, ...] = (), math_names=()) -> str:
    """A unit's source lowered for numba, its comments (`# Grad of: ...`) kept."""
    lowered = numba_lowering.lower(_comments_as_calls(unit_source), numpy_name, adjoint_names, math_names)
    return _calls_as_comments(lowered)


def _comments_as_calls(source: str) -> str:
    """Each comment line as a call statement, which survives a pass through `ast`."""
    lines = []
    for line in source.splitlines():
        comment = _COMMENT_LINE.match(line)
        lines.append(f"{comment.group(1)}{_COMMENT}({comment.group(2)!r})" if comment else line)
    return "\n".join(lines) + "\n"


def _calls_as_comments(source: str) -> str:
    restored = []
    for line in source.splitlines():
        call = _COMMENT_CALL.match(line)
        restored.append(f"{call.group(1)}# {eval(call.group(2))}" if call else line)  # a repr written above
    return "\n".join(restored) + "\n"


def vjp_units(generated: Generated) -> List[GeneratedFunction]:
    """For a vjp's generation: `primal_<forward>` (the value) and `vjp_<forward>` (the two
    halves in one function, cotangent last), which numba compiles beside its units."""
    forward = next(unit for unit in generated.units if unit.name == generated.function.__name__)
    backward = next(unit for unit in generated.units if unit.name == generated.backward.__name__)
    primal = numba_lowering.primal_source(_comments_as_calls(forward.source), f"primal_{forward.name}")
    merged = numba_lowering.vjp_source(_comments_as_calls(forward.source), _comments_as_calls(backward.source),
                                       f"vjp_{forward.name}")
    if primal is None or merged is None:
        raise BackendError("vjp", f"vjp of {forward.name} is not shaped as the numba backend compiles it; use "
                                  "backend='python'")
    bindings = {**forward.bindings, **backward.bindings}
    return [GeneratedFunction(f"primal_{forward.name}", _calls_as_comments(primal), forward.globals, bindings),
            GeneratedFunction(f"vjp_{forward.name}", _calls_as_comments(merged), forward.globals, bindings)]


def module_source(units, helpers: str, func: Optional[Callable] = None) -> str:
    """The module of a generation's units: imports, constants, helpers and njit functions.

    `helpers` is the import of the numba helpers (or their source, in a standalone module)."""
    imports, constants, aliases = {"import numba"}, {}, {}
    unit_names = {unit.name for unit in units}
    numpy_name, adjoint_names, math_names = "np", set(), set()
    for unit in units:
        _refuse_signature(unit, func)
        for name, value in sorted(_read_names(unit).items()):
            if isinstance(value, types.ModuleType) and value.__name__ == "adjoint":
                adjoint_names.add(name)  # `adjoint.stop_gradient(x)` becomes the helper's call
            elif isinstance(value, types.ModuleType):
                imports.add(f"import {value.__name__} as {name}" if name != value.__name__ else f"import {name}")
                if value.__name__ == "numpy":
                    numpy_name = name
                math_names.update([name] if value.__name__ == "math" else [])  # math.sqrt(x) checks x
            elif isinstance(value, Deferred) or module_of(value) == "builtins" and callable(value):
                target = value.generated_name if isinstance(value, Deferred) else value.__name__  # `list`, a rule's
                aliases.update({name: target} if name != target else {})
            elif runtime.helper_name(value) is not None:
                helper = runtime.helper_name(value)
                if helper not in numba_helpers_names():
                    raise _unit_refusal(unit, name, f"the runtime helper {helper} has no numba version", func)
                if name != helper:
                    aliases[name] = helper
            elif type(value) in (bool, int, float) or value is None:
                finite = type(value) is not float or math.isfinite(value)
                constants[name] = repr(value) if finite else f"float('{value}')"  # repr gives inf and nan
            elif name not in unit_names:
                raise _unit_refusal(unit, name, f"{name} = {_short(value)} cannot be compiled in (only numbers, "
                                                "NumPy, math and other derivatives)", func)
    if "\nimport numpy as np\n" in helpers:  # copied helpers that import it themselves
        imports.discard("import numpy as np")
    parts = ["\n".join(sorted(imports)), helpers]
    parts.append("\n".join(f"{name} = {value}" for name, value in sorted(constants.items())))
    for unit in units:
        lowered = lowered_source(unit.source, numpy_name, tuple(sorted(adjoint_names)), tuple(sorted(math_names)))
        parts.append("@numba.njit(cache=True)\n" + lowered)
    parts.append("\n".join(f"{name} = {target}" for name, target in sorted(aliases.items())))
    return "\n\n\n".join(part.strip("\n") for part in parts if part.strip()) + "\n"


def _refuse_signature(unit, func: Optional[Callable]) -> None:
    """numba calls a function without the defaults of its keyword-only parameters (TypeError: not
    enough arguments), and takes no *args or **kwargs."""
    arguments = ast.parse(unit.source).body[0].args
    rest = [f"*{arguments.vararg.arg}"] if arguments.vararg else []
    rest += [f"{argument.arg}={ast.unparse(default)}"
             for argument, default in zip(arguments.kwonlyargs, arguments.kw_defaults) if default is not None]
    rest += [f"**{arguments.kwarg.arg}"] if arguments.kwarg else []
    if rest:
        raise BackendError(rest[0], f"the numba backend cannot compile the derivative {unit.name}: numba takes "
                           f"neither keyword-only parameters with defaults nor *args or **kwargs: {', '.join(rest)}; "
                           "use backend='python' or backend='auto'", _user_location(func, "def "))


def _unit_refusal(unit, name: str, reason: str, func: Optional[Callable]) -> BackendError:
    """A BackendError about `name`, read by the unit: at its first line that reads it."""
    lines = unit.source.splitlines()
    number = next((i + 1 for i, line in enumerate(lines) if re.search(rf"\b{re.escape(name)}\b", line)
                   and not line.lstrip().startswith(("#", "def "))), None)
    text = f"the numba backend cannot compile the derivative {unit.name}: {reason}"
    location = None
    if number is not None:
        user_text = _differentiated_line(lines, number)
        location = _user_location(func, user_text) or unit.made_for(number) or _user_location(func, "def ")
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
    """The import of the numba helpers, after a digest of their source: numba's disk cache checks
    only the module's own file, so a module compiled with other helpers must be another file."""
    return (f"# numba helpers: sha256 {helpers_fingerprint()}\n"
            f"from adjoint.backend.numba_helpers import {', '.join(numba_helpers_names())}")


@functools.lru_cache(maxsize=None)
def helpers_fingerprint() -> str:
    return hashlib.sha256(_helpers_sources().encode("utf-8")).hexdigest()[:16]


def _helpers_sources() -> str:
    from adjoint.backend import numba_domain, numba_helpers, numba_in_place
    return "".join(inspect.getsource(module) for module in (numba_domain, numba_in_place, numba_helpers))


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
    path = _module_directory() / f"adjoint_numba_{digest}.py"
    if not path.exists() or path.read_text(encoding="utf-8") != source:
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(source, encoding="utf-8")
        os.replace(temporary, path)
    return _import(digest, path)


def _import(digest: str, path: Path) -> types.ModuleType:
    if digest in _MODULES:
        return _MODULES[digest]
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


# ----- the module of a cached derivative, found without writing it again -------------------------
# A derivative read from adjoint's disk cache has a key (backend/cache.py) naming everything its
# code depends on, except the values of the numbers module_source copies in from the user's
# globals. An index file under that key names the module written for it and those numbers: a
# later process imports the module (and numba loads its machine code) without lowering again.

def _index_path(generated: Generated) -> Optional[Path]:
    if generated.cache_key is None:
        return None
    base = cache_directory()
    if base is None or not usable_directory(base / "numba"):
        return None
    return base / "numba" / f"index-{generated.cache_key}.json"


def _indexed_module(generated: Generated) -> Optional[types.ModuleType]:
    """The module indexed under the generation's key, when its numbers are still the same."""
    path = _index_path(generated)
    try:
        index = json.loads(path.read_text(encoding="utf-8")) if path is not None else None
        digest = index["module"]
        if not re.fullmatch(r"[0-9a-f]{24}", digest) or _copied_numbers(generated.units) != index["numbers"]:
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    module_path = path.parent / f"adjoint_numba_{digest}.py"
    return _import(digest, module_path) if module_path.exists() else None


def _index_module(generated: Generated, module: types.ModuleType) -> None:
    path = _index_path(generated)
    if path is None:
        return
    digest = module.__name__[len("adjoint_numba_"):]
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        temporary.write_text(json.dumps({"module": digest, "numbers": _copied_numbers(generated.units)}),
                             encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):  # the next process writes the module's text again
            temporary.unlink()


def _copied_numbers(units) -> List[List[str]]:
    """[unit, name, repr] of each global number (or None) a unit reads: module_source copies them."""
    return [[str(number), name, repr(value)] for number, _, name, value in _numbers_read(units)]


def _numbers_read(units) -> List[Tuple[int, Optional[dict], str, Any]]:
    """(unit, namespace or None for a binding, name, value) of each number (or None) a unit reads."""
    found = []
    for number, unit in enumerate(units):
        for name in sorted(set(_IDENTIFIER.findall(unit.source))):  # more than it reads: never fewer
            namespace = None if name in unit.bindings else unit.globals
            value = unit.bindings[name] if namespace is None else namespace.get(name, _ABSENT)
            if type(value) in (bool, int, float) or value is None:
                found.append((number, namespace, name, value))
    return found


def _with_numbers_watched(generated: Generated) -> Generated:
    """`generated` stale once a global number the compiled module copied is bound anew (the
    Python derivative reads it on each call; the compiled one holds the value it was built with)."""
    watched = [(namespace, name, value) for _, namespace, name, value in _numbers_read(generated.units)
               if namespace is not None]
    return dataclasses.replace(generated, dependencies=list(generated.dependencies) + watched) if watched else generated


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
    return compile_generation(generated, func, options.backend == "auto", options.mode == "forward_pass")


def compile_generation(generated: Generated, func: Optional[Callable], fallback: bool, vjp: bool = False) -> Generated:
    """`generated` with its root (for a vjp, its two halves) compiled by numba; with `fallback`,
    what numba cannot compile runs as Python after an AdjointWarning."""
    try:
        if not available():
            raise BackendError("numba", "the numba backend needs numba (pip install 'adjoint[numba]')")
        units = list(generated.units) + (vjp_units(generated) if vjp else [])
        module = _indexed_module(generated)
        if module is None:
            module = load_module(module_source(units, helpers_import(), func))
            _index_module(generated, module)
    except BackendError as error:
        if not fallback:
            raise
        _warn(error)
        return generated
    if vjp:
        forward, backward = _compiled_vjp(generated, module, func, fallback)
        return _with_numbers_watched(dataclasses.replace(generated, function=forward, backward=backward))
    function = _guarded(getattr(module, generated.function.__name__), generated.function, module, func, fallback)
    return _with_numbers_watched(dataclasses.replace(generated, function=function))


def _compiled_vjp(generated: Generated, module: types.ModuleType, func: Optional[Callable], fallback: bool):
    """(forward, backward) as vjp calls them: the forward half computes the value and keeps the
    arguments as its residuals; the backward half runs both halves, compiled in one function."""
    name, python_forward, python_backward = generated.function.__name__, generated.function, generated.backward
    primal = _guarded(getattr(module, f"primal_{name}"), lambda *args: python_forward(*args)[0], module, func,
                      fallback)
    pullback = _guarded(getattr(module, f"vjp_{name}"),
                        lambda *args: python_backward(args[-1], python_forward(*args[:-1])[1]), module, func, fallback)

    def forward(*args, **kwargs):
        arguments = _positional(python_forward, args, kwargs)
        return primal(*arguments), arguments

    def backward(cotangent, arguments):
        return pullback(*arguments, cotangent)

    forward.__name__ = forward.__qualname__ = name
    backward.__name__ = backward.__qualname__ = python_backward.__name__
    return forward, backward


def _positional(python: Callable, args: tuple, kwargs: dict) -> tuple:
    """The arguments of a call in the order of the compiled function's parameters (keyword-only
    ones last, in their order: numba_lowering.positional_tangents), defaults included."""
    if not kwargs and len(args) >= python.__code__.co_argcount:
        return args
    bound = inspect.signature(python).bind(*args, **kwargs)
    bound.apply_defaults()
    code = python.__code__
    keyword_only = code.co_varnames[code.co_argcount:code.co_argcount + code.co_kwonlyargcount]
    return tuple(bound.args) + tuple(bound.kwargs[name] for name in keyword_only)


def _warn(error: AdjointError) -> None:
    warnings.warn(AdjointWarning(f"running the Python derivative: {error}"), stacklevel=4)


def _guarded(dispatcher, python: Callable, module: types.ModuleType, func: Optional[Callable],
             fallback: bool) -> Callable:
    """The njit function; numba's compile errors (on a first call) become BackendErrors, as does the
    AttributeError its typing lets through from a module (`hasattr(np, "trapz")` on NumPy 2.4)."""
    from numba.core.errors import NumbaError

    from adjoint.backend.numba_domain import CompiledRefusal

    failed: List[bool] = []

    def call(*args, **kwargs):
        if failed:
            return python(*args, **kwargs)
        try:
            return dispatcher(*_positional(python, args, kwargs)) if kwargs else dispatcher(*args)
        except (NumbaError, CompiledRefusal, AttributeError) as error:  # CompiledRefusal: of a value (the next call may compute)
            refusal = _refusal(error, module, func) if not isinstance(error, CompiledRefusal) else BackendError(
                "numba", f"the compiled derivative {python.__name__} refused a value: {error}; use backend='python' "
                "or backend='auto'", _user_location(func, "def "))
            if not fallback:
                raise refusal from None
            failed.extend([] if isinstance(error, CompiledRefusal) else [True])
            _warn(refusal)
            return python(*args, **kwargs)

    call.__name__ = call.__qualname__ = python.__name__
    call.__wrapped__ = dispatcher
    call.py_func = python
    return call


# ----- adjoint gen --backend numba ---------------------------------------------------------------

def helpers_source() -> str:
    """The numba helpers' own source, to copy into a standalone module (without its docstring,
    its `from __future__` line and `import numba`, which the module has already)."""
    from adjoint.backend import numba_domain, numba_helpers, numba_in_place
    kept = []
    for module in (numba_domain, numba_in_place, numba_helpers):  # numba_helpers imports the others': copied here
        tree = ast.parse(inspect.getsource(module))
        body = [node for node in tree.body[1:] if not (isinstance(node, ast.ImportFrom) and node.module == "__future__")]
        lines = inspect.getsource(module).splitlines()
        kept += [line for line in lines[body[0].lineno - 1:]  # numpy's import stays; the module's __all__ is its own
                 if line != "import numba" and not line.startswith(("from adjoint.", "__all__ = "))] + [""]
    return "# ----- numba versions of adjoint's runtime helpers " + "-" * 44 + "\n\n" + "\n".join(kept).strip("\n")


def write_standalone(func: Callable, options, generated: Generated, command: str, version: str,
                     label: Optional[str] = None) -> str:
    """The module `adjoint gen --backend numba` writes: the header of the Python module, then
    numba, the helpers and the derivatives, each `@numba.njit(cache=True)`."""
    from adjoint.backend.standalone import header, interface
    lines = header(func, options, generated.rules, command, version)
    lines.append("imports: numba, numpy (adjoint is not needed to run it)")
    head = "".join(f"# {line}\n" for line in lines)
    names = interface(func, options, generated, label)
    exported = [public for _, public in names]
    docstring = f'"""The derivative {" and ".join(exported)} of {label or func.__name__}, compiled by numba on its '
    docstring += 'first call."""\n\n'
    body = module_source(generated.units, helpers_source(), func)
    aliases = "".join(f"\n\n{public} = {name}\n" for name, public in names if name != public)
    return head + docstring + f"__all__ = {json.dumps(exported)}\n\n" + body + aliases
