"""A function normalized once per process for each use of its result and kinds of its arguments.

Normalization is about a quarter of a generation, and one function is normalized again for each
mode and each `wrt` it is differentiated in (grad, value_and_grad, vjp, jvp and hvp of one
function: five times and more), and again wherever it is read as a callee. A generation changes
the tree it is given, so what is kept is handed out as a copy: a copy of the tree (which keeps
the statements `ParsedFunction` lists pointing into it) and of the namer. A copy costs about a
fifth of a normalization, so what is kept is kept from a function's second normalization for the
same kinds on: a function differentiated once pays nothing for it.

What is kept is handed out only while what it was made from is as it was, the conditions the
generated derivatives themselves are kept under (generated.Generated.is_current), and more:
- the function's code, defaults and closure cells, and every binding a pass of normalization
  recorded as a dependency (`parsed.dependencies`: a factory's code, a table's entries, ...);
- every name or attribute chain of its source whose root is not a local variable (a global, a
  builtin, `np.linalg.solve`, `TABLE["tanh"]`, `helpers.potential`) still resolves to the object
  it resolved to: a pass may have read any of them, and some passes leave recording what they
  read to the analysis, later;
- the rules are those it was normalized under (their revision is part of the key).
A function specialized to the values of a call (`__adjoint_specialized__`), a wrapper and a bound
method are normalized afresh each time.
"""
from __future__ import annotations

import dataclasses
import inspect
import threading
import types
import weakref
from typing import Any, Callable, Dict, List, Optional, Tuple

import gast

from adjoint import nodes
from adjoint.frontend.parse import ParsedFunction, parse_function
from adjoint.frontend.values import resolve_value
from adjoint.rules.table import Revision

_KEPT: "weakref.WeakKeyDictionary[Callable, Dict[tuple, _Kept]]" = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()
_FIRST = object()  # never asked for before: nothing kept


def free_references(func_node: gast.FunctionDef, locals_: frozenset) -> List[Tuple[str, gast.expr]]:
    """(text, node) of each maximal name or attribute chain whose root is not a local name, and of
    each constant subscript of one (`TABLE['tanh']`), sorted by text."""
    found: Dict[str, gast.expr] = {}

    def visit(node):
        if isinstance(node, gast.Subscript) and isinstance(node.slice, gast.Constant):  # a table's entry
            text = nodes.dotted_name(node.value)
            if text is not None and text.split(".")[0] not in locals_:
                found.setdefault(f"{text}[{node.slice.value!r}]", node)
        if isinstance(node, (gast.Name, gast.Attribute)) and not isinstance(getattr(node, "ctx", None), gast.Store):
            text = nodes.dotted_name(node)
            if text is not None:
                if text.split(".")[0] not in locals_:
                    found.setdefault(text, node)
                    return
        for child in nodes.children(node):
            visit(child)

    for stmt in func_node.body:
        visit(stmt)
    for default in func_node.args.defaults + [d for d in func_node.args.kw_defaults if d is not None]:
        visit(default)
    return sorted(found.items())


@dataclasses.dataclass
class _Kept:
    """A normalization and what it was made from. Nothing in it holds the function, the key of the
    weak table that holds it: its code and defaults are compared here, not through dependencies."""

    parsed: ParsedFunction  # as normalization left it, its `func` aside: never handed out, only copies
    namer: Any
    code: Any
    defaults: tuple  # (__defaults__, the items of __kwdefaults__)
    dependencies: List[Tuple[Any, Any, Any]]  # but for those on the function's own code and defaults
    namespace: Dict[str, Any]  # the function's names as parsed, in which `resolved` is resolved again
    locals_: frozenset
    resolved: List[Tuple[gast.expr, Any]]

    def holds(self, func: Callable) -> bool:
        read = ParsedFunction(func, None, self.parsed.info, self.namespace)
        return (func.__code__ is self.code and _same_defaults(_defaults(func), self.defaults)
                and all(mapping.get(key) is value for mapping, key, value in self.dependencies)
                and all(_same_object(resolve_value(node, read, self.locals_), value) for node, value in self.resolved))


def normalized_once(func: Callable, returns_value: bool, kinds: Optional[Dict[str, str]],
                    normalize: Callable[[ParsedFunction, bool, Optional[Dict[str, str]]], tuple]) -> tuple:
    """normalize(parse_function(func), returns_value, kinds): (parsed, namer), from what was kept
    while it holds."""
    if not _keepable(func):
        return normalize(parse_function(func), returns_value, kinds)
    key = (returns_value, tuple(sorted((kinds or {}).items())), Revision.value)
    with _LOCK:
        asked = _KEPT.setdefault(func, {})
        kept = asked.get(key, _FIRST)
        asked.setdefault(key, None)
    if kept is _FIRST:  # most functions are normalized once: nothing is kept (a copy costs) until asked again
        return normalize(parse_function(func), returns_value, kinds)
    if kept is not None and kept.holds(func):
        return copied(kept.parsed, kept.namer, func)
    code, defaults = func.__code__, _defaults(func)
    parsed = parse_function(func)
    locals_ = nodes.local_names(parsed.node)
    namespace = dict(parsed.namespace)
    read = ParsedFunction(func, None, parsed.info, namespace)
    resolved = [(nodes.clone(node), resolve_value(node, read, locals_))  # (passes may change the node)
                for _, node in free_references(parsed.node, locals_)]
    parsed, namer = normalize(parsed, returns_value, kinds)
    others = [found for found in parsed.dependencies if getattr(found[0], "func", None) is not func]
    kept = _Kept(*copied(parsed, namer, None), code, defaults, others, namespace, locals_, resolved)
    with _LOCK:
        asked[key] = kept
    return parsed, namer


def _same_object(now: Any, then: Any) -> bool:
    """The same object, a bound method (`model.forward`, a new object at each read) the same method of
    the same object."""
    if now is then:
        return True
    return (isinstance(now, types.MethodType) and isinstance(then, types.MethodType)
            and now.__self__ is then.__self__ and now.__func__ is then.__func__)


def _defaults(func: Callable) -> tuple:
    return func.__defaults__, tuple((func.__kwdefaults__ or {}).items())


def _same_defaults(defaults: tuple, kept: tuple) -> bool:
    """The same default objects, by identity."""
    (positional, keywords), (kept_positional, kept_keywords) = defaults, kept
    return (positional is kept_positional and len(keywords) == len(kept_keywords)
            and all(name == kept_name and value is kept_value
                    for (name, value), (kept_name, kept_value) in zip(keywords, kept_keywords)))


def _keepable(func: Callable) -> bool:
    return (inspect.isfunction(func) and not hasattr(func, "__wrapped__")
            and not hasattr(func, "__adjoint_specialized__"))


def copied(parsed: ParsedFunction, namer, func: Optional[Callable]) -> tuple:
    """(parsed, namer) copied, for `func`; each statement or node a list of parsed names its copy in
    the new tree."""
    copies: Dict[int, gast.AST] = {}
    node = nodes.clone(parsed.node, copies)
    fields = {field.name: _copied_field(getattr(parsed, field.name), copies)
              for field in dataclasses.fields(parsed) if field.name not in ("func", "node", "info")}
    return dataclasses.replace(parsed, func=func, node=node, **fields), namer.copy()


def _copied_field(value: Any, copies: Dict[int, gast.AST]) -> Any:
    """A list of nodes or of tuples holding nodes, each node mapped to its copy (one no longer in
    the tree to itself); a dict copied, and its dicts; anything else as it is."""
    if isinstance(value, dict):
        return {key: dict(item) if isinstance(item, dict) else item for key, item in value.items()}
    if isinstance(value, list):
        return [_mapped(item, copies) for item in value]
    return value


def _mapped(item: Any, copies: Dict[int, gast.AST]) -> Any:
    if isinstance(item, gast.AST):
        return copies.get(id(item), item)
    if isinstance(item, tuple):
        return tuple(copies.get(id(part), part) if isinstance(part, gast.AST) else part for part in item)
    return item
