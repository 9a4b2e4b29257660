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

An object of the user's plain class built in the function (`model = MLP(W1, W2)`) is a record
too where the class's `__init__` (its own, or the one it inherits: one of its classes has one)
only stores each of its parameters (or a literal) in an attribute (one by one, or by one tuple
assignment `self.W, self.b = W, b`), or where none of its classes has an `__init__` (an object
without attributes); its base classes may be the user's plain classes (methods it shares, or
overrides). It is built as an object of a
dataclass made for the class (object_record: a subclass with those attributes as its fields, so
the class's methods and class attributes are its), and the derivative follows its attributes as a
dataclass's fields.

Only classes whose constructor does nothing but store the fields are rewritten: a NamedTuple
without a `__new__` of its own, a dataclass whose `__init__` is the generated one, with no
`__post_init__` and every field set by `__init__`. A field left out takes its default where
that is a number, a string or None; any other call of the class stays, for the call's
refusal at its line.
"""
from __future__ import annotations

import dataclasses
import functools
import inspect
import sys
from typing import Any, Callable, Dict, List, Optional, Tuple

import gast

from adjoint import nodes, runtime
from adjoint.frontend.held import let_go
from adjoint.errors import AdjointError, is_library_file
from adjoint.frontend.dependencies import code_dependency, defaults_dependency
from adjoint.frontend.names import module_of
from adjoint.frontend.parse import MISSING, ParsedFunction, parse_function
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
        record = object_record(cls) if isinstance(cls, type) and cls is not MISSING else None
        items = _items(record or cls, node, cls) if isinstance(cls, type) and cls is not MISSING else None
        if items is not None:
            let_go(parsed.node)
            maker = nodes.name(parsed.bind("make_record", runtime.make_record, fresh, local_names))
            made = nodes.name(parsed.bind(f"_{cls.__name__}", record, fresh, local_names)) if record else node.func
            if record is not None:  # the fields were read from __init__: another one makes other fields
                parsed.dependencies.extend(_constructor_dependencies(cls))
            else:  # the defaults filled in are those of its __new__ or __init__
                parsed.dependencies.extend(defaults_dependency(cls.__new__ if plain_named_tuple(cls) else cls.__init__))
            node.func, node.args, node.keywords = maker, [items, made], []


def _constructor_dependencies(cls: type) -> List[Tuple]:
    """What an object_record of cls depends on: which of its classes has an `__init__` (one given later
    sets other attributes), and that one's code."""
    found = [(vars(klass), "__init__", vars(klass).get("__init__")) for klass in cls.__mro__[:-1]]
    owner = _constructor_owner(cls)
    return found + (code_dependency(vars(owner)["__init__"]) if owner not in (None, object) else [])


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


def _items(cls: type, call: gast.Call, called: type) -> Optional[gast.expr]:
    """The tuple or dict of the fields of the record class cls that the call of `called` builds."""
    if any(isinstance(a, gast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return None
    if cls is not called:  # a plain class's object: its fields from its __init__'s parameters
        names, defaults, fields = _stored_parameters(called)
        values = _bound(names, defaults, call)
        if values is None:
            return None
        given = dict(zip(names, values))
        stored = [given[name] for name in fields.values() if isinstance(name, str)]
        if stored != values and any(isinstance(inner, gast.Call) for value in values for inner in nodes.walk(value)):
            return None  # stored in another order than the arguments': Python's order of evaluation would change
        return gast.Dict(keys=[nodes.constant(field) for field in fields],
                         values=[given[name] if isinstance(name, str) else nodes.copy_location(nodes.constant(name[0]), call)
                                 for name in fields.values()])
    if plain_named_tuple(cls):
        values = _bound(list(cls._fields), _defaults(cls.__new__), call)
        return None if values is None else gast.Tuple(elts=values, ctx=gast.Load())
    if _plain_dataclass(cls):
        fields = dataclasses.fields(cls)
        values = _bound([f.name for f in fields], _defaults(cls.__init__), call)
        if values is None:
            return None
        return gast.Dict(keys=[nodes.constant(f.name) for f in fields], values=values)
    return None


def _defaults(constructor: Callable) -> Dict[str, Any]:
    """The defaults Python fills in: those of the `__new__` of a NamedTuple, of the `__init__` of a
    dataclass (which `_field_defaults` and the dataclass's fields only describe, and do not follow
    when the function is given other `__defaults__`)."""
    code, values = constructor.__code__, constructor.__defaults__ or ()
    names = code.co_varnames[:code.co_argcount]
    return dict(zip(names[len(names) - len(values):], values))


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


_NOT_PLAIN = ("__new__", "__slots__", "__setattr__", "__getattr__", "__getattribute__", "__delattr__",
              "__post_init__", "__init_subclass__", "__set_name__", "__dataclass_fields__")


def object_record(cls: type) -> Optional[type]:
    """A dataclass standing for the user's plain class cls where its objects are built in the
    function: a subclass of cls whose fields are the attributes its `__init__` (cls's own, or the
    one it inherits) sets, each to one of its parameters or to a literal (and nothing else), so that
    its objects are records whose fields the derivative follows, with cls's methods and class
    attributes. None for any other class (a metaclass, `__slots__`, attribute hooks, more in
    `__init__`, or two classes of its own with an `__init__`)."""
    owner = _constructor_owner(cls)
    init = vars(owner).get("__init__") if owner not in (None, object) else None
    if owner is object:
        return _record_of(cls, None, None)  # (no constructor: an object without attributes)
    if not inspect.isfunction(init) or is_library_file(init.__code__.co_filename):
        return None
    return _record_of(cls, init, init.__code__)


def _not_plain(cls: type) -> bool:
    """Not the user's plain class: a library's (its methods are not the user's to differentiate), a
    dataclass, a class with a metaclass or with hooks on its attributes."""
    module = sys.modules.get(cls.__module__)
    return (type(cls) is not type or dataclasses.is_dataclass(cls) or any(name in vars(cls) for name in _NOT_PLAIN)
            or module_of(cls).split(".")[0] in ("adjoint", "numpy", "scipy", "builtins")  # (markers: adjoint.insert_grad_of)
            or is_library_file(getattr(module, "__file__", None) or ""))


def _constructor_owner(cls: type) -> Optional[type]:
    """The one of cls's classes whose `__init__` makes its objects, where they all are the user's plain
    classes (methods shared by a base class): the only one to define `__init__`, or object where none
    does; None otherwise."""
    if not isinstance(cls, type) or any(_not_plain(klass) for klass in cls.__mro__[:-1]):
        return None
    defining = [klass for klass in cls.__mro__[:-1] if "__init__" in vars(klass)]
    return object if not defining else defining[0] if len(defining) == 1 else None


@functools.lru_cache(maxsize=None)
def _record_of(cls: type, init: Callable, code) -> Optional[type]:
    """object_record's class for cls while its `__init__` is `init` with this code (one per code:
    an edited `__init__` stores other attributes)."""
    stored = _stored_parameters(cls)
    if stored is None:
        return None
    fields = list(stored[2])
    record = dataclasses.make_dataclass(cls.__name__, [(field, Any) for field in fields], bases=(cls,), eq=False,
                                        repr=False, namespace={"__module__": cls.__module__, "__doc__": cls.__doc__})
    record.__module__ = cls.__module__  # (make_dataclass gives its caller's module from Python 3.12 on)
    record.__qualname__ = f"{cls.__qualname__}.<fields>"  # not the user's class: a disk cache cannot name it
    record.__adjoint_fields_of__ = cls  # (adjoint gen writes it as a subclass of cls)
    return record


def _stored_parameters(cls: type) -> Optional[Tuple[List[str], Dict[str, Any], Dict[str, Any]]]:
    """(the parameters of cls's `__init__` (its own or inherited) after self, their literal defaults,
    attribute -> the parameter or the (literal,) `__init__` stores in it) where `__init__` is a Python function of plain
    parameters whose body only stores each parameter once (or a literal) in an attribute of self."""
    owner = _constructor_owner(cls)
    if owner is object:
        return [], {}, {}
    init = vars(owner).get("__init__") if owner is not None else None
    if not inspect.isfunction(init):
        return None
    try:
        node = parse_function(init).node
    except AdjointError:
        return None
    arguments = node.args
    params = nodes.parameters(node)
    if arguments.vararg or arguments.kwarg or arguments.kwonlyargs or arguments.posonlyargs or not params:
        return None
    self_, names = params[0], params[1:]
    defaults = dict(zip(params[len(params) - len(arguments.defaults):], arguments.defaults))
    if any(not (isinstance(value, gast.Constant) and type(value.value) in LITERALS) for value in defaults.values()):
        return None
    fields: Dict[str, Any] = {}
    body = node.body[1:] if node.body and is_docstring(node.body[0]) else node.body
    for target, value in [pair for stmt in body for pair in _attribute_stores(stmt)]:
        if not (isinstance(target, gast.Attribute) and isinstance(target.value, gast.Name)
                and target.value.id == self_ and target.attr not in fields):
            return None
        if isinstance(value, gast.Name) and value.id in names and value.id not in fields.values():
            fields[target.attr] = value.id
        elif isinstance(value, gast.Constant) and type(value.value) in LITERALS:
            fields[target.attr] = (value.value,)
        else:
            return None
    if set(names) - set(fields.values()):
        return None  # a parameter __init__ does not store: its argument would not be evaluated
    if not runtime.plain_attributes(cls, fields):
        return None  # a property's setter or a descriptor's __set__ stores something else
    return names, {name: default.value for name, default in defaults.items()}, fields


def _attribute_stores(stmt: gast.stmt) -> List[Tuple[gast.AST, gast.AST]]:
    """The (target, value) pairs an assignment stores, `self.W, self.b = W, b` as its two pairs (its
    values names and literals, each store is as the one of its own line); ``[(None, None)]`` for
    any other statement."""
    target = (stmt.targets[0] if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
              else stmt.target if isinstance(stmt, gast.AnnAssign) and stmt.value is not None else None)
    if isinstance(target, gast.Tuple) and isinstance(stmt.value, gast.Tuple) and len(target.elts) == len(stmt.value.elts):
        return list(zip(target.elts, stmt.value.elts))
    return [(target, getattr(stmt, "value", None))]


def is_docstring(stmt: gast.stmt) -> bool:
    return isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Constant) and isinstance(stmt.value.value, str)


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
