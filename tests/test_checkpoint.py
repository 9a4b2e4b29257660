"""Checkpointed loops: the gradients of the loop without checkpointing, on Revolve's schedule.

Every checkpointed function of checkpoint_functions.py is compared with its twin without
`adjoint.checkpointed` (a catalogue function, or `<name>_plain`) for several snapshot
counts, step counts and modes; the runtime schedule is checked on its own (step_vjp once
per step, last first; the least number of recomputed steps; at most snapshots + 1 states
alive); and every refused loop names its line.
"""
from __future__ import annotations

import importlib.util
import inspect
import math
import os
import pathlib
import re
import subprocess
import sys
import textwrap
import tracemalloc
import weakref
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

import numpy as np
import pytest

import adjoint
import catalogue_functions as fns
import checkpoint_functions as ck
from adjoint import runtime
from adjoint.ad.naming import function_namer
from adjoint.backend import cache, codegen
from adjoint.frontend.parse import parse_function
from adjoint.normalize import checkpoint as stage
from adjoint.options import Options
from adjoint.pipeline import generate
from catalogue import alternating_signs, normal, uniform

SNAPSHOTS = (0, 1, 2, 5, 100)


@dataclass(frozen=True)
class Pair:
    """A checkpointed function (snapshots as its last argument) and the same loop without it."""

    checkpointed: Callable[..., Any]
    plain: Callable[..., Any]
    make_args: Callable[[np.random.Generator], tuple]
    wrt: Any = 0

    @property
    def id(self) -> str:
        return self.checkpointed.__name__

    def plain_args(self, args: tuple, snapshots: int) -> tuple:
        takes_snapshots = len(inspect.signature(self.plain).parameters) == len(args) + 1
        return args + (snapshots,) if takes_snapshots else args


CATALOGUE = [
    Pair(ck.for_range_horner, fns.for_range_horner, lambda rng: (0.7, 5)),
    Pair(ck.for_range_start_stop, fns.for_range_start_stop, lambda rng: (0.6, 5)),
    Pair(ck.for_range_step, fns.for_range_step, lambda rng: (1.1,)),
    Pair(ck.for_range_negative_step, fns.for_range_negative_step, lambda rng: (0.5, 4), "x"),
    Pair(ck.for_rows_of_matrix, fns.for_rows_of_matrix, lambda rng: (normal(rng, 4, 3), normal(rng, 3)), (0, 1)),
    Pair(ck.for_nested, fns.for_nested, lambda rng: (0.9, 3, 2)),
    Pair(ck.for_triangular, fns.for_triangular, lambda rng: (1.2, 4)),
    Pair(ck.for_overwrite_carried, fns.for_overwrite_carried, lambda rng: (0.8, 6)),
    Pair(ck.for_overwrite_carried_array, fns.for_overwrite_carried_array, lambda rng: (normal(rng, 3), 4)),
    Pair(ck.for_zero_iterations, fns.for_zero_iterations, lambda rng: (0.7, 0)),
    Pair(ck.for_inner_if, fns.for_inner_if, lambda rng: (alternating_signs(rng, 6),)),
    Pair(ck.for_reversed_index, fns.for_reversed_index, lambda rng: (normal(rng, 4), normal(rng, 4)), (0, 1)),
    Pair(ck.for_variable_after_loop, fns.for_variable_after_loop, lambda rng: (1.2, 4)),
    Pair(ck.for_accumulate_array, fns.for_accumulate_array, lambda rng: (uniform(rng, -1.0, 1.0, 3), 3)),
    Pair(ck.for_two_carried, fns.for_two_carried, lambda rng: (0.6, 0.4, 5), ("x", "y")),
    Pair(ck.while_in_for, fns.while_in_for, lambda rng: (0.7, 4)),
    Pair(ck.jump_continue, fns.jump_continue, lambda rng: (0.8, 6)),
    Pair(ck.call_in_loop, fns.call_in_loop, lambda rng: (0.9, 4)),
    Pair(ck.tuple_swap_in_loop, fns.tuple_swap_in_loop, lambda rng: (0.9, 1.2, 5), (0, 1)),
    Pair(ck.stop_in_loop, fns.stop_in_loop, lambda rng: (0.6, 3)),
]

CLOSURE, CLOSURE_PLAIN = ck.make_closure(0.8)

MORE = [
    Pair(ck.ode, ck.ode_plain, lambda rng: (normal(rng, 4), 0.5 * normal(rng, 4, 4), 9), (0, 1)),
    Pair(ck.leapfrog, ck.leapfrog_plain, lambda rng: (normal(rng, 3), normal(rng, 3), 1.3, 8), (0, 1, 2)),
    Pair(ck.mixed_state, ck.mixed_state_plain, lambda rng: (0.4, 7)),
    Pair(ck.two_loops, ck.two_loops_plain, lambda rng: (normal(rng, 3), 5)),
    Pair(ck.inside_plain_loop, ck.inside_plain_loop_plain, lambda rng: (0.7, 4)),
    Pair(ck.nested_checkpointed, ck.nested_checkpointed_plain, lambda rng: (normal(rng, 2), 4)),
    Pair(ck.in_branch, ck.in_branch_plain, lambda rng: (normal(rng, 3), 6)),
    Pair(ck.overwritten_after, ck.overwritten_after_plain, lambda rng: (uniform(rng, 0.2, 0.6, 3), 5)),
    Pair(ck.local_arrays, ck.local_arrays_plain, lambda rng: (0.3, 6)),
    Pair(ck.gradient_clipped, ck.gradient_clipped_plain, lambda rng: (normal(rng, 3), 4)),
    Pair(ck.calls_checkpointed, ck.calls_checkpointed_plain, lambda rng: (normal(rng, 3), 0.5 * normal(rng, 3, 3), 4),
         (0, 1)),
    Pair(CLOSURE, CLOSURE_PLAIN, lambda rng: (normal(rng, 2), 5)),
]


def assert_same(actual, expected, rtol=1e-12):
    """Equal to rounding, element by element, in the same structure."""
    if isinstance(expected, tuple):
        assert isinstance(actual, tuple) and len(actual) == len(expected)
        for got, want in zip(actual, expected):
            assert_same(got, want, rtol)
        return
    assert np.shape(actual) == np.shape(expected)
    scale = max(1.0, float(np.max(np.abs(expected)))) if np.size(expected) else 1.0
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * scale)


def compare(pair: Pair, args: tuple, snapshots: int) -> None:
    gradient = adjoint.grad(pair.checkpointed, wrt=pair.wrt)(*args, snapshots)
    expected = adjoint.grad(pair.plain, wrt=pair.wrt)(*pair.plain_args(args, snapshots))
    assert_same(gradient, expected)


# ----- same gradients with and without checkpointing ----------------------------------------------

@pytest.mark.parametrize("snapshots", SNAPSHOTS)
@pytest.mark.parametrize("pair", CATALOGUE, ids=lambda pair: pair.id)
def test_catalogue_loops_checkpointed_have_the_same_gradient(pair, snapshots, rng):
    compare(pair, pair.make_args(rng), snapshots)


@pytest.mark.parametrize("snapshots", SNAPSHOTS)
@pytest.mark.parametrize("pair", MORE, ids=lambda pair: pair.id)
def test_more_loops_checkpointed_have_the_same_gradient(pair, snapshots, rng):
    compare(pair, pair.make_args(rng), snapshots)


STEP_COUNTS = [
    (Pair(ck.ode, ck.ode_plain, lambda rng, n: (normal(rng, 4), 0.5 * normal(rng, 4, 4), n), (0, 1))),
    (Pair(ck.leapfrog, ck.leapfrog_plain, lambda rng, n: (normal(rng, 3), normal(rng, 3), 1.3, n), (0, 1, 2))),
    (Pair(ck.for_two_carried, fns.for_two_carried, lambda rng, n: (0.6, 0.4, n), (0, 1))),
    (Pair(ck.mixed_state, ck.mixed_state_plain, lambda rng, n: (0.4, n))),
]


@pytest.mark.parametrize("snapshots", (0, 1, 3))
@pytest.mark.parametrize("steps", (0, 1, 2))
@pytest.mark.parametrize("pair", STEP_COUNTS, ids=lambda pair: pair.id)
def test_zero_one_and_two_steps(pair, steps, snapshots, rng):
    compare(pair, pair.make_args(rng, steps), snapshots)


def test_value_and_grad_vjp_and_jvp_agree_with_the_plain_loop(rng):
    y0, A = normal(rng, 4), 0.5 * normal(rng, 4, 4)
    tangent = normal(rng, 4)
    value, gradient = adjoint.value_and_grad(ck.ode, wrt=(0, 1))(y0, A, 7, 2)
    expected_value, expected = adjoint.value_and_grad(ck.ode_plain, wrt=(0, 1))(y0, A, 7, 2)
    assert_same((value, gradient), (expected_value, expected))
    value, pullback = adjoint.vjp(ck.leapfrog, wrt=(0, 1))(y0[:3], A[0, :3], 1.1, 6, 1)
    expected_value, expected_pullback = adjoint.vjp(ck.leapfrog_plain, wrt=(0, 1))(y0[:3], A[0, :3], 1.1, 6, 1)
    assert_same((value, pullback(2.5)), (expected_value, expected_pullback(2.5)))
    assert_same(adjoint.jvp(ck.ode)(y0, A, 7, 2, tangent), adjoint.jvp(ck.ode_plain)(y0, A, 7, 2, tangent))


def test_the_checkpointed_gradient_matches_finite_differences(rng):
    adjoint.check_grad(ck.leapfrog, normal(rng, 3), normal(rng, 3), 1.3, 8, 2, wrt=(0, 1, 2))


def test_run_as_plain_python_the_marker_returns_its_range(rng):
    steps = range(2, 9, 3)
    assert adjoint.checkpointed(steps, snapshots=4) is steps
    x = normal(rng, 3)
    assert ck.for_overwrite_carried_array(x, 4, 1) == fns.for_overwrite_carried_array(x, 4)


def test_the_derivative_leaves_its_inputs_unchanged(rng):
    y0, A = normal(rng, 4), normal(rng, 4, 4)
    before = (y0.copy(), A.copy())
    adjoint.grad(ck.ode, wrt=(0, 1))(y0, A, 5, 1)
    assert_same((y0, A), before, rtol=0.0)


# ----- the schedule ---------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def fewest_advances(steps: int, slots: int) -> int:
    """The least number of steps recomputed to reverse `steps` steps holding `slots` states."""
    if steps <= 1:
        return 0
    if slots == 1:
        return steps * (steps - 1) // 2
    return min(split + fewest_advances(steps - split, slots - 1) + fewest_advances(split, slots)
               for split in range(1, steps))


class State:
    """A loop state that counts how many of its kind are alive."""

    alive = 0

    def __init__(self, position: int):
        self.position = position
        State.alive += 1
        weakref.finalize(self, State._died)

    @staticmethod
    def _died():
        State.alive -= 1


def run_schedule(steps: int, snapshots: int):
    """Reverse a loop of `steps` steps; returns (forward steps, adjoint steps, vjp order, most states alive)."""
    calls = {"step": 0, "vjp": [], "alive": 0}

    def step(t, state, invariant):
        assert state.position == t and invariant == "invariant"
        calls["step"] += 1
        return State(t + 1)

    def step_vjp(seed, t, state, invariant):
        assert state.position == t and seed == ("cotangent", t + 1)
        calls["vjp"].append(t)
        calls["alive"] = max(calls["alive"], State.alive)
        return ("cotangent", t), 1.0

    *final, checkpoints = runtime.checkpointed_forward(step, range(steps), (State(0),), ("invariant",), snapshots)
    assert final[0].position == steps and calls["step"] == steps
    del final
    forward, spine = calls["step"], checkpoints[-1][0]
    calls["step"] = 0
    first, total = runtime.checkpointed_adjoint(step, step_vjp, range(steps), ("invariant",), checkpoints,
                                                (("cotangent", steps),), (0.0,))
    assert first == ("cotangent", 0) and total == float(steps) and not checkpoints
    return forward, calls["step"], spine, calls["vjp"], calls["alive"]


@pytest.mark.parametrize("snapshots", (0, 1, 2, 3, 5, 100))
def test_schedule_reverses_each_step_once_and_recomputes_the_least(snapshots):
    for steps in range(0, 45):
        forward, advances, spine, order, alive = run_schedule(steps, snapshots)
        repetitions = runtime.checkpoint_repetitions(steps, snapshots + 1)
        assert order == list(reversed(range(steps)))
        assert advances <= repetitions * steps
        assert spine + advances == fewest_advances(steps, snapshots + 1)
        assert alive <= snapshots + 2  # the stored states and the one being reversed


def test_schedule_on_a_long_loop():
    forward, advances, spine, order, alive = run_schedule(10_000, 20)
    assert forward == 10_000 and order == list(reversed(range(10_000)))
    repetitions = runtime.checkpoint_repetitions(10_000, 21)
    assert repetitions == 4
    assert spine + advances == repetitions * 10_000 - math.comb(21 + repetitions, 22)
    assert alive <= 22


def test_a_bad_snapshot_count_is_an_error():
    with pytest.raises(ValueError, match="snapshots must be a non-negative integer"):
        adjoint.grad(ck.for_range_horner)(0.5, 4, -1)


def test_memory_is_a_few_states_not_a_tape(rng):
    y0, A = normal(rng, 50), 0.1 * normal(rng, 50, 50)
    peaks = {}
    for name, func, args in (("checkpointed", ck.ode, (y0, A, 1000, 10)), ("plain", ck.ode_plain, (y0, A, 1000, 10))):
        gradient = adjoint.grad(func, wrt=(0, 1))
        gradient(y0, A, 3, 10)  # generate outside the measurement
        tracemalloc.start()
        gradient(*args)
        peaks[name] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peaks["checkpointed"] < 0.2 * peaks["plain"]


# ----- generated code ---------------------------------------------------------------------------------

def test_the_derivative_is_one_driver_call_and_readable_step_functions(rng):
    source = adjoint.source(ck.ode, wrt=(0, 1), args=(normal(rng, 4), normal(rng, 4, 4), 9, 2))

    def contains(fragment: str) -> bool:  # ignoring how lines are wrapped and indented
        return "".join(fragment.split()) in "".join(source.split())

    assert contains("y, _checkpoints1 = checkpointed_forward(ode_step, _range1, state=(y,), invariants=(A,), "
                    "snapshots=k, printed=(0,))")  # it calls a function of the user's: the vjp checks the step
    assert source.count("checkpointed_adjoint(") == 1
    assert contains("dy, dA = checkpointed_adjoint(ode_step, vjp_ode_step, _range1, invariants=(A,), "
                    "checkpoints=_checkpoints1, dstate=(dy,), dinvariants=(0.0,))")
    assert ("def ode_step(t, y, A):\n    # Body of: for t in adjoint.checkpointed(range(n), snapshots=k):\n"
            "    y = y + helper_drift(A, y, 0.1)\n    return y\n") in source
    assert "def vjp_ode_step(dy, t, y, A, *, _recomputed_print=None):" in source  # it checks its run again
    assert "# Grad of: y = y + helper_drift(A, y, 0.1)" in source
    assert "def fwd_helper_drift(" in source and "def bwd_helper_drift(" in source


DETERMINISM = """
import sys
sys.path.insert(0, {tests!r})
import adjoint, checkpoint_functions as ck
print(adjoint.source(ck.leapfrog, wrt=(0, 1, 2)))
print(adjoint.source(ck.nested_checkpointed))
"""


def test_generation_is_deterministic_across_hash_seeds():
    outputs = []
    for seed in ("0", "1"):
        environment = dict(os.environ, PYTHONHASHSEED=seed, ADJOINT_CACHE="0")
        script = DETERMINISM.format(tests=str(pathlib.Path(__file__).parent))
        outputs.append(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                      env=environment, check=True).stdout)
    assert outputs[0] == outputs[1] and "def vjp_leapfrog_step(" in outputs[0]


def test_a_checkpointed_derivative_is_cached_on_disk(cache_dir):
    options = Options("reverse", ("x",), True, (("x", "unknown"), ("n", "scalar"), ("k", "scalar")))
    before = dict(cache.STATISTICS)
    built = cache.generate_cached(ck.for_overwrite_carried_array, options, generate)
    loaded = cache.generate_cached(ck.for_overwrite_carried_array, options, generate)
    assert cache.STATISTICS["stores"] == before["stores"] + 1
    assert cache.STATISTICS["hits"] == before["hits"] + 1
    x = np.array([0.3, -0.4])
    assert_same(loaded.function(x, 5, 2), built.function(x, 5, 2))


# ----- what is refused, and where ----------------------------------------------------------------------

def marked_line(func) -> int:
    lines, first = inspect.getsourcelines(func)
    marked = [first + index for index, line in enumerate(lines) if "# <- refuse" in line]
    assert len(marked) == 1
    return marked[0]


REFUSED = [
    (ck.refuse_break, "`break` inside a checkpointed loop"),
    (ck.refuse_return, "`return` inside a checkpointed loop"),
    (ck.refuse_not_range, "must run over `range(...)`"),
    (ck.refuse_write_into_state, "may not write into `a`"),
    (ck.refuse_append, "may not write into `values`"),
    (ck.refuse_target_assigned, "may not assign its loop variable `t`"),
    (ck.refuse_target_after, "`t` of a checkpointed loop is read after the loop"),
    (ck.refuse_unbound, "`last` may be unassigned when the checkpointed loop starts"),
    (ck.refuse_marker_elsewhere, "marks a loop"),
]


@pytest.mark.parametrize("func, message", REFUSED, ids=lambda item: getattr(item, "__name__", ""))
def test_unsupported_loops_are_refused_at_their_line(func, message):
    with pytest.raises(adjoint.UnsupportedSyntaxError) as raised:
        adjoint.source(func)
    error = raised.value
    assert message in str(error)
    assert error.filename == inspect.getsourcefile(ck)
    assert error.lineno == marked_line(func)


def test_an_error_inside_the_body_names_the_users_line():
    with pytest.raises(adjoint.NonDifferentiableError) as raised:
        adjoint.source(ck.refuse_no_rule)
    error = raised.value
    assert error.filename == inspect.getsourcefile(ck)
    assert error.lineno == marked_line(ck.refuse_no_rule)
    assert "x = x + np.frexp(x)[0]" in str(error)


# ----- the stage and the analysis, against their docstrings ------------------------------------------

def docstring_block(module, title: str) -> str:
    return textwrap.dedent(re.search(title + r"::\n\n(.*?)(\n\n[A-Z]|\n$|$)", module.__doc__, re.S).group(1)) + "\n"


def test_the_stage_does_what_its_docstring_shows(tmp_path):
    path = tmp_path / "stage_example.py"
    body = textwrap.indent(docstring_block(stage, "Before"), "    ")
    path.write_text(f"import numpy as np\nimport adjoint\n\n\ndef f(y, A, n):\n{body}\n")
    spec = importlib.util.spec_from_file_location("stage_example", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    parsed = parse_function(module.f)
    stage.lift_checkpointed_loops(parsed, function_namer(parsed.node).fresh)
    after = textwrap.indent(docstring_block(stage, "After"), "    ")
    assert codegen.to_source(parsed.node) == "def f(y, A, n):\n" + after
    step = parsed.namespace["_step1"]
    assert step.__adjoint_source__.text == docstring_block(stage, "Step")
    assert stage.loop_of(step).carried == ("y",) and stage.loop_of(step).invariants == ("A",)
