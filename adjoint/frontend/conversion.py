"""ast <-> gast conversion: the trees of gast.ast_to_gast and gast.gast_to_ast, node for node
and attribute for attribute, several times as fast (each generation converts the user's
function once and the derivative's tree once, and gast's converters visit every node through
a generic NodeTransformer).

Each node class gets its converter once: the generic one copies the fields and positions as
gast does; the classes gast converts by hand (names, parameters, exception handlers, function
definitions) are converted the same way here; the rare ones (imports, classes, type
parameters) are handed to gast's own converter. They mirror gast 0.7.0 (tests/test_conversion.py
compares them); with another gast, gast's own converters run.
"""
from __future__ import annotations

import ast
import sys
from typing import Callable, Dict

import gast
from gast.ast3 import Ast3ToGAst, GAstToAst3

MINOR = sys.version_info[1]  # gast converts some classes differently on each Python
_POSITIONS = ("lineno", "col_offset", "end_lineno", "end_col_offset")
BY_GAST = frozenset({"alias", "ClassDef", "TypeVar", "TypeVarTuple", "ParamSpec"})  # rare: gast converts them
MIRRORED = getattr(gast, "__version__", None) == "0.7.0"  # the gast whose converters these are
_new = gast.AST.__new__


def to_gast(node: ast.AST) -> gast.AST:
    """gast.ast_to_gast(node)."""
    if not MIRRORED:
        return gast.ast_to_gast(node)
    return _converter(_TO_GAST, node.__class__, _gast_converter)(node)


def to_ast(node: gast.AST) -> ast.AST:
    """gast.gast_to_ast(node)."""
    if not MIRRORED:
        return gast.gast_to_ast(node)
    return _converter(_TO_AST, node.__class__, _ast_converter)(node)


def source_text(node: gast.expr) -> str:
    """The Python text of an expression (`A[:, 0]`)."""
    return ast.unparse(to_ast(node))


_TO_GAST: Dict[type, Callable] = {}
_TO_AST: Dict[type, Callable] = {}


def _converter(table: Dict[type, Callable], cls: type, make: Callable) -> Callable:
    convert = table.get(cls)
    if convert is None:
        convert = table[cls] = make(cls)
    return convert


def _values(convert: Callable) -> Callable:
    """What the converters do with a field's value: nodes converted, lists item by item."""
    node_class = ast.AST

    def value(item):
        if isinstance(item, node_class):
            return convert(item)
        if isinstance(item, list):
            return [value(element) for element in item]
        return item
    return value


_gast_value = _values(to_gast)
_ast_value = _values(to_ast)


def _copy_location(new, old) -> None:
    """ast.copy_location, for nodes that have every position attribute."""
    for attr in _shared_positions(new.__class__, old.__class__):
        value = getattr(old, attr, None)
        if value is not None or (hasattr(old, attr) and attr.startswith("end_")):
            setattr(new, attr, value)


_SHARED_POSITIONS: Dict[tuple, tuple] = {}


def _shared_positions(new: type, old: type) -> tuple:
    """The position attributes both classes have, in the order of _POSITIONS."""
    shared = _SHARED_POSITIONS.get((new, old))
    if shared is None:
        shared = _SHARED_POSITIONS[new, old] = tuple(
            attr for attr in _POSITIONS if attr in old._attributes and attr in new._attributes)
    return shared


def _gast_copy_location(new, old) -> None:
    """gast.copy_location."""
    for attr in _POSITIONS:
        if attr in old._attributes and attr in new._attributes and hasattr(old, attr):
            setattr(new, attr, getattr(old, attr))


def _generic(target: type, fields: tuple, attributes: tuple, value: Callable, construct: bool,
             converters: Dict[type, Callable]) -> Callable:
    """gast's generic translation: the fields the node has, converted (a node by its class's
    converter in `converters` where it has one already, as `value` would), then its positions.
    gast nodes are filled in directly (their constructor only sets attributes); ast nodes are
    built by their constructor, which fills in the fields left out on newer Pythons."""
    def convert(node):
        found = {}
        for field in fields:
            try:
                item = getattr(node, field)
            except AttributeError:
                continue
            converter = converters.get(item.__class__)
            found[field] = converter(item) if converter is not None else value(item)
        if construct:
            new = target(**found)
        else:
            new = target.__new__(target)
            new.__dict__.update(found)
        for attr in attributes:
            try:
                setattr(new, attr, getattr(node, attr))
            except AttributeError:
                pass
        return new
    return convert


def _gast_converter(cls: type) -> Callable:
    name = cls.__name__
    special = {"Name": _gast_name, "arg": _gast_arg}.get(name)
    if special is not None:
        return special
    target = getattr(gast, name, None)
    if target is None:
        return lambda node: None
    if name in BY_GAST:
        return Ast3ToGAst().visit
    if name in ("FunctionDef", "AsyncFunctionDef") and MINOR < 12:
        return _gast_function(target)
    generic = _generic(target, cls._fields, cls._attributes, _gast_value, construct=False, converters=_TO_GAST)
    return _gast_handler(generic) if name == "ExceptHandler" else generic


def _gast_name(node: ast.Name) -> gast.Name:
    new = _new(gast.Name)  # gast.Name(node.id, ctx, None, None): its constructor sets these in this order
    new.__dict__.update(id=node.id, ctx=_gast_value(node.ctx), annotation=None, type_comment=None)
    _copy_location(new, node)
    return new


def _gast_arg(node: ast.arg) -> gast.Name:
    new = gast.Name(node.arg, gast.Param(), _gast_value(node.annotation), _gast_value(node.type_comment))
    _copy_location(new, node)
    return new


def _gast_handler(generic: Callable) -> Callable:
    def convert(node):
        if not node.name:
            return generic(node)
        new = gast.ExceptHandler(_gast_value(node.type), gast.Name(node.name, gast.Store(), None, None),
                                 _gast_value(node.body))
        _copy_location(new, node)
        return new
    return convert


def _gast_function(target: type) -> Callable:
    def convert(node):
        new = target(node.name, _gast_value(node.args), _gast_value(node.body), _gast_value(node.decorator_list),
                     _gast_value(node.returns), _gast_value(node.type_comment), [])
        _gast_copy_location(new, node)
        return new
    return convert


def _ast_converter(cls: type) -> Callable:
    name = cls.__name__
    target = getattr(ast, name, None)
    if target is None:
        return lambda node: None
    if name in BY_GAST:
        return GAstToAst3().visit
    special = {"Name": _ast_name, "Assign": _ast_assign, "arguments": _ast_arguments}.get(name)
    if special is not None:
        return special
    if name in ("FunctionDef", "AsyncFunctionDef") and MINOR < 12:
        return _ast_function(target)
    generic = _generic(target, cls._fields, cls._attributes, _ast_value, construct=True, converters=_TO_AST)
    return _ast_handler(generic) if name == "ExceptHandler" else generic


def _ast_name(node: gast.Name) -> ast.Name:
    new = ast.Name(node.id, _ast_value(node.ctx))
    _copy_location(new, node)
    return new


def _ast_assign(node: gast.Assign) -> ast.Assign:
    new = ast.Assign(_ast_value(node.targets), _ast_value(node.value))
    _copy_location(new, node)
    return new


def _ast_arg(node):
    if node is None:
        return None
    new = ast.arg(node.id, _ast_value(node.annotation), _ast_value(node.type_comment))
    _copy_location(new, node)
    return new


def _ast_arguments(node: gast.arguments) -> ast.arguments:
    return ast.arguments([_ast_arg(arg) for arg in node.posonlyargs], [_ast_arg(arg) for arg in node.args],
                         _ast_arg(node.vararg), [_ast_arg(arg) for arg in node.kwonlyargs],
                         _ast_value(node.kw_defaults), _ast_arg(node.kwarg), _ast_value(node.defaults))


def _ast_handler(generic: Callable) -> Callable:
    def convert(node):
        if not node.name:
            return generic(node)
        new = ast.ExceptHandler(_ast_value(node.type), node.name.id, _ast_value(node.body))
        _copy_location(new, node)
        return new
    return convert


def _ast_function(target: type) -> Callable:
    def convert(node):
        new = target(node.name, _ast_value(node.args), _ast_value(node.body), _ast_value(node.decorator_list),
                     _ast_value(node.returns), _ast_value(node.type_comment))
        _copy_location(new, node)
        return new
    return convert
