"""A `for` over a call of one of the user's generator functions (`for i, j in pairs(n):`, or a
comprehension over it), read as the tuple of the generator's items, listed before the loop.

Python runs the generator between the loop's steps; listed first, it runs to its end before the
first step. Both give the same items, and the function the same values, when the loop takes every
item, changes nothing the generator reads, and the generator has no effect a step of the loop
could observe. So the listing is refused at the line where the loop may stop early (`break`,
`return` or `raise` in its body: an endless generator would never end); where the loop writes into,
or calls a method of, a value the call is given, a name that may share its memory or a global, or
passes such a value to a function of the user's; where the generator reads a global list, dict,
set or array and the loop calls user code; and where the generator's code does anything but what
is known to have no effect: it may call builtins that read (`range`, `len`, `enumerate`, ...),
functions of math, itertools, operator and NumPy (not np.random), its own nested functions, the
user's functions that keep to the same rules, and methods of, or write into, only the lists,
dicts and sets it makes itself (no draws, no output, no `global` or `nonlocal`).

The listing is a call of the function returning the list of what the generator yields
(frontend/listed.py), whose code is the generator's with each `yield v` an append: what it yields
may carry a derivative.
"""
from __future__ import annotations

import ast
import builtins
import inspect
import textwrap
from typing import Any, Callable, Dict, Iterator, Optional, Set, Tuple

import gast
import numpy as np

from adjoint import nodes
from adjoint.frontend.listed import LIMIT
from adjoint.frontend.names import module_of

# NumPy's functions whose result may be a view of their first arguments.
VIEWS = frozenset({"asarray", "asanyarray", "ravel", "reshape", "transpose", "squeeze", "atleast_1d", "atleast_2d",
                   "atleast_3d", "swapaxes", "moveaxis", "expand_dims", "broadcast_to", "diagonal", "real", "imag"})
# What a generator's code may call: builtins that read their arguments and make new values, and the
# functions of these modules (np.random excepted).
READING_BUILTINS = frozenset({range, len, enumerate, zip, reversed, sorted, min, max, abs, int, float, bool, round,
                              divmod, sum, tuple, list, dict, set, frozenset, isinstance, str, any, all, pow})
LIBRARIES = ("math", "itertools", "operator", "numpy")
MUTABLE = (list, dict, set, np.ndarray, bytearray)
_STORING = frozenset({"append", "extend", "insert"})  # a list's methods that keep what they are given
# NumPy's functions that write into an argument (and any call given `out=`, and a ufunc's `at`).
NUMPY_WRITERS = frozenset({"copyto", "put", "place", "putmask", "fill_diagonal", "put_along_axis", "at"})


def is_generator_function(callee) -> bool:
    return inspect.isgeneratorfunction(inspect.unwrap(callee)) if callable(callee) else False


def refusal(loop: gast.For, call: gast.Call, generator: Callable, func_node: gast.FunctionDef,
            value_of: Callable[[gast.expr], Any]) -> Optional[Tuple[gast.AST, str]]:
    """Why the items of `call` (a call of `generator`) cannot be listed before `loop`, a loop of
    func_node, and where; None when they can. `value_of(expr)` is the value a name or attribute
    chain of func_node names where it is known."""
    name = getattr(generator, "__name__", "the generator")
    listed = "adjoint lists a generator's items before the loop"
    stop = _early_stop(loop.body)
    if stop is not None:
        return stop, (f"the loop over the generator `{name}(...)` may stop before its last item; {listed}: iterate "
                      "over a list of what it yields, or take every item")
    reached: Set[Any] = set()
    effect = what_it_may_do(generator, reached)
    if effect is not None:
        return call, (f"the generator `{name}(...)` {effect}; {listed}, so that would happen before the loop's steps "
                      "rather than between them: iterate over a list of what it yields")
    local_names = nodes.local_names(func_node)
    given = _sharing(func_node, set(nodes.names_read(call)))
    outside = {root for root in nodes.names_read(loop) if root not in local_names
               and not inspect.ismodule(value_of(nodes.name(root)))}
    calls = [node for stmt in loop.body for node in nodes.walk(stmt) if isinstance(node, gast.Call)]
    reads = _sharing(func_node, set(nodes.names_read(call)), appended=False)  # the lists the generator may read
    storing = {id(node) for node in calls if _stores_into_a_list(node, func_node)
               and node.func.value.id not in reads}
    writing = [node for node in calls if id(node) not in storing and _may_write(node, value_of(node.func))]
    write = _write_into(loop.body, given | outside, storing) or next(
        (node for node in writing if _arguments_read(node) & given), None)
    if write is not None:
        return write, (f"the loop writes into, calls a method of, or passes to code that may change it, a value the "
                       f"generator `{name}(...)` reads while it runs; {listed}: list them first (`list(...)`)")
    if writing and _reads_mutable_globals(reached):
        return writing[0], (f"the loop calls code that may change the global list, dict, set or array the generator "
                            f"`{name}(...)` reads while it runs; {listed}: list them first (`list(...)`)")
    return None


def _early_stop(body) -> Optional[gast.AST]:
    """The first `return` or `raise` in body, or `break` of the loop whose body it is."""
    for stmt in body:
        for node in _this_loop(stmt):
            if isinstance(node, (gast.Return, gast.Raise, gast.Break)):
                return node
    return None


def _this_loop(node: gast.AST) -> Iterator[gast.AST]:
    """node and what it holds, but a `break` of a loop inside it only as a `return` or `raise`, and
    not the return of a listing that reached its limit (frontend/listed.py: it stops where Python's
    generator would stay suspended)."""
    if isinstance(node, gast.If) and LIMIT in nodes.names_read(node.test):
        return
    yield node
    for child in nodes.children(node):
        if isinstance(child, (gast.For, gast.While)):
            yield from (sub for sub in nodes.walk(child) if isinstance(sub, (gast.Return, gast.Raise)))
        else:
            yield from _this_loop(child)


def _sharing(func_node: gast.FunctionDef, given: Set[str], appended: bool = True) -> Set[str]:
    """The names in `given` and those the function binds to what may share memory with one of
    them: the value itself, an item, an attribute, a method's result (`x.T`, `x.reshape(...)`)
    or one of NumPy's views (`np.asarray(x)`), or a display holding one; and (`appended`) the lists
    one is appended to (`xs.append(x)`)."""
    sharing = set(given)
    while True:
        more = {stmt.targets[0].id for stmt in nodes.statements(func_node)
                if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
                and stmt.targets[0].id not in sharing and _may_share(stmt.value, sharing)}
        if appended:
            more |= {node.func.value.id for node in nodes.walk(func_node) if isinstance(node, gast.Call)
                     and isinstance(node.func, gast.Attribute) and node.func.attr in _STORING
                     and isinstance(node.func.value, gast.Name) and node.func.value.id not in sharing
                     and any(_may_share(argument, sharing) for argument in node.args)}
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


def _write_into(body, names: Set[str], storing: Set[int] = frozenset()) -> Optional[gast.AST]:
    """The first write in body into an item or attribute of one of `names`, or call of a method of
    one (`xs.append(v)`, but the calls in `storing`, which change a list alone, not its items)."""
    for stmt in body:
        for node in nodes.walk(stmt):
            if id(node) in storing:
                continue
            if isinstance(node, (gast.Subscript, gast.Attribute)) and isinstance(node.ctx, (gast.Store, gast.Del)):
                written = node.value
            elif isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute):
                written = node.func.value
            else:
                continue
            if set(nodes.names_read(written)) & names:
                return node
    return None


def _stores_into_a_list(call: gast.Call, func_node: gast.FunctionDef) -> bool:
    """`xs.append(v)` (extend, insert) on a name every binding of which makes a list: it changes xs
    alone; what v shares, xs then shares too (_sharing)."""
    receiver = call.func.value if isinstance(call.func, gast.Attribute) else None
    if call.func.attr not in _STORING if receiver is not None else True:
        return False
    bindings = [stmt.value for stmt in nodes.statements(func_node) if isinstance(receiver, gast.Name)
                and isinstance(stmt, gast.Assign) and receiver.id in nodes.names_stored(stmt)]
    return bool(bindings) and all(isinstance(value, (gast.List, gast.ListComp)) for value in bindings) and (
        sum(receiver.id in nodes.names_stored(stmt) for stmt in nodes.statements(func_node)) == len(bindings))


def _may_write(call: gast.Call, callee: Any) -> bool:
    """Whether the call may change what it is given: a call of code of the user's (or of code not
    known), a draw, or one of NumPy's writers."""
    if any(keyword.arg == "out" for keyword in call.keywords) or getattr(callee, "__name__", "") in NUMPY_WRITERS:
        return True
    return not (isinstance(callee, (type(len), np.ufunc)) or any(callee is known for known in READING_BUILTINS)
                or _in_libraries(callee))


def _arguments_read(call: gast.Call) -> Set[str]:
    return {name for argument in call.args + [keyword.value for keyword in call.keywords]
            for name in nodes.names_read(argument)}


def _in_libraries(value: Any) -> bool:
    module = value.__name__ if inspect.ismodule(value) else module_of(value)
    return module.split(".")[0] in LIBRARIES and not module.startswith("numpy.random")


def _reads_mutable_globals(functions: Set[Any]) -> bool:
    """Whether one of the functions names a global or closure list, dict, set or array."""
    return any(isinstance(_namespace(func).get(name), MUTABLE) for func in functions for name in _names_read(func))


def what_it_may_do(func: Callable, seen: Optional[Set[Any]] = None) -> Optional[str]:
    """What func's code may do that a step of a loop could observe or change, in words: anything
    but calls of what READING_BUILTINS, LIBRARIES, its nested functions and the user's functions
    that keep to these rules name, and writes into and methods of lists, dicts and sets it makes
    itself; None for nothing (the facts analysis/argument_facts.py takes for a generator). `seen`
    gathers the functions read."""
    func = inspect.unwrap(func)
    seen = set() if seen is None else seen
    if func in seen:
        return None
    seen.add(func)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError):
        return "has no source to read"
    namespace = _namespace(func)
    nested = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)} - {func.__name__}
    made = _made(tree)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            return "assigns a global or a variable of an enclosing function"
        if isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(node.ctx, (ast.Store, ast.Del)) \
                and _root(node.value) not in made:
            return "writes into an item or an attribute of a value it did not make"
        if isinstance(node, ast.Call):
            found = _call_effect(node, namespace, nested, made, seen)
            if found is not None:
                return found
    return None


def reads_generators(generator: Callable) -> bool:
    """Whether the code `generator` runs (its own, and that of the user's functions it calls) calls a
    generator function, itself included: that generator's items are listed whole, wherever the
    listing of `generator` stops (frontend/listed.py)."""
    reached: Set[Any] = set()
    what_it_may_do(generator, reached)
    for func in reached:
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
        except (OSError, TypeError, SyntaxError):
            return True
        namespace = _namespace(func)
        if any(isinstance(node, ast.Call) and is_generator_function(_value_of(node.func, namespace))
               for node in ast.walk(tree)):
            return True
    return False


def _call_effect(call: ast.Call, namespace: Dict[str, Any], nested: Set[str], made: Set[str],
                 seen: Set[Any]) -> Optional[str]:
    root = _root(call.func)
    if isinstance(call.func, ast.Name) and root in nested:
        return None
    if isinstance(call.func, ast.Attribute) and root in made:
        return None
    callee = _value_of(call.func, namespace)
    if callee in READING_BUILTINS or callee is not None and _in_libraries(callee):
        return None
    if inspect.isfunction(callee):
        effect = what_it_may_do(callee, seen)
        return None if effect is None else f"calls `{ast.unparse(call.func)}`, which {effect}"
    return f"calls `{ast.unparse(call.func)}`, which adjoint cannot tell has no effect"


def _value_of(node: ast.expr, namespace: Dict[str, Any]) -> Any:
    """The value a name or a chain of attributes on a module names; None where it is not known."""
    if isinstance(node, ast.Name):
        return namespace.get(node.id)
    if isinstance(node, ast.Attribute):
        owner = _value_of(node.value, namespace)
        return getattr(owner, node.attr, None) if inspect.ismodule(owner) else None
    return None


def _namespace(func: Callable) -> Dict[str, Any]:
    """What func's free names name: its closure's cells, its globals, the builtins."""
    namespace = dict(vars(builtins), **getattr(func, "__globals__", {}))
    for name, cell in zip(func.__code__.co_freevars, func.__closure__ or ()):
        try:
            namespace[name] = cell.cell_contents
        except ValueError:
            continue
    return namespace


def _names_read(func: Callable) -> Set[str]:
    names, todo = set(), [func.__code__]
    while todo:
        code = todo.pop()
        names.update(code.co_names, code.co_freevars)
        todo.extend(constant for constant in code.co_consts if inspect.iscode(constant))
    return names


def _made(tree: ast.AST) -> Set[str]:
    """The names every assignment of which in tree makes a new list, dict or set (a display or a
    comprehension)."""
    displays = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
    assigned: Dict[str, bool] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            assigned.setdefault(node.id, True)
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned[target.id] = assigned.get(target.id, True) and isinstance(node.value, displays)
    for node in ast.walk(tree):  # loop targets, unpacked names, augmented and walrus targets: not made here
        if isinstance(node, (ast.For, ast.comprehension, ast.AugAssign, ast.NamedExpr, ast.With)):
            for sub in ast.walk(getattr(node, "target", None) or node):
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                    assigned[sub.id] = False
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if not isinstance(target, ast.Name):
                    for sub in ast.walk(target):
                        if isinstance(sub, ast.Name):
                            assigned[sub.id] = False
    return {name for name, fresh in assigned.items() if fresh}


def _root(node: ast.expr) -> Optional[str]:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None
