"""The receivers of array methods and attributes rewritten as NumPy's functions are checked.

Desugar reads `x.sum()`, `x.T`, `x.reshape(...)`, `x.astype(...)` (desugar.ARRAY_METHODS,
ARRAY_ATTRIBUTES, RUNTIME_METHODS) as `np.sum(x)`, `np.transpose(x)`, ... NumPy's functions take
lists, tuples and numbers too, where Python raises AttributeError (`'list' object has no
attribute 'sum'`): the derived function returned a value and a gradient for a function that
raises. Desugar marks each such call with the check of its receiver (`_check_receiver`), and
A-normal form puts `attribute_or_raise(r, 'sum', filename, lineno)` where the receiver's value r
has been computed, before the call (`check_of`): where Python reads the attribute, whatever the
receiver (a name, `d["a"]`, `obj.xs`, `xs[1:]`, `(xs + ys)`), and only where Python evaluates it
(in the branch of a conditional expression, after `and`/`or`: such an `and`/`or` becomes the
statements choosing its operand, even in a condition). A condition that stays whole (of an `if`,
a `while`, an `assert`) gets the checks of the receivers it always evaluates, where they are
names or items and attributes read from them (`checks_of_whole`). The analyses drop the
checks of names known to hold arrays once the argument kinds are known (analysis/guards.py).
Receivers inside a lambda (a scope of its own) and derivative code read again are not checked.

Before::

    total = d["xs"].sum() * 2.0

After (A-normal form, d["xs"] of unknown kind)::

    _t1 = d['xs']
    attribute_or_raise(_t1, 'sum', 'model.py', 12)
    _t2 = np.sum(_t1)
    total = _t2 * 2.0
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
MARK = "checked_receiver"  # the attribute of a marked call: (helper's name, attribute, filename, lineno)


class ReceiverChecks:
    """Desugar's marks of receivers; it gives `parsed` and `_bound_name`. `_check_receiver` is
    called on the call that replaces a method or attribute of a value."""

    _scopes = 0

    def visit(self, node: gast.AST):
        if isinstance(node, _SCOPES):
            self._scopes += 1
            try:
                return super().visit(node)
            finally:
                self._scopes -= 1
        return super().visit(node)

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

    def _check_receiver(self, call: gast.Call, attribute: str, origin: gast.AST) -> gast.Call:
        """Mark `call` (whose first argument is the receiver) with the check of its receiver."""
        if self._scopes or is_derivative_code(self.parsed.func):
            return call
        location = self.parsed.info.location(origin)
        helper = self._bound_name("attribute_or_raise", runtime.attribute_or_raise)
        setattr(call, MARK, (helper, attribute, location.filename, location.lineno))
        return call


def check_of(call: gast.Call, receiver: gast.expr) -> List[gast.stmt]:
    """The check of a marked call's receiver, whose value `receiver` holds ([] if unmarked)."""
    mark = getattr(call, MARK, None)
    if mark is None:
        return []
    helper, attribute, filename, lineno = mark
    check = nodes.call(nodes.name(helper), [nodes.clone(receiver), nodes.constant(attribute),
                                            nodes.constant(filename), nodes.constant(lineno)])
    return [gast.Expr(value=check)]


def checks_receiver(expr: gast.expr) -> bool:
    """Whether expr holds a marked call (a `for` over its statements: an `and`/`or` whose later
    operands hold one is lowered to them, ANF._chosen_operand)."""
    return any(getattr(node, MARK, None) is not None for node in nodes.walk(expr))


def checks_of_whole(expr: gast.expr) -> List[gast.stmt]:
    """The checks of the marked calls an expression kept whole (a condition) always evaluates,
    whose receivers can be read again before it: names, and items and attributes read from them."""
    out: List[gast.stmt] = []
    for node in always_evaluated(expr):
        if isinstance(node, gast.Call) and node.args and _read_again(node.args[0]):
            out.extend(check_of(node, node.args[0]))
    return out


def always_evaluated(expr: gast.expr):
    """The nodes Python evaluates whenever it evaluates expr: not those after the first operand of
    `and`/`or`, past the second of a chained comparison, in a branch of `a if c else b`, nor in a
    lambda (also optimize/raises.py's)."""
    yield expr
    if isinstance(expr, gast.BoolOp):
        children = expr.values[:1]
    elif isinstance(expr, gast.Compare):
        children = [expr.left] + expr.comparators[:1]
    elif isinstance(expr, gast.IfExp):
        children = [expr.test]
    elif isinstance(expr, _SCOPES):
        children = []
    else:
        children = [child.value if isinstance(child, gast.keyword) else child
                    for child in gast.iter_child_nodes(expr) if isinstance(child, (gast.expr, gast.keyword))]
    for child in children:
        yield from always_evaluated(child)


def _read_again(expr: gast.expr) -> bool:
    if isinstance(expr, gast.Name):
        return True
    if isinstance(expr, gast.Attribute):
        return _read_again(expr.value)
    if isinstance(expr, gast.Subscript):
        return _read_again(expr.value) and _plain_index(expr.slice)
    return False


def _plain_index(index: gast.expr) -> bool:
    if isinstance(index, gast.Tuple):
        return all(_plain_index(element) for element in index.elts)
    if isinstance(index, gast.Slice):
        return all(part is None or _plain_index(part) for part in (index.lower, index.upper, index.step))
    if isinstance(index, gast.UnaryOp) and isinstance(index.op, gast.USub):
        return isinstance(index.operand, gast.Constant)
    return isinstance(index, (gast.Name, gast.Constant))
