"""`heapq.nlargest` and `heapq.nsmallest`, written as reads of the items at the positions heapq picks.

heapq is run by a helper over the positions of the items, comparing the items themselves (or
their keys, the key called on each as heapq calls it), so that the items it picks, ties and all,
are those the call returns; no derivative flows through the comparisons, and the items read at
those positions carry it::

    top = heapq.nlargest(k, scores, key=abs)

becomes::

    top = [_items[_position] for _count in [k] for _items in [scores]
           for _position in heap_positions(_items, _count, abs, True, <file>, <line>)]

The count and the sequence are evaluated once, in this order; the key must be a name, an
attribute or a lambda reading none of the function's variables (its evaluation, after them, has
no effect; another key is refused at the call). The sequence must be read by position (a list, a
tuple, an array: refused when the derived function runs otherwise).
"""
from __future__ import annotations

import heapq
from typing import Callable, List, Optional

import gast

from adjoint import nodes, runtime
from adjoint.errors import UnsupportedSyntaxError
from adjoint.frontend.held import let_go
from adjoint.frontend.parse import ParsedFunction
from adjoint.frontend.resolve import resolve
from adjoint.normalize.keyed import call_free

SELECTIONS = {heapq.nlargest: True, heapq.nsmallest: False}  # whether the largest are picked


def lower_heap_selections(parsed: ParsedFunction, fresh: Callable[[str], str], calls: List[gast.Call]) -> None:
    """Rewrite the calls of heapq.nlargest and heapq.nsmallest among `calls` (see the module)."""
    local_names = None
    for call in calls:
        if not isinstance(call.func, gast.Attribute) and not isinstance(call.func, gast.Name):
            continue
        local_names = local_names or frozenset(nodes.names_stored(parsed.node)) | set(nodes.parameters(parsed.node))
        callee = resolve(call.func, parsed, local_names)
        if not any(callee is known for known in SELECTIONS):
            continue
        arguments = _arguments(call)
        if arguments is None:
            continue
        if not _inert_key(arguments[2], local_names):
            order = ", reverse=True" if SELECTIONS[callee] else ""
            raise UnsupportedSyntaxError(
                "heapq", f"{callee.__name__} is differentiated with a key that is a name, an attribute or a lambda "
                f"reading none of the function's variables; write `sorted(xs, key=...{order})[:n]`, which is what "
                "it computes", parsed.info.location(call))
        let_go(parsed.node)
        nodes.replace_node(parsed.node, call, nodes.copy_location(
            _positions_read(call, arguments, SELECTIONS[callee], parsed, fresh, local_names), call))


def _arguments(call: gast.Call) -> Optional[List[gast.expr]]:
    """[n, iterable, key] of the call (key a None constant where none is given), None for a call
    spelled otherwise (left to be refused as before)."""
    keywords = {k.arg: k.value for k in call.keywords}
    if any(isinstance(arg, gast.Starred) for arg in call.args) or None in keywords \
            or set(keywords) - {"key"} or len(call.args) + len(keywords) not in (2, 3) or len(call.args) < 2:
        return None
    n, iterable = call.args[:2]
    key = call.args[2] if len(call.args) == 3 else keywords.get("key", nodes.constant(None))
    return [n, iterable, key]


def _inert_key(key: gast.expr, local_names) -> bool:
    """A key whose evaluation has no effect and reads no variable of the function's."""
    body = key.body if isinstance(key, gast.Lambda) else key
    if not isinstance(key, gast.Lambda) and not call_free(key):
        return False
    return not set(nodes.names_read(body)) & set(local_names) and not any(
        isinstance(node, gast.NamedExpr) for node in nodes.walk(body))


def _positions_read(call: gast.Call, arguments: List[gast.expr], largest: bool, parsed: ParsedFunction,
                    fresh: Callable[[str], str], local_names) -> gast.ListComp:
    n, iterable, key = arguments
    count, items, position = fresh("_count"), fresh("_items"), fresh("_position")
    helper = nodes.name(parsed.bind("heap_positions", runtime.heap_positions, fresh, local_names))
    where = [nodes.constant(parsed.info.filename), nodes.constant(parsed.info.location(call).lineno)]
    positions = nodes.call(helper, [nodes.name(items), nodes.name(count), key, nodes.constant(largest)] + where)
    clauses = [_clause(count, gast.List(elts=[n], ctx=gast.Load())),
               _clause(items, gast.List(elts=[iterable], ctx=gast.Load())), _clause(position, positions)]
    return gast.ListComp(elt=nodes.subscript(nodes.name(items), nodes.name(position)), generators=clauses)


def _clause(target: str, iterable: gast.expr) -> gast.comprehension:
    return gast.comprehension(target=nodes.name(target, store=True), iter=iterable, ifs=[], is_async=0)
