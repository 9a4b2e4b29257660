"""`adjoint gen` on the collected programs: each module written runs where adjoint cannot be imported
and gives, bit for bit, what adjoint's own derivative gives in this process (tests/standalone_sweep.py).

A sample of every file of programs, in every mode, each file's modules run in one process: records
(NamedTuples, dataclasses, plain classes built in the function), generators, closures and lambdas,
functools.partial and reduce, comprehensions, dict and list parameters, scipy.special and scipy.stats,
checkpointed loops, user functions calling user functions. `python tests/standalone_sweep.py` runs
every function of the test tables (some minutes).

What was wrong (each test below): a silent wrong tangent of arithmetic on records with their own
operators; modules that did not import or run (a record class written twice, or without a body);
refusals of scipy functions imported in the function's body, of a method of an object the module
holds, of default values that are arrays or tuples of numbers.
"""
from __future__ import annotations

import importlib

import pytest

import probe37_programs
import probe38_programs
import probe39_programs
import probe40_programs
import test_probe37_programs
import test_probe38_programs
import test_probe39_programs
import test_probe40_programs
from standalone_sweep import TABLES, cases_from_tables, run_all

# a file of programs: the functions sampled
SAMPLE = {
    "probe30_programs": ["hmm_forward", "sinkhorn"],
    "probe34_programs": ["closures_reduce_itertools", "polynomial_object"],
    "probe35_programs": ["springs", "kw_only"],
    "probe36_programs": ["list_accumulators", "chebyshev_series"],
    "probe37_programs": ["partial_penalty", "reductions"],
    "probe38_programs": ["generator_function", "checkpointed_network", "frozen_distributions"],
    "probe39_programs": ["namedtuple_with_add", "param_dict_training"],
    "probe40_programs": ["partial_application", "dataclass_layers"],
    "second37_programs": ["logistic_nll", "expit_xlogy"],
    "surface37_programs": ["gp_nll", "mlp_loss", "batches_loss"],
    "compose36_programs": ["contraction_fixed_point"],
    "forward38_programs": ["partial_inside", "dict_argument", "list_argument"],
    "record_chains_programs": ["mlp", "from_a_dict"],
    "container_programs": ["layers_loss"],
    "scientific_programs": ["svd_low_rank_loss"],
    "scipy_programs": ["mixture_log_likelihood"],
    "function_programs": ["comprehension_mlp"],
}


@pytest.mark.parametrize("file", sorted(SAMPLE))
def test_modules_of_a_sample_of_the_programs_give_adjoints_numbers(file, tmp_path):
    programs = importlib.import_module(file)
    names = SAMPLE[file]
    cases = _cases(programs, importlib.import_module(TABLES[file]), set(names))
    assert {case.name for case in cases} == set(names), "a sampled function left the test tables"
    outcomes = run_all(programs, cases, tmp_path)
    assert [outcome for outcome in outcomes if outcome.kind != "same"] == []
    assert len(outcomes) >= 4 * len(cases)


def _cases(programs, tests, names):
    return [case for case in cases_from_tables(programs, tests) if case.name in names]


def test_a_class_the_function_builds_is_written_once(tmp_path):
    """integrator_object builds an Integrator and calls its method: both derivatives check the
    record's class by identity."""
    outcomes = run_all(probe38_programs, _cases(probe38_programs, test_probe38_programs, {"integrator_object"}),
                       tmp_path)
    assert [outcome.kind for outcome in outcomes] == ["same"] * 4, outcomes


def test_arithmetic_on_a_parameter_that_may_be_a_record_with_its_own_operators(tmp_path):
    """record_parameters_added adds two Intervals whose `__add__` is not fieldwise: adjoint calls the
    method where it knows the arguments; a module written without them gave a wrong tangent (and
    failed in reverse mode). The module refuses such an operand where the derivative runs."""
    outcomes = run_all(probe39_programs, _cases(probe39_programs, test_probe39_programs, {"record_parameters_added"}),
                       tmp_path)
    assert [outcome.kind for outcome in outcomes] == ["refused-at-run-time"] * 4, outcomes
    assert all("__add__" in outcome.detail and "probe39_programs.py:" in outcome.detail for outcome in outcomes)


def test_an_object_without_fields_the_function_builds(tmp_path):
    """stateless_helper_object builds a Centering, which sets no attribute: its record class, written
    without a field, had no body (a SyntaxError on import); stateful_accumulator's Counter is read under
    two names."""
    names = {"stateless_helper_object", "stateful_accumulator"}
    outcomes = run_all(probe40_programs, _cases(probe40_programs, test_probe40_programs, names), tmp_path)
    assert [outcome.kind for outcome in outcomes] == ["same"] * 8, outcomes


def test_scipy_functions_imported_in_the_functions_body(tmp_path):
    """`from scipy.special import ndtr` (a ufunc, which has no module of its own to import it from) and
    `from scipy.stats import norm` in the function's body were refused as not importable by name; the
    module imports them as the function does."""
    names = {"black_scholes_ndtr", "black_scholes_put_norm"}
    outcomes = run_all(probe37_programs, _cases(probe37_programs, test_probe37_programs, names), tmp_path,
                       modes=("reverse", "forward"))
    assert [outcome.kind for outcome in outcomes] == ["same"] * 4, outcomes


def test_a_method_of_an_object_the_module_holds(tmp_path):
    """RIDGE.loss(w, x, y) and DECAY.density: the method's derivative reads `self`, which the module
    imports by the global name holding the object; it was refused as not importable."""
    outcomes = run_all(probe38_programs, _cases(probe38_programs, test_probe38_programs, {"ridge_method_loss"}),
                       tmp_path / "ridge", modes=("reverse", "forward"))
    outcomes += run_all(probe37_programs, _cases(probe37_programs, test_probe37_programs, {"integrands_of_every_kind"}),
                        tmp_path / "decay", modes=("vjp", "value_and_grad"))
    assert [outcome.kind for outcome in outcomes] == ["same"] * 4, outcomes


def test_default_values_that_are_arrays_or_tuples_of_numbers(tmp_path):
    """`t=np.linspace(0.0, 1.0, 6)` and `brackets=((10.0, 0.1), ..., (math.inf, 0.35))`: the derivative
    reads the values the defaults had when `def` ran, which were refused as not importable by name; the
    module writes them exactly (float('inf') too)."""
    names = {"polyfit_curvature", "piecewise_tax", "repeated_index_accumulate"}
    outcomes = run_all(probe38_programs, _cases(probe38_programs, test_probe38_programs, names), tmp_path,
                       modes=("reverse", "forward"))
    assert [outcome.kind for outcome in outcomes] == ["same"] * 6, outcomes


def test_the_warning_names_the_object_imported_for_self(tmp_path, capsys):
    from adjoint.cli import main

    assert main(["gen", f"{probe38_programs.__file__}:ridge_method_loss", "-o", str(tmp_path / "grad_ridge.py")]) == 0
    assert "imports RIDGE (as self) from probe38_programs, which imports adjoint" in capsys.readouterr().err
