"""A set comprehension becomes the set of the list comprehension of its clauses:
`{i % 3 for i in range(n)}` -> `set([i % 3 for i in range(n)])`.

Python evaluates both the same way, item by item in the clauses' order, and the set keeps each
distinct item once. The list comprehension is then lowered as any other, and `set` of it is
read as any call of the builtin: of items the derivative does not flow through (a set's order
is not its items', so no derivative follows values through it; one of differentiated values is
refused at the line). Where `set` is a name of the function or of its module, not the builtin,
the comprehension is left to be refused.
"""
from __future__ import annotations

import gast

from adjoint import nodes
from adjoint.frontend.held import let_go
from adjoint.frontend.parse import ParsedFunction


def listed_set_comprehensions(parsed: ParsedFunction) -> None:
    """Rewrite each set comprehension of parsed.node as `set` of a list comprehension."""
    found = [node for node in nodes.walk(parsed.node) if isinstance(node, gast.SetComp)]
    if not found or parsed.lookup("set") is not set or "set" in nodes.local_names(parsed.node):
        return
    let_go(parsed.node)
    nodes.rewrite(parsed.node, _listed)


def _listed(node: gast.AST) -> gast.AST:
    if not isinstance(node, gast.SetComp):
        return node
    listed = nodes.copy_location(gast.ListComp(elt=node.elt, generators=node.generators), node)
    return nodes.copy_location(nodes.call_named("set", listed), node)
