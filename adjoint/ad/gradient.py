"""The derivative function of reverse mode around the two sweeps of ad/reverse.py: its
parameters (the cotangent first for a vjp), the prologue (snapshots of arguments written in
place, the stack), the seed, zero adjoints, and the gradients it returns in the inputs' types.
"""
from __future__ import annotations

import builtins
import inspect
from typing import Dict, List, Tuple

import gast

from adjoint import nodes
from adjoint.ad import split
from adjoint.ad.context import FunctionContext
from adjoint.ad.reverse import MAY_GIVE_SYMBOLIC_ZERO, ZERO, ReverseAD
from adjoint.ad.shared_arguments import argument_checks
from adjoint.analysis.calls import Callee
from adjoint.analysis.kinds import CONTAINER, SCALAR, is_array
from adjoint.markers import LOOP_STEP, RECOMPUTE, RECOMPUTED, recomputed
from adjoint.options import Mode


def build_reverse(ctx: FunctionContext, mode: str, wrt: Tuple[str, ...], name: str) -> gast.FunctionDef:
    """The derivative function: primal sweep, seed, adjoint sweep, return of the gradients.

    mode "reverse" returns the gradient(s), "value_and_grad" (value, gradient(s)), and
    "vjp" takes the output's cotangent as its first parameter and returns the gradient(s).
    "forward_pass" is a vjp whose primal sweep ends with a split marker, to be cut in two
    (see split.py).
    """
    func_node = ctx.func_node
    output = func_node.body[-1].value.id
    transformer = ReverseAD(ctx)
    primal, adjoint = transformer.transform()
    seed_name = ctx.adjoint(output)
    arguments = nodes.clone(func_node.args)
    if mode in (Mode.VJP, Mode.FORWARD_PASS):
        arguments.args.insert(0, gast.Name(id=seed_name, ctx=gast.Param(), annotation=None, type_comment=None))
        seed = []
    elif ctx.kinds.get(output) == SCALAR:
        seed = [nodes.assign(seed_name, nodes.constant(1.0))]
    else:
        seed = [nodes.assign(seed_name, nodes.call(ctx.runtime("unit_seed"), [nodes.name(output)]))]
    originals = _originals(ctx)
    gradients = _gradients(ctx, wrt, originals)
    prologue = _prologue(ctx, primal, originals)
    zeros = [nodes.assign(ctx.adjoint(n), nodes.constant(ZERO)) for n in sorted(ctx.activity.active - {output})]
    zero_helpers = {name for name, obj in ctx.bindings.items() if any(obj is f for f in MAY_GIVE_SYMBOLIC_ZERO)}
    adjoint = transformer.guards.settle(adjoint, {seed_name}, zero_helpers)
    result = gradients[0] if len(gradients) == 1 else nodes.tuple_of(gradients)
    if mode == Mode.VALUE_AND_GRAD:
        value, keep = _value_after_primal(ctx, output, transformer.saves.names)
        primal.extend(keep)
        result = nodes.tuple_of([value, result])
    if mode == Mode.FORWARD_PASS:
        value, keep = _value_after_primal(ctx, output, transformer.saves.names)
        primal.extend(keep + [split.marker(value)])
    if mode == Mode.VJP and (recomputed(ctx.parsed.func) or getattr(ctx.parsed.func, RECOMPUTE, None) == LOOP_STEP):
        primal.extend(_recomputation_check(ctx, arguments, output, transformer.saves.names))
    body = prologue + primal + seed + zeros + adjoint + [gast.Return(value=result)]
    return gast.FunctionDef(name=name, args=arguments, body=body, decorator_list=[], returns=None,
                            type_comment=None, type_params=[])


def _recomputation_check(ctx: FunctionContext, arguments: gast.arguments, output: str, saved: set) -> List[gast.stmt]:
    """The vjp of a function marked `adjoint.checkpoint` runs it again in its caller's adjoint
    sweep: given the fingerprint of the value the primal sweep's run returned (RECOMPUTED), it
    refuses another value (a random draw in the function, a counter), whose adjoint would be that
    of another run than the one that happened."""
    arguments.kwonlyargs.append(gast.Name(id=RECOMPUTED, ctx=gast.Param(), annotation=None, type_comment=None))
    arguments.kw_defaults.append(nodes.constant(None))
    value, keep = _value_after_primal(ctx, output, saved)
    helper = "check_recomputed_step" if getattr(ctx.parsed.func, RECOMPUTE, None) == LOOP_STEP else "check_recomputed_value"
    check = gast.Expr(value=nodes.call(ctx.runtime(helper), [nodes.name(RECOMPUTED), value]))
    return keep + [nodes.if_(gast.Compare(left=nodes.name(RECOMPUTED), ops=[gast.IsNot()],
                                          comparators=[nodes.constant(None)]), [check], [])]


def _value_after_primal(ctx: FunctionContext, output: str, saved: set):
    """The output's value, kept aside when the adjoint sweep restores or mutates its variable, or
    memory it may share (`return out[-1:]` of an `out` written in place, whose writes it undoes)."""
    shared = output in ctx.sites.mutated or bool(ctx.aliases.returned & ctx.sites.mutated)
    if output not in saved and not shared:
        return nodes.name(output), []
    kept = ctx.namer.exact("value")
    value = nodes.name(output)
    if shared:
        value = nodes.call(ctx.runtime("kept_value"), [value])
    return nodes.name(kept), [nodes.assign(kept, value)]


def _originals(ctx: FunctionContext) -> Dict[str, str]:
    """A name for the argument as passed, for each parameter the function changes in place that
    may be a list (whose length pop and append change): its gradient has the structure of the
    argument, not of what is left of it."""
    return {param: ctx.namer.exact(f"{param}_given") for param in nodes.parameters(ctx.func_node)
            if param in ctx.sites.mutated and ctx.kinds.get(param) != SCALAR and not is_array(ctx.kinds.get(param))}


def _prologue(ctx: FunctionContext, primal: List[gast.stmt], originals: Dict[str, str]) -> List[gast.stmt]:
    params = nodes.parameters(ctx.func_node)
    code = argument_checks(ctx)
    for param in params:
        if param in originals:
            code.append(nodes.assign(originals[param], nodes.name(param)))
        if param in ctx.sites.mutated:
            snapshot = nodes.call(ctx.runtime("snapshot"), [nodes.name(param)])
            code.append(nodes.assign(param, snapshot))
    if ctx.stack:
        code.append(nodes.assign(ctx.stack, gast.List(elts=[], ctx=gast.Load())))
    pushed = {_pushed_name(stmt.value.args[0]) for stmt in nodes.statements_in(primal) if _is_push(stmt, ctx.stack)}
    for name in sorted(pushed - set(params) - {None}):
        code.append(nodes.assign(name, nodes.constant(None)))
    return code


def _is_push(stmt: gast.stmt, stack: str) -> bool:
    return (
        bool(stack)
        and isinstance(stmt, gast.Expr)
        and isinstance(stmt.value, gast.Call)
        and isinstance(stmt.value.func, gast.Attribute)
        and isinstance(stmt.value.func.value, gast.Name)
        and stmt.value.func.value.id == stack
        and stmt.value.func.attr == "append"
    )


def _gradients(ctx: FunctionContext, wrt: Tuple[str, ...], originals: Dict[str, str]) -> List[gast.expr]:
    """Each parameter's gradient in the type of the argument it was given (`originals`: the
    names that keep an argument the function changes in place; one is added for a parameter the
    function rebinds, whose name the adjoint sweep does not always give back the argument:
    `x = layer(x)` keeps what the adjoint of `layer` reads in its residuals)."""
    calls_numpy = None  # asked once, when a number's gradient needs to know
    gradients = []
    for param in wrt:
        value = nodes.name(ctx.adjoint(param)) if ctx.activity.is_active(param) else nodes.constant(ZERO)
        if ctx.kinds.get(param) == SCALAR and isinstance(value, gast.Name):
            calls_numpy = (_calls_numpy(ctx) or not _reads_python_numbers_only(ctx)) if calls_numpy is None else calls_numpy
            if not calls_numpy:
                gradients.append(value)
                continue
        if ctx.sites.counts.get(param, 0) > 1 and param not in originals:  # assigned in the body too
            originals[param] = ctx.namer.exact(f"{param}_given")
        gradients.append(nodes.call(ctx.runtime("gradient_like"), [value, nodes.name(originals.get(param, param))]))
    return gradients


def _pushed_name(value: gast.expr):
    """The variable a push saves: `v` of `_stack.append(v)` and of `_stack.append(shape_only(v))`."""
    if isinstance(value, gast.Call) and len(value.args) == 1 and not value.keywords:
        value = value.args[0]
    return value.id if isinstance(value, gast.Name) else None


def _calls_numpy(ctx: FunctionContext) -> bool:
    """Whether the function applies a NumPy function to numbers or lists (a rule outside `math`
    and the builtins, given an argument of kind scalar or container): then the adjoint of a
    number may be a NumPy scalar (`np.sqrt(x)` of a float x is one), which gradient_like makes
    a float. A called user function returns its own gradients in their types."""
    for node in nodes.every_node(ctx.func_node):
        if not isinstance(node, gast.Call):
            continue
        operation = ctx.operation(node)
        module = getattr(operation.func, "__module__", None)
        if operation.kind != Callee.RULE or module in ("math", "builtins", "_operator", "adjoint.runtime"):
            continue
        arguments = list(node.args) + [keyword.value for keyword in node.keywords]
        if any(isinstance(a, gast.Name) and ctx.kinds.get(a.id) in (SCALAR, CONTAINER) for a in arguments):
            return True
    return False


_PYTHON_NUMBERS = (bool, int, float)


def _reads_python_numbers_only(ctx: FunctionContext) -> bool:
    """Whether every value the function reads is a Python number: it subscripts nothing, and each
    name it reads is a local number, a local every assignment of which is a call of the builtin
    `range` (a loop's `_range1 = range(n)`), or a global holding a Python number, a module or a
    function. Otherwise the adjoint of a number may be a NumPy scalar with no NumPy call on a number
    (`np.sum(x) * lam`, `x[0] * lam`, `x @ x * lam`, `K * lam` for a global np.float64 K). One walk."""
    namespace = {**getattr(ctx.parsed.func, "__globals__", {}), **ctx.parsed.namespace}
    name, load = gast.Name, gast.Load
    loaded, ranged, bound_to_ranges, bound_otherwise = set(), set(), set(), set()
    for node in nodes.every_node(ctx.func_node):
        cls = node.__class__
        if cls is gast.Subscript:
            return False
        if cls is gast.Assign:
            target, value = node.targets[0], node.value
            callee = value.func.id if value.__class__ is gast.Call and value.func.__class__ is name else None
            if len(node.targets) == 1 and target.__class__ is name and callee is not None and \
                    namespace.get(callee, getattr(builtins, callee, None)) is range:
                ranged.add(id(target))
        elif cls is name:
            if node.ctx.__class__ is load:
                loaded.add(node.id)
            else:  # stored (by `x = range(...)` or otherwise), a parameter, deleted
                (bound_to_ranges if id(node) in ranged else bound_otherwise).add(node.id)
    ranges = bound_to_ranges - bound_otherwise
    for identifier in loaded:
        if identifier in ctx.primal_names:
            if ctx.kinds.get(identifier) != SCALAR and identifier not in ranges:
                return False
        elif not _python_number_or_code(namespace.get(identifier, getattr(builtins, identifier, None))):
            return False
    return True


def _python_number_or_code(value) -> bool:
    return type(value) in _PYTHON_NUMBERS or inspect.ismodule(value) or callable(value)
