"""`super().method(...)` in methods of an object a derivative is specialized to (normalize/super_calls.py):
the bound method Python calls, differentiated as any other, through several levels of
inheritance; a derivative follows a class between the two being given another method; where
the object is not known (a method differentiated with `self` as an argument), `super()` is
refused at its line."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint


class Base:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def act(self, z):
        return np.tanh(z)

    def forward(self, x):
        return self.act(self.W @ x + self.b)


class Scaled(Base):
    scale = 2.0

    def act(self, z):
        return super().act(z) * self.scale


class Shifted(Scaled):
    def act(self, z):
        return super().act(z + 0.5) - 0.1 * z

    def __call__(self, x):
        return np.sum(super().forward(x) ** 2)


MODEL = Shifted(np.linspace(-0.5, 0.5, 6).reshape(2, 3), np.array([0.1, -0.2]))
X = np.array([0.5, -1.0, 0.8])


def plain_forward(model, x):
    z = model.W @ x + model.b
    return np.sum(((np.tanh(z + 0.5) * 2.0 - 0.1 * z)) ** 2)


def _differences(f, x, eps=1e-6):
    return np.array([(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in np.eye(x.size)])


def test_super_through_two_levels_of_inheritance():
    expected = _differences(lambda x: plain_forward(MODEL, x), X)
    np.testing.assert_allclose(adjoint.grad(MODEL)(X), expected, rtol=1e-6)
    np.testing.assert_allclose(MODEL(X), plain_forward(MODEL, X))
    tangent = adjoint.jvp(MODEL)(X, np.ones(3))
    np.testing.assert_allclose(tangent[1] if isinstance(tangent, tuple) else tangent, expected.sum(), rtol=1e-6)


def test_a_class_given_another_method_is_followed():
    gradient = adjoint.grad(MODEL)
    before = gradient(X)
    original = Scaled.act
    try:
        Scaled.act = lambda self, z: np.sin(z)
        expected = _differences(MODEL, X)
        np.testing.assert_allclose(gradient(X), expected, rtol=1e-6)
        assert not np.allclose(gradient(X), before)
    finally:
        Scaled.act = original
    np.testing.assert_allclose(gradient(X), before)


def unbound_call(model, x):
    return np.sum(Scaled.act(model, x))


def test_super_of_an_object_only_the_call_knows_is_refused():
    with pytest.raises(adjoint.AdjointError) as error:
        adjoint.grad(unbound_call, wrt=1)(MODEL, X)
    assert "super" in error.value.location.line
