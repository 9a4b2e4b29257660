"""Methods of NamedTuples and dataclasses called on a record whose class is known.

A name holds a record of a class known when the derivative is generated where it is a parameter
of a derivative generated for that class (an argument of that type, `self` of a method called so),
is built in the function (`layer = Layer(W, b)`, normalize/records.py), or is the variable of a
loop or comprehension over a field annotated as a list or tuple of one record class (`layers:
list[Layer]`) or over a parameter whose argument is a list or tuple of records of one class
(through `enumerate`, `zip`, `reversed` or a slice too), or an item of such a parameter
(`layers[i]`); a field annotated with a record class (`encoder: Layer`) holds one too. Each such
item or field is checked to be of exactly that class before the statement runs
(runtime.record_class_or_refuse). A method call on such a record is the
class's function called with the record first, specialized to the record's class, so that the
method can call methods on `self` in turn; so is a call of a user function that receives it.

Before::

    def loss(layer, x):          # layer: a Layer, whose __call__ and energy are plain methods
        return np.sum(layer(x)) + layer.energy()

After (`_call` and `_energy` name Layer.__call__ and Layer.energy specialized to self: Layer)::

    def loss(layer, x):
        return np.sum(_call(layer, x)) + _energy(layer)

A method is called so only where the class's attribute is a plain Python function (a
staticmethod's function is called without the record); a call of a property, a classmethod, a
field or any other attribute of the class, a method taken as a value, a method using `super()`,
and a class whose constructor does more than store its fields, are refused at the line, naming
the construct.
"""
from __future__ import annotations

import dataclasses
import inspect
import typing
from collections import Counter, abc
from typing import Any, Callable, Dict, List, Optional, Tuple

import gast

from adjoint import nodes, runtime
from adjoint.frontend.held import let_go
from adjoint.errors import UnsupportedSyntaxError
from adjoint.frontend.parse import MISSING, ParsedFunction, unwrap
from adjoint.frontend.resolve import resolve
from adjoint.frontend.values import ItemsOf, own_functions, specialize
from adjoint.normalize.records import plain_named_tuple

Known = Dict[str, type]  # a name -> the exact class of the record it holds


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
    _lists_of_records(parsed, stores, known, listed, local_names)
    _built_records(parsed, stores, local_names, known, listed, checks)
    built = frozenset(known) - built
    if known or listed:
        let_go(parsed.node)
        _loop_records(parsed, fresh, stores, known, checks, listed, local_names)
    for call in calls:
        func = call.func
        if isinstance(func, gast.Name) and func.id in known:
            _call_method(parsed, fresh, local_names, call, func, "__call__", known[func.id])
        elif isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) and func.value.id in known:
            held = _field_class(known[func.value.id], func.attr)
            if held is None:
                _call_method(parsed, fresh, local_names, call, func.value, func.attr, known[func.value.id])
            else:  # `self.encoder(x)`, encoder a field annotated with a record class
                checks.append((call, nodes.load_copy(func), held, False))
                _call_method(parsed, fresh, local_names, call, func, "__call__", held)
        elif isinstance(func, gast.Attribute) and _held_class(func.value, known) is not None:
            checks.append((call, nodes.load_copy(func.value), _held_class(func.value, known), False))
            _call_method(parsed, fresh, local_names, call, func.value, func.attr, _held_class(func.value, known))
        elif _listed_item(func, listed) is not None:  # `layers[i](x)`, layers a list of records of one class
            checks.append((call, nodes.load_copy(func.value), _listed_item(func, listed), True))
            _call_method(parsed, fresh, local_names, call, func, "__call__", _listed_item(func, listed))
        elif isinstance(func, gast.Attribute) and _listed_item(func.value, listed) is not None:
            checks.append((call, nodes.load_copy(func.value.value), _listed_item(func.value, listed), True))
            _call_method(parsed, fresh, local_names, call, func.value, func.attr, _listed_item(func.value, listed))
        elif isinstance(func, gast.Attribute) and _built_class(parsed, func.value, local_names) is not None:
            _call_method(parsed, fresh, local_names, call, func.value, func.attr,
                         _built_class(parsed, func.value, local_names))
        else:
            _pass_classes(parsed, fresh, local_names, call, known, listed, checks)
    if known:
        _refuse_other_attributes(parsed, calls, known, built)
    if checks:
        _insert_checks(parsed, fresh, local_names, checks)


def _held_class(value: gast.expr, known: Known) -> Optional[type]:
    """C of `self.encoder` where self holds a known record whose field `encoder` is annotated C."""
    if isinstance(value, gast.Attribute) and isinstance(value.value, gast.Name) and value.value.id in known:
        return _field_class(known[value.value.id], value.attr)
    return None


def _lists_of_records(parsed: ParsedFunction, stores: Counter, known: Known, listed: Known,
                      local_names: frozenset) -> None:
    """Names assigned only lists of records of one class: a slice of such a list (`_seq1 =
    layers[1:]`, as loops over `reversed` or a slice are lowered), a known record's field
    annotated as a sequence of one record class (`_seq1 = self.layers`), a list or a list
    comprehension of records built in place (`[Layer(W, b) for W, b in pairs]`). A loop over one
    checks its items before it runs, whatever was done to the list in between."""
    listed.update(_checked_lists(parsed, stores, local_names))
    assignments = [node for node in nodes.walk(parsed.node) if isinstance(node, gast.Assign)
                   and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name)]
    changed = True
    while changed:
        found: Dict[str, List[Optional[type]]] = {}
        for node in assignments:
            found.setdefault(node.targets[0].id, []).append(_list_class(parsed, node.value, known, listed, local_names))
        new = {name: classes[0] for name, classes in found.items() if name not in listed and classes[0] is not None
               and len(classes) == stores[name] and len(set(classes)) == 1}
        listed.update(new)
        changed = bool(new)


def _checked_lists(parsed: ParsedFunction, stores: Counter, local_names: frozenset) -> Known:
    """Names assigned once whose items a check of derivative code says are records of class C
    (`record_class_or_refuse(ps, C, True, ...)`, before a loop over them): when that code is
    differentiated again, its own checks stand before each use of an item."""
    found: Known = {}
    for stmt in nodes.statements(parsed.node):
        call = stmt.value if isinstance(stmt, gast.Expr) else None
        if (isinstance(call, gast.Call) and len(call.args) == 5 and isinstance(call.args[0], gast.Name)
                and stores[call.args[0].id] == 1 and isinstance(call.args[2], gast.Constant) and call.args[2].value is True
                and resolve(call.func, parsed, local_names) is runtime.record_class_or_refuse):
            cls = resolve(call.args[1], parsed, local_names)
            if isinstance(cls, type) and found.get(call.args[0].id, cls) is cls:
                found[call.args[0].id] = cls
    return found


def _list_class(parsed: ParsedFunction, value: gast.expr, known: Known, listed: Known,
                local_names: frozenset) -> Optional[type]:
    """C where value is a list of records of class C (see _lists_of_records), else None."""
    if isinstance(value, gast.Subscript) and isinstance(value.slice, gast.Slice) and isinstance(value.value, gast.Name):
        return listed.get(value.value.id)
    if isinstance(value, gast.Name):
        return listed.get(value.id)
    if isinstance(value, gast.BinOp) and isinstance(value.op, gast.Add):  # two lists joined
        left, right = (_list_class(parsed, side, known, listed, local_names) for side in (value.left, value.right))
        return left if left is right else None
    if isinstance(value, (gast.List, gast.Tuple)) and value.elts or isinstance(value, gast.ListComp):
        elements = value.elts if isinstance(value, (gast.List, gast.Tuple)) else [value.elt]
        classes = {_built_class(parsed, e, local_names) or (known.get(e.id) if isinstance(e, gast.Name) else None)
                   for e in elements}
        return classes.pop() if len(classes) == 1 else None
    return _sequence_class(value, known, {})


def _record_class_of(value: gast.expr, known: Known, listed: Known) -> Optional[type]:
    """The class of a name of a known record, or of an item of a list of records (`layers[i]`)."""
    return known.get(value.id) if isinstance(value, gast.Name) else _listed_item(value, listed)


def _listed_item(value: gast.expr, listed: Known) -> Optional[type]:
    """C of `layers[i]` where the parameter layers holds a list or tuple of records of class C."""
    if (isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) and value.value.id in listed
            and not isinstance(value.slice, gast.Slice)):
        return listed[value.value.id]
    return None


def _built_class(parsed: ParsedFunction, value: gast.expr, local_names: frozenset) -> Optional[type]:
    """Cls of `make_record(items, Cls)` (normalize/records.py), else None."""
    if (isinstance(value, gast.Call) and len(value.args) == 2
            and resolve(value.func, parsed, local_names) is runtime.make_record):
        cls = resolve(value.args[1], parsed, local_names)
        return cls if isinstance(cls, type) else None
    return None


def _built_records(parsed: ParsedFunction, stores: Counter, local_names: frozenset, known: Known, listed: Known,
                   checks: list) -> None:
    """Names assigned only `make_record(items, Cls)`, a copy of a known record with a field replaced
    (`replaced(record, name, v)` of `record._replace(...)`, `dataclasses.replace(...)`), or an item of
    a list of records (`layer = layers[i]`, checked), of one class."""
    assignments = [node for node in nodes.walk(parsed.node) if isinstance(node, gast.Assign)
                   and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name)]
    changed = True
    while changed:  # a copy of a copy
        found: Dict[str, List[Optional[type]]] = {}
        for node in assignments:
            cls = (_built_class(parsed, node.value, local_names) or _listed_item(node.value, listed)
                   or _replaced_class(parsed, node.value, local_names, known))
            found.setdefault(node.targets[0].id, []).append(cls)
        new = {name: classes[0] for name, classes in found.items() if name not in known and classes[0] is not None
               and len(classes) == stores[name] and len(set(classes)) == 1 and name not in parsed.classes}
        known.update(new)
        checks.extend((node, nodes.load_copy(node.value.value), new[node.targets[0].id], True) for node in assignments
                      if node.targets[0].id in new and _listed_item(node.value, listed) is not None)
        changed = bool(new)


def _replaced_class(parsed: ParsedFunction, value: gast.expr, local_names: frozenset, known: Known) -> Optional[type]:
    """The class of `record` in `replaced(record, name, v)` where record is a name of a known record."""
    if (isinstance(value, gast.Call) and value.args and isinstance(value.args[0], gast.Name)
            and value.args[0].id in known and resolve(value.func, parsed, local_names) is runtime.replaced):
        return known[value.args[0].id]
    return None


def _loop_records(parsed: ParsedFunction, fresh: Callable[[str], str], stores: Counter, known: Known,
                  checks: list, listed: Known, local_names: frozenset) -> None:
    """Variables of loops and comprehensions over a known record's field annotated as a sequence
    of one record class, or over a parameter whose argument is a list or tuple of records of one
    class (`listed`); each item is checked before the loop's statement runs, and every binding of
    the name must be such a loop over items of the same class."""
    scopes = _own_comprehension_variables(parsed, fresh, stores, known, listed)
    parameters = set(nodes.parameters(parsed.node))
    changed = True
    while changed:
        changed = False
        found: Dict[str, List[Tuple[gast.AST, Optional[type], Optional[gast.expr]]]] = {}
        for node in nodes.walk(parsed.node):
            if isinstance(node, (gast.For, gast.comprehension)):
                for name, sequence in _loop_variables(parsed, node, local_names):
                    if name not in known and name not in parameters:
                        item = _sequence_class(sequence, known, listed)
                        found.setdefault(name, []).append((node, item, sequence))
        for name, loops in found.items():
            classes = {item for _, item, _ in loops}
            if len(loops) == stores[name] and len(classes) == 1 and None not in classes:
                known[name] = classes.pop()
                checks.extend((scopes.get(id(loop), loop), nodes.load_copy(sequence), known[name], True)
                              for loop, _, sequence in loops)
                changed = True


def _loop_variables(parsed: ParsedFunction, loop: gast.AST, local_names: frozenset
                    ) -> List[Tuple[str, Optional[gast.expr]]]:
    """(name, the sequence whose items it takes, or None) for each variable a loop binds: `for x in
    xs` (also over `reversed(xs)` and a slice `xs[a:b]`), `for i, x in enumerate(xs)`, `for x, y in
    zip(xs, ys)`."""
    target, iterated = loop.target, loop.iter
    builtin = resolve(iterated.func, parsed, local_names) if isinstance(iterated, gast.Call) else None
    if isinstance(target, gast.Tuple) and builtin in (enumerate, zip) and not iterated.keywords:
        sequences = [None] + iterated.args[:1] if builtin is enumerate else list(iterated.args)
        if len(sequences) == len(target.elts):
            return [(element.id, sequence) for element, sequence in zip(target.elts, sequences)
                    if isinstance(element, gast.Name)]
    if not isinstance(target, gast.Name):
        return []
    while True:  # the sequence reversed or sliced, as many times over
        if isinstance(iterated, gast.Subscript) and isinstance(iterated.slice, gast.Slice):
            iterated = iterated.value
        elif (isinstance(iterated, gast.Call) and len(iterated.args) == 1 and not iterated.keywords
              and resolve(iterated.func, parsed, local_names) is reversed):
            iterated = iterated.args[0]
        else:
            return [(target.id, iterated)]


def _sequence_class(sequence: Optional[gast.expr], known: Known, listed: Known) -> Optional[type]:
    """C where sequence is a known record's field annotated as a sequence of C, or a parameter
    holding a list or tuple of records of class C (`listed`)."""
    if isinstance(sequence, gast.Name):
        return listed.get(sequence.id)
    if isinstance(sequence, gast.Attribute) and isinstance(sequence.value, gast.Name) and sequence.value.id in known:
        return _item_class(known[sequence.value.id], sequence.attr)
    return None


def _own_comprehension_variables(parsed: ParsedFunction, fresh: Callable[[str], str], stores: Counter,
                                 known: Known, listed: Known) -> Dict[int, gast.expr]:
    """Give the variable of each comprehension over an attribute (`for layer in self.layers`) or a
    list of records (`for layer in layers`) a name of its own (its scope is the comprehension's);
    id(generator) -> its comprehension."""
    scopes = {}
    looped = set(known) | {node.target.id for node in nodes.walk(parsed.node)  # what may hold a known record
                           if isinstance(node, (gast.For, gast.comprehension)) and isinstance(node.target, gast.Name)}
    for node in nodes.walk(parsed.node):
        if not isinstance(node, (gast.ListComp, gast.GeneratorExp, gast.SetComp, gast.DictComp)):
            continue
        outer = {id(inner) for inner in nodes.walk(node.generators[0].iter)}  # read in the enclosing scope
        for generator in node.generators:
            scopes[id(generator)] = node
            target = generator.target
            over_records = (isinstance(generator.iter, gast.Attribute) and isinstance(generator.iter.value, gast.Name)
                            and generator.iter.value.id in looped
                            or isinstance(generator.iter, gast.Name) and generator.iter.id in listed)
            if not (isinstance(target, gast.Name) and over_records):
                continue
            named = [inner for inner in nodes.walk(node)
                     if isinstance(inner, gast.Name) and inner.id == target.id and id(inner) not in outer]
            if sum(isinstance(inner.ctx, gast.Store) for inner in named) == 1:
                old, name = target.id, fresh(f"_{target.id}")
                for inner in named:
                    inner.id = name
                stores[name], stores[old] = 1, stores[old] - 1
    return scopes


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


def _item_class(cls: type, field: str) -> Optional[type]:
    """C where the field is annotated `list[C]`, `List[C]`, `tuple[C, ...]`, `Sequence[C]` (C a record class)."""
    try:
        hint = typing.get_type_hints(cls).get(field)
    except Exception:  # an annotation that does not evaluate
        return None
    if field not in _field_names(cls) or typing.get_origin(hint) not in (list, tuple, abc.Sequence):
        return None
    items = [item for item in typing.get_args(hint) if item is not Ellipsis]
    if not items or any(item is not items[0] for item in items) or not isinstance(items[0], type):
        return None
    return items[0] if _is_record_class(items[0]) else None


def _field_class(cls: type, field: str) -> Optional[type]:
    """C where the field is annotated with the record class C itself."""
    try:
        hint = typing.get_type_hints(cls).get(field)
    except Exception:  # an annotation that does not evaluate
        return None
    return hint if field in _field_names(cls) and isinstance(hint, type) and _is_record_class(hint) else None


def _field_names(cls: type) -> Tuple[str, ...]:
    if dataclasses.is_dataclass(cls):
        return tuple(f.name for f in dataclasses.fields(cls))
    return tuple(getattr(cls, "_fields", ()))


def _is_record_class(cls: type) -> bool:
    return dataclasses.is_dataclass(cls) or (issubclass(cls, tuple) and hasattr(cls, "_fields"))


def _plain(cls: type) -> bool:
    """A class whose constructor only stores its fields (normalize/records.py)."""
    return runtime.stores_its_fields_only(cls) or (issubclass(cls, tuple) and plain_named_tuple(cls))


def _refuse(parsed: ParsedFunction, node: gast.AST, construct: str, message: str) -> UnsupportedSyntaxError:
    return UnsupportedSyntaxError(construct, message, parsed.info.location(node))


def _call_method(parsed: ParsedFunction, fresh: Callable[[str], str], local_names: frozenset, call: gast.Call,
                 owner: gast.expr, attribute: str, cls: type) -> None:
    """`owner.attribute(args)` (`owner(args)` for __call__) -> `_method(owner, args)`."""
    let_go(parsed.node)
    owner_text = owner.id if isinstance(owner, gast.Name) else f"{cls.__name__}(...)"
    label = f"{owner_text}.{attribute}" if attribute != "__call__" else owner_text
    what = f"`{label}(...)` on a {cls.__name__}"
    if attribute in _field_names(cls):
        raise _refuse(parsed, call, "call of a field", f"{what} calls the value of the field `{attribute}`, which "
                      "adjoint does not know when it generates the derivative; call a method or a function by name")
    found, defining = _class_attribute(cls, attribute)
    if found is MISSING:
        raise _refuse(parsed, call, "method", f"{what}: the class {cls.__name__} has no method `{attribute}`")
    if not _plain(cls):
        raise _refuse(parsed, call, "method of a class with a constructor of its own",
                      f"{what}: {cls.__name__} has an `__init__`, `__new__` or `__post_init__` of its own; adjoint "
                      "calls the methods of NamedTuples and dataclasses whose constructor only stores the fields")
    if isinstance(found, staticmethod) and inspect.isfunction(found.__func__):
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
    if not any(_record_class_of(a, known, listed) for a in arguments) or nodes.dotted_name(call.func) is None:
        return  # (a callee named by a name or a chain of attributes, `N.loss(model)`)
    callee = resolve(call.func, parsed, local_names)
    if callee is MISSING or not inspect.isfunction(callee) or runtime.is_helper(callee) or \
            (getattr(callee, "__module__", None) or "").split(".")[0] in ("numpy", "scipy", "adjoint"):
        return
    if any(isinstance(a, gast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return
    try:
        bound = inspect.signature(callee).bind(*call.args, **{k.arg: k.value for k in call.keywords}).arguments
    except TypeError:
        return
    classes = tuple((name, _record_class_of(value, known, listed)) for name, value in bound.items()
                    if _record_class_of(value, known, listed))
    checks.extend((call, nodes.load_copy(a.value), _listed_item(a, listed), True)  # the item's class, checked
                  for a in arguments if _listed_item(a, listed) is not None)
    target = specialize(callee, classes=classes) if classes else None
    if target is not None:
        let_go(parsed.node)
        call.func = nodes.copy_location(nodes.name(parsed.bind(f"_{callee.__name__}", target, fresh, local_names)),
                                        call.func)


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
        if node.attr in _field_names(cls) or node.attr.startswith("__"):
            continue
        if inspect.isfunction(found):
            raise _refuse(parsed, node, "method as a value", f"`{node.value.id}.{node.attr}` takes the method "
                          f"`{node.attr}` of {defining.__name__} as a value; adjoint calls the methods of records "
                          "(`layer.energy()`), not methods kept in a variable")
        if isinstance(found, property) and node.value.id not in built:
            raise _refuse(parsed, node, "property", f"`{node.value.id}.{node.attr}` reads the property "
                          f"`{node.attr}` of {defining.__name__}; adjoint differentiates the fields of records and "
                          "calls their methods, not properties: make it a method (`.{node.attr}()`)")


def class_functions(cls: Any, seen: Optional[set] = None) -> List[Callable]:
    """The functions of a record class's own source (methods, staticmethods, classmethods and
    properties, through its MRO), and of the record classes its fields are annotated with: the
    code a derivative calling its methods may be generated from (the disk cache's key reads it)."""
    seen = set() if seen is None else seen
    if not isinstance(cls, type) or not _is_record_class(cls) or cls in seen:
        return []
    seen.add(cls)
    found = []
    for klass in cls.__mro__[:-1]:
        for entry in vars(klass).values():
            found.extend(own_functions(entry))
    for field in _field_names(cls):
        found.extend(class_functions(_item_class(cls, field), seen))
    return found
