"""A generator function of the user's, as the function returning the list of what it yields.

A loop over a call of the user's generator function reads its items listed before the loop
(normalize/generators.py says when that gives what Python computes). The listing is a call of
`listed_generator(gen)`, a function returning `list(gen(...))`, whose code adjoint reads as the
generator's with each `yield v` statement an append to a list it returns:

    def pairs(x):                            def pairs(x):
        for i in range(len(x) - 1):              _yielded = []
            yield x[i], x[i + 1]       ->        for i in range(len(x) - 1):
                                                     _yielded.append((x[i], x[i + 1]))
                                                 return _yielded

Both run the generator's code to its end in one go and give the same items in the same order,
so what it yields may carry a derivative. Where Python takes only the first n items (`zip` with a
shorter sequence, `islice`), the listing is given `_adjoint_limit=n` and stops right after its n-th
append, where Python's generator stays suspended: the code after it never runs (an endless
generator, an item that would raise). A `yield` used as a value (`v = yield x`, whose value a
loop's iteration makes None) or a `yield from` stays, and is refused where it stands.
"""
from __future__ import annotations

import dataclasses
import inspect
import itertools
import types
from typing import Callable, Dict, List, Tuple

import gast

from adjoint import nodes
from adjoint.frontend.parse import ParsedFunction

_LISTED: Dict[Tuple[Callable, bool], Callable] = {}
LIMIT = "_adjoint_limit"  # the keyword of the listing: how many items to take at most (None: all)


def listed_generator(generator: Callable, limited: bool = False) -> Callable:
    """The function returning the list of what `generator` (a generator function) yields; `limited`:
    of its first LIMIT items at most, LIMIT a keyword-only parameter."""
    from adjoint.frontend.values import Specialization, specialization_of

    if (generator, limited) not in _LISTED:
        earlier = specialization_of(generator)
        spec = (dataclasses.replace(earlier, listed=True, limited=limited) if earlier is not None
                else Specialization(generator, listed=True, limited=limited))
        listing, islice = list, itertools.islice  # closure cells: it runs with the globals of the generator's module

        def listed(*args, **kwargs):
            return listing(generator(*args, **kwargs))

        def listed_up_to(*args, _adjoint_limit=None, **kwargs):
            return listing(islice(generator(*args, **kwargs), _adjoint_limit))

        chosen = listed_up_to if limited else listed
        made = types.FunctionType(chosen.__code__, generator.__globals__, generator.__name__, None, chosen.__closure__)
        made.__qualname__, made.__module__ = generator.__qualname__, generator.__module__
        made.__kwdefaults__ = {LIMIT: None} if limited else None
        signature = inspect.signature(generator)
        made.__signature__ = _with_limit(signature) if limited else signature
        made.__adjoint_specialized__, made.__adjoint_generator__ = spec, generator
        _LISTED[generator, limited] = made
    return _LISTED[generator, limited]


def _with_limit(signature: inspect.Signature) -> inspect.Signature:
    """The generator's signature with the listing's keyword-only LIMIT (before a `**kwargs`)."""
    parameters = list(signature.parameters.values())
    at = len(parameters) - (parameters and parameters[-1].kind is inspect.Parameter.VAR_KEYWORD)
    parameters.insert(at, inspect.Parameter(LIMIT, inspect.Parameter.KEYWORD_ONLY, default=None))
    return signature.replace(parameters=parameters)


def list_yields(parsed: ParsedFunction, limited: bool) -> None:
    """The `yield v` statements of parsed.node (not those of the functions it defines) -> appends to
    a new list, which the end of the body returns, and each `return` a copy of (no later append
    reaches what it returned); `limited`: after each append, the list is returned once it holds
    LIMIT items, LIMIT a new keyword-only parameter."""
    func = parsed.node
    taken = set(nodes.all_identifiers(func)) | set(parsed.namespace)
    items, copied = (_unused(name, taken) for name in ("_yielded", "_listed"))
    parsed.namespace[copied] = list
    if limited:
        func.args.kwonlyargs.append(gast.Name(id=LIMIT, ctx=gast.Param(), annotation=None, type_comment=None))
        func.args.kw_defaults.append(gast.Constant(value=None, kind=None))
    returned = gast.Return(value=nodes.call(nodes.name(copied), [nodes.name(items)]))
    func.body = [nodes.copy_location(nodes.assign(items, gast.List(elts=[], ctx=gast.Load())), func.body[0])] + \
        _appending(func.body, items, returned, limited) + [nodes.copy_location(gast.Return(value=nodes.name(items)),
                                                                      func.body[-1])]


def _limit_reached(items: str, returned: gast.Return) -> gast.If:
    """`if LIMIT is not None and len(items) >= LIMIT: return list(items)`."""
    limit = nodes.name(LIMIT)
    given = gast.Compare(left=limit, ops=[gast.IsNot()], comparators=[gast.Constant(value=None, kind=None)])
    reached = gast.Compare(left=nodes.call_named("len", nodes.name(items)), ops=[gast.GtE()],
                           comparators=[nodes.name(LIMIT)])
    return nodes.if_(gast.BoolOp(op=gast.And(), values=[given, reached]), [nodes.clone(returned)], [])


def _unused(name: str, taken: set) -> str:
    while name in taken:
        name = "_" + name
    return name


def _appending(body: List[gast.stmt], items: str, returned: gast.Return, limited: bool) -> List[gast.stmt]:
    rewritten = []
    for stmt in body:
        if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Yield):
            value = stmt.value.value or gast.Constant(value=None, kind=None)
            append = nodes.call(gast.Attribute(value=nodes.name(items), attr="append", ctx=gast.Load()), [value])
            rewritten.append(nodes.copy_location(gast.Expr(value=append), stmt))
            if limited:
                rewritten.append(nodes.copy_location(_limit_reached(items, returned), stmt))
            continue
        if isinstance(stmt, gast.Return):
            stmt = nodes.copy_location(nodes.clone(returned), stmt)
        elif not isinstance(stmt, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)):
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                    setattr(stmt, field, _appending(inner, items, returned, limited))
            for handler in getattr(stmt, "handlers", ()):
                handler.body = _appending(handler.body, items, returned, limited)
            for case in getattr(stmt, "cases", ()):
                case.body = _appending(case.body, items, returned, limited)
        rewritten.append(stmt)
    return rewritten
