"""Arguments a rule leaves out though the value moves with them: refused where they are differentiated.

A rule differentiates the parameters it writes `d[p]` for; the others carry no derivative (a
shape, an axis, an index). A few of those are real numbers the value depends on smoothly (the
order of a Bessel function, np.interp's period, np.cov's second set of variables): their
rules leave them out (rules/table.py: not_differentiated), and a call whose result reaches the
output, given there a value that depends on the differentiated inputs, would have a derivative
silently missing that part. It is refused at its line.
"""
from __future__ import annotations

import gast

from adjoint import nodes
from adjoint.analysis.activity import Activity
from adjoint.analysis.calls import Callee, CallClassifier
from adjoint.errors import NonDifferentiableError
from adjoint.frontend.parse import SourceInfo
from adjoint.rules.table import UNDIFFERENTIATED


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
