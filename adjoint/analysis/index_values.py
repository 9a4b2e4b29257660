"""Values reaching a result through an index: refused where the derivative would lose them.

A subscript's derivative flows from the subscripted value only: the index of an array, a list
or a tuple selects positions and carries none (it is an integer, a mask or positions, which
no derivative flows through). An object whose `__getitem__` makes its result from the index
is another matter: `np.r_[x, y]` concatenates x and y, a user's table may interpolate. Where
an index that depends on the differentiated inputs reaches the output through such an object
(a global, or an argument that is neither an array nor a container), the derivative would be
silently zero: refused at the line. Dicts are indexed by keys, which carry no derivative either.
"""
from __future__ import annotations

from typing import Dict

import gast
import numpy as np

from adjoint import nodes
from adjoint.analysis.activity import Activity
from adjoint.analysis.calls import CallClassifier
from adjoint.analysis.kinds import UNKNOWN
from adjoint.errors import UnsupportedSyntaxError
from adjoint.frontend.parse import MISSING, SourceInfo
from adjoint.frontend.values import resolve_value

SELECTED_BY_INDEX = (np.ndarray, np.generic, list, tuple, dict, str, range, float, int)


def refuse_values_in_indices(func_node: gast.FunctionDef, activity: Activity, kinds: Dict[str, str],
                             classifier: CallClassifier, info: SourceInfo) -> None:
    """Raise UnsupportedSyntaxError at `t = obj[index]` whose index depends on the differentiated
    inputs and reaches the output, where obj is not an array, list, tuple or dict. Code adjoint
    generated (differentiated again) indexes only what the user's code indexed, checked then."""
    if info.filename.startswith("<adjoint"):
        return
    assignments = [stmt for stmt in nodes.statements(func_node)
                   if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)]
    aliases = None
    for stmt in assignments:
        value = stmt.value
        if not (isinstance(value, gast.Subscript) and stmt.targets[0].id in activity.useful
                and any(name in activity.varied for name in nodes.names_read(value.slice))):
            continue
        if aliases is None:  # `_t1 = np.r_` of A-normal form
            aliases = {a.targets[0].id: a.value for a in assignments if isinstance(a.value, (gast.Name, gast.Attribute))}
        if _selects_by_index(aliases.get(getattr(value.value, "id", None), value.value), kinds, classifier):
            continue
        raise UnsupportedSyntaxError(
            "index", f"`{nodes.dotted_name(value.value) or 'this value'}[...]` is given values that depend on the "
            "differentiated inputs as its index, and adjoint follows no derivative through an index (an array, a "
            "list or a dict only selects by it); build the value with a function instead (`np.concatenate` for "
            "`np.r_[...]`, `np.column_stack` for `np.c_[...]`)", info.location(stmt))


def _selects_by_index(node: gast.expr, kinds: Dict[str, str], classifier: CallClassifier) -> bool:
    if isinstance(node, gast.Name) and node.id in classifier.local_names:
        if node.id not in nodes.parameters(classifier.parsed.node):
            return True  # a local value: an array or a container (an item of unknown kind may be a dict)
        return kinds.get(node.id, UNKNOWN) not in (UNKNOWN, None)  # an argument that is an object: refused
    found = resolve_value(node, classifier.parsed, classifier.local_names)
    return found is MISSING or isinstance(found, SELECTED_BY_INDEX)
