"""The rule table, the test specs and the coverage table agree.

Every NumPy rule has a spec in rule_specs.py (so test_rules.py checks it), every spec
names a function with both an adjoint and a tangent, every adjoint has a tangent, and
docs/numpy.md is what `python -m adjoint.coverage` generates from the rules.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import adjoint
from adjoint.coverage import coverage_table, numpy_functions, spelling
from adjoint.rules import HAS_SCIPY
from adjoint.rules.table import ADJOINTS, TANGENTS
from rule_specs import SPECS

COVERAGE = Path(__file__).resolve().parent.parent / "docs" / "numpy.md"


def test_every_numpy_rule_has_a_spec() -> None:
    specified = {spec.func for spec in SPECS}
    missing = sorted(spelling(func) for func in numpy_functions() if func not in specified)
    assert not missing, f"NumPy rules without a RuleSpec in tests/rule_specs.py: {missing}"


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.id or spec.call or spelling(spec.func))
def test_every_spec_has_both_rules(spec) -> None:
    assert spec.func in ADJOINTS, f"{spelling(spec.func)} has a spec but no adjoint rule"
    assert spec.func in TANGENTS, f"{spelling(spec.func)} has a spec but no tangent rule"


def test_every_adjoint_has_a_tangent() -> None:
    adjoints, tangents = set(ADJOINTS.functions()), set(TANGENTS.functions())
    assert not adjoints - tangents, f"adjoints without a tangent: {sorted(map(repr, adjoints - tangents))}"
    assert not tangents - adjoints, f"tangents without an adjoint: {sorted(map(repr, tangents - adjoints))}"


def test_at_least_120_numpy_functions_and_operators() -> None:
    assert len(numpy_functions()) >= 120


def test_coverage_table_matches_the_rules() -> None:
    if not HAS_SCIPY:
        pytest.skip("docs/numpy.md lists the SciPy rules, which are registered when SciPy is installed")
    if sys.version_info < (3, 11) or np.lib.NumpyVersion(np.__version__) < "2.4.0":
        pytest.skip("docs/numpy.md is generated with Python >= 3.11 and NumPy >= 2.4, whose functions it lists "
                    "(math.cbrt and math.exp2; np.cumulative_sum, and no np.trapz)")
    expected = coverage_table()
    assert COVERAGE.read_text() == expected, (
        "docs/numpy.md is stale: regenerate it with `python -m adjoint.coverage > docs/numpy.md`"
    )


def test_coverage_table_lists_every_rule() -> None:
    table = coverage_table()
    for func in numpy_functions():
        assert f"| `{spelling(func)}` | yes | yes |" in table


def test_registering_a_rule_changes_the_table() -> None:
    before = coverage_table()
    with ADJOINTS.scoped(), TANGENTS.scoped():
        # A template defined in a NumPy family module would be listed; one defined here is not.
        assert coverage_table() == before
        adjoint.register_adjoint(np.fft.hfft)(ADJOINTS.template(np.exp).rule)
        adjoint.register_tangent(np.fft.hfft)(TANGENTS.template(np.exp).rule)
        assert "`np.fft.hfft`" in coverage_table()
    assert coverage_table() == before
