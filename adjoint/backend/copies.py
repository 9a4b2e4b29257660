"""What of the user's module a standalone module (`adjoint gen`) writes as it is: literal
constants, functions marked only with adjoint's markers, and the user's own import statements
of what it imports by name (`from scipy.stats import norm`, not from the private module that
defines it, nor from the user's file)."""
from __future__ import annotations

import ast
import functools
import importlib
import sys
import types
from typing import Any, Dict, List, Mapping, Optional, Tuple

LITERAL_TYPES = (bool, int, float, complex, str, bytes, type(None))
MISSING = object()


def is_marker(decorator: ast.expr, namespace: Dict[str, Any]) -> bool:
    """Whether `decorator` names `adjoint.checkpoint`, which marks a function for the derivative
    and returns it unchanged: the module holds the derivative already, and the function without it."""
    from adjoint.markers import checkpoint

    path = []
    while isinstance(decorator, ast.Attribute):
        path.append(decorator.attr)
        decorator = decorator.value
    if not isinstance(decorator, ast.Name):
        return False
    value = namespace.get(decorator.id, MISSING)
    for attribute in reversed(path):
        value = getattr(value, attribute, MISSING)
    return value is checkpoint


def literal(value: Any) -> Optional[str]:
    """Python source giving `value` back exactly (a number, a string, a tuple of them), else None."""
    if type(value) is tuple:
        items = [literal(item) for item in value]
        if None in items:
            return None
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
    if type(value) is float and (value != value or value in (float("inf"), float("-inf"))):
        return f"float('{value}')"  # repr gives inf and nan, which are no literals
    if type(value) not in LITERAL_TYPES:
        return None
    text = repr(value)
    try:
        same = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None
    return text if type(same) is type(value) and same == value else None


def array_literal(value: Any, numpy: str) -> Optional[str]:
    """Source giving back a NumPy array of numbers exactly (`numpy.array(((0.0, 1.5),), dtype='float64')`,
    `numpy` the name the module imports NumPy by), else None."""
    if type(value).__name__ != "ndarray" or type(value).__module__ != "numpy" or value.dtype.kind not in "biuf":
        return None
    items = literal(_as_tuples(value.tolist()))
    return None if items is None else f"{numpy}.array({items}, dtype={str(value.dtype)!r})"


def _as_tuples(items: Any) -> Any:
    return tuple(_as_tuples(item) for item in items) if isinstance(items, list) else items


def module_holds(module: str, name: str, value: Any) -> bool:
    return getattr(sys.modules.get(module), name, MISSING) is value


def held_as(module: str, value: Any) -> Optional[str]:
    """The first global name of `module` holding `value` itself (the object a bound method of the
    user's is bound to, which the method's derivative reads as `self`), else None."""
    return next((name for name, held in list(vars(sys.modules.get(module, sys)).items()) if held is value
                 and not name.startswith("__")), None) if module in sys.modules else None


def imported_as(module: Optional[str], name: str, value: Any) -> Optional[Tuple[str, str]]:
    """(module, name) of a `from M import n as name` in `module`'s source, at its top level or in a
    function's body (`from scipy.special import ndtr` in the function), that binds `value` to `name` (M
    absolute and importable), else None."""
    for found in _from_imports(module).get(name, ()):
        try:
            same = getattr(importlib.import_module(found[0]), found[1], MISSING) is value
        except Exception:  # an import that fails now: the module keeps what it found otherwise
            continue
        if same:
            return found
    return None


def _from_imports(module: Optional[str]) -> Mapping[str, Tuple[Tuple[str, str], ...]]:
    """name -> the (M, n) of each `from M import n as name` of the module's file as it is now, those
    at its top level first."""
    path = getattr(sys.modules.get(module), "__file__", None) if module else None
    try:
        with open(path, encoding="utf-8") as stream:
            text = stream.read()
    except (OSError, TypeError, ValueError):
        return {}
    return _from_imports_of(text)


@functools.lru_cache(maxsize=16)
def _from_imports_of(text: str) -> Mapping[str, Tuple[Tuple[str, str], ...]]:
    """_from_imports of a module's text, parsed once for each text: a module written asks it of every
    object it imports, and a file of 1,800 lines takes 40 ms to parse and walk."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return {}
    found: Dict[str, List[Tuple[str, str]]] = {}
    for node in [*tree.body, *ast.walk(tree)]:
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                if alias.name != "*" and (node.module, alias.name) not in found.get(alias.asname or alias.name, []):
                    found.setdefault(alias.asname or alias.name, []).append((node.module, alias.name))
    return types.MappingProxyType({name: tuple(imports) for name, imports in found.items()})
