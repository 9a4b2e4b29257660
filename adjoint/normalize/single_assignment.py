"""Derivative code read again: a name assigned again in the function's own body gets a new name.

Code adjoint wrote accumulates into one name (`d_t3 = item_adjoint(d_t6, 2)`, then
`d_t3 = d_t3 - g`) and rebinds what it restores (`_stack = list(_stack)`). Differentiated
again, each such overwrite makes the forward sweep save the old value on a stack for the
backward sweep to put back, and the stack, read by the next order's code, makes it save and
restore more: the code grows several times over at each order. With one name per value,
nothing is overwritten and nothing saved.

A name qualifies when every binding of it is a `name = value` (or an unpacking into plain
names) among the body's own statements, and the function has no nested scope, `global`,
`nonlocal` or `del`: then each value has one binding the code reads until the next one, and
reads after a rebinding (in later statements, also inside their branches and loops, which
bind no qualifying name) are renamed to the new name. A parameter keeps its name; its
rebinding gets a new one. Only code adjoint generated is rewritten (the user's code keeps its
names, and first derivatives stay as they are). `parsed.renamed` keeps each new name's old one:
a value the adjoint sweep pops back into one name was saved from another (analysis/stacks.py).
"""
from __future__ import annotations

from typing import Callable, Dict, Iterable, Set

import gast

from adjoint import nodes
from adjoint.generated import is_generated_code
from adjoint.normalize.checkpoint import loop_of

def is_derivative_code(func) -> bool:
    """Code adjoint generated as a derivative (a checkpointed loop's step is the user's code)."""
    return is_generated_code(func) and loop_of(func) is None


def rename_rebindings(parsed, fresh: Callable[[str], str]) -> None:
    """In code adjoint generated, give each rebinding of a qualifying name in the function's
    body a new name (see the module)."""
    func_node = parsed.node
    if not is_derivative_code(parsed.func) or _has_scopes_or_declarations(func_node):
        return
    body = func_node.body
    excluded = _bound_otherwise(body)
    bound: Set[str] = set(nodes.parameters(func_node))
    current: Dict[str, str] = {}
    for stmt in body:
        _rename_loads(stmt, current)
        targets = _plain_targets(stmt)
        for target in targets:
            name = target.id
            if name in excluded:
                continue
            if name in bound:
                current[name] = target.id = fresh(name + "_")
                parsed.renamed[target.id] = name
            else:
                bound.add(name)


def _has_scopes_or_declarations(func_node: gast.FunctionDef) -> bool:
    scoped = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef, gast.Global, gast.Nonlocal,
              gast.Delete, gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp)
    return any(isinstance(node, scoped) for stmt in func_node.body for node in nodes.every_node(stmt))


def _plain_targets(stmt: gast.stmt) -> Iterable[gast.Name]:
    """The names a top-level `name = value` or `a, b = value` binds (none for anything else)."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1):
        return []
    target = stmt.targets[0]
    if isinstance(target, gast.Name):
        return [target]
    if isinstance(target, (gast.Tuple, gast.List)) and all(isinstance(e, gast.Name) for e in target.elts):
        return list(target.elts)
    return []


def _bound_otherwise(body) -> Set[str]:
    """Names bound anywhere but as the plain targets of a top-level assignment."""
    found: Set[str] = set()
    for stmt in body:
        plain = {id(target) for target in _plain_targets(stmt)}
        for node in nodes.every_node(stmt):
            if isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Load) and id(node) not in plain:
                found.add(node.id)
    return found


def _rename_loads(stmt: gast.stmt, current: Dict[str, str]) -> None:
    if not current:
        return
    for node in nodes.every_node(stmt):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
            node.id = current.get(node.id, node.id)
