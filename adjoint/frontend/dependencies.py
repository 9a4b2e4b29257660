"""What a derivative depends on in the functions it was generated from: each dependency is a
(mapping, key, value) that must still hold (`mapping.get(key) is value`) for the derivative to
stay valid (generated.Generated), and these make a closure cell, a function's code and its
defaults look like such mappings."""
from __future__ import annotations

from typing import Any, Callable, List, Optional, Tuple

_ABSENT = object()


class ClosureCell:
    """A closure cell seen as a one-entry mapping, so that a derivative that read its value
    is regenerated once the enclosing function rebinds it (`nonlocal scale; scale = 5.0`)."""

    def __init__(self, cell):
        self.cell = cell

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return self.cell.cell_contents
        except ValueError:
            return default

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, ClosureCell) and other.cell is self.cell

    def __hash__(self) -> int:
        return id(self.cell)


class FunctionDefaults:
    """The default values of a function seen as a one-entry mapping (as generated.Generated's
    dependencies read them): it holds `SAME` while they are the objects a derivative was generated
    with, so that one is regenerated once `__defaults__` or `__kwdefaults__` changes."""

    SAME = object()

    def __init__(self, func: Callable):
        self.func = func
        self.positional = func.__defaults__
        self.keywords = tuple((func.__kwdefaults__ or {}).items())

    def get(self, name: str, default: Any = None) -> Any:
        func = self.func
        if func.__defaults__ is not self.positional:
            return default
        if self.keywords or func.__kwdefaults__:
            keywords = func.__kwdefaults__ or {}
            if len(keywords) != len(self.keywords) or any(keywords.get(k, _ABSENT) is not v for k, v in self.keywords):
                return default
        return self.SAME

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, FunctionDefaults) and other.func is self.func

    def __hash__(self) -> int:
        return id(self.func)


class FunctionCode:
    """A function's code object seen as a one-entry mapping (as generated.Generated's dependencies
    read them): it holds `SAME` while `__code__` is the object a derivative was generated from.
    IPython's autoreload, and other reloaders, give an edited function its new code in place."""

    SAME = object()

    def __init__(self, func: Callable):
        self.func = func
        self.code = func.__code__

    def get(self, name: str, default: Any = None) -> Any:
        return self.SAME if self.func.__code__ is self.code else default

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, FunctionCode) and other.func is self.func

    def __hash__(self) -> int:
        return id(self.func)


def code_dependency(func: Callable) -> List[Tuple[FunctionCode, str, object]]:
    """The dependency of a derivative on the code of func (its source read when it was generated);
    none for a function adjoint wrote (a checkpointed loop's step, a lifted local function), whose
    code nothing gives another."""
    if getattr(func, "__adjoint_source__", None) is not None or getattr(func, "__adjoint_tree__", None) is not None:
        return []
    return [(FunctionCode(func), "code", FunctionCode.SAME)]


def defaults_dependency(func: Callable) -> List[Tuple[FunctionDefaults, str, object]]:
    """The dependency of a derivative on func's default values, where it has any."""
    if func.__defaults__ is None and not func.__kwdefaults__:
        return []
    return [(FunctionDefaults(func), "defaults", FunctionDefaults.SAME)]


def guards_of(dependencies: list) -> Optional[Tuple[Tuple[Callable, str, object], ...]]:
    """(function, attribute, the object it held) for each function whose code or defaults
    (`__code__`, `__defaults__`) a derivative holds, where they are all it depends on (no
    keyword-only defaults, which change in place): a cached call compares those alone. None otherwise."""
    guards = []
    for namespace, _, _ in dependencies:
        if isinstance(namespace, FunctionCode):
            guards.append((namespace.func, "__code__", namespace.code))
        elif isinstance(namespace, FunctionDefaults) and not namespace.keywords and not namespace.func.__kwdefaults__:
            guards.append((namespace.func, "__defaults__", namespace.positional))
        else:
            return None
    return tuple(guards)


class ListItems:
    """A list's items, in order, seen as a one-entry mapping (as generated.Generated's
    dependencies read them): it holds `SAME` while the list holds the same objects, in the
    same order, as when an item was resolved (a derivative calls the function it held)."""

    SAME = object()

    def __init__(self, items: list):
        self.items = items
        self.held = tuple(items)

    @classmethod
    def of(cls, items: list) -> Tuple["ListItems", str, object]:
        """The dependency on the list's items staying what they are."""
        return cls(items), "items", cls.SAME

    def get(self, name: str, default: Any = None) -> Any:
        items, held = self.items, self.held
        same = len(items) == len(held) and all(now is then for now, then in zip(items, held))
        return self.SAME if same else default


class TableKeys:
    """The keys of a dict, in order, seen as a one-entry mapping (as generated.Generated's
    dependencies read them): it holds `SAME` while the dict has the keys it had (those a loop was
    unrolled over, the keywords of a functools.partial)."""

    SAME = object()

    def __init__(self, table: dict):
        self.table = table
        self.keys = tuple(table)

    def get(self, name: str, default: Any = None) -> Any:
        return self.SAME if tuple(self.table) == self.keys else default
