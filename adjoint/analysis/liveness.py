"""Liveness: the names each simple statement's successors may still read (backward dataflow).

Over the structured, normalized body: a `break` continues with what is live after its
loop, a `continue` with what is live at the loop's head, and a loop iterates to a fixed
point. `after[stmt]` is the set of names read after `stmt` before being assigned again.

    >>> # for i in range(3): a = y[i]; y[i] = a * 2.0     -- after `y[i] = ...`: {y}, not a
"""
from __future__ import annotations

from typing import Callable, Dict, FrozenSet, Iterable

import gast

from adjoint import nodes


class Liveness:
    """Names read after each simple statement (backward dataflow over the structured body); what a
    simple statement reads is `reads(stmt)` (every name it loads, by default; a read of one item of
    a name may be told apart as (name, item), which assigning the name ends too)."""

    def __init__(self, func_node: gast.FunctionDef, reads: Callable[[gast.stmt], Iterable[str]] = nodes.names_read):
        self.after: Dict[gast.stmt, FrozenSet[str]] = {}
        self.reads = reads
        self._block(func_node.body, frozenset(), frozenset(), frozenset())

    def _block(self, stmts, live: FrozenSet[str], exit_live, head_live) -> FrozenSet[str]:
        for stmt in reversed(stmts):
            live = self._statement(stmt, live, exit_live, head_live)
        return live

    def _statement(self, stmt, live, exit_live, head_live) -> FrozenSet[str]:
        if isinstance(stmt, gast.If):
            body = self._block(stmt.body, live, exit_live, head_live)
            orelse = self._block(stmt.orelse, live, exit_live, head_live)
            return body | orelse | frozenset(nodes.names_read(stmt.test))
        if isinstance(stmt, (gast.For, gast.While)):
            return self._loop(stmt, live)
        if isinstance(stmt, gast.Break):
            return exit_live
        if isinstance(stmt, gast.Continue):
            return head_live
        self.after[stmt] = live
        if isinstance(stmt, gast.With):
            return live | frozenset(n for s in stmt.body for n in nodes.names_read(s))
        reads = frozenset(self.reads(stmt))
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            return _without(live, stmt.targets[0].id) | reads
        return live | reads

    def _loop(self, loop, live) -> FrozenSet[str]:
        header = frozenset(nodes.names_read(loop.iter if isinstance(loop, gast.For) else loop.test))
        target = loop.target.id if isinstance(loop, gast.For) else None
        head = live | header
        while True:
            body = self._block(loop.body, head, live, head)
            fresh = live | header | (_without(body, target) if target else body)
            if fresh == head:
                return head
            head = fresh


def _without(live: FrozenSet, name: str) -> FrozenSet:
    """live but the reads of `name`, whole or of one of its items."""
    return frozenset(read for read in live if read != name and not (type(read) is tuple and read[0] == name))
