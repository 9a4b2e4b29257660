"""Markers that user code writes and the transformer interprets (`insert_grad_of`, `checkpointed`,
`checkpoint`).

`checkpointed` is defined in adjoint.runtime: the step function of a loop holding a nested
checkpointed loop calls it at run time, and standalone modules copy it from there.
"""
from __future__ import annotations

from typing import Callable, TypeVar

from adjoint.frontend.parse import unwrap
from adjoint.runtime import checkpointed, zeros_like

__all__ = ["checkpoint", "checkpointed", "insert_grad_of"]

RECOMPUTE = "__adjoint_recompute__"
RECOMPUTED = "_recomputed_print"  # the keyword by which a caller gives such a function's vjp the fingerprint of its value
LOOP_STEP = "loop step"  # RECOMPUTE's value on the step function of a loop marked checkpointed (run again too)
F = TypeVar("F", bound=Callable)


def checkpoint(func: F) -> F:
    """`@adjoint.checkpoint` on a function: reverse-mode derivatives of its callers keep none
    of its intermediate values and run it a second time in the backward pass instead.

    A called function otherwise runs once: its forward half keeps what its backward half
    reads. Marking it trades that memory for a second run of its body, so its prints and
    counters then happen twice; choose it for a pure function whose intermediates are large.
    A second run that returns another value than the first (a random draw) is refused when
    the derivative runs: its adjoint would be that of another run. The function itself is
    returned unchanged.
    """
    setattr(unwrap(func), RECOMPUTE, True)
    return func


def recomputed(func: Callable) -> bool:
    """Whether `func` is marked with `checkpoint`."""
    return getattr(func, RECOMPUTE, False) is True


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
