"""The code saving what a statement overwrites before it runs, and putting it back after its adjoint.

A name's old value is pushed and popped back into the name; an item's old value is pushed as a
snapshot (later writes into it cannot change the copy) and written back. A write by key into
what may be a dict may add the key instead (`od["b"] = v` of an `OrderedDict()` lacking "b"): its
save remembers that the key was absent (runtime.AbsentItem), and its restore, a write of what the save
saved as any other, is followed by `drop_if_absent`, which takes the key away again: the adjoint sweep
sees the dict's keys, and their order, as they were, and a second derivative sees a write by key.
"""
from __future__ import annotations

from typing import List, Set

import gast

from adjoint import nodes
from adjoint.analysis.kinds import CONTAINER, SCALAR, is_array
from adjoint.analysis.saves import Saves
from adjoint.nodes import is_append


def save(ctx, saves: Saves, shape_only: Set[str], stmt: gast.stmt) -> List[gast.stmt]:
    """The push of what stmt overwrites, where the adjoint sweep reads it."""
    if not saves.at(stmt) or not isinstance(stmt, gast.Assign):
        return []
    target = stmt.targets[0]
    if isinstance(target, gast.Name) and target.id in shape_only:
        return [ctx.push(nodes.call(ctx.runtime("shape_only"), [nodes.name(target.id)]), stmt)]
    if isinstance(target, gast.Name):
        return [ctx.push(nodes.name(target.id), stmt)]
    if _may_add_a_key(ctx, target):
        old = nodes.call(ctx.runtime("saved_item"), [nodes.load_copy(target.value), nodes.load_copy(target.slice)])
    else:
        old = nodes.call(ctx.runtime("snapshot"), [nodes.load_copy(target)])
    return [ctx.push(old, stmt)]


def restore(ctx, saves: Saves, stmt: gast.stmt) -> List[gast.stmt]:
    """Puts back what `save` pushed (and an item a pop took out of its list)."""
    code = []
    if saves.refills(stmt):
        owner = stmt.value.func.value.id
        code.append(nodes.method_call(owner, "append", nodes.name(stmt.targets[0].id)))
    if saves.at(stmt):
        if is_append(stmt):
            code.append(nodes.method_call(stmt.value.func.value.id, "pop"))
        else:
            code.extend(_written_back(ctx, stmt))
    return [nodes.copy_location(s, stmt) for s in code]


def _written_back(ctx, stmt: gast.Assign) -> List[gast.stmt]:
    target = stmt.targets[0]
    if isinstance(target, gast.Subscript) and _may_add_a_key(ctx, target):
        arguments = [nodes.load_copy(target.value), nodes.load_copy(target.slice)]
        return [ctx.pop_into(target, stmt), gast.Expr(value=nodes.call(ctx.runtime("drop_if_absent"), arguments))]
    store = nodes.name(target.id, store=True) if isinstance(target, gast.Name) else target
    return [ctx.pop_into(store, stmt)]


def _may_add_a_key(ctx, target: gast.Subscript) -> bool:
    """Whether `c[k] = v` may write into a dict (c not known to be an array, a list or a number), by
    a key that is no slice."""
    parts = target.slice.elts if isinstance(target.slice, gast.Tuple) else [target.slice]
    if any(isinstance(part, gast.Slice) for part in parts):
        return False
    kind = ctx.kind_of(target.value)
    return not (is_array(kind) or kind in (CONTAINER, SCALAR))
