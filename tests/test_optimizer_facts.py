"""The statement facts the optimizer keeps from one pass to the next are the facts of the
statements as they are: every pass that changes a statement in place says so (`forget`).

Over every catalogue case and mode, each kept answer is checked against the statement walked
afresh when a pass asks for it again, and the derivative of the generation benchmark's long
functions too; the same generation is the reference for the code of passes that remember less.
"""
from __future__ import annotations

import weakref

import numpy as np
import pytest

import adjoint
from adjoint import api
from adjoint.optimize import statements
from catalogue import CASES
from test_optimizer_from_scratch import keeping_nothing, long_requests, sources

MODES = ("reverse", "value_and_grad", "vjp", "forward")


def _check_summaries(monkeypatch) -> dict:
    """TreeFacts.summary, comparing each kept summary with a fresh one; gives the count of checks."""
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


def _check_blocks(monkeypatch) -> dict:
    """The blocks a pass is handed while no pass reported a change are the statement lists in the
    tree (a pass that drops a statement from a list the tree no longer holds keeps it in the code)."""
    plain_blocks = statements.Unchanged.blocks
    asked = {"blocks": 0}

    def blocks(self, tree):
        kept = plain_blocks(self, tree)
        fresh = list(statements.nodes.blocks(tree))
        assert len(kept) == len(fresh) and all(a is b for a, b in zip(kept, fresh))
        asked["blocks"] += 1
        return kept

    monkeypatch.setattr(statements.Unchanged, "blocks", blocks)
    return asked


def _check_counts(monkeypatch) -> dict:
    """The counts of names kept from one pass to the next (through the passes that keep them up
    to date as they change the tree: inline, copies) are those of the tree as it is, whenever a
    pass asks for them."""
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
    return asked


@pytest.fixture
def checked_facts(monkeypatch):
    """Kept summaries checked (`_check_summaries`), with every derivative generated anew (no cache)."""
    monkeypatch.setenv("ADJOINT_CACHE", "0")
    monkeypatch.setattr(api, "_GENERATED", weakref.WeakKeyDictionary())
    return _check_summaries(monkeypatch)


def _found(summary: statements.Summary) -> tuple:
    """What a summary says of its statement (its calls by identity)."""
    return (summary.reads, summary.assigns, summary.loads, summary.stores, [id(call) for call in summary.calls],
            summary.effect, summary.container, summary.item_store)


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


@pytest.mark.slow
def test_kept_answers_hold_over_the_catalogue_and_passes_remembering_less_make_the_same_code(monkeypatch, tmp_path):
    """The catalogue in every mode and the benchmark's long functions, generated once with every
    answer the optimizer keeps checked against the tree as it is whenever a pass asks for it: each
    statement's summary, the blocks, the counts of names (`_check_summaries`, `_check_blocks`,
    `_check_counts`; one generation for the three, which only look). Then generated again twice,
    each time the same code:

    - by passes that remember no statement or stretch of blocks they settled
      (`TreeFacts.settled_for`): a pass skips the statements it left as they were and nobody
      changed since, so it finds what it would find again;
    - by an optimizer that keeps nothing and looks at everything afresh on every ask
      (test_optimizer_from_scratch.py, which does the same over the fuzzer's programs).
    """
    monkeypatch.setenv("ADJOINT_CACHE", "0")
    requests = [(case.fn, mode, case.wrt, case.make_args(np.random.default_rng(0)))
                for case in CASES for mode in MODES] + long_requests(tmp_path)
    with pytest.MonkeyPatch.context() as checking:
        summaries, blocks, counts = (check(checking) for check in (_check_summaries, _check_blocks, _check_counts))
        kept = sources(monkeypatch, requests)
    assert summaries["kept"] > 1000 and blocks["blocks"] > 1000 and counts["kept"] > 100, (summaries, blocks, counts)
    assert [source for source in kept if source.startswith("refused")] == []
    with pytest.MonkeyPatch.context() as forgetting:
        forgetting.setattr(statements.TreeFacts, "settled_for", lambda self, pass_name: {})  # remembers nothing
        assert sources(monkeypatch, requests) == kept
    with pytest.MonkeyPatch.context() as keeping_none:
        keeping_nothing(keeping_none)
        assert sources(monkeypatch, requests) == kept
