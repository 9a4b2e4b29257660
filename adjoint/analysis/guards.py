"""Run-time checks put before statements whose exactness the analyses cannot decide alone.

A guard is `helper(name, ..., message, filename, lineno)` before its statement: the helper
(adjoint/runtime/refusals.py, containers.py) raises a runtime.Refused naming the user's line
when the values the names hold at run time are ones the derivative would not follow (`c += v`
where c holds an array after all, a loop over a dict, `c[k] += v` on an item c holds twice).
"""
from __future__ import annotations

from typing import Dict, List, Tuple, Union

import gast

from adjoint import nodes
from adjoint.errors import Location

Guards = Dict[gast.stmt, List[Tuple[Union[str, Tuple[Union[str, gast.expr], ...]], str, Location]]]


def insert_guards(func_node: gast.FunctionDef, guards: Guards, helper: str) -> None:
    """Put `helper(*names, message, filename, lineno)` before each guarded statement (`names`: one
    name, or a tuple of them, or of names and expressions such as constants)."""
    for block in list(nodes.blocks(func_node)):
        if not any(stmt in guards for stmt in block):
            continue
        guarded = []
        for stmt in block:
            for names, message, location in guards.get(stmt, ()):
                checked = [nodes.name(name) if isinstance(name, str) else name
                           for name in ((names,) if isinstance(names, str) else names)]
                where = [nodes.constant(message), nodes.constant(location.filename), nodes.constant(location.lineno)]
                check = gast.Expr(value=nodes.call(nodes.name(helper), checked + where))
                guarded.append(nodes.copy_location(check, stmt))
            guarded.append(stmt)
        block[:] = guarded
