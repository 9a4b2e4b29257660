"""Calls the generated code keeps of a function specialized to what it receives through
`*args` or `**kwargs` (frontend/rest.py) call the function itself, as the user wrote them.

Before::                                  After::

    _t1 = _scaled1(x, options_k=2.0)          _t1 = scaled(x, k=2.0)

The two calls do the same (the specialization passes its parameters on through `*args`
and `**kwargs`), but only the function itself has a name a standalone module can import
and a cache entry can record.
"""
from __future__ import annotations

import types

import gast

from adjoint import nodes
from adjoint.ad.context import FunctionContext
from adjoint.frontend.values import specialization_of


def call_origins(tree: gast.FunctionDef, ctx: FunctionContext) -> None:
    """Rewrite, in place, each call of a specialization that only replaced `*args`/`**kwargs`
    (the tree is walked only when the function's namespace holds one)."""
    found = ((name, specialization_of(value)) for name, value in ctx.parsed.namespace.items()
             if isinstance(value, types.FunctionType))  # what frontend/values.py makes
    specs = {name: spec for name, spec in found
             if spec is not None and spec.rest is not None and not spec.bound and not spec.fixed}
    if not specs:
        return
    for node in nodes.walk(tree):
        if not (isinstance(node, gast.Call) and isinstance(node.func, gast.Name)):
            continue
        spec = specs.get(node.func.id)
        if spec is None:
            continue
        keywords = {parameter: key for key, parameter in spec.rest.keywords}
        node.func = nodes.copy_location(nodes.name(ctx.bind_global(spec.origin.__name__, spec.origin)), node.func)
        for keyword in node.keywords:
            keyword.arg = keywords.get(keyword.arg, keyword.arg)
