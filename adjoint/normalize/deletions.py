"""`del name` in the function's own body, where nothing after it uses the name: dropped; `del xs[i]`
of a local name, anywhere: `xs.pop(i)`, which it is for a list and for a dict.

Deleting a local name frees its value and makes a later read an error. Where no later
statement of the body reads or assigns the name, the deletion changes nothing the function
computes, and the derivative code (which keeps what its backward sweep needs) leaves it out.
A `del` of a name used again or not surely bound (assigned in a branch: Python may raise), or
in a branch or loop, of an attribute, or of a slice, stays for the checker to refuse at its line.
The pop is differentiated as a list's (normalize/method_statements.py), which checks when it runs
that xs holds a list, or as a dict's where xs is a dict the function builds (normalize/dict_writes.py).

Before::

    del xs[i], d["a"]

After::

    xs.pop(i)
    d.pop("a")
"""
from __future__ import annotations

from typing import List

import gast

from adjoint import nodes
from adjoint.frontend.held import let_go


def drop_dead_deletions(func_node: gast.FunctionDef) -> None:
    """Take out of func_node's body each `del` of names that no later statement mentions, and write
    each `del` of items of local names as pops."""
    _items_as_pops(func_node)
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


def _items_as_pops(func_node: gast.FunctionDef) -> None:
    """`del xs[i], ys[j]` -> `xs.pop(i)`, `ys.pop(j)` (in order, as Python deletes them), in every block
    of the function, where every target is an item of a local name by an index that is no slice."""
    local_names = set(nodes.names_stored(func_node)) | set(nodes.parameters(func_node))
    for stmt in [func_node] + nodes.statements(func_node):
        for field in ("body", "orelse"):
            block = getattr(stmt, field, None)
            if isinstance(block, list) and any(_deletes_items(s, local_names) for s in block):
                let_go(func_node)
                setattr(stmt, field, [pop for s in block for pop in _as_pops(s, local_names)])


def _deletes_items(stmt: gast.stmt, local_names) -> bool:
    return isinstance(stmt, gast.Delete) and all(
        isinstance(t, gast.Subscript) and isinstance(t.value, gast.Name) and t.value.id in local_names
        and not isinstance(t.slice, gast.Slice) for t in stmt.targets)


def _as_pops(stmt: gast.stmt, local_names) -> List[gast.stmt]:
    if not _deletes_items(stmt, local_names):
        return [stmt]
    return [nodes.copy_location(nodes.method_call(t.value.id, "pop", nodes.load_copy(t.slice)), stmt)
            for t in stmt.targets]
