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
so what it yields may carry a derivative. A `yield` used as a value (`v = yield x`, whose value a
loop's iteration makes None) or a `yield from` stays, and is refused where it stands.
"""
from __future__ import annotations

import dataclasses
import inspect
import types
from typing import Callable, Dict, List

import gast

from adjoint import nodes
from adjoint.frontend.parse import ParsedFunction

_LISTED: Dict[Callable, Callable] = {}


def listed_generator(generator: Callable) -> Callable:
    """The function returning the list of what `generator` (a generator function) yields."""
    from adjoint.frontend.values import Specialization, specialization_of

    if generator not in _LISTED:
        earlier = specialization_of(generator)
        spec = (dataclasses.replace(earlier, listed=True) if earlier is not None
                else Specialization(generator, listed=True))
        listing = list  # a closure cell: the function runs with the globals of the generator's module

        def listed(*args, **kwargs):
            return listing(generator(*args, **kwargs))

        made = types.FunctionType(listed.__code__, generator.__globals__, generator.__name__, None, listed.__closure__)
        made.__qualname__, made.__module__ = generator.__qualname__, generator.__module__
        made.__signature__ = inspect.signature(generator)
        made.__adjoint_specialized__, made.__adjoint_generator__ = spec, generator
        _LISTED[generator] = made
    return _LISTED[generator]


def list_yields(parsed: ParsedFunction) -> None:
    """The `yield v` statements of parsed.node (not those of the functions it defines) -> appends to
    a new list, which the end of the body returns, and each `return` a copy of (no later append
    reaches what it returned)."""
    func = parsed.node
    taken = set(nodes.all_identifiers(func)) | set(parsed.namespace)
    items, copied = (_unused(name, taken) for name in ("_yielded", "_listed"))
    parsed.namespace[copied] = list
    returned = gast.Return(value=nodes.call(nodes.name(copied), [nodes.name(items)]))
    func.body = [nodes.copy_location(nodes.assign(items, gast.List(elts=[], ctx=gast.Load())), func.body[0])] + \
        _appending(func.body, items, returned) + [nodes.copy_location(gast.Return(value=nodes.name(items)),
                                                                      func.body[-1])]


def _unused(name: str, taken: set) -> str:
    while name in taken:
        name = "_" + name
    return name


def _appending(body: List[gast.stmt], items: str, returned: gast.Return) -> List[gast.stmt]:
    rewritten = []
    for stmt in body:
        if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Yield):
            value = stmt.value.value or gast.Constant(value=None, kind=None)
            append = nodes.call(gast.Attribute(value=nodes.name(items), attr="append", ctx=gast.Load()), [value])
            rewritten.append(nodes.copy_location(gast.Expr(value=append), stmt))
            continue
        if isinstance(stmt, gast.Return):
            stmt = nodes.copy_location(nodes.clone(returned), stmt)
        elif not isinstance(stmt, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)):
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                    setattr(stmt, field, _appending(inner, items, returned))
            for handler in getattr(stmt, "handlers", ()):
                handler.body = _appending(handler.body, items, returned)
            for case in getattr(stmt, "cases", ()):
                case.body = _appending(case.body, items, returned)
        rewritten.append(stmt)
    return rewritten
