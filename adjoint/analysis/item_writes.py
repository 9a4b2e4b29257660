"""`c[k] op= v` where c is a list, a dict or a tuple's list: a write in place into the item.

Python runs `c[k] += v` as `t = c[k]; t = t.__iadd__(v); c[k] = t`: where the item is a NumPy
array (or a list), `+=`, `*=`, `@=`, ... change it in place, so every name that holds the same
object sees the change. The desugarer rewrites the statement into `c[k] = c[k] + v`, which
stores a new object into c and leaves the old item as it was. That rewrite is exact where
nothing else that may hold the item is read afterwards, so each such statement is, for
analysis/aliases.py, a write in place into the item loaded from c (the temporary ANF gives
`c[k]`), as `t += v` on a name is:

- another name that may share the item's memory and is read afterwards: refused at the line;
- the item may be a number (its kind is not known): checked at run time (number_or_refuse);
- the container itself, read afterwards, may hold the item at another position too (`[y, y]`):
  checked at run time before the statement (items_apart_or_refuse);
- the item may be an array or a list from outside the function (`[W]` with W a global): Python
  changes that object, the derivative would not: refused (checked at run time where the item
  may be a number).

An item known to be a number (`lst[0] *= 2.0` on a list of floats) and an array container
(`X[i] += v`, a write into X that aliases.py follows already) are no item writes.

    >>> # y = x * 1.0; lst = [y, x]; lst[0] *= 2.0; return np.sum(y * x)
    >>> # refused at `lst[0] *= 2.0`: `y` shares the item's memory and is read afterwards
"""
from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import gast

from adjoint import nodes
from adjoint.analysis.guards import Guards
from adjoint.analysis.kinds import ARRAY, CONTAINER, MAPPING, SCALAR, UNKNOWN, is_array, rank_of
from adjoint.analysis.liveness import Liveness
from adjoint.errors import UnsupportedSyntaxError
from adjoint.frontend.parse import MISSING, ParsedFunction
from adjoint.frontend.resolve import resolve
from adjoint.nodes import is_append, is_pop
from adjoint.frontend.names import module_of

APART_MESSAGE = ("this changes in place the item of `{container}` it updates (`{container}[...] op= v` on an "
                 "array or a list), and `{container}` holds that object, or memory it shares, at another "
                 "place too, which is read afterwards; adjoint cannot follow the change there: store a new "
                 "value instead (`{container}[k] = {container}[k] + v`) or keep the items apart (`.copy()`)")
OUTSIDE_MESSAGE = ("this changes in place an item of `{container}` (`{container}[...] op= v` on an array or a "
                   "list), which may be an object from outside {function} (a global, a closure, or an item or "
                   "attribute of one), and the derivative would not make the change as Python does: store a new "
                   "value instead (`{container}[k] = {container}[k] + v`), or put a copy into `{container}` "
                   "(`.copy()`)")
IMMUTABLE = (int, float, complex, str, bytes, tuple, frozenset, type(None))


@dataclass(frozen=True)
class ItemUpdate:
    """The normalized `container[k] = new` of a `c[k] op= v`, the name ANF loaded c[k] into, and
    the kind of c's items where every value put into c says it (an array kind, CONTAINER; UNKNOWN)."""

    container: str
    item: str
    store: gast.Assign
    kind: str
    outside: object  # a mutable object from outside the function c may hold (_Contents.outside)


def item_updates(parsed: ParsedFunction, kinds: Dict[str, str]) -> List[ItemUpdate]:
    """The `c[k] op= v` of the normalized function whose item may be an array (or a list) and
    whose container is not an array."""
    places = {_place(node) for node in parsed.item_updates}
    if not places:
        return []
    defined: Dict[Tuple[str, tuple], gast.Assign] = {}
    stores: List[gast.Assign] = []
    for stmt in nodes.statements(parsed.node):
        if not isinstance(stmt, gast.Assign) or _place(stmt) not in places:
            continue
        target = stmt.targets[0]
        if isinstance(target, gast.Name):
            defined[(target.id, _place(stmt))] = stmt
        elif isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
            stores.append(stmt)
    updated = {store: _operation_of(store, defined) for store in stores}
    contents = _Contents(parsed, kinds, updated)
    updates = []
    for store, operation in updated.items():
        container = store.targets[0].value.id
        item = operation.left.id if operation is not None and isinstance(operation.left, gast.Name) else None
        kind = contents.kind(container)
        kind = kinds.get(item, UNKNOWN) if kind == UNKNOWN else kind
        if is_array(kinds.get(container)) or item is None or SCALAR in (kinds.get(item), kind):
            continue
        updates.append(ItemUpdate(container, item, store, kind, contents.outside(container)))
    return updates


def _place(node: gast.AST) -> tuple:
    return getattr(node, "lineno", None), getattr(node, "col_offset", None)


def _operation_of(store: gast.Assign, defined: Dict[Tuple[str, tuple], gast.Assign]) -> Optional[gast.BinOp]:
    """`item op v`, the value the store stores (None if normalization gave another shape)."""
    value = store.value
    operation = defined.get((value.id, _place(store))) if isinstance(value, gast.Name) else None
    return operation.value if operation is not None and isinstance(operation.value, gast.BinOp) else None


class _Contents:
    """The kind of the items of a local list or dict, from every value put into it: a literal's
    elements, appended and stored values, the items of the list it copies (`list(ys)`, `zs = ys`);
    `c[k] op= v` keeps a number a number where v is one. SCALAR, an array kind, CONTAINER where
    they all agree (arrays and lists: ARRAY), else UNKNOWN (always, where the function gives a
    list or an object to a function of the user's, which may put anything into it)."""

    def __init__(self, parsed: ParsedFunction, kinds: Dict[str, str], updated: Dict[gast.Assign, Optional[gast.BinOp]]):
        self.kinds = kinds
        self.local_names = frozenset(nodes.names_stored(parsed.node)) | frozenset(nodes.parameters(parsed.node))
        self.parsed = parsed
        self.lookup = parsed.lookup
        self.sources: Dict[str, List[object]] = {name: [UNKNOWN] for name in nodes.parameters(parsed.node)}
        self.bound: Dict[str, List[gast.expr]] = {}  # name -> the values `name = value` binds it to
        self.opaque = False  # whether a call may put values into a list it is given (a user function)
        for stmt in nodes.statements(parsed.node):
            if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
                self.bound.setdefault(stmt.targets[0].id, []).append(stmt.value)
            for owner, source in self._sources(stmt, updated):
                self.sources.setdefault(owner, []).append(source)
            self.opaque = self.opaque or self._may_fill(stmt)

    def _may_fill(self, stmt: gast.stmt) -> bool:
        """A call (not append or pop, not NumPy's, math's, a builtin or adjoint's) given a list, a
        dict or an object."""
        call = getattr(stmt, "value", None) if isinstance(stmt, (gast.Assign, gast.Expr)) else None
        if not isinstance(call, gast.Call) or is_append(stmt) or is_pop(call):
            return False
        given = [a for a in nodes.walk(call) if isinstance(a, gast.Name) and a is not call.func
                 and a.id in self.local_names and self.kinds.get(a.id) != SCALAR and not is_array(self.kinds.get(a.id))]
        module = module_of(resolve(call.func, self.parsed, self.local_names))
        return bool(given) and module.split(".")[0] not in ("numpy", "math", "builtins", "adjoint")

    def _sources(self, stmt: gast.stmt, updated):
        """(container, a value put into it: an atom, or the name of a list whose items it copies, or a kind)."""
        if is_append(stmt):
            yield stmt.value.func.value.id, stmt.value.args[0]
        elif isinstance(stmt, (gast.For, gast.With)):
            targets = [stmt.target] if isinstance(stmt, gast.For) else [item.optional_vars for item in stmt.items]
            yield from ((name, UNKNOWN) for target in targets if target is not None
                        for name in nodes.names_stored(target))
        if not isinstance(stmt, gast.Assign):
            return
        target, value = stmt.targets[0], stmt.value
        if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
            operation = updated.get(stmt)
            if operation is None or self._atom_kind(operation.right) != SCALAR:
                yield target.value.id, value if operation is None else operation.right
        elif not isinstance(target, gast.Name):
            yield from ((name, UNKNOWN) for name in nodes.names_stored(target))
        elif isinstance(value, (gast.List, gast.Tuple, gast.Dict)):
            elements = value.values if isinstance(value, gast.Dict) else value.elts
            yield from ((target.id, element) for element in elements)
        elif isinstance(value, gast.Name) or self._copies_items(value):
            yield target.id, ("items of", value.args[0].id if isinstance(value, gast.Call) else value.id)
        elif self._joins_lists(value):  # `[0.0] * n`, `xs + ys`
            for operand in (value.left, value.right):
                if self._atom_kind(operand) != SCALAR:
                    yield target.id, ("items of", operand.id)
        else:
            yield target.id, UNKNOWN

    def _joins_lists(self, value: gast.expr) -> bool:
        if not (isinstance(value, gast.BinOp) and isinstance(value.op, (gast.Add, gast.Mult))):
            return False
        kinds = [self._atom_kind(operand) for operand in (value.left, value.right)]
        lists = [kind == CONTAINER for kind in kinds]
        return all(lists) if isinstance(value.op, gast.Add) else any(lists) and SCALAR in kinds

    def _copies_items(self, value: gast.expr) -> bool:
        """`list(ys)`, `tuple(ys)`: a new container of ys's items."""
        return (isinstance(value, gast.Call) and isinstance(value.func, gast.Name) and len(value.args) == 1
                and not value.keywords and isinstance(value.args[0], gast.Name)
                and value.func.id not in self.local_names and self.lookup(value.func.id) in (list, tuple))

    def _atom_kind(self, atom: gast.expr) -> str:
        if isinstance(atom, gast.Constant):
            return SCALAR if type(atom.value) in (int, float, bool) else UNKNOWN
        if not isinstance(atom, gast.Name):
            return UNKNOWN
        kind = self.kinds.get(atom.id, UNKNOWN)
        values = self.bound.get(atom.id, ())
        if kind == UNKNOWN and len(values) == 1 and self._selects_number(values[0]):
            return SCALAR
        return kind

    def _selects_number(self, value: gast.expr) -> bool:
        """`a[i]`, `a[i, j]`: one number per dimension of an array `a` whose dimensions are known."""
        if not (isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name)):
            return False
        rank = rank_of(self.kinds.get(value.value.id))
        parts = value.slice.elts if isinstance(value.slice, gast.Tuple) else [value.slice]
        return rank == len(parts) and all(self._atom_kind(part) == SCALAR and not isinstance(part, gast.Slice)
                                          for part in parts)

    def outside(self, container: str, seen: frozenset = frozenset()) -> object:
        """A mutable object from outside the function that `container` may hold (`[W]`, `[CONFIG.w]`,
        `list(TABLE)` with W, CONFIG, TABLE globals): the object where it is known (the list copied,
        for `list(TABLE)`), MISSING where it is not, None where no value put into it may be one."""
        seen = seen | {container}
        for source in self.sources.get(container, ()):
            copied = isinstance(source, tuple)
            name = source[1] if copied else getattr(source, "id", None)
            if name is None or name in seen:
                continue
            found = self._from_outside(name, seen)
            found = self.outside(name, seen) if found is None else found
            if found is not None:
                return found if not copied or found is MISSING or _holds_mutable(found) else MISSING
        return None

    def _from_outside(self, name: str, seen: frozenset) -> object:
        """The mutable object from outside the function that a global or closure name holds, or a
        local name bound to it, to an attribute or an item of it (MISSING where not known; None:
        no such object)."""
        if name not in self.local_names:
            return _mutable(self.lookup(name))
        for value in self.bound.get(name, ()):
            root = root_name(value)
            if root is not None and root not in seen and self._from_outside(root, seen | {name}) is not None:
                found = resolve(value, self.parsed, self.local_names)
                return found if found is MISSING else _mutable(found)
        return None

    def kind(self, container: str, seen: frozenset = frozenset()) -> str:
        if self.opaque:
            return UNKNOWN
        seen = seen | {container}
        found = {self._source_kind(source, seen) for source in self.sources.get(container, [UNKNOWN])} - {None}
        if found == {SCALAR}:
            return SCALAR
        if found and all(is_array(kind) or kind == CONTAINER for kind in found):
            return found.pop() if len(found) == 1 else ARRAY
        return UNKNOWN

    def _source_kind(self, source: object, seen: frozenset) -> Optional[str]:
        """The kind of a value put into a container; None for the items of a container whose kind
        is being found (they add no kind of their own)."""
        if isinstance(source, str):
            return source
        if isinstance(source, tuple):
            return None if source[1] in seen else self.kind(source[1], seen)
        kind = self._atom_kind(source)
        values = self.bound.get(source.id, ()) if isinstance(source, gast.Name) else ()
        if values and source.id in seen:
            return None
        if kind == UNKNOWN and len(values) == 1 and isinstance(values[0], gast.BinOp) and isinstance(
                values[0].op, (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow)):  # arithmetic on numbers
            sides = {self._source_kind(side, seen | {source.id}) for side in (values[0].left, values[0].right)} - {None}
            return SCALAR if sides == {SCALAR} else None if not sides else UNKNOWN
        if kind == UNKNOWN and len(values) == 1 and isinstance(values[0], gast.Subscript):
            owner = values[0].value  # an item of a list or dict (a slice of one is a list: not UNKNOWN)
            if isinstance(owner, gast.Name) and self.kinds.get(owner.id) in (CONTAINER, MAPPING):
                return None if owner.id in seen else self.kind(owner.id, seen)
        return kind


def _mutable(found: object) -> object:
    """`found` unless it is a number, a string, a tuple, None, a module, a function or a class."""
    return None if isinstance(found, IMMUTABLE + (types.ModuleType, types.FunctionType, type)) else found


def _holds_mutable(found: object) -> bool:
    items = found.values() if isinstance(found, dict) else found if isinstance(found, (list, tuple)) else [found]
    return any(_mutable(item) is not None for item in items)


def root_name(value: gast.expr) -> Optional[str]:
    """`W` for `W`, `CONFIG.w`, `TABLE[0]`; None for any other value (a new object)."""
    while isinstance(value, (gast.Attribute, gast.Subscript)):
        value = value.value
    return value.id if isinstance(value, gast.Name) else None


def item_guards(parsed: ParsedFunction, kinds: Dict[str, str], guards: Guards) -> Tuple[Guards, Guards]:
    """Refuses the item updates whose container may hold an array or a list from outside the
    function (Python changes that object, the derivative would not). Returns the run-time checks
    to put before the statements (analysis/guards.py): those whose container is read afterwards,
    with ((container, item), message, where), for a check that the container holds the item at
    that one place (items_apart_or_refuse); and, taken out of the `guards` analysis/aliases.py
    made (the others check `c += v`), those that may change an item other names hold, or one
    from outside, with the same, for a check that the item is a number (item_update_or_refuse)."""
    updates = item_updates(parsed, kinds)
    apart: Guards = {}
    items = _take_item_checks(guards)
    live = Liveness(parsed.node) if updates else None
    for update in updates:
        where = parsed.info.location(update.store)
        if update.outside is not None:
            message = OUTSIDE_MESSAGE.format(container=update.container, function=parsed.node.name)
            if update.outside is not MISSING or is_array(update.kind) or update.kind == CONTAINER:
                raise UnsupportedSyntaxError("in-place write", message, where)
            items.setdefault(update.store, []).append(((update.container, update.item), message, where))
        if update.container in live.after.get(update.store, frozenset()):
            message = APART_MESSAGE.format(container=update.container)
            apart.setdefault(update.store, []).append(((update.container, update.item), message, where))
    return apart, items


def _take_item_checks(guards: Guards) -> Guards:
    """The checks of `guards` whose names are (container, item), taken out of it."""
    items: Guards = {}
    for stmt in list(guards):
        taken = [check for check in guards[stmt] if isinstance(check[0], tuple)]
        if taken:
            items[stmt] = taken
            guards[stmt] = [check for check in guards[stmt] if not isinstance(check[0], tuple)]
            if not guards[stmt]:
                del guards[stmt]
    return items
