"""How loops are replayed in the adjoint sweep: backwards over the same range, or by iteration count.

A `for` over a range replays as `for i in reversed(_range1)`; if the loop can `break`,
the primal sweep counts iterations and the replay is `reversed(_range1[:_count1])`. A
`while` loop always counts. Counts of loops nested in loops go on the stack.
"""
from __future__ import annotations

from typing import List, Tuple

import gast

from adjoint import nodes


class Loop:
    def __init__(self, ctx, stmt: gast.stmt, looping: bool, counted: bool):
        self.ctx = ctx
        self.stmt = stmt
        self.looping = looping
        self.counter = ctx.namer.fresh("_count") if counted else None

    def _located(self, stmts: List[gast.stmt]) -> List[gast.stmt]:
        return [nodes.copy_location(s, self.stmt) for s in stmts]

    def _count(self, primal_loop) -> Tuple[List[gast.stmt], List[gast.stmt], List[gast.stmt]]:
        """Statements before the loop, after it (primal) and before the replay (adjoint)."""
        if self.counter is None:
            return [], [], []
        increment = nodes.assign(self.counter, nodes.add(nodes.name(self.counter), nodes.constant(1)))
        primal_loop.body.insert(0, nodes.copy_location(increment, self.stmt))
        before = [nodes.assign(self.counter, nodes.constant(0))]
        if not self.looping:
            return before, [], []
        after = [self.ctx.push(nodes.name(self.counter), self.stmt)]
        replay = [self.ctx.pop_into(nodes.name(self.counter, store=True), self.stmt)]
        return before, after, replay

    def replay_range(self, primal_loop: gast.For, body_adjoint, save_target: bool):
        target = primal_loop.target.id
        before, after, replay = self._count(primal_loop)
        if save_target:
            before.insert(0, self.ctx.push(nodes.name(target), self.stmt))
        iterations = nodes.load_copy(primal_loop.iter)
        if self.counter is not None:
            iterations = nodes.subscript(iterations, gast.Slice(lower=None, upper=nodes.name(self.counter), step=None))
        backward = gast.For(
            target=nodes.name(target, store=True), iter=nodes.call_named("reversed", iterations),
            body=body_adjoint, orelse=[], type_comment=None,
        )
        adjoint = replay + [backward]
        if save_target:
            adjoint.append(self.ctx.pop_into(nodes.name(target, store=True), self.stmt))
        return self._located(before + [primal_loop] + after), self._located(adjoint)

    def replay_count(self, primal_loop: gast.While, body_adjoint):
        before, after, replay = self._count(primal_loop)
        backward = gast.For(
            target=nodes.name(self.ctx.namer.fresh("_iteration"), store=True),
            iter=nodes.call_named("range", nodes.name(self.counter)),
            body=body_adjoint, orelse=[], type_comment=None,
        )
        return self._located(before + [primal_loop] + after), self._located(replay + [backward])
