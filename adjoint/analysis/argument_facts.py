"""Argument facts: what a function does to what its callers give it, as its callers check it.

A caller of a user function needs to know, without reading it again: where it writes in place
into its arguments (itself or through a function it passes them to), what its result may be or
hold of memory it did not make (its arguments, memory from outside: analysis/sharing.py), which
global or closure objects it changes, and its writes no caller sees (analysis/residuals.py).
"""
from __future__ import annotations

import inspect
from typing import Callable, Dict, FrozenSet, List, Optional, Set, Tuple

import gast

from adjoint import nodes
from adjoint.analysis.calls import CallClassifier, Callee
from adjoint.analysis.hidden_effects import HiddenWrite, hidden_writes, written_names
from adjoint.analysis.residuals import NO_FACTS, BackwardSharing, ResidualFacts, private_parts
from adjoint.analysis.sharing import ARGUMENTS, OUTSIDE_ITEMS, OUTSIDE_MEMORY, RETURNS_ANYTHING, Sharing, operands_of
from adjoint.analysis.writes import (rebound_lines, statements_of, user_call, writes_in_place, writes_its_operands,
                                     written_operands)
from adjoint.errors import AdjointError
from adjoint.frontend.parse import MISSING, ParsedFunction, parse_function
from adjoint.normalize.generators import is_generator_function, what_it_may_do

IMMUTABLE = (int, float, complex, str, bytes, tuple, frozenset, type(None))


def argument_facts(parsed: ParsedFunction, kinds: Dict[str, str], classifier: CallClassifier, callee_facts,
                   residual_facts: Callable[[Callable], ResidualFacts] = lambda func: NO_FACTS):
    """(the Location of the first in-place write of a normalized function into its arguments,
    its own or one made by a function it passes them to, or None; what it returns may be or hold
    of memory it did not make (ARGUMENTS, OUTSIDE_MEMORY, OUTSIDE_ITEMS: analysis/sharing.py);
    the ids of the global or closure objects it or a function it calls writes into in place; the
    Location of its first write no caller sees (into memory private to a backward half and its
    forward half, analysis/residuals.py), or None; the parameters it may write into, see
    _written_parameters). `callee_facts(func, call, kinds)` gives those facts of a callee,
    `residual_facts(func)` a backward half's ResidualFacts."""
    returns_of = lambda func, call: callee_facts(func, call, kinds)[1]  # noqa: E731
    residuals = residual_facts(parsed.func)
    storage = BackwardSharing(parsed.node, kinds, classifier, rebound_lines(parsed), returns_of, residuals)
    statements = {s: s for s in nodes.statements(parsed.node)}
    returned = parsed.node.body[-1]
    returns = _returned_memory(storage, returned)
    hidden = list(hidden_writes(parsed, kinds, classifier, callee_facts, classifier.local_names))
    outer = _outer_writes(parsed, kinds, classifier, callee_facts, storage, hidden)
    calls = list(_user_calls_writing(classifier, callee_facts, kinds, storage, statements))
    parameters = _written_parameters(parsed, kinds, classifier, storage, statements, hidden, calls)
    private = []
    for write in writes_in_place(parsed.node, parsed, kinds):
        for stmt in statements_of(write, storage, statements):
            written = storage.before[stmt][0].get(write.name, frozenset()) & storage.argument_roots
            if written and (write.rebound or not written <= private_parts(residuals)):
                return parsed.info.location(write.node), returns, outer, None, parameters
            if written:
                private.append(parsed.info.location(write.node))
    for stmt, call, reached, facts in calls:
        if not reached & storage.argument_roots:
            continue
        where, _, _, _, unseen, *_ = facts
        if where or unseen and not residuals.calls:
            return parsed.info.location(stmt), returns, outer, None, parameters
        if unseen:
            private.append(parsed.info.location(stmt))
    into_arguments = _hidden_write_into_arguments(hidden, storage) or _library_write_into_arguments(
        classifier, storage, statements)
    if into_arguments is not None:
        return parsed.info.location(into_arguments), returns, outer, None, parameters
    return None, returns, outer, (private[0] if private else None), parameters


def _user_calls_writing(classifier: CallClassifier, callee_facts, kinds: Dict[str, str], storage: Sharing, statements):
    """(statement, call, the roots reached by what the call passes to the parameters its function
    may write into, its callee_facts) for each call of a user function."""
    for stmt in statements:
        call = user_call(stmt, classifier)
        if call is None:
            continue
        func = classifier.classify(call).func
        facts = callee_facts(func, call, kinds)
        passed = written_arguments(func, call, facts[6])
        if passed is None:
            passed = [a.id for a in operands_of(call) if isinstance(a, gast.Name)]
        yield stmt, call, set().union(*[storage.reaches(name, storage.before[stmt]) for name in passed]), facts


def _written_parameters(parsed: ParsedFunction, kinds: Dict[str, str], classifier: CallClassifier, storage: Sharing,
                        statements, hidden: List[HiddenWrite], calls: list) -> Optional[FrozenSet[str]]:
    """The names of the parameters whose memory, or memory they hold, the function may write into in
    place (itself, through a function it passes them to, or through NumPy's `out=`); None where
    that is not known: a hidden effect (analysis/hidden_effects.py), a `*args` or `**kwargs`."""
    if parsed.node.args.vararg or parsed.node.args.kwarg:
        return None
    roots: Set[str] = set()
    for write in writes_in_place(parsed.node, parsed, kinds):
        for stmt in statements_of(write, storage, statements):
            roots |= storage.before[stmt][0].get(write.name, frozenset())
    for _, _, reached, facts in calls:  # (_user_calls_writing)
        if facts[6] is None or facts[0] is not None or facts[4] is not None:  # (else it writes into nothing
            roots |= reached                                                    # it is given; None: a recursive call)
    for candidate, _ in hidden:
        names = written_names(candidate)
        if names is None:
            return None
        roots.update(*[storage.ever.get(name, frozenset()) for name in names])
    for stmt, call in _library_writes(classifier, storage, statements):
        for operand in written_operands(call, classifier):
            if isinstance(operand, gast.Name):
                roots |= storage.reaches(operand.id, storage.before[stmt])
    return frozenset(root.rpartition("argument ")[2] for root in roots & storage.argument_roots)


def written_arguments(func: Callable, call: gast.Call, parameters: Optional[FrozenSet[str]]) -> Optional[List[str]]:
    """The names a call passes to the parameters of func among `parameters` (those it may write
    into, callee_facts); None where they are not known (`parameters` None, a starred argument, a
    call its signature does not bind)."""
    if parameters is None or any(isinstance(a, gast.Starred) for a in call.args) or \
            any(k.arg is None for k in call.keywords):
        return None
    try:
        bound = inspect.signature(func).bind(*call.args, **{k.arg: k.value for k in call.keywords})
    except (TypeError, ValueError):
        return None
    given = []
    for name, value in bound.arguments.items():
        if name in parameters:
            given += value if isinstance(value, tuple) else list(value.values()) if isinstance(value, dict) else [value]
    return [value.id for value in given if isinstance(value, gast.Name)]


def _hidden_write_into_arguments(hidden: List[HiddenWrite], storage: Sharing):
    """The node of a hidden effect (analysis/hidden_effects.py: refused where the function is
    differentiated) that may write into its arguments (through a name that may hold one at some
    statement), or None: a function value passed on may write into anything."""
    for candidate, _ in hidden:
        names = written_names(candidate)
        if names is None or any(storage.ever.get(name, frozenset()) & storage.argument_roots for name in names):
            return candidate.node
    return None


def _library_write_into_arguments(classifier: CallClassifier, storage: Sharing, statements) -> Optional[gast.stmt]:
    """The statement of a NumPy or SciPy call that writes into what it is given (`out=`, a ufunc's
    outputs, an `overwrite_*` flag: analysis/writes.py) where that may be one of the function's
    arguments, or None. (The function's own derivative refuses such a call; a caller that only
    runs it, a function returning nothing, must know it changes what it is given.)"""
    for stmt, call in _library_writes(classifier, storage, statements):
        names = [operand.id for operand in written_operands(call, classifier) if isinstance(operand, gast.Name)]
        if any(storage.reaches(name, storage.before[stmt]) & storage.argument_roots for name in names):
            return stmt
    return None


def _library_writes(classifier: CallClassifier, storage: Sharing, statements):
    """(statement, call) for each NumPy or SciPy call that writes into what it is given."""
    for stmt in statements:
        if not isinstance(stmt, (gast.Assign, gast.Expr)) or stmt not in storage.before:
            continue
        for call in (node for node in nodes.walk(stmt.value) if isinstance(node, gast.Call)):
            if classifier.classify(call).kind != Callee.USER and writes_its_operands(call, classifier):
                yield stmt, call


def _returned_memory(storage: Sharing, returned: gast.stmt) -> FrozenSet[str]:
    """What the returned value may be or hold of memory the function did not make (ARGUMENTS,
    OUTSIDE_MEMORY, OUTSIDE_ITEMS: analysis/sharing.py)."""
    if not (isinstance(returned, gast.Return) and isinstance(returned.value, gast.Name)):
        return frozenset()
    own, held = [facts.get(returned.value.id, frozenset()) for facts in storage.before[returned]]
    returns = {ARGUMENTS} if (own | held) & storage.argument_roots else set()
    if OUTSIDE_MEMORY in own:
        returns.add(OUTSIDE_MEMORY)
    elif OUTSIDE_MEMORY in held:
        returns.add(OUTSIDE_ITEMS)
    return frozenset(returns)


def rebound_globals(parsed: ParsedFunction) -> FrozenSet[Tuple[int, str]]:
    """(id of the function's globals, name) for each global name it declares `global` and assigns."""
    declared = {name for node in nodes.walk(parsed.node) if isinstance(node, gast.Global) for name in node.names}
    globals_ = getattr(parsed.func, "__globals__", {})
    return frozenset((id(globals_), name) for name in declared & set(nodes.names_stored(parsed.node)))


def _outer_writes(parsed: ParsedFunction, kinds: Dict[str, str], classifier: CallClassifier,
                  callee_facts, storage: Sharing, hidden: List[HiddenWrite]) -> FrozenSet[object]:
    """The ids of the objects from outside a function (globals, closures) that it, or a function
    it calls, writes into in place, (id of globals, name) for the global names they rebind, and
    OUTSIDE_MEMORY where one writes through a local name that may hold memory from outside (which
    object, nothing tells)."""
    local_names = frozenset(nodes.names_stored(parsed.node)) | frozenset(nodes.parameters(parsed.node))
    writes = writes_in_place(parsed.node, parsed, kinds)
    objects = [parsed.lookup(write.name) for write in writes if write.name not in local_names]
    outer = {id(obj) for obj in objects if obj is not MISSING and not isinstance(obj, IMMUTABLE)}
    statements = {s: s for s in nodes.statements(parsed.node)}
    if any(OUTSIDE_MEMORY in storage.before[stmt][0].get(write.name, ())
           for write in writes if write.name in local_names for stmt in statements_of(write, storage, statements)):
        outer.add(OUTSIDE_MEMORY)
    outer |= rebound_globals(parsed)
    outer |= _library_writes_outside(parsed, classifier, storage, statements, local_names)
    for stmt in nodes.statements(parsed.node):
        call = user_call(stmt, classifier)
        if call is not None:
            outer |= callee_facts(classifier.classify(call).func, call, kinds)[3]
    for _, changed in hidden:  # (their writes into anything from outside)
        outer |= changed
    return frozenset(outer)


def _library_writes_outside(parsed: ParsedFunction, classifier: CallClassifier, storage: Sharing, statements,
                            local_names: frozenset) -> set:
    """The ids of the global or closure objects a NumPy call writes into (`np.multiply(x, 2, out=BUF)`),
    and OUTSIDE_MEMORY where it writes through a local name that may hold memory from outside."""
    outer = set()
    for stmt, call in _library_writes(classifier, storage, statements):
        for operand in written_operands(call, classifier):
            if not isinstance(operand, gast.Name):
                continue
            if operand.id not in local_names:
                obj = parsed.lookup(operand.id)
                if obj is not MISSING and not isinstance(obj, IMMUTABLE):
                    outer.add(id(obj))
            elif OUTSIDE_MEMORY in storage.before[stmt][0].get(operand.id, ()):
                outer.add(OUTSIDE_MEMORY)
    return outer


def unread_facts(func: Callable, error: AdjointError) -> Tuple:
    """The callee facts (pipeline.Generation.callee_facts) of a function adjoint cannot read: the
    error, and whatever it may write; but a generator function whose items a loop lists
    (normalize/generators.py) and whose code changes nothing it did not make writes nothing."""
    if is_generator_function(func) and what_it_may_do(func) is None:
        return None, RETURNS_ANYTHING, None, frozenset(), None, None, frozenset()
    return error.location, RETURNS_ANYTHING, error, globals_it_rebinds(func), None, None, None


def globals_it_rebinds(func: Callable) -> frozenset:
    """The global names a function adjoint cannot read rebinds (`global G; G = ...`), as
    rebound_globals gives them; none when it cannot be parsed either."""
    try:
        return rebound_globals(parse_function(func))
    except (AdjointError, OSError, TypeError, SyntaxError):
        return frozenset()
