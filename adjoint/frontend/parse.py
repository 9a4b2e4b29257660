"""Read a function's source into a gast FunctionDef, keeping file and line for error messages."""
from __future__ import annotations

import ast
import builtins
import functools
import inspect
import textwrap
import weakref
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Tuple

import gast

from adjoint import nodes
from adjoint.errors import AdjointError, Location, UnsupportedSyntaxError
from adjoint.frontend.names import class_module
from adjoint.frontend import lambdas
from adjoint.frontend.conversion import to_gast
from adjoint.frontend.dependencies import ClosureCell, code_dependency, defaults_dependency
from adjoint.frontend.local_imports import bind_local_imports
from adjoint.frontend.source_lines import source_lines
from adjoint.frontend.private_names import mangle
from adjoint.frontend.source_match import enclosing_class, runs_as_written
from adjoint.frontend.rest import receive_rest


class SourceUnavailableError(AdjointError, TypeError):
    """The function has no Python source to read (a builtin, a lambda typed at a prompt, exec'd code)."""


@dataclass(frozen=True)
class SourceInfo:
    """Where a parsed function lives: its file, first line and the file's lines of it."""

    filename: str
    first_line: int
    lines: Tuple[str, ...]
    indent: int

    def location(self, node: gast.AST) -> Location:
        """The user's file position of a node of the (dedented) parsed function."""
        lineno = getattr(node, "lineno", None) or 1
        index = lineno - 1
        line = self.lines[index] if 0 <= index < len(self.lines) else ""
        col = (getattr(node, "col_offset", None) or 0) + self.indent
        end_col = getattr(node, "end_col_offset", None)
        if getattr(node, "end_lineno", lineno) != lineno or end_col is None:
            end_col = None
        else:
            end_col += self.indent
        return Location(self.filename, self.first_line + index, col, end_col, line)

    def line_text(self, node: gast.AST) -> str:
        lineno = getattr(node, "lineno", None)
        if not lineno or lineno > len(self.lines):
            return ""
        return self.lines[lineno - 1].strip()


@dataclass(frozen=True)
class SynthesizedSource:
    """The source of a function adjoint wrote itself (the body of a checkpointed loop), and
    where its lines come from in the user's file; carried as `func.__adjoint_source__`."""

    text: str
    info: SourceInfo


@dataclass
class ParsedFunction:
    """A user function as a tree, with what is needed to resolve its names and report errors.

    `in_place` lists (name, statement) for each write Python performs in place when the
    name holds a mutable value (`x += v` on an array or list) and the normalizer rewrote
    as a rebinding; that rewrite is exact only where no other name shares x's storage.
    `item_updates` lists each `c[k] op= v` (analysis/item_writes.py): Python changes the item in
    place where it is an array, which the rewrite `c[k] = c[k] op v` does not.
    `iterated` lists (name, loop) for each sequence a `for` reads by index (`xs[i]`), which
    is what Python iterates over unless the name holds a dict.
    """

    func: Callable
    node: gast.FunctionDef
    info: SourceInfo
    namespace: Dict[str, Any] = field(default_factory=dict)
    in_place: List[Tuple[str, gast.AST]] = field(default_factory=list)
    item_updates: List[gast.AST] = field(default_factory=list)
    iterated: List[Tuple[str, gast.AST]] = field(default_factory=list)
    fixed: Dict[str, Any] = field(default_factory=dict)  # parameters whose value is known (frontend/values.py)
    classes: Dict[str, type] = field(default_factory=dict)  # parameters holding a record of this exact class
    # function values that read their caller's variables: name -> {variable: the name holding its value here}
    captured: Dict[str, Dict[str, str]] = field(default_factory=dict)
    dependencies: List[Tuple[Dict[str, Any], str, Any]] = field(default_factory=list)
    shown: Dict[str, str] = field(default_factory=dict)  # a comprehension's renamed variable -> the user's name
    renamed: Dict[str, str] = field(default_factory=dict)  # a rebinding's new name -> the name it had (derivative code)

    @property
    def name(self) -> str:
        return self.node.name

    def bind(self, preferred: str, obj: Any, fresh: Callable[[str], str], local_names) -> str:
        """A name under which code rewritten into the function reaches `obj`: `preferred` unless
        the function uses it otherwise (then a fresh one)."""
        found = self.lookup(preferred)
        name = preferred
        if preferred in local_names or (found is not _MISSING and found is not obj):
            name = fresh("_" + preferred)
        self.namespace[name] = obj
        return name

    def lookup(self, identifier: str) -> Any:
        """The object a free name of the function refers to (closure, globals, builtins)."""
        if identifier in self.namespace:
            return self.namespace[identifier]
        globals_ = getattr(self.func, "__globals__", {})
        if identifier in globals_:
            return globals_[identifier]
        return getattr(builtins, identifier, _MISSING)


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()
MISSING = _MISSING


def has_python_source(func: Callable) -> bool:
    """Whether func is a Python function adjoint reads (behind decorators and bound methods): not a
    NumPy function, such as np.sum, a dispatcher whose `__wrapped__` is NumPy's own Python code."""
    return inspect.isfunction(unwrap(func)) and class_module(func).partition(".")[0] != "numpy"


def unwrap(func: Callable) -> Callable:
    """The plain Python function behind decorators and bound methods. A decorator's wrapper
    (`functools.wraps`) that does more than call the function it wraps (`return 2 * fn(*args)`)
    is what runs: it is not looked behind."""
    while True:
        if isinstance(func, functools.partial):
            raise SourceUnavailableError(f"cannot differentiate functools.partial object {func!r}")
        wrapped = None if inspect.ismethod(func) else getattr(func, "__wrapped__", None)
        if wrapped is not None and inspect.isfunction(func) and not passes_through(func, wrapped):
            return func
        inner = wrapped or getattr(func, "__func__", None)
        if inner is None:
            return func
        func = inner


@functools.lru_cache(maxsize=None)
def _passes_through(wrapper: Callable, wrapped_name: str) -> bool:
    """Whether the wrapper's code is `def w(*args, **kwargs): return <wrapped_name>(*args, **kwargs)`
    (a docstring aside), read from a file that still holds that code."""
    try:
        lines, _ = inspect.getsourcelines(wrapper.__code__)
        node = ast.parse(textwrap.dedent("".join(lines))).body[0]
    except (OSError, TypeError, SyntaxError, IndexError):
        return False
    if not isinstance(node, ast.FunctionDef) or not runs_as_written(node, wrapper):
        return False
    body = node.body[1:] if node.body and isinstance(node.body[0], ast.Expr) and isinstance(
        node.body[0].value, ast.Constant) and isinstance(node.body[0].value.value, str) else node.body
    arguments = node.args
    if (len(body) != 1 or not isinstance(body[0], ast.Return) or not isinstance(body[0].value, ast.Call)
            or arguments.args or arguments.posonlyargs or arguments.kwonlyargs or not arguments.vararg):
        return False
    call = body[0].value
    keywords = [arguments.kwarg.arg] if arguments.kwarg else []
    return (isinstance(call.func, ast.Name) and call.func.id == wrapped_name and len(call.args) == 1
            and isinstance(call.args[0], ast.Starred) and isinstance(call.args[0].value, ast.Name)
            and call.args[0].value.id == arguments.vararg.arg
            and [k.value.id if k.arg is None and isinstance(k.value, ast.Name) else None for k in call.keywords]
            == keywords)


def passes_through(wrapper: Callable, wrapped: Callable) -> bool:
    """Whether a decorator's wrapper only calls `wrapped` with what it is given (`return f(*a, **k)`,
    f the wrapped function in its closure or globals): then the wrapped function is what runs."""
    code = wrapper.__code__
    candidates = [name for name, cell in zip(code.co_freevars, wrapper.__closure__ or ())
                  if cell.cell_contents is wrapped]
    candidates += [name for name in code.co_names if wrapper.__globals__.get(name) is wrapped]
    return any(_passes_through(wrapper, name) for name in candidates)


def _fresh_tree(node) -> gast.FunctionDef:
    """A gast tree of its own of a parsed function: converted from Python's tree, which the
    parse cache keeps (the conversion builds new nodes), or copied from a gast tree."""
    return to_gast(node) if isinstance(node, ast.FunctionDef) else nodes.clone(node)


@functools.lru_cache(maxsize=None)
def _parse_cached(func: Callable, code) -> Tuple[Any, SourceInfo]:
    """(tree, info) of a function with this code (a function given new code is read again): the
    tree a Python ast.FunctionDef read from source, or a gast one adjoint made; see _fresh_tree."""
    synthesized = getattr(func, "__adjoint_source__", None)
    if isinstance(synthesized, SynthesizedSource):
        return ast.parse(synthesized.text).body[0], synthesized.info
    lifted = getattr(func, "__adjoint_tree__", None)
    if lifted is not None:
        return lifted
    if code.co_name == lambdas.LAMBDA_NAME:  # its code's name: a lambda given another __name__ is one still
        return lambdas.parse_lambda(func)
    try:
        if getattr(func, "__wrapped__", None) is None:
            lines, first_line, module = source_lines(func)
        else:  # a decorator's wrapper that does more than call what it wraps: its own lines
            (lines, first_line), module = inspect.getsourcelines(code), None
        filename = inspect.getsourcefile(func) or inspect.getfile(func)
    except (OSError, TypeError) as error:
        raise SourceUnavailableError(
            f"the source of {getattr(func, '__qualname__', func)!r} is not available ({error}); "
            "define it in a file, or register a rule for it with adjoint.register_adjoint"
        ) from None
    source = "".join(lines)
    dedented = textwrap.dedent(source)
    indent = len(lines[0]) - len(lines[0].lstrip()) if lines else 0
    info = SourceInfo(filename, first_line, tuple(line.rstrip("\n") for line in lines), indent)
    node = (module or ast.parse(dedented)).body[0]
    if isinstance(node, ast.AsyncFunctionDef):
        raise UnsupportedSyntaxError("async", "`async def` functions are not supported", info.location(node))
    if not isinstance(node, ast.FunctionDef):
        raise SourceUnavailableError(
            f"{getattr(func, '__qualname__', func)!r} is not a function defined with `def`",
            info.location(node),
        )
    if not runs_as_written(node, func):
        raise SourceUnavailableError(
            f"the source of {func.__qualname__!r} in its file is not the code Python runs for it: the file "
            "changed after the function was defined (a module edited and not reloaded, or a name imported "
            "from it before a reload; or an import hook rewrote the function's code); reload the module and "
            "import the name again, or run the definition again", info.location(node))
    node.decorator_list = []
    mangle(node, enclosing_class(getattr(code, "co_qualname", func.__qualname__)))
    return node, info


def is_derived(value: Any) -> bool:
    """Whether value is a derived function (what adjoint.grad and the other transformations return)."""
    return not isinstance(value, functools.partial) and getattr(unwrap(value), "__adjoint_generated__", None) is not None


def parse_function(func: Callable) -> ParsedFunction:
    """Parse `func` (unwrapped) into a fresh FunctionDef the caller may change."""
    fixed = {}
    if inspect.ismethod(func) and inspect.isfunction(unwrap(func)):  # a bound method: `self` is known
        first = next(iter(inspect.signature(unwrap(func)).parameters), None)
        fixed = {first: func.__self__} if first is not None else {}
    func = unwrap(func)
    if not inspect.isfunction(func):
        raise SourceUnavailableError(f"{func!r} is not a Python function; its source is not available")
    specialization = getattr(func, "__adjoint_specialized__", None)
    origin = specialization.origin if specialization is not None else func
    node, info = _parse_cached(origin, origin.__code__)
    namespace, cells = {}, []
    if origin.__closure__:
        for var, cell in zip(origin.__code__.co_freevars, origin.__closure__):
            try:
                namespace[var] = cell.cell_contents
            except ValueError:
                continue
            cells.append((ClosureCell(cell), var, namespace[var]))
    node = _fresh_tree(node)
    _positional_only_as_positional(node.args)
    _defaults_as_values(node, origin, namespace)
    bind_local_imports(node, namespace)
    parsed = ParsedFunction(func, node, info, namespace,
                            dependencies=cells + code_dependency(origin) + defaults_dependency(origin))
    parsed.fixed.update(fixed)
    if specialization is not None:
        _specialize(parsed, specialization)
    return parsed


def _positional_only_as_positional(arguments: gast.arguments) -> None:
    """Positional-only parameters become positional-or-keyword ones: the body reads them the same way,
    a call that binds them binds them by position all the same, and what adjoint writes about the
    function's parameters (the halves of a vjp, the tangents a callee takes) need know one kind."""
    arguments.args[0:0], arguments.posonlyargs = arguments.posonlyargs, []


_READ_ONLY: "weakref.WeakKeyDictionary[Callable, ParsedFunction]" = weakref.WeakKeyDictionary()


def read_function(func: Callable) -> ParsedFunction:
    """parse_function(func) for a caller that only reads it (the disk cache's key, the questions
    asked of a callee): one parse of a plain function, given again while what it was parsed with
    (its code, its defaults, the values in its closure) is the same. The caller must not change it.
    A conversion to gast costs about as much as a copy of the tree, and these callers asked for one
    per question: 7% of the test suite's time went to them."""
    if not inspect.isfunction(func) or hasattr(func, "__wrapped__") or hasattr(func, "__adjoint_specialized__"):
        return parse_function(func)
    parsed = _READ_ONLY.get(func)
    if parsed is None or not all(namespace.get(name) is value for namespace, name, value in parsed.dependencies):
        parsed = _READ_ONLY[func] = parse_function(func)
    return parsed


def _specialize(parsed: ParsedFunction, specialization) -> None:
    """Bound parameters leave the signature (the body reads their values, or a local copy of
    them where it rebinds them); fixed ones are known unless the body rebinds them; `*args`
    and `**kwargs` become the named parameters of the call they are specialized to."""
    if specialization.rest is not None:
        receive_rest(parsed.node, specialization.rest)
    stored = set(nodes.names_stored(parsed.node))
    for name, value in specialization.bound:
        _remove_parameter(parsed.node.args, name)
        if name in stored:
            alias = f"_bound_{name}"
            parsed.namespace[alias] = value
            first = parsed.node.body[0]
            parsed.node.body.insert(0, nodes.copy_location(nodes.assign(name, nodes.name(alias)), first))
        else:
            parsed.namespace[name] = value
    parsed.fixed.update((name, value) for name, value in specialization.fixed if name not in stored)
    parsed.classes.update((name, cls) for name, cls in specialization.classes if name not in stored)
    for name, value in specialization.fixed:
        captures = getattr(value, "__adjoint_captures__", ())
        if captures:
            _receive_captures(parsed, name, captures)
    if specialization.listed:
        from adjoint.frontend.listed import list_yields
        list_yields(parsed, specialization.limited)


def _receive_captures(parsed: ParsedFunction, name: str, captures: Tuple[str, ...]) -> None:
    """A fixed function that reads its caller's variables: their values arrive as keyword-only
    parameters (`_fn_w`), and each call `fn(t)` passes them on (`fn(t, w=_fn_w)`)."""
    from adjoint.frontend.values import captured_parameter

    held = {captured: captured_parameter(name, captured) for captured in captures}
    parsed.node.args.kwonlyargs += [gast.Name(id=p, ctx=gast.Param(), annotation=None, type_comment=None)
                                    for p in held.values()]
    parsed.node.args.kw_defaults += [None] * len(held)
    for node in nodes.walk(parsed.node):
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id == name:
            node.keywords += [gast.keyword(arg=c, value=nodes.name(p)) for c, p in held.items()]
    parsed.captured[name] = held


def _remove_parameter(arguments: gast.arguments, name: str) -> None:
    positional = [arg.id for arg in arguments.args]
    if name in positional:
        index = positional.index(name)
        first_default = len(positional) - len(arguments.defaults)
        if index >= first_default:
            del arguments.defaults[index - first_default]
        del arguments.args[index]
        return
    keyword = [arg.id for arg in arguments.kwonlyargs]
    if name in keyword:
        index = keyword.index(name)
        del arguments.kwonlyargs[index]
        del arguments.kw_defaults[index]


LITERALS = (bool, int, float, complex, str, bytes, type(None))
DEFAULT_PREFIX = "_default_"  # the name of a default value that is not a number: `_default_w`


def _defaults_as_values(node: gast.FunctionDef, func: Callable, namespace: Dict[str, Any]) -> None:
    """Default values replace their expressions where those may no longer give them: `k=SCALE * 2`
    and `w=np.random.rand(3)` were evaluated once, when `def` ran, and the derivative must use
    those values, not new ones. A number becomes a constant; another object a name of its own
    (`_default_w`, in namespace), unless its expression still names it (`act=np.tanh`, `w=W`)."""
    arguments = node.args
    values = func.__defaults__ or ()
    positional = arguments.args[len(arguments.args) - len(arguments.defaults):]
    if len(values) == len(arguments.defaults):
        arguments.defaults = [_as_value(value, expr, arg.id, func, namespace)
                              for arg, value, expr in zip(positional, values, arguments.defaults)]
    keyword_values = func.__kwdefaults__ or {}
    arguments.kw_defaults = [
        _as_value(keyword_values[arg.id], expr, arg.id, func, namespace)
        if expr is not None and arg.id in keyword_values else expr
        for arg, expr in zip(arguments.kwonlyargs, arguments.kw_defaults)
    ]


def _as_value(value: Any, expr: gast.expr, parameter: str, func: Callable, namespace: Dict[str, Any]) -> gast.expr:
    if type(value) in LITERALS:
        return gast.copy_location(gast.Constant(value=value, kind=None), expr)
    if _named(expr, func, namespace) is value:
        return expr
    name = f"{DEFAULT_PREFIX}{parameter}"
    namespace[name] = value
    return gast.copy_location(gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None), expr)


def _named(expr: gast.expr, func: Callable, namespace: Dict[str, Any]) -> Any:
    """What a name or a chain of attributes names now (MISSING for any other expression)."""
    if isinstance(expr, gast.Name):
        found = namespace.get(expr.id, MISSING)
        found = func.__globals__.get(expr.id, MISSING) if found is MISSING else found
        return vars(builtins).get(expr.id, MISSING) if found is MISSING else found
    if isinstance(expr, gast.Attribute):
        owner = _named(expr.value, func, namespace)
        try:
            return MISSING if owner is MISSING else getattr(owner, expr.attr, MISSING)
        except Exception:  # a property that fails: the expression no longer gives the value
            return MISSING
    return MISSING
