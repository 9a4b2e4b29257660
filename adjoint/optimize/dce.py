"""Dead code elimination: drop pure assignments nobody reads, and blocks left empty.

Of an assignment of the primal nobody reads, the operations that may raise stay (optimize/raises.py):
Python raises there.

An assignment calling one of the checks (facts.CHECKS: grad's seed refuses a function that
returns an array) stays: in a derivative of a derivative its value may go unused, and
dropping it would turn `grad(grad(f))` of an f returning an array into zeros.

Stack pushes and pops have effects and always stay (the transform emits them in pairs and
only for values the adjoint sweep reads).

Before::

    dz = 1.0
    da = 0.0
    da = dz
    dz = 0.0
    return da

After::

    dz = 1.0
    da = dz
    return da
"""
from __future__ import annotations

from typing import List, Set, Tuple

import gast

from adjoint import nodes
from adjoint.optimize.facts import Facts, is_pure
from adjoint.optimize.raises import raising_parts
from adjoint.optimize.statements import reports_changes


def _reads(node: gast.AST) -> Set[str]:
    return set(nodes.names_read(node))


def _is_empty(block: List[gast.stmt]) -> bool:
    return all(isinstance(s, gast.Pass) or nodes.is_comment(s) for s in block)


class _Liveness:
    """Backward liveness over a block; with `mutate=False` only computes it (no statement is dropped)."""

    def __init__(self, facts: Facts, mutate: bool = True):
        self.facts = facts
        self.mutate = mutate
        self.changed = False
        self.reshaped = False  # a statement holding blocks dropped, a block emptied, or a new list put in
        self.tree_facts = facts.unchanged.statements()
        self.reads = self.tree_facts.of

    def droppable(self, assignment: gast.Assign) -> bool:
        """Whether the value of an assignment to a name is pure and calls none of the checks (from
        its kept summary: the calls of its value are the statement's)."""
        summary = self.tree_facts.summary(assignment)
        return summary.pure(self.facts) and not self.facts.calls_a_check(summary.calls)

    def block(self, stmts: List[gast.stmt], live: Set[str]) -> Tuple[List[gast.stmt], Set[str]]:
        """Scan stmts backward from `live`, a set the scan owns and updates in place (callers pass a copy)."""
        kept: List[gast.stmt] = []
        for stmt in reversed(stmts):
            keep, live = self.statement(stmt, live)
            if isinstance(keep, list):  # the parts of a dead assignment that may raise
                kept.extend(reversed(keep))
                self.changed = True
            elif keep:
                kept.append(stmt)
            else:
                self.changed = True
                self.reshaped = self.reshaped or bool(nodes.statement_fields(stmt.__class__))
        if not self.mutate:
            return stmts, live
        kept.reverse()
        if len(kept) > 1 and any(isinstance(s, gast.Pass) for s in kept):
            kept = [s for s in kept if not isinstance(s, gast.Pass)]
        self.reshaped = self.reshaped or bool(stmts) and not kept
        stmts[:] = kept  # the same list: the blocks the other passes keep (Unchanged) stay the tree's
        return stmts, live

    def statement(self, stmt: gast.stmt, live: Set[str]) -> Tuple[bool, Set[str]]:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            target = stmt.targets[0].id
            if target not in live and self.droppable(stmt):
                parts = raising_parts(stmt, self.facts)
                if not parts:
                    return False, live
                if parts != [stmt.value]:
                    live |= {name for part in parts for name in _reads(part)}
                    return [nodes.copy_location(gast.Expr(value=part), stmt) for part in parts], live
            if isinstance(stmt.value, gast.Name) and stmt.value.id == target:
                return False, live
            live.discard(target)  # the set the block's scan owns (see `block`)
            live |= self.reads(stmt)[0]  # a name target reads nothing
            return True, live
        if isinstance(stmt, gast.If):
            return self._if(stmt, live)
        if isinstance(stmt, (gast.For, gast.While)):
            return self._loop(stmt, live)
        live |= self.reads(stmt)[0]  # the names it loads (kept for assignments, expressions, returns)
        return True, live

    def _if(self, stmt: gast.If, live: Set[str]) -> Tuple[bool, Set[str]]:
        body, body_live = self.block(stmt.body, set(live))
        orelse, else_live = self.block(stmt.orelse, set(live))
        if not self.mutate:
            return True, body_live | else_live | _reads(stmt.test)
        stmt.body, stmt.orelse = body, orelse
        if _is_empty(stmt.body) and _is_empty(stmt.orelse) and is_pure(stmt.test, self.facts):
            return False, live
        if _is_empty(stmt.orelse):
            self.reshaped = self.reshaped or bool(stmt.orelse)
            del stmt.orelse[:]
        elif _is_empty(stmt.body):
            stmt.test, stmt.body, stmt.orelse = nodes.not_(stmt.test), stmt.orelse, []
            self.tree_facts.forget(stmt)  # its header changed
            self.changed = self.reshaped = True
        self._fill(stmt)
        return True, body_live | else_live | _reads(stmt.test)

    def _fill(self, stmt: gast.stmt) -> None:
        """A `pass` in a body left empty."""
        if not stmt.body:
            stmt.body = [gast.Pass()]
            self.reshaped = True

    def _loop(self, stmt, live: Set[str]) -> Tuple[bool, Set[str]]:
        header = stmt.iter if isinstance(stmt, gast.For) else stmt.test
        at_head = set(live) | _reads(header)
        while True:
            _, body_live = _Liveness(self.facts, mutate=False).block(stmt.body, set(at_head))
            grown = at_head | body_live
            if grown == at_head:
                break
            at_head = grown
        if not self.mutate:
            return True, at_head
        stmt.body, _ = self.block(stmt.body, set(at_head))
        if _is_empty(stmt.body) and is_pure(header, self.facts) and not _binds_live_target(stmt, live):
            return False, live
        self._fill(stmt)
        return True, at_head


def _binds_live_target(loop: gast.stmt, live: Set[str]) -> bool:
    """A `for` whose variable is read after it: the loop stays, it leaves the last value behind."""
    return isinstance(loop, gast.For) and bool(set(nodes.names_stored(loop.target)) & live)


@reports_changes
def run(tree: gast.FunctionDef, facts: Facts) -> bool:
    """Drop what nobody reads. The blocks the passes keep (`Unchanged`) are dropped only where
    the pass reshaped them: where it merely removed simple statements from a block that keeps
    one, the tree holds the same statement lists."""
    liveness = _Liveness(facts)
    liveness.block(tree.body, set())  # the same list, statements removed from it
    if liveness.reshaped:
        facts.unchanged.reshaped()
    return liveness.changed
