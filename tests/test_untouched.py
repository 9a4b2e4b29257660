"""analysis/untouched.py: where it says a function has nothing in place, the full in-place checks
of analysis/aliases.py find nothing either and leave the call classifier as they found it (the
rules and dependencies it noted, what it knows of each callee), over the whole catalogue in
reverse and forward mode; and it does not say so of functions that write in place, append or
call user code."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import adjoint
import adjoint.pipeline as pipeline
from adjoint import analysis
from adjoint.analysis.aliases import analyze_aliases

from catalogue import CASES


def _classifier_state(classifier):
    return (dict(classifier.rules_used), list(classifier.dependencies), dict(classifier._callees),
            dict(classifier._rule_names))


def test_untouched_functions_have_nothing_for_the_full_checks(monkeypatch):
    """The full checks run beside each shortcut taken, and are compared."""
    taken = {"untouched": 0, "checked": 0}
    original_analyze = analysis.analyze
    original = analysis.nothing_in_place

    def watched(parsed, classifier):
        untouched = original(parsed, classifier)
        taken["untouched" if untouched else "checked"] += 1
        return untouched

    def analyze(parsed, fresh_name, wrt, mode, kinds, callee_kind, callee_facts, residuals=analysis.NO_FACTS,
                inferred=None, kinds_of_values=True, without_values=False):
        result = original_analyze(parsed, fresh_name, wrt, mode, kinds, callee_kind, callee_facts, residuals,
                                  inferred, kinds_of_values, without_values)
        if original(parsed, result.classifier) and not result.aliases.guards:
            before = _classifier_state(result.classifier)
            full = analyze_aliases(parsed, result.kinds, result.classifier, result.activity, callee_facts, residuals)
            assert (full.sharing, full.mutated, full.guards) == ({}, set(), {}), parsed.node.name
            assert _classifier_state(result.classifier) == before, parsed.node.name
        return result

    monkeypatch.setattr(analysis, "nothing_in_place", watched)
    monkeypatch.setattr(pipeline, "analyze", analyze)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for case in CASES:
            args = case.make_args(np.random.default_rng(0))
            for mode in ("reverse", "forward"):
                try:
                    adjoint.source(case.fn, mode=mode, wrt=case.wrt, optimize=False, args=args)
                except adjoint.AdjointError:
                    pass
    assert taken["untouched"] > 100 and taken["checked"] > 50, taken


def _writes_in_place(x):
    y = np.array([x, x])
    y[0] = 2.0 * x
    return np.sum(y)


def _helper(v):
    return v * v


def _calls_user_code(x):
    return _helper(x) + 1.0


def _appends(x):
    values = []
    values.append(x)
    return values[0] * x


@pytest.mark.parametrize("fn", [_writes_in_place, _calls_user_code, _appends])
def test_functions_with_something_in_place_are_checked(fn, monkeypatch):
    answers = []
    original = analysis.nothing_in_place

    def watched(parsed, classifier):
        answers.append((parsed.node.name, original(parsed, classifier)))
        return answers[-1][1]

    monkeypatch.setattr(analysis, "nothing_in_place", watched)
    adjoint.source(fn, args=(0.5,))
    assert answers and answers[0] == (fn.__name__, False), answers
