"""Adjoints no path has reached yet: rules that need an array skip them instead of failing.

An adjoint starts as the float `0.0`, the symbolic zero, and stays so until a contribution
reaches it. Elementwise rules take it as it is (it broadcasts), but `A @ P`, a reshape or a
solve needs its adjoint in the result's shape. The adjoint sweep therefore wraps such a
rule's contributions in `if reached(dP, P):` (every rule is linear in its adjoint, so a zero
adjoint contributes nothing). Most guards are decided at generation time by a forward pass
over the adjoint sweep that follows, for each adjoint, whether it is surely zero, surely
reached, or either (a loop's first backward iteration against its later ones, a branch):

    dP = 0.0
    for i in reversed(_range1):
        if reached(dP, P):         # zero before the first contribution, reached after
            dA = dot_adjoint_a(dP, A, P)
            dP = dot_adjoint_b(dP, A, P)
        dP = dP + q * unbroadcast(-dA, P)

A surely reached guard gives way to its body, a surely zero one to nothing.
"""
from __future__ import annotations

from typing import Dict, List, Set, Tuple

import gast

from adjoint import nodes

ZERO, REACHED, EITHER = "zero", "reached", "either"


def _join(a: str, b: str) -> str:
    return a if a == b else EITHER


def join_states(a: Dict[str, str], b: Dict[str, str]) -> Dict[str, str]:
    return {name: _join(a.get(name, ZERO), b.get(name, ZERO)) for name in a.keys() | b.keys()}


class Guards:
    """The guards one adjoint sweep holds, and their settling once the sweep is whole."""

    def __init__(self, adjoints: Set[str]):
        self.adjoints = adjoints
        self.zero_helpers: Set[str] = set()
        self.guards: Set[gast.If] = set()
        self._values: Dict[int, Tuple[gast.expr, bool, Tuple[str, ...]]] = {}  # see _facts

    def guard(self, test: gast.expr, code: List[gast.stmt]) -> gast.If:
        node = nodes.if_(test, code, [])
        self.guards.add(node)
        return node

    def settle(self, sweep: List[gast.stmt], reached: Set[str], zero_helpers: Set[str]) -> List[gast.stmt]:
        """The sweep with each guard replaced by its body or by nothing where the state is known.

        `reached` are the adjoints that hold a value when the sweep starts (the seed); the
        others start as the symbolic zero. `zero_helpers` name the helpers that may return the
        symbolic zero from reached arguments (an item of a list adjoint).
        """
        if not self.guards:
            return sweep
        self.zero_helpers = zero_helpers
        self._values.clear()  # its answers depend on zero_helpers
        state = {name: (REACHED if name in reached else ZERO) for name in self.adjoints}
        decisions: Dict[gast.If, str] = {}
        self._block(sweep, state, decisions)
        return self._rewrite(sweep, decisions)

    # ----- the forward pass ------------------------------------------------------------------

    def _block(self, stmts: List[gast.stmt], state: Dict[str, str], decisions: Dict[gast.If, str]) -> None:
        for stmt in stmts:
            self._statement(stmt, state, decisions)

    def _statement(self, stmt: gast.stmt, state: Dict[str, str], decisions: Dict[gast.If, str]) -> None:
        if isinstance(stmt, gast.If) and stmt in self.guards:
            seed = state[self._guarded(stmt)]
            decisions[stmt] = _join(decisions.get(stmt, seed), seed)
            if seed == REACHED:
                self._block(stmt.body, state, decisions)
            elif seed == EITHER:
                self._branches(stmt.body, [], state, decisions)
        elif isinstance(stmt, gast.If):
            self._branches(stmt.body, stmt.orelse, state, decisions)
        elif isinstance(stmt, (gast.For, gast.While)):
            while True:  # states only rise (zero or reached, then either): the fixed point is near
                before = dict(state)
                self._branches(stmt.body, [], state, decisions)
                if state == before:
                    break
        elif isinstance(stmt, gast.Assign):
            self._assign(stmt, state)

    def _assign(self, stmt: gast.Assign, state: Dict[str, str]) -> None:
        """Adjoints, and the temporaries computed from them (`d_a, d_b = vjp_f(d_r, ...)`), follow their value."""
        target = stmt.targets[0]
        names = [target] if isinstance(target, gast.Name) else getattr(target, "elts", [])
        value = self._value(stmt.value, state)
        for name in names:
            if isinstance(name, gast.Name) and (name.id in self.adjoints or self._reads_tracked(stmt.value, state)):
                state[name.id] = value

    def _reads_tracked(self, expr: gast.expr, state: Dict[str, str]) -> bool:
        return any(name in state for name in self._facts(expr)[2])

    def _facts(self, expr: gast.expr) -> Tuple[gast.expr, bool, Tuple[str, ...]]:
        """(expr, whether it calls something that may give the symbolic zero, the names in it),
        found once per value: a loop's body is gone through until its states settle."""
        facts = self._values.get(id(expr))
        if facts is None or facts[0] is not expr:
            found = nodes.every_node(expr)
            names = tuple(node.id for node in found if isinstance(node, gast.Name))
            facts = self._values[id(expr)] = (expr, any(self._may_give_zero(node) for node in found), names)
        return facts

    def _branches(self, body, orelse, state: Dict[str, str], decisions: Dict[gast.If, str]) -> None:
        """state after running body or orelse (either may run)."""
        first, second = dict(state), dict(state)
        self._block(body, first, decisions)
        self._block(orelse, second, decisions)
        state.update(join_states(first, second))

    def _guarded(self, guard: gast.If) -> str:
        return guard.test.args[0].id

    def _value(self, expr: gast.expr, state: Dict[str, str]) -> str:
        if isinstance(expr, gast.Constant) and expr.value == 0:
            return ZERO
        _, may_give_zero, names = self._facts(expr)
        if may_give_zero:
            return EITHER
        read = [state[name] for name in names if name in state]
        if not read or REACHED in read:
            return REACHED
        return ZERO if all(s == ZERO for s in read) else EITHER

    def _may_give_zero(self, node: gast.AST) -> bool:
        """A call of one of the zero_helpers, or a value from the stack."""
        if not isinstance(node, gast.Call):
            return False
        func = node.func
        if isinstance(func, gast.Attribute):
            return func.attr == "pop"
        return isinstance(func, gast.Name) and func.id in self.zero_helpers

    # ----- the rewrite -------------------------------------------------------------------------

    def _rewrite(self, stmts: List[gast.stmt], decisions: Dict[gast.If, str]) -> List[gast.stmt]:
        out: List[gast.stmt] = []
        for stmt in stmts:
            if isinstance(stmt, gast.If) and stmt in self.guards:
                decision = decisions.get(stmt, ZERO)
                stmt.body = self._rewrite(stmt.body, decisions)
                if decision == REACHED:
                    out.extend(stmt.body)
                elif decision == EITHER:
                    out.append(stmt)
                continue
            for field in ("body", "orelse"):
                if isinstance(getattr(stmt, field, None), list) and not isinstance(stmt, gast.FunctionDef):
                    setattr(stmt, field, self._rewrite(getattr(stmt, field), decisions) or
                            ([gast.Pass()] if field == "body" else []))
            out.append(stmt)
        return out
