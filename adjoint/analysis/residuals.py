"""Residuals: which writes of a backward half no caller can see.

ad/split.py cuts a derivative into a forward half `fwd_g(...) -> (value, residuals)` and a
backward half `bwd_g(d_value, residuals)`. The backward half undoes in place what the forward
half overwrote or popped: the boundary elements of an array `g` made, the items it popped off
adjoint's own stack. Taken for any called function, it writes into its argument, and a caller
that keeps anything the residuals may share memory with (they hold the forward half's
arguments) would have to refuse the call, at every order above.

Some of that memory the forward half made itself, and once it returns nothing but its
residuals reaches it: an object it created (`_stack = list(_stack)`, `np.zeros_like(u)`) that
neither its value, nor its arguments, nor a global reaches. That memory is *private* to the
pair. A residual tuple goes to its backward half alone, once, in the adjoint sweep, at the
point that undoes the forward half's call: what the primal sweep did with the residuals after
that call has been undone by then, and the code before the call had no reference to memory the
call made. So a backward half's writes into private memory are no writes into its arguments
(aliases.argument_facts reports them apart), and a derivative differentiated again calls the
backward half's own forward half instead, which writes into a copy.

The facts of a forward half come from the may-share analysis of its own code (ForwardSharing):
an object of a kept name is private when it was made by the forward half (a literal, NumPy,
`list(...)`, a snapshot: sharing.made_roots) and nothing outside reaches it; and the private
memory of the forward halves it calls is labeled (`private new <call>`, held by the call's
result, not by its value `result[0]`), so that the writes a called backward half makes are
private to this pair too when no such label is reached from outside.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, FrozenSet, List, Optional, Set, Tuple

import gast

from adjoint import nodes
from adjoint.analysis.activity import Activity
from adjoint.analysis.calls import CallClassifier, Callee
from adjoint.analysis.kinds import CONTAINER, MAPPING, SCALAR
from adjoint.analysis.sharing import FRESH, Sharing, is_forward_half, made_roots
from adjoint.frontend.parse import ParsedFunction
from adjoint.nodes import is_append

PRIVATE = "private "
PART = "residual part "
OUTSIDE = "outside"  # in ResidualFacts.shapes: memory that is not private to the pair
ONLY_KEPT = -1  # the position standing for a residual that is one kept value


@dataclass(frozen=True)
class ResidualFacts:
    """What a backward half may change of its residuals unseen: the positions of the residual
    tuple whose object is private to the pair (`parts`; ONLY_KEPT when the residual is one kept
    value, not a tuple); for each position, the roots of its object and of what it holds as
    BackwardSharing names them (`shapes`: the private parts a value may be or hold, OUTSIDE for
    anything else); and whether every backward half it calls changes only memory private to
    this pair too (`calls`)."""

    parts: FrozenSet[int] = frozenset()
    shapes: Dict[int, Tuple[FrozenSet[str], FrozenSet[str]]] = field(default_factory=dict)
    calls: bool = False


NO_FACTS = ResidualFacts()


def forward_half_of(func) -> Tuple[Optional[Callable], Dict[str, str]]:
    """The forward half of a generated backward half and the kinds of the parameters it was
    generated for ((None, {}) for any other function)."""
    return getattr(func, "__adjoint_forward_half__", None) or (None, {})


class ForwardSharing(Sharing):
    """Sharing, with the private memory of the forward halves a function calls labeled: the
    result `r` of `r = fwd_g(...)` holds `private new <call>`, and `r[0]`, the value, does not
    (when r is bound by that call alone)."""

    def __init__(self, func_node: gast.FunctionDef, kinds, classifier: CallClassifier, rebound_lines,
                 returns):
        self.pairs = _pairs(func_node, classifier)
        super().__init__(func_node, kinds, classifier, rebound_lines, returns)

    def _call(self, call: gast.Call, fresh: str, shared: Set[str]):
        own, held = super()._call(call, fresh, shared)
        operation = self.classifier.classify(call)
        if operation.kind == Callee.USER and is_forward_half(operation.func):
            held = set(held) | {PRIVATE + fresh}
        return own, held

    def _value(self, value: gast.expr, fresh: str):
        own, held = super()._value(value, fresh)
        owner = value.value if isinstance(value, gast.Subscript) else None
        if isinstance(owner, gast.Name) and owner.id in self.pairs and _is_constant(value.slice, 0):
            label = {self.pairs[owner.id]}
            return set(own) - label, set(held) - label
        return own, held


def forward_half_facts(parsed: ParsedFunction, kinds: Dict[str, str], classifier: CallClassifier,
                       returns) -> ResidualFacts:
    """The facts of forward half `parsed` (normalized), which writes into neither its arguments
    nor a global (aliases.argument_facts says so; the caller checks)."""
    func_node = parsed.node
    storage = ForwardSharing(func_node, kinds, classifier, frozenset(), returns)
    returned = func_node.body[-1]
    shape = _returned_pair(func_node)
    if shape is None or returned not in storage.before or _holders_may_be_missed(func_node, storage, kinds):
        return NO_FACTS
    value, kept, single = shape
    state = storage.before[returned]
    outside = set(storage.argument_roots)
    if value is not None:
        outside |= storage.reaches(value, state)
    for param in nodes.parameters(func_node):
        outside |= storage.ever.get(param, frozenset())
    made = made_roots(func_node, classifier)
    positions = [ONLY_KEPT] if single else list(range(len(kept)))
    own = {i: state[0].get(name, frozenset()) for i, name in zip(positions, kept)}
    held = {i: state[1].get(name, frozenset()) for i, name in zip(positions, kept)}
    parts = frozenset(i for i in positions if _private_object(own[i], made, outside))

    def named(roots: FrozenSet[str]) -> FrozenSet[str]:
        labels = {PART + str(i) for i in parts if roots & own[i]}
        if not roots or roots - frozenset().union(*[own[i] for i in parts]):
            labels.add(OUTSIDE)
        return frozenset(labels)

    labels = {root for roots in list(state[0].values()) + list(state[1].values()) for root in roots
              if root.startswith(PRIVATE)}
    return ResidualFacts(parts, {i: (named(own[i]), named(held[i])) for i in positions}, not labels & outside)


def _private_object(own: FrozenSet[str], made: FrozenSet[str], outside: Set[str]) -> bool:
    return bool(own) and own <= made and not own & outside


def _returned_pair(func_node: gast.FunctionDef):
    """(the value's name or None for a constant, [the kept names], whether the residual is one
    kept value) of a forward half's `return value, residuals` as normalization leaves it; None
    for any other shape."""
    returned = func_node.body[-1]
    if not (isinstance(returned, gast.Return) and isinstance(returned.value, gast.Name)):
        return None
    pair = _tuple_bound_to(func_node, returned.value.id)
    if pair is None or len(pair) != 2:
        return None
    value, residuals = pair
    if not isinstance(residuals, gast.Name):
        return None
    elements = _tuple_bound_to(func_node, residuals.id)
    kept = [residuals] if elements is None else elements
    if not all(isinstance(e, gast.Name) for e in kept):
        return None
    return (value.id if isinstance(value, gast.Name) else None), [e.id for e in kept], elements is None


def _tuple_bound_to(func_node: gast.FunctionDef, name: str) -> Optional[List[gast.expr]]:
    """The elements of the tuple `name = (a, b, ...)` binds, when that is name's one binding."""
    bindings = _bindings(func_node).get(name, [])
    if len(bindings) != 1 or not isinstance(bindings[0], gast.Assign) or bindings[0] not in func_node.body:
        return None
    value = bindings[0].value
    return list(value.elts) if isinstance(value, gast.Tuple) and isinstance(bindings[0].targets[0], gast.Name) else None


def _pairs(func_node: gast.FunctionDef, classifier: CallClassifier) -> Dict[str, str]:
    """name -> the label of the private memory of the forward half whose call binds it, for the
    names bound by such a call and by nothing else."""
    bindings = _bindings(func_node)
    pairs = {}
    for stmt in nodes.statements(func_node):
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
                and isinstance(stmt.value, gast.Call)):
            continue
        name = stmt.targets[0].id
        operation = classifier.classify(stmt.value)
        if len(bindings.get(name, ())) == 1 and operation.kind == Callee.USER and is_forward_half(operation.func):
            pairs[name] = f"{PRIVATE}{FRESH}{id(stmt)}"
    return pairs


def _bindings(func_node: gast.FunctionDef) -> Dict[str, List[gast.stmt]]:
    """name -> the statements that bind it themselves (a loop binds its target, not its body's names)."""
    found: Dict[str, List[gast.stmt]] = {}
    for stmt in nodes.statements(func_node):
        targets = [stmt.target] if isinstance(stmt, gast.For) else getattr(stmt, "targets", None) or []
        if isinstance(stmt, (gast.With, gast.FunctionDef, gast.If, gast.While)):
            targets = [item.optional_vars for item in getattr(stmt, "items", ()) if item.optional_vars is not None]
        for target in targets:
            for name in nodes.names_stored(target):
                found.setdefault(name, []).append(stmt)
    return found


def _holders_may_be_missed(func_node: gast.FunctionDef, storage: Sharing, kinds: Dict[str, str]) -> bool:
    """Whether what a list or dict holds may be more than the analysis knows: it learns what
    `c.append(v)` and `c[k] = v` put in c for the name c alone, not for another name bound to
    the same object; and a loop's target is bound by no statement it follows."""
    for stmt in nodes.statements(func_node):
        if isinstance(stmt, gast.For) and kinds.get(getattr(stmt.target, "id", None)) != SCALAR:
            return True
        name = _container_written(stmt, kinds)
        if name is None:
            continue
        own = storage.before.get(stmt, ({}, {}))[0]
        roots = own.get(name, frozenset())
        if any(other != name and roots & others for other, others in own.items()):
            return True
    return False


def _container_written(stmt: gast.stmt, kinds: Dict[str, str]) -> Optional[str]:
    if is_append(stmt):
        return stmt.value.func.value.id
    if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript):
        owner = stmt.targets[0].value
        if isinstance(owner, gast.Name) and kinds.get(owner.id) in (CONTAINER, MAPPING):
            return owner.id
    return None


class BackwardSharing(Sharing):
    """Sharing in a backward half whose forward half's facts are known: each part of its
    residuals has the roots the forward half's analysis gives it, each private part an object
    of its own (`residual part <i>`, an argument root still) and all else the contents of the
    residuals, as Sharing gives every part."""

    def __init__(self, func_node: gast.FunctionDef, kinds, classifier: CallClassifier, rebound_lines,
                 returns, facts: ResidualFacts, result_positions=None):
        params = nodes.parameters(func_node)
        stored = {name for stmt in nodes.statements(func_node) for name in nodes.names_stored(stmt)}
        self.residuals = params[1] if len(params) == 2 and params[1] not in stored and facts.shapes else None
        self.facts = facts
        super().__init__(func_node, kinds, classifier, rebound_lines, returns, result_positions)

    def _bind_parameter(self, name: str, own: FrozenSet[str], held: FrozenSet[str]) -> None:
        if name == self.residuals and ONLY_KEPT in self.facts.shapes:
            part_own, part_held = self.facts.shapes[ONLY_KEPT]
            own, held = _outside_as(part_own, own), _outside_as(part_held, held)
        elif name == self.residuals:
            held = held | private_parts(self.facts)
        super()._bind_parameter(name, own, held)

    def _value(self, value: gast.expr, fresh: str):
        owner = value.value if isinstance(value, gast.Subscript) else None
        if (isinstance(owner, gast.Name) and owner.id == self.residuals and isinstance(value.slice, gast.Constant)
                and type(value.slice.value) is int and value.slice.value in self.facts.shapes):
            contents = frozenset(self.held[owner.id]) - private_parts(self.facts)
            part_own, part_held = self.facts.shapes[value.slice.value]
            return set(_outside_as(part_own, contents)), set(_outside_as(part_held, contents))
        return super()._value(value, fresh)


def _outside_as(labels: FrozenSet[str], outside: FrozenSet[str]) -> FrozenSet[str]:
    return (labels - {OUTSIDE}) | (outside if OUTSIDE in labels else frozenset())


def private_parts(facts: ResidualFacts) -> FrozenSet[str]:
    """The roots BackwardSharing gives the private parts of the residuals."""
    return frozenset(PART + str(i) for i in facts.parts)


def stays_unseen(call: gast.Call, activity: Activity, live_after: Optional[FrozenSet[str]]) -> bool:
    """Whether what backward half `bwd_g(d, residuals)` writes into memory private to it and
    its forward half stays unseen in the caller being differentiated too: the derivative calls
    the backward half's own forward half instead, which writes into a copy, when an argument is
    active; and the residuals are not read after the call."""
    names = [a.id for a in call.args if isinstance(a, gast.Name)]
    return (len(call.args) == len(names) == 2 and not call.keywords
            and any(activity.is_active(name) for name in names) and names[1] not in (live_after or ()))


def _is_constant(node: gast.expr, number: int) -> bool:
    return isinstance(node, gast.Constant) and type(node.value) is int and node.value == number
