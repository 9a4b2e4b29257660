"""Known zeros: a read of an adjoint that is zero where it is read becomes 0.0 (fold then simplifies).

An adjoint assigned `0.0` is zero until it is assigned again; after an `if` it is zero when
both branches leave it zero, and in a loop when every iteration leaves it zero (a fixed point).
One walk over the function's statements.

Before::

    da = 0.0
    dx = da * y + dz
    return dx

After::

    da = 0.0
    dx = 0.0 * y + dz
    return dx
"""
from __future__ import annotations

from typing import List, Set

import gast

from adjoint import nodes
from adjoint.optimize.facts import Facts
from adjoint.optimize.statements import reports_changes


class _Substitute(nodes.Transformer):
    def __init__(self, zeros: Set[str]):
        self.zeros = zeros
        self.changed = False

    def visit_Name(self, node):
        if isinstance(node.ctx, gast.Load) and node.id in self.zeros:
            self.changed = True
            return nodes.constant(0.0)
        return node


_SIMPLE = (gast.Assign, gast.Expr, gast.Return)  # statements whose reads are kept (TreeFacts)


def _is_zero(expr: gast.expr) -> bool:
    return isinstance(expr, gast.Constant) and type(expr.value) in (int, float) and expr.value == 0


class _Zeros:
    def __init__(self, facts: Facts, dry: bool = False):
        self.facts = facts
        self.dry = dry
        self.changed = False
        self.reads = facts.unchanged.statements().of  # what a simple statement reads: a zero read is in there

    def substitute(self, stmt: gast.stmt, node: gast.AST, known: Set[str]) -> None:
        """Replace the reads of known zeros in node, a part of stmt."""
        if known and not self.dry and (stmt.__class__ not in _SIMPLE or not known.isdisjoint(self.reads(stmt)[0])):
            substitute = _Substitute(known)
            substitute.visit(node)
            if substitute.changed:
                self.facts.unchanged.statements().forget(stmt)
                self.changed = True

    def block(self, stmts: List[gast.stmt], known: Set[str]) -> Set[str]:
        """Scan stmts from `known`, a set the scan owns and updates in place (callers pass a copy)."""
        for stmt in stmts:
            known = self.statement(stmt, known)
        return known

    def statement(self, stmt: gast.stmt, known: Set[str]) -> Set[str]:
        if stmt.__class__ is gast.Assign:  # most statements: asked first, by class
            if known:
                self.substitute(stmt, stmt.value, known)
            target = stmt.targets[0]
            if target.__class__ is not gast.Name:
                known -= set(nodes.names_stored(target)) | set(nodes.names_read(target))
            elif target.id in self.facts.adjoint_names and _is_zero(stmt.value):
                known.add(target.id)
            else:
                known.discard(target.id)
            return known
        if isinstance(stmt, gast.If):
            self.substitute(stmt, stmt.test, known)
            return self.block(stmt.body, set(known)) & self.block(stmt.orelse, set(known))
        if isinstance(stmt, (gast.For, gast.While)):
            inside = self._loop_invariant(stmt, known)
            self.substitute(stmt, stmt.iter if isinstance(stmt, gast.For) else stmt.test, inside)
            self.block(stmt.body, set(inside))
            return inside
        if isinstance(stmt, (gast.Return, gast.Expr)) and not nodes.is_comment(stmt):
            self.substitute(stmt, stmt, known)
        return known

    def _loop_invariant(self, loop, known: Set[str]) -> Set[str]:
        """Zeros before the loop that every iteration leaves zero at its end (a fixed point)."""
        inside = set(known)
        if isinstance(loop, gast.For):
            inside -= set(nodes.names_stored(loop.target))
        while True:
            at_end = _Zeros(self.facts, dry=True).block(loop.body, set(inside))
            narrowed = inside & at_end
            if narrowed == inside:
                return inside
            inside = narrowed


@reports_changes
def run(tree: gast.FunctionDef, facts: Facts) -> bool:
    """Replace reads of adjoints known to be zero by 0.0 (fold then simplifies)."""
    pass_ = _Zeros(facts)
    pass_.block(tree.body, set())
    return pass_.changed
