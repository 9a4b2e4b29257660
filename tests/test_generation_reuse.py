"""Work a generation does once: a derivative called by the user and the same derivative read
by a derivative of it (a gradient, then a second derivative) are one generation, whatever the
order of the arguments' kinds each asks with; a called function is normalized once for the
kinds of its arguments, though its kinds, its writes and its derivative are each read from it."""
from __future__ import annotations

import math
import weakref

import adjoint
import adjoint.api as api


def energy(a, b, alpha):
    return math.exp(-alpha * a) * math.cos(b * alpha) + a * b * alpha ** 2


def generations(monkeypatch):
    made = []
    generate = api.generate

    def counted(func, options):
        made.append(func.__name__)
        return generate(func, options)

    monkeypatch.setattr(api, "generate", counted)
    monkeypatch.setattr(api, "_GENERATED", weakref.WeakKeyDictionary())  # nothing generated before the test
    monkeypatch.setenv("ADJOINT_CACHE", "0")
    return made


def test_a_gradient_and_its_gradient_generate_each_derivative_once(monkeypatch):
    made = generations(monkeypatch)
    first = adjoint.grad(energy, wrt=2)
    second = adjoint.grad(first, wrt=2)
    value = first(0.3, 0.7, 1.1)
    curvature = second(0.3, 0.7, 1.1)
    assert made == ["energy", "grad_energy"]
    h = 1e-5
    assert abs(value - (energy(0.3, 0.7, 1.1 + h) - energy(0.3, 0.7, 1.1 - h)) / (2 * h)) < 1e-6
    assert abs(curvature - (first(0.3, 0.7, 1.1 + h) - first(0.3, 0.7, 1.1 - h)) / (2 * h)) < 1e-5


def test_keyword_arguments_find_the_same_generation(monkeypatch):
    made = generations(monkeypatch)
    first = adjoint.grad(energy, wrt=2)
    first(alpha=1.1, b=0.7, a=0.3)
    adjoint.grad(first, wrt=2)(0.3, 0.7, 1.1)
    assert made == ["energy", "grad_energy"]


def helper(x, y):
    return x * math.sin(y) + y


def calls_helper(a, b):
    return helper(a, b) * helper(b, a)


def test_a_called_function_is_normalized_once_for_its_kinds(monkeypatch):
    from adjoint import pipeline

    normalized = []
    normalize = pipeline.normalize

    def counted(func, *args, **kwargs):
        normalized.append(func.__name__)
        return normalize(func, *args, **kwargs)

    generations(monkeypatch)
    monkeypatch.setattr(pipeline, "normalize", counted)
    gradient = adjoint.grad(calls_helper, wrt=(0, 1))(0.4, 1.3)
    assert sorted(normalized) == ["calls_helper", "helper"]  # read for its kinds and writes, then transformed
    h = 1e-6
    expected = [(calls_helper(0.4 + h, 1.3) - calls_helper(0.4 - h, 1.3)) / (2 * h),
                (calls_helper(0.4, 1.3 + h) - calls_helper(0.4, 1.3 - h)) / (2 * h)]
    assert all(abs(g - e) < 1e-6 for g, e in zip(gradient, expected))
