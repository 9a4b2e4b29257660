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
    for _ in range(MAX_ROUNDS):
        changed = False
        for optimization in PASSES:
            changed = optimization(tree, facts) or changed
        if not changed:
            break
    return tree
