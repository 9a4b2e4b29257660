"""Private names as Python compiles them inside a class: `self.__k` in a method of `Base` reads
the attribute `_Base__k`. The derivative is compiled outside the class, so the function's tree
is given the mangled names Python gave its code.

>>> import ast
>>> tree = ast.parse("def energy(self, x):\\n    return self.__k * x + self.__dict__['a']").body[0]
>>> mangle(tree, "Base")
>>> print(ast.unparse(tree))
def energy(self, x):
    return self._Base__k * x + self.__dict__['a']
"""
from __future__ import annotations

import ast
from typing import Optional

import gast


def mangled(name: Optional[str], owner: str) -> Optional[str]:
    """`name` as Python compiles it in the body of class `owner` (CPython's _Py_Mangle)."""
    if not name or not name.startswith("__") or name.endswith("__") or "." in name:
        return name
    stripped = owner.lstrip("_")
    return f"_{stripped}{name}" if stripped else name


def mangle(tree, owner: Optional[str]) -> None:
    """Rename in place the private names of a function's tree (ast or gast) written in class
    `owner`: variables, parameters, attributes, keywords and nested functions, not the
    function's own name (its code keeps it)."""
    if owner is None:
        return
    walk = gast.walk if isinstance(tree, gast.AST) else ast.walk
    for node in walk(tree):
        for field in ("id", "attr", "arg"):
            value = getattr(node, field, None)
            if isinstance(value, str):
                setattr(node, field, mangled(value, owner))
        if node is not tree and isinstance(node, (ast.FunctionDef, gast.FunctionDef)):
            node.name = mangled(node.name, owner)
        if isinstance(node, (ast.Global, ast.Nonlocal, gast.Global, gast.Nonlocal)):
            node.names = [mangled(name, owner) for name in node.names]
