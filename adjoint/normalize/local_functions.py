"""Functions as values inside a differentiated function: local `def`s and lambdas are lifted
out, and calls that pass a function value are specialized to it.

A local function becomes a function of its own whose parameters are followed by the
enclosing locals it reads (keyword-only), and each call passes their current values, which
is what a closure reads when it is called. One that reads no enclosing local is a constant.

Before::

    def f(x, w):
        scale = lambda t: t * w
        def mul(a, b):
            return a * b
        return mul(scale(x), x)

After (`scale` and `mul` are names of the lifted functions)::

    def f(x, w):
        return mul(scale(x, w=w), x)

    def scale(t, *, w):          def mul(a, b):
        return t * w                 return a * b

A call of a user function with a function value as an argument or default
(`layer(x, np.tanh)`) calls the specialization of the callee to that value
(frontend/values.py), under a new name; so does a call that passes values through the
callee's `*args` or `**kwargs` (specialized to their number and keywords, frontend/rest.py).
"""
from __future__ import annotations

import collections
import functools
import inspect
from typing import Callable, Dict, List, Optional, Set

import gast

from adjoint import nodes
from adjoint.frontend.define import define_function
from adjoint.normalize.nonlocal_writes import lower_nonlocal_writes
from adjoint.errors import UnsupportedSyntaxError
from adjoint.frontend.held import let_go
from adjoint.frontend.parse import ParsedFunction
from adjoint.rules.table import ADJOINTS, NON_DIFFERENTIABLE, TANGENTS
from adjoint.frontend.rest import Rest, passed_through_rest
from adjoint.frontend.values import (as_user_function, captured_parameter, dependencies_of, is_function_value,
                                     function_and_bound, resolve_value, specialization_of, specialize)
from adjoint.frontend.names import module_of

SCOPES = (gast.FunctionDef, gast.Lambda, gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp)


def lift_local_functions(parsed: ParsedFunction, fresh: Callable[[str], str]) -> None:
    """Replace parsed.node's local defs and lambdas by lifted functions (see the module); one that rebinds
    the enclosing function's variables (`nonlocal`) first takes and returns them (normalize/nonlocal_writes.py)."""
    _partials_as_lambdas(parsed, fresh)
    if not any(isinstance(node, (gast.FunctionDef, gast.Lambda)) for node in nodes.every_node(parsed.node)[1:]):
        return  # (a quicker walk than the lifter's, which would find nothing to lift)
    let_go(parsed.node)
    lower_nonlocal_writes(parsed, fresh)
    lifter = _Lifter(parsed, fresh)
    if lifter.definitions or lifter.anonymous:
        lifter.run()


def _own_nodes(node: gast.AST):
    """Nodes of `node`'s own scope: not inside a nested def or lambda (comprehensions are walked)."""
    for child in nodes.children(node):
        yield child
        if not isinstance(child, (gast.FunctionDef, gast.Lambda)):
            yield from _own_nodes(child)


def _scope_locals(func_node) -> Set[str]:
    arguments = func_node.args
    names = {a.id for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs}
    names |= {a.id for a in (arguments.vararg, arguments.kwarg) if a is not None}
    for node in _own_nodes(func_node):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            names.add(node.id)
        elif isinstance(node, gast.FunctionDef):
            names.add(node.name)
    return names


def _free_names(func_node) -> Set[str]:
    """Names a def or lambda reads from outside itself."""
    body = func_node.body if isinstance(func_node.body, list) else [func_node.body]
    read = {name for stmt in body for name in nodes.names_read(stmt)}
    return read - _scope_locals(func_node)


# ----- functools.partial inside the function -------------------------------------------------------

def _partials_as_lambdas(parsed: ParsedFunction, fresh: Callable[[str], str]) -> None:
    """`partial(f, a, k=b)` of a user function f becomes `lambda y: f(_a1, y, k=_b1)`, the bound
    values taken into new names where the partial is made (a partial keeps the values it was given)."""
    if not any(isinstance(node, gast.Call) and node.args and resolve_value(node.func, parsed, frozenset())
               is functools.partial for node in nodes.every_node(parsed.node)):
        return  # (no call that may be a partial: a local name that shadows `partial` is looked at below)
    arguments = parsed.node.args
    locals_ = frozenset(nodes.names_stored(parsed.node)) | {a.id for a in arguments.args + arguments.kwonlyargs}
    defined = collections.Counter(n.id for n in nodes.walk(parsed.node) if isinstance(n, gast.Name)
                                  and isinstance(n.ctx, gast.Store))
    defined.update(n.name for n in nodes.walk(parsed.node) if isinstance(n, gast.FunctionDef))
    local_defs = {n.name: n for n in _own_nodes(parsed.node) if isinstance(n, gast.FunctionDef) and defined[n.name] == 1}
    for block in list(nodes.blocks(parsed.node)):
        index = 0
        while index < len(block):
            snapshots: List[gast.stmt] = []
            for header in _headers(block[index]):
                for call in [n for n in nodes.walk(header) if isinstance(n, gast.Call)]:
                    parameters = _partial_parameters(call, parsed, locals_, local_defs)
                    made = None if parameters is None else _partial_lambda(
                        call, parameters, snapshots, fresh, lambda value: parsed.bind("_default", value, fresh, locals_))
                    if made is not None:
                        let_go(parsed.node)
                        nodes.replace_node(block[index], call, made)
            block[index:index] = snapshots
            index += len(snapshots) + 1


def _headers(stmt: gast.stmt) -> List[gast.expr]:
    """The expressions a statement evaluates itself (not those of the statements it contains)."""
    found = [getattr(stmt, f) for f in ("value", "test", "iter") if isinstance(getattr(stmt, f, None), gast.expr)]
    return found + [item.context_expr for item in getattr(stmt, "items", None) or []]


def _partial_parameters(node: gast.Call, parsed: ParsedFunction, locals_: frozenset,
                        local_defs: Dict[str, gast.FunctionDef]) -> Optional[List[inspect.Parameter]]:
    """The parameters of f in a call `functools.partial(f, ...)` of a user function f (a local def
    of the function, defined once and bound to nothing else, too), else None."""
    if not node.args or resolve_value(node.func, parsed, locals_) is not functools.partial:
        return None
    if any(isinstance(a, gast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
        return None
    if isinstance(node.args[0], gast.Name) and node.args[0].id in local_defs:
        return _def_parameters(local_defs[node.args[0].id].args)
    func = as_user_function(resolve_value(node.args[0], parsed, locals_))
    if not inspect.isfunction(func) or module_of(func).startswith("numpy"):
        return None
    try:
        return list(inspect.signature(func).parameters.values())
    except (TypeError, ValueError):
        return None


def _def_parameters(arguments: gast.arguments) -> Optional[List[inspect.Parameter]]:
    """A local def's parameters (a default as its expression), where it has only plain and keyword-only ones."""
    if arguments.posonlyargs or arguments.vararg is not None or arguments.kwarg is not None:
        return None
    defaults = [inspect.Parameter.empty] * (len(arguments.args) - len(arguments.defaults)) + list(arguments.defaults)
    kind, keyword_only = inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY
    return ([inspect.Parameter(a.id, kind, default=d) for a, d in zip(arguments.args, defaults)]
            + [inspect.Parameter(a.id, keyword_only, default=inspect.Parameter.empty if d is None else d)
               for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults)])


def _written_default(default, bind: Callable[[object], str]) -> Optional[gast.expr]:
    """A parameter's default written into the lambda that stands for a partial: a constant of a local
    def's, a module function's default value (the object itself, under a name `bind` gives it); None
    for a local def's other defaults and functions, which the lambda leaves out."""
    if isinstance(default, gast.Constant):
        return nodes.constant(default.value)
    if isinstance(default, gast.AST) or callable(default):  # (a function: the callee's own default is taken)
        return None
    if default is None or isinstance(default, (bool, int, float, str)):
        return nodes.constant(default)
    return nodes.name(bind(default))


def _partial_lambda(call: gast.Call, parameters: List[inspect.Parameter], snapshots: List[gast.stmt],
                    fresh: Callable[[str], str], bind: Callable[[object], str]) -> Optional[gast.Lambda]:
    func_node, bound = call.args[0], call.args[1:]
    plain = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    if any(p.kind not in plain for p in parameters) or len(bound) > len(parameters):
        return None
    keywords = {k.arg for k in call.keywords}
    positional, keyword_only, defaults, cut = [], [], {}, False
    for p in parameters[len(bound):]:  # those after one it leaves out or the partial names: by keyword only
        default = None if p.default is p.empty else _written_default(p.default, bind)
        if p.name in keywords or p.default is not p.empty and default is None:
            cut = cut or p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
            continue
        (positional if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD and not cut else keyword_only).append(p.name)
        if default is not None:
            defaults[p.name] = default
    root = func_node
    while isinstance(root, gast.Attribute):
        root = root.value
    if isinstance(root, gast.Name) and root.id in positional + keyword_only:
        return None

    def snapshot(value: gast.expr) -> gast.expr:
        if isinstance(value, gast.Constant):
            return value
        name = fresh("_bound")
        snapshots.append(nodes.copy_location(nodes.assign(name, value), call))
        return nodes.name(name)

    values = [snapshot(value) for value in bound]
    keyword_values = [gast.keyword(arg=k.arg, value=snapshot(k.value)) for k in call.keywords]
    body = nodes.call(func_node, values + [nodes.name(n) for n in positional],
                      keyword_values + [gast.keyword(arg=n, value=nodes.name(n)) for n in keyword_only])
    parameters_node = gast.arguments(
        args=[gast.Name(id=n, ctx=gast.Param(), annotation=None, type_comment=None) for n in positional],
        posonlyargs=[], vararg=None,
        kwonlyargs=[gast.Name(id=n, ctx=gast.Param(), annotation=None, type_comment=None) for n in keyword_only],
        kw_defaults=[defaults.get(n) for n in keyword_only], kwarg=None,
        defaults=[defaults[n] for n in positional if n in defaults])
    return nodes.copy_location(gast.Lambda(args=parameters_node, body=body), call)


class _Lifter:
    def __init__(self, parsed: ParsedFunction, fresh: Callable[[str], str]):
        self.parsed = parsed
        self.fresh = fresh
        self.node = parsed.node
        self.definitions: Dict[str, gast.AST] = {}  # name -> FunctionDef or `name = lambda` Assign
        self.anonymous: List[gast.Lambda] = []
        self.captures: Dict[str, List[str]] = {}
        self._find()

    def _find(self) -> None:
        named_lambdas = set()
        stores: Dict[str, int] = {}
        for node in _own_nodes(self.node):
            if isinstance(node, gast.FunctionDef):
                self._check_definition(node, node.name, node)
                self.definitions[node.name] = node
            elif isinstance(node, gast.Assign) and isinstance(node.value, gast.Lambda) and len(node.targets) == 1 \
                    and isinstance(node.targets[0], gast.Name):
                self._check_definition(node, node.targets[0].id, node.value)
                self.definitions[node.targets[0].id] = node
                named_lambdas.add(id(node.value))
            elif isinstance(node, gast.Lambda) and id(node) not in named_lambdas:
                self.anonymous.append(node)
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
                stores[node.id] = stores.get(node.id, 0) + 1
        for name, definition in self.definitions.items():
            if stores.get(name, 0) > (1 if isinstance(definition, gast.Assign) else 0):
                raise self._refuse(definition, f"`{name}` is a local function and is also assigned; "
                                               "give the function a name of its own")

    def _check_definition(self, node: gast.AST, name: str, function) -> None:
        if name in self.definitions:
            raise self._refuse(node, f"the local function `{name}` is defined more than once; "
                                     "give each definition a name of its own")
        if getattr(function, "decorator_list", None):
            raise self._refuse(function.decorator_list[0], "decorators of local functions are not supported")
        for sub in nodes.walk(function):
            if isinstance(sub, (gast.Nonlocal, gast.Global)):
                keyword = "nonlocal" if isinstance(sub, gast.Nonlocal) else "global"
                raise self._refuse(sub, f"`{keyword}` in a local function is not supported: it may not rebind "
                                        "the enclosing function's names")

    def _refuse(self, node: gast.AST, message: str) -> UnsupportedSyntaxError:
        return UnsupportedSyntaxError("local function", message, self.parsed.info.location(node))

    # ----- lifting --------------------------------------------------------------------------

    def run(self) -> None:
        enclosing = _scope_locals(self.node) - set(self.definitions)
        for function in [d if isinstance(d, gast.FunctionDef) else d.value for d in self.definitions.values()] \
                + self.anonymous:
            defaults = function.args.defaults + [d for d in function.args.kw_defaults if d is not None]
            read = sorted({n for default in defaults for n in nodes.names_read(default)} & enclosing)
            if read:
                raise self._refuse(function, f"a default value of this local function reads `{read[0]}`, a "
                                             f"variable of {self.node.name}; pass it as an argument instead")
        functions = {name: d if isinstance(d, gast.FunctionDef) else d.value for name, d in self.definitions.items()}
        for function in self.anonymous:
            alias = self.fresh("_lambda")
            functions[alias] = function
            nodes.replace_node(self.node, function, nodes.copy_location(nodes.name(alias), function))
        self._find_captures(functions, enclosing)
        lifted = {name: self._lift(name, function, self.captures[name]) for name, function in functions.items()}
        for function in lifted.values():  # local functions calling each other (or themselves)
            for name, cell in zip(function.__code__.co_freevars, function.__closure__ or ()):
                if name in lifted:
                    cell.cell_contents = lifted[name]
        self.parsed.namespace.update(lifted)
        self._remove_definitions()
        self._pass_captures()

    def _find_captures(self, functions: Dict[str, gast.AST], enclosing: Set[str]) -> None:
        """The enclosing variables each local function reads, itself or through the local functions it calls."""
        free = {name: _free_names(function) for name, function in functions.items()}
        for name in functions:
            self.captures[name] = sorted(free[name] & enclosing)
        changed = True
        while changed:
            changed = False
            for name in functions:
                wider = set(self.captures[name]).union(*(self.captures[o] for o in free[name] & set(functions)))
                if wider != set(self.captures[name]):
                    self.captures[name] = sorted(wider)
                    changed = True

    def _lift(self, name: str, function, captured: List[str]) -> Callable:
        """The lifted function: `function` with the captured names as keyword-only parameters."""
        if isinstance(function, gast.Lambda):
            body = [nodes.copy_location(gast.Return(value=function.body), function.body)]
            node = gast.FunctionDef(name=name, args=function.args, body=body, decorator_list=[], returns=None,
                                    type_comment=None, type_params=[])
            gast.copy_location(node, function)
        else:
            node = function
        node.args.kwonlyargs += [gast.Name(id=n, ctx=gast.Param(), annotation=None, type_comment=None)
                                 for n in captured]
        node.args.kw_defaults += [None] * len(captured)
        local_functions = {n for n in self.captures if n in set(nodes.names_read(node))}
        for call in nodes.walk(node):  # what a local function it calls reads, it passes on
            if isinstance(call, gast.Call) and isinstance(call.func, gast.Name) and call.func.id in local_functions:
                call.keywords += [gast.keyword(arg=n, value=nodes.name(n)) for n in self.captures[call.func.id]]
        reads = set(nodes.names_read(node))
        closure = {n: v for n, v in self.parsed.namespace.items() if n in reads}
        closure.update((n, None) for n in local_functions)  # tied together once all are lifted
        try:
            lifted = define_function(node, self.parsed.func.__globals__, closure, label="adjoint local function")
        except Exception as error:  # a default value that fails, a construct Python refuses outside its scope
            raise self._refuse(function, f"cannot make a function of `{name}` on its own: {error}") from None
        lifted.__qualname__ = f"{self.node.name}.<locals>.{name}"
        lifted.__adjoint_tree__ = (node, self.parsed.info)
        lifted.__adjoint_captures__ = tuple(captured)
        return lifted

    def _remove_definitions(self) -> None:
        lifted = {id(d) for d in self.definitions.values()}
        for block in list(nodes.blocks(self.node)):
            block[:] = [stmt for stmt in block if id(stmt) not in lifted] or [gast.Pass()]

    def _pass_captures(self) -> None:
        """`g(a)` -> `g(a, w=w)`. A local function that captures is called, or passed to a
        function (specialize_calls then passes what it captures along); nothing else."""
        allowed = set()
        for node in _own_nodes(self.node):
            if not isinstance(node, gast.Call):
                continue
            if isinstance(node.func, gast.Name) and node.func.id in self.captures:
                allowed.add(id(node.func))
                node.keywords += [gast.keyword(arg=n, value=nodes.name(n)) for n in self.captures[node.func.id]]
            allowed.update(id(a) for a in node.args + [k.value for k in node.keywords] if isinstance(a, gast.Name))
        for node in _own_nodes(self.node):
            if isinstance(node, gast.Name) and id(node) not in allowed and self.captures.get(node.id):
                what = f"the local function `{node.id}`" if node.id in self.definitions else "this lambda"
                raise self._refuse(node, f"{what} reads `{self.captures[node.id][0]}`, a variable of "
                                         f"{self.node.name}, so it can only be called here or passed to a "
                                         "function, not stored")
        for name, captured in self.captures.items():
            if captured:
                self.parsed.captured[name] = {n: n for n in captured}


# ----- calls that pass function values ------------------------------------------------------------

def specialize_calls(parsed: ParsedFunction, fresh: Callable[[str], str], local_names: frozenset,
                     calls: Optional[List[gast.Call]] = None) -> None:
    """`layer(x, np.tanh)` -> `_layer1(x, np.tanh)`, `_layer1` the specialization of layer to act=np.tanh;
    `apply(g, x)` with a local g that reads w -> `_apply1(g, x, _fn_w=w)`. Every call of the
    function, or these `calls` alone."""
    passed: Set[int] = set()  # the arguments whose captured variables a specialization receives
    for node in nodes.walk(parsed.node) if calls is None else calls:
        if not isinstance(node, gast.Call):
            continue
        callee = as_user_function(resolve_value(node.func, parsed, local_names))
        function, bound = function_and_bound(callee)
        if not inspect.isfunction(function) or _has_rule(function) or _is_library(function):
            continue
        fixed = _function_arguments(callee, node, parsed, local_names)
        if fixed is None:
            continue
        rest = passed_through_rest(callee, len(node.args), tuple(k.arg for k in node.keywords))
        if not fixed and rest is None:
            if _method_of_an_entry(node.func):
                let_go(parsed.node)  # (the walk goes on over the calls it found: this one changes itself alone)
                _pin(parsed, node, callee, fresh(f"_{function.__name__.strip('<>')}"), local_names)
            continue
        specialized = specialize(function, bound=bound, fixed=tuple(fixed.items()), passed=rest)
        if specialized is None:
            continue
        let_go(parsed.node)
        alias = fresh("_" + function.__name__.strip("<>"))
        parsed.namespace[alias] = specialized
        _depend(parsed, node.func, local_names)
        node.func = nodes.copy_location(nodes.name(alias), node.func)
        captured = _captured_arguments(callee, node, fixed, parsed, passed)
        _rename_rest_keywords(node, specialization_of(specialized).rest)
        node.keywords += captured
    _refuse_captures_left(parsed, passed)


def _method_of_an_entry(func: gast.expr) -> bool:
    """`model.layers[0].apply`: a method of an object picked from a table, which A-normal form
    would compute into a variable of its own (a value only the running function knows)."""
    while isinstance(func, gast.Attribute):
        func = func.value
        if isinstance(func, gast.Subscript):
            return True
    return False


def _pin(parsed: ParsedFunction, call: gast.Call, callee: Callable, alias: str, local_names: frozenset) -> None:
    """Call the function `call.func` resolves to now through a name of its own (a change to what
    it was resolved through regenerates the derivative)."""
    parsed.namespace[alias] = callee
    _depend(parsed, call.func, local_names)
    call.func = nodes.copy_location(nodes.name(alias), call.func)


def _rename_rest_keywords(call: gast.Call, rest: Optional[Rest]) -> None:
    """`scaled(x, scale=s)` of `def scaled(x, **options)` passes s as the parameter
    standing for the keyword `scale` (frontend/rest.py)."""
    names = dict(rest.keywords) if rest is not None else {}
    for keyword in call.keywords:
        keyword.arg = names.get(keyword.arg, keyword.arg)


def _captured_arguments(callee: Callable, call: gast.Call, fixed: dict, parsed: ParsedFunction,
                        passed: Set[int]) -> List[gast.keyword]:
    """For each function value that reads variables of its caller, those variables' values,
    passed as the keyword arguments the specialization adds (`_fn_w=w`), where the call does not
    pass them already (a call of a specialization, in a derivative differentiated again)."""
    bound = inspect.signature(callee).bind(*call.args, **{k.arg: k.value for k in call.keywords}).arguments
    keywords, given = [], {keyword.arg for keyword in call.keywords}
    for parameter, value in fixed.items():
        argument = bound.get(parameter)
        held = parsed.captured.get(argument.id) if isinstance(argument, gast.Name) else None
        for captured in getattr(value, "__adjoint_captures__", ()):
            if captured_parameter(parameter, captured) in given:
                continue
            # a local function of an enclosing function: this one reads the same names (_find_captures)
            holder = held[captured] if held is not None else captured
            keywords.append(gast.keyword(arg=captured_parameter(parameter, captured), value=nodes.name(holder)))
        if held is not None:
            passed.add(id(argument))
    return keywords


def _refuse_captures_left(parsed: ParsedFunction, passed: Set[int]) -> None:
    """A function value that reads its caller's variables, passed where it was not specialized."""
    if not parsed.captured:
        return  # no such function value
    for node in nodes.walk(parsed.node):
        if isinstance(node, gast.Call):
            for argument in node.args + [k.value for k in node.keywords]:
                if isinstance(argument, gast.Name) and argument.id in parsed.captured \
                        and id(argument) not in passed:
                    variable = next(iter(parsed.captured[argument.id]))
                    what = "this lambda" if argument.id.startswith("_lambda") else f"`{argument.id}`"
                    raise UnsupportedSyntaxError(
                        "local function", f"{what} reads `{variable}`, a variable of {parsed.node.name}; it can "
                        "be passed only to a Python function that adjoint differentiates",
                        parsed.info.location(argument))


def _has_rule(func: Callable) -> bool:
    return any(func in table for table in (ADJOINTS, TANGENTS, NON_DIFFERENTIABLE))


def _is_library(func: Callable) -> bool:
    """NumPy's, SciPy's and adjoint's own functions are differentiated through rules, never specialized."""
    module = module_of(func)
    return module.split(".")[0] in ("numpy", "scipy", "adjoint")


def _function_arguments(callee: Callable, call: gast.Call, parsed: ParsedFunction,
                        local_names: frozenset) -> Optional[dict]:
    """Parameter -> function value, for the call's arguments and defaults that are functions."""
    if any(isinstance(a, gast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return None
    try:
        signature = inspect.signature(callee)
        bound = signature.bind(*call.args, **{k.arg: k.value for k in call.keywords})
    except (TypeError, ValueError):
        return None
    fixed = {}
    for name, parameter in signature.parameters.items():
        if name in bound.arguments:
            argument = bound.arguments[name]
            if not isinstance(argument, gast.AST):
                continue
            value = resolve_value(argument, parsed, local_names)
            if is_function_value(value):
                fixed[name] = value
                _depend(parsed, argument, local_names)
        elif is_function_value(parameter.default):
            fixed[name] = parameter.default
    return fixed


def _depend(parsed: ParsedFunction, node: gast.expr, local_names: frozenset) -> None:
    """A name, attribute or table entry resolved now: a change to it invalidates the derivative."""
    parsed.dependencies.extend(dependencies_of(node, parsed, resolve_value(node, parsed, local_names)))
