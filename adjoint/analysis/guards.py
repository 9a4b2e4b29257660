"""Run-time checks put before statements whose exactness the analyses cannot decide alone.

A guard is `helper(name, ..., message, filename, lineno)` before its statement: the helper
(adjoint/runtime/refusals.py, containers.py) raises a runtime.Refused naming the user's line
when the values the names hold at run time are ones the derivative would not follow (`c += v`
where c holds an array after all, a loop over a dict, `c[k] += v` on an item c holds twice).
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional, Set, Tuple, Union

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.analysis.calls import Callee
from adjoint.analysis.kinds import SCALAR, is_array, rank_of
from adjoint.errors import Location
from adjoint.frontend.held import let_go
from adjoint.frontend.names import is_elementwise_method

# NumPy's functions standing for array methods whose result is an array or a NumPy scalar.
ARRAY_RESULTS = ("sum", "mean", "prod", "max", "min", "dot", "reshape", "transpose", "ravel", "std", "var",
                 "cumsum", "cumprod", "clip", "squeeze", "trace", "conj", "swapaxes", "repeat", "diagonal")
_ARRAY_RESULT_FUNCTIONS = frozenset(id(getattr(np, method)) for method in ARRAY_RESULTS)  # by identity

Guards = Dict[gast.stmt, List[Tuple[Union[str, Tuple[Union[str, gast.expr], ...]], str, Location]]]


def insert_guards(func_node: gast.FunctionDef, guards: Guards, helper: str) -> None:
    """Put `helper(*names, message, filename, lineno)` before each guarded statement (`names`: one
    name, or a tuple of them, or of names and expressions such as constants)."""
    for block in list(nodes.blocks(func_node)):
        if not any(stmt in guards for stmt in block):
            continue
        guarded = []
        for stmt in block:
            for names, message, location in guards.get(stmt, ()):
                checked = [nodes.name(name) if isinstance(name, str) else name
                           for name in ((names,) if isinstance(names, str) else names)]
                where = [nodes.constant(message), nodes.constant(location.filename), nodes.constant(location.lineno)]
                check = gast.Expr(value=nodes.call(nodes.name(helper), checked + where))
                guarded.append(nodes.copy_location(check, stmt))
            guarded.append(stmt)
        block[:] = guarded


def drop_checks_of_arrays(func_node: gast.FunctionDef, namespace: Dict[str, object], kinds: Dict[str, str],
                          classify: Callable[[gast.Call], object]) -> None:
    """Remove the checks that an array method's receiver has the attribute (normalize/receivers.py)
    where it is known to: a name of an array kind, or one every assignment of which is a ufunc's
    result, an `@`, another array method's or an item or slice of an array (an array or a NumPy
    scalar, which have them all; an array's item of some dtypes is a Python object)."""
    made = made_by_numpy(func_node, classify, kinds)

    def checks_an_array(stmt: gast.stmt) -> bool:
        call = stmt.value if isinstance(stmt, gast.Expr) else None
        if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Name) and call.args and
                isinstance(call.args[0], gast.Name) and namespace.get(call.func.id) is runtime.attribute_or_raise):
            return False
        return is_array(kinds.get(call.args[0].id)) or call.args[0].id in made

    for block in list(nodes.blocks(func_node)):
        if any(checks_an_array(stmt) for stmt in block):
            let_go(func_node)
            block[:] = [stmt for stmt in block if not checks_an_array(stmt)] or [gast.Pass()]


def made_by_numpy(func_node: gast.FunctionDef, classify: Callable[[gast.Call], object], kinds: Dict[str, str],
                  arguments: Optional[Dict[str, str]] = None) -> Set[str]:
    """The names every assignment of which gives an array or a NumPy scalar: a ufunc's result, an
    `@`, an array method's, a SciPy distribution's logpdf (cdf, ...), an item or slice of an
    array, arithmetic of such values and numbers
    (see drop_checks_of_arrays); parameters only where their kind (that of their argument, where
    `arguments` gives it) is an array's."""
    parameters = set(nodes.parameters(func_node))
    values: Dict[str, List[gast.expr]] = {}
    other = {name for name in parameters if not is_array((kinds if arguments is None else arguments).get(name))}
    for stmt in nodes.statements(func_node):
        name = nodes.assigned_name(stmt)
        if isinstance(stmt, gast.For):
            other.update(nodes.names_stored(stmt.target))
        elif name is None and not nodes.statement_fields(stmt.__class__):  # (the statements a block holds come too)
            other.update(nodes.names_stored(stmt))
        elif name is not None:
            values.setdefault(name, []).append(stmt.value)
    made = (set(values) | parameters) - other
    always = {id(value) for exprs in values.values() for value in exprs if _surely_numpy(value, classify, kinds)}
    if not always and not made & parameters and not any(is_array(kind) for kind in kinds.values()):
        return set()  # nothing made by NumPy to start from: a name given a value gets another's
    tests = {id(value): _NumpyValue(value, id(value) in always, kinds) for exprs in values.values() for value in exprs}
    readers: Dict[str, Set[str]] = {}  # name -> the names a definition of which reads it
    for name, exprs in values.items():
        for value in exprs:
            for operand in tests[id(value)].names:
                readers.setdefault(operand, set()).add(name)
    pending = set(made)
    while pending:  # the largest set closed under its definitions (a name read before any assignment raises)
        name = pending.pop()  # (each test only grows with `made`: removing names in any order ends there)
        if not all(tests[id(value)].holds(made) for value in values.get(name, ())):
            made.discard(name)
            pending |= readers.get(name, set()) & made
    return made


class _NumpyValue:
    """Whether one assigned value is an array or a NumPy scalar, given the names known to hold one
    (`made`): an operand of its arithmetic that is an array or one of `made`, and every other a
    number. What does not depend on `made` is decided once."""

    def __init__(self, value: gast.expr, always: bool, kinds: Dict[str, str]):
        self.always = always  # (_surely_numpy)
        operands = [] if self.always else [value.left, value.right] if isinstance(value, gast.BinOp) else \
            [value.operand] if isinstance(value, gast.UnaryOp) and isinstance(value.op, (gast.USub, gast.UAdd)) else \
            [value] if isinstance(value, gast.Name) else []
        self.names = [operand.id for operand in operands if isinstance(operand, gast.Name)]
        self.array = any(is_array(kinds.get(name)) for name in self.names)  # an operand that surely is one
        numbers = [isinstance(operand, gast.Constant) and type(operand.value) in (int, float) or
                   isinstance(operand, gast.Name) and kinds.get(operand.id) == SCALAR for operand in operands]
        self.never = not operands or any(not isinstance(operand, gast.Name) and not number
                                         for operand, number in zip(operands, numbers))
        self.needed = [name for name, number in zip(self.names, [n for o, n in zip(operands, numbers)
                                                                  if isinstance(o, gast.Name)])
                       if not number and not is_array(kinds.get(name))]  # names that must be in made

    def holds(self, made: Set[str]) -> bool:
        if self.always:
            return True
        if self.never or any(name not in made for name in self.needed):
            return False
        return self.array or any(name in made for name in self.names)


def _surely_numpy(value: gast.expr, classify: Callable[[gast.Call], object], kinds: Dict[str, str]) -> bool:
    """Whether an assigned value is an array or a NumPy scalar, whatever its operands hold."""
    if isinstance(value, gast.Call):
        func = classify(value)
        return isinstance(func, np.ufunc) or id(func) in _ARRAY_RESULT_FUNCTIONS or is_elementwise_method(func)
    return isinstance(value, gast.BinOp) and isinstance(value.op, gast.MatMult) or _part_of_an_array(value, kinds)


def _part_of_an_array(value: gast.expr, kinds: Dict[str, str]) -> bool:
    """`W[i]` of a 2-D array, `x[1:]`: an array whatever the dtype (a slice, or fewer indices than
    dimensions; an item of an array of objects is the object)."""
    if not (isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name)):
        return False
    kind = kinds.get(value.value.id)
    parts = value.slice.elts if isinstance(value.slice, gast.Tuple) else [value.slice]
    rank = rank_of(kind)
    return is_array(kind) and (any(isinstance(part, gast.Slice) for part in parts) or
                               rank is not None and rank > len(parts))


def absent_guards(func_node: gast.FunctionDef, classifier, info) -> Guards:
    """For insert_guards (with runtime.absent_or_refuse): before each call of an attribute its
    module lacked when the derivative was generated (frontend/absent.py), the module and the name:
    the derivative differentiates no such call, so one where the attribute exists is refused."""
    guards: Guards = {}
    for stmt in nodes.statements(func_node):
        call = stmt.value if isinstance(stmt, (gast.Assign, gast.Expr)) else None
        if not isinstance(call, gast.Call) or not isinstance(call.func, gast.Attribute):
            continue
        operation = classifier.classify(call)
        if operation.kind == Callee.ABSENT:
            message = (f"`{operation.label}` did not exist where this derivative was generated, which "
                       "differentiates no call of it: generate the derivative again where it exists")
            owner = nodes.clone(call.func.value)
            guards.setdefault(stmt, []).append(((owner, nodes.constant(call.func.attr)), message, info.location(stmt)))
    return guards
