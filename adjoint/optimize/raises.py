"""Which statements of the primal may raise, and so stay where nobody reads their value.

Every statement of the program runs once per call of a derived function (SPEC §8): a statement
of the primal whose value no derivative reads still raises what Python raises running it,
`(x * 1e200) ** 2` of a float OverflowError, `1.0 / d` ZeroDivisionError, `math.sqrt(x - 5.0)`
ValueError, `a + b` of arrays of two shapes ValueError, `xs[3]` IndexError. A statement is the
primal's where it assigns one of the function's own names (its parameters, locals and
temporaries, not a derivative). Dead code elimination keeps of such a statement the operations
that may raise for the kinds of their operands, with what they read (`raising_parts`: of
`t = a + b / c`, nobody reading t, `b / c` stays), and inlining moves a value that may raise only
into a statement the primal's cannot leave out (`may_take`), or anywhere once no statement is
dropped any more. Once the code is final, such a part goes where a later statement surely
raises the same error first (`drop_covered`).

Cannot raise (numbers: Python's or NumPy's, in a float's range): names and constants, displays
of them; `+ - *` and unary `- +` of numbers (a float overflows to inf), of an array and numbers,
of an array and itself; `/ // %` of an array and numbers (NumPy warns) and of numbers by a
nonzero constant; `**` of an array to a constant >= 0; comparisons of numbers; NumPy's
one-argument functions of numbers and arrays that warn instead of raising (UNARY). Anything else
may: a `**` of numbers, a subscript, an attribute, a call of `math`'s, an operation of two arrays
(whose shapes may not broadcast).
"""
from __future__ import annotations

import math
from typing import List

import gast
import numpy as np

from adjoint import nodes
from adjoint.normalize.receivers import always_evaluated
from adjoint.optimize.facts import Facts, is_pure, resolve_dotted

NUMBER, ARRAY, OTHER = "number", "array", ""
UNARY = (np.sum, np.mean, np.negative, np.positive, np.abs, np.absolute, np.exp, np.expm1, np.log, np.log1p,
         np.log2, np.log10, np.sqrt, np.square, np.sin, np.cos, np.tan, np.tanh, np.sinh, np.cosh, np.arcsin,
         np.arccos, np.arctan, np.arcsinh, np.arctanh, np.reciprocal, np.sign, np.transpose, np.ravel, np.copy)
REDUCTIONS = (np.sum, np.mean)
_ARITHMETIC = (gast.Add, gast.Sub, gast.Mult)
_DIVISIONS = (gast.Div, gast.FloorDiv, gast.Mod)


def raising_parts(stmt: gast.Assign, facts: Facts) -> List[gast.expr]:
    """The parts of a dead assignment that must still run: none where it is not the primal's,
    else the outermost operations of its value that may raise."""
    return _parts(stmt.value, facts) if _of_the_primal(stmt, facts) else []


def may_take(stmt: gast.Assign, reader: gast.stmt, facts: Facts) -> bool:
    """Whether the value of `stmt` may move into `reader`: it cannot raise, or reader runs as the
    primal's does (a return, an expression, a header, an assignment of the primal, whose parts
    that may raise stay, one calling a check, which stays: grad's seed), or the code is final."""
    if facts.settled or not isinstance(reader, gast.Assign) or _of_the_primal(reader, facts) or \
            not _of_the_primal(stmt, facts):
        return True
    return not _parts(stmt.value, facts) or \
        facts.calls_a_check(node for node in nodes.walk(reader.value) if isinstance(node, gast.Call))


def _of_the_primal(stmt: gast.Assign, facts: Facts) -> bool:
    target = stmt.targets[0]
    return isinstance(target, gast.Name) and target.id in facts.primal and target.id not in facts.adjoint_names


def _parts(expr: gast.expr, facts: Facts) -> List[gast.expr]:
    if _raises_here(expr, facts):
        return [expr]
    return [part for child in _operands(expr) for part in _parts(child, facts)]


def _operands(expr: gast.expr) -> List[gast.expr]:
    if isinstance(expr, gast.BinOp):
        return [expr.left, expr.right]
    if isinstance(expr, gast.UnaryOp):
        return [expr.operand]
    if isinstance(expr, gast.Compare):
        return [expr.left] + expr.comparators
    if isinstance(expr, (gast.Tuple, gast.List)):
        return expr.elts
    return expr.args if isinstance(expr, gast.Call) else []


def _kind(expr: gast.expr, facts: Facts) -> str:
    """NUMBER or ARRAY where the value, if it is computed, surely is one; else OTHER."""
    if isinstance(expr, gast.Name):
        if expr.id in facts.numbers:
            return NUMBER
        return ARRAY if expr.id in facts.arrays or expr.id in facts.numeric else OTHER  # (a NumPy scalar as an array)
    if isinstance(expr, gast.Constant):
        return NUMBER if type(expr.value) in (int, float, bool) else OTHER
    if isinstance(expr, gast.UnaryOp) and isinstance(expr.op, (gast.USub, gast.UAdd)):
        return _kind(expr.operand, facts)
    if isinstance(expr, gast.BinOp) and isinstance(expr.op, gast.Pow):  # a number's may be complex
        return ARRAY if _kind(expr.left, facts) == ARRAY else OTHER
    if isinstance(expr, gast.BinOp):
        kinds = {_kind(expr.left, facts), _kind(expr.right, facts)}
        return OTHER if OTHER in kinds else ARRAY if ARRAY in kinds else NUMBER
    if isinstance(expr, gast.Call) and len(expr.args) == 1 and not expr.keywords and _is_unary(expr, facts):
        kind = _kind(expr.args[0], facts)
        return kind and (NUMBER if resolve_dotted(expr.func, facts.resolve) in REDUCTIONS else kind)
    return OTHER


def _raises_here(expr: gast.expr, facts: Facts) -> bool:
    """Whether the operation at the top of expr may raise, given what its operands are."""
    if isinstance(expr, (gast.Name, gast.Constant, gast.Tuple, gast.List)):
        return False
    if isinstance(expr, gast.UnaryOp):
        kind = _kind(expr.operand, facts)
        return not (kind and isinstance(expr.op, (gast.USub, gast.UAdd)) or
                    kind == NUMBER and isinstance(expr.op, gast.Not))  # (`not` of an array raises)
    if isinstance(expr, gast.BinOp):
        return _binop_raises(expr, _kind(expr.left, facts), _kind(expr.right, facts))
    if isinstance(expr, gast.Compare) and len(expr.comparators) == 1:
        return {_kind(expr.left, facts), _kind(expr.comparators[0], facts)} != {NUMBER}
    if isinstance(expr, gast.Call) and len(expr.args) == 1 and not expr.keywords:
        return not (_kind(expr.args[0], facts) and _is_unary(expr, facts))
    return True


def _is_unary(call: gast.Call, facts: Facts) -> bool:
    func = resolve_dotted(call.func, facts.resolve)
    return any(func is known for known in UNARY)


def _binop_raises(expr: gast.BinOp, left: str, right: str) -> bool:
    if not left or not right:
        return True
    if left == right == ARRAY and not _same_name(expr.left, expr.right):  # their shapes may not broadcast
        return True
    if isinstance(expr.op, _ARITHMETIC):
        return False
    if isinstance(expr.op, _DIVISIONS):
        divisor = expr.right
        return ARRAY not in (left, right) and not (
            isinstance(divisor, gast.Constant) and type(divisor.value) in (int, float) and divisor.value != 0)
    if isinstance(expr.op, gast.Pow) and left == ARRAY:
        exponent = expr.right
        return not (isinstance(exponent, gast.Constant) and type(exponent.value) in (int, float)
                    and exponent.value >= 0)
    return True


def _same_name(a: gast.expr, b: gast.expr) -> bool:
    return isinstance(a, gast.Name) and isinstance(b, gast.Name) and a.id == b.id


# `math.sin(x)`, `math.cos(x)` and `math.tan(x)` raise one error, for x infinite alone: a derivative
# reading `math.cos(x)` raises it where `math.sin(x)` does.
ALIKE = ((math.sin, math.cos, math.tan),)


def drop_covered(tree: gast.FunctionDef, facts: Facts) -> None:
    """Once the code is final: drop a dead assignment of the primal (or the part of one kept, an
    expression statement) `math.sin(x)` where a statement after it in its block always computes
    one alike of the same x (`ALIKE`), only statements without effects in between: the derived
    function raises there what Python raises at the first."""
    loads, _ = facts.unchanged.counts(tree)
    for block in list(nodes.blocks(tree)):
        dropped = [stmt for index, stmt in enumerate(block) if _covered(block, index, loads, facts)]
        if dropped:
            block[:] = [stmt for stmt in block if not any(stmt is gone for gone in dropped)] or [gast.Pass()]
            facts.unchanged.reshaped()


def _covered(block: List[gast.stmt], index: int, loads, facts: Facts) -> bool:
    stmt = block[index]
    if isinstance(stmt, gast.Assign):
        name = nodes.assigned_name(stmt)
        if name is None or loads[name] or not _of_the_primal(stmt, facts):
            return False
    elif not isinstance(stmt, gast.Expr):
        return False
    family = _family(stmt.value, facts)
    if family is None:
        return False
    argument = stmt.value.args[0]
    for later in block[index + 1:]:
        if not isinstance(later, (gast.Assign, gast.Expr, gast.Return)) or later.value is None:
            return False
        if any(_family(node, facts) == family and _same_atom(node.args[0], argument)
               for node in always_evaluated(later.value)):
            return True
        if not is_pure(later.value, facts) or isinstance(later, gast.Assign) and \
                set(nodes.names_stored(later)) & set(nodes.names_read(argument)):
            return False
    return False


def _family(expr: gast.AST, facts: Facts):
    """The index in ALIKE of a call `math.sin(atom)`, or None."""
    if not (isinstance(expr, gast.Call) and len(expr.args) == 1 and not expr.keywords and
            isinstance(expr.args[0], (gast.Name, gast.Constant))):
        return None
    func = resolve_dotted(expr.func, facts.resolve)
    return next((index for index, family in enumerate(ALIKE) if any(func is known for known in family)), None)


def _same_atom(a: gast.expr, b: gast.expr) -> bool:
    return _same_name(a, b) or isinstance(a, gast.Constant) and isinstance(b, gast.Constant) and a.value == b.value
