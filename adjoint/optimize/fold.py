"""Constant folding and algebraic identities; zeros annihilate only in adjoint statements.

Before::

    dx = 0.0 + y * (2 - 1) * x ** (2 - 1) * dz
    dy = dx + -dz

After::

    dx = y * x * dz
    dy = dx - dz
"""
from __future__ import annotations

import math
import operator
from typing import Optional

import gast

from adjoint import nodes, runtime
from adjoint.optimize.facts import Facts, is_pure
from adjoint.optimize.statements import reports_changes
from adjoint.optimize.zero_positions import binop_operands, call_arguments, is_zero_tolerant, unary_operand

_FOLDABLE = {
    gast.Add: operator.add, gast.Sub: operator.sub, gast.Mult: operator.mul,
    gast.Div: operator.truediv, gast.Pow: operator.pow,
}


def _number(node) -> bool:
    return (
        isinstance(node, gast.Constant)
        and isinstance(node.value, (int, float))
        and not isinstance(node.value, bool)
    )


def _is(node, value) -> bool:
    return _number(node) and node.value == value


class _Fold(nodes.Transformer):
    """Folds one expression. Zeros annihilate (`0.0 * x` is 0.0) only where `annihilate` (in an
    adjoint's assignment) and at a position where 0.0 may stand for a zero of any shape (`safe`,
    see optimize/zero_positions.py): elsewhere `0.0 * x` is the zero array it computes."""

    def __init__(self, facts: Facts, annihilate: bool):
        self.facts = facts
        self.annihilate = annihilate
        self.safe = annihilate  # the position of the node being folded
        self.changed = False

    def _within(self, node, safe: bool, annihilate: Optional[bool] = None):
        """node folded at a position `safe` or not (in an adjoint, `annihilate`); the position of
        the node being folded kept. A name or a constant holds nothing to fold."""
        if node.__class__ in _ATOMS:
            return node
        outer_safe, outer_annihilate = self.safe, self.annihilate
        self.safe = safe
        if annihilate is not None:
            self.annihilate = annihilate
        folded = self.visit(node)
        self.safe, self.annihilate = outer_safe, outer_annihilate
        return folded

    def generic_visit(self, node):
        outer, self.safe = self.safe, False
        folded = super().generic_visit(node)
        self.safe = outer
        return folded

    def pure(self, expr) -> bool:
        return is_pure(expr, self.facts)

    def _replace(self, new):
        self.changed = True
        return new

    def visit_BinOp(self, node):
        left_safe, right_safe = binop_operands(node.op.__class__, self.safe)
        node.left = self._within(node.left, left_safe)  # its operator holds nothing to fold
        node.right = self._within(node.right, right_safe)
        left, right, op = node.left, node.right, type(node.op)
        if op is gast.Mult and getattr(right, "power_slope", False):  # `d * (c * x ** e)` -> `d * c * x ** e`, as
            node.left, node.right = self.visit(nodes.binop(left, gast.Mult(), right.left)), right.right  # the rule was
            left, right = node.left, node.right
        if _number(left) and _number(right) and op in _FOLDABLE and _safe(op, left.value, right.value):
            return self._replace(nodes.constant(_FOLDABLE[op](left.value, right.value)))
        simpler = self._identity(left, op, right)
        if simpler is None and op is gast.Mult:
            simpler = self._spread_times_itself(left, right) or self._spread_times_itself(right, left)
            if simpler is not None:  # `1.0 * x` folded now, not in a round of its own
                simpler = self._identity(simpler.left, gast.Mult, simpler.right) or simpler
        if simpler is not None:
            return self._replace(simpler)
        return node

    def _spread_times_itself(self, array, spread):
        """`x * unreduce(c, x, None, False)` -> `c * x`: a number spread over x's shape, times x
        (the adjoint of `np.sum(x * x)`), without building the spread array."""
        if not (isinstance(array, gast.Name) and isinstance(spread, gast.Call) and not spread.keywords):
            return None
        if not self._is_helper(spread.func, runtime.unreduce):
            return None
        args = spread.args
        if len(args) < 2 or not _number(args[0]) or not (isinstance(args[1], gast.Name) and args[1].id == array.id):
            return None
        defaults = (None, False)
        if any(not (isinstance(a, gast.Constant) and a.value is d) for a, d in zip(args[2:], defaults)):
            return None
        return nodes.binop(nodes.constant(args[0].value), gast.Mult(), nodes.name(array.id))

    def _identity(self, left, op, right):
        """The simpler form of `left op right`, or None; zeros annihilate, and ones and zeros drop,
        only in adjoint statements. By operator, in the order the rules are tried."""
        if op is gast.Add or op is gast.Sub:
            rule = self._sum
        elif not self.annihilate:
            return None
        elif op is gast.Mult or op is gast.MatMult:
            rule = self._product
        elif op is gast.Div or op is gast.Pow:
            rule = self._quotient_or_power
        else:
            return None
        if boolean(left) or boolean(right):
            return None
        return rule(left, op, right)

    def _sum(self, left, op, right):
        if isinstance(right, gast.UnaryOp) and isinstance(right.op, gast.USub):
            return nodes.binop(left, gast.Sub() if op is gast.Add else gast.Add(), right.operand)
        if not self.annihilate:
            return None
        if op is gast.Add and isinstance(left, gast.UnaryOp) and isinstance(left.op, gast.USub):
            return nodes.binop(right, gast.Sub(), left.operand)  # -a + b -> b - a (in adjoint statements)
        if _is(right, 0):
            return left
        if _is(left, 0):
            return right if op is gast.Add else gast.UnaryOp(op=gast.USub(), operand=right)
        if op is gast.Add and _same(left, right) and self.pure(left):
            return nodes.binop(nodes.constant(2.0), gast.Mult(), left)
        return None

    def _product(self, left, op, right):
        # In the primal, `x * 1.0` is a new float array: folding it would alias (and retype) x.
        # In an adjoint, `k * 1.0` of a number k stays unless k is a float: 1.0 makes an int a float.
        if op is gast.Mult and _is(right, 1) and self._keeps_type(left, right):
            return left
        if op is gast.Mult and _is(left, 1) and self._keeps_type(right, left):
            return right
        if (_is(left, 0) or _is(right, 0)) and self.safe:
            return nodes.constant(0.0)
        # the same number, one operation fewer, where the other factor is surely floating (the
        # negation of an unsigned integer array wraps around; -1.0 times it does not)
        if op is gast.Mult and _is(left, -1) and type(left.value) is float and self._floating(right):
            return gast.UnaryOp(op=gast.USub(), operand=right)
        if op is gast.Mult and _is(right, -1) and type(right.value) is float and self._floating(left):
            return gast.UnaryOp(op=gast.USub(), operand=left)
        if op is gast.Mult and _exact_integer(right) and self._floating(left):
            return nodes.binop(left, op(), nodes.constant(float(right.value)))
        if op is gast.Mult and _exact_integer(left) and self._floating(right):
            return nodes.binop(nodes.constant(float(left.value)), op(), right)
        return None

    def _floating(self, node) -> bool:
        """Surely a floating value (a float, a floating NumPy number or array, a complex number),
        so that `node * 4` and `node * 4.0` are the same number: + - * / and unary - of numbers,
        adjoints and number constants, with a quotient or a float constant among them (which makes
        it floating: an int, a NumPy integer or an integer array meeting a float gives a float, and
        a true quotient is never an integer). A float times
        an int multiplies by the int made a float, exactly, as `* 4.0` does, but with no
        specialized bytecode for it."""
        floating = False
        for inner in gast.walk(node):
            if isinstance(inner, gast.Constant):
                if type(inner.value) is float:
                    floating = True
                elif type(inner.value) is not int:
                    return False
            elif isinstance(inner, gast.Name):
                if inner.id not in self.facts.numbers and inner.id not in self.facts.adjoint_names:
                    return False
            elif isinstance(inner, gast.BinOp):
                if not isinstance(inner.op, (gast.Add, gast.Sub, gast.Mult, gast.Div)):
                    return False
                floating = floating or isinstance(inner.op, gast.Div)
            elif isinstance(inner, gast.UnaryOp):
                if not isinstance(inner.op, gast.USub):
                    return False
            elif not isinstance(inner, (gast.expr_context, gast.operator, gast.unaryop)):
                return False
        return floating

    def _quotient_or_power(self, left, op, right):
        if _is(right, 1) and (op is gast.Pow and type(right.value) is int or self._keeps_type(left, right)):
            return left
        if op is gast.Pow and (_is(right, 2) or _is(right, 3)) and isinstance(left, gast.Name):
            product = nodes.binop(left, gast.Mult(), nodes.name(left.id))  # products are cheaper than pow()
            return product if _is(right, 2) else nodes.binop(product, gast.Mult(), nodes.name(left.id))
        if op is gast.Div and _is(left, 0) and self.safe:
            return nodes.constant(0.0)
        return None

    def _keeps_type(self, kept, one) -> bool:
        """`kept * one` has kept's type: one is the int 1, or kept is surely not an int."""
        return type(one.value) is int or self._float(kept)

    def _float(self, node) -> bool:
        """Surely not a Python int: a float constant, a quotient, a derivative, an expression with a
        float in it, or a name that does not hold a number (arrays are cast at the end)."""
        if isinstance(node, gast.Constant):
            return isinstance(node.value, float)
        if isinstance(node, gast.BinOp):
            return isinstance(node.op, gast.Div) or self._float(node.left) or self._float(node.right)
        if isinstance(node, gast.UnaryOp):
            return self._float(node.operand)
        if isinstance(node, gast.Name):
            return node.id in self.facts.adjoint_names or node.id not in self.facts.numbers
        return bool(set(nodes.names_read(node)) & self.facts.adjoint_names)

    def visit_Name(self, node):
        return node  # nothing to fold inside

    def visit_Constant(self, node):
        return node

    def visit_Tuple(self, node):
        node.elts = [self._within(item, self.safe) for item in node.elts]
        return node

    visit_List = visit_Tuple

    def visit_UnaryOp(self, node):
        node.operand = self._within(node.operand, unary_operand(node.op.__class__, self.safe))
        operand = node.operand
        if isinstance(node.op, gast.USub):
            if _number(operand):
                return self._replace(nodes.constant(-operand.value))
            if isinstance(operand, gast.UnaryOp) and isinstance(operand.op, gast.USub):
                return self._replace(operand.operand)
        return node

    def visit_Call(self, node):
        positions, keywords = call_arguments(node, self.annihilate and self.safe, self.facts)
        adjoint = is_zero_tolerant(node, self.facts)  # its first argument is an adjoint, in a `return` too
        node.func = self._within(node.func, False)
        node.args = [self._within(arg, safe, True if adjoint and index == 0 else None)
                     for index, (arg, safe) in enumerate(zip(node.args, positions))]
        for keyword in node.keywords:
            keyword.value = self._within(keyword.value, keywords)
        func = node.func
        linear = isinstance(func, gast.Name) and func.id in self.facts.linear_helpers
        if self.annihilate and self.safe and linear and node.args and _is(node.args[0], 0):
            return self._replace(nodes.constant(0.0))
        if self.annihilate and self.safe and self.facts.is_bilinear(func) and any(_is(arg, 0) for arg in node.args[:2]):
            return self._replace(nodes.constant(0.0))
        whole = self._whole_math_value(node)
        if whole is not None:
            return self._replace(nodes.constant(whole))
        if self._is_helper(func, runtime.quotient_or_inf) and len(node.args) == 2 and self._array(node.args[1]):
            return self._replace(nodes.binop(node.args[0], gast.Div(), node.args[1]))  # NumPy's inf already
        if self._is_helper(func, runtime.slope_or_zero) and len(node.args) == 2 and self._numbers(node.args[1]):
            return self._replace(node.args[1])  # a slope of numbers: no branch of np.where to leave out
        if self._is_helper(func, runtime.pow_term) and len(node.args) == 3 and not node.keywords:
            return self._power(node)
        if self.annihilate and self._is_helper(func, runtime.add_adjoints) and len(node.args) == 2:
            zero, kept = (0, 1) if _is(node.args[0], 0) else (1, 0)
            if _is(node.args[zero], 0):  # the other adjoint, item by item as `0.0 + d` is d
                return self._replace(node.args[kept])
        if self._is_helper(func, runtime.unbroadcast) and len(node.args) == 2 and not node.keywords:
            g, x = node.args
            if isinstance(g, gast.Name) and isinstance(x, gast.Name) and g.id == x.id:
                return self._replace(g)  # unbroadcast(x, x): x has its own shape
        return node

    def _array(self, node) -> bool:
        """Surely a NumPy array: a name that holds one, or arithmetic with one."""
        if isinstance(node, gast.Name):
            return node.id in self.facts.arrays
        if isinstance(node, gast.BinOp):
            return self._array(node.left) or self._array(node.right)
        return isinstance(node, gast.UnaryOp) and self._array(node.operand)

    def _numbers(self, node) -> bool:
        """Surely a Python number: arithmetic on constants, on numbers Python computed (not NumPy,
        whose np.sqrt(-1.0) is NaN where math.sqrt raises), on their derivatives and pow_term (as
        _power writes it, `c * x ** e if x else pow_term(c, x, e)`)."""
        allowed = self.facts.python_numbers
        for part in gast.walk(node):
            if isinstance(part, gast.Call):
                if not self._is_helper(part.func, runtime.pow_term) or part.keywords:
                    return False
            elif isinstance(part, gast.Name):
                if part.id not in allowed and not self._is_helper(part, runtime.pow_term):
                    return False
            elif not isinstance(part, (gast.Constant, gast.BinOp, gast.UnaryOp, gast.IfExp, gast.expr_context,
                                       gast.operator, gast.unaryop)):
                return False
        return True

    def _power(self, call):
        """pow_term(c, x, e) for constants c and e: 0.0 for c == 0, `c * x ** e` where that never
        refuses (e >= 0) or where the power itself refuses x == 0 as well (e a negative whole number,
        from x ** y with y < 0), and for a number x, `c * x ** e if x else pow_term(c, x, e)` (the call
        costs more than the operators)."""
        coefficient, base, exponent = call.args
        if _is(coefficient, 0):
            return self._replace(nodes.constant(0.0))
        if not _number(exponent) or not _number(coefficient):
            return call
        if exponent.value >= 0 or float(exponent.value).is_integer():  # a negative whole e: the power raises too
            slope = nodes.binop(coefficient, gast.Mult(), self.visit(nodes.binop(base, gast.Pow(), exponent)))
            slope.power_slope = True
            return self._replace(slope)
        if isinstance(base, gast.Name) and base.id in self.facts.numbers:
            operator_form = nodes.binop(nodes.constant(coefficient.value), gast.Mult(),
                                        nodes.binop(nodes.name(base.id), gast.Pow(), nodes.constant(exponent.value)))
            return self._replace(gast.IfExp(test=nodes.name(base.id), body=operator_form, orelse=call))
        return call

    def visit_IfExp(self, node):
        if _guarded_power(node, self.facts):
            return node  # written by _power: its call stays
        if isinstance(node.test, gast.Constant) and isinstance(node.test.value, bool):  # a rule's decided test
            return self._replace(self.visit(node.body if node.test.value else node.orelse))
        return self.generic_visit(node)

    def _whole_math_value(self, call):
        """The value of a `math` function of constants, when it is a whole number: the
        `math.log(math.e)` a rule's default base leaves (1.0, which `x * 1.0` then drops). The call
        gives the same float wherever it runs; other values keep their readable spelling."""
        func = call.func
        if call.keywords or not (isinstance(func, gast.Attribute) and self._is_math(func.value)):
            return None
        if func.attr not in _WHOLE_VALUED or not all(map(self._math_constant, call.args)):
            return None
        try:
            value = getattr(math, func.attr)(*[self._math_constant(arg) for arg in call.args])
        except (ValueError, OverflowError):
            return None
        return value if value.is_integer() else None

    def _math_constant(self, node):
        """The float a number constant or `math.e`, `math.pi`, `math.tau` stands for, else None."""
        if _number(node):
            return float(node.value)
        if isinstance(node, gast.Attribute) and node.attr in ("e", "pi", "tau") and self._is_math(node.value):
            return getattr(math, node.attr)
        return None

    def _is_math(self, node) -> bool:
        return isinstance(node, gast.Name) and self.facts.resolve(node.id) is math

    def _is_helper(self, func, helper) -> bool:
        return isinstance(func, gast.Name) and self.facts.resolve(func.id) is helper


_WHOLE_VALUED = frozenset({"log", "log2", "log10", "exp", "sqrt"})  # pure functions of floats


def _guarded_power(node, facts) -> bool:
    """`c * x ** e if x else pow_term(c, x, e)`, as _Fold._power writes it."""
    test, orelse = node.test, node.orelse
    return (isinstance(test, gast.Name) and isinstance(orelse, gast.Call) and isinstance(orelse.func, gast.Name)
            and facts.resolve(orelse.func.id) is runtime.pow_term and len(orelse.args) == 3
            and isinstance(orelse.args[1], gast.Name) and orelse.args[1].id == test.id)


def _same(left, right) -> bool:
    """Whether the two expressions read alike (equal gast.dump), without dumping them unless a
    field present on one side is absent, None or empty on the other."""
    verdict = _strictly_same(left, right)
    return verdict if verdict is not None else gast.dump(left) == gast.dump(right)


_ABSENT = object()
_UNSURE = (None, _ABSENT)


def _strictly_same(left, right):
    """True or False where the trees alone tell, None where only their dumps can."""
    if left.__class__ is not right.__class__:
        unsure = left in _UNSURE or right in _UNSURE or left == [] or right == []
        return None if unsure else False
    if isinstance(left, gast.AST):
        for field in left._fields:
            verdict = _strictly_same(getattr(left, field, _ABSENT), getattr(right, field, _ABSENT))
            if verdict is not True:
                return verdict
        return True
    if left.__class__ is list:
        if len(left) != len(right):
            return None if not left or not right else False
        for a, b in zip(left, right):
            verdict = _strictly_same(a, b)
            if verdict is not True:
                return verdict
        return True
    return left is right or repr(left) == repr(right)


def _exact_integer(node) -> bool:
    """An int constant that a float holds exactly (a bool is no such int)."""
    return isinstance(node, gast.Constant) and type(node.value) is int and abs(node.value) <= 2 ** 53


def boolean(node) -> bool:
    """Comparisons give bools: `1.0 * (a > b)` is a float, `(a > b)` is not."""
    return isinstance(node, (gast.Compare, gast.BoolOp)) or (
        isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.Not)
    )


def _safe(op, left, right) -> bool:
    if op is gast.Div and right == 0:
        return False
    if op is gast.Pow and (abs(right) > 64 or (left == 0 and right < 0)):
        return False
    return True


_ATOMS = frozenset({gast.Name, gast.Constant})
_FOLDED = (gast.Assign, gast.Return)  # a return's adjoints, in gradient_like and its kin, hold zeros too


@reports_changes
def run(tree: gast.FunctionDef, facts: Facts) -> bool:
    changed = False
    tree_facts = facts.unchanged.statements()
    settled = tree_facts.settled_for("fold")  # what folding makes of an assignment depends on it alone
    for stmt in facts.unchanged.every_statement(tree):
        if stmt.__class__ in _FOLDED and stmt.value is not None and id(stmt) not in settled:
            target = stmt.targets[0] if stmt.__class__ is gast.Assign else None
            annihilate = isinstance(target, gast.Name) and target.id in facts.adjoint_names
            folder = _Fold(facts, annihilate)
            stmt.value = folder.visit(stmt.value)
            if folder.changed:
                tree_facts.forget(stmt)
                changed = True
            else:
                settled[id(stmt)] = stmt
    return changed
