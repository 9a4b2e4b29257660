"""The text astor.to_source gives a derivative, written straight from the gast tree.

codegen used to convert the whole derivative to a Python `ast` tree (printable.py) and hand it to
astor, whose generic visitor writes a token at a time and then measures every line to wrap the
long ones: a tenth of a 50-line function's generation. The statements and expressions the
compiler writes (assignments, calls, arithmetic, `if`, loops) are written here directly, with
astor's parentheses (its precedences: `astor.op_util`), spacing and spelling of numbers, and the
identifiers of the names met on the way, which codegen returns too.

Everything else astor still writes, one statement at a time (its text of a statement does not
depend on the statements around it): a statement holding a node not written here, a string at
the start of a line (astor may write it with triple quotes) or one holding a line break, and a
statement with a line longer than astor's limit (which astor wraps). A function whose own line
is long, or that has decorators, annotations or positional-only parameters, is left to astor
whole (`LeftToAstor`), as is one with a statement astor cannot write either.
"""
from __future__ import annotations

import math
from typing import Callable, Dict, List, Set

import gast
from astor.code_gen import SourceGenerator
from astor.op_util import Precedence, precedence_data, symbol_data
from astor.source_repr import pretty_source

from adjoint.backend.printable import is_negative, printable

INDENT = "    "
MAX_LINE = 79  # astor.source_repr.split_lines: a longer line is wrapped


class Unsupported(Exception):
    """A node (or a line) this module leaves to astor: its statement is written by astor."""


class LeftToAstor(Exception):
    """A function this module leaves to astor whole."""


def _by_gast_class(table: dict) -> dict:
    """astor's table by ast class, keyed by the gast class of the same name."""
    found = {}
    for cls, value in table.items():
        twin = getattr(gast, getattr(cls, "__name__", ""), None)
        if twin is not None:
            found[twin] = value
    return found


_PRECEDENCE = _by_gast_class(precedence_data)
_SYMBOL = _by_gast_class(symbol_data)
_HIGHEST = Precedence.highest  # what astor takes for a node whose parent set no precedence


def function_text(func: gast.FunctionDef) -> tuple:
    """(astor.to_source's text of func's `ast` tree, the identifiers of every name in func)."""
    if func.decorator_list or func.returns is not None or getattr(func, "type_params", None):
        raise LeftToAstor("a function header astor writes")
    writer = _Writer()
    try:
        header = f"def {func.name}({writer.parameters(func.args)}):"
    except Unsupported:
        raise LeftToAstor("parameters astor writes") from None
    if len(header) > MAX_LINE:
        raise LeftToAstor("a long header line")
    lines = [header]
    writer.body(func.body, 1, lines)
    return "\n".join(lines) + "\n", writer.names


class _Writer:
    def __init__(self):
        self.names: Set[str] = set()

    # ----- statements --------------------------------------------------------------------------

    def body(self, statements: List[gast.stmt], level: int, lines: List[str]) -> None:
        for stmt in statements:
            start = len(lines)
            try:
                self.statement(stmt, level, lines)
            except Unsupported:
                del lines[start:]
                lines.extend(self.astor_statement(stmt, level))

    def statement(self, stmt: gast.stmt, level: int, lines: List[str]) -> None:
        write = _STATEMENTS.get(stmt.__class__)
        if write is None:
            raise Unsupported(stmt.__class__.__name__)
        write(self, stmt, level, lines)

    def line(self, level: int, text: str, lines: List[str]) -> None:
        text = INDENT * level + text
        if len(text) > MAX_LINE:
            raise Unsupported("a long line")
        lines.append(text)

    def astor_statement(self, stmt: gast.stmt, level: int) -> List[str]:
        """astor's lines of one statement at this depth (what they are within the whole function)."""
        tree, names = printable(stmt)
        self.names |= names
        generator = SourceGenerator(INDENT)
        generator.indentation = level
        try:
            generator.visit(tree)
        except Exception:  # a node astor does not know: codegen writes the function otherwise
            raise LeftToAstor(stmt.__class__.__name__) from None
        generator.result.append("\n")  # as astor.to_source: split_lines ends a line at the next break
        return pretty_source(generator.result)[1:-1].split("\n")  # between the breaks around the statement

    def _assign(self, stmt, level, lines):
        targets = "".join([self.expr(target, Precedence.Assign) + " = " for target in stmt.targets])
        self.line(level, targets + self.expr(stmt.value, Precedence.Assign), lines)

    def _aug_assign(self, stmt, level, lines):
        text = (self.expr(stmt.target, Precedence.AugAssign) + " " + _SYMBOL[stmt.op.__class__] + "= "
                + self.expr(stmt.value, Precedence.AugAssign))
        self.line(level, text, lines)

    def _expr(self, stmt, level, lines):
        text = self.expr(stmt.value, Precedence.Expr)
        if text[:1] in ("'", '"'):
            raise Unsupported("a string at the start of a line")
        self.line(level, text, lines)

    def _return(self, stmt, level, lines):
        value = "" if stmt.value is None else " " + self.expr(stmt.value, Precedence.Return)
        self.line(level, "return" + value, lines)

    def _word(self, stmt, level, lines):
        self.line(level, _WORDS[stmt.__class__], lines)

    def _raise(self, stmt, level, lines):
        text = "raise"
        if stmt.exc is not None:
            text += " " + self.expr(stmt.exc, _HIGHEST)
            if stmt.cause is not None:
                text += " from " + self.expr(stmt.cause, _HIGHEST)
        self.line(level, text, lines)

    def _assert(self, stmt, level, lines):
        message = "" if stmt.msg is None else ", " + self.expr(stmt.msg, Precedence.Assert)
        self.line(level, "assert " + self.expr(stmt.test, Precedence.Assert) + message, lines)

    def _delete(self, stmt, level, lines):
        self.line(level, "del " + ", ".join([self.expr(t, Precedence.Comma) for t in stmt.targets]), lines)

    def _if(self, stmt, level, lines):
        self.line(level, "if " + self.expr(stmt.test, Precedence.If) + ":", lines)
        self.body(stmt.body, level + 1, lines)
        orelse = stmt.orelse
        while len(orelse) == 1 and orelse[0].__class__ is gast.If:
            self.line(level, "elif " + self.expr(orelse[0].test, Precedence.If) + ":", lines)
            self.body(orelse[0].body, level + 1, lines)
            orelse = orelse[0].orelse
        self._else(orelse, level, lines)

    def _for(self, stmt, level, lines):
        text = "for " + self.expr(stmt.target, Precedence.For) + " in " + self.expr(stmt.iter, _HIGHEST) + ":"
        self.line(level, text, lines)
        self.body(stmt.body, level + 1, lines)
        self._else(stmt.orelse, level, lines)

    def _while(self, stmt, level, lines):
        self.line(level, "while " + self.expr(stmt.test, Precedence.While) + ":", lines)
        self.body(stmt.body, level + 1, lines)
        self._else(stmt.orelse, level, lines)

    def _else(self, orelse, level, lines):
        if orelse:
            self.line(level, "else:", lines)
            self.body(orelse, level + 1, lines)

    def parameters(self, args: gast.arguments) -> str:
        """astor's visit_arguments, for parameters without annotations or positional-only ones."""
        if args.posonlyargs:
            raise Unsupported("positional-only parameters")
        written = self._parameters(args.args, args.defaults)
        if args.vararg is not None:
            written.append("*" + self._parameter(args.vararg))
        if args.kwonlyargs:
            if args.vararg is None:
                written.append("*")
            written += self._parameters(args.kwonlyargs, args.kw_defaults)
        if args.kwarg is not None:
            written.append("**" + self._parameter(args.kwarg))
        return ", ".join(written)

    def _parameters(self, params, defaults) -> List[str]:
        defaults = [None] * (len(params) - len(defaults)) + list(defaults)
        return [self._parameter(param) + ("" if default is None else "=" + self.expr(default, Precedence.Comma))
                for param, default in zip(params, defaults)]

    def _parameter(self, param: gast.Name) -> str:
        if param.__class__ is not gast.Name or param.annotation is not None:
            raise Unsupported("an annotated parameter")
        self.names.add(param.id)
        return param.id

    # ----- expressions: the text of node where its parent set the precedence `outer` -------------

    def expr(self, node: gast.expr, outer: int) -> str:
        write = _EXPRESSIONS.get(node.__class__)
        if write is None:
            raise Unsupported(node.__class__.__name__)
        return write(self, node, outer)

    def _name(self, node, outer):
        self.names.add(node.id)
        return node.id

    def _constant(self, node, outer):
        value = node.value
        if isinstance(value, (int, float, complex)):  # a negative number binds as a unary minus (printable._signed)
            own = _PRECEDENCE[gast.USub] if is_negative(value) else _PRECEDENCE[gast.Constant]
            return _delimited(_number(value), own, outer)
        if isinstance(value, str):
            if node.kind or "\n" in value:
                raise Unsupported("a string astor may write over lines")
            return repr(value)  # on a line with text before it (see _expr): astor's pretty_string gives repr
        return "..." if value is Ellipsis else repr(value)

    def _attribute(self, node, outer):
        return self.expr(node.value, _HIGHEST) + "." + node.attr

    def _call(self, node, outer):
        args, keywords = node.args, node.keywords
        inner = Precedence.Comma if len(args) + len(keywords) > 1 else Precedence.call_one_arg
        func = self.expr(node.func, _HIGHEST)
        written = [self.expr(arg, inner) for arg in args]
        for keyword in keywords:
            value = self.expr(keyword.value, Precedence.Comma)
            written.append(keyword.arg + "=" + value if keyword.arg else "**" + value)
        return func + "(" + ", ".join(written) + ")"

    def _starred(self, node, outer):
        return "*" + self.expr(node.value, _HIGHEST)

    def _bin_op(self, node, outer):
        op = node.op.__class__
        own = _PRECEDENCE[op]
        if op is gast.Pow:
            left, right = self.expr(node.left, Precedence.Pow + 1), self.expr(node.right, Precedence.PowRHS)
        else:
            left, right = self.expr(node.left, own), self.expr(node.right, own + 1)
        return _delimited(left + " " + _SYMBOL[op] + " " + right, own, outer)

    def _bool_op(self, node, outer):
        own = _PRECEDENCE[node.op.__class__]
        separator = " " + _SYMBOL[node.op.__class__] + " "
        return _delimited(separator.join([self.expr(value, own + 1) for value in node.values]), own, outer)

    def _compare(self, node, outer):
        own = _PRECEDENCE[node.ops[0].__class__]
        text = self.expr(node.left, own + 1)
        for op, right in zip(node.ops, node.comparators):
            text += " " + _SYMBOL[op.__class__] + " " + self.expr(right, own + 1)
        return _delimited(text, own, outer)

    def _unary_op(self, node, outer):
        own = _PRECEDENCE[node.op.__class__]
        symbol = _SYMBOL[node.op.__class__]
        return _delimited(symbol + (" " if symbol.isalpha() else "") + self.expr(node.operand, own), own, outer)

    def _if_exp(self, node, outer):
        own = Precedence.IfExp
        text = (self.expr(node.body, own + 1) + " if " + self.expr(node.test, own + 1) + " else "
                + self.expr(node.orelse, own))
        return _delimited(text, own, outer)

    def _subscript(self, node, outer):
        return self.expr(node.value, _HIGHEST) + "[" + self.expr(node.slice, Precedence.Subscript) + "]"

    def _slice(self, node, outer):
        text = "" if node.lower is None else self.expr(node.lower, Precedence.Slice)
        text += ":" + ("" if node.upper is None else self.expr(node.upper, Precedence.Slice))
        step = node.step
        if step is not None:
            text += ":"
            if step.__class__ is gast.Name and step.id == "None":
                self.names.add(step.id)  # not written, but a name of the tree
            else:
                text += self.expr(step, Precedence.Slice)
        return text

    def _tuple(self, node, outer):
        items = [self.expr(item, Precedence.Comma) for item in node.elts]
        text = ", ".join(items) + ("," if len(items) == 1 else "")
        return text if items and Precedence.Tuple >= outer else "(" + text + ")"

    def _list(self, node, outer):
        return "[" + ", ".join([self.expr(item, Precedence.Comma) for item in node.elts]) + "]"

    def _set(self, node, outer):
        if not node.elts:
            return "{1}.__class__()"
        return "{" + ", ".join([self.expr(item, Precedence.Comma) for item in node.elts]) + "}"

    def _dict(self, node, outer):
        items = []
        for key, value in zip(node.keys, node.values):
            value = self.expr(value, Precedence.Comma)
            items.append("**" + value if key is None else self.expr(key, _HIGHEST) + ": " + value)
        return "{" + ", ".join(items) + "}"


def _delimited(text: str, own: int, outer: int) -> str:
    """astor's Delimit: parentheses unless the node binds at least as tightly as its place asks."""
    return text if own >= outer else "(" + text + ")"


def _number(value) -> str:
    """astor's _handle_numeric_constant."""
    def part(number, imaginary: bool) -> str:
        suffix = "j" if imaginary else ""
        try:
            if math.isinf(number):
                return ("-1e1000" if number < 0 else "1e1000") + suffix
            if math.isnan(number):
                return f"(1e1000{suffix}-1e1000{suffix})"
        except OverflowError:  # an integer too large for a float
            pass
        return repr(number) + suffix

    if not isinstance(value, complex):
        return part(value, False)
    real, imag = part(value.real, False), part(value.imag, True)
    if value.real == 0:
        return imag
    if value.imag == 0:
        return f"({real}+0j)"
    return "(" + real + ("" if imag.startswith("-") else "+") + imag + ")"


_WORDS = {gast.Pass: "pass", gast.Break: "break", gast.Continue: "continue"}
_STATEMENTS: Dict[type, Callable] = {
    gast.Assign: _Writer._assign, gast.AugAssign: _Writer._aug_assign, gast.Expr: _Writer._expr,
    gast.Return: _Writer._return, gast.Pass: _Writer._word, gast.Break: _Writer._word,
    gast.Continue: _Writer._word, gast.Raise: _Writer._raise, gast.Assert: _Writer._assert,
    gast.Delete: _Writer._delete, gast.If: _Writer._if, gast.For: _Writer._for, gast.While: _Writer._while,
}
_EXPRESSIONS: Dict[type, Callable] = {
    gast.Name: _Writer._name, gast.Constant: _Writer._constant, gast.Attribute: _Writer._attribute,
    gast.Call: _Writer._call, gast.Starred: _Writer._starred, gast.BinOp: _Writer._bin_op,
    gast.BoolOp: _Writer._bool_op, gast.Compare: _Writer._compare, gast.UnaryOp: _Writer._unary_op,
    gast.IfExp: _Writer._if_exp, gast.Subscript: _Writer._subscript, gast.Slice: _Writer._slice,
    gast.Tuple: _Writer._tuple, gast.List: _Writer._list, gast.Set: _Writer._set, gast.Dict: _Writer._dict,
}
