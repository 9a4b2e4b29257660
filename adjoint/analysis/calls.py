"""What each operation of a normalized function is: a rule, a user function, or non-differentiable."""
from __future__ import annotations

import enum
import inspect
import operator
from dataclasses import dataclass
from typing import Any, Dict, Optional

import gast

from adjoint import nodes, runtime
from adjoint.frontend.absent import absent
from adjoint.frontend.names import LIBRARIES, module_of
from adjoint.frontend.parse import MISSING, ParsedFunction, unwrap
from adjoint.frontend.resolve import qualified_name
from adjoint.frontend.values import as_user_function, dependencies_of, resolve_value
from adjoint.generated import not_differentiated_again
from adjoint.normalize.random_draws import FROM_STANDARD
from adjoint.options import Mode
from adjoint.rules.table import ADJOINTS, NON_DIFFERENTIABLE, TANGENTS, RuleTable

BINARY_OPERATORS = {
    gast.Add: operator.add, gast.Sub: operator.sub, gast.Mult: operator.mul,
    gast.Div: operator.truediv, gast.Pow: operator.pow, gast.MatMult: operator.matmul,
    gast.Mod: operator.mod, gast.FloorDiv: operator.floordiv,
    gast.BitAnd: operator.and_, gast.BitOr: operator.or_, gast.BitXor: operator.xor,
    gast.LShift: operator.lshift, gast.RShift: operator.rshift,
}
UNARY_OPERATORS = {gast.USub: operator.neg, gast.UAdd: operator.pos, gast.Invert: operator.invert}
NON_DIFFERENTIABLE_OPERATORS = {
    operator.floordiv, operator.and_, operator.or_, operator.xor, operator.lshift,
    operator.rshift, operator.invert,
}

class Callee(enum.Enum):
    """What the callee of an operation is, so what its derivative is made from."""

    RULE = "rule"  # a function (or operator) with derivative templates
    NONDIFF = "nondiff"  # declared non-differentiable: its result is a constant
    USER = "user"  # a Python function whose source adjoint reads and differentiates
    ABSENT = "absent"  # names nothing (frontend/absent.py): a call raises where it is reached
    UNKNOWN = "unknown"  # anything else: differentiating through it is refused


@dataclass(frozen=True)
class Operation:
    """The callee of an expression: what it is and, when known, the Python object."""

    kind: Callee
    func: Any = None
    label: str = ""
    reason: str = ""  # why an unknown callee is unknown, when that is not a missing rule


# what an operator is, the same for every use (an Operation is frozen: one serves them all)
_OPERATOR_OPERATIONS = {
    func: Operation(Callee.NONDIFF if func in NON_DIFFERENTIABLE_OPERATORS else Callee.RULE, func, func.__name__)
    for func in [*BINARY_OPERATORS.values(), *UNARY_OPERATORS.values(), operator.getitem]
}
_NO_CALL = Operation(Callee.NONDIFF)


def operator_of(expr: gast.expr) -> Optional[Any]:
    if isinstance(expr, gast.BinOp):
        return BINARY_OPERATORS.get(type(expr.op))
    if isinstance(expr, gast.UnaryOp):
        return UNARY_OPERATORS.get(type(expr.op))
    if isinstance(expr, gast.Subscript):
        return operator.getitem
    return None


class CallClassifier:
    """Classifies the operations of one parsed function (its names resolved in its namespace)."""

    def __init__(self, parsed: ParsedFunction, local_names: frozenset, table: RuleTable = ADJOINTS):
        self.parsed = parsed
        self.local_names = local_names
        self.table = table
        self.dependencies: list = list(parsed.dependencies)
        self.rules_used: Dict[str, str] = {}  # callee -> the source of its rule, for every operation with one
        self._rule_names: Dict[Any, Optional[str]] = {}  # function -> its name in rules_used (None: no rule)
        self._callees: Dict[str, Operation] = {}  # `np.sin`, `helper`: what classify_callee found for it

    def template(self, func: Any):
        """The rule template of func in this classifier's table (None if it has none)."""
        return self.table.template(func)

    def classify(self, expr: gast.expr) -> Operation:
        operation = self._classify(expr)
        if operation.kind == Callee.RULE and operation.func not in self._rule_names:
            self._note_rule(operation.func)
        return operation

    def _note_rule(self, func: Any) -> None:
        """Keep the source of func's rule in rules_used, the first time func is met."""
        name = self._rule_names[func] = qualified_name(func) if func in self.table else None
        if name is not None and name not in self.rules_used:
            self.rules_used[name] = self.table.template(func).source

    def _classify(self, expr: gast.expr) -> Operation:
        func = operator_of(expr)
        if func is not None:
            return _OPERATOR_OPERATIONS[func]
        if isinstance(expr, gast.Call):
            return self.classify_callee(expr.func)
        return _NO_CALL

    def classify_callee(self, func_node: gast.expr) -> Operation:
        """What a callee is. A name or a chain of attributes means the same object each time (the
        namespace does not change while a derivative is generated): it is resolved once."""
        text = nodes.dotted_name(func_node)
        operation = self._callees.get(text) if text is not None else None
        if operation is None:
            operation = self._classify_callee(func_node)
            if text is not None:
                self._callees[text] = operation
        return operation

    def _classify_callee(self, func_node: gast.expr) -> Operation:
        found = resolve_value(func_node, self.parsed, self.local_names)
        func = found if _has_rule(found, self.table) else as_user_function(found)
        label = _dotted_text(func_node)
        if func is MISSING:
            unbound = absent(func_node, self.parsed, self.local_names)
            if unbound is not None:  # a call raises where it is reached (frontend/absent.py)
                self.dependencies.extend(unbound)
                return Operation(Callee.ABSENT, None, label)
            return Operation(Callee.UNKNOWN, None, label, self._why_unknown(func_node, label))
        if not isinstance(func_node, gast.Name) or _has_rule(found, self.table):  # follow a rebinding of the callee
            self.dependencies.extend(dependencies_of(func_node, self.parsed, found))
        if func in NON_DIFFERENTIABLE:
            return Operation(Callee.NONDIFF, func, label)
        if func in self.table:
            return Operation(Callee.RULE, func, label)
        if not_differentiated_again(func):
            self._depend_on(func_node, found)
            return Operation(Callee.UNKNOWN, func, label, _derived_refusal(func, label))
        if inspect.isfunction(unwrap(func)) and not _is_library(func):
            self._depend_on(func_node, found)
            return Operation(Callee.USER, unwrap(func), label)
        return Operation(Callee.UNKNOWN, func, label)

    def _built_record_class(self, func_node: gast.expr) -> Optional[str]:
        """The name of the user's class of `Cls(...)(...)`, whose object normalize/records.py builds as a
        record (`make_record(items, Cls)`); None for any other callee."""
        if not (isinstance(func_node, gast.Call) and len(func_node.args) == 2
                and resolve_value(func_node.func, self.parsed, self.local_names) is runtime.make_record):
            return None
        cls = resolve_value(func_node.args[1], self.parsed, self.local_names)
        return getattr(getattr(cls, "__adjoint_fields_of__", cls), "__name__", None)

    def _why_unknown(self, func_node: gast.expr, label: str) -> str:
        """The message for a call through a value only the running function knows."""
        if isinstance(func_node, gast.Subscript):
            return (f"`{label}` picks a function with an index known only when the function runs; adjoint "
                    "generates the derivative for the function a call receives: index the table with a "
                    "constant, or pass the function as an argument")
        built = self._built_record_class(func_node)
        if built is not None:
            return (f"`{built}(...)(...)` calls an object as it is built, whose call adjoint does not follow there; "
                    f"name it first (`obj = {built}(...)`, then `obj(...)`)")
        if isinstance(func_node, gast.Call):
            return (f"`{_dotted_text(func_node.func)}(...)(...)` calls the function that a call returns, which "
                    "adjoint cannot see when it generates the derivative; call a function defined by name "
                    "(with the values as arguments), or pass the function as an argument of the "
                    "differentiated function")
        root = func_node
        while isinstance(root, gast.Attribute):
            root = root.value
        if not isinstance(root, gast.Name) or root.id not in self.local_names:
            return ""
        if root is func_node and root.id in nodes.parameters(self.parsed.node):
            return (f"`{label}` is an argument adjoint cannot specialize the derivative to: it does so for the "
                    f"functions, bound methods and functools.partial objects an argument holds, not other "
                    f"callable objects; pass the bound method (`{label}.__call__`), or reach the object "
                    "through a global name")
        if root is func_node:
            label = self.parsed.shown.get(label, label)
            return (f"`{label}` is a function held in a variable, which adjoint cannot see when it generates the "
                    "derivative; call the function by its own name, or pass it as an argument of the "
                    "differentiated function (the derivative is generated for the function it receives)")
        if func_node.attr in FROM_STANDARD:
            return (f"`{label}` is a method of `{root.id}`, a value known only when the function runs: a draw's "
                    "derivative in its parameters is taken where the generator is known as adjoint reads the "
                    f"function; make it there (`{root.id} = np.random.default_rng(seed)`, the seed an argument), or "
                    f"write the draw from standard draws (`{FROM_STANDARD[func_node.attr].format(g=root.id)}`)")
        return (f"`{label}` is a method of `{root.id}`, a value known only when the function runs; differentiate "
                f"the bound method itself (`adjoint.grad({root.id}.{func_node.attr})`), or reach the object "
                "through a global name or a closure")

    def _depend_on(self, func_node: gast.expr, func: Any) -> None:
        """Remember that a global name meant `func`, so a later rebinding invalidates the derivative
        (a function value a parameter is fixed to is no global: the derivative is keyed by it)."""
        if isinstance(func_node, gast.Name):
            self.dependencies.extend(dependencies_of(func_node, self.parsed, func))


def _has_rule(func: Any, table: RuleTable) -> bool:
    try:
        return func in NON_DIFFERENTIABLE or func in table
    except TypeError:  # an unhashable value
        return False


def _derived_refusal(func: Any, label: str) -> str:
    name = getattr(func, "__name__", label)
    return (f"`{label}` is `{name}`, a derived function whose result adjoint does not differentiate again: "
            "of the derived functions called in a differentiated function, only those of adjoint.grad and "
            "adjoint.value_and_grad (without has_aux) are; call `{label}` on values that do not depend on the "
            "differentiated arguments, or compute what it gives with grad or value_and_grad").replace("{label}", label)


def _is_library(func: Any) -> bool:
    """NumPy's, SciPy's and adjoint's own functions (its runtime helpers, `adjoint.grad` called in
    the function; not the derived functions it returns) are differentiated through rules only,
    never their source: a refusal names the call in the user's code, not a line inside the library."""
    func = unwrap(func)
    module = module_of(func)
    if module.split(".")[0] == "adjoint" and not hasattr(func, "__adjoint_primal__"):  # not a derived function
        return True
    return runtime.is_helper(func) or module.split(".")[0] in LIBRARIES


def table_for(mode: Mode) -> RuleTable:
    """The rules a derivative of this mode is built from: tangents in forward mode, else adjoints."""
    return TANGENTS if mode == Mode.FORWARD else ADJOINTS


def _dotted_text(node: gast.expr) -> str:
    if isinstance(node, gast.Name):
        return node.id
    if isinstance(node, gast.Subscript):
        return f"{_dotted_text(node.value)}[...]"
    if isinstance(node, gast.Attribute):
        return f"{_dotted_text(node.value)}.{node.attr}"
    return type(node).__name__
