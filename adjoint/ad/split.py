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

from typing import Any, Callable, List, Tuple

import gast

from adjoint import nodes, runtime

MARKER = "__adjoint_split__"


def marker(value: gast.expr) -> gast.stmt:
    """The statement ending the primal sweep; it reads the value the forward half returns
    (an opaque call: no optimization moves code across it)."""
    return gast.Expr(value=nodes.call(nodes.name(MARKER), [value]))


def _is_marker(stmt: gast.stmt) -> bool:
    return (isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call)
            and isinstance(stmt.value.func, gast.Name) and stmt.value.func.id == MARKER)


def split(tree: gast.FunctionDef, forward_name: str, backward_name: str, namer, names: Tuple[List[str], List[str]],
          bind: Callable[[str, Any], str]) -> Tuple[gast.FunctionDef, gast.FunctionDef]:
    """The forward and backward halves of a vjp function holding a marker (see `marker`), given
    its `residual_names`; `bind(preferred, obj)` names an object the halves read (a builtin: the
    function may hold a local of its name)."""
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
            _function(backward_name, backward_args, unpack + _copied(primal, adjoint, kept, set(unbound), namer, bind) + adjoint))


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


def _copied(primal: List[gast.stmt], adjoint: List[gast.stmt], kept: List[str], unbound: set, namer,
            bind: Callable[[str, Any], str]) -> List[gast.stmt]:
    """`_apart = lists_apart((_stack, _list1)); _stack = list_apart(_stack, _apart); ...`: the
    backward half pops and appends to copies of the lists it receives (the stack, a list whose
    appends it undoes), so that it leaves its residuals as they were: a second derivative
    differentiates it as a function that changes nothing it is given. One copy per list, wherever
    the residuals hold it: a residual the forward half bound to such a list (`lls = _list1`), to an
    item popped off one (`flows_2 = _stack.pop()`) or to a list display (`_seq1 = [_list1]`, the
    stack holding it) is bound to the copy, or to a copy holding it, so that it sees what the
    backward half puts back (a copy of each list alone left `_seq1[0]`, emptied by the forward half,
    as it was). A name that holds no list (None where the forward half left it unbound, `traj =
    np.array(traj)`) is left as it is."""
    popped = {node.func.value.id for stmt in adjoint for node in nodes.every_node(stmt)
              if nodes.is_pop(node) and isinstance(node.func.value, gast.Name)}
    lists = [name for name in kept if name in popped]
    if not lists:
        return []
    holders = set(lists).union(*[_bound_to(name, primal) for name in lists]) & set(kept)
    holders |= {name for name in kept if _only_bound_to_lists(name, primal) or _popped_off(name, lists, primal)}
    if holders == set(lists) == {lists[0]}:  # one list no other residual may hold: its copy (which numba compiles)
        return [nodes.assign(lists[0], _list_copy(lists[0], primal, unbound, bind))]
    apart = namer.fresh("_apart")
    made = nodes.call(nodes.name(bind("lists_apart", runtime.lists_apart)), [nodes.tuple_of(map(nodes.name, lists))])
    copies = [nodes.assign(apart, made)]
    for name in (name for name in kept if name in holders):
        copy = nodes.call(nodes.name(bind("list_apart", runtime.list_apart)), [nodes.name(name), nodes.name(apart)])
        copies.append(nodes.assign(name, copy))
    return copies


def _list_copy(name: str, primal: List[gast.stmt], unbound: set, bind: Callable[[str, Any], str]) -> gast.expr:
    """`list(name)`, or where name may hold something else, `list(name) if isinstance(name, list) else name`."""
    listed = bind("list", list)
    copy = nodes.call(nodes.name(listed), [nodes.name(name)])
    if name not in unbound and _only_bound_to_lists(name, primal):
        return copy
    holds_list = nodes.call(nodes.name(bind("isinstance", isinstance)), [nodes.name(name), nodes.name(listed)])
    return gast.IfExp(test=holds_list, body=copy, orelse=nodes.name(name))


def _only_bound_to_lists(name: str, primal: List[gast.stmt]) -> bool:
    """Whether every binding of name in the primal sweep is `name = [...]` (the stack's)."""
    displays = sum(1 for stmt in nodes.statements_in(primal) if isinstance(stmt, gast.Assign)
                   and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
                   and stmt.targets[0].id == name and isinstance(stmt.value, gast.List))
    return displays > 0 and displays == sum(nodes.names_stored(stmt).count(name) for stmt in primal)


def _popped_off(name: str, lists: List[str], primal: List[gast.stmt]) -> bool:
    """Whether the primal sweep binds name to an item popped off one of the lists (`flows_2 =
    _stack.pop()`, where the stack held the list `flows`): it may be one of them."""
    return any(nodes.assigned_name(stmt) == name and nodes.is_pop(stmt.value)
               and isinstance(stmt.value.func.value, gast.Name) and stmt.value.func.value.id in lists
               for stmt in nodes.statements_in(primal))


def _bound_to(name: str, primal: List[gast.stmt]) -> set:
    """The names the primal sweep binds to name's object by `a = b` assignments: from name on
    (`a = name`, then `c = a`), and a name bound to name (`name = a`)."""
    pairs = [(stmt.targets[0].id, stmt.value.id) for stmt in nodes.statements_in(primal)
             if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
             and isinstance(stmt.value, gast.Name)]
    joined = {name} | {value for target, value in pairs if target == name}
    grown = True
    while grown:
        grown = False
        for target, value in pairs:
            if value in joined and target not in joined:
                joined.add(target)
                grown = True
    return joined


def _surely_assigned(primal: List[gast.stmt]) -> set:
    """The names assigned by a statement of the function's own block (not only inside an if or a loop)."""
    return {name for stmt in primal if isinstance(stmt, gast.Assign) for name in nodes.names_stored(stmt.targets[0])}


def _parameter(name: str) -> gast.Name:
    return gast.Name(id=name, ctx=gast.Param(), annotation=None, type_comment=None)


def _function(name: str, args: gast.arguments, body: List[gast.stmt]) -> gast.FunctionDef:
    return gast.FunctionDef(name=name, args=args, body=body, decorator_list=[], returns=None,
                            type_comment=None, type_params=[])
