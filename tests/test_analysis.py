"""Each analysis on its own, on small functions, as short dumps (in the manner of beniget's tests).

The analyses run on the normalized form (A-normal form: temporaries _t1, _t2, ..., loops over
`range` objects named _range1, ...); `normalized_source` shows that form where a dump needs it.
A dump is the fact an analysis gives the transforms: which names are active, the kind of each
name, which assignments are made more than once or in loops, which statements save the value
they overwrite, and what a loop carries from one iteration to the next.
"""
from __future__ import annotations

import math

import astor
import gast
import numpy as np
import pytest

import adjoint
from adjoint import nodes
from adjoint.ad.context import FunctionContext
from adjoint.ad.reverse import ReverseAD
from adjoint.analysis import analyze
from adjoint.backend import codegen
from adjoint.frontend.parse import parse_function
from adjoint.normalize.loop_state import loop_states
from adjoint.options import Mode
from adjoint.pipeline import Generation, normalize


def _analyzed(func, wrt, kinds):
    parsed, namer = normalize(func)
    generation = Generation()
    analysis = analyze(parsed, namer.exact, tuple(wrt), Mode.REVERSE, dict(kinds), generation.callee_kind,
                       generation.callee_facts)
    return parsed, namer, analysis, generation


def normalized_source(func) -> str:
    parsed, _ = normalize(func)
    return codegen.to_source(parsed.node)


def activity(func, wrt, **kinds) -> str:
    return " ".join(sorted(_analyzed(func, wrt, kinds)[2].activity.active))


def kinds_of(func, **kinds) -> str:
    inferred = _analyzed(func, (), kinds)[2].kinds
    return ", ".join(f"{name}: {kind}" for name, kind in sorted(inferred.items()))


def unstable(func, **kinds) -> str:
    """The names assigned more than once, in a loop, or written into: those a transform may
    not treat as values fixed for the whole call."""
    sites = _analyzed(func, (), kinds)[2].sites
    return " ".join(sorted(name for name in sites.counts if not sites.stable(name)))


def saves(func, wrt, **kinds) -> str:
    """The statements that push what they overwrite, one a line."""
    parsed, namer, analysis, generation = _analyzed(func, wrt, kinds)
    transformer = ReverseAD(FunctionContext(parsed, namer, analysis, generation.request))
    transformer.transform()
    saving = [stmt for stmt in nodes.statements(parsed.node) if transformer.saves.at(stmt)]
    return "\n".join(astor.to_source(gast.gast_to_ast(stmt)).strip() for stmt in saving)


def loop_state(func) -> str:
    """carried / invariants / maybe unbound of each loop of the function as written."""
    func_node = parse_function(func).node
    loops = [stmt for stmt in nodes.statements(func_node) if isinstance(stmt, gast.For)]
    states = loop_states(func_node, loops, nodes.local_names(func_node))
    return "\n".join(
        f"carried {' '.join(state.carried) or '-'}; invariants {' '.join(state.invariants) or '-'}; "
        f"maybe unbound {' '.join(state.maybe_unbound) or '-'}"
        for state in (states[loop] for loop in loops))


# ----- activity: what depends on the inputs and what the output depends on -------------------

def two_paths(x, y):
    a = x * y
    b = math.sin(x)
    c = 3.0 * 2.0
    return a + b + c


def test_a_constant_and_the_parameters_not_in_wrt_are_inactive():
    assert normalized_source(two_paths).splitlines()[4:6] == ["    _t1 = a + b", "    _t2 = _t1 + c"]
    assert activity(two_paths, ["x"]) == "_t1 _t2 a b x"
    assert activity(two_paths, ["y"]) == "_t1 _t2 a y"


def index_of_largest(x):
    i = np.argmax(x)
    scale = adjoint.stop_gradient(x[i])
    return np.sum(x) / scale


def test_non_differentiable_results_and_stopped_values_are_inactive():
    assert normalized_source(index_of_largest).splitlines()[1:5] == [
        "    i = np.argmax(x)", "    _t1 = x[i]", "    scale = adjoint.stop_gradient(_t1)", "    _t2 = np.sum(x)"]
    # x[i] feeds only stop_gradient: the output does not depend on it through a derivative
    assert activity(index_of_largest, ["x"]) == "_t2 _t3 x"


def unused_branch(x, flag):
    if flag > 0:
        y = x * x
    else:
        y = 2.0
    unused = x * 3.0
    return y + flag


def test_a_value_the_output_does_not_depend_on_is_inactive():
    assert activity(unused_branch, ["x"]) == "_t1 x y"


# ----- kinds: numbers, arrays of a known rank, lists --------------------------------------------

def mixed(x, W, n):
    h = np.zeros(3)
    rows = [x, x]
    k = len(rows)
    m = n * 2.0
    return np.sum(W @ h) * k + m


def test_kinds_follow_constructors_builtins_and_arithmetic_on_numbers():
    # np.zeros(3) gives a 1-D array, a full np.sum a number
    assert kinds_of(mixed, x="array:1", W="array:2", n="scalar") == (
        "W: array:2, _t1: unknown, _t2: scalar, _t3: scalar, _t4: scalar, h: array:1, k: scalar, "
        "m: scalar, n: scalar, rows: container, x: array:1")


def test_without_argument_kinds_only_literals_and_builtins_are_known():
    assert kinds_of(mixed) == (
        "W: unknown, _t1: unknown, _t2: scalar, _t3: scalar, _t4: unknown, h: array:1, k: scalar, "
        "m: unknown, n: unknown, rows: container, x: unknown")


def made(x, W, n):
    grid = np.zeros((n, 2))
    like = np.zeros_like(W)
    pair = np.array([n, 2.0 * n])
    copied = np.asarray(x)
    raised = np.array(x, ndmin=2)
    counted = np.ones(len(x))
    return grid, like, pair, copied, raised, counted


def test_makers_give_the_number_of_dimensions_their_call_shows():
    # (a shape given as a tuple is a list of numbers by the time kinds are inferred: its length is not known)
    kinds = dict(item.split(": ") for item in kinds_of(made, x="array:1", W="array:2", n="scalar").split(", "))
    assert {name: kinds[name] for name in ("grid", "like", "pair", "copied", "raised", "counted")} == {
        "grid": "array", "like": "array:2", "pair": "array:1", "copied": "array:1", "raised": "array",
        "counted": "array:1"}


# ----- assignment sites -----------------------------------------------------------------------

def accumulate(x, n):
    s = 0.0
    for i in range(n):
        s = s + x * i
    out = [s]
    out[0] = s * 2.0
    return out[0]


def test_names_assigned_in_loops_or_written_into_are_unstable():
    assert unstable(accumulate, x="scalar", n="scalar") == "_t1 _t2 i out s"


# ----- saves: what the primal sweep pushes for the adjoint sweep --------------------------------

def squaring(x):
    y = x
    for i in range(3):
        y = y * y
    return y


def test_a_value_overwritten_in_a_loop_and_read_by_its_adjoint_is_saved():
    # the adjoint of `_t1 = y * y` reads y, which `y = _t1` overwrites on the next iteration
    assert saves(squaring, ["x"], x="scalar") == "y = _t1"


def sines(x, n):
    y = 1.0
    for i in range(n):
        y = math.sin(y * x)
    return y


def test_a_cheap_scalar_is_recomputed_from_a_saved_value_instead_of_saved():
    # `_t1 = y * x` is recomputed in the adjoint of `y = math.sin(_t1)`, once y is restored
    assert normalized_source(sines).splitlines()[4:6] == ["        _t1 = y * x", "        y = math.sin(_t1)"]
    assert saves(sines, ["x"], x="scalar", n="scalar") == "y = math.sin(_t1)"


def linear_loop(x, n):
    s = 0.0
    for i in range(n):
        s = s + x * i
    return s


def test_nothing_is_saved_where_adjoints_read_only_stable_values_and_the_loop_index():
    assert saves(linear_loop, ["x"], x="scalar", n="scalar") == ""


def branch(x, flag):
    if flag > 0:
        y = x * x
    else:
        y = 2.0
    return y + flag


def test_an_assignment_made_once_per_call_is_not_saved():
    assert saves(branch, ["x"], x="scalar", flag="scalar") == ""


# ----- loop states: what a (checkpointed) loop carries ------------------------------------------

def simulate(state, rate, steps):
    velocity = 0.0
    for t in range(steps):
        force = -rate * state
        velocity = velocity + force
        state = state + velocity
    return state


def test_a_loop_carries_what_it_assigns_and_reads_again_and_takes_the_rest_as_invariants():
    assert loop_state(simulate) == "carried state velocity; invariants rate; maybe unbound -"


def late_start(x, steps):
    for t in range(steps):
        if t > 0:
            y = y * x
        else:
            y = x
    return y


def test_a_carried_name_the_loop_may_read_before_any_assignment_is_maybe_unbound():
    assert loop_state(late_start) == "carried y; invariants x; maybe unbound y"


@pytest.mark.parametrize("func", [two_paths, index_of_largest, mixed, accumulate, squaring, sines, simulate])
def test_the_analyses_leave_the_function_as_it_was(func):
    before = normalized_source(func)
    _analyzed(func, (), {})
    assert normalized_source(func) == before
