"""`f(x, **params)`: a dict spread into keyword arguments, written as one keyword argument a key.

Where the callee is a Python function without `**kwargs`, each of its parameters that the call does not give
otherwise is read from the dict, `params["p"]`, or, for a parameter with a default,
`params["p"] if "p" in params else <the default>`. The first key read checks, when the
derived function runs, that the dict's keys are the callee's parameters (TypeError as Python
raises it otherwise: a key the callee does not take, a parameter without default missing). For
another callee (a NumPy function), the dict must be one literal of the function with string keys
that nothing writes into: its keys are the keywords.

Before::

    z = linear(x, **weights)          # def linear(x, w, b=0.0)
    options = {"axis": 0}
    s = np.sum(a, **options)

After::

    z = linear(x, w=weights[spread_key(weights, "w", ("w",), ("b",), "linear")],
               b=weights["b"] if "b" in weights else 0.0)   # (the check in the test of b's, if b comes first)
    options = {"axis": 0}
    s = np.sum(a, axis=options["axis"])
"""
from __future__ import annotations

import inspect
import types
from typing import Callable, List, Optional

import gast

from adjoint import nodes, runtime
from adjoint.frontend.held import let_go
from adjoint.errors import UnsupportedSyntaxError
from adjoint.frontend.parse import ParsedFunction
from adjoint.frontend.resolve import resolve

KEYWORD_KINDS = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def lower_keyword_spreads(parsed: ParsedFunction, fresh: Callable[[str], str], calls: List[gast.Call]) -> None:
    """Rewrite each call among `calls` (those of parsed.node) that spreads a dict held in a name."""
    calls = [call for call in calls if any(k.arg is None for k in call.keywords)]
    if not calls:
        return
    let_go(parsed.node)
    local_names = frozenset(nodes.names_stored(parsed.node)) | set(nodes.parameters(parsed.node))
    rest = parsed.node.args.kwarg.id if parsed.node.args.kwarg is not None else None
    for call in calls:
        spread = [k for k in call.keywords if k.arg is None]
        if len(spread) != 1 or not isinstance(spread[0].value, gast.Name) or spread[0].value.id == rest:
            continue  # left to the refusal of `**` (frontend/check.py), or to the forwarding of **kwargs
        name = spread[0].value.id
        given = [k for k in call.keywords if k.arg is not None]
        keys = _literal_keys(parsed.node, name)
        func = resolve(call.func, parsed, local_names)
        if _signature(func) is not None or keys is None:
            keywords = _callee_keywords(call, func, name, given, parsed, fresh, local_names)
        elif any(k.arg in keys for k in given):
            raise UnsupportedSyntaxError("**kwargs", f"`**{name}` gives a keyword the call also gives; Python raises "
                                         "TypeError there", parsed.info.location(call))
        else:
            keywords = [_keyword(key, nodes.subscript(nodes.name(name), nodes.constant(key))) for key in keys]
        call.keywords = given + keywords


def _literal_keys(func_node: gast.FunctionDef, name: str) -> Optional[List[str]]:
    """The keys of the one dict literal bound to `name` that nothing else binds, all strings; else None."""
    bindings = [node for node in nodes.walk(func_node)
                if isinstance(node, gast.Name) and node.id == name and not isinstance(node.ctx, gast.Load)]
    literals = [stmt for stmt in nodes.statements(func_node) if isinstance(stmt, gast.Assign)
                and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id == name]
    if len(bindings) != 1 or len(literals) != 1 or name in nodes.parameters(func_node):
        return None
    value = literals[0].value
    if not isinstance(value, gast.Dict) or not all(
            isinstance(key, gast.Constant) and isinstance(key.value, str) for key in value.keys):
        return None
    return list(dict.fromkeys(key.value for key in value.keys))


def _keyword(arg: str, value: gast.expr) -> gast.keyword:
    return gast.keyword(arg=arg, value=value)


def _callee_keywords(call, func, name, given, parsed, fresh, local_names) -> List[gast.keyword]:
    signature = _signature(func)
    if signature is None:
        raise UnsupportedSyntaxError(
            "**kwargs", f"`**{name}` is differentiated in a call of a Python function without `**kwargs` of its own "
            f"(its parameters name the keys), or with `{name}` a dict literal of the function with string keys "
            "that nothing writes into", parsed.info.location(call))
    parameters = list(signature.parameters.values())
    taken = {k.arg for k in given} | {p.name for p in parameters[:len(call.args)]}
    if any(isinstance(a, gast.Starred) for a in call.args):
        raise UnsupportedSyntaxError("**kwargs", f"`**{name}` after `*` arguments is not differentiated",
                                     parsed.info.location(call))
    open_ = [p for p in parameters if p.kind in KEYWORD_KINDS and p.name not in taken]
    if not open_:
        raise UnsupportedSyntaxError("**kwargs", f"`**{name}` in a call that gives the function every parameter "
                                     "it takes is not differentiated", parsed.info.location(call))
    required = tuple(p.name for p in open_ if p.default is inspect.Parameter.empty)
    optional = tuple(p.name for p in open_ if p.default is not inspect.Parameter.empty)
    checker = parsed.bind("spread_key", runtime.spread_key, fresh, local_names)
    keywords = []
    for position, parameter in enumerate(open_):
        key = nodes.constant(parameter.name)
        if position == 0:  # evaluated whatever the dict holds: in the test of a default's choice
            key = nodes.call(nodes.name(checker), [nodes.name(name), key, _names(required), _names(optional),
                                                   nodes.constant(getattr(func, "__name__", "the function"))])
        if parameter.default is inspect.Parameter.empty:
            read = nodes.subscript(nodes.name(name), key)
        else:
            test = gast.Compare(left=key, ops=[gast.In()], comparators=[nodes.name(name)])
            read = gast.IfExp(test=test, body=nodes.subscript(nodes.name(name), nodes.constant(parameter.name)),
                              orelse=_default(parameter.default, parsed, fresh, local_names))
        keywords.append(_keyword(parameter.name, nodes.copy_location(read, call)))
    return keywords


def _default(value, parsed, fresh, local_names) -> gast.expr:
    """The callee's default as a literal, or a name bound to it."""
    if type(value) in (int, float, bool, str, type(None)):
        return nodes.constant(value)
    return nodes.name(parsed.bind("_default", value, fresh, local_names | {"_default"}))


def _names(names) -> gast.Tuple:
    return nodes.tuple_of([nodes.constant(n) for n in names])


def _signature(func) -> Optional[inspect.Signature]:
    """The signature of a Python function whose parameters name every keyword it takes."""
    if not isinstance(func, types.FunctionType) or runtime.is_helper(func):
        return None
    signature = inspect.signature(func)
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values()):
        return None
    return signature
