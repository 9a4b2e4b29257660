"""The receivers of array methods and attributes rewritten as NumPy's functions are checked.

Desugar reads `x.sum()`, `x.T`, `x.reshape(...)`, `x.astype(...)` (desugar.ARRAY_METHODS,
ARRAY_ATTRIBUTES, RUNTIME_METHODS) as `np.sum(x)`, `np.transpose(x)`, ... NumPy's functions take
lists, tuples and numbers too, where Python raises AttributeError (`'list' object has no
attribute 'sum'`): the derived function returned a value and a gradient for a function that
raises. A receiver that is a name is checked before its statement runs
(`attribute_or_raise(x, 'sum', filename, lineno)`); the analyses drop the checks of names known
to hold arrays once the argument kinds are known (analysis/guards.py). Receivers inside a
lambda or a comprehension (which have scopes of their own) and derivative code read again are
not checked.

Before::

    total = xs.sum() * 2.0

After (xs of unknown kind)::

    attribute_or_raise(xs, 'sum', 'model.py', 12)
    total = np.sum(xs) * 2.0
"""
from __future__ import annotations

from typing import List

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.frontend.parse import MISSING
from adjoint.frontend.values import resolve_value
from adjoint.normalize.single_assignment import is_derivative_code

_SCOPES = (gast.Lambda, gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp)


class ReceiverChecks:
    """Desugar's checks of receivers; it gives `parsed` and `_bound_name`. `_check_receiver` is
    called where a method or attribute of a value is rewritten, `visit` puts the checks of each
    statement's own expressions before it."""

    _pending: List[gast.stmt]
    _scopes = 0

    def visit(self, node: gast.AST):
        if isinstance(node, _SCOPES):
            self._scopes += 1
            try:
                return super().visit(node)
            finally:
                self._scopes -= 1
        if not isinstance(node, gast.stmt):
            return super().visit(node)
        outer, self._pending = getattr(self, "_pending", []), []
        try:
            result = super().visit(node)
            checks = self._pending
        finally:
            self._pending = outer
        if not checks or result is None:
            return result
        return checks + (result if isinstance(result, list) else [result])

    def _of_a_fixed_object(self, receiver: gast.expr) -> bool:
        """`self.T`, `self.mean()`, `self.scaler.clip(x)` of the object a method is bound to (a
        parameter whose value is known) or of an object among its attributes, not an array: its
        own attribute or method, read as it is."""
        if isinstance(receiver, gast.Name):
            fixed = self.parsed.fixed.get(receiver.id, MISSING)
        else:
            root = receiver
            while isinstance(root, (gast.Attribute, gast.Subscript)):
                root = root.value
            known = isinstance(root, gast.Name) and root.id in self.parsed.fixed
            fixed = resolve_value(receiver, self.parsed, self.local_names) if known else MISSING
        return fixed is not MISSING and not isinstance(fixed, (np.ndarray, np.generic))

    def _check_receiver(self, receiver: gast.expr, attribute: str, origin: gast.AST) -> None:
        if not isinstance(receiver, gast.Name) or self._scopes or is_derivative_code(self.parsed.func):
            return
        location = self.parsed.info.location(origin)
        check = nodes.call(nodes.name(self._bound_name("attribute_or_raise", runtime.attribute_or_raise)),
                           [nodes.name(receiver.id), nodes.constant(attribute), nodes.constant(location.filename),
                            nodes.constant(location.lineno)])
        self._pending.append(nodes.copy_location(gast.Expr(value=check), origin))

