"""Which names may hold a complex value (one np.fft made), and the refusal of what their rules cannot do.

np.fft's transforms make complex values from real ones; any operation with such an operand
may give a complex value, except those whose result is real (np.real, np.imag, np.abs,
np.angle, irfft, comparisons, shapes). The names found so, to a fixed point over every
definition, are `complex_names`. On them only the operations of the complex rule tables
(rules/numpy_complex.py) are differentiated; any other differentiated operation, a complex
value returned, stored into an item, passed to a user function, put into a list or tested is
refused at its line. Example::

    F = np.fft.rfft(x)     # F: complex
    p = np.abs(F)          # real
    q = np.exp(F)          # refused: np.exp has no rule for complex values
"""
from __future__ import annotations

import operator
from typing import FrozenSet, Iterator, Optional, Set

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.analysis.activity import Activity
from adjoint.analysis.calls import CallClassifier, Callee
from adjoint.errors import NonDifferentiableError, UnsupportedSyntaxError
from adjoint.frontend.complex_values import numpy_transform
from adjoint.frontend.parse import ParsedFunction
from adjoint.frontend.resolve import qualified_name
from adjoint.rules.numpy_complex import COMPLEX_ADJOINTS

MAKERS = (np.fft.fft, np.fft.ifft, np.fft.rfft, np.fft.fft2, np.fft.ifft2, np.fft.rfft2, np.fft.fftn,
          np.fft.ifftn, np.fft.rfftn)
REAL_RESULTS = (np.real, np.imag, np.abs, np.absolute, abs, np.angle, np.fft.irfft, np.fft.irfft2, np.fft.irfftn,
                np.shape, np.ndim, np.size, len, runtime.complex_abs_tangent)
# Helpers of derivative code whose result is complex when the argument at this position is.
LIKE_ARGUMENT = {runtime.match_real: 1, runtime.spectral_adjoint: 2, runtime.complex_abs_adjoint: 1,
                 runtime.imag_adjoint: 1, runtime.angle_adjoint: 1, runtime.gradient_like: 1}
# spectral_tangent(name, dx, ...) is complex for these transforms, real for irfft's (whatever dx is).
COMPLEX_TRANSFORMS = ("fft", "ifft", "rfft", "fft2", "ifft2", "rfft2", "fftn", "ifftn", "rfftn")
# An array's attributes that hold real values whatever its dtype (`np.arange(F.size)`).
REAL_ATTRIBUTES = frozenset({"shape", "size", "ndim", "real", "imag"})
CONSTANT_RESULTS = (np.zeros_like, np.ones_like, np.shape, np.ndim, np.size, len)
REAL_INPUTS = (np.fft.rfft, np.fft.rfft2, np.fft.rfftn)
ALLOWED = ("+, -, *, /, ** by a constant, indexing, reshapes and transposes, np.sum, np.mean, np.real, "
           "np.imag, np.abs, np.conj, np.angle and the transforms of np.fft")


def complex_names(parsed: ParsedFunction, classifier: CallClassifier, activity: Activity) -> FrozenSet[str]:
    """The names that may hold a complex value; refuses what cannot be differentiated on them."""
    func_node = parsed.node
    if not any(_makes_complex(node, classifier) for node in nodes.walk(func_node) if isinstance(node, gast.Call)):
        return frozenset()
    found = _fixed_point(func_node, classifier)
    _Refusals(parsed, classifier, activity, found).check(func_node)
    return frozenset(found)


def _makes_complex(call: gast.Call, classifier: CallClassifier) -> bool:
    func = numpy_transform(classifier.classify(call).func)
    return any(func is maker for maker in MAKERS)


def _fixed_point(func_node: gast.FunctionDef, classifier: CallClassifier) -> Set[str]:
    found: Set[str] = set()
    changed = True
    while changed:  # names are only added, so this ends
        changed = False
        for stmt in nodes.statements(func_node):
            for name in _complex_targets(stmt, classifier, found):
                if name not in found:
                    found.add(name)
                    changed = True
    return found


def _complex_targets(stmt: gast.stmt, classifier: CallClassifier, found: Set[str]) -> Iterator[str]:
    """The names stmt may give a complex value (the owner of an item written, a list appended to)."""
    if isinstance(stmt, gast.Assign):
        target = stmt.targets[0]
        owner = target if isinstance(target, gast.Name) else getattr(target, "value", None)
        if isinstance(owner, gast.Name) and _is_complex(stmt.value, classifier, found):
            yield owner.id
    elif isinstance(stmt, gast.For) and isinstance(stmt.target, gast.Name) and _reads(stmt.iter, found):
        yield stmt.target.id
    elif nodes.is_append(stmt) and _reads(stmt.value, found):
        yield stmt.value.func.value.id


def _is_complex(value: gast.expr, classifier: CallClassifier, found: Set[str]) -> bool:
    if isinstance(value, (gast.Compare, gast.BoolOp)) or (isinstance(value, gast.UnaryOp)
                                                          and isinstance(value.op, gast.Not)):
        return False
    if isinstance(value, gast.Attribute) and value.attr in REAL_ATTRIBUTES:
        return False
    func = (numpy_transform(classifier.classify(value).func) if isinstance(value, (gast.Call, gast.BinOp, gast.UnaryOp))
            else None)
    if any(func is maker for maker in MAKERS):
        return True
    if func in LIKE_ARGUMENT:
        like = value.args[LIKE_ARGUMENT[func]] if len(value.args) > LIKE_ARGUMENT[func] else None
        return like is not None and _reads(like, found)
    if func is runtime.spectral_tangent and value.args and isinstance(value.args[0], gast.Constant):
        return value.args[0].value in COMPLEX_TRANSFORMS
    return _reads(value, found) and not any(func is real for real in REAL_RESULTS)


def _reads(node: gast.AST, found: Set[str]) -> bool:
    return any(name in found for name in nodes.names_read(node))


class _Refusals:
    """Refuses, at its line, each use of a complex value adjoint cannot differentiate."""

    def __init__(self, parsed: ParsedFunction, classifier: CallClassifier, activity: Activity, found: Set[str]):
        self.parsed = parsed
        self.classifier = classifier
        self.activity = activity
        self.found = found

    def check(self, func_node: gast.FunctionDef) -> None:
        for stmt in nodes.statements(func_node):
            if not any(name in self.found for name in _own_reads(stmt)):
                continue
            if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
                if self.activity.is_active(stmt.targets[0].id):
                    self._check_value(stmt.value)
            elif isinstance(stmt, gast.Return):
                self._refuse(stmt, "returned", "the functions adjoint differentiates return real values: "
                                               "return its real part, imaginary part or magnitude (np.real, "
                                               "np.imag, np.abs)")
            elif isinstance(stmt, gast.Assign):
                self._refuse(stmt, "written into an item", "build the values as real arrays")
            elif self._inert(stmt):
                continue
            else:
                self._refuse(stmt, "used here", "only the operations on it that np.fft code needs are "
                                                f"differentiated: {ALLOWED}")

    def _inert(self, stmt: gast.stmt) -> bool:
        """A call for its effect that carries no derivative (print, logging) may read a complex value."""
        if not isinstance(stmt, gast.Expr) or not isinstance(stmt.value, gast.Call) or nodes.is_append(stmt):
            return False
        return self.classifier.classify(stmt.value).kind == Callee.NONDIFF

    def _check_value(self, value: gast.expr) -> None:
        if isinstance(value, (gast.Name, gast.Compare, gast.BoolOp)):
            return
        if isinstance(value, (gast.List, gast.Tuple, gast.Dict)):
            self._refuse(value, "put into a container", "keep complex values out of lists, tuples and dicts")
        operation = self.classifier.classify(value)
        func = operation.func
        label = operation.label or (qualified_name(func) if func is not None else type(value).__name__)
        if operation.kind == Callee.USER:
            self._refuse(value, f"passed to the function {qualified_name(func)}",
                         "call it with real values (the real and imaginary parts)")
        if operation.kind == Callee.NONDIFF and any(func is constant for constant in CONSTANT_RESULTS):
            return
        if operation.kind in (Callee.UNKNOWN, Callee.ABSENT):
            return  # refused where its derivative is generated, for want of a rule; raises where reached
        if operation.kind != Callee.RULE or func not in COMPLEX_ADJOINTS:
            raise NonDifferentiableError(
                label, f"`{label}` is not differentiated on complex values (the "
                f"output of np.fft reaches it): adjoint differentiates {ALLOWED} on complex values; take the "
                "real part, imaginary part or magnitude first", self.parsed.info.location(value))
        self._check_operands(value, func)

    def _check_operands(self, value: gast.expr, func) -> None:
        args, _ = nodes.operation_arguments(value)
        if func is operator.pow and not self._constant(args[1]):
            self._refuse(value, "raised to a power, or is one, with a differentiated or complex exponent",
                         "raise it to a constant power, or multiply it by itself")
        if any(numpy_transform(func) is real_input for real_input in REAL_INPUTS) and self._complex_atom(args[0]):
            self._refuse(value, f"transformed by {qualified_name(func)}, which takes real values",
                         "use the complex transform (np.fft.fft, fft2, fftn)")

    def _constant(self, atom: gast.expr) -> bool:
        if isinstance(atom, gast.Constant):
            return True
        return isinstance(atom, gast.Name) and atom.id not in self.found and not self.activity.is_active(atom.id)

    def _complex_atom(self, atom: Optional[gast.expr]) -> bool:
        return isinstance(atom, gast.Name) and atom.id in self.found

    def _refuse(self, node: gast.AST, what: str, hint: str) -> None:
        raise UnsupportedSyntaxError(
            "complex", f"a complex value (from np.fft) is {what}: {hint}", self.parsed.info.location(node))


def _own_reads(stmt: gast.stmt) -> Iterator[str]:
    """The names a statement reads itself: none for a test of `if` or `while` (which branch runs
    has no derivative), the iterable of a `for`."""
    if isinstance(stmt, gast.For):
        return nodes.names_read(stmt.iter)
    if isinstance(stmt, (gast.If, gast.While, gast.With, gast.Try)):
        return iter(())
    return nodes.names_read(stmt)
