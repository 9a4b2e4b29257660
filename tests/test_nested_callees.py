"""What a generation shares between the questions it asks about the functions a derivative of a
derivative calls, and what keeps the shared answers from going stale.

Within one generation (pipeline.Answers): the reading callee_kind made of a forward half and the
writes callee_facts found in it stand in for residual_facts' own only when final, so sharing
them changes no generated code (each derivative below is generated with and without the
sharing, and the sources compared), and a recursive function's readings are made again.
Between generations: the code a derived function stands for depends on what its generation
depended on, so rebinding a function the inner derivative calls regenerates the outer one.
"""
from __future__ import annotations

import collections
import sys
import weakref
from contextlib import contextmanager

import numpy as np
import pytest

import adjoint
import adjoint.api as api
from adjoint import pipeline
from higher_order_functions import tanh_3_sum
from soundness_nested_callees import CASES
from soundness_split_sharing import pinned_gradient_weighted


# ----- Answers: which answers are final -------------------------------------------------------

def test_an_answer_computed_without_placeholders_is_final():
    answers = pipeline.Answers()
    with answers.answering(("kind", "f")):
        with answers.answering(("facts", "g")):
            pass
        answers.asked(("facts", "g"))  # answered already: its kept answer, no placeholder
    assert answers.final == {("kind", "f"), ("facts", "g")}
    assert answers.placeholders == 0


def test_a_placeholder_leaves_every_open_answer_unfinal():
    answers = pipeline.Answers()
    with answers.answering(("kind", "f")):
        with answers.answering(("kind", "g")):
            answers.asked(("kind", "f"))  # f calls g calls f: f's answer is not known yet
    with answers.answering(("kind", "h")):
        answers.asked(("kind", "g"))
    assert answers.placeholders == 1
    assert answers.final == {("kind", "h")}


def test_an_answer_made_from_an_unfinal_reading_is_not_final():
    answers = pipeline.Answers()
    with answers.answering(("facts", "f")):
        answers.unsettle(("facts", "f"))
    assert answers.final == set()


# ----- sharing changes no generated code --------------------------------------------------------

class NothingFinal(pipeline.Answers):
    """Answers that are never final: every question does its own work."""

    @contextmanager
    def answering(self, question):
        self.open.add(question)
        try:
            yield
        finally:
            self.open.discard(question)


def fresh_generations(monkeypatch):
    monkeypatch.setattr(api, "_GENERATED", weakref.WeakKeyDictionary())
    monkeypatch.setenv("ADJOINT_CACHE", "0")


def generated_sources() -> dict:
    return {(getattr(func, "__qualname__", repr(func)), repr(key)): generated.source
            for func, per_function in api._GENERATED.items() for key, generated in per_function.items()}


DERIVED = [pytest.param(case.fn, case.make_args, id=case.name) for case in CASES] + [
    pytest.param(tanh_3_sum, lambda rng: (np.linspace(-0.9, 0.8, 6),), id="tanh_3_sum"),
    pytest.param(pinned_gradient_weighted, lambda rng: (np.linspace(0.5, 1.5, 5),), id="pinned_gradient_weighted"),
]


@pytest.mark.parametrize("fn, make_args", DERIVED)
def test_sharing_answers_changes_no_generated_code(monkeypatch, fn, make_args):
    args = make_args(np.random.default_rng(0))
    sources = []
    for answers in (pipeline.Answers, NothingFinal):
        fresh_generations(monkeypatch)
        monkeypatch.setattr(pipeline, "Answers", answers)
        gradient = adjoint.grad(fn)(*args)
        sources.append(generated_sources())
    assert len(sources[0]) >= 2  # the derivative and the derivative it calls
    assert sources[0] == sources[1]
    assert np.all(np.isfinite(gradient))


def normalizations(monkeypatch) -> collections.Counter:
    counted = collections.Counter()
    normalize = pipeline.normalize

    def counting(func, *args, **kwargs):
        counted[func.__name__] += 1
        return normalize(func, *args, **kwargs)

    monkeypatch.setattr(pipeline, "normalize", counting)
    return counted


def tanh_of(x):
    return np.tanh(x)


def tanh_of_sum(x):
    return np.sum(tanh_of(x))


def tanh_of_second_sum(x):
    return np.sum(adjoint.grad(tanh_of_sum)(x))


def tanh_of_third_sum(x):
    return np.sum(adjoint.grad(tanh_of_second_sum)(x))


def tanh_of_fourth_sum(x):
    return np.sum(adjoint.grad(tanh_of_third_sum)(x))


def test_each_function_of_a_fourth_derivative_is_normalized_once(monkeypatch):
    """tanh through a user function: the derived functions are written into their callers
    (normalize/derived_inline.py), the halves of tanh_of's derivatives split again at each order."""
    fresh_generations(monkeypatch)
    counted = normalizations(monkeypatch)
    fourth = adjoint.grad(tanh_of_fourth_sum)(np.linspace(-0.9, 0.8, 6))
    t = np.tanh(np.linspace(-0.9, 0.8, 6))
    np.testing.assert_allclose(fourth, 8 * t * (1 - t ** 2) * (2 - 3 * t ** 2), rtol=1e-12, atol=1e-12)
    assert any(name.startswith("fwd_fwd_") for name in counted)  # forward halves of forward halves read
    assert set(counted.values()) == {1}


def test_a_recursive_forward_half_is_read_again_for_its_backward_half(monkeypatch):
    """Its reading was made while its own kinds were a placeholder: not final, not shared."""
    from soundness_nested_callees import recursive_power_second

    fresh_generations(monkeypatch)
    counted = normalizations(monkeypatch)
    assert adjoint.grad(recursive_power_second)(0.7) == pytest.approx(16 * 0.7 ** 3, rel=1e-12)
    assert counted["fwd_call_recursive_power"] == 2


# ----- a derivative of a derivative follows what the inner derivative depends on ---------------

def scale(x):
    return 2.0 * x


def tanh_of_scaled(x):
    return np.sum(np.tanh(scale(x)))


tanh_of_scaled_gradient = adjoint.grad(tanh_of_scaled)


def weighted_gradient(x):
    return np.sum(tanh_of_scaled_gradient(x) * x)


weighted_gradient_gradient = adjoint.grad(weighted_gradient)


def tripled(x):
    return 3.0 * x


def expected_weighted_gradient_gradient(k, x: np.ndarray) -> np.ndarray:
    """d/dx_i of k (1 - tanh(k x_i)^2) x_i (k a number, or an array of one per x_i)."""
    t = np.tanh(k * x)
    return k * (1 - t * t) - 2 * k * k * x * t * (1 - t * t)


def test_rebinding_a_function_the_inner_derivative_calls_regenerates_the_outer_one(monkeypatch):
    x = np.linspace(-0.5, 0.5, 4)
    np.testing.assert_allclose(weighted_gradient_gradient(x), expected_weighted_gradient_gradient(2.0, x), rtol=1e-12)
    monkeypatch.setattr(sys.modules[__name__], "scale", tripled)
    np.testing.assert_allclose(weighted_gradient_gradient(x), expected_weighted_gradient_gradient(3.0, x), rtol=1e-12)
    monkeypatch.undo()
    np.testing.assert_allclose(weighted_gradient_gradient(x), expected_weighted_gradient_gradient(2.0, x), rtol=1e-12)


def test_the_outer_generation_keeps_the_inner_ones_dependencies(monkeypatch):
    fresh_generations(monkeypatch)
    x = np.linspace(-0.5, 0.5, 4)
    second = adjoint.grad(weighted_gradient)
    np.testing.assert_allclose(second(x), expected_weighted_gradient_gradient(2.0, x), rtol=1e-12)
    outer = next(iter(api._GENERATED[weighted_gradient].values()))
    inner = next(iter(api._GENERATED[tanh_of_scaled].values()))
    depended = {(id(namespace), name, id(value)) for namespace, name, value in outer.dependencies}
    assert (id(tanh_of_scaled.__globals__), "scale", id(scale)) in depended
    assert {(id(n), name, id(v)) for n, name, v in inner.dependencies} <= depended


SLOPE = 2.0


def tanh_of_sloped(x):
    return np.sum(np.tanh(SLOPE * x))


tanh_of_sloped_gradient = adjoint.grad(tanh_of_sloped)


def weighted_sloped_gradient(x):
    return np.sum(tanh_of_sloped_gradient(x) * x)


weighted_sloped_gradient_gradient = adjoint.grad(weighted_sloped_gradient)


def test_a_global_value_the_inner_derivative_reads_may_change_value_and_kind(monkeypatch):
    x = np.linspace(-0.5, 0.5, 4)
    np.testing.assert_allclose(weighted_sloped_gradient_gradient(x), expected_weighted_gradient_gradient(2.0, x),
                               rtol=1e-12)
    monkeypatch.setattr(sys.modules[__name__], "SLOPE", 3.0)
    np.testing.assert_allclose(weighted_sloped_gradient_gradient(x), expected_weighted_gradient_gradient(3.0, x),
                               rtol=1e-12)
    slopes = np.array([1.0, 2.0, 3.0, 4.0])
    monkeypatch.setattr(sys.modules[__name__], "SLOPE", slopes)
    np.testing.assert_allclose(weighted_sloped_gradient_gradient(x), expected_weighted_gradient_gradient(slopes, x),
                               rtol=1e-12)
