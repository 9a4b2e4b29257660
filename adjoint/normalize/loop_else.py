"""Lower `for ... else` and `while ... else` into a flag the rest of the pipeline knows.

A loop's `else` block runs when the loop ends without a `break` of its own: a flag set
before each such `break` says whether it did. The jumps stay where they were, for
normalize/jumps.py to lower.

Before::

    for v in xs:
        if v > limit:
            break
        total = total + v
    else:
        total = 2.0 * total

After::

    _broke1 = False
    for v in xs:
        if v > limit:
            _broke1 = True
            break
        total = total + v
    if not _broke1:
        total = 2.0 * total
"""
from __future__ import annotations

from typing import Callable, List

import gast

from adjoint import nodes
from adjoint.frontend.held import let_go

LOOPS = (gast.For, gast.While)
SCOPES = (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef, gast.Lambda)


def lower_loop_else(func_node: gast.FunctionDef, fresh: Callable[[str], str]) -> None:
    """Rewrite every loop with an `else` block in func_node (nested functions too) in place."""
    if any(isinstance(node, LOOPS) and node.orelse for node in nodes.walk(func_node)):
        let_go(func_node)
    func_node.body = _block(func_node.body, fresh)  # (the same statements where no loop has an `else`)


def _block(block: List[gast.stmt], fresh: Callable[[str], str]) -> List[gast.stmt]:
    lowered: List[gast.stmt] = []
    for stmt in block:
        _inner_blocks(stmt, fresh)
        if isinstance(stmt, LOOPS) and stmt.orelse:
            lowered += _without_else(stmt, fresh)
        else:
            lowered.append(stmt)
    return lowered


def _inner_blocks(stmt: gast.stmt, fresh: Callable[[str], str]) -> None:
    """Lower the loops inside stmt first: an inner loop's `else` may hold a `break` of stmt's."""
    for field in ("body", "orelse", "finalbody"):
        block = getattr(stmt, field, None)
        if block:
            setattr(stmt, field, _block(block, fresh))
    for handler in getattr(stmt, "handlers", None) or []:
        handler.body = _block(handler.body, fresh)


def _without_else(loop: gast.stmt, fresh: Callable[[str], str]) -> List[gast.stmt]:
    flag = fresh("_broke")
    loop.body = _flagged_breaks(loop.body, flag)
    orelse, loop.orelse = loop.orelse, []
    unset = nodes.copy_location(nodes.assign(flag, nodes.constant(False)), loop)
    return [unset, loop, nodes.copy_location(nodes.if_(nodes.not_(nodes.name(flag)), orelse), loop)]


def _flagged_breaks(block: List[gast.stmt], flag: str) -> List[gast.stmt]:
    """block with `flag = True` before each `break` that leaves the loop block belongs to."""
    flagged: List[gast.stmt] = []
    for stmt in block:
        if isinstance(stmt, gast.Break):
            flagged.append(nodes.copy_location(nodes.assign(flag, nodes.constant(True)), stmt))
        elif not isinstance(stmt, LOOPS + SCOPES):  # an inner loop's breaks are its own
            for field in ("body", "orelse", "finalbody"):
                if getattr(stmt, field, None):
                    setattr(stmt, field, _flagged_breaks(getattr(stmt, field), flag))
            for handler in getattr(stmt, "handlers", None) or []:
                handler.body = _flagged_breaks(handler.body, flag)
        flagged.append(stmt)
    return flagged
