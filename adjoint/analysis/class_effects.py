"""Class effects: the writes in place that the code of a user class makes where no call is written.

An object of a user class made from memory of the function (`o = Lazy(y)`) runs code of its class
where nothing in the function calls it by name: its initializer's helpers (`self._fill(a)`,
`super().__init__(a)`), a property read (`o.doubled`), an operator (`o += v` runs `__iadd__`,
`o[k]` runs `__getitem__`). analysis/hidden_effects.py refuses the construction where that code
writes in place into what the object was given. An argument holding an object whose property
the function reads by name, and whose getter writes in place, is refused when the derived
function is first called with arguments of its types (refuse_writing_properties). Read from the
source of the class (the functions' own `ast`, not normalized: what it writes, not how it computes).

    >>> # class Filler:  def __init__(self, a): self._fill(a)      def _fill(self, a): a[0] = 5.0
    >>> # initializer_helper_write(Filler.__init__, Filler) -> the line of `self._fill(a)`
"""
from __future__ import annotations

import ast
import functools
import inspect
import textwrap
from typing import Any, Callable, FrozenSet, Iterable, Optional, Set, Tuple

from adjoint.analysis.reach import is_library
from adjoint.analysis.writes import WRITING_METHODS
from adjoint.errors import ArgumentError
from adjoint.frontend.argument_values import parts
from adjoint.frontend.complex_values import parameter_location
from adjoint.frontend.parse import unwrap
from adjoint.normalize.record_methods import class_functions

# Methods Python runs for an object without a call by name that the function writes, beside
# properties; not those that make it (the initializer is read with its facts).
MADE_BY = ("__init__", "__post_init__", "__new__", "__init_subclass__", "__set_name__", "__class_getitem__")


@functools.lru_cache(maxsize=None)
def _tree(func: Callable) -> Optional[Tuple[ast.FunctionDef, int]]:
    """func's own definition, parsed, and the line it starts at (None without a source)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None
    function = tree.body[0] if tree.body else None
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    return function, func.__code__.co_firstlineno


def parameter_write(func: Callable) -> Optional[int]:
    """The line of the first write in place, in func's source, into a parameter other than the first
    (`c *= 2.0`, `c[0] = v`, `c.x = v`, `c.sort()`), or None (None too where the source is unavailable)."""
    found = _tree(func)
    if found is None:
        return None
    function, first_line = found
    parameters = {a.arg for a in function.args.args[1:] + function.args.kwonlyargs}
    for node in ast.walk(function):
        if any(isinstance(w, ast.Name) and w.id in parameters for w in _written(node)):
            return first_line + node.lineno - 1
    return None


def self_write(func: Callable, given: Optional[FrozenSet[str]]) -> Optional[int]:
    """The line of the first write in place, in func's source, into memory its first parameter holds
    through one of the attributes `given` (None: any): `self.a[0] = v`, `self.a += v`,
    `self.a.fill(0.0)`; or None."""
    found = _tree(func)
    if found is None or not found[0].args.args:
        return None
    function, first_line = found
    owner = function.args.args[0].arg
    for node in ast.walk(function):
        written = _written(node) + ([node.target] if isinstance(node, ast.AugAssign) else [])
        if any(_held_by(w, owner, given) for w in written):
            return first_line + node.lineno - 1
    return None


@functools.lru_cache(maxsize=None)
def given_attributes(cls: type) -> Optional[FrozenSet[str]]:
    """The attributes of an object of cls that may hold what its constructor was given: a dataclass's
    fields, and those its initializers set from an expression that may be or hold a parameter's
    object (`self.a = a`, `self.a = a[1:]`; not `a.copy()`, `np.array(a)`, `a * 2.0`); None (any) for
    a class without an initializer written in Python."""
    fields = getattr(cls, "__dataclass_fields__", None)
    names = set(fields or ())
    initializers = [getattr(cls, name, None) for name in ("__init__", "__post_init__")]
    trees = [_tree(f) for f in initializers if inspect.isfunction(f) and not is_library(f)]
    trees = [t for t in trees if t is not None]
    if not trees and fields is None:
        return None
    for function, _ in trees:
        owner = function.args.args[0].arg if function.args.args else None
        parameters = {a.arg for a in function.args.args[1:] + function.args.kwonlyargs}
        for node in ast.walk(function):
            if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                        and target.value.id == owner and _may_hold(node.value, parameters)):
                    names.add(target.attr)
    return frozenset(names)


# Calls that make a new object of what they are given (by their last name: `np.array`, `a.copy`).
COPIES = frozenset({"copy", "deepcopy", "array", "astype", "tolist", "flatten", "list", "dict", "tuple", "set",
                    "float", "int", "sorted", "zeros_like", "ones_like", "empty_like", "full_like"})


def _may_hold(expr: ast.expr, parameters: Set[str]) -> bool:
    """Whether the value of expr may be or hold the object of one of `parameters` (a name, an item,
    a view, a container of them, what a call other than a copy returns; not arithmetic)."""
    if isinstance(expr, ast.Name):
        return expr.id in parameters
    if isinstance(expr, (ast.BinOp, ast.UnaryOp, ast.Compare, ast.BoolOp, ast.Constant, ast.JoinedStr)):
        return False
    if isinstance(expr, ast.Call):
        name = expr.func.attr if isinstance(expr.func, ast.Attribute) else getattr(expr.func, "id", None)
        if name in COPIES:
            return False
    return any(isinstance(n, ast.Name) and n.id in parameters for n in ast.walk(expr))


def _written(node: ast.AST):
    """The objects a statement or call writes into in place: `w[k] = v` and `w.x = v` (w),
    `w += v` (w), `w.sort()` (w)."""
    targets = node.targets if isinstance(node, ast.Assign) else []
    targets = [node.target] if isinstance(node, ast.AugAssign) else targets
    written = [t.value for t in targets if isinstance(t, (ast.Subscript, ast.Attribute))]
    written += [t for t in targets if isinstance(node, ast.AugAssign) and isinstance(t, ast.Name)]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITING_METHODS:
        written.append(node.func.value)
    return written


def _held_by(node: ast.expr, owner: str, given: Optional[FrozenSet[str]]) -> bool:
    """`self.a`, `self.a.b`, `self.a[0]`: an object reached from `owner` through an attribute (its
    first one among `given`, unless None)."""
    first = None
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        first = node.attr if isinstance(node, ast.Attribute) else first
        node = node.value
    return first is not None and isinstance(node, ast.Name) and node.id == owner and (given is None or first in given)


def initializer_helper_write(initializer: Callable, cls: type) -> Optional[int]:
    """The line, in the initializer, of a call of a method of the class (`self._fill(a)`,
    `super().__init__(a)`, `Base.__init__(self, a)`) given one of its parameters, where that method
    (or a method it calls so) writes into its parameters in place; None otherwise."""
    return _helper_write(initializer, cls, set())


def _helper_write(func: Callable, cls: type, seen: Set[int]) -> Optional[int]:
    found = _tree(func)
    if found is None or id(func) in seen or not found[0].args.args:
        return None
    seen.add(id(func))
    function, first_line = found
    owner = function.args.args[0].arg
    parameters = {a.arg for a in function.args.args[1:] + function.args.kwonlyargs}
    for node in ast.walk(function):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        passed = any(isinstance(a, ast.Name) and a.id in parameters
                     for a in node.args + [k.value for k in node.keywords])
        method = _method_called(node.func, owner, func, cls) if passed else None
        if method is not None and (parameter_write(method) is not None or _helper_write(method, cls, seen) is not None):
            return first_line + node.lineno - 1
    return None


def _method_called(func: ast.Attribute, owner: str, caller: Callable, cls: type) -> Optional[Callable]:
    """The Python function `self.m`, `super().m` or `Base.m` names in a method of cls (None if it
    names none: a library's method, an attribute holding another object)."""
    receiver = func.value
    classes = list(cls.__mro__)
    if isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name) and receiver.func.id == "super":
        defining = next((k for k in classes if vars(k).get(caller.__name__) is caller), None)
        classes = classes[classes.index(defining) + 1:] if defining is not None else classes[1:]
    elif isinstance(receiver, ast.Name) and receiver.id != owner:
        named = caller.__globals__.get(receiver.id)
        classes = [k for k in classes if k is named]
    elif not (isinstance(receiver, ast.Name) and receiver.id == owner):
        return None
    for klass in classes:
        if func.attr in vars(klass):
            member = vars(klass)[func.attr]
            member = getattr(member, "__func__", member)
            return member if inspect.isfunction(member) and not is_library(klass) else None
    return None


@functools.lru_cache(maxsize=None)
def self_writer(cls: type, properties_only: bool = False) -> Optional[Tuple[str, Callable, int]]:
    """(its name, the function, the line) of a property getter or an operator method of a user class
    (`__iadd__`, `__getitem__`, `__call__`, ...; a getter alone with `properties_only`) that writes in
    place into memory the object holds or into what it is given; None where none does."""
    given = given_attributes(cls)
    for klass in cls.__mro__:
        if is_library(klass):
            continue
        for name, member in vars(klass).items():
            func = member.fget if isinstance(member, property) else getattr(member, "__func__", member)
            operator = name.startswith("__") and name.endswith("__") and name not in MADE_BY and not properties_only
            if not inspect.isfunction(func) or not (isinstance(member, property) or operator):
                continue
            line = self_write(func, given) or parameter_write(func)
            if line is not None:
                return f"{klass.__qualname__}.{name}", func, line
    return None


def refuse_writing_properties(arguments: Iterable[Tuple[str, Any]], what: str, func: Callable) -> None:
    """Raise ArgumentError where an argument is or holds an object of a user class whose property,
    read by name in func's source, writes in place into what the object holds (`p.scaled` with
    `self.a *= 2.0` in its getter; read in func or in a method of a record it is given): the derivative would not follow the change (nor, where the
    value read is not differentiated, make it). Checked once for each set of argument types."""
    read = None  # func's source is read only for an argument with such a property
    for name, value in arguments:
        for part in parts(value):
            writer = _property_writer(type(part))
            if writer is None:
                continue
            read = _attribute_names(func) | _read_by_methods(arguments) if read is None else read
            if writer[0].rsplit(".", 1)[1] in read:
                label, method, line = writer
                raise ArgumentError(
                    f"the argument `{name}` of {what} is or holds an object of `{type(part).__qualname__}`, whose "
                    f"property `{label}` ({method.__code__.co_filename}:{line}) writes in place into what the object "
                    "holds, and adjoint does not follow that change: make the property return a new value",
                    parameter_location(func, name))


def _read_by_methods(arguments: Iterable[Tuple[str, Any]]) -> FrozenSet[str]:
    """The attribute names the methods of the arguments' records read (the derivative calls them:
    normalize/record_methods.py), their items' and fields' records included."""
    classes = {type(part) for _, value in arguments for part in parts(value)}
    return frozenset().union(*(_attribute_names(method) for cls in classes for method in class_functions(cls)))


def _property_writer(cls: type) -> Optional[Tuple[str, Callable, int]]:
    return None if is_library(cls) else self_writer(cls, True)


def _attribute_names(func: Callable) -> FrozenSet[str]:
    """The attribute names func's source reads (none without a source)."""
    found = _tree(unwrap(func)) if inspect.isfunction(unwrap(func)) else None
    if found is None:
        return frozenset()
    return frozenset(node.attr for node in ast.walk(found[0]) if isinstance(node, ast.Attribute))
