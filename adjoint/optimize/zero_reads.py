"""Adjoints that the optimizer found zero after the guards were settled, read where NumPy needs
their shape.

ad/unreached.py decides, before the code is optimized, which rules must wait for their adjoint to
be reached (`if reached(dP, P):`). The optimizer may then find a contribution zero (`lam * g`
with `lam = 0.0`, a product with a zero) and drop it: an adjoint the guards took for reached may
then still be the symbolic zero `0.0` when a rule reads it (`cumsum_adjoint(dg, h)`,
`np.reshape(dh, s)`, `dh.T`), in a loop's next backward iteration for instance. After the
optimizer, a forward pass over the code follows again, for each adjoint of an array, whether it
is surely reached; where one that may be zero is read at a position where 0.0 does not stand for
a zero of any shape, the read becomes `shaped_zero(dP, P)`: dP itself, or zeros in P's shape.
"""
from __future__ import annotations

from typing import Dict, List

import gast

from adjoint import nodes, runtime
from adjoint.ad.context import FunctionContext
from adjoint.ad.reverse import MAY_GIVE_SYMBOLIC_ZERO
from adjoint.ad.unreached import REACHED, ZERO, Guards, join_states
from adjoint.analysis.kinds import UNKNOWN, is_array
from adjoint.optimize.facts import BILINEAR
from adjoint.optimize.zero_positions import ZERO_TOLERANT, binop_operands, unary_operand

# Helpers known to take 0.0 for the zero of an array in every argument (and give a result of the
# right shape, or 0.0 again); other helpers may read their argument's shape.
TOLERANT = ZERO_TOLERANT + (
    runtime.unbroadcast, runtime.unreduce, runtime.item_adjoint, runtime.add_at, runtime.add_adjoints, runtime.zero_at,
    runtime.reached, runtime.shaped_zero, runtime.pow_exponent_adjoint, runtime.quotient_or_inf,
    runtime.slope_or_zero,
)


def shape_zero_reads(tree: gast.FunctionDef, ctx: FunctionContext) -> gast.FunctionDef:
    """tree with each read of an array's adjoint that may still be 0.0, at a position that needs
    its shape, given that shape (a reverse-mode derivative, after the optimizer)."""
    primals = {name: primal for name, primal in ctx.namer.primals().items()
               if is_array(ctx.kinds.get(primal)) or ctx.kinds.get(primal) in (UNKNOWN, None)}
    if primals:  # of those, the ones the function still holds (the optimizer may have taken one out)
        available = set(nodes.names_stored(tree)) | set(nodes.parameters(tree))
        primals = {name: primal for name, primal in primals.items() if primal in available}
    if not primals:
        return tree
    bindings = dict(ctx.parsed.namespace)
    bindings.update(ctx.bindings)
    reads = _Reads(primals, bindings, ctx)
    reached = {arg.id for arg in tree.args.args if arg.id in primals}
    reads.run(tree.body, reached)
    return tree


class _Reads(Guards):
    """The forward pass of unreached.Guards over optimized code, rewriting reads on its way."""

    def __init__(self, primals: Dict[str, str], bindings: dict, ctx: FunctionContext):
        super().__init__(set(primals))
        self.primals = primals
        self.bindings = bindings
        self.ctx = ctx
        self.rewritten = False  # whether _rewrite has wrapped a read since it was last cleared

    def run(self, body: List[gast.stmt], reached) -> None:
        self.zero_helpers = {name for name, obj in self.bindings.items() if any(obj is f for f in MAY_GIVE_SYMBOLIC_ZERO)}
        state = {name: (REACHED if name in reached else ZERO) for name in self.adjoints}
        self._block(body, state, {})

    def _statement(self, stmt, state, decisions) -> None:
        if isinstance(stmt, gast.If) and self._reached_test(stmt.test) is not None:
            first, second = dict(state), dict(state)
            first[self._reached_test(stmt.test)] = REACHED
            self._block(stmt.body, first, decisions)
            self._block(stmt.orelse, second, decisions)
            state.update(join_states(first, second))
            return
        if isinstance(stmt, (gast.Assign, gast.Return, gast.Expr)) and stmt.value is not None and self._reads_adjoint(stmt.value):
            self.rewritten = False
            stmt.value = self._rewrite(stmt.value, not isinstance(stmt, gast.Expr), state)
            if self.rewritten:  # the value's kept facts (Guards._facts) are those of what it was
                self._values.pop(id(stmt.value), None)
        super()._statement(stmt, state, decisions)

    def _reads_adjoint(self, expr) -> bool:
        """Whether expr reads one of the adjoints followed (from the names Guards keeps of it)."""
        return any(name in self.primals for name in self._facts(expr)[2])

    def _reached_test(self, test):
        if (isinstance(test, gast.Call) and isinstance(test.func, gast.Name) and self._resolve(test.func.id) is runtime.reached
                and test.args and isinstance(test.args[0], gast.Name) and test.args[0].id in self.adjoints):
            return test.args[0].id
        return None

    def _resolve(self, name: str):
        return self.ctx.bindings[name] if name in self.ctx.bindings else self.bindings.get(name)

    def _rewrite(self, node, safe: bool, state):
        """node with its unsafe reads of adjoints that may be zero given their shape."""
        if isinstance(node, gast.Name):
            if not safe and node.id in self.primals and state.get(node.id, REACHED) != REACHED:
                self.rewritten = True
                return nodes.call(self.ctx.runtime("shaped_zero"), [node, nodes.name(self.primals[node.id])])
            return node
        if isinstance(node, gast.BinOp):
            left, right = binop_operands(type(node.op), safe)
            node.left, node.right = self._rewrite(node.left, left, state), self._rewrite(node.right, right, state)
            return node
        if isinstance(node, gast.UnaryOp):
            node.operand = self._rewrite(node.operand, unary_operand(type(node.op), safe), state)
            return node
        if isinstance(node, (gast.Tuple, gast.List)):
            node.elts = [self._rewrite(item, safe, state) for item in node.elts]
            return node
        if isinstance(node, gast.IfExp):
            node.test = self._rewrite(node.test, False, state)
            node.body, node.orelse = self._rewrite(node.body, safe, state), self._rewrite(node.orelse, safe, state)
            return node
        if isinstance(node, gast.Call):
            func = self._resolve(node.func.id) if isinstance(node.func, gast.Name) else None
            tolerant = func is not None and any(func is helper for helper in TOLERANT)
            bilinear = safe and func is not None and any(func is known for known in BILINEAR)
            node.func = self._rewrite(node.func, False, state)
            node.args = [self._rewrite(arg, tolerant or bilinear and index < 2, state) for index, arg in enumerate(node.args)]
            for keyword in node.keywords:
                keyword.value = self._rewrite(keyword.value, tolerant, state)
            return node
        for field, value in gast.iter_fields(node):
            if isinstance(value, gast.expr):
                setattr(node, field, self._rewrite(value, False, state))
            elif isinstance(value, list):
                setattr(node, field, [self._rewrite(item, False, state) if isinstance(item, gast.expr) else item
                                      for item in value])
        return node
