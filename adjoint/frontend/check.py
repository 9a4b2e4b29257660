"""The language adjoint differentiates: a whitelist of syntax; everything else is refused with a location."""
from __future__ import annotations

from typing import List

import gast

from adjoint import nodes
from adjoint.errors import NonScalarOutputError, UnsupportedSyntaxError
from adjoint.frontend.parse import SourceInfo

ALLOWED_STATEMENTS = (
    gast.Assign, gast.AugAssign, gast.AnnAssign, gast.Expr, gast.Return, gast.If, gast.For,
    gast.While, gast.Break, gast.Continue, gast.Pass, gast.Assert, gast.With, gast.Raise,
)
ALLOWED_EXPRESSIONS = (
    gast.BinOp, gast.UnaryOp, gast.BoolOp, gast.Compare, gast.Call, gast.IfExp, gast.Name,
    gast.Constant, gast.Attribute, gast.Subscript, gast.Slice, gast.Tuple, gast.List, gast.Dict,
    gast.JoinedStr, gast.FormattedValue, gast.NamedExpr,
)

REFUSED = {
    "Lambda": ("lambda", "`lambda` is not supported; define the function with `def` at module level"),
    "ListComp": ("comprehension", "list comprehensions are not supported; build the list with a `for` loop and `append`"),
    "SetComp": ("comprehension", "set comprehensions are not supported"),
    "DictComp": ("comprehension", "dict comprehensions are not supported"),
    "GeneratorExp": ("generator expression", "generator expressions are not supported; use a `for` loop"),
    "Set": ("set", "set literals are supported only with constant elements (`skip = {3, 5}`): a set's order "
                   "is not the order of its elements, so no derivative follows values through it"),
    "Starred": ("starred", "starred expressions (`*x`) are not supported; pass the arguments one by one"),
    "Yield": ("yield", "`yield` is not supported: generators are not differentiable"),
    "YieldFrom": ("yield", "`yield from` is not supported: generators are not differentiable"),
    "Await": ("await", "`await` is not supported: async code is not differentiable"),
    "Try": ("try", "`try` statements are not supported: an exception may leave the block half run, which the "
                   "derivative cannot follow; test the input with `if ...: raise ...` instead, or catch the "
                   "exception around the call of the derived function"),
    "TryStar": ("try", "`try` statements are not supported: an exception may leave the block half run, which the "
                       "derivative cannot follow; test the input with `if ...: raise ...` instead"),
    "Global": ("global", "`global` is not supported: a differentiated function may not rebind globals"),
    "Nonlocal": ("nonlocal", "`nonlocal` is not supported: a differentiated function may not rebind outer names"),
    "Delete": ("del", "`del` is supported for names in the function's own body that nothing after it uses "
                      "(not in a branch or loop), and for items and slices of local names (`del xs[i]`, `del d[k]`, "
                      "`del xs[i:j]`), not for attributes"),
    "Import": ("import", "`import` is supported in the function's own body (not in a branch, a loop or a local "
                         "function), binding a name nothing else assigns or reads before; import at module level"),
    "ImportFrom": ("import", "`from ... import` is supported in the function's own body (not in a branch, a loop or "
                             "a local function), absolute, binding names nothing else assigns or reads before; "
                             "import at module level"),
    "ClassDef": ("class", "class definitions inside a differentiated function are not supported"),
    "FunctionDef": ("def", "nested function definitions are not supported; define the function at module level"),
    "AsyncFunctionDef": ("async", "`async def` is not supported"),
    "AsyncFor": ("async", "`async for` is not supported"),
    "AsyncWith": ("async", "`async with` is not supported"),
    "Match": ("match", "`match` statements are not supported; use `if`/`elif`"),
    "TypeAlias": ("type", "`type` aliases are not supported inside a differentiated function"),
}


def _refuse(node: gast.AST, info: SourceInfo, construct: str, message: str) -> UnsupportedSyntaxError:
    return UnsupportedSyntaxError(construct, message, info.location(node))


def _check_statement(node: gast.stmt, info: SourceInfo) -> None:
    if isinstance(node, gast.With):
        _check_with(node, info)
    for target in getattr(node, "targets", None) or [getattr(node, "target", None)]:
        if target is not None:
            _check_target(target, info)


def is_insert_grad_of(node: gast.With) -> bool:
    """`with adjoint.insert_grad_of(x) as dx:` (its block runs in the backward pass)."""
    call = node.items[0].context_expr
    return (isinstance(call, gast.Call)
            and (getattr(call.func, "attr", None) or getattr(call.func, "id", None)) == "insert_grad_of")


def _check_with(node: gast.With, info: SourceInfo) -> None:
    """insert_grad_of takes one `as` name; any other `with` runs its block between the managers'
    `__enter__` and `__exit__` (see normalize/desugar.py), which a jump out of it would skip."""
    if is_insert_grad_of(node):
        if len(node.items) != 1 or not isinstance(node.items[0].optional_vars, gast.Name):
            raise _refuse(node, info, "with", "`with` is supported as `with adjoint.insert_grad_of(x) as dx:`")
        return
    for item in node.items:
        if item.optional_vars is not None and not isinstance(item.optional_vars, gast.Name):
            raise _refuse(item.optional_vars, info, "with", "`with ... as` binds one name here")
    for inner in _walk_statements(node.body):
        if isinstance(inner, (gast.Return, gast.Break, gast.Continue)):
            keyword = type(inner).__name__.lower()
            raise _refuse(inner, info, keyword, f"`{keyword}` inside a `with` block is not supported: the "
                          "block's end (the manager's `__exit__`) would be skipped; leave the block first")


def _walk_statements(body):
    """Statements of body, nested ones too, not those of functions defined inside."""
    for stmt in body:
        yield stmt
        for field in ("body", "orelse", "handlers", "finalbody"):
            yield from _walk_statements(getattr(stmt, field, None) or [])


def _check_target(target: gast.expr, info: SourceInfo) -> None:
    if isinstance(target, gast.Attribute):
        raise _refuse(target, info, "attribute assignment", _write_through_a_chain(target)
                      or "attribute assignment (`obj.attr = ...`) is not supported")
    if isinstance(target, (gast.Tuple, gast.List)):
        for element in target.elts:
            _check_target(element.value if isinstance(element, gast.Starred) else element, info)


def _write_through_a_chain(target: gast.Attribute) -> str:
    """The message for a field written through a chain of attributes (`osc.params.m = v`), saying
    which new records to build instead; '' for another target."""
    names = []
    node: gast.expr = target
    while isinstance(node, gast.Attribute):
        names.insert(0, node.attr)
        node = node.value
    if not isinstance(node, gast.Name) or len(names) < 2:
        return ""
    names.insert(0, node.id)
    rebuilt = "..."
    for depth in range(len(names) - 1, 0, -1):
        rebuilt = f"dataclasses.replace({'.'.join(names[:depth])}, {names[depth]}={rebuilt})"
    owner = ".".join(names[:-1])
    return (f"writing `{'.'.join(names)}`, a field reached through a chain of attributes, is not supported: Python "
            f"changes the record `{owner}` in place, which the caller (or another record) may hold; rebind "
            f"`{node.id}` to new records instead: `{node.id} = {rebuilt}` (`r._replace(f=...)` in place of "
            "`dataclasses.replace(r, f=...)` where `r` is a NamedTuple), then read the fields from it")


def _is_starred_target(node: gast.AST) -> bool:
    """`*rest` in `a, *rest = x` (Python allows one per tuple target)."""
    return isinstance(node, gast.Starred) and isinstance(node.ctx, gast.Store)


def _check_call(node: gast.Call, info: SourceInfo, func_node: gast.FunctionDef) -> None:
    for keyword in node.keywords:
        if keyword.arg is None:
            raise _refuse(keyword.value, info, "**kwargs", _spread_of_own_rest(keyword.value, func_node)
                          or "`**` argument unpacking is not supported")


def _spread_of_own_rest(value: gast.expr, func_node: gast.FunctionDef) -> str:
    """The message for `f(*args)` or `f(**kwargs)` spreading the differentiated function's own
    `*args` or `**kwargs` (a decorator's wrapper that does more than call what it wraps); '' else."""
    own = [rest.id for rest in (func_node.args.vararg, func_node.args.kwarg) if rest is not None]
    if not (isinstance(value, gast.Name) and value.id in own):
        return ""
    return (f"what `{value.id}` holds is not known where {func_node.name} is the function differentiated (a "
            "decorator's wrapper that does more than `return fn(*args, **kwargs)` is differentiated as the code "
            "that runs): differentiate a function that calls it (`lambda x: f(x)`), whose call fixes it")


def _check_returns_a_value(func_node: gast.FunctionDef, info: SourceInfo, returns: List[gast.Return]) -> None:
    """`returns`: every return of the body."""
    if all(node.value is None or (isinstance(node.value, gast.Constant) and node.value.value is None)
           for node in returns):
        raise NonScalarOutputError(
            f"{func_node.name} returns None (it has no `return` with a value); adjoint differentiates "
            "functions that return a number or an array", info.location(func_node))


def check_function(func_node: gast.FunctionDef, info: SourceInfo, returns_value: bool = True) -> None:
    """Raise UnsupportedSyntaxError at the first construct outside the subset (and
    NonScalarOutputError, with `returns_value`, when no `return` gives a value)."""
    returns = []
    for node in _walk_body(func_node):
        kind = type(node).__name__
        if isinstance(node, gast.Return):
            returns.append(node)
        if isinstance(node, gast.Set) and all(_is_constant(element) for element in node.elts):
            continue
        if kind in REFUSED and not _is_starred_target(node):
            construct, message = REFUSED[kind]
            own = _spread_of_own_rest(node.value, func_node) if isinstance(node, gast.Starred) else ""
            raise _refuse(node, info, construct, own or message)
        if isinstance(node, gast.stmt):
            if not isinstance(node, ALLOWED_STATEMENTS):
                raise _refuse(node, info, kind, f"`{kind}` statements are not supported")
            _check_statement(node, info)
        elif isinstance(node, gast.expr) and not isinstance(node, ALLOWED_EXPRESSIONS) and not _is_starred_target(node):
            raise _refuse(node, info, kind, f"`{kind}` expressions are not supported")
        if isinstance(node, gast.Call):
            _check_call(node, info, func_node)
        if isinstance(node, gast.Dict) and any(key is None for key in node.keys):
            raise _refuse(node, info, "**", "`**` unpacking in a dict literal is not supported; write the keys out")
    if returns_value:
        _check_returns_a_value(func_node, info, returns)


def _is_constant(node: gast.expr) -> bool:
    """A literal number, string, None or bool, signed or not, or a tuple of them."""
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)):
        node = node.operand
    if isinstance(node, gast.Tuple):
        return all(_is_constant(element) for element in node.elts)
    return isinstance(node, gast.Constant)


def _walk_body(func_node: gast.FunctionDef):
    """Every node of the body, in source order (so the first offence is the one reported)."""
    stack = list(reversed(func_node.body))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(nodes.children(node)))
