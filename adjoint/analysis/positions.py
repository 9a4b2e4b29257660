"""Positions: whether the tuple a function returns holds objects apart, each made by the function.

`a, b = pair(x)` binds a and b to the items of the tuple pair returns. A write through `a` is
seen by b when both may be one object (`v = [x]; return v, v`), or one object from outside
(a global reached twice). When pair builds its tuple just before it returns, of objects it made
itself (literals, arithmetic, NumPy) that share memory with neither one another nor its
arguments, and reads no object from outside, each position of its result is memory of its own
in the caller (sharing.py), and a write into one position leaves the others exact.
"""
from __future__ import annotations

from typing import Dict, Optional, Set

import gast
import numpy as np

from adjoint import nodes
from adjoint.analysis.calls import CallClassifier
from adjoint.analysis.kinds import SCALAR
from adjoint.analysis.sharing import CONTAINER_BUILTINS, Sharing, is_inert
from adjoint.frontend.parse import ParsedFunction
from adjoint.frontend.values import resolve_value

NEW_VALUES = (gast.List, gast.Tuple, gast.Dict, gast.BinOp, gast.UnaryOp)


def returned_positions(parsed: ParsedFunction, kinds: Dict[str, str], classifier: CallClassifier,
                       returns) -> Optional[int]:
    """The length of the tuple normalized function `parsed` returns, when it builds it just before
    its return (`r = (a, b); return r`) of objects apart that it made; None otherwise."""
    func_node = parsed.node
    body = func_node.body
    if len(body) < 2 or not isinstance(body[-1], gast.Return) or not isinstance(body[-1].value, gast.Name):
        return None
    built, name = body[-2], body[-1].value.id
    if nodes.assigned_name(built) != name or not isinstance(built.value, gast.Tuple):
        return None
    elements = built.value.elts
    if not elements or not all(isinstance(e, gast.Name) and e.id != name for e in elements):
        return None
    if parsed.in_place or _reads_outside_objects(parsed):  # `v += w` on a list keeps v's object, not a new one
        return None
    storage = Sharing(func_node, kinds, classifier, frozenset(), returns)
    made = _made_roots(func_node, classifier)
    seen: Set[str] = set()
    for element in elements:
        if kinds.get(element.id) == SCALAR:
            continue
        roots = storage.reaches(element.id, storage.before[body[-1]])
        if not roots or not roots <= made or roots & seen:
            return None
        seen |= roots
    return len(elements)


def _made_roots(func_node: gast.FunctionDef, classifier: CallClassifier) -> Set[str]:
    """The roots Sharing gives the new objects the function makes: a literal, arithmetic, a
    NumPy function's or a container builtin's result (not a called function's, which may be
    an object from outside; not a view, which Sharing gives its operand's roots)."""
    return {f"new {id(stmt)}" for stmt in nodes.statements(func_node)
            if nodes.assigned_name(stmt) is not None and _makes_new(stmt.value, classifier)}


def _makes_new(value: gast.expr, classifier: CallClassifier) -> bool:
    if isinstance(value, NEW_VALUES):
        return True
    if not isinstance(value, gast.Call) or any(k.arg in ("out", "copy") for k in value.keywords):
        return False  # a ufunc returns its `out=`, np.array(w, copy=False) may be w
    func = classifier.classify(value).func
    module = getattr(func, "__module__", None) or ""
    return isinstance(func, np.ufunc) or module.startswith("numpy") or any(func is b for b in CONTAINER_BUILTINS)


def _reads_outside_objects(parsed: ParsedFunction) -> bool:
    """Whether the function reads a global or closure object other than a module, a function,
    a class or a number (directly or as an attribute of a module)."""
    local = nodes.local_names(parsed.node)
    for node in nodes.walk(parsed.node):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) and node.id not in local:
            value = resolve_value(node, parsed, local)
        elif isinstance(node, gast.Attribute) and _root_is_outside(node, local):
            value = resolve_value(node, parsed, local)
        else:
            continue
        if not is_inert(value):
            return True
    return False


def _root_is_outside(node: gast.Attribute, local: frozenset) -> bool:
    root = node
    while isinstance(root, gast.Attribute):
        root = root.value
    return isinstance(root, gast.Name) and root.id not in local
