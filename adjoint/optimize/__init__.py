"""Cleanup passes on the derivative tree, run in order until none reports a change.

Each pass is `run(tree, facts) -> changed` and edits the tree in place.
"""
from __future__ import annotations

import gast

from adjoint.optimize import cse, dce, fold, propagate
from adjoint.optimize.facts import facts_for

PASSES = (
    cse.run, propagate.zeros, propagate.constants, fold.run, propagate.propagate_copies, propagate.merge_accumulations,
    propagate.inline_temporaries, dce.run,
)
MAX_ROUNDS = 20


def optimize(tree: gast.FunctionDef, ctx) -> gast.FunctionDef:
    facts = facts_for(ctx)
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
    return tree
