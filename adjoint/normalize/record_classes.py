"""Which names of a function hold records (NamedTuples, dataclasses) of a class known when its
derivative is generated, and which hold lists of them (normalize/record_methods.py calls their
methods).

A name holds a record of a known class where it is a parameter of a derivative generated for
that class, is built in the function (`layer = Layer(W, b)`), is a copy with a field replaced,
is an item of a list of records (`layer = layers[i]`), or is the variable of a loop or
comprehension over a list of records or over a field annotated as a sequence of one record
class. A name holds a list of records of one class where it is such a parameter, a slice of
such a list, such a field, or a list display or comprehension of records built in place. Each
item read so is checked before its statement runs (runtime.record_class_or_refuse), so what a
function does to a list in between is refused there, not taken on trust.
"""
from __future__ import annotations

import dataclasses
import inspect
import typing
import weakref
from collections import Counter, abc
from typing import Callable, Dict, List, Optional, Tuple

import gast

from adjoint import nodes, runtime
from adjoint.errors import AdjointError, is_library_file
from adjoint.frontend.parse import ParsedFunction, read_function
from adjoint.frontend.resolve import resolve

Known = Dict[str, type]  # a name -> the exact class of the record it holds


def held_class(value: gast.expr, known: Known) -> Optional[type]:
    """C of `self.encoder` where self holds a known record whose field `encoder` is annotated C."""
    if isinstance(value, gast.Attribute) and isinstance(value.value, gast.Name) and value.value.id in known:
        return field_class(known[value.value.id], value.attr)
    return None


def lists_of_records(parsed: ParsedFunction, stores: Counter, known: Known, listed: Known,
                      local_names: frozenset) -> None:
    """Names assigned only lists of records of one class: a slice of such a list (`_seq1 =
    layers[1:]`, as loops over `reversed` or a slice are lowered), a known record's field
    annotated as a sequence of one record class (`_seq1 = self.layers`), a list or a list
    comprehension of records built in place (`[Layer(W, b) for W, b in pairs]`). A loop over one
    checks its items before it runs, whatever was done to the list in between."""
    listed.update(_checked_lists(parsed, stores, local_names))
    _, values = _assignments(parsed)
    changed = True
    while changed:
        new = {name: cls for name, assigned in values.items() if name not in listed and len(assigned) == stores[name]
               for cls in [_one_list_class(parsed, name, assigned, known, listed, local_names)] if cls is not None}
        listed.update(new)
        changed = bool(new)


def _assignments(parsed: ParsedFunction, augmented: bool = False) -> Tuple[List[Tuple[gast.stmt, str, gast.expr]],
                                                                          Dict[str, List[gast.expr]]]:
    """The function's assignments to one name, as (where, name, value), and the values each name is
    assigned; `augmented`: `p op= q` too, its value `p op q` marked `in_place` (a node of no tree), where
    q (which stays in the statement record_operators.py makes of it)."""
    assignments = []
    for node in nodes.walk(parsed.node):
        if isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name):
            assignments.append((node, node.targets[0].id, node.value))
        elif augmented and isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name):
            value = gast.BinOp(left=nodes.name(node.target.id), op=node.op, right=node.value)
            value.in_place = True
            assignments.append((node.value, node.target.id, value))
    values: Dict[str, List[gast.expr]] = {}
    for _, name, value in assignments:
        values.setdefault(name, []).append(value)
    return assignments, values


def _built_in_parallel(parsed: ParsedFunction, local_names: frozenset) -> Dict[str, List[gast.expr]]:
    """The records built by name in a parallel assignment (`a, b = Block(W1), Block(W2)`, records
    normalize/records.py made: `make_record(items, Block)`): each name's is of its class, as
    assigned alone (nothing checks a record built in place)."""
    built: Dict[str, List[gast.expr]] = {}
    for node in nodes.walk(parsed.node):
        if (isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Tuple)
                and isinstance(node.value, gast.Tuple) and len(node.value.elts) == len(node.targets[0].elts)):
            for target, value in zip(node.targets[0].elts, node.value.elts):
                if isinstance(target, gast.Name) and built_class(parsed, value, local_names) is not None:
                    built.setdefault(target.id, []).append(value)
    return built


def _one_list_class(parsed: ParsedFunction, name: str, assigned: List[gast.expr], known: Known, listed: Known,
                    local_names: frozenset) -> Optional[type]:
    """C where every value assigned to name is a list of records of class C. A value that reads
    the list itself (`ps = [p.step(dt) for p in ps]`, in a loop) is taken to be one where it is
    one if name holds such a list: the loop over name checks its items each time it runs."""
    classes = [_list_class(parsed, value, known, listed, local_names) for value in assigned]
    found = set(classes) - {None}
    if len(found) != 1:
        return None
    cls = found.pop()
    if None in classes:
        assumed = dict(listed, **{name: cls})
        if any(_list_class(parsed, value, known, assumed, local_names) is not cls for value in assigned):
            return None
    return cls


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
    """C where value is a list of records of class C (see lists_of_records), else None."""
    if isinstance(value, gast.Subscript) and isinstance(value.slice, gast.Slice) and isinstance(value.value, gast.Name):
        return listed.get(value.value.id)
    if isinstance(value, gast.Name):
        return listed.get(value.id)
    if isinstance(value, gast.BinOp) and isinstance(value.op, gast.Add):  # two lists joined
        left, right = (_list_class(parsed, side, known, listed, local_names) for side in (value.left, value.right))
        return left if left is right else None
    if isinstance(value, (gast.List, gast.Tuple)) and value.elts or isinstance(value, gast.ListComp):
        elements = value.elts if isinstance(value, (gast.List, gast.Tuple)) else [value.elt]
        classes = {built_class(parsed, e, local_names) or (known.get(e.id) if isinstance(e, gast.Name) else None)
                   for e in elements}
        if isinstance(value, gast.ListComp) and classes == {None}:
            return _method_results(value, listed)
        return classes.pop() if len(classes) == 1 else None
    return _sequence_class(value, known, {})


def _method_results(value: gast.ListComp, listed: Known) -> Optional[type]:
    """C of `[p.step(dt) for p in ps]`, ps a list of records of a class whose method returns a C."""
    generator, call = value.generators[0], value.elt
    if (len(value.generators) == 1 and isinstance(generator.target, gast.Name) and isinstance(generator.iter, gast.Name)
            and generator.iter.id in listed and isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
            and isinstance(call.func.value, gast.Name) and call.func.value.id == generator.target.id):
        return returned_class(listed[generator.iter.id], call.func.attr)
    return None


def returned_class(cls: type, method: str, seen: frozenset = frozenset()) -> Optional[type]:
    """C where the plain method `method` of record class cls returns a record of class C (see
    _returned_by, `self` holding a cls)."""
    function = inspect.getattr_static(cls, method, None)
    if not inspect.isfunction(function):
        return None
    first = next(iter(inspect.signature(function).parameters), None)
    return _returned_by(function, {first: cls} if first is not None else {}, seen)


def _returned_by(function: Callable, bound: Known, seen: frozenset = frozenset()) -> Optional[type]:
    """C where function returns a record of class C at each of its returns: annotated `-> C`, or
    each return builds one (`return C(...)`), returns or copies a parameter holding a record of a
    class `bound` gives (`return p`, `p._replace(...)`, `dataclasses.replace(p, ...)`), or calls a
    method of such a parameter that does."""
    if function in seen:
        return None
    annotated = None
    if "return" in getattr(function, "__annotations__", ()):  # (else get_type_hints has none to give)
        try:
            annotated = typing.get_type_hints(function).get("return")
        except Exception:  # an annotation that does not evaluate
            pass
    if isinstance(annotated, type) and is_record_class(annotated):
        return annotated
    try:
        parsed = read_function(function)
    except AdjointError:
        return None
    stored, local_names, returns = _returns_read(function, parsed)
    bound = {name: cls for name, cls in bound.items() if name not in stored}  # a parameter rebound: not known
    classes = {_built_by(parsed, value, bound, seen | {function}, local_names) for value in returns}
    found = classes.pop() if len(classes) == 1 else None
    return found if isinstance(found, type) and is_record_class(found) else None


_RETURNS_READ: "weakref.WeakKeyDictionary[Callable, Tuple]" = weakref.WeakKeyDictionary()


def _returns_read(function: Callable, parsed: ParsedFunction) -> Tuple[frozenset, frozenset, Tuple]:
    """The names `function` stores, its local names (those and its parameters) and the values of its
    returns, from its tree `parsed` as read_function gives it: kept while read_function gives the same
    (unchanged) tree. Every assignment of a caller asks it of the function it calls, again in each
    round of built_records."""
    kept = _RETURNS_READ.get(function)
    if kept is None or kept[0] is not parsed:
        stored, returns = set(), []
        for node in nodes.every_node(parsed.node):
            if node.__class__ is gast.Name and node.ctx.__class__ is gast.Store:
                stored.add(node.id)
            elif node.__class__ is gast.Return:
                returns.append(node.value)
        stored = frozenset(stored)
        kept = _RETURNS_READ[function] = (parsed, stored, stored | set(nodes.parameters(parsed.node)), tuple(returns))
    return kept[1:]


def _built_by(parsed: ParsedFunction, value: Optional[gast.expr], bound: Known, seen: frozenset,
              local_names: frozenset) -> Optional[type]:
    """The record class a returned value builds (or a parameter holding a known record), else None."""
    if isinstance(value, gast.Name):
        return bound.get(value.id)
    if not isinstance(value, gast.Call):
        return None
    made = resolve(value.func, parsed, local_names)
    if made is dataclasses.replace and value.args and isinstance(value.args[0], gast.Name):
        return bound.get(value.args[0].id)
    if isinstance(value.func, gast.Attribute) and isinstance(value.func.value, gast.Name) and value.func.value.id in bound:
        cls = bound[value.func.value.id]
        return cls if value.func.attr == "_replace" else returned_class(cls, value.func.attr, seen)
    return made if isinstance(made, type) else None


def _function_result(parsed: ParsedFunction, value: gast.expr, local_names: frozenset, known: Known) -> Optional[type]:
    """C of `advance(s, dt)`, a Python function of the user's called with positional arguments
    (some of them known records, `s`) that returns a record of class C (see _returned_by)."""
    if not isinstance(value, gast.Call) or value.keywords or any(isinstance(a, gast.Starred) for a in value.args):
        return None
    function = resolve(value.func, parsed, local_names)
    if not inspect.isfunction(function) or is_library_file(function.__code__.co_filename):
        return None
    positional = [p.name for p in inspect.signature(function).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    bound = {name: known[a.id] for name, a in zip(positional, value.args) if isinstance(a, gast.Name) and a.id in known}
    return _returned_by(function, bound) if len(value.args) <= len(positional) else None


def record_class_of(value: gast.expr, known: Known, listed: Known) -> Optional[type]:
    """The class of a name of a known record, or of an item of a list of records (`layers[i]`)."""
    return known.get(value.id) if isinstance(value, gast.Name) else listed_item(value, listed)


def listed_item(value: gast.expr, listed: Known) -> Optional[type]:
    """C of `layers[i]` where the parameter layers holds a list or tuple of records of class C."""
    if (isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) and value.value.id in listed
            and not isinstance(value.slice, gast.Slice)):
        return listed[value.value.id]
    return None


def built_class(parsed: ParsedFunction, value: gast.expr, local_names: frozenset) -> Optional[type]:
    """Cls of `make_record(items, Cls)` (normalize/records.py) or `updated_record(returned, Cls)`
    (normalize/field_writes.py), else None."""
    if (isinstance(value, gast.Call) and len(value.args) == 2
            and resolve(value.func, parsed, local_names) in (runtime.make_record, runtime.updated_record)):
        cls = resolve(value.args[1], parsed, local_names)
        return cls if isinstance(cls, type) else None
    return None


def built_records(parsed: ParsedFunction, stores: Counter, local_names: frozenset, known: Known, listed: Known,
                   checks: list, given: Known) -> None:
    """Names assigned only `make_record(items, Cls)`, a copy of a known record with a field replaced
    (`replaced(record, name, v)` of `record._replace(...)`, `dataclasses.replace(...)`), an item of
    a list of records (`layer = layers[i]`, checked), another name holding one, or what a known record's
    method returns (`p = p.step(dt)`, see returned_class; the record checked before the call), of one
    class; `given`: the class of the argument of a record parameter the function rebinds so."""
    assignments, values = _assignments(parsed, augmented=True)
    for name, built in _built_in_parallel(parsed, local_names).items():
        values.setdefault(name, []).extend(built)
    changed = True
    while changed:  # a copy of a copy
        new = {name: cls for name, assigned in values.items()
               if name not in known and len(assigned) == stores[name] and name not in parsed.classes
               for cls in [_one_record_class(parsed, name, assigned, local_names, known, listed, given.get(name))]
               if cls is not None}
        known.update(new)
        checks.extend((node, nodes.load_copy(value.value), new[name], True) for node, name, value in assignments
                      if name in new and listed_item(value, listed) is not None)
        checks.extend((node, nodes.load_copy(record), known[record.id], False) for node, name, value in assignments
                      if name in new for record in _records_passed(parsed, value, local_names, known))
        changed = bool(new)


def _one_record_class(parsed: ParsedFunction, name: str, assigned: List[gast.expr], local_names: frozenset,
                      known: Known, listed: Known, given: Optional[type] = None) -> Optional[type]:
    """C where every value assigned to name is a record of class C (and the parameter name is, where
    its argument's class is `given`): another name holding one (`c = state`), or a method of name's own
    record (`p = p.step(dt)`) or a function it is passed to (`p = advance(p, dt)`), taken to return
    one where it does if name holds a C."""
    def class_of(value: gast.expr, known: Known) -> Optional[type]:
        return ((known.get(value.id) if isinstance(value, gast.Name) else None)
                or built_class(parsed, value, local_names) or listed_item(value, listed)
                or _replaced_class(parsed, value, local_names, known) or _method_result(value, known)
                or _operator_result(value, known) or _function_result(parsed, value, local_names, known))

    classes = [class_of(value, known) for value in assigned] + ([given] if given is not None else [])
    found = set(classes) - {None}
    if len(found) != 1:
        return None
    cls = found.pop()
    if None in classes and any(class_of(value, dict(known, **{name: cls})) is not cls for value in assigned):
        return None
    return cls


def _records_passed(parsed: ParsedFunction, value: gast.expr, local_names: frozenset, known: Known) -> List[gast.Name]:
    """The known records a method call or a function call gives its result from (checked before it)."""
    if _method_result(value, known):
        return [value.func.value]
    if _operator_result(value, known):
        return [value.left]
    if _function_result(parsed, value, local_names, known):
        return [a for a in value.args if isinstance(a, gast.Name) and a.id in known]
    return []


def _operator_result(value: gast.expr, known: Known) -> Optional[type]:
    """C of `p * k` (or `p *= k`), p a known record of a class whose method for the operator returns a C:
    `__mul__` (`__imul__`, where the class defines it, for `p *= k`)."""
    from adjoint.normalize.record_operators import BINARY

    if not (isinstance(value, gast.BinOp) and type(value.op) in BINARY and isinstance(value.left, gast.Name)
            and value.left.id in known):
        return None
    cls, name = known[value.left.id], BINARY[type(value.op)]
    in_place = getattr(value, "in_place", False) and inspect.isfunction(inspect.getattr_static(cls, f"__i{name}__", None))
    return returned_class(cls, f"__i{name}__" if in_place else f"__{name}__")


def _method_result(value: gast.expr, known: Known) -> Optional[type]:
    """C of `p.step(dt)`, p a known record of a class whose method step returns a C."""
    if (isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and isinstance(value.func.value, gast.Name)
            and value.func.value.id in known):
        return returned_class(known[value.func.value.id], value.func.attr)
    return None


def _replaced_class(parsed: ParsedFunction, value: gast.expr, local_names: frozenset, known: Known) -> Optional[type]:
    """The class of `record` in `replaced(record, name, v)` where record is a name of a known record."""
    if (isinstance(value, gast.Call) and value.args and isinstance(value.args[0], gast.Name)
            and value.args[0].id in known and resolve(value.func, parsed, local_names) is runtime.replaced):
        return known[value.args[0].id]
    return None


def loop_records(parsed: ParsedFunction, fresh: Callable[[str], str], stores: Counter, known: Known,
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
        return item_class(known[sequence.value.id], sequence.attr)
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


def item_class(cls: type, field: str) -> Optional[type]:
    """C where the field is annotated `list[C]`, `List[C]`, `tuple[C, ...]`, `Sequence[C]` (C a record class)."""
    try:
        hint = typing.get_type_hints(cls).get(field)
    except Exception:  # an annotation that does not evaluate
        return None
    if field not in field_names(cls) or typing.get_origin(hint) not in (list, tuple, abc.Sequence):
        return None
    items = [item for item in typing.get_args(hint) if item is not Ellipsis]
    if not items or any(item is not items[0] for item in items) or not isinstance(items[0], type):
        return None
    return items[0] if is_record_class(items[0]) else None


def field_class(cls: type, field: str) -> Optional[type]:
    """C where the field is annotated with the record class C itself."""
    try:
        hint = typing.get_type_hints(cls).get(field)
    except Exception:  # an annotation that does not evaluate
        return None
    return hint if field in field_names(cls) and isinstance(hint, type) and is_record_class(hint) else None


def field_names(cls: type) -> Tuple[str, ...]:
    if dataclasses.is_dataclass(cls):
        return tuple(f.name for f in dataclasses.fields(cls))
    return tuple(getattr(cls, "_fields", ()))


def is_record_class(cls: type) -> bool:
    return dataclasses.is_dataclass(cls) or (issubclass(cls, tuple) and hasattr(cls, "_fields"))
