"""NamedTuples and dataclasses built inside the function, as containers of their fields.

`State(q, p)` for a NamedTuple makes a tuple of its fields, for a dataclass an object whose
fields are read by name (`s.q`); adjoint differentiates both as containers already when they
are arguments (a field read is an item read: analysis/attributes.py). Built in the function,
the call becomes `make_record(items, State)`, items the tuple (NamedTuple) or dict
(dataclass) of the fields in the class's order, whose derivative is the items' own.

Before::

    s = State(q0, p=np.zeros(3))

After::

    s = make_record({"q": q0, "p": np.zeros(3)}, State)

`s._replace(q=v)` and `dataclasses.replace(s, q=v)` become `replaced(s, "q", v)`, a copy with
the field replaced, whose derivative is an item write's (runtime.replaced refuses, when it runs,
an object that is no NamedTuple or dataclass, or a dataclass with a constructor of its own).

Only classes whose constructor does nothing but store the fields are rewritten: a NamedTuple
without a `__new__` of its own, a dataclass whose `__init__` is the generated one, with no
`__post_init__` and every field set by `__init__`. A field left out takes its default where
that is a number, a string or None; any other call of the class stays, for the call's
refusal at its line.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable, Dict, List, Optional

import gast

from adjoint import nodes, runtime
from adjoint.frontend.held import let_go
from adjoint.frontend.parse import MISSING, ParsedFunction
from adjoint.frontend.resolve import resolve

LITERALS = (int, float, str, bool, type(None))


def build_records(parsed: ParsedFunction, fresh: Callable[[str], str], calls: List[gast.Call]) -> None:
    """Rewrite the calls among `calls` (those of parsed.node) that build a plain NamedTuple or
    dataclass or replace its fields (see the module)."""
    calls = [call for call in calls if isinstance(call.func, (gast.Name, gast.Attribute))]
    if not calls:
        return
    local_names = frozenset(nodes.names_stored(parsed.node)) | set(nodes.parameters(parsed.node))
    resolved: Dict[str, Any] = {}  # a callee's dotted name -> its object: resolved once
    for node in calls:
        record = _replaced_record(node, parsed, local_names)
        if record is not None:
            let_go(parsed.node)
            _replace_fields(node, record, parsed.bind("replaced", runtime.replaced, fresh, local_names))
            continue
        text = nodes.dotted_name(node.func)
        if text is None or text not in resolved:
            resolved[text] = resolve(node.func, parsed, local_names)
        cls = resolved[text]
        items = _items(cls, node) if isinstance(cls, type) and cls is not MISSING else None
        if items is not None:
            let_go(parsed.node)
            maker = nodes.name(parsed.bind("make_record", runtime.make_record, fresh, local_names))
            node.func, node.args, node.keywords = maker, [items, node.func], []


def _replaced_record(call: gast.Call, parsed: ParsedFunction, local_names) -> Optional[gast.expr]:
    """The record of `record._replace(a=v, ...)` or `dataclasses.replace(record, a=v, ...)`, else None."""
    if not call.keywords or any(k.arg is None for k in call.keywords):
        return None
    if isinstance(call.func, gast.Attribute) and call.func.attr == "_replace" and not call.args:
        return call.func.value
    if len(call.args) == 1 and resolve(call.func, parsed, local_names) is dataclasses.replace:
        return call.args[0]
    return None


def _replace_fields(call: gast.Call, record: gast.expr, helper: str) -> None:
    """Turn the call into `replaced(replaced(record, "a", v), "b", w)`, one field at a time."""
    value = record
    for keyword in call.keywords[:-1]:
        value = nodes.call(nodes.name(helper), [value, nodes.constant(keyword.arg), keyword.value])
    last = call.keywords[-1]
    call.func, call.args, call.keywords = nodes.name(helper), [value, nodes.constant(last.arg), last.value], []


def _items(cls: type, call: gast.Call) -> Optional[gast.expr]:
    if any(isinstance(a, gast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return None
    if plain_named_tuple(cls):
        values = _bound(list(cls._fields), dict(cls._field_defaults), call)
        return None if values is None else gast.Tuple(elts=values, ctx=gast.Load())
    if _plain_dataclass(cls):
        fields = dataclasses.fields(cls)
        defaults = {f.name: f.default for f in fields if f.default is not dataclasses.MISSING}
        values = _bound([f.name for f in fields], defaults, call)
        if values is None:
            return None
        return gast.Dict(keys=[nodes.constant(f.name) for f in fields], values=values)
    return None


def _bound(names: List[str], defaults: Dict[str, Any], call: gast.Call) -> Optional[List[gast.expr]]:
    """The field values of the call in field order (defaults that are literals filled in), or None
    where the call does not bind them as the constructor would (Python raises then, or the
    default is an object)."""
    if len(call.args) > len(names):
        return None
    values: Dict[str, gast.expr] = dict(zip(names, call.args))
    for keyword in call.keywords:
        if keyword.arg not in names or keyword.arg in values:
            return None
        values[keyword.arg] = keyword.value
    given = [values[name] for name in names if name in values]
    if given != list(call.args) + [k.value for k in call.keywords] and any(
            isinstance(inner, gast.Call) for value in given for inner in nodes.walk(value)):
        return None  # keywords out of the fields' order, with calls: Python's order of evaluation would change
    for name in names:
        if name not in values:
            if name not in defaults or type(defaults[name]) not in LITERALS:
                return None
            values[name] = nodes.copy_location(nodes.constant(defaults[name]), call)
    return [values[name] for name in names]


def plain_named_tuple(cls: type) -> bool:
    """A NamedTuple class whose `__new__` is the one namedtuple writes (no constructor of its own)."""
    if not (issubclass(cls, tuple) and hasattr(cls, "_fields") and hasattr(cls, "_field_defaults")):
        return False
    for klass in cls.__mro__:
        if klass is tuple:
            return True
        new = getattr(klass.__dict__.get("__new__"), "__func__", klass.__dict__.get("__new__"))  # a staticmethod
        if new is not None and not str(getattr(new, "__globals__", {}).get("__name__", "")).startswith("namedtuple_"):
            return False
    return False


def _plain_dataclass(cls: type) -> bool:
    """A dataclass whose `__init__` dataclasses wrote, with no `__post_init__`, every field set by it
    and none keyword-only (their binding is not the fields' order)."""
    return runtime.stores_its_fields_only(cls) and all(f.init and not getattr(f, "kw_only", False)
                                                       for f in dataclasses.fields(cls))
