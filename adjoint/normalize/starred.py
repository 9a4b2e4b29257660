"""`*` of a sequence whose length the source fixes, in a call or a display: spread item by item.

    f(*(x, y), z)              ->  f(x, y, z)
    t = (x, y, x * y)          ->  t = (x, y, x * y)
    g(*t)                      ->  g(t[0], t[1], t[2])

A display spread in place is its items. A name spread is spread as its items read by position
where its one binding in the function is a tuple or list display without `*` (Python reads the
items where the call runs; `t[k]` reads the same objects there): a tuple never changes length,
and a list is spread so only where the function reads it nowhere but in such spreads, so nothing
changes its length either. Any other `*` stays, for the checker to refuse at its line."""
from __future__ import annotations

from typing import Dict, List

import gast

from adjoint import nodes
from adjoint.frontend.held import let_go


def spread_known_lengths(func_node: gast.FunctionDef) -> None:
    """Spread every `*display` and `*name` of a fixed length in func_node's calls and displays."""
    holders = [node for node in nodes.walk(func_node) if isinstance(node, gast.Call)
               or isinstance(node, (gast.Tuple, gast.List)) and isinstance(node.ctx, gast.Load)]
    holders = [node for node in holders if any(isinstance(item, gast.Starred) for item in _items(node))]
    if not holders:
        return
    lengths = _fixed_lengths(func_node)
    let_go(func_node)
    for holder in holders:
        spread = [part for item in _items(holder) for part in _spread(item, lengths)]
        if isinstance(holder, gast.Call):
            holder.args = spread
        else:
            holder.elts = spread


def _items(holder: gast.expr) -> List[gast.expr]:
    return holder.args if isinstance(holder, gast.Call) else holder.elts


def _spread(item: gast.expr, lengths: Dict[str, int]) -> List[gast.expr]:
    if not isinstance(item, gast.Starred):
        return [item]
    value = item.value
    if isinstance(value, (gast.Tuple, gast.List)) and not any(isinstance(e, gast.Starred) for e in value.elts):
        return list(value.elts)
    if isinstance(value, gast.Name) and value.id in lengths:
        return [nodes.copy_location(nodes.subscript(nodes.name(value.id), nodes.constant(k)), item)
                for k in range(lengths[value.id])]
    return [item]


def _fixed_lengths(func_node: gast.FunctionDef) -> Dict[str, int]:
    """Local names bound once, by a plain assignment of a display without `*`, whose length nothing changes."""
    stores: Dict[str, List[gast.Name]] = {}
    spread_reads, reads = set(), {}
    for node in nodes.walk(func_node):
        if isinstance(node, gast.Starred) and isinstance(node.value, gast.Name):
            spread_reads.add(id(node.value))
        elif isinstance(node, (gast.Global, gast.Nonlocal)):
            for name in node.names:
                stores.setdefault(name, []).extend([None, None])
        if isinstance(node, gast.Name):
            if isinstance(node.ctx, gast.Load):
                reads.setdefault(node.id, []).append(node)
            else:
                stores.setdefault(node.id, []).append(node)
    parameters = set(nodes.parameters(func_node))
    nested = {id(inner) for node in nodes.walk(func_node) if node is not func_node
              and isinstance(node, (gast.FunctionDef, gast.Lambda)) for inner in nodes.walk(node)}
    bindings = {id(stmt.targets[0]): stmt.value for stmt in nodes.walk(func_node)
                if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)}
    lengths = {}
    for name, stored in stores.items():
        if (len(stored) != 1 or name in parameters or stored[0] is None or id(stored[0]) in nested
                or not isinstance(stored[0].ctx, gast.Store)):
            continue
        value = bindings.get(id(stored[0]))
        if not isinstance(value, (gast.Tuple, gast.List)) or any(isinstance(e, gast.Starred) for e in value.elts):
            continue
        if isinstance(value, gast.List) and any(id(read) not in spread_reads for read in reads.get(name, ())):
            continue  # (a list read otherwise may be given to code that changes its length)
        lengths[name] = len(value.elts)
    return lengths
