"""`sorted`, `max` and `min` with a `key=`, written as reads of the items at the positions the key orders.

The key's values only order the items, so no derivative flows through them: a helper calls the
key once on each item, in order, as the builtin does, and gives the positions; the items read
there carry the derivative.

Before::

    ranked = sorted(scores, key=lambda s: -s)
    best = max(pairs, key=lambda p: p[1])

After::

    ranked = [scores[_position1] for _position1 in sorted_positions(scores, lambda s: -s, False, ...)]
    best = pairs[extreme_position(pairs, lambda p: p[1], True, ...)]

A lambda key that reads the function's own variables (`key=lambda v: abs(v - c)`) is computed
in the function instead, item by item in order, and the helper is given the keys::

    best = xs[keyed_extreme(xs, [abs(v - c) for v in xs], False, ...)]

The sequence is evaluated twice, where it has no call in it (a name, a list of items, an
index) but `range(...)` of such values and of their `len(...)` (`sorted(range(len(xs)), key=...)`,
the positions that order xs); any other (`zip(xs, ys)`, `enumerate(x)`, a call's result) is listed
once, where the builtin reads it, and the items are read from the list::

    best = [_items[extreme_position(_items, lambda p: p[1], True, ...)]
            for _items in [[_item for _item in enumerate(x)]]][0]

`max(a, b, key=f)` of several arguments is `max((a, b), key=f)`; `max(sequence, default=v)` (with or
without a key, v calling nothing) reads the items listed once, and v where there are none::

    best = [(max(_items) if _items else v) for _items in [[_item for _item in sequence]]][0]

The keys of a dict ordered by their values, `min(d, key=d.get)`, are those of `list(d)`; any other
dict, a set or a string is refused when the derived function runs (their items are not read by position).
"""
from __future__ import annotations

from typing import Callable, List, Optional

import gast

from adjoint import nodes, runtime
from adjoint.frontend.held import let_go
from adjoint.frontend.parse import ParsedFunction
from adjoint.frontend.resolve import resolve


def lower_keyed(parsed: ParsedFunction, fresh: Callable[[str], str], calls: List[gast.Call]) -> None:
    """Rewrite the calls of sorted, max and min with a key among `calls`, those of parsed.node (see the module)."""
    calls = [call for call in calls if any(k.arg in ("key", "default") for k in call.keywords)]
    if not calls:
        return
    let_go(parsed.node)
    local_names = frozenset(nodes.names_stored(parsed.node)) | set(nodes.parameters(parsed.node))
    for call in calls:
        builtin = resolve(call.func, parsed, local_names)
        rewritten = _rewritten(call, builtin, parsed, fresh, local_names)
        if rewritten is not None:
            nodes.replace_node(parsed.node, call, nodes.copy_location(rewritten, call))


def _rewritten(call: gast.Call, builtin, parsed: ParsedFunction, fresh, local_names) -> Optional[gast.expr]:
    keywords = {k.arg: k.value for k in call.keywords}
    if None in keywords or any(isinstance(node, _BINDING) for node in nodes.walk(call)) \
            or any(isinstance(argument, gast.Starred) for argument in call.args):
        return None
    if (builtin is max or builtin is min) and len(call.args) > 1 and set(keywords) == {"key"}:
        call = gast.Call(func=call.func, args=[gast.Tuple(elts=call.args, ctx=gast.Load())], keywords=call.keywords)
    if (builtin is max or builtin is min) and "default" in keywords:
        return _with_default(call, builtin, parsed, fresh, local_names)
    if len(call.args) != 1 or "key" not in keywords:
        return None
    if _keys_by_their_values(call.args[0], keywords["key"]):
        listed = nodes.call(nodes.name(parsed.bind("list", list, fresh, local_names)), [call.args[0]])
        call = gast.Call(func=call.func, args=[nodes.copy_location(listed, call.args[0])], keywords=call.keywords)
    if not _repeatable(call.args[0], parsed, local_names):
        return _of_items_listed(call, builtin, parsed, fresh, local_names)
    sequence, key = call.args[0], keywords["key"]
    where = [nodes.constant(parsed.info.filename), nodes.constant(parsed.info.location(call).lineno)]
    keys = _keys_computed_here(key, sequence, local_names)
    if builtin is sorted and set(keywords) <= {"key", "reverse"} and call_free(
            keywords.get("reverse", nodes.constant(False))):  # (no call: evaluated after the key, in any order)
        reverse = keywords.get("reverse", nodes.constant(False))
        helper = nodes.name(parsed.bind(*_SORTED[keys is not None], fresh, local_names))
        position = fresh("_position")
        read = nodes.subscript(nodes.clone(sequence), nodes.name(position))
        positions = nodes.call(helper, [sequence, keys or key, reverse] + where)
        return gast.ListComp(elt=read, generators=[gast.comprehension(nodes.name(position, store=True),
                                                                      positions, [], 0)])
    if (builtin is max or builtin is min) and set(keywords) == {"key"}:
        helper = nodes.name(parsed.bind(*_EXTREME[keys is not None], fresh, local_names))
        largest = nodes.constant(builtin is max)
        return nodes.subscript(nodes.clone(sequence), nodes.call(helper, [sequence, keys or key, largest] + where))
    return None


def _keys_by_their_values(sequence: gast.expr, key: gast.expr) -> bool:
    """`d` and `d.get` in `min(d, key=d.get)`: the keys of a dict (or of what has `get`), which
    `list(d)` lists in the order the builtin reads them, ordered by their values."""
    return (isinstance(sequence, gast.Name) and isinstance(key, gast.Attribute) and key.attr == "get"
            and isinstance(key.value, gast.Name) and key.value.id == sequence.id)


def _of_items_listed(call: gast.Call, builtin, parsed: ParsedFunction, fresh, local_names) -> Optional[gast.expr]:
    """For a sequence that is not repeatable (`zip(xs, ys)`, `enumerate(x)`, a call's result): the
    rewrite of the call over `_items`, a list of its items made once, where the builtin reads them:
    `[<rewritten> for _items in [[_item for _item in sequence]]]` (its one item, for max and min); a
    generator's items are listed by the list comprehension of its clauses (each item computed
    before the key is called on any, which only a key or an item with an effect could tell)."""
    items = fresh("_items")
    over_items = nodes.copy_location(gast.Call(func=call.func, args=[nodes.name(items)], keywords=call.keywords), call)
    rewritten = _rewritten(over_items, builtin, parsed, fresh, local_names | {items})
    if rewritten is None:
        return None
    clause = _listed_once(items, call.args[0], fresh)
    if isinstance(rewritten, gast.ListComp):  # sorted
        rewritten.generators.insert(0, clause)
        return rewritten
    return nodes.subscript(gast.ListComp(elt=rewritten, generators=[clause]), nodes.constant(0))


def _with_default(call: gast.Call, builtin, parsed: ParsedFunction, fresh, local_names) -> Optional[gast.expr]:
    """`max(sequence, key=f, default=v)` (v calling nothing, so that when it is evaluated tells
    nothing) -> `[(max(_items, key=f) if _items else v) for _items in [<its items listed>]][0]`, the
    max of the list rewritten as above where a key is given; None for another call."""
    keywords = [k for k in call.keywords if k.arg != "default"]
    default = next(k.value for k in call.keywords if k.arg == "default")
    if len(call.args) != 1 or not call_free(default) or {k.arg for k in keywords} - {"key"}:
        return None
    items = fresh("_items")
    extreme = nodes.copy_location(gast.Call(func=call.func, args=[nodes.name(items)], keywords=keywords), call)
    if keywords:
        extreme = _rewritten(extreme, builtin, parsed, fresh, local_names | {items})
        if extreme is None:
            return None
    chosen = gast.IfExp(test=nodes.name(items), body=extreme, orelse=default)
    return nodes.subscript(gast.ListComp(elt=chosen, generators=[_listed_once(items, call.args[0], fresh)]),
                           nodes.constant(0))


def _listed_once(items: str, sequence: gast.expr, fresh) -> gast.comprehension:
    """The clause `for items in [[_item for _item in sequence]]` (a generator's items listed by the list
    comprehension of its own clauses)."""
    item = fresh("_item")
    listed = gast.ListComp(elt=sequence.elt, generators=sequence.generators) if isinstance(
        sequence, gast.GeneratorExp) else gast.ListComp(elt=nodes.name(item), generators=[gast.comprehension(
            target=nodes.name(item, store=True), iter=sequence, ifs=[], is_async=0)])
    return gast.comprehension(target=nodes.name(items, store=True), iter=gast.List(elts=[listed], ctx=gast.Load()),
                              ifs=[], is_async=0)


# Expressions that bind a name where they are (a walrus) or make the function a generator.
_BINDING = (gast.NamedExpr, gast.Yield, gast.YieldFrom, gast.Await)

_SORTED = {False: ("sorted_positions", runtime.sorted_positions), True: ("keyed_positions", runtime.keyed_positions)}
_EXTREME = {False: ("extreme_position", runtime.extreme_position), True: ("keyed_extreme", runtime.keyed_extreme)}


def _keys_computed_here(key: gast.expr, sequence: gast.expr, local_names) -> Optional[gast.ListComp]:
    """`[body for p in sequence]` for a key `lambda p: body` that reads the function's variables
    (which a key passed on to a helper could not), else None."""
    if not isinstance(key, gast.Lambda):
        return None
    arguments = key.args
    if arguments.posonlyargs or len(arguments.args) != 1 or arguments.vararg or arguments.kwonlyargs \
            or arguments.kwarg or arguments.defaults:
        return None
    parameter = arguments.args[0].id
    if not (set(nodes.names_read(key.body)) - {parameter}) & set(local_names) \
            or any(isinstance(node, gast.NamedExpr) for node in nodes.walk(key.body)):  # (`:=` binds the lambda's own)
        return None
    clause = gast.comprehension(target=nodes.name(parameter, store=True), iter=nodes.clone(sequence), ifs=[],
                                is_async=0)
    return nodes.copy_location(gast.ListComp(elt=key.body, generators=[clause]), key)


def _repeatable(node: gast.expr, parsed: ParsedFunction, local_names) -> bool:
    """A sequence that gives the same items, with no effect, each time it is evaluated: an expression
    without calls, or `range(...)` of such expressions and of `len(...)` of them (`range(len(xs))`)."""
    if isinstance(node, gast.Call) and resolve(node.func, parsed, local_names) is range and not node.keywords:
        return all(call_free(arg) or isinstance(arg, gast.Call) and resolve(arg.func, parsed, local_names) is len
                   and not arg.keywords and len(arg.args) == 1 and call_free(arg.args[0]) for arg in node.args)
    return call_free(node)


def call_free(node: gast.expr) -> bool:
    """An expression without calls (names, literals, attributes, indices, arithmetic): evaluated
    again, it gives the same values and has no effect."""
    return not any(isinstance(inner, (gast.Call, gast.NamedExpr, gast.Lambda, gast.ListComp, gast.GeneratorExp,
                                      gast.SetComp, gast.DictComp)) for inner in nodes.walk(node))
