"""Standalone modules for `adjoint gen`: the derivative and everything it reads, without adjoint.

Every name the generated code reads becomes a module-level definition:

- other generated derivatives (of the functions it calls) are written into the module;
- helpers of `adjoint.runtime` are copied from its source, with the helpers they call;
- modules become imports (`import numpy as np`; any other module the user's code reads);
- the user's own functions in the modules the derivative was generated from are copied
  from their source (a primal call `h = helper(x)` needs `helper`), as are constants with
  a literal value (`SCALE = 2.0`);
- anything else the user's module holds (an array, an object, a decorated function) is
  imported from that module by name (`from model import WEIGHTS`), so the module must then
  be importable where the derivative runs; the header lists such imports;
- `adjoint.stop_gradient` and the like become a small `adjoint` class holding copies.

The module starts with a header recording the command that wrote it and a fingerprint of
the function's source, the sources of the functions it reaches, the rules used, the
options and the adjoint version; `adjoint gen --check` regenerates and compares bytes.
"""
from __future__ import annotations

import ast
import dataclasses
import functools
import hashlib
import inspect
import json
import sys
import textwrap
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import gast
import numpy

from adjoint import nodes, runtime
from adjoint.backend.cache import NotCacheable, dependencies, describe_binding
from adjoint.backend.copies import array_literal, held_as, imported_as, is_marker, literal, module_holds
from adjoint.backend.free_names import attributes_of, free_names
from adjoint.errors import AdjointError
from adjoint.frontend.parse import DEFAULT_PREFIX, parse_function
from adjoint.frontend.resolve import qualified_name
from adjoint.generated import PREFIXES, Deferred, identifier
from adjoint.options import Mode, Options

BANNER = "# ----- "
BANNER_WIDTH = 92


class StandaloneError(AdjointError):
    """The derivative reads something a module without adjoint cannot reproduce."""


# ----- the module's namespace --------------------------------------------------------------

@dataclass
class Definition:
    """One module-level name: what defines it (to detect clashes) and the code that does."""

    group: str
    identity: tuple
    code: str
    origin: str


@dataclass
class Namespace:
    definitions: Dict[str, Definition] = field(default_factory=dict)
    order: List[str] = field(default_factory=list)

    def define(self, name: str, group: str, identity: tuple, code: str, origin: str) -> bool:
        """Add `name`; False if it was already defined the same way; StandaloneError on a clash."""
        existing = self.definitions.get(name)
        if existing is not None:
            if existing.identity != identity:
                raise StandaloneError(
                    f"the name `{name}` means {_describe(existing)} in {existing.origin} but "
                    f"{_describe_identity(identity)} in {origin}; one module cannot hold both (rename one)"
                )
            return False
        self.definitions[name] = Definition(group, identity, code, origin)
        self.order.append(name)
        return True

    def render_names(self, group: str) -> List[str]:
        return [n for n in self.order if self.definitions[n].group == group]

    def render(self, group: str) -> List[str]:
        return [self.definitions[n].code for n in self.render_names(group)]


def _describe(definition: Definition) -> str:
    return _describe_identity(definition.identity)


def _describe_identity(identity: tuple) -> str:
    kind, *rest = identity
    return f"{kind} {'.'.join(str(part) for part in rest)}".strip()


# ----- blocks of code and the names they read --------------------------------------------------

@dataclass
class Block:
    """A top-level definition to write, and how to find what its free names mean."""

    label: str
    node: ast.AST
    lookup: Callable[[str], Any]
    module: Optional[str] = None  # the module whose globals `lookup` reads, when it is one


_MISSING = object()


# ----- adjoint.runtime, read from its source -------------------------------------------------

@functools.lru_cache(maxsize=None)
def _runtime_definitions() -> Dict[str, Tuple[int, str, ast.AST, types.ModuleType]]:
    """name -> (position, source, node, module) of every top-level def and class of the runtime
    modules, numbered in their reading order (runtime.MODULES), the order they are copied in."""
    found = {}
    for module in runtime.MODULES:
        text = Path(module.__file__).read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.parse(text).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                found[node.name] = (len(found), "\n".join(lines[first - 1:node.end_lineno]), node, module)
    return found


def _is_adjoint_object(value: Any) -> bool:
    module = value.__name__ if isinstance(value, types.ModuleType) else getattr(value, "__module__", None)
    return isinstance(module, str) and (module == "adjoint" or module.startswith("adjoint."))


# ----- resolving every name ------------------------------------------------------------------

class ModuleWriter:
    """Collects the definitions a set of generated units needs and renders the module."""

    def __init__(self, units, source_modules: frozenset):
        self.units = units
        self.source_modules = source_modules
        self.namespace = Namespace()
        self.shims: Dict[str, Dict[str, str]] = {}
        self.records: Dict[type, str] = {}  # record class -> the name it is written under

    def collect(self) -> None:
        self.namespace.define("annotations", "future", ("future",), "from __future__ import annotations", "adjoint")
        for unit in self.units:
            node = ast.parse(unit.source).body[0]
            self.namespace.define(unit.name, "generated", ("generated", unit.name), unit.source.rstrip("\n"), unit.name)
            self.visit(Block(unit.name, node, _unit_lookup(unit), unit.globals.get("__name__")))

    def visit(self, block: Block) -> None:
        for name in free_names(block.node):
            value = block.lookup(name)
            if value is _MISSING:
                continue
            self.require(name, value, block)

    def require(self, name: str, value: Any, block: Block) -> None:
        if isinstance(value, Deferred):
            self._alias(name, value.generated_name, block)
        elif isinstance(value, types.ModuleType) and _is_adjoint_object(value):
            self._shim(name, value, block)
        elif isinstance(value, types.ModuleType):
            self._import(name, value, block)
        elif runtime.helper_name(value) is not None:
            self._runtime(runtime.helper_name(value), block)
            self._alias(name, runtime.helper_name(value), block)
        elif _is_adjoint_object(value):
            raise StandaloneError(f"{block.label} reads `{name}` ({qualified_name(value)}), "
                                  "which needs the adjoint package at run time")
        elif getattr(value, "__adjoint_fields_of__", None) is not None:
            self._object_record(name, value, block)
        elif self._copyable(value):
            self._copy(value, block)
            self._alias(name, value.__name__, block)
        elif getattr(value, "__adjoint_tree__", None) is not None and value.__module__ in self.source_modules:
            self._copy_lifted(value, block)
            self._alias(name, value.__name__, block)
        elif literal(value) is not None and (block.module in self.source_modules or block.module == runtime.__name__):
            self.namespace.define(name, "constant", ("constant", literal(value)), f"{name} = {literal(value)}",
                                  block.label)
        else:
            self._import_object(name, value, block)

    # ----- the kinds of definition ---------------------------------------------------------------

    def _alias(self, name: str, target: str, block: Block) -> None:
        if name != target:
            self.namespace.define(name, "alias", ("alias", target), f"{name} = {target}", block.label)

    def _import(self, name: str, module: types.ModuleType, block: Block) -> None:
        full = module.__name__
        code = f"import {full}" if name == full else f"import {full} as {name}"
        self.namespace.define(name, "import", ("module", full), code, block.label)

    def _runtime(self, name: str, block: Block) -> None:
        _, source, node, module = _runtime_definitions()[name]
        if self.namespace.define(name, "runtime", ("helper", "adjoint.runtime", name), source, block.label):
            self.visit(Block(f"adjoint.runtime.{name}", node, _dict_lookup(vars(module)), runtime.__name__))

    def _shim(self, name: str, module: types.ModuleType, block: Block) -> None:
        attributes = attributes_of(block.node, name)
        if attributes is None:
            raise StandaloneError(f"{block.label} uses the module `{name}` ({module.__name__}) itself; "
                                  "a module without adjoint can only stand in for functions read from it")
        for attribute in attributes:
            helper = runtime.helper_name(getattr(module, attribute, _MISSING))
            if helper is None:
                raise StandaloneError(f"{block.label} calls {module.__name__}.{attribute}, "
                                      "which needs the adjoint package at run time")
            self._runtime(helper, block)
            self.shims.setdefault(name, {})[attribute] = helper
        self.namespace.define(name, "shim", ("shim", module.__name__), "", block.label)

    def _render_shim(self, name: str) -> str:
        module = self.namespace.definitions[name].identity[1]
        lines = [f"class {name}:", f'    """Stands in for the functions of {module} the code above calls."""', ""]
        lines += [f"    {attribute} = staticmethod({helper})" for attribute, helper in sorted(self.shims[name].items())]
        return "\n".join(lines)

    def _copyable(self, value: Any) -> bool:
        if not inspect.isfunction(value) or value.__closure__ or getattr(value, "__module__", None) not in self.source_modules:
            return False
        if not value.__name__.isidentifier() or hasattr(value, "__wrapped__"):
            return False
        node = _function_node(value)
        return (node is not None and node.name == value.__name__
                and all(is_marker(decorator, value.__globals__) for decorator in node.decorator_list))

    def _copy(self, func: Callable, block: Block) -> None:
        node = _function_node(func)
        source = _function_source(func)
        if node.decorator_list:  # markers of adjoint's only, which return the function as it is
            source = "\n".join(source.splitlines()[node.lineno - 1:])
            node = ast.parse(source).body[0]
        if self.namespace.define(func.__name__, "copied", ("function", func.__module__, func.__qualname__), source,
                                 block.label):
            self.visit(Block(qualified_name(func), node, _dict_lookup(func.__globals__), func.__module__))

    def _copy_lifted(self, func: Callable, block: Block) -> None:
        """A local function of the user's lifted out of the function that defines it (a local `def`, an
        inert `try` block: normalize/local_functions.py, normalize/inert_blocks.py), written from its tree."""
        tree = gast.gast_to_ast(nodes.clone(func.__adjoint_tree__[0]))
        tree.name, tree.decorator_list = func.__name__, []
        node = ast.fix_missing_locations(ast.Module(body=[tree], type_ignores=[])).body[0]
        if self.namespace.define(func.__name__, "copied", ("function", func.__module__, func.__qualname__),
                                 ast.unparse(node), block.label):
            cells = dict(zip(func.__code__.co_freevars, (cell.cell_contents for cell in func.__closure__ or ())))
            lookup = lambda name: cells[name] if name in cells else func.__globals__.get(name, _MISSING)  # noqa: E731
            self.visit(Block(qualified_name(func), node, lookup, func.__module__))

    def _object_record(self, name: str, record: type, block: Block) -> None:
        """The dataclass standing for the objects of a plain class the function builds
        (normalize/records.py): written as a subclass of the class, imported as another value is."""
        cls = record.__adjoint_fields_of__
        written = self.records.setdefault(record, name)
        if written != name:  # one class, whatever name each derivative reads it by (it checks `type(x) is`)
            self._alias(name, written, block)
            return
        self.require(cls.__name__, cls, block)
        self.require("dataclasses", dataclasses, block)
        fields = [f"    {field.name}: object" for field in dataclasses.fields(record)] or ["    pass"]  # (no field)
        code = "\n".join(["@dataclasses.dataclass(eq=False, repr=False)", f"class {name}({cls.__name__}):"] + fields)
        self.namespace.define(name, "copied", ("fields of", cls.__module__, cls.__qualname__), code, block.label)

    def _import_object(self, name: str, value: Any, block: Block) -> None:
        """`from numpy import tanh as th`; else, for what only the user's module holds, `from model import W`."""
        description = describe_binding(value)
        written = imported_as(block.module, name, value) if block.module in self.source_modules else None
        if written is not None:  # as the user's module imports it: `from scipy.stats import norm`
            module, qualname = written
        elif description is not None and "object" in description and "." not in description["object"][1]:
            module, qualname = description["object"]
        elif block.module in self.source_modules and module_holds(block.module, name, value):
            module, qualname = block.module, name
        elif block.module in self.source_modules and held_as(block.module, value) is not None:
            module, qualname = block.module, held_as(block.module, value)  # `self`, a global object's
        elif name.startswith(DEFAULT_PREFIX) and array_literal(value, "numpy") is not None:
            self.require("numpy", numpy, block)  # a default value, evaluated once when `def` ran
            self.namespace.define(name, "constant", ("array", array_literal(value, "numpy")),
                                  f"{name} = {array_literal(value, 'numpy')}", block.label)
            return
        else:
            raise StandaloneError(f"{block.label} reads `{name}` ({type(value).__name__}), which cannot be written "
                                  "into a module or imported by name; pass it as an argument instead")
        code = f"from {module} import {qualname}" + ("" if qualname == name else f" as {name}")
        self.namespace.define(name, "from", ("from", module, qualname), code, block.label)

    def importing_adjoint(self) -> Dict[str, List[str]]:
        """module -> the names the written module imports from it, for the modules it imports that
        import adjoint themselves (the user's module holding an array it reads, and adjoint's markers)."""
        found: Dict[str, List[str]] = {}
        for name in self.namespace.order:
            definition = self.namespace.definitions[name]
            if definition.group in ("import", "from"):
                module = sys.modules.get(definition.identity[1])
                if module is not None and not _is_adjoint_object(module) and any(
                        _is_adjoint_object(value) for value in list(vars(module).values())):
                    held = definition.identity[2] if definition.group == "from" else name
                    found.setdefault(module.__name__, []).append(name if held == name else f"{held} (as {name})")
        return found

    def needs(self) -> List[str]:
        """The modules the written module imports, besides the standard library's (math, and
        copy and dataclasses, which runtime helpers for dataclass gradients read)."""
        modules = {d.identity[1].split(".")[0] for d in self.namespace.definitions.values()
                   if d.group in ("import", "from")}
        return sorted(modules - {"math", "builtins", "copy", "dataclasses"})

    # ----- output --------------------------------------------------------------------------------

    def body(self, exported: List[str], docstring: str) -> str:
        names = self.namespace
        position = _runtime_definitions()
        runtime_code = [names.definitions[n].code for n in sorted(names.render_names("runtime"), key=lambda n: position[n][0])]
        copied = names.render("copied")
        sections = [
            [f'"""{docstring}"""'],
            names.render("future"),
            sorted(names.render("import")) + sorted(names.render("from")),
            [f"__all__ = [{', '.join(json.dumps(name) for name in exported)}]"],
            names.render("constant"),
            [_banner("helpers copied from adjoint.runtime")] + runtime_code if runtime_code else [],
            [self._render_shim(name) for name in names.render_names("shim")],
            [_banner("functions the derivative calls, copied from their source")] + copied if copied else [],
            [_banner("generated derivatives")] + names.render("generated"),
            names.render("alias"),
        ]
        return _join([section for section in sections if section])


def _banner(title: str) -> str:
    text = f"{BANNER}{title} "
    return text + "-" * max(BANNER_WIDTH - len(text), 3)


def _join(sections: List[List[str]]) -> str:
    """Sections and their items, with PEP 8 blank lines (two around defs and classes)."""
    parts: List[str] = []
    previous = None
    for section in sections:
        for index, item in enumerate(section):
            if previous is not None:
                block = "\n" in item or "\n" in previous
                if previous.startswith(BANNER):
                    parts.append("\n\n")
                elif block:
                    parts.append("\n\n\n")
                else:
                    parts.append("\n\n" if index == 0 else "\n")
            parts.append(item)
            previous = item
    return "".join(parts) + "\n"


def _unit_lookup(unit) -> Callable[[str], Any]:
    def lookup(name: str) -> Any:
        if name in unit.bindings:
            return unit.bindings[name]
        if name in unit.globals:
            return unit.globals[name]
        return _MISSING  # a builtin (or a name that fails at run time in adjoint too)

    return lookup


def _dict_lookup(namespace: Dict[str, Any]) -> Callable[[str], Any]:
    return lambda name: namespace.get(name, _MISSING)


def _function_source(func: Callable) -> str:
    return textwrap.dedent("\n".join(parse_function(func).info.lines)).rstrip()


def _function_node(func: Callable) -> Optional[ast.FunctionDef]:
    try:
        node = ast.parse(_function_source(func)).body[0]
    except (AdjointError, SyntaxError, IndexError):
        return None
    return node if isinstance(node, ast.FunctionDef) else None


# ----- fingerprint and header ---------------------------------------------------------------

def _short(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def header(func: Callable, options: Options, rules: List[Tuple[str, str]], command: str, version: str) -> List[str]:
    """The header lines (without `# `) recording what the module was generated from."""
    try:
        found = dependencies(func)
    except NotCacheable as error:
        raise StandaloneError(f"cannot write {qualified_name(func)} as a standalone module: {error}") from None
    sources = [(record["function"], record["source"]) for record in found.records]
    rules_digest = _short(json.dumps(rules))
    options_text = f"mode={options.mode} wrt={','.join(options.wrt)} optimize={options.optimize}"
    if options.backend != "python":
        options_text += f" backend={options.backend}"
    material = {"adjoint": version, "options": options_text, "sources": sources, "rules": rules_digest}
    lines = ["Generated by `adjoint gen`: do not edit. Regenerate (in this file's directory) with",
             f"command: {command}", f"function: {qualified_name(func)}", f"options: {options_text}",
             f"adjoint: {version}"]
    lines += [f"source {label}: sha256 {digest[:16]}" for label, digest in sources]
    return lines + [f"rules: {len(rules)} used, sha256 {rules_digest}",
                    f"fingerprint: sha256 {hashlib.sha256(json.dumps(material).encode()).hexdigest()}"]


def write_module(func: Callable, options: Options, generated, command: str, version: str,
                 notes: Optional[List[str]] = None, label: Optional[str] = None) -> str:
    """The text of the standalone module for `generated` (the derivative of func under options);
    what the user should know about it is added to `notes`."""
    source_modules = frozenset(unit.globals.get("__name__") for unit in generated.units)
    writer = ModuleWriter(generated.units, source_modules)
    writer.collect()
    exported = []
    for name, public in interface(func, options, generated, label):
        if name != public:  # the user's module has a function of that name too
            writer.namespace.define(public, "alias", ("alias", name), f"{public} = {name}", "the module's interface")
        exported.append(public)
    lines = header(func, options, generated.rules, command, version)
    importing = writer.importing_adjoint()
    if importing:
        lines.append(f"imports: {', '.join(writer.needs())} ({', '.join(sorted(importing))} "
                     f"import{'s' if len(importing) == 1 else ''} adjoint, which is then needed to run it)")
    else:
        lines.append(f"imports: {', '.join(writer.needs())} (adjoint is not needed to run it)")
    if notes is not None:
        notes += [f"the module imports {', '.join(names)} from {module}, which imports adjoint: it runs only where "
                  "adjoint is installed (pass them as arguments, or define them in a module that does not import "
                  "adjoint)" for module, names in sorted(importing.items())]
    head = "".join(f"# {line}\n" for line in lines)
    return head + writer.body(exported, _docstring(func, options, generated, label))


def interface(func: Callable, options: Options, generated, label: Optional[str] = None) -> List[Tuple[str, str]]:
    """(generated name, public name) of the functions the module exports: grad_f (value_and_grad_f,
    vjp_f, jvp_f; fwd_f and bwd_f), whatever name the derivative was generated under (grad_f_2 where
    the user's module defines a grad_f of its own)."""
    label = label or identifier(func.__name__)  # the name gen was given (sq for sq = lambda x: ...)
    roots = [(generated.function.__name__, f"{PREFIXES[options.mode]}_{label}")]
    if options.mode == Mode.FORWARD_PASS:  # and the bwd_f that takes fwd_f's residuals
        roots.append((generated.backward.__name__, f"{PREFIXES[Mode.BACKWARD_PASS]}_{label}"))
    return roots


def _docstring(func: Callable, options: Options, generated, label: Optional[str]) -> str:
    root = next(unit for unit in generated.units if unit.name == generated.function.__name__)
    signature = root.source.split("\n", 1)[0][len("def "):].rstrip(":")
    signature = interface(func, options, generated, label)[0][1] + signature[len(root.name):]
    name, wrt = label or func.__name__, ", ".join(options.wrt)
    what = {
        Mode.REVERSE: f"the gradient of {name} with respect to {wrt}",
        Mode.VALUE_AND_GRAD: f"({name}(...), its gradient with respect to {wrt})",
        Mode.VJP: f"the vector-Jacobian product of {name} with respect to {wrt}",
        Mode.FORWARD: f"({name}(...), its derivative along the tangents of {wrt})",
        Mode.FORWARD_PASS: f"({name}(...), the residuals that bwd_{name}(cotangent, residuals) takes to give "
                           f"the gradient with respect to {wrt})",
    }[options.mode]
    return f"{signature}: {what}."
