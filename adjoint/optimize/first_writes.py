"""First writes: an adjoint set to zero whose first use is an accumulation into it is set there.

The reverse sweep starts every adjoint at `0.0` and adds each term to it (`dx = dx + term`). In
the function's top-level block, where nothing between the two mentions dx, the pair is one
assignment `dx = term`: what known zeros, fold and dce would make of it in a round of all
passes, made here once, in one walk, before the passes run over a fifth fewer statements.

Before::

    da = 0.0
    dx = 0.0
    da = da + dz
    dx = dx + y * da

After::

    da = dz
    dx = y * da
"""
from __future__ import annotations

from typing import Dict, Iterable, Set

import gast

from adjoint import nodes
from adjoint.optimize.facts import Facts
from adjoint.optimize.fold import boolean as _boolean
from adjoint.optimize.statements import KEPT, reports_changes


def _zero_adjoint(stmt: gast.stmt, facts: Facts):
    """d for `d = 0.0` of an adjoint d, else None."""
    if stmt.__class__ is not gast.Assign or stmt.targets[0].__class__ is not gast.Name:
        return None
    value = stmt.value
    if value.__class__ is gast.Constant and type(value.value) is float and value.value == 0.0:
        return stmt.targets[0].id if stmt.targets[0].id in facts.adjoint_names else None
    return None


def _accumulated(stmt: gast.stmt):
    """(d, term) for `d = d + term` (a term that is no comparison: `0.0 + (a > b)` is a float,
    which fold keeps), else None."""
    if stmt.__class__ is not gast.Assign or stmt.targets[0].__class__ is not gast.Name:
        return None
    value, target = stmt.value, stmt.targets[0].id
    if value.__class__ is gast.BinOp and value.op.__class__ is gast.Add and \
            value.left.__class__ is gast.Name and value.left.id == target and not _boolean(value.right):
        return target, value.right
    return None


@reports_changes
def run(tree: gast.FunctionDef, facts: Facts) -> bool:
    """Join each top-level `d = 0.0` of an adjoint with the accumulation into d that first
    mentions it after it."""
    zeroed: Dict[str, int] = {}  # adjoint -> position of the `d = 0.0` nothing after it mentions yet
    mentioned: Set[str] = set()
    joined = set()
    statements = facts.unchanged.statements()
    for position, stmt in enumerate(tree.body):
        target = _zero_adjoint(stmt, facts)
        if target is not None and target not in mentioned:
            zeroed[target] = position
            mentioned.add(target)
            continue
        accumulation = _accumulated(stmt)
        if accumulation is not None and accumulation[0] in zeroed:
            target, term = accumulation
            read = nodes.names_read(term)
            if target not in read:
                joined.add(zeroed.pop(target))
                stmt.value = term
                _mention(read, zeroed, mentioned)
                continue
        if stmt.__class__ in KEPT:  # its names from its summary, which the passes read next (one walk)
            summary = statements.summary(stmt)
            _mention(summary.loads, zeroed, mentioned)
            _mention(summary.stores, zeroed, mentioned)
        else:
            _mention(nodes.all_identifiers(stmt), zeroed, mentioned)
    if joined:
        tree.body = [stmt for position, stmt in enumerate(tree.body) if position not in joined]
    return bool(joined)


def _mention(names: Iterable[str], zeroed: Dict[str, int], mentioned: Set[str]) -> None:
    """Names a statement mentions: their `d = 0.0` stays (the passes see what reads it)."""
    for name in names:
        zeroed.pop(name, None)
    mentioned.update(names)
