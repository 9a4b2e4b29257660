"""Single-use temporaries: a temporary's expression goes back to its only use.

`_t1 = x * y; z = _t1 + b` becomes `z = x * y + b` when the compiler's temporary `_t1` is
assigned once and loaded once, in a later statement of the same block (or the test of a later
`if`, the iterable of a later `for`), and the value may move there: it is pure, nothing in
between changes what it reads, and nothing in between reads or assigns `_t1`. An impure value
moves only into a statement right after it that copies it (`_t = f(); y = _t`).

One scan per block: each statement's reads and assignments are known from `BlockFacts`, the
statement that loads a temporary from a table made once, and after an inlining the scan goes on
where it was. What was not inlinable before stays so, except a temporary kept from moving by the
statement just inlined away: that one is looked at again first.

Before::

    _t1 = x * y
    _t2 = math.sin(x)
    z = _t1 + _t2
    return z

After::

    z = x * y + math.sin(x)
    return z
"""
from __future__ import annotations

import bisect
import heapq
from collections import Counter
from typing import Dict, List, Optional, Set

import gast

from adjoint import nodes
from adjoint.optimize.facts import Facts
from adjoint.optimize.raises import may_take
from adjoint.optimize.statements import BlockFacts, SettledStretches, TreeFacts, reports_changes, stretch_end


class _ReplaceLoad(nodes.Transformer):
    """Put the value in place of the load of the temporary: its only one, so nothing is looked at
    after it."""

    def __init__(self, temp: str, value: gast.expr):
        self.temp = temp
        self.value = value
        self.replaced = False

    def visit(self, node):
        return node if self.replaced else super().visit(node)

    def visit_Name(self, node):
        if node.id == self.temp and isinstance(node.ctx, gast.Load):
            self.replaced = True
            return self.value
        return node


def _replace_load(stmt: gast.stmt, temp: str, value: gast.expr) -> None:
    replacer = _ReplaceLoad(temp, value)
    if isinstance(stmt, gast.If):
        stmt.test = replacer.visit(stmt.test)
    elif isinstance(stmt, gast.For):
        stmt.iter = replacer.visit(stmt.iter)
    else:
        replacer.visit(stmt)


class _Block:
    """One stretch's scan (a block of its own, see `run`). A temporary that cannot move because
    of a statement in between waits on that statement (`waiting`); when that statement is itself
    inlined away, the temporary is looked at again before the scan goes on, as a scan restarted
    from the top would find it."""

    def __init__(self, block: List[gast.stmt], facts: Facts, loads: Counter, stores: Counter,
                 tree_facts: TreeFacts, candidates: Set[str], zeroed: Set[str]):
        self.block = block
        self.facts = facts
        self.loads = loads
        self.stores = stores
        self.tree_facts = tree_facts
        self.candidates = candidates  # the temporaries the block assigns that are assigned and loaded once
        self.zeroed = zeroed  # see _zeroed
        self.reader: Dict[str, gast.stmt] = {}  # a candidate -> the first statement of the block that reads it
        self.info = BlockFacts(block, tree_facts)
        self.order = {id(stmt): position for position, stmt in enumerate(block)}  # never renumbered
        self.ordinals = list(range(len(block)))  # the order of each statement of the block, ascending
        for stmt, reads in zip(block, self.info.reads):
            for name in reads & candidates:
                self.reader.setdefault(name, stmt)
        self.waiting: Dict[int, List[gast.stmt]] = {}  # id of a statement in the way -> temporaries waiting
        self.again: List[int] = []  # a heap of the orders of statements to look at again

    def _single_temporary(self, name: Optional[str]) -> bool:
        """A temporary assigned once and loaded once: the only names that may be inlined (inlining
        one changes no other's counts)."""
        return name is not None and self.facts.is_temporary(name) and self.loads[name] == 1 and self.stores[name] == 1

    def _zero_of_any_shape(self, temp: str, value: gast.expr) -> bool:
        """The 0.0 of an adjoint that may be an array: known zeros put it where 0.0 may stand (and
        `zeros_like` elsewhere: optimize/zero_positions.py), not inlining."""
        return temp in self.facts.zero_shapes and value.__class__ is gast.Constant and value.value == 0

    def run(self) -> bool:
        changed, index = False, 0
        while True:
            if self.again and (index >= len(self.block) or self.again[0] < self.ordinals[index]):
                order = heapq.heappop(self.again)
                position = bisect.bisect_left(self.ordinals, order)
                alive = position < index and self.ordinals[position] == order
                if alive and self._inline(position):
                    changed, index = True, index - 1
            elif index < len(self.block):
                if self._inline(index):
                    changed = True  # the next statement is now at index
                else:
                    index += 1
            else:
                return changed

    def _inline(self, index: int) -> bool:
        stmt = self.block[index]
        temp = nodes.assigned_name(stmt)
        if not self._single_temporary(temp) or self._zero_of_any_shape(temp, stmt.value) or temp in self.zeroed:
            return False
        use = self._single_use(index, temp)
        if not self.tree_facts.summary(stmt).pure(self.facts) and not self._is_copy_right_after(index, use, temp):
            return False
        if use is None or not may_take(stmt, self.block[use], self.facts):  # (optimize/raises.py)
            return False
        # a name the value reads may view memory a statement in between writes in place (`t = y[::2]`)
        blocker = self.info.blocker(self.facts.sharing(self.info.reads[index]), index + 1, use, temp)
        if blocker is not None:
            self.waiting.setdefault(id(self.block[blocker]), []).append(stmt)
            return False
        self._move(index, use, temp)
        return True

    def _move(self, index: int, use: int, temp: str) -> None:
        stmt, reader = self.block[index], self.block[use]
        _replace_load(reader, temp, stmt.value)
        if getattr(reader, "lineno", None) is None:  # the final return: a check failing in it names the user's line
            nodes.copy_location(reader, stmt)
        self.tree_facts.forget(reader)
        moved = self.info.reads[index]
        for name in moved & self.candidates:
            if self.reader.get(name) is stmt:
                self.reader[name] = reader
        self.info.rewritten(use, (self.info.reads[use] - {temp}) | moved,
                            self.info.assigned[use] | (self.info.assigned[index] - {temp}))
        self.info.delete(index)
        del self.ordinals[index]
        self.loads[temp], self.stores[temp] = 0, 0
        for waiting in self.waiting.pop(id(stmt), ()):
            heapq.heappush(self.again, self.order[id(waiting)])

    def _single_use(self, index: int, temp: str) -> Optional[int]:
        """The position of the later statement that reads temp, if it may take its value."""
        reader = self.reader.get(temp)
        if reader is None or self.order[id(reader)] <= self.order[id(self.block[index])]:
            return None
        use = bisect.bisect_left(self.ordinals, self.order[id(reader)])
        if isinstance(reader, (gast.Assign, gast.Expr, gast.Return)):
            return use
        header = reader.test if isinstance(reader, gast.If) else getattr(reader, "iter", None)
        if isinstance(reader, (gast.If, gast.For)) and temp in set(nodes.names_read(header)):
            return use
        return None

    def _is_copy_right_after(self, index: int, use: Optional[int], temp: str) -> bool:
        """`t = f(...); y = t`: any value can move into the next statement when that only copies it.
        Else the value waits on the first statement in between."""
        if use is None:
            return False
        between = next((position for position in range(index + 1, use)
                        if not nodes.is_comment(self.block[position])), None)
        if between is not None:
            self.waiting.setdefault(id(self.block[between]), []).append(self.block[index])
            return False
        stmt = self.block[use]
        return isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Name) and stmt.value.id == temp


def _counts_read(stretch: List[gast.stmt], facts: Facts, loads: Counter, stores: Counter) -> tuple:
    """What inlining in a stretch depends on besides its statements: how many times each temporary
    it assigns is loaded and stored in the whole function."""
    assigned = [name for name in map(nodes.assigned_name, stretch) if name is not None and facts.is_temporary(name)]
    return tuple((name, loads[name], stores[name]) for name in assigned)


def _counted_alike(kept: tuple, loads: Counter, stores: Counter) -> bool:
    """Whether the counts `_counts_read` kept for a stretch are its counts still (for a settled
    stretch: the same statements, assigning the same temporaries)."""
    return all(loads[name] == loaded and stores[name] == stored for name, loaded, stored in kept)


@reports_changes(keeps_counts=True)
def _zeroed(tree: gast.FunctionDef, facts: Facts) -> Set[str]:
    """In forward mode, the temporaries whose tangent, which may be an array, is set to 0.0
    somewhere: known zeros may yet write that zero as `zeros_like` of the temporary
    (optimize/zero_positions.py), which must then still be there."""
    primals = {adjoint: primal for adjoint, primal in facts.zero_shapes.items() if primal is not None}
    if not primals or not facts.forward:  # the adjoints of reverse mode all start at 0.0
        return set()
    return {primals[stmt.targets[0].id] for stmt in facts.unchanged.every_statement(tree)
            if stmt.__class__ is gast.Assign and stmt.targets[0].__class__ is gast.Name
            and stmt.targets[0].id in primals and stmt.value.__class__ is gast.Constant and stmt.value.value == 0}


def run(tree: gast.FunctionDef, facts: Facts) -> bool:
    """Inline every single-use temporary that may move to its use. A value moves along its block no
    further than the first statement that is not simple (into its header at most), so each stretch
    up to one is scanned on its own; one in which nothing moved is passed over until one of its
    statements changes or the counts of its temporaries do (`SettledStretches`)."""
    changed = False
    loads, stores = facts.unchanged.counts(tree)  # inlining moves loads: only the inlined temporary's change
    tree_facts = facts.unchanged.statements()
    zeroed = _zeroed(tree, facts)
    settled = SettledStretches(tree_facts, "inline")
    for block in facts.unchanged.blocks(tree):
        start = 0
        while start < len(block):
            stop = settled.end_where(block, start, lambda kept: _counted_alike(kept, loads, stores))
            if stop == start:
                stop = stretch_end(block, start)
                stretch = block[start:stop]
                counts = _counts_read(stretch, facts, loads, stores)
                candidates = {name for name, loaded, stored in counts if loaded == 1 and stored == 1}
                if candidates and _Block(stretch, facts, loads, stores, tree_facts, candidates, zeroed).run():
                    block[start:stop] = stretch  # the same list: the blocks kept (Unchanged) stay the tree's
                    stop = start + len(stretch)
                    changed = True
                else:
                    settled.add(block, start, stop, counts)
            start = stop
    return changed
