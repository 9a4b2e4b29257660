"""np.apply_along_axis with a function written in the call (a function of the user's, a lambda): the
statement is written as NumPy runs it, so the function's source is differentiated as any code is.

Where Python evaluates no other call before it in an assignment, a `return` or an expression statement
(but those of its own arguments: normalize/piecewise.py's first_call), without further arguments::

    y = np.apply_along_axis(g, 1, m)

becomes::

    _axis1 = 1
    _along1 = np.asarray(m)
    _view1 = np.moveaxis(_along1, _axis1, -1)             # each slice a row, in NumPy's order
    _count1 = along_axis_count(_view1)                     # (ValueError where there is none)
    _rows1 = np.reshape(_view1, (_count1, np.shape(_view1)[-1]))
    _first1 = np.asarray(g(_rows1[0]))
    _stacked1 = np.zeros((_count1,) + np.shape(_first1), dtype=_first1.dtype)
    _stacked1[0] = _first1
    for _slice1 in range(1, _count1):
        _stacked1[_slice1] = np.asarray(g(_rows1[_slice1]))
    _placed1 = along_axis_placement(np.ndim(_along1), _axis1, np.ndim(_first1))
    y = np.moveaxis(np.reshape(_stacked1, np.shape(_view1)[:-1] + np.shape(_first1)), _placed1[0], _placed1[1])

Any other np.apply_along_axis stays a call of NumPy's, refused for want of a rule.
"""
from __future__ import annotations

import inspect
from typing import Callable, List, Optional

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.frontend.parse import ParsedFunction
from adjoint.frontend.values import resolve_value
from adjoint.normalize.piecewise import first_call, lower_statements

_LOOP_NAMES = ("range", "len", "reversed")  # what the derivative of the loop written calls by name


def lower_apply_along_axis(parsed: ParsedFunction, fresh: Callable[[str], str], calls: List[gast.Call]) -> None:
    """Write each np.apply_along_axis statement of a user's function as NumPy runs it (see the module)."""
    if not set(_LOOP_NAMES) & nodes.local_names(parsed.node):
        lower_statements(parsed, calls, np.apply_along_axis, lambda stmt, names: _along_axis_call(stmt, parsed, names),
                         lambda stmt, call, names: _lowered(stmt, call, parsed, fresh, names))


def _along_axis_call(stmt: gast.stmt, parsed: ParsedFunction, local_names) -> Optional[gast.Call]:
    call = first_call(stmt, lambda node: resolve_value(node.func, parsed, local_names) is np.apply_along_axis)
    if not (call is not None and len(call.args) == 3 and not call.keywords):
        return None
    function = call.args[0]
    if not (isinstance(function, gast.Lambda) or inspect.isfunction(resolve_value(function, parsed, local_names))):
        return None
    return call


def _lowered(stmt: gast.stmt, call: gast.Call, parsed: ParsedFunction, fresh, local_names) -> List[gast.stmt]:
    names = {part: fresh(f"_{part}") for part in ("function", "axis", "along", "view", "count", "rows", "first",
                                                   "stacked", "slice", "placed", "applied")}
    numpy = parsed.bind("np", np, fresh, local_names)

    def name(part: str) -> gast.Name:
        return nodes.name(names[part])

    def np_call(attribute: str, *args: gast.expr, keywords=()) -> gast.Call:
        return nodes.call(nodes.attribute(nodes.name(numpy), attribute), list(args), keywords)

    def helper(obj) -> gast.Name:
        return nodes.name(parsed.bind(obj.__name__, obj, fresh, local_names))

    def shape(part: str) -> gast.Call:
        return np_call("shape", name(part))

    function = call.args[0]
    code = []
    if isinstance(function, gast.Lambda):
        code.append(nodes.assign(names["function"], function))
        function = name("function")
    code += [nodes.assign(names["axis"], call.args[1]),
             nodes.assign(names["along"], np_call("asarray", call.args[2])),
             nodes.assign(names["view"], np_call("moveaxis", name("along"), name("axis"), nodes.constant(-1))),
             nodes.assign(names["count"], nodes.call(helper(runtime.along_axis_count), [name("view")])),
             nodes.assign(names["rows"], np_call("reshape", name("view"), nodes.tuple_of(
                 [name("count"), nodes.subscript(shape("view"), nodes.constant(-1))]))),
             nodes.assign(names["first"], np_call("asarray", nodes.call(nodes.clone(function), [
                 nodes.subscript(name("rows"), nodes.constant(0))]))),
             nodes.assign(names["stacked"], np_call(
                 "zeros", nodes.add(nodes.tuple_of([name("count")]), shape("first")),
                 keywords=[gast.keyword(arg="dtype", value=nodes.attribute(name("first"), "dtype"))])),
             nodes.assign_to(nodes.subscript(name("stacked"), nodes.constant(0)), name("first"))]
    each = nodes.assign_to(nodes.subscript(name("stacked"), name("slice")), np_call("asarray", nodes.call(
        nodes.clone(function), [nodes.subscript(name("rows"), name("slice"))])))
    loop = gast.For(target=nodes.name(names["slice"], store=True), body=[each], orelse=[], type_comment=None,
                    iter=nodes.call(nodes.name(parsed.bind("range", range, fresh, local_names)),
                                    [nodes.constant(1), name("count")]))
    placed = nodes.call(helper(runtime.along_axis_placement),
                        [np_call("ndim", name("along")), name("axis"), np_call("ndim", name("first"))])
    kept = nodes.subscript(shape("view"), gast.Slice(lower=None, upper=nodes.constant(-1), step=None))
    reshaped = np_call("reshape", name("stacked"), nodes.add(kept, shape("first")))
    code += [loop, nodes.assign(names["placed"], placed),
             nodes.assign(names["applied"], np_call("moveaxis", reshaped,
                                                    nodes.subscript(name("placed"), nodes.constant(0)),
                                                    nodes.subscript(name("placed"), nodes.constant(1))))]
    nodes.rewrite(stmt, lambda node: name("applied") if node is call else node)
    return [nodes.copy_location(made, stmt) for made in code] + [stmt]
