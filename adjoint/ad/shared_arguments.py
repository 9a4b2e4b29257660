"""The check, first in a derivative, that an argument the function writes into in place shares
nothing with its other arguments.

The analyses give each argument memory of its own: `def h(x, y): x *= 2.0; return x * y` is
differentiated as if x and y were apart, and called as `h(a, a)` Python doubles y too. The
derivative therefore starts, before it copies the arguments it writes into, with

    arguments_apart_or_refuse(x, (y,), "...", "model.py", 2)

which raises (an AdjointError at the line of the write) when x is, holds or views what y is or
holds. Which parameters are written, and where first, the alias analysis says
(Aliases.written_parameters: directly, through a name sharing the argument, or in a called
function). Functions that write into no argument, or take one array alone, get no check.
"""
from __future__ import annotations

from typing import List

import gast

from adjoint import nodes
from adjoint.ad.context import FunctionContext
from adjoint.analysis.kinds import SCALAR
from adjoint.analysis.outside_reads import outside_reads


def argument_checks(ctx: FunctionContext) -> List[gast.stmt]:
    """One check per parameter written in place that has another non-number parameter beside it,
    and one that none shares anything with an object from outside the function it reads."""
    held = [p for p in nodes.parameters(ctx.func_node) if ctx.kinds.get(p) != SCALAR]
    checks = []
    for param, write in sorted(ctx.aliases.written_parameters.items()):
        others = [p for p in held if p != param]
        if param not in held or not others:
            continue
        where = ctx.location(write)
        message = (f"this writes in place into `{param}`, and another argument ({_listed(others)}) is or "
                   f"holds the same object or memory; the derivative takes the arguments for separate "
                   f"objects: pass a copy (`.copy()`)")
        call = nodes.call(ctx.runtime("arguments_apart_or_refuse"), [
            nodes.name(param), nodes.tuple_of([nodes.name(p) for p in others]), nodes.constant(message),
            nodes.constant(where.filename), nodes.constant(where.lineno)])
        checks.append(gast.Expr(value=call))
    return checks + outside_checks(ctx)


def outside_checks(ctx: FunctionContext) -> List[gast.stmt]:
    """The check that no argument the function writes into in place is, holds or views an object
    from outside that it or a function it calls reads (analysis/outside_reads.py): none where it
    writes into no argument or reads nothing from outside."""
    written = [p for p in sorted(ctx.aliases.written_parameters) if ctx.kinds.get(p) != SCALAR]
    if not written:
        return []
    read, reached = outside_reads(ctx.parsed, ctx.primal_names, ctx.classifier)
    read = [expr for expr in read if not (isinstance(expr, gast.Name) and expr.id in written)]
    outside = read + [nodes.name(ctx.bind_global(name, value)) for name, value in reached]
    if not outside:
        return []
    first = min((ctx.aliases.written_parameters[p] for p in written), key=lambda node: ctx.location(node).lineno)
    where = ctx.location(first)
    message = (f"this writes in place into {_listed(written)}, and the argument is, holds or views an object "
               f"from outside {ctx.func_node.name} (a global or closure object) that it, or a function it calls, "
               "reads; the derivative takes that object for memory no argument reaches: pass a copy (`.copy()`)")
    call = nodes.call(ctx.runtime("outside_apart_or_refuse"), [
        nodes.tuple_of([nodes.name(p) for p in written]), nodes.tuple_of(outside), nodes.constant(message),
        nodes.constant(where.filename), nodes.constant(where.lineno)])
    return [gast.Expr(value=call)]


def _listed(names: List[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)
