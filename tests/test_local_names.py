"""pipeline.normalize computes the names a function assigns (nodes.local_names) once, and again only
after a step that changed the tree: the steps between change no name the function assigns, and
unroll_table_loops and lift_checkpointed_loops say whether they changed anything. Checked on
every function of the catalogue and of the checkpointed loops: a stale set of names would show
here before it showed in a derivative."""
from __future__ import annotations

import inspect

import gast
import pytest

import adjoint
import adjoint.pipeline as pipeline
from adjoint import nodes

import catalogue_functions
import checkpoint_functions

FUNCTIONS = [value for module in (catalogue_functions, checkpoint_functions) for value in vars(module).values()
             if inspect.isfunction(value) and value.__module__ == module.__name__]

KEPT_NAMES = ("check_function", "refuse_complex_values", "specialize_calls")  # change no name assigned
SAYS_WHETHER = ("unroll_table_loops", "lift_checkpointed_loops")  # return whether they changed the tree


def _names_and_tree(parsed):
    return nodes.local_names(parsed.node), gast.dump(parsed.node)


@pytest.fixture
def watched(monkeypatch):
    """The steps wrapped: each compares the function's names (and tree) before and after it."""
    seen = {name: 0 for name in KEPT_NAMES + SAYS_WHETHER}

    def keeps_names(name, step):
        def run(parsed, *args, **kwargs):
            tree = parsed if isinstance(parsed, gast.FunctionDef) else parsed.node
            before = nodes.local_names(tree)
            result = step(parsed, *args, **kwargs)
            assert nodes.local_names(tree) == before, (name, tree.name)
            seen[name] += 1
            return result
        return run

    def says_whether(name, step):
        def run(parsed, *args, **kwargs):
            before = _names_and_tree(parsed)
            changed = step(parsed, *args, **kwargs)
            if not changed:
                assert _names_and_tree(parsed) == before, (name, parsed.node.name)
            seen[name] += 1
            return changed
        return run

    for name in KEPT_NAMES:
        monkeypatch.setattr(pipeline, name, keeps_names(name, getattr(pipeline, name)))
    for name in SAYS_WHETHER:
        monkeypatch.setattr(pipeline, name, says_whether(name, getattr(pipeline, name)))
    return seen


def test_the_names_normalize_keeps_are_the_functions(watched):
    normalized = 0
    for func in FUNCTIONS:
        try:
            pipeline.normalize(func)
            normalized += 1
        except adjoint.AdjointError:
            continue
    assert normalized > 300 and all(count > 300 for count in watched.values()), (normalized, watched)
