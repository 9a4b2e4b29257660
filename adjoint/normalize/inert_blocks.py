"""Inert blocks: a `try` statement (and a `with` block today's path refuses) that feeds nothing
of the result is lifted into a local function the function calls where the block stood.

The call is a statement whose value nothing reads, like `print(...)`: the block runs once per
call of the derived function, in the primal sweep, in order, and the derivative does not
enter it (an exception it does not catch propagates from the call). normalize/local_functions.py
then lifts the local function out, passing the variables it reads; analysis/aliases.py refuses
the call where the block writes in place into what the function reads after it.

Before::

    def f(x):
        y = np.sin(x)
        try:
            logger.info(f"y {y:.3f}")
        except Exception as e:
            warnings.warn(str(e))
        return y * y

After::

    def f(x):
        def _try_block():
            try:
                logger.info(f"y {y:.3f}")
            except Exception as e:
                warnings.warn(str(e))
        y = np.sin(x)
        _try_block()
        return y * y

A block is inert when nothing it binds (names, the `as` name of a `with`, imports, local
defs) is read outside it, it reads no variable of the function that it also rebinds (inside
the local function that would be a variable of its own), and nothing inside it leaves it
early (`return`, a `break` or `continue` of a loop around it, `yield`, `global`). A `try` that
is not inert is refused, with the reason; a `with` that is not is left to normalize/desugar.py.
"""
from __future__ import annotations

from typing import Callable, Iterator, List, Optional, Set, Tuple

import gast

from adjoint import nodes
from adjoint.errors import UnsupportedSyntaxError
from adjoint.frontend.check import is_insert_grad_of
from adjoint.frontend.held import let_go
from adjoint.frontend.parse import ParsedFunction

TRIES = (gast.Try,) + ((gast.TryStar,) if hasattr(gast, "TryStar") else ())
_SCOPES = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef)
_COMPREHENSIONS = (gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp)
_LOOPS = (gast.For, gast.While, gast.AsyncFor)
_LEAVING = (gast.Yield, gast.YieldFrom, gast.Await, gast.Global, gast.Nonlocal)
MARK = "adjoint_inert_block"  # an attribute of the local function's tree: "try" or "with" (not lifted again)
_ADVICE = ("adjoint keeps a `try` only where it does not feed the result (it runs in the primal, outside "
           "the derivative): compute what the result needs outside the `try`, or test the input with "
           "`if ...: raise ...`")


def lift_inert_blocks(parsed: ParsedFunction, fresh: Callable[[str], str]) -> None:
    """Replace each inert `try` (and each inert `with` that calls a method of what it binds) of
    parsed.node by a call of a local function holding it; refuse a `try` that is not inert."""
    if getattr(parsed.node, MARK, False):  # the local function a block was lifted into, read by its caller's
        let_go(parsed.node)  # analyses (its derivative is refused: it returns None)
        if parsed.lookup("bool") is bool:
            parsed.node.body[:] = _flattened(parsed.node.body)
        _file_calls_as_prints(parsed)
        return
    blocks = [stmt for stmt in _statements(parsed.node.body) if isinstance(stmt, TRIES) or _lifted_with(stmt)]
    if not blocks:
        return
    let_go(parsed.node)
    definitions = []
    while blocks:
        block = blocks.pop(0)
        reason = _feeds(block, parsed.node, lambda node: parsed.info.location(node).lineno)
        if reason is not None:
            if isinstance(block, gast.With):  # (normalize/desugar.py runs it in the function, as before)
                blocks[:0] = [s for s in _statements(block.body) if isinstance(s, TRIES) or _lifted_with(s)]
                continue
            node, why = reason
            message = (f"this `try` cannot run apart from the derivative: {why}" if "may not be assigned" in why
                       else f"this `try` feeds the result: {why}; {_ADVICE}")
            raise UnsupportedSyntaxError("try", message, parsed.info.location(node))
        name = fresh("_try_block" if isinstance(block, TRIES) else "_with_block")
        definition = gast.FunctionDef(
            name=name, args=gast.arguments(args=[], posonlyargs=[], vararg=None, kwonlyargs=[], kw_defaults=[],
                                           kwarg=None, defaults=[]),
            body=[block], decorator_list=[], returns=None, type_comment=None, type_params=[])
        setattr(definition, MARK, "try" if isinstance(block, TRIES) else "with")
        definitions.append(nodes.copy_location(definition, block))
        call = nodes.copy_location(gast.Expr(value=nodes.call(nodes.name(name))), block)
        nodes.replace_node(parsed.node, block, call)
    parsed.node.body[:0] = definitions  # (normalize/local_functions.py lifts them out)


def block_of(func) -> Optional[str]:
    """"try" or "with" for the local function an inert block was lifted into; None for any other."""
    tree = getattr(func, "__adjoint_tree__", None)
    return getattr(tree[0], MARK, None) if tree else None


def called_label(func) -> str:
    """How a refusal names a called function: an inert block lifted out (this module) by its kind, a
    lambda lifted out (normalize/local_functions.py) as the lambda."""
    if block_of(func):
        return f"this `{block_of(func)}` block"
    return "the lambda" if func.__name__.startswith("_lambda") else f"`{func.__name__}`"


def block_feeds(func, where, other: str) -> str:
    """The refusal of an inert-looking `try` or `with` block (lifted by this module) that writes
    in place into what the function reads after it; '' for any other function."""
    kind = block_of(func)
    return kind and (f"this `{kind}` feeds the result: it changes in place ({where.filename}:{where.lineno}) what "
                     f"`{other}` holds, which is read after it; adjoint keeps a `{kind}` out of the derivative "
                     "only where it does not feed the result: change a copy inside it, or move the change out of it")


def _flattened(body: List[gast.stmt], in_try: bool = False) -> List[gast.stmt]:
    """The statements with each `try` replaced by its clauses one after another (the `as` name of a
    handler bound to None), each statement inside them under `if bool():`, which may or may not
    run: an exception may stop a clause at any statement and a path runs some of the clauses, so
    along these paths may happen in place all that may along the try's. Only what the caller asks
    of the block (where it may write in place, analysis/argument_facts.py) is read of the result."""
    flat: List[gast.stmt] = []
    for stmt in body:
        if isinstance(stmt, TRIES):
            flat.extend(_flattened(stmt.body, True))
            for handler in stmt.handlers:
                if handler.name is not None:
                    name = handler.name.id if isinstance(handler.name, gast.Name) else handler.name
                    flat.append(nodes.copy_location(nodes.assign(name, nodes.constant(None)), handler))
                flat.extend(_flattened(handler.body, True))
            flat.extend(_flattened(stmt.orelse, True) + _flattened(stmt.finalbody, True))
            continue
        if not isinstance(stmt, _SCOPES):
            for field in nodes.statement_fields(stmt.__class__):
                inner = getattr(stmt, field, None)
                if inner:
                    setattr(stmt, field, _flattened(inner, in_try) or [gast.Pass()])
        if in_try and not isinstance(stmt, (gast.Import, gast.ImportFrom)):  # (which write no memory of it)
            stmt = nodes.copy_location(gast.If(test=nodes.call(nodes.name("bool")), body=[stmt], orelse=[]), stmt)
        flat.append(stmt)
    return flat


def _file_calls_as_prints(parsed: ParsedFunction) -> None:
    """`fh.write(text)` -> `print(text)` where every binding of fh in the block is a file the block
    opens (`with open(path, "a") as fh`, `fh = open(path)`): a file's methods change the file, no
    memory of the function's (what they are given they read, as print does)."""
    if parsed.lookup("open") is not open or parsed.lookup("print") is not print:
        return
    bindings = {}
    for node in nodes.walk(parsed.node):
        values = []
        if isinstance(node, gast.With):
            values = [(item.optional_vars, item.context_expr) for item in node.items if item.optional_vars is not None]
        elif isinstance(node, gast.Assign):
            values = [(target, node.value) for target in node.targets]
        for target, value in values:
            for name in nodes.names_stored(target):
                opened = (isinstance(target, gast.Name) and isinstance(value, gast.Call)
                          and isinstance(value.func, gast.Name) and value.func.id == "open")
                bindings[name] = bindings.get(name, True) and opened
    for node in nodes.walk(parsed.node):
        call = node.value if isinstance(node, gast.Expr) else None
        if (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
                and isinstance(call.func.value, gast.Name) and bindings.get(call.func.value.id)):
            node.value = nodes.call(nodes.name("print"), list(call.args) + [k.value for k in call.keywords])


def _statements(body: List[gast.stmt]) -> Iterator[gast.stmt]:
    """The outermost candidate blocks' statements and those around them, not inside local functions."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, TRIES) or _lifted_with(stmt) or isinstance(stmt, _SCOPES):
            continue
        for field in nodes.statement_fields(stmt.__class__):
            for item in getattr(stmt, field, None) or []:
                yield from _statements(item.body if isinstance(item, gast.excepthandler) else [item])


def _lifted_with(stmt: gast.stmt) -> bool:
    """A `with` (not insert_grad_of) whose block calls a method of a name the block binds
    (`with open(p, "a") as fh: fh.write(...)`), which desugar.py takes for a change in place it
    does not follow; every other `with` runs in the function (normalize/desugar.py)."""
    if not isinstance(stmt, gast.With) or is_insert_grad_of(stmt):
        return False
    bound = _bound(stmt)
    return any(isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute)
               and isinstance(node.func.value, gast.Name) and node.func.value.id in bound
               for node in _own(stmt))


def _own(node: gast.AST) -> Iterator[gast.AST]:
    """The nodes under node in its own scope (not inside a local function, lambda or class)."""
    for child in nodes.children(node):
        yield child
        if not isinstance(child, _SCOPES):
            yield from _own(child)


def _bound(block: gast.stmt) -> Set[str]:
    """The names the block binds in the function's scope (a comprehension's own targets aside)."""
    bound: Set[str] = set()
    for node in _own_outside_comprehensions(block):
        if isinstance(node, gast.Name) and isinstance(node.ctx, (gast.Store, gast.Del)):
            bound.add(node.id)
        elif isinstance(node, gast.excepthandler) and node.name is not None:
            bound.add(node.name.id if isinstance(node.name, gast.Name) else node.name)
        elif isinstance(node, (gast.Import, gast.ImportFrom)):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, _SCOPES) and not isinstance(node, gast.Lambda):
            bound.add(node.name)
    return bound


def _own_outside_comprehensions(node: gast.AST) -> Iterator[gast.AST]:
    for child in nodes.children(node):
        yield child
        if isinstance(child, _COMPREHENSIONS):
            yield from (n for sub in _own(child) if isinstance(sub, gast.NamedExpr)  # (binds outside it)
                        for n in nodes.walk(sub.target))
        elif not isinstance(child, _SCOPES):
            yield from _own_outside_comprehensions(child)


def _feeds(block: gast.stmt, func_node: gast.FunctionDef,
           line: Callable[[gast.AST], int]) -> Optional[Tuple[gast.AST, str]]:
    """(the node, why) where the block may feed the result or leave early; None where it is inert
    (`line`: a node's line in the user's file)."""
    jump = _early_exit(block.body if isinstance(block, gast.With) else [block], in_loop=False)
    if jump is not None:
        return block, f"{jump[1]} (line {line(jump[0])})"
    bound = _bound(block)
    inside = {id(node) for node in nodes.walk(block)}
    for node, name in _reads(func_node, frozenset()):
        if name in bound and id(node) not in inside:
            return block, (f"it assigns `{name}`, which {func_node.name} reads outside it "
                           f"(line {line(node)})")
    arguments = func_node.args
    parameters = {a.id for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs}
    parameters.update(a.id for a in (arguments.vararg, arguments.kwarg) if a is not None)
    outside = set(parameters)
    outside.update(name for node, name in _bindings(func_node) if id(node) not in inside)
    for node, name in _reads(block, frozenset()):
        if name in bound & outside:
            return block, (f"it reads and assigns `{name}`, a variable {func_node.name} assigns outside it too "
                           f"(line {line(node)})")
    surely = _bound_before(func_node.body, block, parameters) or set()
    for node, name in _reads(block, frozenset()):
        if name in outside - bound - surely:  # (read before the block runs, not inside it where Python would)
            return block, (f"it reads `{name}` (line {line(node)}), which may not be assigned yet when it runs: "
                           "assign it before the block")
    return None


def _bound_before(body: List[gast.stmt], block: gast.stmt, bound: Set[str]) -> Optional[Set[str]]:
    """The names surely bound where `block` starts, given those bound before `body` (None where
    body does not hold it)."""
    for stmt in body:
        if stmt is block:
            return bound
        if any(node is block for node in nodes.walk(stmt)):
            for field in nodes.statement_fields(stmt.__class__):
                header = _header_binds(stmt) if field == "body" else set()
                found = _bound_before(getattr(stmt, field, None) or [], block, bound | header)
                if found is not None:
                    return found
            return None
        bound = bound | _surely_binds(stmt)
    return None


def _header_binds(stmt: gast.stmt) -> Set[str]:
    """What a loop or `with` binds before its body runs."""
    if isinstance(stmt, gast.For):
        return set(nodes.names_stored(stmt.target))
    if isinstance(stmt, gast.With):
        return {n for item in stmt.items if item.optional_vars is not None for n in nodes.names_stored(item.optional_vars)}
    return set()


def _surely_binds(stmt: gast.stmt) -> Set[str]:
    """The names a statement binds on every path through it that goes on after it."""
    if isinstance(stmt, gast.Assign):
        return {n for target in stmt.targets for n in nodes.names_stored(target)}
    if isinstance(stmt, (gast.AugAssign, gast.AnnAssign)) and isinstance(stmt.target, gast.Name):
        return {stmt.target.id} if getattr(stmt, "value", None) is not None else set()
    if isinstance(stmt, (gast.Import, gast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in stmt.names}
    if isinstance(stmt, (gast.FunctionDef, gast.ClassDef)):
        return {stmt.name}
    if isinstance(stmt, gast.If):
        return _surely_bind(stmt.body) & _surely_bind(stmt.orelse)
    if isinstance(stmt, gast.With):
        return _header_binds(stmt) | _surely_bind(stmt.body)
    return set()


def _surely_bind(body: List[gast.stmt]) -> Set[str]:
    return set().union(*[_surely_binds(stmt) for stmt in body])


def _reads(node: gast.AST, handled: frozenset) -> Iterator[Tuple[gast.AST, str]]:
    """(node, name) for each read of a name under node, local functions included: a Name loaded,
    the target of `name op= v`, a `del`; not a read of the `as` name inside its own handler."""
    for child in nodes.children(node):
        if isinstance(child, gast.excepthandler) and child.name is not None:
            name = child.name.id if isinstance(child.name, gast.Name) else child.name
            if child.type is not None:
                yield from _reads_of(child.type, handled)
            for stmt in child.body:
                yield from ((n, i) for n, i in _reads_of(stmt, handled | {name}))
            continue
        yield from _reads_of(child, handled)


def _reads_of(node: gast.AST, handled: frozenset) -> Iterator[Tuple[gast.AST, str]]:
    if isinstance(node, gast.Name) and node.id not in handled:
        if isinstance(node.ctx, (gast.Load, gast.Del)):
            yield node, node.id
    if isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name) and node.target.id not in handled:
        yield node, node.target.id
    yield from _reads(node, handled)


def _bindings(func_node: gast.FunctionDef) -> Iterator[Tuple[gast.AST, str]]:
    """(node, name) for each binding of the function's own scope."""
    for node in _own_outside_comprehensions(func_node):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            yield node, node.id
        elif isinstance(node, gast.excepthandler) and node.name is not None:
            yield node, node.name.id if isinstance(node.name, gast.Name) else node.name
        elif isinstance(node, (gast.Import, gast.ImportFrom)):
            yield from ((node, (a.asname or a.name).split(".")[0]) for a in node.names)
        elif isinstance(node, _SCOPES) and not isinstance(node, gast.Lambda):
            yield node, node.name


def _early_exit(body: List[gast.stmt], in_loop: bool) -> Optional[Tuple[gast.AST, str]]:
    """A statement that leaves the block other than at its end, or makes its function another kind."""
    for stmt in body:
        if isinstance(stmt, gast.Return):
            return stmt, "it returns from inside the block"
        if isinstance(stmt, (gast.Break, gast.Continue)) and not in_loop:
            keyword = type(stmt).__name__.lower()
            return stmt, f"`{keyword}` inside it leaves the block for the loop around it"
        if isinstance(stmt, _SCOPES):
            continue
        for node in _own_expressions(stmt):
            if isinstance(node, _LEAVING):
                return node, f"`{type(node).__name__.lower()}` inside it would not run in the function"
        inner = in_loop or isinstance(stmt, _LOOPS)
        for field in nodes.statement_fields(stmt.__class__):
            for item in getattr(stmt, field, None) or []:
                found = _early_exit(item.body if isinstance(item, gast.excepthandler) else [item],
                                    inner if field == "body" else in_loop)
                if found is not None:
                    return found
    return None


def _own_expressions(stmt: gast.stmt) -> Iterator[gast.AST]:
    """The nodes of a statement itself (not of the statements it holds), in its own scope."""
    if isinstance(stmt, (gast.Global, gast.Nonlocal)):
        yield stmt
    held = set(nodes.statement_fields(stmt.__class__))
    for field in stmt._fields:
        if field in held:
            continue
        value = getattr(stmt, field, None)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, gast.AST):
                yield item
                if not isinstance(item, _SCOPES):
                    yield from _own(item)
