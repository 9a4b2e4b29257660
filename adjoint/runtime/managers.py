"""`with` blocks in the primal sweep (normalize/desugar.py): `_ctx = m; v = enter_context(_ctx); body;
exit_context(_ctx)`. The block runs as written, its exceptions not handed to the manager, so a manager
that may swallow them (and so leave the block where one is raised, Python going on after it) is refused.
"""
from __future__ import annotations

import ast
import contextlib
import functools
import inspect
import textwrap

from adjoint.runtime.refusals import Refused


def enter_context(manager):
    """`with manager:` as a statement of the primal sweep: the manager's __enter__ value."""
    if may_swallow(manager):
        name = manager.func.__name__ if isinstance(manager, contextlib._GeneratorContextManager) else type(manager).__name__
        raise Refused(f"the manager of this `with` ({name}) may swallow an exception of its block, which the derivative "
                      "does not follow: it runs the block without the manager, so an exception swallowed in Python stops "
                      "the derivative; test for the failing case with `if` instead")
    return type(manager).__enter__(manager)


def exit_context(manager):
    """The end of a `with` block that did not raise."""
    type(manager).__exit__(manager, None, None, None)


def may_swallow(manager) -> bool:
    """contextlib.suppress; a @contextmanager generator with a `try ... except` around its `yield`; a
    manager whose class's __exit__ (in Python) may return a value other than None or False."""
    if isinstance(manager, contextlib.suppress):
        return True
    if isinstance(manager, contextlib._GeneratorContextManager):
        return _catches_around_yield(manager.func)
    return _may_return_true(type(manager).__exit__)


def _read_once(question):
    """The question asked of a function's source once per code object (each `with` of each call of a
    derivative asks it; new code, as an edit or %autoreload gives, is asked anew)."""
    by_code = functools.lru_cache(maxsize=256)(lambda code, func: question(func))

    def asked(func) -> bool:
        code = getattr(func, "__code__", None)
        return question(func) if code is None else by_code(code, func)
    return asked


@_read_once
def _may_return_true(exit_method) -> bool:
    tree = _source_tree(exit_method)
    return tree is not None and any(isinstance(node, ast.Return) and node.value is not None and not (
        isinstance(node.value, ast.Constant) and node.value.value in (None, False)) for node in ast.walk(tree))


@_read_once
def _catches_around_yield(generator_function) -> bool:
    tree = _source_tree(generator_function)
    return tree is not None and any(isinstance(node, ast.Try) and node.handlers and any(
        isinstance(inner, (ast.Yield, ast.YieldFrom)) for part in node.body for inner in ast.walk(part))
        for node in ast.walk(tree))


def _source_tree(func):
    """func's parsed source; None for one without (a method written in C, taken to swallow nothing)."""
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError):
        return None
