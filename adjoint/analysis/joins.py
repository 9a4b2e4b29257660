"""`a + b` of lists or tuples whose kinds are not known, though each sometimes holds one.

Python joins two lists (or two tuples) with `+`, and adds a list to an array as numbers. Where
each operand is known to be a list or tuple, or is a name of no known kind some definition of
which gives a list or tuple, the `+` is differentiated as joining (the rules of
runtime.list_concat), and a check before the statement refuses, when the derivative runs, an
operand of unknown kind that is not a list or tuple after all. This is what derivative code
that saves and restores a list (`t = _stack.pop()`, of no known kind) needs when it is
differentiated again: taken for numbers, the adjoint of the join was summed onto the shorter
list, or refused when the derivative ran.
"""
from __future__ import annotations

from typing import Dict, List, Tuple

import gast

from adjoint import nodes
from adjoint.analysis.kinds import CONTAINER, UNKNOWN
from adjoint.errors import Location
from adjoint.frontend.parse import ParsedFunction


def joined_at_run_time(value: gast.expr, kinds: Dict[str, str]) -> Tuple[str, ...]:
    """The operands of `value`, `a + b`, whose kind is not known though some definition of each
    gives a list or tuple, when the other operand is one too (known, or such a name); () for any
    other expression."""
    if not (isinstance(value, gast.BinOp) and isinstance(value.op, gast.Add)
            and isinstance(value.left, gast.Name) and isinstance(value.right, gast.Name)):
        return ()
    sometimes = getattr(kinds, "sometimes_lists", ())
    operands = (value.left.id, value.right.id)
    unknown = tuple(name for name in operands if kinds.get(name, UNKNOWN) == UNKNOWN and name in sometimes)
    known = [name for name in operands if kinds.get(name) == CONTAINER]
    return unknown if unknown and len(unknown) + len(known) == 2 else ()


def join_guards(parsed: ParsedFunction, kinds: Dict[str, str]) -> Dict[gast.stmt, List[Tuple[str, str, Location]]]:
    """For analysis.guards.insert_guards: each `x = a + b` that joined_at_run_time takes for a join,
    with a check that each operand of unknown kind is a list or tuple."""
    guards: Dict[gast.stmt, List[Tuple[str, str, Location]]] = {}
    if not getattr(kinds, "sometimes_lists", None):
        return guards
    for stmt in nodes.statements(parsed.node):
        for name in joined_at_run_time(stmt.value, kinds) if isinstance(stmt, gast.Assign) else ():
            message = (f"`+` here was differentiated as joining two lists or tuples (`{name}` holds one where it "
                       f"is assigned elsewhere), but `{name}` holds something else here; adjoint does not "
                       "differentiate `+` of an array and a list: make both arrays (np.array(...)) or both lists")
            guards.setdefault(stmt, []).append((name, message, parsed.info.location(stmt)))
    return guards
