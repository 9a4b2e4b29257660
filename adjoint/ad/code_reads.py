"""The names each statement of the adjoint code loads, stores and calls, found once per statement.

Several decisions of reverse mode read the same adjoint code: which shapes to take from kin,
which scalars to recompute, which values to save, which names are read for their shape only,
which carried names of a checkpointed loop to set back. Each used to walk the whole code
again; they share these facts instead, noted when a rule's adjoint statement is given its
position (`located`) or when first asked for. A statement rewritten in place after its facts
were noted must be forgotten (`forget`).
"""
from __future__ import annotations

from typing import Dict, FrozenSet, Iterable, Optional, Set, Tuple

import gast

from adjoint import nodes

# the statement, the names it loads, those it stores, and the names of the functions it calls by name
_Facts = Tuple[gast.stmt, FrozenSet[str], Tuple[str, ...], FrozenSet[str]]


class CodeReads:
    """The facts of adjoint statements, by statement (kept alive with its facts, so that its
    id stays its own)."""

    def __init__(self):
        self._facts: Dict[int, _Facts] = {}

    def _of(self, stmt: gast.stmt) -> _Facts:
        facts = self._facts.get(id(stmt))
        if facts is None or facts[0] is not stmt:
            facts = self._note(stmt, None)
        return facts

    def located(self, stmt: gast.stmt, origin: gast.AST) -> gast.stmt:
        """nodes.copy_location(stmt, origin), noting the statement's facts in the same walk
        (each adjoint statement is positioned once when it is made, then read)."""
        self._note(stmt, nodes.position_of(origin))
        return stmt

    def _note(self, stmt: gast.stmt, position: Optional[dict]) -> _Facts:
        loads, stores, called = [], [], []
        name, load, store, call = gast.Name, gast.Load, gast.Store, gast.Call
        for sub in nodes.every_node(stmt):
            cls = sub.__class__
            if position is not None and sub.__dict__.get("lineno") is None and "lineno" in cls._attributes:
                sub.__dict__.update(position)
            if cls is name:
                if sub.ctx.__class__ is load:
                    loads.append(sub.id)
                elif sub.ctx.__class__ is store:
                    stores.append(sub.id)
            elif cls is call and sub.func.__class__ is name:
                called.append(sub.func.id)
        facts = self._facts[id(stmt)] = (stmt, frozenset(loads), tuple(stores), frozenset(called))
        return facts

    def exposed(self, code: Iterable[gast.stmt]) -> Set[str]:
        """nodes.exposed_reads(code): the names code reads before it assigns them."""
        exposed: Set[str] = set()
        assigned: Set[str] = set()
        for stmt in code:
            _, loads, stores, _ = self._of(stmt)
            exposed |= loads - assigned
            assigned.update(stores)
        return exposed

    def read(self, code: Iterable[gast.stmt]) -> Set[str]:
        """Every name code loads."""
        found: Set[str] = set()
        for stmt in code:
            found |= self._of(stmt)[1]
        return found

    def calls_any(self, stmt: gast.stmt, functions: FrozenSet[str]) -> bool:
        """Whether stmt calls one of these names (`f(...)`, anywhere inside it)."""
        return not self._of(stmt)[3].isdisjoint(functions)

    def forget(self, stmt: gast.stmt) -> None:
        self._facts.pop(id(stmt), None)
