"""Activity: a name is active when it depends on a `wrt` input (varied) and reaches the output (useful).

Only active names get adjoints. The analysis is flow-insensitive over the A-normal form,
which over-approximates (a name active anywhere is active everywhere) and is sound.

    >>> # x = a * b; y = len(x); z = x + 1.0; return z    (wrt a)
    >>> # varied: a, x, z      useful: z, x, a, b      active: a, x, z
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterable, List, Set, Tuple

import gast

from adjoint import nodes
from adjoint.analysis.attributes import attribute_root, carries_derivative
from adjoint.analysis.calls import CallClassifier, Callee
from adjoint.nodes import is_append, is_pop

Edge = Tuple[str, List[str]]


@dataclass(frozen=True)
class Activity:
    """varied: names that depend on an input of wrt; useful: names the output depends on.
    Active names are both: only they have derivatives (see tests/test_analysis.py)."""

    varied: FrozenSet[str]
    useful: FrozenSet[str]

    @property
    def active(self) -> FrozenSet[str]:
        return self.varied & self.useful

    def is_active(self, identifier: str) -> bool:
        return identifier in self.varied and identifier in self.useful


def _operand_names(expr: gast.expr) -> List[str]:
    if isinstance(expr, gast.Name):
        return [expr.id]
    if isinstance(expr, (gast.BinOp,)):
        return [n.id for n in (expr.left, expr.right) if isinstance(n, gast.Name)]
    if isinstance(expr, gast.UnaryOp):
        return [expr.operand.id] if isinstance(expr.operand, gast.Name) else []
    if isinstance(expr, gast.Subscript):
        return [expr.value.id] if isinstance(expr.value, gast.Name) else []
    if isinstance(expr, gast.Call):
        values = list(expr.args) + [keyword.value for keyword in expr.keywords]
        if isinstance(expr.func, gast.Attribute) and isinstance(expr.func.value, gast.Name):
            values.append(expr.func.value)
        return [value.id for value in values if isinstance(value, gast.Name)]
    if isinstance(expr, (gast.Tuple, gast.List)):
        return [e.id for e in expr.elts if isinstance(e, gast.Name)]
    if isinstance(expr, gast.Dict):
        return [e.id for e in expr.values if isinstance(e, gast.Name)]
    return []


def value_dependencies(expr: gast.expr, classifier: CallClassifier) -> List[str]:
    """The names whose derivative flows into `expr`'s value."""
    if isinstance(expr, (gast.BinOp, gast.UnaryOp, gast.Subscript, gast.Call)):
        operation = classifier.classify(expr)
        if operation.kind in (Callee.NONDIFF, Callee.ABSENT):  # a constant, or a call that raises
            return []
        if operation.kind == Callee.RULE:
            return _rule_dependencies(expr, classifier.template(operation.func))
        if operation.kind == Callee.UNKNOWN and isinstance(expr, gast.Call):
            # `g(x)` or `make(s)(x)` through a value (a closure a call returned, an object with
            # __call__): the result depends on what the callee closes over, so an active callee
            # makes the call's refusal reachable
            return _operand_names(expr) + nodes.names_read(expr.func)
        return _operand_names(expr)
    if isinstance(expr, (gast.Name, gast.Tuple, gast.List, gast.Dict)):
        return _operand_names(expr)
    root = attribute_root(expr)
    if root is not None and carries_derivative(expr):
        return [root]
    return []


def _rule_dependencies(expr: gast.expr, template) -> List[str]:
    """The operands bound to the parameters the rule differentiates (not shapes or axes)."""
    bindings = template.bind(*nodes.operation_arguments(expr)) if template is not None else None
    if bindings is None:
        return _operand_names(expr)
    return [bindings[p].id for p in template.differentiable if isinstance(bindings[p], gast.Name)]


def edges(func_node: gast.FunctionDef, classifier: CallClassifier) -> Iterable[Edge]:
    for stmt in nodes.walk(func_node):
        if isinstance(stmt, gast.Assign):
            target = stmt.targets[0]
            if isinstance(target, gast.Name) and is_pop(stmt.value):
                yield target.id, [stmt.value.func.value.id]
            elif isinstance(target, gast.Name):
                yield target.id, value_dependencies(stmt.value, classifier)
            elif isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
                yield target.value.id, [target.value.id] + _operand_names(stmt.value)
        elif is_append(stmt):
            yield stmt.value.func.value.id, _operand_names(stmt.value.args[0])


def analyze_activity(func_node: gast.FunctionDef, wrt: Iterable[str], output: str,
                     classifier: CallClassifier) -> Activity:
    graph = list(edges(func_node, classifier))
    forward: Dict[str, Set[str]] = {}
    backward: Dict[str, Set[str]] = {}
    for target, inputs in graph:
        for source in inputs:
            forward.setdefault(source, set()).add(target)
            backward.setdefault(target, set()).add(source)
    return Activity(frozenset(_reach(set(wrt), forward)), frozenset(_reach({output}, backward)))


def _reach(start: Set[str], graph: Dict[str, Set[str]]) -> Set[str]:
    seen = set(start)
    stack = sorted(start)
    while stack:
        for successor in sorted(graph.get(stack.pop(), ())):
            if successor not in seen:
                seen.add(successor)
                stack.append(successor)
    return seen


