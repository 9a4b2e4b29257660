"""Reverse mode: a primal sweep that saves what it overwrites, then an adjoint sweep in reverse order.

The adjoint sweep of statement s runs with the primal state as it was just after s ran
(Tangent's invariant): each assignment that overwrites a value the adjoint sweep reads
pushes the old value on a stack, and the adjoint of that assignment pops it back. Control
flow is replayed: `if` on the same condition, loops by their range or by an iteration count.

For `a = x * y; b = math.sin(x); z = a + b` (wrt x, y) the adjoint sweep reads::

    dz = 1.0
    # Grad of: z = a + b
    da = dz
    db = dz
    # Grad of: b = math.sin(x)
    dx = db * math.cos(x)
    # Grad of: a = x * y
    dx = dx + y * da
    dy = x * da
"""
from __future__ import annotations

import operator
from typing import Dict, List, Sequence, Set, Tuple

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.ad import checkpoint, control, recompute, saved_values, shapes, unreached
from adjoint.ad.code_reads import CodeReads
from adjoint.ad.context import FunctionContext
from adjoint.ad.list_arguments import lists_as_arrays
from adjoint.ad.shapes import ELEMENTWISE_OPERATORS
from adjoint.analysis.attributes import is_field_read
from adjoint.analysis.calls import Callee
from adjoint.analysis.kinds import CONTAINER, MAPPING, RECORD, SCALAR, STRUCTURED, UNKNOWN, possible_lists
from adjoint.analysis.saves import Saves, analyze_saves
from adjoint.errors import NonDifferentiableError
from adjoint.frontend.names import no_rule_message
from adjoint.frontend.resolve import qualified_name
from adjoint.markers import recomputed
from adjoint.nodes import is_append, is_pop
from adjoint.options import Mode
from adjoint.templates import RESULT, instantiate

Sweeps = Tuple[List[gast.stmt], List[gast.stmt]]
ZERO = 0.0
_RESET = gast.Pass()  # an adjoint reset `d<x> = 0.0`, as the saves analysis sees it (see _with_resets)


class ReverseAD:
    """Builds the primal and adjoint sweeps of one normalized function."""

    def __init__(self, ctx: FunctionContext):
        self.ctx = ctx
        self.adjoint_code: Dict[gast.stmt, List[gast.stmt]] = {}
        self.saves = Saves()
        self.checkpointed = checkpoint.CheckpointedLoops((), ctx)
        self.recomputed = recompute.Plan({})
        self.shape_only: Set[str] = set()  # saved as shape_only(name): read only for the shape
        self.split_calls: Dict[gast.stmt, Tuple[gast.stmt, str]] = {}  # call statement -> (forward half, residuals)
        self.guards = unreached.Guards({ctx.adjoint(n) for n in sorted(ctx.activity.active)})  # names made in one order
        self.possible_lists = possible_lists(ctx.func_node, ctx.kinds) - shapes.numbers_or_arrays(ctx.kinds)
        self.reads = CodeReads()

    # ----- entry point ------------------------------------------------------------

    def transform(self) -> Tuple[List[gast.stmt], List[gast.stmt]]:
        body = self.ctx.func_node.body[:-1]
        self.checkpointed = checkpoint.CheckpointedLoops(body, self.ctx)
        adjoint_code = self._adjoint_code(body)
        recompute.take_shapes(body, adjoint_code, self.ctx, self.reads)
        self.recomputed, self.saves = self._recompute_or_save(body, adjoint_code)
        self.adjoint_code = self.recomputed.adjoint_code
        parameters = set(nodes.parameters(self.ctx.func_node))
        self.saves.names |= self.checkpointed.decide_restores(self.adjoint_code, parameters, self.reads)
        self.shape_only = shapes.read_for_shape_only(self.adjoint_code, body, self.ctx, self.reads,
                                                     self.checkpointed.carried())
        return self.block(body, looping=False)

    def _adjoint_code(self, body) -> recompute.AdjointCode:
        """Each simple statement's adjoint statements (and what checkpointed loops read)."""
        code = {stmt: self.adjoint_of(stmt) for stmt in _simple_statements(body, skip=self.checkpointed.loops)}
        code.update(self.checkpointed.adjoint_reads())
        return code

    def _recompute_or_save(self, body, adjoint_code: recompute.AdjointCode) -> Tuple[recompute.Plan, Saves]:
        """Recompute cheap scalars where the values they are recomputed from are restored anyway;
        where one would not be, recompute none and save them all."""
        plan = recompute.recompute_scalars(body, adjoint_code, self.ctx, self.reads)
        saves = self._saves(body, plan.adjoint_code)
        if plan.holds(saves):
            return plan, saves
        plan = recompute.Plan(adjoint_code)
        return plan, self._saves(body, plan.adjoint_code)

    def _saves(self, body, adjoint_code: recompute.AdjointCode) -> Saves:
        shared = {key: _shared_with_residuals(forward) for key, (forward, _) in self.split_calls.items()}
        return analyze_saves(body, self._with_resets(body, adjoint_code), self.ctx.primal_names, self.ctx.sites.stable,
                             self.ctx.aliases.expand, shared, self.reads.exposed, self.ctx.classifier)

    def _with_resets(self, body, adjoint_code: recompute.AdjointCode) -> recompute.AdjointCode:
        """The adjoint code with the `d<target> = 0.0` _simple ends each active assignment with:
        an if or loop whose body only resets adjoints is still replayed, so its condition and
        range must be saved like those of any other replayed block. To the saves analysis a
        reset is code that reads nothing, which one shared statement stands for."""
        code = dict(adjoint_code)
        for stmt in _simple_statements(body, skip=self.checkpointed.loops):
            target = nodes.assigned_name(stmt)
            if target is not None and self.ctx.activity.is_active(target):
                self.ctx.adjoint(target)  # named here, as the reset would have been
                if self._reset_read(target):
                    code[stmt] = list(code.get(stmt, [])) + [_RESET]
        return code

    def _reset_read(self, target: str) -> bool:
        """Whether the `d<target> = 0.0` after the adjoint of target's assignment may be read: not
        when that assignment is target's only one (a parameter's counts as one) outside loops, as
        nothing the backward sweep runs after it reads or accumulates into d<target>."""
        sites = self.ctx.sites
        return sites.counts.get(target, 0) != 1 or target in sites.in_loop

    # ----- blocks and statements -----------------------------------------------------

    def block(self, stmts: Sequence[gast.stmt], looping: bool) -> Sweeps:
        primal: List[gast.stmt] = []
        adjoint: List[gast.stmt] = []
        for stmt in stmts:
            forward, backward = self.statement(stmt, looping)
            primal.extend(forward)
            adjoint[:0] = backward
        return primal, adjoint

    def statement(self, stmt: gast.stmt, looping: bool) -> Sweeps:
        if isinstance(stmt, gast.If):
            return self._if(stmt, looping)
        if isinstance(stmt, gast.For):
            return self._for(stmt, looping)
        if isinstance(stmt, gast.While):
            return self._while(stmt, looping)
        if isinstance(stmt, gast.With):
            return [], self._insert_grad_of(stmt)
        if isinstance(stmt, gast.Pass):
            return [], []
        if isinstance(stmt, gast.Break):
            return [stmt], []
        return self._simple(stmt, looping)

    def _simple(self, stmt: gast.stmt, looping: bool) -> Sweeps:
        primal = self._save(stmt) + [stmt]
        adjoint = list(self.adjoint_code.get(stmt, []))
        restore_residuals = []
        if stmt in self.split_calls:
            primal[-1], residuals = self.split_calls[stmt]
            if looping:  # each run keeps its own residuals
                primal.append(self.ctx.push(nodes.name(residuals), stmt))
                restore_residuals = [self.ctx.pop_into(nodes.name(residuals, store=True), stmt)]
        target = nodes.assigned_name(stmt)
        if target is not None and self.ctx.activity.is_active(target):
            name = self.ctx.adjoint(target)
            if self._reset_read(target):
                adjoint.append(nodes.assign(name, nodes.constant(ZERO)))
        if self.recomputed.restores_first(stmt):
            adjoint[:0] = self._restore(stmt)  # what it recomputes reads the value before this statement
        else:
            adjoint.extend(self._restore(stmt))
        adjoint[:0] = restore_residuals  # pushed last in the primal sweep, popped first
        if adjoint:
            adjoint.insert(0, self.ctx.comment(stmt))
        return primal, adjoint

    def _if(self, stmt: gast.If, looping: bool) -> Sweeps:
        body_primal, body_adjoint = self.block(stmt.body, looping)
        else_primal, else_adjoint = self.block(stmt.orelse, looping)
        primal = [nodes.copy_location(nodes.if_(stmt.test, body_primal or [gast.Pass()], else_primal), stmt)]
        if not _has_code(body_adjoint) and not _has_code(else_adjoint):
            return primal, []
        adjoint = nodes.if_(nodes.load_copy(stmt.test), body_adjoint or [gast.Pass()], else_adjoint)
        return primal, [self.ctx.comment(stmt), nodes.copy_location(adjoint, stmt)]

    def _for(self, stmt: gast.For, looping: bool) -> Sweeps:
        plan = self.checkpointed.plan(stmt)
        if plan is not None:
            return checkpoint.reverse_loop(self.ctx, stmt, plan, looping, self.checkpointed.restores[stmt])
        body_primal, body_adjoint = self.block(stmt.body, True)
        primal_loop = gast.For(target=stmt.target, iter=stmt.iter, body=body_primal or [gast.Pass()],
                               orelse=[], type_comment=None)
        if not _has_code(body_adjoint):  # nothing to replay; the target the loop rebinds may be read before it
            primal_loop = nodes.copy_location(primal_loop, stmt)
            if not self.saves.loop_target(stmt):
                return [primal_loop], []
            target = stmt.target.id
            return ([self.ctx.push(nodes.name(target), stmt), primal_loop],
                    [self.ctx.comment(stmt), self.ctx.pop_into(nodes.name(target, store=True), stmt)])
        loop = control.Loop(self.ctx, stmt, looping, counted=_breaks(stmt.body))
        primal, adjoint = loop.replay_range(primal_loop, body_adjoint, self.saves.loop_target(stmt))
        return primal, [self.ctx.comment(stmt)] + adjoint

    def _while(self, stmt: gast.While, looping: bool) -> Sweeps:
        body_primal, body_adjoint = self.block(stmt.body, True)
        primal_loop = gast.While(test=stmt.test, body=body_primal or [gast.Pass()], orelse=[])
        if not _has_code(body_adjoint):
            return [nodes.copy_location(primal_loop, stmt)], []
        loop = control.Loop(self.ctx, stmt, looping, counted=True)
        primal, adjoint = loop.replay_count(primal_loop, body_adjoint)
        return primal, [self.ctx.comment(stmt)] + adjoint

    def _insert_grad_of(self, stmt: gast.With) -> List[gast.stmt]:
        watched = stmt.items[0].context_expr.args[0]
        alias = stmt.items[0].optional_vars.id
        if not isinstance(watched, gast.Name) or not self.ctx.activity.is_active(watched.id):
            return []
        adjoint = self.ctx.adjoint(watched.id)
        code = [nodes.assign(alias, nodes.name(adjoint))] + list(stmt.body)
        code.append(nodes.assign(adjoint, nodes.name(alias)))
        return [self.ctx.comment(stmt)] + [nodes.copy_location(s, stmt) for s in code]

    def _save(self, stmt: gast.stmt) -> List[gast.stmt]:
        return saved_values.save(self.ctx, self.saves, self.shape_only, stmt)

    def _restore(self, stmt: gast.stmt) -> List[gast.stmt]:
        return saved_values.restore(self.ctx, self.saves, stmt)

    # ----- adjoints of single operations -------------------------------------------------

    def adjoint_of(self, stmt: gast.stmt) -> List[gast.stmt]:
        if is_append(stmt):
            return self._adjoint_of_append(stmt)
        if not isinstance(stmt, gast.Assign):
            return []
        self.ctx.check_list_update(stmt)
        target = stmt.targets[0]
        if isinstance(target, gast.Subscript):
            return self._adjoint_of_store(target, stmt.value)
        if is_pop(stmt.value):
            return [nodes.copy_location(s, stmt) for s in self._adjoint_of_pop(target.id, stmt.value)]
        if not self.ctx.activity.is_active(target.id):
            return []
        code = self._adjoint_of_value(target.id, stmt.value, stmt)
        return [self.reads.located(s, stmt) for s in code]

    def _adjoint_of_value(self, target: str, value: gast.expr, stmt: gast.stmt) -> List[gast.stmt]:
        seed_name = self.ctx.adjoint(target)  # named first, whatever reads it
        if isinstance(value, gast.Name):
            return self._accumulate(value, nodes.name(seed_name))
        if isinstance(value, (gast.Tuple, gast.List, gast.Dict)):  # item by item: by position, or by key
            seed = nodes.name(seed_name)
            keys = value.keys if isinstance(value, gast.Dict) else [nodes.constant(i) for i in range(len(value.elts))]
            code = []
            for key, element in zip(keys, value.values if isinstance(value, gast.Dict) else value.elts):
                item = nodes.call(self.ctx.runtime("item_adjoint"), [seed, nodes.load_copy(key)])
                code.extend(self._accumulate(element, item))
            return code
        if isinstance(value, gast.Attribute) and is_field_read(value, self.ctx.kinds, self.ctx.analysis.objects):
            return self._adjoint_of_field_read(value, nodes.name(seed_name))
        operation = self.ctx.operation(value)
        if operation.kind == Callee.RULE:
            return self._adjoint_of_rule(self.ctx.rule_function(operation.func, value), target, value, stmt)
        if operation.kind == Callee.USER:
            return self._adjoint_of_user_call(operation.func, target, value, stmt)
        if operation.kind == Callee.UNKNOWN and isinstance(value, gast.Call) and self.ctx.reads_active(value):
            raise self._no_rule(operation, value)
        return []

    def _adjoint_of_pop(self, target: str, value: gast.Call) -> List[gast.stmt]:
        """`v = xs.pop()`: v's adjoint goes back to xs's last position (zero when v is inactive:
        the adjoint of xs must still drop what later appends left there)."""
        owner = value.func.value
        if not self.ctx.is_active(owner):
            return []
        d_owner = self.ctx.adjoint(owner.id)
        seed = nodes.name(self.ctx.adjoint(target)) if self.ctx.activity.is_active(target) else nodes.constant(ZERO)
        update = nodes.call(self.ctx.runtime("pop_adjoint"), [nodes.name(d_owner), owner, seed])
        return [nodes.assign(d_owner, update)]

    def _adjoint_of_field_read(self, value: gast.Attribute, seed: gast.expr) -> List[gast.stmt]:
        """`t = p.a` on a NamedTuple p: `dp = add_at(dp, p, field_index(p, "a"), dt)`."""
        owner = value.value
        if not self.ctx.is_active(owner):
            return []
        index = nodes.call(self.ctx.runtime("field_index"), [nodes.name(owner.id), nodes.constant(value.attr)])
        d_owner = nodes.name(self.ctx.adjoint(owner.id))
        update = nodes.call(self.ctx.runtime("add_at"), [d_owner, nodes.name(owner.id), index, seed])
        return self._accumulate(owner, update)

    def _adjoint_of_rule(self, func, target: str, value: gast.expr, stmt) -> List[gast.stmt]:
        template = self.ctx.rule_template(func, value)
        bindings = self.ctx.bind_rule(template, value, "register_adjoint")
        active = {p for p, atom in bindings.items() if self.ctx.is_active(atom)}
        if not active:
            return []

        def derivative_of(param: str) -> gast.expr:
            if param == RESULT:
                return nodes.name(self.ctx.adjoint(target))
            if param in active:
                return nodes.name(self.ctx.adjoint(bindings[param].id))
            return nodes.constant(ZERO)

        bindings = dict(bindings, result=nodes.name(target))
        scalar = self.ctx.all_scalar(target, value)
        instance = instantiate(template, lists_as_arrays(self.ctx, func, bindings), derivative_of, self.ctx.bind_global,
                               self.ctx.namer.fresh, self.ctx.unbroadcast_names if scalar else None)
        code = list(instance.setup)
        for param, expr in instance.derivatives:
            if param not in active:
                continue
            if not scalar and (shapes.result_shaped_like(func, param, bindings, self.ctx.kinds)
                               or shapes.helper_result_shaped_like(func, param, bindings, self.ctx.kinds)
                               or shapes.item_shaped_like(func, param, bindings, self.ctx.kinds)):
                expr = shapes.without_unbroadcast(expr, bindings[param], self.ctx.bindings)
            code.extend(self._accumulate(bindings[param], expr))
        if scalar or _takes_symbolic_zero(func) or shapes.helper_takes_symbolic_zero(func, bindings, self.ctx.kinds):
            return code
        return self._guarded(target, code)

    def _guarded(self, target: str, code: List[gast.stmt]) -> List[gast.stmt]:
        """code under `if reached(d<target>, <target>):` where an array's adjoint may still be the symbolic zero."""
        if not code or self.ctx.kinds.get(target) == SCALAR:
            return code
        seed = nodes.name(self.ctx.adjoint(target))
        test = nodes.call(self.ctx.runtime("reached"), [seed, nodes.name(target)])
        return [self.guards.guard(test, code)]

    def _adjoint_of_user_call(self, func, target: str, value: gast.Call, stmt) -> List[gast.stmt]:
        """The callee's backward half, on the residuals its forward half (run instead of the
        call in the primal sweep) returned: the callee's statements run once."""
        arguments = self.ctx.bind_call(func, value)
        active = [param for param, atom in arguments.items() if self.ctx.is_active(atom)]
        if not active:
            return []
        if recomputed(func):
            return self._adjoint_of_recomputed_call(func, target, value, arguments, active, stmt)
        forward = self.ctx.request_derivative(func, tuple(active), Mode.FORWARD_PASS, value, arguments)
        backward = self.ctx.request_derivative(func, tuple(active), Mode.BACKWARD_PASS, value, arguments)
        residuals = self.ctx.namer.exact(target + "_residuals")
        results = nodes.tuple_of([nodes.name(target, store=True), nodes.name(residuals, store=True)])
        primal = nodes.assign_to(results, nodes.call(nodes.name(forward), value.args, value.keywords))
        self.split_calls[stmt] = (nodes.copy_location(primal, stmt), residuals)
        seed = nodes.name(self.ctx.adjoint(target))
        return self._accumulate_call_gradients(target, nodes.call(nodes.name(backward), [seed, nodes.name(residuals)]),
                                               arguments, active)

    def _adjoint_of_recomputed_call(self, func, target: str, value: gast.Call, arguments, active, stmt) -> List:
        """A callee marked `adjoint.checkpoint`: its whole vjp, run in the adjoint sweep on the
        arguments (restored like any other value the adjoint sweep reads), checking the value."""
        vjp_name = self.ctx.request_derivative(func, tuple(active), Mode.VJP, value, arguments)
        primal, fingerprint, call = checkpoint.recomputed_call(self.ctx, target, value, vjp_name)
        self.split_calls[stmt] = (nodes.copy_location(primal, stmt), fingerprint)
        return self._accumulate_call_gradients(target, call, arguments, active)

    def _accumulate_call_gradients(self, target: str, call: gast.Call, arguments,
                                   active: List[str]) -> List[gast.stmt]:
        """`d<a>_, d<b>_ = call`, then each added to the adjoint of its argument (where d<target> is reached)."""
        temps = [self.ctx.namer.fresh(self.ctx.adjoint(arguments[p].id) + "_") for p in active]
        if len(temps) == 1:
            code = [nodes.assign(temps[0], call)]
        else:
            code = [nodes.assign_to(nodes.tuple_of(nodes.name(t, store=True) for t in temps), call)]
        for param, temp in zip(active, temps):  # the gradient of an argument of unknown kind has its structure
            code.extend(self._accumulate(arguments[param], nodes.name(temp), structured=True))
        return self._guarded(target, code)

    def _adjoint_of_store(self, target: gast.Subscript, value: gast.expr) -> List[gast.stmt]:
        owner = target.value.id
        if not self.ctx.activity.is_active(owner):
            return []
        self.ctx.check_store(target)
        d_owner = nodes.name(self.ctx.adjoint(owner))
        index = nodes.index_value(target.slice)
        code = []
        if self.ctx.is_active(value):
            # A fancy index may write one position twice: only the write NumPy keeps gets its adjoint.
            helper = "item_adjoint" if self.ctx.writes_each_position_once(target) else "written_adjoint"
            item = nodes.call(self.ctx.runtime(helper), [d_owner, index, nodes.name(owner)])
            if self.ctx.kinds.get(owner) != CONTAINER:  # an array of integers truncates v: stored_derivative
                item = nodes.call(self.ctx.runtime("unbroadcast"), [item, nodes.load_copy(value)])
                item = nodes.call(self.ctx.runtime("stored_derivative"), [item, nodes.name(owner), nodes.load_copy(value)])
            code.extend(self._accumulate(value, item))
        zeroed = nodes.call(self.ctx.runtime("zero_at"), [d_owner, nodes.name(owner), nodes.load_copy(index)])
        code.append(nodes.assign(d_owner.id, zeroed))
        return [nodes.copy_location(s, target) for s in code]

    def _adjoint_of_append(self, stmt: gast.Expr) -> List[gast.stmt]:
        """The appended value's adjoint is the list's last entry, which the list's adjoint then
        drops (the entries of a list's adjoint are those of the items it holds)."""
        owner = stmt.value.func.value.id
        value = stmt.value.args[0]
        if not self.ctx.activity.is_active(owner):
            return []
        d_owner = self.ctx.adjoint(owner)
        last = nodes.binop(nodes.call_named("len", nodes.name(owner)), gast.Sub(), nodes.constant(1))
        item = nodes.call(self.ctx.runtime("item_adjoint"), [nodes.name(d_owner), last])
        before = nodes.call(nodes.name("slice"), [nodes.constant(0), nodes.clone(last)])
        dropped = nodes.assign(d_owner, nodes.call(self.ctx.runtime("item_adjoint"), [nodes.name(d_owner), before]))
        code = self._accumulate(value, item) if self.ctx.is_active(value) else []
        return [nodes.copy_location(s, stmt) for s in code + [dropped]]

    # ----- helpers -------------------------------------------------------------------------

    def _accumulate(self, primal: gast.expr, contribution: gast.expr, structured: bool = False) -> List[gast.stmt]:
        """`d[primal] += contribution`, or `d[primal] = contribution` for an update rule; `structured`:
        the contribution has the structure of primal's value (a list's gradient is a list, not added by `+`),
        as has a whole adjoint passed on (`u = t`, a rule's `d[t] = d[result]`) where t may hold a tuple."""
        if not self.ctx.is_active(primal):
            return []
        adjoint = self.ctx.adjoint(primal.id)
        if _is_update(contribution) and adjoint in nodes.names_read(contribution):
            return [nodes.assign(adjoint, contribution)]
        kind = self.ctx.kinds.get(primal.id, UNKNOWN)
        structured = (structured or isinstance(contribution, (gast.Name, gast.Tuple, gast.List))
                      or isinstance(contribution, gast.Call) and nodes.dotted_name(contribution.func) in STRUCTURED)
        if kind in (CONTAINER, MAPPING, RECORD) or primal.id in self.possible_lists or structured and kind == UNKNOWN:
            total = nodes.call(self.ctx.runtime("add_adjoints"), [nodes.name(adjoint), contribution])
        else:
            total = nodes.add(nodes.name(adjoint), contribution)
        return [nodes.assign(adjoint, total)]

    def _no_rule(self, operation, call: gast.Call) -> NonDifferentiableError:
        self.ctx.refuse_method_of_temporary(call, "derivative")
        name = qualified_name(operation.func) if operation.func is not None else operation.label
        message = operation.reason or no_rule_message(operation.label, name, operation.func, call, "adjoint")
        return NonDifferentiableError(name, message, self.ctx.location(call))


# Rules whose adjoint takes the symbolic zero 0.0 for an array's adjoint (it broadcasts).
TAKE_SYMBOLIC_ZERO = ELEMENTWISE_OPERATORS + (operator.neg, operator.pos, operator.getitem, np.sum, np.mean)


# Helpers that may return the symbolic zero whatever their arguments hold (an item of a list adjoint).
MAY_GIVE_SYMBOLIC_ZERO = (
    runtime.item_adjoint, runtime.pop_tangent, runtime.float_cast, runtime.einsum_tangent,
    runtime.einsum_adjoint_backward, runtime.einsum_adjoint_tangent, runtime.einsum_cross,
    runtime.kron_adjoint_backward,
)


def _takes_symbolic_zero(func) -> bool:
    return isinstance(func, np.ufunc) or any(func is known for known in TAKE_SYMBOLIC_ZERO)


def _is_update(contribution: gast.expr) -> bool:
    """A rule written as `d[x] = f(d[x], ...)` replaces d[x] instead of adding to it."""
    return isinstance(contribution, gast.Call)


def _shared_with_residuals(forward: gast.Assign) -> set:
    """The names of the objects the residuals of `result, residuals = fwd_g(...)` may hold:
    the result and the arguments."""
    args, keywords = nodes.operation_arguments(forward.value)
    result = forward.targets[0].elts[0].id
    return {result} | {a.id for a in args + list(keywords.values()) if isinstance(a, gast.Name)}


def _has_code(stmts: List[gast.stmt]) -> bool:
    return any(not nodes.is_comment(s) for s in stmts)


def _breaks(body: List[gast.stmt]) -> bool:
    """Whether a `break` of this loop (not of a nested one) occurs in body."""
    stack = list(body)
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, gast.Break):
            return True
        if isinstance(stmt, gast.If):
            stack.extend(stmt.body + stmt.orelse)
    return False


def _simple_statements(body, skip=()):
    """The statements with an adjoint of their own (none inside the loops in `skip`)."""
    for stmt in _all_statements(body, skip):
        if not isinstance(stmt, (gast.If, gast.For, gast.While, gast.With)):
            yield stmt


def _all_statements(body, skip=()):
    for stmt in body:
        yield stmt
        if isinstance(stmt, (gast.If, gast.For, gast.While)) and stmt not in skip:
            yield from _all_statements(stmt.body, skip)
            yield from _all_statements(stmt.orelse, skip)
