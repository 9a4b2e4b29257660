"""Which names hold plain numbers: scalar code then gets scalar derivative code (no unbroadcast).

Parameters start from the kinds of the call's arguments (`scalar`, `container` for lists
and tuples, `array:N` for N-dimensional NumPy arrays, `mapping` for dicts, `record` for
dataclass instances, `unknown` for anything else); the kinds of local names follow from
their definitions, iterated from "no information" to a fixed point.
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Dict, Optional, Set, Tuple

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.analysis.calls import CallClassifier, Callee
from adjoint.nodes import is_append
from adjoint.normalize.views import ARRAY_MAKERS

SCALAR, CONTAINER, ARRAY, UNKNOWN = "scalar", "container", "array", "unknown"
MAPPING, RECORD = "mapping", "record"
_BOTTOM = None
_SCALAR_BUILTINS = {len, float, int, round, abs, min, max, pow, bool}
_FULL_REDUCTIONS = (np.sum, np.mean, np.prod, np.max, np.min, np.amax, np.amin, np.var, np.std, np.linalg.norm, np.trace)


def _has_axis(call: gast.Call) -> bool:
    """A reduction given an axis (positionally or by keyword) may keep dimensions."""
    return len(call.args) > 1 or any(k.arg in ("axis", "keepdims", "ord", "axis1", "axis2") for k in call.keywords)


def _may_return_the_step(call: gast.Call) -> bool:
    """Whether np.linspace's retstep (its fifth argument) may be true in this call."""
    given = call.args[4:5] + [k.value for k in call.keywords if k.arg == "retstep"]
    return any(not (isinstance(value, gast.Constant) and not value.value) for value in given)


def _slices(index: gast.expr) -> bool:
    """An index with a slice (`x[1:]`, `x[:, 0]`) selects an array, never a single element."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    return any(isinstance(part, gast.Slice) for part in parts)


def array_kind(rank: Optional[int]) -> str:
    """`array:2` for a 2-D NumPy array, `array` when the number of dimensions is not known."""
    return ARRAY if rank is None else f"{ARRAY}:{rank}"


def is_array(kind: Optional[str]) -> bool:
    return isinstance(kind, str) and kind.split(":")[0] == ARRAY


def rank_of(kind: Optional[str]) -> Optional[int]:
    """The number of dimensions an array kind records (None: not known, or not an array)."""
    parts = kind.split(":") if is_array(kind) else ()
    return int(parts[1]) if len(parts) == 2 else None


def known_ranks(kinds: Dict[str, str]) -> Dict[str, Optional[int]]:
    """The names of these kinds holding numbers (0) or arrays of a dimension or more (their number
    of dimensions, None where it is not known; a 0-d array, which may change in place, is left out)."""
    return {name: 0 if kind == SCALAR else rank_of(kind) for name, kind in kinds.items()
            if kind == SCALAR or is_array(kind) and rank_of(kind) != 0}


def _join(a: Optional[str], b: Optional[str]) -> Optional[str]:
    if a is _BOTTOM:
        return b
    if b is _BOTTOM or a == b:
        return a
    if is_array(a) and is_array(b):
        return ARRAY
    return UNKNOWN


class _Inference:
    def __init__(self, classifier: CallClassifier, kinds: Dict[str, Optional[str]], callee_kind, shapes):
        self.classifier = classifier
        self.kinds = kinds
        self.callee_kind = callee_kind
        self.items: Dict[str, Optional[str]] = {}  # the kind of every item of a list name
        self.shapes = shapes  # the tuples whose items' kinds are known (analysis/derived_kinds.py)
        self.ranges: frozenset = frozenset()  # names every definition of which is a range(...)

    def argument_kinds(self, call: gast.Call) -> Optional[Tuple[Optional[str], ...]]:
        return tuple(self.atom(a) for a in call.args), tuple((k.arg, self.atom(k.value)) for k in call.keywords)

    def atom(self, node: gast.expr) -> Optional[str]:
        if isinstance(node, gast.Constant):
            if node.value is None:
                return _BOTTOM
            return SCALAR if isinstance(node.value, (int, float, bool)) else UNKNOWN
        if isinstance(node, gast.Name):
            return self.kinds.get(node.id, UNKNOWN)
        return UNKNOWN

    def all_scalar(self, operands) -> Optional[str]:
        result = SCALAR
        for operand in operands:
            kind = self.atom(operand)
            if kind is _BOTTOM:
                result = _BOTTOM if result == SCALAR else result
            elif kind != SCALAR:
                return UNKNOWN
        return result

    def elementwise(self, operands) -> Optional[str]:
        """Numbers give a number; numbers and NumPy arrays give an array; anything else is unknown."""
        kinds = [self.atom(operand) for operand in operands]
        arrays = [rank_of(kind) for kind in kinds if is_array(kind)]
        if arrays and all(kind in (SCALAR, _BOTTOM) or is_array(kind) for kind in kinds):
            return array_kind(None if None in arrays else max(arrays))  # broadcasting keeps the most dimensions
        return self.all_scalar(operands)

    def sliced_rank(self, rank: Optional[int], index: gast.expr) -> Optional[int]:
        """`x[1:, 0]` of a 2-D array is 1-D: each number in the index removes a dimension."""
        parts = index.elts if isinstance(index, gast.Tuple) else [index]
        numbers = [p for p in parts if not isinstance(p, gast.Slice)]
        if rank is None or any(self.atom(p) != SCALAR or (isinstance(p, gast.Constant) and p.value is None)
                               for p in numbers):
            return None
        return rank - len(numbers)

    def value(self, expr: gast.expr) -> Optional[str]:
        if isinstance(expr, (gast.Name, gast.Constant)):
            return self.atom(expr)
        if isinstance(expr, gast.BinOp):
            if isinstance(expr.op, gast.MatMult):
                return UNKNOWN
            if self.joins_lists(expr):
                return self.container_operation(expr)
            return self.elementwise([expr.left, expr.right])
        if isinstance(expr, gast.Subscript):
            return self.subscript(expr)
        if isinstance(expr, gast.UnaryOp):
            return SCALAR if isinstance(expr.op, gast.Not) else self.atom(expr.operand)
        if isinstance(expr, (gast.Compare, gast.BoolOp)):
            names = [n for n in nodes.walk(expr) if isinstance(n, gast.Name)]
            return self.all_scalar(names)
        if isinstance(expr, (gast.List, gast.Tuple)):
            return CONTAINER
        if isinstance(expr, gast.Dict):
            return MAPPING
        if isinstance(expr, gast.Call):
            return self.call(expr)
        return UNKNOWN

    def subscript(self, expr: gast.Subscript) -> Optional[str]:
        """A slice of a list is a list; an item of a list whose items are all lists is a list; a
        slice of an array is an array."""
        shape = self.shapes.shape(expr)
        if shape is not None:
            return self.shapes.kind(shape)
        owner = self.atom(expr.value)
        if is_array(owner) and _slices(expr.slice):
            return array_kind(self.sliced_rank(rank_of(owner), expr.slice))
        if owner not in (CONTAINER, _BOTTOM):
            return UNKNOWN
        if isinstance(expr.slice, gast.Slice):
            return owner
        items = self.items.get(expr.value.id, _BOTTOM) if isinstance(expr.value, gast.Name) else UNKNOWN
        if getattr(expr.value, "id", None) in self.ranges:  # nothing writes into a range: its items are numbers
            return SCALAR
        return items if items in (CONTAINER, _BOTTOM) else UNKNOWN

    def is_range(self, value) -> bool:
        return isinstance(value, gast.Call) and self.classifier.classify(value).func is range

    def item_kind(self, source) -> Optional[str]:
        """The kind of the items one definition puts in a list (see _item_definitions)."""
        how, what = source
        if how == "unknown":
            return UNKNOWN
        if how == "value":
            return self.value(what)
        if how == "call":  # the items of a range are numbers; another call's are not known
            return SCALAR if self.is_range(what) else UNKNOWN
        operand = self.atom(what)
        if how == "items" or operand == CONTAINER:
            return self.items.get(what.id, _BOTTOM)
        return UNKNOWN if operand == UNKNOWN else _BOTTOM  # an unknown operand may be a list

    def made_array(self, func, expr: gast.Call) -> Optional[str]:
        """The kind of the array a NumPy maker returns, with its number of dimensions where the
        call shows it: `np.zeros(n)`, `np.zeros_like(x)`, `np.array(x)` of an array or of a list
        of numbers (or of arrays of a known number of dimensions). np.linspace with retstep gives a
        tuple (the samples and the step)."""
        if func is np.linspace and _may_return_the_step(expr):
            return CONTAINER
        if len(expr.args) < 1 or any(k.arg in ("shape", "ndmin", "subok") for k in expr.keywords):
            return ARRAY
        first = expr.args[0]
        if any(func is maker for maker in (np.zeros, np.ones, np.empty, np.full)):
            return array_kind(1) if self.atom(first) == SCALAR else ARRAY  # (a shape tuple is a name by now)
        if not any(func is maker for maker in (np.zeros_like, np.ones_like, np.empty_like, np.full_like, np.array,
                                               np.asarray)):
            return ARRAY
        kind = self.atom(first)
        if kind is _BOTTOM:
            return _BOTTOM
        if is_array(kind):
            return kind
        items = self.items.get(first.id, _BOTTOM) if kind == CONTAINER and isinstance(first, gast.Name) else UNKNOWN
        if items is _BOTTOM:
            return _BOTTOM
        if items == SCALAR:
            return array_kind(1)
        return array_kind(rank_of(items) + 1) if rank_of(items) is not None else ARRAY

    def joins_lists(self, expr: gast.BinOp) -> bool:
        """`+` of two lists or `*` of a list and a number, as far as the operands' kinds are known."""
        kinds = {self.atom(expr.left), self.atom(expr.right)}
        if CONTAINER not in kinds:
            return False
        if isinstance(expr.op, gast.Add):
            return kinds <= {CONTAINER, _BOTTOM}
        return isinstance(expr.op, gast.Mult) and kinds <= {CONTAINER, SCALAR, _BOTTOM}

    def container_operation(self, expr: gast.BinOp) -> Optional[str]:
        """The kind of `+` or `*` joining lists: a list, or bottom while an operand is unknown."""
        kinds = {self.atom(expr.left), self.atom(expr.right)}
        return CONTAINER if kinds in ({CONTAINER}, {CONTAINER, SCALAR}) else _BOTTOM

    def call(self, expr: gast.Call) -> Optional[str]:
        operation = self.classifier.classify(expr)
        if operation.kind == Callee.USER and self.callee_kind is not None:
            positional, keywords = self.argument_kinds(expr)
            if _BOTTOM in positional or any(kind is _BOTTOM for _, kind in keywords):
                return _BOTTOM
            return self.callee_kind(operation.func, positional, keywords)
        if operation.kind not in (Callee.RULE, Callee.NONDIFF):
            return UNKNOWN
        func = operation.func
        if self.shapes.is_helper(func):
            kinds = [self.atom(argument) for argument in expr.args]
            return self.shapes.helper_kind(func, kinds, lambda: self.elementwise(expr.args[:2]))
        if func in (list, tuple, range, runtime.transposed):  # (zip(*rows): a list of columns; a range's items
            return CONTAINER                                 # are numbers: item_kind)
        if func is runtime.make_record:  # a NamedTuple from a tuple of its fields, a dataclass from a dict
            return {CONTAINER: CONTAINER, MAPPING: RECORD}.get(self.atom(expr.args[0]), UNKNOWN)
        if func is runtime.with_item or func is runtime.without_key:  # a dict with an item written or deleted
            return MAPPING
        if func is runtime.replaced:  # a record with a field replaced: of the record's kind
            return self.atom(expr.args[0])
        if func is runtime.updated_record:  # a dataclass a method wrote fields of (normalize/field_writes.py)
            return RECORD
        if getattr(func, "__module__", None) == "math" or func in (len, float, int, round):
            return SCALAR
        if func in (list, tuple, sorted, runtime.listed):
            return CONTAINER
        if func is dict:  # a copy of a dict (another argument is refused where it is differentiated)
            return MAPPING
        if any(func is made for made in ARRAY_MAKERS) and all(k.arg != "like" for k in expr.keywords):  # (like=: any)
            return self.made_array(func, expr)
        if func is runtime.copied and expr.args:  # `x.copy()`: of x's kind (a list's copy is a list)
            return self.atom(expr.args[0])
        if isinstance(func, np.ufunc) and func.signature is None or func is np.copy:  # (np.matmul: a signature)
            return self.elementwise(list(expr.args) + [k.value for k in expr.keywords])
        if func in _SCALAR_BUILTINS:
            return self.all_scalar(list(expr.args) + [k.value for k in expr.keywords])
        if any(func is reduction for reduction in _FULL_REDUCTIONS) and not _has_axis(expr):
            return SCALAR
        return UNKNOWN


def infer_kinds(func_node: gast.FunctionDef, parameter_kinds: Dict[str, str],
                classifier: CallClassifier, callee_kind: Optional[Callable] = None) -> Dict[str, str]:
    """Kinds of every name. `callee_kind(func, positional_kinds, keyword_kinds)` gives the
    kind a called user function returns (None: unknown)."""
    kinds: Dict[str, Optional[str]] = dict(parameter_kinds)
    for arg in func_node.args.args + func_node.args.kwonlyargs:
        kinds.setdefault(arg.id, UNKNOWN)
    for name, cls in getattr(classifier.parsed, "classes", {}).items():  # a record of a known class
        if kinds.get(name) == UNKNOWN:
            kinds[name] = CONTAINER if issubclass(cls, tuple) else RECORD
    definitions = list(_definitions(func_node))
    item_definitions = list(_item_definitions(func_node))
    for name in {target for target, _ in definitions} - set(parameter_kinds):
        kinds[name] = _BOTTOM
    from adjoint.analysis.derived_kinds import DerivedShapes, restoring_pops  # they read this module's kinds
    shapes = DerivedShapes.of(func_node, classifier, definitions)
    restoring = restoring_pops(func_node, classifier, definitions)
    definitions = [(target, value) for target, value in definitions if id(value) not in restoring]
    inference = _Inference(classifier, kinds, callee_kind, shapes)
    made_by = [(target, inference.is_range(value) or isinstance(value, gast.Constant) and value.value is None)
               for target, value in definitions]  # (None: a range saved on a stack starts so)
    inference.ranges = (frozenset(t for t, made in made_by if made) - {t for t, made in made_by if not made}
                        - {arg.id for arg in func_node.args.args + func_node.args.kwonlyargs})
    parameters = {arg.id: UNKNOWN for arg in func_node.args.args + func_node.args.kwonlyargs}
    changed = True
    while changed:  # each definition joins its kind in at once: kinds only grow, so this ends
        changed = False
        given = []  # the kind each definition gives; in the last round, with the final kinds
        for target, value in definitions:
            given.append(value if isinstance(value, str) else inference.value(value))
            kind = _join(kinds.get(target), given[-1])
            if kinds.get(target) != kind:
                kinds[target] = kind
                changed = True
        items = dict(parameters)
        for owner, source in item_definitions:
            items[owner] = _join(items.get(owner, _BOTTOM), inference.item_kind(source))
        if items != inference.items:
            inference.items = items
            changed = True
    inferred = Kinds((name, kind if kind is not _BOTTOM else UNKNOWN) for name, kind in kinds.items())
    inferred.items_of = {name: kind if kind is not _BOTTOM else UNKNOWN for name, kind in inference.items.items()}
    inferred.sometimes_lists = {target for (target, _), kind in zip(definitions, given) if kind == CONTAINER}
    inferred.shapes = shapes.tuples(inferred)
    return inferred


class Kinds(dict):
    """The kind of every name; `items_of` holds the kind of the items of each list,
    `sometimes_lists` the names some definition of which gives a list or tuple, and `shapes` the
    kinds of the items of the tuples known by position (analysis/derived_kinds.py)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.items_of: Dict[str, str] = {}
        self.sometimes_lists: Set[str] = set()
        self.shapes: Dict[str, tuple] = {}

    def shape_of(self, name: str):
        """The name's shape: the kinds of its items by position for a tuple known so, else its kind."""
        return self.shapes.get(name) or self.get(name, UNKNOWN)


def _definitions(func_node: gast.FunctionDef):
    """(name, value expression or kind) for every way a local name gets a value."""
    for stmt in nodes.statements(func_node):
        if isinstance(stmt, gast.Assign):
            target = stmt.targets[0]
            if isinstance(target, gast.Name):
                yield target.id, stmt.value
        elif isinstance(stmt, gast.For) and isinstance(stmt.target, gast.Name):
            yield stmt.target.id, SCALAR
        elif is_append(stmt):
            yield stmt.value.func.value.id, CONTAINER
        elif isinstance(stmt, gast.With) and isinstance(stmt.items[0].optional_vars, gast.Name):
            yield stmt.items[0].optional_vars.id, UNKNOWN


def _item_definitions(func_node: gast.FunctionDef):
    """(list name, source) for every way items enter a list: ("value", expr) puts expr's value in,
    ("items", name) the items of another list, ("items if a list", atom) those of an operand of
    `+` or `*` when it is a list, ("call", call) those of what a call returns (a range's: numbers),
    ("unknown", None) items a definition by any other operation gives."""
    for stmt in nodes.statements(func_node):
        if is_append(stmt):
            yield stmt.value.func.value.id, ("value", stmt.value.args[0])
        if not isinstance(stmt, gast.Assign):
            continue
        target, value = stmt.targets[0], stmt.value
        if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
            yield target.value.id, ("value", value)
        if not isinstance(target, gast.Name):
            continue
        if isinstance(value, (gast.List, gast.Tuple)):
            for element in value.elts:
                yield target.id, ("value", element)
        elif isinstance(value, gast.BinOp) and isinstance(value.op, (gast.Add, gast.Mult)):
            for operand in (value.left, value.right):
                if isinstance(operand, gast.Name):
                    yield target.id, ("items if a list", operand)
        elif (isinstance(value, gast.Subscript) and isinstance(value.slice, gast.Slice)
              and isinstance(value.value, gast.Name)):
            yield target.id, ("items", value.value)
        elif isinstance(value, gast.Name):
            yield target.id, ("items", value)
        elif isinstance(value, gast.Call):
            yield target.id, ("call", value)
        else:
            yield target.id, ("unknown", None)


def possible_lists(func_node: gast.FunctionDef, kinds: Dict[str, str]) -> Set[str]:
    """Names of unknown kind that may hold a list or a dict: items of lists (whose items are not
    known to be numbers; taken by index or by `pop()`), of dicts and dataclasses, of a parameter
    of unknown kind unpacked by position (the residuals a backward half receives), and copies of
    them. Their adjoints add item by item, not by `+`."""
    unknown = {a.id for a in func_node.args.args if kinds.get(a.id, UNKNOWN) == UNKNOWN}
    unpacked: Set[str] = set()
    indexed: Set[str] = set()  # names read by index themselves: their items, where they are items, may be lists
    if unknown:  # every name the walks find is one of them
        every = nodes.every_node(func_node)
        subscripts = [node for node in every if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name)]
        unpacked = {node.value.id for node in subscripts if node.value.id in unknown  # by position, or by key: a dict
                    and isinstance(node.slice, gast.Constant) and isinstance(node.slice.value, (int, str))}
        indexed = {node.value.id for node in subscripts if kinds.get(node.value.id, UNKNOWN) == UNKNOWN}
        unpacked |= {name for name in map(_item_adjoint_of, every) if name in unknown}
    found: Set[str] = set(unpacked) | _tuple_items_read(func_node, kinds)
    if unknown:
        found |= {name for name in map(_keyed_adjoint_of, every) if name and kinds.get(name, UNKNOWN) == UNKNOWN}
    changed = True
    while changed:
        changed = False
        for stmt in nodes.statements(func_node):
            if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
                continue
            target, value = stmt.targets[0].id, stmt.value
            passed = _list_passed(value, kinds, found)
            if passed is not None:
                found.add(passed)
                changed = True
            if target in found or kinds.get(target) in (SCALAR, CONTAINER) or is_array(kinds.get(target)):
                continue
            read = isinstance(value, (gast.Subscript, gast.Attribute)) and isinstance(value.value, gast.Name)
            popped = nodes.is_pop(value) and kinds.get(target, UNKNOWN) == UNKNOWN
            owner = value.value.id if read else value.func.value.id if popped else None
            items = getattr(kinds, "items_of", {}).get(owner, UNKNOWN)
            item = owner is not None and (
                (kinds.get(owner, UNKNOWN) in (CONTAINER, UNKNOWN) and items != SCALAR and popped)
                or (kinds.get(owner) == CONTAINER and items != SCALAR and isinstance(value, gast.Subscript))
                or kinds.get(owner) in (MAPPING, RECORD) or owner in found
                or owner in unpacked and isinstance(value, gast.Subscript)
                or owner in unknown and target in indexed and isinstance(value, gast.Subscript))
            if item or (isinstance(value, gast.Name) and value.id in found) or _passes_a_list(value, kinds, found):
                found.add(target)
                changed = True
    return found


def _tuple_items_read(func_node: gast.FunctionDef, kinds: Dict[str, str]) -> Set[str]:
    """Names of unknown kind defined by a call and read at a constant position (`t[1]` of
    `t = np.linalg.slogdet(x)`): they may hold a tuple, whose adjoint is a list."""
    called = {stmt.targets[0].id for stmt in nodes.statements(func_node) if isinstance(stmt, gast.Assign)
              and isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Call)}
    return {node.value.id for node in nodes.every_node(func_node)
            if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name) and node.value.id in called
            and kinds.get(node.value.id, UNKNOWN) == UNKNOWN and isinstance(node.slice, gast.Constant)
            and type(node.slice.value) is int}


# Runtime helpers of derivative code that return a list (an adjoint item by item) when they are
# given one: `unbroadcast(g, x)` returns g, `add_at(d, residuals, i, g)` the adjoint of a tuple.
LIST_PRESERVING_HELPERS = ("unbroadcast", "broadcast_like", "add_at", "add_adjoints", "item_adjoint",
                           "item_adjoint_backward", "gradient_like", "zero_at")
# Those whose result has the structure of an adjoint of a whole value (a record's, a list's, a tuple's),
# which is added to another with add_adjoints, not `+` (a list joins, a dict refuses).
STRUCTURED = ("item_adjoint", "item_adjoint_backward", "zero_at", "add_at")


def _passes_a_list(value: gast.expr, kinds: Dict[str, str], found: Set[str]) -> bool:
    """A helper of LIST_PRESERVING_HELPERS given a value that may hold a list, or such a helper's
    call that is (in derivative code that a second derivative differentiates, the adjoints of
    residuals are lists: `add_adjoints(0.0, zero_at(ds, s, key))` of a record's adjoint ds)."""
    if not (isinstance(value, gast.Call) and isinstance(value.func, gast.Name)
            and value.func.id in LIST_PRESERVING_HELPERS):
        return False
    return any((isinstance(a, gast.Name) and (a.id in found or kinds.get(a.id) == CONTAINER))
               or _passes_a_list(a, kinds, found) for a in value.args)


def _item_adjoint_of(node: gast.AST) -> Optional[str]:
    """p of `item_adjoint(p, 2)`: the seed of a backward half whose value is a tuple, read by position."""
    if (isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id == "item_adjoint"
            and len(node.args) == 2 and isinstance(node.args[0], gast.Name) and isinstance(node.args[1], gast.Constant)
            and isinstance(node.args[1].value, int)):
        return node.args[0].id
    return None


def _keyed_adjoint_of(node: gast.AST) -> Optional[str]:
    """p of `item_adjoint(p, key, x)` and `zero_at(p, x, key)`: the adjoint of a list or a dict x (one
    built by writes of items, normalize/dict_writes.py), which a backward half receives as a residual."""
    if (isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and len(node.args) == 3
            and node.func.id in ("item_adjoint", "zero_at") and isinstance(node.args[0], gast.Name)):
        return node.args[0].id
    return None


def _list_passed(value: gast.expr, kinds: Dict[str, str], found: Set[str]) -> Optional[str]:
    """g of `unbroadcast(g, x)` (or broadcast_like), of unknown kind, where x may hold a list:
    given lists the helper passes g through, so g may be a list too (the seed of a backward half
    whose value is a gradient of residuals)."""
    if not (isinstance(value, gast.Call) and isinstance(value.func, gast.Name)
            and value.func.id in ("unbroadcast", "broadcast_like") and len(value.args) == 2):
        return None
    g, x = value.args
    if not (isinstance(g, gast.Name) and g.id not in found and kinds.get(g.id, UNKNOWN) == UNKNOWN):
        return None
    return g.id if isinstance(x, gast.Name) and (x.id in found or kinds.get(x.id) == CONTAINER) else None


def kind_of_value(value) -> str:
    """The kind of a run-time argument, for specializing generated code."""
    if isinstance(value, (float, int, np.number)) and not isinstance(value, np.ndarray):
        return SCALAR
    if isinstance(value, (list, tuple)):
        return CONTAINER
    if type(value) is np.ndarray:
        return array_kind(value.ndim)
    if isinstance(value, dict):
        return MAPPING
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and runtime.plain_attributes(
            type(value), [f.name for f in dataclasses.fields(value)], written=False):  # its fields are its state
        return RECORD
    return UNKNOWN
