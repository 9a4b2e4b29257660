"""Adjoints and tangents of NumPy linear algebra (the matrix product lives with the operators)."""
import numpy as np

from adjoint.ad.templates import d
from adjoint.rules.table import register_adjoint, register_tangent

# ----- Norms ---------------------------------------------------------------------------


# The 2-norm (default ord, all axes): d|x| = <x, dx> / |x|.
@register_adjoint(np.linalg.norm)
def _(result, x):
    d[x] = d[result] * x / result


@register_tangent(np.linalg.norm)
def _(result, x):
    d[result] = np.sum(x * d[x]) / result
