"""A SciPy distribution's logpdf, cdf, ... whose value the derivative reads only for its shape:
a stand-in of that shape, not the value.

The adjoint of `np.sum(stats.norm.logpdf(x, mu, sigma))` is `unreduce(1.0, _t1, ...)` times the
rule's terms: `_t1` is read for its shape alone (the rule's terms do not read the result), but
computing it costs more than the whole gradient. Where every read of a name assigned once is
the shape argument of a helper that reads nothing else of it (ad/shapes.py's SHAPE_ARGUMENT,
and `shape_only`), and its value is the call of such a method, the call becomes
`distribution_stand_in(...)` of the same operands: float64 zeros of their broadcast shape, or
a float64 number, as the method returns. The statement's effects are the method's own: none
(its operands are still computed, and a failure to broadcast them still raises).

    _t1 = stats.norm.logpdf(x, mu, sigma)    ->    _t1 = distribution_stand_in(x, mu, sigma)
    d_t1 = unreduce(1.0, _t1, None, False)
"""
from __future__ import annotations

from collections import Counter
from typing import Callable, Set

import gast

from adjoint import nodes, runtime
from adjoint.ad.shapes import SHAPE_ARGUMENT
from adjoint.frontend.names import ELEMENTWISE_METHODS, class_module
from adjoint.optimize.facts import Facts, resolve_dotted

SHAPE_POSITIONS = {**SHAPE_ARGUMENT, runtime.shape_only: 0}


def run(tree: gast.FunctionDef, facts: Facts, runtime_name: Callable[[str], gast.Name]) -> None:
    """Replace, in tree, each such call by its stand-in (runtime_name: the name a helper is called by)."""
    candidates = {}
    for stmt in nodes.statements(tree):
        target = nodes.assigned_name(stmt)
        if target is not None and isinstance(stmt.value, gast.Call) and _elementwise_method(stmt.value, facts):
            candidates[target] = stmt
    if not candidates:
        return
    counts = Counter(name for stmt in nodes.statements(tree) for name in _stored(stmt))
    read_by_value = _read_by_value(tree, facts) | set(nodes.parameters(tree))
    for name, stmt in candidates.items():
        if counts[name] == 1 and name not in read_by_value:
            call = stmt.value
            operands = list(call.args) + [keyword.value for keyword in call.keywords]
            stmt.value = nodes.copy_location(nodes.call(runtime_name("distribution_stand_in"), operands), call)


def _elementwise_method(call: gast.Call, facts: Facts) -> bool:
    func = resolve_dotted(call.func, facts.resolve)
    owner = getattr(func, "__self__", None)
    module = class_module(owner) if owner is not None else ""
    if not module.startswith("scipy.stats") or getattr(func, "__name__", None) not in ELEMENTWISE_METHODS:
        return False
    from scipy import stats  # imported already: the function calls one of its distributions
    return isinstance(owner, (stats.rv_continuous, stats.rv_discrete)) and not any(
        isinstance(argument, gast.Starred) for argument in call.args) and all(k.arg for k in call.keywords)


def _stored(stmt: gast.stmt):
    return [name for target in getattr(stmt, "targets", ()) for name in nodes.names_stored(target)] + (
        nodes.names_stored(stmt.target) if isinstance(stmt, (gast.For, gast.AugAssign)) else [])


def _read_by_value(tree: gast.FunctionDef, facts: Facts) -> Set[str]:
    """The names some read of which is not the shape argument of a shape-reading helper."""
    shape_reads = set()
    found = nodes.every_node(tree)
    for node in found:
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and not node.keywords:
            helper = facts.resolve(node.func.id)
            position = next((p for h, p in SHAPE_POSITIONS.items() if helper is h), None)
            if position is not None and len(node.args) > position and isinstance(node.args[position], gast.Name):
                shape_reads.add(id(node.args[position]))
    return {node.id for node in found if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load)
            and id(node) not in shape_reads}
