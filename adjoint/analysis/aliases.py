"""Aliases: which names may share memory, and whether each in-place write is differentiated exactly.

Python writes in place through `c[i] = v`, `c.append(v)`, `c.pop()`, and `c += v` on an
array or list; every other name bound to the same object (`d = c`, a basic-slice view
`d = c[1:]`, `np.transpose(c)`, an element of a list, an argument) sees the change. The
derivative models a write as a change of `c` alone, which is exact when no other name that
may share c's memory is read after the write. So each write is checked:

- a name sharing c's memory that is live after the write: refused, with the line;
- a write into an argument of a called function (the caller sees it): refused;
- `c += v` was normalized into `c = c + v`: exact under the rule above, nothing else to do;
- `c[i] = v`, append and pop stay in place in the generated code: the names sharing c's
  memory count as mutated, and a read of any of them in the adjoint sweep counts as a read
  of all (so the write saves and restores what it overwrites, in place);
- a method or NumPy function called for its effect on a value that depends on `wrt`
  (`y.sort()`, `np.copyto(y, x)`): refused, since nothing says what it changes;
- a call that changes in place (np.copyto, a ufunc's `out=`, a user function writing into its
  argument) memory that a statement which may run before it reads: refused, since the adjoint
  sweep reads what that statement read (a view kept by reference, a row read again) after it;
- a call of a function that writes in place into a global or closure object the caller reads:
  refused.

    >>> # y = x * 2.0; v = y[1:]; v *= 3.0; return np.sum(y)
    >>> # refused at `v *= 3.0`: `y` shares v's memory and is read afterwards
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

import gast
import numpy as np

from adjoint import nodes
from adjoint.analysis.activity import Activity
from adjoint.analysis.calls import CallClassifier, Callee
from adjoint.analysis.item_writes import item_updates
from adjoint.analysis.kinds import CONTAINER, SCALAR, is_array
from adjoint.analysis.liveness import Liveness
from adjoint.analysis.residuals import NO_FACTS, BackwardSharing, ResidualFacts, private_parts, stays_unseen
from adjoint.analysis.sharing import Sharing, State, operands_of
from adjoint.errors import Location, UnsupportedSyntaxError
from adjoint.frontend.parse import MISSING, ParsedFunction
from adjoint.nodes import is_append, is_pop


IMMUTABLE = (int, float, complex, str, bytes, tuple, frozenset, type(None))
# NumPy functions that write into their first argument alone.
WRITE_FIRST_ARGUMENT = (np.copyto, np.put, np.place, np.putmask, np.fill_diagonal, np.put_along_axis)


@dataclass
class Aliases:
    """Names that may share memory with a name written in place, every name so written, and the
    `c += v` that are exact only if c holds a number (`guards`: statement -> (name, or (container, item)
    for `c[k] += v`, message, where) to check at run time before it)."""

    sharing: Dict[str, FrozenSet[str]] = field(default_factory=dict)
    mutated: Set[str] = field(default_factory=set)
    guards: Dict[gast.stmt, List[Tuple[str, str, Location]]] = field(default_factory=dict)

    def expand(self, names: Iterable[str]) -> Set[str]:
        """`names` and every name that may share memory with one of them and is written in place."""
        out = set(names)
        for name in list(out):
            out |= self.sharing.get(name, frozenset())
        return out


@dataclass(frozen=True)
class _Write:
    name: str
    node: gast.AST
    rebound: bool  # `c += v`, normalized into a rebinding
    container: str = ""  # `c[k] += v`: a write into the item loaded into `name` (analysis/item_writes.py)
    kind: Optional[str] = None  # the kind of that item, where known


def _writes(func_node: gast.FunctionDef, parsed: ParsedFunction, kinds: Dict[str, str]) -> List[_Write]:
    writes = [_Write(name, node, True) for name, node in parsed.in_place if kinds.get(name) != SCALAR]
    writes += [_Write(u.item, u.store, True, u.container, u.kind) for u in item_updates(parsed, kinds)]
    for stmt in nodes.statements(func_node):
        if is_append(stmt):
            writes.append(_Write(stmt.value.func.value.id, stmt, False))
        elif isinstance(stmt, gast.Assign):
            target = stmt.targets[0]
            if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
                writes.append(_Write(target.value.id, stmt, False))
            elif is_pop(stmt.value):
                writes.append(_Write(stmt.value.func.value.id, stmt, False))
    return writes


class _Checker:
    def __init__(self, parsed: ParsedFunction, kinds, classifier, activity: Activity, callee_facts=None,
                 residuals: ResidualFacts = NO_FACTS):
        self.parsed = parsed
        self.callee_facts = callee_facts
        self.guards: Dict[gast.stmt, List[Tuple[str, str, Location]]] = {}
        self.func_node = parsed.node
        self.kinds = kinds
        self.classifier = classifier
        self.activity = activity
        returns_argument, positions = [callee_facts and (lambda f, c, i=i: callee_facts(f, c, kinds)[i]) for i in (1, 5)]
        self.storage = Sharing(parsed.node, kinds, classifier, _rebound_lines(parsed), returns_argument, positions)
        self.precise = residuals.shapes and BackwardSharing(  # refusals see a backward half's residuals apart
            parsed.node, kinds, classifier, _rebound_lines(parsed), returns_argument, residuals, positions) or None
        self.live = Liveness(parsed.node)
        self.statements = {s: s for s in nodes.statements(parsed.node)}
        self.parameters = [a.id for a in parsed.node.args.args + parsed.node.args.kwonlyargs]
        self.local_names = frozenset(nodes.names_stored(parsed.node)) | frozenset(self.parameters)

    def run(self) -> Aliases:
        aliases = Aliases(guards=self.guards)
        for write in _writes(self.func_node, self.parsed, self.kinds):
            self._check_write_into_outside(write)
            sharing = self._check(write)
            if not write.rebound:
                aliases.mutated |= sharing | {write.name}
                for name in sharing | {write.name}:
                    aliases.sharing[name] = aliases.sharing.get(name, frozenset()) | sharing | {write.name}
        self._check_effects()
        self._check_callees()
        return aliases

    def _check(self, write: _Write) -> Set[str]:
        name = write.name
        if name not in self.local_names:
            self._check_outer_write(write)
            return set()
        statements = _statements_of(write, self.storage, self.statements)
        sharing = self._sharing(name, statements, self.storage)
        after = frozenset().union(*[self.live.after.get(s, frozenset()) for s in statements])
        precise = sharing if self.precise is None else self._sharing(name, statements, self.precise)
        for other in sorted(precise & after - {write.container}, key=lambda n: (n.startswith("_"), n)):
            self._refuse_or_guard(write, statements, f"this writes in place into memory that `{other}` may share, "
                                  f"and `{other}` is read afterwards; adjoint cannot follow the change into "
                                  f"`{other}`: take a copy first (`.copy()`) or assign a new value instead")
            return set()
        return sharing

    def _check_write_into_outside(self, write: _Write) -> None:
        """A write in place through a local name bound to a global or closure object, or to an item
        or attribute of one (`a = CONFIG.a; a[0] = v`): the derivative would restore or skip it."""
        kind = self.kinds.get(write.name)
        if write.name not in self.local_names or (write.rebound and not (is_array(kind) or kind == CONTAINER)):
            return
        if self._bound_outside(write.name):
            raise self._refuse(write.node, f"this writes in place into `{write.name}`, which holds an object from "
                               f"outside {self.func_node.name} (a global, a closure, or an item or attribute of "
                               "one), and the derivative would not make the change as Python does: change a copy "
                               "(`.copy()`), or pass the object as an argument and return the new value")

    def _bound_outside(self, name: str, seen: frozenset = frozenset()) -> bool:
        """Whether `name` may hold a global or closure object, or an item or attribute of one."""
        if name not in self.local_names:
            return True
        for stmt in self.statements.values():
            if isinstance(stmt, gast.Assign) and nodes.assigned_name(stmt) == name:
                value = stmt.value
            elif isinstance(stmt, gast.For) and isinstance(stmt.target, gast.Name) and stmt.target.id == name:
                value = stmt.iter
            else:
                continue
            root = _root_name(value)
            if root is not None and root not in seen and self._bound_outside(root, seen | {name}):
                return True
        return False

    def _refuse_or_guard(self, write: _Write, statements: List[gast.stmt], message: str) -> None:
        """Refuse now, or, for `c += v` where c may hold a number (whose `+=` only rebinds c), check at
        run time that it does and refuse there otherwise."""
        kind = write.kind or self.kinds.get(write.name)
        if not write.rebound or kind == CONTAINER or is_array(kind) or not statements:
            raise self._refuse(write.node, message)
        location = self.parsed.info.location(write.node)
        checked = (write.container, write.name) if write.container else write.name  # (analysis/item_writes.py)
        self.guards.setdefault(statements[0], []).append((checked, message, location))

    def _check_outer_write(self, write: _Write) -> None:
        """A write into a global or closure object (a log, a counter) is allowed when nothing differentiated
        flows into it and nothing reads the object: the function, or user code it calls (adjoint sweeps too)."""
        stored = [n for n in nodes.names_read(write.node) if n in self.activity.varied]
        readers = [stmt for stmt in self.statements.values()
                   if not isinstance(stmt, (gast.FunctionDef, gast.If, gast.For, gast.While, gast.With))
                   and stmt is not write.node and (_user_call(stmt, self.classifier) is not None or (
                       not _only_writes_into(stmt, write.name) and write.name in nodes.names_read(stmt)))]
        if stored or readers:
            raise self._refuse(write.node, f"this writes into `{write.name}`, which is not a variable of "
                               f"{self.func_node.name}, and the derivative would not follow it: pass it as an "
                               "argument and return the new value")

    def _sharing(self, name: str, statements: List[gast.stmt], storage: Sharing) -> Set[str]:
        """The names that may share memory with `name` where the statements write into it."""
        state = self._state_at(statements, storage)
        own = set(state[0].get(name, ()))
        return {m for m in state[0] if m != name and own & storage.reaches(m, state)}

    def _state_at(self, statements: List[gast.stmt], storage: Sharing) -> State:
        own: Dict[str, FrozenSet[str]] = {}
        held: Dict[str, FrozenSet[str]] = {}
        for stmt in statements:
            before_own, before_held = storage.before[stmt]
            for facts, more in ((own, before_own), (held, before_held)):
                for key, roots in more.items():
                    facts[key] = facts.get(key, frozenset()) | roots
        return own, held

    def _check_effects(self) -> None:
        """Calls made for their effect on a value that depends on wrt: nothing says what they change."""
        for stmt in self.statements.values():
            if not (isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call)) or is_append(stmt):
                continue
            if self.classifier.classify(stmt.value).kind == Callee.USER:
                continue
            if not self._may_change_arguments(stmt.value):
                continue
            touched = [a for a in operands_of(stmt.value) if isinstance(a, gast.Name) and a.id in self.local_names]
            varied = [a.id for a in touched if a.id in self.activity.varied]
            if varied:
                raise self._refuse(stmt, f"this call is made for its effect on `{varied[0]}`, which depends on "
                                   "the differentiated arguments; adjoint cannot tell what it changes: "
                                   "assign its result instead (`y = np.sort(y)`)")
            self._check_earlier_reads(stmt, _written_operands(stmt.value, touched, self.classifier), "this call")

    def _check_callees(self) -> None:
        """A user function that changes in place what it is given: its derivative changes a copy
        (the prologue of a derivative copies the arguments it writes into), which is exact when
        nothing that may share that memory is read after the call."""
        if self.callee_facts is None:
            return
        for stmt in self.statements.values():
            call = _user_call(stmt, self.classifier)
            if call is not None:
                self._check_callee(stmt, call)

    def _check_callee(self, stmt: gast.stmt, call: gast.Call) -> None:
        func = self.classifier.classify(call).func
        where, _, unreadable, outer, unseen, _ = self.callee_facts(func, call, self.kinds)
        self._check_outer_reads(stmt, func, outer)
        if where is None and unseen is not None and not stays_unseen(call, self.activity, self.live.after.get(stmt)):
            where = unseen
        passed = [a.id for a in operands_of(call) if isinstance(a, gast.Name) and self.kinds.get(a.id) != SCALAR]
        if not passed or where is None:
            return
        outside = next((name for name in passed if self._from_outside(name)), None)
        if outside is not None:  # (what kept adjoint from reading the callee is the better reason)
            raise unreadable or self._refuse(
                stmt, f"`{func.__name__}` changes an argument in place ({where.filename}:{where.lineno}) and "
                f"`{outside}` holds memory from outside this function (a global, a closure or an attribute), "
                "which the change would reach; return the new value instead, or pass a copy")
        state = self.storage.before[stmt]
        reached = set().union(*[self.storage.reaches(name, state) for name in passed])
        live = self.live.after.get(stmt, frozenset())
        for other in sorted(live, key=lambda n: (n.startswith("_"), n)):
            if self.storage.reaches(other, state) & reached:
                raise unreadable or self._refuse_derivative_call(stmt, func, where, other) or self._refuse(
                    stmt, f"`{func.__name__}` changes an argument in place ({where.filename}:{where.lineno}) and "
                    f"`{other}` is read after the call; adjoint does not follow changes a called function makes "
                    "to its arguments: return the new value instead, or pass a copy")
        self._check_earlier_reads(stmt, passed, f"`{func.__name__}` ({where.filename}:{where.lineno})",
                                  lambda name: unreadable or self._refuse_derivative_call(stmt, func, where, name))

    def _check_outer_reads(self, stmt: gast.stmt, func, outer: FrozenSet[object]) -> None:
        """A called function that writes in place into a global or closure object this function
        reads, or rebinds a global name it reads: the derivative would read the new values (or,
        saved by reference, see them change), and would not follow the change itself."""
        if not outer:
            return
        globals_ = id(getattr(self.parsed.func, "__globals__", {}))
        for reader in self.statements.values():
            for name in sorted(_names_read_by(reader) - self.local_names):
                if id(self.parsed.lookup(name)) in outer or (globals_, name) in outer:
                    line = self.parsed.info.location(reader).lineno
                    raise self._refuse(stmt, f"`{func.__name__}` changes `{name}`, which line {line} of "
                                       f"{self.func_node.name} reads; the derivative would not follow the change: "
                                       "pass it as an argument and return the new value")

    def _check_earlier_reads(self, stmt: gast.stmt, written: List[str], what: str,
                             better_reason: Callable[[str], Optional[Exception]] = lambda name: None) -> None:
        """A call that may change in place what `written` hold, memory a statement that may run
        before it reads: the adjoint sweep reads the values that statement read (a view saved by
        reference, an item read again), which the call has overwritten by then. `better_reason(name)`
        gives the error to raise instead, where the caller knows one."""
        state = self.storage.before.get(stmt)
        reached = set().union(*[self.storage.reaches(name, state) for name in written]) if state else set()
        if not reached:
            return
        for earlier in self._may_run_before(stmt):
            for name in sorted(_names_read_by(earlier)):
                if self.storage.ever.get(name, frozenset()) & reached:
                    line = self.parsed.info.location(earlier).lineno
                    raise better_reason(name) or self._refuse(
                        stmt, f"{what} changes in place memory that `{name}` holds, which line {line} reads before "
                        "the change (or, in a loop, before the next one); the derivative reads what was read there "
                        "after the change is made: assign a new value instead (`y = ...`), or change a copy "
                        "(`.copy()`)")

    def _may_run_before(self, stmt: gast.stmt) -> List[gast.stmt]:
        """The statements before stmt, and those of the loops around it (which run again after it)."""
        order = list(self.statements)
        earlier = order[:order.index(stmt)]
        loops = [s for s in earlier if isinstance(s, (gast.For, gast.While)) and stmt in nodes.statements(s)]
        return earlier + [s for loop in loops for s in nodes.statements(loop) if s is not stmt]

    def _refuse_derivative_call(self, stmt: gast.stmt, func, where: Location, other: str):
        """The refusal of a call, in a derivative being differentiated again, of a derivative adjoint
        generated for a call in the user's code: it names that call of the user's, in plain words
        (None for any other call). What adjoint generated to undo in place, in the adjoint sweep, what
        a function overwrote or popped (its own stack included) changes values its caller keeps, and
        the caller keeps them all in one tuple whose parts adjoint cannot tell apart."""
        user_call = getattr(func, "__adjoint_user_call__", None)
        if user_call is None:
            return None
        location, callee = user_call
        inner = self.parsed.info.location(stmt)
        return UnsupportedSyntaxError("in-place write", (
            f"the derivative of `{callee}` called here cannot be differentiated again: its adjoint sweep undoes "
            "in place what its primal sweep overwrote or popped (writes of the function into its own arrays or "
            "lists, or adjoint's record of intermediate values), and adjoint cannot tell whether that change "
            f"reaches a value read afterwards (`{other}`, in the generated {inner.filename}:{inner.lineno}; the "
            f"change at {where.filename}:{where.lineno}); writing `{callee}` without in-place writes avoids this "
            "where the writes are its own, otherwise this order of derivative is not supported yet"), location)

    def _from_outside(self, name: str, seen: frozenset = frozenset()) -> bool:
        """Whether `name` may hold an object the function did not make or receive as an argument:
        a global or closure name, or one bound to one, or to an attribute of an object."""
        if name not in self.local_names:
            return True
        return any(isinstance(stmt, gast.Assign) and nodes.assigned_name(stmt) == name
                   and (isinstance(stmt.value, gast.Attribute)
                        or isinstance(stmt.value, gast.Name) and stmt.value.id not in seen
                        and self._from_outside(stmt.value.id, seen | {name}))
                   for stmt in self.statements.values())

    def _may_change_arguments(self, call: gast.Call) -> bool:
        """A NumPy function (`np.copyto`, `np.random.shuffle`); not a user function (its own writes
        are checked when it is differentiated), `print` or logging. (Methods of local values
        called for their effect, `y.sort()`, are refused when the function is normalized.)"""
        operation = self.classifier.classify(call)
        module = getattr(operation.func, "__module__", None) or ""
        return isinstance(operation.func, np.ufunc) or module.startswith("numpy")

    def _refuse(self, node: gast.AST, message: str) -> UnsupportedSyntaxError:
        return UnsupportedSyntaxError("in-place write", message, self.parsed.info.location(node))


def analyze_aliases(parsed: ParsedFunction, kinds: Dict[str, str], classifier: CallClassifier,
                    activity: Activity, callee_facts=None, residuals: ResidualFacts = NO_FACTS) -> Aliases:
    """Check every in-place write of the normalized function (refusing those adjoint cannot follow)
    and return which names share memory with a name written in place. `callee_facts(func, call,
    kinds)` is `argument_facts` of the user function `func` for the kinds of the call's arguments."""
    return _Checker(parsed, kinds, classifier, activity, callee_facts, residuals).run()


def _rebound_lines(parsed: ParsedFunction) -> FrozenSet[int]:
    return frozenset(getattr(node, "lineno", None) for _, node in parsed.in_place)


def _statements_of(write: _Write, storage: Sharing, statements: Dict[gast.stmt, gast.stmt]) -> List[gast.stmt]:
    """The normalized statements of a write: itself, or for `c += v` the rebinding of c it became
    (every statement of its line, if normalization left no rebinding)."""
    if write.node in storage.before:
        return [write.node]
    lineno = getattr(write.node, "lineno", None)
    same_line = [stmt for key, stmt in statements.items()
                 if key in storage.before and getattr(stmt, "lineno", None) == lineno]
    rebindings = [stmt for stmt in same_line if isinstance(stmt, gast.Assign)
                  and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id == write.name]
    return rebindings or same_line


def argument_facts(parsed: ParsedFunction, kinds: Dict[str, str], classifier: CallClassifier, callee_facts,
                   residual_facts: Callable[[Callable], ResidualFacts] = lambda func: NO_FACTS):
    """(the Location of the first in-place write of a normalized function into its arguments,
    its own or one made by a function it passes them to, or None; whether what it returns may
    be or hold one of its arguments; the ids of the global or closure objects it or a function
    it calls writes into in place; the Location of its first write no caller sees (into memory
    private to a backward half and its forward half, analysis/residuals.py), or None). `callee_facts(func,
    call, kinds)` gives those facts of a callee, `residual_facts(func)` a backward half's ResidualFacts."""
    returns_argument_of = lambda func, call: callee_facts(func, call, kinds)[1]  # noqa: E731
    residuals = residual_facts(parsed.func)
    storage = BackwardSharing(parsed.node, kinds, classifier, _rebound_lines(parsed), returns_argument_of, residuals)
    statements = {s: s for s in nodes.statements(parsed.node)}
    returned = parsed.node.body[-1]
    returns_argument = (isinstance(returned, gast.Return) and isinstance(returned.value, gast.Name) and bool(
        storage.reaches(returned.value.id, storage.before[returned]) & storage.argument_roots))
    outer = _outer_writes(parsed, kinds, classifier, callee_facts)
    private = []
    for write in _writes(parsed.node, parsed, kinds):
        for stmt in _statements_of(write, storage, statements):
            written = storage.before[stmt][0].get(write.name, frozenset()) & storage.argument_roots
            if written and (write.rebound or not written <= private_parts(residuals)):
                return parsed.info.location(write.node), returns_argument, outer, None
            if written:
                private.append(parsed.info.location(write.node))
    for stmt in statements:
        call = _user_call(stmt, classifier)
        if call is None:
            continue
        passed = [a.id for a in operands_of(call) if isinstance(a, gast.Name)]
        reached = set().union(*[storage.reaches(name, storage.before[stmt]) for name in passed])
        if not reached & storage.argument_roots:
            continue
        where, _, _, _, unseen, _ = callee_facts(classifier.classify(call).func, call, kinds)
        if where or unseen and not residuals.calls:
            return parsed.info.location(stmt), returns_argument, outer, None
        if unseen:
            private.append(parsed.info.location(stmt))
    return None, returns_argument, outer, (private[0] if private else None)


def rebound_globals(parsed: ParsedFunction) -> FrozenSet[Tuple[int, str]]:
    """(id of the function's globals, name) for each global name it declares `global` and assigns."""
    declared = {name for node in nodes.walk(parsed.node) if isinstance(node, gast.Global) for name in node.names}
    globals_ = getattr(parsed.func, "__globals__", {})
    return frozenset((id(globals_), name) for name in declared & set(nodes.names_stored(parsed.node)))


def _outer_writes(parsed: ParsedFunction, kinds: Dict[str, str], classifier: CallClassifier,
                  callee_facts) -> FrozenSet[object]:
    """The ids of the objects from outside a function (globals, closures) that it, or a function
    it calls, writes into in place, and (id of globals, name) for the global names they rebind."""
    local_names = frozenset(nodes.names_stored(parsed.node)) | frozenset(nodes.parameters(parsed.node))
    objects = [parsed.lookup(write.name) for write in _writes(parsed.node, parsed, kinds)
               if write.name not in local_names]
    outer = {id(obj) for obj in objects if obj is not MISSING and not isinstance(obj, IMMUTABLE)}
    outer |= rebound_globals(parsed)
    for stmt in nodes.statements(parsed.node):
        call = _user_call(stmt, classifier)
        if call is not None:
            outer |= callee_facts(classifier.classify(call).func, call, kinds)[3]
    return frozenset(outer)


def _written_operands(call: gast.Call, touched: List[gast.Name], classifier: CallClassifier) -> List[str]:
    """The names a NumPy call made for its effect may write into: its `out=` (and a ufunc's outputs
    passed by position) where it has one, the first argument of those that write into it, else
    any name it is given."""
    out = [k.value for k in call.keywords if k.arg == "out"]
    func = classifier.classify(call).func
    if out and isinstance(func, np.ufunc):
        out += call.args[func.nin:]
    elif any(func is writer for writer in WRITE_FIRST_ARGUMENT) and call.args:
        out = call.args[:1]
    chosen = out or touched
    elements = [e for atom in chosen for e in (atom.elts if isinstance(atom, gast.Tuple) else [atom])]
    return [e.id for e in elements if isinstance(e, gast.Name)]


def _root_name(value: gast.expr) -> Optional[str]:
    """`CONFIG` for `CONFIG`, `CONFIG.a`, `CONFIG.a[0]`; None for any other value (a new object)."""
    while isinstance(value, (gast.Attribute, gast.Subscript)):
        value = value.value
    return value.id if isinstance(value, gast.Name) else None


def _only_writes_into(stmt: gast.stmt, name: str) -> bool:
    """`name.append(v)`, `name.extend(v)`, `name[k] = v` (v not read out of name): statements that
    change the object name holds without reading it."""
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    if isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute):
        return (isinstance(call.func.value, gast.Name) and call.func.value.id == name
                and not any(name in nodes.names_read(a) for a in operands_of(call)[:-1]))
    if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript):
        target = stmt.targets[0]
        return (isinstance(target.value, gast.Name) and target.value.id == name
                and name not in nodes.names_read(stmt.value) and name not in nodes.names_read(target.slice))
    return False


def _names_read_by(stmt: gast.stmt) -> Set[str]:
    """The names a statement reads itself (a compound statement: its test or iterable)."""
    if isinstance(stmt, (gast.If, gast.While)):
        return set(nodes.names_read(stmt.test))
    if isinstance(stmt, gast.For):
        return set(nodes.names_read(stmt.iter))
    if isinstance(stmt, (gast.With, gast.FunctionDef)):
        return set()
    return set(nodes.names_read(stmt))


def _user_call(stmt: gast.stmt, classifier: CallClassifier):
    """The call of a user function that `x = f(...)` or `f(...)` makes, or None."""
    value = stmt.value if isinstance(stmt, (gast.Assign, gast.Expr)) else None
    if isinstance(value, gast.Call) and classifier.classify(value).kind == Callee.USER:
        return value
    return None
