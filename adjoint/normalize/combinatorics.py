"""`for` over itertools.combinations, combinations_with_replacement, permutations and product, read
by the positions of their items.

These iterators copy what they are given into tuples (their pools) when they are made, and give
tuples of the pools' items in an order that depends on the pools' lengths alone. So the pools are
taken once, before the loop, as tuples, and the positions of every item are listed by the same
iterator run over ranges (they carry no derivative); item i reads each pool at its position::

    for a, b in combinations(xs, 2):

becomes::

    _pool = tuple(xs)
    _places = pooled_columns(combinations(range(len(_pool)), 2), 2)
    _place0 = _places[0]
    _place1 = _places[1]
    for _i in range(min(len(_place0), len(_place1))):
        a = _pool[_place0[_i]]
        b = _pool[_place1[_i]]

An item's width (r, or the number of pools times `repeat`) must be a literal, so that the target
unpacks it as written; an iterator given to one of them (a zip, a generator) is refused.
"""
from __future__ import annotations

import itertools
from typing import List, Optional, Tuple

import gast

from adjoint import nodes
from adjoint.normalize.generators import is_generator_function

WIDTH_KEYWORD = {itertools.combinations: "r", itertools.combinations_with_replacement: "r",
                 itertools.permutations: "r", itertools.product: "repeat"}


def described(describer, call: gast.Call, setup: List[gast.stmt]) -> List[Tuple[str, str]]:
    """The (pool, positions) names of each place of the items of `call` (see the module), the
    statements that take them appended to setup."""
    callee = describer.callee_of(call)
    name = callee.__name__
    iterables, width_node = _arguments(describer, call, callee)
    for iterable in iterables:
        if describer.iterator_of(iterable) is not None or describer.is_iterator_call(iterable) \
                or _calls_generator(describer, iterable):
            raise describer.refuse(iterable, f"{name} is differentiated over lists, tuples, arrays and ranges, "
                                             "not over an iterator; list its items first")
    count = _literal_count(width_node) if width_node is not None else _default_width(callee, iterables)
    if count is None:
        raise describer.refuse(call, f"{name} is differentiated where the width of its items is a literal "
                                     f"(`{WIDTH_KEYWORD[callee]}=2`), so that the loop unpacks them as written")
    pools = [describer.evaluated(nodes.copy_location(nodes.call(nodes.name(describer.tuple_name()), [iterable]),
                                                     iterable), setup, "_pool") for iterable in iterables]
    ranges = [nodes.call_named("range", nodes.call_named("len", nodes.name(pool))) for pool in pools]
    keyword = [] if width_node is None else [gast.keyword(arg=WIDTH_KEYWORD[callee], value=nodes.constant(count))]
    positions = gast.Call(func=nodes.clone(call.func), args=ranges, keywords=keyword)
    width = count * len(pools) if callee is itertools.product else count
    listing = nodes.call(nodes.name(describer.columns_of()), [positions, nodes.constant(width)])
    places = describer.evaluated(nodes.copy_location(listing, call), setup, "_places")
    columns = [describer.evaluated(nodes.copy_location(nodes.subscript(nodes.name(places), nodes.constant(k)), call),
                                   setup, "_place") for k in range(width)]
    return [(pools[k % len(pools)], column) for k, column in enumerate(columns)]


def _arguments(describer, call: gast.Call, callee) -> Tuple[List[gast.expr], Optional[gast.expr]]:
    """The iterables of the call and the node of its width (r or repeat), if given."""
    keywords = {k.arg: k.value for k in call.keywords}
    name = callee.__name__
    if any(isinstance(arg, gast.Starred) for arg in call.args) or set(keywords) - {WIDTH_KEYWORD[callee]} \
            or not call.args:
        raise describer.refuse(call, f"{name} is supported with its iterables written out, none starred, and a "
                                     f"literal `{WIDTH_KEYWORD[callee]}`")
    if callee is itertools.product:
        return list(call.args), keywords.get("repeat")
    if len(call.args) > 2:
        raise describer.refuse(call, f"{name} takes one iterable and r")
    width = call.args[1] if len(call.args) == 2 else keywords.get("r")
    return call.args[:1], width


def _literal_count(node: gast.expr) -> Optional[int]:
    """The int >= 1 a literal writes, else None."""
    if isinstance(node, gast.Constant) and type(node.value) is int and node.value >= 1:
        return node.value
    return None


def _default_width(callee, iterables: List[gast.expr]) -> Optional[int]:
    """product's repeat of 1; permutations' r, the length of a list or tuple written out."""
    if callee is itertools.product:
        return 1
    if callee is itertools.permutations and isinstance(iterables[0], (gast.List, gast.Tuple)) \
            and iterables[0].elts and not any(isinstance(e, gast.Starred) for e in iterables[0].elts):
        return len(iterables[0].elts)
    return None


def _calls_generator(describer, expr: gast.expr) -> bool:
    callee = describer.callee_of(expr) if isinstance(expr, gast.Call) else None
    return callee is not None and is_generator_function(callee)
