"""The `# Grad of:` comments stand aside while the passes run: no pass reads them.

A comment heads the statements after it in its block, up to the next comment. `detach` takes
the comments out of their blocks and marks each statement with the number of the comment
heading it; `attach` puts each comment back before the first statement left of those it
headed (none left: the comment goes, as codegen drops a comment with no code after it). The
passes delete statements and rewrite them in place but never reorder them, so the comments
come back where they stood. A third of the statements of a reverse-mode derivative are
comments; every pass would otherwise step over them, round after round.
"""
from __future__ import annotations

from typing import List

import gast

from adjoint import nodes

_HEADED_BY = "adjoint_comment"  # the attribute holding the number of the comment heading a statement


def detach(tree: gast.FunctionDef) -> List[gast.stmt]:
    """Take the comments out of tree's blocks (an emptied block holds `pass`); the comments, by number."""
    comments: List[gast.stmt] = []
    for block in list(nodes.blocks(tree)):
        kept = []
        heading = None
        for stmt in block:
            if nodes.is_comment(stmt):
                heading = len(comments)
                comments.append(stmt)
                continue
            if heading is not None:
                setattr(stmt, _HEADED_BY, heading)
            kept.append(stmt)
        block[:] = kept or [gast.Pass()]
    return comments


def attach(tree: gast.FunctionDef, comments: List[gast.stmt]) -> None:
    """Put back what `detach` took out, each comment before the first statement it still heads."""
    for block in list(nodes.blocks(tree)):
        placed = []
        heading = None
        for stmt in block:
            number = stmt.__dict__.pop(_HEADED_BY, None)
            if number is not None and number != heading:
                placed.append(comments[number])
                heading = number
            placed.append(stmt)
        block[:] = placed
