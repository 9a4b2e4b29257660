"""Fewer saved values: the adjoint sweep recomputes cheap temporaries and takes shapes from kin.

Two rewrites of the adjoint code of a function, made before the saves are decided:

- A temporary made in a loop by one arithmetic operation on numbers (`_t1 = r * x`), or
  read out of an array or list that nothing in the function changes, at numbers
  (`_t2 = xs[t]`, a view or an item), whose value only the adjoint of one later statement
  of its block reads is recomputed there, from operands that still hold their values, or
  hold them again once that statement's own overwritten value is restored first: two
  float operations or an index cost less than saving and restoring the temporary (an
  array per step for a row of xs), and the stack stays shorter.
- `unbroadcast(g, t)` and `unreduce(g, t, ...)` read only the shape of t. Where t came from
  an elementwise operation whose other operands are numbers (`_t3 = 0.01 * _t2`), or from
  one operand with itself (`_t5 = x * x`), it has that operand's shape, and the adjoint
  reads the operand instead, so that t need not be saved.

Before (the adjoint of `x = _t1 * _t2` in `for ...: _t1 = r * x; _t2 = 1.0 - x; x = _t1 * _t2`)::

    d_t1 = d_t1 + _t2 * dx
    d_t2 = d_t2 + _t1 * dx

After (and x, saved by that statement, is restored before this code runs)::

    _t1 = r * x
    _t2 = 1.0 - x
    d_t1 = d_t1 + _t2 * dx
    d_t2 = d_t2 + _t1 * dx
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Optional, Set

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.ad.code_reads import CodeReads
from adjoint.analysis.kinds import CONTAINER, SCALAR, is_array

_ARITHMETIC = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow, gast.Mod)
_SHAPE_READERS = (runtime.unbroadcast, runtime.unreduce)


AdjointCode = Dict[gast.stmt, List[gast.stmt]]  # statement -> its adjoint statements


@dataclass
class Plan:
    """The adjoint code with the scalars it recomputes, and the statements that must restore
    their own target before their adjoint code runs (it recomputes from that value)."""

    adjoint_code: AdjointCode
    restore_first: Set[gast.stmt] = field(default_factory=set)

    def restores_first(self, stmt: gast.stmt) -> bool:
        return stmt in self.restore_first

    def holds(self, saves) -> bool:
        """Whether every statement that must restore first does save its target."""
        return all(saves.at(stmt) for stmt in self.restore_first)


def take_shapes(body: List[gast.stmt], adjoint_code: AdjointCode, ctx, reads: CodeReads) -> None:
    """Rewrite, in place, the reads of shapes in `adjoint_code` to read them from kin."""
    shape_readers = frozenset(name for name, obj in ctx.bindings.items() if any(obj is h for h in _SHAPE_READERS))
    if not any(reads.calls_any(stmt, shape_readers) for code in adjoint_code.values() for stmt in code):
        return  # no shape read (the scalar rules drop theirs)
    read = set().union(*(reads.exposed(code) for code in adjoint_code.values()))
    for block in _blocks(body):
        _Block(block, adjoint_code, ctx, reads).shapes(read, shape_readers)


def recompute_scalars(body: List[gast.stmt], adjoint_code: AdjointCode, ctx, reads: CodeReads) -> Plan:
    """The plan that recomputes cheap scalars in the adjoint code (which it leaves unchanged)."""
    result = Plan({key: list(code) for key, code in adjoint_code.items()})
    control = control_reads(body)
    readers = _Readers(result.adjoint_code, reads)
    for block in _blocks(body):
        _Block(block, result.adjoint_code, ctx, reads, result, adjoint_code, readers).scalars(control)
    return result


class _Readers:
    """Which statements' adjoint code reads each name before assigning it, computed once and
    updated when a recomputation is put in front of one statement's adjoint code."""

    def __init__(self, adjoint_code: AdjointCode, reads: CodeReads):
        self.adjoint_code = adjoint_code
        self.reads = reads
        self.exposed: Dict[gast.stmt, Set[str]] = {}
        self.of: Dict[str, Set[gast.stmt]] = defaultdict(set)  # a name -> statements whose adjoint code reads it
        for key, code in adjoint_code.items():
            self._index(key, reads.exposed(code))

    def _index(self, key: gast.stmt, exposed: Set[str]) -> None:
        for name in self.exposed.get(key, set()) - exposed:
            self.of[name].discard(key)
        for name in exposed:
            self.of[name].add(key)
        self.exposed[key] = exposed

    def insert_first(self, key: gast.stmt, stmt: gast.stmt) -> None:
        self.adjoint_code[key].insert(0, stmt)
        self._index(key, self.reads.exposed(self.adjoint_code[key]))


class _Block:
    def __init__(self, stmts: List[gast.stmt], adjoint_code: AdjointCode, ctx, reads: CodeReads,
                 result: Optional[Plan] = None, original: Optional[AdjointCode] = None,
                 readers: Optional[_Readers] = None):
        self.stmts = stmts
        self.adjoint_code = adjoint_code
        self.ctx = ctx
        self.reads = reads
        self.result = result
        self.original = original  # the adjoint code before any scalar was recomputed
        self.readers = readers
        self.position = {stmt: position for position, stmt in enumerate(stmts)}

    # ----- shapes -------------------------------------------------------------------------

    def shapes(self, read: Set[str], shape_readers: FrozenSet[str]) -> None:
        """Take each shape from the first kin that is kept anyway: never overwritten, or read by
        the adjoint sweep for its value (so saved already). `shape_readers`: the names of the
        helpers that read a shape."""
        for j, use in enumerate(self.stmts):
            for stmt in self.adjoint_code.get(use, ()):
                if not self.reads.calls_any(stmt, shape_readers):
                    continue
                for call in nodes.every_node(stmt):
                    if self._reads_shape(call, shape_readers):
                        kin = self._shape_kin(call.args[1].id, j)
                        kept = [name for name in kin if name in read or self.ctx.sites.stable(name)]
                        if kept:
                            call.args[1] = nodes.name(kept[0])
                            self.reads.forget(stmt)

    @staticmethod
    def _reads_shape(node: gast.AST, shape_readers: FrozenSet[str]) -> bool:
        return (
            isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and len(node.args) >= 2
            and isinstance(node.args[1], gast.Name) and node.func.id in shape_readers
        )

    def _shape_kin(self, name: str, use: int) -> List[str]:
        """Names with `name`'s shape that hold at statement `use` the values they held when
        `name` was made (a chain of shape-keeping operations back from name)."""
        kin: List[str] = []
        while True:
            index = self._definition(name, use)
            if index is None:
                return kin
            operand = self._same_shape_operand(self.stmts[index].value)
            if operand is None or operand in kin or self._assigned_between(operand, index, use + 1):
                return kin
            kin.append(operand)
            name = operand

    def _same_shape_operand(self, value: gast.expr) -> Optional[str]:
        operands = None
        if isinstance(value, gast.BinOp) and isinstance(value.op, _ARITHMETIC):
            operands = [value.left, value.right]
        elif isinstance(value, gast.UnaryOp) and isinstance(value.op, (gast.USub, gast.UAdd)):
            operands = [value.operand]
        elif isinstance(value, gast.Call) and not value.keywords and self._is_ufunc(value):
            operands = list(value.args)
        if not operands:
            return None
        if not all(isinstance(atom, (gast.Name, gast.Constant)) for atom in operands):
            return None
        arrays = {atom.id for atom in operands if isinstance(atom, gast.Name) and not self._is_number(atom)}
        if len(arrays) != 1:
            return None
        return arrays.pop()

    def _is_ufunc(self, call: gast.Call) -> bool:
        func = self.ctx.operation(call).func
        return isinstance(func, np.ufunc) and func.nin == len(call.args)

    def _is_number(self, atom: gast.expr) -> bool:
        if isinstance(atom, gast.Constant):
            return type(atom.value) in (int, float)
        return isinstance(atom, gast.Name) and self.ctx.kinds.get(atom.id) == SCALAR

    # ----- scalars -------------------------------------------------------------------------

    def scalars(self, control: Set[str]) -> None:
        """Recompute candidates from the last to the first, so that a temporary read only by
        the recomputation of a later one is recomputed just before it."""
        for index in reversed(range(len(self.stmts))):
            stmt = self.stmts[index]
            if not self._cheap(stmt, control):
                continue
            use = self._single_reader(stmt.targets[0].id, index)
            if use is None:
                continue
            operands = set(nodes.names_read(stmt.value))
            if self._assigned_between_any(operands, index, use):
                continue
            reader = self.stmts[use]
            overwritten = nodes.assigned_name(reader)
            if overwritten in operands and not self._can_restore_first(reader):
                continue
            if overwritten in operands:
                self.result.restore_first.add(reader)
            self.readers.insert_first(reader, nodes.copy_location(nodes.clone(stmt), reader))

    def _cheap(self, stmt: gast.stmt, control: Set[str]) -> bool:
        """A temporary made by one arithmetic operation on numbers, or read out of an input."""
        target = nodes.assigned_name(stmt)
        if target is None or target in control or self.ctx.sites.stable(target):
            return False
        if target in self.ctx.namer.original or self.ctx.sites.counts.get(target, 0) != 1:
            return False
        if isinstance(stmt.value, gast.Subscript):
            return self._read_of_input(stmt.value)
        if self.ctx.kinds.get(target) != SCALAR:
            return False
        value = stmt.value
        if isinstance(value, gast.BinOp) and isinstance(value.op, _ARITHMETIC):
            operands = [value.left, value.right]
        elif isinstance(value, gast.UnaryOp) and isinstance(value.op, gast.USub):
            operands = [value.operand]
        else:
            return False
        return all(self._is_number(atom) for atom in operands)

    def _read_of_input(self, value: gast.Subscript) -> bool:
        """`xs[t]`, `x[i, 1:]`: an item or basic slice of an array or list that nothing in the
        function changes, neither in place nor through a name sharing its memory, at numbers."""
        owner = value.value
        if not isinstance(owner, gast.Name) or not (is_array(self.ctx.kinds.get(owner.id))
                                                    or self.ctx.kinds.get(owner.id) == CONTAINER):
            return False
        if not self.ctx.sites.stable(owner.id) or self.ctx.aliases.expand({owner.id}) != {owner.id}:
            return False
        if owner.id in self.ctx.aliases.mutated:
            return False
        parts = value.slice.elts if isinstance(value.slice, gast.Tuple) else [value.slice]
        bounds = [bound for part in parts for bound in
                  ((part.lower, part.upper, part.step) if isinstance(part, gast.Slice) else (part,))]
        return all(bound is None or self._is_integer(bound) for bound in bounds)

    def _is_integer(self, atom: gast.expr) -> bool:
        if isinstance(atom, gast.Constant):
            return type(atom.value) is int
        return isinstance(atom, gast.Name) and self.ctx.kinds.get(atom.id) == SCALAR

    def _single_reader(self, name: str, index: int) -> Optional[int]:
        """The position of the one later statement of the block whose adjoint reads `name` (its own adjoint may
        read it too), or None when others read it or none does."""
        others = self.readers.of.get(name, set()) - {self.stmts[index]}
        if len(others) != 1:
            return None
        position = self.position.get(next(iter(others)))
        if position is None or position <= index or nodes.assigned_name(self.stmts[position]) is None:
            return None  # read elsewhere, earlier, or by a statement other than an assignment (a loop)
        return position

    def _can_restore_first(self, reader: gast.stmt) -> bool:
        """Its own adjoint must not read what it assigned, nor may the assignment fill a list."""
        target = nodes.assigned_name(reader)
        if target is None or nodes.is_pop(reader.value):
            return False
        return target not in self.reads.exposed(self.original.get(reader, []))

    # ----- the block's assignments ----------------------------------------------------------

    def _definition(self, name: str, before: int) -> Optional[int]:
        if self.ctx.sites.counts.get(name, 0) != 1 or name in self.ctx.namer.original:
            return None
        for index in range(before - 1, -1, -1):
            if nodes.assigned_name(self.stmts[index]) == name and isinstance(self.stmts[index], gast.Assign):
                return index
        return None

    def _assigned_between(self, name: str, start: int, stop: int) -> bool:
        return self._assigned_between_any({name}, start, stop)

    def _assigned_between_any(self, names: Set[str], start: int, stop: int) -> bool:
        """Whether a statement after `start` and before `stop` assigns or changes one of names."""
        for stmt in self.stmts[start + 1:stop]:
            if names & nodes.names_changed(stmt):
                return True
        return False


def control_reads(body: List[gast.stmt]) -> Set[str]:
    """Names the replay of control flow reads (tests, loop ranges) or an insert_grad_of block reads."""
    names: Set[str] = set()
    for stmt in nodes.statements_in(body):
        if isinstance(stmt, (gast.If, gast.While)):
            names.update(nodes.names_read(stmt.test))
        elif isinstance(stmt, gast.For):
            names.update(nodes.names_read(stmt.iter))
            names.update(nodes.names_stored(stmt.target))
        elif isinstance(stmt, gast.With):
            names.update(n for inner in stmt.body for n in nodes.names_read(inner))
    return names


def _blocks(body: List[gast.stmt]):
    yield body
    for stmt in body:
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            yield from _blocks(stmt.body)
            yield from _blocks(stmt.orelse)

