"""What the optimization passes know about the names of a derivative function."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable, Dict, FrozenSet, Iterable, Optional, Set

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.analysis.guards import made_by_numpy
from adjoint.analysis.kinds import SCALAR, is_array
from adjoint.frontend.parse import MISSING
from adjoint.frontend.resolve import computes_only
from adjoint.optimize.statements import Unchanged

LINEAR_HELPERS = (
    runtime.unbroadcast, runtime.unreduce, runtime.item_adjoint, runtime.zero_at,
    runtime.dot_adjoint_a, runtime.dot_adjoint_b, runtime.transpose_adjoint,
    runtime.pow_exponent_adjoint, runtime.written_adjoint, runtime.list_repeat_adjoint, runtime.quotient_or_inf,
    runtime.stored_derivative, runtime.slope_or_zero,
)
BILINEAR = (np.dot, np.vdot, np.matmul, np.outer, np.inner, np.tensordot, np.kron, np.cross, np.einsum)
EFFECTFUL_HELPERS = (runtime.enter_context, runtime.exit_context)  # a `with` block's start and end
# Helpers that refuse what they are given (grad's seed of a function returning an array, a function
# chosen at run time that the derivative was not written for): their
# value may go unused, in a derivative of a derivative, but the call must stay.
CHECKS = (runtime.unit_seed, runtime.function_choice_refused)


@dataclass(frozen=True)
class Facts:
    """What the passes need to know about names in the derivative function."""

    adjoint_names: FrozenSet[str]
    linear_helpers: FrozenSet[str]
    resolve: Callable[[str], object]
    protected: FrozenSet[str] = frozenset()
    stack: str = ""  # the list the derivative saves values on ("" when it saves none)
    numbers: FrozenSet[str] = frozenset()  # primal names that hold Python numbers (ints among them)
    arrays: FrozenSet[str] = frozenset()  # primal names that hold NumPy arrays
    primal: FrozenSet[str] = frozenset()  # the names of the primal function (optimize/raises.py)
    numeric: FrozenSet[str] = frozenset()  # primal names that hold arrays or NumPy scalars (made by NumPy)
    pure_callees: Dict[str, bool] = field(default_factory=dict, compare=False)  # dotted name -> is_pure_callee
    sharing: Callable[[Iterable[str]], Set[str]] = set  # names and those that may share memory with them
    # each adjoint whose primal may be other than a number -> the primal whose zeros_like stands for
    # it where a read of it cannot be the number 0.0 (None: nowhere; see zeros.py)
    zero_shapes: Dict[str, Optional[str]] = field(default_factory=dict)
    zeros_like: str = "zeros_like"  # the name the derivative calls runtime.zeros_like by
    tangent_like: str = "tangent_like"  # ... and runtime.tangent_like (forward mode)
    forward: bool = False  # forward mode: a tangent is read where its primal holds its value
    settled: bool = False  # the code is final: no pass drops a statement any more (optimize/raises.py)
    unchanged: Unchanged = field(default_factory=Unchanged, compare=False)  # answers kept while no pass changes
    number_adjoints: FrozenSet[str] = frozenset()  # the derivatives of the names in `numbers`

    @functools.cached_property
    def python_numbers(self) -> FrozenSet[str]:
        """The names that surely hold Python numbers, not NumPy's (`numbers` less `numeric`), and
        their derivatives: made once, where each ask would make it anew from sets of every name."""
        return (self.numbers | self.number_adjoints) - self.numeric

    def is_bilinear(self, func_node: gast.expr) -> bool:
        """np.dot, np.matmul, ...: zero as soon as one factor is zero."""
        func = resolve_dotted(func_node, self.resolve)
        return any(func is known for known in BILINEAR)

    def calls_a_check(self, calls: Iterable[gast.Call]) -> bool:
        """Whether one of these calls (those of an expression) calls one of CHECKS."""
        return any(any(resolve_dotted(call.func, self.resolve) is check for check in CHECKS) for call in calls)

    def is_temporary(self, identifier: str) -> bool:
        """A name the compiler made up (not the user's, nor the adjoint of one of the user's)."""
        return identifier not in self.protected

    def is_pure_callee(self, func_node: gast.expr) -> bool:
        """A call of it has no effect (builtins that only compute, math, NumPy but its random
        numbers, adjoint's runtime helpers); remembered by dotted name, as the passes ask often."""
        path = nodes.dotted_name(func_node)
        if path is None:
            return self._is_pure_callee(func_node)
        known = self.pure_callees.get(path)
        if known is None:
            known = self.pure_callees[path] = self._is_pure_callee(func_node)
        return known

    def _is_pure_callee(self, func_node: gast.expr) -> bool:
        func = resolve_dotted(func_node, self.resolve)
        if func is MISSING:
            return False
        if runtime.is_helper(func):
            return not any(func is helper for helper in EFFECTFUL_HELPERS)
        return computes_only(func)


def is_pure(expr: gast.expr, facts: Facts) -> bool:
    """Whether computing expr has no effect (calls only pure callees, holds no lambda, walrus, yield)."""
    for node in nodes.walk(expr):
        if isinstance(node, gast.Call) and not facts.is_pure_callee(node.func):
            return False
        if isinstance(node, (gast.Lambda, gast.NamedExpr, gast.Yield, gast.Await)):
            return False
    return True


def resolve_dotted(node: gast.expr, resolve) -> object:
    if isinstance(node, gast.Name):
        return resolve(node.id)
    if isinstance(node, gast.Attribute):
        owner = resolve_dotted(node.value, resolve)
        return MISSING if owner is MISSING else getattr(owner, node.attr, MISSING)
    return MISSING


def facts_for(ctx, forward: bool = False, arguments: Optional[Dict[str, str]] = None) -> Facts:
    """`arguments`: the kinds of the parameters' arguments, where known."""
    bindings = dict(ctx.parsed.namespace)
    bindings.update(ctx.bindings)
    locals_ = ctx.primal_names

    def resolve(identifier: str):
        if identifier in bindings:
            return bindings[identifier]
        if identifier in locals_:
            return MISSING
        return ctx.parsed.lookup(identifier)

    linear = frozenset(n for n, obj in bindings.items() if any(obj is h for h in LINEAR_HELPERS))
    user = ctx.namer.original
    protected = user | {ctx.namer.derivative(n) for n in user if ctx.namer.has_adjoint(n)}
    numbers = frozenset(name for name, kind in ctx.kinds.items() if kind == SCALAR)
    arrays = frozenset(name for name, kind in ctx.kinds.items() if is_array(kind))
    numeric = frozenset(made_by_numpy(ctx.parsed.node, lambda call: ctx.classifier.classify(call).func, ctx.kinds,
                                      arguments))
    number_adjoints = frozenset(name for name, primal in ctx.namer.primals().items()
                                if primal in numbers and primal not in numeric)
    return Facts(frozenset(ctx.namer.adjoint_names()), linear, resolve, frozenset(protected), ctx.stack, numbers,
                 arrays, frozenset(locals_), numeric, sharing=ctx.aliases.expand,
                 zero_shapes=_zero_shapes(ctx, forward), zeros_like=ctx.runtime("zeros_like").id,
                 tangent_like=ctx.runtime("tangent_like").id if forward else "tangent_like", forward=forward,
                 number_adjoints=number_adjoints)


def _zero_shapes(ctx, forward: bool) -> Dict[str, Optional[str]]:
    """Facts.zero_shapes. A tangent is read where its primal holds the value it is the tangent of;
    an adjoint is, where its primal is assigned once, outside loops (else the adjoint sweep may
    read it where the primal holds another value, which it would not have saved)."""
    shapes = {}
    for adjoint, primal in ctx.namer.primals().items():
        if ctx.kinds.get(primal) != SCALAR:
            shapes[adjoint] = primal if forward or ctx.sites.stable(primal) else None
    return shapes
