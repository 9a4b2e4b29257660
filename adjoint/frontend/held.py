"""One walk of a whole function, shared by the questions a stretch of the compiler asks of it.

Normalization and analysis ask many questions of the whole function (its calls, the names it
assigns, whether it holds a loop or a lambda), each with a walk of every node: a quarter of a
millisecond apiece for 50 lines. While a stretch only reads the tree, `held_still(tree)` keeps
one walk of it, which nodes.walk(tree) and nodes.every_node(tree) give back (nodes.HELD_STILL), and
one list of its statements, which nodes.statements(tree) gives back. A
pass of the stretch that changes the tree lets it go first (`let_go(tree)`): the walks after that
are fresh. A pass that changes only the node its walk has just given (the walk found that node's
children before giving it) walks the same nodes either way.

With ADJOINT_CHECK_HOLDS set (the test suite sets it), the end of a stretch checks that the tree
is still the one walked: a change made without `let_go` is an error there, not a wrong answer.
"""
from __future__ import annotations

import os
from contextlib import contextmanager

import gast

from adjoint import nodes

_CHECK = bool(os.environ.get("ADJOINT_CHECK_HOLDS"))


class ChangedWhileHeld(AssertionError):
    """A stretch changed a tree it held still without letting it go."""


@contextmanager
def held_still(tree: gast.AST):
    """The stretch inside reads `tree` (see the module); one already holding it goes on doing so."""
    held = nodes.HELD_STILL.get(id(tree))
    if held is not None and held[0] is tree:
        yield
        return
    nodes.HELD_STILL[id(tree)] = held = (tree, nodes.every_node(tree), {})  # (and what is listed once: statements)
    try:
        yield
    finally:
        still = nodes.HELD_STILL.get(id(tree)) is held
        if still:
            del nodes.HELD_STILL[id(tree)]
    if still and _CHECK and list(map(id, nodes.every_node(tree))) != list(map(id, held[1])):
        raise ChangedWhileHeld(f"the tree of {getattr(tree, 'name', tree)} changed while it was held still")


def let_go(tree: gast.AST) -> None:
    """`tree` is about to change: its walks are made afresh from now on."""
    held = nodes.HELD_STILL.get(id(tree))
    if held is not None and held[0] is tree:
        del nodes.HELD_STILL[id(tree)]
