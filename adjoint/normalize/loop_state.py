"""What a loop hands from one iteration to the next, by liveness over the user's own code.

A loop body is a function of the loop variable, of the names it reads before assigning
them, and of nothing else. It must hand on every name it assigns that the next iteration
or the code after the loop may read: the loop's *carried* state. The other names it reads
from the enclosing function are its *invariants*; names it assigns that nobody reads later
are its own temporaries.

    >>> # def f(x, A, n):
    >>> #     y = x
    >>> #     for t in range(n):
    >>> #         z = A @ y
    >>> #         y = y + 0.01 * np.tanh(z)
    >>> #     return np.sum(y)
    >>> # carried: y    invariants: A    temporaries: z

The analysis runs before normalization (on the statements the user wrote), and is
conservative: a name that may be read later counts as read.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

import gast

from adjoint import nodes


@dataclass(frozen=True)
class LoopState:
    """The names a loop's body takes and gives back (each tuple sorted)."""

    carried: Tuple[str, ...]
    invariants: Tuple[str, ...]
    inputs: FrozenSet[str]          # names the body may read before assigning them
    after: FrozenSet[str]           # names the code after the loop may read
    maybe_unbound: Tuple[str, ...]  # carried or invariant names not surely assigned at loop entry


# ----- what one statement reads and assigns ---------------------------------------------------

def assigned_names(target: gast.expr) -> List[str]:
    """The names an assignment target binds (`a`, `a, (b, c)`; not `a[i]`)."""
    if isinstance(target, gast.Name):
        return [target.id]
    if isinstance(target, (gast.Tuple, gast.List)):
        return [name for element in target.elts for name in assigned_names(element)]
    return []


def _targets(stmt: gast.stmt) -> List[gast.expr]:
    if isinstance(stmt, gast.Assign):
        return list(stmt.targets)
    if isinstance(stmt, gast.AugAssign) or (isinstance(stmt, gast.AnnAssign) and stmt.value is not None):
        return [stmt.target]
    if isinstance(stmt, gast.For):
        return [stmt.target]
    if isinstance(stmt, gast.With):
        return [item.optional_vars for item in stmt.items if item.optional_vars is not None]
    return []


def kills(stmt: gast.stmt) -> Set[str]:
    return {name for target in _targets(stmt) for name in assigned_names(target)}


def uses(node: gast.AST) -> Set[str]:
    """Names a simple statement (or an expression) reads; `x += 1` reads x."""
    found = set(nodes.names_read(node))
    if isinstance(node, gast.AugAssign):
        found.update(assigned_names(node.target))
    return found


def stored_names(stmts: Sequence[gast.stmt]) -> Set[str]:
    """Every name any statement of the block (nested ones included) assigns."""
    found: Set[str] = set()
    for stmt in stmts:
        for sub in nodes.walk(stmt):
            if isinstance(sub, gast.stmt):
                found |= kills(sub)
    return found


# ----- liveness over structured statements ----------------------------------------------------

@dataclass
class _Loop:
    after: Set[str]
    head: Set[str]


class _Liveness:
    """Backward liveness; records what is live after and inside each loop of interest."""

    def __init__(self, loops: Sequence[gast.For]):
        self.wanted = {loop for loop in loops}
        self.after: Dict[gast.stmt, Set[str]] = {}  # live after the loop
        self.inputs: Dict[gast.stmt, Set[str]] = {}  # live where the body starts

    def block(self, stmts: Sequence[gast.stmt], live: Set[str], loop: Optional[_Loop]) -> Set[str]:
        for stmt in reversed(stmts):
            live = self.statement(stmt, live, loop)
        return live

    def statement(self, stmt: gast.stmt, live: Set[str], loop: Optional[_Loop]) -> Set[str]:
        if isinstance(stmt, gast.Return):
            return uses(stmt)
        if isinstance(stmt, gast.Break):
            return set(loop.after) if loop else set(live)
        if isinstance(stmt, gast.Continue):
            return set(loop.head) if loop else set(live)
        if isinstance(stmt, gast.If):
            return uses(stmt.test) | self.block(stmt.body, live, loop) | self.block(stmt.orelse, live, loop)
        if isinstance(stmt, (gast.For, gast.While)):
            return self._loop(stmt, live)
        if isinstance(stmt, gast.With):
            inner = self.block(stmt.body, live, loop) - kills(stmt)
            return inner | {n for item in stmt.items for n in uses(item.context_expr)}
        return (live - kills(stmt)) | uses(stmt)

    def _loop(self, stmt, live: Set[str]) -> Set[str]:
        """Live at the loop head: the exit's names, and the body's inputs, to a fixed point."""
        head = set(live) | (uses(stmt.test) if isinstance(stmt, gast.While) else set())
        while True:
            inputs = self.block(stmt.body, head, _Loop(set(live), head)) - kills(stmt)
            widened = head | inputs
            if widened == head:
                break
            head = widened
        if stmt in self.wanted:
            self.after[stmt] = set(live)
            self.inputs[stmt] = inputs
        return head | (uses(stmt.iter) if isinstance(stmt, gast.For) else set())


# ----- names surely assigned where a loop starts ---------------------------------------------

def _surely_assigned(stmt: gast.stmt) -> Set[str]:
    if isinstance(stmt, gast.If):
        return _surely_assigned_block(stmt.body) & _surely_assigned_block(stmt.orelse)
    if isinstance(stmt, gast.With):
        return kills(stmt) | _surely_assigned_block(stmt.body)
    if isinstance(stmt, (gast.For, gast.While)):
        return set()
    return kills(stmt)


def _surely_assigned_block(stmts: Sequence[gast.stmt]) -> Set[str]:
    found: Set[str] = set()
    for stmt in stmts:
        found |= _surely_assigned(stmt)
    return found


def assigned_before(func_node: gast.FunctionDef, loop: gast.stmt) -> Set[str]:
    """Names surely bound when `loop` starts: parameters and earlier assignments on every path."""
    found = set(nodes.parameters(func_node))
    return found | _before(func_node.body, loop)


def _before(stmts: Sequence[gast.stmt], loop: gast.stmt) -> Set[str]:
    """What the statements before `loop` surely assign, if `loop` is inside `stmts` (else empty)."""
    found: Set[str] = set()
    for stmt in stmts:
        if stmt is loop:
            return found
        for field, extra in (("body", kills(stmt) if isinstance(stmt, (gast.For, gast.With)) else set()),
                             ("orelse", set())):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and _contains(inner, loop):
                return found | extra | _before(inner, loop)
        found |= _surely_assigned(stmt)
    return set()


def _contains(stmts: Sequence[gast.stmt], target: gast.stmt) -> bool:
    return any(sub is target for stmt in stmts for sub in nodes.walk(stmt))


# ----- entry point ------------------------------------------------------------------------------

def loop_states(func_node: gast.FunctionDef, loops: Sequence[gast.For], local_names: FrozenSet[str]
                ) -> Dict[gast.stmt, LoopState]:
    """The LoopState of each loop of `loops` for the un-normalized `func_node`."""
    liveness = _Liveness(loops)
    liveness.block(func_node.body, set(), None)
    states = {}
    for loop in loops:
        target = set(assigned_names(loop.target))
        head = liveness.inputs[loop] | liveness.after[loop]
        inputs = _Liveness(()).block(loop.body, set(), _Loop(set(), set())) - target
        after = liveness.after[loop]
        assigned = stored_names(loop.body)
        carried = assigned & head
        invariants = (inputs & local_names) - assigned
        bound = assigned_before(func_node, loop)
        states[loop] = LoopState(
            carried=tuple(sorted(carried)), invariants=tuple(sorted(invariants)),
            inputs=frozenset(inputs), after=frozenset(after),
            maybe_unbound=tuple(sorted((carried | invariants) - bound)),
        )
    return states
