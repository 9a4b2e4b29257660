"""Known numbers: the adjoint of a compiler temporary set once, at the top level, to a number.

`d_t9 = 1.0; dy = d_t9 * x` becomes `dy = 1.0 * x`: that adjoint (the seed of an output that is
not one of the user's names) is that number wherever it is read after. A user's seed
(`dz = 1.0`) stays, as the specification shows it. One walk over the function's top level.

Before::

    d_t9 = 1.0
    dy = d_t9 * x
    return dy

After::

    d_t9 = 1.0
    dy = 1.0 * x
    return dy
"""
from __future__ import annotations

from collections import Counter
from typing import Optional, Set

import gast

from adjoint import nodes
from adjoint.optimize.facts import Facts
from adjoint.optimize.statements import reports_changes


class _Numbers(nodes.Transformer):
    def __init__(self, numbers):
        self.numbers = numbers
        self.changed = False

    def visit_Name(self, node):
        if isinstance(node.ctx, gast.Load) and node.id in self.numbers:
            self.changed = True
            return nodes.constant(self.numbers[node.id])
        return node


def _is_number(expr: gast.expr) -> bool:
    return isinstance(expr, gast.Constant) and type(expr.value) in (int, float)


def _number_assigned(stmt: gast.stmt, facts: Facts, parameters) -> Optional[str]:
    """d_t for `d_t = 1.0`, where d_t is the adjoint of a temporary (not a parameter); else None."""
    if stmt.__class__ is gast.Assign and stmt.targets[0].__class__ is gast.Name and _is_number(stmt.value):
        name = stmt.targets[0].id
        if name in facts.adjoint_names and facts.is_temporary(name) and name not in parameters and \
                not (name in facts.zero_shapes and stmt.value.value == 0):  # known zeros place those
            return name
    return None


def _may_be_stored_once(names: Set[str], tree: gast.FunctionDef, facts: Facts) -> bool:
    """Whether one of these names may be stored only once: each assignment of a name stores it,
    so a name assigned twice is stored twice at least (told without the counts of names, which
    ask every statement changed since they were made to be walked again)."""
    assigned = Counter(map(nodes.assigned_name, facts.unchanged.every_statement(tree)))
    return any(assigned[name] < 2 for name in names)


@reports_changes
def run(tree: gast.FunctionDef, facts: Facts) -> bool:
    """Replace reads of temporaries' adjoints known to hold a number by that number. Without such
    an assignment at the top level, of a name that may be stored only there, there is nothing to
    replace (a replacement can make one), and the names' counts are not asked for."""
    parameters = {arg.id for arg in tree.args.args + tree.args.kwonlyargs}
    assigning = {_number_assigned(stmt, facts, parameters) for stmt in tree.body} - {None}
    if not assigning or not _may_be_stored_once(assigning, tree, facts):
        return False
    _, stores = facts.unchanged.counts(tree)
    numbers, changed = {}, False
    tree_facts = facts.unchanged.statements()
    for stmt in tree.body:
        if numbers and not numbers.keys().isdisjoint(tree_facts.of(stmt)[0]):  # reads one of the numbers
            replace = _Numbers(numbers)
            replace.visit(stmt)
            if replace.changed:
                tree_facts.forget(stmt)
                changed = True
        name = _number_assigned(stmt, facts, parameters)
        if name is not None and stores[name] == 1:
            numbers[name] = stmt.value.value
    return changed
