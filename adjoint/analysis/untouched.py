"""Functions the in-place checks of analysis/aliases.py have nothing to look at.

Those checks look at writes in place (`c[i] = v`, `c.append(v)`, `c.pop()`, `c += v` on a
value that is not a number), calls made for their effect and calls of user functions; the
facts they read (which names may share memory at each statement, which are live after it)
walk the whole function, a tenth of its analysis. A function made only of assignments of a
value to a name, none of them a call of a user function or a pop (in its ifs and loops too),
that rebinds no name or item in place, has nothing to check: its aliases are empty.

Building those facts anyway would change nothing else: they ask the call classifier only about
the values of the function's assignments, which the activity analysis asked about before
(the same classifier, which notes the rules and dependencies it finds the first time).
"""
from __future__ import annotations

import gast

from adjoint import nodes
from adjoint.analysis.calls import CallClassifier, Callee
from adjoint.analysis.hidden_effects import candidates
from adjoint.analysis.writes import writes_its_operands
from adjoint.frontend.parse import ParsedFunction

_COMPOUND = (gast.If, gast.For, gast.While)  # their statements are looked at one by one


def nothing_in_place(parsed: ParsedFunction, classifier: CallClassifier) -> bool:
    """Whether parsed's normalized function writes nothing in place and calls no user function
    and nothing for its effect (see the module)."""
    if parsed.in_place or parsed.item_updates:  # (an item update stores into c[k] too: refused below)
        return False
    local_names = classifier.local_names
    for stmt in nodes.statements(parsed.node):
        if next(candidates(parsed, classifier, local_names, stmt), None) is not None:
            return False
        if isinstance(stmt, _COMPOUND) or isinstance(stmt, gast.Return) and isinstance(stmt.value, gast.Name):
            continue
        if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)):
            return False
        value = stmt.value
        if nodes.is_pop(value) or isinstance(value, gast.Call) and (
                classifier.classify(value).kind == Callee.USER or writes_its_operands(value, classifier)):
            return False
    return True
