"""Random differentiable programs as source text, for the differential fuzzer (test_fuzz.py).

Half of the programs come from program_shapes.py (lists, aliases, mutating helpers, random
draws, iteration, scatter, broadcasting: see there); this module draws the other half,
scalar programs with control flow, and the arguments of both.

`programs()` is a hypothesis strategy of `Program` records: the text of a module holding
a function `f` and the helper functions it calls, f's parameters, which of them to
differentiate, and the features the program uses. The programs stay inside the language
adjoint differentiates (SPEC §2) and inside the domain of every function they call:

- straight-line arithmetic; division only by `1.0 + e * e` or by an int `n + 1`; powers
  2, 3, an int parameter, and 0.75 of `e * e + 1.0`; a boolean factor (`True * e`);
- `math` and NumPy calls on safe arguments: `exp(-e * e)`, `log(e * e + 1.0)`,
  `sqrt(e * e + 0.5)`, `sin`, `cos`, `tanh`, `atan`; `abs`, `max`, `min` (2 and 3
  arguments), `float`; on arrays `np.sum`, `np.mean`, `np.dot`, `np.maximum`, slices;
- `if`/`elif`/`else` on active conditions (a float against a threshold, chained
  comparisons) and inactive ones (an int parameter, a loop index), `and`/`or`/`not`,
  conditional expressions, a new name assigned in every branch;
- `for` over `range`, an array, `enumerate`, `zip` and `range(len(a))`; `while` with a
  counter (and an active condition), `while True` left by `break`; `break`, `continue`,
  early `return` (also inside loops and helpers);
- calls to generated helpers (keyword arguments, defaults, tuple returns and unpacking, a
  recursive one);
- reads of an input array, reads and writes (`=`, `+=`, element and slice) of `np.zeros`
  arrays, lists built with `append` and summed; tuple swaps;
- variable names that clash with the names adjoint generates (`dx0`, `_stack`, `_t1`...).

Arguments are floats in about [-1.5, 1.5] (one in ten an int), ints 1..4 for loop bounds,
arrays of 3 floats.

Thresholds are values like 0.37 that a variable rarely sits on; the fuzzer still checks
each point for a nearby branch switch (see test_fuzz.py) and skips it if it finds one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from random import Random
from typing import Any, Dict, FrozenSet, List, Optional, Tuple

import numpy as np
from hypothesis import strategies as st

ARRAY_LENGTH = 3
THRESHOLDS = ("-0.83", "-0.41", "0.07", "0.37", "0.91", "1.43")
CONSTANTS = ("0.5", "1.5", "2.0", "0.25", "-0.75", "3", "1.1", "-2")
# Names adjoint generates itself (adjoints, temporaries, stacks, helpers, derivative functions):
# a user variable of the same name must not confuse the compiler.
CLASHING_NAMES = (
    "dx0", "dx1", "d", "dv", "_stack", "_t1", "_t2", "_cond1", "_range1", "result", "grad_f",
    "jvp_f", "unbroadcast", "tmp", "dresult", "_d", "d_x0", "stack", "t", "value",
)
SHAPE_SHARE = 0.5  # of the programs, those drawn by program_shapes.py
MAX_DEPTH = 3  # nesting of blocks
MAX_EXPRESSION_DEPTH = 3


@dataclass(frozen=True)
class Parameter:
    name: str
    # "float", "array" (length ARRAY_LENGTH), "int" (1..4) or "bool"; in program_shapes.py also
    # "matrix", "arrays" and "floats" (lists), "pair" (a tuple), "nested" (a list of lists),
    # "count" (0..3), "rng" (a numpy Generator the checker seeds before every call), "tree" (a
    # dict holding a matrix, an array, a list of (array, float) pairs and a float), "params" (a
    # dict of two arrays) and "record" (a Record dataclass)
    kind: str
    shape: Tuple[int, ...] = ()

    @property
    def differentiable(self) -> bool:
        return self.kind not in ("int", "bool", "count", "rng")


@dataclass(frozen=True)
class Program:
    """A generated module: `source` defines `f(*parameters)` and its helpers."""

    source: str
    parameters: Tuple[Parameter, ...]
    wrt: Tuple[str, ...]
    features: FrozenSet[str]
    seed: int
    family: str = "scalar"  # the shape family (program_shapes.py), "scalar" for the programs drawn here
    hvp: bool = False  # also check the Hessian-vector product

    @property
    def autograd_compatible(self) -> bool:
        """Only `np` (no `math`), no writes into arrays, no `float()`: autograd can run the same source."""
        return self.family == "scalar" and not self.features & {"math", "array_write", "float"}


@dataclass
class Record:
    """A dataclass argument of the fuzzer's pytree programs."""

    gain: float
    shift: np.ndarray


@dataclass
class Scope:
    """What a statement may read and write at the point it is generated."""

    floats: List[str]
    ints: List[str] = field(default_factory=list)
    arrays: List[str] = field(default_factory=list)  # readable arrays, all of length ARRAY_LENGTH
    writable: List[str] = field(default_factory=list)  # np.zeros arrays
    lists: List[str] = field(default_factory=list)
    loop: bool = False
    depth: int = 0

    def child(self, **changes) -> "Scope":
        scope = Scope(list(self.floats), list(self.ints), list(self.arrays), list(self.writable),
                      list(self.lists), self.loop, self.depth + 1)
        for name, value in changes.items():
            setattr(scope, name, value)
        return scope


@dataclass(frozen=True)
class Helper:
    name: str
    arity: int  # float parameters
    returns: int  # 1 (a float) or 2 (a tuple)
    has_default: bool
    int_parameter: bool  # a trailing int parameter (recursion depth)


class Builder:
    """Draws one program, statement by statement, from a `random.Random` (hypothesis' own, so it shrinks)."""

    def __init__(self, random: Random):
        self.random = random
        self.counter = 0
        self.used_names: set = set()
        self.features: set = set()
        self.helpers: List[Helper] = []
        self.returns = 1  # what the function being generated returns: 1 float or a 2-tuple
        self.library = self.choice(("math", "np", "mixed"))
        self.clashing = self.chance(50)

    # ----- small choices -------------------------------------------------------------

    def choice(self, options):
        options = tuple(options)
        return options[self.integer(0, len(options) - 1)]

    def chance(self, percent: int) -> bool:
        return self.integer(0, 99) < percent

    def integer(self, low: int, high: int) -> int:
        return self.random.randint(low, high)

    def fresh(self, prefix: str = "v") -> str:
        if self.clashing and self.chance(25):
            unused = [name for name in CLASHING_NAMES if name not in self.used_names]
            if unused:
                name = self.choice(unused)
                self.used_names.add(name)
                return name
        while True:
            self.counter += 1
            name = f"{prefix}{self.counter}"
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def module(self) -> str:
        """`math` or `np` for a scalar function, following the program's library."""
        if self.library == "mixed":
            module = self.choice(("math", "np"))
        else:
            module = self.library
        if module == "math":
            self.features.add("math")
        return module

    # ----- expressions ---------------------------------------------------------------

    def expression(self, scope: Scope, depth: int = 0) -> str:
        """A float-valued expression over the scope's names."""
        if depth >= MAX_EXPRESSION_DEPTH or self.chance(30 + 15 * depth):
            return self.leaf(scope)
        kind = self.choice(("binary", "binary", "binary", "unary", "call", "call", "call", "builtin",
                            "ifexp", "helper", "array"))
        if kind == "binary":
            left, right = self.expression(scope, depth + 1), self.expression(scope, depth + 1)
            operator = self.choice(("+", "-", "*", "*", "/"))
            if operator == "/":
                return f"({left} / (1.0 + {right} * {right}))"
            return f"({left} {operator} {right})"
        if kind == "unary":
            inner = self.expression(scope, depth + 1)
            forms = [f"(-{inner})", f"({inner} ** 2)", f"({inner} ** 3)", f"(({inner} * {inner} + 1.0) ** 0.75)",
                     f"(True * {inner})"]
            if scope.ints:
                name = self.choice(scope.ints)
                forms += [f"({inner} ** {name})", f"({inner} / ({name} + 1))"]
            return self.choice(forms)
        if kind == "call":
            return self.call(self.expression(scope, depth + 1))
        if kind == "builtin":
            return self.builtin(scope, depth)
        if kind == "ifexp":
            condition = self.condition(scope)
            return f"({self.expression(scope, depth + 1)} if {condition} else {self.expression(scope, depth + 1)})"
        if kind == "helper" and self.helpers:
            return self.helper_call(scope, depth, returns=1)
        if kind == "array" and scope.arrays:
            return self.array_reduction(scope)
        return self.leaf(scope)

    def leaf(self, scope: Scope) -> str:
        kinds = ["float"] * 6 + ["constant"] * 2
        if scope.ints:
            kinds.append("int")
        if scope.arrays or scope.writable:
            kinds += ["element", "element"]
        kind = self.choice(kinds)
        if kind == "float" and scope.floats:
            return self.choice(scope.floats)
        if kind == "int":
            return self.choice(scope.ints)
        if kind == "element":
            return self.element(scope)
        return self.choice(CONSTANTS)

    def element(self, scope: Scope) -> str:
        array = self.choice(scope.arrays + scope.writable)
        if scope.ints and self.chance(50):
            index = f"{self.choice(scope.ints)} % {ARRAY_LENGTH}"
        else:
            index = str(self.integer(-ARRAY_LENGTH, ARRAY_LENGTH - 1))
        return f"{array}[{index}]"

    def call(self, argument: str) -> str:
        module = self.module()
        arctan = "atan" if module == "math" else "arctan"
        return self.choice((
            f"{module}.sin({argument})", f"{module}.cos({argument})", f"{module}.tanh({argument})",
            f"{module}.{arctan}({argument})", f"{module}.exp(-{argument} * {argument})",
            f"{module}.log({argument} * {argument} + 1.0)", f"{module}.sqrt({argument} * {argument} + 0.5)",
        ))

    def builtin(self, scope: Scope, depth: int) -> str:
        first = self.expression(scope, depth + 1)
        kind = self.choice(("abs", "max", "min", "max3", "float"))
        if kind == "abs":
            return f"abs({first})"
        if kind == "float":
            self.features.add("float")  # autograd cannot take float() of a traced value
            return f"float({first})"
        if kind == "max3":
            rest = ", ".join(self.expression(scope, depth + 1) for _ in range(2))
            return f"{self.choice(('max', 'min'))}({first}, {rest})"
        return f"{kind}({first}, {self.expression(scope, depth + 1)})"

    def array_reduction(self, scope: Scope) -> str:
        self.features.add("numpy")
        array = self.array_expression(scope)
        kind = self.choice(("sum", "mean", "dot", "shifted"))
        if kind == "dot":
            return f"np.dot({array}, {self.array_expression(scope)})"
        if kind == "shifted":
            other = self.array_expression(scope)
            return f"np.sum({array}[1:] * {other}[:-1])"
        return f"np.{kind}({array})"

    def array_expression(self, scope: Scope, depth: int = 0) -> str:
        """An array of length ARRAY_LENGTH."""
        arrays = scope.arrays + scope.writable
        if depth >= 2 or self.chance(40):
            return self.choice(arrays)
        kind = self.choice(("unary", "binary", "scaled", "maximum"))
        if kind == "maximum":
            return f"np.maximum({self.array_expression(scope, depth + 1)}, {self.leaf(scope)})"
        if kind == "unary":
            inner = self.array_expression(scope, depth + 1)
            return self.choice((f"np.sin({inner})", f"np.tanh({inner})", f"np.exp(-{inner} * {inner})",
                                f"np.log({inner} * {inner} + 1.0)", f"np.sqrt({inner} * {inner} + 0.5)"))
        if kind == "binary":
            operator = self.choice(("+", "-", "*"))
            return f"({self.array_expression(scope, depth + 1)} {operator} {self.array_expression(scope, depth + 1)})"
        return f"({self.leaf(scope)} * {self.array_expression(scope, depth + 1)})"

    def condition(self, scope: Scope) -> str:
        kinds = ["active", "active"]
        if scope.ints:
            kinds.append("inactive")
        kind = self.choice(kinds)
        if kind == "active":
            operand = self.choice(scope.floats) if scope.floats and self.chance(60) else self.expression(scope, 2)
            if self.chance(15):
                low, high = sorted(self.random.sample(THRESHOLDS, 2), key=float)
                text = f"{low} < {operand} < {high}"
            else:
                text = f"{operand} {self.choice(('>', '<', '>='))} {self.choice(THRESHOLDS)}"
        else:
            name = self.choice(scope.ints)
            text = self.choice((f"{name} % 2 == 0", f"{name} > 1", f"{name} < 3", f"{name} == 2"))
        if self.chance(10):
            return f"not {text}"
        if self.chance(10):
            return f"{text} {self.choice(('and', 'or'))} {self.condition(scope)}"
        return text

    def helper_call(self, scope: Scope, depth: int, returns: int) -> str:
        candidates = [helper for helper in self.helpers if helper.returns == returns]
        if not candidates:
            return self.leaf(scope)
        helper = self.choice(candidates)
        self.features.add("call")
        arguments = [self.expression(scope, depth + 1) for _ in range(helper.arity)]
        if helper.arity == 2 and self.chance(30):
            arguments[1] = f"q={arguments[1]}"
        if helper.has_default and self.chance(50):
            arguments.append(f"c={self.choice(CONSTANTS)}")
        if helper.int_parameter:
            arguments.append(self.choice(scope.ints) if scope.ints and self.chance(50) else str(self.integer(0, 3)))
        return f"{helper.name}({', '.join(arguments)})"

    # ----- statements ----------------------------------------------------------------

    def block(self, scope: Scope, size: Optional[int] = None) -> List[str]:
        """Statements (each a list of lines, indented by the caller) for one block."""
        count = size if size is not None else self.integer(1, 2 if scope.depth else 4)
        lines: List[str] = []
        for _ in range(count):
            lines += self.statement(scope)
        return lines

    def statement(self, scope: Scope) -> List[str]:
        kinds = ["assign"] * 5 + ["augmented"] * 2
        if scope.depth < MAX_DEPTH and (scope.depth < MAX_DEPTH - 1 or self.chance(25)):
            kinds += ["if", "if", "for", "while"]
            if scope.arrays:
                kinds.append("for_array")
        if self.helpers and any(helper.returns == 2 for helper in self.helpers):
            kinds.append("unpack")
        if scope.writable:
            kinds += ["write", "write"]
        if scope.lists:
            kinds.append("append")
        if scope.loop:
            kinds += ["break", "continue"]
        kinds.append("return")
        if len(scope.floats) >= 2:
            kinds.append("swap")
        return getattr(self, f"statement_{self.choice(kinds)}")(scope)

    def statement_assign(self, scope: Scope) -> List[str]:
        value = self.expression(scope)
        if scope.floats and self.chance(40):
            target = self.choice(scope.floats)
        else:
            target = self.fresh()
            scope.floats.append(target)
        return [f"{target} = {value}"]

    def statement_augmented(self, scope: Scope) -> List[str]:
        if not scope.floats:
            return self.statement_assign(scope)
        return [f"{self.choice(scope.floats)} {self.choice(('+=', '-=', '*='))} {self.expression(scope)}"]

    def statement_swap(self, scope: Scope) -> List[str]:
        first, second = self.random.sample(scope.floats, 2)
        return [f"{first}, {second} = {second}, {first}"]

    def statement_unpack(self, scope: Scope) -> List[str]:
        call = self.helper_call(scope, 1, returns=2)
        targets = []
        for _ in range(2):
            if scope.floats and self.chance(30):
                targets.append(self.choice([name for name in scope.floats if name not in targets] or [self.fresh()]))
            else:
                targets.append(self.fresh())
        for target in targets:
            if target not in scope.floats:
                scope.floats.append(target)
        return [f"{targets[0]}, {targets[1]} = {call}"]

    def statement_if(self, scope: Scope) -> List[str]:
        branches = [f"if {self.condition(scope)}:"]
        if self.chance(20):
            branches.append(f"elif {self.condition(scope)}:")
        if self.chance(60):
            branches.append("else:")
        # A new name assigned in every branch of an if with an else is defined after it.
        shared = self.fresh() if branches[-1] == "else:" and self.chance(40) else None
        lines = []
        for header in branches:
            branch_scope = scope.child()
            body = self.block(branch_scope)
            if shared is not None:
                body.append(f"{shared} = {self.expression(branch_scope)}")
            lines += [header] + indent(body)
        if shared is not None:
            scope.floats.append(shared)
        return lines

    def statement_for(self, scope: Scope) -> List[str]:
        index = self.fresh("i")
        bound = self.choice([name for name in scope.ints if name.startswith("n")] + ["2", "3", "4"])
        start = self.choice(("", "", "1, "))
        body_scope = scope.child(loop=True)
        body_scope.ints.append(index)
        self.features.add("loop")
        return [f"for {index} in range({start}{bound}):"] + indent(self.block(body_scope))

    def statement_for_array(self, scope: Scope) -> List[str]:
        item = self.fresh("e")
        array = self.choice(scope.arrays)
        body_scope = scope.child(loop=True)
        body_scope.floats.append(item)
        self.features.add("loop")
        kind = self.choice(("plain", "enumerate", "zip", "range_len"))
        if kind == "enumerate":
            index = self.fresh("i")
            body_scope.ints.append(index)
            header = f"for {index}, {item} in enumerate({array}):"
        elif kind == "zip" and scope.arrays + scope.writable:
            other = self.fresh("e")
            body_scope.floats.append(other)
            header = f"for {item}, {other} in zip({array}, {self.choice(scope.arrays + scope.writable)}):"
        elif kind == "range_len":
            body_scope.floats.remove(item)
            body_scope.ints.append(item)
            header = f"for {item} in range(len({array})):"
        else:
            header = f"for {item} in {array}:"
        return [header] + indent(self.block(body_scope))

    def statement_while(self, scope: Scope) -> List[str]:
        counter = self.fresh("k")
        limit = self.integer(1, 5)
        condition = f"{counter} < {limit}"
        if scope.floats and self.chance(40):
            condition += f" and {self.choice(scope.floats)} {self.choice(('<', '>'))} {self.choice(THRESHOLDS)}"
        body_scope = scope.child(loop=True)
        body_scope.ints.append(counter)
        self.features.add("loop")
        if self.chance(20):  # `while True` left by a break on the counter
            body = [f"{counter} = {counter} + 1", f"if {counter} > {limit}:", "    break"] + self.block(body_scope)
            return [f"{counter} = 0", "while True:"] + indent(body)
        body = [f"{counter} = {counter} + 1"] + self.block(body_scope)
        return [f"{counter} = 0", f"while {condition}:"] + indent(body)

    def statement_break(self, scope: Scope) -> List[str]:
        return [f"if {self.condition(scope)}:", "    break"]

    def statement_continue(self, scope: Scope) -> List[str]:
        return [f"if {self.condition(scope)}:", "    continue"]

    def statement_return(self, scope: Scope) -> List[str]:
        values = ", ".join(self.expression(scope) for _ in range(self.returns))
        return [f"if {self.condition(scope)}:", f"    return {values}"]

    def statement_write(self, scope: Scope) -> List[str]:
        self.features.add("array_write")
        target = self.choice(scope.writable)
        if self.chance(20):
            part = self.choice(("1:", ":2", "::2", "1:3"))
            value = self.array_expression(scope)
            return [f"{target}[{part}] {self.choice(('=', '+='))} {value}[{part}]"]
        element = self.element(scope.child(arrays=[], writable=[target]))
        return [f"{element} {self.choice(('=', '+='))} {self.expression(scope)}"]

    def statement_append(self, scope: Scope) -> List[str]:
        return [f"{self.choice(scope.lists)}.append({self.expression(scope)})"]

    def final_return(self, scope: Scope) -> str:
        terms = [f"{self.choice(CONSTANTS)} * {name}" for name in scope.floats]
        terms += [f"np.sum({self.call_array(name)})" for name in scope.writable]
        terms += [f"sum({name})" for name in scope.lists]
        if scope.arrays:
            terms.append(self.array_reduction(scope))
        return "return " + " + ".join(terms or ["0.0"])

    def call_array(self, name: str) -> str:
        return self.choice((f"{name} * {name}", f"np.sin({name})", name))

    # ----- functions -----------------------------------------------------------------

    def helper(self, index: int) -> List[str]:
        if self.chance(20):
            return self.recursive_helper(index)
        arity = self.integer(1, 2)
        parameters = ["p", "q"][:arity]
        returns = self.integer(1, 2)
        has_default = self.chance(30)
        signature = parameters + (["c=0.5"] if has_default else [])
        scope = Scope(floats=list(parameters) + (["c"] if has_default else []), depth=1)
        saved_clashing, self.clashing, self.returns = self.clashing, False, returns
        body = self.block(scope, self.integer(1, 2))
        self.clashing, self.returns = saved_clashing, 1
        if returns == 1:
            body.append(f"return {self.expression(scope)}")
        else:
            body.append(f"return {self.expression(scope)}, {self.expression(scope)}")
        name = f"h{index}"
        self.helpers.append(Helper(name, arity, returns, has_default, False))
        return [f"def {name}({', '.join(signature)}):"] + indent(body)

    def recursive_helper(self, index: int) -> List[str]:
        name = f"h{index}"
        scope = Scope(floats=["p"], depth=1)
        saved = self.helpers
        self.helpers = []  # the recursive helper calls only itself
        step = self.call(self.expression(scope, 2))
        combine = self.expression(scope, 2)
        self.helpers = saved
        self.helpers.append(Helper(name, 1, 1, False, True))
        self.features.add("recursion")
        return [
            f"def {name}(p, m):",
            "    if m <= 0:",
            "        return p",
            f"    return {name}({step}, m - 1) * 0.5 + {combine}",
        ]

    def program(self, seed: int) -> Program:
        lines = ["import math", "", "import numpy as np", "", ""]
        for index in range(self.choice((0, 0, 1, 1, 2))):
            lines += self.helper(index) + ["", ""]
        floats = [f"x{i}" for i in range(self.integer(1, 3))]
        parameters = [Parameter(name, "float") for name in floats]
        scope = Scope(floats=list(floats))
        self.used_names.update(floats)
        if self.chance(40):
            parameters.append(Parameter("a", "array"))
            scope.arrays.append("a")
            self.features.add("numpy")
        if self.chance(50):
            parameters.append(Parameter("n", "int"))
            scope.ints.append("n")
        self.used_names.update(parameter.name for parameter in parameters)
        body = []
        if self.chance(30):
            name = self.fresh("w")
            body.append(f"{name} = np.zeros({ARRAY_LENGTH})")
            scope.writable.append(name)
            self.features.add("numpy")
        if self.chance(15):
            name = self.fresh("acc")
            body.append(f"{name} = []")
            scope.lists.append(name)
            self.features.add("list")
        body += self.block(scope)
        body.append(self.final_return(scope))
        lines += [f"def f({', '.join(parameter.name for parameter in parameters)}):"] + indent(body)
        differentiable = [parameter.name for parameter in parameters if parameter.differentiable]
        wrt = tuple(self.random.sample(differentiable, self.integer(1, len(differentiable))))
        return Program("\n".join(lines) + "\n", tuple(parameters), wrt, frozenset(self.features), seed)


def indent(lines: List[str]) -> List[str]:
    return ["    " + line for line in lines]


def program_from_seed(seed: int) -> Program:
    """The program a seed stands for: failures report the seed, so this reproduces them.

    Half the seeds stand for a program of a shape family (program_shapes.py), half for a
    scalar program with control flow drawn here.
    """
    from program_shapes import ShapeBuilder  # it builds on this module's Builder

    random = Random(seed)
    if random.random() < SHAPE_SHARE:
        return ShapeBuilder(random).program(seed)
    return Builder(random).program(seed)


def programs(first: int = 0, last: int = 2 ** 32 - 1) -> st.SearchStrategy:
    """A strategy of generated programs (see the module docstring), of the seeds first..last.

    Hypothesis draws a seed and the program is built from `random.Random(seed)`: drawing
    each of a program's few hundred choices through hypothesis costs more than compiling
    the program twice, and shrinking does not help much with a program this structured.
    """
    return st.integers(first, last).map(program_from_seed)


def scalars() -> st.SearchStrategy:
    """Floats in about [-1.5, 1.5], off the round numbers such as 0.0 and 1.0 that hypothesis favours."""
    return st.integers(-1500, 1500).map(lambda k: k / 1000 + 0.00123)


def argument_values(program: Program) -> st.SearchStrategy:
    """Arguments for `program.parameters`: numbers in about [-1.5, 1.5], ints in 1..4, arrays of floats.

    Containers and matrices are filled from a numpy generator seeded by hypothesis; an "rng"
    parameter gets None here, for the checker to pass a freshly seeded generator each call.
    """
    scalar = scalars()
    # One float argument in ten is an int: int inputs must give float gradients.
    number = st.tuples(st.integers(0, 9), scalar, st.sampled_from((-1, 1, 2))).map(
        lambda t: t[2] if t[0] == 0 else t[1])
    strategies: Dict[str, st.SearchStrategy] = {
        "float": number,
        "int": st.integers(1, 4),
        "count": st.integers(0, 3),
        "array": st.lists(scalar, min_size=ARRAY_LENGTH, max_size=ARRAY_LENGTH),
        "rng": st.none(),
    }
    return st.tuples(*(strategies[parameter.kind] if parameter.kind in strategies
                       else st.integers(0, 2 ** 32 - 1).map(lambda seed, p=parameter: container(p, seed))
                       for parameter in program.parameters))


def container(parameter: Parameter, seed: int) -> Any:
    """A value of a container or matrix parameter, its numbers in about [-1.5, 1.5]."""
    generator = np.random.default_rng(seed)

    def numbers(*shape: int) -> np.ndarray:
        return generator.uniform(-1.5, 1.5, size=shape)

    if parameter.kind == "matrix":
        return numbers(*parameter.shape)
    if parameter.kind == "arrays":
        return [numbers(ARRAY_LENGTH) for _ in range(parameter.shape[0])]
    if parameter.kind == "floats":
        return [float(v) for v in numbers(parameter.shape[0])]
    if parameter.kind == "pair":
        return (float(numbers(1)[0]), numbers(ARRAY_LENGTH))
    if parameter.kind == "nested":
        return [[float(v) for v in row] for row in numbers(*parameter.shape)]
    if parameter.kind == "tree":
        layers = [(numbers(ARRAY_LENGTH), float(numbers(1)[0])) for _ in range(2)]
        return {"W": numbers(2, ARRAY_LENGTH), "b": numbers(2), "layers": layers, "scale": float(numbers(1)[0])}
    if parameter.kind == "params":
        return {"u": numbers(ARRAY_LENGTH), "v": numbers(ARRAY_LENGTH)}
    if parameter.kind == "record":
        return Record(float(numbers(1)[0]), numbers(ARRAY_LENGTH))
    raise ValueError(f"no values for parameter kind {parameter.kind!r}")
