"""Arithmetic on an object whose class defines the operator in Python: checked when the derivative runs.

The derivative of `a + b` (`-`, `*`, `/`, `//`, `%`, `**`, `@`, unary `-` and `+`, `abs(a)`, `float(a)`,
`pow(a, b)`, `operator.add(a, b)`, ...) is that of numbers and arrays, or of joined lists and tuples, and
that of `a[i]` the item's of a list, a tuple or an array. Python calls the operands' own methods instead where their
class defines them (a dataclass's `__add__`, a NamedTuple's `__mul__`): the derivative would follow
arithmetic on the fields where the method does something else. normalize/record_operators.py calls
the method where it knows the record's class; where an operand that depends on the differentiated
inputs is of a kind not known to be a number or an array (an item of a list of records, what a user
function returns, a record made in a loop, a NamedTuple rebound by `p *= k`, which is a tuple's kind),
in a function where records are in play (or what a function of the user's returns), a check
before the statement refuses, at the user's line, an object whose class defines the operator as a
Python function. In code generated without example arguments (`adjoint gen`), a parameter may hold
anything: records are in play there too where the function's module holds a class defining an operator.
"""
from __future__ import annotations

import inspect
import math
import operator
from typing import Dict, Set

import gast

from adjoint import nodes, runtime
from adjoint.analysis.activity import Activity
from adjoint.analysis.calls import CallClassifier, Callee
from adjoint.analysis.guards import Guards
from adjoint.analysis.item_writes import root_name
from adjoint.analysis.kinds import CONTAINER, RECORD, UNKNOWN
from adjoint.frontend.parse import ParsedFunction

DUNDERS = {gast.Add: "add", gast.Sub: "sub", gast.Mult: "mul", gast.Div: "truediv", gast.FloorDiv: "floordiv",
           gast.Mod: "mod", gast.Pow: "pow", gast.MatMult: "matmul", gast.USub: "neg", gast.UAdd: "pos"}
_MESSAGE = ("`{symbol}` here is differentiated as arithmetic on numbers and arrays, and an operand is an object "
            "whose class defines `__{name}__` in Python, which Python calls instead; call the method by name "
            "(`a.__{name}__(b)`) on a record whose class is known, or write the arithmetic on its fields")
# Functions whose result is the operator's on their arguments (the builtins call the argument's method;
# list(), tuple(), sum(), sorted(), max(), min() and math.fsum() its `__iter__`).
FUNCTIONS = ((abs, "abs"), (float, "float"), (pow, "pow"), (operator.abs, "abs"), (operator.neg, "neg"),
             *((func, "iter") for func in (list, tuple, sum, sorted, max, min, math.fsum)),
             (operator.pos, "pos"), *((getattr(operator, name), name) for name in
                                      ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul")))
_ITERATED = ("this call is differentiated as reading the items of a list, a tuple or an array, and its argument is "
             "an object whose class defines `__iter__` in Python, which Python iterates instead; list the values it "
             "yields by name (`[p.y, 2.0 * p.x]`)")
_ITEM = ("this item is differentiated as one of a list, a tuple or an array, and the value indexed is an object "
         "whose class defines `__getitem__` in Python, which Python calls instead; call the method by name "
         "(`p.__getitem__(i)`) on a record whose class is known, or read its fields")
_SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "truediv": "/", "floordiv": "//", "mod": "%", "pow": "**",
            "matmul": "@", "neg": "-", "pos": "+"}


def arithmetic_guards(parsed: ParsedFunction, kinds: Dict[str, str], activity: Activity,
                      classifier: CallClassifier, without_values: bool = False) -> Guards:
    """`t = a op b`, `t = -a` or a call of a function doing that (`abs`, `float`, `pow`, `operator.add`), t
    reaching the output, with an operand of a kind not known (or a record's, or a tuple's) that depends on the
    differentiated inputs: checked by runtime.arithmetic_operand_or_refuse."""
    guards: Guards = {}
    in_play = _records_in_play(parsed, kinds) or without_values and _operator_classes_in_sight(parsed)
    returned = set() if in_play else _user_results(parsed, classifier)
    if not (in_play or returned):
        return guards
    for stmt in nodes.statements(parsed.node):
        value = getattr(stmt, "value", None)
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
                and stmt.targets[0].id in activity.useful):
            continue
        name, operands = _operation(value, classifier)
        for operand in operands:
            kind = kinds.get(operand.id, UNKNOWN) if isinstance(operand, gast.Name) else None
            if kind is not None and operand.id in activity.varied and (  # (a NamedTuple's kind is a tuple's)
                    in_play and kind in (UNKNOWN, RECORD, CONTAINER) or operand.id in returned and kind in (RECORD, CONTAINER)):
                message = _ITERATED if name == "iter" else _ITEM if name == "getitem" else _MESSAGE.format(
                    symbol=_SYMBOLS.get(name, f"{name}(...)"), name=name)
                guards.setdefault(stmt, []).append(((operand.id, nodes.constant(name)), message,
                                                    parsed.info.location(stmt)))
    return guards


def _records_in_play(parsed: ParsedFunction, kinds: Dict[str, str]) -> bool:
    """Whether a value of the function may be a record: a name of a record's kind, a record class the
    function knows of (a parameter's, a list's items'), or records it builds. Elsewhere (code of numbers
    and arrays, of parameters of kinds not known) no operand is checked."""
    return (RECORD in kinds.values() or bool(parsed.classes)
            or any(value is runtime.make_record or value is runtime.updated_record for value in parsed.namespace.values()))


def _operator_classes_in_sight(parsed: ParsedFunction) -> bool:
    """Whether the function's module holds a class defining an operator as a Python function (whose
    objects a parameter of unknown kind may hold)."""
    names = {*DUNDERS.values(), *(name for _, name in FUNCTIONS)}
    return any(isinstance(value, type) and any(inspect.isfunction(getattr(value, f"__{prefix}{name}__", None))
                                               for name in names for prefix in ("", "r", "i"))
               for value in list(getattr(parsed.func, "__globals__", {}).values()))


def _user_results(parsed: ParsedFunction, classifier: CallClassifier) -> Set[str]:
    """The names assigned what a function of the user's returns (which may be a record whatever this
    function does with records), an item or an attribute of it, or a copy: checked where they are of a
    container's or a record's kind (an item of a kind not known, a number as often as not, is not)."""
    assigned = [(stmt.targets[0].id, stmt.value) for stmt in nodes.statements(parsed.node)
                if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)]
    found = {name for name, value in assigned
             if isinstance(value, gast.Call) and classifier.classify(value).kind == Callee.USER}
    while True:
        more = {name for name, value in assigned if name not in found and root_name(value) in found}
        if not more:
            return found
        found |= more


def _operation(value: gast.expr, classifier: CallClassifier):
    """(the method's name, the operands) of `a op b`, `op a`, `a[i]` or a call of FUNCTIONS; (None, []) else."""
    if isinstance(value, gast.Subscript):
        return "getitem", [value.value]
    if isinstance(value, (gast.BinOp, gast.UnaryOp)) and type(value.op) in DUNDERS:
        return DUNDERS[type(value.op)], [value.left, value.right] if isinstance(value, gast.BinOp) else [value.operand]
    func = classifier.classify(value).func if isinstance(value, gast.Call) and not value.keywords else None
    name = next((name for known, name in FUNCTIONS if func is known), None)
    return (name, value.args) if name is not None else (None, [])
