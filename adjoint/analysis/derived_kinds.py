"""Kinds in derivative code, for a derivative of a derivative.

A derivative of a derivative differentiates code adjoint wrote: calls of the runtime helpers
(`unbroadcast`, `unreduce`, ...), and calls of the two halves of a called function's derivative
(ad/split.py): `fwd_g(...) -> (value, residuals)` and `bwd_g(d_value, residuals)`. Without the
kinds of what these give, the second derivative takes every value they touch for one of unknown
kind (a list, perhaps) and wraps it in helpers, which the third derivative differentiates again:
the code grows several times over at each order.

- A helper's result has a kind its arguments' kinds decide (`helper_kind`): `unreduce(g, x)`
  has the shape of an array x, `unbroadcast(g, x)` of x when g is a number or an array.
- The halves know the kinds of their tuples by position (a *shape*: a kind, or a tuple of
  shapes). When a forward half is generated, the kinds its analysis found for its value and for
  each residual are kept with both halves (Kinds.shape_of, GeneratedFunction.shapes):
  the value `fwd_g` returns is a pair of those shapes, and the residuals `bwd_g` is given are
  those `fwd_g` returned (a residual tuple goes to its backward half alone: see
  analysis/residuals.py), so items taken from them by position have these kinds.

A kind given here is a fact when the kinds it is made from are: those of the halves come from
the analysis of the code the halves were generated from, for the argument kinds they were
generated for (their request, as any call of a user function).
"""
from __future__ import annotations

import inspect
import re
from collections import Counter
from typing import Callable, Dict, FrozenSet, List, Optional, Sequence, Tuple, Union

import gast

from adjoint import nodes, runtime
from adjoint.analysis.calls import Callee
from adjoint.analysis.kinds import CONTAINER, SCALAR, UNKNOWN, is_array, rank_of
from adjoint.analysis.same_shapes import ADJOINT

Shape = Union[str, Tuple["Shape", ...]]
SHAPES = "__adjoint_shapes__"  # on a half: (shape of what it returns or None, {parameter: shape})


def kind_of_shape(shape: Optional[Shape]) -> Optional[str]:
    return CONTAINER if isinstance(shape, tuple) else shape


def _parameter_shapes(func, parameters: Sequence[str]) -> Dict[str, Shape]:
    """The shapes a half knows of its parameters: a backward half of its residuals, a forward
    half those the function it was generated from knew (it is called where that one would be)."""
    shapes = getattr(func, SHAPES, None)
    return {name: shape for name, shape in shapes[1].items() if name in parameters} if shapes is not None else {}


def _returned_shape(func) -> Optional[Shape]:
    """The shape of what a forward half returns: the pair (value, residuals)."""
    shapes = getattr(func, SHAPES, None)
    return shapes[0] if shapes is not None else None


def _item_shape(shape: Optional[Shape], index: gast.expr) -> Optional[Shape]:
    """The shape of `value[index]` for a value of this shape, a constant index."""
    if not (isinstance(shape, tuple) and isinstance(index, gast.Constant) and type(index.value) is int):
        return None
    return shape[index.value] if -len(shape) <= index.value < len(shape) else None


def helper_kind(func, kinds: Sequence[Optional[str]], elementwise: Callable[[], Optional[str]]) -> Optional[str]:
    """The kind of a runtime helper's result from its arguments' kinds (UNKNOWN where they do not
    decide it, None while an argument's kind is still bottom); see adjoint/runtime."""
    if func is runtime.add_adjoints:  # `a + b` on numbers and arrays
        return elementwise() if len(kinds) == 2 else UNKNOWN
    if id(func) in _IN_PLACE_IDS and len(kinds) == 2:  # `a op= b`: an array a keeps its kind, a number is `a op b`
        return kinds[0] if is_array(kinds[0]) else elementwise()
    if len(kinds) < 2:
        return UNKNOWN
    g, x = kinds[0], kinds[1]
    if func is runtime.unreduce:
        return x if is_array(x) else UNKNOWN
    if func is runtime.gradient_like:
        if is_array(x):
            return x
        return SCALAR if (x, g) == (SCALAR, SCALAR) else UNKNOWN
    if func is runtime.unbroadcast or func is runtime.broadcast_like:
        if g is None or x is None:
            return None
        return _shaped_like(func, g, x)
    return UNKNOWN


def _shaped_like(func, g: str, x: str) -> str:
    """unbroadcast(g, x) and broadcast_like(g, x): x's kind where g is a number or an array."""
    number_or_array = g == SCALAR or is_array(g)
    if is_array(x) and (rank_of(x) or 0) >= 1 and number_or_array:
        return x  # a 0-d x would pass a number g through
    if x == SCALAR and g == SCALAR:
        return SCALAR
    if func is runtime.unbroadcast and x == SCALAR and is_array(g) and (rank_of(g) or 0) >= 1:
        return SCALAR  # summed to a number (a 0-d g would be passed through)
    return UNKNOWN


_IN_PLACE_IDS = frozenset(map(id, runtime.in_place.ELEMENTWISE_HELPERS))
_HELPER_IDS = frozenset(map(id, (runtime.add_adjoints, runtime.unreduce, runtime.gradient_like, runtime.unbroadcast,
                                 runtime.broadcast_like))) | _IN_PLACE_IDS


def halves_shapes(kinds, func_node: gast.FunctionDef, mutated, residual_names: Tuple[List[str], List[str]],
                  backward: gast.FunctionDef) -> Tuple[tuple, tuple]:
    """What the two halves cut from a vjp function know (their SHAPES), from the kinds of the
    function they differentiate (`func_node`, which returns a name): the shapes of the forward
    half's value and of each residual (`residual_names`: those kept, and those of them the
    forward half may leave None, as split.residual_names gives them; UNKNOWN for those, for a
    name the transform made, and for an output the forward half snapshots), and those of its
    parameters that are tuples known by position; `backward` is the backward half."""
    shape_of: Callable[[str], Shape] = getattr(kinds, "shape_of", lambda name: kinds.get(name, UNKNOWN))
    kept, unbound = residual_names

    def kept_shape(name: str) -> Shape:
        return shape_of(name) if name in kinds and name not in unbound else UNKNOWN

    output = func_node.body[-1].value.id
    value = UNKNOWN if output in mutated else shape_of(output)
    residuals = kept_shape(kept[0]) if len(kept) == 1 else tuple(kept_shape(name) for name in kept)
    known = {name: shape_of(name) for name in nodes.parameters(func_node)}
    forward = ((value, residuals), {name: shape for name, shape in known.items() if isinstance(shape, tuple)})
    backward_shapes = (None, {backward.args.args[1].id: residuals})  # bwd_g(d_value, residuals)
    found = getattr(kinds, "same_shapes", None)
    if found is None:
        return forward, backward_shapes
    labels = found.kept_labels

    def kept_labels(name: str):
        return labels.get(name) if name in kinds and name not in unbound else None

    value_labels = None if output in mutated else labels.get(output)
    residual_labels = kept_labels(kept[0]) if len(kept) == 1 else tuple(kept_labels(name) for name in kept)
    parameter_labels = {name: labels.get(name) for name in known}  # arrays' too: see same_shapes.join_arguments
    seed, residuals_parameter = (arg.id for arg in backward.args.args[:2])
    backward_labels = {residuals_parameter: residual_labels}
    if value_labels is not None:  # the seed is the value's adjoint: of its shape, or the symbolic zero
        backward_labels[seed] = (ADJOINT, value_labels)
    return (forward + (((value_labels, residual_labels), parameter_labels),),
            backward_shapes + ((_gradient_labels(backward, labels), backward_labels),))


def _gradient_labels(backward: gast.FunctionDef, labels: Dict[str, object]):
    """The labels of what a backward half returns: `gradient_like(d, x)` has x's shape."""
    returned = backward.body[-1].value if isinstance(backward.body[-1], gast.Return) else None

    def label(expr):
        is_gradient = (isinstance(expr, gast.Call) and isinstance(expr.func, gast.Name) and len(expr.args) == 2
                       and expr.func.id == "gradient_like" and isinstance(expr.args[1], gast.Name))
        return labels.get(expr.args[1].id) if is_gradient else None
    if isinstance(returned, gast.Tuple):
        return tuple(label(element) for element in returned.elts)
    return label(returned)


class DerivedShapes:
    """The shapes one function's kind inference knows: of the items taken by position from what a
    forward half returned or from the residuals of a backward half (a name defined once, by such
    a call or item, or the residuals parameter, never rebound), and of the runtime helpers."""

    helper_kind = staticmethod(helper_kind)
    kind = staticmethod(kind_of_shape)

    def __init__(self, classifier, single: Dict[str, gast.expr], parameters: Dict[str, Shape]):
        self.classifier = classifier
        self.single = single  # name -> its one definition
        self.parameters = parameters  # parameter -> its shape, for those never rebound

    @classmethod
    def of(cls, func_node: gast.FunctionDef, classifier, definitions) -> "DerivedShapes":
        parameters = nodes.parameters(func_node)
        counts = Counter(target for target, _ in definitions)
        shared = {name for node in nodes.statements(func_node) if isinstance(node, (gast.Global, gast.Nonlocal))
                  for name in node.names}  # a callee may rebind them
        single = {target: value for target, value in definitions if counts[target] == 1
                  and isinstance(value, gast.expr) and target not in parameters and target not in shared}
        known = _parameter_shapes(getattr(classifier.parsed, "func", None), parameters)
        return cls(classifier, single, {name: shape for name, shape in known.items() if not counts[name]})

    @staticmethod
    def is_helper(func) -> bool:
        return id(func) in _HELPER_IDS

    def shape(self, expr: gast.expr, seen: Tuple[str, ...] = ()) -> Optional[Shape]:
        """The shape of expr where a forward half's result or a backward half's residuals give it."""
        if isinstance(expr, gast.Name):
            if expr.id in self.parameters:
                return self.parameters[expr.id]
            value = self.single.get(expr.id)
            return None if value is None or expr.id in seen else self.shape(value, seen + (expr.id,))
        if isinstance(expr, gast.Subscript):
            return _item_shape(self.shape(expr.value, seen), expr.slice)
        if isinstance(expr, gast.Call):
            operation = self.classifier.classify(expr)
            return _returned_shape(operation.func) if operation.kind == Callee.USER else None
        return None

    def tuples(self, kinds: Dict[str, str]) -> Dict[str, tuple]:
        """The shape of every name known to hold a tuple of items known by position, read once the
        kinds are inferred (the transform rewrites the tree afterwards)."""
        found = {name: self.name_shape(name, kinds) for name in self.parameters}
        found.update((name, self.name_shape(name, kinds)) for name in self.single)
        return {name: shape for name, shape in found.items() if isinstance(shape, tuple)}

    def name_shape(self, name: str, kinds: Dict[str, str], seen: Tuple[str, ...] = ()) -> Shape:
        """The shape of a name at the end of the function: also of a tuple it is defined as."""
        shape = self.shape(gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None))
        if shape is not None:
            return shape
        value = self.single.get(name)
        if isinstance(value, gast.Tuple) and name not in seen:
            return tuple(self._element_shape(element, kinds, seen + (name,)) for element in value.elts)
        return kinds.get(name, UNKNOWN)

    def _element_shape(self, element: gast.expr, kinds: Dict[str, str], seen: Tuple[str, ...]) -> Shape:
        if isinstance(element, gast.Name):
            return self.name_shape(element.id, kinds, seen)
        if isinstance(element, gast.Tuple):
            return tuple(self._element_shape(item, kinds, seen) for item in element.elts)
        if isinstance(element, gast.Constant) and type(element.value) in (int, float, bool):
            return SCALAR
        return UNKNOWN


_STACK = re.compile(r"_stack(_[0-9]+)?$")  # how ad/context.py names a derivative's stack


def restoring_pops(func_node: gast.FunctionDef, classifier, definitions) -> FrozenSet[int]:
    """The ids of the values `_stack.pop()` of `x = _stack.pop()` in a derivative adjoint wrote
    that give x back a value it held: the adjoint sweep restores what the primal sweep pushed
    from x (ad/reverse.py), or a stand-in of its shape and dtype (runtime.shape_only), so such a
    pop adds no kind to x's. Without this, a record restored so (`s = _stack.pop()`) is of no
    known kind, and a second derivative cannot read its fields in the halves it is passed to.
    Only in generated code, on a stack its prologue makes (`_stack = []`, ad/gradient.py), for a
    name pushed on that stack (a temporary a restored item goes through is not: it keeps the
    kind of what the pop may give)."""
    parsed = getattr(classifier, "parsed", None)
    if not getattr(getattr(parsed, "info", None), "filename", "").startswith("<adjoint "):
        return frozenset()
    stacks = {stmt.targets[0].id for stmt in func_node.body if isinstance(stmt, gast.Assign)
              and isinstance(stmt.targets[0], gast.Name) and _STACK.match(stmt.targets[0].id)
              and isinstance(stmt.value, gast.List) and not stmt.value.elts}
    values: Dict[str, List[gast.expr]] = {}
    for target, value in definitions:
        values.setdefault(target, []).append(value)
    pushed: Dict[str, set] = {stack: set() for stack in stacks}
    popped: Dict[str, Dict[int, str]] = {stack: {} for stack in stacks}
    for stmt in nodes.statements(func_node):
        call = stmt.value if isinstance(stmt, (gast.Expr, gast.Assign)) else None
        stack = _stack_of(call, stacks)
        if stack is None:
            continue
        if isinstance(stmt, gast.Expr) and call.func.attr == "append" and len(call.args) == 1:
            pushed[stack].add(_pushed(call.args[0], values, classifier))
        elif isinstance(stmt, gast.Assign) and call.func.attr == "pop" and isinstance(stmt.targets[0], gast.Name):
            popped[stack][id(call)] = stmt.targets[0].id
    return frozenset(key for stack in stacks for key, name in popped[stack].items() if name in pushed[stack])


def _stack_of(call, stacks) -> Optional[str]:
    if (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and isinstance(call.func.value, gast.Name)
            and call.func.value.id in stacks):
        return call.func.value.id
    return None


def _pushed(value: gast.expr, values: Dict[str, List[gast.expr]], classifier) -> Optional[str]:
    """The name whose value (or stand-in) a push saves: `x` of `_stack.append(x)`, of
    `_stack.append(shape_only(x))` and of `_t = shape_only(x); _stack.append(_t)`."""
    if isinstance(value, gast.Name) and len(values.get(value.id, ())) == 1 and _stand_in(values[value.id][0], classifier):
        value = values[value.id][0]
    if _stand_in(value, classifier):
        value = value.args[0]
    return value.id if isinstance(value, gast.Name) else None


def _stand_in(value, classifier) -> bool:
    """Whether value is `shape_only(x)`."""
    return (isinstance(value, gast.Call) and len(value.args) == 1 and not value.keywords
            and classifier.classify(value).func is runtime.shape_only)


def call_parameter_kinds(func: Callable, call: gast.Call, kinds: Dict[str, str]) -> Dict[str, str]:
    """The kinds of the parameters of `func` bound by `call`, from the caller's kinds."""
    def kind(atom: gast.expr) -> str:
        if isinstance(atom, gast.Name):
            return kinds.get(atom.id, UNKNOWN)
        is_number = isinstance(atom, gast.Constant) and isinstance(atom.value, (int, float))
        return SCALAR if is_number else UNKNOWN
    try:
        bound = inspect.signature(func).bind(*[kind(a) for a in call.args],
                                             **{k.arg: kind(k.value) for k in call.keywords if k.arg})
    except (TypeError, ValueError):
        return {}
    return {name: value for name, value in bound.arguments.items() if isinstance(value, str)}
