"""The tripwire: a differentiated parameter the function reads but whose gradient is zero by construction.

`grad(f, wrt="n")` of `def f(x, n): return x * len(n)` is exact and zero everywhere: n is
read, but only where no derivative flows (a length, a comparison, an integer cast). That is
rarely what was meant, so the root function's generation reports it as an
`adjoint.AdjointWarning` naming the parameter and the line that reads it. A parameter read
only through `adjoint.stop_gradient` (a deliberate zero) or never read is not reported.
"""
from __future__ import annotations

from typing import Iterable, List, Optional

import gast

from adjoint import nodes
from adjoint.analysis.activity import Activity
from adjoint.analysis.calls import CallClassifier
from adjoint.errors import Location
from adjoint.frontend.resolve import resolve
from adjoint.generated import Unreached
from adjoint.runtime import stop_gradient


def unreached_parameters(func_node: gast.FunctionDef, wrt: Iterable[str], activity: Activity,
                         classifier: CallClassifier, locate) -> List[Unreached]:
    """One Unreached per parameter of wrt that is read, not through stop_gradient, and inactive."""
    found = []
    body = func_node.body
    for param in wrt:
        if activity.is_active(param) or _stopped(body, param, classifier):
            continue
        read = _first_read(body, param)
        if read is None:
            continue
        location: Location = locate(read)
        found.append(Unreached(
            f"the derivative of {func_node.name} with respect to `{param}` is zero: `{param}` is read only "
            f"where no derivative flows (a comparison, a shape, an integer, a non-differentiable call), first "
            f"at line {location.lineno}; wrap deliberate reads in adjoint.stop_gradient",
            location.filename, location.lineno))
    return found


def _first_read(body: List[gast.stmt], param: str) -> Optional[gast.stmt]:
    """The first statement (in source order) that reads param."""
    for stmt in body:
        header = {gast.If: "test", gast.While: "test", gast.For: "iter"}.get(type(stmt))
        part = getattr(stmt, header) if header else stmt
        if param in set(nodes.names_read(part)):
            return stmt
        for block in ("body", "orelse") if header else ():
            inner = _first_read(getattr(stmt, block), param)
            if inner is not None:
                return inner
    return None


def _stopped(body: List[gast.stmt], param: str, classifier: CallClassifier) -> bool:
    """Whether param is an argument of a call to adjoint.stop_gradient anywhere in body."""
    for stmt in body:
        for node in nodes.walk(stmt):
            if (isinstance(node, gast.Call) and any(isinstance(a, gast.Name) and a.id == param for a in node.args)
                    and resolve(node.func, classifier.parsed, classifier.local_names) is stop_gradient):
                return True
    return False
