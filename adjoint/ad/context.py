"""Everything a transform needs about the one function it is generating: names, facts and bindings."""
from __future__ import annotations

import inspect
import keyword
import operator
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, Set, Tuple

import gast

from adjoint import nodes, runtime
from adjoint.ad.naming import Namer, derivative_names
from adjoint.analysis import Analysis
from adjoint.analysis.activity import Activity
from adjoint.analysis.joins import joined_at_run_time
from adjoint.analysis.aliases import Aliases
from adjoint.analysis.calls import CallClassifier, Operation
from adjoint.analysis.kinds import CONTAINER, MAPPING, SCALAR, UNKNOWN
from adjoint.analysis.sites import Sites
from adjoint.errors import AdjointError, NonDifferentiableError, UnsupportedSyntaxError
from adjoint.frontend.parse import ParsedFunction
from adjoint.frontend.resolve import qualified_name
from adjoint.generated import Deferred, materialize
from adjoint.rules.numpy_complex import complex_rules
from adjoint.rules.table import RuleTable


@dataclass
class FunctionContext:
    """Facts about one normalized function plus the names and globals its derivative uses.

    `bindings` maps each name the generated code reads that is not the user's (numpy,
    runtime helpers, derivatives of called functions) to its object; it becomes the
    generated function's closure.
    """

    parsed: ParsedFunction
    namer: Namer
    analysis: Analysis
    request: Callable[[Any, Tuple[str, ...], str], str]
    bindings: Dict[str, Any] = field(default_factory=dict)
    stack: str = ""
    _operations: Dict[int, Tuple[gast.expr, Operation]] = field(default_factory=dict)  # id(expr) -> (expr, its operation)

    # ----- what the analyses found --------------------------------------------------------

    @property
    def func_node(self) -> gast.FunctionDef:
        return self.parsed.node

    @property
    def classifier(self) -> CallClassifier:
        return self.analysis.classifier

    @property
    def activity(self) -> Activity:
        return self.analysis.activity

    @property
    def kinds(self) -> Dict[str, str]:
        return self.analysis.kinds

    @property
    def sites(self) -> Sites:
        return self.analysis.sites

    @property
    def aliases(self) -> Aliases:
        return self.analysis.aliases

    def operation(self, expr: gast.expr) -> Operation:
        """What the operation `expr` calls (the classifier's answer, asked once per expression:
        the transforms ask about one operation several times)."""
        known = self._operations.get(id(expr))
        if known is None or known[0] is not expr:
            known = self._operations[id(expr)] = (expr, self.classifier.classify(expr))
        return known[1]

    @property
    def table(self) -> RuleTable:
        return self.analysis.classifier.table

    @property
    def primal_names(self) -> FrozenSet[str]:
        return self.analysis.local_names

    # ----- names ------------------------------------------------------------------------

    def adjoint(self, primal: str) -> str:
        """The name of primal's adjoint (reverse mode): d_x for x."""
        return self.namer.derivative(primal)

    def tangent(self, primal: str) -> str:
        """The name of primal's tangent (forward mode): d_x for x too, as templates write d[x]."""
        return self.namer.derivative(primal)

    def bind_global(self, preferred: str, obj: Any) -> str:
        """The name under which generated code reaches `obj` (a module, helper or function).

        The preferred name is used unless the function already uses it for something else (or is
        no identifier: a lambda's `<lambda>` is `_lambda_`).
        """
        if not preferred.isidentifier() or keyword.iskeyword(preferred):
            preferred = "_" + re.sub(r"\W", "_", preferred).strip("_") + "_"
        for existing, bound in self.bindings.items():
            if bound is obj:
                return existing
        shared = preferred not in self.primal_names and self.parsed.lookup(preferred) is obj
        chosen = preferred if shared or preferred not in self.namer.taken else self.namer.exact(preferred)
        self.namer.reserve([chosen])
        self.bindings[chosen] = obj
        return chosen

    def runtime(self, helper: str) -> gast.Name:
        return nodes.name(self.bind_global(helper, getattr(runtime, helper)))

    def request_derivative(self, func: Any, wrt: Tuple[str, ...], mode: str, call: gast.Call,
                           bound: Dict[str, gast.expr]) -> str:
        """The name of the derivative of a called user function, generated in the same unit and
        specialized to the kinds of the arguments of this call."""
        generated_name = self.request(func, wrt, mode, self.location(call), self._callee_kinds(bound))
        for existing, bound in self.bindings.items():
            if isinstance(bound, Deferred) and bound.generated_name == generated_name:
                return existing
        return self.bind_global(generated_name, Deferred(generated_name))

    def _callee_kinds(self, bound: Dict[str, gast.expr]) -> Dict[str, str]:
        """Parameter -> the kind of its argument in a call to a user function, where known."""
        kinds = {}
        for param, atom in bound.items():
            if isinstance(atom, gast.Name) and atom.id in self.kinds:
                kinds[param] = self.kinds[atom.id]
            elif isinstance(atom, gast.Constant) and isinstance(atom.value, (int, float)):
                kinds[param] = "scalar"
        return kinds

    def tangent_parameter(self, func: Any, param: str, bound: Dict[str, gast.expr]) -> str:
        """The keyword through which the forward derivative of `func`, called with the arguments
        `bound`, takes param's tangent (a derived function's are those of the code it runs for
        arguments of these kinds)."""
        return derivative_names(materialize(func, self._callee_kinds(bound)))[param]

    # ----- facts about one operation ------------------------------------------------------------

    def is_active(self, atom: gast.expr) -> bool:
        return isinstance(atom, gast.Name) and self.activity.is_active(atom.id)

    def reads_active(self, call: gast.Call) -> bool:
        """Whether a call is given an active value: as an argument, as the object of a method, or
        as the function itself. One that is not (`rng.uniform(0.0, 1.0)`) passes no derivative on."""
        given = list(call.args) + [keyword.value for keyword in call.keywords] + [call.func]
        return any(self.activity.is_active(name) for expr in given for name in nodes.names_read(expr))

    def all_scalar(self, target: str, value: gast.expr) -> bool:
        """The operation's output and operands are all plain numbers (no broadcasting to undo)."""
        if self.kinds.get(target) != SCALAR:
            return False
        if isinstance(value, gast.Call):
            operands = [a for a in value.args + [k.value for k in value.keywords] if isinstance(a, gast.Name)]
            return all(self.kinds.get(n.id) == SCALAR for n in operands)
        return all(self.kinds.get(name) == SCALAR for name in nodes.names_read(value))

    def rule_function(self, func: Any, value: gast.expr) -> Any:
        """The function whose rule differentiates `value`, an operation on `func`: `+` of two
        lists or tuples concatenates (runtime.list_concat) and `*` of one and a number repeats
        (runtime.list_repeat); on anything else the operators are arithmetic."""
        if not isinstance(value, gast.BinOp) or func not in (operator.add, operator.mul):
            return func
        kinds = [self.kind_of(value.left), self.kind_of(value.right)]
        if func is operator.add and (kinds == [CONTAINER, CONTAINER] or joined_at_run_time(value, self.kinds)):
            return runtime.list_concat  # checked at run time where an operand's kind is not known
        if func is operator.mul and sorted(kinds) == [CONTAINER, SCALAR]:
            return runtime.list_repeat
        return func

    def rule_template(self, func: Any, value: gast.expr):
        """The template of func's rule for the operation `value`: the complex rule when an operand
        may be complex (analysis/complex_flow.py has refused operations without one)."""
        complex_ = self.analysis.complex_names
        if not complex_ or not any(name in complex_ for name in nodes.names_read(value)):
            return self.table.template(func)
        template = complex_rules(self.table).template(func)
        if template is None:
            label = qualified_name(func)
            raise NonDifferentiableError(label, f"`{label}` is not differentiated on complex values",
                                         self.location(value))
        return template

    def kind_of(self, atom: gast.expr) -> str:
        if isinstance(atom, gast.Constant):
            return SCALAR if type(atom.value) in (int, float, bool) else UNKNOWN
        return self.kinds.get(atom.id, UNKNOWN) if isinstance(atom, gast.Name) else UNKNOWN

    def check_list_update(self, stmt: gast.stmt) -> None:
        """Refuses `xs += v` where xs may be a list and v is not known to be one: Python extends xs
        by v's items, while `xs + v` (what `+=` is rewritten to) would add an array to xs."""
        value = stmt.value if isinstance(stmt, gast.Assign) else None
        if not (isinstance(value, gast.BinOp) and isinstance(value.op, gast.Add) and isinstance(value.left, gast.Name)):
            return
        name = value.left.id
        if not any(written == name and isinstance(node, gast.AugAssign) and isinstance(node.op, gast.Add)
                   and _same_place(node, stmt) for written, node in self.parsed.in_place):
            return
        maybe_list = self.kinds.get(name) == CONTAINER or name in getattr(self.kinds, "sometimes_lists", ())
        by_a_list = self.kind_of(value.right) == CONTAINER and not self._tuple(value.right)
        if maybe_list and not self._tuple(value.left) and not by_a_list:
            raise UnsupportedSyntaxError(
                "list +=", f"`{name} += ...` extends the list `{name}` by the items of a value that is not "
                f"known to be a list; write `{name} = {name} + list(...)`", self.location(stmt))

    def _tuple(self, atom: gast.expr) -> bool:
        """Whether atom names a tuple literal (`xs += (a, b)` extends a list, `xs + (a, b)` fails)."""
        return isinstance(atom, gast.Name) and any(
            isinstance(node, gast.Assign) and isinstance(node.value, gast.Tuple)
            and isinstance(node.targets[0], gast.Name) and node.targets[0].id == atom.id
            for node in nodes.walk(self.func_node))

    def check_store(self, target: gast.Subscript) -> None:
        """Refuses `xs[i:j] = v` on a list (it may change the list's length) and `d[k] = v` on a
        dict (it may add a key, which the adjoint sweep would have to take away again)."""
        if self.kinds.get(target.value.id) == MAPPING:
            raise UnsupportedSyntaxError(
                "dict item assignment", f"assigning an item of the dict `{target.value.id}` is not differentiated: "
                "it may be a dict another name holds too (a parameter, a global); items are written into a dict "
                "the function builds from a literal (`d = {}`, then `d[k] = v`)", self.location(target))
        slices = [target.slice] if not isinstance(target.slice, gast.Tuple) else target.slice.elts
        if self.kinds.get(target.value.id) == CONTAINER and any(isinstance(s, gast.Slice) for s in slices):
            raise UnsupportedSyntaxError(
                "list slice assignment", f"assigning to a slice of the list `{target.value.id}` is not "
                "differentiated (it may change the list's length); build a new list with `+` and slices",
                self.location(target))

    def writes_each_position_once(self, target: gast.Subscript) -> bool:
        """`x[index] = v` writes one position once and is what it looks like: x is a list, or index
        holds numbers only (a slice written into what may be a list is checked at run time)."""
        if self.kinds.get(target.value.id) == CONTAINER:
            return True
        parts = target.slice.elts if isinstance(target.slice, gast.Tuple) else [target.slice]
        return all(self.kind_of(p) == SCALAR for p in parts)

    def bind_rule(self, template, value: gast.expr, register: str) -> Dict[str, gast.expr]:
        """Template parameter -> argument of the operation `value`; refuses arguments the rule lacks."""
        args, keywords = nodes.operation_arguments(value)
        bindings = template.bind(args, keywords)
        label = self.operation(value).label
        if bindings is None:
            raise NonDifferentiableError(
                label, f"the derivative rule of `{label}` does not accept these arguments (it takes "
                f"{', '.join(template.inputs)}); register one that does with @adjoint.{register}",
                self.location(value))
        overwriting = [p for p in template.inputs if p.startswith("overwrite") and not _constant_false(bindings[p])]
        if overwriting:
            raise NonDifferentiableError(
                label, f"`{label}` with `{overwriting[0]}` may overwrite its argument in place, which its "
                "derivative rule does not model; leave it False (the default)", self.location(value))
        pairs = [p for p in template.inputs if p in PAIR_FLAGS and not _constant_false(bindings[p])]
        if pairs:
            raise NonDifferentiableError(
                label, f"`{label}` with `{pairs[0]}` returns a pair, which its derivative rule does not model; "
                "leave it False (the default)", self.location(value))
        if "subscripts" in bindings and not self._subscripts_string(bindings):
            raise NonDifferentiableError(
                label, f"the derivative of `{label}` takes its subscripts as a string ('ij,jk->ik'), "
                "not the operand, axes, operand, axes form", self.location(value))
        if self.operation(value).func is sum and self._concatenates(bindings.get("start")):
            raise UnsupportedSyntaxError(
                "sum of lists", "sum(..., start) with a list or tuple start concatenates sequences, which is "
                "not differentiated; join them with `+`", self.location(value))
        return bindings

    def _subscripts_string(self, bindings: Dict[str, gast.expr]) -> bool:
        """einsum's subscripts are a string, not an operand (np.einsum(a, [0, 1], b, [1, 2]))."""
        subscripts = bindings["subscripts"]
        if self.is_active(subscripts):
            return False
        if isinstance(subscripts, gast.Constant) and not isinstance(subscripts.value, str):
            return False
        operands = [bindings.get(p) for p in ("x", "y", "z")]
        return not any(isinstance(a, gast.Name) and self.kinds.get(a.id) == CONTAINER for a in operands)

    def _concatenates(self, start) -> bool:
        """A start value that makes builtin sum join lists or tuples instead of adding numbers."""
        return isinstance(start, gast.Name) and self.kinds.get(start.id) == CONTAINER

    def bind_call(self, func: Any, value: gast.Call) -> Dict[str, gast.expr]:
        """Parameter -> argument of a call to a user function, as Python would bind them."""
        signature = inspect.signature(func)
        try:
            bound = signature.bind(*value.args, **{k.arg: k.value for k in value.keywords})
        except TypeError as error:
            raise AdjointError(f"cannot call {qualified_name(func)}: {error}", self.location(value)) from None
        for name, argument in bound.arguments.items():
            kind = signature.parameters[name].kind
            if kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
                self._refuse_differentiated_rest(func, name, kind, argument, value)
        return {name: argument for name, argument in bound.arguments.items()
                if signature.parameters[name].kind not in (inspect.Parameter.VAR_POSITIONAL,
                                                           inspect.Parameter.VAR_KEYWORD)}

    def _refuse_differentiated_rest(self, func: Any, name: str, kind, arguments, call: gast.Call) -> None:
        """A differentiated value passed into a callee's `*args` or `**kwargs` is refused (its
        derivative would not come back); constants pass through them."""
        values = arguments.values() if isinstance(arguments, dict) else arguments
        if any(self.is_active(atom) for atom in values):
            star = "*" if kind == inspect.Parameter.VAR_POSITIONAL else "**"
            raise UnsupportedSyntaxError(
                f"{star}{name}", f"a differentiated value passed to {qualified_name(func)} through its "
                f"`{star}{name}` parameter is not differentiated; make it a named parameter of "
                f"{qualified_name(func)}", self.location(call))

    def refuse_method_of_temporary(self, call: gast.Call, kind: str) -> None:
        """A method with no rule called on a value the compiler named (`np.sum(x).item()`): the
        error speaks of the method, never of the temporary `_t1`."""
        func = call.func
        if not (isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name)
                and func.value.id not in self.namer.original):
            return
        raise NonDifferentiableError(
            f".{func.attr}", f"the method `.{func.attr}()` of a computed value has no {kind} rule: adjoint "
            "differentiates NumPy functions and the array methods that stand for them (`x.sum()`, "
            "`x.reshape(...)`, `x.T`, ...); call a function instead, or wrap a constant value in "
            "adjoint.stop_gradient", self.location(call))

    # ----- source positions -----------------------------------------------------------------

    def location(self, node: gast.AST):
        return self.parsed.info.location(node)

    def comment(self, stmt: gast.stmt) -> gast.stmt:
        return nodes.copy_location(nodes.comment("Grad of: " + self.parsed.info.line_text(stmt)), stmt)

    # ----- the stack --------------------------------------------------------------------------

    def _stack(self) -> str:
        if not self.stack:
            self.stack = self.namer.exact("_stack")
        return self.stack

    def push(self, value: gast.expr, origin: gast.AST) -> gast.stmt:
        return nodes.copy_location(nodes.method_call(self._stack(), "append", nodes.clone(value)), origin)

    def popped(self) -> gast.expr:
        return nodes.call(nodes.attribute(nodes.name(self._stack()), "pop"))

    def pop_into(self, target: gast.expr, origin: gast.AST) -> gast.stmt:
        return nodes.copy_location(nodes.assign_to(target, self.popped()), origin)

    # ----- scalar specialization ----------------------------------------------------------------

    def unbroadcast_names(self) -> Set[str]:
        """The names generated code calls unbroadcast by: a template instantiated on numbers
        drops `unbroadcast(g, x)` around g (there is nothing to undo)."""
        return {n for n, obj in self.bindings.items() if obj is runtime.unbroadcast}


# Flags that make a function return a pair its rule does not model (np.average's sum of the
# weights): the flag must be left False.
PAIR_FLAGS = ("returned",)


def _same_place(a: gast.AST, b: gast.AST) -> bool:
    return (getattr(a, "lineno", None), getattr(a, "col_offset", None)) == (
        getattr(b, "lineno", None), getattr(b, "col_offset", None))


def _constant_false(node: gast.expr) -> bool:
    """`False` (or 0, None) written as a constant: an `overwrite_*` argument that leaves the input alone."""
    return isinstance(node, gast.Constant) and not node.value
