"""`itertools.pairwise` and `itertools.accumulate` in `for` loops, written as loops over what they
are given that carry what the iterator keeps from one item to the next; `chain.from_iterable(xs)`
as a loop over xs and a loop over each of its items.

pairwise keeps the item it read last and pairs it with the next one; accumulate keeps the total
so far (`total + item`, or `func(total, item)`). The loop over the items reads each when Python's
iterator reads it, so a write into the items during the loop is seen as these iterators see it.
`accumulate(xs, func, initial=c)` runs over `chain([c], xs)`, whose first item is the first total.

Before::

    for a, b in pairwise(xs):
        s = s + (b - a) ** 2
    for total in accumulate(xs, mul):
        p = p + total

After::

    for _k1, _item1 in enumerate(xs):
        if _k1:
            a, b = _last1, _item1
            _last1 = _item1
            s = s + (b - a) ** 2
        else:
            _last1 = _item1
    for _k2, _item2 in enumerate(xs):
        if _k2:
            _total2 = mul(_total2, _item2)
        else:
            _total2 = _item2
        total = _total2
        p = p + total

`consume_iterators` writes an iterator given to sum, list, tuple, sorted, max, min, any or all
(`sum(accumulate(xs))`, `list(chain(xs, ys))`, `list(zip(xs, ys))`, `list(combinations(xs, 2))`, `sorted(zip(x, ks), reverse=True)`,
or a call of the user's generator function, `sum(pairs(x))`) as a generator expression over it, and
one given to dict as the dict comprehension of its pairs (`dict(zip(keys, values))` ->
`{_key: _value for _key, _value in zip(keys, values)}`, each item unpacked into two as dict unpacks
it), which normalize/comprehensions.py lowers to such loops (over a generator's items listed:
normalize/generators.py).
"""
from __future__ import annotations

import itertools
from typing import Callable, List

import gast

from adjoint import nodes, runtime
from adjoint.errors import UnsupportedSyntaxError
from adjoint.frontend.held import let_go
from adjoint.frontend.parse import ParsedFunction
from adjoint.frontend.resolve import resolve
from adjoint.normalize.comprehensions import CONSUMERS, given_once
from adjoint.normalize.generators import is_generator_function
from adjoint.normalize.bound_iterators import breaks
from adjoint.normalize.keyed import call_free

PAIRWISE = getattr(itertools, "pairwise", None)  # (Python 3.10 on)
ITERATORS = (zip, enumerate, reversed, itertools.chain, itertools.islice, itertools.accumulate,
             itertools.product, itertools.combinations, itertools.combinations_with_replacement,
             itertools.permutations, itertools.zip_longest) + ((PAIRWISE,) if PAIRWISE is not None else ())
_NAMES = ("pairwise", "accumulate", "from_iterable")


def is_from_iterable(callee) -> bool:
    """itertools.chain.from_iterable (a method of the class, made anew at each access)."""
    return getattr(callee, "__self__", None) is itertools.chain and getattr(callee, "__name__", None) == "from_iterable"


def consume_iterators(parsed: ParsedFunction, fresh: Callable[[str], str], calls: List[gast.Call]) -> None:
    """`sum(it)` -> `sum(_v for _v in it)` for the ITERATORS calls and the calls of the user's
    generator functions `it` given alone (sum's start too, sorted's `reverse=` calling nothing) to a
    consumer, and `dict(it)` -> the comprehension of its pairs, among `calls` (those of parsed.node)."""
    local_names = None
    for call in calls:
        if not (1 <= len(call.args) <= 2 and isinstance(call.args[0], gast.Call)) \
                or any(isinstance(arg, gast.Starred) for arg in call.args):
            continue
        local_names = local_names or frozenset(nodes.names_stored(parsed.node)) | set(nodes.parameters(parsed.node))
        consumer = resolve(call.func, parsed, local_names)
        given = resolve(call.args[0].func, parsed, local_names)
        if not _consumes(call, consumer) or not (any(given is known for known in ITERATORS)
                                                 or is_from_iterable(given) or is_generator_function(given)):
            continue
        let_go(parsed.node)
        if consumer is dict:
            nodes.replace_node(parsed.node, call, nodes.copy_location(_pairs_of(call.args[0], fresh), call))
            continue
        item = fresh("_item")
        clause = gast.comprehension(target=nodes.name(item, store=True), iter=call.args[0], ifs=[], is_async=0)
        call.args[0] = nodes.copy_location(gast.GeneratorExp(elt=nodes.name(item), generators=[clause]), call.args[0])


def _consumes(call: gast.Call, consumer) -> bool:
    """Whether `call` of `consumer` reads its first argument's items at once, as the loop of a
    generator or of a dict comprehension computed before the call would (a keyword calls nothing)."""
    if consumer is dict:
        return len(call.args) == 1 and not call.keywords
    if not any(consumer is known for known in CONSUMERS) or len(call.args) == 2 and consumer is not sum:
        return False
    if consumer is sorted:
        return all(k.arg == "reverse" and call_free(k.value) for k in call.keywords)
    return not call.keywords


def _pairs_of(iterator: gast.Call, fresh: Callable[[str], str]) -> gast.DictComp:
    """`{_key: _value for _key, _value in iterator}`."""
    key, value = fresh("_key"), fresh("_value")
    pair = gast.Tuple(elts=[nodes.name(key, store=True), nodes.name(value, store=True)], ctx=gast.Store())
    clause = gast.comprehension(target=pair, iter=iterator, ifs=[], is_async=0)
    return gast.DictComp(key=nodes.name(key), value=nodes.name(value), generators=[clause])


def lower_running_iterators(parsed: ParsedFunction, fresh: Callable[[str], str]) -> None:
    """Rewrite the `for` loops of parsed.node over pairwise and accumulate (see the module)."""
    loops = [node for node in nodes.walk(parsed.node) if isinstance(node, gast.For) and isinstance(node.iter, gast.Call)
             and (nodes.dotted_name(node.iter.func) or "").rpartition(".")[2] in _NAMES]
    if not loops:
        return
    local_names = frozenset(nodes.names_stored(parsed.node)) | set(nodes.parameters(parsed.node))
    for loop in loops:
        callee = resolve(loop.iter.func, parsed, local_names)
        if callee is not None and callee is PAIRWISE and _plain(loop.iter, 1, ()):
            let_go(parsed.node)
            _pairwise(loop, parsed, fresh, local_names)
        elif callee is itertools.accumulate and _plain(loop.iter, 2, ("func", "initial")):
            let_go(parsed.node)
            _accumulate(loop, parsed, fresh, local_names)
        elif is_from_iterable(callee) and _plain(loop.iter, 1, ()):
            let_go(parsed.node)
            _flattened(loop, parsed, fresh)


def _plain(call: gast.Call, most: int, keywords) -> bool:
    return (1 <= len(call.args) <= most and not any(isinstance(arg, gast.Starred) for arg in call.args)
            and all(keyword.arg in keywords for keyword in call.keywords))


def _counted(loop: gast.For, parsed: ParsedFunction, fresh: Callable[[str], str], items: gast.expr, local_names):
    """The loop made to run over `enumerate(items)`: the names of its counter and item."""
    counter, item = fresh("_k"), fresh("_item")
    numbered = parsed.bind("enumerate", enumerate, fresh, local_names)
    loop.iter = nodes.copy_location(nodes.call(nodes.name(numbered), [items]), loop.iter)
    loop.target = gast.Tuple(elts=[nodes.name(counter, store=True), nodes.name(item, store=True)], ctx=gast.Store())
    return counter, item


def _pairwise(loop: gast.For, parsed: ParsedFunction, fresh: Callable[[str], str], local_names) -> None:
    target, body = loop.target, loop.body
    last = fresh("_last")
    counter, item = _counted(loop, parsed, fresh, loop.iter.args[0], local_names)
    pair = _located(gast.Tuple(elts=[nodes.name(last), nodes.name(item)], ctx=gast.Load()), loop)
    keep = _located(nodes.assign(last, nodes.name(item)), loop)
    paired = _located(nodes.if_(nodes.name(counter), [], [nodes.clone(keep)]), loop)
    paired.body = [nodes.copy_location(nodes.assign_to(target, pair), loop), keep] + body
    loop.body = [paired]


def _accumulate(loop: gast.For, parsed: ParsedFunction, fresh: Callable[[str], str], local_names) -> None:
    call = loop.iter
    keywords = {keyword.arg: keyword.value for keyword in call.keywords}
    func = call.args[1] if len(call.args) == 2 else keywords.get("func")
    if func is not None and _is_none(func):
        func = None
    if func is not None:
        rebound = set(nodes.names_read(func)) & {name for stmt in loop.body for name in nodes.names_stored(stmt)}
        if not given_once(func) or rebound:
            raise UnsupportedSyntaxError("iteration", "accumulate is supported with a function that is a name, an "
                                         "attribute or a lambda, not rebound in the loop", parsed.info.location(func))
    items, prelude = call.args[0], []
    initial = keywords.get("initial")
    if initial is not None and not _is_none(initial):
        if not isinstance(initial, gast.Constant):
            check = parsed.bind("initial_or_refuse", runtime.initial_or_refuse, fresh, local_names)
            where = [nodes.constant(parsed.info.filename), nodes.constant(parsed.info.location(call).lineno)]
            prelude.append(gast.Expr(value=nodes.call(nodes.name(check), [nodes.clone(initial)] + where)))
        chain = parsed.bind("chain", itertools.chain, fresh, local_names)
        items = nodes.call(nodes.name(chain), [gast.List(elts=[initial], ctx=gast.Load()), items])
    target, total = loop.target, fresh("_total")
    counter, item = _counted(loop, parsed, fresh, items, local_names)
    step = nodes.add(nodes.name(total), nodes.name(item)) if func is None else \
        nodes.call(func, [nodes.name(total), nodes.name(item)])
    update = nodes.if_(nodes.name(counter), [nodes.assign(total, step)], [nodes.assign(total, nodes.name(item))])
    loop.body = [_located(update, loop), _located(nodes.assign_to(target, nodes.name(total)), loop)] + loop.body
    if prelude:
        _insert_before(parsed.node, loop, [_located(stmt, loop) for stmt in prelude])


def _flattened(loop: gast.For, parsed: ParsedFunction, fresh: Callable[[str], str]) -> None:
    """`for v in chain.from_iterable(xs): body` -> `for _inner in xs: for v in _inner: body`, as
    from_iterable reads xs and each of its iterables in turn; a `break` would leave the inner loop only."""
    stop = breaks(loop.body)
    if stop is not None:
        raise UnsupportedSyntaxError("iteration", "a loop over chain.from_iterable(...) that may leave by `break` "
                                     "is not differentiated; loop over the iterables and their items in two loops",
                                     parsed.info.location(stop))
    inner = fresh("_inner")
    nested = gast.For(target=loop.target, iter=nodes.name(inner), body=loop.body, orelse=[], type_comment=None)
    loop.iter, loop.target, loop.body = loop.iter.args[0], nodes.name(inner, store=True), [_located(nested, loop)]


def _is_none(node: gast.expr) -> bool:
    return isinstance(node, gast.Constant) and node.value is None


def _located(stmt: gast.stmt, origin: gast.AST) -> gast.stmt:
    for node in nodes.walk(stmt):
        nodes.copy_location(node, origin)
    return stmt


def _insert_before(root: gast.AST, stmt: gast.stmt, new: List[gast.stmt]) -> None:
    for block in nodes.blocks(root):
        for position, found in enumerate(block):
            if found is stmt:
                block[position:position] = new
                return

