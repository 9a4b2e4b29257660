"""Merging accumulations: `dx = e1; ...; dx = dx + e2` becomes `...; dx = e1 + e2`.

An adjoint is accumulated term by term (`dx = dx + term`). Where the statement that set it
before is in the same block, with only simple statements in between that neither read nor
change dx nor anything e1 reads, and e1 is pure, the two become one statement. The statement
before is found through an index of the statements that touch each name (from `BlockFacts`),
not by looking back over the block, and after a merge the scan goes on from where the merged
statement was.

Before::

    da = 0.0
    da = da + dz
    dx = db * math.cos(x)
    dx = dx + y * da
    return dx

After::

    da = 0.0 + dz
    dx = db * math.cos(x) + y * da
    return dx
"""
from __future__ import annotations

import bisect
from collections import defaultdict
from typing import Dict, List, Optional, Set

import gast

from adjoint import nodes
from adjoint.optimize.facts import Facts
from adjoint.optimize.statements import BlockFacts, SettledStretches, reports_changes, simple, stretch_end


def _accumulation_target(stmt: gast.stmt, facts: Facts) -> Optional[str]:
    """x for `x = x + e` where x is an adjoint and e does not read x (it may only if the statement
    loads x twice: e is walked only then)."""
    target = nodes.assigned_name(stmt)
    if target is None:
        return None
    value = stmt.value
    if target not in facts.adjoint_names or not isinstance(value, gast.BinOp) or not isinstance(value.op, gast.Add):
        return None
    if not (isinstance(value.left, gast.Name) and value.left.id == target):
        return None
    loads_twice = facts.unchanged.statements().summary(stmt).loads.count(target) > 1
    if loads_twice and target in set(nodes.names_read(value.right)):
        return None
    return target


def _accumulations(block: List[gast.stmt], facts: Facts) -> Dict[int, str]:
    """The id of each accumulation of the block -> its target."""
    found = {}
    for stmt in block:
        target = _accumulation_target(stmt, facts)
        if target is not None:
            found[id(stmt)] = target
    return found


class _Block:
    """One stretch's accumulations (a block of its own, see `run`). Each statement has an order
    number that never changes; per name, the order numbers of the statements that read or assign
    it and of those that assign it, and those of the compound statements, are kept ascending (a
    merged statement's new names added, a deleted statement skipped where it is met), so the
    statement an accumulation would merge into, the nearest one back that touches its target or
    does not merely assign, is found without walking back over the statements between. Only the
    names asked about are indexed: the targets of the stretch's accumulations (a merge makes no
    new one), and what the statements assigning them read, with the names that may share memory
    with those (a merged statement reads what the two it joins read)."""

    def __init__(self, info: BlockFacts, facts: Facts, accumulating: Dict[int, str]):
        self.info = info
        self.facts = facts
        self.accumulating = accumulating  # id of each accumulation of the block -> its target
        self.targets = targets = set(accumulating.values())
        self.ordinals = list(range(len(info.block)))  # the order number of each statement, ascending
        self.deleted: Set[int] = set()
        self.touching: Dict[str, List[int]] = defaultdict(list)  # a target -> statements touching it
        self.assigning: Dict[str, List[int]] = defaultdict(list)  # a name asked about -> statements assigning it
        self.compound: List[int] = []
        read = set()
        for stmt, reads in zip(info.block, info.reads):
            if nodes.assigned_name(stmt) in targets:
                read |= reads
        self.asked = targets | facts.sharing(read)
        for number, stmt in enumerate(info.block):
            if nodes.is_comment(stmt):
                continue
            if not simple(stmt):
                self.compound.append(number)
            for name in (info.reads[number] | info.assigned[number]) & targets:
                self.touching[name].append(number)
            for name in info.assigned[number] & self.asked:
                self.assigning[name].append(number)

    def _last_before(self, numbers: List[int], number: int) -> Optional[int]:
        """The greatest order number in `numbers` below `number` of a statement still there."""
        index = bisect.bisect_left(numbers, number) - 1
        while index >= 0 and numbers[index] in self.deleted:
            del numbers[index]
            index -= 1
        return numbers[index] if index >= 0 else None

    def merge_from(self, start: int) -> Optional[int]:
        """Merge the first accumulation at or after `start`; returns where to look next, or None."""
        block, info = self.info.block, self.info
        for j in range(start, len(block)):
            stmt = block[j]
            target = self.accumulating.get(id(stmt))
            if target is None:
                continue
            number = self.ordinals[j]
            earlier_number = self._last_before(self.touching[target], number)
            stop = self._last_before(self.compound, number)
            if earlier_number is None or (stop is not None and stop > earlier_number):
                continue
            i = bisect.bisect_left(self.ordinals, earlier_number)
            earlier = block[i]
            if nodes.assigned_name(earlier) != target:
                continue
            reads = self.facts.sharing(info.reads[i])  # and the names that may share their memory
            if self._assigned_between(reads, earlier_number, number) or not self._pure(earlier):
                continue
            stmt.value = nodes.add(earlier.value, stmt.value.right)
            self.facts.unchanged.statements().forget(stmt)
            self.accumulating.pop(id(earlier), None)
            self.accumulating.pop(id(stmt))
            merged = _accumulation_target(stmt, self.facts)
            if merged is not None:
                self.accumulating[id(stmt)] = merged
            self._rewritten(j, (info.reads[j] - {target}) | info.reads[i], info.assigned[j] | info.assigned[i])
            info.delete(i)
            self.deleted.add(earlier_number)
            del self.ordinals[i]
            return i
        return None

    def _pure(self, assignment: gast.Assign) -> bool:
        return self.facts.unchanged.statements().summary(assignment).pure(self.facts)

    def _assigned_between(self, names, after: int, before: int) -> bool:
        for name in names:
            last = self._last_before(self.assigning[name], before) if name in self.assigning else None
            if last is not None and last > after:
                return True
        return False

    def _rewritten(self, j: int, reads: Set[str], assigned: Set[str]) -> None:
        number, info = self.ordinals[j], self.info
        touched = info.reads[j] | info.assigned[j]
        for name in ((reads | assigned) - touched) & self.targets:
            bisect.insort(self.touching[name], number)
        for name in (assigned - info.assigned[j]) & self.asked:
            bisect.insort(self.assigning[name], number)
        info.rewritten(j, reads, assigned)


def _merge_in(stretch: List[gast.stmt], facts: Facts) -> bool:
    """Merge in a stretch (a list of its own: the merged statements are removed from it)."""
    accumulating = _accumulations(stretch, facts)
    if not accumulating:
        return False
    merging = _Block(BlockFacts(stretch, facts.unchanged.statements()), facts, accumulating)
    position = merging.merge_from(0)
    merged = position is not None
    while position is not None:
        position = merging.merge_from(position)
    return merged


@reports_changes
def run(tree: gast.FunctionDef, facts: Facts) -> bool:
    """Merge each accumulation into the assignment before it where it may move there. A stretch in
    which nothing merged is passed over until one of its statements changes (`SettledStretches`)."""
    changed = False
    settled = SettledStretches(facts.unchanged.statements(), "accumulations")
    for block in facts.unchanged.blocks(tree):
        start = 0
        while start < len(block):
            stop = settled.end(block, start)
            if stop == start:
                stop = stretch_end(block, start)  # no merge crosses a statement that is not simple
                stretch = block[start:stop]
                if _merge_in(stretch, facts):
                    block[start:stop] = stretch  # the same list: the blocks kept (Unchanged) stay the tree's
                    stop = start + len(stretch)
                    changed = True
                else:
                    settled.add(block, start, stop)
            start = stop
    return changed
