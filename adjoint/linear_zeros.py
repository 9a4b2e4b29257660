"""Where a rule's derivatives are zero (templates.instantiate): the parts of the filled-in rule that
are zero, as the number 0.0 (LinearZeros)."""
from __future__ import annotations

from typing import AbstractSet, Dict, Tuple

import gast

from adjoint import nodes, runtime

# The runtime's helpers that give a derivative its primal's shape, the symbolic zero 0.0 too.
SHAPING = (runtime.tangent_like, runtime.broadcast_like, runtime.gradient_like)


class LinearZeros(nodes.Transformer):
    """A rule is linear in the derivatives it reads, so a part of it whose derivatives are all
    zero is zero: `np.flipud(d[x])` with d[x] = 0 becomes 0.0, not np.flipud(0.0) (which fails).

    A call that also reads non-zero derivatives keeps its arguments, and there the number 0.0 is
    not a zero of the argument's shape: `toeplitz(tangent_like(d[c], c), d[r])` with d[c] = 0
    would build the matrix of a column of one entry. A part collapsed to 0.0 there is put back
    where it held a call that gives a zero its primal's shape (`shaping`: the names the rule
    reaches tangent_like, broadcast_like and gradient_like by), which runs on 0.0.

    `zeros` and `others` map the ids of the nodes that stand for zero and for non-zero
    derivatives in the filled-in expression to the nodes, which they keep alive: the id of a
    node freed meanwhile could be another's.
    """

    def __init__(self, zeros: dict, others: dict, shaping: AbstractSet[str]):
        self.zeros = zeros
        self.others = others
        self.shaping = shaping
        self.collapsed: Dict[int, Tuple[gast.expr, gast.expr]] = {}  # id of a 0.0 made -> (it, the part it stands for)

    def _zero(self, part: gast.expr) -> gast.Constant:
        node = nodes.constant(0.0)
        self.zeros[id(node)] = node
        self.collapsed[id(node)] = (node, part)
        return node

    def _holds(self, node, ids: dict) -> bool:
        return any(id(sub) in ids for sub in nodes.walk(node))

    def visit_BinOp(self, node):
        self.generic_visit(node)
        left, right = id(node.left) in self.zeros, id(node.right) in self.zeros
        if isinstance(node.op, (gast.Mult, gast.MatMult)) and (left or right):
            return self._zero(node)
        if isinstance(node.op, gast.Div) and left:
            return self._zero(node)
        if isinstance(node.op, (gast.Add, gast.Sub)) and left and right:
            return self._zero(node)
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        return self._zero(node) if id(node.operand) in self.zeros else node

    def visit_Subscript(self, node):
        self.generic_visit(node)
        return self._zero(node) if id(node.value) in self.zeros else node

    def visit_Call(self, node):
        self.generic_visit(node)
        values = list(node.args) + [k.value for k in node.keywords]
        if any(self._holds(v, self.zeros) for v in values) and not any(self._holds(v, self.others) for v in values):
            return self._zero(node)
        if self.collapsed:
            node.args = [self._restored(arg) for arg in node.args]
            for keyword in node.keywords:
                keyword.value = self._restored(keyword.value)
        return node

    def _restored(self, node: gast.expr) -> gast.expr:
        """node with the parts collapsed to 0.0 inside it put back where they held a shaping call."""
        found = self.collapsed.get(id(node))
        if found is not None and found[0] is node:
            part = nodes.rewrite(found[1], self._restored_inside)
            return part if any(sub.__class__ is gast.Call and sub.func.__class__ is gast.Name
                               and sub.func.id in self.shaping for sub in nodes.walk(part)) else node
        return nodes.rewrite(node, self._restored_inside)

    def _restored_inside(self, node: gast.AST) -> gast.AST:
        found = self.collapsed.get(id(node))
        return self._restored(node) if found is not None and found[0] is node else node
