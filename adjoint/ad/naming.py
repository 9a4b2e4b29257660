"""Deterministic, collision-free names: `x -> dx`, temporaries `_t1, _t2`, one counter per prefix."""
from __future__ import annotations

from typing import Callable, Dict, Iterable

import gast

from adjoint import nodes
from adjoint.frontend.parse import parse_function


class Namer:
    """Hands out names that collide neither with the user's names nor with each other."""

    def __init__(self, taken: Iterable[str] = ()):
        self.taken = set(taken)
        self.original = frozenset(self.taken)
        self._counters: Dict[str, int] = {}
        self._adjoints: Dict[str, str] = {}

    def copy(self) -> "Namer":
        """A namer that hands out, from here on, the names this one would, independently of it."""
        copied = Namer()
        copied.taken, copied.original = set(self.taken), self.original
        copied._counters, copied._adjoints = dict(self._counters), dict(self._adjoints)
        return copied

    def reserve(self, names: Iterable[str]) -> None:
        self.taken.update(names)

    def fresh(self, prefix: str) -> str:
        """`_t` -> `_t1`, then `_t2`, ... skipping names already taken."""
        while True:
            count = self._counters.get(prefix, 0) + 1
            self._counters[prefix] = count
            candidate = f"{prefix}{count}"
            if candidate not in self.taken:
                self.taken.add(candidate)
                return candidate

    def exact(self, preferred: str) -> str:
        """`preferred` itself when free, else `preferred_1`, `preferred_2`, ..."""
        candidate = preferred
        count = 0
        while candidate in self.taken:
            count += 1
            candidate = f"{preferred}_{count}"
        self.taken.add(candidate)
        return candidate

    def derivative(self, primal: str) -> str:
        """The derivative variable of `primal` (its adjoint, or its tangent in forward mode):
        `alpha -> dalpha`, `_t1 -> d_t1`."""
        if primal not in self._adjoints:
            self._adjoints[primal] = self.exact("d" + primal)
        return self._adjoints[primal]

    def adjoint_names(self):
        return set(self._adjoints.values())

    def primals(self) -> dict:
        """Each derivative variable's primal name."""
        return {name: primal for primal, name in self._adjoints.items()}

    def has_adjoint(self, primal: str) -> bool:
        return primal in self._adjoints


def function_namer(func_node: gast.FunctionDef) -> Namer:
    """A namer for one function; its parameters' derivative names are fixed first, in order,
    so that a caller can predict them (see derivative_names)."""
    namer = Namer(nodes.all_identifiers(func_node))
    for param in nodes.parameters(func_node):
        namer.derivative(param)
    return namer


def derivative_names(func: Callable) -> Dict[str, str]:
    """param -> the name of its derivative inside the code generated for `func`."""
    func_node = parse_function(func).node
    namer = function_namer(func_node)
    return {param: namer.derivative(param) for param in nodes.parameters(func_node)}
