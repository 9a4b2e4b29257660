"""The statement facts the optimizer keeps from one pass to the next are the facts of the
statements as they are: every pass that changes a statement in place says so (`forget`).

Over every catalogue case and mode, each kept answer is checked against the statement walked
afresh when a pass asks for it again, and the derivative of the generation benchmark's 50-line
functions too.
"""
from __future__ import annotations

import weakref

import numpy as np
import pytest

import adjoint
from adjoint import api
from adjoint.optimize import statements
from catalogue import CASES

MODES = ("reverse", "value_and_grad", "vjp", "forward")


@pytest.fixture
def checked_facts(monkeypatch):
    """TreeFacts.summary, comparing each kept summary with a fresh one, with every derivative
    generated anew (no cache); gives the count of checks."""
    monkeypatch.setenv("ADJOINT_CACHE", "0")
    monkeypatch.setattr(api, "_GENERATED", weakref.WeakKeyDictionary())
    asked = {"kept": 0}
    plain_summary = statements.TreeFacts.summary

    def summary(self, stmt):
        kept = self.known.get(id(stmt))
        answer = plain_summary(self, stmt)
        if kept is not None:
            asked["kept"] += 1
            assert _found(answer) == _found(statements.Summary(stmt)), statements.gast.dump(stmt)
        return answer

    monkeypatch.setattr(statements.TreeFacts, "summary", summary)
    return asked


def _found(summary: statements.Summary) -> tuple:
    """What a summary says of its statement (its calls by identity)."""
    return (summary.reads, summary.assigns, summary.loads, summary.stores, [id(call) for call in summary.calls],
            summary.effect, summary.container, summary.item_store)


@pytest.mark.slow
def test_kept_statement_facts_hold_over_the_catalogue(checked_facts):
    _generate_catalogue()
    assert checked_facts["kept"] > 1000


@pytest.mark.parametrize("kind", ["scalar", "numpy"])
def test_kept_statement_facts_hold_on_long_functions(checked_facts, tmp_path, kind):
    import importlib.util

    from benchmarks.generation import MODULE_HEADER, numpy_source, scalar_source

    path = tmp_path / f"long_{kind}.py"
    path.write_text(MODULE_HEADER + (scalar_source(120) if kind == "scalar" else numpy_source(120)))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    adjoint.source(module.f, wrt=(0, 1, 2, 3) if kind == "scalar" else 0,
                   args=(0.3, -0.7, 1.1, 0.5) if kind == "scalar" else
                   (np.ones((8, 8)) * 0.1, np.ones(8) * 0.1, np.ones((4, 8))))
    assert checked_facts["kept"] > 100


def _generate_catalogue() -> None:
    for case in CASES:
        args = case.make_args(np.random.default_rng(0))
        for mode in MODES:
            adjoint.source(case.fn, mode=mode, wrt=case.wrt, args=args)


def _sources(requests) -> list:
    return [adjoint.source(fn, mode=mode, wrt=wrt, args=args) for fn, mode, wrt, args in requests]


@pytest.mark.slow
def test_what_passes_settle_is_what_they_would_find_again(monkeypatch, tmp_path):
    """A pass skips the statements (and stretches of blocks) it left as they were and nobody
    changed since (`TreeFacts.settled_for`): the generated code is the code of passes that look
    at everything on every run, over the catalogue and the benchmark's long functions."""
    import importlib.util

    from benchmarks.generation import MODULE_HEADER, numpy_source, scalar_source

    monkeypatch.setenv("ADJOINT_CACHE", "0")
    requests = [(case.fn, mode, case.wrt, case.make_args(np.random.default_rng(0)))
                for case in CASES for mode in MODES]
    for kind, source in (("scalar", scalar_source(120)), ("numpy", numpy_source(120))):
        path = tmp_path / f"settled_{kind}.py"
        path.write_text(MODULE_HEADER + source)
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        args = (0.3, -0.7, 1.1, 0.5) if kind == "scalar" else (np.ones((8, 8)) * 0.1, np.ones(8) * 0.1, np.ones((4, 8)))
        requests.append((module.f, "reverse", (0, 1, 2, 3) if kind == "scalar" else 0, args))
    monkeypatch.setattr(api, "_GENERATED", weakref.WeakKeyDictionary())
    settling = _sources(requests)
    monkeypatch.setattr(api, "_GENERATED", weakref.WeakKeyDictionary())
    monkeypatch.setattr(statements.TreeFacts, "settled_for", lambda self, pass_name: {})  # remembers nothing
    assert _sources(requests) == settling


@pytest.mark.slow
def test_kept_blocks_are_the_blocks_of_the_tree(monkeypatch):
    """The blocks a pass is handed while no pass reported a change are the statement lists in the
    tree (a pass that drops a statement from a list the tree no longer holds keeps it in the code)."""
    monkeypatch.setenv("ADJOINT_CACHE", "0")
    monkeypatch.setattr(api, "_GENERATED", weakref.WeakKeyDictionary())
    plain_blocks = statements.Unchanged.blocks
    asked = {"blocks": 0}

    def blocks(self, tree):
        kept = plain_blocks(self, tree)
        fresh = list(statements.nodes.blocks(tree))
        assert len(kept) == len(fresh) and all(a is b for a, b in zip(kept, fresh))
        asked["blocks"] += 1
        return kept

    monkeypatch.setattr(statements.Unchanged, "blocks", blocks)
    _generate_catalogue()
    assert asked["blocks"] > 1000


@pytest.mark.slow
def test_kept_counts_are_the_counts_of_the_tree(monkeypatch):
    """The counts of names kept from one pass to the next (through the passes that keep them up
    to date as they change the tree: inline, copies) are those of the tree as it is, whenever a
    pass asks for them, over the catalogue in every mode."""
    monkeypatch.setenv("ADJOINT_CACHE", "0")
    monkeypatch.setattr(api, "_GENERATED", weakref.WeakKeyDictionary())
    plain_counts = statements.Unchanged.counts
    asked = {"kept": 0}

    def counts(self, tree):
        kept = self._counts is not None
        loads, stores = plain_counts(self, tree)
        if kept:
            fresh_loads, fresh_stores = statements.counts(tree)
            assert +loads == fresh_loads and +stores == fresh_stores  # (+: without the names counted 0)
            asked["kept"] += 1
        return loads, stores

    monkeypatch.setattr(statements.Unchanged, "counts", counts)
    _generate_catalogue()
    assert asked["kept"] > 100
