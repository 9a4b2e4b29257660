"""What Python evaluates before what, within one statement: the order a lowering keeps when it
computes part of an expression ahead of the statement (normalize/comprehensions.py)."""
from __future__ import annotations

from typing import List

import gast

from adjoint import nodes


def either_branches(holder: gast.expr, either: str) -> List[gast.stmt]:
    """`either = ...` computed as `holder` (an `and`/`or`, or `... if ... else ...`) computes it,
    each operand evaluated only where Python evaluates it."""
    if isinstance(holder, gast.IfExp):
        return [nodes.if_(holder.test, [nodes.assign(either, holder.body)], [nodes.assign(either, holder.orelse)])]
    first, *rest = holder.values
    statements = [nodes.assign(either, first)]
    inner = statements
    for value in rest:
        taken = nodes.name(either)
        test = taken if isinstance(holder.op, gast.And) else nodes.not_(taken)
        branch = nodes.if_(test, [nodes.assign(either, value)], [])
        inner.append(branch)
        inner = branch.body
    return statements


def path_to(root: gast.AST, target: gast.AST) -> List[gast.AST]:
    """The nodes from root down to target, both included ([] when target is not under root)."""
    if root is target:
        return [root]
    for child in nodes.children(root):
        below = path_to(child, target)
        if below:
            return [root] + below
    return []


def evaluated_before(parent: gast.AST, child: gast.AST) -> List[gast.expr]:
    """The expressions under parent that Python evaluates before child: earlier operands and
    arguments (for a method called on a value, that value), not child's own subtrees."""
    before: List[gast.expr] = []
    for sibling in nodes.children(parent):
        if sibling is child:
            break
        if isinstance(sibling, gast.keyword):
            sibling = sibling.value
        if isinstance(parent, gast.Call) and sibling is parent.func:
            while isinstance(sibling, gast.Attribute):
                sibling = sibling.value
        if isinstance(sibling, gast.expr):
            before.append(sibling)
    return before
