"""Calls of `math` with a derivative written through others: `math.hypot` of other than two numbers
becomes `hypot_of([...])` (a rule of a list), `math.prod` the fold Python computes.

Before::

    r = math.hypot(x, y, z)
    p = math.prod(xs, start=s)

After::

    r = hypot_of([x, y, z])
    p = reduce(mul, xs, s)          # functools.reduce, operator.mul: folded by comprehensions.py

math.prod multiplies from `start` (1) by each item in order, as the fold does, so the value is the
same, and the fold's derivative is exact where items are zero.
"""
from __future__ import annotations

import functools
import math
import operator
from typing import Callable, List

import gast

from adjoint import nodes, runtime
from adjoint.frontend.held import let_go
from adjoint.frontend.parse import ParsedFunction
from adjoint.frontend.resolve import resolve


def lower_math_forms(parsed: ParsedFunction, fresh: Callable[[str], str], calls: List[gast.Call]) -> None:
    """Rewrite the calls of math.hypot (not of two numbers) and math.prod among `calls`, those of parsed.node."""
    calls = [call for call in calls if (nodes.dotted_name(call.func) or "").rpartition(".")[2] in ("hypot", "prod")]
    if not calls:
        return
    let_go(parsed.node)
    local_names = frozenset(nodes.names_stored(parsed.node)) | set(nodes.parameters(parsed.node))
    for call in calls:
        if any(isinstance(a, gast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            continue  # refused as `*` and `**` are
        func = resolve(call.func, parsed, local_names)
        if func is math.hypot and len(call.args) != 2 and not call.keywords:
            helper = parsed.bind("hypot_of", runtime.hypot_of, fresh, local_names)
            call.func, call.args = nodes.name(helper), [gast.List(elts=call.args, ctx=gast.Load())]
        elif func is math.prod and len(call.args) == 1 and all(k.arg == "start" for k in call.keywords):
            start = call.keywords[0].value if call.keywords else nodes.constant(1)
            reduce_ = parsed.bind("reduce", functools.reduce, fresh, local_names)
            multiply = parsed.bind("mul", operator.mul, fresh, local_names)
            call.func, call.args, call.keywords = nodes.name(reduce_), [nodes.name(multiply), call.args[0], start], []
