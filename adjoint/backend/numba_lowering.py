"""The derivative's source rewritten into code numba can type, for the numba backend only.

A post-pass on the source of each generated unit; the Python backend never runs it, so its
output is unchanged. Each rewrite keeps the values the code computes:
- a stack that saves several variables becomes one stack per variable (numba's lists hold
  one type; a variable first saved as None becomes a list of optionals, which numba types);
- `reversed(R)` of a range `R` (and `reversed(R[:count])`, the steps a loop left by `break`
  or `return` had taken) becomes the explicit descending range over the same numbers;
- `np.tanh(x)` (and exp, log, sin, cos) calls a helper that leaves large arrays to NumPy;
- a parameter's adjoint that starts as `0.0` and is returned through `gradient_like(dA, A)`
  starts as `zero_like(A)`, zeros of A's shape for an array (a float cannot become an array
  in numba; adding to zeros gives the same values as adding to 0.0);
- `axis=None` and `keepdims=False` leave NumPy's reductions (numba's take neither keyword);
- keyword-only parameters (a jvp's tangents) become positional ones;
- `adjoint.stop_gradient(x)` calls the helper of that name (numba cannot type the module);
- `math.sqrt(x)` (and acos, asin, acosh, atanh and the logarithms) takes
  `math_argument(x, ...)`, which raises math's ValueError where Python's does (numba gives nan);
- `a ** b` (and `a **= b`) calls `python_power`, which computes what Python does or refuses: an
  integer to a negative integer power (numba's integer power gives 0 for `2 ** -2`, Python
  0.25), a negative number to a fractional power (complex in Python, nan in numba); 0.0 to a
  negative power and a finite power that overflows raise as in Python (numba gives inf);
- `math.exp(x)` (and expm1, sinh, cosh) calls `math_range`, which raises math's OverflowError
  where Python's does (numba gives inf).
The two halves of a vjp become one function (vjp_source) and the value alone another
(primal_source), as numba cannot return the residuals to Python.
"""
from __future__ import annotations

import ast
from typing import Dict, Iterable, Optional, Set, Tuple

from adjoint.backend.printable import signed_numbers


def lower(source: str, numpy_name: str = "np", adjoint_names: Tuple[str, ...] = (),
          math_names: Tuple[str, ...] = ()) -> str:
    """The unit's source with the rewrites above applied."""
    tree = ast.parse(source)
    function = tree.body[0]
    _AdjointFunctions(set(adjoint_names)).visit(function)
    _MathDomains(set(math_names)).visit(function)
    _split_stacks(function)
    _TypedRanges(_ranges(function)).visit(function)
    _typed_zero_adjoints(function)
    taken = {n.id for n in ast.walk(function) if isinstance(n, ast.Name)}
    _NumpyTranscendental(numpy_name, taken).visit(function)
    if "python_power" not in taken:
        _PythonPowers().visit(function)
    _DefaultKeywords(numpy_name).visit(function)
    positional_tangents(function)
    ast.fix_missing_locations(tree)
    return ast.unparse(signed_numbers(tree)) + "\n"


# ----- one stack per saved variable -------------------------------------------------------------

def _split_stacks(function: ast.FunctionDef) -> None:
    taken = {node.id for node in ast.walk(function) if isinstance(node, ast.Name)}
    for stack in _stacks(function):
        saved = _saved_variables(function, stack)
        if saved is None:
            continue
        names = {}
        for variable in sorted(saved):
            name = f"{stack}_{variable.lstrip('_')}"
            while name in taken:
                name += "_"
            taken.add(name)
            names[variable] = name
        _StackSplitter(stack, names).visit(function)


def _stacks(function: ast.FunctionDef) -> Iterable[str]:
    """Names bound to an empty list literal in the function's top-level statements."""
    for statement in function.body:
        if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name) and isinstance(statement.value, ast.List)
                and not statement.value.elts):
            yield statement.targets[0].id


def _saved_variables(function: ast.FunctionDef, stack: str) -> Optional[Set[str]]:
    """The variables pushed on `stack`, or None unless every use of it is `stack.append(v)`,
    `v = stack.pop()` or its creation, with the same variables pushed as popped."""
    pushed, popped, uses = set(), set(), 0
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and node.id == stack:
            uses += 1
    accounted = 0
    for node in ast.walk(function):
        variable = _push(node, stack)
        if variable is not None:
            pushed.add(variable)
            accounted += 1
        variable = _pop(node, stack)
        if variable is not None:
            popped.add(variable)
            accounted += 1
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == stack and isinstance(node.value, ast.List) and not node.value.elts):
            accounted += 1
    if accounted != uses or pushed != popped or len(pushed) < 2:
        return None
    return pushed


def _push(node: ast.AST, stack: str) -> Optional[str]:
    """v of `stack.append(v)` and of `stack.append(shape_only(v))`."""
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and _method(node.value, stack, "append")
            and len(node.value.args) == 1):
        return None
    value = node.value.args[0]
    if (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "shape_only"
            and len(value.args) == 1 and not value.keywords):
        value = value.args[0]
    return value.id if isinstance(value, ast.Name) else None


def _pop(node: ast.AST, stack: str) -> Optional[str]:
    if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Call) and _method(node.value, stack, "pop") and not node.value.args):
        return node.targets[0].id
    return None


def _method(call: ast.Call, owner: str, name: str) -> bool:
    return (isinstance(call.func, ast.Attribute) and call.func.attr == name
            and isinstance(call.func.value, ast.Name) and call.func.value.id == owner and not call.keywords)


class _StackSplitter(ast.NodeTransformer):
    def __init__(self, stack: str, names: Dict[str, str]):
        self.stack = stack
        self.names = names

    def visit_Assign(self, node: ast.Assign):
        variable = _pop(node, self.stack)
        if variable is not None:
            node.value.func.value = ast.Name(self.names[variable], ast.Load())
            return node
        target = node.targets[0] if len(node.targets) == 1 else None
        if isinstance(target, ast.Name) and target.id == self.stack:
            return [ast.Assign([ast.Name(name, ast.Store())], ast.List([], ast.Load()))
                    for name in self.names.values()]
        return self.generic_visit(node)

    def visit_Expr(self, node: ast.Expr):
        variable = _push(node, self.stack)
        if variable is not None:
            node.value.func.value = ast.Name(self.names[variable], ast.Load())
        return node


# ----- reversed ranges --------------------------------------------------------------------------

def _ranges(function: ast.FunctionDef) -> Set[str]:
    """Names assigned only a `range(...)` call."""
    ranges, other = set(), set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        is_range = (isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
                                    and node.value.func.id == "range" and target is name)
                        (ranges if is_range else other).add(name.id)
        elif isinstance(node, (ast.For, ast.AugAssign, ast.AnnAssign, ast.NamedExpr)):
            for name in ast.walk(node.target):
                if isinstance(name, ast.Name):
                    other.add(name.id)
    return ranges - other


class _TypedRanges(ast.NodeTransformer):
    """`reversed(R)` of a range R -> `range(R.start + (len(R) - 1) * R.step, R.start - R.step, -R.step)`,
    `reversed(R[:n])` -> the same with `min(n, len(R))` for `len(R)`."""

    def __init__(self, ranges: Set[str]):
        self.ranges = ranges

    def visit_Call(self, node: ast.Call):
        self.generic_visit(node)
        if not (isinstance(node.func, ast.Name) and node.func.id == "reversed" and len(node.args) == 1
                and not node.keywords):
            return node
        argument = node.args[0]
        if isinstance(argument, ast.Name) and argument.id in self.ranges:
            name, count = argument.id, f"len({argument.id})"
        elif (isinstance(argument, ast.Subscript) and isinstance(argument.value, ast.Name)
              and argument.value.id in self.ranges and isinstance(argument.slice, ast.Slice)
              and argument.slice.lower is None and argument.slice.step is None
              and isinstance(argument.slice.upper, ast.Name)):
            name, count = argument.value.id, f"min({argument.slice.upper.id}, len({argument.value.id}))"
        else:
            return node
        return ast.parse(f"range({name}.start + ({count} - 1) * {name}.step, {name}.start - {name}.step, "
                         f"-{name}.step)", mode="eval").body


# ----- whole-array transcendental functions ----------------------------------------------------

TRANSCENDENTAL = ("tanh", "exp", "log", "sin", "cos")


class _NumpyTranscendental(ast.NodeTransformer):
    """`np.tanh(x)` -> `numpy_tanh(x)`, which runs NumPy's loop on large float arrays (see
    backend/numba_helpers.py), unless the function already uses that name."""

    def __init__(self, numpy_name: str, taken: Set[str]):
        self.numpy_name = numpy_name
        self.taken = taken

    def visit_Call(self, node: ast.Call):
        self.generic_visit(node)
        func = node.func
        if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == self.numpy_name
                and func.attr in TRANSCENDENTAL and len(node.args) == 1 and not node.keywords
                and f"numpy_{func.attr}" not in self.taken):
            node.func = ast.Name(f"numpy_{func.attr}", ast.Load())
        return node


# ----- math's domains --------------------------------------------------------------------------

MATH_DOMAINS = {"sqrt": (0.0, None, False, False), "acos": (-1.0, 1.0, False, False),
                "asin": (-1.0, 1.0, False, False), "acosh": (1.0, None, False, False),
                "atanh": (-1.0, 1.0, True, True), "log": (0.0, None, True, False), "log2": (0.0, None, True, False),
                "log10": (0.0, None, True, False), "log1p": (-1.0, None, True, False)}  # low, high, open ends


MATH_RANGES = ("exp", "expm1", "sinh", "cosh")  # finite arguments whose value may overflow


class _MathDomains(ast.NodeTransformer):
    """`math.sqrt(x)` -> `math.sqrt(math_argument(x, 0.0, None, False, False))` and `math.exp(x)` ->
    `math_range("exp", x)`, for the names bound to math."""

    def __init__(self, names: Set[str]):
        self.names = names

    def visit_Call(self, node: ast.Call):
        self.generic_visit(node)
        name = called_attribute(node, self.names)
        if name in MATH_DOMAINS and len(node.args) == 1 and not node.keywords:
            bounds = [ast.Constant(value) for value in MATH_DOMAINS[name]]
            node.args = [ast.Call(ast.Name("math_argument", ast.Load()), [node.args[0], *bounds], [])]
        elif name in MATH_RANGES and len(node.args) == 1 and not node.keywords:
            return ast.Call(ast.Name("math_range", ast.Load()), [ast.Constant(name), node.args[0]], [])
        return node


# ----- powers of integers ----------------------------------------------------------------------

class _PythonPowers(ast.NodeTransformer):
    """`a ** b` -> `python_power(a, b)` and `a **= b` -> `a = python_power(a, b)` (a a name): numba's
    power differs from Python's at the edges of its domain (numba_domain.python_power), a literal
    exponent's too (`x ** 2` overflows, `x ** 0.5` of a negative x)."""

    def visit_BinOp(self, node: ast.BinOp):
        self.generic_visit(node)
        if not isinstance(node.op, ast.Pow):
            return node
        return ast.Call(ast.Name("python_power", ast.Load()), [node.left, node.right], [])

    def visit_AugAssign(self, node: ast.AugAssign):
        self.generic_visit(node)
        if not isinstance(node.op, ast.Pow) or not isinstance(node.target, ast.Name):
            return node
        call = ast.Call(ast.Name("python_power", ast.Load()), [ast.Name(node.target.id, ast.Load()), node.value], [])
        return ast.copy_location(ast.Assign([ast.Name(node.target.id, ast.Store())], call), node)


# ----- adjoints start in their parameter's type -------------------------------------------------

def _typed_zero_adjoints(function: ast.FunctionDef) -> None:
    """`dA = 0.0` of an adjoint returned as `gradient_like(dA, A)` -> `dA = zero_like(A)`: a
    float array of A's shape for an array, 0.0 for a number (numba cannot make a float an array)."""
    adjoint_of = dict(_returned_gradients(function))
    for statement in function.body:
        if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name) and isinstance(statement.value, ast.Constant)
                and statement.value.value == 0.0 and statement.targets[0].id in adjoint_of):
            primal = adjoint_of[statement.targets[0].id]
            statement.value = ast.Call(ast.Name("zero_like", ast.Load()), [ast.Name(primal, ast.Load())], [])


def _returned_gradients(function: ast.FunctionDef) -> Iterable[Tuple[str, str]]:
    """(adjoint, parameter) of each `gradient_like(adjoint, parameter)` the function returns."""
    parameters = {argument.arg for argument in function.args.args}
    for node in ast.walk(function):
        if isinstance(node, ast.Return) and node.value is not None:
            for call in ast.walk(node.value):
                if (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "gradient_like"
                        and len(call.args) == 2 and all(isinstance(a, ast.Name) for a in call.args)
                        and call.args[1].id in parameters):
                    yield call.args[0].id, call.args[1].id


# ----- numpy reductions' default keywords --------------------------------------------------------

REDUCTIONS = ("sum", "prod", "max", "min", "mean", "amax", "amin")


class _DefaultKeywords(ast.NodeTransformer):
    """`np.sum(x, axis=None, keepdims=False)` -> `np.sum(x)`: numba's reductions take neither
    keyword; these values are NumPy's defaults, so the call means the same."""

    def __init__(self, numpy_name: str):
        self.numpy_name = numpy_name

    def visit_Call(self, node: ast.Call):
        self.generic_visit(node)
        func = node.func
        if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == self.numpy_name
                and func.attr in REDUCTIONS):
            node.keywords = [keyword for keyword in node.keywords if not _is_default(keyword)]
        return node


def _is_default(keyword: ast.keyword) -> bool:
    value = keyword.value
    return isinstance(value, ast.Constant) and ((keyword.arg == "axis" and value.value is None)
                                                or (keyword.arg == "keepdims" and value.value is False))


# ----- vjp: the two halves as one function, and the value alone ---------------------------------
# numba cannot hand a forward half's residuals (ranges, stacks of arrays) back to Python. The
# compiled vjp keeps them inside one function: the forward half's body, its residuals bound to
# the backward half's parameter, then the backward half's body, which returns the gradients.

def vjp_source(forward: str, backward: str, name: str) -> Optional[str]:
    """`def name(*forward's parameters, cotangent)` computing the backward half's result; None
    when the halves are not shaped as expected (one final `return value, residuals`)."""
    forward_def, backward_def = ast.parse(forward).body[0], ast.parse(backward).body[0]
    residuals = _final_residuals(forward_def)
    parameters = [argument.arg for argument in backward_def.args.args]
    if residuals is None or len(parameters) != 2 or backward_def.args.kwonlyargs or backward_def.args.vararg:
        return None
    taken = {node.id for node in ast.walk(forward_def) if isinstance(node, ast.Name)}
    taken |= {argument.arg for argument in forward_def.args.args}
    cotangent, bound = parameters
    kept_as_named = isinstance(residuals, ast.Name) and residuals.id == bound  # `return value, x` into `bwd(d, x)`
    if cotangent in taken or (bound in taken and not kept_as_named):
        return None
    backward_body = backward_def.body
    if _unpacks_as_named(backward_body[0] if backward_body else None, bound, residuals):
        backward_body = backward_body[1:]  # `x, _range1 = residuals` of `(x, _range1)`: the names hold them
    elif not kept_as_named:
        backward_body = [ast.Assign([ast.Name(bound, ast.Store())], residuals)] + backward_body
    merged = ast.FunctionDef(
        name=name,
        args=ast.arguments(posonlyargs=[], args=forward_def.args.args + [ast.arg(cotangent)], vararg=None,
                           kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]),
        body=forward_def.body[:-1] + backward_body, decorator_list=[], returns=None, type_comment=None)
    return ast.unparse(signed_numbers(ast.fix_missing_locations(ast.Module([merged], type_ignores=[])))) + "\n"


def primal_source(forward: str, name: str) -> Optional[str]:
    """`def name(...)` returning the forward half's value alone, without saving residuals."""
    function = ast.parse(forward).body[0]
    if _final_residuals(function) is None:
        return None
    function.name = name
    function.body[-1] = ast.Return(function.body[-1].value.elts[0])
    stacks = {stack for stack in _stacks(function) if _only_appended(function, stack)}
    function.body = _without_pushes(function.body, stacks)
    return ast.unparse(signed_numbers(ast.fix_missing_locations(ast.Module([function], type_ignores=[])))) + "\n"


def _unpacks_as_named(statement: Optional[ast.stmt], bound: str, residuals: ast.expr) -> bool:
    """Whether `statement` is `a, b = bound` and the residuals are the tuple `(a, b)`."""
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(residuals, ast.Tuple)
            and isinstance(statement.value, ast.Name) and statement.value.id == bound
            and isinstance(statement.targets[0], ast.Tuple)):
        return False
    targets, values = statement.targets[0].elts, residuals.elts
    return (len(targets) == len(values) and all(isinstance(t, ast.Name) and isinstance(v, ast.Name) and t.id == v.id
                                                 for t, v in zip(targets, values)))


def _final_residuals(function: ast.FunctionDef) -> Optional[ast.expr]:
    """The residuals of the only return, the last statement `return value, residuals`."""
    last = function.body[-1] if function.body else None
    returns = [node for node in ast.walk(function) if isinstance(node, ast.Return)]
    nested = any(isinstance(node, (ast.FunctionDef, ast.Lambda, ast.AsyncFunctionDef))
                 for node in ast.walk(function) if node is not function)
    if (nested or len(returns) != 1 or not isinstance(last, ast.Return) or not isinstance(last.value, ast.Tuple)
            or len(last.value.elts) != 2):
        return None
    return last.value.elts[1]


def _only_appended(function: ast.FunctionDef, stack: str) -> bool:
    uses = sum(1 for node in ast.walk(function) if isinstance(node, ast.Name) and node.id == stack)
    pushes = sum(1 for node in ast.walk(function) if _push(node, stack) is not None)
    return uses == pushes + 1  # its creation, then pushes only


def _without_pushes(body: list, stacks: Set[str]) -> list:
    """The statements without `stack.append(v)` for the stacks named and without their creation."""
    kept = []
    for statement in body:
        if any(_push(statement, stack) is not None for stack in stacks):
            continue
        if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name) and statement.targets[0].id in stacks):
            continue
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(statement, field, None)
            if isinstance(inner, list) and inner:
                setattr(statement, field, _without_pushes(inner, stacks) or [ast.Pass()])
        kept.append(statement)
    return kept


# ----- jvp: tangents as positional parameters ----------------------------------------------------

def positional_tangents(function: ast.FunctionDef) -> None:
    """`def jvp_f(x, *, dx)` -> `def jvp_f(x, dx)` (numba takes no keyword-only parameters). After
    a parameter with a default (`def jvp_g(a, b=2.0, *, da)`) the tangents default to None: their
    callers pass them all by name, and the default stays b's."""
    arguments = function.args
    if all(default is None for default in arguments.kw_defaults):
        if arguments.defaults:
            arguments.defaults = arguments.defaults + [ast.Constant(None) for _ in arguments.kwonlyargs]
        arguments.args += arguments.kwonlyargs
        arguments.kwonlyargs, arguments.kw_defaults = [], []


# ----- adjoint's own functions --------------------------------------------------------------------

class _AdjointFunctions(ast.NodeTransformer):
    """`adjoint.stop_gradient(x)` (the names bound to the adjoint package) -> `stop_gradient(x)`."""

    def __init__(self, names: Set[str]):
        self.names = names

    def visit_Call(self, node: ast.Call):
        self.generic_visit(node)
        if called_attribute(node, self.names) == "stop_gradient":
            node.func = ast.Name("stop_gradient", ast.Load())
        return node


def called_attribute(node: ast.Call, names: Set[str]) -> Optional[str]:
    """f of a call `m.f(...)` with m one of names (a module's names in the generated code), else None."""
    func = node.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in names:
        return func.attr
    return None
