"""Python's syntax that calls a method of a record's class: `p[i]` its `__getitem__`, `p + q` its
`__add__` (`2.0 * p` its `__rmul__`, `-p` its `__neg__`, `p += q` its `__iadd__`, else its `__add__`),
`abs(p)` and `float(p)` its `__abs__` and `__float__`.

Where a known record's class (normalize/record_classes.py) defines such a method as a plain Python
function, the syntax is made a call of the method, which record_methods.py then writes as a call
of the class's function specialized to the record, as it does `p.method(...)`: the derivative
follows what the method computes, not the arithmetic or the indexing of the record's fields (which
gave `D(a + c, b * d)` the derivative of `D(a + c, b + d)`). An operator whose method Python would
choose otherwise than from the left operand's class (a right operand that is a record of a subclass,
or a reflected method beside a left operand that is not a number) is refused at the line.

Before::

    z = p + q                    # p, q: D, whose __add__ is a plain method
    w = -z[0]

After::

    z = p.__add__(q)
    w = -z.__getitem__(0)        # (z a known D too where record_classes.py says so)
"""
from __future__ import annotations

import builtins
import copy
import dataclasses
import inspect
from typing import List, Optional, Tuple

import gast

from adjoint import nodes
from adjoint.errors import UnsupportedSyntaxError
from adjoint.frontend.held import let_go
from adjoint.frontend.names import module_of
from adjoint.frontend.parse import MISSING, ParsedFunction
from adjoint.frontend.resolve import resolve
from adjoint.normalize.record_classes import Known, built_class, listed_item

BINARY = {gast.Add: "add", gast.Sub: "sub", gast.Mult: "mul", gast.Div: "truediv", gast.FloorDiv: "floordiv",
          gast.Mod: "mod", gast.Pow: "pow", gast.MatMult: "matmul"}
UNARY = {gast.USub: "neg", gast.UAdd: "pos"}
ONE_ARGUMENT_BUILTINS = ("abs", "float")
COMPREHENSIONS = (gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp)
# The functions of Python's that take a record without iterating it, and the modules whose functions may.
NOT_ITERATING = (len, isinstance, type, id, repr, str, print, hash, getattr, hasattr, callable, bool, abs, float,
                 dataclasses.replace, dataclasses.asdict, dataclasses.astuple, dataclasses.fields, copy.copy,
                 copy.deepcopy)
ITERATING_MODULES = ("builtins", "numpy", "scipy", "math", "statistics", "itertools", "functools", "operator",
                     "heapq", "collections", "random", "cmath", "adjoint")


def dunder_calls(parsed: ParsedFunction, known: Known, local_names: frozenset, listed: Known) -> List[gast.Call]:
    """Rewrite parsed.node's item reads and operators on known records (names, items of lists of them
    `layers[i]`, and records built in the expression) whose class defines their method as a plain
    function (see the module); the calls made, for record_methods.py to write."""
    from adjoint.normalize.record_methods import _class_attribute  # (which calls this module)
    made: List[gast.Call] = []

    def class_of(operand: gast.expr) -> Optional[type]:
        if isinstance(operand, gast.Name):
            return known.get(operand.id)
        return listed_item(operand, listed) or built_class(parsed, operand, local_names)

    def defines(operand: gast.expr, method: str) -> bool:
        return class_of(operand) is not None and inspect.isfunction(_class_attribute(class_of(operand), method)[0])

    def call(owner: gast.expr, method: str, args: List[gast.expr], node: gast.AST) -> gast.Call:
        func = gast.Attribute(value=owner, attr=method, ctx=gast.Load())
        made.append(nodes.copy_location(gast.Call(func=func, args=args, keywords=[]), node))
        return made[-1]

    def rewrite(node: gast.AST) -> gast.AST:
        if isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Load) and defines(node.value, "__getitem__"):
            return call(node.value, "__getitem__", [nodes.index_value(node.slice)], node)
        if isinstance(node, gast.UnaryOp) and type(node.op) in UNARY and defines(node.operand, f"__{UNARY[type(node.op)]}__"):
            return call(node.operand, f"__{UNARY[type(node.op)]}__", [], node)
        if isinstance(node, gast.Call) and _builtin_of_one(parsed, node, local_names) \
                and defines(node.args[0], f"__{node.func.id}__"):
            return call(node.args[0], f"__{node.func.id}__", [], node)
        if isinstance(node, gast.BinOp) and type(node.op) in BINARY and (class_of(node.left) or class_of(node.right)):
            return _binary(parsed, node, BINARY[type(node.op)], class_of, defines, call)
        if isinstance(node, gast.AugAssign) and type(node.op) in BINARY and isinstance(node.target, gast.Name) \
                and class_of(node.target):
            return _augmented(parsed, node, BINARY[type(node.op)], class_of, defines, call)
        return node

    iterated = next(_iterated_records(parsed, local_names, lambda value: defines(value, "__iter__")), None)
    if iterated is not None:
        raise UnsupportedSyntaxError("iterated record", f"this {iterated[1]} a record whose class defines `__iter__` in "
                                     "Python, which Python iterates it with and adjoint does not follow (a generator; "
                                     "adjoint reads a record's fields); list the values it yields by name "
                                     "(`[p.y, 2.0 * p.x]`)", parsed.info.location(iterated[0]))
    if any(class_of(operand) for node in nodes.walk(parsed.node) for operand in _operands(node)):
        let_go(parsed.node)
        nodes.rewrite(parsed.node, rewrite)
    return made


def _operands(node: gast.AST) -> Tuple[gast.expr, ...]:
    """The operands `rewrite` in dunder_calls asks the class of before it changes node (the values of
    a call of one argument, of which it rewrites some): where none is a record, it changes nothing."""
    kind = node.__class__
    if kind is gast.Subscript:
        return (node.value,)
    if kind is gast.UnaryOp:
        return (node.operand,)
    if kind is gast.BinOp:
        return node.left, node.right
    if kind is gast.AugAssign:
        return (node.target,)
    if kind is gast.Call and len(node.args) == 1:
        return (node.args[0],)
    return ()


def _iterated_records(parsed: ParsedFunction, local_names: frozenset, iterates_its_own):
    """(node, what it does) where Python iterates a value for which iterates_its_own(value) holds: a
    loop's or a comprehension's iterable, the value of an unpacking assignment, `*value`, and an
    argument of a function of Python's or of a library's (sum, sorted, list, math.fsum, np.array, zip,
    ...) but those that do not iterate it (len, isinstance, dataclasses.replace, ...)."""
    for node in nodes.walk(parsed.node):
        if isinstance(node, gast.For) and iterates_its_own(node.iter):
            yield node, "loop iterates"
        elif isinstance(node, COMPREHENSIONS) and any(iterates_its_own(loop.iter) for loop in node.generators):
            yield node, "comprehension iterates"
        elif isinstance(node, gast.Assign) and isinstance(node.targets[0], (gast.Tuple, gast.List)) \
                and iterates_its_own(node.value):
            yield node, "assignment unpacks"
        elif isinstance(node, gast.Starred) and iterates_its_own(node.value):
            yield node, "`*` spreads"
        elif isinstance(node, gast.Call) and any(iterates_its_own(arg) for arg in node.args + [k.value for k in node.keywords]) \
                and _may_iterate(resolve(node.func, parsed, local_names)):
            yield node, "call iterates"


def _may_iterate(func) -> bool:
    """Whether a function of Python's or of a library's may iterate an argument (a user's function reads
    the record as this module does)."""
    if func is MISSING or any(func is other for other in NOT_ITERATING):
        return False
    return module_of(func).split(".")[0] in ITERATING_MODULES


def _binary(parsed: ParsedFunction, node: gast.BinOp, name: str, class_of, defines, call) -> gast.AST:
    """`left.__op__(right)` or `right.__rop__(left)` where Python calls that one first; else the node as it
    is where Python raises (neither defines it), refused where adjoint would not call what Python calls."""
    left, right = node.left, node.right
    if class_of(left) and class_of(right) and class_of(right) is not class_of(left) \
            and issubclass(class_of(right), class_of(left)):
        raise _refuse(parsed, node, f"the right operand is a record of a subclass of the left one's class, whose "
                                    f"`__r{name}__` Python may call first")
    if defines(left, f"__{name}__"):
        return call(left, f"__{name}__", [right], node)
    if class_of(left) or not defines(right, f"__r{name}__"):
        return node  # neither class defines it: Python raises TypeError where the function runs
    if not (isinstance(left, gast.Constant) and isinstance(left.value, (int, float))):
        raise _refuse(parsed, node, f"`__r{name}__` of the right operand is what Python calls only where the left one "
                                    "has no method of its own for it; adjoint calls it beside a literal number")
    return call(right, f"__r{name}__", [left], node)


def _augmented(parsed: ParsedFunction, node: gast.AugAssign, name: str, class_of, defines, call) -> gast.stmt:
    """`p op= q`, p a known record (normalize/record_classes.py: its class's method for it returns one):
    `p = p.__iop__(q)` where its class defines that (Python calls it first), else `p = p op q` as _binary
    writes it."""
    target = nodes.name(node.target.id)
    if defines(target, f"__i{name}__"):
        value = call(target, f"__i{name}__", [node.value], node)
    else:
        value = _binary(parsed, nodes.copy_location(gast.BinOp(left=target, op=node.op, right=node.value), node),
                        name, class_of, defines, call)
    return nodes.copy_location(nodes.assign(node.target.id, value), node)


def _builtin_of_one(parsed: ParsedFunction, call: gast.Call, local_names: frozenset) -> bool:
    """`abs(p)` or `float(p)`, the builtin's name not rebound: Python calls p's `__abs__` or `__float__`."""
    func = call.func
    return (isinstance(func, gast.Name) and func.id in ONE_ARGUMENT_BUILTINS and func.id not in local_names
            and parsed.lookup(func.id) is getattr(builtins, func.id) and len(call.args) == 1 and not call.keywords)


def _refuse(parsed: ParsedFunction, node: gast.AST, why: str) -> UnsupportedSyntaxError:
    return UnsupportedSyntaxError("operator on a record", f"this operator on a record is not differentiated: {why}; "
                                  "call the method by name", parsed.info.location(node))
