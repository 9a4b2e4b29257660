"""Outside reads: the objects from outside a function that it, or a function it calls, reads.

A derivative takes the memory of a global or closure object for memory no argument reaches. An
argument that is (or holds, or views) such an object and that the function writes into in place
changes what the global reads in Python (`f(x, W)` with `w[0] = x[0]` and `np.sum(W * x)`), a
change the derivative does not follow. ad/shared_arguments.py checks, first in the derivative of
a function that writes into an argument, that no argument it writes into shares anything with the
objects found here: the globals and closure objects the function reads by name (or as attributes
of a module or a class of the user's), and those the user functions it calls (and theirs) read, found from
their code objects (every name they use: attribute names that are global names too are taken, the
check only ever compares).
"""
from __future__ import annotations

import inspect
import numbers
import types
from typing import Any, Callable, Dict, List, Set, Tuple

import gast
import numpy as np

from adjoint import nodes
from adjoint.analysis.calls import CallClassifier, Callee
from adjoint.analysis.reach import is_library, names_of
from adjoint.frontend.parse import MISSING, ParsedFunction, unwrap

# Values that neither are nor hold memory a write could reach.
INERT = (numbers.Number, str, bytes, type(None), type(Ellipsis), range, slice, np.generic, np.dtype, type,
         types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType, np.ufunc)


def holds_memory(value: Any) -> bool:
    """An array, a container, or an object of a class that keeps attributes (not a function, a
    class, a module, a number, a descriptor or a library's callable)."""
    if isinstance(value, INERT) or value is MISSING or hasattr(type(value), "__get__"):
        return False  # (a descriptor, as a property, is code of a class, not its data)
    return not (callable(value) and is_library(value))


def outside_reads(parsed: ParsedFunction, local_names: frozenset,
                  classifier: CallClassifier) -> Tuple[List[gast.expr], List[Tuple[str, Any]]]:
    """(the expressions, each a name or a user module's attribute, by which the function reads
    memory from outside it; (a name, the object) for each object from outside the user functions
    it calls read)."""
    read: Dict[str, gast.expr] = {}
    callees: List[Callable] = []
    for node in nodes.walk(parsed.node):
        if isinstance(node, gast.Call) and classifier.classify(node).kind == Callee.USER:
            callees.append(classifier.classify(node).func)
        if not isinstance(node, gast.Name) or not isinstance(node.ctx, gast.Load) or node.id in local_names:
            continue
        value = parsed.lookup(node.id)
        if holds_memory(value):
            read.setdefault(node.id, nodes.name(node.id))
        elif isinstance(value, (types.ModuleType, type)) and not is_library(value):
            for attribute in _attributes_read(parsed.node, node.id):
                if holds_memory(_static_attribute(value, attribute)):
                    read.setdefault(f"{node.id}.{attribute}", gast.Attribute(
                        value=nodes.name(node.id), attr=attribute, ctx=gast.Load()))
        if _is_user_code(value):
            callees.append(value)
    for name, value in sorted(parsed.fixed.items()):  # a bound method's instance: from outside, as a global
        if holds_memory(value):
            read.setdefault(name, nodes.name(name))
    found: Dict[int, Tuple[str, Any]] = {}
    seen: Set[int] = set()
    for callee in callees:
        _read_by(callee, found, seen)
    own = {id(parsed.lookup(name)) for name in read if "." not in name}
    return list(read.values()), [item for key, item in found.items() if key not in own]


def _attributes_read(tree: gast.AST, owner: str) -> List[str]:
    return sorted({node.attr for node in nodes.walk(tree) if isinstance(node, gast.Attribute)
                   and isinstance(node.value, gast.Name) and node.value.id == owner})


def _static_attribute(owner: Any, attribute: str) -> Any:
    """A module's or a class's attribute as it is stored (a property's getter is not run)."""
    try:
        return inspect.getattr_static(owner, attribute)
    except AttributeError:
        return MISSING


def _is_user_code(value: Any) -> bool:
    return isinstance(value, (types.FunctionType, types.MethodType, type)) and not is_library(value)


def _read_by(value: Any, found: Dict[int, Tuple[str, Any]], seen: Set[int]) -> None:
    """Add to `found` the objects from outside that the code of `value` (a user function, method or
    class: its methods), and the user code it names, reads."""
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, types.MethodType):
        _keep(found, "self", value.__self__, seen)
        value = value.__func__
    if isinstance(value, type):
        for klass in value.__mro__:
            if not is_library(klass):
                for name, member in vars(klass).items():
                    member = getattr(member, "__func__", member)
                    if isinstance(member, property):
                        member = member.fget
                    if isinstance(member, types.FunctionType):
                        _read_by(member, found, seen)
                    elif not (name.startswith("__") and name.endswith("__")):  # a class attribute
                        _keep(found, name, member, seen)
        return
    func = unwrap(value)
    if not isinstance(func, types.FunctionType) or is_library(func):
        return
    scope = func.__globals__
    for name in sorted(names_of(func.__code__)):
        item = scope.get(name, MISSING)
        if isinstance(item, types.ModuleType) and not is_library(item):
            for attribute in sorted(names_of(func.__code__)):
                _keep(found, attribute, getattr(item, attribute, MISSING), seen)
        else:
            _keep(found, name, item, seen)
    for name, cell in zip(func.__code__.co_freevars, func.__closure__ or ()):
        try:
            _keep(found, name, cell.cell_contents, seen)
        except ValueError:  # an empty cell
            continue


def _keep(found: Dict[int, Tuple[str, Any]], name: str, value: Any, seen: Set[int]) -> None:
    if holds_memory(value):
        found.setdefault(id(value), (name, value))
        if not is_library(type(value)):
            _read_by(type(value), found, seen)
    elif _is_user_code(value):
        _read_by(value, found, seen)
