"""The tree codegen prints: frontend.conversion.to_ast's tree of a derivative without the
positions (a printer reads none), made in the same walk that collects the identifiers of its
names (what nodes.all_identifiers gives), which the derivative's bindings are chosen by.

Each node becomes the node to_ast makes (the same classes, fields and constructors); only
the positions are left out. The classes to_ast hands to gast's own converter are handed to
it here too.
"""
from __future__ import annotations

import ast
import math
from typing import Callable, Dict, Set, Tuple

import gast
from gast.ast3 import GAstToAst3

from adjoint import nodes
from adjoint.frontend.conversion import BY_GAST, MINOR, MIRRORED

Names = Set[str]


def printable(tree: gast.AST) -> Tuple[ast.AST, Names]:
    """(the tree to print, the identifiers of every Name under tree)."""
    if not MIRRORED:
        return signed_numbers(gast.gast_to_ast(tree)), nodes.all_identifiers(tree)
    names: Names = set()
    return _convert(tree, names), names


def is_negative(value) -> bool:
    """A real number written with a minus sign (-0.0 too)."""
    return type(value) in (int, float) and (value < 0 or (value == 0 and math.copysign(1.0, value) < 0))


def _signed(value) -> ast.expr:
    """A number as a tree to print: a negative one as the unary minus of its magnitude, which
    printers put in parentheses where it needs them (`(-1) ** k`; astor and ast.unparse write a
    negative constant's repr as it is: `-1 ** k`, which Python reads as `-(1 ** k)`)."""
    if is_negative(value):
        return ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=-value, kind=None))
    return ast.Constant(value=value, kind=None)


class _SignedNumbers(ast.NodeTransformer):
    def visit_Constant(self, node):
        return _signed(node.value) if is_negative(node.value) else node


def signed_numbers(tree: ast.AST) -> ast.AST:
    """The tree with its negative number constants as unary minus (see _signed)."""
    return _SignedNumbers().visit(tree)


_CONVERTERS: Dict[type, Callable] = {}


def _convert(node: gast.AST, names: Names) -> ast.AST:
    convert = _CONVERTERS.get(node.__class__)
    if convert is None:
        convert = _CONVERTERS[node.__class__] = _converter(node.__class__)
    return convert(node, names)


def _value(item, names: Names):
    if isinstance(item, ast.AST):
        return _convert(item, names)
    if isinstance(item, list):
        return [_value(element, names) for element in item]
    return item


def _converter(cls: type) -> Callable:
    name = cls.__name__
    target = getattr(ast, name, None)
    if target is None:
        return lambda node, names: None
    if name in BY_GAST:
        return _by_gast
    special = {"Name": _name, "Assign": _assign, "arguments": _arguments, "ExceptHandler": _handler,
               "Constant": _constant}.get(name)
    if special is not None:
        return special
    if name in ("FunctionDef", "AsyncFunctionDef") and MINOR < 12:
        return _function(target)
    return _generic(target, cls._fields)


def _generic(target: type, fields: tuple) -> Callable:
    """The converter of a class: its fields converted as _value does, a node's directly (most
    fields hold one), and the node made; an operator or context without fields made at once."""
    if not fields:
        return lambda node, names: target()
    node_class, converters = ast.AST, _CONVERTERS

    def convert(node, names):
        found = {}
        for field in fields:
            try:
                item = getattr(node, field)
            except AttributeError:
                continue
            if isinstance(item, node_class):
                converter = converters.get(item.__class__)
                found[field] = converter(item, names) if converter is not None else _convert(item, names)
            else:
                found[field] = _value(item, names)
        return target(**found)
    return convert


def _by_gast(node, names: Names):
    names.update(nodes.all_identifiers(node))
    return GAstToAst3().visit(node)


def _name(node: gast.Name, names: Names) -> ast.Name:
    names.add(node.id)
    return ast.Name(node.id, _value(node.ctx, names))


def _constant(node: gast.Constant, names: Names) -> ast.expr:
    if is_negative(node.value):
        return _signed(node.value)
    return ast.Constant(value=node.value, kind=node.kind)


def _assign(node: gast.Assign, names: Names) -> ast.Assign:
    return ast.Assign(_value(node.targets, names), _value(node.value, names))


def _arg(node, names: Names):
    if node is None:
        return None
    names.add(node.id)
    return ast.arg(node.id, _value(node.annotation, names), _value(node.type_comment, names))


def _arguments(node: gast.arguments, names: Names) -> ast.arguments:
    return ast.arguments([_arg(arg, names) for arg in node.posonlyargs], [_arg(arg, names) for arg in node.args],
                         _arg(node.vararg, names), [_arg(arg, names) for arg in node.kwonlyargs],
                         _value(node.kw_defaults, names), _arg(node.kwarg, names), _value(node.defaults, names))


def _handler(node: gast.ExceptHandler, names: Names) -> ast.ExceptHandler:
    if not node.name:
        return _generic(ast.ExceptHandler, gast.ExceptHandler._fields)(node, names)
    names.add(node.name.id)
    return ast.ExceptHandler(_value(node.type, names), node.name.id, _value(node.body, names))


def _function(target: type) -> Callable:
    def convert(node, names):
        return target(node.name, _value(node.args, names), _value(node.body, names),
                      _value(node.decorator_list, names), _value(node.returns, names),
                      _value(node.type_comment, names))
    return convert
