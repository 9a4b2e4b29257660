"""Positions: whether the tuple a function returns holds objects apart, each made by the function.

`a, b = pair(x)` binds a and b to the items of the tuple pair returns. A write through `a` is
seen by b when both may be one object (`v = [x]; return v, v`), or one object from outside
(a global reached twice). When pair builds its tuple just before it returns, of objects it made
itself (literals, arithmetic, NumPy: sharing.made_roots) that share memory with neither one
another, nor its arguments, nor anything from outside (the roots sharing.py gives them), each
position of its result is memory of its own in the caller, and a write into one position leaves
the others exact.
"""
from __future__ import annotations

from typing import Dict, Optional, Set

import gast

from adjoint import nodes
from adjoint.analysis.calls import CallClassifier
from adjoint.analysis.kinds import SCALAR
from adjoint.analysis.sharing import Sharing, made_roots
from adjoint.frontend.parse import ParsedFunction


def returned_positions(parsed: ParsedFunction, kinds: Dict[str, str], classifier: CallClassifier,
                       returns) -> Optional[int]:
    """The length of the tuple normalized function `parsed` returns, when it builds it just before
    its return (`r = (a, b); return r`) of objects apart that it made; None otherwise."""
    func_node = parsed.node
    body = func_node.body
    if len(body) < 2 or not isinstance(body[-1], gast.Return) or not isinstance(body[-1].value, gast.Name):
        return None
    built, name = body[-2], body[-1].value.id
    if nodes.assigned_name(built) != name or not isinstance(built.value, gast.Tuple):
        return None
    elements = built.value.elts
    if not elements or not all(isinstance(e, gast.Name) and e.id != name for e in elements):
        return None
    if parsed.in_place:  # `v += w` on a list keeps v's object, not a new one
        return None
    storage = Sharing(func_node, kinds, classifier, frozenset(), returns)
    made = made_roots(func_node, classifier)
    seen: Set[str] = set()
    for element in elements:
        if kinds.get(element.id) == SCALAR:
            continue
        roots = storage.reaches(element.id, storage.before[body[-1]])
        if not roots or not roots <= made or roots & seen:
            return None
        seen |= roots
    return len(elements)
