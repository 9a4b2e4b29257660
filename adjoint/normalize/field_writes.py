"""Fields written on an object the function builds (`p.x = v`, `p.total += v`, a method writing
`self.v = ...`), as records rebound to updated copies.

An object of a dataclass, or of a plain class built as one (normalize/records.py), that the
function builds and holds by one name only, whose identity nothing can observe, is a value:
writing a field is rebinding the name to a copy with the field replaced (runtime.replaced, whose
derivative is an item write's). A method that writes fields of `self` (or calls one that does)
is called as a function (lift_method) that copies `self` on entry, works on the copy as the
function works on its own objects, and returns the copy and the method's value; the call binds
the name to the copy (runtime.updated_record, whose derivative is an item read's) and gives the
statement the value. A number's `p.f op= v` is `p.f op v` (an array's or a list's, which Python
changes in place, is refused when it runs: runtime.immutable_field_or_refuse).

Before::

    p = Particle(1.0, 0.0)          # make_record(...) by now
    for _ in range(20):
        p.step(0.05, k)
    p.x += 1.0
    e = 2.0 * p.energy()            # energy writes p.e and returns a value

After (`_step` and `_energy` are the methods lifted so)::

    p = make_record(...)
    for _ in range(20):
        record_class_or_refuse(p, _Particle, False, filename, 3)
        _returned1 = _step(p, 0.05, k)
        p = updated_record(_returned1, _Particle)
    immutable_field_or_refuse(p.x, "x", filename, 4)
    p = replaced(p, "x", p.x + 1.0)
    record_class_or_refuse(p, _Particle, False, filename, 5)
    _returned2 = _energy(p)
    p = updated_record(_returned2, _Particle)
    e = 2.0 * _returned2[1]

Only where a name whose every binding builds the object is used as `p.field`, `p.field = v`,
`p.field op= v` and `p.method(...)` (the methods using `self` the same ways): any other use of
an object whose fields are written (passed to a function, stored in a container or another
object, assigned to another name, returned, compared with `is`, read by a local function), a
write of a field the class does not have, of a NamedTuple or a frozen dataclass, a writing
method called where the statement evaluates it only sometimes, again, or beside another call or
read of the object, and writes into an object the caller passed in, are refused at the line
(the last by frontend/check.py or analysis/aliases.py).
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

import gast

from adjoint import nodes, runtime
from adjoint.errors import AdjointError, UnsupportedSyntaxError
from adjoint.frontend.define import define_function
from adjoint.frontend.held import let_go
from adjoint.frontend.parse import ParsedFunction, parse_function, unwrap
from adjoint.normalize.augmented import marked_operator
from adjoint.normalize.record_classes import built_class, field_names

SELF = "_self_record"  # the copy of `self` a lifted method works on
CONSTRUCT = "attribute assignment"


def lower_field_writes(parsed: ParsedFunction, fresh: Callable[[str], str], calls: List[gast.Call]) -> None:
    """Rewrite the field writes of parsed.node's own objects (see the module)."""
    targets = [stmt for stmt in nodes.statements(parsed.node) if _field_target(stmt) is not None]
    if not targets and not any(isinstance(call.func, gast.Name) and parsed.lookup(call.func.id) is runtime.make_record
                               for call in calls):  # (no object built, none written)
        return
    receivers = [call for call in calls if isinstance(call.func, gast.Name)
                 or isinstance(call.func, gast.Attribute) and isinstance(call.func.value, gast.Name)]
    local_names = frozenset(nodes.names_stored(parsed.node)) | set(nodes.parameters(parsed.node))
    owners = _owners(parsed, local_names)
    parents = {}
    for name, cls in owners.items():
        written = [stmt for stmt in targets if _field_target(stmt).value.id == name]
        methods = [call for call in receivers if _method_name(call, name)]
        writers = [call for call in methods if writes_self(cls, _method_name(call, name))]
        if written or writers:
            parents = parents or {id(child): node for node in nodes.walk(parsed.node) for child in nodes.children(node)}
            _refuse_uses(parsed, name, cls, parents, written, methods)
            _rewrite(parsed, fresh, local_names, name, cls, written, writers, parents)
            parents = {}  # (the statements rewritten)


def _field_target(stmt: gast.stmt) -> Optional[gast.Attribute]:
    """`p.f` of `p.f = v` or `p.f op= v` (p a name), else None."""
    target = (stmt.targets[0] if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
              else stmt.target if isinstance(stmt, gast.AugAssign) else None)
    if isinstance(target, gast.Attribute) and isinstance(target.value, gast.Name):
        return target
    return None


def _owners(parsed: ParsedFunction, local_names: frozenset) -> Dict[str, type]:
    """Names (not parameters) whose every binding is `make_record(items, C)` of one class C."""
    parameters = set(nodes.parameters(parsed.node))
    stores: Dict[str, List[Any]] = {}
    for node in nodes.walk(parsed.node):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            stores.setdefault(node.id, []).append(id(node))
    classes: Dict[str, Set[Any]] = {}
    for stmt in nodes.statements(parsed.node):
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name):
            classes.setdefault(stmt.targets[0].id, []).append(built_class(parsed, stmt.value, local_names))
    return {name: found[0] for name, found in classes.items() if name not in parameters
            and len(found) == len(stores.get(name, ())) and found[0] is not None and all(c is found[0] for c in found)}


def _refuse(parsed: ParsedFunction, node: gast.AST, message: str) -> UnsupportedSyntaxError:
    return UnsupportedSyntaxError(CONSTRUCT, message, parsed.info.location(node))


def _shown(name: str) -> str:
    return "self" if name == SELF else name


def _refuse_uses(parsed: ParsedFunction, name: str, cls: type, parents: Dict[int, gast.AST],
                 written: List[gast.stmt], methods: List[gast.Call]) -> None:
    """Refuse, at its line, what would tell the object written in place from copies of it."""
    shown, label = _shown(name), _class_name(cls)
    if not writable(cls):
        raise _refuse(parsed, written[0] if written else methods[0], f"`{shown}` is a {label}, whose fields Python "
                      "does not let a program write (a NamedTuple or a frozen dataclass); build a new one")
    for stmt in written:
        field = _field_target(stmt).attr
        if field not in field_names(cls):
            raise _refuse(parsed, stmt, f"`{shown}.{field} = ...`: {label} has no field `{field}` (its fields are "
                          f"{', '.join(field_names(cls))}); adjoint writes the fields its constructor sets")
    for scope in nodes.walk(parsed.node):
        if isinstance(scope, (gast.FunctionDef, gast.Lambda)) and scope is not parsed.node and any(
                isinstance(inner, gast.Name) and inner.id == name for inner in nodes.walk(scope)):
            raise _refuse(parsed, scope, f"`{shown}`, whose fields the function writes, is read by a local function: "
                          "it would see the object written in place; pass the fields it needs")
    called = {id(call.func) for call in methods}
    for node in nodes.walk(parsed.node):
        if not (isinstance(node, gast.Name) and node.id == name and isinstance(node.ctx, gast.Load)):
            continue
        parent = parents.get(id(node))
        if getattr(node, "returned_record", False):
            continue
        if id(node) in called:  # `name(...)`: its class's __call__
            escape = self_escapes(cls, "__call__")
            if escape:
                raise _refuse(parsed, node, f"`{shown}(...)`: {escape}, and the fields of `{shown}` are written; "
                              "adjoint writes the fields of an object its methods use only as `self.field` and "
                              "`self.method(...)`")
            continue
        if not (isinstance(parent, gast.Attribute) and parent.value is node):
            raise _refuse(parsed, node, f"`{shown}` is used as a value here, and its fields are written: passed, "
                          "stored, assigned to another name, returned or compared with `is`, the object would be "
                          "seen changing in place; adjoint writes the fields of an object used only as "
                          f"`{shown}.field` and `{shown}.method(...)`")
        if id(parent) in called:
            escape = self_escapes(cls, parent.attr)
            if escape:
                raise _refuse(parsed, parent, f"`{shown}.{parent.attr}(...)`: {escape}, and the fields of `{shown}` "
                              "are written; adjoint writes the fields of an object its methods use only as "
                              "`self.field` and `self.method(...)`")
        elif isinstance(parent.ctx, gast.Load) and parent.attr not in field_names(cls):
            found = inspect.getattr_static(cls, parent.attr, None)
            if isinstance(found, property) and self_escapes(cls, parent.attr, getter=True):
                raise _refuse(parsed, parent, f"`{shown}.{parent.attr}` reads a property whose getter uses `self` "
                              "otherwise than through its fields, and the object's fields are written")


def _class_name(cls: type) -> str:
    return getattr(cls, "__adjoint_fields_of__", cls).__name__


def writable(cls: type) -> bool:
    """A dataclass whose constructor only stores its fields, not frozen, with Python's setattr."""
    params = getattr(cls, "__dataclass_params__", None)
    return (runtime.stores_its_fields_only(cls) and params is not None and not params.frozen
            and getattr(cls, "__setattr__", None) is object.__setattr__)


def _method_tree(cls: type, attribute: str) -> Optional[Tuple[Callable, ParsedFunction, str]]:
    """(function, its parse, its first parameter) of the plain method `attribute` of cls, else None."""
    function = inspect.getattr_static(cls, attribute, None)
    function = function.fget if isinstance(function, property) else function
    if not inspect.isfunction(function):
        return None
    try:
        parsed = parse_function(unwrap(function))
    except AdjointError:
        return None
    parameters = nodes.parameters(parsed.node)
    return (function, parsed, parameters[0]) if parameters else None


def writes_self(cls: type, attribute: str, seen: frozenset = frozenset()) -> bool:
    """Whether the method writes a field of `self`, or calls on `self` a method that does."""
    found = _method_tree(cls, attribute)
    if found is None or (cls, attribute) in seen:
        return False
    _, parsed, self_name = found
    for node in nodes.walk(parsed.node):
        target = _field_target(node) if isinstance(node, gast.stmt) else None
        if target is not None and target.value.id == self_name:
            return True
        if (isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and isinstance(node.func.value, gast.Name)
                and node.func.value.id == self_name and writes_self(cls, node.func.attr, seen | {(cls, attribute)})):
            return True
    return False


def self_escapes(cls: type, attribute: str, seen: frozenset = frozenset(), getter: bool = False) -> str:
    """How the method (or property getter) uses `self` otherwise than as `self.field` and
    `self.method(...)` (of methods that do the same), or ''."""
    found = _method_tree(cls, attribute)
    if found is None or (cls, attribute) in seen:
        return ""
    _, parsed, self_name = found
    parents = {id(child): node for node in nodes.walk(parsed.node) for child in nodes.children(node)}
    for node in nodes.walk(parsed.node):
        if isinstance(node, gast.Name) and node.id == self_name and not isinstance(node.ctx, gast.Param):
            parent = parents.get(id(node))
            line = parsed.info.location(node).lineno
            if not (isinstance(parent, gast.Attribute) and parent.value is node) or isinstance(node.ctx, gast.Store):
                return f"`{attribute}` uses `{self_name}` as a value at line {line}"
            called = isinstance(parents.get(id(parent)), gast.Call) and parents[id(parent)].func is parent
            if called and self_escapes(cls, parent.attr, seen | {(cls, attribute)}):
                return self_escapes(cls, parent.attr, seen | {(cls, attribute)})
    return ""


def _rewrite(parsed: ParsedFunction, fresh: Callable[[str], str], local_names: frozenset, name: str, cls: type,
             written: List[gast.stmt], writers: List[gast.Call], parents: Dict[int, gast.AST]) -> None:
    """Field writes -> `name = replaced(name, field, v)`; writing method calls -> calls of lifted methods."""
    let_go(parsed.node)
    replaced = parsed.bind("replaced", runtime.replaced, fresh, local_names)
    checker = parsed.bind("immutable_field_or_refuse", runtime.immutable_field_or_refuse, fresh, local_names)
    made: Dict[int, List[gast.stmt]] = {}
    for stmt in written:
        field = _field_target(stmt).attr
        if isinstance(stmt, gast.AugAssign):  # a number's `op=` (an array's or list's, in place, refused as it runs)
            location = parsed.info.location(stmt)
            check = nodes.call(nodes.name(checker), [nodes.attribute(nodes.name(name), field), nodes.constant(field),
                                                     nodes.constant(location.filename), nodes.constant(location.lineno)])
            before = [gast.Expr(value=check)]
            value = nodes.binop(nodes.attribute(nodes.name(name), field), marked_operator(stmt.op), stmt.value)
        else:
            before, value = [], stmt.value
        update = nodes.assign(name, nodes.call(nodes.name(replaced), [nodes.name(name), nodes.constant(field), value]))
        made[id(stmt)] = [nodes.copy_location(s, stmt) for s in before + [update]]
    statement_of = {}
    for stmt in nodes.statements(parsed.node):
        for inner in nodes.walk(stmt):
            statement_of[id(inner)] = stmt  # (statements come before those nested in them)
    for call in writers:
        stmt, method = statement_of[id(call)], _method_name(call, name)
        value_used = not (isinstance(stmt, gast.Expr) and stmt.value is call)
        if value_used:
            _refuse_unhoisted(parsed, name, method, call, stmt, parents)
        alias = parsed.bind(f"_{method.strip('_')}", lift_method(cls, method), fresh, local_names)
        parsed.dependencies.extend(_dependencies(cls, method))
        call.func, call.args = nodes.copy_location(nodes.name(alias), call.func), [nodes.name(name)] + call.args
        returned = fresh("_returned")
        if value_used:  # the statement reads the method's value from what it returned
            nodes.replace_node(stmt, call, nodes.copy_location(
                nodes.subscript(nodes.name(returned), nodes.constant(1)), call))
        location = parsed.info.location(call)  # (the class of the record passed, for derivatives of derivatives)
        check = nodes.call(nodes.name(parsed.bind("record_class_or_refuse", runtime.record_class_or_refuse, fresh,
                                                  local_names)),
                           [nodes.name(name), nodes.name(parsed.bind(f"_{cls.__name__}", cls, fresh, local_names)),
                            nodes.constant(False), nodes.constant(location.filename), nodes.constant(location.lineno)])
        updated = nodes.call(nodes.name(parsed.bind("updated_record", runtime.updated_record, fresh, local_names)),
                             [nodes.name(returned), nodes.name(parsed.bind(f"_{cls.__name__}", cls, fresh, local_names))])
        out = [gast.Expr(value=check), nodes.assign(returned, call), nodes.assign(name, updated)]
        made[id(stmt)] = [nodes.copy_location(s, stmt) for s in out] + (made.get(id(stmt), [stmt]) if value_used else [])
    for block in list(nodes.blocks(parsed.node)):
        if any(id(stmt) in made for stmt in block):
            block[:] = [new for stmt in block for new in made.get(id(stmt), [stmt])]


def _method_name(call: gast.Call, name: str) -> Optional[str]:
    """`m` of a call `name.m(...)`, `__call__` of `name(...)`, else None."""
    func = call.func
    if isinstance(func, gast.Name) and func.id == name:
        return "__call__"
    if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) and func.value.id == name:
        return func.attr
    return None


def _refuse_unhoisted(parsed: ParsedFunction, name: str, method: str, call: gast.Call, stmt: gast.stmt,
                      parents: Dict[int, gast.AST]) -> None:
    """A writing method whose value the statement uses is called before the statement (its value
    read from what it returned) where nothing the statement evaluates before the call can tell:
    refused inside a part evaluated only sometimes or again (a `while` test, `and`/`or`, `... if ...
    else ...`, a comprehension), beside another call, or beside another read of the object."""
    where = f"`{_shown(name)}.{method}(...)`, which writes fields of `{_shown(name)}`,"
    inside = {id(node) for node in nodes.walk(call)}
    if isinstance(stmt, gast.While) or (isinstance(stmt, gast.For) and id(call) not in {id(n) for n in nodes.walk(stmt.iter)}):
        raise _refuse(parsed, call, f"{where} is called in a `while` test; call it in the loop's body")
    node = parents.get(id(call))
    while node is not None and node is not stmt:
        if isinstance(node, (gast.IfExp, gast.BoolOp, gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp,
                             gast.Lambda)):
            raise _refuse(parsed, call, f"{where} is called in a part of the statement evaluated only sometimes or "
                          "more than once; call it in a statement of its own (`y = p.method(...)`)")
        node = parents.get(id(node))
    ancestors = set()
    node = parents.get(id(call))
    while node is not None and node is not stmt:
        ancestors.add(id(node))
        node = parents.get(id(node))
    expressions = [getattr(stmt, field) for field in ("test", "iter", "value", "targets", "target")
                   if isinstance(getattr(stmt, field, None), (gast.AST, list))]
    for part in expressions:
        for node in nodes.walk(part) if isinstance(part, gast.AST) else (n for p in part for n in nodes.walk(p)):
            if id(node) in inside or id(node) in ancestors:
                continue
            if isinstance(node, gast.Call) or isinstance(node, gast.Name) and node.id == name:
                other = "another call" if isinstance(node, gast.Call) else f"another use of `{_shown(name)}`"
                raise _refuse(parsed, call, f"{where} is called beside {other} in one statement, which Python "
                              "evaluates in an order adjoint does not keep; call it in a statement of its own "
                              "(`y = p.method(...)`)")


def _dependencies(cls: type, attribute: str) -> list:
    from adjoint.normalize.record_methods import _class_attribute, _method_dependencies
    found, _ = _class_attribute(cls, attribute)
    return _method_dependencies(cls, attribute, found)


def _returned_record() -> gast.Name:
    """The copy of `self` a lifted method returns (the one use of it as a value it may make)."""
    made = nodes.name(SELF)
    made.returned_record = True
    return made


_LIFTED: Dict[Tuple[Any, type], Callable] = {}


def lift_method(cls: type, attribute: str) -> Callable:
    """The method as a function of `self` that works on a copy of it (`_self_record`, built from
    its fields) and returns the copy and the method's value."""
    function, parsed, self_name = _method_tree(cls, attribute)
    if (function, cls) in _LIFTED:
        return _LIFTED[function, cls]
    node = parsed.node
    for inner in nodes.walk(node):
        if isinstance(inner, gast.Name) and inner.id == self_name and not isinstance(inner.ctx, gast.Param):
            inner.id = SELF
    maker, record = "_adjoint_make_record", "_adjoint_record_class"
    fields = field_names(cls)
    items = gast.Dict(keys=[nodes.constant(f) for f in fields],
                      values=[nodes.attribute(nodes.name(self_name), f) for f in fields])
    copy = nodes.copy_location(nodes.assign(SELF, nodes.call(nodes.name(maker), [items, nodes.name(record)])), node.body[0])
    for stmt in nodes.statements(node):
        if isinstance(stmt, gast.Return):
            value = stmt.value if stmt.value is not None else nodes.constant(None)
            stmt.value = nodes.tuple_of([_returned_record(), value])
    last = node.body[-1]
    ending = nodes.tuple_of([_returned_record(), nodes.constant(None)])
    node.body = [copy] + node.body + ([] if isinstance(last, gast.Return) else
                                      [nodes.copy_location(gast.Return(value=ending), last)])
    node.returns, node.decorator_list = None, []
    bindings = dict(parsed.namespace, **{maker: runtime.make_record, record: cls})
    lifted = define_function(node, function.__globals__, bindings, label="adjoint method")
    lifted.__qualname__ = function.__qualname__
    lifted.__module__ = function.__module__
    lifted.__adjoint_tree__ = (node, parsed.info)
    _LIFTED[function, cls] = lifted
    return lifted
