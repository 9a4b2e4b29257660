"""Loops that read a sequence by position where the sequence may hold a dict when the code runs;
and `xs.sort()` (`xs = sorted(xs)` after a check that xs is a list, normalize/python_forms.py) of a
name known not to hold a list, refused here rather than by the check when it runs.

The desugarer turns `for x in xs` into reads `xs[i]`, which is what Python iterates over for
lists, tuples and arrays; a dict is iterated by key. A sequence known to hold a dict (a dict
argument, a name bound to dict literals) is iterated by key already. A local name or parameter
whose kind is not known (an item of a dict, `params["inner"]`; a set passed in; a generator
object bound to a name) gets a check before its loop, before the loop's range is made from its
length, which refuses a dict, a set or an iterator when the derivative runs (a set and an
iterator have no positions).
"""
from __future__ import annotations

from typing import Dict, List, Tuple

import gast

from adjoint import nodes, runtime
from adjoint.analysis.kinds import CONTAINER, MAPPING, UNKNOWN
from adjoint.errors import Location, UnsupportedSyntaxError
from adjoint.frontend.parse import ParsedFunction

MESSAGE = ("the loop iterates over a dict, which adjoint differentiates through `.keys()`, `.values()` "
           "and `.items()` only: write `for key in d.keys():` or `for key, value in d.items():`")


def dict_iteration_guards(parsed: ParsedFunction, kinds: Dict[str, str]) -> Dict[gast.stmt, List[Tuple[str, str, Location]]]:
    """For analysis.aliases.insert_guards: the loops to check, and what to check before each."""
    if not parsed.iterated:
        return {}
    local_names = nodes.local_names(parsed.node)
    guards: Dict[gast.stmt, List[Tuple[str, str, Location]]] = {}
    for name, loop in parsed.iterated:
        kind = kinds.get(name)
        if kind == MAPPING or (kind == UNKNOWN and name in local_names):
            guards.setdefault(_range_made(parsed.node, loop), []).append((name, MESSAGE, parsed.info.location(loop)))
    return guards


def _range_made(func_node: gast.FunctionDef, loop: gast.For) -> gast.stmt:
    """The statement making the range `loop` runs over, just before it (normalize/anf.py), which
    reads the sequence's length first; the loop itself where there is none."""
    for block in nodes.blocks(func_node):
        for before, stmt in zip(block, block[1:]):
            if stmt is loop:
                made = isinstance(loop.iter, gast.Name) and nodes.assigned_name(before) == loop.iter.id
                return before if made else loop
    return loop


def refuse_sorts_of_non_lists(parsed: ParsedFunction, kinds: Dict[str, str]) -> None:
    """Refuse `x.sort()` where x is a parameter known (`kinds`: the parameters') to hold an array
    (sorted in place), a number or a dict."""
    for stmt in nodes.statements(parsed.node):
        call = stmt.value if isinstance(stmt, gast.Expr) else None
        if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Name) and call.args
                and parsed.namespace.get(call.func.id) is runtime.list_or_refuse and isinstance(call.args[0], gast.Name)):
            continue
        kind = kinds.get(call.args[0].id, UNKNOWN)
        if kind not in (UNKNOWN, CONTAINER):
            raise UnsupportedSyntaxError(
                "sort", f"`{call.args[0].id}.sort()` changes an array in place: adjoint differentiates the sort of a "
                "list in place; write `x = np.sort(x)` for an array", parsed.info.location(stmt))
