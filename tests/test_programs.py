"""The acceptance corpus of issues 13 and 14: realistic NumPy/SciPy programs, differentiated as written.

Each module of tests/programs/ is a program written the way users write them (parameter
dicts, lists of (W, b) pairs, NamedTuples, closures, lambdas, comprehensions, scipy.stats and
scipy.special calls). For each, adjoint's gradient is checked against central differences of
the flattened parameters (values and container structure too), against autograd running the
same source with only the import lines switched, and for unchanged inputs. A program adjoint
does not differentiate yet is a strict xfail naming what stops it (the first construct is
the one measured; "also" lists what reading the program shows it needs next), so a landing
feature must remove its mark. `python -m tests.programs` prints the same measurements as a table.
"""
from __future__ import annotations

import os

import numpy as np
import pytest

import adjoint
import program_corpus as corpus

# ----- what stops each program today ------------------------------------------------------

NOT_YET: dict = {
    "gradient_boosted_stumps": "`make_stump(stump, feature)(x)` calls a closure a call returns (refused)",
    "image_denoising": "`inner = u[1:-1, 1:-1]; inner -= ...` writes through a view and reads u afterwards (refused)",
    "pharmacokinetics": "`samples.append(state[0])` then `state[:1] += ...`: the rank of `state`, rebound from a "
                        "user function's result, is not known, so state[0] may be a view (refused)",
    "transformer_block": "`layer_norm(x, **params['ln1'])`: `**` unpacking in a call (refused)",
}

# Programs whose failure today is not an AdjointError at a line of the program's own file.
BLAMES_ELSEWHERE: dict = {}

# jvp stops where grad stops; an objective returning (loss, aux) is not measured in forward mode ("n/a").
NOT_YET_FORWARD = dict(NOT_YET)

NOT_YET_SECOND_ORDER = dict(NOT_YET_FORWARD)


def programs(known_failures):
    return [pytest.param(name, id=name, marks=pytest.mark.xfail(strict=True, reason=known_failures[name]))
            if name in known_failures else pytest.param(name, id=name)
            for name in corpus.program_names()]


def test_the_tables_name_only_programs_of_the_corpus() -> None:
    names = set(corpus.program_names())
    assert set(NOT_YET) <= names and set(BLAMES_ELSEWHERE) <= names


# ----- the corpus itself: written as the programs' users write them, and correct ----------

@pytest.mark.parametrize("name", corpus.program_names())
def test_program_reads_like_a_user_program(name) -> None:
    with open(corpus.program_path(name), encoding="utf-8") as file:
        lines = file.read().splitlines()
    assert "import numpy as np" in lines
    assert 20 <= len(lines) <= 80, f"{len(lines)} lines"
    assert callable(corpus.load(name).make)


@pytest.mark.peers
@pytest.mark.parametrize("name", corpus.peer_program_names())
def test_autograd_on_the_same_source_agrees_with_central_differences(name) -> None:
    pytest.importorskip("autograd")
    np.testing.assert_allclose(corpus.autograd_gradient(name), corpus.central(name), **corpus.CENTRAL_TOLERANCE)


# ----- adjoint on the corpus ----------------------------------------------------------------

@pytest.mark.parametrize("name", corpus.program_names())
def test_no_derivative_of_a_program_is_silently_wrong(name) -> None:
    """Never marked xfail: a program may be refused today, but what adjoint returns must be right."""
    for measured in (corpus.measure(name), corpus.measure_jvp(name), corpus.measure_hvp(name)):
        assert measured.status != "wrong", measured.detail


@pytest.mark.parametrize("name", programs(NOT_YET))
def test_gradient_matches_central_differences(name) -> None:
    measurement = corpus.measure(name)
    assert measurement.status in ("exact", "wrong"), measurement.detail
    assert measurement.value_ok and measurement.central_ok, measurement.detail


@pytest.mark.peers
@pytest.mark.parametrize("name", [p for p in programs(NOT_YET) if p.values[0] in corpus.peer_program_names()])
def test_gradient_matches_autograd_on_the_same_source(name) -> None:
    pytest.importorskip("autograd")
    measurement = corpus.measure(name)
    assert measurement.status in ("exact", "wrong"), measurement.detail
    assert measurement.autograd_ok, measurement.detail


@pytest.mark.parametrize("name", programs(NOT_YET))
def test_inputs_are_unchanged(name) -> None:
    measurement = corpus.measure(name)
    assert measurement.status in ("exact", "wrong"), measurement.detail
    assert measurement.unmutated, measurement.detail


@pytest.mark.parametrize("name", programs(NOT_YET_FORWARD))
def test_jvp_matches_directional_differences(name) -> None:
    measurement = corpus.measure_jvp(name)
    assert measurement.status in ("exact", "n/a"), measurement.detail


@pytest.mark.peers
@pytest.mark.parametrize("name", programs(NOT_YET_SECOND_ORDER))
def test_hvp_matches_differences_of_autograds_gradient(name) -> None:
    pytest.importorskip("autograd")
    measurement = corpus.measure_hvp(name)
    assert measurement.status in ("exact", "n/a"), measurement.detail


@pytest.mark.parametrize("name", programs(BLAMES_ELSEWHERE))
def test_a_refusal_names_a_line_of_the_program(name) -> None:
    """Where adjoint refuses a program, the AdjointError points into the program's own file."""
    measurement = corpus.measure(name)
    if measurement.status in ("exact", "wrong"):
        return
    assert measurement.status == "refused", measurement.detail
    assert measurement.names_own_line, measurement.detail


HVP_BLAMES_ELSEWHERE: dict = {}


@pytest.mark.peers
@pytest.mark.parametrize("name", programs(HVP_BLAMES_ELSEWHERE))
def test_an_hvp_refusal_names_a_line_of_the_program(name) -> None:
    pytest.importorskip("autograd")
    measurement = corpus.measure_hvp(name)
    if measurement.status in ("exact", "wrong", "n/a"):
        return
    assert measurement.status == "refused", measurement.detail
    assert measurement.names_own_line, measurement.detail


def test_autograd_copy_changes_only_import_lines() -> None:
    source = "import numpy as np\nfrom scipy.special import logsumexp\nx = np.sum(np.ones(2))\n"
    assert corpus.autograd_source(source).splitlines() == [
        "import autograd.numpy as np", "from autograd.scipy.special import logsumexp", "x = np.sum(np.ones(2))"]
    assert os.path.isdir(corpus.PROGRAMS_DIR)


# ----- the harness on itself ------------------------------------------------------------------

def test_a_wrong_gradient_or_structure_is_reported_as_wrong() -> None:
    program = corpus.instantiate("logistic_regression", corpus.load("logistic_regression"))
    value = program.objective(*program.args)
    wrong = corpus._compare(program, list(program.args), value, None, np.zeros(4))
    assert wrong.status == "wrong" and not wrong.central_ok, wrong.detail
    listed = corpus._compare(program, list(program.args), value, None, list(np.zeros(4)))
    assert listed.status == "wrong" and "is a list" in listed.detail, listed.detail


def test_flattening_keeps_container_types_and_dict_order() -> None:
    params = {"z": (np.ones(2), 3.0), "a": [np.zeros((2, 1))]}
    rebuilt = corpus.with_flat(params, corpus.flat(params) + 1.0)
    assert list(rebuilt) == ["z", "a"] and isinstance(rebuilt["z"], tuple) and type(rebuilt["z"][1]) is float
    assert corpus.structure_mismatch(params, rebuilt) is None
    assert corpus.structure_mismatch(params, {"a": rebuilt["a"], "z": rebuilt["z"]}) is not None
    np.testing.assert_array_equal(corpus.flat(rebuilt), corpus.flat(params) + 1.0)


# ----- what the corpus found in adjoint -------------------------------------------------------

def read_entries(p):
    return p["a"] * 2.0 + np.sum(p["w"] ** 2)


def unpack_entry(p):
    W, b = p["layer"]
    return np.sum(W * b)


def entries_of_a_list(ps):
    return ps[0]["a"] * ps[1]["a"]


DICT_READS = [
    (read_entries, lambda: {"a": 1.5, "w": np.array([1.0, 2.0])}),
    (unpack_entry, lambda: {"layer": (np.ones((2, 2)), np.array([1.0, 2.0]))}),
    (entries_of_a_list, lambda: [{"a": 2.0}, {"a": 3.0}]),
]


@pytest.mark.parametrize("fn, make_arg", DICT_READS, ids=[fn.__name__ for fn, _ in DICT_READS])
def test_jvp_reads_the_tangent_of_a_dict_entry(fn, make_arg) -> None:
    """A dict's tangent was taken for the symbolic zero: jvp returned 0.0 (found by unrolled_optimization)."""
    arg = make_arg()
    direction = np.arange(1.0, corpus.flat(arg).size + 1)
    tangent = corpus.with_flat(arg, direction)
    expected = (fn(corpus.with_flat(arg, corpus.flat(arg) + 1e-6 * direction))
                - fn(corpus.with_flat(arg, corpus.flat(arg) - 1e-6 * direction))) / 2e-6
    value, got = adjoint.jvp(fn)(arg, tangent)
    assert value == pytest.approx(fn(arg)) and got == pytest.approx(expected, rel=1e-6)


def sum_over_items(x, collection):
    total = 0.0
    for item in collection:
        total = total + x * item
    return total


def test_a_loop_over_a_dict_iterates_its_keys() -> None:
    table = {0: 5, 1: 7}
    value, gradient = adjoint.value_and_grad(sum_over_items)(2.0, table)
    assert (value, gradient) == (sum_over_items(2.0, table), 1.0)


def test_a_loop_over_a_set_argument_is_refused_where_it_runs() -> None:
    with pytest.raises(adjoint.AdjointError, match="iterates over a set"):
        adjoint.value_and_grad(sum_over_items)(2.0, {3.0, 4.0})


def over_a_set_literal(x):
    total = 0.0
    for k in {1.0, 3.0, 7.0}:
        total = total + np.sin(k * x)
    return total


def over_a_name_bound_to_a_set(x):
    ks = {1.0, 3.0}
    total = 0.0
    for k in ks:
        total = total + k * x
    return total


def test_a_loop_over_a_set_literal_is_exact() -> None:
    value, gradient = adjoint.value_and_grad(over_a_set_literal)(0.4)
    assert value == over_a_set_literal(0.4)
    assert gradient == pytest.approx(sum(k * np.cos(k * 0.4) for k in (1.0, 3.0, 7.0)), rel=1e-12)
    with pytest.raises(adjoint.AdjointError, match="iterates over a set"):
        adjoint.grad(over_a_name_bound_to_a_set)(0.4)
