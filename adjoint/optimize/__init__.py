"""Cleanup passes on the derivative tree, run in order until none reports a change.

Each pass is `run(tree, facts) -> changed`, edits the tree in place, and costs time linear in
the statements it sees (times the nesting of loops). A pass that found nothing to do is not run
again until another pass has changed the tree, so a round in which nothing changes costs one
run of each pass at most. All passes together:

Before::

    da = 0.0
    dx = 0.0
    da = da + dz
    dx = dx + db * math.cos(x)
    dx = dx + y * da
    _t1 = x * y
    z = _t1 + b
    return dx, z

After::

    da = dz
    dx = db * math.cos(x) + y * da
    z = x * y + b
    return dx, z
"""
from __future__ import annotations

import dataclasses

import gast

from adjoint.optimize import (accumulations, comments, constants, copies, cse, dce, first_writes, fold, inline,
                              raises, stand_ins, zeros)
from adjoint.optimize.facts import facts_for
from adjoint.optimize.statements import Unchanged

PASSES = (cse.run, zeros.run, constants.run, fold.run, copies.run, accumulations.run, inline.run, dce.run)
MAX_ROUNDS = 20


def optimize(tree: gast.FunctionDef, ctx, forward: bool = False, arguments=None) -> gast.FunctionDef:
    """`arguments`: the kinds of the parameters' arguments, where known."""
    facts = facts_for(ctx, forward, arguments)
    detached = comments.detach(tree)
    first_writes.run(tree, facts)  # once: no pass makes more of what it joins
    changes = 0
    idle_since = {}  # pass -> the number of changes when it last found nothing to do
    for _ in range(MAX_ROUNDS):
        changed = False
        for optimization in PASSES:
            if idle_since.get(optimization) == changes:
                continue  # the tree is as it was when this pass last left it unchanged
            if optimization(tree, facts):
                changes += 1
                changed = True
            else:
                idle_since[optimization] = changes
        if not changed:
            break
    raises.drop_covered(tree, facts)  # once the code is final: a statement after it raises what it may
    stand_ins.run(tree, facts, ctx.runtime)  # once the code is final: what reads a value for its shape alone
    settled = dataclasses.replace(facts, settled=True, unchanged=Unchanged())
    if inline.run(tree, settled):  # values that may raise (optimize/raises.py), where they stay now
        fold.run(tree, settled)  # (`1.0 * (1.0 / b)`: fold found no zero to annihilate before)
    comments.attach(tree, detached)
    return tree
