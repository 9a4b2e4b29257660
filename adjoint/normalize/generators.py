"""A `for` over a call of one of the user's generator functions (`for i, j in pairs(n):`, or a
comprehension over it), read as the tuple of the generator's items, listed before the loop.

Python runs the generator between the loop's steps; listed first, it runs to its end before the
first step. Both give the same items, and the function the same values, when the loop takes every
item, changes nothing the generator reads, and the generator has no effect a step of the loop
could observe. So the listing is refused where the loop may stop early (`break`, `return` or
`raise` in its body: an endless generator would never end), where the loop writes into, or calls a
method of, a value the call is given (or a name that may share its memory) or a global, where the generator writes into an
item or attribute of anything, calls a method of a value it did not make or passes one to a
function of the user's, and where the generator, or a function of the user's it calls, draws
random numbers, writes output (print, logging, files) or assigns a global or a variable of an
enclosing function.

A generator whose items carry a derivative is refused where it yields (frontend/check.py): its
items are listed, its code is not differentiated.
"""
from __future__ import annotations

import ast
import dis
import inspect
import textwrap
import types
from typing import Callable, Iterator, Optional, Set, Tuple

import gast

from adjoint import nodes

# Names in a generator's code that reach a draw, output or input: the order of these effects
# relative to the loop's steps is what listing the items first would change.
EFFECTS = frozenset({
    "print", "input", "open", "random", "default_rng", "normal", "uniform", "standard_normal", "integers", "choice",
    "shuffle", "permutation", "exponential", "random_sample", "rand", "randn", "randint", "binomial", "poisson",
    "gamma", "beta", "getLogger", "debug", "info", "warning", "warn", "error", "critical", "exception", "write",
})
# NumPy's functions whose result may be a view of their first arguments.
VIEWS = frozenset({"asarray", "asanyarray", "ravel", "reshape", "transpose", "squeeze", "atleast_1d", "atleast_2d",
                   "atleast_3d", "swapaxes", "moveaxis", "expand_dims", "broadcast_to", "diagonal", "real", "imag"})
WRITES_OUTSIDE = frozenset({"STORE_GLOBAL", "DELETE_GLOBAL", "STORE_DEREF", "DELETE_DEREF"})


def is_generator_function(callee) -> bool:
    return inspect.isgeneratorfunction(inspect.unwrap(callee)) if callable(callee) else False


def refusal(loop: gast.For, call: gast.Call, generator: Callable, func_node: gast.FunctionDef,
            is_module: Callable[[str], bool]) -> Optional[Tuple[gast.AST, str]]:
    """Why the items of `call` (a call of `generator`) cannot be listed before `loop`, a loop of
    func_node, and where; None when they can."""
    name = getattr(generator, "__name__", "the generator")
    stop = _early_stop(loop.body)
    if stop is not None:
        return stop, (f"the loop over the generator `{name}(...)` may stop before its last item; adjoint lists a "
                      "generator's items before the loop: iterate over a list of what it yields, or take every item")
    local_names = nodes.local_names(func_node)
    given = _sharing(func_node, set(nodes.names_read(call)))
    write = _write_into(loop.body, given, lambda root: root not in local_names and not is_module(root))
    if write is not None:
        return write, (f"the loop writes into, or calls a method of, a value the generator `{name}(...)` reads while "
                       "it runs; "
                       "adjoint lists a generator's items before the loop: list them first (`list(...)`)")
    effect = _effect_of(inspect.unwrap(generator), set()) or changes_in_place(generator)
    if effect is not None:
        return call, (f"the generator `{name}(...)` {effect}, which would happen before the loop's steps rather than "
                      "between them (adjoint lists a generator's items before the loop): iterate over a list of "
                      "what it yields")
    return None


def _early_stop(body) -> Optional[gast.AST]:
    """The first `return` or `raise` in body, or `break` of the loop whose body it is."""
    for stmt in body:
        for node in _this_loop(stmt):
            if isinstance(node, (gast.Return, gast.Raise, gast.Break)):
                return node
    return None


def _this_loop(node: gast.AST) -> Iterator[gast.AST]:
    """node and what it holds, but a `break` of a loop inside it only as a `return` or `raise`."""
    yield node
    for child in nodes.children(node):
        if isinstance(child, (gast.For, gast.While)):
            yield from (sub for sub in nodes.walk(child) if isinstance(sub, (gast.Return, gast.Raise)))
        else:
            yield from _this_loop(child)


def _sharing(func_node: gast.FunctionDef, given: Set[str]) -> Set[str]:
    """The names in `given` and those the function binds to what may share memory with one of
    them: the value itself, an item, an attribute, a method's result (`x.T`, `x.reshape(...)`)
    or one of NumPy's views (`np.asarray(x)`), or a display holding one."""
    sharing = set(given)
    while True:
        more = {stmt.targets[0].id for stmt in nodes.statements(func_node)
                if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
                and stmt.targets[0].id not in sharing and _may_share(stmt.value, sharing)}
        if not more:
            return sharing
        sharing |= more


def _may_share(value: gast.expr, names: Set[str]) -> bool:
    if isinstance(value, (gast.Tuple, gast.List)):
        return any(_may_share(element, names) for element in value.elts)
    if isinstance(value, gast.Call):
        attr = value.func.attr if isinstance(value.func, gast.Attribute) else None
        if attr in VIEWS:
            return any(_may_share(argument, names) for argument in value.args)
        value = value.func.value if attr is not None else value.func
    while isinstance(value, (gast.Subscript, gast.Attribute)):
        value = value.value
    return isinstance(value, gast.Name) and value.id in names


def _write_into(body, given: Set[str], outside: Callable[[str], bool]) -> Optional[gast.AST]:
    """The first write in body into an item or attribute of a name in `given` or of a name from
    outside the function, or call of a method of one (`xs.append(v)`)."""
    for stmt in body:
        for node in nodes.walk(stmt):
            if isinstance(node, (gast.Subscript, gast.Attribute)) and isinstance(node.ctx, (gast.Store, gast.Del)):
                written = node.value
            elif isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute):
                written = node.func.value
            else:
                continue
            roots = set(nodes.names_read(written))
            if roots & given or any(outside(root) for root in roots):
                return node
    return None


def _effect_of(func: Callable, seen: Set[types.CodeType]) -> Optional[str]:
    """What func's code (and that of the user's functions it names) does that another step could
    observe, in words; None for nothing."""
    code = getattr(func, "__code__", None)
    if code is None or code in seen:
        return None
    seen.add(code)
    for inner in _codes(code):
        effect = _effect_in(inner)
        if effect is not None:
            return effect
        for name in inner.co_names:
            called = getattr(func, "__globals__", {}).get(name)
            if inspect.isfunction(called):
                effect = _effect_of(called, seen)
                if effect is not None:
                    return f"calls `{name}`, which {effect}"
    return None


def _effect_in(code: types.CodeType) -> Optional[str]:
    named = sorted(EFFECTS.intersection(code.co_names))
    if named:
        return f"reads `{named[0]}`, a draw or an output"
    if any(instruction.opname in WRITES_OUTSIDE for instruction in dis.get_instructions(code)):
        return "assigns a global or a variable of an enclosing function"
    return None


def _codes(code: types.CodeType) -> Iterator[types.CodeType]:
    yield code
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            yield from _codes(constant)


def changes_in_place(generator: Callable) -> Optional[str]:
    """What the generator's own code may change of a value it did not make, in words (None: it
    changes nothing, the facts analysis/callee_checks.py takes for it); its source unreadable
    counts as a change."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(inspect.unwrap(generator))))
    except (OSError, TypeError, SyntaxError):
        return "has no source to read"
    made = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    made -= {argument.arg for argument in ast.walk(tree) if isinstance(argument, ast.arg)}
    namespace = getattr(inspect.unwrap(generator), "__globals__", {})
    for node in ast.walk(tree):
        if isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(node.ctx, (ast.Store, ast.Del)):
            return "writes into an item or an attribute"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = _root(node.func.value)
            if receiver not in made and not inspect.ismodule(namespace.get(receiver)):
                return f"calls a method of `{receiver}`, which it did not make"
        if isinstance(node, ast.Call) and inspect.isfunction(namespace.get(_root(node.func))):
            given = {_root(argument) for argument in node.args} | {_root(k.value) for k in node.keywords}
            if given - made - {None}:
                return f"passes a value it did not make to `{_root(node.func)}`"
    return None


def _root(node: ast.expr) -> Optional[str]:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None
