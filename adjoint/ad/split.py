"""A called function's derivative in two halves, so that its statements run once.

A caller's reverse sweep cannot call the callee's whole vector-Jacobian product in its
adjoint sweep: that would run the callee's primal statements a second time (a second
random draw, a second print). The callee's derivative is generated instead as

    fwd_g(a, b) -> (value, residuals)     the primal sweep, run once, in the caller's primal sweep
    bwd_g(d_value, residuals) -> grads    the adjoint sweep, run in the caller's adjoint sweep

where the residuals are what the adjoint sweep reads of the primal sweep's state: the
stack and the primal variables. Both halves come from one vjp function, optimized whole,
cut at a marker placed between its primal and its adjoint sweep::

    def fwd_g(w):                           def bwd_g(d_t3, residuals):
        _t1 = rs.randn(3)                       _t1, w = residuals
        _t3 = np.sum(w * _t1)                   dw = ...
        return _t3, (_t1, w)                    return dw

The backward half pops copies of the lists it is given (see `_copied`).
"""
from __future__ import annotations

from typing import List, Tuple

import gast

from adjoint import nodes

MARKER = "__adjoint_split__"


def marker(value: gast.expr) -> gast.stmt:
    """The statement ending the primal sweep; it reads the value the forward half returns
    (an opaque call: no optimization moves code across it)."""
    return gast.Expr(value=nodes.call(nodes.name(MARKER), [value]))


def _is_marker(stmt: gast.stmt) -> bool:
    return (isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call)
            and isinstance(stmt.value.func, gast.Name) and stmt.value.func.id == MARKER)


def split(tree: gast.FunctionDef, forward_name: str, backward_name: str, namer,
          names: Tuple[List[str], List[str]]) -> Tuple[gast.FunctionDef, gast.FunctionDef]:
    """The forward and backward halves of a vjp function holding a marker (see `marker`), given
    its `residual_names`."""
    cut = next(i for i, stmt in enumerate(tree.body) if _is_marker(stmt))
    primal, adjoint = tree.body[:cut], tree.body[cut + 1:]
    value = tree.body[cut].value.args[0]
    seed, *params = [arg.id for arg in tree.args.args] + [arg.id for arg in tree.args.kwonlyargs]
    kept, unbound = names
    if len(kept) == 1:
        residuals, unpack = nodes.name(kept[0]), []
        parameter = kept[0]
    else:
        residuals = nodes.tuple_of(nodes.name(name) for name in kept)
        parameter = namer.exact("residuals")
        targets = nodes.tuple_of(nodes.name(name, store=True) for name in kept)
        unpack = [nodes.assign_to(targets, nodes.name(parameter))] if kept else []
    forward_args = nodes.clone(tree.args)
    forward_args.args = forward_args.args[1:]
    forward_body = [nodes.assign(name, nodes.constant(None)) for name in unbound] + primal
    forward_body.append(gast.Return(value=nodes.tuple_of([value, nodes.clone(residuals)])))
    backward_args = gast.arguments(
        args=[_parameter(seed), _parameter(parameter)], posonlyargs=[], vararg=None, kwonlyargs=[],
        kw_defaults=[], kwarg=None, defaults=[],
    )
    return (_function(forward_name, forward_args, forward_body),
            _function(backward_name, backward_args, unpack + _copied(adjoint, kept) + adjoint))


def residual_names(tree: gast.FunctionDef) -> Tuple[List[str], List[str]]:
    """The names the backward half of a vjp function holding a marker is given, in their order
    in the residuals, and those of them the forward half may leave unassigned (None)."""
    cut = next(i for i, stmt in enumerate(tree.body) if _is_marker(stmt))
    primal, adjoint = tree.body[:cut], tree.body[cut + 1:]
    seed, *params = [arg.id for arg in tree.args.args] + [arg.id for arg in tree.args.kwonlyargs]
    bound = set(params) | {name for stmt in primal for name in nodes.names_stored(stmt)}
    kept = sorted((set(name for stmt in adjoint for name in nodes.names_read(stmt)) & bound) - {seed})
    assigned = _surely_assigned(primal)
    return kept, [name for name in kept if name not in params and name not in assigned]


def _copied(adjoint: List[gast.stmt], kept: List[str]) -> List[gast.stmt]:
    """`_stack = list(_stack)`: the backward half pops copies of the lists it receives (the stack,
    a list whose appends it undoes), so that it leaves its residuals as they were: a second
    derivative differentiates it as a function that changes nothing it is given."""
    popped = {node.func.value.id for stmt in adjoint for node in nodes.every_node(stmt)
              if nodes.is_pop(node) and isinstance(node.func.value, gast.Name)}
    return [nodes.assign(name, nodes.call(nodes.name("list"), [nodes.name(name)])) for name in kept if name in popped]


def _surely_assigned(primal: List[gast.stmt]) -> set:
    """The names assigned by a statement of the function's own block (not only inside an if or a loop)."""
    return {name for stmt in primal if isinstance(stmt, gast.Assign) for name in nodes.names_stored(stmt.targets[0])}


def _parameter(name: str) -> gast.Name:
    return gast.Name(id=name, ctx=gast.Param(), annotation=None, type_comment=None)


def _function(name: str, args: gast.arguments, body: List[gast.stmt]) -> gast.FunctionDef:
    return gast.FunctionDef(name=name, args=args, body=body, decorator_list=[], returns=None,
                            type_comment=None, type_params=[])
