"""np.piecewise with the functions written in the call (the user's functions, lambdas, NumPy's ufuncs of
one operand, numbers): the statement is written as NumPy runs it, so the functions' source is
differentiated as any code is (a ufunc by its rule).

Where Python evaluates no other call before it in an assignment, a `return` or an expression statement
(but those of its own arguments; not in a branch of `if`-`else`, `and`, `or`), and its list of
functions is a display of functions, lambdas and number literals, without further arguments::

    y = np.piecewise(x, [x < 0.0, x >= 0.0], [g, lambda v: 3.0 * v])

becomes (x and the conditions evaluated first, as Python does before NumPy runs)::

    _piecewise_x1 = x
    _conditions1 = [x < 0.0, x >= 0.0]
    _piecewise_x1 = asarray(_piecewise_x1)
    _conditions1 = piecewise_conditions(_piecewise_x1, _conditions1, 2)
    _pieces1 = zeros_like(_piecewise_x1)
    _selected1 = _conditions1[0]
    _values1 = _piecewise_x1[_selected1]
    if _values1.size > 0:
        _pieces1[_selected1] = g(_values1)
    ...                                  # the lambda bound to a name, then called so
    y = _pieces1

Any other np.piecewise stays a call of NumPy's, refused for want of a rule.
"""
from __future__ import annotations

import inspect
from typing import Callable, List, Optional

import gast
import numpy as np

from adjoint import nodes, runtime
from adjoint.frontend.held import let_go
from adjoint.frontend.parse import ParsedFunction
from adjoint.frontend.values import resolve_value


_SOMETIMES = (gast.IfExp, gast.BoolOp, gast.Lambda, gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp)


def lower_piecewise(parsed: ParsedFunction, fresh: Callable[[str], str], calls: List[gast.Call]) -> None:
    """Write each np.piecewise statement of the user's functions as NumPy runs it (see the module)."""
    lower_statements(parsed, calls, np.piecewise, lambda stmt, names: _piecewise_call(stmt, parsed, names),
                     lambda stmt, call, names: _lowered(stmt, call, parsed, fresh, names))


def lower_statements(parsed: ParsedFunction, calls: List[gast.Call], func, found, lowered) -> None:
    """Where the function calls `func`, each statement for which found(stmt, local_names) gives a call
    replaced by the statements lowered(stmt, call, local_names) makes."""
    if not any(isinstance(call.func, gast.Attribute) and call.func.attr == func.__name__
               or isinstance(call.func, gast.Name) and parsed.lookup(call.func.id) is func for call in calls):
        return  # (no call can be one of func: a look at the names first, the function's names found only then)
    local_names = nodes.local_names(parsed.node)
    if not any(resolve_value(call.func, parsed, local_names) is func for call in calls):
        return
    for block in list(nodes.blocks(parsed.node)):
        chosen = [(stmt, found(stmt, local_names)) for stmt in block]
        if any(call is not None for _, call in chosen):
            let_go(parsed.node)
            block[:] = [made for stmt, call in chosen
                        for made in ([stmt] if call is None else lowered(stmt, call, local_names))]


def _piecewise_call(stmt: gast.stmt, parsed: ParsedFunction, local_names) -> Optional[gast.Call]:
    """The call np.piecewise(x, conditions, [functions]) of the statement as the module says, else None."""
    call = first_call(stmt, lambda node: resolve_value(node.func, parsed, local_names) is np.piecewise)
    if not (call is not None and len(call.args) == 3 and not call.keywords):
        return None
    pieces = call.args[2]
    if not isinstance(pieces, (gast.List, gast.Tuple)) or any(isinstance(a, gast.Starred) for a in call.args):
        return None
    if not all(_is_number(piece) or _is_function(piece, parsed, local_names) for piece in pieces.elts):
        return None
    return call


def first_call(stmt: gast.stmt, wanted: Callable[[gast.Call], bool]) -> Optional[gast.Call]:
    """The call for which `wanted` holds in an assignment's, a `return`'s or an expression statement's
    value where Python evaluates no other call before it but those of its own arguments (and not in
    what Python may not evaluate); None where there is none."""
    value = stmt.value if isinstance(stmt, (gast.Assign, gast.Return, gast.Expr)) else None
    before: List[gast.Call] = []
    for node in _evaluated_first(value):
        if isinstance(node, gast.Call) and wanted(node):
            inside = {id(inner) for inner in nodes.walk(node)}
            return node if all(id(call) in inside for call in before) else None
        if isinstance(node, gast.Call):
            before.append(node)
    return None


def _evaluated_first(value: Optional[gast.expr]):
    """The nodes of value, each call after the calls Python evaluates before it (its arguments, the
    calls to its left), leaving out what Python may not evaluate (a branch of `... if ... else ...`,
    an operand of `and`/`or`, a lambda's or a comprehension's body)."""
    if value is None or isinstance(value, _SOMETIMES):
        return
    for child in nodes.children(value):
        if isinstance(child, gast.expr):
            yield from _evaluated_first(child)
    yield value


def _is_number(node: gast.expr) -> bool:
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)):
        node = node.operand
    return isinstance(node, gast.Constant) and type(node.value) in (int, float)


def _is_function(node: gast.expr, parsed: ParsedFunction, local_names) -> bool:
    """A lambda, a Python function or a NumPy ufunc of one operand (`np.sqrt`), which NumPy calls on
    the values selected, as the lowered code calls it."""
    if isinstance(node, gast.Lambda):
        return True
    value = resolve_value(node, parsed, local_names)
    return inspect.isfunction(value) or isinstance(value, np.ufunc) and value.nin == 1


def _lowered(stmt: gast.stmt, call: gast.Call, parsed: ParsedFunction, fresh, local_names) -> List[gast.stmt]:
    x, conditions, pieces = fresh("_piecewise_x"), fresh("_conditions"), fresh("_pieces")

    numpy = nodes.name(parsed.bind("np", np, fresh, local_names))  # (np.zeros_like: no helper of the same name)
    helper = nodes.name(parsed.bind("piecewise_conditions", runtime.piecewise_conditions, fresh, local_names))
    code = [nodes.assign(x, call.args[0]), nodes.assign(conditions, call.args[1]),
            nodes.assign(x, nodes.call(nodes.attribute(numpy, "asarray"), [nodes.name(x)])),
            nodes.assign(conditions, nodes.call(helper, [nodes.name(x), nodes.name(conditions),
                                                         nodes.constant(len(call.args[2].elts))])),
            nodes.assign(pieces, nodes.call(nodes.attribute(nodes.clone(numpy), "zeros_like"), [nodes.name(x)]))]
    for position, piece in enumerate(call.args[2].elts):
        code.extend(_piece(position, piece, x, conditions, pieces, fresh))
    nodes.rewrite(stmt, lambda node: nodes.name(pieces) if node is call else node)
    return [nodes.copy_location(made, stmt) for made in code] + [stmt]


def _piece(position: int, piece: gast.expr, x: str, conditions: str, pieces: str, fresh) -> List[gast.stmt]:
    """`pieces[selected] = piece` of a number; of a function, its call on the values selected, if any."""
    selected = fresh("_selected")
    code = [nodes.assign(selected, nodes.subscript(nodes.name(conditions), nodes.constant(position)))]
    if _is_number(piece):
        return code + [nodes.assign_to(nodes.subscript(nodes.name(pieces), nodes.name(selected)), piece)]
    if isinstance(piece, gast.Lambda):
        function = fresh("_piece")
        code.append(nodes.assign(function, piece))
        piece = nodes.name(function)
    values = fresh("_values")
    code.append(nodes.assign(values, nodes.subscript(nodes.name(x), nodes.name(selected))))
    any_selected = gast.Compare(left=nodes.attribute(nodes.name(values), "size"), ops=[gast.Gt()],
                                comparators=[nodes.constant(0)])
    written = nodes.assign_to(nodes.subscript(nodes.name(pieces), nodes.name(selected)),
                              nodes.call(piece, [nodes.name(values)]))
    return code + [nodes.if_(any_selected, [written])]
