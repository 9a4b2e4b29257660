"""Checkpointed loops: the body of `for t in adjoint.checkpointed(range(n), snapshots=k):` becomes a function.

The body, as the user wrote it, becomes a real Python function of the loop variable, the
state the loop carries and the invariants it reads (analysis/loop_state.py), returning the
carried state; the loop calls it. Its derivative is then generated like any user
function's, and the reverse transform runs the loop with binomial checkpointing
(ad/checkpoint.py) instead of taping it. The new function's source keeps the user's lines,
so errors and `# Grad of:` comments point at them. In `def f(y, A, n)`:

Before::

    for t in adjoint.checkpointed(range(n), snapshots=20):
        z = A @ y
        y = y + 0.01 * np.tanh(z)
    return y

After::

    for t in range(n):
        y = _step1(t, y, A)
    return y

Step::

    def f_step(t, y, A):
        z = A @ y
        y = y + 0.01 * np.tanh(z)
        return y
"""
from __future__ import annotations

import ast
import builtins
import inspect
import textwrap
import types
import weakref
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Dict, List, Optional, Tuple

import gast

from adjoint import markers, nodes
from adjoint.errors import UnsupportedSyntaxError
from adjoint.frontend.define import compile_function
from adjoint.frontend.held import let_go
from adjoint.frontend.parse import ParsedFunction, SourceInfo, SynthesizedSource
from adjoint.frontend.resolve import computes_only, resolve
from adjoint.normalize.loop_state import LoopState, kills, loop_states
from adjoint.normalize.method_statements import IN_PLACE_METHODS

MARKER = "adjoint.checkpointed"


@dataclass
class CheckpointedLoop:
    """A checkpointed loop: its step function, what the step takes and returns, and how to
    write variants of the step that return only part of the state."""

    step: Optional[Callable]
    target: str
    carried: Tuple[str, ...]
    invariants: Tuple[str, ...]
    snapshots: gast.expr
    header: str  # the `for` line, for comments
    body: str  # the body's source, indented as a function body
    variants: Dict[Tuple[str, ...], Callable] = field(default_factory=dict)

    @property
    def parameters(self) -> Tuple[str, ...]:
        return (self.target,) + self.carried + self.invariants

    def source(self, name: str, returned: Tuple[str, ...]) -> str:
        """`def name(t, state..., invariants...): <body>; return <returned>`."""
        result = ", ".join(returned) if returned else "None"
        return f"def {name}({', '.join(self.parameters)}):\n{self.body}\n    return {result}\n"

    def returning(self, names: Tuple[str, ...]) -> Callable:
        """The step function returning only `names` (part of the carried state, in order)."""
        if names == self.carried:
            return self.step
        if names not in self.variants:
            text = self.source(self.step.__name__, names)
            info = self.step.__adjoint_source__.info
            info = replace(info, lines=info.lines[:-1] + (text.splitlines()[-1].strip(),))
            self.variants[names] = _define(self.step.__name__, text, info, self.step.__globals__,
                                           _closure_values(self.step))
        return self.variants[names]

    def primal_source(self, name: str) -> str:
        """The step as generated code runs it: the user's lines under a comment naming the loop."""
        head, _, rest = self.source(name, self.carried).partition("\n")
        return f"{head}\n    # Body of: {self.header}\n{rest}"


_LOOPS: "weakref.WeakKeyDictionary[Callable, CheckpointedLoop]" = weakref.WeakKeyDictionary()
_BY_PARENT: "weakref.WeakKeyDictionary[Callable, Dict[Tuple[int, int], CheckpointedLoop]]" = (
    weakref.WeakKeyDictionary())


def loop_of(func: Any) -> Optional[CheckpointedLoop]:
    """The checkpointed loop whose step `func` is, or None."""
    try:
        return _LOOPS.get(func)
    except TypeError:
        return None


# ----- the stage -------------------------------------------------------------------------------

def lift_checkpointed_loops(parsed: ParsedFunction, fresh: Callable[[str], str],
                            locals_: Optional[frozenset] = None) -> bool:
    """Rewrite each checkpointed loop of parsed.node into a loop calling its step function;
    whether there was one. `locals_`: nodes.local_names(parsed.node), where the caller has it."""
    locals_ = nodes.local_names(parsed.node) if locals_ is None else locals_
    loops = _marked_loops(parsed, locals_)
    if not loops:
        return False
    let_go(parsed.node)
    states = loop_states(parsed.node, [loop for loop, _ in loops], locals_)
    known = _BY_PARENT.setdefault(parsed.func, {})
    for number, (loop, call) in enumerate(loops, start=1):
        steps, snapshots = _arguments(parsed, loop, call)
        key = (loop.lineno, loop.col_offset)
        if key not in known:
            _check_body(parsed, loop, states[loop], locals_)
            known[key] = _lift(parsed, loop, snapshots, states[loop], number)
        plan = known[key]
        alias = fresh("_step")
        parsed.namespace[alias] = plan.step
        _rewrite(loop, steps, plan, alias)
    return True


def _marked_loops(parsed: ParsedFunction, locals_) -> List[Tuple[gast.For, gast.Call]]:
    """(loop, marker call) of each checkpointed loop not inside another one, in source order.

    Loops inside a checkpointed loop are lifted with its step function, when that is normalized.
    """
    marked = [node for node in nodes.walk(parsed.node) if isinstance(node, gast.For)
              and _is_marker(node.iter, parsed, locals_)]
    iterators = {loop.iter for loop in marked}
    for node in nodes.walk(parsed.node):
        if isinstance(node, gast.Call) and node not in iterators and _is_marker(node, parsed, locals_):
            raise _refuse(parsed, node, f"{MARKER}(...) marks a loop: write "
                                        f"`for t in {MARKER}(range(n), snapshots=k):`")
    inner = {sub for loop in marked for stmt in loop.body for sub in nodes.walk(stmt)}
    outer = [(loop, loop.iter) for loop in marked if loop not in inner]
    return sorted(outer, key=lambda pair: (pair[0].lineno, pair[0].col_offset))


def _is_marker(node: gast.expr, parsed: ParsedFunction, locals_) -> bool:
    return isinstance(node, gast.Call) and resolve(node.func, parsed, locals_) is markers.checkpointed


def _refuse(parsed: ParsedFunction, node: gast.AST, message: str) -> UnsupportedSyntaxError:
    return UnsupportedSyntaxError("checkpointed loop", message, parsed.info.location(node))


# ----- checking a loop ---------------------------------------------------------------------------

def _arguments(parsed: ParsedFunction, loop: gast.For, call: gast.Call) -> Tuple[gast.expr, gast.expr]:
    """The marker's `steps` (a range(...) call) and `snapshots` expressions."""
    try:
        bound = inspect.signature(markers.checkpointed).bind(*call.args, **{k.arg: k.value for k in call.keywords})
    except TypeError as error:
        raise _refuse(parsed, call, f"{MARKER}(range(n), snapshots=k): {error}") from None
    steps, snapshots = bound.arguments["steps"], bound.arguments["snapshots"]
    if not (isinstance(steps, gast.Call) and resolve(steps.func, parsed, nodes.local_names(parsed.node)) is range):
        raise _refuse(parsed, steps, "a checkpointed loop must run over `range(...)`, as in "
                                     f"`{MARKER}(range(n), snapshots=k)`")
    if not isinstance(loop.target, gast.Name):
        raise _refuse(parsed, loop.target, "the variable of a checkpointed loop must be a single name")
    return steps, snapshots


def _check_body(parsed: ParsedFunction, loop: gast.For, state: LoopState, locals_) -> None:
    target = loop.target.id
    for stmt in _own_statements(loop.body):
        if isinstance(stmt, (gast.Break, gast.Continue, gast.Return)):
            keyword = type(stmt).__name__.lower()
            raise _refuse(parsed, stmt, f"`{keyword}` inside a checkpointed loop is not supported: each iteration must "
                                        "run to its end (guard the rest of the body with `if`)")
    for stmt in nodes.statements_in(loop.body):
        if target in kills(stmt):
            raise _refuse(parsed, stmt, f"a checkpointed loop may not assign its loop variable `{target}`")
        written = _written_into(stmt, locals_)
        if written is not None and written in state.inputs:
            raise _refuse(parsed, stmt, f"a checkpointed loop may not write into `{written}`, which it did not create: "
                                        "checkpointing copies the loop's state by reference; build a new value "
                                        f"instead (`{written} = ...`), or create `{written}` inside the loop")
    if target in state.after:
        raise _refuse(parsed, loop.target, f"the variable `{target}` of a checkpointed loop is read after the loop; "
                                           "copy what you need into another name")
    if state.maybe_unbound:
        name = state.maybe_unbound[0]
        raise _refuse(parsed, loop, f"`{name}` may be unassigned when the checkpointed loop starts, but each step "
                                    f"receives it; assign `{name}` before the loop")


def _own_statements(stmts):
    """Statements of this loop's body that a `break`/`continue` would leave (not nested loops)."""
    for stmt in stmts:
        yield stmt
        if isinstance(stmt, (gast.If, gast.With)):
            yield from _own_statements(stmt.body + getattr(stmt, "orelse", []))
        elif isinstance(stmt, (gast.For, gast.While)):
            yield from (sub for sub in nodes.statements_in(stmt.body) if isinstance(sub, gast.Return))


def _written_into(stmt: gast.stmt, locals_) -> Optional[str]:
    """The name a statement changes in place: `a[i] = v`, `a[i] += v`, or a method of a local's changing it
    (`a.append(v)`, `a.pop()`, those normalize/method_statements.py writes)."""
    targets = stmt.targets if isinstance(stmt, gast.Assign) else [getattr(stmt, "target", None)]
    for target in targets:
        if isinstance(target, gast.Subscript):
            root = target.value
            while isinstance(root, gast.Subscript):
                root = root.value
            if isinstance(root, gast.Name):
                return root.id
    for sub in nodes.walk(stmt):
        if (isinstance(sub, gast.Call) and isinstance(sub.func, gast.Attribute)
                and sub.func.attr in ("append", "pop") + IN_PLACE_METHODS
                and isinstance(sub.func.value, gast.Name) and sub.func.value.id in locals_):
            return sub.func.value.id
    return None


# ----- the step function ---------------------------------------------------------------------------

def _lift(parsed: ParsedFunction, loop: gast.For, snapshots: gast.expr, state: LoopState,
          number: int) -> CheckpointedLoop:
    """The step function of `loop` (the user's body lines under a new `def`) and what it takes."""
    body, removed = _body_text(parsed, loop)
    info = parsed.info
    first, last = loop.body[0], loop.body[-1]
    step_info = SourceInfo(
        filename=info.filename,
        first_line=info.first_line + first.lineno - 2,
        lines=(info.lines[loop.lineno - 1],) + tuple(info.lines[first.lineno - 1:last.end_lineno])
        + ("return " + (", ".join(state.carried) or "None"),),
        indent=info.indent + removed - 4,
    )
    plan = CheckpointedLoop(None, loop.target.id, state.carried, state.invariants, snapshots,
                            info.line_text(loop), body)
    name = f"{parsed.func.__name__}_step" + (str(number) if number > 1 else "")
    read = {n for stmt in loop.body for n in nodes.names_read(stmt)} - set(plan.parameters)
    closure = {n: value for n, value in parsed.namespace.items() if n in read}
    try:
        plan.step = _define(name, plan.source(name, plan.carried), step_info, parsed.func.__globals__, closure)
    except SyntaxError as error:
        raise _refuse(parsed, loop, f"cannot make a function of this loop's body: {error.msg}") from None
    _LOOPS[plan.step] = plan
    return plan


def _body_text(parsed: ParsedFunction, loop: gast.For) -> Tuple[str, int]:
    """The body's lines as the user wrote them, indented by 4; and how much indentation was removed."""
    lines = _parsed_lines(parsed)
    first, last = loop.body[0], loop.body[-1]
    body = lines[first.lineno - 1:last.end_lineno]
    prefix = len(body[0].encode()[:first.col_offset].decode(errors="ignore"))
    body[0] = " " * prefix + body[0][prefix:]  # a body on the `for` line itself
    removed = min(len(line) - len(line.lstrip()) for line in body if line.strip())
    return textwrap.indent(textwrap.dedent("\n".join(body)), "    "), removed


def _parsed_lines(parsed: ParsedFunction) -> List[str]:
    """The lines parsed.node was parsed from (its line numbers and columns index them)."""
    synthesized = getattr(parsed.func, "__adjoint_source__", None)
    if synthesized is not None:
        return synthesized.text.splitlines()
    return textwrap.dedent("\n".join(parsed.info.lines)).splitlines()


def _define(name: str, text: str, info: SourceInfo, globals_: Dict[str, Any], closure: Dict[str, Any]):
    """The function `text` defines, with these globals and closure values; it carries its source."""
    func = compile_function(name, text, globals_, closure, label="adjoint checkpointed loop")
    func.__qualname__ = name
    func.__adjoint_source__ = SynthesizedSource(text, info)
    if _may_differ_when_run_again(text, dict(globals_, **closure)):
        setattr(func, markers.RECOMPUTE, markers.LOOP_STEP)  # its vjp runs it again, and checks it leaves the same state
    return func


def _may_differ_when_run_again(text: str, namespace: Dict[str, Any]) -> bool:
    """Whether a step may leave another state run again from the same one: it calls something
    else than NumPy's functions but its random ones, `math`'s and builtins that only compute (a
    random draw, a counter, a user's function, a method of a value)."""
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Call) and not computes_only(_resolved(node.func, namespace)):
            return True
    return False


def _resolved(node: ast.expr, namespace: Dict[str, Any]) -> Any:
    if isinstance(node, ast.Name):
        return namespace.get(node.id, getattr(builtins, node.id, None))
    if isinstance(node, ast.Attribute):
        owner = _resolved(node.value, namespace)
        return getattr(owner, node.attr, None) if isinstance(owner, types.ModuleType) else None
    return None


def _closure_values(func: Callable) -> Dict[str, Any]:
    cells = func.__closure__ or ()
    return {name: cell.cell_contents for name, cell in zip(func.__code__.co_freevars, cells)}


# ----- the loop that calls it -------------------------------------------------------------------------

def _rewrite(loop: gast.For, steps: gast.expr, plan: CheckpointedLoop, alias: str) -> None:
    """`for t in range(...): state = alias(t, state..., invariants...)`."""
    step_call = nodes.call(nodes.name(alias), [nodes.name(p) for p in plan.parameters])
    if not plan.carried:
        statement = gast.Expr(value=step_call)
    elif len(plan.carried) == 1:
        statement = nodes.assign(plan.carried[0], step_call)
    else:
        targets = nodes.tuple_of(nodes.name(n, store=True) for n in plan.carried)
        targets.ctx = gast.Store()
        statement = gast.Assign(targets=[targets], value=step_call, type_comment=None)
    loop.iter = nodes.clone(steps)
    loop.body = [nodes.copy_location(statement, loop.body[0])]

