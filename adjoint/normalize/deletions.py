"""`del name` in the function's own body, where nothing after it uses the name: dropped; `del xs[i]`
of a local name, anywhere: `xs.pop(i)`, which it is for a list and for a dict; `del xs[i:j]` (and
`del xs[i:j:k]`) the list of the items it keeps, the name rebound to it as a pop's is.

Deleting a local name frees its value and makes a later read an error. Where no later
statement of the body reads or assigns the name, the deletion changes nothing the function
computes, and the derivative code (which keeps what its backward sweep needs) leaves it out.
A `del` of a name used again or not surely bound (assigned in a branch: Python may raise), or
in a branch or loop, or of an attribute, stays for the checker to refuse at its line.
The pop is differentiated as a list's (normalize/method_statements.py), which checks when it runs
that xs holds a list, or as a dict's where xs is a dict the function builds (normalize/dict_writes.py);
a slice's deletion checks that xs holds a list (runtime.deleted_span, runtime.kept_positions).

Before::

    del xs[i], d["a"]
    del xs[i:j]

After::

    xs.pop(i)
    d.pop("a")
    _span = deleted_span(xs, i, j, ...)
    xs = list(xs[:_span[0]]) + list(xs[_span[1]:])
"""
from __future__ import annotations

from typing import Callable, List

import gast

from adjoint import nodes, runtime
from adjoint.frontend.held import let_go
from adjoint.frontend.parse import ParsedFunction


def drop_dead_deletions(parsed: ParsedFunction, fresh: Callable[[str], str]) -> None:
    """Take out of the function's body each `del` of names that no later statement mentions, and
    write each `del` of items of local names as pops, of slices as the list of the items kept."""
    func_node = parsed.node
    _items_as_pops(parsed, fresh)
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


def _items_as_pops(parsed: ParsedFunction, fresh: Callable[[str], str]) -> None:
    """`del xs[i], ys[j]` -> `xs.pop(i)`, `ys.pop(j)` (in order, as Python deletes them), and `del xs[i:j]`
    -> the list of the items it keeps (_kept), in every block of the function, where every target is an
    item or a slice of a local name."""
    func_node = parsed.node
    local_names = set(nodes.names_stored(func_node)) | set(nodes.parameters(func_node))
    for stmt in [func_node] + nodes.statements(func_node):
        for field in ("body", "orelse"):
            block = getattr(stmt, field, None)
            if isinstance(block, list) and any(_deletes_items(s, local_names) for s in block):
                let_go(func_node)
                setattr(stmt, field, [new for s in block for new in _as_pops(s, local_names, parsed, fresh)])


def _deletes_items(stmt: gast.stmt, local_names) -> bool:
    return isinstance(stmt, gast.Delete) and all(
        isinstance(t, gast.Subscript) and isinstance(t.value, gast.Name) and t.value.id in local_names
        for t in stmt.targets)


def _as_pops(stmt: gast.stmt, local_names, parsed: ParsedFunction, fresh) -> List[gast.stmt]:
    if not _deletes_items(stmt, local_names):
        return [stmt]
    out = []
    for target in stmt.targets:
        owner = target.value.id
        if isinstance(target.slice, gast.Slice):
            out.extend(_kept(owner, target.slice, parsed, fresh, local_names, stmt))
            parsed.in_place.append((owner, out[-1]))  # (analysis/aliases.py: another name holding the list)
        else:
            out.append(nodes.method_call(owner, "pop", nodes.load_copy(target.slice)))
    return [nodes.copy_location(new, stmt) for new in out]


def _kept(owner: str, bounds: gast.Slice, parsed: ParsedFunction, fresh, local_names, stmt) -> List[gast.stmt]:
    """`_span = deleted_span(xs, lower, upper, ...)`, `xs = list(xs[:_span[0]]) + list(xs[_span[1]:])`,
    as `xs.pop(i)` is written; with a step, `xs = [xs[_p] for _p in kept_positions(xs, lower, upper, step,
    ...)]`."""
    where = parsed.info.location(stmt)
    place = [nodes.constant(where.filename), nodes.constant(where.lineno)]
    parts = [nodes.load_copy(part) if part is not None else nodes.constant(None)
             for part in (bounds.lower, bounds.upper, bounds.step)]
    if bounds.step is None:
        helper = nodes.name(parsed.bind("deleted_span", runtime.deleted_span, fresh, local_names))
        span, listed = fresh("_span"), parsed.bind("list", list, fresh, local_names)
        head = gast.Slice(lower=None, upper=nodes.subscript(nodes.name(span), nodes.constant(0)), step=None)
        tail = gast.Slice(lower=nodes.subscript(nodes.name(span), nodes.constant(1)), upper=None, step=None)
        kept = nodes.add(nodes.call(nodes.name(listed), [nodes.subscript(nodes.name(owner), head)]),
                         nodes.call(nodes.name(listed), [nodes.subscript(nodes.name(owner), tail)]))
        return [nodes.assign(span, nodes.call(helper, [nodes.name(owner)] + parts[:2] + place)),
                nodes.assign(owner, kept)]
    helper = nodes.name(parsed.bind("kept_positions", runtime.kept_positions, fresh, local_names))
    position = fresh("_position")
    read = nodes.subscript(nodes.name(owner), nodes.name(position))
    positions = nodes.call(helper, [nodes.name(owner)] + parts + place)
    kept = gast.ListComp(elt=read, generators=[gast.comprehension(nodes.name(position, store=True), positions, [], 0)])
    return [nodes.assign(owner, kept)]
