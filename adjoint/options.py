"""What to generate: the whole cache key of a derivative besides the function's source."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Optional, Tuple

from adjoint.errors import WrtError


class Mode(str, enum.Enum):
    """What a generated function computes. A str, so "reverse" names Mode.REVERSE anywhere."""

    REVERSE = "reverse"  # the gradient(s)
    VALUE_AND_GRAD = "value_and_grad"  # (value, gradient(s))
    VJP = "vjp"  # takes the output's cotangent first, returns the gradient(s)
    FORWARD = "forward"  # (value, tangent): forward mode
    FORWARD_PASS = "forward_pass"  # (value, residuals): the forward half of a vjp
    BACKWARD_PASS = "backward_pass"  # the gradient(s) from (cotangent, residuals), made with its FORWARD_PASS
    PRIMAL = "primal"  # the function as written: the step of a checkpointed loop

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


BACKENDS = ("python", "numba", "auto")
MODES = ("reverse", "value_and_grad", "vjp", "forward", "forward_pass")  # what a user may ask for


@dataclass(frozen=True)
class Options:
    """mode: one of MODES ("forward_pass": the forward half of a vjp, returning the value and
    the residuals its backward half, generated with it, takes); wrt: parameter names;
    kinds: per-parameter argument kinds, or None for code that works for any argument types."""

    mode: Mode = Mode.REVERSE
    wrt: Tuple[str, ...] = ()
    optimize: bool = True
    kinds: Optional[Tuple[Tuple[str, str], ...]] = None
    backend: str = "python"  # what compiles the generated source: "python", "numba", or "auto" (numba if it can)

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {self.mode!r}")
        object.__setattr__(self, "mode", Mode(self.mode))
        if self.mode == Mode.FORWARD and len(set(self.wrt)) < len(self.wrt):  # one tangent a parameter
            raise WrtError(f"wrt names the parameter {max(self.wrt, key=self.wrt.count)!r} twice: forward mode "
                           "takes one tangent for each parameter")
        if self.backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {self.backend!r}")
