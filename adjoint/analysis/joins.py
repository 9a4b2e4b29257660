"""`a + b` where b is a list or tuple and a is not known to be one, though it sometimes is.

Python joins two lists (or two tuples) with `+`, and adds a list to an array as numbers. Where
one operand is known to be a list or tuple and the other's kind is not known, but some
definition of that name gives a list or tuple, the `+` is differentiated as joining (the rules
of runtime.list_concat), and a check before the statement refuses, when the derivative runs,
a value that is not a list or tuple after all. This is what derivative code that saves and
restores a list (`t = _stack.pop()`, of no known kind) needs when it is differentiated again:
taken for numbers, the adjoint of the join was summed onto the shorter list.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple

import gast

from adjoint import nodes
from adjoint.analysis.kinds import CONTAINER, UNKNOWN
from adjoint.errors import Location
from adjoint.frontend.parse import ParsedFunction


def joined_at_run_time(value: gast.expr, kinds: Dict[str, str]) -> Optional[str]:
    """The operand of `value`, `a + b`, whose kind is not known while the other's is a list or
    tuple, when some definition of it gives a list or tuple; None for any other expression."""
    if not (isinstance(value, gast.BinOp) and isinstance(value.op, gast.Add)):
        return None
    sometimes = getattr(kinds, "sometimes_lists", ())
    for operand, other in ((value.left, value.right), (value.right, value.left)):
        if (isinstance(operand, gast.Name) and isinstance(other, gast.Name) and operand.id in sometimes
                and kinds.get(operand.id, UNKNOWN) == UNKNOWN and kinds.get(other.id) == CONTAINER):
            return operand.id
    return None


def join_guards(parsed: ParsedFunction, kinds: Dict[str, str]) -> Dict[gast.stmt, List[Tuple[str, str, Location]]]:
    """For analysis.guards.insert_guards: each `x = a + b` that joined_at_run_time takes for a join,
    with a check that its operand of unknown kind is a list or tuple."""
    guards: Dict[gast.stmt, List[Tuple[str, str, Location]]] = {}
    if not getattr(kinds, "sometimes_lists", None):
        return guards
    for stmt in nodes.statements(parsed.node):
        if isinstance(stmt, gast.Assign):
            name = joined_at_run_time(stmt.value, kinds)
            if name is not None:
                message = (f"`{name} + ...` was differentiated as joining two lists or tuples (`{name}` holds one "
                           f"where it is assigned elsewhere), but `{name}` holds something else here; adjoint does "
                           "not differentiate `+` of an array and a list: make both arrays (np.array(...)) or both lists")
                guards.setdefault(stmt, []).append((name, message, parsed.info.location(stmt)))
    return guards
