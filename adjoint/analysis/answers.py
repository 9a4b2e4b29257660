"""Which answers about callees a generation may take for a recomputation (pipeline.Generation)."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Tuple


class Answers:
    """Which answers about callees a generation may take for a recomputation.

    callee_kind, callee_facts and residual_facts answer each question once (a question: a kind of
    answer and its key) and keep the answer. A question asked again while it is being answered
    (a recursive function) gets a placeholder; an answer computed while a placeholder was given
    out may differ from the one computed later, once the placeholder's question has its answer.
    Any other answer is *final*: its every sub-question had a kept answer that no longer changes,
    so computed again it comes out the same. Only a final answer, and a reading of a callee made
    for a final answer, may stand in for work another question would do itself.
    """

    def __init__(self):
        self.open: set = set()  # questions being answered
        self.placeholders = 0  # placeholders given out so far
        self.final: set = set()
        self.unsettled: set = set()

    @contextmanager
    def answering(self, question: Tuple):
        self.open.add(question)
        given = self.placeholders
        try:
            yield
        finally:
            self.open.discard(question)
            if self.placeholders == given and question not in self.unsettled:
                self.final.add(question)

    def unsettle(self, question: Tuple) -> None:
        """The open question's answer is made from one that may not be final."""
        self.unsettled.add(question)

    def asked(self, question: Tuple) -> None:
        """A kept answer is read: a placeholder while its question is open."""
        if question in self.open:
            self.placeholders += 1
