"""Ranks: the number of dimensions of a function's local arrays, where it can be told from their definitions.

analysis/sharing.py asks it whether `a[i]` selects a number (one index per dimension of `a`) or
a view of a row.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Set

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.analysis.calls import CallClassifier
from adjoint.analysis.kinds import SCALAR, rank_of


SHAPED_LIKE = (np.zeros_like, np.ones_like, np.empty_like, np.full_like, np.copy, runtime.copied)
SHAPED_BY = (np.zeros, np.ones, np.empty, np.full)


UNKNOWN_RANK = -1  # more than one number of dimensions, or one this analysis cannot tell


def array_ranks(func_node: gast.FunctionDef, kinds: Dict[str, str], classifier: CallClassifier) -> Dict[str, int]:
    """The number of dimensions of local arrays, so that `a[i]` of a 1-D array is known to be a number,
    not a view: those made by np.zeros(n), np.eye(n), np.zeros_like(x), ... and elementwise arithmetic
    on them (`state = state + dt * rate`), every definition of a name agreeing.

    An optimistic fixed point: a name starts with no definition seen, each definition joins
    its rank in (arithmetic takes the largest rank of its operands, as broadcasting does), and
    disagreement or anything else is UNKNOWN_RANK; a name bound other than by `name = value`
    (a loop target, an unpacking) is unknown."""
    definitions: Dict[str, List[gast.expr]] = {}
    unknown: Set[str] = set()
    for stmt in nodes.statements(func_node):
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            definitions.setdefault(stmt.targets[0].id, []).append(stmt.value)
        else:
            unknown.update(_bound_by(stmt))
    ranks: Dict[str, Optional[int]] = dict.fromkeys(definitions)
    ranks.update({a.id: _parameter_rank(kinds.get(a.id)) for a in func_node.args.args + func_node.args.kwonlyargs})
    ranks.update(dict.fromkeys(unknown, UNKNOWN_RANK))
    tuples = {name: values[0] for name, values in definitions.items()  # shapes: `_t2 = (3, len(x))`
              if len(values) == 1 and isinstance(values[0], gast.Tuple) and name not in unknown}
    changed = True
    while changed:
        changed = False
        for name, values in definitions.items():
            rank = ranks.get(name)
            for value in values:
                rank = _joined_rank(rank, _rank_of_value(value, ranks, kinds, classifier, tuples))
            if rank != ranks.get(name):
                ranks[name] = rank
                changed = True
    return {name: rank for name, rank in ranks.items() if rank is not None and rank >= 0}


def _bound_by(stmt: gast.stmt) -> List[str]:
    """The names a statement other than `name = value` binds itself (not those of its body)."""
    targets = getattr(stmt, "targets", None) or [getattr(stmt, "target", None)]
    targets += [item.optional_vars for item in getattr(stmt, "items", None) or []]
    return [name for target in targets if target is not None for name in _names_bound(target)]


def _names_bound(target: gast.expr) -> List[str]:
    """The names a target binds (`a, *b`), not those it writes into (`a[i]`, `a.b`)."""
    if isinstance(target, gast.Name):
        return [target.id]
    if isinstance(target, gast.Starred):
        return _names_bound(target.value)
    if isinstance(target, (gast.Tuple, gast.List)):
        return [name for element in target.elts for name in _names_bound(element)]
    return []


def _parameter_rank(kind: Optional[str]) -> int:
    if kind == SCALAR:
        return 0
    rank = rank_of(kind)
    return UNKNOWN_RANK if rank is None else rank


def _joined_rank(a: Optional[int], b: Optional[int]) -> Optional[int]:
    if a is None or b is None:
        return b if a is None else a
    return a if a == b else UNKNOWN_RANK


def _rank_of_value(value: gast.expr, ranks: Dict[str, Optional[int]], kinds: Dict[str, str],
                   classifier: CallClassifier, tuples: Dict[str, gast.Tuple]) -> Optional[int]:
    """value's number of dimensions from its operands' (None: an operand has no definition seen yet)."""
    if isinstance(value, gast.Constant):
        return 0 if isinstance(value.value, (int, float)) and not isinstance(value.value, bool) else UNKNOWN_RANK
    if isinstance(value, gast.Name):
        return 0 if kinds.get(value.id) == SCALAR else ranks.get(value.id, UNKNOWN_RANK)
    if isinstance(value, gast.UnaryOp) and isinstance(value.op, (gast.USub, gast.UAdd)):
        return _rank_of_value(value.operand, ranks, kinds, classifier, tuples)
    if isinstance(value, gast.BinOp) and isinstance(value.op, ELEMENTWISE):
        return _broadcast_rank([value.left, value.right], ranks, kinds, classifier, tuples)
    if isinstance(value, gast.Call):
        return _rank_of_call(value, ranks, kinds, classifier, tuples)
    if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name):
        return _rank_of_basic_index(value, ranks.get(value.value.id, UNKNOWN_RANK))
    return UNKNOWN_RANK


def _rank_of_basic_index(value: gast.Subscript, rank: Optional[int]) -> Optional[int]:
    """`a[None, :]`, `a[1:, 0]`, `a[..., None]`: a's rank, less one per integer, plus one per None
    (an index of any other form, a name among them, may be an array: unknown)."""
    if rank is None or rank == UNKNOWN_RANK:
        return rank
    parts = value.slice.elts if isinstance(value.slice, gast.Tuple) else [value.slice]
    for part in parts:
        if isinstance(part, gast.Constant) and part.value is None:
            rank += 1
        elif isinstance(part, gast.Constant) and type(part.value) is int:
            rank -= 1
        elif not isinstance(part, gast.Slice) and not (isinstance(part, gast.Constant) and part.value is Ellipsis):
            return UNKNOWN_RANK
    return rank if rank >= 0 else UNKNOWN_RANK


def _broadcast_rank(operands: List[gast.expr], ranks: Dict[str, Optional[int]], kinds: Dict[str, str],
                    classifier: CallClassifier, tuples: Dict[str, gast.Tuple]) -> Optional[int]:
    sides = [_rank_of_value(side, ranks, kinds, classifier, tuples) for side in operands]
    if UNKNOWN_RANK in sides:
        return UNKNOWN_RANK
    return None if None in sides else max(sides)


ELEMENTWISE = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow)


def _rank_of_call(call: gast.Call, ranks: Dict[str, Optional[int]], kinds: Dict[str, str], classifier,
                  tuples: Dict[str, gast.Tuple]) -> Optional[int]:
    func = classifier.classify(call).func
    first = call.args[0] if call.args else None
    if first is None:
        return UNKNOWN_RANK
    if any(func is f for f in SHAPED_BY):
        if isinstance(first, gast.Constant) or (isinstance(first, gast.Name) and kinds.get(first.id) == SCALAR):
            return 1
        shape = tuples.get(first.id) if isinstance(first, gast.Name) else first  # `(3, len(x))` in a name
        return len(shape.elts) if isinstance(shape, gast.Tuple) else UNKNOWN_RANK
    if any(func is f for f in SHAPED_LIKE) and isinstance(first, gast.Name):
        return ranks.get(first.id, UNKNOWN_RANK)
    if func is np.eye or func is np.identity:
        return 2
    if any(func is f for f in runtime.in_place.ELEMENTWISE_HELPERS) and len(call.args) == 2:  # `a op= b`
        return _broadcast_rank(call.args, ranks, kinds, classifier, tuples)
    if func is np.arange or func is np.linspace:
        return 1
    return UNKNOWN_RANK
