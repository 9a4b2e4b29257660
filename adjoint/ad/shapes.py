"""Values the adjoint sweep reads only for their shape: it saves a stand-in, not the value.

`_t4 = _t2 + _t3` in a loop has the adjoint `unbroadcast(d_t4, _t3)`, which needs of `_t3`
its shape alone (and that it is an array). The assignment that overwrites `_t3` must still
save the old `_t3` for the adjoint sweep, but it saves `shape_only(_t3)` instead: for a
NumPy array, a read-only zero-strided array of its shape and dtype, one object per shape
shared by every save; anything else unchanged. The loop's stack then holds a reference per
step, not an array per step.

    for t in _range1:
        _stack.append(shape_only(_t3))
        _t3 = h @ Wh
        ...
    for t in reversed(_range1):
        d_t3 = unbroadcast(d_t4, _t3)
        ...
        _t3 = _stack.pop()

A name qualifies when every read of it in the adjoint code is the shape argument of a
helper that reads nothing else of it (`unbroadcast`, `unreduce`, `reached`, ...): none by
value, none replayed by control flow, none through a name sharing its memory. Parameters
do not (the returned gradients take their types), nor do names written in place (their
saved items are put back into the object the name holds).

Also here: an elementwise rule's `unbroadcast` dropped where the result has the operand's shape.
"""
from __future__ import annotations

import operator
from typing import Dict, Iterable, List, Set

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.ad.code_reads import CodeReads
from adjoint.ad.recompute import control_reads
from adjoint.analysis.aliases import SHAPE_ARGUMENT
from adjoint.analysis.augmented import HELPERS as AUGMENTED_HELPERS
from adjoint.analysis.kinds import CONTAINER, MAPPING, RECORD, SCALAR, is_array
from adjoint.templates import RESULT

AUGMENTED_FUNCTIONS = tuple(AUGMENTED_HELPERS.values())  # runtime/in_place.py
NOT_ARRAYS = (SCALAR, CONTAINER, MAPPING, RECORD)  # kinds whose shape_only would be the value itself
ELEMENTWISE_OPERATORS = (operator.add, operator.sub, operator.mul, operator.truediv, operator.pow,
                         operator.mod) + runtime.in_place.ELEMENTWISE_HELPERS


def read_for_shape_only(adjoint_code: Dict[gast.stmt, List[gast.stmt]], body: List[gast.stmt], ctx,
                        reads: CodeReads, also_read: Iterable[str] = ()) -> Set[str]:
    """The names of arrays (or of values of unknown kind) that the adjoint code reads only for
    their shapes; `also_read` are names read in ways the adjoint code does not show."""
    positions = {name: position for name, obj in ctx.bindings.items()
                 for helper, position in SHAPE_ARGUMENT.items() if obj is helper}
    helpers = frozenset(positions)
    if not any(reads.calls_any(stmt, helpers) for code in adjoint_code.values() for stmt in code):
        return set()  # nothing read for its shape alone
    shape_reads: Set[str] = set()
    value_reads = set(also_read) | set(nodes.parameters(ctx.func_node)) | _replayed_reads(body)
    for code in adjoint_code.values():
        for stmt in code:
            if reads.calls_any(stmt, helpers):
                _classify_reads(stmt, positions, shape_reads, value_reads)
            else:  # every name it reads, it reads for the value
                value_reads |= reads.read([stmt])
    value_reads |= ctx.sites.written  # restored in place, into the object the name holds
    return {name for name in shape_reads - value_reads if ctx.kinds.get(name) not in NOT_ARRAYS}


def _classify_reads(stmt: gast.stmt, positions: Dict[str, int], shape_reads: Set[str], value_reads: Set[str]) -> None:
    """positions: the name of each helper that reads an argument for its shape alone -> that argument's position."""
    found = nodes.every_node(stmt)
    in_shape_position = set()
    for node in found:
        position = _shape_position(node, positions)
        if position is not None:
            in_shape_position.add(id(node.args[position]))
    for node in found:
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
            (shape_reads if id(node) in in_shape_position else value_reads).add(node.id)


def _shape_position(node: gast.AST, positions: Dict[str, int]):
    if not (isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and not node.keywords):
        return None
    position = positions.get(node.func.id)
    if position is None or len(node.args) <= position or not isinstance(node.args[position], gast.Name):
        return None
    return position


def _replayed_reads(body: List[gast.stmt]) -> Set[str]:
    """Names the adjoint sweep may read by value outside the adjoint code of statements:
    replayed tests and ranges, loop targets, insert_grad_of blocks, values put back into lists."""
    popped = {name for stmt in nodes.statements_in(body) if isinstance(stmt, gast.Assign) and nodes.is_pop(stmt.value)
              for name in nodes.names_stored(stmt.targets[0])}
    return control_reads(body) | popped


# ----- an elementwise rule's unbroadcast -----------------------------------------------------

def result_shaped_like(func, param: str, bindings: Dict[str, gast.expr], kinds: Dict[str, str]) -> bool:
    """An elementwise operation whose other operands are all numbers, or arrays of param's shape
    (analysis/same_shapes.py), has its result in param's shape; so has `a op= b`'s on an array a
    (analysis/augmented.py: an in-place operation keeps a's shape, or raises)."""
    operand = bindings.get(param)
    first = next((name for name in bindings if name != RESULT), None)  # the operator's left operand, `a`
    if param == first and isinstance(operand, gast.Name) and is_array(kinds.get(operand.id)) and any(
            func is helper for helper in AUGMENTED_FUNCTIONS):
        return True
    if not (isinstance(func, np.ufunc) or any(func is known for known in ELEMENTWISE_OPERATORS)):
        return False
    same = getattr(kinds, "same_shapes", None)
    for name, atom in bindings.items():
        if name in (param, RESULT):
            continue
        number = isinstance(atom, gast.Constant) and type(atom.value) in (int, float)
        if not number and not (isinstance(atom, gast.Name) and kinds.get(atom.id) == SCALAR) and not _one_shape(
                same, atom, operand):
            return False
    return True


def helper_result_shaped_like(func, param: str, bindings: Dict[str, gast.expr], kinds: Dict[str, str]) -> bool:
    """unbroadcast(g, x), broadcast_like(g, x) and gradient_like(g, x) of a g of x's shape: g's
    adjoint is the result's, with no call to undo a broadcast that did not happen."""
    if param != "g" or not any(func is helper for helper in _SHAPE_KEEPING_HELPERS):
        return False
    other = [atom for name, atom in bindings.items() if name not in ("g", RESULT)]
    same, g = getattr(kinds, "same_shapes", None), bindings["g"]
    return (len(other) == 1 and same is not None and isinstance(g, gast.Name) and isinstance(other[0], gast.Name)
            and same.same(g.id, other[0].id))


_SHAPE_KEEPING_HELPERS = (runtime.unbroadcast, runtime.broadcast_like, runtime.gradient_like)


def item_shaped_like(func, param: str, bindings: Dict[str, gast.expr], kinds: Dict[str, str]) -> bool:
    """`add_at(total, x, i, value)` of a value of the shape of x's item i: value's adjoint is the
    item's adjoint, with no broadcast to undo."""
    if func is not runtime.add_at or param != "value":
        return False
    same, x, index, value = (getattr(kinds, "same_shapes", None), bindings.get("x"), bindings.get("index"),
                             bindings.get("value"))
    return (same is not None and isinstance(x, gast.Name) and isinstance(value, gast.Name)
            and isinstance(index, gast.Constant) and type(index.value) is int
            and same.item_same(value.id, x.id, index.value))


def _one_shape(same, a: gast.expr, b: gast.expr) -> bool:
    """a has array b's shape, or is an adjoint of that shape that may be the symbolic zero."""
    return (same is not None and isinstance(a, gast.Name) and isinstance(b, gast.Name)
            and same.same_or_zero(a.id, b.id))


def without_unbroadcast(expr: gast.expr, operand: gast.expr, bound: Dict[str, object]) -> gast.expr:
    """`unbroadcast(g, x)` (or `broadcast_like(g, x)`) -> `g`, where g already has x's shape."""
    if (isinstance(expr, gast.Call) and isinstance(expr.func, gast.Name)
            and any(bound.get(expr.func.id) is helper for helper in (runtime.unbroadcast, runtime.broadcast_like))
            and len(expr.args) == 2 and isinstance(expr.args[1], gast.Name) and isinstance(operand, gast.Name)
            and expr.args[1].id == operand.id):
        return expr.args[0]
    return expr


# ----- helpers whose adjoint takes the symbolic zero ----------------------------------------

# Runtime helpers (met in derivative code differentiated again) whose adjoint rules give a zero
# of the right shape from the symbolic zero `0.0` when every value they touch is a number or an
# array: unbroadcast's adjoint broadcasts it, broadcast_like's and gradient_like's unbroadcast it,
# add_adjoints' passes it on. (unreduce's sums it over an axis: not for a number.)
_ZERO_TAKING_HELPERS = (runtime.unbroadcast, runtime.broadcast_like, runtime.gradient_like, runtime.add_adjoints)


def helper_takes_symbolic_zero(func, bindings: Dict[str, gast.expr], kinds: Dict[str, str]) -> bool:
    """Whether the adjoint of this helper call needs no `reached` guard: its arguments and result
    are numbers or arrays (no list, whose adjoint is one item by item)."""
    if func is runtime.add_adjoints:  # its adjoint passes the result's on to both, whatever they hold
        return True
    if not any(func is helper for helper in _ZERO_TAKING_HELPERS):
        return False
    known = numbers_or_arrays(kinds)
    for atom in bindings.values():
        if isinstance(atom, gast.Constant) and type(atom.value) in (int, float):
            continue
        kind = kinds.get(atom.id) if isinstance(atom, gast.Name) else None
        if kind != SCALAR and not is_array(kind) and not (isinstance(atom, gast.Name) and atom.id in known):
            return False
    return True


def numbers_or_arrays(kinds: Dict[str, str]) -> Set[str]:
    """Names of derivative code that surely hold an array, or an array's adjoint that may be the
    symbolic zero (analysis/same_shapes.py), though their kinds do not say so."""
    same = getattr(kinds, "same_shapes", None)
    if same is None or not same.applies:
        return set()
    return {name for name in same.parent if isinstance(name, str)} | set(same.weak)
