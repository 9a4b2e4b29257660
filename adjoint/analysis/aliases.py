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
  (`y.sort()`, `np.copyto(y, x)`): refused, since nothing says what it changes.

    >>> # y = x * 2.0; v = y[1:]; v *= 3.0; return np.sum(y)
    >>> # refused at `v *= 3.0`: `y` shares v's memory and is read afterwards
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.analysis.activity import Activity
from adjoint.analysis.calls import CallClassifier, Callee
from adjoint.analysis.kinds import CONTAINER, SCALAR, is_array, rank_of
from adjoint.analysis.liveness import Liveness
from adjoint.errors import Location, UnsupportedSyntaxError
from adjoint.frontend.parse import ParsedFunction
from adjoint.nodes import is_append, is_pop

Roots = FrozenSet[str]

# NumPy functions whose result may be (a view of) their first argument.
VIEW_FUNCTIONS = (
    np.transpose, np.reshape, np.ravel, np.squeeze, np.expand_dims, np.swapaxes, np.moveaxis,
    np.diagonal, np.asarray, np.asanyarray, np.ascontiguousarray, np.atleast_1d, np.atleast_2d,
    np.atleast_3d, np.broadcast_to, np.real, np.imag, np.flip, np.fliplr, np.flipud, np.rot90,
    np.split, np.array_split, np.hsplit, np.vsplit, np.dsplit, np.require, np.trim_zeros,
)
# Builtins that make a new container holding their argument's items, and builtins that may
# return one of their arguments or of its items.
CONTAINER_BUILTINS = (list, tuple, sorted, reversed, zip, enumerate)
SHARING_BUILTINS = (max, min, iter, next)


@dataclass
class Aliases:
    """Names that may share memory with a name written in place, every name so written, and the
    `c += v` that are exact only if c holds a number (`guards`: statement -> (name, message, where) to
    check at run time before it)."""

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


State = Tuple[Dict[str, FrozenSet[str]], Dict[str, FrozenSet[str]]]


class _Storage:
    """May-share facts, flow-sensitive: at each statement `own[n]` is the memory n's object may
    be and `held[n]` the memory of the objects it may hold (a list's elements), as abstract roots.
    `before[stmt]` is the state just before each statement the checks read (see _watched)."""

    def __init__(self, func_node: gast.FunctionDef, kinds: Dict[str, str], classifier: CallClassifier,
                 rebound_lines: FrozenSet[int] = frozenset(), returns_argument=None):
        self.rebound_lines = rebound_lines
        self.kinds = kinds
        self.classifier = classifier
        self.returns_argument = returns_argument
        self.own: Dict[str, FrozenSet[str]] = {}
        self.held: Dict[str, FrozenSet[str]] = {}
        self.argument_roots: Set[str] = set()
        for arg in func_node.args.args + func_node.args.kwonlyargs:
            if kinds.get(arg.id) != SCALAR:
                self.own[arg.id] = frozenset({"argument " + arg.id})
                self.held[arg.id] = frozenset({"contents of argument " + arg.id})
                self.argument_roots |= self.own[arg.id] | self.held[arg.id]
        self.ndim = _ranks([s for s in nodes.statements(func_node) if isinstance(s, gast.Assign)], kinds, classifier)
        self.before: Dict[gast.stmt, State] = {}
        self._block(func_node.body)

    def reaches(self, name: str, state: Optional[State] = None) -> Set[str]:
        own, held = state or (self.own, self.held)
        return set(own.get(name, ())) | set(held.get(name, ()))

    def _atom(self, node: gast.expr) -> Set[str]:
        return self.reaches(node.id) if isinstance(node, gast.Name) else set()

    # ----- the walk over the structured body -----------------------------------------

    def _block(self, stmts) -> None:
        for stmt in stmts:
            if isinstance(stmt, gast.If):
                entry = self._state()
                self._block(stmt.body)
                after_body = self._state()
                self.own, self.held = dict(entry[0]), dict(entry[1])
                self._block(stmt.orelse)
                self._join(after_body)
            elif isinstance(stmt, (gast.For, gast.While)):
                while True:
                    entry = self._state()
                    self._block(stmt.body)
                    self._join(entry)
                    if self._state() == entry:
                        break
            elif not isinstance(stmt, gast.With):
                if self._watched(stmt):
                    self.before[stmt] = self._state()
                self._flow(stmt)

    def _watched(self, stmt: gast.stmt) -> bool:
        """A statement whose state the checks read: a write in place (or a line normalized from
        one), and the return."""
        if isinstance(stmt, gast.Return) or is_append(stmt) or getattr(stmt, "lineno", None) in self.rebound_lines:
            return True
        return isinstance(stmt, gast.Assign) and (isinstance(stmt.targets[0], gast.Subscript) or is_pop(stmt.value))

    def _state(self) -> State:
        return dict(self.own), dict(self.held)

    def _join(self, other: State) -> None:
        for facts, more in ((self.own, other[0]), (self.held, other[1])):
            for name, roots in more.items():
                facts[name] = facts.get(name, frozenset()) | roots

    def _set(self, name: str, own: Set[str], held: Set[str], replace: bool) -> None:
        if self.kinds.get(name) == SCALAR:
            return
        if not replace:
            own, held = own | self.own.get(name, frozenset()), held | self.held.get(name, frozenset())
        self.own[name], self.held[name] = frozenset(own), frozenset(held)

    def _flow(self, stmt: gast.stmt) -> None:
        if is_append(stmt):
            self._set(stmt.value.func.value.id, set(), self._atom(stmt.value.args[0]), replace=False)
            return
        if not isinstance(stmt, gast.Assign):
            return
        target, value = stmt.targets[0], stmt.value
        if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
            if self.kinds.get(target.value.id) == CONTAINER:  # an array copies what is stored in it
                self._set(target.value.id, set(), self._atom(value), replace=False)
        elif isinstance(target, gast.Name):
            own, held = self._value(value, f"new {id(stmt)}")
            self._set(target.id, own, held, replace=True)

    def _value(self, value: gast.expr, fresh: str) -> Tuple[Set[str], Set[str]]:
        if isinstance(value, gast.Name):
            return set(self.own.get(value.id, ())), set(self.held.get(value.id, ()))
        if isinstance(value, (gast.List, gast.Tuple)):
            return {fresh}, set().union(*[self._atom(e) for e in value.elts])
        if isinstance(value, gast.Subscript) or is_pop(value):
            owner = value.value if isinstance(value, gast.Subscript) else value.func.value
            if not isinstance(owner, gast.Name):
                return {fresh}, set()
            held = set(self.held.get(owner.id, ()))
            if isinstance(value, gast.Subscript) and _selects_element(value.slice, self._rank(owner.id), self.kinds):
                return set(), set()  # a number, not a view
            fancy = isinstance(value, gast.Subscript) and _fancy(value.slice, self.kinds)
            if fancy and self.kinds.get(owner.id) != CONTAINER:
                return {fresh}, set()  # an array indexed by a list or an array of indices is a copy
            if self.kinds.get(owner.id) == CONTAINER:
                return held, held
            return self.reaches(owner.id), held  # a basic index of an array is a view
        operands = [a for a in _operands(value) if isinstance(a, gast.Name)]
        shared = set().union(*[self._atom(a) for a in operands]) if operands else set()
        if isinstance(value, gast.Call):
            return self._call(value, fresh, shared)
        return {fresh}, self._joined_elements(value, operands)

    def _joined_elements(self, value: gast.expr, operands: List[gast.Name]) -> Set[str]:
        """What `a + b` or `a * n` holds when it joins or repeats lists: their elements."""
        if not isinstance(value, gast.BinOp):
            return set()
        kinds = [SCALAR if isinstance(a, gast.Constant) else self.kinds.get(a.id) for a in (value.left, value.right)]
        joins = isinstance(value.op, gast.Add) and not any(k == SCALAR or is_array(k) for k in kinds)
        repeats = isinstance(value.op, gast.Mult) and SCALAR in kinds and not any(is_array(k) for k in kinds)
        if not (joins or repeats):
            return set()
        return set().union(*[self.held.get(a.id, set()) for a in operands])

    def _items(self, name: gast.Name) -> Set[str]:
        """What iterating over `name` may give: a list's items; an array's rows (views of it)."""
        if self.kinds.get(name.id) == CONTAINER:
            return set(self.held.get(name.id, ()))
        return self.reaches(name.id)

    def _rank(self, name: str) -> Optional[int]:
        rank = self.ndim.get(name)
        return rank if rank is not None else rank_of(self.kinds.get(name))

    def _call(self, call: gast.Call, fresh: str, shared: Set[str]) -> Tuple[Set[str], Set[str]]:
        operation = self.classifier.classify(call)
        func = operation.func
        if any(func is view for view in VIEW_FUNCTIONS):
            first = call.args[0] if call.args else None
            return self._atom(first) if first is not None else set(), shared
        if operation.kind == Callee.USER and self.returns_argument is not None and not self.returns_argument(func, call):
            return {fresh}, set()
        if any(func is b for b in CONTAINER_BUILTINS):
            items = [self._items(a) for a in call.args if isinstance(a, gast.Name)]
            return {fresh}, set().union(*items) if items else set()
        if operation.kind == Callee.USER or func is None or any(func is b for b in SHARING_BUILTINS):
            return {fresh} | shared, shared
        module = getattr(func, "__module__", None) or ""
        if func is runtime.snapshot:
            return {fresh}, set()
        if module.startswith("adjoint"):  # helpers of generated code may return their first argument
            first = call.args[0] if call.args else None
            if not isinstance(first, gast.Name):
                return {fresh}, set()
            return {fresh} | self.own.get(first.id, set()), set(self.held.get(first.id, ()))
        if isinstance(func, np.ufunc) or module == "math" or module.startswith("numpy"):
            return {fresh}, set()
        if module == "builtins":
            return {fresh}, set()
        return {fresh} | shared, shared


SHAPED_LIKE = (np.zeros_like, np.ones_like, np.empty_like, np.full_like, np.copy)
SHAPED_BY = (np.zeros, np.ones, np.empty, np.full)


def _ranks(statements, kinds: Dict[str, str], classifier: CallClassifier) -> Dict[str, int]:
    """The number of dimensions of the local arrays made by np.zeros(n), np.eye(n), np.zeros_like(x),
    ... (assigned once), so that `a[i]` of a 1-D array is known to be a number, not a view."""
    ranks: Dict[str, int] = {}
    definitions: Dict[str, List[gast.expr]] = {}
    for stmt in statements:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            definitions.setdefault(stmt.targets[0].id, []).append(stmt.value)
    for _ in range(2):
        for name, values in definitions.items():
            if len(values) == 1 and isinstance(values[0], gast.Call):
                rank = _rank_of_call(values[0], ranks, kinds, classifier)
                if rank is not None:
                    ranks[name] = rank
    return ranks


def _rank_of_call(call: gast.Call, ranks: Dict[str, int], kinds: Dict[str, str], classifier) -> Optional[int]:
    func = classifier.classify(call).func
    first = call.args[0] if call.args else None
    if first is None:
        return None
    if any(func is f for f in SHAPED_BY):
        if isinstance(first, gast.Constant) or (isinstance(first, gast.Name) and kinds.get(first.id) == SCALAR):
            return 1
        return len(first.elts) if isinstance(first, gast.Tuple) else None
    if any(func is f for f in SHAPED_LIKE) and isinstance(first, gast.Name):
        return ranks.get(first.id)
    if func is np.eye or func is np.identity:
        return 2
    if func is np.arange or func is np.linspace:
        return 1
    return None


def _fancy(index: gast.expr, kinds: Dict[str, str]) -> bool:
    """An index holding a list or an array of indices: NumPy copies what it selects."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    return any(isinstance(p, gast.Name) and (kinds.get(p.id) == CONTAINER or is_array(kinds.get(p.id)))
               for p in parts)


def _selects_element(index: gast.expr, rank: Optional[int], kinds: Dict[str, str]) -> bool:
    """`a[i]` or `a[i, j]` with one number per dimension of `a`."""
    if rank is None:
        return False
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    numbers = [p for p in parts if (isinstance(p, gast.Constant) and isinstance(p.value, int))
               or (isinstance(p, gast.Name) and kinds.get(p.id) == SCALAR)]
    return len(numbers) == len(parts) == rank


def _operands(value: gast.expr) -> List[gast.expr]:
    if isinstance(value, gast.BinOp):
        return [value.left, value.right]
    if isinstance(value, gast.UnaryOp):
        return [value.operand]
    if isinstance(value, gast.Call):
        operands = list(value.args) + [k.value for k in value.keywords]
        if isinstance(value.func, gast.Attribute):
            operands.append(value.func.value)
        return operands
    return []


def _writes(func_node: gast.FunctionDef, parsed: ParsedFunction, kinds: Dict[str, str]) -> List[_Write]:
    writes = [_Write(name, node, True) for name, node in parsed.in_place if kinds.get(name) != SCALAR]
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
    def __init__(self, parsed: ParsedFunction, kinds, classifier, activity: Activity, callee: bool,
                 callee_facts=None):
        self.parsed = parsed
        self.callee_facts = callee_facts
        self.guards: Dict[gast.stmt, List[Tuple[str, str, Location]]] = {}
        self.func_node = parsed.node
        self.kinds = kinds
        self.classifier = classifier
        self.activity = activity
        self.callee = callee
        returns_argument = callee_facts and (lambda func, call: callee_facts(func, call, kinds)[1])
        self.storage = _Storage(parsed.node, kinds, classifier, _rebound_lines(parsed), returns_argument)
        self.live = Liveness(parsed.node)
        self.statements = {s: s for s in nodes.statements(parsed.node)}
        self.parameters = [a.id for a in parsed.node.args.args + parsed.node.args.kwonlyargs]
        self.local_names = frozenset(nodes.names_stored(parsed.node)) | frozenset(self.parameters)

    def run(self) -> Aliases:
        aliases = Aliases(guards=self.guards)
        for write in _writes(self.func_node, self.parsed, self.kinds):
            sharing = self._check(write)
            if not write.rebound:
                aliases.mutated |= sharing | {write.name}
                for name in sharing | {write.name}:
                    aliases.sharing[name] = aliases.sharing.get(name, frozenset()) | sharing | {write.name}
        self._check_effects()
        return aliases

    def _check(self, write: _Write) -> Set[str]:
        name = write.name
        if name not in self.local_names:
            self._check_outer_write(write)
            return set()
        statements = _statements_of(write, self.storage, self.statements)
        state = self._state_at(statements)
        own = set(state[0].get(name, ()))
        if self.callee and own & self.storage.argument_roots:
            self._refuse_or_guard(write, statements, "this changes in place an object the caller passed in; adjoint "
                                  "does not follow changes a called function makes to its arguments: return the "
                                  "new value instead")
            return set()
        sharing = {m for m in state[0] if m != name and own & self.storage.reaches(m, state)}
        after = frozenset().union(*[self.live.after.get(s, frozenset()) for s in statements])
        for other in sorted(sharing & after, key=lambda n: (n.startswith("_"), n)):
            self._refuse_or_guard(write, statements, f"this writes in place into memory that `{other}` may share, "
                                  f"and `{other}` is read afterwards; adjoint cannot follow the change into "
                                  f"`{other}`: take a copy first (`.copy()`) or assign a new value instead")
            return set()
        return sharing

    def _refuse_or_guard(self, write: _Write, statements: List[gast.stmt], message: str) -> None:
        """Refuse now, or, for `c += v` where c may hold a number (whose `+=` only rebinds c), check at
        run time that it does and refuse there otherwise."""
        kind = self.kinds.get(write.name)
        if not write.rebound or kind == CONTAINER or is_array(kind) or not statements:
            raise self._refuse(write.node, message)
        location = self.parsed.info.location(write.node)
        self.guards.setdefault(statements[0], []).append((write.name, message, location))

    def _check_outer_write(self, write: _Write) -> None:
        """A write into a global or closure object (a log, a counter) is allowed when nothing
        differentiated flows into it and the function reads the object nowhere else."""
        stored = [n for n in nodes.names_read(write.node) if n in self.activity.varied]
        readers = [stmt for stmt in self.statements.values()
                   if not isinstance(stmt, (gast.FunctionDef, gast.If, gast.For, gast.While, gast.With))
                   and stmt is not write.node
                   and write.name in nodes.names_read(stmt)]
        if stored or readers:
            raise self._refuse(write.node, f"this writes into `{write.name}`, which is not a variable of "
                               f"{self.func_node.name}, and the derivative would not follow it: pass it as an "
                               "argument and return the new value")

    def _state_at(self, statements: List[gast.stmt]) -> State:
        own: Dict[str, FrozenSet[str]] = {}
        held: Dict[str, FrozenSet[str]] = {}
        for stmt in statements:
            before_own, before_held = self.storage.before[stmt]
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
                self._check_callee(stmt)
                continue
            if not self._may_change_arguments(stmt.value):
                continue
            touched = [a for a in _operands(stmt.value) if isinstance(a, gast.Name) and a.id in self.local_names]
            varied = [a.id for a in touched if a.id in self.activity.varied]
            if varied:
                raise self._refuse(stmt, f"this call is made for its effect on `{varied[0]}`, which depends on "
                                   "the differentiated arguments; adjoint cannot tell what it changes: "
                                   "assign its result instead (`y = np.sort(y)`)")

    def _check_callee(self, stmt: gast.Expr) -> None:
        """A user function called for its effect must not change the arguments it is given."""
        func = self.classifier.classify(stmt.value).func
        passed = [a for a in _operands(stmt.value) if isinstance(a, gast.Name) and self.kinds.get(a.id) != SCALAR]
        if not passed or self.callee_facts is None:
            return
        where = self.callee_facts(func, stmt.value, self.kinds)[0]
        if where is not None:
            raise self._refuse(stmt, f"`{func.__name__}` changes an argument in place ({where.filename}:"
                               f"{where.lineno}); adjoint does not follow changes a called function makes "
                               "to its arguments: return the new value instead")

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
                    activity: Activity, callee: bool, callee_facts=None) -> Aliases:
    """Check every in-place write of the normalized function (refusing those adjoint cannot follow)
    and return which names share memory with a name written in place. `callee_facts(func, call,
    kinds)` is `argument_facts` of the user function `func` for the kinds of the call's arguments."""
    return _Checker(parsed, kinds, classifier, activity, callee, callee_facts).run()


def _rebound_lines(parsed: ParsedFunction) -> FrozenSet[int]:
    return frozenset(getattr(node, "lineno", None) for _, node in parsed.in_place)


def _statements_of(write: _Write, storage: _Storage, statements: Dict[gast.stmt, gast.stmt]) -> List[gast.stmt]:
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


def argument_facts(parsed: ParsedFunction, kinds: Dict[str, str], classifier: CallClassifier):
    """(the Location of the first in-place write of a normalized function into its arguments or
    None, whether what it returns may be or hold one of its arguments)."""
    storage = _Storage(parsed.node, kinds, classifier, _rebound_lines(parsed))
    statements = {s: s for s in nodes.statements(parsed.node)}
    returned = parsed.node.body[-1]
    returns_argument = (isinstance(returned, gast.Return) and isinstance(returned.value, gast.Name) and bool(
        storage.reaches(returned.value.id, storage.before[returned]) & storage.argument_roots))
    for write in _writes(parsed.node, parsed, kinds):
        for stmt in _statements_of(write, storage, statements):
            if storage.before[stmt][0].get(write.name, frozenset()) & storage.argument_roots:
                return parsed.info.location(write.node), returns_argument
    return None, returns_argument


def insert_guards(func_node: gast.FunctionDef, guards: Dict[gast.stmt, List[Tuple[str, str, Location]]],
                  helper: str) -> None:
    """Put `helper(c, message, filename, lineno)` before each guarded statement: it raises if c,
    rebound where Python changes it in place, holds an array or a list after all."""
    for block in list(nodes.blocks(func_node)):
        if not any(stmt in guards for stmt in block):
            continue
        guarded = []
        for stmt in block:
            for name, message, location in guards.get(stmt, ()):
                where = [nodes.constant(message), nodes.constant(location.filename), nodes.constant(location.lineno)]
                check = gast.Expr(value=nodes.call(nodes.name(helper), [nodes.name(name)] + where))
                guarded.append(nodes.copy_location(check, stmt))
            guarded.append(stmt)
        block[:] = guarded
