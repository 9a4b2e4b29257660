"""Constant folding and algebraic identities; zeros annihilate only in adjoint statements.

Before::

    dx = 0.0 + y * (2 - 1) * x ** (2 - 1) * dz
    dy = dx + -dz

After::

    dx = y * x * dz
    dy = dx - dz
"""
from __future__ import annotations

import operator

import gast

from adjoint import nodes
from adjoint.optimize.facts import Facts

_FOLDABLE = {
    gast.Add: operator.add, gast.Sub: operator.sub, gast.Mult: operator.mul,
    gast.Div: operator.truediv, gast.Pow: operator.pow,
}


def _number(node) -> bool:
    return (
        isinstance(node, gast.Constant)
        and isinstance(node.value, (int, float))
        and not isinstance(node.value, bool)
    )


def _is(node, value) -> bool:
    return _number(node) and node.value == value


class _Fold(gast.NodeTransformer):
    def __init__(self, facts: Facts, annihilate: bool):
        self.facts = facts
        self.annihilate = annihilate
        self.changed = False

    def _replace(self, new):
        self.changed = True
        return new

    def visit_BinOp(self, node):
        self.generic_visit(node)
        left, right, op = node.left, node.right, type(node.op)
        if _number(left) and _number(right) and op in _FOLDABLE and _safe(op, left.value, right.value):
            return self._replace(nodes.constant(_FOLDABLE[op](left.value, right.value)))
        simpler = self._identity(left, op, right)
        if simpler is not None:
            return self._replace(simpler)
        return node

    def _identity(self, left, op, right):
        if _boolean(left) or _boolean(right):
            return None
        if op is gast.Add and isinstance(right, gast.UnaryOp) and isinstance(right.op, gast.USub):
            return nodes.binop(left, gast.Sub(), right.operand)
        if op is gast.Sub and isinstance(right, gast.UnaryOp) and isinstance(right.op, gast.USub):
            return nodes.binop(left, gast.Add(), right.operand)
        if op in (gast.Add, gast.Sub) and _is(right, 0) and self.annihilate:
            return left
        if op is gast.Add and _is(left, 0) and self.annihilate:
            return right
        if op is gast.Sub and _is(left, 0) and self.annihilate:
            return gast.UnaryOp(op=gast.USub(), operand=right)
        if op is gast.Mult and _is(right, 1):
            return left
        if op is gast.Mult and _is(left, 1):
            return right
        if op in (gast.Div, gast.Pow) and _is(right, 1):
            return left
        if self.annihilate and op in (gast.Mult, gast.MatMult) and (_is(left, 0) or _is(right, 0)):
            return nodes.constant(0.0)
        if self.annihilate and op is gast.Div and _is(left, 0):
            return nodes.constant(0.0)
        return None

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        operand = node.operand
        if isinstance(node.op, gast.USub):
            if _number(operand):
                return self._replace(nodes.constant(-operand.value))
            if isinstance(operand, gast.UnaryOp) and isinstance(operand.op, gast.USub):
                return self._replace(operand.operand)
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        linear = isinstance(func, gast.Name) and func.id in self.facts.linear_helpers
        if self.annihilate and linear and node.args and _is(node.args[0], 0):
            return self._replace(nodes.constant(0.0))
        if self.annihilate and self.facts.is_bilinear(func) and any(_is(arg, 0) for arg in node.args[:2]):
            return self._replace(nodes.constant(0.0))
        return node


def _boolean(node) -> bool:
    """Comparisons give bools: `1.0 * (a > b)` is a float, `(a > b)` is not."""
    return isinstance(node, (gast.Compare, gast.BoolOp)) or (
        isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.Not)
    )


def _safe(op, left, right) -> bool:
    if op is gast.Div and right == 0:
        return False
    if op is gast.Pow and (abs(right) > 64 or (left == 0 and right < 0)):
        return False
    return True


def run(tree: gast.FunctionDef, facts: Facts) -> bool:
    changed = False
    for stmt in gast.walk(tree):
        if isinstance(stmt, gast.Assign):
            target = stmt.targets[0]
            annihilate = isinstance(target, gast.Name) and target.id in facts.adjoint_names
            folder = _Fold(facts, annihilate)
            stmt.value = folder.visit(stmt.value)
            changed = changed or folder.changed
    return changed
