"""The source of a lambda, as the FunctionDef `def <lambda>(args): return body`.

`inspect.getsource` of a lambda gives the lines it starts on, often not a statement of its
own (`acts = {'tanh': lambda x: ...,`), so the lambda is found in its whole file, by its line
and parameter names; between lambdas of one line with the same parameters, by the columns of
its code where Python records them (3.11+), else by its instructions.
"""
from __future__ import annotations

import ast
import dis
import functools
import inspect
import linecache
from typing import Callable, List, Tuple

import gast

from adjoint.errors import AdjointError

LAMBDA_NAME = "<lambda>"


def parse_lambda(func: Callable):
    """(FunctionDef, SourceInfo) of the lambda `func`, its line numbers those of its file."""
    from adjoint.frontend.parse import SourceInfo, SourceUnavailableError
    from adjoint.frontend.private_names import mangle
    from adjoint.frontend.source_match import enclosing_class

    filename = inspect.getsourcefile(func) or ""
    linecache.checkcache(filename)  # the file as it is now, as inspect reads it (a reload may have changed it)
    lines = tuple(line.rstrip("\n") for line in linecache.getlines(filename, func.__globals__))
    if not lines:
        raise SourceUnavailableError(f"the source of the lambda {func!r} is not available; define it in a file")
    info = SourceInfo(filename, 1, lines, 0)
    found = _candidates(_module(filename, lines), func)
    line = func.__code__.co_firstlineno
    if not found:
        raise SourceUnavailableError(
            f"no lambda with these parameters starts on line {line} of the file as it is now: the file changed "
            "after the lambda was made; reload its module (importlib.reload) or run its definition again",
            info.location(gast.Pass(lineno=line, col_offset=0)))
    if len(found) != 1:
        what = "more than one lambda with these parameters"
        raise AdjointError(f"cannot tell which lambda this is: {what} on line {line}; give it a name with `def`",
                           info.location(gast.Pass(lineno=line, col_offset=0)))
    node = found[0]
    mangle(node, enclosing_class(getattr(func.__code__, "co_qualname", func.__qualname__)))
    if _instructions(_compiled(node, func.__code__.co_filename)) != _instructions(func.__code__):
        raise SourceUnavailableError(
            "the source of this lambda in its file is not the code Python runs for it: the file changed after "
            "the lambda was made; reload its module (importlib.reload) or run its definition again",
            info.location(node))
    body = gast.Return(value=node.body)
    gast.copy_location(body, node.body)
    function = gast.FunctionDef(name=LAMBDA_NAME, args=node.args, body=[body], decorator_list=[], returns=None,
                                type_comment=None, type_params=[])
    gast.copy_location(function, node)
    return function, info


@functools.lru_cache(maxsize=32)
def _module(filename: str, lines: Tuple[str, ...]) -> gast.Module:
    return gast.parse("\n".join(lines) + "\n")


def _candidates(module: gast.Module, func: Callable) -> List[gast.Lambda]:
    code = func.__code__
    names = list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])
    found = [node for node in gast.walk(module) if isinstance(node, gast.Lambda)
             and node.lineno == code.co_firstlineno and _parameters(node) == names]
    if len(found) > 1 and hasattr(code, "co_positions"):
        spots = {(line, column) for line, _, column, _ in code.co_positions() if line and column}
        found = [node for node in found if any(_inside(node.body, spot) for spot in spots)]
    elif len(found) > 1:
        found = [node for node in found if _instructions(_compiled(node, code.co_filename)) == _instructions(code)]
    return found


# The instructions that carry what a lambda computes: the values and names it loads (from a
# closure where it was written, from globals where a candidate is compiled alone) and its
# operators; how a version of Python sets up a call or a frame differs between the two.
_CARRIERS = ("LOAD_", "BINARY_", "UNARY_", "COMPARE_", "CONTAINS_OP", "IS_OP")


def _instructions(code) -> List[tuple]:
    found: List[tuple] = []
    for i in dis.get_instructions(code):
        if i.opname == "MAKE_FUNCTION" and found and found[-1][0] == "LOAD" and isinstance(found[-1][1], str):
            found[-1] = ("LOAD", "<qualname>")  # a nested function's (Python 3.9, 3.10): where it was compiled
        if i.opname.startswith(_CARRIERS):
            found.append(("LOAD" if i.opname.startswith("LOAD_") else i.opname,
                          i.argval.co_name if inspect.iscode(i.argval) else i.argval))
    return found


def _compiled(node: gast.Lambda, filename: str):
    """The code object of the lambda `node`, compiled on its own."""
    expression = ast.fix_missing_locations(ast.Expression(body=gast.gast_to_ast(node)))
    module = compile(expression, filename, "eval")
    return next(c for c in module.co_consts if inspect.iscode(c))


def _parameters(node: gast.Lambda) -> List[str]:
    return [arg.id for arg in node.args.posonlyargs + node.args.args + node.args.kwonlyargs]


def _inside(node: gast.expr, spot: Tuple[int, int]) -> bool:
    start = (node.lineno, node.col_offset)
    end = (node.end_lineno, node.end_col_offset)
    return start <= spot < end
