"""Lists and tuples given to NumPy's functions are read by their rules as the arrays NumPy makes.

`np.arcsin(xs)` of a list xs computes on np.asarray(xs); its rules compute with x itself
(`d[result] / np.sqrt(1.0 - x * x)`, `d[x] * 2.0 * x`, `x >= y`), where a list is a TypeError, and
an integer times a list repeats it (`2 * x`). So, for a NumPy function, a differentiated argument
that is a list or tuple is bound in its rule to `np.asarray(x)`, and in forward mode its tangent to
`array_tangent(dx, x)`, the tangent as that array. Functions that take a sequence of arrays of any
shapes (np.concatenate, np.stack, ...) and np.array itself read the list as a list.
"""
from __future__ import annotations

from typing import Dict

import gast
import numpy as np

from adjoint import nodes
from adjoint.analysis.kinds import CONTAINER
from adjoint.templates import RESULT
from adjoint.frontend.names import module_of

# NumPy's functions that take a sequence of arrays (of any shapes) rather than one array.
SEQUENCES = (np.concatenate, np.stack, np.vstack, np.hstack, np.dstack, np.column_stack, np.block, np.einsum,
             np.linalg.multi_dot, np.broadcast_arrays, np.meshgrid, np.array, np.asarray, np.select)


def reads_lists_as_arrays(func) -> bool:
    """A NumPy function, which reads a list or tuple argument as np.asarray of it."""
    return (isinstance(func, np.ufunc) or module_of(func).startswith("numpy")) and \
        not any(func is sequence for sequence in SEQUENCES)


def is_active_list(ctx, atom: gast.expr) -> bool:
    """A name of a list or tuple the derivative flows through (ctx: the function's FunctionContext)."""
    return isinstance(atom, gast.Name) and ctx.kinds.get(atom.id) == CONTAINER and ctx.is_active(atom)


def lists_as_arrays(ctx, func, bindings: Dict[str, gast.expr]) -> Dict[str, gast.expr]:
    """bindings with each differentiated list or tuple argument read as `np.asarray(name)` where
    func is a NumPy function reading it so (its result, a tuple of several arrays, stays one)."""
    if not reads_lists_as_arrays(func) or not any(is_active_list(ctx, atom) for atom in bindings.values()):
        return bindings
    module = ctx.bind_global("np", np)
    return {param: nodes.call(nodes.attribute(nodes.name(module), "asarray"), [nodes.name(atom.id)])
            if param != RESULT and is_active_list(ctx, atom) else atom for param, atom in bindings.items()}
