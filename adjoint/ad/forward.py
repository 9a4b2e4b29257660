"""Forward mode: tangent propagation alongside the primal statements."""
from __future__ import annotations

import gast


def build_forward(ctx, wrt, name) -> gast.FunctionDef:
    raise NotImplementedError("forward mode")
