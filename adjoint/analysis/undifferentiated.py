"""Arguments a rule leaves out though the value moves with them: refused where they are differentiated.

A rule differentiates the parameters it writes `d[p]` for; the others carry no derivative (a
shape, an axis, an index). A few of those are real numbers the value depends on smoothly (the
order of a Bessel function, np.interp's period, np.cov's second set of variables): their
rules leave them out (rules/table.py: not_differentiated), and a call whose result reaches the
output, given there a value that depends on the differentiated inputs, would have a derivative
silently missing that part. It is refused at its line.

The bitwise operators carry no derivative either (they combine integers and truth values), but
of dicts and sets they merge values: `p | {"y": 1.0}` of a differentiated p would lose p's
derivative. Such an operand is refused at its line, or checked when the derivative runs where
its kind is not known. So is an argument of `dict(...)`, differentiated as the copy of a dict,
that is something else (a list of pairs).
"""
from __future__ import annotations

from typing import Dict

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.analysis.activity import Activity
from adjoint.analysis.calls import Callee, CallClassifier
from adjoint.analysis.guards import Guards
from adjoint.analysis.kinds import MAPPING, SCALAR, UNKNOWN, is_array
from adjoint.normalize.desugar import ARRAY_METHODS
from adjoint.errors import NonDifferentiableError
from adjoint.frontend.parse import ParsedFunction, SourceInfo
from adjoint.rules.table import UNDIFFERENTIATED
from adjoint.frontend.names import module_of


# What to write instead, where a constant is not the way out: np.einsum(a, [0, 1], b, [1, 2]) puts an
# operand where the subscripts are.
HINTS = {"subscripts": "write the subscripts as a string (np.einsum('ij,jk->ik', a, b)), not in the operand, "
                       "axes form"}


def refuse_undifferentiated_arguments(func_node: gast.FunctionDef, activity: Activity, classifier: CallClassifier,
                                      info: SourceInfo) -> None:
    """Raise NonDifferentiableError at `t = f(...)`, t reaching the output, where an argument f's
    rules do not differentiate depends on the differentiated inputs."""
    for stmt in nodes.statements(func_node):
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
                and isinstance(stmt.value, gast.Call) and stmt.targets[0].id in activity.useful):
            continue
        operation = classifier.classify(stmt.value)
        params = UNDIFFERENTIATED.of(operation.func) if operation.kind == Callee.RULE else ()
        template = classifier.template(operation.func) if params else None
        bindings = template.bind(*nodes.operation_arguments(stmt.value)) if template is not None else None
        for param in params if bindings is not None else ():
            if param in bindings and any(name in activity.varied for name in nodes.names_read(bindings[param])):
                raise NonDifferentiableError(
                    operation.label, f"`{operation.label}` is not differentiated with respect to its argument "
                    f"`{param}`, which depends on the differentiated inputs here; " + HINTS.get(param, (
                        "pass a constant there (or wrap it in adjoint.stop_gradient if its derivative is not "
                        "wanted)")), info.location(stmt))


# `|`, `&`, `^`, `<<`, `>>` and `~` are of integers and truth values (no derivative), and of dicts and
# sets: `p | {"y": 1.0}` merges dicts, whose values the derivative would lose.
_BITWISE = (gast.BitOr, gast.BitAnd, gast.BitXor, gast.LShift, gast.RShift, gast.Invert)
_MESSAGE = ("a bitwise operator (`|`, `&`, `^`, `<<`, `>>`, `~`) of {what} that depends on the differentiated "
            "inputs is not differentiated: of dicts or sets it merges values whose derivative would be lost; "
            "copy the dict and write the items (`q = dict(p); q[\"y\"] = 1.0`)")


def bitwise_guards(parsed: ParsedFunction, kinds: Dict[str, str], activity: Activity) -> Guards:
    """`t = a | b` (or &, ^, <<, >>, ~), t reaching the output, with an operand that depends on the
    differentiated inputs: refused here where the operand is known to be a container (a dict, a
    list, a record), and checked when the derivative runs where its kind is not known (a dict
    or a set is refused then; a number or an array of bits passes, with no derivative)."""
    guards: Guards = {}
    for stmt in _useful_assignments(parsed, activity):
        if not (isinstance(stmt.value, (gast.BinOp, gast.UnaryOp)) and isinstance(stmt.value.op, _BITWISE)):
            continue
        for name in nodes.names_read(stmt.value):
            kind = kinds.get(name, UNKNOWN)
            if name not in activity.varied or kind == SCALAR or is_array(kind):
                continue
            if kind != UNKNOWN:
                raise NonDifferentiableError("operator", _MESSAGE.format(what="a container"),
                                             parsed.info.location(stmt))
            guards.setdefault(stmt, []).append((name, _MESSAGE.format(what="a dict or a set"),
                                                parsed.info.location(stmt)))
    return guards


_COPY = ("`dict(...)` is differentiated as the copy of a dict, and {what}, which depends on the differentiated "
         "inputs, is not one; build the dict as a literal (`{{key: value, ...}}`)")


def copy_guards(parsed: ParsedFunction, kinds: Dict[str, str], activity: Activity,
                classifier: CallClassifier) -> Guards:
    """`t = dict(a)`, t reaching the output, differentiated as the copy of the dict a: refused here
    where a, depending on the differentiated inputs, is known to be something else (a list of
    pairs), checked when the derivative runs where a's kind is not known."""
    guards: Guards = {}
    for stmt in _useful_assignments(parsed, activity):
        if not (isinstance(stmt.value, gast.Call) and classifier.classify(stmt.value).func is dict):
            continue
        for name in [argument.id for argument in stmt.value.args if isinstance(argument, gast.Name)]:
            kind = kinds.get(name, UNKNOWN)
            if name not in activity.varied or kind == MAPPING:
                continue
            if kind != UNKNOWN:
                raise NonDifferentiableError("dict", _COPY.format(what="its argument"), parsed.info.location(stmt))
            guards.setdefault(stmt, []).append((name, _COPY.format(what="its argument here"),
                                                parsed.info.location(stmt)))
    return guards


# NumPy's functions that stand for array methods call the method of an object that is not an array
# (np.sum(p) is p.sum() for a p with a `sum` method): `p.sum()` of a NamedTuple whose `sum` is its own
# would be differentiated as NumPy's sum. `x.sum()` is np.sum(x) after normalize/desugar.py.
_DISPATCHING = {getattr(np, name) for name in set(ARRAY_METHODS.values())
                - {"copy", "ravel", "dot", "diagonal", "trace"}}
_DISPATCH = ("`{name}` here calls the method `{name}` of {what}, which adjoint would differentiate as NumPy's "
             "`np.{name}` (or an array's copy); give the method another name, or write what it computes out here")


def method_guards(parsed: ParsedFunction, kinds: Dict[str, str], activity: Activity,
                  classifier: CallClassifier) -> Guards:
    """`t = np.sum(v, ...)` (or `v.sum(...)`), t reaching the output, where v, depending on the
    differentiated inputs, is not known to be a number or an array: checked when the derivative
    runs that NumPy does not hand the call to a method of v's own class (a NamedTuple's `sum`), nor
    make v an array by its class's `__array__` (any NumPy function given v first)."""
    guards: Guards = {}
    numeric = _numeric_names(parsed, classifier)
    for stmt in _useful_assignments(parsed, activity):
        if not (isinstance(stmt.value, gast.Call) and stmt.value.args and isinstance(stmt.value.args[0], gast.Name)):
            continue
        func = classifier.classify(stmt.value).func
        receiver = stmt.value.args[0].id
        kind = kinds.get(receiver, UNKNOWN)
        if receiver not in activity.varied or kind == SCALAR or is_array(kind) or receiver in numeric:
            continue
        if any(func is known for known in _DISPATCHING | {runtime.copied}):
            name = "copy" if func is runtime.copied else func.__name__
            guards.setdefault(stmt, []).append(((receiver, nodes.constant(name)),
                                                _DISPATCH.format(name=name, what="a value of its own class"),
                                                parsed.info.location(stmt)))
        elif module_of(func).startswith("numpy"):
            guards.setdefault(stmt, []).append(((receiver, nodes.constant("__array__")), _CONVERTED,
                                                parsed.info.location(stmt)))
    return guards


_CONVERTED = ("NumPy's function here makes an array of a value whose class defines `__array__` in Python, which "
              "NumPy calls and adjoint does not follow (it would differentiate the value's fields as the array); "
              "pass the array itself, or write what `__array__` computes out here")


def _numeric_names(parsed: ParsedFunction, classifier: CallClassifier) -> set:
    """The names every definition of which is arithmetic, a call of NumPy or `math` (numbers and
    arrays, whatever the operands' kinds), of a SciPy function with a rule (its numbers), or a
    slice (of an array an array, of a tuple a tuple)."""
    numeric, other = set(), set()
    for stmt in nodes.statements(parsed.node):
        name = nodes.assigned_name(stmt)
        if name is None:
            continue
        value = stmt.value
        func = classifier.classify(value).func if isinstance(value, gast.Call) else None
        module = module_of(func)
        sliced = isinstance(value, gast.Subscript) and any(isinstance(part, gast.Slice)
                                                           for part in nodes.walk(value.slice))
        made = sliced or isinstance(value, (gast.BinOp, gast.UnaryOp)) or isinstance(func, np.ufunc) or \
            module == "math" or (module.startswith("numpy") and not any(func is known for known in _DISPATCHING)) or \
            (module.startswith(("scipy.special", "scipy.stats")) and classifier.classify(value).kind == Callee.RULE)
        (numeric if made else other).add(name)
    return numeric - other


def _useful_assignments(parsed: ParsedFunction, activity: Activity):
    """The statements `t = ...` whose t reaches the output."""
    for stmt in nodes.statements(parsed.node):
        if (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
                and stmt.targets[0].id in activity.useful):
            yield stmt
