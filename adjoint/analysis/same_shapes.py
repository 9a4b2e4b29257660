"""Arrays of one shape: which of a function's arrays surely have the shape of which others.

An elementwise rule's adjoint undoes broadcasting: `d_b = unbroadcast(a * d_t, b)` for
`t = a * b`. Where a and b are arrays of one shape, nothing was broadcast and the call is left
out (ad/shapes.py). In derivative code this matters most: in a derivative of a derivative of an
elementwise function every array has the argument's shape, and each such call, differentiated
again, becomes a `broadcast_like` at the next order, which becomes an `unbroadcast` at the one
after, and so on.

Names are grouped (union-find) where a definition proves that two have one shape:
- `t = s`, `t = -s`, and `t = a op b` or `t = ufunc(a, b)` (elementwise) whose array operands
  are all of one group and whose other operands are numbers: t joins that group;
- `t = unbroadcast(g, x)` (and broadcast_like, unreduce, gradient_like) with g a number or an
  array: t has x's shape (adjoint/runtime);
- items of the tuples the two halves of a derivative exchange (ad/split.py) carry labels the
  analysis of the function the halves were cut from gave (`labels`, kept with the halves as
  derived_kinds.SHAPES keeps their kinds): items of one label have one shape.
Only names bound once, by a statement of the function's own body (not in a branch or loop),
and parameters never rebound, are grouped, and only those the kinds know for arrays of at least
one dimension (a number or a 0-d array broadcasts to anything), or that an operation of such an
array gives.

Derivative code also holds adjoints, which are either the symbolic zero `0.0` or of their
primal's shape: the seed of a backward half (the adjoint of its forward half's value), the items
of a tuple's adjoint (`item_adjoint(d_pair, 0)`, `item_adjoint(d, 0, pair)`). Such an adjoint of
an array of a group is *weak* (SameShapes.weak): with an array of the group, an elementwise
operation gives an array of the group; it never stands for the group where its own shape
matters (an `unbroadcast(g, x)` whose x may be `0.0` sums to a number). Labels mark the adjoints
the halves exchange as (ADJOINT, labels).
"""
from __future__ import annotations

import operator
from collections import Counter
from typing import Dict, Hashable, Optional, Tuple

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.analysis.calls import Callee, CallClassifier, operator_of
from adjoint.analysis.kinds import SCALAR, is_array, rank_of

LABELS = 2  # the position of the labels in a half's derived_kinds.SHAPES
ADJOINT = "adjoint"  # (ADJOINT, labels): the adjoint of what the labels describe (an array's may be `0.0`)


def is_adjoint_label(labels) -> bool:
    return isinstance(labels, tuple) and len(labels) == 2 and labels[0] == ADJOINT


_ELEMENTWISE = (operator.add, operator.sub, operator.mul, operator.truediv, operator.pow, operator.mod,
                operator.neg, operator.pos, runtime.add_adjoints)
_SHAPED_LIKE_SECOND = (runtime.unbroadcast, runtime.broadcast_like, runtime.unreduce, runtime.gradient_like)


class SameShapes:
    """Groups of names (and of the labels of tuple items) known to have one shape. `applies`:
    whether the derivative code may rely on them (code adjoint generated; the user's code keeps
    its first derivatives as they are, the groups serving only the labels its halves keep)."""

    def __init__(self, applies: bool = False):
        self.applies = applies
        self.parent: Dict[Hashable, Hashable] = {}
        self.reader: Optional["_Reader"] = None
        self.kept_labels: Dict[str, object] = {}  # name -> its labels, where asked for
        # adjoints of arrays of a group that may be the symbolic zero `0.0`: name -> a key of the group
        self.weak: Dict[str, Hashable] = {}

    def find(self, key: Hashable) -> Hashable:
        root = key
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while key != root:
            key, self.parent[key] = self.parent[key], root
        return root

    def join(self, a: Hashable, b: Hashable) -> None:
        self.parent.setdefault(a, a)
        self.parent.setdefault(b, b)
        self.parent[self.find(a)] = self.find(b)

    def grouped(self, key: Hashable) -> bool:
        return key in self.parent

    def same(self, a: str, b: str) -> bool:
        """Whether arrays a and b surely have one shape (for the derivative code to rely on)."""
        return self.applies and self.grouped(a) and self.grouped(b) and self.find(a) == self.find(b)

    def same_or_zero(self, a: str, b: str) -> bool:
        """Whether a is an array of b's shape or an adjoint of that shape that may be the
        symbolic zero, b surely an array (for the derivative code to rely on)."""
        if a not in self.weak:
            return self.same(a, b)
        return self.applies and self.grouped(b) and self.find(self.weak[a]) == self.find(b)

    def item_same(self, value: str, pair: str, index: int) -> bool:
        """Whether array `value` surely has the shape of item `index` of tuple `pair`."""
        labelled = self.reader.label(nodes.name(pair)) if self.reader is not None else None
        if not (self.applies and labelled is not None and isinstance(labelled[1], tuple)
                and not is_adjoint_label(labelled[1]) and -len(labelled[1]) <= index < len(labelled[1])):
            return False
        key = (labelled[0], labelled[1][index])
        return isinstance(key[1], str) and self.grouped(key) and self.grouped(value) and self.find(key) == self.find(value)

    def labels(self, name: str, canonical: Dict[Hashable, str]):
        """The labels of a name as the halves keep them: a label for an array of a group, a tuple
        of them for a tuple known by position, None for anything else; `canonical` names each
        group met so far (one dict for all the names one half keeps)."""
        reader = self.reader
        value = reader.single.get(name) if reader is not None else None
        if isinstance(value, gast.Tuple):
            return tuple(self.labels(e.id, canonical) if isinstance(e, gast.Name) else None for e in value.elts)
        if reader is not None and name in reader.adjoints:
            return (ADJOINT, self._renamed(*reader.adjoints[name], canonical))
        if name in self.weak:
            return (ADJOINT, self._canonical(self.weak[name], canonical))
        labelled = reader.label(nodes.name(name)) if reader is not None else None
        if labelled is not None:
            return self._renamed(labelled[0], labelled[1], canonical)
        return self._canonical(name, canonical) if self.grouped(name) else None

    def _renamed(self, owner: str, labels, canonical: Dict[Hashable, str]):
        if is_adjoint_label(labels):
            return (ADJOINT, self._renamed(owner, labels[1], canonical))
        if isinstance(labels, tuple):
            return tuple(self._renamed(owner, item, canonical) for item in labels)
        return self._canonical((owner, labels), canonical) if isinstance(labels, str) else None

    def _canonical(self, key: Hashable, canonical: Dict[Hashable, str]) -> str:
        root = self.find(key) if self.grouped(key) else key
        return canonical.setdefault(root, f"s{len(canonical)}")


def group_shapes(func_node: gast.FunctionDef, kinds: Dict[str, str], classifier: CallClassifier,
                 applies: bool, keep_labels: bool) -> SameShapes:
    """The groups of func_node's arrays of one shape (see the module); `keep_labels`: also the
    labels of every name, for the halves of its derivative to keep (SameShapes.kept_labels)."""
    found = SameShapes(applies)
    if not (applies or keep_labels) or not any(is_array(kind) for kind in kinds.values()):
        return found  # (a function of numbers alone has no shapes to tell apart)
    parameters = nodes.parameters(func_node)
    counts = Counter(nodes.names_stored(func_node))
    given = _parameter_labels(getattr(classifier.parsed, "func", None))
    single = {}
    for stmt in func_node.body:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and len(stmt.targets) == 1:
            name = stmt.targets[0].id
            if counts[name] == 1 and name not in parameters:
                single[name] = stmt.value
    reader = _Reader(found, kinds, classifier, single, {p: given[p] for p in parameters if p in given and not counts[p]})
    for name in parameters:
        given_label = reader.parameter_labels.get(name)
        if counts[name]:
            continue
        if is_adjoint_label(given_label):
            reader.adjoint_named(name, "parameter", given_label[1])
        elif reader.is_shaped(name):
            found.join(name, name)
            if isinstance(given_label, str):
                found.join(name, ("parameter", given_label))
    for name, value in single.items():
        reader.join_arguments(name, value)
        reader.define(name, value)
    found.reader = reader
    if keep_labels:  # read now: the transform rewrites the tree
        canonical: Dict[Hashable, str] = {}
        found.kept_labels = {name: found.labels(name, canonical) for name in list(parameters) + list(single)}
    return found


class _Reader:
    def __init__(self, found: SameShapes, kinds, classifier, single, parameter_labels):
        self.found = found
        self.kinds = kinds
        self.classifier = classifier
        self.single = single
        self.parameter_labels = parameter_labels
        self.adjoints: Dict[str, tuple] = {}  # name -> (owner, labels) of the tuple whose adjoint it holds

    def is_shaped(self, name: str) -> bool:
        kind = self.kinds.get(name)
        return is_array(kind) and (rank_of(kind) or 0) >= 1

    def is_number(self, atom: gast.expr) -> bool:
        if isinstance(atom, gast.Constant):
            return type(atom.value) in (int, float)
        return isinstance(atom, gast.Name) and self.kinds.get(atom.id) == SCALAR

    def define(self, name: str, value: gast.expr) -> None:
        label = self.label(value)
        if label is None and isinstance(value, gast.Call):  # `dx = bwd_g(...)`: labelled as bwd_g says
            returned = _returned_labels(self.classifier, value)
            label = (name, returned) if returned is not None else None
        if label is not None and is_adjoint_label(label[1]):
            self.adjoint_named(name, label[0], label[1][1])
            return
        if self.is_shaped(name):
            self.found.join(name, name)
            if label is not None and isinstance(label[1], str):
                self.found.join(name, label)
                return
        like = self.shaped_like(value)
        if like is not None:
            self.found.join(name, like)
        elif not self.found.grouped(name):
            self.adjoint_value(name, value)

    def adjoint_named(self, name: str, owner: str, labels) -> None:
        """A name holding an adjoint the labels describe: of a tuple (by position), or of an array
        of a label (an array of its shape where the kinds say it is an array, else maybe the
        symbolic zero `0.0`)."""
        if isinstance(labels, tuple):
            self.adjoints[name] = (owner, labels)
        elif isinstance(labels, str):
            if self.is_shaped(name):
                self.found.join(name, (owner, labels))
            else:
                self.found.join((owner, labels), (owner, labels))
                self.found.weak[name] = (owner, labels)

    def item_adjoint(self, name: str, arguments) -> None:
        """`d = item_adjoint(d_pair, i)` of an adjoint whose labels are known, or
        `d = item_adjoint(d_pair, i, pair)` of a tuple whose labels are: the adjoint of item i."""
        index = arguments[1].value if isinstance(arguments[1], gast.Constant) and type(arguments[1].value) is int else None
        adjoint = arguments[0].id if isinstance(arguments[0], gast.Name) else None
        if index is None:
            return
        if adjoint in self.adjoints:
            owner, items = self.adjoints[adjoint]
        elif len(arguments) == 3:
            labelled = self.label(arguments[2])
            if labelled is None or not isinstance(labelled[1], tuple) or is_adjoint_label(labelled[1]):
                return
            owner, items = labelled
            if not -len(items) <= index < len(items) or not isinstance(items[index], str):
                return  # the adjoint of a tuple item of the tuple, or of an adjoint it holds: not read here
        else:
            return
        if -len(items) <= index < len(items):
            self.adjoint_named(name, owner, items[index])

    def adjoint_value(self, name: str, value: gast.expr) -> None:
        """`d = item_adjoint(d_pair, 0)`, `d = add_adjoints(0.0, e)`, `d = e`, and elementwise
        operations of arrays of a group that may be the symbolic zero: such an adjoint."""
        if isinstance(value, gast.Name):
            source = value.id
        elif isinstance(value, gast.Call) and not value.keywords and len(value.args) >= 2:
            operation = self.classifier.classify_callee(value.func)
            func = operation.func if operation.kind == Callee.RULE else None
            first, second = value.args[0], value.args[1]
            if func is runtime.item_adjoint:
                self.item_adjoint(name, value.args)
                return
            zero = isinstance(first, gast.Constant) and first.value == 0.0 and type(first.value) is float
            plain = func is runtime.add_adjoints and zero and len(value.args) == 2 and isinstance(second, gast.Name)
            source = second.id if plain else None
        else:
            source = None
        if source in self.adjoints:
            self.adjoints[name] = self.adjoints[source]
        elif source in self.found.weak:
            self.found.weak[name] = self.found.weak[source]
        operands = self.elementwise_operands(value) if source is None else None
        group = self._operand_group(operands) if operands is not None else None
        if group is not None and not group[1]:  # numbers and adjoints that may be the symbolic zero
            self.found.weak[name] = group[0]

    def join_arguments(self, name: str, value: gast.expr) -> None:
        """`name = fwd_g(a, b)`: a forward half's labels for its parameters are those of what it
        returns, so each array argument joins the label of the parameter it is given as."""
        if not isinstance(value, gast.Call) or value.keywords:
            return
        operation = self.classifier.classify_callee(value.func)
        shapes = _shapes_of(operation.func) if operation.kind == Callee.USER else None
        code = getattr(operation.func, "__code__", None)
        if shapes is None or code is None or len(value.args) > code.co_argcount:
            return
        for parameter, argument in zip(code.co_varnames, value.args):
            label = shapes[LABELS][1].get(parameter)
            label = label[1] if is_adjoint_label(label) else label  # a seed: an array's has its shape
            grouped = argument.id if isinstance(argument, gast.Name) else self.shaped_like(argument)
            if isinstance(label, str) and grouped is not None and self.found.grouped(grouped):
                self.found.join(grouped, (name, label))

    def shaped_like(self, value: gast.expr) -> Optional[Hashable]:
        """The group of an array whose shape value's result surely has (None if none is known)."""
        if isinstance(value, gast.Name):
            return value.id if self.found.grouped(value.id) else None
        if isinstance(value, gast.Call) and not value.keywords and len(value.args) >= 2:
            operation = self.classifier.classify_callee(value.func)
            if operation.kind == Callee.RULE and any(operation.func is helper for helper in _SHAPED_LIKE_SECOND):
                g, x = value.args[0], value.args[1]
                number_or_array = self.is_number(g) or (isinstance(g, gast.Name) and (
                    is_array(self.kinds.get(g.id)) or g.id in self.found.weak))
                shaped = isinstance(x, gast.Name) and self.found.grouped(x.id)
                return x.id if shaped and number_or_array else None
        operands = self.elementwise_operands(value)
        return self._common_group(operands) if operands is not None else None

    def _common_group(self, operands) -> Optional[Hashable]:
        """The group of an elementwise operation's result: the one group of its operands, arrays
        or adjoints that may be the symbolic zero (the others numbers), at least one an array."""
        found = self._operand_group(operands)
        return found[0] if found is not None and found[1] else None

    def _operand_group(self, operands) -> Optional[Tuple[Hashable, bool]]:
        """(the one group of the operands, whether one of them surely is an array), or None."""
        groups, arrays = set(), False
        for atom in operands:
            if isinstance(atom, gast.Name) and self.found.grouped(atom.id):
                groups.add(self.found.find(atom.id))
                arrays = True
            elif isinstance(atom, gast.Name) and atom.id in self.found.weak:
                groups.add(self.found.find(self.found.weak[atom.id]))
            elif not self.is_number(atom):
                return None
        return (next(iter(groups)), arrays) if len(groups) == 1 else None

    def elementwise_operands(self, value: gast.expr) -> Optional[list]:
        """The operands of an elementwise operation (None for anything else)."""
        if isinstance(value, (gast.BinOp, gast.UnaryOp)):
            func = operator_of(value)
        elif isinstance(value, gast.Call) and not value.keywords:
            operation = self.classifier.classify_callee(value.func)
            func = operation.func if operation.kind == Callee.RULE else None
        else:
            return None
        if not ((isinstance(func, np.ufunc) and func.nout == 1) or any(func is known for known in _ELEMENTWISE)):
            return None  # (a ufunc of two results, np.modf, gives a tuple)
        if isinstance(value, gast.Call):
            return list(value.args)
        return [value.operand] if isinstance(value, gast.UnaryOp) else [value.left, value.right]

    def label(self, expr: gast.expr, seen: Tuple[str, ...] = ()):
        """(owner, labels) for an item of a labelled tuple: `residuals[2]`, `_t3[0]` of a forward half's result."""
        if isinstance(expr, gast.Name):
            if expr.id in self.parameter_labels:
                return ("parameter", self.parameter_labels[expr.id])
            value = self.single.get(expr.id)
            if value is None or expr.id in seen:
                return None
            labelled = self.label(value, seen + (expr.id,))
            if labelled is None and isinstance(value, gast.Call):
                returned = _returned_labels(self.classifier, value)
                return (expr.id, returned) if returned is not None else None
            return labelled
        if isinstance(expr, gast.Subscript) and isinstance(expr.slice, gast.Constant) and type(expr.slice.value) is int:
            owner = self.label(expr.value, seen)
            if owner is None or not isinstance(owner[1], tuple) or is_adjoint_label(owner[1]):
                return None
            index, items = expr.slice.value, owner[1]
            return (owner[0], items[index]) if -len(items) <= index < len(items) else None
        return None


def _shapes_of(func) -> Optional[tuple]:
    from adjoint.analysis.derived_kinds import SHAPES  # it reads the kinds this module's callers read
    shapes = getattr(func, SHAPES, None)
    return shapes if isinstance(shapes, tuple) and len(shapes) > LABELS else None


def _parameter_labels(func) -> Dict[str, object]:
    shapes = _shapes_of(func)
    return dict(shapes[LABELS][1]) if shapes is not None else {}


def _returned_labels(classifier: CallClassifier, call: gast.Call):
    operation = classifier.classify_callee(call.func)
    if operation.kind != Callee.USER:
        return None
    shapes = _shapes_of(operation.func)
    return shapes[LABELS][0] if shapes is not None else None
