"""Known zeros: a read of an adjoint that is zero where it is read becomes 0.0 (fold then simplifies).

An adjoint assigned `0.0` is zero until it is assigned again; after an `if` it is zero when
both branches leave it zero, and in a loop when every iteration leaves it zero (a fixed point).
One walk over the function's statements. Where the number may not stand for a zero array
(optimize/zero_positions.py: `np.cumsum(d_y)`), such a read becomes `zeros_like(y)` instead.

Before::

    da = 0.0
    dx = da * y + dz
    return dx

After::

    da = 0.0
    dx = 0.0 * y + dz
    return dx
"""
from __future__ import annotations

from typing import List, Set

import gast

from adjoint import nodes
from adjoint.optimize.facts import Facts
from adjoint.optimize.statements import reports_changes
from adjoint.optimize.zero_positions import binop_operands, call_arguments, is_zero_tolerant, unary_operand


class _Substitute:
    """Replaces the reads of known zeros in one statement: by 0.0 where 0.0 may stand for a zero of
    any shape (optimize/zero_positions.py; in a statement fold simplifies with zeros annihilating,
    an adjoint's assignment, or returned whole); elsewhere a zero of an array (`np.cumsum(d_y)`,
    `d_y.T`, an expression inlined into a `return`) by `zeros_like(y)`, where y holds the value
    d_y belongs to (Facts.zero_shapes), else not at all. A number's zero is 0.0 anywhere."""

    def __init__(self, zeros: Set[str], facts: Facts, tree: gast.FunctionDef):
        self.zeros = zeros
        self.facts = facts
        self.tree = tree
        self.changed = False
        self.kept_shapes = False  # a zero that may be an array stays one (zeros_like) where it is read
        self.widening = False  # a zero that may be an array was read as 0.0 inside the value

    def statement(self, stmt: gast.stmt) -> None:
        """Replace the reads of known zeros in stmt (of a compound statement, in its header)."""
        cls = stmt.__class__
        if cls is gast.Assign:
            target = stmt.targets[0]
            folded = target.__class__ is gast.Name and target.id in self.facts.adjoint_names
            if folded and self.facts.forward and stmt.value.__class__ is not gast.Name:
                self._tangent(stmt, target.id)
                return
            stmt.value = self.expression(stmt.value, folded, folded)
        elif cls is gast.Return:
            if stmt.value is not None:
                stmt.value = self._returned(stmt.value)
        elif cls is gast.For:
            stmt.iter = self.expression(stmt.iter, False, False)
        elif cls is gast.If or cls is gast.While:
            stmt.test = self.expression(stmt.test, False, False)
        elif cls is gast.Expr:
            stmt.value = self.expression(stmt.value, False, False)

    def _tangent(self, stmt: gast.Assign, target: str) -> None:
        """A tangent's assignment: a zero of an array read as 0.0 in `d_y + d_b` would leave the sum with
        d_b's shape where the primal's is broadcast wider (`y = np.zeros(3); y = y + b` of a number b), so
        the value is given the shape of its primal (tangent_like), or the zero stays an array."""
        primal = self.facts.zero_shapes.get(target)
        self.kept_shapes = primal is None or not self._assigned(primal)
        self.widening = False
        stmt.value = self.expression(stmt.value, True, True)
        self.kept_shapes = False
        if self.widening:
            stmt.value = nodes.call(nodes.name(self.facts.tangent_like), [stmt.value, nodes.name(primal)])

    def _returned(self, value: gast.expr) -> gast.expr:
        """A returned value: each item of a returned tuple returned whole (fold leaves a `return`
        as it is: only a zero returned whole, or given whole to gradient_like, may be 0.0)."""
        if value.__class__ is gast.Tuple:
            value.elts = [self._returned(element) for element in value.elts]
            return value
        return self.expression(value, True, False)

    def expression(self, node, safe: bool, folded: bool):
        """node with the reads of known zeros replaced; `safe`: 0.0 may stand here; `folded`: fold
        simplifies the statement with zeros annihilating (else only a whole value may be 0.0)."""
        cls = node.__class__
        if cls is gast.Name:
            return self._zero(node, safe) if node.id in self.zeros and node.ctx.__class__ is gast.Load else node
        if cls is gast.BinOp and folded:
            left, right = binop_operands(node.op.__class__, safe)
            node.left, node.right = self.expression(node.left, left, True), self.expression(node.right, right, True)
            return node
        if cls is gast.UnaryOp and folded:
            node.operand = self.expression(node.operand, unary_operand(node.op.__class__, safe), True)
            return node
        if cls is gast.Call:
            arguments, keywords = call_arguments(node, safe and folded, self.facts)
            tolerant = is_zero_tolerant(node, self.facts)  # its first argument is folded (fold.py)
            node.func = self.expression(node.func, False, folded)
            node.args = [self.expression(arg, position, folded or tolerant and index == 0)
                         for index, (arg, position) in enumerate(zip(node.args, arguments))]
            for keyword in node.keywords:
                keyword.value = self.expression(keyword.value, keywords, folded)
            return node
        if cls is gast.Tuple or cls is gast.List:
            node.elts = [self.expression(item, safe, folded) for item in node.elts]
            return node
        for field in nodes.child_fields(cls):
            value = getattr(node, field, None)
            if value.__class__ is list:
                value[:] = [self.expression(item, False, folded) if isinstance(item, gast.AST) else item
                            for item in value]
            elif isinstance(value, gast.AST):
                setattr(node, field, self.expression(value, False, folded))
        return node

    def _zero(self, node: gast.Name, safe: bool) -> gast.expr:
        shapes = self.facts.zero_shapes
        if node.id in shapes and safe and self.kept_shapes:
            safe = False
        if safe or node.id not in shapes:
            self.changed = True
            self.widening = self.widening or node.id in shapes
            return nodes.constant(0.0)
        primal = shapes[node.id]
        if primal is None or not self._assigned(primal):
            return node
        self.changed = True
        return nodes.call(nodes.name(self.facts.zeros_like), [nodes.name(primal)])

    def _assigned(self, name: str) -> bool:
        """A parameter, or a name the function still assigns (the optimizer may inline a temporary)."""
        return name in nodes.parameters(self.tree) or bool(self.facts.unchanged.counts(self.tree)[1][name])


_SIMPLE = (gast.Assign, gast.Expr, gast.Return)  # statements whose reads are kept (TreeFacts)


def _is_zero(expr: gast.expr) -> bool:
    return isinstance(expr, gast.Constant) and type(expr.value) in (int, float) and expr.value == 0


class _Zeros:
    def __init__(self, facts: Facts, tree: gast.FunctionDef, dry: bool = False):
        self.facts = facts
        self.tree = tree
        self.dry = dry
        self.changed = False
        self.reads = facts.unchanged.statements().of  # what a simple statement reads: a zero read is in there

    def substitute(self, stmt: gast.stmt, known: Set[str]) -> None:
        """Replace the reads of known zeros in stmt (a compound statement's header)."""
        if known and not self.dry and (stmt.__class__ not in _SIMPLE or not known.isdisjoint(self.reads(stmt)[0])):
            substitute = _Substitute(known, self.facts, self.tree)
            substitute.statement(stmt)
            if substitute.changed:
                self.facts.unchanged.statements().forget(stmt)
                self.facts.unchanged.changed()  # (a later `_assigned` counts the reads this one added)
                self.changed = True

    def block(self, stmts: List[gast.stmt], known: Set[str]) -> Set[str]:
        """Scan stmts from `known`, a set the scan owns and updates in place (callers pass a copy)."""
        for stmt in stmts:
            known = self.statement(stmt, known)
        return known

    def statement(self, stmt: gast.stmt, known: Set[str]) -> Set[str]:
        if stmt.__class__ is gast.Assign:  # most statements: asked first, by class
            if known:
                self.substitute(stmt, known)
            target = stmt.targets[0]
            if target.__class__ is not gast.Name:
                known -= set(nodes.names_stored(target)) | set(nodes.names_read(target))
            elif target.id in self.facts.adjoint_names and _is_zero(stmt.value):
                known.add(target.id)
            else:
                known.discard(target.id)
            return known
        if isinstance(stmt, gast.If):
            self.substitute(stmt, known)
            return self.block(stmt.body, set(known)) & self.block(stmt.orelse, set(known))
        if isinstance(stmt, (gast.For, gast.While)):
            inside = self._loop_invariant(stmt, known)
            self.substitute(stmt, inside)
            self.block(stmt.body, set(inside))
            return inside
        if isinstance(stmt, (gast.Return, gast.Expr)) and not nodes.is_comment(stmt):
            self.substitute(stmt, known)
        return known

    def _loop_invariant(self, loop, known: Set[str]) -> Set[str]:
        """Zeros before the loop that every iteration leaves zero at its end (a fixed point)."""
        inside = set(known)
        if isinstance(loop, gast.For):
            inside -= set(nodes.names_stored(loop.target))
        while True:
            at_end = _Zeros(self.facts, self.tree, dry=True).block(loop.body, set(inside))
            narrowed = inside & at_end
            if narrowed == inside:
                return inside
            inside = narrowed


@reports_changes
def run(tree: gast.FunctionDef, facts: Facts) -> bool:
    """Replace reads of adjoints known to be zero by 0.0 (fold then simplifies)."""
    pass_ = _Zeros(facts, tree)
    pass_.block(tree.body, set())
    return pass_.changed
