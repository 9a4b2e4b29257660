"""Names that name nothing: a free name that is no global, closure variable or builtin, or an
attribute its module lacks (`np.trapz` on NumPy 2.4, in a branch of a version shim). Reading one
raises NameError or AttributeError where it is reached, in the derivative's forward sweep as in
the function, so a call of it needs no derivative and a variable assigned from it holds nothing
another call could receive. The derivative depends on the name staying unbound: a notebook may
define the helper later, a module gain the attribute.
"""
from __future__ import annotations

import builtins
import types
from typing import List, Optional, Tuple

import gast

from adjoint.frontend.parse import MISSING, ParsedFunction
from adjoint.frontend.values import dependencies_of, resolve_value


def absent(node: gast.expr, parsed: ParsedFunction, local_names: frozenset) -> Optional[List[Tuple]]:
    """The dependencies of a derivative that found `node` naming nothing; None where it names
    something, or a value only the running function knows."""
    if isinstance(node, gast.Name):
        name = node.id
        code = getattr(parsed.func, "__code__", None)
        if name in local_names or name in parsed.fixed or code is not None and name in code.co_freevars:
            return None
        if parsed.lookup(name) is not MISSING:
            return None
        return [(parsed.func.__globals__, name, None), (vars(builtins), name, None)]
    if not isinstance(node, gast.Attribute):
        return None
    owner = resolve_value(node.value, parsed, local_names)
    if not isinstance(owner, types.ModuleType) or hasattr(owner, node.attr):
        return None
    return dependencies_of(node.value, parsed, owner) + [(vars(owner), node.attr, None)]
