"""Reverse mode of a checkpointed loop: a few stored states and recomputation instead of a tape.

The primal sweep runs the loop inside `checkpointed_forward`, which keeps the states the
binomial schedule restarts from; the adjoint sweep is one call to `checkpointed_adjoint`,
which recomputes steps from them and runs the step's vjp (generated like the derivative
of any called function) backwards over the range (the schedule is in runtime/checkpointing.py). A
carried name that the adjoint of earlier code reads is pushed before the loop and popped
after its adjoint, so that code sees the value it saw in the primal sweep.

For `for t in adjoint.checkpointed(range(n), snapshots=20): y = y + 0.01 * np.tanh(A @ y)`,
with `y` read by the adjoint of an earlier statement::

    _range1 = range(n)
    _stack.append(y)
    y, _checkpoints1 = checkpointed_forward(f_step, _range1, state=(y,), invariants=(A,), snapshots=20)
    ...
    # Grad of: for t in adjoint.checkpointed(range(n), snapshots=20):
    dy, dA = checkpointed_adjoint(f_step, vjp_f_step, _range1, invariants=(A,),
        checkpoints=_checkpoints1, dstate=(dy,), dinvariants=(dA,))
    y = _stack.pop()
"""
from __future__ import annotations

from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

import gast

from adjoint import nodes
from adjoint.ad.code_reads import CodeReads
from adjoint.ad.context import FunctionContext
from adjoint.analysis.calls import Callee
from adjoint.markers import LOOP_STEP, RECOMPUTE, RECOMPUTED
from adjoint.normalize.checkpoint import CheckpointedLoop, loop_of
from adjoint.options import Mode

Sweeps = Tuple[List[gast.stmt], List[gast.stmt]]


class CheckpointedLoops:
    """The checkpointed loops of a normalized function (loops whose body calls a step function),
    and which of their carried names the adjoint sweep must set back after each one."""

    def __init__(self, body: Sequence[gast.stmt], ctx: FunctionContext):
        self.loops: Dict[gast.For, Tuple[gast.For, CheckpointedLoop]] = {}
        self.order: List[Tuple[gast.stmt, bool]] = []  # every statement in program order, and if inside a loop
        self.restores: Dict[gast.For, FrozenSet[str]] = {}
        self._walk(body, ctx, looping=False)

    def _walk(self, stmts: Sequence[gast.stmt], ctx: FunctionContext, looping: bool) -> None:
        for stmt in stmts:
            self.order.append((stmt, looping))
            plan = _plan(stmt, ctx) if isinstance(stmt, gast.For) else None
            if plan is not None:
                self.loops[stmt] = (stmt, plan)
            elif isinstance(stmt, (gast.If, gast.For, gast.While)):
                inner = looping or not isinstance(stmt, gast.If)
                self._walk(stmt.body, ctx, inner)
                self._walk(stmt.orelse, ctx, inner)

    def plan(self, loop: gast.stmt) -> Optional[CheckpointedLoop]:
        found = self.loops.get(loop)
        return found[1] if found else None

    def adjoint_reads(self) -> Dict[gast.stmt, List[gast.stmt]]:
        """What each loop's adjoint reads, for the saves analysis: its range and its invariants."""
        reads = {}
        for key, (loop, plan) in self.loops.items():
            names = [nodes.load_copy(loop.iter)] + [nodes.name(name) for name in plan.invariants]
            reads[key] = [gast.Expr(value=nodes.tuple_of(names))]
        return reads

    def carried(self) -> Set[str]:
        """The names the checkpointed loops carry from step to step."""
        return {name for _, plan in self.loops.values() for name in plan.carried}

    def decide_restores(self, adjoint_code: Dict[gast.stmt, List[gast.stmt]], parameters: Set[str],
                        reads: CodeReads) -> Set[str]:
        """Per loop, the carried names to set back: those the adjoint of earlier code reads, the
        parameters (the gradients take their types) and, in a loop, all. Returns their union."""
        if not self.loops:
            return set()
        read_before: Set[str] = set()
        for stmt, looping in self.order:
            if stmt in self.loops:
                carried = self.loops[stmt][1].carried
                wanted = carried if looping else [n for n in carried if n in read_before or n in parameters]
                self.restores[stmt] = frozenset(wanted)
            read_before |= reads.read(adjoint_code.get(stmt, ()))
        return set().union(*self.restores.values())


def _plan(loop: gast.For, ctx: FunctionContext) -> Optional[CheckpointedLoop]:
    first = loop.body[0] if len(loop.body) else None
    call = first.value if isinstance(first, (gast.Assign, gast.Expr)) else None
    if not isinstance(call, gast.Call):
        return None
    operation = ctx.operation(call)
    return loop_of(operation.func) if operation.kind == Callee.USER else None


# ----- the two sweeps ----------------------------------------------------------------------------

def reverse_loop(ctx: FunctionContext, loop: gast.For, plan: CheckpointedLoop, looping: bool,
                 restored: FrozenSet[str]) -> Sweeps:
    """The primal and adjoint sweeps of one checkpointed loop; `restored` names are set back."""
    step = ctx.request_derivative(plan.step, (), Mode.PRIMAL, loop, {})
    active = tuple(name for name in plan.carried if ctx.activity.is_active(name))
    if not active:
        return [_plain_loop(loop, plan, step)], []
    invariants = tuple(name for name in plan.invariants if ctx.activity.is_active(name))
    bound = {param: nodes.name(param) for param in plan.parameters}
    vjp = ctx.request_derivative(plan.returning(active), active + invariants, Mode.VJP, loop, bound)
    saved = [name for name in plan.carried if name in restored]
    checkpoints = ctx.namer.fresh("_checkpoints")
    primal = [ctx.push(nodes.name(name), loop) for name in saved]
    primal.append(_forward(ctx, loop, plan, step, checkpoints))
    if looping:
        primal.append(ctx.push(nodes.name(checkpoints), loop))
    adjoint = [ctx.pop_into(nodes.name(checkpoints, store=True), loop)] if looping else []
    adjoint.append(_backward(ctx, loop, plan, (step, vjp, checkpoints), active, invariants))
    adjoint.extend(ctx.pop_into(nodes.name(name, store=True), loop) for name in reversed(saved))
    primal = [nodes.copy_location(stmt, loop) for stmt in primal]
    return primal, [ctx.comment(loop)] + [nodes.copy_location(stmt, loop) for stmt in adjoint]


def _forward(ctx: FunctionContext, loop: gast.For, plan: CheckpointedLoop, step: str, checkpoints: str) -> gast.stmt:
    """`state..., _checkpoints = checkpointed_forward(step, range, state=..., invariants=..., snapshots=k)`."""
    keywords = [_keyword("state", plan.carried), _keyword("invariants", plan.invariants),
                gast.keyword(arg="snapshots", value=nodes.load_copy(plan.snapshots))]
    if getattr(plan.step, RECOMPUTE, None) == LOOP_STEP:  # a step that may not run again to its state: its vjp checks
        printed = tuple(plan.carried.index(name) for name in plan.carried if ctx.activity.is_active(name))
        keywords.append(gast.keyword(arg="printed", value=nodes.tuple_of(nodes.constant(i) for i in printed)))
    call = nodes.call(ctx.runtime("checkpointed_forward"), [nodes.name(step), nodes.load_copy(loop.iter)], keywords)
    outputs = nodes.tuple_of(nodes.name(name, store=True) for name in plan.carried + (checkpoints,))
    return nodes.assign_to(outputs, call)


def _backward(ctx: FunctionContext, loop: gast.For, plan: CheckpointedLoop, names: Tuple[str, str, str],
              active: Tuple[str, ...], invariants: Tuple[str, ...]) -> gast.stmt:
    """`dstate..., dinvariants... = checkpointed_adjoint(step, vjp, range, ...)`."""
    step, vjp, checkpoints = names
    functions = [nodes.name(step), nodes.name(vjp), nodes.load_copy(loop.iter)]
    call = nodes.call(ctx.runtime("checkpointed_adjoint"), functions, [
        _keyword("invariants", plan.invariants), gast.keyword(arg="checkpoints", value=nodes.name(checkpoints)),
        _keyword("dstate", [ctx.adjoint(name) for name in active]),
        _keyword("dinvariants", [ctx.adjoint(name) for name in invariants]),
    ])
    results = [ctx.adjoint(name) for name in active + invariants]
    if len(results) == 1:
        return nodes.assign(results[0], nodes.subscript(call, nodes.constant(0)))
    return nodes.assign_to(nodes.tuple_of(nodes.name(name, store=True) for name in results), call)


def _plain_loop(loop: gast.For, plan: CheckpointedLoop, step: str) -> gast.For:
    """The loop as it runs when nothing in it needs an adjoint: each iteration calls the step."""
    call = nodes.call(nodes.name(step), [nodes.name(param) for param in plan.parameters])
    if not plan.carried:
        body = gast.Expr(value=call)
    else:
        outputs = nodes.tuple_of(nodes.name(name, store=True) for name in plan.carried)
        body = nodes.assign_to(outputs.elts[0] if len(plan.carried) == 1 else outputs, call)
    plain = gast.For(target=nodes.clone(loop.target), iter=nodes.load_copy(loop.iter), body=[body],
                     orelse=[], type_comment=None)
    return nodes.copy_location(plain, loop)


def _keyword(arg: str, names: Sequence[str]) -> gast.keyword:
    return gast.keyword(arg=arg, value=nodes.tuple_of(nodes.name(name) for name in names))


def recomputed_call(ctx: FunctionContext, target: str, value: gast.Call, vjp_name: str):
    """A call of a function marked `adjoint.checkpoint`: the primal sweep's `target, print =
    with_fingerprint(f(...))`, the fingerprint's name, and the adjoint sweep's call of its vjp,
    which runs f again and must find that value again (`vjp_f(d<target>, ..., _recomputed_print=print)`)."""
    fingerprint = ctx.namer.exact(target + "_print")
    primal = nodes.assign_to(nodes.tuple_of([nodes.name(target, store=True), nodes.name(fingerprint, store=True)]),
                             nodes.call(ctx.runtime("with_fingerprint"), [value]))
    keywords = list(value.keywords) + [gast.keyword(arg=RECOMPUTED, value=nodes.name(fingerprint))]
    return primal, fingerprint, nodes.call(nodes.name(vjp_name), [nodes.name(ctx.adjoint(target))] + list(value.args),
                                           keywords)
