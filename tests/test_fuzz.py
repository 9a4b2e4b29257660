"""Differential fuzzing: generated programs, differentiated by adjoint, against finite differences.

Each example is a program from program_generator.py, written to a module file and imported
(so adjoint reads its source like any user's), with arguments drawn for it. `grad` and
`jvp` must agree with central finite differences and, when the program uses NumPy only,
with autograd. A point where the differences span a branch switch or a kink is skipped
(the derivative matches the differences only with smaller steps, or only one side's
slope): there the derivative of either side is right.

The run is deterministic (`derandomize=True`) and bounded: 2,000 programs (what CI runs),
each compiled twice. ADJOINT_FUZZ_EXAMPLES sets another count, ADJOINT_FUZZ_SEED explores
other programs than CI does. A failure prints the program and its seed
(`program_generator.program_from_seed(seed)` rebuilds it); once understood, it goes into the
catalogue (catalogue_functions.py + catalogue.py) as a plain regression test.
"""
from __future__ import annotations

import hashlib
import importlib.util
import math
import os
import warnings
from typing import Any, Dict, List, Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, assume, given, note, seed, settings
from hypothesis import strategies as st

import adjoint
from program_generator import Program, argument_values, programs, scalars

FUZZ_EXAMPLES = int(os.environ.get("ADJOINT_FUZZ_EXAMPLES", "2000"))
FUZZ_SEED = os.environ.get("ADJOINT_FUZZ_SEED")
STEP = 1e-6
RTOL = 1e-5
LARGEST_VALUE = 1e6
STATISTICS = {"checked": 0, "autograd": 0, "skipped": 0}


@pytest.fixture(scope="module")
def program_directory(tmp_path_factory):
    """Where the generated modules are written; no disk cache while fuzzing (thousands of entries)."""
    saved = os.environ.get("ADJOINT_CACHE")
    os.environ["ADJOINT_CACHE"] = "0"
    yield tmp_path_factory.mktemp("fuzz")
    if saved is None:
        os.environ.pop("ADJOINT_CACHE", None)
    else:
        os.environ["ADJOINT_CACHE"] = saved


def load(source: str, directory) -> Any:
    """Import `source` as a module from a file named after its content."""
    name = "fuzz_" + hashlib.sha256(source.encode()).hexdigest()[:16]
    path = directory / f"{name}.py"
    if not path.exists():
        path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ----- finite differences, with a test for a branch switch inside the step --------------------

class Kink(Exception):
    """The finite differences spanned a branch switch or a kink: this point tells nothing."""


def evaluate(f, args: Sequence[Any]) -> float:
    with np.errstate(all="ignore"):
        value = np.asarray(f(*args), dtype=np.float64)
    assert value.size == 1
    return float(value.reshape(()))


def coordinates(args: Sequence[Any], position: int) -> list:
    """A unit direction for each scalar coordinate of argument `position`."""
    value = args[position]
    if not isinstance(value, np.ndarray):
        return [1.0]
    units = []
    for index in np.ndindex(*value.shape):
        unit = np.zeros(value.shape)
        unit[index] = 1.0
        units.append(unit)
    return units


def along(f, args: Sequence[Any], positions: Sequence[int], directions: Sequence[Any], step: float) -> float:
    """f at args moved by step * direction (one direction per position)."""
    varied = [np.array(a, dtype=np.float64) if isinstance(a, np.ndarray) else a for a in args]
    for position, direction in zip(positions, directions):
        varied[position] = varied[position] + step * direction
    return evaluate(f, varied)


def differences(f, args: Sequence[Any], position: int) -> Any:
    """Central differences of f along each coordinate of argument `position`."""
    central = []
    for unit in coordinates(args, position):
        plus, minus = along(f, args, [position], [unit], STEP), along(f, args, [position], [unit], -STEP)
        if not (math.isfinite(plus) and math.isfinite(minus)):
            raise Kink("not finite nearby")
        central.append((plus - minus) / (2 * STEP))
    if isinstance(args[position], np.ndarray):
        return np.array(central).reshape(args[position].shape)
    return central[0]


def close(got: float, expected: float, scale: float, rtol: float = RTOL) -> bool:
    return abs(got - expected) <= rtol * max(abs(got), abs(expected)) + 1e-7 * (1.0 + scale)


def explained_by_a_kink(f, args, positions, directions, base: float, got: float, scale: float) -> bool:
    """Whether a value that differs from the central difference is right after all, the
    difference having spanned a branch switch or a kink: with smaller steps it matches the
    central difference (the switch was farther than the step) or one side's slope (the
    point sits on the switch, where either side's derivative is right)."""
    for step in (STEP / 10, STEP / 100):
        plus = along(f, args, positions, directions, step)
        minus = along(f, args, positions, directions, -step)
        slopes = ((plus - minus) / (2 * step), (plus - base) / step, (base - minus) / step)
        if any(close(got, slope, scale, rtol=1e-4) for slope in slopes):
            return True
    return False


def compare(what: str, got: Any, expected: Any, explained, scale: float) -> None:
    """Assert got == expected element by element; `explained(k, value)` may excuse a mismatch as a kink."""
    got_flat = np.ravel(np.asarray(got, dtype=np.float64))
    expected_flat = np.ravel(np.asarray(expected, dtype=np.float64))
    assert got_flat.shape == expected_flat.shape, f"{what}: shape {np.shape(got)}, expected {np.shape(expected)}"
    for k, (g, e) in enumerate(zip(got_flat, expected_flat)):
        if not close(g, e, scale):
            if explained(k, g):
                raise Kink(what)
            pytest.fail(f"{what}[{k}]: adjoint gives {g!r}, finite differences {e!r}")


# ----- the fuzzer -------------------------------------------------------------------------------

def prepare(values: tuple, program: Program) -> list:
    return [np.array(v, dtype=np.float64) if p.kind == "array" else v for v, p in zip(values, program.parameters)]


def check_program(program: Program, wrt: tuple, args: list, tangents: list, directory) -> None:
    """grad and jvp of the program at `args` against finite differences (and autograd)."""
    module = load(program.source, directory)
    f = module.f
    try:
        value = evaluate(f, args)
    except (OverflowError, ZeroDivisionError, RecursionError):
        value = math.inf
    assume(math.isfinite(value) and abs(value) < LARGEST_VALUE)
    names = [p.name for p in program.parameters]
    positions = [names.index(name) for name in program.wrt]
    scale = abs(value)
    try:
        expected = [differences(f, args, position) for position in positions]
        gradients = adjoint.grad(f, wrt=wrt)(*args)
        assert isinstance(gradients, tuple) and len(gradients) == len(positions)
        for name, got, exact, position in zip(program.wrt, gradients, expected, positions):
            assert np.shape(got) == np.shape(args[position]), f"grad wrt {name}: shape {np.shape(got)}"
            units = coordinates(args, position)
            compare(f"grad wrt {name}", got, exact, lambda k, g: explained_by_a_kink(
                f, args, [position], [units[k]], value, g, scale), scale)

        primal, tangent = adjoint.jvp(f, wrt=wrt)(*args, *tangents)
        assert close(evaluate(lambda: primal, ()), value, scale), f"jvp value {primal!r}, f gives {value!r}"
        # The directional derivative, from the same differences.
        directional = sum(float(np.sum(np.asarray(e) * t)) for e, t in zip(expected, tangents))
        magnitude = sum(float(np.sum(np.abs(np.asarray(e) * t))) for e, t in zip(expected, tangents))
        compare("jvp tangent", tangent, directional, lambda k, g: explained_by_a_kink(
            f, args, positions, tangents, value, g, scale + magnitude), scale + magnitude)
    except Kink as kink:
        STATISTICS["skipped"] += 1
        note(f"skipped: {kink}")
        assume(False)
    if program.autograd_compatible and not isinstance(f(*args), int):  # autograd differentiates floats only
        check_with_autograd(program, args, positions, gradients)
    STATISTICS["checked"] += 1


def check_with_autograd(program: Program, args: list, positions: List[int], gradients: tuple) -> None:
    autograd = pytest.importorskip("autograd")
    namespace: Dict[str, Any] = {"__name__": "fuzz_autograd"}
    exec(compile(program.source, "<fuzz>", "exec"), namespace)
    namespace["np"] = autograd.numpy
    float_args = [float(a) if isinstance(a, int) and not isinstance(a, bool) and p.kind == "float" else a
                  for a, p in zip(args, program.parameters)]
    for position, got in zip(positions, gradients):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "Output seems independent of input": it may be
            reference = autograd.grad(namespace["f"], position)(*float_args)
        np.testing.assert_allclose(got, reference, rtol=1e-7, atol=1e-9,
                                   err_msg=f"adjoint and autograd disagree on d/d{program.parameters[position].name}")
    STATISTICS["autograd"] += 1


def _settings(test):
    test = settings(
        max_examples=FUZZ_EXAMPLES, deadline=None, database=None, derandomize=FUZZ_SEED is None,
        # No shrinking: a smaller seed is another program, not a smaller one; the failure
        # report gives the seed and the program, which program_from_seed reproduces.
        phases=[Phase.explicit, Phase.generate], report_multiple_bugs=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )(test)
    return seed(int(FUZZ_SEED))(test) if FUZZ_SEED is not None else test


@_settings
@given(data=st.data())
def test_generated_program_matches_finite_differences(data, program_directory):
    program = data.draw(programs(), label="program")
    note(f"seed={program.seed} (program_generator.program_from_seed reproduces the program)")
    note(program.source)
    args = prepare(data.draw(argument_values(program), label="args"), program)
    positions = [[p.name for p in program.parameters].index(name) for name in program.wrt]
    tangents = [np.array(data.draw(st.lists(scalars(), min_size=np.size(args[i]), max_size=np.size(args[i]))))
                if isinstance(args[i], np.ndarray) else data.draw(scalars()) for i in positions]
    # wrt by name or by position: both must mean the same parameters
    wrt = tuple(positions) if data.draw(st.booleans(), label="wrt by position") else program.wrt
    note(f"wrt={wrt}")
    check_program(program, wrt, args, tangents, program_directory)


def test_fuzzer_checked_enough_programs():
    """The fuzzer compared at least FUZZ_EXAMPLES programs (skipped points do not count)."""
    if STATISTICS["checked"] == 0:
        pytest.skip("the fuzzer did not run in this session")
    print(STATISTICS)
    assert STATISTICS["checked"] >= FUZZ_EXAMPLES, STATISTICS
