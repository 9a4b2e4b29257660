"""What a `for` iterates over, as sequences read by index: zip, enumerate, reversed, itertools.chain
and itertools.islice, and sequences.

The desugarer turns every `for` into a loop over a range. The iterable is described
recursively (a sequence, reversed(sequence), enumerate(d, start), zip(d, ...)); each
element of the loop's target is then assigned its item by an index expression::

    for i, (a, b) in enumerate(zip(reversed(xs), ys)):

becomes::

    for _i in range(min(len(xs), len(ys))):
        i = _i
        a = xs[len(xs) - 1 - _i]
        b = ys[_i]

Reading `xs[_i]` at each iteration is what the iterators of lists, tuples and arrays do,
in-place writes included. Two differences are taken care of: an expression that is not a
name (`sorted(x)`, `range(1, n)`, `x[1:]`) is evaluated once, before the loop, and a name
the loop rebinds is first copied to a temporary (the iterator keeps the object it was
given). A loop that grows or shrinks a list it iterates over is refused.

A dict is iterated by its keys: `for k, v in d.items()` (also `d.keys()`, `d.values()`, and
`d` itself where d is known to hold a dict) lists the keys once, before the loop
(`_keys = dict_keys(d)`, which has no derivative), and item i reads `d[_keys[i]]`, so the
values' derivatives flow through ordinary item reads.

`chain(xs, ys)` reads item i of xs, then of ys (`xs[i] if i < len(xs) else ys[i - len(xs)]`), and
`islice(xs, start, stop, step)` the positions `islice_positions` lists before the loop (after
islice's own checks of its bounds), as their iterators read the sequences they are given.

zip, enumerate, reversed, chain and islice objects are lazy: bound to a name (`pairs = zip(xs, ys)`) and
iterated once by a `for` in the same block, the loop reads the sequences the object was
made from (copied to temporaries where the object is made, so that rebinding their names
in between changes nothing). Any other use of such an object is refused.
"""
from __future__ import annotations

import itertools
import sys
from dataclasses import dataclass
from typing import Callable, Dict, FrozenSet, List, Optional, Set, Tuple, Union

import gast
import numpy as np

from adjoint import nodes
from adjoint.frontend.values import dependencies_of, resolve_value
from adjoint.normalize import combinatorics
from adjoint.normalize.generators import is_generator_function

ITERATORS = (zip, enumerate, reversed, itertools.chain, itertools.islice)
# Iterators that copy what they are given when they are made (itertools' combinatorics; np.ndindex
# reads a shape): listed in a tuple before the loop, they give the items Python's loop gives.
POOLED = (itertools.product, itertools.combinations, itertools.combinations_with_replacement,
          itertools.permutations, np.ndindex)
COMBINATORICS = POOLED[:4]  # read by the positions of their items (normalize/combinatorics.py)
# Iterators that read what they are given while the loop runs, or never end: no positions to read
# (a `for` over accumulate or pairwise itself is a loop that carries what they keep, normalize/running.py).
LAZY = (iter, itertools.count, itertools.cycle, itertools.repeat, itertools.accumulate, itertools.starmap,
        itertools.takewhile, itertools.dropwhile, itertools.filterfalse, itertools.compress, itertools.zip_longest,
        itertools.groupby, itertools.tee, np.nditer, np.ndenumerate,
        *(getattr(itertools, name) for name in ("pairwise", "batched") if hasattr(itertools, name)))
RESIZING_METHODS = {"append", "extend", "insert", "pop", "remove", "clear"}


@dataclass
class Items:
    """A sequence (list, tuple, array, range) read by index: item i is `sequence[i]`."""

    sequence: str


@dataclass
class Backwards:
    """reversed(sequence): item i is `sequence[len(sequence) - 1 - i]`."""

    sequence: str


@dataclass
class Count:
    """The counter of an enumerate: item i is `i + start`."""

    start: Optional[gast.expr]


@dataclass
class Numbered:
    """enumerate(inner, start): item i is the pair (i + start, inner's item i)."""

    inner: "Description"
    start: Optional[gast.expr]


@dataclass
class Zipped:
    """zip(*parts): item i is the tuple of the parts' items i; as long as the shortest part."""

    parts: List["Description"]


@dataclass
class Entries:
    """A dict's keys (listed in `keys` before the loop), values or (key, value) pairs: `part` is
    "keys", "values" or "items"."""

    mapping: str
    keys: str
    part: str


@dataclass
class Chained:
    """chain(*parts): the items of each part in turn; as long as the parts together."""

    parts: List["Description"]


@dataclass
class Picked:
    """islice(inner, ...): item i is inner's item at `positions[i]` (a range listed before the loop)."""

    inner: "Description"
    positions: str


DICT_VIEWS = ("keys", "values", "items")
Description = Union[Items, Backwards, Numbered, Zipped, Entries, Chained, Picked]


def length(description: Description) -> gast.expr:
    if isinstance(description, (Items, Backwards)):
        return nodes.call_named("len", nodes.name(description.sequence))
    if isinstance(description, Entries):
        return nodes.call_named("len", nodes.name(description.keys))
    if isinstance(description, Numbered):
        return length(description.inner)
    if isinstance(description, Picked):
        return nodes.call_named("len", nodes.name(description.positions))
    if isinstance(description, Chained):
        lengths = [length(part) for part in description.parts]
        total = lengths[0]
        for more in lengths[1:]:
            total = nodes.add(total, more)
        return total
    lengths = [length(part) for part in description.parts]
    return lengths[0] if len(lengths) == 1 else nodes.call_named("min", *lengths)


def item(description, index: Union[str, gast.expr]) -> gast.expr:
    """The expression of the item at position `index` (a loop variable, or an expression of one)."""
    position = nodes.name(index) if isinstance(index, str) else nodes.clone(index)
    if isinstance(description, Picked):
        return item(description.inner, nodes.subscript(nodes.name(description.positions), position))
    if isinstance(description, Chained):
        return _chained_item(description.parts, position)
    if isinstance(description, Items):
        return nodes.subscript(nodes.name(description.sequence), position)
    if isinstance(description, Backwards):
        last = nodes.binop(length(description), gast.Sub(), nodes.constant(1))
        return nodes.subscript(nodes.name(description.sequence), nodes.binop(last, gast.Sub(), position))
    if isinstance(description, Count):
        return position if description.start is None else nodes.add(position, nodes.load_copy(description.start))
    if isinstance(description, Entries):
        key = nodes.subscript(nodes.name(description.keys), position)
        if description.part == "keys":
            return key
        if description.part == "values":
            return nodes.subscript(nodes.name(description.mapping), key)
    return nodes.tuple_of(item(part, index) for part in parts(description))


def _chained_item(chained: List[Description], position: gast.expr) -> gast.expr:
    """`first[i] if i < len(first) else <the item i - len(first) of the others>`."""
    if len(chained) == 1:
        return item(chained[0], position)
    first = length(chained[0])
    later = nodes.binop(nodes.clone(position), gast.Sub(), nodes.clone(first))
    test = gast.Compare(left=nodes.clone(position), ops=[gast.Lt()], comparators=[first])
    return gast.IfExp(test=test, body=item(chained[0], position), orelse=_chained_item(chained[1:], later))


def parts(description) -> list:
    """What a tuple target unpacks an item of description into (none for a sequence's items, or
    for chain's, which may come from parts of different kinds)."""
    if isinstance(description, Picked):
        return [Picked(part, description.positions) for part in parts(description.inner)]
    if isinstance(description, Numbered):
        return [Count(description.start), description.inner]
    if isinstance(description, Zipped):
        return list(description.parts)
    if isinstance(description, Entries) and description.part == "items":
        return [Entries(description.mapping, description.keys, part) for part in ("keys", "values")]
    return []


def sequences(description) -> List[str]:
    """The names of the sequences a description reads."""
    if isinstance(description, (Items, Backwards)):
        return [description.sequence]
    if isinstance(description, Entries):
        return [description.mapping]
    return [name for part in _inner(description) for name in sequences(part)]


def _inner(description) -> list:
    """The descriptions a chain, an islice, an enumerate or a zip reads."""
    if isinstance(description, Chained):
        return list(description.parts)
    if isinstance(description, Picked):
        return [description.inner]
    return parts(description)


class Describer:
    """Builds descriptions; the setup statements it appends evaluate the sequences once.

    `iterator_of(call)` is zip, enumerate or reversed when the call is one of them (else
    None), `refuse(node, message)` makes the error raised at node, `keys_of` is the name of
    the function listing a dict's keys, `mappings` the names known to hold dicts.
    """

    def __init__(self, iterator_of: Callable, fresh: Callable[[str], str], refuse: Callable,
                 keys_of: Callable[[], str], mappings: FrozenSet[str] = frozenset(),
                 callee_of: Callable = lambda call: None, tuple_name: Callable[[], str] = lambda: "tuple",
                 positions_of: Callable[[], str] = lambda: "islice_positions",
                 strict_check: Callable[[], str] = lambda: "zip_lengths_or_raise",
                 columns_of: Callable[[], str] = lambda: "pooled_columns"):
        self.iterator_of = iterator_of
        self.positions_of = positions_of  # the name of runtime.islice_positions
        self.strict_check = strict_check  # the name of runtime.zip_lengths_or_raise
        self.columns_of = columns_of  # the name of runtime.pooled_columns
        self.after_loop: List[gast.stmt] = []  # the checks of `zip(..., strict=True)` the loop described needs
        self.callee_of = callee_of  # the function a call calls, where it is known
        self.tuple_name = tuple_name
        self.iterator_names: FrozenSet[str] = frozenset()  # names bound to a pooled or lazy iterator
        self.generators: List[Tuple[gast.Call, Callable]] = []  # calls of generator functions listed, and their callees
        self.fresh = fresh
        self.refuse = refuse
        self.keys_of = keys_of
        self.mappings = mappings

    def describe(self, expr: gast.expr, setup: List[gast.stmt], copied: Callable[[str], bool]) -> Description:
        """`copied(name)` says whether a sequence given by name must be copied to a temporary."""
        iterator = self.iterator_of(expr)
        if iterator is zip:
            strict = [k.value for k in expr.keywords if k.arg == "strict" and sys.version_info >= (3, 10)]
            if len(strict) != len(expr.keywords) or not expr.args or strict and not isinstance(strict[0], gast.Constant):
                raise self.refuse(expr, "zip is supported with one or more sequences and no keyword arguments but a "
                                        "literal `strict`")
            zipped = Zipped([self.describe(arg, setup, copied) for arg in expr.args])
            if strict and strict[0].value:  # after the loop, where Python's zip raises at its end
                check = nodes.call(nodes.name(self.strict_check()), [length(part) for part in zipped.parts])
                self.after_loop.append(nodes.copy_location(gast.Expr(value=check), expr))
            return zipped
        if iterator is enumerate:
            return self._enumerate(expr, setup, copied)
        if iterator is itertools.chain:
            if expr.keywords or not expr.args or any(isinstance(arg, gast.Starred) for arg in expr.args):
                raise self.refuse(expr, "chain is supported with one or more sequences, none starred")
            return Chained([self.describe(arg, setup, copied) for arg in expr.args])
        if iterator is itertools.islice:
            return self._islice(expr, setup, copied)
        pooled = self.callee_of(expr) if isinstance(expr, gast.Call) else None
        if any(pooled is known for known in COMBINATORICS):
            return Zipped([Picked(Items(pool), places) for pool, places in combinatorics.described(self, expr, setup)])
        if iterator is reversed:
            if expr.keywords or len(expr.args) != 1:
                raise self.refuse(expr, "reversed takes one sequence")
            inner = self.describe(expr.args[0], setup, copied)
            if not isinstance(inner, Items):
                raise self.refuse(expr, "reversed() of a zip, enumerate or reversed object is a TypeError in Python")
            return Backwards(inner.sequence)
        view = dict_view(expr)
        if view is not None or nodes.dotted_name(expr) in self.mappings:
            return self._entries(expr.func.value if view else expr, view or "keys", setup)
        if isinstance(expr, gast.Name) and expr.id in self.iterator_names:
            raise self.refuse(expr, f"the loop iterates over `{expr.id}`, which is bound to an iterator: iterate "
                                    "over the call itself, or over a list, a tuple, an array or a range")
        if isinstance(expr, gast.Name) and not copied(expr.id):
            return Items(expr.id)
        return Items(self.evaluated(self._listed(expr), setup, "_seq"))

    def is_iterator_call(self, expr: gast.expr) -> bool:
        callee = self.callee_of(expr) if isinstance(expr, gast.Call) else None
        return callee is not None and any(callee is known for known in POOLED + LAZY)

    def _listed(self, expr: gast.expr) -> gast.expr:
        """expr, a pooled iterator or a call of the user's generator function (normalize/generators.py)
        in a tuple; a lazy iterator is refused."""
        callee = self.callee_of(expr) if isinstance(expr, gast.Call) else None
        if callee is None:
            return expr
        if is_generator_function(callee):
            self.generators.append((expr, callee))
        if any(callee is pooled for pooled in POOLED) or is_generator_function(callee):
            return nodes.copy_location(nodes.call(nodes.name(self.tuple_name()), [expr]), expr)
        if any(callee is lazy for lazy in LAZY):
            name = getattr(callee, "__qualname__", getattr(callee, "__name__", "the iterator"))
            raise self.refuse(expr, f"the loop iterates over an iterator (`{name}(...)`), which reads what it is "
                                    "given while the loop runs and has no positions: iterate over a list, a tuple, "
                                    "an array or a range")
        return expr

    def _entries(self, mapping: gast.expr, part: str, setup: List[gast.stmt]) -> Entries:
        """The dict `mapping` iterated by `part`; its keys are listed before the loop (the dict
        itself is taken once, as the loop's view of it would be)."""
        name = mapping.id if isinstance(mapping, gast.Name) else self.evaluated(mapping, setup, "_dict")
        keys = self.fresh("_keys")
        listing = nodes.call(nodes.name(self.keys_of()), [nodes.name(name)])
        setup.append(nodes.copy_location(nodes.assign(keys, listing), mapping))
        return Entries(name, keys, part)

    def _enumerate(self, expr: gast.Call, setup, copied) -> Numbered:
        keywords = {k.arg: k.value for k in expr.keywords}
        if set(keywords) - {"start"} or not 1 <= len(expr.args) + len(keywords) <= 2 or not expr.args:
            raise self.refuse(expr, "enumerate is supported as enumerate(iterable) or enumerate(iterable, start)")
        inner = self.describe(expr.args[0], setup, copied)
        start = expr.args[1] if len(expr.args) == 2 else keywords.get("start")
        if start is not None and not isinstance(start, gast.Constant):
            start = nodes.name(self.evaluated(start, setup, "_start"))
        return Numbered(inner, start)

    def _islice(self, expr: gast.Call, setup, copied) -> Picked:
        """islice(inner, [start,] stop[, step]): the positions it reads, listed after inner is taken."""
        if expr.keywords or not 2 <= len(expr.args) <= 4 or any(isinstance(arg, gast.Starred) for arg in expr.args):
            raise self.refuse(expr, "islice is supported as islice(iterable, stop) or islice(iterable, start, "
                                    "stop[, step])")
        inner = self.describe(expr.args[0], setup, copied)
        listing = nodes.call(nodes.name(self.positions_of()), [length(inner)] + expr.args[1:])
        return Picked(inner, self.evaluated(nodes.copy_location(listing, expr), setup, "_positions"))

    def evaluated(self, expr: gast.expr, setup: List[gast.stmt], prefix: str) -> str:
        temp = self.fresh(prefix)
        setup.append(nodes.copy_location(nodes.assign(temp, expr), expr))
        return temp


def indexed_sequences(description) -> List[str]:
    """The names a description reads by position (`xs[i]`), not by key."""
    if isinstance(description, (Items, Backwards)):
        return [description.sequence]
    return [name for part in _inner(description) for name in indexed_sequences(part)]


def dict_view(expr: gast.expr) -> Optional[str]:
    """"keys", "values" or "items" for a call `d.keys()`, `d.values()`, `d.items()`, else None."""
    if (isinstance(expr, gast.Call) and isinstance(expr.func, gast.Attribute) and expr.func.attr in DICT_VIEWS
            and not expr.args and not expr.keywords):
        return expr.func.attr
    return None


def sequence_names(expr: gast.expr, iterator_of: Callable) -> Set[str]:
    """The names an iterable iterates over as they are (not through an expression such as `list(xs)`)."""
    iterator = iterator_of(expr)
    if iterator is None:
        return {expr.id} if isinstance(expr, gast.Name) else set()
    iterated = expr.args if iterator in (zip, itertools.chain) else expr.args[:1]
    return {name for arg in iterated for name in sequence_names(arg, iterator_of)}


def breaks(body: List[gast.stmt]) -> Optional[gast.Break]:
    """The first `break` of the loop whose body this is (not of a loop inside it)."""
    for stmt in body:
        if isinstance(stmt, gast.Break):
            return stmt
        if not isinstance(stmt, (gast.For, gast.While)):
            found = breaks([child for child in nodes.children(stmt) if isinstance(child, gast.stmt)])
            if found is not None:
                return found
    return None


def resizing_call(stmts: List[gast.stmt], names: Set[str]) -> Optional[gast.Call]:
    """The first call in stmts that grows or shrinks one of the lists `names` (`xs.append(v)`)."""
    for stmt in stmts:
        for node in nodes.walk(stmt):
            if (isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute)
                    and node.func.attr in RESIZING_METHODS and isinstance(node.func.value, gast.Name)
                    and node.func.value.id in names):
                return node
    return None


@dataclass
class BoundIterators:
    """zip/enumerate/reversed objects bound to a name and iterated by one `for`.

    `calls` holds every iterator call the desugarer may rewrite (those of `for`
    headers and of these assignments); `assignments` and `loops` map the binding
    statement and of the consuming loop to the name.
    """

    calls: Set[gast.Call]
    assignments: Dict[gast.Assign, str]
    loops: Dict[gast.For, str]


def find_bound_iterators(func_node: gast.FunctionDef, iterator_of: Callable, refuse: Callable) -> BoundIterators:
    found = BoundIterators(set(), {}, {})
    for block in nodes.blocks(func_node):
        for position, stmt in enumerate(block):
            if isinstance(stmt, gast.For):
                _allow(stmt.iter, iterator_of, found.calls)
            if _binds_iterator(stmt, iterator_of):
                _bind(func_node, block, position, iterator_of, refuse, found)
    return found


def _binds_iterator(stmt: gast.stmt, iterator_of: Callable) -> bool:
    return (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
            and iterator_of(stmt.value) is not None)


def _bind(func_node, block: List[gast.stmt], position: int, iterator_of, refuse, found: BoundIterators) -> None:
    assignment = block[position]
    name = assignment.targets[0].id
    stores = [node for node in nodes.walk(func_node)
              if isinstance(node, gast.Name) and node.id == name and isinstance(node.ctx, gast.Store)]
    if len(stores) != 1:
        raise refuse(assignment, f"`{name}` is bound to a {_label(assignment.value, iterator_of)} object and "
                                 "assigned elsewhere too; give the iterator a name of its own")
    uses = [node for node in nodes.walk(func_node)
            if isinstance(node, gast.Name) and node.id == name and isinstance(node.ctx, gast.Load)]
    loop = next((stmt for stmt in block[position + 1:] if isinstance(stmt, gast.For)
                 and isinstance(stmt.iter, gast.Name) and stmt.iter.id == name), None)
    for use in uses:
        if loop is None or use is not loop.iter:
            raise refuse(use, f"`{name}` is a {_label(assignment.value, iterator_of)} object: it is supported "
                              "only as what one `for` loop of the same block iterates over")
    _allow(assignment.value, iterator_of, found.calls)
    found.assignments[assignment] = name
    if loop is not None:
        found.loops[loop] = name
        between = block[position + 1:block.index(loop)]
        resizing = resizing_call(between, sequence_names(assignment.value, iterator_of))
        if resizing is not None:
            raise refuse(resizing, f"the list is resized while the iterator `{name}` over it waits to be used")


def _allow(expr: gast.expr, iterator_of: Callable, calls: Set[gast.Call]) -> None:
    """Mark the iterator calls of a `for` header or an iterator binding (nested ones too)."""
    if iterator_of(expr) is None:
        return
    calls.add(expr)
    for arg in expr.args:
        _allow(arg, iterator_of, calls)


def _label(expr: gast.Call, iterator_of: Callable) -> str:
    return iterator_of(expr).__name__




def iterated_free_dicts(parsed, local_names: FrozenSet[str]) -> FrozenSet[str]:
    """The names and attributes reached from outside the function (globals, closures, a bound
    method's object) that a `for` iterates and that hold a dict when adjoint reads the function
    (`for name in WEIGHTS:`, `for k in self.weights:` iterate its keys), as dotted names; the
    derivative depends on what they hold."""
    found = set()
    for loop in nodes.walk(parsed.node):
        path = nodes.dotted_name(loop.iter) if isinstance(loop, gast.For) else None
        if path is not None and not (isinstance(loop.iter, gast.Name) and loop.iter.id in local_names):
            value = resolve_value(loop.iter, parsed, local_names)
            if isinstance(value, dict):
                found.add(path)
                parsed.dependencies.extend(dependencies_of(loop.iter, parsed, value))
    return frozenset(found)
