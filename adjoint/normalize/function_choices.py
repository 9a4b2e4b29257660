"""Calls of a function chosen when the function runs, among functions known when adjoint reads
it, as a choice among calls of each.

A local name that holds a function picked from a table by a key known only at run time
(`act = ACTIVATIONS[name]`), or one of several functions (`act = softplus if smooth else relu`),
and a call through such a table (`LAYERS[i](h)`), call one of the functions the table or the
assignments hold: the call becomes an `if` over those functions (the position of the one it
holds among them, found by identity), each branch a call of one of them by name, which adjoint
differentiates as any call. A function
found in none of them (a table changed since) is refused when the derivative runs.

Before (A-normal form)::

    act = ACTIVATIONS[name]
    _t2 = act(_t1)

After::

    act = ACTIVATIONS[name]
    _which1 = function_position(act, ACTIVATIONS['relu'], ACTIVATIONS['tanh'])
    if _which1 == 0:
        _t2 = relu(_t1)
    elif _which1 == 1:
        _t2 = tanh(_t1)
    else:
        _t2 = function_choice_refused(act, '...', 'model.py', 12)

The functions are Python functions, builtins, ufuncs and derived functions (`force =
adjoint.grad(potential)`, made ahead by normalize/derived_calls.py); tables are dicts, lists and tuples (not
subclasses of them) a global name, a closure or a bound method's object holds. An assignment of a
name that names nothing (frontend/absent.py: `f = np.trapezoid if new else np.trapz`) raises, so
it gives the name no function. The derivative
depends on the table's keys and entries (a table given another function, or another key, gets a
new derivative).
"""
from __future__ import annotations

import types
from typing import Callable, Dict, List, Optional, Tuple

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.frontend.absent import absent
from adjoint.frontend.parse import MISSING, ParsedFunction, is_derived
from adjoint.frontend.dependencies import ListItems
from adjoint.frontend.values import dependencies_of, resolve_value
from adjoint.normalize.local_functions import specialize_calls
from adjoint.normalize.unroll import TableKeys

FUNCTIONS = (types.FunctionType, types.BuiltinFunctionType, np.ufunc, type(np.sum))  # (NumPy 2: a dispatcher of its own)
MESSAGE = ("`{callee}` holds a function the derivative was not written for (a table of functions changed since "
           "it was): take the derivative again (adjoint.grad(...) anew)")


def lower_function_choices(parsed: ParsedFunction, fresh: Callable[[str], str]) -> None:
    """Rewrite, in parsed.node (in A-normal form), the calls described above."""
    local_names = nodes.local_names(parsed.node)
    if not any(isinstance(node, gast.Call) and (isinstance(node.func, gast.Subscript) or isinstance(
            node.func, gast.Name) and node.func.id in local_names) for node in nodes.walk(parsed.node)):
        return
    choices = _Choices(parsed, local_names)
    helpers, branches = (), []
    for block in list(nodes.blocks(parsed.node)):
        rewritten: List[gast.stmt] = []
        for stmt in block:
            call = _call_of(stmt)
            found = choices.of_callee(call.func, fresh) if call is not None else None
            if found is None:
                rewritten.append(stmt)
                continue
            before, chosen, candidates = found
            helpers = helpers or tuple(parsed.bind(helper.__name__, helper, fresh, local_names)
                                       for helper in (runtime.function_position, runtime.function_choice_refused))
            names = [parsed.bind(_name_for(value), value, fresh, local_names) for value, _ in candidates]
            choice = _choice(stmt, call, chosen, names, [where for _, where in candidates], helpers, parsed, fresh)
            rewritten += before + choice
            branches += [node for node in nodes.walk(choice[-1]) if isinstance(node, gast.Call) and isinstance(
                node.func, gast.Name) and node.func.id in names]
        block[:] = rewritten
    parsed.dependencies.extend(choices.dependencies)
    if branches:  # `INTEGRATORS[k](decay, y, h)`: each function specialized to the functions passed to it
        specialize_calls(parsed, fresh, nodes.local_names(parsed.node), branches)


def _name_for(function) -> str:
    """The function's own name where it is one (`relu`; not a lambda's `<lambda>`)."""
    name = getattr(function, "__name__", "")
    return name if isinstance(name, str) and name.isidentifier() else "function"


def _call_of(stmt: gast.stmt) -> Optional[gast.Call]:
    value = stmt.value if isinstance(stmt, (gast.Assign, gast.Expr)) else None
    if isinstance(stmt, gast.Assign) and not (len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)):
        return None
    return value if isinstance(value, gast.Call) else None


class _Choices:
    """The functions each local name may hold, and the tables of functions read by a key."""

    def __init__(self, parsed: ParsedFunction, local_names: frozenset):
        self.parsed, self.local_names = parsed, local_names
        self.dependencies: List[Tuple] = []
        self.tables: Dict[int, list] = {}  # id of a Subscript callee or stored value -> its candidates
        stores: Dict[str, List[gast.expr]] = {}
        counts: Dict[str, int] = {}
        for name in nodes.names_stored(parsed.node):
            counts[name] = counts.get(name, 0) + 1
        for stmt in nodes.statements(parsed.node):
            if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name):
                stores.setdefault(stmt.targets[0].id, []).append(stmt.value)
        parameters = set(nodes.parameters(parsed.node))
        self.held = self._held({name: values for name, values in stores.items()
                                if len(values) == counts.get(name) and name not in parameters})

    def _held(self, stores: Dict[str, List[gast.expr]]) -> Dict[str, list]:
        """name -> the functions it may hold, for the names each store of which gives a known
        function, an entry of a table of functions, or the value of such a name (to a fixed point)."""
        held: Dict[str, Optional[list]] = {}
        changed = True
        while changed:
            changed = False
            for name, values in stores.items():
                found = self._union([self._candidates(value, held) for value in values])
                if found != held.get(name):
                    held[name], changed = found, True
        return {name: found for name, found in held.items() if found}

    def _candidates(self, value: gast.expr, held: Dict[str, Optional[list]]) -> Optional[list]:
        if isinstance(value, gast.Name) and value.id in self.local_names:
            return held.get(value.id)
        if isinstance(value, gast.Subscript):
            return self.table(value)
        function = resolve_value(value, self.parsed, self.local_names) if isinstance(
            value, (gast.Name, gast.Attribute)) else MISSING
        unbound = absent(value, self.parsed, self.local_names) if function is MISSING else None
        if unbound is not None:  # raises where it is assigned: the name holds none of its functions then
            self.dependencies += unbound
            return []
        return [(function, value)] if isinstance(function, FUNCTIONS) or is_derived(function) else None

    @staticmethod
    def _union(found: List[Optional[list]]) -> Optional[list]:
        if any(candidates is None for candidates in found):
            return None
        union: list = []
        for candidates in found:
            union += [(value, where) for value, where in candidates if not any(value is seen for seen, _ in union)]
        return union

    def table(self, node: gast.Subscript) -> Optional[list]:
        """The functions of a table read by a key known only at run time (None for another value)."""
        if id(node) in self.tables:
            return self.tables[id(node)]
        table = resolve_value(node.value, self.parsed, self.local_names)
        # a dict, list or tuple itself (a subclass may read an entry otherwise, or with an effect,
        # and the choice reads its entries again)
        entries = list(table.items()) if type(table) is dict else list(enumerate(table)) if type(table) in (
            list, tuple) else []
        if isinstance(node.slice, gast.Constant) or not entries or not all(
                isinstance(value, FUNCTIONS) and type(key) in (str, int, bool) for key, value in entries):
            return None
        self.dependencies += dependencies_of(node.value, self.parsed, table)
        if isinstance(table, dict):  # its keys, and the function at each
            self.dependencies += [(TableKeys(table), "keys", TableKeys.SAME)]
            self.dependencies += [(table, key, value) for key, value in table.items()]
        elif isinstance(table, list):
            self.dependencies.append(ListItems.of(table))
        self.tables[id(node)] = self._union([[(value, gast.Subscript(value=nodes.clone(node.value), slice=nodes.constant(
            key), ctx=gast.Load()))] for key, value in entries])
        return self.tables[id(node)]

    def of_callee(self, callee: gast.expr, fresh: Callable[[str], str]):
        """(statements before the call, the name holding the function, its candidates) for a callee
        these choices know; None for any other."""
        if isinstance(callee, gast.Name) and callee.id in self.held:
            return [], callee.id, self.held[callee.id]
        if isinstance(callee, gast.Subscript) and self.table(callee) is not None:
            chosen = fresh("_function")
            return [nodes.copy_location(nodes.assign(chosen, callee), callee)], chosen, self.tables[id(callee)]
        return None


def _choice(stmt: gast.stmt, call: gast.Call, chosen: str, names: List[str], found_at: List[gast.expr],
            helpers: Tuple[str, str], parsed: ParsedFunction, fresh: Callable[[str], str]) -> List[gast.stmt]:
    """`_which = function_position(chosen, f1, f2, ...)`, each function read where the function found
    it (`ACTIVATIONS['relu']`, `relu`: a module written by `adjoint gen` holds copies of the user's
    functions, its tables the user's own), then `if _which == 0: <stmt calling f1> elif ... else:
    <the refusal>` (analysis/hidden_effects.py knows that function_position calls none of them)."""
    position, refusal = helpers
    which = fresh("_which")
    where = parsed.info.location(stmt)
    shown = f"{nodes.dotted_name(call.func.value)}[...]" if isinstance(call.func, gast.Subscript) else chosen
    refused = nodes.call(nodes.name(refusal), [nodes.name(chosen), nodes.constant(MESSAGE.format(callee=shown)),
                                               nodes.constant(where.filename), nodes.constant(where.lineno)])
    otherwise = _with_call(stmt, refused)
    for index in reversed(range(len(names))):
        branch = _with_call(stmt, nodes.call(nodes.name(names[index]), [nodes.clone(a) for a in call.args],
                                             [nodes.clone(k) for k in call.keywords]))
        test = gast.Compare(left=nodes.name(which), ops=[gast.Eq()], comparators=[nodes.constant(index)])
        otherwise = gast.If(test=test, body=[branch], orelse=[otherwise])
    found = nodes.assign(which, nodes.call(nodes.name(position), [nodes.name(chosen)] +
                                           [nodes.clone(where) for where in found_at]))
    return [nodes.copy_location(found, stmt), nodes.copy_location(otherwise, stmt)]


def _with_call(stmt: gast.stmt, call: gast.Call) -> gast.stmt:
    """stmt with `call` as its value (an assignment to the same name, or an expression)."""
    if isinstance(stmt, gast.Assign):
        return nodes.copy_location(nodes.assign(stmt.targets[0].id, call), stmt)
    return nodes.copy_location(gast.Expr(value=call), stmt)
