"""Differential fuzzing: generated programs, differentiated by adjoint, against finite differences.

Each example is a program from program_generator.py (scalar programs with control flow) or
program_shapes.py (lists, aliases, views, mutating helpers, random draws, loop variables,
iteration, scatter, builtin sum, broadcasting), written to a module file and imported (so
adjoint reads its source like any user's), with arguments drawn for it. Every program has
one of two outcomes, and anything else fails the test:

- exact: `value_and_grad`, `vjp` and `jvp` return the plain function's value (to 1e-12),
  their derivatives agree with central differences along a random direction v (the
  gradient projected on v, the jvp along v), no argument changes, and for the programs
  that ask for it (`Program.hvp`) the Hessian-vector product agrees with the difference
  of gradients along v, projected on a random w. A quarter of the programs check `grad`
  too; scalar NumPy-only programs are also compared with autograd element by element.
- refused: generation raises an `adjoint.AdjointError` whose location is a line of the
  generated program.

Random draws (a generator argument, a module-level RandomState) are seeded afresh before
every call, of the plain function as of the derived ones, so all see the same draws.
A point where the differences span a branch switch or a kink is skipped (the derivative
matches the differences only with smaller steps, or only one side's slope): there the
derivative of either side is right.

The run is deterministic (each shard's random source has a fixed seed) and bounded: 800 programs
(what CI runs; 2,000 took a third of CI's 15 minutes on one of its two cores, 1,200 a fifth once the
suite had grown to 29,300 tests), in eight shards of 100, each a test of its own drawing from its own
range of program seeds, so that pytest-xdist's workers share them (one test of 800 kept one worker
busy while the other was done). Hypothesis draws most programs several times, with other arguments:
a program's module is imported once, so adjoint makes its derivatives once (for each kind of
arguments) and the later draws call them again. ADJOINT_FUZZ_EXAMPLES sets another count (split
over the shards), ADJOINT_FUZZ_SEED explores other programs than CI does. The share of refusals per
shape family, over all the shards, is printed at the end of the run, with a warning for a family
refused every time. A failure prints the program and its seed
(`program_generator.program_from_seed(seed)` rebuilds it); once understood, it goes into the
soundness catalogue as a plain regression test.
"""
from __future__ import annotations

import collections
import copy
import dataclasses
import hashlib
import importlib.util
import math
import os
import warnings
from typing import Any, Callable, Dict, List, Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, assume, given, note, seed, settings
from hypothesis import strategies as st

import adjoint
from adjoint.backend import dispatch
import fuzz_outcomes
from program_generator import Program, argument_values, programs
from program_shapes import RANDOM_STATE
from soundness import flat, with_flat
from test_catalogue_fd import assert_unchanged

FUZZ_EXAMPLES = int(os.environ.get("ADJOINT_FUZZ_EXAMPLES", "800"))
FUZZ_SEED = os.environ.get("ADJOINT_FUZZ_SEED")
SHARDS = 8  # tests of FUZZ_EXAMPLES / SHARDS programs each, which pytest-xdist's workers share
SEED_SPAN = 2 ** 32 // SHARDS  # the program seeds of a shard: SEED_SPAN of them from shard * SEED_SPAN
STEP = 1e-6
HVP_STEP = 1e-5  # differences of gradients: a larger step, the gradient being computed to rounding
RTOL = 1e-5
VALUE_RTOL = 1e-12  # a derived function returns the plain function's value, computed the same way
LARGEST_VALUE = 1e6
DRAW_SEED = 1234  # every call's random draws start from this seed
OUTCOMES = ("exact", "refused", "skipped")
STATISTICS: Dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
REFUSALS: Dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
AUTOGRAD = collections.Counter()
TALLIES: Dict[int, fuzz_outcomes.Tally] = {}  # each shard's counts, by shard, for conftest.py to add up
LOADED: Dict[Any, Any] = {}  # the modules of the programs drawn so far, by path


@pytest.fixture(scope="module")
def program_directory(tmp_path_factory):
    """Where the generated modules are written; no disk cache while fuzzing (thousands of entries).
    The cached calls are written as soon as there is code for them (not after WRITE_AFTER_CALLS
    calls), so that the calls after the first run them, as a program calling its derivative in a
    loop does."""
    saved = os.environ.get("ADJOINT_CACHE"), dispatch.WRITE_AFTER_CALLS
    os.environ["ADJOINT_CACHE"], dispatch.WRITE_AFTER_CALLS = "0", 0
    yield tmp_path_factory.mktemp("fuzz")
    dispatch.WRITE_AFTER_CALLS = saved[1]
    if saved[0] is None:
        os.environ.pop("ADJOINT_CACHE", None)
    else:
        os.environ["ADJOINT_CACHE"] = saved[0]


def load(source: str, directory) -> Any:
    """Import `source` as a module from a file named after its content, once: Hypothesis draws most
    programs several times (with other arguments, directions and ways of naming wrt), and the same
    module keeps the derivatives adjoint made for its function at the first draw instead of making
    them again, as a program calling its derivative in a loop does."""
    name = "fuzz_" + hashlib.sha256(source.encode()).hexdigest()[:16]
    path = directory / f"{name}.py"
    if path in LOADED:
        return LOADED[path]
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    LOADED[path] = module
    return module


class Kink(Exception):
    """The finite differences spanned a branch switch or a kink: this point tells nothing."""


class Refusal(Exception):
    """adjoint refused the program, at one of its lines."""


# ----- calling the program: fresh random draws, copies of mutable arguments --------------------

class Calls:
    """Calls the plain and the derived functions of one program, each with the same random draws."""

    def __init__(self, module: Any, program: Program, args: List[Any]):
        self.module, self.program, self.args = module, program, args
        self.lines = program.source.count("\n")

    def arguments(self, args: Sequence[Any]) -> List[Any]:
        """args with a freshly seeded generator for each "rng" parameter; the RandomState seeded too."""
        state = getattr(self.module, RANDOM_STATE, None)
        if state is not None:
            state.seed(DRAW_SEED)
        return [np.random.default_rng(DRAW_SEED) if p.kind == "rng" else a
                for a, p in zip(args, self.program.parameters)]

    def plain(self, args: Sequence[Any]) -> float:
        """f at (a deep copy of) args, as a float: the plain function may write into its arguments."""
        with np.errstate(all="ignore"):
            return scalar(self.module.f(*copy.deepcopy(self.arguments(args))))

    def derived(self, what: str, make: Callable[[], Callable], *extra: Any) -> Any:
        """The derived function `make()` called on the arguments (then `extra`, the tangents); checks
        that neither changed."""
        before, extra_before = copy.deepcopy(self.args), copy.deepcopy(list(extra))
        try:
            with np.errstate(all="ignore"):
                result = make()(*self.arguments(self.args), *extra)
        except adjoint.AdjointError as error:
            self.check_refusal(what, error)
            raise Refusal(refusal_kind(error)) from error
        for position, parameter in enumerate(self.program.parameters):
            if parameter.kind != "rng":
                assert_unchanged(before[position], self.args[position], f"{what}: argument {parameter.name}")
        assert_unchanged(extra_before, list(extra), f"{what}: the tangents")
        return result

    def check_refusal(self, what: str, error: adjoint.AdjointError) -> None:
        """A refusal is an outcome only when it points at a line of the program."""
        where = f"{what} raised {type(error).__name__} outside the program: {error}"
        assert error.filename == self.module.__file__, where
        assert error.lineno is not None and 1 <= error.lineno <= self.lines, where


def refusal_kind(error: adjoint.AdjointError) -> str:
    """The error's class and the construct or callee it names, for the statistics."""
    subject = getattr(error, "construct", None) or getattr(error, "callee", None)
    return f"{type(error).__name__}({subject})" if subject else type(error).__name__


def scalar(value: Any, what: str = "the function") -> float:
    array = np.asarray(value, dtype=np.float64)
    assert array.size == 1, f"{what} returned shape {array.shape}"
    return float(array.reshape(()))


def moved(args: Sequence[Any], positions: Sequence[int], directions: Sequence[Any], step: float) -> List[Any]:
    """args with args[p] + step * direction for each position (containers keep their structure)."""
    varied = list(args)
    for position, direction in zip(positions, directions):
        varied[position] = with_flat(args[position], flat(args[position]).astype(np.float64) + step * flat(direction))
    return varied


# ----- comparing with differences ----------------------------------------------------------------

def close(got: float, expected: float, scale: float, rtol: float = RTOL) -> bool:
    return abs(got - expected) <= rtol * max(abs(got), abs(expected)) + 1e-7 * (1.0 + scale)


def same_value(what: str, got: Any, value: float) -> None:
    got = scalar(got, what)
    assert abs(got - value) <= VALUE_RTOL * max(abs(value), 1.0), (
        f"{what} returns {got!r}, the function {value!r}")


def slope(function: Callable[[float], float], step: float) -> float:
    """The central difference of a scalar function of the step."""
    plus, minus = function(step), function(-step)
    if not (math.isfinite(plus) and math.isfinite(minus)):
        raise Kink("not finite nearby")
    return (plus - minus) / (2 * step)


def compare(what: str, got: float, function: Callable[[float], float], step: float, scale: float,
            expected: float) -> None:
    """got == the slope of function at 0, or a kink within the step explains the difference: with
    smaller steps it matches the central difference or one side's slope (the point sits on the switch,
    where either side's derivative is right), or the two sides' slopes still differ at the smallest
    step (the function has no derivative at this point along the direction: at a tie of several
    elements of `np.maximum`, any mix of the sides' slopes is a subgradient)."""
    if close(got, expected, scale):
        return
    base = function(0.0)
    for smaller in (step / 10, step / 100):
        plus, minus = function(smaller), function(-smaller)
        right, left = (plus - base) / smaller, (base - minus) / smaller
        if any(close(got, s, scale, rtol=1e-4) for s in ((plus - minus) / (2 * smaller), right, left)):
            raise Kink(what)
    if not close(right, left, scale, rtol=1e-4):
        raise Kink(f"{what}: the slopes on the two sides differ ({left!r}, {right!r})")
    pytest.fail(f"{what}: adjoint gives {got!r}, finite differences {expected!r}")


def projection(gradients: Sequence[Any], directions: Sequence[Any]) -> tuple:
    """<gradients, directions> and the sum of |products| (the scale of its rounding)."""
    products = [flat(g).astype(np.float64) * flat(d) for g, d in zip(gradients, directions)]
    return float(sum(np.sum(p) for p in products)), float(sum(np.sum(np.abs(p)) for p in products))


def check_structure(what: str, gradient: Any, argument: Any) -> None:
    """The gradient has the argument's structure: containers of the same type and length, arrays of its shape."""
    if isinstance(argument, (list, tuple)):
        assert type(gradient) is type(argument) and len(gradient) == len(argument), (
            f"{what}: a {type(gradient).__name__} for a {type(argument).__name__} of length {len(argument)}")
        for part, item in zip(gradient, argument):
            check_structure(what, part, item)
    elif isinstance(argument, dict):
        assert type(gradient) is dict and list(gradient) == list(argument), f"{what}: {gradient!r} for a dict"
        for key in argument:
            check_structure(what, gradient[key], argument[key])
    elif dataclasses.is_dataclass(argument):
        assert type(gradient) is type(argument), f"{what}: a {type(gradient).__name__} for a dataclass"
        for field in dataclasses.fields(argument):
            check_structure(what, getattr(gradient, field.name), getattr(argument, field.name))
    else:
        assert np.shape(gradient) == np.shape(argument), f"{what}: shape {np.shape(gradient)}"


# ----- the checks of one program -----------------------------------------------------------------

def check_program(program: Program, wrt: tuple, args: List[Any], directions: List[Any], weights: Any,
                  directory) -> str:
    """The outcome of the program at `args`: "exact", "refused" or "skipped" (see the module docstring)."""
    calls = Calls(load(program.source, directory), program, args)
    try:
        value = calls.plain(args)
    except (OverflowError, ZeroDivisionError, RecursionError):
        value = math.inf
    assume(math.isfinite(value) and abs(value) < LARGEST_VALUE)
    names = [p.name for p in program.parameters]
    positions = [names.index(name) for name in program.wrt]
    try:
        along = Along(calls, positions, directions)
        gradients = check_reverse(calls, program, wrt, along, value)
        check_forward(calls, wrt, along, value)
        if program.hvp:
            check_hvp(calls, wrt, positions, directions, weights, gradients)
        if program.autograd_compatible and not isinstance(calls.module.f(*args), int):  # autograd: floats only
            check_with_autograd(calls, positions, gradients)
    except Kink as kink:
        note(f"skipped: {kink}")
        return "skipped"
    except Refusal as refusal:
        note(f"refused: {refusal}")
        REFUSALS[program.family][str(refusal)] += 1
        return "refused"
    return "exact"


class Along:
    """f along the random direction, as a function of the step, and its central difference at 0."""

    def __init__(self, calls: Calls, positions: List[int], directions: List[Any]):
        self.calls, self.positions, self.directions = calls, positions, directions
        self.slope = slope(self, STEP)

    def __call__(self, step: float) -> float:
        return self.calls.plain(moved(self.calls.args, self.positions, self.directions, step))


def check_reverse(calls: Calls, program: Program, wrt: tuple, along: Along, value: float) -> tuple:
    """value_and_grad, vjp (and for a quarter of the programs grad) against the value and a directional difference."""
    positions = along.positions
    got_value, gradients = calls.derived("value_and_grad", lambda: adjoint.value_and_grad(calls.module.f, wrt=wrt))
    same_value("value_and_grad", got_value, value)
    results = {"value_and_grad": gradients}
    got_value, pullback = calls.derived("vjp", lambda: adjoint.vjp(calls.module.f, wrt=wrt))
    same_value("vjp", got_value, value)
    results["vjp"] = pullback(1.0)
    if program.seed % 4 == 0:
        results["grad"] = calls.derived("grad", lambda: adjoint.grad(calls.module.f, wrt=wrt))
    for what, result in results.items():
        assert isinstance(result, tuple) and len(result) == len(positions), f"{what} returned {result!r}"
        for name, gradient, position in zip(program.wrt, result, positions):
            check_structure(f"{what} wrt {name}", gradient, calls.args[position])
        got, magnitude = projection(result, along.directions)
        compare(f"{what}: the gradient along a random direction", got, along, STEP, abs(value) + magnitude,
                along.slope)
    return gradients


def check_forward(calls: Calls, wrt: tuple, along: Along, value: float) -> None:
    """jvp along the random direction: the value, and the tangent against the directional difference."""
    got_value, tangent = calls.derived("jvp", lambda: adjoint.jvp(calls.module.f, wrt=wrt), *along.directions)
    same_value("jvp", got_value, value)
    tangent = scalar(tangent, "jvp's tangent")
    compare("jvp tangent", tangent, along, STEP, abs(value) + abs(tangent), along.slope)


def check_hvp(calls: Calls, wrt: tuple, positions: List[int], directions: List[Any], weights: np.ndarray,
              gradients: tuple) -> None:
    """<w, H v> against <w, the difference of gradients along v>."""
    value_and_grad = adjoint.value_and_grad(calls.module.f, wrt=wrt)

    def gradient_along(step: float) -> float:
        varied = moved(calls.args, positions, directions, step)
        with np.errstate(all="ignore"):
            _, moved_gradients = value_and_grad(*calls.arguments(varied))
        return float(np.dot(weights, flat(list(moved_gradients)).astype(np.float64)))

    product = calls.derived("hvp", lambda: adjoint.hvp(calls.module.f, wrt=wrt), *directions)
    assert isinstance(product, tuple) and len(product) == len(positions), f"hvp returned {product!r}"
    for gradient, position in zip(product, positions):
        check_structure("hvp", gradient, calls.args[position])
    got = float(np.dot(weights, flat(list(product)).astype(np.float64)))
    scale = float(np.sum(np.abs(weights * flat(list(gradients)).astype(np.float64))))
    compare("hvp along a random direction", got, gradient_along, HVP_STEP, scale, slope(gradient_along, HVP_STEP))


def check_with_autograd(calls: Calls, positions: List[int], gradients: tuple) -> None:
    """The gradients element by element against autograd's, but where the function has a kink along
    an element they differ in (at a tie of np.maximum's operands each takes another subgradient)."""
    autograd = pytest.importorskip("autograd")
    program, args = calls.program, calls.args
    namespace: Dict[str, Any] = {"__name__": "fuzz_autograd"}
    exec(compile(program.source, "<fuzz>", "exec"), namespace)
    namespace["np"] = autograd.numpy
    float_args = [float(a) if isinstance(a, int) and not isinstance(a, bool) and p.kind == "float" else a
                  for a, p in zip(args, program.parameters)]
    for position, got in zip(positions, gradients):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "Output seems independent of input": it may be
            reference = autograd.grad(namespace["f"], position)(*float_args)
        differing = np.flatnonzero(~np.isclose(flat(got), flat(reference), rtol=1e-7, atol=1e-9))
        for element in differing:
            kink_along(calls, position, element)
        np.testing.assert_allclose(got, reference, rtol=1e-7, atol=1e-9,
                                   err_msg=f"adjoint and autograd disagree on d/d{program.parameters[position].name}")
    AUTOGRAD["compared"] += 1


def kink_along(calls: Calls, position: int, element: int) -> None:
    """Raises Kink where f's one-sided slopes along one number of an argument differ (as `compare`
    finds a kink along a direction): there any slope between them is a derivative."""
    argument = calls.args[position]
    unit = with_flat(argument, np.eye(flat(argument).size)[element])
    base = calls.plain(calls.args)
    step = STEP / 100
    right = (calls.plain(moved(calls.args, [position], [unit], step)) - base) / step
    left = (base - calls.plain(moved(calls.args, [position], [unit], -step))) / step
    if not close(right, left, abs(base), rtol=1e-4):
        raise Kink(f"the slopes on the two sides of element {element} of argument {position} differ "
                   f"({left!r}, {right!r})")


# ----- the fuzzer ---------------------------------------------------------------------------------

def prepare(values: tuple, program: Program) -> list:
    return [np.array(v, dtype=np.float64) if p.kind == "array" else v for v, p in zip(values, program.parameters)]


def shard_sizes(total: int, shards: int = SHARDS) -> List[int]:
    """`total` programs over the shards, as evenly as they go (the first shards take one more)."""
    return [total // shards + (shard < total % shards) for shard in range(shards)]


SHARD_SIZES = shard_sizes(FUZZ_EXAMPLES)


def shard_seed(shard: int) -> Any:
    """The seed of a shard's random source: its own in the default run, and another for each
    ADJOINT_FUZZ_SEED."""
    return shard if FUZZ_SEED is None else f"{FUZZ_SEED}/{shard}"


def search(shard: int) -> Callable[..., None]:
    """The Hypothesis search of one shard: SHARD_SIZES[shard] programs decided, drawn from the
    shard's own range of program seeds (no two shards draw the same program) with a random source
    of its own."""
    seeds = programs(shard * SEED_SPAN, (shard + 1) * SEED_SPAN - 1)

    @given(data=st.data())
    def check_generated_program(data, program_directory):
        """One program drawn, and its outcome counted: exact or refused, or skipped (not counted)."""
        program = data.draw(seeds, label="program")
        note(f"seed={program.seed} family={program.family} "
             "(program_generator.program_from_seed reproduces the program)")
        note(program.source)
        args = prepare(data.draw(argument_values(program), label="args"), program)
        positions = [[p.name for p in program.parameters].index(name) for name in program.wrt]
        generator = np.random.default_rng(data.draw(st.integers(0, 2 ** 32 - 1), label="directions"))
        directions = [with_flat(args[i], generator.uniform(-1.0, 1.0, size=flat(args[i]).size)) for i in positions]
        weights = generator.uniform(-1.0, 1.0, size=sum(flat(args[i]).size for i in positions))
        # wrt by name or by position: both must mean the same parameters
        wrt = tuple(positions) if data.draw(st.booleans(), label="wrt by position") else program.wrt
        note(f"wrt={wrt}")
        outcome = check_program(program, wrt, args, directions, weights, program_directory)
        STATISTICS[program.family][outcome] += 1
        assume(outcome != "skipped")

    check = settings(
        max_examples=SHARD_SIZES[shard], deadline=None, database=None, derandomize=True,
        # No shrinking: a smaller seed is another program, not a smaller one; the failure
        # report gives the seed and the program, which program_from_seed reproduces.
        phases=[Phase.explicit, Phase.generate], report_multiple_bugs=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )(check_generated_program)
    return seed(shard_seed(shard))(check)


@pytest.mark.slow
@pytest.mark.fuzz
@pytest.mark.parametrize("shard", [shard for shard, size in enumerate(SHARD_SIZES) if size],
                         ids=lambda shard: f"shard{shard + 1}of{SHARDS}")
def test_generated_programs_are_exact_or_refused(shard, program_directory):
    """The shard's programs decided (skipped points do not count), each exact or refused. Its
    counts go to TALLIES, which conftest.py prints added up over the shards at the end of the run
    (`fuzz_outcomes.summary`), with a warning for a shape family never seen differentiated."""
    for counts in (STATISTICS, REFUSALS, AUTOGRAD):
        counts.clear()
    try:
        search(shard)(program_directory=program_directory)
    finally:
        TALLIES[shard] = fuzz_outcomes.tally(STATISTICS, REFUSALS, AUTOGRAD["compared"])
    decided = sum(counts["exact"] + counts["refused"] for counts in STATISTICS.values())
    assert decided >= SHARD_SIZES[shard], dict(STATISTICS)
