"""Augmented assignments: the target's index computed once, the operator marked.

`a[f(i)] += v` calls f once. desugar writes `a[k] op= v` as `a[k] = a[k] op v`, the target read and written through two
copies of its text. Python computes the index once: where it calls a function (a random
draw, a counter, a choice), the copies would read one item and write another. Every part of
the index (and of an owner's index, `a[f()][g()]`) that is not a name or a constant is
computed into a temporary first, in Python's order, and both copies read the temporary.

    a[pick(i)] += x        ->    _t1 = pick(i)
                                 a[_t1] = a[_t1] + x

The operator of `a op v` is marked `augmented`: where `a` may hold an array, its value is that of
Python's in-place operation (analysis/augmented.py).
"""
from __future__ import annotations

from typing import Callable, List

import gast

from adjoint import nodes


def index_once(target: gast.expr, fresh: Callable[[str], str], origin: gast.stmt) -> List[gast.stmt]:
    """The assignments of a subscript target's index parts to temporaries (target now reads them)."""
    prelude: List[gast.stmt] = []
    if isinstance(target, gast.Subscript):
        _hoist(target, fresh, origin, prelude)
    return prelude


def marked_operator(operator: gast.operator) -> gast.operator:
    """A new operator node like `operator`, marked as an augmented assignment's."""
    marked = type(operator)()
    marked.augmented = True
    return marked


def _hoist(target: gast.Subscript, fresh: Callable[[str], str], origin: gast.stmt, prelude: List[gast.stmt]) -> None:
    if isinstance(target.value, gast.Subscript):
        _hoist(target.value, fresh, origin, prelude)
    target.slice = _part(target.slice, fresh, origin, prelude)


def _part(index: gast.expr, fresh: Callable[[str], str], origin: gast.stmt, prelude: List[gast.stmt]) -> gast.expr:
    if isinstance(index, gast.Tuple):
        index.elts = [_part(element, fresh, origin, prelude) for element in index.elts]
        return index
    if isinstance(index, gast.Slice):
        for field in ("lower", "upper", "step"):
            bound = getattr(index, field)
            if bound is not None:
                setattr(index, field, _part(bound, fresh, origin, prelude))
        return index
    if nodes.is_atom(index) or isinstance(index, gast.Starred):
        return index
    temporary = fresh("_t")
    prelude.append(nodes.copy_location(nodes.assign(temporary, index), origin))
    return nodes.name(temporary)
