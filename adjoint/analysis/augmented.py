"""`a op= b` where `a` may hold a NumPy array: the value of Python's in-place operation, not `a op b`'s.

desugar writes `a += b` (and `a[i] += b`, through the item's value) as `a = a + b`, marking
the operator (normalize/augmented.py). On an array the two differ: the in-place operation keeps
the array's dtype (float32 stays float32 under a float64 `b`) and shape, and raises where it
cannot (`a += 0.5` on integers, `a += b` broadcast to a larger shape). Once the kinds are
known, each such operation whose left operand is not known to hold a number, a list or a
record becomes a call of the runtime helper that computes Python's value (runtime/in_place.py)
and has the operator's rules; the derivative is the operator's.

    a = a + x    ->    a = augmented_add(a, x)
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional

import gast

from adjoint import nodes, runtime
from adjoint.analysis.calls import BINARY_OPERATORS
from adjoint.analysis.kinds import UNKNOWN, is_array
from adjoint.frontend.parse import ParsedFunction

# gast's operator -> the runtime helper computing its in-place value (`augmented_add`, ..., `augmented_and`)
HELPERS = {operation: getattr(runtime, "augmented_" + function.__name__.rstrip("_"))
           for operation, function in BINARY_OPERATORS.items()}


def operations_in_place(func_node: gast.FunctionDef, kinds: Dict[str, str]) -> List[gast.Assign]:
    """The assignments `a = a op b` written for `a op= b` whose `a` may hold an array (a list's
    `+=`, which extends it, is analysis/aliases.py's and ad/context.py's)."""
    lists = getattr(kinds, "sometimes_lists", ())
    found = []
    for stmt in nodes.statements(func_node):
        value = getattr(stmt, "value", None)
        if not (isinstance(stmt, gast.Assign) and isinstance(value, gast.BinOp)
                and getattr(value.op, "augmented", False) and isinstance(value.left, gast.Name)):
            continue
        kind = kinds.get(value.left.id, UNKNOWN)
        if (is_array(kind) or kind == UNKNOWN) and value.left.id not in lists:
            found.append(stmt)
    return found


def call_helpers(statements: List[gast.Assign], parsed: ParsedFunction, fresh_name: Callable[[str], str]) -> None:
    """Each statement's operation -> a call of its helper (bound under a fresh name in parsed.namespace)."""
    names: Dict[type, str] = {}
    for stmt in statements:
        operation = type(stmt.value.op)
        if operation not in names:
            helper = HELPERS[operation]
            names[operation] = fresh_name(helper.__name__)
            parsed.namespace[names[operation]] = helper
        call = nodes.call(nodes.name(names[operation]), [stmt.value.left, stmt.value.right])
        stmt.value = nodes.copy_location(call, stmt.value)


def operation_of(func, call: gast.Call) -> Optional[gast.BinOp]:
    """`a op b` for a call `helper(a, b)` of one of HELPERS (None for any other call)."""
    for operation, helper in HELPERS.items():
        if func is helper and len(call.args) == 2:
            return gast.BinOp(left=call.args[0], op=operation(), right=call.args[1])
    return None
