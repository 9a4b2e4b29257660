"""Forward mode: each assignment to an active name is followed by the assignment of its tangent.

For `a = x * y; b = math.sin(x); z = a + b` (wrt x) the generated function reads::

    def jvp_f(x, y, *, dx):
        a = x * y
        da = dx * y
        b = math.sin(x)
        db = float(dx) * math.cos(x)
        z = a + b
        dz = da + db
        return z, dz

Control flow needs no stack: tangents travel with the primal values. math's functions take their
arguments as Python floats, and so their tangents (see reads_python_floats).
"""
from __future__ import annotations

import math
import operator
from typing import List, Tuple

import gast

from adjoint import nodes, runtime
from adjoint.ad.context import FunctionContext
from adjoint.ad.list_arguments import is_active_list, lists_as_arrays, reads_lists_as_arrays
from adjoint.ad.shared_arguments import argument_checks
from adjoint.analysis.attributes import is_field_read
from adjoint.analysis.calls import Callee
from adjoint.analysis.kinds import ARRAY, CONTAINER, SCALAR
from adjoint.errors import AdjointError, NonDifferentiableError
from adjoint.frontend.names import no_rule_message
from adjoint.frontend.resolve import qualified_name
from adjoint.nodes import is_append, is_pop
from adjoint.options import Mode
from adjoint.templates import RESULT, instantiate

ZERO = 0.0


def reads_python_floats(func) -> bool:
    """`float` and math's functions of numbers (math.pow's stand-in too) take any number as a Python
    float: so are their arguments' tangents taken. A NumPy float32 argument's tangent would keep
    float32's precision where the value has float64's (`float(np.float32(x)) * x - x * x`: a
    tangent of 0 where the derivative is float32(x) - x)."""
    return func is float or func is runtime.math_pow_or_inf or (
        getattr(func, "__module__", None) == "math" and func not in (math.fsum, math.dist, math.prod))


class ForwardAD:
    """Interleaves tangent statements with the primal statements of one normalized function."""

    def __init__(self, ctx: FunctionContext):
        self.ctx = ctx

    def block(self, stmts) -> List[gast.stmt]:
        out: List[gast.stmt] = []
        for stmt in stmts:
            out.extend(self.statement(stmt))
        return out

    def statement(self, stmt: gast.stmt) -> List[gast.stmt]:
        if isinstance(stmt, gast.If):
            stmt.body = self.block(stmt.body) or [gast.Pass()]
            stmt.orelse = self.block(stmt.orelse)
            return [stmt]
        if isinstance(stmt, (gast.For, gast.While)):
            stmt.body = self.block(stmt.body) or [gast.Pass()]
            return [stmt]
        if isinstance(stmt, gast.With):
            return []
        if is_append(stmt):
            return [stmt] + self._located(self._tangent_of_append(stmt), stmt)
        if isinstance(stmt, gast.Assign):
            return self._assign(stmt)
        return [stmt]

    def _located(self, code: List[gast.stmt], origin: gast.stmt) -> List[gast.stmt]:
        return [nodes.copy_location(s, origin) for s in code]

    def _assign(self, stmt: gast.Assign) -> List[gast.stmt]:
        self.ctx.check_list_update(stmt)
        target = stmt.targets[0]
        if isinstance(target, gast.Subscript):
            return [stmt] + self._located(self._tangent_of_store(target, stmt.value), stmt)
        if not self.ctx.activity.is_active(target.id):
            return [stmt]
        operation = self.ctx.operation(stmt.value)
        if isinstance(stmt.value, gast.Call) and operation.kind == Callee.USER:
            return self._located(self._user_call(operation.func, target.id, stmt.value), stmt)
        tangent = self._tangent_of_value(target.id, stmt.value, operation)
        if target.id in self.ctx.sites.mutated and isinstance(stmt.value, (gast.BinOp, gast.UnaryOp)):
            # The value is a new array that later writes change in place (set_at): its tangent must
            # not be another name's, as `dy = dx` would be once `dx * 1.0` is simplified.
            tangent = nodes.call(self.ctx.runtime("snapshot"), [tangent])
        return [stmt] + self._located([nodes.assign(self.ctx.tangent(target.id), tangent)], stmt)

    # ----- tangents of single operations ----------------------------------------------

    def _tangent(self, atom) -> gast.expr:
        if isinstance(atom, gast.Name) and self.ctx.activity.is_active(atom.id):
            return nodes.name(self.ctx.tangent(atom.id))
        return nodes.constant(ZERO)

    def _tangent_of_value(self, target: str, value: gast.expr, operation) -> gast.expr:
        if isinstance(value, (gast.Name, gast.Constant)):
            return self._tangent(value)
        if is_field_read(value, self.ctx.kinds, self.ctx.analysis.objects):
            owner = value.value
            index = nodes.call(self.ctx.runtime("field_index"), [nodes.name(owner.id), nodes.constant(value.attr)])
            return nodes.call(self.ctx.runtime("item_adjoint"), [self._tangent(owner), index])
        if is_pop(value):
            popped = nodes.call(self.ctx.runtime("pop_tangent"), [self._tangent(value.func.value), value.func.value])
            return self._shaped_like(popped, target)
        if isinstance(value, gast.Tuple):
            return nodes.tuple_of(self._tangent(e) for e in value.elts)
        if isinstance(value, gast.List):
            return gast.List(elts=[self._tangent(e) for e in value.elts], ctx=gast.Load())
        if isinstance(value, gast.Dict):
            return gast.Dict(keys=[nodes.load_copy(k) for k in value.keys], values=[self._tangent(e) for e in value.values])
        if operation.kind == Callee.RULE:
            return self._tangent_of_rule(self.ctx.rule_function(operation.func, value), target, value)
        if operation.kind == Callee.UNKNOWN and isinstance(value, gast.Call) and self.ctx.reads_active(value):
            self.ctx.refuse_method_of_temporary(value, "tangent")
            name = qualified_name(operation.func) if operation.func is not None else operation.label
            message = operation.reason or no_rule_message(operation.label, name, operation.func, value, "tangent")
            raise NonDifferentiableError(operation.label, message, self.ctx.location(value))
        return nodes.constant(ZERO)

    def _tangent_of_rule(self, func, target: str, value: gast.expr) -> gast.expr:
        template = self.ctx.rule_template(func, value)
        bindings = self.ctx.bind_rule(template, value, "register_tangent")
        if not any(self.ctx.is_active(atom) for atom in bindings.values()):
            return nodes.constant(ZERO)

        as_array = reads_lists_as_arrays(func)
        as_float = reads_python_floats(func)

        def derivative_of(param: str) -> gast.expr:
            if param == RESULT:
                return nodes.constant(ZERO)
            atom = bindings[param]
            if as_array and is_active_list(self.ctx, atom):  # np.sin(xs) of a list: the array's tangent
                return nodes.call(self.ctx.runtime("array_tangent"), [self._tangent(atom), nodes.name(atom.id)])
            tangent = self._tangent(atom)
            if as_float and not isinstance(tangent, gast.Constant):
                return nodes.call(nodes.name(self.ctx.bind_global("float", float)), [tangent])
            return tangent

        bindings = dict(bindings, result=nodes.name(target))
        scalar = self.ctx.all_scalar(target, value)
        instance = instantiate(template, lists_as_arrays(self.ctx, func, bindings), derivative_of, self.ctx.bind_global,
                               self.ctx.namer.fresh, self.ctx.unbroadcast_names if scalar else None)
        if instance.setup or [p for p, _ in instance.derivatives] != [RESULT]:
            raise AdjointError(f"the tangent rule of {qualified_name(func)} must be a single `d[result] = ...`")
        expr = instance.derivatives[0][1]
        if scalar:
            return expr
        if func is operator.getitem and self._holds_items(bindings["x"]):
            return self._shaped_like(expr, target)  # an item of a list's or a dict's tangent may be the symbolic zero
        if self._may_lose_broadcast(template, bindings, target, expr):
            expr = nodes.call(self.ctx.runtime("tangent_like"), [expr, nodes.name(target)])
        return expr

    def _holds_items(self, atom: gast.expr) -> bool:
        """Whether atom may be a list, tuple, dict or record: its tangent holds one per item, and an item
        that carries none (`{"w": np.ones(2), "v": 0.0}` before `s["v"] = lr * g`) holds the symbolic
        zero 0.0, which an array's tangent rules cannot take for it (`X @ dw`, `np.dot(X, dw)`)."""
        return isinstance(atom, gast.Name) and self.ctx.kinds.get(atom.id) != ARRAY

    def _shaped_like(self, tangent: gast.expr, target: str) -> gast.expr:
        """`tangent_like(tangent, target)` unless target is a number (whose tangent 0.0 is right)."""
        if self.ctx.kinds.get(target) == SCALAR:
            return tangent
        return nodes.call(self.ctx.runtime("tangent_like"), [tangent, nodes.name(target)])

    def _may_lose_broadcast(self, template, bindings, target: str, expr: gast.expr) -> bool:
        """The tangent may lack axes of its result: it no longer reads an operand that may be an array.

        A rule's tangent is linear in its operands' tangents; with `d[y]` zero, `d[x] - d[y]`
        becomes `d[x]`, shaped like x, while `x - y` is shaped like x and y broadcast together.
        Expanding it to the result's shape keeps every tangent shaped like its primal, which
        later rules (`.T`, reshapes, reductions over an axis) depend on. A tangent that still
        reads every such operand (`d[x] * y`) broadcasts against it already.
        """
        if self.ctx.kinds.get(target) == SCALAR:
            return False
        read = {n.id for n in nodes.walk(expr) if isinstance(n, gast.Name)}
        return any(
            not self.ctx.is_active(atom) and self._may_be_array(atom)
            and not (isinstance(atom, gast.Name) and atom.id in read)
            for atom in (bindings[param] for param in template.differentiable)
        )

    def _may_be_array(self, atom: gast.expr) -> bool:
        if isinstance(atom, gast.Constant):
            return not isinstance(atom.value, (int, float, complex, type(None)))
        return not (isinstance(atom, gast.Name) and self.ctx.kinds.get(atom.id) == SCALAR)

    def _user_call(self, func, target: str, value: gast.Call) -> List[gast.stmt]:
        arguments = self.ctx.bind_call(func, value)
        active = [param for param, atom in arguments.items() if self.ctx.is_active(atom)]
        if not active:
            tangent = nodes.assign(self.ctx.tangent(target), nodes.constant(ZERO))
            return [nodes.assign(target, value), tangent]
        name = self.ctx.request_derivative(func, tuple(active), Mode.FORWARD, value, arguments)
        keywords = list(value.keywords) + [
            gast.keyword(arg=self.ctx.tangent_parameter(func, param, arguments),
                         value=self._tangent(arguments[param]))
            for param in active
        ]
        call = nodes.call(nodes.name(name), value.args, keywords)
        both = nodes.tuple_of([nodes.name(target), nodes.name(self.ctx.tangent(target))])
        return [nodes.assign_to(both, call)]

    def _tangent_of_store(self, target: gast.Subscript, value: gast.expr) -> List[gast.stmt]:
        owner = target.value.id
        if not self.ctx.activity.is_active(owner):
            return []
        self.ctx.check_store(target)
        d_owner = self.ctx.tangent(owner)
        tangent = self._tangent(value)
        if self.ctx.kinds.get(owner) != CONTAINER:  # an array of integers truncates the value it stores
            tangent = nodes.call(self.ctx.runtime("stored_derivative"), [tangent, nodes.name(owner), nodes.load_copy(value)])
        update = nodes.call(
            self.ctx.runtime("set_at"), [nodes.name(d_owner), nodes.name(owner), nodes.index_value(target.slice), tangent])
        return [nodes.assign(d_owner, update)]

    def _tangent_of_append(self, stmt: gast.Expr) -> List[gast.stmt]:
        owner = stmt.value.func.value.id
        if not self.ctx.activity.is_active(owner):
            return []
        d_owner = self.ctx.tangent(owner)
        update = nodes.call(
            self.ctx.runtime("append_tangent"),
            [nodes.name(d_owner), nodes.name(owner), self._tangent(stmt.value.args[0])],
        )
        return [nodes.assign(d_owner, update)]

def build_forward(ctx: FunctionContext, wrt: Tuple[str, ...], name: str) -> gast.FunctionDef:
    """`jvp_f(*params, *, d<p>...)` returning (value, tangent of the value)."""
    func_node = ctx.func_node
    output = func_node.body[-1].value.id
    body = ForwardAD(ctx).block(func_node.body[:-1])
    arguments = nodes.clone(func_node.args)
    for param in wrt:
        arguments.kwonlyargs.append(gast.Name(id=ctx.tangent(param), ctx=gast.Param(), annotation=None, type_comment=None))
        arguments.kw_defaults.append(None)
    prologue = argument_checks(ctx)
    for param in nodes.parameters(func_node):
        if param in ctx.sites.mutated:
            prologue.append(nodes.assign(param, nodes.call(ctx.runtime("snapshot"), [nodes.name(param)])))
            if param in wrt:
                prologue.append(nodes.assign(ctx.tangent(param), nodes.call(ctx.runtime("snapshot"), [nodes.name(ctx.tangent(param))])))
        if param not in wrt and ctx.activity.is_active(param):
            # A parameter outside wrt that is later assigned an active value: its tangent starts at zero.
            prologue.append(nodes.assign(ctx.tangent(param), nodes.constant(ZERO)))
    tangent = nodes.name(ctx.tangent(output)) if ctx.activity.is_active(output) else nodes.constant(ZERO)
    if ctx.kinds.get(output) != SCALAR or not isinstance(tangent, gast.Name):
        tangent = nodes.call(ctx.runtime("gradient_like"), [tangent, nodes.name(output)])
    result = nodes.tuple_of([nodes.name(output), tangent])
    return gast.FunctionDef(name=name, args=arguments, body=prologue + body + [gast.Return(value=result)],
                            decorator_list=[], returns=None, type_comment=None, type_params=[])


def materialize_zero_tangents(tree: gast.FunctionDef, ctx: FunctionContext) -> gast.FunctionDef:
    """`dh = 0.0` becomes `dh = zeros_like(h)` where h may be an array.

    Zero is a symbolic constant while the code is optimized; at run time an array's
    tangent must be an array, since tangent rules (`w @ dh`, `np.sum(dh, axis=1)`) rely on
    its shape.
    """
    assigned = set(nodes.names_stored(tree)) | set(nodes.parameters(tree))  # the optimizer may inline a temporary
    primals = ctx.namer.primals()
    for stmt in nodes.walk(tree):
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
            continue
        value = stmt.value
        if not (isinstance(value, gast.Constant) and value.value == ZERO and type(value.value) is float):
            continue
        primal = primals.get(stmt.targets[0].id)
        if primal is not None and ctx.kinds.get(primal) != SCALAR and primal in assigned:
            stmt.value = nodes.call(ctx.runtime("zeros_like"), [nodes.name(primal)])
    return tree
