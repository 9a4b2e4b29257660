"""adjoint: source-transformation automatic differentiation for Python, math and NumPy."""
from adjoint.templates import d
from adjoint.api import grad, hvp, jvp, source, value_and_grad, vjp
from adjoint.checking import check_grad
from adjoint.errors import AdjointError, AdjointWarning, NonDifferentiableError, UnsupportedSyntaxError
from adjoint.markers import checkpoint, checkpointed, insert_grad_of
from adjoint.matrices import elementwise_grad, hessian, jacobian
from adjoint.rules import non_differentiable, register_adjoint, register_tangent
from adjoint.runtime import stop_gradient

from adjoint.version import __version__

__all__ = [
    "AdjointError", "AdjointWarning", "NonDifferentiableError", "UnsupportedSyntaxError", "check_grad", "checkpoint",
    "checkpointed", "d", "elementwise_grad", "grad", "hessian", "hvp",
    "insert_grad_of", "jacobian", "jvp", "non_differentiable", "register_adjoint", "register_tangent", "source",
    "stop_gradient", "value_and_grad", "vjp",
]
