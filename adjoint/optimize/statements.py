"""What each statement of a block reads and assigns, computed once per block.

The passes that look along a block (copies, accumulations, inlining) ask of many statements
which names they read and which they assign or change. `BlockFacts` walks each statement once
and keeps the answers in lists parallel to the block; a pass that rewrites a statement updates
its entry (`rewritten`) or removes it with the statement (`delete`), so no statement is walked
again for a query. `Unchanged` keeps what the passes ask of the whole tree from one pass to the
next: the `Summary` of each simple statement (what one walk finds, for every pass that asks) until
a pass changes that statement (and says so: `TreeFacts.forget`), the counts of names and the
blocks while no pass changes the tree. `SettledStretches` keeps, for a pass, the stretches of
blocks in which it found nothing to do, to pass over them in later rounds while none of their
statements changed.
"""
from __future__ import annotations

import functools
import operator
from collections import Counter
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

import gast

from adjoint import nodes


def simple(stmt: gast.stmt) -> bool:
    """An assignment or an expression statement (no block of its own)."""
    return isinstance(stmt, (gast.Assign, gast.Expr))


def stretch_end(block: List[gast.stmt], start: int) -> int:
    """Just after the first statement from block[start] on that is not simple, or the block's end:
    a stretch of simple statements and the statement that ends it, which no value that moves
    along a block (merging accumulations, inlining) passes."""
    for index in range(start, len(block)):
        if not simple(block[index]):
            return index + 1
    return len(block)


def every_statement(node: gast.AST) -> List[gast.stmt]:
    """Every statement inside node, nested ones included, in source order (each before the
    statements it holds), without walking into expressions."""
    found: List[gast.stmt] = []
    _add_statements(node, found)
    return found


def _add_statements(node: gast.AST, found: List[gast.stmt]) -> None:
    for field in nodes.statement_fields(node.__class__):
        value = getattr(node, field, None)
        if value.__class__ is list:
            for item in value:
                if isinstance(item, gast.stmt):
                    found.append(item)
                    _add_statements(item, found)
                elif isinstance(item, gast.excepthandler):
                    _add_statements(item, found)


def counts(tree: gast.AST) -> Tuple[Counter, Counter]:
    """How many times each name is loaded and stored in tree."""
    loads, stores = [], []
    _names_in(nodes.every_node(tree), loads, stores)
    return Counter(loads), Counter(stores)


def _names_in(found: List[gast.AST], loads: List[str], stores: List[str]) -> None:
    """Add the names these nodes store to `stores`, the others (loaded, deleted, parameters) to `loads`."""
    name, store = gast.Name, gast.Store
    for node in found:
        if node.__class__ is name:
            (stores if node.ctx.__class__ is store else loads).append(node.id)


def header_nodes(stmt: gast.AST) -> List[gast.AST]:
    """The nodes of a compound statement (or a function) outside the statements it holds, the
    headers of its exception handlers among them; the statements are not looked at."""
    found = []
    holding = nodes.statement_fields(stmt.__class__)
    for field in stmt._fields:
        value = getattr(stmt, field, None)
        if field == "handlers":
            for handler in value:
                found.extend(header_nodes(handler))
        elif field not in holding:
            for item in value if value.__class__ is list else [value]:
                if isinstance(item, gast.AST):
                    found.extend(nodes.every_node(item))
    return found


def _expression_facts(node: gast.AST, reads: Set[str], assigns: Set[str]) -> None:
    """Add what node reads to `reads`, and what it assigns or changes to `assigns` (stored names,
    the objects of subscript stores, the objects whose methods it calls), in one walk."""
    name, load, store = gast.Name, gast.Load, gast.Store
    subscript, call, attribute = gast.Subscript, gast.Call, gast.Attribute
    for sub in nodes.every_node(node):
        cls = sub.__class__
        if cls is name:
            if sub.ctx.__class__ is load:
                reads.add(sub.id)
            elif sub.ctx.__class__ is store:
                assigns.add(sub.id)
        elif cls is subscript and sub.ctx.__class__ is store:
            assigns.update(nodes.names_read(sub.value))
        elif cls is call and sub.func.__class__ is attribute:
            assigns.update(nodes.names_read(sub.func.value))


KEPT = (gast.Assign, gast.Expr, gast.Return)  # statements whose facts are kept: no statement inside
_EFFECTS = frozenset({gast.Lambda, gast.NamedExpr, gast.Yield, gast.Await})  # what no pure value holds
_CONTAINERS = frozenset({gast.List, gast.Dict, gast.Set, gast.ListComp, gast.DictComp, gast.SetComp})


def _told_nodes(stmt: gast.stmt) -> List[gast.AST]:
    """The nodes of an assignment, expression statement or return that tell its summary something,
    those of every_node but the arithmetic between them: a walk that passes through binary and
    unary operations (their operators hold nothing) and over constants, most of the nodes of the
    compiler's statements, without keeping them. Below any other node, every_node finds them all."""
    if stmt.__class__ not in KEPT:
        return nodes.every_node(stmt)
    found: List[gast.AST] = []
    pending = [*stmt.targets, stmt.value] if stmt.__class__ is gast.Assign else [stmt.value]
    binop, unaryop, constant, name = gast.BinOp, gast.UnaryOp, gast.Constant, gast.Name
    while pending:
        node = pending.pop()
        cls = node.__class__
        if cls is binop:
            pending.append(node.left)
            pending.append(node.right)
        elif cls is unaryop:
            pending.append(node.operand)
        elif cls is name:
            found.append(node)
        elif cls is not constant and node is not None:  # `return` alone has no value
            found += nodes.every_node(node)
    return found


class Summary:
    """What one walk of an assignment, expression statement or return finds, for every pass that
    asks: the names it reads (`reads`) and assigns or changes (`assigns`, as `_expression_facts`),
    every name it loads (or deletes, or binds as a parameter) and stores, in walk order, for the
    counts of names; its calls; whether it holds an effect (a lambda, `:=`, yield, await), builds
    a container, or stores into an item."""

    __slots__ = ("stmt", "reads", "assigns", "loads", "stores", "calls", "effect", "container", "item_store",
                 "_pure")

    def __init__(self, stmt: gast.stmt):
        self.stmt = stmt  # held, which keeps its id from being reused while the summary is kept
        self.reads: Set[str] = set()
        self.assigns: Set[str] = set()
        self.loads: List[str] = []
        self.stores: List[str] = []
        self.calls: List[gast.Call] = []
        self.effect = self.container = self.item_store = False
        self._pure: Optional[bool] = None
        self._add(_told_nodes(stmt))

    def _add(self, found: List[gast.AST]) -> None:
        """Add what these nodes (those of the statement) tell."""
        name, load, store = gast.Name, gast.Load, gast.Store
        subscript, call, attribute = gast.Subscript, gast.Call, gast.Attribute
        for sub in found:
            cls = sub.__class__
            if cls is name:
                ctx = sub.ctx.__class__
                if ctx is store:
                    self.stores.append(sub.id)
                    self.assigns.add(sub.id)
                else:
                    self.loads.append(sub.id)
                    if ctx is load:
                        self.reads.add(sub.id)
            elif cls is call:
                self.calls.append(sub)
                if sub.func.__class__ is attribute:
                    self.assigns.update(nodes.names_read(sub.func.value))
            elif cls is subscript:
                if sub.ctx.__class__ is store:
                    self.item_store = True
                    self.assigns.update(nodes.names_read(sub.value))
            elif cls in _EFFECTS:
                self.effect = True
            elif cls in _CONTAINERS:
                self.container = True

    def pure(self, facts) -> bool:
        """No effect and no call but of pure functions (`facts.is_pure` of the whole statement: of
        an assignment's value when it assigns a name)."""
        if self._pure is None:
            self._pure = not self.effect and all(facts.is_pure_callee(call.func) for call in self.calls)
        return self._pure


class TreeFacts:
    """What each statement of a tree reads and assigns. The `Summary` of an assignment, expression
    statement or return is kept until `forget`: a pass that changes such a statement in place,
    or a compound statement with statements inside, says so. A compound statement's facts are
    made from its parts on each ask, so a change inside it needs no more."""

    def __init__(self):
        self.known: Dict[int, Summary] = {}  # id(stmt) -> its summary (which holds stmt)
        self.settled: Dict[str, Dict[int, Any]] = {}  # pass -> id(stmt) -> what it keeps: see `settled_for`

    def summary(self, stmt: gast.stmt) -> Summary:
        """The summary of an assignment, expression statement or return."""
        found = self.known.get(id(stmt))
        if found is None:
            found = self.known[id(stmt)] = Summary(stmt)
        return found

    def of(self, stmt: gast.stmt) -> Tuple[Set[str], Set[str]]:
        if stmt.__class__ in KEPT:
            found = self.summary(stmt)
            return found.reads, found.assigns
        reads: Set[str] = set()
        assigns: Set[str] = set()
        for field in stmt._fields:
            value = getattr(stmt, field, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, gast.stmt):
                        inner_reads, inner_assigns = self.of(item)
                        reads |= inner_reads
                        assigns |= inner_assigns
                    elif isinstance(item, gast.AST):
                        _expression_facts(item, reads, assigns)
            elif isinstance(value, gast.AST):
                _expression_facts(value, reads, assigns)
        return reads, assigns

    def forget(self, stmt: gast.stmt) -> None:
        """stmt, or a statement inside it, was changed in place."""
        changed = [id(stmt)]
        if stmt.__class__ not in KEPT:
            changed += [id(inner) for inner in every_statement(stmt)]
        for kept in [self.known, *self.settled.values()]:
            for key in changed:
                kept.pop(key, None)

    def settled_for(self, pass_name: str) -> Dict[int, Any]:
        """What a pass keeps about statements it looked at and left as they were, under their ids,
        until a pass changes them in place (`forget` drops them): a pass whose decision on a
        statement depends on that statement alone need not look at it again. What it keeps
        holds the statement, which keeps its id from being reused."""
        return self.settled.setdefault(pass_name, {})


class SettledStretches:
    """The stretches of blocks in which a pass found nothing to do, as they were then: the same
    statements in the same order, none changed in place since (`TreeFacts.forget`), under the same
    `context` (whatever else the pass's decisions there depend on). The pass says where a stretch
    starts and ends; what it does in a stretch must depend on the stretch and the context alone.
    What is kept holds the statements, which keeps their ids from being reused."""

    def __init__(self, tree_facts: TreeFacts, pass_name: str):
        self.unchanged = tree_facts.settled_for(pass_name)  # id(stmt) -> stmt, for the stretches' statements
        self.stretches = tree_facts.settled_for(pass_name + " stretches")  # id(first) -> (stmts, to the end, context)

    def end(self, block: List[gast.stmt], start: int, context: Any = None) -> int:
        """The end of the settled stretch that starts at block[start], or start where none does."""
        return self.end_where(block, start, lambda kept: kept == context)

    def end_where(self, block: List[gast.stmt], start: int, holds: Callable[[Any], bool]) -> int:
        """`end`, the context the stretch was settled under told to hold still by holds(that
        context): for a pass whose context is made from the stretch, which then need not be found
        to be asked."""
        found = self.stretches.get(id(block[start]))
        if found is None:
            return start
        stretch, to_the_end, kept_context = found
        stop = start + len(stretch)
        if stop > len(block) or (stop == len(block)) != to_the_end or not holds(kept_context):
            return start
        if not all(map(operator.is_, block[start:stop], stretch)):
            return start
        if not all(map(operator.is_, map(self.unchanged.get, map(id, stretch)), stretch)):
            return start  # one of them changed in place since
        return stop

    def skip(self, block: List[gast.stmt], start: int, context: Any = None) -> int:
        """Where a scan goes on: past the settled stretches from block[start] on."""
        while start < len(block):
            stop = self.end(block, start, context)
            if stop == start:
                break
            start = stop
        return start

    def add(self, block: List[gast.stmt], start: int, stop: int, context: Any = None) -> None:
        """block[start:stop] is a stretch in which the pass found nothing to do."""
        stretch = block[start:stop]
        self.unchanged.update(zip(map(id, stretch), stretch))
        self.stretches[id(stretch[0])] = (stretch, stop == len(block), context)


class BlockFacts:
    """`reads[i]` and `assigned[i]`: the names block[i] reads, and assigns or changes."""

    def __init__(self, block: List[gast.stmt], tree_facts: Optional[TreeFacts] = None):
        tree_facts = tree_facts or TreeFacts()
        self.block = block
        self.reads: List[Set[str]] = []
        self.assigned: List[Set[str]] = []
        for stmt in block:  # the kept sets themselves: the passes replace an entry, never change it
            reads, assigns = tree_facts.of(stmt)
            self.reads.append(reads)
            self.assigned.append(assigns)

    def rewritten(self, index: int, reads: Set[str], assigns: Set[str]) -> None:
        self.reads[index] = reads
        self.assigned[index] = assigns

    def delete(self, index: int) -> None:
        del self.block[index]
        del self.reads[index]
        del self.assigned[index]

    def blocker(self, value_reads: Set[str], start: int, stop: int, target: str) -> Optional[int]:
        """Whether a value reading `value_reads`, assigned to `target`, may move from just before
        block[start] to just before block[stop]: None when every statement between is simple,
        assigns nothing the value reads nor target, and does not read target; else the position
        of the first statement that stands in the way."""
        block, reads, assigns = self.block, self.reads, self.assigned
        for index in range(start, stop):
            if nodes.is_comment(block[index]):
                continue
            if not simple(block[index]) or target in reads[index] or target in assigns[index]:
                return index
            if not value_reads.isdisjoint(assigns[index]):
                return index
        return None


class Unchanged:
    """What passes ask of the whole tree, kept from one pass to the next: the statement facts
    (`statements`, kept up to date by `TreeFacts.forget`); until a pass reports a change
    (`changed`) the counts of names: a pass that reports none has left the tree as it was, so a
    later pass finds the answers it would compute itself. A pass that changes the tree may change
    the counts while it runs (inlining moves loads); they are dropped after it, unless it kept
    them up to date (`reports_changes(keeps_counts=True)`: inline, copies). The blocks are
    kept until a pass reports it reshaped them (`reshaped`): the other passes change expressions,
    or remove simple statements from a block that keeps a statement after them, so the tree holds
    the same statement lists, in the same order."""

    def __init__(self):
        self._statements: Optional[TreeFacts] = None
        self._counts: Optional[Tuple[Counter, Counter]] = None
        self._blocks: Optional[List[List[gast.stmt]]] = None

    def changed(self) -> None:
        self._counts = None

    def reshaped(self) -> None:
        """A pass removed a compound statement, emptied a block, or put a new list in the tree."""
        self._counts = self._blocks = None

    def statements(self) -> TreeFacts:
        if self._statements is None:
            self._statements = TreeFacts()
        return self._statements

    def counts(self, tree: gast.AST) -> Tuple[Counter, Counter]:
        """`counts(tree)`, from the summary of each simple statement."""
        if self._counts is None:
            loads: List[str] = []
            stores: List[str] = []
            statements = self.statements()
            for stmt in [tree, *self.every_statement(tree)]:
                if stmt.__class__ in KEPT:
                    found = statements.summary(stmt)
                    loads += found.loads
                    stores += found.stores
                else:
                    _names_in(header_nodes(stmt), loads, stores)
            self._counts = Counter(loads), Counter(stores)
        return self._counts

    def blocks(self, tree: gast.AST) -> List[List[gast.stmt]]:
        if self._blocks is None:
            self._blocks = list(nodes.blocks(tree))
        return self._blocks

    def every_statement(self, tree: gast.AST) -> List[gast.stmt]:
        """Every statement of the tree, from the kept blocks: the statements of every_statement(tree),
        in another order (a derivative holds no `try`, whose `finally` block is not among them)."""
        return [stmt for block in self.blocks(tree) for stmt in block]


def reports_changes(run: Optional[Callable] = None, *, keeps_counts: bool = False) -> Callable:
    """A pass's `run(tree, facts) -> changed`: when it changes the tree, the answers `Unchanged`
    kept are dropped, however the passes are called; but the counts of names, for a pass that
    `keeps_counts` (updates the kept counts as it changes the tree)."""
    if run is None:
        return functools.partial(reports_changes, keeps_counts=keeps_counts)

    @functools.wraps(run)
    def run_pass(tree: gast.FunctionDef, facts) -> bool:
        changed = run(tree, facts)
        if changed and not keeps_counts:
            facts.unchanged.changed()
        return changed
    return run_pass
