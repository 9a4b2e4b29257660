"""`import` statements in the function's own body, read as the names they bind.

`import numpy as np` at the top of a function binds np to the module each time it runs: the
module is imported once (Python keeps it in sys.modules) and the same object bound on every
call. Such a statement is taken out of the body and the name it binds given its object, like
a global the function reads, where that is what Python does: the statement is in the body
itself (not in a branch or loop that may not run it), nothing reads the name before it, and
nothing else assigns the name. Any other import stays, for the checker to refuse at its line.
Relative imports stay too (their package is the module's, resolved by the import system).
"""
from __future__ import annotations

import importlib
from typing import Any, Dict, List, Optional

import gast

from adjoint import nodes


def bind_local_imports(node: gast.FunctionDef, namespace: Dict[str, Any]) -> None:
    """Take the body's plain imports out of `node`, their names and objects into `namespace`."""
    if not any(isinstance(stmt, (gast.Import, gast.ImportFrom)) for stmt in node.body):
        return
    kept: List[gast.stmt] = []
    for position, stmt in enumerate(node.body):
        bound = _bindings(stmt) if isinstance(stmt, (gast.Import, gast.ImportFrom)) else None
        if bound is None or not _bound_once_and_read_after(node, position, bound):
            kept.append(stmt)
            continue
        namespace.update(bound)
    node.body = kept or [nodes.copy_location(gast.Pass(), node.body[-1])]


def _bindings(stmt: gast.stmt) -> Optional[Dict[str, Any]]:
    """The names stmt binds and their objects, as Python's import would bind them (None for a
    relative import). An import that fails raises here as it would in the call."""
    if isinstance(stmt, gast.ImportFrom):
        if stmt.level:
            return None
        module = importlib.import_module(stmt.module)
        return {alias.asname or alias.name: _imported_name(module, stmt.module, alias.name) for alias in stmt.names}
    bound = {}
    for alias in stmt.names:
        module = importlib.import_module(alias.name)
        if alias.asname:
            bound[alias.asname] = module
        else:
            top = alias.name.split(".")[0]
            bound[top] = importlib.import_module(top)
    return bound


def _imported_name(module: Any, module_name: str, name: str) -> Any:
    """`from module import name`: an attribute of the module, or else its submodule."""
    try:
        return getattr(module, name)
    except AttributeError:
        return importlib.import_module(f"{module_name}.{name}")


def _bound_once_and_read_after(node: gast.FunctionDef, position: int, bound: Dict[str, Any]) -> bool:
    """No statement before `position` reads a name of `bound`, nothing else binds one, and no
    local function or lambda reads one (it would read the enclosing function's variable)."""
    names = set(bound)
    if names & set(nodes.parameters(node)):
        return False
    for index, stmt in enumerate(node.body):
        if index == position:
            continue
        for inner in nodes.walk(stmt):
            if isinstance(inner, (gast.FunctionDef, gast.Lambda)) and _reads(inner, names):
                return False
            if isinstance(inner, gast.Name) and inner.id in names:
                if isinstance(inner.ctx, (gast.Store, gast.Del)) or index < position:
                    return False
            elif isinstance(inner, (gast.Import, gast.ImportFrom, gast.FunctionDef, gast.ClassDef)):
                if names & _names_defined(inner) and not (inner is stmt and _same_objects(inner, bound)):
                    return False
    return True


def _same_objects(stmt: gast.stmt, bound: Dict[str, Any]) -> bool:
    """Whether another import of the body binds the names it shares with `bound` to the same
    objects (`import numpy.linalg` then `import numpy`)."""
    other = _bindings(stmt)
    return other is not None and all(other[name] is bound[name] for name in set(other) & set(bound))


def _reads(scope: gast.AST, names: set) -> bool:
    return any(isinstance(inner, gast.Name) and inner.id in names for inner in nodes.walk(scope))


def _names_defined(stmt: gast.stmt) -> set:
    if isinstance(stmt, (gast.FunctionDef, gast.ClassDef)):
        return {stmt.name}
    return {(alias.asname or alias.name).split(".")[0] for alias in stmt.names}
