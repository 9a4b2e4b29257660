"""The cached call written into a private copy of the generated function: one Python frame
fewer on each call of a derived function (backend/dispatch.py writes the cached call).

The copy is compiled from the generated function's own text (registered in linecache by
frontend/define.py) under the same file name, so tracebacks show the same lines; it shares
the generated function's globals and closure cells (derivatives calling each other stay
linked), and `adjoint.source` still shows the generated code as it is. Its parameters are
those of the cached call (positional-only, defaulting to MISSING, `*rest, **kwargs`; or, for a
user's function whose parameters a call must each pass, by position or by name, those
parameters as they are), under the generated function's names: the argument types are
compared first, anything else goes to the general path as the cached call would send it, and
the body runs inside the cached call's `try`, each `return` looking at what it returns as the
cached call's tail does.

    def grad_f(x=_call_missing, /, *_call_rest, **_call_kwargs):
        if _call_rest or _call_kwargs:
            return _call_general(...)
        if not (_call_type(x) is _call_t0):
            return _call_general(...)
        try:
            ...                                  # the generated body
            _call_result = dx                    # was `return dx`
            if _call_type(_call_result) is _call_float or ...:
                return _call_result
            raise _call_failed(_call_complex_gradient())
        except _call_failures as _call_error:
            raise _call_failed(_call_error) from None

The names it adds carry a prefix no name of the generated text begins with, and are closure
cells (the copy reads the user's module as its globals: `type` there may be another thing).
Functions of more than MAX_LINES lines, with defaults, keyword-only or starred parameters, with
a `try` or `with` block (which could catch what the tail raises), or compiled otherwise (the
numba backend, a bound method's partial) keep the cached call of their own.
"""
from __future__ import annotations

import ast
import linecache
import re
import types
from typing import Callable, Dict, List, Optional, Set

MAX_LINES = 40  # longer functions: the frame saved is lost in their body's time (and copying costs)
_STARRED = 0x04 | 0x08  # CO_VARARGS | CO_VARKEYWORDS
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TAIL_NAMES = ("result", "value", "error", "rest", "kwargs")  # the cached call's own local names


def generated_text(function: Callable, width: int) -> Optional[str]:
    """The text function was compiled from (factory included), when a copy of it can take the
    cached call's place: a generated Python function of `width` plain parameters."""
    if type(function) is not types.FunctionType:
        return None
    code = function.__code__
    entry = linecache.cache.get(code.co_filename)
    if not code.co_filename.startswith("<adjoint ") or entry is None or len(entry) < 3:
        return None
    if function.__defaults__ is not None or function.__kwdefaults__ is not None or code.co_flags & _STARRED:
        return None
    if code.co_argcount != width or code.co_posonlyargcount or code.co_kwonlyargcount:
        return None
    return "".join(entry[2]) if len(entry[2]) <= MAX_LINES + 2 else None


def prefix_for(text: str) -> str:
    """A prefix that no identifier of text begins with."""
    prefix = "_call_"
    identifiers = set(_IDENTIFIER.findall(text))
    while any(identifier.startswith(prefix) for identifier in identifiers):
        prefix = "_" + prefix
    return prefix


def inlined(function: Callable, text: str, wrapper: List[str], tail: str, cells: Dict[str, object]) -> Optional[Callable]:
    """A copy of `function` (compiled from `text`) running as the cached call `wrapper`: lines
    of a `def call` with parameters a0, a1, ... (the generated function's, in order) whose last
    statement is a `try` with `pass` as its body. The generated body goes in that `try`, and
    `tail` (the cached call's source around `{call}`, see dispatch.GRAD_TAIL) at each return;
    cells are the names the wrapper reads."""
    module = ast.parse(text)
    factory = module.body[0]
    target = _definition(factory, function.__code__)
    if target is None:
        return None
    prefix = prefix_for(text)
    renamed = {name: prefix + name.lstrip("_") for name in list(cells) + list(_TAIL_NAMES)}
    parameters = parameters_of(function)
    renamed.update((f"a{position}", name) for position, name in enumerate(parameters))
    known = set(renamed.values())
    call = ast.parse("\n".join(wrapper)).body[0]
    if not _prepared(call, renamed, known, target):  # the wrapper's lines: the def's line
        return None
    returns = _ReturnsChecked(lambda where: _tail(tail, renamed, known, where))
    call.body[-1].body = returns.body(target.body)
    if not returns.valid:
        return None
    target.args, target.body = call.args, call.body
    extra = [renamed[name] for name in cells]
    factory.args.args += [ast.copy_location(ast.arg(arg=name), factory) for name in extra]
    factory_code = _code_named(compile(module, function.__code__.co_filename, "exec").co_consts, factory.name)
    code = _code_named(factory_code.co_consts if factory_code else (), function.__code__.co_name)
    if code is None:
        return None
    defaults = (cells["_missing"],) * len(parameters) if call.args.defaults else None  # `a0=_missing, ...`
    return _with_cells(function, code, {renamed[name]: value for name, value in cells.items()}, defaults)


def parameters_of(function: Callable) -> tuple:
    """The names of a generated function's parameters, in order."""
    return function.__code__.co_varnames[:function.__code__.co_argcount]


def _definition(factory: ast.AST, code: types.CodeType) -> Optional[ast.FunctionDef]:
    for node in getattr(factory, "body", ()):
        if isinstance(node, ast.FunctionDef) and node.name == code.co_name and node.lineno == code.co_firstlineno:
            return node
    return None


def _prepared(tree: ast.AST, renamed: Dict[str, str], known: Set[str], where: ast.AST) -> bool:
    """Rename tree's names (`renamed`) and put its nodes at where's line; whether it then reads
    known names alone (the copy runs in the user's globals, where even `type` may be something
    else: all the wrapper and the tail read is a cell or a parameter)."""
    reads_known = True
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            node.id = renamed.get(node.id, node.id)
            reads_known = reads_known and node.id in known
        elif isinstance(node, ast.arg):
            node.arg = renamed.get(node.arg, node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            node.name = renamed.get(node.name, node.name)
        if "lineno" in node._attributes:
            ast.copy_location(node, where)
    return reads_known


def _tail(tail: str, renamed: Dict[str, str], known: Set[str], where: ast.stmt) -> Optional[List[ast.stmt]]:
    """The tail at a `return`'s place: the assignment of the returned value (None as its value
    for now), then the statements after the tail's `try`; None if it reads an unknown name."""
    placeholder = renamed["result"] + "_placeholder"
    statements = ast.parse(tail.format(call=placeholder).strip("\n")).body
    attempt = statements[0]
    taken = attempt.body[0]
    taken.value = ast.Constant(value=None)
    checked = [taken] + statements[1:]
    if not all([_prepared(statement, renamed, known, where) for statement in checked]):
        return None
    return checked


class _ReturnsChecked:
    """Each `return X` of the generated body (not of a function inside it) -> `target = X`,
    then the tail's check and return. Returns are statements: only statement lists are walked."""

    _NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    # A block that may catch what the tail raises (or swallow it, a context manager's exit):
    # the body is not copied.
    _CATCHING = (ast.Try, getattr(ast, "TryStar", ast.Try), ast.With, ast.AsyncWith)
    _BLOCKS = ("body", "orelse", "finalbody")

    def __init__(self, tail: Callable[[ast.stmt], Optional[List[ast.stmt]]]):
        self.tail, self.valid = tail, True

    def body(self, statements: List[ast.stmt]) -> List[ast.stmt]:
        rewritten = []
        for statement in statements:
            if isinstance(statement, ast.Return):
                rewritten += self._checked(statement)
                continue
            if isinstance(statement, self._CATCHING):
                self.valid = False
            elif not isinstance(statement, self._NESTED):
                self._inside(statement)
            rewritten.append(statement)
        return rewritten

    def _inside(self, statement: ast.stmt) -> None:
        for block in self._BLOCKS:
            inner = getattr(statement, block, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                setattr(statement, block, self.body(inner))
        for handler in getattr(statement, "handlers", ()):
            handler.body = self.body(handler.body)
        for case in getattr(statement, "cases", ()):  # match (Python 3.10 on)
            case.body = self.body(case.body)

    def _checked(self, node: ast.Return) -> List[ast.stmt]:
        replaced = self.tail(node)
        if replaced is None:
            self.valid = False
            return [node]
        if node.value is not None:
            replaced[0].value = node.value
        return replaced


def _code_named(constants: tuple, name: str) -> Optional[types.CodeType]:
    for constant in constants:
        if isinstance(constant, types.CodeType) and constant.co_name == name:
            return constant
    return None


def _with_cells(function: Callable, code: types.CodeType, added: Dict[str, object],
                defaults: Optional[tuple]) -> Optional[Callable]:
    """The function of `code` with function's globals, its closure cells, new cells for `added`
    and these defaults."""
    cells = dict(zip(function.__code__.co_freevars, function.__closure__ or ()))
    closure = []
    for name in code.co_freevars:
        if name in cells:
            closure.append(cells[name])
        elif name in added:
            closure.append(types.CellType(added[name]))
        else:
            return None
    copied = types.FunctionType(code, function.__globals__, function.__name__, defaults, tuple(closure))
    copied.__qualname__ = function.__name__  # what a call that cannot bind names in its TypeError
    return copied
