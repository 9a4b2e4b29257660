"""Merging accumulations: `dx = e1; ...; dx = dx + e2` becomes `...; dx = e1 + e2`.

An adjoint is accumulated term by term (`dx = dx + term`). Where the statement that set it
before is in the same block, with only simple statements in between that neither read nor
change dx nor anything e1 reads, and e1 is pure, the two become one statement. The scan looks
back from each accumulation over statements whose reads and assignments `BlockFacts` knows,
and after a merge goes on from where the merged statement was.

Before::

    da = 0.0
    da = da + dz
    dx = db * math.cos(x)
    dx = dx + y * da
    return dx

After::

    da = 0.0 + dz
    dx = db * math.cos(x) + y * da
    return dx
"""
from __future__ import annotations

from typing import Optional

import gast

from adjoint import nodes
from adjoint.optimize.dce import is_pure
from adjoint.optimize.facts import Facts
from adjoint.optimize.statements import BlockFacts, reports_changes, simple


def _accumulation_target(stmt: gast.stmt, facts: Facts) -> Optional[str]:
    """x for `x = x + e` where x is an adjoint and e does not read x."""
    target = nodes.assigned_name(stmt)
    if target is None:
        return None
    value = stmt.value
    if target not in facts.adjoint_names or not isinstance(value, gast.BinOp) or not isinstance(value.op, gast.Add):
        return None
    if not (isinstance(value.left, gast.Name) and value.left.id == target):
        return None
    if target in set(nodes.names_read(value.right)):
        return None
    return target


def _merge_in(info: BlockFacts, facts: Facts, start: int) -> Optional[int]:
    """Merge the first accumulation at or after `start`; returns where to look next, or None."""
    block = info.block
    for j in range(start, len(block)):
        stmt = block[j]
        target = _accumulation_target(stmt, facts)
        if target is None:
            continue
        for i in range(j - 1, -1, -1):
            earlier = block[i]
            if nodes.is_comment(earlier):
                continue
            if not simple(earlier):
                break
            if nodes.assigned_name(earlier) == target:
                reads = facts.sharing(info.reads[i])  # and the names that may share their memory
                if info.blocker(reads, i + 1, j, target) is None and is_pure(earlier.value, facts):
                    stmt.value = nodes.add(earlier.value, stmt.value.right)
                    info.rewritten(j, (info.reads[j] - {target}) | info.reads[i],
                                   info.assigned[j] | info.assigned[i])
                    info.delete(i)
                    return i
                break
            if target in info.reads[i] or target in info.assigned[i]:
                break
    return None


@reports_changes
def run(tree: gast.FunctionDef, facts: Facts) -> bool:
    """Merge each accumulation into the assignment before it where it may move there."""
    changed = False
    tree_facts = facts.unchanged.statements()
    for block in facts.unchanged.blocks(tree):
        info = BlockFacts(block, tree_facts)
        position = _merge_in(info, facts, 0)
        while position is not None:
            changed = True
            position = _merge_in(info, facts, position)
    return changed
