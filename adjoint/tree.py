"""Parameter containers (pytrees) as users update them: flatten, unflatten and map.

A tree is any nesting of dicts, lists, tuples, NamedTuples and dataclasses; everything else
(numbers, arrays, None) is a leaf. Gradients have their parameters' structure, so an update
step is one `map`::

    params = adjoint.tree.map(lambda p, g: p - 0.1 * g, params, adjoint.grad(loss)(params, x))

The order of leaves is the order of the containers (a dict's insertion order), as in JAX.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable, List, Tuple

__all__ = ["flatten", "unflatten", "map"]


@dataclasses.dataclass(frozen=True)
class TreeDef:
    """The structure of a tree with its leaves taken out: what `unflatten` puts them back into."""

    kind: str  # "leaf", "list", "tuple", "namedtuple", "dict", "dataclass"
    node_type: Any = None
    keys: Tuple[Any, ...] = ()
    children: Tuple["TreeDef", ...] = ()

    @property
    def leaf_count(self) -> int:
        return 1 if self.kind == "leaf" else sum(child.leaf_count for child in self.children)


def _parts(tree: Any) -> Tuple[str, Tuple[Any, ...], List[Any]]:
    """(kind, keys, children) of one level of the tree."""
    if isinstance(tree, dict):
        return "dict", tuple(tree), list(tree.values())
    if isinstance(tree, tuple) and hasattr(tree, "_fields"):
        return "namedtuple", (), list(tuple.__iter__(tree))  # (not by an `__iter__` of its class's)
    if isinstance(tree, (list, tuple)):
        return type(tree).__name__ if type(tree) in (list, tuple) else "tuple", (), list(tree)
    if dataclasses.is_dataclass(tree) and not isinstance(tree, type):
        names = tuple(field.name for field in dataclasses.fields(tree))
        return "dataclass", names, [getattr(tree, name) for name in names]
    return "leaf", (), []


def flatten(tree: Any) -> Tuple[List[Any], TreeDef]:
    """The leaves of tree, in order, and its structure."""
    kind, keys, children = _parts(tree)
    if kind == "leaf":
        return [tree], TreeDef("leaf")
    leaves: List[Any] = []
    defs = []
    for child in children:
        child_leaves, child_def = flatten(child)
        leaves.extend(child_leaves)
        defs.append(child_def)
    return leaves, TreeDef(kind, type(tree), keys, tuple(defs))


def unflatten(treedef: TreeDef, leaves: List[Any]) -> Any:
    """The tree of structure treedef holding `leaves` (as many as flatten gave)."""
    if len(leaves) != treedef.leaf_count:
        raise ValueError(f"the structure holds {treedef.leaf_count} leaves, {len(leaves)} were given")
    return _build(treedef, iter(leaves))


def _build(treedef: TreeDef, leaves) -> Any:
    if treedef.kind == "leaf":
        return next(leaves)
    children = [_build(child, leaves) for child in treedef.children]
    if treedef.kind == "dict":
        out = treedef.node_type() if treedef.node_type is not dict else {}
        out.update(zip(treedef.keys, children))
        return out
    if treedef.kind == "namedtuple":
        return treedef.node_type(*children)
    if treedef.kind == "dataclass":
        out = object.__new__(treedef.node_type)
        for name, value in zip(treedef.keys, children):
            object.__setattr__(out, name, value)
        return out
    return treedef.node_type(children)


def map(func: Callable[..., Any], tree: Any, *rest: Any) -> Any:  # noqa: A001 (as jax.tree.map)
    """`func` applied leaf by leaf to tree and the trees of the same structure in `rest`."""
    leaves, treedef = flatten(tree)
    others = []
    for other in rest:
        other_leaves, other_def = flatten(other)
        if other_def != treedef:
            raise ValueError("adjoint.tree.map: the trees have different structures")
        others.append(other_leaves)
    return unflatten(treedef, [func(*values) for values in zip(leaves, *others)])
