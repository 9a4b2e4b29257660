"""Generated programs of the shapes where a derivative is easiest to get wrong (test_fuzz.py).

program_generator.py draws scalar programs with control flow; this module draws programs
built around one *shape family* each, the code shapes where the derivative depends on
Python's and NumPy's semantics rather than on calculus:

- `containers`: lists of arrays and of floats, tuples and nested lists, as arguments and
  built locally; `+` (concatenation), `[x] * 3`, `extend`, `+=` on lists, items taken out by
  `pop(i)`, `v = pop(i)` and `remove`; indexing, slicing;
- `aliases`: two names for one array or list, views, in-place writes through either name
  (`out = y; out += 1`, `v = y[1:]; v *= 3`, `B[1][0] = ...`), writes through an alias of
  an argument (and, beside them, writes into copies, which share nothing);
- `mutating_helpers`: helpers that append to a list or write into an array given to them (and,
  beside them, helpers that write into a copy or return a new list, and helpers writing into a
  buffer or a dict the caller reads no more, given an array the caller reads after the call);
- `random_draws`: draws from a generator passed in or from a module-level `RandomState` (an
  index among them, of an item updated in place); the checker seeds both before every call, so
  the value and the derivative see the same draws;
- `loop_variables`: a loop variable read after its loop, loops that may run zero times,
  `for ... else` and `while ... else` left by a `break` or not;
- `iteration`: zip/enumerate/reversed/range/sorted, itertools' combinations, permutations and
  product (of items or of positions), chain.from_iterable and zip_longest, nested or bound to a
  name first, over
  lists, tuples, 1-D and 2-D arrays; `sorted(range(len(xs)), key=lambda k: ...)` reading xs;
  loops and generator expressions over a generator function's call yielding positions, and over an
  endless generator's, zipped with a sequence or cut by islice;
- `scatter`: NumPy writes with repeated indices (`y[[0, 0]] += x`, `y[[1, 1, 0]] = v`, `np.add.at`)
  and, beside them, with distinct ones; arrays of integers updated in place;
- `builtin_sum`: the builtin `sum` over arrays (a 2-D one sums rows) and lists;
- `broadcasting`: non-square matrices, `.T`, broadcasting, reshapes, reductions with axes, a grid
  of zeros a row, a column or a number is added to (broadcast wider than what varies);
  these programs are also checked by `hvp` (forward over reverse);
- `pytrees`: dicts (of arrays, of lists of pairs, nested), a dataclass, dict literals, loops
  over `.items()`, `.values()` and `.keys()`, unpacking `for w, s in tree["layers"]`;
- `functions`: comprehensions and generator expressions (filters, nesting, zip), local
  lambdas and defs that read the function's variables, module-level lambdas, functions
  passed to helpers and read from a table, a model's layers in a list of callable objects
  (walked directly, zipped with functions or by index), functools.reduce; any() and all() decided
  before an item that would raise;
- `zero_d`: 0-d arrays and NumPy numbers indexed like arrays (`z[()]`, `z[...]`, `z[None]`),
  written whole (`z[...] = v`, `z[()] = v`) and turned into floats; these programs are also
  checked by `hvp`;
- `models`: a NamedTuple model whose methods read its fields and call each other, built in the
  function from its arguments and called once or in a loop; a record (or a list of them) made
  from the last one in a loop by its own method or by a helper (checked by `hvp` too, but for
  the lists); a derivative taken inside the
  function (`adjoint.grad(energy)(u, s)`, a force from an energy); a record rebound by operators
  its class defines (`s = s * k`, `s += t`); grids whose ends or step move
  with the arguments (`np.linspace(0.0, x0, 5)`, `np.arange(3) * x0`);
- `hidden_effects`: in-place writes where a statement does not show them: a helper writing into
  its argument called in an `if` or `while` test, an `and`/`or`/`not` operand, an assert, an
  f-string, a comprehension's condition; such a helper passed as a value (`map`, `sorted`'s key,
  a list of functions); a method writing into its object whose result is kept (`z = y.fill(s)`);
  and, beside them, helpers that write nothing in the same places.

Each program picks a family, draws one or two snippets of it (sometimes one of another
family too) and returns the sum of the snippets' scalar terms. Snippets reuse the scalar
expressions of program_generator.Builder, so their arithmetic varies as well.
"""
from __future__ import annotations

from random import Random
from typing import Any, Callable, Dict, List, Tuple

from program_generator import ARRAY_LENGTH, CONSTANTS, Builder, Parameter, Program, Scope, indent

# The parameters a snippet may ask for, by name: (kind, shape). Shapes of "matrix" are drawn per program.
PARAMETERS: Dict[str, Tuple[str, Tuple[int, ...]]] = {
    "x0": ("float", ()),
    "x1": ("float", ()),
    "a": ("array", (ARRAY_LENGTH,)),
    "b": ("array", (ARRAY_LENGTH,)),
    "xs": ("arrays", (3, ARRAY_LENGTH)),  # a list of 3 arrays
    "fs": ("floats", (3,)),  # a list of 3 floats
    "pair": ("pair", ()),  # a tuple (float, array)
    "A": ("nested", (2, 2)),  # a list of 2 lists of 2 floats
    "n": ("count", ()),  # an int in 0..3: loops over range(n) may run zero times
    "rng": ("rng", ()),  # a numpy Generator, seeded afresh before every call
    "tree": ("tree", ()),  # {"W": (2, ARRAY_LENGTH), "b": (2,), "layers": [(array, float)] * 2, "scale": float}
    "params": ("params", ()),  # {"u": array, "v": array}
    "cfg": ("record", ()),  # Record(gain: float, shift: array)
}
FAMILIES = ("containers", "aliases", "mutating_helpers", "random_draws", "loop_variables", "iteration", "scatter",
            "builtin_sum", "broadcasting", "pytrees", "functions", "zero_d",
            "hidden_effects", "dicts", "models")  # each a ShapeBuilder method drawing a snippet
MATRIX_SHAPES = ((2, 3), (3, 2), (4, 3), (3, 4))
HVP_FAMILIES = frozenset({"broadcasting", "zero_d"})
RANDOM_STATE = "STATE"  # the module-level RandomState the checker seeds


class ShapeBuilder(Builder):
    """Draws one program of a shape family; `Builder` supplies the scalar expressions."""

    def __init__(self, random: Random):
        super().__init__(random)
        self.library = "np"
        self.clashing = False
        self.parameters: Dict[str, Parameter] = {}
        self.module_lines: List[str] = []
        self.helper_sources: Dict[str, List[str]] = {}
        self.body: List[str] = []
        self.terms: List[str] = []
        self.rows, self.columns = self.choice(MATRIX_SHAPES)
        self.hvp = False  # a snippet asks for the Hessian-vector product to be checked too

    # ----- parameters, helpers and small pieces ---------------------------------------

    def need(self, name: str) -> str:
        """Parameter `name` (see PARAMETERS), added to f's signature on first use."""
        if name == "M":
            self.parameters.setdefault(name, Parameter(name, "matrix", (self.rows, self.columns)))
        else:
            kind, shape = PARAMETERS[name]
            self.parameters.setdefault(name, Parameter(name, kind, shape))
        self.used_names.add(name)
        return name

    def helper_source(self, name: str, lines: List[str]) -> str:
        self.helper_sources.setdefault(name, lines)
        self.features.add("call")
        return name

    def scalar(self, *floats: str) -> str:
        """A scalar expression of x0 and `floats`."""
        return self.expression(Scope(floats=[self.need("x0"), *floats]), 1)

    def pick(self, *makers: Callable[[], Any]) -> Any:
        """One of the texts (or lists of lines) the makers would make; only the chosen one runs (and
        asks for its parameters)."""
        return self.choice(makers)()

    def emit(self, *lines: str) -> None:
        self.body.extend(lines)

    def index(self, length: int = ARRAY_LENGTH) -> int:
        return self.integer(-length, length - 1)

    def list_slice(self) -> str:
        return self.choice(("", "[1:]", "[::-1]", "[:2]", "[-2:]", "[::2]"))

    def accumulate(self, start: str = "0.0") -> str:
        total = self.fresh("t")
        self.emit(f"{total} = {start}")
        return total

    # ----- containers ----------------------------------------------------------------

    def containers(self) -> None:
        self.choice((self.list_of_arrays, self.list_of_floats, self.tuple_argument, self.nested_argument,
                     self.local_float_list, self.local_array_list, self.local_tuple, self.local_nested))()

    def list_of_arrays(self) -> None:
        xs, total = self.need("xs"), self.accumulate()
        item = self.fresh("v")
        self.emit(f"for {item} in {xs}{self.list_slice()}:",
                  f"    {total} = {total} + np.sum({item} * {self.scalar()})")
        self.terms.append(f"{total} + {xs}[{self.index()}][{self.index()}] * {xs}[{self.index()}][{self.index()}]")

    def list_of_floats(self) -> None:
        fs = self.need("fs")
        self.terms.append(self.choice((
            f"{fs}[{self.index()}] * {self.scalar()}",
            f"sum({fs}{self.list_slice()}) * {self.scalar()}",
            f"{fs}{self.list_slice()}[0] * {fs}[{self.index()}]",
            f"len({fs}) * {fs}[{self.index()}]",
        )))

    def tuple_argument(self) -> None:
        pair = self.need("pair")
        s, v = self.fresh("s"), self.fresh("v")
        if self.chance(50):
            self.emit(f"{s}, {v} = {pair}")
        else:
            self.emit(f"{s} = {pair}[0]", f"{v} = {pair}[-1]")
        self.terms.append(f"{s} * np.sum({v} * {self.scalar()}) + {pair}[1][{self.index()}]")

    def nested_argument(self) -> None:
        nested = self.need("A")
        i, j, k, l = (self.index(2) for _ in range(4))
        if self.chance(50):
            self.terms.append(f"{nested}[{i}][{j}] * {nested}[{k}][{l}] + sum({nested}[{i}]) * {self.scalar()}")
            return
        total, row, item = self.accumulate(), self.fresh("row"), self.fresh("e")
        self.emit(f"for {row} in {nested}:", f"    for {item} in {row}:",
                  f"        {total} = {total} + {item} * {self.scalar(item)}")
        self.terms.append(total)

    def grown_list(self, name: str, first: str, element: Callable[[], str], of_numbers: bool = False) -> None:
        """`name = [first, ...]` then grown by +, `[e] * k`, extend and +=; sometimes an item taken out
        again by `pop(i)`, `v = pop(i)` (v put back, scaled) or, in a list of numbers, `remove`."""
        self.emit(f"{name} = [{first}, {element()}]")
        for _ in range(self.integer(1, 3)):
            self.emit(self.choice((
                f"{name} = {name} + [{element()}]",
                f"{name} = [{element()}] + {name}",
                f"{name}.extend([{element()}, {element()}])",
                f"{name} += [{element()}]",
                f"{name}.append({element()})",
                f"{name} = {name} + [{element()}] * {self.integer(1, 3)}",
            )))
        if self.chance(35):
            popped = self.fresh("p")
            self.emit(*self.choice((
                [f"{name}.pop({self.integer(-2, 1)})"],
                [f"{popped} = {name}.pop({self.integer(-3, 0)})", f"{name}.append({popped} * {self.scalar()})"],
                *([[f"{name}.remove({name}[{self.integer(0, 2)}])"]] if of_numbers else []),
            )))

    def local_float_list(self) -> None:
        x0 = self.need("x0")
        ys, zs = self.fresh("ys"), self.fresh("zs")
        self.grown_list(ys, x0, self.scalar, of_numbers=True)
        self.emit(f"{zs} = [{self.scalar()}] * {self.integer(2, 3)}")
        self.terms.append(self.choice((
            f"{ys}[-1] * {ys}[1] + sum({ys}[1:]) + {zs}[0] * {zs}[-1]",
            f"sum({ys}{self.list_slice()}) * {zs}[1]",
            f"{ys}[0] * sum({zs}) + {ys}[{self.integer(-2, 1)}]",
        )))

    def local_array_list(self) -> None:
        a, x0 = self.need("a"), self.need("x0")
        ys, total, item = self.fresh("ys"), self.fresh("t"), self.fresh("v")
        self.grown_list(ys, a, lambda: self.choice((f"{a} * {self.scalar()}", f"np.sin({a})", f"{a}[::-1] * {x0}")))
        self.emit(f"{total} = 0.0", f"for {item} in {ys}{self.list_slice()}:",
                  f"    {total} = {total} + np.sum({item} * {ys}[0])")
        self.terms.append(f"{total} + np.sum({ys}[-1] * {ys}[1])")

    def local_tuple(self) -> None:
        a, x0 = self.need("a"), self.need("x0")
        pair, longer = self.fresh("tp"), self.fresh("tp")
        self.emit(f"{pair} = ({self.scalar()}, {a} * {x0})",
                  f"{longer} = {pair} + ({self.scalar()},)")
        self.terms.append(f"{longer}[0] * np.sum({longer}[1]) + {longer}[-1] * {pair}[1][{self.index()}]")

    def local_nested(self) -> None:
        nested = self.fresh("B")
        self.emit(f"{nested} = [[{self.scalar()}, {self.choice(CONSTANTS)}], [{self.scalar()}, {self.scalar()}]]")
        i, j, k, l = (self.index(2) for _ in range(4))
        self.terms.append(f"{nested}[{i}][{j}] * {nested}[{k}][{l}] + sum({nested}[{self.index(2)}])")

    # ----- aliases and views ---------------------------------------------------------

    def aliases(self) -> None:
        """A write through one of two names for the same memory or, as often (by its own coin, as
        in mutating_helpers), a write into a copy, which shares nothing."""
        if self.chance(50):
            self.choice((self.copy_written, self.copy_of_copy_written, self.view_after_write,
                         self.new_array_filled, self.write_at_a_rebound_index))()
        else:
            self.choice((self.alias_augmented, self.view_augmented, self.alias_element_write, self.nested_list_write,
                         self.row_alias_write, self.argument_alias_write, self.list_argument_alias_write,
                         self.matrix_row_view, self.view_read_after_its_write, self.row_views_in_a_loop,
                         self.view_at_a_rebound_index))()

    def array_copy(self) -> str:
        a, x0 = self.need("a"), self.need("x0")
        y = self.fresh("y")
        self.emit(f"{y} = {self.choice((f'{a}.copy()', f'{a} * {x0}', f'np.array({a})', f'{a} + 0.0'))}")
        return y

    def alias_augmented(self) -> None:
        y = self.array_copy()
        out = self.fresh("out")
        self.emit(f"{out} = {y}", f"{out} {self.choice(('+=', '-=', '*='))} {self.scalar()}")
        self.terms.append(f"np.sum({y} * {y}) + {out}[{self.index()}]")

    def view_augmented(self) -> None:
        y = self.array_copy()
        view = self.fresh("w")
        part = self.choice(("[1:]", "[:2]", "[::2]", "[::-1]"))
        self.emit(f"{view} = {y}{part}", f"{view} {self.choice(('+=', '*='))} {self.scalar()}")
        self.terms.append(f"np.sum({y} * {self.need('a')}) + np.sum({view})")

    def alias_element_write(self) -> None:
        y = self.array_copy()
        z = self.fresh("z")
        self.emit(f"{z} = {y}", f"{z}[{self.index()}] {self.choice(('=', '+=', '*='))} {self.scalar()}")
        self.terms.append(f"np.sum({y} ** 2) * {self.choice(CONSTANTS)}")

    def nested_list_write(self) -> None:
        x0 = self.need("x0")
        nested = self.fresh("B")
        self.emit(f"{nested} = [[{x0}, {self.scalar()}], [{x0} * 2.0, 1.0]]",
                  f"{nested}[{self.index(2)}][{self.index(2)}] {self.choice(('=', '+='))} {self.scalar()}")
        self.terms.append(f"{nested}[1][0] * {nested}[0][1] + {nested}[0][0] * {nested}[1][1]")

    def row_alias_write(self) -> None:
        x0 = self.need("x0")
        nested, row = self.fresh("B"), self.fresh("row")
        self.emit(f"{nested} = [[{x0}, {self.scalar()}], [{self.scalar()}, {x0}]]",
                  f"{row} = {nested}[{self.index(2)}]",
                  f"{row}[{self.index(2)}] = {self.scalar()}")
        self.terms.append(f"{nested}[0][0] * {nested}[1][0] + {nested}[0][1] * {nested}[1][1]")

    def argument_alias_write(self) -> None:
        a = self.need("a")
        alias = self.fresh("u")
        self.emit(f"{alias} = {a}", f"{alias}[{self.index()}] {self.choice(('=', '+=', '*='))} {self.scalar()}")
        self.terms.append(f"np.sum({a} * {a})")

    def list_argument_alias_write(self) -> None:
        fs = self.need("fs")
        alias = self.fresh("ys")
        self.emit(f"{alias} = {fs}", f"{alias}[{self.index()}] = {self.scalar()}")
        self.terms.append(f"sum({fs}) * {fs}[{self.index()}]")

    def copy_written(self) -> None:
        """In-place writes into a copy no other name shares: the argument keeps its value."""
        y = self.array_copy()
        part = self.choice(("[1:]", "[:2]", "[::2]", "[0]", "[-1]", ""))
        self.emit(f"{y}{part} {self.choice(('+=', '-=', '*='))} {self.scalar()}",
                  f"{y}[{self.index()}] = {y}[{self.index()}] * {self.scalar()}")
        self.terms.append(f"np.sum({y} * {self.need('a')})")

    def copy_of_copy_written(self) -> None:
        """`z = y.copy()` shares nothing with y: writing into z leaves y as it was."""
        y = self.array_copy()
        z = self.fresh("z")
        self.emit(f"{z} = {y}.copy()", f"{z}[{self.index()}] {self.choice(('=', '+=', '*='))} {self.scalar()}",
                  f"{z} *= {self.scalar()}")
        self.terms.append(f"np.sum({y} * {z})")

    def view_after_write(self) -> None:
        """A view (or the array read whole) taken after a write into its array: what it reads, in
        the plain function's value as in the derived ones, is what the write left."""
        y = self.array_copy()
        view = self.fresh("w")
        taken = self.choice((f"{y}[:2]", f"{y}[1:]", f"np.asarray({y})", f"{y}[...]", f"{y}[::-1]"))
        self.emit(f"{y}[{self.index()}] = {self.scalar()}", f"{view} = {taken}")
        self.terms.append(f"np.sum({view} * {view})")

    def new_array_filled(self) -> None:
        """A new array on each step, filled through a slice before anything reads it (what the write
        overwrites is not saved), checked to second order too."""
        y, buffer, k = self.array_copy(), self.fresh("buf"), self.fresh("k")
        self.hvp = True
        self.emit(f"for {k} in range({self.integer(1, 3)}):", f"    {buffer} = np.zeros_like({y})",
                  f"    {buffer}[1:] = {y}[:-1] * {self.scalar()}",
                  f"    {y} = {y} + {self.choice(CONSTANTS)} * {buffer}")
        self.terms.append(f"np.sum({y} * {y})")

    def write_at_a_rebound_index(self) -> None:
        """A number written into an array the gradient reads, at an index the loop computes anew on
        each step: the backward sweep writes the old values back at each step's own index."""
        y, weights, k, j = self.array_copy(), self.fresh("wt"), self.fresh("k"), self.fresh("j")
        self.emit(f"{weights} = np.ones({ARRAY_LENGTH})", f"for {k} in range({self.integer(1, 3)}):",
                  f"    {j} = ({k} + {self.integer(0, 2)}) % {ARRAY_LENGTH}",
                  f"    {y} = {y} * {weights} + {self.scalar()}",
                  f"    {weights}[{j}] = {self.choice(CONSTANTS)}")
        self.terms.append(f"np.sum({y} * {self.need('a')})")

    def matrix_row_view(self) -> None:
        matrix, copy = self.need("M"), self.fresh("C")
        row = self.fresh("r")
        self.emit(f"{copy} = {matrix}.copy()", f"{row} = {copy}[{self.index(self.rows)}]",
                  f"{row} *= {self.scalar()}")
        self.terms.append(f"np.sum({copy} * {matrix})")

    def view_read_after_its_write(self) -> None:
        """A view written through and read after (or a view of that view): it reads what it wrote."""
        y = self.array_copy()
        view, inner = self.fresh("w"), self.fresh("u")
        part = self.choice(("[1:]", "[:3]", "[::2]", "[::-1]", "[1:-1]"))
        self.emit(f"{view} = {y}{part}", f"{view} {self.choice(('+=', '-=', '*='))} {self.scalar()}")
        if self.chance(30):
            self.emit(f"{inner} = {view}[1:]", f"{inner} *= {self.scalar()}")
        self.terms.append(f"np.sum({view} * {view}) + np.sum({y} * {self.need('a')})")

    def row_views_in_a_loop(self) -> None:
        """Each row of a matrix taken as a view in a loop and written through (rows scaled, normalized)."""
        matrix, copy, row, i = self.need("M"), self.fresh("C"), self.fresh("r"), self.fresh("i")
        update = self.choice((f"{row} *= {self.scalar()}", f"{row} /= 1.0 + np.sum({row} * {row})",
                              f"{row} -= np.mean({row})"))
        self.emit(f"{copy} = {matrix} * 1.0", f"for {i} in range({self.rows}):", f"    {row} = {copy}[{i}]",
                  f"    {update}")
        self.terms.append(f"np.sum({copy} * {matrix}) + np.sum({row})")

    def view_at_a_rebound_index(self) -> None:
        """A view whose index name is bound again before the write: the index of the view is the old one."""
        y, view, k = self.array_copy(), self.fresh("w"), self.fresh("k")
        self.emit(f"{k} = {self.integer(0, 2)}", f"{view} = {y}[{k}:]", f"{k} = {self.integer(0, 2)}",
                  f"{view} *= {self.scalar()}")
        self.terms.append(f"np.sum({y} * {self.need('a')}) + np.sum({view}) * {k}")

    # ----- helpers that mutate their arguments -----------------------------------------

    def mutating_helpers(self) -> None:
        """A helper that writes into what it is given (refused) or, as often, one that writes into a
        copy or returns a new list (differentiated): a program holding one of the first is refused
        whatever else it holds, so the second kind is drawn by its own coin."""
        if self.chance(50):
            self.choice((self.helper_writes_its_copy, self.helper_returns_longer_list, self.helper_fills_a_buffer,
                         self.helper_updates_a_dict))()
        else:
            self.choice((self.helper_appends, self.helper_scales, self.helper_writes, self.helper_replaces,
                         lambda: self.helper_fills_a_buffer(read_after=True)))()

    def helper_appends(self) -> None:
        name = self.helper_source("grow", ["def grow(terms, v):", "    terms.append(v * 2.0)",
                                           "    terms.append(v * v)"])
        ts = self.fresh("ts")
        self.emit(f"{ts} = [{self.need('x0')}]", f"{name}({ts}, {self.scalar()})")
        if self.chance(50):
            self.emit(f"{name}({ts}, {ts}[-1])")
        self.terms.append(f"sum({ts}) + {ts}[-1] * {ts}[0]")

    def helper_scales(self) -> None:
        name = self.helper_source("scale", ["def scale(v, s):", "    v *= s", "    return np.sum(v)"])
        y = self.array_copy()
        r = self.fresh("r")
        self.emit(f"{r} = {name}({y}, {self.scalar()})")
        self.terms.append(f"{r} + np.sum({y} * {y})")

    def helper_writes(self) -> None:
        name = self.helper_source("put", ["def put(v, s):", "    v[0] = s * v[1]", "    v[2] += s"])
        y = self.array_copy()
        self.emit(f"{name}({y}, {self.scalar()})")
        self.terms.append(f"np.sum({y} * {self.need('a')})")

    def helper_replaces(self) -> None:
        name = self.helper_source("bump", ["def bump(vs, s):", "    vs[0] = vs[0] + s", "    vs[1] *= s"])
        a = self.need("a")
        ws = self.fresh("ws")
        self.emit(f"{ws} = [{a} * 1.0, {a} * {self.scalar()}]", f"{name}({ws}, {self.scalar()})")
        self.terms.append(f"np.sum({ws}[0] * {ws}[1])")

    def helper_writes_its_copy(self) -> None:
        """The helper writes into a copy of its argument: the caller's array keeps its value."""
        name = self.helper_source("scaled", ["def scaled(v, s):", "    w = v.copy()", "    w *= s", "    w[0] = s",
                                             "    return w"])
        y = self.array_copy()
        z = self.fresh("z")
        self.emit(f"{z} = {name}({y}, {self.scalar()})")
        self.terms.append(f"np.sum({y} * {z})")

    def helper_fills_a_buffer(self, read_after: bool = False) -> None:
        """The helper writes into the buffer it is given, from the array it is given too, which
        the caller reads after the call (differentiated); read_after: and the caller reads the
        buffer after the call too (refused)."""
        name = self.helper_source("fill", ["def fill(buffer, v):", "    buffer[0] = np.sum(v * v)",
                                           "    buffer[1] += v[0] * v[1]"])
        y, buffer = self.array_copy(), self.fresh("buffer")
        self.emit(f"{buffer} = np.zeros(3)", f"{name}({buffer}, {y})")
        self.terms.append(f"np.sum({y} * {self.need('a')})" + (f" + np.sum({buffer})" if read_after else ""))

    def helper_updates_a_dict(self) -> None:
        """The helper keeps a running mean in a dict nothing reads after the call; the mean it is
        given is read after it (differentiated)."""
        name = self.helper_source("remember", ["def remember(state, m):",
                                               "    state['m'] = 0.9 * state['m'] + 0.1 * m"])
        y, state, mean = self.array_copy(), self.fresh("state"), self.fresh("m")
        self.emit(f"{state} = {{'m': 0.0}}", f"{mean} = np.mean({y} * {y})", f"{name}({state}, {mean})")
        self.terms.append(f"{mean} * np.sum({y})")

    def helper_returns_longer_list(self) -> None:
        """The helper returns a new list: the caller's list keeps its items."""
        name = self.helper_source("longer", ["def longer(terms, v):", "    return terms + [v * 2.0]"])
        ts, us = self.fresh("ts"), self.fresh("us")
        self.emit(f"{ts} = [{self.need('x0')}, {self.scalar()}]", f"{us} = {name}({ts}, {self.scalar()})")
        self.terms.append(f"sum({us}) * {ts}[-1]")

    # ----- random draws --------------------------------------------------------------

    def random_draws(self) -> None:
        self.features.add("random")
        self.choice((self.draw_from_argument, self.helper_draws_from_argument, self.helper_draws_from_state,
                     self.draw_from_state, self.draw_in_loop, self.branch_on_draw, self.item_at_a_drawn_index,
                     self.draw_with_parameters))()

    def draw_with_parameters(self) -> None:
        """A draw whose parameters are differentiated (its derivative the pathwise one), from the seeded
        state or from a generator the function makes with a seed of its own."""
        a, x0 = self.need("a"), self.need("x0")
        source = self.state()
        if self.chance(50):
            source = self.fresh("g")
            self.emit(f"{source} = np.random.default_rng({self.integer(0, 9)})")
        z = self.fresh("z")
        draw = self.choice((f"normal({x0}, np.exp({x0} * 0.3), size=3)", f"normal({a}, 0.5)",
                            f"uniform({x0} - 1.0, {x0} + 1.0, size=3)", f"exponential(np.exp({a} * 0.2))"))
        self.emit(f"{z} = {source}.{draw}")
        self.terms.append(f"np.sum(np.sin({z}) * {a})")

    def state(self) -> str:
        line = f"{RANDOM_STATE} = np.random.RandomState(0)"
        if line not in self.module_lines:
            self.module_lines.append(line)
        return RANDOM_STATE

    def draw_from_argument(self) -> None:
        rng, a, x0 = self.need("rng"), self.need("a"), self.need("x0")
        z = self.fresh("z")
        draw = self.choice(("normal(size=3)", "standard_normal(3)", "uniform(0.5, 1.5, size=3)"))
        self.emit(f"{z} = {rng}.{draw}")
        self.terms.append(f"np.sum({a} * {z}) * {x0}")

    def helper_draws_from_argument(self) -> None:
        name = self.helper_source("jitter", ["def jitter(r, v):", "    return v + r.normal(size=3) * 0.1"])
        rng, a = self.need("rng"), self.need("a")
        self.terms.append(f"np.sum({name}({rng}, {a} * {self.scalar()}) ** 2)")

    def helper_draws_from_state(self) -> None:
        state = self.state()
        name = self.helper_source("noisy", ["def noisy(v):", f"    return v * {state}.uniform(0.5, 1.5)"])
        self.terms.append(f"{name}({self.scalar()}) + {name}({self.scalar()}) ** 2")

    def draw_from_state(self) -> None:
        state, a = self.state(), self.need("a")
        u = self.fresh("u")
        self.emit(f"{u} = {state}.{self.choice(('rand(3)', 'normal(size=3)', 'randn(3)'))}")
        self.terms.append(f"np.dot({u}, {a}) * {self.scalar()}")

    def item_at_a_drawn_index(self) -> None:
        """An item updated in place at an index drawn at random: drawn once, read and written there."""
        a, x0 = self.need("a"), self.need("x0")
        y = self.fresh("y")
        self.emit(f"{y} = {self.choice(('np.zeros(3)', f'{a} * {x0}', f'{a}.copy()'))}")
        for _ in range(self.integer(1, 2)):
            index = self.choice((f"{self.need('rng')}.integers(0, 3)", f"int({self.need('rng')}.integers(0, 3))",
                                 f"{self.state()}.randint(0, 3)"))
            self.emit(f"{y}[{index}] {self.choice(('+=', '-=', '*='))} {self.scalar()}")
        self.terms.append(self.choice((f"np.sum({y} * {a})", f"np.dot({y}, {y})")))

    def draw_in_loop(self) -> None:
        source = self.need("rng") if self.chance(50) else self.state()
        total, i = self.accumulate(), self.fresh("i")
        self.emit(f"for {i} in range({self.integer(1, 3)}):",
                  f"    {total} = {total} + {self.scalar()} * {source}.normal()")
        self.terms.append(total)

    def branch_on_draw(self) -> None:
        source = self.need("rng") if self.chance(50) else self.state()
        value = self.fresh("v")
        self.emit(f"if {source}.uniform() > 0.5:", f"    {value} = {self.scalar()}",
                  "else:", f"    {value} = {self.scalar()}")
        self.terms.append(value)

    # ----- loop variables read after the loop ------------------------------------------

    def loop_variables(self) -> None:
        self.choice((self.index_after_loop, self.item_after_loop, self.counter_after_while,
                     self.nested_indices_after_loops, self.for_else, self.while_else,
                     self.index_rebound_by_a_later_loop))()

    def index_rebound_by_a_later_loop(self) -> None:
        """An item read at an index a later loop rebinds (its body differentiated, or with nothing to
        differentiate): the backward sweep reads the index as it was at the read."""
        k, item, j = self.fresh("k"), self.fresh("v"), self.fresh("j")
        a = self.need("a")
        self.emit(f"{k} = {self.integer(0, 2)}", f"{item} = {a}[{k}]" if self.chance(60) else f"{item} = {a}[{k}:]")
        body = self.pick(lambda: "pass", lambda: f"{j} = {k} * 2", lambda: f"{item} = {item} * {self.scalar()}")
        self.emit(f"for {k} in range({self.integer(1, 3)}):", f"    {body}")
        self.terms.append(f"np.sum({item} * {item}) + {k}")

    def index_after_loop(self) -> None:
        k, total = self.fresh("k"), self.accumulate()
        bound = self.pick(lambda: "3", lambda: self.need("n"), lambda: f"1, {self.need('n')} + 1", lambda: "2")
        if "n" in bound or self.chance(30):  # range(n) may be empty: k needs a value before
            self.emit(f"{k} = {self.integer(-1, 1)}")
        self.emit(f"for {k} in range({bound}):", f"    {total} = {total} + {self.scalar()}")
        self.terms.append(self.pick(lambda: f"{self.need('x0')} * {k} + {total}",
                                    lambda: f"{self.need('a')}[{k} % 3] * {total}"))

    def item_after_loop(self) -> None:
        source = self.choice(("a", "fs", "xs"))
        container = self.need(source)
        item, total = self.fresh("e"), self.accumulate()
        self.emit(f"for {item} in {container}:", f"    {total} = {total} + np.sum({item}) * {self.scalar()}")
        self.terms.append(f"np.sum({item} * {item}) + {total}")

    def counter_after_while(self) -> None:
        n, j = self.need("n"), self.fresh("j")
        x = self.fresh("w")
        self.emit(f"{j} = 0", f"{x} = {self.need('x0')}", f"while {j} < {n}:",
                  f"    {j} += 1", f"    {x} = {x} * {self.scalar()}")
        self.terms.append(f"{x} * {j} + {self.scalar()} * {j}")

    def nested_indices_after_loops(self) -> None:
        n, i, j = self.need("n"), self.fresh("i"), self.fresh("j")
        total = self.accumulate()
        self.emit(f"{j} = 0", f"for {i} in range(2):", f"    for {j} in range({n}):",
                  f"        {total} = {total} + {self.scalar()} * ({i} + {j})")
        self.terms.append(f"{total} + {self.need('x0')} * ({i} + 2 * {j})")

    def for_else(self) -> None:
        """A loop over a container whose `else` block runs unless an item's sum passes a threshold."""
        container = self.need(self.choice(("a", "fs", "xs")))
        item, total = self.fresh("e"), self.accumulate()
        threshold = self.choice(("-10.0", "0.0", "0.5", "10.0"))
        self.emit(f"for {item} in {container}:", f"    if np.sum({item}) > {threshold}:", "        break",
                  f"    {total} = {total} + np.sum({item}) * {self.scalar()}",
                  "else:", f"    {total} = {total} * {self.scalar()}")
        self.terms.append(f"{total} + np.sum({item})")

    def while_else(self) -> None:
        """A counted `while` with an `else` block, left early by a `break` at some counts."""
        n, j, x = self.need("n"), self.fresh("j"), self.fresh("w")
        self.emit(f"{j} = 0", f"{x} = {self.need('x0')}", f"while {j} < {n}:", f"    {j} += 1",
                  f"    {x} = {x} * {self.scalar()}", f"    if {j} == {self.integer(1, 3)}:", "        break",
                  "else:", f"    {x} = {x} + {self.scalar()}")
        self.terms.append(f"{x} * {j}")

    # ----- pytrees ---------------------------------------------------------------------

    def pytrees(self) -> None:
        self.choice((self.tree_layer, self.tree_pairs, self.dict_loop, self.record_fields, self.dict_literal,
                     self.nested_tree_items))()

    def tree_layer(self) -> None:
        tree, a = self.need("tree"), self.need("a")
        h = self.fresh("h")
        self.emit(f"{h} = np.tanh({tree}['W'] @ ({a} * {self.scalar()}) + {tree}['b'])")
        self.terms.append(f"np.sum({h} * {h}) * {tree}['scale']")

    def tree_pairs(self) -> None:
        tree = self.need("tree")
        total, w, s = self.accumulate(), self.fresh("w"), self.fresh("s")
        self.emit(f"for {w}, {s} in {tree}['layers']:",
                  f"    {total} = {total} + {s} * np.sum({w} * {self.scalar(s)})")
        self.terms.append(total)

    def dict_loop(self) -> None:
        params = self.need("params")
        total, key, value = self.accumulate(), self.fresh("k"), self.fresh("v")
        form = self.integer(0, 3)
        if form == 0:
            self.emit(f"for {key}, {value} in {params}.items():")
        elif form == 1:
            self.emit(f"for {value} in {params}.values():")
        else:
            keys = f"{params}.keys()" if form == 2 else params
            self.emit(f"for {key} in {keys}:", f"    {value} = {params}[{key}]")
        self.emit(f"    {total} = {total} + np.sum({value} * {value}) * {self.scalar()}")
        self.terms.append(f"{total} + np.sum({params}['u'] * {params}['v'])")

    def record_fields(self) -> None:
        cfg, a = self.need("cfg"), self.need("a")
        self.terms.append(f"{cfg}.gain * np.sum(({cfg}.shift + {a}) * {self.scalar()}) + {cfg}.gain ** 2")

    def dict_literal(self) -> None:
        a, x0 = self.need("a"), self.need("x0")
        d = self.fresh("d")
        self.emit(f"{d} = {{'p': {self.scalar()}, 'q': {a} * {x0}}}")
        self.terms.append(f"{d}['p'] * np.sum({d}['q']) + {d}['q'][{self.index()}]")

    def nested_tree_items(self) -> None:
        tree = self.need("tree")
        i, j = self.integer(0, 1), self.index()
        self.terms.append(f"{tree}['layers'][{i}][0][{j}] * {tree}['layers'][{1 - i}][1] + "
                          f"{tree}['W'][{self.integer(0, 1)}][{j}] * {self.scalar()}")

    # ----- iteration -----------------------------------------------------------------

    def iteration(self) -> None:
        self.features.add("loop")
        self.choice((self.iterate_pairs, self.iterate_indexed, self.iterate_reversed_range, self.iterate_sorted,
                     self.iterate_rows, self.iterate_tuple, self.iterate_nested, self.iterate_generator,
                     self.iterate_combinatoric, self.iterate_flattened))()

    def iterable(self) -> Tuple[str, str]:
        """An iterable of floats (text) and the length it has."""
        name = self.choice(("a", "fs", "a_slice", "tuple", "column"))
        if name == "a_slice":
            return f"{self.need('a')}[1:]", "2"
        if name == "tuple":
            return f"({self.need('x0')}, {self.scalar()}, 1.5)", "3"
        if name == "column":
            return f"{self.need('M')}.T[0]", str(self.rows)
        return self.need(name), "3"

    def bind_or_inline(self, text: str) -> str:
        """Sometimes the iterator is bound to a name before the loop."""
        if self.chance(35):
            name = self.fresh("it")
            self.emit(f"{name} = {text}")
            return name
        return text

    def iterate_pairs(self) -> None:
        (first, _), (second, _) = self.iterable(), self.iterable()
        second = self.choice((second, f"reversed({second})" if not second.startswith("(") else second))
        p, q, i, total = self.fresh("p"), self.fresh("q"), self.fresh("i"), self.accumulate()
        if self.chance(50):
            header = f"for {i}, ({p}, {q}) in {self.bind_or_inline(f'enumerate(zip({first}, {second}))')}:"
            body = f"    {total} = {total} + {p} * {q} * ({i} + 1)"
        else:
            header = f"for {p}, {q} in {self.bind_or_inline(f'zip({first}, {second})')}:"
            body = f"    {total} = {total} + {p} * {self.scalar(q)}"
        self.emit(header, body)
        self.terms.append(total)

    def iterate_combinatoric(self) -> None:
        """Pairs of items of itertools' combinatorics (over the items or their positions), in a loop or a
        generator expression."""
        (first, length), (second, _) = self.iterable(), self.iterable()
        over = self.choice((first, f"range({length})"))
        source = self.choice((f"itertools.combinations({over}, 2)", f"itertools.permutations({over}, 2)",
                              f"itertools.combinations_with_replacement({over}, 2)",
                              f"itertools.product({over}, {second})", f"itertools.product({over}, repeat=2)"))
        p, q = self.fresh("p"), self.fresh("q")
        p_item = f"{first}[{p}]" if over.startswith("range") else p
        self.loop_or_sum(f"{p}, {q}", source, f"{p_item} * {self.scalar(q)}")

    def iterate_flattened(self) -> None:
        """The items of chain.from_iterable or the pairs of zip_longest, in a loop or a generator expression."""
        (first, _), (second, _) = self.iterable(), self.iterable()
        p, q = self.fresh("p"), self.fresh("q")
        if self.chance(50):
            self.loop_or_sum(p, f"itertools.chain.from_iterable([{first}, {second}])", f"{p} * {self.scalar(p)}")
        else:
            self.loop_or_sum(f"{p}, {q}", f"itertools.zip_longest({first}, {second}, fillvalue={self.scalar()})",
                             f"{p} * {self.scalar(q)}")

    def loop_or_sum(self, target: str, source: str, step: str) -> None:
        """A term that adds up `step` for `target` in `source`: a loop (halving what it carries) or a
        generator expression given to sum."""
        total = self.accumulate()
        if self.chance(50):
            self.emit(f"for {target} in {source}:", f"    {total} = {total} * 0.5 + {step}")
            self.terms.append(total)
        else:
            self.terms.append(f"{total} + sum({step} for {target} in {source})")

    def iterate_indexed(self) -> None:
        iterable, _ = self.iterable()
        source = self.choice((f"enumerate({iterable})", f"enumerate(reversed({iterable}))",
                              f"reversed(list(enumerate({iterable})))"))
        i, e, total = self.fresh("i"), self.fresh("e"), self.accumulate()
        self.emit(f"for {i}, {e} in {self.bind_or_inline(source)}:",
                  f"    {total} = {total} * 0.5 + {e} * ({i} + {self.scalar()})")
        self.terms.append(total)

    def iterate_reversed_range(self) -> None:
        a = self.need("a")
        bound = self.pick(lambda: "3", lambda: f"len({a})", lambda: self.need("n"))
        i, total = self.fresh("i"), self.accumulate()
        source = self.choice((f"reversed(range({bound}))", f"range({bound} - 1, -1, -1)", f"zip(range({bound}), {a})"))
        if source.startswith("zip"):
            e = self.fresh("e")
            self.emit(f"for {i}, {e} in {self.bind_or_inline(source)}:", f"    {total} = {total} * {e} + {a}[{i}]")
        else:
            self.emit(f"for {i} in {self.bind_or_inline(source)}:",
                      f"    {total} = {total} * {self.scalar()} + {a}[{i}]")
        self.terms.append(total)

    def iterate_sorted(self) -> None:
        iterable, _ = self.iterable()
        e, total = self.fresh("e"), self.accumulate()
        order = self.choice(("", ", reverse=True"))
        if self.chance(40):  # the positions that order it, by a key reading the function's variables
            k, i = self.fresh("k"), self.fresh("i")
            key = self.choice((f"abs({iterable}[{k}])", f"-{iterable}[{k}]", f"{iterable}[{k}] * {self.need('x0')}"))
            self.emit(f"for {i} in sorted(range(len({iterable})), key=lambda {k}: {key}{order}):",
                      f"    {total} = {total} * 0.5 + {iterable}[{i}] * ({i} + {self.scalar()})")
        else:
            self.emit(f"for {e} in sorted({iterable}{order}):", f"    {total} = {total} * 0.5 + {e} * {self.scalar()}")
        self.terms.append(total)

    def iterate_rows(self) -> None:
        matrix = self.need("M")
        row, i, total = self.fresh("row"), self.fresh("i"), self.accumulate()
        source = self.pick(lambda: matrix, lambda: f"{matrix}.T", lambda: f"enumerate({matrix})",
                           lambda: f"zip({matrix}, {self.need('xs')})")
        if source.startswith("enumerate"):
            self.emit(f"for {i}, {row} in {self.bind_or_inline(source)}:",
                      f"    {total} = {total} + np.sum({row} * {row}) * ({i} + {self.scalar()})")
        elif source.startswith("zip"):
            other = self.fresh("v")
            self.emit(f"for {row}, {other} in {self.bind_or_inline(source)}:",
                      f"    {total} = {total} + np.sum({row}) * np.sum({other})")
        else:
            self.emit(f"for {row} in {source}:", f"    {total} = {total} + np.sum(np.sin({row}) * {self.scalar()})")
        self.terms.append(total)

    def iterate_tuple(self) -> None:
        x0 = self.need("x0")
        e, total = self.fresh("e"), self.accumulate()
        self.emit(f"for {e} in ({x0}, {self.scalar()}, {x0} * {x0}):", f"    {total} = {total} * {e} + {self.scalar()}")
        self.terms.append(total)

    def iterate_generator(self) -> None:
        """A loop or a generator expression over a generator function's call yielding positions:
        pairs of them, or those where an array of the function is positive (its items listed
        before the loop)."""
        a = self.need("a")
        i, j, total = self.fresh("i"), self.fresh("j"), self.accumulate()
        if self.chance(30):
            name = self.helper_source("halvings", ["def halvings(v):", "    p = 1.0", "    while True:",
                                                   "        yield p * v", "        p = p * 0.5"])
            taken = self.choice((f"zip({name}({self.scalar()}), {self.need('fs')})",
                                 f"zip({self.need('fs')}, {name}({self.scalar()}))",
                                 f"enumerate(itertools.islice({name}({self.scalar()}), {self.integer(0, 3)}))"))
            e, h = self.fresh("e"), self.fresh("h")
            self.emit(f"for {e}, {h} in {taken}:", f"    {total} = {total} * 0.5 + {e} * {h}")
            self.terms.append(total)
            return
        if self.chance(50):
            name = self.helper_source("index_pairs", ["def index_pairs(n):", "    for i in range(n):",
                                                      "        for j in range(i + 1, n):", "            yield i, j"])
            bound = self.pick(lambda: "3", lambda: f"len({a})", lambda: self.need("n"))
            term = f"{a}[{i}] * {self.scalar(f'{a}[{j}]')}"
            pairs = f"for {i}, {j} in {name}({bound})"
        else:
            name = self.helper_source("positive", ["def positive(v):", "    for k, e in enumerate(v):",
                                                   "        if e > 0.0:", "            yield k"])
            term = f"{a}[{i}] * {self.scalar(f'{a}[{i}]')}"
            pairs = f"for {i} in {name}({self.choice((a, self.need('b'), 'np.cos(' + a + ')'))})"
        if self.chance(50):
            self.emit(f"{total} = {total} + sum({term} {pairs})")
        else:
            self.emit(f"{pairs}:", f"    {total} = {total} * 0.5 + {term}")
        self.terms.append(total)

    def iterate_nested(self) -> None:
        nested = self.need(self.choice(("A", "xs")))
        i, j, row, e, total = self.fresh("i"), self.fresh("j"), self.fresh("row"), self.fresh("e"), self.accumulate()
        self.emit(f"for {i}, {row} in enumerate({nested}):",
                  f"    for {j}, {e} in enumerate({self.choice((row, f'reversed({row})'))}):",
                  f"        {total} = {total} + {e} * ({i} + 2 * {j} + 1) * {self.scalar()}")
        self.terms.append(total)

    # ----- NumPy writes with repeated indices --------------------------------------------

    def scatter(self) -> None:
        self.features.add("array_write")
        a, x0 = self.need("a"), self.need("x0")
        y = self.fresh("y")
        self.emit(f"{y} = {self.choice(('np.zeros(3)', f'{a}.copy()', f'{a} * {x0}'))}")
        for _ in range(self.integer(1, 2)):
            self.emit(self.choice((
                f"{y}[np.array([0, 0])] += {self.scalar()}",
                f"{y}[[1, 1, 0]] = {a} * {self.scalar()}",
                f"{y}[[2, 2]] -= {a}[:2] * {x0}",
                f"{y}[[0, 2, 0]] += {a}",
                f"np.add.at({y}, [0, 0, 2], {a} * {self.scalar()})",
                f"np.add.at({y}, np.array([1, 1]), {self.scalar()})",
                f"{y}[[1, 1]] = {self.scalar()}",
                f"{y}[[0, 2]] += {self.scalar()}",
                f"{y}[np.arange(3) % 2] *= {self.scalar()}",
            )))
        if self.chance(30):  # an array of integers updated in place: it stays one (analysis/augmented.py)
            counts = self.fresh("k")
            self.emit(f"{counts} = np.arange(1, 4)", f"{counts} *= {self.integer(1, 3)}", f"{counts} += {counts}[::-1]")
            self.terms.append(f"np.sum({counts} * {a}) * {self.scalar()}")
        self.terms.append(self.choice((f"np.sum({y} * np.array([1.0, 2.0, 3.0]))", f"np.sum({y} * {a})",
                                       f"np.dot({y}, {y})")))

    # ----- builtin sum -----------------------------------------------------------------

    def builtin_sum(self) -> None:
        self.terms.append(self.pick(
            lambda: f"sum({self.need('a')} * {self.scalar()})",
            lambda: f"sum({self.need('a')})",
            lambda: f"np.sum(sum({self.need('M')}) ** 2)",
            lambda: f"np.dot(sum({self.need('xs')}), {self.need('a')})",
            lambda: f"np.sum(sum({self.need('xs')}{self.list_slice()}) * {self.scalar()})",
            lambda: f"sum({self.need('fs')}) * {self.scalar()}",
            lambda: f"sum({self.need('fs')}, {self.scalar()})",
            lambda: f"sum([{self.scalar()}, {self.need('x0')} * 2.0])",
            lambda: f"sum([{self.need('x0')} * e for e in {self.need('fs')}])",
            lambda: f"sum(np.sum(v * v) for v in {self.need('xs')})",
        ))

    # ----- 0-d arrays and NumPy numbers ------------------------------------------------

    def zero_d(self) -> None:
        z = self.fresh("z")
        self.emit(self.pick(
            lambda: f"{z} = np.array({self.scalar()})",
            lambda: f"{z} = np.asarray({self.scalar()}) * {self.need('x1')}",
            lambda: f"{z} = np.sum({self.need('a')}) * {self.scalar()}",  # a NumPy number
            lambda: f"{z} = np.dot({self.need('a')}, {self.need('b')})",
        ))
        if self.chance(50):
            self.features.add("array_write")
            kept = self.fresh("k")
            self.emit(f"{kept} = np.zeros(())",
                      f"{kept}{self.choice(('[...]', '[()]'))} = {z} * {self.scalar()}")
            z = kept
        self.terms.append(self.pick(
            lambda: f"{z}[()] * {self.scalar()}",
            lambda: f"np.sum({z}[...] * {self.need('a')})",
            lambda: f"np.sum({z}[None] * {z})",
            lambda: f"float({z}) * {self.scalar()}",
            lambda: f"np.sum(np.sin({z}) * {z}[()])",
        ))

    # ----- functions as values and comprehensions ------------------------------------------

    # ----- dicts the function builds ----------------------------------------------------------

    def dicts(self) -> None:
        self.choice((self.dict_comprehension, self.dict_item_writes, self.sorted_dict, self.module_dict_loop))()

    def module_dict_loop(self) -> None:
        """A loop over a module-level dict whose keys are positions too, out of order: Python iterates
        its keys, in their order."""
        fs, table, total, key = self.need("fs"), self.fresh("ORDER"), self.accumulate(), self.fresh("k")
        weights = [self.choice(("0.5", "-1.25", "2.0", "0.75")) for _ in range(3)]
        self.module_lines.append(f"{table} = {{2: {weights[0]}, 0: {weights[1]}, 1: {weights[2]}}}")
        self.emit(f"for {key} in {table}:", f"    {total} = {total} * {fs}[{key}] + {table}[{key}]")
        self.terms.append(total)

    def dict_comprehension(self) -> None:
        fs, table, i, e = self.need("fs"), self.fresh("d"), self.fresh("i"), self.fresh("e")
        condition = self.choice(("", f" if {i} != 1", f" if {e} > 0.0"))
        self.emit(f"{table} = {{{i}: {e} * {self.scalar(e)} for {i}, {e} in enumerate({fs}){condition}}}")
        self.terms.append(f"{table}.get(0, {self.scalar()}) * {self.scalar()} + sum({table}.values())")

    def dict_item_writes(self) -> None:
        """Items written by key, or updated with `op=` (numbers: new values, as Python's are)."""
        table, key, value = self.fresh("d"), self.fresh("k"), self.fresh("w")
        self.emit(f"{table} = {{}}", f"{table}['a'] = {self.scalar()}",
                  f"for {key}, {value} in (('b', {self.scalar()}), ('a', {self.scalar()})):")
        operator = self.choice(("", "+", "-", "*"))
        if operator:
            self.emit(f"    {table}[{key}] = {table}.get({key}, 0.5)",
                      f"    {table}[{key}] {operator}= {value} * {table}['a']")
        else:
            self.emit(f"    {table}[{key}] = {table}.get({key}, 0.0) + {value} * {table}['a']")
        self.terms.append(f"{table}['a'] * {self.scalar()} + {table}.get('c', 0.5) * {table}['b']")

    def sorted_dict(self) -> None:
        table, total, key, value = self.fresh("d"), self.accumulate(), self.fresh("k"), self.fresh("w")
        self.emit(f"{table} = {{'b': {self.scalar()}, 'a': {self.scalar()}, 'cc': {self.scalar()}}}",
                  f"for {key}, {value} in sorted({table}.items(){self.choice(('', ', reverse=True'))}):",
                  f"    {total} = {total} * {self.scalar()} + {value} * len({key})")
        self.terms.append(self.choice((total, f"{total} + {table}[sorted({table})[0]]")))

    # ----- models: records with methods, derivatives taken inside, grids --------------------------

    def models(self) -> None:
        self.choice((self.record_methods, self.inner_derivative, self.moving_grid, self.record_steps,
                     self.record_operators))()

    def record_operators(self) -> None:
        """A NamedTuple or a dataclass rebound by operators its class defines (`s = s * k`, `s *= k`,
        `s += t`), once or in a loop: the class's methods, not arithmetic on its fields."""
        a, cls, s, i = self.need("a"), self.fresh("Pair"), self.fresh("s"), self.fresh("i")
        dataclass = self.chance(50)
        self.module_lines += ["import dataclasses", "import typing", "", ""]
        self.module_lines += ["@dataclasses.dataclass", f"class {cls}:"] if dataclass else [f"class {cls}(typing.NamedTuple):"]
        self.module_lines += ["    q: float", "    v: np.ndarray", "", "    def __mul__(self, k):",
                              f"        return {cls}(self.q * k + {self.choice(CONSTANTS)}, self.v * k * k)", "",
                              "    def __add__(self, other):",
                              f"        return {cls}(self.q * other.q, self.v + other.v)", ""]
        step = self.choice((f"{s} = {s} * {self.scalar()}", f"{s} *= {self.scalar()}",
                            f"{s} += {cls}({self.scalar()}, {a})", f"{s} = {s} + {cls}({self.scalar()}, {a})"))
        self.emit(f"{s} = {cls}({self.scalar()}, {a} * {self.choice(CONSTANTS)})")
        self.emit(*([step] if self.chance(50) else [f"for {i} in range({self.integer(1, 3)}):", f"    {step}"]))
        self.terms.append(f"{s}.q * np.sum({s}.v)")

    def record_methods(self) -> None:
        """A NamedTuple model (a float and an array field) whose `loss` calls `forward`."""
        a, cls, model, h, k = self.need("a"), self.fresh("Model"), self.fresh("m"), self.fresh("h"), self.fresh("k")
        self.module_lines += ["import typing", "", "", f"class {cls}(typing.NamedTuple):", "    w: float",
                              "    b: np.ndarray", "", "    def forward(self, v):",
                              "        return np.tanh(v * self.w + self.b)", "", "    def loss(self, v):",
                              f"        return np.sum(self.forward(v) * v) * self.w + {self.choice(CONSTANTS)}", ""]
        self.emit(f"{model} = {cls}({self.scalar()}, {a} * {self.choice(CONSTANTS)})")
        self.terms.append(self.pick(
            lambda: f"{model}.loss({a})",
            lambda: f"{model}.loss({a} * {model}.w) * {self.scalar()}",
            lambda: self._looped_forward(model, a, h, k),
        ))

    def _looped_forward(self, model: str, a: str, h: str, k: str) -> str:
        self.emit(f"{h} = {a}", f"for {k} in range({self.integer(1, 3)}):", f"    {h} = {model}.forward({h})")
        return f"np.sum({h} * {h})"

    def record_steps(self) -> None:
        """A record made from the last one in a loop, by its method (`s = s.step(k)`, `ps = [p.step(k)
        for p in ps]`) or by a helper it is passed to (`s = advance(s, k)`): a NamedTuple or a dataclass
        whose method builds the next record or copies itself with its fields replaced."""
        a, cls, s, p, i = self.need("a"), self.fresh("State"), self.fresh("s"), self.fresh("p"), self.fresh("i")
        dataclass = self.chance(50)
        fields = f"v=self.v * {self.choice(CONSTANTS)} + k * q"
        made = self.choice((f"{cls}(q, self.v * {self.choice(CONSTANTS)} + k * q)",
                            f"dataclasses.replace(self, q=q, {fields})" if dataclass else f"self._replace(q=q, {fields})"))
        self.module_lines += ["import dataclasses", "import typing", "", ""]
        self.module_lines += ["@dataclasses.dataclass", f"class {cls}:"] if dataclass else [f"class {cls}(typing.NamedTuple):"]
        self.module_lines += ["    q: float", "    v: np.ndarray", "", "    def step(self, k):",
                              f"        q = self.q + {self.choice(CONSTANTS)} * np.sum(np.sin(self.v)) * k",
                              f"        return {made}", ""]
        steps = f"range({self.integer(1, 3)})"
        if self.chance(30):  # a list of records, each stepped
            self.emit(f"{s} = [{cls}({self.scalar()}, {a}), {cls}({self.scalar()}, {a} * {self.choice(CONSTANTS)})]",
                      f"for {i} in {steps}:", f"    {s} = [{p}.step({self.scalar()}) for {p} in {s}]")
            self.terms.append(f"sum({p}.q * np.sum({p}.v) for {p} in {s})")
            return
        self.hvp = True
        advance = self.helper_source(f"advance_{cls}", [f"def advance_{cls}(state, k):", "    return state.step(k * k)"])
        call = self.choice((f"{s}.step({self.scalar()})", f"{advance}({s}, {self.scalar()})"))
        self.emit(f"{s} = {cls}({self.scalar()}, {a} * {self.choice(CONSTANTS)})", f"for {i} in {steps}:",
                  f"    {s} = {call}")
        self.terms.append(f"{s}.q * np.sum({s}.v * {s}.v)")

    def inner_derivative(self) -> None:
        """`adjoint.grad` of a module-level energy, called inside f: a force or a gradient penalty."""
        a, energy, u, s, force = self.need("a"), self.fresh("energy"), self.fresh("u"), self.fresh("s"), self.fresh("g")
        self.module_lines += ["import adjoint", "", "", f"def {energy}({u}, {s}):",
                              f"    return np.sum(np.sin({u}) * {s}) + {s} * {s} * {self.choice(CONSTANTS)}", ""]
        x0 = self.need("x0")
        self.emit(f"{force} = adjoint.grad({energy}{self.choice(('', ', wrt=0'))})({a} * {x0}, {self.scalar()})")
        self.terms.append(self.choice((f"np.sum({force} * {a})", f"np.sum({force} * {force}) * {self.scalar()}")))

    def moving_grid(self) -> None:
        """np.linspace and np.arange whose ends or step are the function's values."""
        x0, t = self.need("x0"), self.fresh("t")
        self.emit(self.choice((
            f"{t} = np.linspace(0.0, {x0}, {self.integer(2, 5)})",
            f"{t} = np.linspace({x0}, {self.scalar()}, {self.integer(2, 5)})",
            f"{t} = np.arange({self.integer(1, 4)}) * {x0}",
            f"{t} = np.arange(0.0, 3.0, 1.0) * {self.scalar()}",
        )))
        self.terms.append(f"np.sum(np.sin({t}) * {self.scalar()})")

    def functions(self) -> None:
        self.choice((self.list_comprehension, self.generator_expression, self.nested_comprehension, self.short_circuit,
                     self.local_lambda, self.local_def, self.function_argument, self.function_table,
                     self.layer_list, self.reduce_fold, self.conditional_comprehension, self.list_in_a_branch))()

    def list_comprehension(self) -> None:
        a, ys, v = self.need("a"), self.fresh("ys"), self.fresh("v")
        condition = self.choice(("", f" if {v} > {self.choice(CONSTANTS)}", f" if {v} < 0.5"))
        self.emit(f"{ys} = [np.sin({v}) * {self.scalar(v)} for {v} in {a}{condition}]")
        self.terms.append(self.choice((f"sum({ys})", f"sum({ys}, {self.scalar()})", f"len({ys}) * {self.scalar()}")))

    def generator_expression(self) -> None:
        v, e = self.fresh("v"), self.fresh("e")
        self.terms.append(self.pick(
            lambda: f"sum({e} * {self.scalar(e)} for {e} in {self.need('fs')})",
            lambda: f"max(np.sum({v} * {self.scalar()}) for {v} in {self.need('xs')})",
            lambda: f"min({e} * {e} for {e} in {self.need('fs')}{self.list_slice()})",
            lambda: f"sum(np.dot({v}, {e}) for {v}, {e} in zip({self.need('xs')}, {self.need('xs')}[1:]))",
            lambda: f"np.sum(np.stack([{v} * {self.scalar()} for {v} in {self.need('xs')}]))",
        ))

    def short_circuit(self) -> None:
        """any() or all() of a generator expression decided before its last item, which would divide
        by zero: Python takes no item after the deciding one."""
        e, fs = self.fresh("e"), self.need("fs")
        item = f"1.0 / ({e} - 1e300)"  # about -1e-300 for the floats of fs; 1 / 0 for the last item
        test = self.choice((f"any({item} < 0.0 for {e} in {fs} + [1e300])", f"all({item} > 0.0 for {e} in {fs} + [1e300])",
                            f"any({item} < 0.0 for {e} in {fs} if {e} != 0.5) or {fs}[0] > 0.0"))
        self.terms.append(f"({self.scalar()} if {test} else {self.scalar()})")

    def nested_comprehension(self) -> None:
        fs, table, e, f = self.need("fs"), self.fresh("B"), self.fresh("e"), self.fresh("f")
        self.emit(f"{table} = [[{e} * {f} for {f} in {fs}{self.list_slice()}] for {e} in {fs}]")
        row = self.fresh("r")
        self.terms.append(f"sum(sum({row}) for {row} in {table}) * {self.scalar()}")

    def local_lambda(self) -> None:
        a, x0, name, t = self.need("a"), self.need("x0"), self.fresh("g"), self.fresh("t")
        self.emit(f"{name} = lambda {t}: {t} * {self.scalar()} + np.sin({t})")
        self.terms.append(f"np.sum({name}({a})) * {name}({x0})")

    def local_def(self) -> None:
        """A local def called in a loop (Tangent's iterpower_with_nested_def) and once more."""
        a, x0, name, t, u, s, k = (self.need("a"), self.need("x0"), self.fresh("h"), self.fresh("t"),
                                   self.fresh("u"), self.fresh("s"), self.fresh("k"))
        self.emit(f"def {name}({t}):", f"    {u} = {t} * {self.scalar()}", f"    return {u} + np.sin({u})",
                  f"{s} = 0.0", f"for {k} in range({self.integer(1, 3)}):",
                  f"    {s} = {s} + np.sum({name}({a} * {k}))")
        self.terms.append(f"{s} + {name}({x0})")

    def function_argument(self) -> None:
        """A helper given np.tanh, a module-level lambda, or a lambda that reads the function's variables."""
        a, helper, fn, v = self.need("a"), self.fresh("apply_to"), self.fresh("fn"), self.fresh("v")
        self.helper_source(helper, [f"def {helper}({fn}, {v}):", f"    return np.sum({fn}({v}) * {v})"])
        squash, t = self.fresh("squash"), self.fresh("t")
        self.module_lines.append(f"{squash} = lambda {v}: {v} / (1.0 + {v} * {v})")
        capturing = f"(lambda {t}: np.sin({t}) * {self.scalar()})"
        self.terms.append(f"{helper}({self.choice(('np.tanh', 'np.sin', squash, capturing))}, {a}) * {self.scalar()}")

    def function_table(self) -> None:
        """A table of functions read by a constant key, by a key of the run, or chosen by a condition."""
        a, x0, table, v = self.need("a"), self.need("x0"), self.fresh("TABLE"), self.fresh("v")
        self.module_lines.append(f'{table} = {{"s": np.sin, "q": lambda {v}: {v} * {v} + 1.0}}')
        form = self.choice(("constant", "loop", "condition"))
        if form == "constant":
            self.terms.append(f'np.sum({table}["q"]({a})) * {table}["{self.choice(("s", "q"))}"]({x0})')
        elif form == "loop":
            total, key = self.accumulate(), self.fresh("key")
            keys = self.choice(('("q", "s", "q")', '["s", "q"]'))
            self.emit(f"for {key} in {keys}:",
                      f"    {total} = {total} * {self.scalar()} + np.sum({table}[{key}]({a}))")
            self.terms.append(total)
        else:
            fn = self.fresh("fn")
            self.emit(f'{fn} = {table}["s"] if {x0} > {self.scalar()} else {table}["q"]')
            self.terms.append(f"np.sum({fn}({a}) * {a}) + {fn}({x0})")

    def layer_list(self) -> None:
        """A model's layers in a module-level list of callable objects, walked by a loop (over the
        list, zip with a list of functions, range(len(...))) that rebinds what it computes."""
        a, cls, layers, h = self.need("a"), self.fresh("Layer"), self.fresh("LAYERS"), self.fresh("h")
        layer, fn, acts, i = self.fresh("layer"), self.fresh("fn"), self.fresh("ACTS"), self.fresh("i")
        self.module_lines += [f"class {cls}:", "    def __init__(self, w):", "        self.w = w", "",
                              "    def __call__(self, v):", "        return np.tanh(v * self.w) + v", "",
                              f"{layers} = [{cls}({self.choice(CONSTANTS)}), {cls}({self.choice(CONSTANTS)})]",
                              f"{acts} = [np.sin, lambda v: v * v]"]
        loop = self.pick(lambda: [f"for {layer} in {layers}:", f"    {h} = {layer}({h})"],
                         lambda: [f"for {layer}, {fn} in zip({layers}, {acts}):", f"    {h} = {fn}({layer}({h}))"],
                         lambda: [f"for {i} in range(len({layers})):", f"    {h} = {layers}[{i}]({h}) * {self.scalar()}"])
        self.emit(f"{h} = {a} * 1.0", *loop)
        self.terms.append(f"np.sum({h} * {h})")

    def reduce_fold(self) -> None:
        """functools.reduce with and without an initial value, over an array, a list and a generator."""
        a, x0, acc, v = self.need("a"), self.need("x0"), self.fresh("acc"), self.fresh("v")
        self.terms.append(self.pick(
            lambda: f"functools.reduce(lambda {acc}, {v}: {acc} * {self.choice(CONSTANTS)} + np.sin({v}), {a}, {x0})",
            lambda: f"functools.reduce(lambda {acc}, {v}: {acc} + {v} * {v}, {a})",
            lambda: f"np.sum(functools.reduce(np.add, [np.sin({a}), {a} * {self.scalar()}], {a}))",
            lambda: f"functools.reduce(lambda {acc}, {v}: {acc} * {v}, ({v} + 1.0 for {v} in {a}), {self.scalar()})",
        ))

    def conditional_comprehension(self) -> None:
        """A comprehension Python evaluates only under a condition on the data: after `and`/`or`,
        in a branch of `... if ... else ...`, as a value or as an `if` test."""
        a, fs, x0, v, t = self.need("a"), self.need("fs"), self.need("x0"), self.fresh("v"), self.fresh("t")
        condition = self.choice((f"{x0} > {self.choice(CONSTANTS)}", f"np.sum({a}) > 0.0", f"{fs}[0] < {fs}[1]"))
        items = self.pick(lambda: f"sum({v} * {self.scalar(v)} for {v} in {fs})",
                          lambda: f"max(np.sum({v} * {a}) for {v} in {fs})",
                          lambda: f"np.sum(np.stack([np.sin({v}) * {x0} for {v} in {fs}]))")
        other = self.scalar()
        self.emit(self.pick(
            lambda: f"{t} = ({condition}) and {items}",
            lambda: f"{t} = ({condition}) or {items}",
            lambda: f"{t} = {items} if {condition} else {other}",
            lambda: f"{t} = {other} if {condition} else {items}",
        ))
        if self.choice((True, False)):
            self.emit(f"if {condition} or any({v} > 1.0 for {v} in {fs}):", f"    {t} = {t} * {self.scalar()}")
        self.terms.append(f"{t} * {self.scalar()}")

    def list_in_a_branch(self) -> None:
        """A list built (by a comprehension, or appends in a loop) in a branch the data may not take."""
        a, x0, ys, v, t = self.need("a"), self.need("x0"), self.fresh("ys"), self.fresh("v"), self.fresh("t")
        built = self.pick(lambda: [f"    {ys} = [np.sin({v}) * {self.scalar(v)} for {v} in {a}]"],
                          lambda: [f"    {ys} = []", f"    for {v} in {a}:", f"        {ys}.append({v} * {self.scalar(v)})"])
        branch = [f"if {x0} > {self.choice(CONSTANTS)}:", *built,
                  f"    {t} = {self.choice((f'sum({ys})', f'{ys}[0]', f'max({ys})'))}", "else:", f"    {t} = {self.scalar()}"]
        if self.choice((True, False)):
            self.emit(*branch)
        else:  # in a loop: the list's name is saved at each pass, None before the branch first runs
            total, e = self.fresh("s"), self.fresh("e")
            self.emit(f"{total} = 0.0", f"for {e} in {a}:",
                      *[f"    {line}".replace(f"{x0} >", f"{e} * {x0} >", 1) for line in branch],
                      f"    {total} = {total} + {t}")
            t = total
        self.terms.append(f"{t} * {self.scalar()}")

    # ----- broadcasting, transposes, reshapes, reductions with axes ---------------------

    def broadcasting(self) -> None:
        if self.chance(25):
            self.zeros_broadcast_wider()
            return
        vector = self.vector_expression(self.choice((self.rows, self.columns)), 0)
        self.terms.append(self.pick(lambda: f"np.sum(np.sin({vector}) * {vector})",
                                    lambda: f"np.dot({vector}, {vector})",
                                    lambda: f"np.sum(np.tanh({vector})) * {self.need('x0')}"))

    def zeros_broadcast_wider(self) -> None:
        """A grid of zeros a row, a column or a number is added to (`g = g + row`, `g = g - x0`): the
        sum is broadcast to the grid's shape, wider than what varies."""
        grid, shape = self.fresh("g"), (self.rows, self.columns)
        added = self.pick(lambda: self.vector_expression(self.columns, 1),
                          lambda: f"{self.vector_expression(self.rows, 1)}[:, None]",
                          lambda: f"{self.need('x0')} * {self.scalar()}")
        self.emit(f"{grid} = np.zeros({shape})", self.choice((f"{grid} = {grid} + {added}", f"{grid} = {grid} - {added}")))
        self.terms.append(self.choice((f"np.sum({grid})", f"{grid}.sum() * {self.scalar()}",
                                       f"np.sum(np.sin({grid}) * {self.need('M')})")))

    def matrix_expression(self, shape: Tuple[int, int], depth: int) -> str:
        """An expression of shape `shape`, (rows, columns) or its transpose."""
        transposed = shape != (self.rows, self.columns)
        base = f"{self.need('M')}.T" if transposed else self.need("M")
        if depth >= 2 or self.chance(30):
            return base
        inner = lambda: self.matrix_expression(shape, depth + 1)  # noqa: E731
        flipped = lambda: self.matrix_expression(shape[::-1], depth + 1)  # noqa: E731
        return self.pick(
            lambda: f"({self.scalar()} * {inner()})",
            lambda: f"np.tanh({inner()})",
            lambda: f"({inner()} * {inner()})",
            lambda: f"np.exp(-{inner()} * {base})",
            lambda: f"({inner()} - {inner()}.mean(axis=0))",
            lambda: f"({inner()} - np.mean({inner()}, axis=1, keepdims=True))",
            lambda: f"({inner()} + {self.vector_expression(shape[1], depth + 1)})",
            lambda: f"({inner()} * {self.vector_expression(shape[0], depth + 1)}[:, None])",
            lambda: f"{flipped()}.T",
            lambda: f"{flipped()}.reshape({shape[0]}, {shape[1]})",
            lambda: f"np.reshape({flipped()}.reshape(-1), ({shape[0]}, {shape[1]}))",
        )

    def vector_expression(self, length: int, depth: int) -> str:
        """An expression of shape (length,), where length is rows or columns (one of them is 3)."""
        other = self.columns if length == self.rows else self.rows
        forms = [
            lambda: f"{self.matrix_expression((length, other), depth + 1)}.sum(axis=1)",
            lambda: f"np.sum({self.matrix_expression((other, length), depth + 1)}, axis=0)",
            lambda: f"np.mean({self.matrix_expression((length, other), depth + 1)}, axis=-1)",
            lambda: f"np.max({self.matrix_expression((other, length), depth + 1)}, axis=0)",
            lambda: f"{self.matrix_expression((length, other), depth + 1)}.reshape(-1)[:{length}]",
        ]
        if other == ARRAY_LENGTH:
            forms.append(lambda: f"({self.matrix_expression((length, other), depth + 1)} @ {self.need('a')})")
            forms.append(lambda: f"np.dot({self.matrix_expression((length, other), depth + 1)}, "
                                 f"np.sin({self.need('a')}))")
        if length == ARRAY_LENGTH:
            forms.append(lambda: self.need("a"))
            forms.append(lambda: f"({self.need('a')} * {self.scalar()})")
            forms.append(lambda: f"np.outer({self.need('a')}, {self.need('b')}).sum(axis={self.integer(0, 1)})")
        if depth >= 2:
            forms = forms[:2]
        return self.pick(*forms)

    # ----- hidden effects ------------------------------------------------------------------

    def hidden_effects(self) -> None:
        self.choice((self.writer_in_expression, self.writer_as_value, self.writing_method_kept,
                     self.reader_in_expression, self.reader_as_value))()

    def in_expression(self, call: str) -> None:
        """`call` (a number or array expression) inside a condition or an expression of its own kind."""
        t, e, ok = self.fresh("t"), self.fresh("e"), self.fresh("ok")
        bound = self.choice(CONSTANTS)
        self.emit(*self.choice((
            [f"{t} = 0.0", f"if np.sum({call}) > {bound}:", f"    {t} = 1.0"],
            [f"{t} = 0", f"while np.sum({call}) < {bound} and {t} < 1:", f"    {t} = {t} + 1"],
            [f"{ok} = np.sum({call}) > {bound} or {self.need('x0')} > 0.0"],
            [f"{ok} = not np.sum({call}) > {bound}"],
            [f"assert np.sum({call}) > -1e9"],
            [f"{ok} = f\"{{np.sum({call})}}\""],
            [f"{ok} = [{e} for {e} in [1.0, 2.0] if np.sum({call}) > {bound}]"],
        )))

    def writer_in_expression(self) -> None:
        name = self.helper_source("add_into", ["def add_into(v, s):", "    v += s", "    return v"])
        y = self.array_copy()
        self.in_expression(f"{name}({y}, {self.scalar()})")
        self.terms.append(f"np.sum({y} * {self.need('a')})")

    def reader_in_expression(self) -> None:
        name = self.helper_source("added", ["def added(v, s):", "    return v + s"])
        y = self.array_copy()
        self.in_expression(f"{name}({y}, {self.scalar()})")
        self.terms.append(f"np.sum({y} * {self.need('a')})")

    def writer_as_value(self) -> None:
        y, fns = self.array_copy(), self.fresh("fns")
        doubled = self.helper_source("doubled_in", ["def doubled_in(v):", "    v *= 2.0", "    return v"])
        key = self.helper_source("doubled_key", ["def doubled_key(v):", "    v *= 2.0", "    return 0.0"])
        self.emit(*self.choice((
            [f"list(map({doubled}, [{y}]))"],
            [f"sorted([{y}], key={key})"],
            [f"{fns} = [{doubled}]", f"{fns}[0]({y})"],
        )))
        self.terms.append(f"np.sum({y} * {self.need('a')})")

    def reader_as_value(self) -> None:
        y, order = self.array_copy(), self.fresh("order")
        key = self.helper_source("negated", ["def negated(v):", "    return -v"])
        self.emit(f"{order} = sorted([{self.choice(CONSTANTS)}, {self.choice(CONSTANTS)}], key={key})")
        self.terms.append(f"{order}[0] * np.sum({y} * {self.need('a')})")

    def writing_method_kept(self) -> None:
        y, z = self.array_copy(), self.fresh("z")
        self.emit(self.choice((
            f"{z} = {y}.fill({self.scalar()})",
            f"{z} = [{y}.sort()]",
            f"{z} = {y}.put(0, {self.scalar()}) is None or {self.need('x0')} > 0.0",
        )))
        self.terms.append(f"np.sum({y} * {self.need('a')})")

    # ----- the program -----------------------------------------------------------------

    def program(self, seed: int) -> Program:
        family = self.choice(FAMILIES)
        for _ in range(self.integer(1, 2)):
            getattr(self, family)()
        self.features.add(family)
        if self.chance(30):  # a snippet of another family beside them
            other = self.choice(FAMILIES)
            getattr(self, other)()
            self.features.add(other)
        return self.assemble(family, seed)

    def assemble(self, family: str, seed: int) -> Program:
        order = list(PARAMETERS) + ["M"]
        parameters = sorted(self.parameters.values(), key=lambda p: order.index(p.name))
        lines = ["import functools", "import itertools", "import math", "", "import numpy as np", "", ""]
        if self.module_lines:
            lines += self.module_lines + ["", ""]
        for helper in self.helper_sources.values():
            lines += helper + ["", ""]
        body = self.body + ["return " + " + ".join(f"({term})" for term in self.terms)]
        lines += [f"def f({', '.join(p.name for p in parameters)}):"] + indent(body)
        differentiable = [p.name for p in parameters if p.differentiable]
        wrt = tuple(self.random.sample(differentiable, self.integer(1, len(differentiable))))
        return Program("\n".join(lines) + "\n", tuple(parameters), wrt, frozenset(self.features), seed,
                       family=family, hvp=family in HVP_FAMILIES or self.hvp)
