"""Functions as values: a user function specialized to the values some of its parameters hold.

A call receives a function value in three ways, and each becomes a *specialization* of a
user function, a real Python function that adjoint parses as its origin with those values
known:

- a bound method `model.predict` or a `functools.partial(f, data=X)` *binds* parameters:
  they leave the signature and their values become names the body reads (`self.W`);
- an argument or default that is a function (`layer(x, np.tanh)`, `act=np.tanh`) *fixes* a
  parameter: it stays in the signature (callers pass the same value), and calls through it
  resolve to the value (`act(x)` is differentiated as `np.tanh(x)`);
- a call that passes values through `*args` or `**kwargs` gives them named parameters, one
  per value (frontend/rest.py).

The derivative is generated for the specialization, so it is part of what a derivative is
generated for, as argument kinds are. Specializations are memoized by the identity of the
values, so one value gives one function (and one derivative) per process.
"""
from __future__ import annotations

import dataclasses
import functools
import inspect
import linecache
import sysconfig
import types
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import gast
import numpy as np

from adjoint.errors import AdjointError, Location
from adjoint.frontend.parse import MISSING, ParsedFunction, is_derived, parse_function, unwrap
from adjoint.frontend.rest import POSITIONAL, VARIADIC, Rest, call_with_rest, reduced_parameters, rest_parameters
from adjoint.frontend.dependencies import ListItems, TableKeys
from adjoint.frontend.names import module_of

Values = Tuple[Tuple[str, Any], ...]


@dataclass(frozen=True)
class Specialization:
    """`origin` with parameters `bound` (gone from the signature) and `fixed` (kept) known, and
    its `*args`/`**kwargs` replaced by the parameters of `rest` (None: kept)."""

    origin: Callable
    bound: Values = ()
    fixed: Values = ()
    rest: Optional[Rest] = None
    classes: Values = ()  # parameters holding a record of exactly this class (normalize/record_methods.py)
    listed: bool = False  # a generator function read as the list of what it yields (frontend/listed.py)
    limited: bool = False  # ... of its first items, as many as a keyword-only parameter says


_MEMO: Dict[tuple, Tuple[Callable, tuple]] = {}


def specialization_of(func: Any) -> Optional[Specialization]:
    return getattr(func, "__adjoint_specialized__", None)


def specialize(func: Callable, bound: Values = (), fixed: Values = (),
               passed: Optional[Tuple[int, Tuple[str, ...]]] = None, classes: Values = ()) -> Optional[Callable]:
    """The function adjoint differentiates as `func` with these parameter values known (and,
    with `passed` = (count, keywords), what a call passes through its `*args`/`**kwargs`), or
    None when its signature cannot be specialized (positional-only or variadic parameters)."""
    earlier = specialization_of(func)
    if earlier is not None and earlier.listed:  # the list of what the specialized generator yields
        made = specialize(func.__adjoint_generator__, bound, fixed, passed, classes)
        return None if made is None else _listed(made, earlier.limited)
    rest = None
    if earlier is not None:
        func, bound, fixed, rest = earlier.origin, earlier.bound + bound, earlier.fixed + fixed, earlier.rest
        classes = earlier.classes + classes
    if passed is not None and rest is None:
        rest = rest_parameters(parse_function(func).node, *passed)
    if not bound and not fixed and rest is None and not classes:
        return func
    fixed, classes = (tuple(sorted(dict(values).items(), key=lambda item: item[0])) for values in (fixed, classes))
    key = (func, *(tuple((name, id(value)) for name, value in values) for values in (bound, fixed, classes)), rest)
    if key not in _MEMO:
        made = _make(Specialization(func, bound, fixed, rest, classes))
        _MEMO[key] = (made, (bound, fixed, classes))  # the values stay alive while their ids are keys
    return _MEMO[key][0]


def _listed(generator: Callable, limited: bool) -> Callable:
    from adjoint.frontend.listed import listed_generator
    return listed_generator(generator, limited)


def captured_parameter(parameter: str, captured: str) -> str:
    """The parameter through which a specialization receives variable `captured` of the
    function value its parameter `parameter` holds."""
    return f"_{parameter}_{captured}"


def _make(spec: Specialization) -> Optional[Callable]:
    signature = inspect.signature(spec.origin, follow_wrapped=False)
    plain = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    allowed = plain + VARIADIC + (inspect.Parameter.POSITIONAL_ONLY,) if spec.rest is not None else plain
    if any(p.kind not in allowed for p in signature.parameters.values()):
        return None
    bound_values = dict(spec.bound)
    captures = {name: {c: captured_parameter(name, c) for c in getattr(value, "__adjoint_captures__", ())}
                for name, value in spec.fixed}
    added = [inspect.Parameter(parameter, inspect.Parameter.KEYWORD_ONLY)
             for captured in captures.values() for parameter in captured.values()]
    if any(p.name in signature.parameters for p in added):
        return None
    kept = [p for p in signature.parameters.values() if p.name not in bound_values]
    rest = spec.rest or Rest()
    reduced = signature.replace(parameters=reduced_parameters(kept, rest) + added)
    origin, fixed = spec.origin, dict(spec.fixed)
    call, partial = call_with_rest, functools.partial  # closure cells: `made` runs with the globals
    # of origin's module, so what it reads it reads from its closure (computed here)

    def specialized(*args, **kwargs):
        arguments = reduced.bind(*args, **kwargs).arguments
        for name, captured in captures.items():  # the function value, with what it captured
            if captured:
                values = {c: arguments.pop(parameter) for c, parameter in captured.items()}
                arguments[name] = partial(fixed[name], **values)
        return call(origin, dict(bound_values, **arguments), rest)

    made = types.FunctionType(specialized.__code__, origin.__globals__, origin.__name__, None,
                              specialized.__closure__)
    made.__qualname__ = origin.__qualname__
    made.__module__ = origin.__module__
    made.__signature__ = reduced
    made.__adjoint_specialized__ = spec
    return made


# ----- what a call target is, when it is a value --------------------------------------------------

def resolve_value(node: gast.expr, parsed: ParsedFunction, local_names: frozenset) -> Any:
    """The object `node` names at generation time: free names, fixed parameters, their
    attributes and constant subscripts of their tables (`ACTIVATIONS['tanh']`, `model.layers[0]`);
    else MISSING."""
    if isinstance(node, gast.Name):
        if node.id in parsed.fixed:
            return parsed.fixed[node.id]
        return MISSING if node.id in local_names else parsed.lookup(node.id)
    if isinstance(node, gast.Attribute):
        owner = resolve_value(node.value, parsed, local_names)
        if owner is MISSING or isinstance(owner, np.ndarray):
            return MISSING
        try:
            return getattr(owner, node.attr, MISSING)
        except Exception:  # a property that fails here is read at run time
            return MISSING
    if isinstance(node, gast.Subscript) and isinstance(node.slice, gast.Constant):
        table = resolve_value(node.value, parsed, local_names)
        if isinstance(table, (dict, tuple, list)):
            try:
                return table[node.slice.value]
            except (KeyError, IndexError, TypeError):
                return MISSING
    return MISSING


def dependencies_of(node: gast.expr, parsed: ParsedFunction, value: Any) -> List[Tuple[Any, Any, Any]]:
    """(mapping, key, value) for each binding that must still hold for a derivative that resolved
    `node` to `value`: a global name, an instance's own attribute (`self.nonlinearity`), a method
    of a user class (the method called through `model.run` is the class's until the class, or the
    instance, is given another), a user function of a module (`helpers.potential`), an entry of
    a dict (`ACTIVATIONS['tanh']`), the items of a list (`model.layers[0]`), and what the owner of
    an attribute or a table was resolved through (`model` in `model.run`); none for what does not
    change (library modules and classes, tuples). For an object called like a function, its
    class's `__call__` too."""
    return _path_dependencies(node, parsed, value) + call_method_dependencies(value) + partial_dependencies(value)


def _path_dependencies(node: gast.expr, parsed: ParsedFunction, value: Any) -> List[Tuple[Any, Any, Any]]:
    if isinstance(node, gast.Name):
        globals_ = parsed.func.__globals__
        if node.id in parsed.namespace or node.id in parsed.fixed or node.id not in globals_:
            return []
        return [(globals_, node.id, value)]
    if isinstance(node, gast.Attribute):
        owner = resolve_value(node.value, parsed, frozenset())
        if isinstance(owner, types.ModuleType):
            return _module_dependencies(owner, node.attr, value)
        if owner is MISSING or (isinstance(owner, type) and _is_library(owner)):
            return []
        found = _attribute_dependencies(owner, node.attr, value)
        return _path_dependencies(node.value, parsed, owner) + found if found else []
    if isinstance(node, gast.Subscript):
        table = resolve_value(node.value, parsed, frozenset())
        if isinstance(table, tuple):  # its items never change: what it was read through may
            return _path_dependencies(node.value, parsed, table)
        if isinstance(table, list):
            return _path_dependencies(node.value, parsed, table) + [ListItems.of(table)]
        if not isinstance(table, dict):
            return []
        return _path_dependencies(node.value, parsed, table) + [(table, node.slice.value, value)]
    return []


def _module_dependencies(module: types.ModuleType, attribute: str, value: Any) -> List[Tuple[Any, Any, Any]]:
    """A user function read from a module (`helpers.potential`) until the module is given another
    (`helpers.potential = ...`, as mock.patch does); library modules do not change."""
    if inspect.isfunction(unwrap(value)) and not _is_library(value) and attribute in vars(module):
        return [(vars(module), attribute, value)]
    return []


def partial_dependencies(value: Any) -> List[Tuple[Any, Any, Any]]:
    """For a functools.partial, its keywords: a dict Python reads at each call, which the user may
    change in place (`p.keywords["k"] = 5.0`) where the derivative holds the values it had (its
    function and positional arguments cannot change)."""
    if not isinstance(value, functools.partial):
        return []
    keywords = value.keywords
    return [(keywords, name, bound) for name, bound in keywords.items()] + [(TableKeys(keywords), "keys", TableKeys.SAME)]


def call_method_dependencies(value: Any) -> List[Tuple[Any, Any, Any]]:
    """For an object called like a function (`kernel(a, b)`, its class's `__call__`), the entries of
    its classes up to the one defining `__call__`: the method replaced there regenerates."""
    return _attribute_dependencies(value, "__call__", None) if _is_callable_instance(value) else []


def _attribute_dependencies(owner: Any, attribute: str, value: Any) -> List[Tuple[Any, Any, Any]]:
    """What `owner.attribute` resolving to `value` rests on: the instance's own entry, or the
    entries of its classes (of the class itself, for a class) up to the one defining the method (a
    Python function, a staticmethod or a classmethod of one: the instance's entry stays absent,
    each earlier class's too); none for other class attributes."""
    own = None if isinstance(owner, type) else getattr(owner, "__dict__", None)
    own = own if isinstance(own, dict) else None
    if own is not None and attribute in own:
        return [(own, attribute, value)]
    found = [] if own is None else [(own, attribute, None)]
    for cls in owner.__mro__ if isinstance(owner, type) else type(owner).__mro__:
        entry = vars(cls).get(attribute)
        found.append((vars(cls), attribute, entry))
        if entry is not None:
            return found if inspect.isfunction(getattr(entry, "__func__", entry)) else []
    return []


def as_function(func: Callable) -> Callable:
    """What a transformation differentiates for `func`: an object with a Python `__call__`
    method through that bound method, a functools.partial of a user function as that
    function with the partial's arguments bound."""
    if isinstance(func, functools.partial) and inspect.isfunction(as_user_function(func)):
        return as_user_function(func)
    call = getattr(type(func), "__call__", None)
    if not inspect.isroutine(func) and inspect.isfunction(call):
        return func.__call__
    return func


def as_user_function(value: Any) -> Any:
    """A bound method of a user class, an object of a user class with a `__call__` method (as that
    method bound to it) or a functools.partial of a user function, as the user function
    specialized to what it binds; other values unchanged."""
    if inspect.ismethod(value) and inspect.isfunction(value.__func__) and not _is_library(value.__func__):
        first = next(iter(inspect.signature(value.__func__).parameters), None)
        if first is None:
            return value
        return specialize(value.__func__, bound=((first, value.__self__),)) or value
    if _is_callable_instance(value):
        return as_user_function(value.__call__)
    if isinstance(value, functools.partial):
        inner = as_user_function(value.func)
        if not inspect.isfunction(inner) or _is_library(inner):
            return value
        names = list(inspect.signature(inner).parameters)
        if len(value.args) > len(names):
            return value
        bound = tuple(zip(names, value.args)) + tuple(sorted(value.keywords.items()))
        return specialize(inner, bound=bound) or value
    return value


def _is_callable_instance(value: Any) -> bool:
    """An object of a user class that defines `__call__` in Python (`kernel(a, b)` calls its method)."""
    call = getattr(type(value), "__call__", None)
    return (not isinstance(value, type) and inspect.isfunction(call) and not _is_library(call)
            and not _is_library(type(value)))


def is_function_value(value: Any) -> bool:
    """Whether a value passed to a user function is a function adjoint can specialize it to."""
    if value is MISSING or isinstance(value, (type, np.ndarray)):
        return False
    return isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType,
                              np.ufunc, functools.partial)) or is_derived(value)


def _is_library(func: Any) -> bool:
    module = module_of(func)
    return module.split(".")[0] in ("numpy", "scipy", "adjoint")


# ----- a call of a derived function with function values ---------------------------------------------

def specialized_for_call(func: Callable, args: tuple, kwargs: dict) -> Tuple[Values, Callable]:
    """(fixed, target): the call's arguments and defaults that are function values, and the
    function to differentiate for them (`func` itself when there are none)."""
    derived = is_derived(func)
    fixed = _function_arguments(_with_current_defaults(func) if derived else func, args, kwargs)
    classes = record_classes(func, args, kwargs)
    if not fixed and derived:
        return (), _derived_for(func, classes) if classes else func
    if not fixed:
        return (), specialize(unwrap(func), fixed=instance_of(func), classes=classes) if classes else func
    if derived:
        passed = _passed_names(func, args, kwargs)
        remade = func if any(name in passed for name, _ in fixed) else _derived_for(func, classes, fixed)
        if remade is not func:
            return fixed, remade
        raise AdjointError(f"{getattr(func, '__qualname__', func)} is a derivative, and derivatives of derivatives "
                           f"(hvp, grad of grad) are not specialized to the functions they receive (`{fixed[0][0]}`); "
                           "bind the function first, with a closure or functools.partial", _definition(func))
    return fixed, specialize(unwrap(func), fixed=fixed + instance_of(func), classes=classes)


_DERIVED: Dict[tuple, Tuple[Callable, tuple]] = {}


def _derived_for(func: Callable, classes: Values, defaults: Values = ()) -> Callable:
    """A derived function (hvp's grad, grad of grad) made again from the user's function specialized
    to the classes of its record arguments, and with the function values of its defaults bound
    (`act=np.tanh`, not passed): the derivative it stands for calls their methods, and those
    functions, as constants its own derivative follows. One per derived function, classes and
    defaults (memoized); a derived function of a bound method stays as it is."""
    recipe = getattr(func, "_recipe", None)
    key = (id(func), *(tuple((name, id(value)) for name, value in values) for values in (classes, defaults)))
    if recipe is not None and key not in _DERIVED:
        transform, inner, args, kwargs = recipe
        if getattr(inner, "_recipe", None) is not None:
            inner = _derived_for(inner, classes, defaults)
        elif inspect.isfunction(inner) and inspect.isfunction(unwrap(inner)):
            inner = specialize(unwrap(inner), bound=defaults, classes=classes) or inner
        remade = transform(inner, *args, **kwargs) if inner is not recipe[1] else func
        _DERIVED[key] = (remade, (func, defaults))  # what the ids of the key stand for stays alive
    return _DERIVED[key][0] if key in _DERIVED else func


@dataclass(frozen=True)
class ItemsOf:
    """What a list or tuple argument holds: records of exactly `cls`, a class with methods."""

    cls: type


items_of = functools.lru_cache(maxsize=None)(ItemsOf)  # one object per class: specializations are keyed by id


def record_classes(func: Callable, args: tuple, kwargs: dict) -> Values:
    """(parameter, class) for each argument that is a NamedTuple or dataclass of a class with
    methods of its own, and (parameter, items_of(class)) for each list or tuple of records all of
    one such class: the derivative is generated for the class (normalize/record_methods.py)."""
    if not any(_record_class(value) is not None for value in args + tuple(kwargs.values())):
        return ()
    try:
        bound = inspect.signature(func).bind(*args, **kwargs).arguments
    except TypeError:
        return ()
    return tuple((name, _record_class(value)) for name, value in bound.items() if _record_class(value) is not None)


def listed_classes(func: Callable) -> Values:
    """(parameter, items_of(class)) for each list argument func is specialized to (a derivative made
    for other items would call other methods: the cached call does not pick it by type alone)."""
    spec = specialization_of(func)
    return tuple((name, held) for name, held in spec.classes if isinstance(held, ItemsOf)) if spec else ()


def item_classes(args: tuple) -> tuple:
    """For each list or tuple among args, the one class of its items (None when it is empty or
    they are of several): with the types of the arguments, all that record_classes reads in
    positional arguments, so a call with the same (types, item classes) is specialized alike."""
    return tuple(_one_class(value) for value in args if type(value) in (list, tuple))


def _one_class(items: Sequence[Any]) -> Optional[type]:
    first = type(items[0]) if items else None
    return first if all(type(item) is first for item in items) else None


def _record_class(value: Any) -> Any:
    """The class of a record with methods, items_of that class for a list or tuple of such records, or None."""
    if _has_methods(type(value)):
        return type(value)
    if type(value) in (list, tuple) and value and _has_methods(type(value[0])):
        first = type(value[0])
        return items_of(first) if all(type(item) is first for item in value) else None
    return None


@functools.lru_cache(maxsize=None)
def _has_methods(cls: type) -> bool:
    """A NamedTuple or dataclass class with a method, staticmethod, classmethod or property of its own."""
    if not (dataclasses.is_dataclass(cls) or (issubclass(cls, tuple) and hasattr(cls, "_fields"))):
        return False
    return any(own_functions(entry) for klass in cls.__mro__[:-1] for entry in vars(klass).values())


_STANDARD_LIBRARY = sysconfig.get_paths()["stdlib"]


def own_functions(entry: Any) -> List[Callable]:
    """The Python functions of a class's entry (a method, a staticmethod's or classmethod's function, a
    property's getter) written in the user's source: not those Python writes (a dataclass's `__init__`)."""
    functions = [getattr(entry, "__func__", entry), getattr(entry, "fget", None)]
    return [f for f in functions if inspect.isfunction(f) and not f.__code__.co_filename.startswith(
        ("<", _STANDARD_LIBRARY))]


def instance_of(func: Callable) -> Values:
    """((first parameter, instance),) for a bound method, () otherwise."""
    if not inspect.ismethod(func):
        return ()
    return ((next(iter(inspect.signature(unwrap(func)).parameters)), func.__self__),)


def function_and_bound(value: Any) -> Tuple[Any, Values]:
    """(user function, the parameters it binds) for a bound method, or a functools.partial giving
    values to leading positional parameters, that as_user_function left as it was (its function
    has `*args` or `**kwargs`: only a call's arity can specialize it); (value, ()) otherwise."""
    if inspect.ismethod(value) and inspect.isfunction(value.__func__):
        return value.__func__, instance_of(value)
    if isinstance(value, functools.partial) and inspect.isfunction(value.func) and not value.keywords:
        positional = [p.name for p in inspect.signature(value.func).parameters.values() if p.kind in POSITIONAL]
        if len(value.args) <= len(positional):
            return value.func, tuple(zip(positional, value.args))
    return value, ()


def _function_arguments(func: Callable, args: tuple, kwargs: dict) -> Values:
    if not any(is_function_value(value) for value in args + tuple(kwargs.values())) and not _function_defaults(func):
        return ()
    try:
        bound = inspect.signature(func).bind(*args, **kwargs)
    except TypeError:
        return ()
    bound.apply_defaults()
    return tuple((name, value) for name, value in bound.arguments.items() if is_function_value(value))


def _with_current_defaults(func: Callable) -> Callable:
    """The user's function a derived function stands for, where it takes the same parameters: its
    defaults as they are now (the derived function's signature holds those it had when made)."""
    origin = getattr(func, "__adjoint_origin__", None)
    if not inspect.isfunction(origin):
        return func
    try:
        same = list(inspect.signature(origin).parameters) == list(inspect.signature(func).parameters)
    except (TypeError, ValueError):
        return func
    return origin if same else func


def _passed_names(func: Callable, args: tuple, kwargs: dict) -> frozenset:
    """The parameters a call passes a value for (not left to their defaults)."""
    try:
        return frozenset(inspect.signature(func).bind(*args, **kwargs).arguments)
    except TypeError:
        return frozenset()


def _definition(func: Callable) -> Optional[Location]:
    """Where the user's function a derived function stands for is defined (its `def` line)."""
    origin = unwrap(getattr(func, "__adjoint_origin__", func))
    code = getattr(origin, "__code__", None)
    if code is None:
        return None
    line = linecache.getline(code.co_filename, code.co_firstlineno).rstrip("\n")
    return Location(code.co_filename, code.co_firstlineno, len(line) - len(line.lstrip()), None, line)


@functools.lru_cache(maxsize=None)
def _function_defaults(func: Callable) -> bool:
    try:
        parameters = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(is_function_value(p.default) for p in parameters)
