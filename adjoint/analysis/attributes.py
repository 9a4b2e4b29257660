"""Attribute reads: array metadata carries no derivative, NamedTuple fields are items, others are refused.

After normalization an attribute read is a statement `t = v.attr` (or `t = m.a.b` on a global name). Three cases:

- `x.shape`, `x.ndim`, `x.dtype`, ... describe an array: no derivative flows through them.
- `p.a` where p holds a NamedTuple (its argument kind is `container`) reads the item at
  the field's position: differentiated like `p[i]`, i = `type(p)._fields.index("a")`; where
  p holds a dataclass (kind `record`) the item of p's adjoint (a dict) at "a". A local name
  of unknown kind, and a called function's parameter of unknown kind (given an item of a list or
  a value of a dict), is taken for either, and runtime.field_index tells which when it runs
  (refusing, at the line, an object of another class).
- any other attribute of a value that depends on a differentiated input (an object's
  attribute: of a parameter of the function differentiated of unknown kind, which holds such an
  object or, in code generated without example arguments, anything) is refused at its line: its
  derivative would be lost. Attributes of values outside the derivative (`self.W` of an instance
  not in wrt, `cfg.scale` of a constant) are read as they are. A chain `p.a.b` on a local name
  reads one attribute at a time by now (normalize/anf.py).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Dict, FrozenSet, Iterable, Optional

import gast

from adjoint import nodes
from adjoint.analysis.kinds import CONTAINER, RECORD, UNKNOWN
from adjoint.errors import UnsupportedSyntaxError
from adjoint.frontend.parse import SourceInfo

if TYPE_CHECKING:
    from adjoint.analysis.activity import Activity

ARRAY_METADATA = frozenset({"shape", "ndim", "size", "dtype", "itemsize", "nbytes", "strides", "imag"})
# Attributes of an array that carry its values and that no rule differentiates: of a name of unknown
# kind, taken for the array's, not for a record's field (`A.flat[0]`, A = x.reshape(2, 2)).
ARRAY_VALUES = frozenset({"flat", "mT", "base"})


def attribute_root(expr: gast.expr) -> Optional[str]:
    """The name an attribute chain starts from (`p` for `p.a.b`), None if expr is no such chain."""
    if not isinstance(expr, gast.Attribute):
        return None
    while isinstance(expr, gast.Attribute):
        expr = expr.value
    return expr.id if isinstance(expr, gast.Name) else None


def carries_derivative(expr: gast.Attribute) -> bool:
    """Whether the value of an attribute read can depend on its object's value (not metadata)."""
    return expr.attr not in ARRAY_METADATA


def is_field_read(value: gast.expr, kinds: Dict[str, str], objects: FrozenSet[str] = frozenset()) -> bool:
    """`p.a` on a name holding a NamedTuple (the item at the field's position) or a dataclass
    (the item of its adjoint, a dict, at the field's name). A name of unknown kind (an item of a
    list of NamedTuples, a value of a dict) is taken for one: which it is, is asked when the
    derivative runs (runtime.field_index refuses other objects), except `objects`, the parameters
    that hold objects whose attributes are not differentiated (object_parameters)."""
    if not (isinstance(value, gast.Attribute) and isinstance(value.value, gast.Name) and carries_derivative(value)
            and not value.attr.startswith("_")):
        return False
    owner = value.value.id
    kind = kinds.get(owner)
    return kind in (CONTAINER, RECORD) or (kind == UNKNOWN and owner not in objects
                                           and value.attr not in ARRAY_VALUES)


def object_parameters(func_node: gast.FunctionDef) -> FrozenSet[str]:
    """The parameters of the function differentiated, whose kinds are those of the values given:
    one of unknown kind holds an object that is neither a NamedTuple nor a dataclass (or, where no
    value was given, anything: `adjoint gen`)."""
    arguments = func_node.args
    return frozenset(arg.id for arg in arguments.posonlyargs + arguments.args + arguments.kwonlyargs)


def refuse_lost_attribute_reads(func_node: gast.FunctionDef, activity: Activity, kinds: Dict[str, str],
                                wrt: Iterable[str], info: SourceInfo, objects: FrozenSet[str]) -> None:
    """Raise UnsupportedSyntaxError at an attribute read whose derivative adjoint would lose."""
    wrt = set(wrt)
    for stmt in nodes.walk(func_node):
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
            continue
        value = stmt.value
        root = attribute_root(value)
        if root is None or not carries_derivative(value) or not activity.is_active(stmt.targets[0].id):
            continue
        if root not in activity.varied:  # a constant's attribute, its name active by another assignment
            continue
        if is_field_read(value, kinds, objects):
            continue
        if root in wrt:
            owner = f"the differentiated parameter `{root}`"
        else:
            owner = f"`{root}`, a value that depends on a differentiated input"
        raise UnsupportedSyntaxError(
            "attribute",
            f"reading attribute `{value.attr}` of {owner}: adjoint differentiates through the array "
            "attributes `.T` and `.real` and the fields of NamedTuples and dataclasses, not other attributes (of an "
            "array, an object); pass the values as arguments, in a NamedTuple or a dataclass" + (
                f" (what `{root}` holds is not known: code generated without example arguments, by `adjoint gen` "
                "or adjoint.source(f) without args, reads the fields of a record parameter as those of an object; "
                "pass its fields as parameters and build the record in the function)"
                if root in objects and kinds.get(root, UNKNOWN) == UNKNOWN else ""),
            info.location(stmt),
        )
