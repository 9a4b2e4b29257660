"""The disk cache of derivatives (SPEC §5), so that a new process does not transform again.

An entry is keyed by everything the generated code depends on: the source of the function
and of every function it reaches (`dependencies`), what each free name it reads resolves
to, the Options, the adjoint version, the source of the adjoint package itself and the
rules fingerprint. It stores each generated unit's source and how to rebuild its bindings
(a module name, an importable `module:qualname`, or another unit's name), never pickles.
A unit whose bindings cannot be described so (a closure over a value) is not cached.

    ADJOINT_CACHE_DIR=DIR       where entries live (default: $XDG_CACHE_HOME/adjoint or ~/.cache/adjoint)
    ADJOINT_CACHE=0             no disk cache at all

Reading never fails: a corrupt, unreadable or stale entry is regenerated and rewritten.
Writes are atomic (a temporary file, then os.replace), so readers never see half an entry.
Entries are signed with the user's key and read only from a directory only the user can
write (trust.py); bindings may import only modules the function itself already uses.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import importlib
import inspect
import json
import os
import sys
import tempfile
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple


from adjoint import nodes
from adjoint.backend import trust
from adjoint.backend.compile import compile_all
from adjoint.backend.described import defaults_owner, dependency_name, described_defaults, described_dependency
from adjoint.errors import Location
from adjoint.frontend.dependencies import TableKeys
from adjoint.frontend.names import class_module, is_frozen_distribution
from adjoint.frontend.parse import MISSING, read_function, unwrap
from adjoint.frontend.resolve import qualified_name
from adjoint.frontend.values import ItemsOf, resolve_value
from adjoint.frontend.parse import SourceInfo
from adjoint.generated import Deferred, Generated, GeneratedFunction, Unreached, positions_from_json, positions_to_json
from adjoint.generated import shapes_from_json
from adjoint.normalize.once import free_references
from adjoint.normalize.record_methods import class_functions
from adjoint.options import Options
from adjoint.version import __version__

FORMAT = 4
MAX_FUNCTIONS = 200

# How the disk cache has been used in this process (read by tests and when debugging).
STATISTICS = {"hits": 0, "misses": 0, "stores": 0, "uncacheable": 0}


class NotCacheable(Exception):
    """The derivative depends on something the key cannot describe (a derived function, no source)."""


# ----- what a derivative depends on ------------------------------------------------------------

@dataclass
class Dependencies:
    """The functions reachable from a root, in the order found; `records[i]` describes `functions[i]`:
    its label, a digest of its source and what each free name or attribute chain it reads resolves to."""

    functions: List[Callable] = field(default_factory=list)
    records: List[dict] = field(default_factory=list)


def dependencies(func: Callable) -> Dependencies:
    """Walk `func` and the functions it reaches through its names, as the compiler resolves them.

    Raises NotCacheable when a reached object cannot be described by source or by name.
    """
    found = Dependencies()
    queue = [func if inspect.ismethod(func) else unwrap(func)]  # a bound method's instance is known
    while queue:
        current = queue.pop(0)
        if any(current is known for known in found.functions):
            continue
        if len(found.functions) >= MAX_FUNCTIONS:
            raise NotCacheable(f"more than {MAX_FUNCTIONS} functions reachable")
        found.functions.append(current)
        record, reached = _describe_function(current)
        found.records.append(record)
        queue.extend(reached)
    return found


def _describe_function(func: Callable):
    if getattr(func, "__adjoint_generated__", None) is not None:
        raise NotCacheable("derivatives of derived functions are not cached on disk")
    try:
        parsed = read_function(func)
    except Exception as error:  # no source: the compiler will report it
        raise NotCacheable(str(error)) from None
    source = "\n".join(parsed.info.lines)
    locals_ = nodes.local_names(parsed.node) - set(parsed.fixed)  # a fixed parameter's attributes are known
    named = [(text, node, resolve_value(node, parsed, locals_))
             for text, node in free_references(parsed.node, locals_)]
    specialized = [(f"{name}[]", parsed.node, value.cls) if isinstance(value, ItemsOf) else (name, parsed.node, value)
                   for name, value in sorted(parsed.fixed.items()) + sorted(parsed.classes.items())]  # `name[]`: items
    references, fixed, reached = [], [], []
    for into, triples in ((references, named), (fixed, specialized)):
        for name, node, value in triples:
            try:
                kind, target = describe_reference(value)
            except NotCacheable as error:  # where (adjoint gen says it)
                raise NotCacheable(f"{error} (`{name}`, at {parsed.info.location(node).render()})") from None
            reached.extend([unwrap(value.func if kind == "partial" else value)] if kind in ("function", "partial")
                           else class_functions(value))  # a partial's function, a record's methods
            into.append([name, kind, target])
    at = parsed.info.location(parsed.node)  # the derivative writes file and line into its refusals
    return {"function": qualified_name(func), "source": _sha256(source), "names": sorted(references), "fixed": fixed,
            "at": [at.filename, at.lineno, at.col_offset], "defaults": described_defaults(func)}, reached


def describe_reference(value: Any):
    """(kind, target) for what a name resolves to; kind "function" means: follow its source."""
    from adjoint.rules import ADJOINTS, NON_DIFFERENTIABLE, TANGENTS

    if value is MISSING:
        return "missing", ""
    if isinstance(value, types.ModuleType):
        return "module", value.__name__
    if getattr(value, "__adjoint_generated__", None) is not None or hasattr(value, "__adjoint_transformation__"):
        raise NotCacheable("the function calls a derived function, or takes a derivative inside it")
    if is_frozen_distribution(getattr(value, "__self__", value) if inspect.ismethod(value) else value):
        # The derivative is generated for the family and the form of its parameters, and must follow the name
        # to another object: a dependency a cache entry does not keep.
        raise NotCacheable("the function calls a method of a frozen SciPy distribution")
    if isinstance(value, functools.partial) and inspect.isfunction(unwrap(value.func)):  # its arguments are in the code
        return "partial", qualified_name(unwrap(value.func))
    if callable(value) and any(_has_rule(table, value) for table in (ADJOINTS, TANGENTS, NON_DIFFERENTIABLE)):
        return "rule", qualified_name(value)
    if inspect.isfunction(unwrap(value)):
        return "function", qualified_name(unwrap(value))
    if callable(value):
        return "object", qualified_name(value)
    return "value", f"{class_module(value)}.{type(value).__qualname__}"


def _has_rule(table, value) -> bool:
    try:
        return value in table
    except Exception:
        return False


# ----- the key ---------------------------------------------------------------------------------

def cache_key(func: Callable, options: Options) -> tuple:
    """(key, dependencies) for the derivative of func under options; raises NotCacheable."""
    found = dependencies(func)
    if any(kind == "partial" for record in found.records for _, kind, _ in record["names"] + record["fixed"]):
        raise NotCacheable("the function calls a functools.partial object, whose bound arguments the code holds")
    material = {"format": FORMAT, "adjoint": __version__, "compiler": package_digest(),
                "python": list(sys.version_info[:2]), "rules": _rules_fingerprint(), "options": repr(options),
                "functions": found.records}
    return _sha256(json.dumps(material, sort_keys=True)), found


_RULES_SEEN = {"revision": None, "fingerprint": ""}


def _rules_fingerprint() -> str:
    """rules_fingerprint(), recomputed only when a rule was registered since the last call."""
    from adjoint.rules.table import Revision, rules_fingerprint

    if _RULES_SEEN["revision"] != Revision.value:
        _RULES_SEEN.update(revision=Revision.value, fingerprint=rules_fingerprint(_rule_identity))
    return _RULES_SEEN["fingerprint"]


def _rule_identity(rule: Callable) -> str:
    """A rule defined in adjoint's own files by its file and line (package_digest, also in the
    key, holds their text: no need to parse them in every process), any other by its definition."""
    from adjoint.templates import rule_definition

    code = getattr(rule, "__code__", None)
    place = _package_file(code.co_filename) if code is not None else None
    return f"{place}:{code.co_firstlineno}" if place is not None else rule_definition(rule)


@functools.lru_cache(maxsize=None)
def _package_file(filename: str) -> Optional[str]:
    """`filename` relative to the adjoint package, or None when it is not one of its files."""
    if not (filename.endswith(".py") and os.path.isfile(filename)):
        return None
    imported_from = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
    if filename.startswith(imported_from) and os.path.normpath(filename) == filename:  # no link to resolve
        return Path(filename[len(imported_from):]).as_posix()
    root = Path(__file__).resolve().parent.parent
    try:
        return Path(filename).resolve().relative_to(root).as_posix()
    except (OSError, ValueError):
        return None


@functools.lru_cache(maxsize=None)
def package_digest() -> str:
    """A digest of adjoint's own source: a changed compiler never reads an old entry.

    Remembered in the cache directory under the files' sizes and modification times (as
    Python trusts its .pyc files), so a later process reads one small file, not the package."""
    root = Path(__file__).resolve().parent.parent
    files = sorted(_python_files(str(root), ""))
    stamps = _sha256(repr([(relative, status.st_size, status.st_mtime_ns) for relative, _, status in files]))
    remembered = _remembered_digest(stamps)
    if remembered is not None:
        return remembered
    digest = hashlib.sha256()
    for relative, path, _ in files:
        digest.update(relative.encode())
        digest.update(Path(path).read_bytes())
    _remember_digest(stamps, digest.hexdigest())
    return digest.hexdigest()


def _python_files(directory: str, prefix: str):
    """(path relative to the package, path, stat) of each .py file under `directory`."""
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from _python_files(entry.path, f"{prefix}{entry.name}/")
            elif entry.name.endswith(".py"):
                yield f"{prefix}{entry.name}", entry.path, entry.stat()


def _digest_file(stamps: str) -> Optional[Path]:
    directory = cache_directory()
    if directory is None or not trust.usable_directory(directory):
        return None
    return directory / f"package-{stamps[:32]}.txt"


def _remembered_digest(stamps: str) -> Optional[str]:
    path = _digest_file(stamps)
    try:
        text = path.read_text(encoding="ascii").strip() if path is not None else ""
    except (OSError, ValueError):
        return None
    return text if len(text) == 64 and all(c in "0123456789abcdef" for c in text) else None


def _remember_digest(stamps: str, digest: str) -> None:
    path = _digest_file(stamps)
    if path is None:
        return
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        temporary.write_text(digest, encoding="ascii")
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):  # a read-only or full disk: the next process digests again
            temporary.unlink()


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ----- where entries live ----------------------------------------------------------------------

def cache_directory() -> Optional[Path]:
    """The cache directory from the environment, or None when ADJOINT_CACHE=0."""
    if os.environ.get("ADJOINT_CACHE", "1").strip() == "0":
        return None
    explicit = os.environ.get("ADJOINT_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "adjoint"


# ----- bindings as data ------------------------------------------------------------------------

def describe_binding(value: Any) -> Optional[dict]:
    """How a new process gets `value` back, or None when it cannot."""
    if isinstance(value, Deferred):
        return {"deferred": value.generated_name}
    if isinstance(value, types.ModuleType):
        return {"module": value.__name__} if sys.modules.get(value.__name__) is value else None
    module = getattr(value, "__module__", None)
    if module is None and type(value).__module__ == "numpy" and type(value).__name__ == "ufunc":
        module = "numpy"  # NumPy < 2.1 (the last for Python 3.9) gives ufuncs no __module__
    name = getattr(value, "__qualname__", None) or getattr(value, "__name__", None)
    if not isinstance(module, str) or not isinstance(name, str) or module == "__main__" or "<" in name:
        return None
    try:
        found = _import_object(module, name)
    except Exception:
        return None
    return {"object": [module, name]} if found is value else None


def _import_object(module: str, name: str) -> Any:
    value = importlib.import_module(module)
    for part in name.split("."):
        value = getattr(value, part)
    return value


TRUSTED_MODULES = ("adjoint", "numpy", "math", "builtins")


def _imports_allowed(namespace: dict) -> set:
    """The modules a unit's bindings may import: adjoint's, NumPy, math, and those the
    function's own globals already reference (as modules or as the home of a value)."""
    allowed = set(TRUSTED_MODULES)
    for value in list(namespace.values()):
        if isinstance(value, types.ModuleType):
            allowed.add(value.__name__)
        module = getattr(value, "__module__", None)
        if isinstance(module, str):
            allowed.add(module)
    return allowed


def _rebuild_binding(description: dict, allowed: set) -> Any:
    if "deferred" in description:
        return Deferred(description["deferred"])
    module = description["module"] if "module" in description else description["object"][0]
    if not any(module == known or module.startswith(known + ".") for known in allowed):
        raise ValueError(f"a cache entry names the module {module!r}, which the function does not use")
    if "module" in description:
        return importlib.import_module(module)
    return _import_object(module, description["object"][1])


# ----- entries ---------------------------------------------------------------------------------

def _entry(generated, found: Dependencies) -> Optional[dict]:
    if any(isinstance(namespace, TableKeys) for namespace, _, _ in generated.dependencies):
        return None  # a loop unrolled over a table's entries: the key does not describe their functions
    units = []
    for unit in generated.units:
        owner = next((i for i, f in enumerate(found.functions) if f.__globals__ is unit.globals), None)
        bindings = {name: describe_binding(value) for name, value in sorted(unit.bindings.items())}
        if owner is None or any(description is None for description in bindings.values()):
            return None
        units.append({"name": unit.name, "source": unit.source, "owner": owner, "bindings": bindings,
                      "user_call": _described_user_call(unit.user_call), "forward_half": unit.forward_half,
                      "shapes": unit.shapes, "positions": positions_to_json(unit.positions)})
    depends = _described_dependencies(generated, found)
    if depends is None:
        return None
    # The root was compiled from the unit of the same name (compile_function returns `def name`).
    backward = generated.backward.__name__ if generated.backward is not None else None
    warnings = [[found.message, found.filename, found.lineno] for found in generated.warnings]
    return {"format": FORMAT, "root": generated.function.__name__, "backward": backward, "units": units,
            "warnings": warnings, "dependencies": depends}


def _described_user_call(user_call) -> Optional[list]:
    if user_call is None:
        return None
    location, callee = user_call
    return [location.filename, location.lineno, location.col_offset, location.end_col_offset, location.line, callee]


def _rebuilt_user_call(described) -> Optional[Tuple[Location, str]]:
    if not isinstance(described, list) or len(described) != 6:
        return None
    *where, callee = described
    return Location(*where), callee


def _rebuilt_forward_half(described) -> Optional[Tuple[str, Dict[str, str]]]:
    if not (isinstance(described, list) and len(described) == 2 and isinstance(described[0], str)
            and isinstance(described[1], dict)):
        return None
    return described[0], {str(name): str(kind) for name, kind in described[1].items()}


def _described_dependencies(generated, found: Dependencies) -> Optional[List[list]]:
    """[owner, name] for each global name the derivative depends on (`owner` the index of the
    function whose module holds it), so that a loaded derivative follows a later rebinding as a
    generated one does; None when one is not a module's global (an attribute, a table's entry)."""
    described = []
    for namespace, name, _ in generated.dependencies:
        if (dependency := dependency_name(namespace)) is not None:  # func's defaults or code
            name = dependency
            functions = [defaults_owner(f) for f in found.functions]
            owner = next((i for i, f in enumerate(functions) if f is namespace.func), None)
        else:
            owner = next((i for i, f in enumerate(found.functions) if f.__globals__ is namespace), None)
        if owner is None:
            return None
        described.append([owner, name])
    return described


def _load(path: Path, key: str, found: Dependencies):
    signed = json.loads(path.read_text(encoding="utf-8"))
    entry = signed.get("entry") if isinstance(signed, dict) else None
    if not isinstance(entry, dict) or not trust.verify(_payload(entry), signed.get("mac")):
        trust.warn_once(path.parent, "unverified", f"adjoint ignored a cache entry in {path.parent} that it "
                        "cannot verify (edited, or written with another key); it generates the derivative anew")
        return None
    if entry.get("format") != FORMAT or entry.get("key") != key:
        return None
    units = []
    for unit in entry["units"]:
        namespace = found.functions[unit["owner"]].__globals__
        allowed = _imports_allowed(namespace)
        bindings = {name: _rebuild_binding(d, allowed) for name, d in unit["bindings"].items()}
        units.append(GeneratedFunction(unit["name"], unit["source"], namespace, bindings,
                                       _rebuilt_user_call(unit.get("user_call")),
                                       _rebuilt_forward_half(unit.get("forward_half")),
                                       shapes_from_json(unit.get("shapes")),
                                       positions_from_json(unit.get("positions"), SourceInfo)))
    functions = compile_all(units)
    warnings = [Unreached(*found) for found in entry.get("warnings", ())]
    depends = [described_dependency(found.functions[owner], name) for owner, name in entry["dependencies"]]
    return Generated(functions[entry["root"]], units, depends, backward=functions.get(entry.get("backward")),
                     warnings=warnings, cache_key=key)


def _payload(entry: dict) -> bytes:
    return json.dumps(entry, sort_keys=True).encode("utf-8")


def _store(path: Path, key: str, entry: dict) -> None:
    entry = dict(entry, key=key)
    signed = {"entry": entry, "mac": trust.sign(_payload(entry))}
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{key[:12]}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(json.dumps(signed, sort_keys=True))  # dumps encodes in C; dump in Python
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def generate_cached(func: Callable, options: Options, generate: Callable):
    """`generate(func, options)`, served from and written to the disk cache when possible."""
    directory = cache_directory()
    if directory is None or not trust.usable_directory(directory):
        return generate(func, options)
    try:
        key, found = cache_key(func, options)
    except Exception:  # NotCacheable, or a broken rule elsewhere: generation reports what matters
        STATISTICS["uncacheable"] += 1
        return generate(func, options)
    path = directory / f"{key}.json"
    try:
        generated = _load(path, key, found)
    except Exception:  # missing, unreadable, corrupt or from an incompatible version: regenerate
        generated = None
    if generated is not None:
        STATISTICS["hits"] += 1
        return generated
    STATISTICS["misses"] += 1
    generated = dataclasses.replace(generate(func, options), cache_key=key)
    entry = _entry(generated, found)
    if entry is None:
        STATISTICS["uncacheable"] += 1
        return generated
    try:
        _store(path, key, entry)
        STATISTICS["stores"] += 1
    except OSError:
        pass  # a read-only or full disk only costs the next process a transformation
    return generated
