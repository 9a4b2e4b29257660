"""Methods of NamedTuples and dataclasses called on a record whose class is known.

Which names hold a record of a class known when the derivative is generated, or a list of
them, is normalize/record_classes.py's to say; each item or field read so is checked to be of
exactly that class before the statement runs (runtime.record_class_or_refuse). A method call on
such a record is the class's function called with the record first, specialized to the
record's class, so that the method can call methods on `self` in turn; so is a call of a user
function that receives it.

Before::

    def loss(layer, x):          # layer: a Layer, whose __call__ and energy are plain methods
        return np.sum(layer(x)) + layer.energy()

After (`_call` and `_energy` name Layer.__call__ and Layer.energy specialized to self: Layer)::

    def loss(layer, x):
        return np.sum(_call(layer, x)) + _energy(layer)

A method is called so only where the class's attribute is a plain Python function (a
staticmethod's function is called without the record), and a read of a property whose getter is
one calls the getter (`layer.scale` -> `_Layer_scale(layer)`); a call of a property, a classmethod, a
field or any other attribute of the class, a method taken as a value, a method using `super()`,
and a class whose constructor does more than store its fields, are refused at the line, naming
the construct.
"""
from __future__ import annotations

import inspect
import numbers
import types
from collections import Counter
from typing import Any, Callable, Dict, List, Optional, Tuple

import gast

from adjoint import nodes, runtime
from adjoint.frontend.held import let_go
from adjoint.errors import UnsupportedSyntaxError
from adjoint.frontend.parse import MISSING, ParsedFunction, unwrap
from adjoint.frontend.resolve import resolve
from adjoint.frontend.values import ItemsOf, own_functions, specialize
from adjoint.normalize.record_classes import (Known, built_class, built_records, field_class, field_names, held_class,
                                              is_record_class, item_class, listed_item, lists_of_records, loop_records,
                                              record_class_of)
from adjoint.normalize.record_operators import dunder_calls
from adjoint.normalize.records import plain_named_tuple
from adjoint.frontend.names import module_of


def call_record_methods(parsed: ParsedFunction, fresh: Callable[[str], str], calls: List[gast.Call]) -> None:
    """Rewrite the method calls, and calls passing records, among `calls` (see the module)."""
    stores = Counter(node.id for node in nodes.walk(parsed.node)  # a local function's parameters too
                     if isinstance(node, gast.Name) and isinstance(node.ctx, (gast.Store, gast.Param)))
    stores.subtract(nodes.parameters(parsed.node) + [arg.id for arg in parsed.node.args.posonlyargs])
    local_names = frozenset(stores) | set(nodes.parameters(parsed.node))
    known = {name: cls for name, cls in parsed.classes.items() if not stores[name] and isinstance(cls, type)}
    listed = {name: held.cls for name, held in parsed.classes.items() if not stores[name] and isinstance(held, ItemsOf)}
    built = frozenset(known)
    checks: List[Tuple[gast.AST, gast.expr, type, bool]] = []  # (where, value, its class, of its items)
    lists_of_records(parsed, stores, known, listed, local_names)
    specialized = getattr(parsed.func, "__adjoint_specialized__", None)  # a record parameter the body rebinds:
    given = {name: cls for name, cls in (specialized.classes if specialized else ()) if stores[name]}  # `p = p.step()`
    built_records(parsed, stores, local_names, known, listed, checks, given)
    built = frozenset(known) - built
    if known or listed:
        let_go(parsed.node)
        loop_records(parsed, fresh, stores, known, checks, listed, local_names)
    getters = _property_reads(parsed, calls, known) if known else []
    reads = {id(call) for call in getters}
    getters += dunder_calls(parsed, known, local_names, listed)
    for call in calls + getters:
        func = call.func
        if id(call) in reads:  # a property read, its getter called
            _call_method(parsed, fresh, local_names, call, func.value, func.attr, known[func.value.id], getter=True)
        elif isinstance(func, gast.Name) and func.id in known:
            _call_method(parsed, fresh, local_names, call, func, "__call__", known[func.id])
        elif isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) and func.value.id in known:
            held = field_class(known[func.value.id], func.attr)
            if held is None:
                _call_method(parsed, fresh, local_names, call, func.value, func.attr, known[func.value.id])
            else:  # `self.encoder(x)`, encoder a field annotated with a record class
                checks.append((call, nodes.load_copy(func), held, False))
                _call_method(parsed, fresh, local_names, call, func, "__call__", held)
        elif isinstance(func, gast.Attribute) and held_class(func.value, known) is not None:
            checks.append((call, nodes.load_copy(func.value), held_class(func.value, known), False))
            _call_method(parsed, fresh, local_names, call, func.value, func.attr, held_class(func.value, known))
        elif listed_item(func, listed) is not None:  # `layers[i](x)`, layers a list of records of one class
            checks.append((call, nodes.load_copy(func.value), listed_item(func, listed), True))
            _call_method(parsed, fresh, local_names, call, func, "__call__", listed_item(func, listed))
        elif isinstance(func, gast.Attribute) and listed_item(func.value, listed) is not None:
            checks.append((call, nodes.load_copy(func.value.value), listed_item(func.value, listed), True))
            _call_method(parsed, fresh, local_names, call, func.value, func.attr, listed_item(func.value, listed))
        elif isinstance(func, gast.Attribute) and built_class(parsed, func.value, local_names) is not None:
            _call_method(parsed, fresh, local_names, call, func.value, func.attr,
                         built_class(parsed, func.value, local_names))
        else:
            _pass_classes(parsed, fresh, local_names, call, known, listed, checks)
    if known or listed:
        _refuse_class_reads(parsed, calls, known, listed, local_names)
    if known:
        _refuse_other_attributes(parsed, calls + getters, known, built)
        _class_objects_from_the_class(parsed, fresh, local_names, {name: known[name] for name in built})
    if checks:
        _insert_checks(parsed, fresh, local_names, checks)


def _insert_checks(parsed: ParsedFunction, fresh: Callable[[str], str], local_names: frozenset,
                   checks: List[Tuple[gast.AST, gast.expr, type, bool]]) -> None:
    """`record_class_or_refuse(value, Cls, items, filename, lineno)` before the statement of each check."""
    let_go(parsed.node)
    helper = parsed.bind("record_class_or_refuse", runtime.record_class_or_refuse, fresh, local_names)
    statement_of = {}
    for block in nodes.blocks(parsed.node):
        for stmt in block:
            for field in set(stmt._fields) - set(nodes.statement_fields(type(stmt))):
                for node in nodes.walk(getattr(stmt, field)) if isinstance(getattr(stmt, field), gast.AST) else ():
                    statement_of[id(node)] = (block, stmt)
            statement_of[id(stmt)] = (block, stmt)
    for where, value, cls, items in checks:
        block, stmt = statement_of[id(where)]
        location = parsed.info.location(where)
        check = nodes.call(nodes.name(helper), [value, nodes.name(parsed.bind(f"_{cls.__name__}", cls, fresh, local_names)),
                                                nodes.constant(items), nodes.constant(location.filename),
                                                nodes.constant(location.lineno)])
        block.insert(next(i for i, s in enumerate(block) if s is stmt), nodes.copy_location(gast.Expr(value=check), stmt))


def _plain(cls: type) -> bool:
    """A class whose constructor only stores its fields (normalize/records.py)."""
    return runtime.stores_its_fields_only(cls) or (issubclass(cls, tuple) and plain_named_tuple(cls))


def _refuse(parsed: ParsedFunction, node: gast.AST, construct: str, message: str) -> UnsupportedSyntaxError:
    return UnsupportedSyntaxError(construct, message, parsed.info.location(node))


def _property_reads(parsed: ParsedFunction, calls: List[gast.Call], known: Known) -> List[gast.Call]:
    """`layer.scale`, `scale` a property of a known record's class whose getter is a plain function:
    made a call of the getter (`layer.scale()`, which _call_method writes `_Layer_scale(layer)`)."""
    called = {id(call.func) for call in calls}
    made: List[gast.Call] = []

    def read(node: gast.AST) -> gast.AST:
        if (isinstance(node, gast.Attribute) and isinstance(node.ctx, gast.Load) and isinstance(node.value, gast.Name)
                and node.value.id in known and id(node) not in called and node.attr not in field_names(known[node.value.id])):
            found, _ = _class_attribute(known[node.value.id], node.attr)
            if isinstance(found, property) and inspect.isfunction(found.fget):
                made.append(nodes.copy_location(gast.Call(func=node, args=[], keywords=[]), node))
                return made[-1]
        return node

    if any(isinstance(node, gast.Attribute) for node in nodes.walk(parsed.node)):
        let_go(parsed.node)
        nodes.rewrite(parsed.node, read)
    return made


def _call_method(parsed: ParsedFunction, fresh: Callable[[str], str], local_names: frozenset, call: gast.Call,
                 owner: gast.expr, attribute: str, cls: type, getter: bool = False) -> None:
    """`owner.attribute(args)` (`owner(args)` for __call__) -> `_method(owner, args)`; `getter`: the
    call stands for a read of the property `attribute`, whose getter it calls."""
    let_go(parsed.node)
    owner_text = owner.id if isinstance(owner, gast.Name) else f"{cls.__name__}(...)"
    label = f"{owner_text}.{attribute}" if attribute != "__call__" else owner_text
    what = f"`{label}(...)` on a {cls.__name__}"
    if attribute in field_names(cls):
        raise _refuse(parsed, call, "call of a field", f"{what} calls the value of the field `{attribute}`, which "
                      "adjoint does not know when it generates the derivative; call a method or a function by name")
    found, defining = _class_attribute(cls, attribute)
    if found is MISSING:
        raise _refuse(parsed, call, "method", f"{what}: the class {cls.__name__} has no method `{attribute}`")
    if not _plain(cls):
        raise _refuse(parsed, call, "method of a class with a constructor of its own",
                      f"{what}: {cls.__name__} has an `__init__`, `__new__` or `__post_init__` of its own; adjoint "
                      "calls the methods of NamedTuples and dataclasses whose constructor only stores the fields")
    if getter:
        function, receives = found.fget, True
    elif isinstance(found, staticmethod) and inspect.isfunction(found.__func__):
        function, receives = found.__func__, False
    elif inspect.isfunction(found):
        function, receives = found, True
    else:
        construct = {property: "property", classmethod: "classmethod"}.get(type(found), "class attribute")
        raise _refuse(parsed, call, construct, f"{what}: `{attribute}` is a {construct} of {defining.__name__}; "
                      "adjoint calls plain methods and staticmethods of records, not a "
                      f"{construct}: write it as a plain method or a function")
    if not own_functions(function):
        raise _refuse(parsed, call, "method", f"{what}: `{attribute}` is a method Python writes for the class, "
                      "whose source adjoint cannot read")
    if "__class__" in function.__code__.co_freevars:
        raise _refuse(parsed, call, "super()", f"{what}: `{attribute}` calls `super()` (or reads `__class__`), "
                      "which adjoint follows only in methods of an object reached through a global name; call "
                      "the base class's function by name (`Base.method(self, ...)`)")
    parameters = list(inspect.signature(function).parameters.values())
    if receives and (not parameters or parameters[0].kind not in (inspect.Parameter.POSITIONAL_ONLY,
                                                                  inspect.Parameter.POSITIONAL_OR_KEYWORD)):
        raise _refuse(parsed, call, "method", f"{what}: `{attribute}` takes no positional `self`")
    target = specialize(unwrap(function), classes=((parameters[0].name, cls),)) if receives else function
    if target is None:
        raise _refuse(parsed, call, "method", f"{what}: `{attribute}` has a signature adjoint cannot specialize "
                      "(positional-only or variadic parameters)")
    alias = parsed.bind(f"_{cls.__name__}_{attribute.strip('_')}", target, fresh, local_names)
    parsed.dependencies.extend(_method_dependencies(cls, attribute, found))
    call.func = nodes.copy_location(nodes.name(alias), call.func)
    if receives:
        call.args.insert(0, owner)


def _class_attribute(cls: type, attribute: str) -> Tuple[Any, Optional[type]]:
    """The entry of `attribute` in the first class of cls's MRO that has one, and that class."""
    for klass in cls.__mro__:
        if attribute in vars(klass):
            return vars(klass)[attribute], klass
    return MISSING, None


def _method_dependencies(cls: type, attribute: str, found: Any) -> List[Tuple[Dict[str, Any], str, Any]]:
    """Each class of the MRO up to the one defining the method keeps what it has at `attribute`
    (another method put there regenerates the derivative)."""
    result = []
    for klass in cls.__mro__:
        entry = vars(klass).get(attribute)
        result.append((vars(klass), attribute, entry))
        if entry is found:
            return result
    return result


def _pass_classes(parsed: ParsedFunction, fresh: Callable[[str], str], local_names: frozenset, call: gast.Call,
                  known: Known, listed: Known, checks: list) -> None:
    """`helper(layer, x)` with a known record (`layers[i]` too) -> the specialization of helper to its class."""
    arguments = [a for a in call.args] + [k.value for k in call.keywords]
    if not any(record_class_of(a, known, listed) for a in arguments) or nodes.dotted_name(call.func) is None:
        return  # (a callee named by a name or a chain of attributes, `N.loss(model)`)
    callee = resolve(call.func, parsed, local_names)
    if callee is MISSING or not inspect.isfunction(callee) or runtime.is_helper(callee) or \
            module_of(callee).split(".")[0] in ("numpy", "scipy", "adjoint"):
        return
    if any(isinstance(a, gast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return
    try:
        bound = inspect.signature(callee).bind(*call.args, **{k.arg: k.value for k in call.keywords}).arguments
    except TypeError:
        return
    classes = tuple((name, record_class_of(value, known, listed)) for name, value in bound.items()
                    if record_class_of(value, known, listed))
    checks.extend((call, nodes.load_copy(a.value), listed_item(a, listed), True)  # the item's class, checked
                  for a in arguments if listed_item(a, listed) is not None)
    target = specialize(callee, classes=classes) if classes else None
    if target is not None:
        let_go(parsed.node)
        call.func = nodes.copy_location(nodes.name(parsed.bind(f"_{callee.__name__}", target, fresh, local_names)),
                                        call.func)


def _refuse_class_reads(parsed: ParsedFunction, calls: List[gast.Call], known: Known, listed: Known,
                        local_names: frozenset) -> None:
    """`type(model)` or `model.__class__` of an object of a plain class built as a record
    (normalize/records.py object_record): its class is the dataclass made for the plain class, a
    subclass, so `type(model) is MLP` would be False where Python says True. Refused at the line."""
    read = [(call, call.args[0]) for call in calls if len(call.args) == 1 and not call.keywords
            and resolve(call.func, parsed, local_names) is type]
    read += [(node, node.value) for node in nodes.walk(parsed.node)
             if isinstance(node, gast.Attribute) and node.attr == "__class__" and isinstance(node.ctx, gast.Load)]
    for where, value in read:
        cls = record_class_of(value, known, listed) if isinstance(value, (gast.Name, gast.Subscript)) else None
        plain = getattr(cls, "__adjoint_fields_of__", None)
        if plain is not None:
            raise _refuse(parsed, where, "class of a plain object", f"the class of an object of {plain.__name__} "
                          f"built in the function: adjoint builds it as an object of a dataclass made for "
                          f"{plain.__name__} (a subclass), whose class is not {plain.__name__}; test it with "
                          f"`isinstance`, or make {plain.__name__} a dataclass")


def _refuse_other_attributes(parsed: ParsedFunction, calls: List[gast.Call], known: Known,
                             built: frozenset) -> None:
    """A method of a known record taken as a value (`f = layer.energy`), or a property read: refused at
    its line. A property of a record built in the function is left to the check of its making, which
    names a getter writing in place (analysis/class_effects.py), and to runtime.field_index."""
    called = {id(call.func) for call in calls}
    for node in nodes.walk(parsed.node):
        if not (isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) and node.value.id in known
                and id(node) not in called and isinstance(node.ctx, gast.Load)):
            continue
        cls = known[node.value.id]
        found, defining = _class_attribute(cls, node.attr)
        if node.attr in field_names(cls) or node.attr.startswith("__"):
            continue
        if inspect.isfunction(found):
            raise _refuse(parsed, node, "method as a value", f"`{node.value.id}.{node.attr}` takes the method "
                          f"`{node.attr}` of {defining.__name__} as a value; adjoint calls the methods of records "
                          "(`layer.energy()`), not methods kept in a variable")
        if _computed_on_read(found):
            raise _refuse(parsed, node, "descriptor", f"`{node.value.id}.{node.attr}` reads `{node.attr}`, a "
                          f"{type(found).__name__} of {defining.__name__}, whose value its class computes from the "
                          "object when read; adjoint differentiates the fields of records, their properties and "
                          f"their methods: make it a property or a method (`.{node.attr}()`)")
        if isinstance(found, property) and node.value.id not in built:
            raise _refuse(parsed, node, "property", f"`{node.value.id}.{node.attr}` reads the property "
                          f"`{node.attr}` of {defining.__name__}; adjoint differentiates the fields of records and "
                          "calls their methods, not properties: make it a method (`.{node.attr}()`)")


def _computed_on_read(found: Any) -> bool:
    """A class attribute whose read through an object calls its own __get__ with that object
    (functools.cached_property, a user's descriptor): neither a field, a property nor a method,
    and not the class's object either."""
    return (hasattr(type(found), "__get__") and not isinstance(found, (property, classmethod, staticmethod))
            and not inspect.isfunction(found) and not isinstance(found, _IMMUTABLE))


_IMMUTABLE = (numbers.Number, str, bytes, type(None), frozenset, type, types.FunctionType, types.BuiltinFunctionType)


def _class_objects_from_the_class(parsed: ParsedFunction, fresh: Callable[[str], str], local_names: frozenset,
                                  known: Known) -> None:
    """`m.W`, m a record the function builds and W an object of its class that is no field (`W =
    np.ones(3)` in the class body), read as `_Cls.W`: an object from outside the function, which the
    analyses refuse to write into (`m.W[0] = v` writes into the class's object, for every record of
    it), where a record's own memory would be written as the function's. (In a method, `self.W`
    written is refused by analysis/class_effects.py.)"""
    for node in nodes.walk(parsed.node):
        if not (isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) and node.value.id in known
                and not node.attr.startswith("__") and node.attr not in field_names(known[node.value.id])):
            continue
        found, defining = _class_attribute(known[node.value.id], node.attr)
        if defining is None or isinstance(found, _IMMUTABLE) or isinstance(found, tuple) and \
                all(isinstance(item, _IMMUTABLE) for item in found) or callable(found) or isinstance(found, property):
            continue
        let_go(parsed.node)
        node.value = nodes.copy_location(nodes.name(parsed.bind(f"_{defining.__name__}", defining, fresh, local_names)),
                                         node.value)


def class_functions(cls: Any, seen: Optional[set] = None) -> List[Callable]:
    """The functions of a record class's own source (methods, staticmethods, classmethods and
    properties, through its MRO), and of the record classes its fields are annotated with: the
    code a derivative calling its methods may be generated from (the disk cache's key reads it)."""
    seen = set() if seen is None else seen
    if not isinstance(cls, type) or not is_record_class(cls) or cls in seen:
        return []
    seen.add(cls)
    found = []
    for klass in cls.__mro__[:-1]:
        for entry in vars(klass).values():
            found.extend(own_functions(entry))
    for field in field_names(cls):
        found.extend(class_functions(item_class(cls, field), seen))
    return found
