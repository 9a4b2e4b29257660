"""The derivative's source rewritten into code numba can type, for the numba backend only.

A post-pass on the source of each generated unit; the Python backend never runs it, so its
output is unchanged. Each rewrite keeps the values the code computes:
- a stack that saves several variables becomes one stack per variable (numba's lists hold
  one type; a variable first saved as None becomes a list of optionals, which numba types);
- `reversed(R)` of a range `R` becomes the explicit descending range over the same numbers;
- `np.tanh(x)` (and exp, log, sin, cos) calls a helper that leaves large arrays to NumPy;
- a parameter's adjoint that starts as `0.0` and is returned through `gradient_like(dA, A)`
  starts as `zero_like(A)`, zeros of A's shape for an array (a float cannot become an array
  in numba; adding to zeros gives the same values as adding to 0.0).
"""
from __future__ import annotations

import ast
from typing import Dict, Iterable, Optional, Set, Tuple

def lower(source: str, numpy_name: str = "np") -> str:
    """The unit's source with the rewrites above applied."""
    tree = ast.parse(source)
    function = tree.body[0]
    _split_stacks(function)
    _TypedRanges(_ranges(function)).visit(function)
    _typed_zero_adjoints(function)
    _NumpyTranscendental(numpy_name, {n.id for n in ast.walk(function) if isinstance(n, ast.Name)}).visit(function)
    ast.fix_missing_locations(tree)
    return ast.unparse(tree) + "\n"


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
    """`reversed(R)` of a range R -> `range(R.start + (len(R) - 1) * R.step, R.start - R.step, -R.step)`."""

    def __init__(self, ranges: Set[str]):
        self.ranges = ranges

    def visit_Call(self, node: ast.Call):
        self.generic_visit(node)
        if (isinstance(node.func, ast.Name) and node.func.id == "reversed" and len(node.args) == 1
                and not node.keywords and isinstance(node.args[0], ast.Name) and node.args[0].id in self.ranges):
            name = node.args[0].id
            return ast.parse(f"range({name}.start + (len({name}) - 1) * {name}.step, "
                             f"{name}.start - {name}.step, -{name}.step)", mode="eval").body
        return node


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
