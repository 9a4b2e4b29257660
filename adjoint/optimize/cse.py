"""Common subexpressions: a pure value computed again, from unchanged operands, is copied.

Statement by statement in each straight-line block (value numbering): a name that holds a
copy stands for its source, so `_t4 = _t3 + 1.0` repeats `_t2 = _t1 + 1.0` once `_t3`
repeats `_t1`. Copy propagation and dce then drop the copies. The pass does nothing in a
function that may change a value in place (a subscript store, a call other than to a pure
function or the stack), since one value would then stand for two objects that could later
differ; nor does it make two returned names share one object.

Before::

    _t1 = alpha * r12
    _t2 = 1.0 + _t1
    _t3 = alpha * r12
    _t4 = 1.0 + _t3
    y = _t2 * _t4
    return y

After::

    _t1 = alpha * r12
    _t2 = 1.0 + _t1
    _t3 = _t1
    _t4 = _t2
    y = _t2 * _t4
    return y
"""
from __future__ import annotations

from collections import defaultdict
from typing import Dict, List, Optional, Set, Tuple

import gast

from adjoint import nodes
from adjoint.optimize.facts import Facts
from adjoint.optimize.statements import SettledStretches, header_nodes, reports_changes


def _key(node: gast.AST, copies: Dict[str, str]) -> str:
    """The expression as text, each name replaced by the name whose copy it holds."""
    kind = node.__class__
    if kind is gast.Name:
        return "N" + copies.get(node.id, node.id)
    if kind is gast.Constant:
        return f"C{type(node.value).__name__}:{node.value!r}"
    if kind is gast.BinOp:  # the most common, spelled out: the text the general case makes
        return "BinOp(" + _key(node.left, copies) + "," + node.op.__class__.__name__ + "()," + \
            _key(node.right, copies) + ")"
    if kind is list:
        return "[" + ",".join([_key(item, copies) for item in node]) + "]"
    if not isinstance(node, gast.AST):
        return repr(node)
    fields = _KEY_FIELDS.get(kind)
    if fields is None:
        fields = _KEY_FIELDS[kind] = tuple(name for name in kind._fields if name not in ("ctx", "type_comment"))
    if not fields:
        return kind.__name__ + "()"
    return kind.__name__ + "(" + ",".join([_key(getattr(node, name, None), copies) for name in fields]) + ")"


_KEY_FIELDS: Dict[type, Tuple[str, ...]] = {}


class _Block:
    """The values available at one point of a straight-line block, indexed by the names they
    depend on, so that an assignment forgets what it invalidates without scanning the rest."""

    def __init__(self):
        self.values: Dict[str, Tuple[str, Set[str]]] = {}  # key -> (holder, names read)
        self.copies: Dict[str, str] = {}  # name -> the name it is a copy of
        self.keys_of: Dict[str, Set[str]] = defaultdict(set)  # a name -> keys of values held in or read from it
        self.copies_of: Dict[str, Set[str]] = defaultdict(set)  # a source -> names holding a copy of it

    def clear(self) -> None:
        self.values.clear()
        self.copies.clear()
        self.keys_of.clear()
        self.copies_of.clear()

    def assigned(self, target: str) -> None:
        """Forget what `target` held and every value computed from it."""
        for key in self.keys_of.pop(target, ()):
            found = self.values.get(key)  # the index may name values forgotten since
            if found is not None and (found[0] == target or target in found[1]):
                del self.values[key]
        self.copies.pop(target, None)
        for name in self.copies_of.pop(target, ()):
            if self.copies.get(name) == target:
                del self.copies[name]

    def record(self, target: str, value: gast.expr, key: Optional[str], read: Set[str]) -> None:
        """Remember what target now holds: a copy of a name, or the value `key` stands for, which
        reads `read`."""
        if isinstance(value, gast.Name) and value.id != target:
            source = self.copies.get(value.id, value.id)
            self.copies[target] = source
            self.copies_of[source].add(target)
        elif key is not None and key not in self.values:
            if target not in read:
                copied = self.copies.keys() & read
                depends = read | {self.copies[n] for n in copied} if copied else read  # never changed
                self.values[key] = (target, depends)
                keys_of = self.keys_of
                keys_of[target].add(key)
                for name in depends:
                    keys_of[name].add(key)


def _eliminate_in(block: List[gast.stmt], facts: Facts, returned: Set[str], settled: "_Settled") -> bool:
    """Share the values repeated in block. The scan starts afresh after each compound statement
    or effect: a stretch of the block up to one, in which it shared nothing, is skipped while
    it stays as it was (`_Settled`)."""
    available = _Block()
    changed = stretch_changed = False
    index = start = 0  # the scan knows nothing at block[start]
    while index < len(block):
        if index == start:
            index = start = settled.skip(block, index)
            if index == len(block):
                break
        stmt = block[index]
        index += 1
        if stmt.__class__ is gast.Assign and stmt.targets[0].__class__ is gast.Name:
            assignment = settled.assignment(stmt, facts)
        elif nodes.is_comment(stmt):
            continue
        else:
            assignment = None
        if assignment is None or not assignment.pure:
            available.clear()  # compound statements, effects: start again after them
            settled.add(block, start, index, stretch_changed)
            start, stretch_changed = index, False
            continue
        target, read = assignment.target, assignment.reads
        key = assignment.key(available.copies) if assignment.candidate and target not in returned else None
        found = available.values.get(key) if key is not None else None
        if found is not None and found[0] not in returned:
            stmt.value = nodes.name(found[0])
            facts.unchanged.statements().forget(stmt)
            read = {found[0]}
            changed = stretch_changed = True
        if key is not None and any(available.copies.get(name) == target for name in read):
            key = None  # (its key reads the target's old value through a copy: `d2 = dv; dv = 1.5 * d2`)
        available.assigned(target)
        available.record(target, stmt.value, key, read)
    if start < len(block):
        settled.add(block, start, len(block), stretch_changed)
    return changed


class _Assignment:
    """What the scan asks of an assignment to a name, kept until a pass changes it: whether its
    value is pure (as facts.is_pure), whether it is worth sharing (an operation, not an atom, and
    nothing that builds a mutable container), the names it reads (the statement's: its target is
    stored, not read), and its value's key."""

    __slots__ = ("stmt", "summary", "target", "pure", "candidate", "reads", "_key", "_names")

    def __init__(self, assignment: gast.Assign, summary, facts: Facts):
        self.stmt = assignment  # held, which keeps its id from being reused while it is kept
        self.summary = summary
        self.target = assignment.targets[0].id
        self.pure = summary.pure(facts)
        self.candidate = not nodes.is_atom(assignment.value) and not summary.container
        self.reads = summary.reads
        self._key: Optional[str] = None
        self._names: Set[str] = set()

    def key(self, copies: Dict[str, str]) -> str:
        """_key of its value under `copies`: the key with no copies, made once, when no name in it
        holds a copy."""
        if self._key is None:
            self._key = _key(self.stmt.value, {})
            self._names = set(self.summary.loads) | set(self.summary.stores)
        if copies and not copies.keys().isdisjoint(self._names):
            return _key(self.stmt.value, copies)
        return self._key


class _Settled:
    """What the pass keeps from one run to the next: what it asks of each assignment
    (`_Assignment`), and the stretches of blocks in which it shared nothing (`SettledStretches`,
    under the same names returned). A stretch starts where the scan knows nothing (a block's
    start, after a compound statement or an effect) and ends with the statement after which it
    knows nothing again, or with its block; what the pass does in it depends on it alone."""

    def __init__(self, tree_facts, returned: Set[str]):
        self.summaries = tree_facts
        self.assignments = tree_facts.settled_for("cse assignments")  # id(assignment) -> _Assignment
        self.stretches = SettledStretches(tree_facts, "cse")
        self.returned = frozenset(returned)

    def assignment(self, stmt: gast.Assign, facts: Facts) -> _Assignment:
        """The kept facts of an assignment to a name."""
        found = self.assignments.get(id(stmt))
        if found is None:
            found = self.assignments[id(stmt)] = _Assignment(stmt, self.summaries.summary(stmt), facts)
        return found

    def skip(self, block: List[gast.stmt], start: int) -> int:
        """Where the scan goes on: past the settled stretches from block[start] on."""
        return self.stretches.skip(block, start, self.returned)

    def add(self, block: List[gast.stmt], start: int, stop: int, changed: bool) -> None:
        if not changed:
            self.stretches.add(block, start, stop, self.returned)


def _survey(tree: gast.FunctionDef, facts: Facts):
    """The straight-line blocks, the names returned, and whether anything changes a value in place
    (then the rest does not matter). The survey of an assignment, expression statement or return
    is kept until a pass changes it (`TreeFacts.forget`)."""
    returned = set()
    kept = facts.unchanged.statements().settled_for("cse survey")
    for stmt in [tree, *facts.unchanged.every_statement(tree)]:
        if stmt.__class__ in _WHOLE:
            found = kept.get(id(stmt))
            if found is None:
                found = kept[id(stmt)] = (stmt, *_survey_of_simple(stmt, facts))
            names, in_place = found[1], found[2]
        else:
            names, in_place = (), _changes_any_in_place(header_nodes(stmt), facts)
        if in_place:
            return [], returned, True
        returned.update(names)
    return facts.unchanged.blocks(tree), returned, False


_WHOLE = (gast.Assign, gast.Expr, gast.Return)  # statements with no statement inside


def _survey_of_simple(stmt: gast.stmt, facts: Facts) -> Tuple[Set[str], bool]:
    """The names an assignment, expression statement or return returns, and whether it changes a
    value in place, from its summary (a pure statement calls nothing that does)."""
    summary = facts.unchanged.statements().summary(stmt)
    returned = summary.reads if stmt.__class__ is gast.Return and stmt.value is not None else set()
    in_place = summary.item_store or not summary.pure(facts) and any(_changes_in_place(call, facts)
                                                                      for call in summary.calls)
    return returned, in_place


def _changes_any_in_place(found: List[gast.AST], facts: Facts) -> bool:
    """Whether one of these nodes (a compound statement's header) changes a value in place."""
    return any(node.__class__ is gast.Subscript and node.ctx.__class__ is gast.Store
               or node.__class__ is gast.Call and _changes_in_place(node, facts) for node in found)


def _changes_in_place(call: gast.Call, facts: Facts) -> bool:
    """A call of a list method or a user function (not of a pure function, the compiler's stack,
    or the comment marker)."""
    return not (facts.is_pure_callee(call.func) or _on(call, facts.stack) or _is_comment_call(call))


def _is_comment_call(call: gast.Call) -> bool:
    return isinstance(call.func, gast.Name) and call.func.id == nodes.COMMENT_MARKER


def _on(call: gast.Call, stack: str) -> bool:
    """A push or pop of the compiler's stack (which no shared value can be)."""
    func = call.func
    on_name = isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name)
    return bool(stack) and on_name and func.value.id == stack


@reports_changes
def run(tree: gast.FunctionDef, facts: Facts) -> bool:
    blocks, returned, in_place = _survey(tree, facts)
    if in_place:
        return False
    changed = False
    settled = _Settled(facts.unchanged.statements(), returned)
    for block in blocks:
        changed = _eliminate_in(block, facts, returned, settled) or changed
    return changed
