"""What to generate: the whole cache key of a derivative besides the function's source."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

MODES = ("reverse", "value_and_grad", "vjp", "forward", "forward_pass")


@dataclass(frozen=True)
class Options:
    """mode: one of MODES ("forward_pass": the forward half of a vjp, returning the value and
    the residuals its backward half, generated with it, takes); wrt: parameter names;
    kinds: per-parameter argument kinds, or None for code that works for any argument types."""

    mode: str = "reverse"
    wrt: Tuple[str, ...] = ()
    optimize: bool = True
    kinds: Optional[Tuple[Tuple[str, str], ...]] = None

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {self.mode!r}")
