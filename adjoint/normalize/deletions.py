"""`del name` in the function's own body, where nothing after it uses the name: dropped.

Deleting a local name frees its value and makes a later read an error. Where no later
statement of the body reads or assigns the name, the deletion changes nothing the function
computes, and the derivative code (which keeps what its backward sweep needs) leaves it out.
A `del` of an item or attribute, of a name used again or not surely bound (assigned in a
branch: Python may raise), or in a branch or loop, stays for the checker to refuse at its line.
"""
from __future__ import annotations

from typing import List

import gast

from adjoint import nodes
from adjoint.frontend.held import let_go


def drop_dead_deletions(func_node: gast.FunctionDef) -> None:
    """Take out of func_node's body each `del` of names that no later statement mentions."""
    body = func_node.body
    if not any(isinstance(stmt, gast.Delete) for stmt in body):
        return
    let_go(func_node)
    kept: List[gast.stmt] = []
    bound = set(nodes.parameters(func_node))  # names surely bound where the body reaches a statement
    for position, stmt in enumerate(body):
        if not (isinstance(stmt, gast.Delete) and _unused_after(stmt, body[position + 1:], bound)):
            kept.append(stmt)
        if isinstance(stmt, gast.Assign):
            bound.update(target.id for target in stmt.targets if isinstance(target, gast.Name))
    func_node.body = kept or [nodes.copy_location(gast.Pass(), body[-1])]


def _unused_after(stmt: gast.Delete, rest: List[gast.stmt], bound: set) -> bool:
    """`del` of names surely bound here (else Python raises) that nothing after mentions."""
    if not all(isinstance(target, gast.Name) and target.id in bound for target in stmt.targets):
        return False
    names = {target.id for target in stmt.targets}
    return not any(isinstance(node, gast.Name) and node.id in names
                   for later in rest for node in nodes.walk(later))
