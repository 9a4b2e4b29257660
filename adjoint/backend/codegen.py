"""gast tree -> Python source: astor's text (astor_text.py writes most of it, astor the rest; ast.unparse
where astor fails). This module and astor_text.py are the ones that import astor."""
from __future__ import annotations

import ast
import re
from typing import Iterator, Set, Tuple

import gast

from adjoint import nodes
from adjoint.backend.printable import printable, signed_numbers
from adjoint.frontend.conversion import MINOR, MIRRORED, to_ast

try:
    import astor
    from adjoint.backend import astor_text
except ImportError:  # pragma: no cover - astor is a dependency; ast.unparse is the fallback
    astor = astor_text = None

_COMMENT = re.compile(r"^(\s*)" + nodes.COMMENT_MARKER + r"\((\d+)\)$")


def tidy_comments(block):
    """Drop comments whose code was optimized away, and repeats of the comment just above."""
    out = []
    previous = None
    for index, stmt in enumerate(block):
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner:
                setattr(stmt, field, tidy_comments(inner) or [gast.Pass()])
        if nodes.is_comment(stmt):
            following = block[index + 1] if index + 1 < len(block) else None
            text = stmt.value.args[0].value
            if following is None or nodes.is_comment(following) or isinstance(following, gast.Return):
                continue
            if text == previous:
                continue
            previous = text
        out.append(stmt)
    return out


def to_source(func_node: gast.FunctionDef) -> str:
    """Source text of a function; comment statements become `# ...` lines."""
    return render(func_node)[0]


def render(func_node: gast.FunctionDef) -> Tuple[str, Set[str]]:
    """(to_source's text, the identifiers of every name in the function as printed)."""
    func_node.body = tidy_comments(func_node.body)
    texts = []
    for stmt in _statements(func_node):
        if nodes.is_comment(stmt):
            texts.append(stmt.value.args[0].value)
            stmt.value.args[0] = gast.Constant(value=len(texts) - 1, kind=None)
    text, identifiers = _text(func_node)
    return "\n".join(_render_comment(line, texts) for line in text.splitlines()) + "\n", identifiers


def statement_positions(func_node: gast.FunctionDef) -> list:
    """For each statement of a rendered function, in the order of its source, the position of the
    user's code it was made for (lineno, col_offset, end_lineno, end_col_offset), or None."""
    return [(stmt.lineno, getattr(stmt, "col_offset", 0), getattr(stmt, "end_lineno", stmt.lineno),
             getattr(stmt, "end_col_offset", None)) if getattr(stmt, "lineno", None) else None
            for stmt in _statements(func_node) if not nodes.is_comment(stmt)]  # comments are no statements there


def _statements(node: gast.AST) -> Iterator[gast.stmt]:
    """Every statement under node, wherever a statement may stand, without walking expressions."""
    for field in node._fields:
        value = getattr(node, field, None)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, gast.stmt):
                    yield item
                if isinstance(item, _HOLDING_STATEMENTS):
                    yield from _statements(item)


_HOLDING_STATEMENTS = (gast.stmt, gast.excepthandler, getattr(gast, "match_case", gast.stmt))


def _text(func_node: gast.FunctionDef) -> Tuple[str, Set[str]]:
    """(the function's text as astor writes it, the identifiers of every name in it)."""
    if astor is not None and MIRRORED and MINOR >= 9:  # astor_text writes slices as Python 3.9's ast holds them
        try:
            return astor_text.function_text(func_node)
        except astor_text.LeftToAstor:
            pass
    tree, identifiers = printable(func_node)  # text from the tree alone: no positions needed
    return _unparse(tree, func_node), identifiers


def _unparse(tree: ast.AST, func_node: gast.FunctionDef) -> str:
    if astor is not None:
        try:
            return astor.to_source(tree)
        except Exception:  # astor predates some node types of newer Pythons
            pass
    return ast.unparse(signed_numbers(to_ast(func_node)))


def _render_comment(line: str, texts) -> str:
    match = _COMMENT.match(line)
    if not match:
        return line
    indent, index = match.groups()
    return f"{indent}# {texts[int(index)]}"
