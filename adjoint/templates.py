"""Derivative rules as code templates: parse a rule once, then fill it in at each call site.

A rule is a plain function whose parameters are the call's output (`result`) and inputs,
and whose body assigns `d[v]` (the derivative of v)::

    @register_adjoint(math.sin)
    def _(result, x):
        d[x] = d[result] * math.cos(x)

Instantiated at `b = math.sin(a)` in reverse mode it gives the contribution
`d[a] <- db * math.cos(a)`; the transformer decides how it is accumulated.
"""
from __future__ import annotations

import ast
import builtins
import functools
import linecache
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import AbstractSet, Any, Callable, Dict, List, Optional, Sequence, Tuple

import gast

from adjoint import nodes
from adjoint.errors import AdjointError, Location
from adjoint.frontend.conversion import to_gast
from adjoint.frontend.source_lines import source_lines
from adjoint.linear_zeros import SHAPING, LinearZeros


class _DerivativeMarker:
    """`d` in a rule template: `d[x]` is the derivative of x. Meaningless outside a template."""

    def __getitem__(self, key):
        raise AdjointError("`d[...]` is only meaningful inside a derivative rule template")

    def __repr__(self) -> str:
        return "d"


d = _DerivativeMarker()
RESULT = "result"


class TemplateError(AdjointError):
    """A rule template that cannot be used (bad signature or body)."""


@dataclass
class Template:
    """A parsed rule: parameters (with default expressions), body, and the globals it reads."""

    rule: Callable
    params: List[str]
    defaults: Dict[str, gast.expr]
    body: List[gast.stmt]
    globals_used: Dict[str, Any]
    source: str

    @functools.cached_property
    def inputs(self) -> List[str]:
        return [param for param in self.params if param != RESULT]

    @functools.cached_property
    def differentiable(self) -> List[str]:
        """The inputs derivatives flow through: those the rule writes or reads as `d[p]`.

        Others (a shape, an axis, an index) carry no derivative.
        """
        used = {node.slice.id for stmt in self.body for node in nodes.walk(stmt) if is_derivative(node)}
        return [param for param in self.inputs if param in used]

    @functools.cached_property
    def steps(self) -> List["_Step"]:
        """The body's statements, each ready to be filled in (see _builder)."""
        return _steps(self)

    def bind(self, args: Sequence[gast.expr], keywords: Dict[str, gast.expr]) -> Optional[Dict[str, gast.expr]]:
        """Map call-site arguments to template parameters; None if they do not fit."""
        inputs = self.inputs
        if len(args) > len(inputs):
            return None
        bound = dict(zip(inputs, args))
        for key, value in keywords.items():
            param = key if key in inputs else f"{key}_"  # `d=` binds `d_`: a rule cannot name a parameter `d`
            if param not in inputs or param in bound:
                return None
            bound[param] = value
        for param in inputs:
            if param not in bound:
                if param not in self.defaults:
                    return None
                bound[param] = nodes.clone(self.defaults[param])
        return bound


def _rule_source(rule: Callable) -> Tuple[str, Optional[ast.Module]]:
    """The rule's source as inspect.getsource gives it, dedented, and its tree where
    source_lines read it from one (the tree of that text: no second parse)."""
    try:
        lines, _, module = source_lines(rule)
    except (OSError, TypeError) as error:
        raise TemplateError(f"the source of rule {rule!r} is not available: {error}") from None
    return textwrap.dedent("".join(lines)), module


def _definition(source: str, def_line: int) -> str:
    """The rule's text from its `def` line: the math, not what it is registered for."""
    return "\n".join(source.splitlines()[def_line - 1:])


def rule_definition(rule: Callable) -> str:
    """What a rule's fingerprint hashes (its definition without decorators), read without
    building the template: from one parse of its file (the cache key of every process asks for
    all of them; inspect.getsource would tokenize the file again for each)."""
    code = getattr(rule, "__code__", None)
    found = _file_definitions(code.co_filename).get(code.co_firstlineno) if code is not None else None
    if found is not None:
        return found
    source, module = _rule_source(rule)
    return _definition(source, (module or ast.parse(source)).body[0].lineno)


@functools.lru_cache(maxsize=None)
def _file_definitions(filename: str) -> Dict[int, str]:
    """first line (its first decorator's) -> the text from the `def` line on, for each top-level function of a file."""
    try:
        text = Path(filename).read_text(encoding="utf-8")
        tree = ast.parse(text)
    except (OSError, SyntaxError, ValueError):
        return {}
    lines = text.splitlines()
    return {
        min([node.lineno] + [d.lineno for d in node.decorator_list]):
            textwrap.dedent("\n".join(lines[node.lineno - 1:node.end_lineno]))
        for node in tree.body if isinstance(node, ast.FunctionDef)
    }


def parse_template(rule: Callable) -> Template:
    source, module = _rule_source(rule)
    func_node = to_gast((module or ast.parse(source)).body[0])
    arguments = func_node.args
    params = [arg.id for arg in arguments.args]
    if RESULT not in params:
        raise TemplateError(f"rule {rule.__qualname__} must take `{RESULT}` as a parameter")
    defaults = dict(zip(params[len(params) - len(arguments.defaults):], arguments.defaults))
    body = [_MarkerSpelledD(rule.__globals__).visit(stmt) for stmt in func_node.body if not _is_docstring(stmt)]
    _refuse_other_uses_of_d(rule, body, params)
    local = set(params) | {n for stmt in body for n in nodes.names_stored(stmt)} | {"d"}
    globals_used = {}
    for identifier in sorted({n for stmt in body for n in nodes.names_read(stmt)} - local):
        if identifier in rule.__globals__:
            globals_used[identifier] = rule.__globals__[identifier]
        elif hasattr(builtins, identifier):  # bound as the rule's globals are: the function may hold a local `list`
            globals_used[identifier] = getattr(builtins, identifier)
        else:
            raise TemplateError(f"rule {rule.__qualname__} reads unknown name {identifier!r}")
    return Template(rule, params, defaults, body, globals_used, _definition(source, func_node.lineno))


class _MarkerSpelledD(nodes.Transformer):
    """The derivative marker under another spelling (`adjoint.d`, `from adjoint import d as D`),
    written `d`: what the rule's globals make of the name or attribute is what counts."""

    def __init__(self, rule_globals: Dict[str, Any]):
        self.rule_globals = rule_globals

    def visit_Name(self, node):
        return nodes.name("d") if node.id != "d" and self.rule_globals.get(node.id) is d else node

    def visit_Attribute(self, node):
        return nodes.name("d") if self._value(node) is d else self.generic_visit(node)

    def _value(self, node):
        """What a dotted name of the rule's globals holds (None where it is not one)."""
        if isinstance(node, gast.Name):
            return self.rule_globals.get(node.id, getattr(builtins, node.id, None))
        if isinstance(node, gast.Attribute):
            owner = self._value(node.value)
            return getattr(owner, node.attr, None) if owner is not None else None
        return None


def _refuse_other_uses_of_d(rule: Callable, body: List[gast.stmt], params: List[str]) -> None:
    """`d` only as `d[p]` of a parameter p, and at least one `d[p] = ...`: anything else would be
    a rule that silently gives no derivative (the derivative of a parameter it never names is 0)."""
    derivatives = [node for stmt in body for node in nodes.walk(stmt) if is_derivative(node)]
    uses = [node for stmt in body for node in nodes.walk(stmt) if isinstance(node, gast.Name) and node.id == "d"]
    if len(uses) != len(derivatives) or any(node.slice.id not in params for node in derivatives):
        raise TemplateError(f"this rule uses `d` otherwise than as `d[p]`, p one of its parameters "
                            f"({', '.join(params)})", _rule_location(rule))
    if not any(isinstance(stmt, gast.Assign) and is_derivative(stmt.targets[0]) for stmt in body):
        raise TemplateError("this rule assigns no derivative `d[p] = ...`; declare a function without one "
                            "with adjoint.non_differentiable", _rule_location(rule))


def _rule_location(rule: Callable) -> Optional[Location]:
    """The rule's `def` line."""
    code = getattr(rule, "__code__", None)
    if code is None:
        return None
    line = linecache.getline(code.co_filename, code.co_firstlineno)
    return Location(code.co_filename, code.co_firstlineno, len(line) - len(line.lstrip()), None, line)


def _is_docstring(stmt: gast.stmt) -> bool:
    return isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Constant)


def is_derivative(node: gast.AST) -> bool:
    """`d[name]`."""
    return (
        isinstance(node, gast.Subscript)
        and isinstance(node.value, gast.Name)
        and node.value.id == "d"
        and isinstance(node.slice, gast.Name)
    )


@dataclass
class Instance:
    """A template filled in at one call site.

    `setup` are the template's own helper statements, `derivatives` the `d[param] = expr`
    assignments as (param, expr) in template order.
    """

    setup: List[gast.stmt]
    derivatives: List[Tuple[str, gast.expr]]


class _Fill:
    """What one instantiation fills a template in with: the call's atoms by parameter, the
    derivative of each parameter, and the names of the template's globals and locals."""

    __slots__ = ("bindings", "derivative_of", "globals_name", "locals_name")

    def __init__(self, bindings, derivative_of, globals_name, locals_name):
        self.bindings = bindings
        self.derivative_of = derivative_of
        self.globals_name = globals_name
        self.locals_name = locals_name


Builder = Callable[[_Fill], Any]


def _builder(node, params: frozenset, local: frozenset, global_: frozenset) -> Builder:
    """A function that builds the filled-in copy of a template node, made once per template
    (the template itself is left as parsed): parameters become copies of the call's atoms,
    `d[p]` what `derivative_of(p)` gives, the template's locals and globals the names
    generated code knows them by, everything else a copy. It does what a walk of the node
    would do at each use, with the decisions about each node taken beforehand."""
    if isinstance(node, list):
        items = [_builder(item, params, local, global_) for item in node]
        return lambda fill: [build(fill) for build in items]
    if not isinstance(node, gast.AST):
        return lambda fill: node
    if isinstance(node, gast.Name):
        return _name_builder(node, params, local, global_)
    if isinstance(node, gast.Subscript) and is_derivative(node):
        param = node.slice.id
        return lambda fill: fill.derivative_of(param)
    cls, prototype = node.__class__, _without_position(node)
    children = tuple((field, _builder(getattr(node, field), params, local, global_)) for field in node._fields
                     if isinstance(getattr(node, field, None), (list, gast.AST)))

    def build(fill):
        filled = cls.__new__(cls)
        attributes = filled.__dict__
        attributes.update(prototype)
        for field, build_child in children:
            attributes[field] = build_child(fill)
        return filled

    return _none_test_builder(node, build) if _tests_none(node, params) else build


def _tests_none(node: gast.AST, params: frozenset) -> bool:
    """`param is None` (or `is not None`) in a template."""
    return (isinstance(node, gast.Compare) and isinstance(node.left, gast.Name) and node.left.id in params
            and len(node.ops) == 1 and isinstance(node.ops[0], (gast.Is, gast.IsNot))
            and isinstance(node.comparators[0], gast.Constant) and node.comparators[0].value is None)


def _none_test_builder(node: gast.Compare, build: Builder) -> Builder:
    """`param is None` filled in with a literal the call passes (`left=-1.0` of np.interp), or with
    the None of a parameter the call leaves out, is decided here: Python warns of `-1.0 is None`
    when it compiles it (a SyntaxError under `-W error`), and `None is None` only hides which
    branch of the rule runs."""
    negated = isinstance(node.ops[0], gast.IsNot)

    def decided(fill):
        filled = build(fill)
        atom = filled.left.operand if isinstance(filled.left, gast.UnaryOp) else filled.left
        if isinstance(atom, gast.Constant):
            return nodes.constant(negated if atom.value is not None else not negated)
        return filled

    return decided


def _name_builder(node: gast.Name, params: frozenset, local: frozenset, global_: frozenset) -> Builder:
    identifier = node.id
    if identifier in params:
        return lambda fill: _load_copy(fill.bindings[identifier])
    if identifier in local:
        store = isinstance(node.ctx, gast.Store)
        return lambda fill: nodes.name(fill.locals_name[identifier], store=store)
    if identifier in global_:
        return lambda fill: nodes.name(fill.globals_name[identifier])
    prototype = _without_position(node)
    return lambda fill: _copy_of(gast.Name, prototype)


_PLAIN_VALUES = frozenset({int, float, bool, str, type(None)})


def _load_copy(atom: gast.expr) -> gast.expr:
    """nodes.load_copy, without its walk for the usual atoms: a name, a number."""
    cls = atom.__class__
    if cls is gast.Name and atom.annotation is None:
        copied = _shallow_copy(atom)
        copied.ctx = gast.AST.__new__(gast.Load)  # gast.Load(), without its constructor
        return copied
    if cls is gast.Constant and atom.value.__class__ in _PLAIN_VALUES and atom.kind is None:
        return _shallow_copy(atom)
    return nodes.load_copy(atom)


_NO_POSITION = dict(lineno=None, col_offset=None, end_lineno=None, end_col_offset=None)


def _without_position(node: gast.AST) -> dict:
    """The node's attributes, its position left out: a filled-in rule takes the position of the
    user's code (copy_location), not the rule file's."""
    return dict(node.__dict__, **_NO_POSITION) if "lineno" in node._attributes else node.__dict__


def _shallow_copy(node: gast.AST) -> gast.AST:
    return _copy_of(node.__class__, node.__dict__)


def _copy_of(cls: type, attributes: dict) -> gast.AST:
    copied = cls.__new__(cls)
    copied.__dict__.update(attributes)
    return copied


@dataclass
class _Step:
    """One statement of a template, ready to fill in: a `d[param] = expr` (its expression
    built), or a setup statement (built whole), which names the locals it introduces.

    Of a `d[param] = expr`, also where it may call a function that instantiate is asked to
    drop: at the root of expr, or inside it (only a call of a parameter or a global may be
    one, see _drop_calls)."""

    param: Optional[str]
    build: Builder
    new_locals: List[str]
    calls_at_root: bool = False
    calls_inside: bool = False


def _steps(template: "Template") -> List[_Step]:
    params, global_ = frozenset(template.params), frozenset(template.globals_used)
    local: set = set()
    steps = []
    for stmt in template.body:
        if isinstance(stmt, gast.Assign) and is_derivative(stmt.targets[0]):
            expr = stmt.value
            calls = [node for node in nodes.walk(expr) if isinstance(node, gast.Call)
                     and isinstance(node.func, gast.Name) and node.func.id in params | global_]
            steps.append(_Step(stmt.targets[0].slice.id, _builder(expr, params, frozenset(local), global_), [],
                               any(call is expr for call in calls), any(call is not expr for call in calls)))
            continue
        new_locals = sorted(set(nodes.names_stored(stmt)) - local)
        local.update(new_locals)
        steps.append(_Step(None, _builder(stmt, params, frozenset(local), global_), new_locals))
    return steps


def instantiate(
    template: Template,
    bindings: Dict[str, gast.expr],
    derivative_of: Callable[[str], gast.expr],
    bind_global: Callable[[str, Any], str],
    fresh: Callable[[str], str],
    dropped: Optional[Callable[[], AbstractSet[str]]] = None,
) -> Instance:
    """Fill `template` in: parameters become the call's atoms, `d[p]` becomes derivative_of(p).

    `bind_global(name, obj)` returns the name under which generated code reaches a global the
    template reads (`np`, `math`, `unbroadcast`); `fresh` names the template's own locals.
    `dropped()`, asked once the globals are bound, names functions whose calls in the
    derivatives give way to their first argument (unbroadcast, where there is nothing to undo).
    """
    globals_name = {key: bind_global(key, value) for key, value in template.globals_used.items()}
    shaping = {globals_name[key] for key, value in template.globals_used.items() if any(value is f for f in SHAPING)}
    drop = dropped() if dropped is not None else None
    locals_name: Dict[str, str] = {}
    setup: List[gast.stmt] = []
    derivatives: List[Tuple[str, gast.expr]] = []
    zeros: dict = {}
    others: dict = {}

    def recorded(param: str) -> gast.expr:
        node = derivative_of(param)
        is_zero = isinstance(node, gast.Constant) and node.value == 0
        (zeros if is_zero else others)[id(node)] = node
        return node

    fill = _Fill(bindings, recorded, globals_name, locals_name)
    for step in template.steps:
        if step.param is not None:
            filled = step.build(fill)
            as_built = not zeros  # the linear-zeros pass changes nothing while no derivative is zero
            if zeros:
                filled = LinearZeros(zeros, others, shaping).visit(filled)
            if drop is not None:
                filled = _drop_calls(filled, drop, step if as_built else None)
            derivatives.append((step.param, filled))
            continue
        for identifier in step.new_locals:
            locals_name[identifier] = fresh("_" + identifier)
        setup.append(step.build(_Fill(bindings, derivative_of, globals_name, locals_name)))
    return Instance(setup, derivatives)


def _drop_calls(expr: gast.expr, names: AbstractSet[str], step: Optional[_Step]) -> gast.expr:
    """expr with each call of one of `names` replaced by its first argument, innermost first.

    `step` is given when expr is as that template step built it (the linear-zeros pass left
    it alone): then such a call can only stand where the step calls a parameter or a global
    (the atoms and derivatives filled in call none of these names), and expr is walked only
    when one stands inside it."""
    def dropped(node: gast.AST) -> gast.AST:
        if node.__class__ is gast.Call and node.func.__class__ is gast.Name and node.func.id in names and node.args:
            return node.args[0]
        return node

    if step is not None and not step.calls_inside:
        return dropped(expr) if step.calls_at_root else expr
    return nodes.rewrite(expr, dropped)
