"""Which assignments must save the value they overwrite for the adjoint sweep.

The adjoint sweep visits statements in reverse. An assignment s to v must push v's old
value (and pop it back after its adjoint) only if the adjoint of some statement t reads v
and t can run before s in the primal: t comes earlier in the function, or t and s share
a loop. A variable assigned once outside loops, or read only by code after its last
assignment, is never saved.

    >>> # total = 0.0; for c in cs: total = total * x + c; return total
    >>> # the adjoint of `total * x` reads total inside the loop: that assignment saves;
    >>> # `total = 0.0` runs before any reader: it does not.

The backward half of a called function reads, through its residuals, the objects of its
arguments and result (`shared`): an in-place write to one of them after the call (`y[1] =
...`, an append) saves what it overwrites too, but rebinding their names does not.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Optional, Set

import gast

from adjoint import nodes
from adjoint.analysis.views import makes_new_object
from adjoint.nodes import is_append, is_pop


@dataclass
class _Entry:
    stmt: gast.stmt
    index: int
    loops: FrozenSet[gast.stmt]
    block: list  # the statement list it stands in


@dataclass
class Saves:
    """The statements that save what they overwrite, the pops whose value goes back into its
    list, the loops whose target is saved, and the names saved anywhere."""

    statements: Set[gast.stmt] = field(default_factory=set)
    lists: Set[gast.stmt] = field(default_factory=set)
    loop_targets: Set[gast.stmt] = field(default_factory=set)
    names: Set[str] = field(default_factory=set)

    def at(self, stmt: gast.stmt) -> bool:
        return stmt in self.statements

    def refills(self, stmt: gast.stmt) -> bool:
        """`v = lst.pop()` whose v must be appended back to lst in the adjoint sweep."""
        return stmt in self.lists

    def loop_target(self, loop: gast.For) -> bool:
        return loop in self.loop_targets

    def _key(self):
        return (self.statements, self.lists, self.loop_targets)

    def union(self, other: "Saves") -> "Saves":
        return Saves(self.statements | other.statements, self.lists | other.lists,
                     self.loop_targets | other.loop_targets, self.names | other.names)


def written_name(stmt: gast.stmt) -> Optional[str]:
    """The variable (or container) a simple statement changes."""
    if isinstance(stmt, gast.Assign):
        target = stmt.targets[0]
        if isinstance(target, gast.Name):
            return target.id
        if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
            return target.value.id
    if is_append(stmt):
        return stmt.value.func.value.id
    return None


def _number(stmts, loops: FrozenSet[gast.stmt], entries: List[_Entry]) -> None:
    for stmt in stmts:
        entries.append(_Entry(stmt, len(entries), loops, stmts))
        if isinstance(stmt, (gast.For, gast.While)):
            _number(stmt.body, loops | {stmt}, entries)
        elif isinstance(stmt, gast.If):
            _number(stmt.body, loops, entries)
            _number(stmt.orelse, loops, entries)


def _can_precede(reader: _Entry, writer: _Entry, exclude: int = 0) -> bool:
    return reader.index < writer.index or bool((reader.loops & writer.loops) - {exclude})


class _Analysis:
    def __init__(self, body, adjoint_reads: Dict[gast.stmt, Set[str]], primal_names: FrozenSet[str], stable,
                 shared: Dict[gast.stmt, Set[str]], sharing, fresh):
        self.fresh = fresh
        self.entries: List[_Entry] = []
        _number(body, frozenset(), self.entries)
        self.adjoint_reads = adjoint_reads
        self.sharing = sharing
        self.sharers: Dict[str, List[_Entry]] = {}
        for entry in self.entries:
            for name in shared.get(entry.stmt, ()):
                self.sharers.setdefault(name, []).append(entry)
        self.primal_names = primal_names
        self.stable = stable
        self._stored: Dict[int, FrozenSet[str]] = {}  # entry index -> the names its statement stores

    def reads(self, saves: Saves) -> Dict[gast.stmt, Set[str]]:
        """Primal names the adjoint sweep reads at each statement, given the current saves."""
        reads: Dict[gast.stmt, Set[str]] = {}
        for entry in self.entries:
            stmt = entry.stmt
            names = set(self.adjoint_reads.get(stmt, ()))
            if isinstance(stmt, gast.If) and self._replayed(stmt, saves):
                names |= set(nodes.names_read(stmt.test))
            elif isinstance(stmt, gast.For) and self._replayed(stmt, saves):
                names |= set(nodes.names_read(stmt.iter))
            elif isinstance(stmt, gast.With):
                names |= {n for inner in stmt.body for n in nodes.names_read(inner)}
            elif isinstance(stmt, gast.Assign) and is_pop(stmt.value) and stmt in saves.lists:
                names.add(stmt.targets[0].id)
            elif stmt in saves.statements and _in_place(stmt):
                names |= set(nodes.names_read(_restored_through(stmt)))
            reads[stmt] = names & self.primal_names
        return reads

    def _replayed(self, compound: gast.stmt, saves: Saves) -> bool:
        """Whether the adjoint sweep has anything to do inside this if or loop."""
        for sub in nodes.walk(compound):
            if sub is compound or not isinstance(sub, gast.stmt):
                continue
            if self.adjoint_reads.get(sub) is not None and self._has_adjoint(sub):
                return True
            if sub in saves.statements or sub in saves.lists or sub in saves.loop_targets:
                return True
            if isinstance(sub, gast.With):
                return True
        return False

    def _has_adjoint(self, stmt: gast.stmt) -> bool:
        return bool(self.adjoint_code_present.get(stmt))

    def solve(self, adjoint_code_present: Dict[gast.stmt, bool]) -> Saves:
        self.adjoint_code_present = adjoint_code_present
        saves = Saves()
        while True:
            fresh = saves.union(self._saves(self.reads(saves)))
            if fresh._key() == saves._key():
                return fresh
            saves = fresh

    def _saves(self, reads: Dict[gast.stmt, Set[str]]) -> Saves:
        """A name's old value is saved where the adjoint sweep may read the name after the
        statement rebinding it; what an in-place write overwrites, where it may read the object
        through any name that may share its memory (`viewers`: a read of a view is a read of
        what it views, and the other way round)."""
        readers: Dict[str, List[_Entry]] = {}
        viewers: Dict[str, List[_Entry]] = {}
        for entry in self.entries:
            for name in reads[entry.stmt]:
                readers.setdefault(name, []).append(entry)
            for name in self.sharing(reads[entry.stmt]):
                viewers.setdefault(name, []).append(entry)
        saves = Saves()
        for entry in self.entries:
            stmt = entry.stmt
            if isinstance(stmt, gast.For):
                target = stmt.target.id
                inside = {sub for sub in nodes.walk(stmt)}
                if any(_can_precede(r, entry, stmt) for r in readers.get(target, ()) if r.stmt not in inside):
                    saves.loop_targets.add(stmt)
                continue
            name = written_name(stmt)
            in_place = _in_place(stmt)
            made = self._made_before(name, entry) if in_place and name is not None else None
            read = name is not None and (self._read_before(name, entry, viewers if in_place else readers, made)
                                         or in_place and self._read_before(name, entry, self.sharers))
            if read and not self.stable(name):
                saves.statements.add(stmt)
                saves.names.add(name)
            if isinstance(stmt, gast.Assign) and is_pop(stmt.value):
                owner = stmt.value.func.value.id
                if self._read_before(owner, entry, viewers) or self._read_before(owner, entry, self.sharers):
                    saves.lists.add(stmt)
        return saves

    @staticmethod
    def _read_before(name: str, writer: _Entry, readers, made: Optional[_Entry] = None) -> bool:
        """Whether a reader of name may run before the writer; with `made`, the statement that bound
        name to the new object the writer writes into, only the readers between the two read it."""
        if made is not None:
            return any(made.index < reader.index < writer.index for reader in readers.get(name, ()))
        return any(_can_precede(reader, writer) for reader in readers.get(name, ()))

    def _made_before(self, name: str, writer: _Entry) -> Optional[_Entry]:
        """The statement that binds name, in the writer's own block and before it, to a new object
        (`lap = np.zeros_like(u)`, then `lap[1:-1] = ...`) where nothing between binds name again:
        a write into the object that statement makes changes nothing read before it (in an earlier
        iteration, the object of that iteration, which the rebinding's own save restores)."""
        for entry in reversed(self.entries[:writer.index]):
            target = entry.stmt.targets[0] if isinstance(entry.stmt, gast.Assign) else None
            binds = isinstance(target, gast.Name) and target.id == name or \
                name in self._stored_by(entry) and not _in_place(entry.stmt)
            if not binds:
                continue
            if entry.block is writer.block and isinstance(target, gast.Name) and self.fresh(entry.stmt):
                return entry
            return None
        return None

    def _stored_by(self, entry: _Entry) -> FrozenSet[str]:
        """The names entry's statement stores (a loop's or an `if`'s: in its whole body), kept: each
        in-place write asks it of every statement before it, in each round of solve."""
        stored = self._stored.get(entry.index)
        if stored is None:
            stored = self._stored[entry.index] = frozenset(nodes.names_stored(entry.stmt))
        return stored


def _restored_through(stmt: gast.stmt) -> gast.expr:
    """What the restore of an in-place write reads: the item it writes back (`A[i, j] = pop`), the
    list it pops (`xs.pop()`), with the names they read then."""
    return stmt.value.func.value if is_append(stmt) else stmt.targets[0]


def _in_place(stmt: gast.stmt) -> bool:
    """A write into an object (an item, an append) rather than to a name."""
    return is_append(stmt) or isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript)


def analyze_saves(body, adjoint_code: Dict[gast.stmt, list], primal_names: FrozenSet[str], stable,
                  sharing=set, shared: Optional[Dict[gast.stmt, Set[str]]] = None,
                  exposed_reads=nodes.exposed_reads, classifier=None) -> Saves:
    """`adjoint_code` maps each simple statement to its adjoint statements; `stable(name)` says
    a name is assigned once outside loops (never saved); `sharing(names)` adds the names that
    share memory with them (a read of a view is a read of what it views); `shared` maps a
    split call to the names whose objects its residuals may hold; `exposed_reads(code)` are the
    names code reads before it assigns them (nodes.exposed_reads, or a faster equivalent); `classifier`
    tells the assignments that bind their name to a new object (views.makes_new_object), where given."""
    reads = {key: exposed_reads(code) for key, code in adjoint_code.items()}
    present = {key: any(not nodes.is_comment(s) for s in code) for key, code in adjoint_code.items()}
    fresh = (lambda stmt: makes_new_object(stmt.value, classifier)) if classifier is not None else (lambda stmt: False)
    return _Analysis(body, reads, primal_names, stable, shared or {}, sharing, fresh).solve(present)
