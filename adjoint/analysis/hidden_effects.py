"""Hidden effects: in-place writes where the checks of analysis/aliases.py do not look.

Those checks follow a write `c[i] = v`, and a call of a user function or of a NumPy function
that writes into its operands where the call is the whole value of a statement (`y = f(c)`,
`f(c)`). These shapes change memory in place too:

- a call of a user function that A-normal form leaves inside an expression: a condition
  (`if f(c)[0] > 0:`, an `and`/`or` operand, `not`), an `assert`, an f-string;
- a method that writes into its object where its result is kept or used (`z = c.fill(2.0)`,
  `[c.sort()]`; the statement `c.sort()` is written as a new value or refused when desugared);
- a user function passed as a value to what may call it (`map(g, xs)`, `sorted(xs, key=g)`,
  `fs = [g]`, `h = g`), and a call of a function known only when the function runs
  (`FS[i](c)`, `getattr(m, name)(c)`), which may be one;
- a NumPy or library function that writes into what it is given inside an expression
  (`np.copyto(c, v) is None`), or anywhere where it has no rule (`random.shuffle(xs)`,
  `heapq.heappush(h, v)`, `list.sort(xs)`);
- a NumPy or SciPy function told to overwrite what it is given (`lu_factor(a, True)`,
  `np.median(a, overwrite_input=True)`, `gaussian_filter(x, 1.0, output=y)`: analysis/writes.py);
- an object of a user class made (`Scaler(c)`) whose initializer writes into what it is given
  (itself, or through a method of the class it calls: `self._fill(c)`, `super().__init__(c)`),
  or whose class has code Python runs without a call written in the function that writes in
  place into what the object holds (a property getter, `__iadd__`, `__getitem__`, ...:
  analysis/class_effects.py).

The derivative would run such a change as Python does and never differentiate it: each is
refused at its line where it may write in place (a user function: where its facts say it
writes into an argument, into an object from outside, or where adjoint cannot read it).
analysis/argument_facts.py tells a function's callers of its hidden effects that may reach its
arguments, for functions that are called but not differentiated.
"""
from __future__ import annotations

import collections
import inspect
import random
import types
from dataclasses import dataclass
from typing import Callable, Dict, FrozenSet, Iterator, List, Optional, Tuple

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.analysis.calls import CallClassifier, Callee
from adjoint.analysis.kinds import SCALAR
from adjoint.analysis.class_effects import (given_attributes, initializer_helper_write, parameter_write, self_write,
                                             self_writer)
from adjoint.analysis.writes import STANDARD_LIBRARY_WRITERS, WRITING_METHODS, writes_its_operands
from adjoint.errors import NonDifferentiableError
from adjoint.frontend.parse import MISSING, ParsedFunction
from adjoint.frontend.values import resolve_value
from adjoint.nodes import is_append, is_pop
from adjoint.frontend.names import module_of

# The objects whose writing methods those are (a receiver that is another object, or a module or
# class other than these, is not taken for one).
WRITABLE = (list, dict, set, bytearray, np.ndarray, collections.deque, np.random.RandomState, np.random.Generator)
_LIBRARIES = ("builtins", "numpy", "scipy", "adjoint", "collections", "functools", "dataclasses", "typing")
# Functions of NumPy and of Python's library that write into what they are given, beside
# analysis/writes.py's.
LIBRARY_WRITERS = (np.random.shuffle, random.shuffle) + STANDARD_LIBRARY_WRITERS


@dataclass(frozen=True)
class Candidate:
    """A node that may change memory in place unseen: `shape` is "method", "library" (a NumPy or library
    writer), "call" (a user function called inside an expression), "value" (a user function passed
    as a value), "constructor" (an object of a user class made: `func` is an initializer of the class)
    or "unknown" (a call of a function known only when running)."""

    shape: str
    node: gast.AST
    stmt: gast.stmt
    func: object = None


HiddenWrite = Tuple[Candidate, FrozenSet[object]]  # and the objects from outside it may change


def candidates(parsed: ParsedFunction, classifier: CallClassifier, local_names: frozenset,
               stmt: gast.stmt) -> Iterator[Candidate]:
    """The nodes of one statement (not of the statements inside it) that may change memory in place
    where analysis/aliases.py does not look (see the module)."""
    value = getattr(stmt, "value", None)
    top = value if isinstance(stmt, (gast.Assign, gast.Expr)) and isinstance(value, gast.Call) else None
    parts = set()  # callees, and the owners in `a.b`: not values passed on
    for node in _own_nodes(stmt):
        if isinstance(node, gast.Attribute):
            parts.add(id(node.value))
        if isinstance(node, gast.Call):
            parts.add(id(node.func))
            if classifier.classify(node).func is runtime.function_position:  # compares the functions, calls none
                parts.update(id(argument) for argument in node.args)
            if _writes_its_object(node, parsed, local_names) and not _handled_method(stmt, node, top, parsed):
                yield Candidate("method", node, stmt)
            elif (node is not top and writes_its_operands(node, classifier)) or _library_writer(node, classifier):
                yield Candidate("library", node, stmt)
            elif node is not top and classifier.classify(node).kind == Callee.USER:
                yield Candidate("call", node, stmt, classifier.classify(node).func)
            elif _chosen_when_running(node, classifier, local_names, parsed):
                label = (f"{nodes.dotted_name(node.func.func) or 'a function'}(...)" if isinstance(node.func, gast.Call)
                         else classifier.classify(node).label)
                yield Candidate("unknown", node, stmt, label)
            elif isinstance(classifier.classify(node).func, type):  # (the classifier resolves each callee once)
                for initializer in _initializers(node.func, parsed, local_names):
                    yield Candidate("constructor", node, stmt, initializer)
        elif id(node) not in parts and _read_from_outside(node, parsed, local_names):
            value = resolve_value(node, parsed, local_names)
            if isinstance(value, type):  # `map(Scaler, xs)`
                for initializer in _initializers(node, parsed, local_names):
                    yield Candidate("constructor", node, stmt, initializer)
            elif _may_be_function(value) and classifier.classify_callee(node).kind == Callee.USER:
                yield Candidate("value", node, stmt, classifier.classify_callee(node).func)


def hidden_writes(parsed: ParsedFunction, kinds: Dict[str, str], classifier: CallClassifier, callee_facts,
                  local_names: frozenset) -> Iterator[HiddenWrite]:
    """The hidden effects of a function that may write in place, each with the global or closure
    objects it may change (for its callers' facts: analysis/argument_facts.py)."""
    for stmt in nodes.statements(parsed.node):
        for candidate in candidates(parsed, classifier, local_names, stmt):
            if _refusal(candidate, parsed, kinds, callee_facts) is not None:
                yield candidate, _outer_of(candidate, kinds, callee_facts)


def written_names(candidate: Candidate) -> Optional[List[str]]:
    """The names whose memory a hidden effect may write into (None: any, for a function value)."""
    return None if candidate.shape == "value" else nodes.names_read(candidate.node)


def refuse_hidden_effects(parsed: ParsedFunction, kinds: Dict[str, str], classifier: CallClassifier,
                          callee_facts, local_names: frozenset, refuse: Callable[[gast.AST, str], Exception],
                          active: FrozenSet[str] = frozenset()) -> None:
    """Refuse (raise `refuse(node, message)`) the first hidden effect that may write in place. (A
    call of a function known only when running whose result is `active` is left to the transform,
    which refuses it with the reason the classifier knows.)"""
    for stmt in nodes.statements(parsed.node):
        for candidate in candidates(parsed, classifier, local_names, stmt):
            if candidate.shape == "unknown" and nodes.assigned_name(stmt) in active:
                continue
            reason = _refusal(candidate, parsed, kinds, callee_facts)
            if isinstance(reason, Exception):
                raise reason
            if reason is not None:
                raise refuse(_located(candidate), reason)


def _refusal(candidate: Candidate, parsed: ParsedFunction, kinds: Dict[str, str], callee_facts):
    """Why the candidate is refused (a message, or the error that kept adjoint from reading the
    function), or None where it writes nothing in place."""
    node = candidate.node
    if candidate.shape == "method":
        owner = nodes.dotted_name(node.func.value) or "its object"
        if isinstance(resolve_value(node.func.value, parsed, nodes.local_names(parsed.node)), type) and node.args:
            owner = nodes.dotted_name(node.args[0]) or "its first argument"  # `list.sort(xs)`
        return (f"`.{node.func.attr}(...)` changes `{owner}` in place where adjoint does not follow the change (its "
                "result is used, the call is part of a larger expression, or the object is not a variable of the "
                f"function); build a new value instead (`{owner} = ...`)")
    if candidate.shape == "unknown":
        return _unknown_callee(candidate, parsed, kinds)
    if candidate.shape == "library":
        if not _passes_memory(node, kinds):
            return None
        return ("this call writes in place into what it is given, and adjoint does not differentiate the change "
                "here (inside a condition, an `and`/`or` operand, an f-string..., or a library function it has no "
                "rule for): compute a new value instead, on a line of its own (`y = np.sort(y)`)")
    if candidate.shape == "constructor":
        return _constructor_writes(candidate, parsed, kinds, callee_facts)
    name = getattr(candidate.func, "__name__", "the function")
    call = _call_of(candidate)
    if candidate.shape == "call" and not _passes_memory(node, kinds):
        return None
    where, _, unreadable, outer, unseen, *_ = callee_facts(candidate.func, call, kinds)
    where = where or unseen
    if where is None and not outer:
        return None
    if unreadable is not None and candidate.shape == "call":
        return unreadable  # (what kept adjoint from reading it is the better reason)
    if unreadable is not None:
        what = "is a function adjoint cannot read" + (f" ({where.filename}:{where.lineno})" if where else "")
    elif where is not None:
        what = f"changes an argument in place ({where.filename}:{where.lineno})"
    else:
        what = "changes in place an object from outside it (a global, or an object reached from one)"
    if candidate.shape == "call":
        return (f"`{name}` {what}, and this call is part of an expression adjoint does not split into steps (a "
                "condition, an `and`/`or` operand, an f-string...), where the change would not be differentiated: "
                f"call it on a line of its own (`t = {name}(...)`), or make it return the new value instead")
    return (f"`{name}` {what}, and it is passed here as a value, to be called where adjoint cannot follow what "
            "it changes: call it directly, or make it return the new value instead of writing in place")


def _constructor_writes(candidate: Candidate, parsed: ParsedFunction, kinds: Dict[str, str],
                        callee_facts) -> Optional[str]:
    """Why constructing an object of a user class is refused: code of its class that runs without a
    call written in the function (a property, an operator: analysis/class_effects.py) writes in place
    into what the object holds, or its initializer writes into what it is given (by its facts, by a
    method of the class it calls with a parameter, by a write into an attribute holding what it was
    given, `self.a[0] = v`, or, where adjoint cannot read it, by a write in place into a parameter
    other than self: `c *= 2.0`, `c[0] = v`, `c.sort()`); or None."""
    if isinstance(candidate.node, gast.Call) and not _passes_memory(candidate.node, kinds):
        return None
    made = ("constructing this object" if isinstance(candidate.node, gast.Call)
            else "this class is passed here as a value, and constructing its objects")
    cls = resolve_value(candidate.node.func if isinstance(candidate.node, gast.Call) else candidate.node, parsed,
                        nodes.local_names(parsed.node))
    writer = self_writer(cls) if isinstance(cls, type) else None
    if writer is not None:
        label, func, line = writer
        return (f"{made} gives it memory of the function, and `{label}` ({func.__code__.co_filename}:{line}) writes "
                "in place into what its object holds or is given where Python runs it without a call written here "
                "(a property read, an operator); adjoint does not follow that change: pass a copy (`.copy()`), or "
                "make it return a new value")
    initializer = candidate.func
    if isinstance(initializer, type):
        return None
    where, _, unreadable, outer, unseen, *_ = callee_facts(initializer, _call_of(candidate), kinds)
    line = parameter_write(initializer) if unreadable is not None else (where or unseen) and (where or unseen).lineno
    if line is None and isinstance(cls, type):
        line = initializer_helper_write(initializer, cls) or self_write(initializer, given_attributes(cls))
    if line is None and (unreadable is not None or not outer):
        return None
    what = (f"writes into an argument in place ({initializer.__code__.co_filename}:{line})" if line is not None
            else "changes in place an object from outside it (a global, or an object reached from one)")
    return (f"{made} runs `{initializer.__qualname__}`, which {what}; adjoint does not follow that change: pass "
            "a copy (`.copy()`), or make the initializer keep a new value")


def _unknown_callee(candidate: Candidate, parsed: ParsedFunction, kinds: Dict[str, str]):
    """The refusal of a call of a function known only when running that is given memory (None if
    it is given numbers alone): as for such a call whose result is differentiated."""
    if not _passes_memory(candidate.node, kinds):
        return None
    label = candidate.func or "the function"
    return NonDifferentiableError(label, (
        f"`{label}` is a function known only when the function runs, which may change what it is given in place "
        "where adjoint cannot follow it; call a function by its own name, or pass it as an argument of the "
        "differentiated function"), parsed.info.location(candidate.stmt))


def _outer_of(candidate: Candidate, kinds: Dict[str, str], callee_facts) -> FrozenSet[object]:
    if candidate.shape not in ("call", "value", "constructor"):
        return frozenset()
    return callee_facts(candidate.func, _call_of(candidate), kinds)[3]


def _call_of(candidate: Candidate) -> gast.Call:
    """The call a user function's facts are read for: a function value's, an initializer's, as if
    called with nothing known of its arguments."""
    if candidate.shape == "call":
        return candidate.node
    return gast.Call(func=candidate.node, args=[], keywords=[])


def _own_nodes(stmt: gast.stmt) -> List[gast.AST]:
    """The expression nodes of a statement, not those of the statements inside it."""
    found: List[gast.AST] = []
    for child in nodes.children(stmt):
        if not isinstance(child, (gast.stmt, gast.excepthandler)):
            found.extend(nodes.every_node(child))
    return found


def _handled_method(stmt: gast.stmt, call: gast.Call, top: Optional[gast.Call], parsed: ParsedFunction) -> bool:
    """A method call the statements' own forms cover: `xs.append(v)` and `v = xs.pop()` (analysis/
    aliases.py), and `G.sort()` as a statement on a global's object (desugared into a write of G;
    `c.sort()` on a local value is written as a new value or refused there)."""
    if call is not top:
        return False
    if is_pop(call) or is_append(stmt):
        return True
    owner = call.func.value
    return isinstance(stmt, gast.Expr) and isinstance(owner, gast.Name) and any(
        name == owner.id and getattr(node, "lineno", None) == stmt.lineno for name, node in parsed.in_place)


def _writes_its_object(call: gast.Call, parsed: ParsedFunction, local_names: frozenset) -> bool:
    """`c.fill(2.0)`, `xs.sort()`: a method that changes its object in place, of a local value or of
    a list, dict, set or array (a module's function of that name, `np.sort`, is not one)."""
    func = call.func
    if not isinstance(func, gast.Attribute) or func.attr not in WRITING_METHODS:
        return False
    owner = resolve_value(func.value, parsed, local_names)
    if owner is MISSING:
        return True
    if isinstance(owner, type):
        return issubclass(owner, WRITABLE)
    return isinstance(owner, WRITABLE)


def _library_writer(call: gast.Call, classifier: CallClassifier) -> bool:
    """`random.shuffle(xs)`, `heapq.heappush(h, v)`, `list.sort(xs)`: a library function that writes
    into what it is given, wherever the call stands."""
    func = classifier.classify(call).func
    if any(func is writer for writer in LIBRARY_WRITERS):
        return True
    owner = getattr(func, "__objclass__", None)
    return isinstance(owner, type) and issubclass(owner, WRITABLE) and func.__name__ in WRITING_METHODS


def _initializers(node: gast.expr, parsed: ParsedFunction, local_names: frozenset) -> List[Callable]:
    """The `__init__` and `__post_init__` written in Python of the user class `node` names (not those
    a dataclass generates), which may write into what its constructor is given; the class itself
    where it has none but code of it writes in place (analysis/class_effects.py)."""
    cls = resolve_value(node, parsed, local_names)
    if not isinstance(cls, type) or module_of(cls).split(".")[0] in _LIBRARIES:
        return []
    methods = [getattr(cls, name, None) for name in ("__init__", "__post_init__")]
    methods = [method for method in methods if inspect.isfunction(method)
               and not method.__code__.co_filename.startswith("<")]
    return methods or ([cls] if self_writer(cls) is not None else [])


def _chosen_when_running(call: gast.Call, classifier: CallClassifier, local_names: frozenset,
                         parsed: ParsedFunction) -> bool:
    """A call of a function known only when the function runs (`FS[i](c)`, `getattr(m, n)(c)`,
    `h(c)` with h a variable): it may be a user function that writes into what it is given."""
    func = call.func
    if isinstance(func, gast.Name):
        chosen = func.id in local_names and func.id not in parsed.fixed
    else:
        chosen = isinstance(func, (gast.Subscript, gast.Call))
    return chosen and classifier.classify(call).kind == Callee.UNKNOWN


def _read_from_outside(node: gast.AST, parsed: ParsedFunction, local_names: frozenset) -> bool:
    """A name or attribute chain read as a value, from outside the function (or a parameter fixed
    to a function)."""
    if not isinstance(node, (gast.Name, gast.Attribute)) or not isinstance(node.ctx, gast.Load):
        return False
    root = node
    while isinstance(root, gast.Attribute):
        root = root.value
    return isinstance(root, gast.Name) and (root.id not in local_names or root.id in parsed.fixed)


def _may_be_function(value: object) -> bool:
    """Whether a value may be a function (a module, a class, a number, an array may not)."""
    return value is not MISSING and callable(value) and not isinstance(value, (type, types.ModuleType))


def _passes_memory(call: gast.Call, kinds: Dict[str, str]) -> bool:
    """Whether a call's arguments read a name that may hold memory (not a number)."""
    operands = list(call.args) + [k.value for k in call.keywords]
    return any(kinds.get(name) != SCALAR for operand in operands for name in nodes.names_read(operand))


def _located(candidate: Candidate) -> gast.AST:
    return candidate.node if getattr(candidate.node, "lineno", None) else candidate.stmt
