"""setattr, delattr, exec and eval: writes and code that no analysis of adjoint sees.

`setattr(p, "mass", v)` as a statement is Python's `p.mass = v`: it is written so, and the
attribute assignment is then a record's field written (normalize/field_writes.py) or refused
where it is refused (frontend/check.py: `y.shape = ...` on an array, an object from outside).
Any other use is refused at its line: setattr with a name known only when the function runs,
or with a private name (which `p.__mass` would spell otherwise), its result kept, setattr passed
as a value; delattr and `object.__setattr__`, which change an object the analyses take as
written once; exec and eval, whose code adjoint does not read (it may read and write any
variable and call anything).
"""
from __future__ import annotations

import builtins
import keyword
import types
import gast

from adjoint import nodes
from adjoint.errors import UnsupportedSyntaxError
from adjoint.frontend.held import let_go
from adjoint.frontend.parse import ParsedFunction
from adjoint.frontend.values import resolve_value

_CODE_RUNNERS = {builtins.exec: "exec", builtins.eval: "eval"}
_ATTRIBUTE_WRITERS = {builtins.delattr: "delattr", object.__setattr__: "object.__setattr__",
                      object.__delattr__: "object.__delattr__"}
_NAMES = ("setattr", "delattr", "exec", "eval", "__setattr__", "__delattr__")


def lower_reflective_writes(parsed: ParsedFunction) -> None:
    """Write each `setattr(obj, "name", v)` statement as `obj.name = v`; refuse any other use of
    setattr, delattr, `object.__setattr__`, exec or eval at its line."""
    local_names = nodes.local_names(parsed.node)
    written = [stmt for stmt in nodes.statements_in(parsed.node.body)
               if isinstance(stmt, gast.Expr) and _is_setattr(stmt.value, parsed, local_names)
               and _settable_by_name(stmt.value)]
    callees = {id(stmt.value.func) for stmt in written}
    seen = set()  # the names looked up (what a name refers to is the same wherever the function reads it)
    for node in nodes.walk(parsed.node):
        if isinstance(node, (gast.Name, gast.Attribute)) and isinstance(node.ctx, gast.Load) \
                and id(node) not in callees and not (isinstance(node, gast.Name) and node.id in seen):
            _refuse_reflective(node, parsed, local_names)
            if isinstance(node, gast.Name):
                seen.add(node.id)
    if written:
        let_go(parsed.node)
        _rewrite_bodies(parsed.node, {id(stmt) for stmt in written})


def _is_setattr(node: gast.expr, parsed: ParsedFunction, local_names: frozenset) -> bool:
    return isinstance(node, gast.Call) and _resolved(node.func, parsed, local_names) is builtins.setattr


def _resolved(node: gast.expr, parsed: ParsedFunction, local_names: frozenset):
    """What a name, or an attribute of a module or named as these functions are, refers to (other
    attributes are not read: a property's getter would run while the derivative is generated)."""
    if isinstance(node, gast.Attribute) and node.attr not in _NAMES and not isinstance(
            _resolved(node.value, parsed, local_names), types.ModuleType):
        return None
    try:
        return resolve_value(node, parsed, local_names)
    except Exception:  # an attribute whose lookup fails is no builtin
        return None


def _settable_by_name(call: gast.Call) -> bool:
    """setattr(obj, "name", v) with a public constant name, obj a name or an attribute of one."""
    if len(call.args) != 3 or call.keywords or any(isinstance(arg, gast.Starred) for arg in call.args):
        return False
    owner, name, _ = call.args
    return (isinstance(name, gast.Constant) and isinstance(name.value, str) and name.value.isidentifier()
            and not keyword.iskeyword(name.value) and not name.value.startswith("__")
            and _is_plain_path(owner))


def _is_plain_path(node: gast.expr) -> bool:
    while isinstance(node, gast.Attribute):
        node = node.value
    return isinstance(node, gast.Name)


def _refuse_reflective(node: gast.expr, parsed: ParsedFunction, local_names: frozenset) -> None:
    value = _resolved(node, parsed, local_names)
    if value is builtins.setattr:
        raise UnsupportedSyntaxError(
            "setattr", "`setattr` is differentiated as a statement `setattr(obj, \"name\", value)` with a "
            "constant public name (the attribute assignment `obj.name = value`); a name known only when the "
            "function runs, a private name, its result kept or setattr passed as a value change an object "
            "where adjoint's analyses cannot see it: write `obj.name = value`", parsed.info.location(node))
    for table, why in ((_ATTRIBUTE_WRITERS, "changes an object's attributes where adjoint's analyses cannot "
                        "see it; build a new object instead"),
                       (_CODE_RUNNERS, "runs code adjoint does not read (it may read or write any variable "
                        "and call anything): write the code in the function")):
        label = _label_of(table, value)
        if label is not None:
            raise UnsupportedSyntaxError(label, f"`{label}` is not supported in a differentiated function: it "
                                         f"{why}", parsed.info.location(node))


def _label_of(table: dict, value) -> str:
    return next((label for func, label in table.items() if value is func), None)


def _rewrite_bodies(node: gast.AST, written: set) -> None:
    for field in ("body", "orelse", "finalbody"):
        body = getattr(node, field, None)
        if isinstance(body, list):
            body[:] = [_as_assignment(stmt) if id(stmt) in written else stmt for stmt in body]
    for handler in getattr(node, "handlers", None) or ():
        _rewrite_bodies(handler, written)
    for stmt in [s for field in ("body", "orelse", "finalbody") for s in getattr(node, field, None) or ()]:
        if isinstance(stmt, gast.stmt):
            _rewrite_bodies(stmt, written)


def _as_assignment(stmt: gast.Expr) -> gast.Assign:
    owner, name, value = stmt.value.args
    target = gast.Attribute(value=owner, attr=name.value, ctx=gast.Store())
    return gast.copy_location(gast.Assign(targets=[gast.copy_location(target, stmt.value)], value=value,
                                          type_comment=None), stmt)
