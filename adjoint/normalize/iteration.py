"""What a `for` iterates over, as sequences read by index: zip, enumerate, reversed, itertools.chain,
itertools.islice and itertools.zip_longest, itertools' combinatorics (normalize/combinatorics.py),
and sequences.

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
islice's own checks of its bounds), as their iterators read the sequences they are given;
`zip_longest(xs, ys, fillvalue=c)` reads `xs[i] if i < len(xs) else _fill` (c evaluated once, after
the sequences) over the length of the longest.

zip, enumerate, reversed, chain, islice and zip_longest objects are lazy: bound to a name (`pairs = zip(xs, ys)`) and
iterated once by a `for` in the same block, the loop reads the sequences the object was
made from (copied to temporaries where the object is made, so that rebinding their names
in between changes nothing). Any other use of such an object is refused.
"""
from __future__ import annotations

import itertools
import sys
from dataclasses import dataclass
from typing import Callable, FrozenSet, List, Optional, Tuple, Union

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.normalize import combinatorics
from adjoint.frontend.listed import LIMIT
from adjoint.normalize.generators import is_generator_function, reads_generators

ITERATORS = (zip, enumerate, reversed, itertools.chain, itertools.islice, itertools.zip_longest)
# Iterators that copy what they are given when they are made (itertools' combinatorics; np.ndindex
# reads a shape): listed in a tuple before the loop, they give the items Python's loop gives.
POOLED = (itertools.product, itertools.combinations, itertools.combinations_with_replacement,
          itertools.permutations, np.ndindex)
COMBINATORICS = POOLED[:4]  # read by the positions of their items (normalize/combinatorics.py)
# Iterators that read what they are given while the loop runs, or never end: no positions to read
# (a `for` over accumulate or pairwise itself is a loop that carries what they keep, normalize/running.py).
LAZY = (iter, itertools.count, itertools.cycle, itertools.repeat, itertools.accumulate, itertools.starmap,
        itertools.takewhile, itertools.dropwhile, itertools.filterfalse, itertools.compress, itertools.groupby,
        itertools.tee, np.nditer, np.ndenumerate,
        *(getattr(itertools, name) for name in ("pairwise", "batched") if hasattr(itertools, name)))


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


@dataclass
class Padded:
    """A part of zip_longest(*parts, fillvalue=fill): item i is the part's item i, or fill past its end;
    `longest` tells the zip_longest it is part of (as long as its longest part) from a part of it."""

    inner: "Description"
    fill: gast.expr
    longest: bool = False


DICT_VIEWS = ("keys", "values", "items")
Description = Union[Items, Backwards, Numbered, Zipped, Entries, Chained, Picked, Padded]


def length(description: Description) -> gast.expr:
    if isinstance(description, (Items, Backwards)):
        return nodes.call_named("len", nodes.name(description.sequence))
    if isinstance(description, Entries):
        return nodes.call_named("len", nodes.name(description.keys))
    if isinstance(description, Numbered):
        return length(description.inner)
    if isinstance(description, Picked):
        return nodes.call_named("len", nodes.name(description.positions))
    if isinstance(description, Padded) and description.longest:
        return nodes.call_named("max", *[length(part) for part in parts(description)])
    if isinstance(description, Padded):
        return length(description.inner)
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
    if isinstance(description, Padded) and not description.longest:
        test = gast.Compare(left=nodes.clone(position), ops=[gast.Lt()], comparators=[length(description.inner)])
        return gast.IfExp(test=test, body=item(description.inner, position), orelse=nodes.clone(description.fill))
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
    if isinstance(description, Padded) and description.longest:
        return [Padded(part, description.fill) for part in description.inner.parts]
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
    if isinstance(description, Picked) or isinstance(description, Padded) and not description.longest:
        return [description.inner]
    return parts(description)


class Describer:
    """Builds descriptions; the setup statements it appends evaluate the sequences once.

    `iterator_of(call)` is zip, enumerate or reversed when the call is one of them (else
    None), `refuse(node, message)` makes the error raised at node, `keys_of` is the name of
    the function listing a dict's keys, `mappings` the names known to hold dicts, `bind(name,
    value)` the name under which the generated code reaches a runtime helper (or `tuple`).
    """

    def __init__(self, iterator_of: Callable, fresh: Callable[[str], str], refuse: Callable,
                 keys_of: Callable[[], str], mappings: FrozenSet[str] = frozenset(),
                 callee_of: Callable = lambda call: None, bind: Callable[[str, object], str] = lambda name, value: name):
        self.iterator_of = iterator_of
        self.bind = bind
        self.after_loop: List[gast.stmt] = []  # the checks of `zip(..., strict=True)` the loop described needs
        self.callee_of = callee_of  # the function a call calls, where it is known
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
            generators = [k for k, arg in enumerate(expr.args) if self._generator_call(arg)]
            if generators and len(expr.args) > 1 and not (strict and strict[0].value):
                return self._zip_taking(expr, generators, setup, copied)
            zipped = Zipped([self.describe(arg, setup, copied) for arg in expr.args])
            if strict and strict[0].value:  # after the loop, where Python's zip raises at its end
                check = nodes.call(nodes.name(self.bind("zip_lengths_or_raise", runtime.zip_lengths_or_raise)), [length(part) for part in zipped.parts])
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
        if iterator is itertools.zip_longest:
            return self._longest(expr, setup, copied)
        pooled = self.callee_of(expr) if isinstance(expr, gast.Call) else None
        if any(pooled is known for known in COMBINATORICS):
            return Zipped([Picked(Items(pool), places) for pool, places in combinatorics.described(self, expr, setup)])
        if iterator is reversed:
            if expr.keywords or len(expr.args) != 1:
                raise self.refuse(expr, "reversed takes one sequence")
            inner = self.describe(expr.args[0], setup, copied)
            if not isinstance(inner, Items) or self._generator_call(expr.args[0]):
                raise self.refuse(expr, "reversed() of a zip, enumerate or reversed object or of a generator is a TypeError "
                                        "in Python")
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

    def _generator_call(self, expr: gast.expr) -> bool:
        return isinstance(expr, gast.Call) and is_generator_function(self.callee_of(expr))

    def _zip_taking(self, expr: gast.Call, generators: List[int], setup, copied) -> Zipped:
        """zip(..., gen(...), ...) beside sequences: the generator's arguments evaluated in their place,
        then, once the sequences are, its items listed up to those zip takes (runtime.zip_pulls)."""
        if len(generators) > 1:
            raise self.refuse(expr.args[generators[1]], "zip of two generators stops at the shorter, which adjoint "
                                                        "cannot tell before it lists their items: list one first "
                                                        "(`list(...)`), or give zip `strict=True`")
        position, parts = generators[0], []
        for k, arg in enumerate(expr.args):
            parts.append(self._arguments_now(arg, setup) if k == position else self.describe(arg, setup, copied))
        pulls = nodes.call(nodes.name(self.bind("zip_pulls", runtime.zip_pulls)),
                           [nodes.constant(position)] + [length(part) for k, part in enumerate(parts) if k != position])
        parts[position] = self._listed_up_to(expr.args[position], nodes.copy_location(pulls, expr), setup, copied)
        return Zipped(parts)

    def _arguments_now(self, call: gast.Call, setup: List[gast.stmt]) -> None:
        """The arguments of a generator's call evaluated here, where Python makes the generator."""
        for holder in [*call.args, *call.keywords]:
            field = "value" if isinstance(holder, (gast.Starred, gast.keyword)) else None
            value = getattr(holder, field) if field else holder
            if not nodes.is_atom(value):
                name = nodes.copy_location(nodes.name(self.evaluated(value, setup, "_arg")), value)
                if field:
                    setattr(holder, field, name)
                else:
                    call.args[call.args.index(holder)] = name

    def _listed_up_to(self, call: gast.Call, pulls: gast.expr, setup, copied) -> Description:
        """The generator's call described, its listing stopped after the items `pulls` counts; refused
        where the generator reads another's items, which would be listed whole."""
        if reads_generators(self.callee_of(call)):
            raise self.refuse(call, "a generator that reads the items of a generator, given to zip beside "
                                    "sequences or to islice: adjoint would list the items of the one it reads to "
                                    "their end, where Python takes only those it needs; list it first (`list(...)`)")
        call.keywords.append(gast.keyword(arg=LIMIT, value=nodes.name(self.evaluated(pulls, setup, "_pulls"))))
        return self.describe(call, setup, copied)

    def _islice(self, expr: gast.Call, setup, copied) -> Picked:
        """islice(inner, [start,] stop[, step]): the positions it reads, listed after inner is taken; a
        generator's items listed up to those islice takes (its bounds evaluated first, as Python does)."""
        if expr.keywords or not 2 <= len(expr.args) <= 4 or any(isinstance(arg, gast.Starred) for arg in expr.args):
            raise self.refuse(expr, "islice is supported as islice(iterable, stop) or islice(iterable, start, "
                                    "stop[, step])")
        if self._generator_call(expr.args[0]):
            self._arguments_now(expr.args[0], setup)
            expr.args[1:] = [nodes.name(self.evaluated(bound, setup, "_bound")) for bound in expr.args[1:]]
            pulls = nodes.call(nodes.name(self.bind("islice_pulls", runtime.islice_pulls)), expr.args[1:])
            inner = self._listed_up_to(expr.args[0], nodes.copy_location(pulls, expr), setup, copied)
        else:
            inner = self.describe(expr.args[0], setup, copied)
        listing = nodes.call(nodes.name(self.bind("islice_positions", runtime.islice_positions)), [length(inner)] + expr.args[1:])
        return Picked(inner, self.evaluated(nodes.copy_location(listing, expr), setup, "_positions"))

    def _longest(self, expr: gast.Call, setup, copied) -> Padded:
        """zip_longest(*parts, fillvalue=fill): the parts described, then fill evaluated once."""
        if not expr.args or any(isinstance(arg, gast.Starred) for arg in expr.args) \
                or any(k.arg != "fillvalue" for k in expr.keywords):
            raise self.refuse(expr, "zip_longest is supported with one or more sequences, none starred, and `fillvalue=`")
        zipped = Zipped([self.describe(arg, setup, copied) for arg in expr.args])
        fill = next((k.value for k in expr.keywords), nodes.constant(None))
        if not isinstance(fill, gast.Constant):
            fill = nodes.name(self.evaluated(fill, setup, "_fill"))
        return Padded(zipped, fill, longest=True)

    def tuple_name(self) -> str:
        return self.bind("tuple", tuple)

    def columns_of(self) -> str:
        return self.bind("pooled_columns", runtime.pooled_columns)

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
