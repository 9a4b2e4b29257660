"""Markers that user code writes and the transformer interprets (`insert_grad_of`, `checkpointed`).

`checkpointed` is defined in adjoint.runtime: the step function of a loop holding a nested
checkpointed loop calls it at run time, and standalone modules copy it from there.
"""
from __future__ import annotations

from adjoint.runtime import checkpointed, zeros_like

__all__ = ["checkpointed", "insert_grad_of"]


class insert_grad_of:  # noqa: N801  (used like a function: `with adjoint.insert_grad_of(x) as dx:`)
    """`with insert_grad_of(x) as dx:` runs its block in the backward pass on x's adjoint.

    Run as plain Python (not differentiated) the block sees a zero adjoint.
    """

    def __init__(self, value):
        self.value = value

    def __enter__(self):
        return zeros_like(self.value)

    def __exit__(self, *exc_info):
        return False
