"""The optimizer keeps answers from one pass and one round to the next (each statement's summary,
the counts of names, the blocks, what each pass settled: assignments, stretches of blocks, keys);
the code it makes is the code of an optimizer that keeps nothing and looks at everything afresh
on every ask: here over generated programs of the fuzzer; over the catalogue in every mode and
the generation benchmark's long functions in test_optimizer_facts.py, whose generation of them
checks each kept answer too and is the reference. A kept answer that a change of the tree left
stale shows as a difference in the generated code.
"""
from __future__ import annotations

import importlib.util
import textwrap
import weakref

import gast
import numpy as np
import pytest

import adjoint
from adjoint import api, nodes
from adjoint.optimize import accumulations, cse, inline, statements
from program_generator import container, program_from_seed
from test_optimize import facts_for_example

FUZZ_SEEDS = range(120)


def keeping_nothing(monkeypatch) -> None:
    """Every answer the optimizer keeps, asked for afresh each time."""
    monkeypatch.setattr(statements.TreeFacts, "settled_for", lambda self, pass_name: {})
    monkeypatch.setattr(statements.TreeFacts, "summary", lambda self, stmt: statements.Summary(stmt))
    monkeypatch.setattr(statements.Unchanged, "counts", lambda self, tree: statements.counts(tree))
    monkeypatch.setattr(statements.Unchanged, "blocks", lambda self, tree: list(nodes.blocks(tree)))
    monkeypatch.setattr(statements.Unchanged, "every_statement",
                        lambda self, tree: statements.every_statement(tree))


def sources(monkeypatch, requests) -> list:
    """The generated source of each request (or the refusal), nothing taken from a cache."""
    monkeypatch.setattr(api, "_GENERATED", weakref.WeakKeyDictionary())
    found = []
    for fn, mode, wrt, args in requests:
        try:
            found.append(adjoint.source(fn, mode=mode, wrt=wrt, args=args))
        except adjoint.AdjointError as error:
            found.append(f"refused: {type(error).__name__}")
    return found


def _module(path, source: str):
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _argument(parameter, seed: int):
    simple = {"float": 0.37, "int": 2, "count": 2, "bool": True, "array": np.array([0.3, -0.7, 1.1]), "rng": None}
    if parameter.kind in simple:
        value = simple[parameter.kind]
        return value.copy() if isinstance(value, np.ndarray) else value
    return container(parameter, seed)


@pytest.mark.parametrize("optimization, before, position, edited", [
    (cse, "_t1 = a * b\n_t2 = a * c\ny = _t1 + _t2\nreturn y", 1, "_t2 = a * b"),
    (accumulations, "dx = a\na = c\ndx = dx + b\nreturn dx", 1, "q = c"),
    (inline, "_t1 = x * y\nx = 2.0\nz = _t1 + w\nreturn z", 1, "w = 2.0"),
], ids=["cse", "accumulations", "inline"])
def test_a_pass_looks_again_at_a_stretch_in_which_a_statement_changed_in_place(optimization, before, position,
                                                                                edited):
    """The pass settles the stretch, in which it finds nothing; a statement of it changes in place
    (as a pass changes one, saying so), which gives the pass something to do there."""
    tree = gast.parse("def f(a, b, c, w):\n" + textwrap.indent(before, "    ")).body[0]
    facts = facts_for_example(before)
    assert not optimization.run(tree, facts)
    stmt, replacement = tree.body[position], gast.parse(edited).body[0]
    stmt.targets, stmt.value = replacement.targets, replacement.value
    facts.unchanged.statements().forget(stmt)
    facts.unchanged.changed()
    assert optimization.run(tree, facts)


def fuzzed(tmp_path) -> list:
    requests = []
    for seed in FUZZ_SEEDS:
        program = program_from_seed(seed)
        module = _module(tmp_path / f"scratch_fuzz_{seed}.py", program.source)
        args = tuple(_argument(parameter, seed) for parameter in program.parameters)
        requests += [(module.f, mode, program.wrt, args) for mode in ("reverse", "forward")]
    return requests


def long_requests(tmp_path) -> list:
    from benchmarks.generation import MODULE_HEADER, numpy_source, scalar_source

    scalar = _module(tmp_path / "scratch_scalar.py", MODULE_HEADER + scalar_source(120))
    array = _module(tmp_path / "scratch_numpy.py", MODULE_HEADER + numpy_source(120))
    return [(scalar.f, "reverse", (0, 1, 2, 3), (0.3, -0.7, 1.1, 0.5)),
            (array.f, "reverse", 0, (np.ones((8, 8)) * 0.1, np.ones(8) * 0.1, np.ones((4, 8))))]


@pytest.mark.slow
def test_the_optimizer_keeping_answers_makes_the_code_of_one_keeping_none(monkeypatch, tmp_path):
    """Over the fuzzer's programs (the catalogue and the long functions: in test_optimizer_facts.py,
    whose generation of them, with every kept answer checked, is the reference)."""
    monkeypatch.setenv("ADJOINT_CACHE", "0")
    asked = fuzzed(tmp_path)
    keeping = sources(monkeypatch, asked)
    keeping_nothing(monkeypatch)
    assert sources(monkeypatch, asked) == keeping
    assert sum(not source.startswith("refused") for source in keeping) > len(asked) // 2
