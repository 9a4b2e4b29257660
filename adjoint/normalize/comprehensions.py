"""Comprehensions and generator expressions, lowered to loops before the statement that uses them.

A list comprehension becomes a list built with `append`, a dict comprehension a dict whose
items are written one by one; a generator expression is read
where it is the argument of sum, max, min, list, tuple, sorted, any, all or next (sum, max and min
fold its items as Python does: from 0, or from the first item; any, all and next stop at the item
that decides them). The comprehension's
variables get new names, as they are its own in Python. `if` clauses become `if`
statements, several `for` clauses nested loops. `functools.reduce(f, items, initial)` folds
the same way, calling f on what it has so far and each item (from the first item without
`initial`).

Before::

    total = sum(w * x for w, x in zip(ws, xs) if x > 0)
    hs = [np.dot(W, h) for W in Ws]
    product = functools.reduce(np.dot, Ws, h)

After::

    _sum1 = 0
    for _w1, _x1 in zip(ws, xs):
        if _x1 > 0:
            _sum1 = _sum1 + _w1 * _x1
    total = _sum1
    _list1 = []
    for _W1 in Ws:
        _list1.append(np.dot(_W1, h))
    hs = _list1
    _fold1 = h
    for _item1 in Ws:
        _fold1 = np.dot(_fold1, _item1)
    product = _fold1
"""
from __future__ import annotations

import functools
from typing import Callable, Dict, List, Optional, Set

import gast

from adjoint import nodes
from adjoint.errors import UnsupportedSyntaxError
from adjoint.frontend.held import let_go
from adjoint.frontend.parse import ParsedFunction
from adjoint.frontend.resolve import resolve
from adjoint.normalize.dict_views import listed_dict_views
from adjoint.normalize.dict_writes import lower_dict_writes
from adjoint.normalize.evaluation_order import either_branches, evaluated_before, path_to
from adjoint.normalize.iteration import dict_view
from adjoint.normalize.set_comprehensions import listed_set_comprehensions

LOWERED = (gast.ListComp, gast.DictComp, gast.GeneratorExp)
CONSUMERS = (sum, max, min, list, tuple, sorted, any, all, next)
HOISTED_FROM = (gast.Assign, gast.AugAssign, gast.AnnAssign, gast.Expr, gast.Return, gast.If, gast.For)


def lower_comprehensions(parsed: ParsedFunction, fresh: Callable[[str], str]) -> None:
    """Rewrite every list and set comprehension and consumed generator expression of parsed.node."""
    listed_set_comprehensions(parsed)
    listed_dict_views(parsed, fresh)
    if not any(isinstance(node, LOWERED) or _may_reduce(node) for node in nodes.walk(parsed.node)):
        return
    let_go(parsed.node)
    lowering = _Lowering(parsed, fresh)
    parsed.node.body = lowering.block(parsed.node.body)
    if lowering.dicts_built:
        lower_dict_writes(parsed, fresh, lowering.item_writes)  # the item writes of the dicts it builds


class _Lowering:
    def __init__(self, parsed: ParsedFunction, fresh: Callable[[str], str]):
        self.parsed = parsed
        self.fresh = fresh
        self.depth = 0  # how many comprehension loops the code being lowered runs inside
        self.dicts_built = False
        self.item_writes: Set[int] = set()  # ids of the item writes of the dicts comprehensions build
        parameters = parsed.node.args.args + parsed.node.args.kwonlyargs
        self.local_names = frozenset(nodes.names_stored(parsed.node)) | {a.id for a in parameters}

    def _refuse(self, node: gast.AST, message: str) -> UnsupportedSyntaxError:
        return UnsupportedSyntaxError("comprehension", message, self.parsed.info.location(node))

    def block(self, stmts: List[gast.stmt]) -> List[gast.stmt]:
        out: List[gast.stmt] = []
        for stmt in stmts:
            for field in ("body", "orelse"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                    setattr(stmt, field, self.block(inner))
            out.extend(self.statement(stmt))
        return out

    def statement(self, stmt: gast.stmt) -> List[gast.stmt]:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.GeneratorExp) \
                and all(isinstance(t, (gast.Tuple, gast.List)) for t in stmt.targets):
            stmt.value = _as_list(stmt.value)  # `a, b = (f(x) for x in xs)`: unpacking reads every item
        if _builds_a_dict_into_its_target(stmt):
            prelude: List[gast.stmt] = []
            self._dict(stmt.value, prelude, stmt.targets[0].id)
            return prelude
        conditions = self._conditions_first(stmt) if isinstance(stmt, HOISTED_FROM) else []
        found = self._comprehensions(stmt)
        if not found:
            return conditions + [stmt]
        if isinstance(stmt, gast.While):
            raise self._refuse(found[0], "a comprehension in a `while` condition is not supported; "
                                         "compute it in the loop and test a name")
        if not isinstance(stmt, HOISTED_FROM):
            return [stmt]  # left for check_function to refuse at its line
        prelude: List[gast.stmt] = []
        for node in found:
            self._earlier_calls_first(stmt, node, prelude)
            replacement = self.expression(node, prelude)
            nodes.replace_node(stmt, node, replacement)
        return conditions + prelude + [stmt]

    def _conditions_first(self, stmt: gast.stmt) -> List[gast.stmt]:
        """Each `and`/`or` and `... if ... else ...` of stmt that evaluates a comprehension only under
        its condition, computed before stmt by `if` statements into a temporary that stmt then
        reads (what Python evaluates before it in stmt computed first, in order); their
        comprehensions lowered inside the branches that evaluate them.

            ok = any(v > 0 for v in xs) or all(v < 0 for v in ys)

            _either1 = any(v > 0 for v in xs)
            if not _either1:
                _either1 = all(v < 0 for v in ys)
            ok = _either1
        """
        prelude: List[gast.stmt] = []
        holder = self._conditional_in(stmt)
        while holder is not None:
            self._earlier_calls_first(stmt, holder, prelude)
            either = self.fresh("_either")
            prelude += [nodes.copy_location(branch, holder) for branch in either_branches(holder, either)]
            nodes.replace_node(stmt, holder, nodes.copy_location(nodes.name(either), holder))
            holder = self._conditional_in(stmt)
        return self.block(prelude)

    def _conditional_in(self, stmt: gast.stmt) -> Optional[gast.expr]:
        """The first `and`/`or` or `... if ... else ...` of stmt's own expressions (not inside a
        comprehension or a lambda) that evaluates a comprehension only under its condition."""
        for header in _headers(stmt):
            found = self._conditional(header)
            if found is not None:
                return found
        return None

    def _conditional(self, node: gast.AST) -> Optional[gast.expr]:
        if isinstance(node, LOWERED + (gast.Lambda,)):
            return None
        if isinstance(node, gast.BoolOp):
            conditional = node.values[1:]
        elif isinstance(node, gast.IfExp):
            conditional = [node.body, node.orelse]
        else:
            conditional = []
        if any(isinstance(sub, LOWERED) or self._reducer(sub) for part in conditional for sub in nodes.walk(part)):
            return node
        for child in nodes.children(node):
            found = self._conditional(child)
            if found is not None:
                return found
        return None

    def _earlier_calls_first(self, stmt: gast.stmt, node: gast.expr, prelude: List[gast.stmt]) -> None:
        """What Python evaluates before `node` in the statement and may call a function
        (`f(a)` in `f(a) + sum(...)`) is computed first, into a temporary, so that the lowered
        comprehension keeps its place in the order of evaluation (random draws, prints)."""
        path = path_to(stmt, node)
        for parent, child in zip(path, path[1:]):
            for sibling in evaluated_before(parent, child):
                if isinstance(getattr(sibling, "ctx", None), gast.Store):
                    continue
                if any(isinstance(sub, gast.Call) for sub in nodes.walk(sibling)):
                    temp = self.fresh("_t")
                    prelude.append(nodes.copy_location(nodes.assign(temp, sibling), sibling))
                    nodes.replace_node(parent, sibling, nodes.copy_location(nodes.name(temp), sibling))

    def _comprehensions(self, stmt: gast.stmt) -> List[gast.expr]:
        """The outermost comprehensions of the statement's own expressions, in source order;
        refuses one that Python would evaluate only under a condition."""
        found: List[gast.expr] = []
        for header in _headers(stmt):
            self._collect(header, found, conditional=False)
        return found

    def _consumer(self, node: gast.AST):
        """sum, max, ... when node calls one of them on a generator expression, else None."""
        if not (isinstance(node, gast.Call) and node.args and isinstance(node.args[0], gast.GeneratorExp)):
            return None
        func = resolve(node.func, self.parsed, self.local_names)
        return next((known for known in CONSUMERS if func is known), None)

    def _reducer(self, node: gast.AST) -> bool:
        """Whether node is `functools.reduce(f, items[, initial])` with f a name, an attribute of
        one or a lambda (what evaluating once per item gives as once)."""
        return (isinstance(node, gast.Call) and 2 <= len(node.args) <= 3 and not node.keywords
                and not any(isinstance(argument, gast.Starred) for argument in node.args)
                and given_once(node.args[0]) and resolve(node.func, self.parsed, self.local_names) is functools.reduce)

    def _collect(self, node: gast.AST, found: list, conditional: bool) -> None:
        if self._reducer(node):
            self._take(node, found, conditional)
            return
        if self._consumer(node) is not None:
            node = self._take(node, found, conditional)
            for child in node.args[1:] + [k.value for k in node.keywords]:
                self._collect(child, found, conditional)
            return
        if isinstance(node, LOWERED):
            self._take(node, found, conditional)
            return
        if isinstance(node, gast.IfExp):
            self._collect(node.test, found, conditional)
            for branch in (node.body, node.orelse):
                self._collect(branch, found, True)
            return
        if isinstance(node, gast.BoolOp):
            self._collect(node.values[0], found, conditional)
            for value in node.values[1:]:
                self._collect(value, found, True)
            return
        for child in nodes.children(node):
            self._collect(child, found, conditional)

    def _take(self, node: gast.expr, found: list, conditional: bool) -> gast.expr:
        if conditional:
            raise self._refuse(node, "a comprehension evaluated only under a condition (in a branch of "
                                     "`... if ... else ...`, or after `and`/`or`) is not supported; "
                                     "compute it in an `if` statement")
        found.append(node)
        return node

    # ----- one comprehension ------------------------------------------------------------------

    def expression(self, node: gast.expr, prelude: List[gast.stmt]) -> gast.expr:
        """Statements computing `node` appended to prelude; the expression standing for it."""
        if isinstance(node, gast.ListComp):
            return self._list(node, prelude)
        if isinstance(node, gast.DictComp):
            return self._dict(node, prelude)
        if self._reducer(node):
            return self._reduce(node, prelude)
        if isinstance(node, gast.Call):
            return self.consumed(node, self._consumer(node), prelude) or node
        raise self._refuse(node, "a generator expression is supported as the argument of sum, max, min, list, "
                                 "tuple, sorted, any, all or next; elsewhere write a list comprehension `[...]`")

    def _list(self, node: gast.ListComp, prelude: List[gast.stmt]) -> gast.Name:
        """`_list = []` and loops appending to it; inside another comprehension's loop, where
        each pass makes a new list the outer one keeps, `_list = _list + [item]` instead (no
        list is changed in place after it is stored)."""
        result = self.fresh("_list")
        prelude.append(nodes.copy_location(nodes.assign(result, gast.List(elts=[], ctx=gast.Load())), node))
        if self.depth:
            def add(value):
                return [nodes.assign(result, nodes.add(nodes.name(result), gast.List(elts=[value], ctx=gast.Load())))]
        else:
            def add(value):
                return [gast.Expr(value=nodes.call(nodes.attribute(nodes.name(result), "append"), [value]))]
        self._loops(node, add, prelude)
        return nodes.copy_location(nodes.name(result), node)

    def _dict(self, node: gast.DictComp, prelude: List[gast.stmt], result: Optional[str] = None) -> gast.Name:
        """`_dict = {}` and loops writing its items, each key computed before its value (as Python
        does); the dict is then a dict the function builds and writes into (analysis/keyed.py).
        `d = {...}` builds d itself (no second name holds the dict)."""
        if self.depth:
            raise self._refuse(node, "a dict comprehension inside another comprehension is not supported; build "
                                     "the inner dict in a loop")
        result = result or self.fresh("_dict")
        self.dicts_built = True
        prelude.append(nodes.copy_location(nodes.assign(result, gast.Dict(keys=[], values=[])), node))
        pairs = gast.ListComp(elt=gast.Tuple(elts=[node.key, node.value], ctx=gast.Load()), generators=node.generators)

        def write(pair: gast.Tuple) -> List[gast.stmt]:
            key, value = pair.elts
            item = gast.Subscript(value=nodes.name(result), slice=key, ctx=gast.Store())
            assign = gast.Assign(targets=[item], value=value, type_comment=None)
            self.item_writes.add(id(assign))
            return [assign]
        self._loops(nodes.copy_location(pairs, node), write, prelude)
        return nodes.copy_location(nodes.name(result), node)

    def consumed(self, call: gast.Call, consumer, prelude: List[gast.stmt]) -> Optional[gast.expr]:
        """sum/max/min of a generator as a fold; the others read the list it makes."""
        generator = call.args[0]
        if consumer is sum and not call.keywords and len(call.args) <= 2:
            start = call.args[1] if len(call.args) == 2 else nodes.constant(0)
            return self._fold(generator, start, prelude)
        if consumer in (any, all) and len(call.args) == 1 and not call.keywords:
            return self._short_circuit(generator, consumer is any, prelude)
        if consumer is next and len(call.args) <= 2 and not call.keywords:
            return self._first_item(generator, call.args[1] if len(call.args) == 2 else None, prelude)
        items = self._list(_as_list(generator), prelude)
        if consumer in (max, min) and len(call.args) == 1 and not call.keywords:
            extreme = call.func
            return self._from_first(items, lambda a, b: nodes.call(nodes.clone(extreme), [a, b]), generator, prelude,
                                    self.fresh("_best"))
        call.args[0] = items
        return None

    def _short_circuit(self, generator: gast.GeneratorExp, is_any: bool, prelude: List[gast.stmt]) -> gast.expr:
        """any/all of a generator as loops that stop at the first true (false) item, as Python's any
        and all stop taking items there: the items after it are not computed (they may raise)."""
        found = self.fresh("_found")
        prelude.append(nodes.copy_location(nodes.assign(found, nodes.constant(False)), generator))

        def stop_at(value: gast.expr) -> List[gast.stmt]:
            test = value if is_any else nodes.not_(value)
            return [nodes.if_(test, [nodes.assign(found, nodes.constant(True)), gast.Break()], [])]
        self._loops(generator, stop_at, prelude, stop_when=found)
        result = nodes.name(found) if is_any else nodes.not_(nodes.name(found))
        return nodes.copy_location(result, generator)

    def _first_item(self, generator: gast.GeneratorExp, default: Optional[gast.expr],
                    prelude: List[gast.stmt]) -> gast.Name:
        """next(generator[, default]) as loops that stop at the first item, as next takes no item after
        it; with no item, the default (computed after the first iterable, as Python makes the generator
        before it), or StopIteration raised, as next raises it."""
        found, first = self.fresh("_found"), self.fresh("_first")
        clause = generator.generators[0]
        if default is not None and dict_view(clause.iter) is None:  # (a loop reads a dict's view itself)
            clause.iter = self._evaluated_now(clause.iter, prelude)
        start = nodes.constant(None) if default is None else self._lowered_inside(default, prelude)
        prelude.extend(nodes.copy_location(nodes.assign(name, value), generator)
                       for name, value in ((first, start), (found, nodes.constant(False))))

        def stop_at(value: gast.expr) -> List[gast.stmt]:
            return [nodes.assign(first, value), nodes.assign(found, nodes.constant(True)), gast.Break()]
        self._loops(generator, stop_at, prelude, stop_when=found)
        if default is None:
            raised = gast.Raise(exc=nodes.call_named("StopIteration"), cause=None)
            prelude.append(nodes.copy_location(nodes.if_(nodes.not_(nodes.name(found)), [raised], []), generator))
        return nodes.copy_location(nodes.name(first), generator)

    def _reduce(self, call: gast.Call, prelude: List[gast.stmt]) -> gast.Name:
        """functools.reduce as a fold: the items are taken as Python's reduce takes them (a
        generator's items one by one, each as the fold reaches it), after the initial value is
        computed; without one, the fold starts from the first item."""
        function, items = call.args[0], call.args[1]
        generator = items if isinstance(items, gast.GeneratorExp) else _each(items, self.fresh("_item"))
        first = generator.generators[0]
        first.iter = self._evaluated_now(first.iter, prelude)  # Python takes iter(items) before initial
        folded = self.fresh("_fold")

        captured = getattr(resolve(function, self.parsed, self.local_names), "__adjoint_captures__", ())

        def applied(so_far: gast.expr, value: gast.expr) -> gast.Call:  # a local function gets what it reads of ours
            made = nodes.call(nodes.clone(function), [so_far, value])
            made.keywords = [gast.keyword(arg=name, value=nodes.name(name)) for name in captured]
            return made
        if len(call.args) == 3:
            prelude.append(nodes.copy_location(nodes.assign(folded, self._lowered_inside(call.args[2], prelude)), call))
            self._loops(generator, lambda value: [nodes.assign(folded, applied(nodes.name(folded), value))], prelude)
            return nodes.copy_location(nodes.name(folded), call)
        if generator is items and _calls_per_item(generator):
            raise self._refuse(call, "functools.reduce without an initial value over a generator whose items call "
                                     "functions is not supported (its items would be computed before the folding "
                                     "calls, not between them as in Python); give an initial value, or build the "
                                     "list first")
        listed = self._list(_as_list(generator), prelude)
        return self._from_first(listed, applied, call, prelude, folded)

    def _evaluated_now(self, expr: gast.expr, prelude: List[gast.stmt]) -> gast.expr:
        """expr, computed into a temporary first where it calls a function (its place in the order
        of evaluation kept)."""
        if not any(isinstance(sub, gast.Call) for sub in nodes.walk(expr)):
            return expr
        temp = self.fresh("_t")
        prelude.append(nodes.copy_location(nodes.assign(temp, self._lowered_inside(expr, prelude)), expr))
        return nodes.copy_location(nodes.name(temp), expr)

    def _fold(self, generator: gast.GeneratorExp, start: gast.expr, prelude: List[gast.stmt]) -> gast.Name:
        total = self.fresh("_sum")
        prelude.append(nodes.copy_location(nodes.assign(total, start), generator))
        self._loops(generator, lambda value: [nodes.assign(total, nodes.add(nodes.name(total), value))], prelude)
        return nodes.copy_location(nodes.name(total), generator)

    def _from_first(self, items: gast.Name, combine: Callable[[gast.expr, gast.expr], gast.expr], origin: gast.AST,
                    prelude: List[gast.stmt], best: str) -> gast.Name:
        """`m = items[0]`, then `m = combine(m, items[i])` for the others: max and min (the first of
        equal items wins), functools.reduce without an initial value."""
        index = self.fresh("_i")
        first = nodes.assign(best, nodes.subscript(nodes.name(items.id), nodes.constant(0)))
        item = nodes.subscript(nodes.name(items.id), nodes.name(index))
        step = nodes.assign(best, combine(nodes.name(best), item))
        bounds = [nodes.constant(1), nodes.call(nodes.name("len"), [nodes.name(items.id)])]
        loop = gast.For(target=nodes.name(index, store=True), iter=nodes.call_named("range", *bounds),
                        body=[step], orelse=[], type_comment=None)
        prelude.extend(nodes.copy_location(stmt, origin) for stmt in (first, loop))
        return nodes.copy_location(nodes.name(best), origin)

    def _loops(self, node, innermost: Callable[[gast.expr], List[gast.stmt]], prelude: List[gast.stmt],
               stop_when: Optional[str] = None) -> None:
        """The nested loops of node's `for` clauses, with the comprehension's names renamed; each outer
        loop left by `break` after its inner loop once `stop_when` (a name) is true."""
        renamed: Dict[str, str] = {}
        clauses = []
        for position, clause in enumerate(node.generators):
            if clause.is_async:
                raise self._refuse(node, "asynchronous comprehensions are not supported")
            iterator = _renamed(clause.iter, renamed) if position else clause.iter
            for name in sorted(set(nodes.names_stored(clause.target))):
                renamed[name] = self.fresh("_" + name)
                self.parsed.shown[renamed[name]] = name
            clauses.append((_renamed(clause.target, renamed), iterator, [_renamed(c, renamed) for c in clause.ifs]))
        body: List[gast.stmt] = []
        self.depth += 1
        element = self._lowered_inside(_renamed(node.elt, renamed), body)
        body += innermost(element)
        for position, (target, iterator, conditions) in reversed(list(enumerate(clauses))):
            for condition in reversed(conditions):
                condition_prelude: List[gast.stmt] = []
                condition = self._lowered_inside(condition, condition_prelude)
                body = condition_prelude + [nodes.if_(condition, body, [])]
            iterator_prelude: List[gast.stmt] = []
            if not position:
                self.depth -= 1
            iterator = self._lowered_inside(iterator, iterator_prelude)
            body = iterator_prelude + [gast.For(target=target, iter=iterator, body=body, orelse=[], type_comment=None)]
            if stop_when is not None and position:
                body.append(nodes.if_(nodes.name(stop_when), [gast.Break()], []))
        prelude.extend(nodes.copy_location(stmt, node) for stmt in body)

    def _lowered_inside(self, expr: gast.expr, prelude: List[gast.stmt]) -> gast.expr:
        """expr with the comprehensions inside it lowered into `prelude` (a nested comprehension)."""
        holder = gast.Expr(value=expr)
        prelude += self._conditions_first(holder)
        found: List[gast.expr] = []
        self._collect(holder.value, found, conditional=False)
        for node in found:
            nodes.replace_node(holder, node, self.expression(node, prelude))
        return holder.value


def _headers(stmt: gast.stmt) -> List[gast.expr]:
    """The statement's own expressions (not those of the statements in its blocks)."""
    headers = [getattr(stmt, f) for f in ("value", "test", "iter", "target") if getattr(stmt, f, None) is not None]
    headers += list(getattr(stmt, "targets", None) or [])
    return headers + [item.context_expr for item in getattr(stmt, "items", None) or []]



def _builds_a_dict_into_its_target(stmt: gast.stmt) -> bool:
    """`d = {k: v for ...}` whose comprehension does not read d (which it would read before the
    assignment binds it)."""
    return (isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.DictComp) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id not in nodes.names_read(stmt.value))


def _calls_per_item(generator: gast.GeneratorExp) -> bool:
    """Whether computing an item calls a function (the first iterable is evaluated once, first)."""
    per_item = [generator.elt] + [condition for clause in generator.generators for condition in clause.ifs]
    per_item += [clause.iter for clause in generator.generators[1:]]
    return any(isinstance(node, gast.Call) for expr in per_item for node in nodes.walk(expr))


def _may_reduce(node: gast.AST) -> bool:
    """A call of a function named `reduce` (which _Lowering resolves)."""
    return isinstance(node, gast.Call) and (nodes.dotted_name(node.func) or "").rpartition(".")[2] == "reduce"


def given_once(function: gast.expr) -> bool:
    """A function expression that evaluating once or once per item gives the same: no call."""
    if isinstance(function, gast.Lambda):
        return True
    if isinstance(function, gast.Constant):
        return function.value is None
    return nodes.dotted_name(function) is not None


def _each(items: gast.expr, name: str) -> gast.GeneratorExp:
    """`(item for item in items)`."""
    clause = gast.comprehension(target=nodes.name(name, store=True), iter=items, ifs=[], is_async=0)
    return gast.copy_location(gast.GeneratorExp(elt=nodes.name(name), generators=[clause]), items)


def _as_list(generator: gast.GeneratorExp) -> gast.ListComp:
    return gast.copy_location(gast.ListComp(elt=generator.elt, generators=generator.generators), generator)



def _renamed(node: gast.AST, renamed: Dict[str, str]) -> gast.AST:
    node = nodes.clone(node)
    for sub in nodes.walk(node):
        if isinstance(sub, gast.Name) and sub.id in renamed:
            sub.id = renamed[sub.id]
    return node
