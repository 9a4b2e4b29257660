"""Copies of temporaries: `t = y; ...; z = f(t)` becomes `z = f(y)`.

From a copy `t = y` of the compiler's temporary t, loads of t in the simple statements after
it are renamed to y, up to the first statement that assigns t or y (renamed too, as it reads
before it assigns) or the first compound statement or return that reads or assigns either
(not renamed). Where the names of copies are read and assigned is indexed once per block (from
the kept statement facts), so each copy costs the statements it renames, not the length of the
block. A copy whose temporary is then loaded nowhere in the function is dropped here, not left
to dce: a load of y in a dead copy would keep inline from moving y's value to its one real use
until a round later.

Before::

    _t1 = a
    _t2 = _t1 * b
    da = _t1 + _t2
    return da

After::

    _t2 = a * b
    da = a + _t2
    return da
"""
from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from typing import Dict, List, Tuple

import gast

from adjoint import nodes
from adjoint.optimize.facts import Facts
from adjoint.optimize.statements import TreeFacts, reports_changes, simple

_END = float("inf")


class _Rename(nodes.Transformer):
    def __init__(self, old: str, new: str):
        self.old = old
        self.new = new
        self.renamed = 0

    def visit_Name(self, node):
        if node.id == self.old and isinstance(node.ctx, gast.Load):
            self.renamed += 1
            return nodes.name(self.new)
        return node


def _is_copy(stmt: gast.stmt, facts: Facts) -> bool:
    """`t = y` of the compiler's temporary t."""
    copy_name = nodes.assigned_name(stmt)
    return copy_name is not None and isinstance(stmt.value, gast.Name) and facts.is_temporary(copy_name)


def _first_after(positions: List[int], index: int) -> float:
    found = bisect.bisect_right(positions, index)
    return positions[found] if found < len(positions) else _END


class _Block:
    """One block's copies. Only the names of copies matter (each copied temporary and what it
    copies; renaming makes a later copy's source an earlier copy's): the index holds them alone,
    and a block without a copy is not indexed at all."""

    def __init__(self, block: List[gast.stmt], tree_facts: TreeFacts, facts: Facts, counts: Tuple[Counter, Counter]):
        self.block = block
        self.loads, self.stores = counts  # the kept counts of the whole function, kept up to date
        self.tree_facts = tree_facts
        self.copies = [index for index, stmt in enumerate(block) if _is_copy(stmt, facts)]
        self.readers: Dict[str, List[int]] = defaultdict(list)  # name -> positions of statements reading it
        self.assigners: Dict[str, List[int]] = defaultdict(list)
        self.barriers: Dict[str, List[int]] = defaultdict(list)  # compound statements and returns touching a name
        self.names = set()
        if not self.copies:
            return
        for index in self.copies:
            self.names.update((block[index].targets[0].id, block[index].value.id))
        names = self.names
        for position, stmt in enumerate(block):
            reads, assigns = tree_facts.of(stmt)
            if reads.isdisjoint(names) and assigns.isdisjoint(names):
                continue  # most statements: no set made for them
            for name in reads & names:
                self.readers[name].append(position)
            for name in assigns & names:
                self.assigners[name].append(position)
            if not simple(stmt):
                for name in (reads | assigns) & names:
                    self.barriers[name].append(position)

    def propagate(self) -> bool:
        changed = False
        for index in self.copies:
            stmt = self.block[index]
            changed = self._rename_after(index, stmt.targets[0].id, stmt.value.id) or changed
        return changed

    def _rename_after(self, index: int, copy_name: str, source: str) -> bool:
        barrier = min(_first_after(self.barriers[copy_name], index), _first_after(self.barriers[source], index))
        assignment = min(_first_after(self.assigners[copy_name], index), _first_after(self.assigners[source], index))
        end = barrier if barrier <= assignment else assignment + 1
        readers = self.readers[copy_name]
        first = bisect.bisect_right(readers, index)
        last = bisect.bisect_left(readers, end)
        changed = False
        for position in readers[first:last]:
            changed = self._rename_in(position, copy_name, source) or changed
        return changed

    def _rename_in(self, position: int, copy_name: str, source: str) -> bool:
        stmt = self.block[position]
        before = self.tree_facts.of(stmt)[0]  # not a barrier: a simple statement, whose reads are kept
        replacer = _Rename(copy_name, source)
        if isinstance(stmt, gast.Assign):
            stmt.value = replacer.visit(stmt.value)
        else:
            replacer.visit(stmt)
        if not replacer.renamed:
            return False
        self.loads[copy_name] -= replacer.renamed
        self.loads[source] += replacer.renamed
        self.tree_facts.forget(stmt)
        after = self.tree_facts.of(stmt)[0]  # what it assigns stays as it was: renaming loads leaves it
        for name in (before - after) & self.names:
            self.readers[name].remove(position)
        for name in (after - before) & self.names:
            bisect.insort(self.readers[name], position)
        return True


    def drop_unread(self) -> None:
        """Take out the copies whose temporary is loaded nowhere now. The same list: the blocks the
        passes keep stay the tree's."""
        unread = {index for index in self.copies if self.loads[self.block[index].targets[0].id] == 0}
        for index in unread:
            self.loads[self.block[index].value.id] -= 1
            self.stores[self.block[index].targets[0].id] -= 1
        if unread:
            self.block[:] = [stmt for index, stmt in enumerate(self.block) if index not in unread]


@reports_changes(keeps_counts=True)
def run(tree: gast.FunctionDef, facts: Facts) -> bool:
    """Rename loads of copied temporaries to what they copy, and drop the copies left unread."""
    counts = facts.unchanged.counts(tree)
    tree_facts = facts.unchanged.statements()
    renaming = [_Block(block, tree_facts, facts, counts) for block in facts.unchanged.blocks(tree)]
    changed = [block for block in renaming if block.propagate()]
    for block in changed:
        block.drop_unread()
    return bool(changed)
