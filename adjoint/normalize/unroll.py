"""Loops over a table known when the derivative is generated, unrolled where the loop variable
picks the function a call receives.

A derivative is generated for the function each call receives, so `TABLE[name](x)` must
name an entry known at generation time. When `name` runs over the keys, values or items of
a dict (or the items of a tuple or a list, `for layer in self.layers`, a slice of one with
constant bounds, `reversed`, `enumerate` or `zip` of any, or `range(len(T))` of one)
that the function reads from outside itself (a global, a closure, an object a derivative is
specialized to), the loop is unrolled, one copy of its body per entry, in the table's order::

    for name, weight in weights.items():        # weights = {"a": 1.0, "b": 0.5}, a closure
        total = total + weight * TABLE[name](x)

becomes::

    name, weight = 'a', weights['a']
    total = total + weights['a'] * TABLE['a'](x)
    name, weight = 'b', weights['b']
    total = total + weights['b'] * TABLE['b'](x)

The keys must be literals and the body must not rebind the loop variables, break, continue
or return. The derivative depends on the table's keys, in order (a list's items): a key added,
removed or moved regenerates it (`TableKeys`, `ListItems`), and it is not kept in the disk
cache, whose key does not describe the entries' functions.
"""
from __future__ import annotations

import copy
from typing import Any, Dict, List, Optional, Tuple

import gast

from adjoint import nodes
from adjoint.frontend.parse import ParsedFunction
from adjoint.frontend.dependencies import ListItems, TableKeys
from adjoint.frontend.values import dependencies_of, resolve_value

MAX_ENTRIES = 16  # a longer table keeps its loop (and a call through its entries stays refused)
KEY_TYPES = (str, int, float, bool, type(None))
VIEWS = ("items", "keys", "values")


def unroll_table_loops(parsed: ParsedFunction, local_names: frozenset) -> bool:
    """Unroll the loops of parsed.node described in the module, in place; whether there was one."""
    unroller = _Unroller(parsed, local_names)
    unroller.block(parsed.node.body)
    return unroller.unrolled_any


class _Unroller:
    def __init__(self, parsed: ParsedFunction, local_names: frozenset):
        self.parsed = parsed
        self.local_names = local_names
        self.unrolled_any = False

    def block(self, statements: List[gast.stmt]) -> None:
        index = 0
        while index < len(statements):
            stmt = statements[index]
            unrolled = self.unrolled(stmt) if isinstance(stmt, gast.For) else None
            if unrolled is None:
                for field in ("body", "orelse", "finalbody"):
                    if isinstance(getattr(stmt, field, None), list):
                        self.block(getattr(stmt, field))
                for handler in getattr(stmt, "handlers", None) or []:
                    self.block(handler.body)
                index += 1
                continue
            self.block(unrolled)  # a loop of the body over another table
            statements[index:index + 1] = unrolled
            self.unrolled_any = True
            index += len(unrolled)

    def unrolled(self, loop: gast.For) -> Optional[List[gast.stmt]]:
        targets = set(nodes.names_stored(loop.target))
        if loop.orelse or not _calls_through(loop.body, targets) or not _straight(loop.body, targets):
            return None
        entries = self.entries(loop.iter)
        if entries is None or _writes_into(loop.body, _root(loop.iter)):
            return None
        statements = []
        for element, value in entries:
            bindings: Dict[str, gast.expr] = {}
            if not _bind(loop.target, element, value, bindings):
                return None
            assign = nodes.copy_location(nodes.assign_to(loop.target, copy.deepcopy(element)), loop)
            statements.append(assign)
            statements.extend(_substituted(stmt, bindings) for stmt in loop.body)
        return statements

    def entries(self, iterated: gast.expr) -> Optional[List[Tuple[gast.expr, Any]]]:
        """(element expression, element value) for each item the loop runs over, or None."""
        if (isinstance(iterated, gast.Call) and len(iterated.args) == 1 and not iterated.keywords
                and resolve_value(iterated.func, self.parsed, self.local_names) is enumerate):
            counted = self.entries(iterated.args[0])
            return None if counted is None else [
                (nodes.tuple_of([nodes.constant(i), element]), (i, value))
                for i, (element, value) in enumerate(counted)]
        if self._is_call_of(iterated, zip):
            columns = [self.entries(argument) for argument in iterated.args]
            if not columns or any(column is None for column in columns):
                return None
            return [(nodes.tuple_of([element for element, _ in row]), tuple(value for _, value in row))
                    for row in zip(*columns)]
        if self._is_call_of(iterated, range):
            count = self._range_count(iterated.args)
            return None if count is None else [(nodes.constant(i), i) for i in range(count)]
        if self._is_call_of(iterated, reversed) and len(iterated.args) == 1 and _sequence(iterated.args[0]):
            forward = self.entries(iterated.args[0])
            return None if forward is None else forward[::-1]
        if isinstance(iterated, gast.Subscript) and isinstance(iterated.slice, gast.Slice):
            return self._sliced(iterated)
        view = None
        table_node = iterated
        if (isinstance(iterated, gast.Call) and isinstance(iterated.func, gast.Attribute)
                and iterated.func.attr in VIEWS and not iterated.args and not iterated.keywords):
            view, table_node = iterated.func.attr, iterated.func.value
        table = resolve_value(table_node, self.parsed, self.local_names)
        if isinstance(table, (tuple, list)) and view is None:
            keys = range(len(table))
        elif isinstance(table, dict) and all(type(key) in KEY_TYPES for key in table):
            keys = list(table)
        else:
            return None
        if len(keys) > MAX_ENTRIES:
            return None
        self.depend(table_node, table)

        def entry(key) -> Tuple[gast.expr, Any]:
            item = gast.Subscript(value=nodes.load_copy(table_node), slice=nodes.constant(key), ctx=gast.Load())
            if isinstance(table, (tuple, list)) or view == "values":
                return item, table[key]
            if view == "items":
                return nodes.tuple_of([nodes.constant(key), item]), (key, table[key])
            return nodes.constant(key), key

        return [entry(key) for key in keys]

    def _sliced(self, iterated: gast.Subscript) -> Optional[List[Tuple[gast.expr, Any]]]:
        """The entries of `T[a:b:c]` (constant bounds) of a tuple or list known now: T's own."""
        bounds = [_integer(getattr(iterated.slice, part)) for part in ("lower", "upper", "step")]
        if any(bound is _NOT_AN_INTEGER for bound in bounds):
            return None
        table = resolve_value(iterated.value, self.parsed, self.local_names)
        if not isinstance(table, (tuple, list)):
            return None
        chosen = slice(*bounds)
        if chosen.step == 0:
            return None  # Python raises
        picked = range(len(table))[chosen]
        if len(picked) > MAX_ENTRIES:
            return None
        self.depend(iterated.value, table)
        return [(gast.Subscript(value=nodes.load_copy(iterated.value), slice=nodes.constant(k), ctx=gast.Load()), table[k])
                for k in picked]

    def _is_call_of(self, node: gast.expr, function: Any) -> bool:
        return (isinstance(node, gast.Call) and bool(node.args) and not node.keywords
                and not any(isinstance(argument, gast.Starred) for argument in node.args)
                and resolve_value(node.func, self.parsed, self.local_names) is function)

    def _range_count(self, arguments: List[gast.expr]) -> Optional[int]:
        """n of `range(n)`, a literal or `len(T)` of a table known now (then a dependency)."""
        if len(arguments) != 1:
            return None
        bound = arguments[0]
        if isinstance(bound, gast.Constant) and type(bound.value) is int:
            return bound.value if bound.value <= MAX_ENTRIES else None
        if not self._is_call_of(bound, len) or len(bound.args) != 1:
            return None
        table = resolve_value(bound.args[0], self.parsed, self.local_names)
        if not isinstance(table, (tuple, list)) or len(table) > MAX_ENTRIES:
            return None
        self.depend(bound.args[0], table)
        return len(table)

    def depend(self, table_node: gast.expr, table: Any) -> None:
        self.parsed.dependencies.extend(dependencies_of(table_node, self.parsed, table))
        if isinstance(table, dict):
            self.parsed.dependencies.append((TableKeys(table), "keys", TableKeys.SAME))
        elif isinstance(table, list):
            self.parsed.dependencies.append(ListItems.of(table))


_NOT_AN_INTEGER = object()


def _integer(node: Optional[gast.expr]) -> Any:
    """The int a slice bound spells (`2`, `-1`), None where it is absent, else _NOT_AN_INTEGER."""
    if node is None:
        return None
    negated = isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub)
    constant = node.operand if negated else node
    if not (isinstance(constant, gast.Constant) and type(constant.value) is int):
        return _NOT_AN_INTEGER
    return -constant.value if negated else constant.value


def _sequence(node: gast.expr) -> bool:
    """A table or a slice of one, or range(...): what reversed takes (not enumerate or zip, which
    Python's reversed refuses)."""
    if isinstance(node, gast.Call):
        return isinstance(node.func, gast.Name) and node.func.id == "range"
    return True


def _calls_through(body: List[gast.stmt], targets: set) -> bool:
    """Whether a call of the body picks its function with a loop variable (`TABLE[name](x)`, `f(x)`)."""
    return any(isinstance(node, gast.Call) and targets & set(nodes.names_read(node.func))
               for stmt in body for node in nodes.walk(stmt))


def _straight(body: List[gast.stmt], targets: set) -> bool:
    """No jump out of the loop and no new value for a loop variable inside it."""
    for stmt in body:
        for node in nodes.walk(stmt):
            if isinstance(node, (gast.Break, gast.Continue, gast.Return, gast.Yield, gast.YieldFrom)):
                return False
            if isinstance(node, gast.Name) and node.id in targets and not isinstance(node.ctx, gast.Load):
                return False
    return True


def _root(expr: gast.expr) -> Optional[str]:
    """The name an expression reads its value through (`TABLE` for `TABLE.items()`, `enumerate(T)`: `T`)."""
    while True:
        if isinstance(expr, gast.Call):
            expr = expr.args[0] if expr.args else expr.func
        elif isinstance(expr, (gast.Attribute, gast.Subscript)):
            expr = expr.value
        else:
            return expr.id if isinstance(expr, gast.Name) else None


def _writes_into(body: List[gast.stmt], root: Optional[str]) -> bool:
    """Whether the body changes the table (Python would refuse a dict that changes size while iterated)."""
    return any(isinstance(node, (gast.Subscript, gast.Attribute)) and not isinstance(node.ctx, gast.Load)
               and _root(node) == root for stmt in body for node in nodes.walk(stmt))


def _bind(target: gast.expr, element: gast.expr, value: Any, bindings: Dict[str, gast.expr]) -> bool:
    """What each loop variable reads in one iteration (element: the item's expression, value: the
    item); False where the target does not unpack the item as Python would."""
    if isinstance(target, gast.Name):
        bindings[target.id] = element
        return True
    if not isinstance(target, (gast.Tuple, gast.List)) or any(isinstance(e, gast.Starred) for e in target.elts):
        return False
    if not isinstance(value, (tuple, list)) or len(value) != len(target.elts):
        return False
    parts = element.elts if isinstance(element, gast.Tuple) else [
        gast.Subscript(value=nodes.load_copy(element), slice=nodes.constant(i), ctx=gast.Load())
        for i in range(len(value))]
    return all(_bind(t, e, v, bindings) for t, e, v in zip(target.elts, parts, value))


def _substituted(stmt: gast.stmt, bindings: Dict[str, gast.expr]) -> gast.stmt:
    """A copy of stmt reading, for each loop variable, its expression in this iteration."""
    stmt = copy.deepcopy(stmt)
    for node in list(nodes.walk(stmt)):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) and node.id in bindings:
            nodes.replace_node(stmt, node, nodes.copy_location(copy.deepcopy(bindings[node.id]), node))
    return stmt
