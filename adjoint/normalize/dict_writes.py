"""Items written by key into a dict the function builds, or taken out of it, as new dicts, and `.get`
of such a dict.

A dict that every assignment in the function binds to a literal (`{}`, `{"a": x}`, `dict()`, and
`collections.OrderedDict()`, whose copies are OrderedDicts) or to
the copy of a dict (`dict(p)`: new, though its items are p's, which a write by key replaces),
and that the function reads only by item, `.get`, `.items()`/`.keys()`/`.values()`, `in`, a
loop, `len`, `list`/`sorted`/`sum`/`min`/`max`/`tuple`, `**` in a call or `return`, is no value
any other name shares: writing an item into it and binding it to a copy with the item written
are the same program. The copy is `with_item(d, key, value)`, whose derivative is an item
write's (rules/runtime_helpers.py); `d.get(k, default)` reads `d[k]` where k is a key of d; a pop
(`del d[k]` is one: normalize/deletions.py), as a statement or assigned alone, reads the item and
binds d to `without_key(d, key)`, the copy without it.

Before::

    d = {}
    d["a"] = x * 2
    d["a"] = d["a"] + y
    v = d.pop("c", 1.0)
    return d["a"] + d.get("b", 0.0) + v

After::

    d = {}
    d = with_item(d, "a", x * 2)
    d = with_item(d, "a", d["a"] + y)
    _popped = d["c"] if "c" in d else 1.0
    d = without_key(d, "c") if "c" in d else d
    v = _popped
    return d["a"] + (d["b"] if "b" in d else 0.0) + v

A write into a dict that some other name may share (a parameter, a global, a dict assigned
from another name, or passed to a function, stored in a container or read by a nested
function) stays refused at its line (ad/context.py), as does a write into such a dict here, and
`d[k] op= v` on an array or list item (Python changes it in place, for every name holding it:
refused when the derivative runs; a number's `+=` is a new number, as `d[k] = d[k] + v` is), and a
write inside a loop over the dict by any key but the loop's own (it may add a key, for which Python
raises RuntimeError), or a pop inside any loop over it.
"""
from __future__ import annotations

import collections
from typing import AbstractSet, Callable, Dict, List, Optional, Set, Tuple

import gast

from adjoint import nodes, runtime
from adjoint.frontend.held import let_go
from adjoint.errors import UnsupportedSyntaxError
from adjoint.frontend.parse import ParsedFunction
from adjoint.frontend.resolve import resolve
from adjoint.normalize.method_statements import named_atoms

VIEWS = ("get", "items", "keys", "values")
# Builtins that read a dict's keys or values and keep no reference to the dict itself.
READERS = (len, list, sorted, sum, min, max, tuple, any, all, set)
FUNCTIONS = (gast.FunctionDef, gast.Lambda)


def lower_dict_writes(parsed: ParsedFunction, fresh: Callable[[str], str],
                      comprehension_writes: AbstractSet[int] = frozenset()) -> None:
    """Rewrite, in parsed.node, the item writes into and `.get`s of the local dicts described above.
    A dict every item write of which is a dict comprehension's own (ids in comprehension_writes) may
    be shared as any value but by a nested function: the comprehension writes all its items before
    the function reads the dict, and a nested function called in it would see it half built."""
    dicts = _built_dicts(parsed)
    if not dicts:
        return
    let_go(parsed.node)
    uses = _uses(parsed.node)
    local_names = frozenset(nodes.names_stored(parsed.node)) | set(nodes.parameters(parsed.node))
    pops = {id(_popped(stmt)) for stmt in nodes.statements(parsed.node) if _popped(stmt) is not None}
    readers = {name: [node for node, parent, grand, nested in uses.get(name, ())
                      if not _keeps_no_reference(node, parent, grand, nested, parsed, local_names)
                      and not (isinstance(parent, gast.Attribute) and id(grand) in pops and not nested)]
               for name in dicts}
    written = {name for name in dicts if _writes(parsed.node, name)}
    for name in sorted(written):
        _refuse_pops_in_expressions(readers[name], uses.get(name, ()), parsed)
        if _written_by_comprehension_only(parsed.node, name, comprehension_writes):
            in_functions = {id(node) for node, _, _, nested in uses.get(name, ()) if nested}
            readers[name] = [node for node in readers[name] if id(node) in in_functions]
        if readers[name]:
            raise UnsupportedSyntaxError(
                "dict item assignment", f"the dict `{name}` is written item by item and also used here as a value "
                "that may share it with another name; adjoint differentiates item writes into a dict the function "
                "builds and reads only by item, `.get`, its views, `in`, a loop, `len`, `**` or `return`",
                parsed.info.location(readers[name][0]))
    helper = parsed.bind("with_item", runtime.with_item, fresh, local_names) if written else ""
    rewriter = _Rewriter(parsed, fresh, helper, written, dicts)
    if any(_popped(stmt) is not None and _popped(stmt).func.value.id in written
           for stmt in nodes.statements(parsed.node)):
        rewriter.without_key = parsed.bind("without_key", runtime.without_key, fresh, local_names)
    if any(isinstance(node, gast.AugAssign) for node in nodes.walk(parsed.node)):
        rewriter.update_check = parsed.bind("item_update_or_refuse", runtime.item_update_or_refuse, fresh,
                                            local_names)
    parsed.node.body = rewriter.block(parsed.node.body)


def _refuse_pops_in_expressions(readers, uses, parsed) -> None:
    """`d.pop(k)` of a dict the function builds is differentiated as a statement, or assigned alone."""
    for node, parent, grand, nested in uses:
        if node in readers and isinstance(parent, gast.Attribute) and parent.attr == "pop" and not nested:
            raise UnsupportedSyntaxError(
                f"{node.id}.pop", f"`{node.id}.pop(...)` is differentiated as a statement of its own or assigned "
                f"alone (`v = {node.id}.pop(k)`), not inside a larger expression; assign it to a name first",
                parsed.info.location(grand if isinstance(grand, gast.Call) else node))


def _uses(func_node: gast.FunctionDef) -> Dict[str, List[Tuple]]:
    """name -> (Name node, parent, grandparent, inside a nested function) of each read of a name."""
    found: Dict[str, List[Tuple]] = {}

    def visit(node, parent, grand, nested):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
            found.setdefault(node.id, []).append((node, parent, grand, nested))
        inner = nested or (isinstance(node, FUNCTIONS) and node is not func_node)
        for child in nodes.children(node):
            visit(child, node, parent, inner)

    visit(func_node, None, None, False)
    return found


def _built_dicts(parsed: ParsedFunction) -> Set[str]:
    """Local names every binding of which is an assignment of a dict literal (or of `OrderedDict()`)."""
    func_node = parsed.node
    literal_targets = {id(stmt.targets[0]): stmt.targets[0].id for stmt in nodes.statements(func_node)
                       if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                       and isinstance(stmt.targets[0], gast.Name)
                       and (_is_literal(stmt.value) or is_empty_ordered_dict(stmt.value, parsed))}
    if not literal_targets:
        return set()
    other = set(nodes.parameters(func_node))
    for node in nodes.walk(func_node):
        if isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Load) and id(node) not in literal_targets:
            other.add(node.id)
        elif isinstance(node, (gast.Global, gast.Nonlocal)):
            other.update(node.names)
        elif isinstance(node, gast.FunctionDef) and node is not func_node:
            other.add(node.name)
    return set(literal_targets.values()) - other


def _is_literal(value: gast.expr) -> bool:
    if isinstance(value, gast.Dict):
        return all(key is not None for key in value.keys)  # `{**other}` may share other's items only
    return (isinstance(value, gast.Call) and isinstance(value.func, gast.Name) and value.func.id == "dict"
            and all(k.arg is not None for k in value.keywords)
            and (not value.args or len(value.args) == 1 and not value.keywords
                 and isinstance(value.args[0], gast.Name)))


def is_empty_ordered_dict(value: gast.expr, parsed: ParsedFunction) -> bool:
    """`collections.OrderedDict()`, a new empty dict that keeps its keys in the order they were written,
    as a dict does: its items written and taken out as a dict's, on copies of its own type."""
    return (isinstance(value, gast.Call) and not value.args and not value.keywords
            and resolve(value.func, parsed, frozenset(nodes.names_stored(parsed.node))) is collections.OrderedDict)


def _keeps_no_reference(node, parent, grand, nested, parsed, local_names) -> bool:
    """Whether this read of a dict leaves no other name or object holding the dict."""
    if nested:
        return False
    if isinstance(parent, gast.Subscript) and parent.value is node:
        return True
    if isinstance(parent, gast.Attribute) and parent.attr in VIEWS:
        return isinstance(grand, gast.Call) and grand.func is parent
    if isinstance(parent, gast.Compare):
        return all(isinstance(op, (gast.In, gast.NotIn)) for op in parent.ops) and parent.left is not node
    if isinstance(parent, (gast.For, gast.comprehension)):
        return parent.iter is node
    if isinstance(parent, gast.keyword):
        return parent.arg is None
    if isinstance(parent, gast.Return) or (isinstance(parent, gast.Tuple) and isinstance(grand, gast.Return)):
        return True
    if isinstance(parent, gast.Call) and node in parent.args:
        found = resolve(parent.func, parsed, local_names)
        return any(found is reader for reader in READERS)
    return False


def _writes(func_node: gast.FunctionDef, name: str) -> bool:
    return any(_write_statements(func_node, name))


def _write_statements(func_node: gast.FunctionDef, name: str) -> List[gast.stmt]:
    """The statements that write an item of `name` or take one out."""
    return [stmt for stmt in nodes.statements(func_node)
            if isinstance(stmt, (gast.Assign, gast.AugAssign)) and _target_of(stmt, name) is not None
            or _popped(stmt) is not None and _popped(stmt).func.value.id == name]


def _written_by_comprehension_only(func_node: gast.FunctionDef, name: str, comprehension_writes) -> bool:
    return all(id(stmt) in comprehension_writes for stmt in _write_statements(func_node, name))


def _popped(stmt: gast.stmt) -> Optional[gast.Call]:
    """The call `d.pop(...)` of a name d that stmt is (`d.pop(k)`) or assigns alone (`v = d.pop(k)`)."""
    if isinstance(stmt, gast.Expr) or isinstance(stmt, gast.Assign) and len(stmt.targets) == 1:
        call = stmt.value
        if (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and call.func.attr == "pop"
                and isinstance(call.func.value, gast.Name)):
            return call
    return None


def _target_of(stmt, name: str) -> Optional[gast.Subscript]:
    """The `name[key]` the statement assigns (alone), else None."""
    targets = stmt.targets if isinstance(stmt, gast.Assign) else [stmt.target]
    target = targets[0] if len(targets) == 1 else None
    if (isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name) and target.value.id == name
            and not isinstance(target.slice, gast.Slice)):
        return target
    return None


def _loop_over_a_dict(loop: gast.For) -> Optional[Tuple[str, Optional[str]]]:
    """(d, k) for `for k in d`, `for k in d.keys()`, `for k, v in d.items()` (k None where the loop
    binds no key it keeps: `d.values()`, or k rebound in the body), else None."""
    iterated, view = loop.iter, None
    if isinstance(iterated, gast.Call) and isinstance(iterated.func, gast.Attribute) and not iterated.args:
        iterated, view = iterated.func.value, iterated.func.attr
    if not isinstance(iterated, gast.Name) or view not in (None, "keys", "values", "items"):
        return None
    target = loop.target.elts[0] if view == "items" and isinstance(loop.target, gast.Tuple) else loop.target
    key = target.id if isinstance(target, gast.Name) and view != "values" else None
    if key is not None and key in nodes.names_stored(gast.Module(body=loop.body, type_ignores=[])):
        key = None
    return iterated.id, key


def _has_call(node: gast.AST) -> bool:
    return any(isinstance(inner, (gast.Call, gast.NamedExpr, gast.Yield, gast.Await)) for inner in nodes.walk(node))


class _Rewriter:
    """Rewrites the statements of the function (not of nested functions) in place."""

    def __init__(self, parsed, fresh, helper: str, written: Set[str], readable: Set[str]):
        self.parsed, self.fresh, self.helper = parsed, fresh, helper
        self.written, self.readable = written, readable
        self.update_check = ""  # the name of runtime.item_update_or_refuse, where an item is updated
        self.without_key = ""  # the name of runtime.without_key, where an item is taken out
        self.iterating: List[Tuple[str, Optional[str]]] = []  # (dict, its key variable) of the loops around

    def block(self, body: List[gast.stmt]) -> List[gast.stmt]:
        out: List[gast.stmt] = []
        for stmt in body:
            loop = _loop_over_a_dict(stmt) if isinstance(stmt, gast.For) else None
            self.iterating += [loop] if loop else []
            for field in ("body", "orelse"):
                if isinstance(getattr(stmt, field, None), list) and not isinstance(stmt, FUNCTIONS):
                    setattr(stmt, field, self.block(getattr(stmt, field)))
                if loop and field == "body":
                    self.iterating.pop()
            self.lower_gets(stmt)
            out.extend(self.statement(stmt))
        return out

    def statement(self, stmt: gast.stmt) -> List[gast.stmt]:
        popped = _popped(stmt)
        if popped is not None and popped.func.value.id in self.written:
            return self.popped(stmt, popped)
        name = next((n for n in sorted(self.written) if isinstance(stmt, (gast.Assign, gast.AugAssign))
                     and _target_of(stmt, n) is not None), None)
        if name is None:
            return [stmt]
        target = _target_of(stmt, name)
        for iterated, key_name in self.iterating:
            if iterated == name and not (isinstance(target.slice, gast.Name) and target.slice.id == key_name):
                raise UnsupportedSyntaxError(
                    "dict item assignment", f"a loop over the dict `{name}` writes an item of it by a key other than "
                    "the loop's own, which may add a key (Python raises RuntimeError then); write into a new dict",
                    self.parsed.info.location(stmt))
        if isinstance(stmt, gast.AugAssign):
            return self.augmented(stmt, name, target)
        before: List[gast.stmt] = []
        value, key = stmt.value, target.slice
        if _has_call(key):  # Python evaluates the value first, then the key, once each
            held_value, held_key = self.fresh("_value"), self.fresh("_key")
            before = [nodes.copy_location(nodes.assign(held_value, value), stmt),
                      nodes.copy_location(nodes.assign(held_key, key), stmt)]
            value, key = nodes.name(held_value), nodes.name(held_key)
        return before + [self.stored(stmt, name, key, value)]

    def popped(self, stmt: gast.stmt, call: gast.Call) -> List[gast.stmt]:
        """`v = d.pop(k)` -> `v = d[k]`, then `d = without_key(d, k)` (KeyError where d lacks k, as Python
        raises); `v = d.pop(k, default)` -> `v = d[k] if k in d else default`, then
        `d = without_key(d, k) if k in d else d`; `d.pop(...)` alone, the new dict only. A key or a default
        that is not a name or a literal is computed into a name first, once, in Python's order."""
        name, where = call.func.value.id, self.parsed.info.location(stmt)
        if call.keywords or not 1 <= len(call.args) <= 2 or any(isinstance(a, gast.Starred) for a in call.args):
            raise UnsupportedSyntaxError(
                f"{name}.pop", f"`{name}.pop(...)` is differentiated with a key, or a key and a default, given by "
                "position (`d.pop(k)`, `d.pop(k, 0.0)`)", where)
        if any(iterated == name for iterated, _ in self.iterating):
            raise UnsupportedSyntaxError(
                f"{name}.pop", f"a loop over the dict `{name}` takes an item out of it (Python raises RuntimeError "
                "then); take the items out after the loop, or loop over `list(...)` of its keys", where)
        out, (key, *default) = named_atoms(zip(("_key", "_default"), call.args), self.fresh)
        removed = nodes.call(nodes.name(self.without_key), [nodes.name(name), nodes.clone(key)])
        value = nodes.subscript(nodes.name(name), nodes.clone(key))
        if default:
            test = gast.Compare(left=nodes.clone(key), ops=[gast.In()], comparators=[nodes.name(name)])
            removed = gast.IfExp(test=test, body=removed, orelse=nodes.name(name))
            value = gast.IfExp(test=nodes.clone(test), body=value, orelse=default[0])
        if isinstance(stmt, gast.Assign):
            taken = self.fresh("_popped")
            out.append(nodes.assign(taken, value))
        out.append(nodes.assign(name, removed))
        if isinstance(stmt, gast.Assign):
            last = nodes.copy_location(gast.Assign(targets=stmt.targets, value=nodes.name(taken), type_comment=None),
                                       stmt)
            return [nodes.copy_location(s, stmt) for s in out] + self.statement(last)
        return [nodes.copy_location(s, stmt) for s in out]

    def augmented(self, stmt: gast.AugAssign, name: str, target: gast.Subscript) -> List[gast.stmt]:
        """`d[k] op= v` -> the item read once, checked when the derivative runs (an array or a list
        item Python would change in place, for every name holding it: refused at the line), and a
        new dict with `item op v` at k. Python evaluates the key, reads the item, then evaluates v."""
        key, before = target.slice, []
        if _has_call(key):
            held_key = self.fresh("_key")
            before.append(nodes.copy_location(nodes.assign(held_key, key), stmt))
            key = nodes.name(held_key)
        item = self.fresh("_item")
        read = gast.Subscript(value=nodes.name(name), slice=nodes.clone(key), ctx=gast.Load())
        before.append(nodes.copy_location(nodes.assign(item, read), stmt))
        where = self.parsed.info.location(stmt)
        message = (f"`{name}[k] op= v` changes in place the array or list the dict `{name}` holds at this key, "
                   f"and every name holding it; write `{name}[k] = {name}[k] + v` (a new value)")
        arguments = [nodes.name(name), nodes.name(item)] + [nodes.constant(part) for part in
                                                            (message, where.filename, where.lineno)]
        check = gast.Expr(value=nodes.call(nodes.name(self.update_check), arguments))
        before.append(nodes.copy_location(check, stmt))
        value = gast.BinOp(left=nodes.name(item), op=stmt.op, right=stmt.value)
        return before + [self.stored(stmt, name, key, value)]

    def stored(self, stmt: gast.stmt, name: str, key: gast.expr, value: gast.expr) -> gast.stmt:
        written = nodes.call(nodes.name(self.helper), [nodes.name(name), key, value])
        return nodes.copy_location(nodes.assign(name, written), stmt)

    def lower_gets(self, stmt: gast.stmt) -> None:
        """`d.get(k, default)` -> `d[k] if k in d else default` in the expressions of stmt."""
        def replace(node):
            if not (isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and node.func.attr == "get"
                    and isinstance(node.func.value, gast.Name) and node.func.value.id in self.readable):
                return node
            return nodes.copy_location(read_by_get(node, self.parsed.info), node)

        for field, value in gast.iter_fields(stmt):
            if field in ("body", "orelse") or isinstance(stmt, FUNCTIONS):
                continue
            if isinstance(value, gast.AST):
                setattr(stmt, field, nodes.rewrite(value, replace))
            elif isinstance(value, list):
                value[:] = [nodes.rewrite(item, replace) if isinstance(item, gast.AST) else item for item in value]


def read_by_get(call: gast.Call, info) -> gast.expr:
    """`d.get(k, default)` of a dict d -> `d[k] if k in d else default` (k and default calling nothing)."""
    owner = call.func.value.id
    if call.keywords or not 1 <= len(call.args) <= 2 or any(_has_call(a) for a in call.args):
        raise UnsupportedSyntaxError(
            f"{owner}.get", f"`{owner}.get(...)` is differentiated with a key and a default that call nothing "
            "(`d.get(k, 0.0)`); compute them into names first", info.location(call))
    key = call.args[0]
    default = call.args[1] if len(call.args) == 2 else nodes.constant(None)
    test = gast.Compare(left=nodes.clone(key), ops=[gast.In()], comparators=[nodes.name(owner)])
    return gast.IfExp(test=test, body=nodes.subscript(nodes.name(owner), key), orelse=default)
