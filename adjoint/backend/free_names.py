"""The names a top-level definition written into a standalone module reads from that module
(backend/standalone.py resolves each)."""
from __future__ import annotations

import ast
from typing import List, Optional


def free_names(node: ast.AST) -> List[str]:
    """Names a top-level def or class reads from the module, in a fixed order (annotations aside)."""
    bound, read, declared_global = set(), [], set()
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        bound.add(node.name)
    for sub in _walk_without_annotations(node):
        if isinstance(sub, ast.Name):
            (read.append(sub.id) if isinstance(sub.ctx, ast.Load) else bound.add(sub.id))
        elif isinstance(sub, ast.arg):
            bound.add(sub.arg)
        elif isinstance(sub, (ast.FunctionDef, ast.ClassDef)) and sub is not node:
            bound.add(sub.name)
        elif isinstance(sub, (ast.Import, ast.ImportFrom)):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in sub.names)
        elif isinstance(sub, ast.Global):
            declared_global.update(sub.names)
    bound -= declared_global
    return list(dict.fromkeys(name for name in read if name not in bound))


def _walk_without_annotations(node: ast.AST):
    stack = [node]
    while stack:
        current = stack.pop(0)
        yield current
        for name, value in ast.iter_fields(current):
            if name in ("annotation", "returns"):
                continue
            children = value if isinstance(value, list) else [value]
            stack.extend(child for child in children if isinstance(child, ast.AST))


def attributes_of(node: ast.AST, name: str) -> Optional[List[str]]:
    """The attributes read as `name.attr` in node, or None if `name` is also used bare."""
    attributes, wrapped = [], set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id == name:
            attributes.append(sub.attr)
            wrapped.add(sub.value)
    bare = any(isinstance(sub, ast.Name) and sub.id == name and sub not in wrapped for sub in ast.walk(node))
    return None if bare else sorted(set(attributes))
