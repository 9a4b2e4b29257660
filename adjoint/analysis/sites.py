"""Where names are assigned: a name assigned once, outside loops, never changes after its definition.

The reverse sweep reads primal values; only values that may change between their
definition and that read (assigned more than once, or inside a loop, or mutated) must be
saved on the stack.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Set

import gast

from adjoint.nodes import is_append, is_pop


@dataclass
class Sites:
    counts: Dict[str, int] = field(default_factory=dict)
    in_loop: Set[str] = field(default_factory=set)
    mutated: Set[str] = field(default_factory=set)
    written: Set[str] = field(default_factory=set)  # written through their own name (mutated: also those sharing them)

    def stable(self, identifier: str) -> bool:
        """Assigned exactly once, not in a loop, never written through a subscript or append."""
        return (
            self.counts.get(identifier, 0) <= 1
            and identifier not in self.in_loop
            and identifier not in self.mutated
        )

    def _add(self, identifier: str, looping: bool) -> None:
        self.counts[identifier] = self.counts.get(identifier, 0) + 1
        if looping:
            self.in_loop.add(identifier)


def assignment_sites(func_node: gast.FunctionDef) -> Sites:
    sites = Sites()
    for arg in func_node.args.args + func_node.args.kwonlyargs:
        sites._add(arg.id, False)
    _visit(func_node.body, sites, False)
    return sites


def _visit(stmts, sites: Sites, looping: bool) -> None:
    for stmt in stmts:
        if isinstance(stmt, gast.Assign):
            target = stmt.targets[0]
            if isinstance(target, gast.Name):
                sites._add(target.id, looping)
                if is_pop(stmt.value):
                    sites.mutated.add(stmt.value.func.value.id)
            elif isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
                sites.mutated.add(target.value.id)
        elif is_append(stmt):
            sites.mutated.add(stmt.value.func.value.id)
        elif isinstance(stmt, gast.For):
            sites._add(stmt.target.id, True)
            _visit(stmt.body, sites, True)
        elif isinstance(stmt, gast.While):
            _visit(stmt.body, sites, True)
        elif isinstance(stmt, gast.If):
            _visit(stmt.body, sites, looping)
            _visit(stmt.orelse, sites, looping)
