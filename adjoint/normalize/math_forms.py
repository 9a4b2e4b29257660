"""Calls of `math` and NumPy with a derivative written through others: `math.hypot` of other than two
numbers becomes `hypot_of([...])` (a rule of a list), `math.prod` the fold Python computes, and
np.diff with `prepend` or `append` the differences of the array NumPy makes of them.

Before::

    r = math.hypot(x, y, z)
    p = math.prod(xs, start=s)
    v = np.diff(t, prepend=0.0)

After::

    r = hypot_of([x, y, z])
    p = reduce(mul, xs, s)          # functools.reduce, operator.mul: folded by comprehensions.py
    v = np.diff(diff_extended(t, -1, 0.0, 0.0, (True, False)))

math.prod multiplies from `start` (1) by each item in order, as the fold does, so the value is the
same, and the fold's derivative is exact where items are zero. diff_extended joins the ends to
the array as np.diff does (runtime/positions.py); the ends a call does not give are 0.0 and
marked absent. The rewrite keeps each argument once, in Python's order: `n` and `axis` must be
literals, and ends given `append` first must call nothing.
"""
from __future__ import annotations

import functools
import math
import operator
from typing import Callable, List

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.frontend.held import let_go
from adjoint.frontend.parse import ParsedFunction
from adjoint.frontend.resolve import resolve
from adjoint.normalize.keyed import call_free


def lower_math_forms(parsed: ParsedFunction, fresh: Callable[[str], str], calls: List[gast.Call]) -> None:
    """Rewrite the calls of math.hypot (not of two numbers) and math.prod among `calls`, those of parsed.node."""
    calls = [call for call in calls if (nodes.dotted_name(call.func) or "").rpartition(".")[2] in ("hypot", "prod", "diff")]
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
        elif func is np.diff and {k.arg for k in call.keywords} & {"prepend", "append"}:
            _join_diff_ends(call, parsed.bind("diff_extended", runtime.diff_extended, fresh, local_names))


def _join_diff_ends(call: gast.Call, helper: str) -> None:
    """`np.diff(a, n, axis, prepend=p, append=q)` -> `np.diff(diff_extended(a, axis, p, q, given), n, axis)`
    where n and axis are literals (else the call is left to its rule, which refuses the ends)."""
    parameters = ("a", "n", "axis")
    given = dict(zip(parameters, call.args), **{k.arg: k.value for k in call.keywords})
    if len(call.args) > 3 or not set(given) <= set(parameters) | {"prepend", "append"} or "a" not in given or not all(
            _is_literal(given[name]) for name in ("n", "axis") if name in given):
        return
    order = [k.arg for k in call.keywords if k.arg in ("prepend", "append")]
    if order == ["append", "prepend"] and not all(call_free(given[end]) for end in order):
        return  # (Python evaluates `append` first; the helper takes the ends in the other order)
    axis = given.get("axis", nodes.constant(-1))
    ends = [given.get(end, nodes.constant(0.0)) for end in ("prepend", "append")]
    present = nodes.constant(tuple(end in given for end in ("prepend", "append")))
    joined = nodes.call(nodes.name(helper), [given["a"], nodes.clone(axis), *ends, present])
    call.args = [joined, given.get("n", nodes.constant(1)), axis]
    call.keywords = []


def _is_literal(node: gast.expr) -> bool:
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        node = node.operand
    return isinstance(node, gast.Constant)
