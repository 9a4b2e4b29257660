"""Writes: the in-place writes of a normalized function, and the statements each became.

Python writes in place through `c[i] = v`, `c.append(v)`, `c.pop()`, and `c += v` on an array
or a list (normalization turns `c += v` into a rebinding, remembered in `parsed.in_place`).
analysis/aliases.py checks each write; analysis/argument_facts.py tells callers which of a
function's writes reach its arguments.
"""
from __future__ import annotations

import bisect
import functools
import heapq
import inspect
import math
import operator
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Tuple

import gast
import numpy as np

from adjoint import nodes
from adjoint.analysis.calls import CallClassifier, Callee
from adjoint.analysis.item_writes import item_updates
from adjoint.analysis.kinds import SCALAR
from adjoint.analysis.sharing import Sharing
from adjoint.frontend.parse import ParsedFunction
from adjoint.nodes import is_append, is_pop
from adjoint.frontend.names import module_of

# Functions that write into their first argument: NumPy's, and the standard library's that
# change a list in place (heapq, bisect) or whatever object they are given (operator's
# setitem and in-place operators, which write into an array or a list).
STANDARD_LIBRARY_WRITERS = (
    heapq.heappush, heapq.heappop, heapq.heapify, heapq.heapreplace, heapq.heappushpop,
    bisect.insort, bisect.insort_left, bisect.insort_right,
    operator.setitem, operator.delitem, operator.iadd, operator.isub, operator.imul, operator.imatmul,
    operator.itruediv, operator.ifloordiv, operator.imod, operator.ipow, operator.iand, operator.ior,
    operator.ixor, operator.ilshift, operator.irshift, operator.iconcat,
)
# Methods that change their object in place (of lists, dicts, sets, arrays, deques), and the
# in-place operators called by name.
WRITING_METHODS = frozenset({
    "append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse",
    "update", "popitem", "setdefault",
    "add", "discard", "difference_update", "intersection_update", "symmetric_difference_update",
    "fill", "put", "itemset", "resize", "partition", "byteswap", "setfield", "shuffle",
    "appendleft", "extendleft", "popleft", "rotate",
    "__setitem__", "__delitem__", "__iadd__", "__isub__", "__imul__", "__itruediv__", "__ifloordiv__",
    "__imod__", "__ipow__", "__imatmul__", "__iand__", "__ior__", "__ixor__", "__ilshift__", "__irshift__",
})
# Where the methods of a ufunc take `out` by position (`np.add.accumulate(a, 0, None, out)`).
UFUNC_METHOD_OUT = {"reduce": 3, "accumulate": 3, "reduceat": 4}
WRITE_FIRST_ARGUMENT = (np.copyto, np.put, np.place, np.putmask, np.fill_diagonal,
                        np.put_along_axis) + STANDARD_LIBRARY_WRITERS


@dataclass(frozen=True)
class Write:
    """A write in place into what `name` holds, at `node` (a statement, or for `c += v` the
    original node normalization turned into a rebinding)."""

    name: str
    node: gast.AST
    rebound: bool  # `c += v`, normalized into a rebinding
    container: str = ""  # `c[k] += v`: a write into the item loaded into `name` (analysis/item_writes.py)
    kind: Optional[str] = None  # the kind of that item, where known


def writes_in_place(func_node: gast.FunctionDef, parsed: ParsedFunction, kinds: Dict[str, str]) -> List[Write]:
    """Every in-place write of the normalized function (not `c += v` where c holds a number)."""
    writes = [Write(name, node, True) for name, node in parsed.in_place if kinds.get(name) != SCALAR]
    writes += [Write(u.item, u.store, True, u.container, u.kind) for u in item_updates(parsed, kinds)]
    for stmt in nodes.statements(func_node):
        if is_append(stmt):
            writes.append(Write(stmt.value.func.value.id, stmt, False))
        elif isinstance(stmt, gast.Assign):
            target = stmt.targets[0]
            if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
                writes.append(Write(target.value.id, stmt, False))
            elif is_pop(stmt.value):
                writes.append(Write(stmt.value.func.value.id, stmt, False))
    return writes


def rebound_lines(parsed: ParsedFunction) -> FrozenSet[int]:
    """The lines of the `c += v` normalization turned into rebindings."""
    return frozenset(getattr(node, "lineno", None) for _, node in parsed.in_place)


def statements_of(write: Write, storage: Sharing, statements: Dict[gast.stmt, gast.stmt]) -> List[gast.stmt]:
    """The normalized statements of a write: itself, or for `c += v` the rebinding of c it became
    (every statement made of it, if normalization left no rebinding; those of its line, if none
    keeps its column)."""
    if write.node in storage.before:
        return [write.node]
    lineno = getattr(write.node, "lineno", None)
    same_line = [stmt for key, stmt in statements.items()
                 if key in storage.before and getattr(stmt, "lineno", None) == lineno]
    same_place = [stmt for stmt in same_line if stmt.col_offset == getattr(write.node, "col_offset", None)]
    same_line = same_place or same_line
    rebindings = [stmt for stmt in same_line if isinstance(stmt, gast.Assign)
                  and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id == write.name]
    return rebindings or same_line


def user_call(stmt: gast.stmt, classifier: CallClassifier):
    """The call of a user function that `x = f(...)` or `f(...)` makes, or None."""
    value = stmt.value if isinstance(stmt, (gast.Assign, gast.Expr)) else None
    if isinstance(value, gast.Call) and classifier.classify(value).kind == Callee.USER:
        return value
    return None


def writes_its_operands(call: gast.Call, classifier: CallClassifier) -> bool:
    """A NumPy call given where to write (`out=`, or by position: a ufunc's outputs, `out` of
    `np.sum(a, 0, None, out)`) or one of those that write into their first argument: an effect
    even where its result is kept."""
    func = classifier.classify(call).func
    return (any(k.arg == "out" for k in call.keywords) or isinstance(func, np.ufunc) and len(call.args) > func.nin
            or len(call.args) > out_position(func) or any(func is writer for writer in WRITE_FIRST_ARGUMENT)
            or overwriting_parameter(call, func, classifier) is not None)


def written_operands(call: gast.Call, classifier: CallClassifier) -> List[gast.expr]:
    """What a call writes_its_operands writes into: its `out`, its outputs given by position, the first
    argument of those that write there; every operand of one given an `overwrite_*` flag or an `output`."""
    func = classifier.classify(call).func
    if overwriting_parameter(call, func, classifier) is not None:
        return list(call.args) + [k.value for k in call.keywords]
    written = [k.value for k in call.keywords if k.arg == "out"]
    written = [item for value in written for item in (value.elts if isinstance(value, gast.Tuple) else [value])]
    first_output = func.nin if isinstance(func, np.ufunc) else out_position(func)
    written += call.args[int(first_output):] if first_output < len(call.args) else []
    if any(func is writer for writer in WRITE_FIRST_ARGUMENT):
        written += call.args[:1]
    return written


def overwriting_parameter(call: gast.Call, func, classifier: CallClassifier) -> Optional[str]:
    """The parameter of a NumPy or SciPy function by which the call lets it write into what it is
    given, by position or by name: an `overwrite_*` flag not written as a false constant
    (`lu_factor(a, True)`, `np.median(a, overwrite_input=flag)`), or an `output` given an array
    (`gaussian_filter(x, 1.0, output=y)`; not a dtype), np.nan_to_num's `copy` not a true constant.
    None for any other call."""
    module = module_of(func).split(".")[0]
    if module not in ("numpy", "scipy") or isinstance(func, np.ufunc):
        return None
    try:
        parameters, flags = _parameter_names(func)
    except TypeError:  # (an object that cannot be a key)
        return None
    if not flags:
        return None
    given = dict(zip(parameters, call.args))
    given.update((k.arg, k.value) for k in call.keywords if k.arg)
    for parameter, value in given.items():
        if parameter.startswith("overwrite") and not (isinstance(value, gast.Constant) and not value.value):
            return parameter
        if parameter == "output" and not isinstance(value, gast.Constant) and not _names_a_type(value, classifier):
            return parameter
        if parameter == "copy" and func is np.nan_to_num and not (isinstance(value, gast.Constant) and value.value):
            return parameter  # (it replaces NaN and infinities in its argument itself)
    return None


def _names_a_type(value: gast.expr, classifier: CallClassifier) -> bool:
    """`np.float32`, `float`, a dtype: what an `output=` may be instead of an array."""
    name = nodes.dotted_name(value)
    if name is None or name.split(".")[0] in classifier.local_names:
        return False
    found = classifier.parsed.lookup(name.split(".")[0])
    for attribute in name.split(".")[1:]:
        found = getattr(found, attribute, None)
    return isinstance(found, (type, np.dtype))


@functools.lru_cache(maxsize=None)
def _parameter_names(func) -> Tuple[Tuple[str, ...], bool]:
    """The names of the parameters a call may give by position (none where the signature is
    unknown), and whether any parameter is one overwriting_parameter looks at."""
    try:
        parameters = list(inspect.signature(func).parameters.values())
    except (TypeError, ValueError):
        return (), True  # (its keywords are looked at)
    flags = any(p.name.startswith("overwrite") or p.name in ("output", "copy") for p in parameters)
    return tuple(p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)), flags


def out_position(func) -> float:
    """Where a NumPy function other than a ufunc takes `out` by position (inf where it takes none)."""
    if isinstance(getattr(func, "__self__", None), np.ufunc):
        return UFUNC_METHOD_OUT.get(func.__name__, math.inf)
    if isinstance(func, np.ufunc) or not module_of(func).startswith("numpy"):
        return math.inf
    return _position_of_out(func)


@functools.lru_cache(maxsize=None)
def _position_of_out(func) -> float:
    try:
        parameters = list(inspect.signature(func).parameters.values())
    except (TypeError, ValueError):
        return math.inf
    return next((position for position, parameter in enumerate(parameters) if parameter.name == "out"
                 and parameter.kind is parameter.POSITIONAL_OR_KEYWORD), math.inf)
