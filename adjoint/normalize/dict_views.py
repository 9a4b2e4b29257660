"""A dict view used as a value (`max(d.values())`, `sum(d.values())`, `list(d.items())`) becomes the
list comprehension over it (`max([_v for _v in d.values()])`).

A `for` and a comprehension already iterate a dict's views by key (iteration.py), so its
values' derivatives flow through item reads; the rewrite gives a view anywhere else the same
path. A view is a live window on the dict, a list a copy: the two differ only if the dict
changes while the view is held, and a differentiated function that changes a dict it reads
through a held view is refused where the dict is written in place.
"""
from __future__ import annotations

from typing import Callable

import gast

from adjoint import nodes
from adjoint.frontend.held import let_go
from adjoint.frontend.parse import MISSING, ParsedFunction
from adjoint.frontend.resolve import resolve
from adjoint.normalize.iteration import dict_view


def listed_dict_views(parsed: ParsedFunction, fresh: Callable[[str], str]) -> None:
    """Rewrite, in parsed.node, each view of a local dict that nothing iterates directly."""
    if not any(dict_view(node) is not None for node in nodes.walk(parsed.node)):
        return  # no view at all (most functions)
    let_go(parsed.node)
    local_names = nodes.local_names(parsed.node)
    iterated = {id(node.iter) for node in nodes.walk(parsed.node) if isinstance(node, (gast.For, gast.comprehension))}
    for node in list(nodes.walk(parsed.node)):
        for field, value in gast.iter_fields(node):
            items = value if isinstance(value, list) else [value]
            for position, child in enumerate(items):
                if id(child) in iterated or not _is_local_view(child, parsed, local_names):
                    continue
                listed = nodes.copy_location(_listed(child, fresh), child)
                if isinstance(value, list):
                    value[position] = listed
                else:
                    setattr(node, field, listed)


def _is_local_view(node: gast.AST, parsed: ParsedFunction, local_names) -> bool:
    """`d.keys()`, `d.values()` or `d.items()` on a value of the function (not on a module or a global)."""
    return (isinstance(node, gast.expr) and dict_view(node) is not None
            and resolve(node.func.value, parsed, local_names) is MISSING)


def _listed(view: gast.Call, fresh: Callable[[str], str]) -> gast.ListComp:
    item = fresh("_item")
    loop = gast.comprehension(target=nodes.name(item, store=True), iter=view, ifs=[], is_async=0)
    return gast.ListComp(elt=nodes.name(item), generators=[loop])
