"""Where the number 0.0 may stand for a zero adjoint of any shape.

The passes write a zero adjoint as the number 0.0 and take it out again: `0.0 + x` is x, and
`0.0 * x`, a linear helper of 0.0 or a bilinear function of it are 0.0 in turn. That is exact
only where the 0.0 ends up taken out. A zero of an array left inside `np.cumsum(0.0)`,
`np.reshape(0.0, s)` or `0.0 @ M` is the wrong shape, and the code fails or returns a tangent of
the wrong shape. So, in an adjoint's assignment, a position is *safe* for 0.0:

- the whole value (the adjoint is then known to be zero, and its reads are placed anew);
- an operand of `+` or `-` (taken out there, whatever holds the sum);
- an operand of `*`, the numerator of `/`, the operand of unary `-`, or one of the first two
  arguments of a bilinear function, where that operation is itself safe;
- an argument of one of adjoint's runtime helpers, which take 0.0 for a zero of any shape and
  give a result of the right shape (a linear helper of 0.0 is 0.0 in turn where it is safe), but
  the other factor of the adjoints of a product (`b` of dot_adjoint_a(g, a, b), which is g @ b.T:
  0.0 there makes a product of g's shape, not a's);
- an item of a tuple or list at a safe position (a container's adjoint, a helper's state);
  the first argument of gradient_like and its kin is an adjoint wherever it stands (in a
  `return` too), and zeros annihilate inside it.

Elsewhere (any other call, a subscript, an attribute) a zero of an array must be an array.
"""
from __future__ import annotations

from typing import List, Tuple

import gast

from adjoint import runtime

ZERO_TOLERANT = (runtime.gradient_like, runtime.tangent_like, runtime.broadcast_like)  # the same for 0.0
# The position of the other factor in the adjoints of products, whose values they multiply by.
FACTORS = ((runtime.dot_adjoint_a, 2), (runtime.dot_adjoint_b, 1), (runtime.np_dot_adjoint_a, 2),
           (runtime.np_dot_adjoint_b, 1), (runtime.tensordot_adjoint_a, 2), (runtime.tensordot_adjoint_b, 1))


def binop_operands(op: type, safe: bool) -> Tuple[bool, bool]:
    """Whether the left and the right operand of a `left op right` at a safe (or unsafe) position are safe."""
    if op is gast.Add or op is gast.Sub:
        return True, True
    return safe and op in (gast.Mult, gast.Div), safe and op is gast.Mult


def unary_operand(op: type, safe: bool) -> bool:
    return safe and op is gast.USub


def is_zero_tolerant(call: gast.Call, facts) -> bool:
    """A call of gradient_like or its kin, whose first argument is an adjoint (or a tangent)."""
    func = call.func
    return func.__class__ is gast.Name and any(facts.resolve(func.id) is helper for helper in ZERO_TOLERANT)


def call_arguments(call: gast.Call, safe: bool, facts) -> Tuple[List[bool], bool]:
    """Whether each positional argument of a call at a safe (or unsafe) position is safe, and
    whether its keyword arguments are: those of adjoint's runtime helpers (they take 0.0 for a
    zero adjoint of any shape, alone or in a tuple, and give a result of the right shape); the
    first two of a bilinear function where the call is safe (0.0 then)."""
    func = call.func
    helper = facts.resolve(func.id) if func.__class__ is gast.Name else None
    if runtime.is_helper(helper):
        factor = next((position for known, position in FACTORS if helper is known), None)
        return [index != factor for index in range(len(call.args))], True
    bilinear = safe and facts.is_bilinear(func)
    return [bilinear and index < 2 for index in range(len(call.args))], False
