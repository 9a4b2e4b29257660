"""A function with `*args` or `**kwargs`, specialized to the arguments one call passes through them.

A call `affine(W, x, h)` of `def affine(weights, *inputs)` passes two values through
`*inputs`. Adjoint differentiates the version of `affine` with one named parameter per
value, which then builds the tuple the body reads; `**options` likewise becomes one
keyword-only parameter per keyword the call passes, gathered into a dict::

    def affine(weights, inputs_0, inputs_1):        # the call passes 2 values through *inputs
        inputs = (inputs_0, inputs_1)
        ...                                          # the body, unchanged

A tuple or dict of differentiated values is a container the transforms already handle,
so the derivative of the body comes back through the new parameters; a call in the body
that forwards them (`g(*inputs)`) passes the parameters one by one. The number of
values and the keywords are part of what the specialization is made for (frontend/values.py),
so each arity a function is called with gets its own derivative. The new parameters' names
are free in the function (`inputs_0`, else `inputs_0_1`, ...).
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Tuple

import gast

from adjoint import nodes

VARIADIC = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


@dataclass(frozen=True)
class Rest:
    """The parameters standing for the values of `*args` (in order) and of `**kwargs` (keyword, parameter)."""

    positional: Tuple[str, ...] = ()
    keywords: Tuple[Tuple[str, str], ...] = ()


def passed_through_rest(func: Callable, positional: int, keywords: Tuple[str, ...]) -> Optional[Tuple[int, tuple]]:
    """(how many values, which keywords) a call with `positional` arguments and these keywords
    passes through func's `*args` and `**kwargs`; None when func has neither (or the call does
    not bind)."""
    from adjoint.frontend.parse import unwrap  # (parse reads this module)
    try:
        plain = inspect.isfunction(func)  # a decorated function's is that of the code that runs
        signature = inspect.signature(unwrap(func) if plain else func, follow_wrapped=not plain)
    except (TypeError, ValueError):
        return None
    variadic = {p.kind: p.name for p in signature.parameters.values() if p.kind in VARIADIC}
    if not variadic:
        return None
    try:
        bound = signature.bind(*range(positional), **dict.fromkeys(keywords)).arguments
    except TypeError:
        return None
    values = bound.get(variadic.get(inspect.Parameter.VAR_POSITIONAL), ())
    extra = bound.get(variadic.get(inspect.Parameter.VAR_KEYWORD), {})
    return len(values), tuple(extra)


def rest_parameters(func_node: gast.FunctionDef, count: int, keywords: Tuple[str, ...]) -> Rest:
    """The parameter names for `count` values of the `*args` and the `keywords` of the `**kwargs`
    of the function `func_node`, none of them a name the function already uses."""
    taken = set(nodes.all_identifiers(func_node))

    def free(preferred: str) -> str:
        candidate, suffix = preferred, 0
        while candidate in taken:
            suffix += 1
            candidate = f"{preferred}_{suffix}"
        taken.add(candidate)
        return candidate

    arguments = func_node.args
    positional = tuple(free(f"{arguments.vararg.id}_{i}") for i in range(count)) if arguments.vararg else ()
    named = tuple((key, free(f"{arguments.kwarg.id}_{key}")) for key in keywords) if arguments.kwarg else ()
    return Rest(positional, named)


def receive_rest(func_node: gast.FunctionDef, rest: Rest) -> None:
    """Rewrite the parsed function: its `*args`/`**kwargs` become the parameters of `rest`, and
    its first statements build the tuple and the dict the body reads (see the module)."""
    arguments = func_node.args
    _spread_forwarded(func_node, rest)
    arguments.args[0:0], arguments.posonlyargs = arguments.posonlyargs, []  # passed by position all the same
    built = []
    if arguments.vararg is not None:
        if rest.positional:  # the call gives every named positional parameter a value
            arguments.defaults = []
        arguments.args += [_parameter(name) for name in rest.positional]
        built.append(nodes.assign(arguments.vararg.id, nodes.tuple_of(nodes.name(n) for n in rest.positional)))
        arguments.vararg = None
    if arguments.kwarg is not None:
        arguments.kwonlyargs += [_parameter(name) for _, name in rest.keywords]
        arguments.kw_defaults += [None] * len(rest.keywords)
        built.append(nodes.assign(arguments.kwarg.id, gast.Dict(
            keys=[nodes.constant(key) for key, _ in rest.keywords],
            values=[nodes.name(name) for _, name in rest.keywords])))
        arguments.kwarg = None
    func_node.body[0:0] = [nodes.copy_location(stmt, func_node) for stmt in built]


def _spread_forwarded(func_node: gast.FunctionDef, rest: Rest) -> None:
    """`g(*args, **kwargs)` in the body, where the function never rebinds them, passes their
    values one by one: `g(args_0, args_1, k=kwargs_k)` (a wrapper forwarding what it receives)."""
    arguments = func_node.args
    rebound = {n.id for stmt in func_node.body for n in nodes.walk(stmt)
               if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load)}
    spread = arguments.vararg.id if arguments.vararg is not None and arguments.vararg.id not in rebound else None
    keywords = arguments.kwarg.id if arguments.kwarg is not None and arguments.kwarg.id not in rebound else None
    for node in nodes.walk(func_node):
        if isinstance(node, gast.Call):
            node.args = _spread(node.args, spread, rest)
            node.keywords = [item for keyword in node.keywords for item in _spread_keywords(keyword, keywords, rest)]
        elif isinstance(node, (gast.Tuple, gast.List)) and isinstance(node.ctx, gast.Load):
            node.elts = _spread(node.elts, spread, rest)


def _spread(elements: list, spread: Optional[str], rest: Rest) -> list:
    def is_spread(element) -> bool:
        return (isinstance(element, gast.Starred) and isinstance(element.value, gast.Name)
                and element.value.id == spread)
    return [item for element in elements
            for item in ([nodes.copy_location(nodes.name(n), element) for n in rest.positional]
                         if is_spread(element) else [element])]


def _spread_keywords(keyword: gast.keyword, spread: Optional[str], rest: Rest) -> list:
    if keyword.arg is not None or not (isinstance(keyword.value, gast.Name) and keyword.value.id == spread):
        return [keyword]
    return [gast.keyword(arg=key, value=nodes.copy_location(nodes.name(name), keyword.value))
            for key, name in rest.keywords]


def reduced_parameters(parameters, rest: Rest) -> list:
    """The parameters of the specialization: `parameters` (the function's own, less any it binds)
    with `*args` and `**kwargs` replaced by those of `rest`."""
    positional = [p.replace(kind=inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in parameters if p.kind in POSITIONAL]
    if rest.positional:
        positional = [p.replace(default=inspect.Parameter.empty) for p in positional]
    keyword_only = [p for p in parameters if p.kind == inspect.Parameter.KEYWORD_ONLY]
    return (positional + [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in rest.positional]
            + keyword_only + [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY) for _, n in rest.keywords])


def call_with_rest(origin: Callable, arguments: Dict[str, Any], rest: Rest) -> Any:
    """Call `origin` with the arguments of its specialization (parameter -> value, its own
    parameters and those of `rest`): the values of rest's parameters go through `*args` and `**kwargs`."""
    values = tuple(arguments.pop(name) for name in rest.positional)
    extra = {key: arguments.pop(name) for key, name in rest.keywords}
    leading = []
    for parameter in inspect.signature(origin, follow_wrapped=False).parameters.values():
        if parameter.kind not in POSITIONAL or parameter.name not in arguments:
            break
        leading.append(arguments.pop(parameter.name))
    return origin(*leading, *values, **arguments, **extra)


def _parameter(name: str) -> gast.Name:
    return gast.Name(id=name, ctx=gast.Param(), annotation=None, type_comment=None)
