"""What a `for` loop's iterator reads, and zip/enumerate/... objects bound to a name and iterated by
one `for` (normalize/iteration.py describes what the loop reads).

`sequence_names` gives the lists a loop iterates over as they are, `resizing_call` the call that
grows or shrinks one of them, `breaks` a loop's `break`; `find_bound_iterators` finds the
iterators bound to a name and the one loop over each; `iterated_free_dicts` the dicts a loop
reaches from outside the function.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable, Dict, FrozenSet, List, Optional, Set

import gast

from adjoint import nodes
from adjoint.frontend.values import dependencies_of, resolve_value

RESIZING_METHODS = {"append", "extend", "insert", "pop", "remove", "clear"}


def sequence_names(expr: gast.expr, iterator_of: Callable) -> Set[str]:
    """The names an iterable iterates over as they are (not through an expression such as `list(xs)`)."""
    iterator = iterator_of(expr)
    if iterator is None:
        return {expr.id} if isinstance(expr, gast.Name) else set()
    iterated = expr.args if iterator in (zip, itertools.chain, itertools.zip_longest) else expr.args[:1]
    return {name for arg in iterated for name in sequence_names(arg, iterator_of)}


def breaks(body: List[gast.stmt]) -> Optional[gast.Break]:
    """The first `break` of the loop whose body this is (not of a loop inside it)."""
    for stmt in body:
        if isinstance(stmt, gast.Break):
            return stmt
        if not isinstance(stmt, (gast.For, gast.While)):
            found = breaks([child for child in nodes.children(stmt) if isinstance(child, gast.stmt)])
            if found is not None:
                return found
    return None


def resizing_call(stmts: List[gast.stmt], names: Set[str]) -> Optional[gast.Call]:
    """The first call in stmts that grows or shrinks one of the lists `names` (`xs.append(v)`)."""
    for stmt in stmts:
        for node in nodes.walk(stmt):
            if (isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute)
                    and node.func.attr in RESIZING_METHODS and isinstance(node.func.value, gast.Name)
                    and node.func.value.id in names):
                return node
    return None


@dataclass
class BoundIterators:
    """zip/enumerate/reversed objects bound to a name and iterated by one `for`.

    `calls` holds every iterator call the desugarer may rewrite (those of `for`
    headers and of these assignments); `assignments` and `loops` map the binding
    statement and of the consuming loop to the name.
    """

    calls: Set[gast.Call]
    assignments: Dict[gast.Assign, str]
    loops: Dict[gast.For, str]


def find_bound_iterators(func_node: gast.FunctionDef, iterator_of: Callable, refuse: Callable) -> BoundIterators:
    found = BoundIterators(set(), {}, {})
    for block in nodes.blocks(func_node):
        for position, stmt in enumerate(block):
            if isinstance(stmt, gast.For):
                _allow(stmt.iter, iterator_of, found.calls)
            if _binds_iterator(stmt, iterator_of):
                _bind(func_node, block, position, iterator_of, refuse, found)
    return found


def _binds_iterator(stmt: gast.stmt, iterator_of: Callable) -> bool:
    return (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
            and iterator_of(stmt.value) is not None)


def _bind(func_node, block: List[gast.stmt], position: int, iterator_of, refuse, found: BoundIterators) -> None:
    assignment = block[position]
    name = assignment.targets[0].id
    stores = [node for node in nodes.walk(func_node)
              if isinstance(node, gast.Name) and node.id == name and isinstance(node.ctx, gast.Store)]
    if len(stores) != 1:
        raise refuse(assignment, f"`{name}` is bound to a {_label(assignment.value, iterator_of)} object and "
                                 "assigned elsewhere too; give the iterator a name of its own")
    uses = [node for node in nodes.walk(func_node)
            if isinstance(node, gast.Name) and node.id == name and isinstance(node.ctx, gast.Load)]
    loop = next((stmt for stmt in block[position + 1:] if isinstance(stmt, gast.For)
                 and isinstance(stmt.iter, gast.Name) and stmt.iter.id == name), None)
    for use in uses:
        if loop is None or use is not loop.iter:
            raise refuse(use, f"`{name}` is a {_label(assignment.value, iterator_of)} object: it is supported "
                              "only as what one `for` loop of the same block iterates over")
    _allow(assignment.value, iterator_of, found.calls)
    found.assignments[assignment] = name
    if loop is not None:
        found.loops[loop] = name
        between = block[position + 1:block.index(loop)]
        resizing = resizing_call(between, sequence_names(assignment.value, iterator_of))
        if resizing is not None:
            raise refuse(resizing, f"the list is resized while the iterator `{name}` over it waits to be used")


def _allow(expr: gast.expr, iterator_of: Callable, calls: Set[gast.Call]) -> None:
    """Mark the iterator calls of a `for` header or an iterator binding (nested ones too)."""
    if iterator_of(expr) is None:
        return
    calls.add(expr)
    for arg in expr.args:
        _allow(arg, iterator_of, calls)


def _label(expr: gast.Call, iterator_of: Callable) -> str:
    return iterator_of(expr).__name__


def iterated_free_dicts(parsed, local_names: FrozenSet[str]) -> FrozenSet[str]:
    """The names and attributes reached from outside the function (globals, closures, a bound
    method's object) that a `for` iterates and that hold a dict when adjoint reads the function
    (`for name in WEIGHTS:`, `for k in self.weights:` iterate its keys), as dotted names; the
    derivative depends on what they hold."""
    found = set()
    for loop in nodes.walk(parsed.node):
        path = nodes.dotted_name(loop.iter) if isinstance(loop, gast.For) else None
        if path is not None and not (isinstance(loop.iter, gast.Name) and loop.iter.id in local_names):
            value = resolve_value(loop.iter, parsed, local_names)
            if isinstance(value, dict):
                found.add(path)
                parsed.dependencies.extend(dependencies_of(loop.iter, parsed, value))
    return frozenset(found)
