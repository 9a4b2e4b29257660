"""`map` and `filter` written as the generator expressions and loops they stand for.

`map(f, xs, ys)` yields `f(x, y)` for the pairs of `zip(xs, ys)`, one at a time, and
`filter(test, xs)` the items for which `test` is true: where the result is consumed at once
(by sum, max, min, list, tuple, sorted, any or all) it becomes a generator expression, which
normalize/comprehensions.py lowers; where a `for` loop runs over it, each pass computes its
item first. A lambda's body is written in place of the call (its parameters become the
expression's own variables, as they are the lambda's own in Python).

Before::

    total = sum(map(lambda w, x: w * x, ws, xs))
    for h in map(layer, hs):
        out = out + h

After::

    total = sum(w * x for w, x in zip(ws, xs))
    for _item1 in hs:
        h = layer(_item1)
        out = out + h

The function given must be a name, an attribute of one or a lambda (evaluated once by
`map`, so an expression with calls stays for the checker to refuse); any other use of a
`map` or `filter` object (kept in a name, passed on) is refused with the advice to write a
comprehension.
"""
from __future__ import annotations

from typing import Callable, List, Optional

import gast

from adjoint import nodes
from adjoint.frontend.held import let_go
from adjoint.frontend.parse import ParsedFunction
from adjoint.frontend.resolve import resolve
from adjoint.normalize.comprehensions import CONSUMERS, given_once


def lower_map_filter(parsed: ParsedFunction, fresh: Callable[[str], str], calls: List[gast.Call]) -> bool:
    """Rewrite the consumed `map` and `filter` calls of parsed.node (see the module), `calls` its
    calls; whether there were any to look at."""
    if not any(isinstance(call.func, gast.Name) and call.func.id in ("map", "filter") for call in calls):
        return False
    let_go(parsed.node)
    local_names = frozenset(nodes.names_stored(parsed.node)) | set(nodes.parameters(parsed.node))
    rewriter = _Rewriter(parsed, fresh, local_names)
    for node in list(nodes.walk(parsed.node)):
        if rewriter.consumer(node):
            node.args[0] = nodes.copy_location(rewriter.generator(node.args[0]), node.args[0])
        elif isinstance(node, gast.For) and isinstance(node.iter, gast.Call):
            rewriter.loop(node)
    for node in list(nodes.walk(parsed.node)):
        if isinstance(node, (gast.ListComp, gast.GeneratorExp, gast.SetComp, gast.DictComp)):
            node.generators = [clause for generator in node.generators for clause in rewriter.clauses(generator)]
    return True


class _Rewriter:
    def __init__(self, parsed: ParsedFunction, fresh: Callable[[str], str], local_names: frozenset):
        self.parsed, self.fresh, self.local_names = parsed, fresh, local_names

    def _builtin(self, node: gast.AST) -> Optional[str]:
        """'map' or 'filter' when node calls the builtin with a function and iterables."""
        if not (isinstance(node, gast.Call) and len(node.args) >= 2 and not node.keywords):
            return None
        func = resolve(node.func, self.parsed, self.local_names)
        name = "map" if func is map else "filter" if func is filter else None
        if name == "filter" and len(node.args) != 2 or any(isinstance(a, gast.Starred) for a in node.args):
            return None
        return name if name and given_once(node.args[0]) else None

    def consumer(self, node: gast.AST) -> bool:
        return (isinstance(node, gast.Call) and len(node.args) >= 1 and self._builtin(node.args[0]) is not None
                and any(resolve(node.func, self.parsed, self.local_names) is known for known in CONSUMERS))

    def generator(self, call: gast.Call) -> Optional[gast.GeneratorExp]:
        """The generator expression `call` (a map or a filter) yields the items of."""
        kind = self._builtin(call)
        if kind is None:
            return None
        function, iterables = call.args[0], call.args[1:]
        parameters, item = self._item(function, len(iterables), kind)
        target = parameters[0] if len(parameters) == 1 else gast.Tuple(elts=parameters, ctx=gast.Store())
        source = iterables[0] if len(iterables) == 1 else nodes.call(nodes.name("zip"), iterables)
        if kind == "map":
            return gast.GeneratorExp(elt=item, generators=[gast.comprehension(target, source, [], 0)])
        element = nodes.name(parameters[0].id)
        return gast.GeneratorExp(elt=element, generators=[gast.comprehension(target, source, [item], 0)])

    def _item(self, function: gast.expr, count: int, kind: str):
        """The comprehension's targets and the item (map) or test (filter) over them."""
        if isinstance(function, gast.Lambda) and _plain_lambda(function, count):
            return [nodes.name(a.id, store=True) for a in function.args.args], function.body
        names = [self.fresh("_item") for _ in range(count)]
        if kind == "filter" and isinstance(function, gast.Constant) and function.value is None:
            return [nodes.name(names[0], store=True)], nodes.name(names[0])
        return ([nodes.name(n, store=True) for n in names],
                nodes.call(function, [nodes.name(n) for n in names]))

    def clauses(self, clause: gast.comprehension) -> list:
        """A comprehension's `for T in map(f, xs)` clause as `for _item in xs for T in [f(_item)]`
        (a filter's as `for _item in xs if test(_item) for T in [_item]`); any other as it is."""
        generator = self.generator(clause.iter) if isinstance(clause.iter, gast.Call) else None
        if generator is None:
            return [clause]
        source = generator.generators[0]
        _renamed_targets(source.target, self.fresh, generator)
        item = gast.List(elts=[generator.elt], ctx=gast.Load())
        return [source, gast.comprehension(clause.target, item, clause.ifs, 0)]

    def loop(self, loop: gast.For) -> None:
        """`for target in map(...)`/`filter(...)`: each pass binds its item first."""
        generator = self.generator(loop.iter)
        if generator is None:
            return
        comprehension = generator.generators[0]
        loop.iter = comprehension.iter
        first = [nodes.copy_location(nodes.assign_to(loop.target, generator.elt), loop)]
        loop.target = _renamed_targets(comprehension.target, self.fresh, generator)
        loop.body = first + loop.body
        if comprehension.ifs:
            loop.body = [nodes.copy_location(nodes.if_(comprehension.ifs[0], loop.body), loop)]


def _renamed_targets(target: gast.expr, fresh: Callable[[str], str], generator: gast.GeneratorExp) -> gast.expr:
    """The comprehension's variables under new names (they are the loop's locals now), also
    where the item and the test read them."""
    names = [target] if isinstance(target, gast.Name) else target.elts
    renamed = {name.id: fresh("_item") for name in names}
    for expression in [generator.elt] + generator.generators[0].ifs + [target]:
        for node in nodes.walk(expression):
            if isinstance(node, gast.Name) and node.id in renamed:
                node.id = renamed[node.id]
    return target


def _plain_lambda(function: gast.Lambda, count: int) -> bool:
    """A lambda of `count` plain parameters, without defaults, whose body binds no name."""
    arguments = function.args
    return (len(arguments.args) == count and not arguments.posonlyargs and not arguments.kwonlyargs
            and arguments.vararg is None and arguments.kwarg is None and not arguments.defaults
            and not any(isinstance(node, (gast.NamedExpr, gast.Lambda, gast.ListComp, gast.GeneratorExp,
                                          gast.SetComp, gast.DictComp)) for node in nodes.walk(function.body)))
