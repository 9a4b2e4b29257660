"""Calls the generated code keeps of a function specialized to what it receives through
`*args` or `**kwargs` (frontend/rest.py) call the function itself, as the user wrote them.

Before::                                  After::

    _t1 = _scaled1(x, options_k=2.0)          _t1 = scaled(x, k=2.0)

The two calls do the same (the specialization passes its parameters on through `*args`
and `**kwargs`), but only the function itself has a name a standalone module can import
and a cache entry can record.
"""
from __future__ import annotations

import gast

from adjoint import nodes
from adjoint.ad.context import FunctionContext
from adjoint.frontend.values import specialization_of


def call_origins(tree: gast.FunctionDef, ctx: FunctionContext) -> None:
    """Rewrite, in place, each call of a specialization that only replaced `*args`/`**kwargs`."""
    for node in nodes.walk(tree):
        if not (isinstance(node, gast.Call) and isinstance(node.func, gast.Name)):
            continue
        spec = specialization_of(ctx.parsed.namespace.get(node.func.id))
        if spec is None or spec.rest is None or spec.bound or spec.fixed:
            continue
        keywords = {parameter: key for key, parameter in spec.rest.keywords}
        node.func = nodes.copy_location(nodes.name(ctx.bind_global(spec.origin.__name__, spec.origin)), node.func)
        for keyword in node.keywords:
            keyword.arg = keywords.get(keyword.arg, keyword.arg)
