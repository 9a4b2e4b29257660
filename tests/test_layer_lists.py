"""Models that keep their layers in a list, as PyTorch's nn.Sequential and most class-based code
do: `for layer in self.layers: x = layer(x)`, `self.blocks[0].apply(x)`.

The loop over a list the derivative is specialized to (its items, a slice, `reversed`, `zip` of
lists, `range(len(...))` of one) is unrolled (normalize/unroll.py), a
method of an entry is called through the entry it was resolved to (normalize/local_functions.py),
and the derivative holds on to the list's items: a layer added, removed or replaced makes it
generate again, while a layer's weights are read when it runs.
"""
from __future__ import annotations

import numpy as np
import pytest

import adjoint


class Dense:
    def __init__(self, W, b, activation="tanh"):
        self.W, self.b, self.activation = W, b, activation

    def __call__(self, x):
        z = self.W @ x + self.b
        if self.activation == "tanh":
            return np.tanh(z)
        return z * z

    def apply(self, x):
        return self(x) * 0.5


class Sequential:
    def __init__(self, layers):
        self.layers = layers

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def forward_applied(self, x):
        for layer in self.layers:
            x = layer.apply(x)
        return x

    def forward_numbered(self, x):
        for depth, layer in enumerate(self.layers):
            x = layer(x) * (1.0 + 0.1 * depth)
        return x

    def backwards(self, x):
        for layer in reversed(self.layers):
            x = layer.apply(x * 0.5)
        return x

    def all_but_the_first(self, x):
        for layer in self.layers[1:]:
            x = layer(x)
        return x

    def every_other_backwards(self, x):
        for layer in self.layers[::-2]:
            x = layer(x)
        return x

    def first_two(self, x):
        return self.layers[1].apply(self.layers[0](x))


class Residual:
    def __init__(self, inner):
        self.inner = inner

    def __call__(self, x):
        return x + self.inner.forward(x)


class Paired:
    """Layers and activations side by side, walked with zip or with range(len(...))."""

    def __init__(self, layers, activations):
        self.layers, self.activations = layers, activations

    def zipped(self, x):
        for layer, activation in zip(self.layers, self.activations):
            x = activation(layer(x))
        return x

    def indexed(self, x):
        for i in range(len(self.layers)):
            x = self.activations[i](self.layers[i](x))
        return x


def _dense(rng, rows, columns, activation="tanh"):
    return Dense(rng.normal(size=(rows, columns)) * 0.5, rng.normal(size=rows) * 0.1, activation)


RNG = np.random.default_rng(3)
MODEL = Sequential([_dense(RNG, 5, 4), _dense(RNG, 3, 5, "square"), _dense(RNG, 2, 3)])
LAYERS = [_dense(RNG, 3, 4), _dense(RNG, 2, 3)]
NESTED = Sequential([_dense(RNG, 4, 4), Residual(Sequential([_dense(RNG, 4, 4, "square"), _dense(RNG, 4, 4)])),
                     _dense(RNG, 2, 4)])
PAIRED = Paired([_dense(RNG, 4, 4, "square"), _dense(RNG, 3, 4, "square")], [np.sin, np.tanh])


def loss(x):
    return np.sum(MODEL.forward(x) ** 2)


def loss_applied(x):
    return np.sum(MODEL.forward_applied(x) ** 2)


def loss_numbered(x):
    return np.sum(MODEL.forward_numbered(x) ** 2)


SQUARE = Sequential([_dense(RNG, 4, 4, "square"), _dense(RNG, 4, 4), _dense(RNG, 4, 4, "square")])


def loss_backwards(x):
    return np.sum(SQUARE.backwards(x) ** 2)


def loss_all_but_the_first(x):
    return np.sum(SQUARE.all_but_the_first(x) ** 2)


def loss_every_other_backwards(x):
    return np.sum(SQUARE.every_other_backwards(x) ** 2)


def loss_first_two(x):
    return np.sum(MODEL.first_two(x) ** 2)


def loss_of_global_list(x):
    for layer in LAYERS:
        x = layer(x)
    return np.sum(x * x)


def loss_of_an_entry(x):
    return np.sum(LAYERS[1](LAYERS[0].apply(x)) ** 2)


def loss_nested(x):
    return np.sum(NESTED.forward(x) ** 2)


def loss_zipped(x):
    return np.sum(PAIRED.zipped(x) ** 2)


def loss_indexed(x):
    return np.sum(PAIRED.indexed(x) ** 2)


def differences(f, x, eps=1e-6):
    return np.array([(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in np.eye(x.size)])


@pytest.fixture(autouse=True)
def fresh_layers():
    layers, global_layers, activations = list(MODEL.layers), list(LAYERS), list(PAIRED.activations)
    yield
    MODEL.layers[:] = layers
    LAYERS[:] = global_layers
    PAIRED.activations[:] = activations


FUNCTIONS = [loss, loss_applied, loss_numbered, loss_first_two, loss_of_global_list, loss_of_an_entry, loss_nested,
             loss_zipped, loss_indexed, loss_backwards, loss_all_but_the_first, loss_every_other_backwards]


@pytest.mark.parametrize("f", FUNCTIONS, ids=lambda f: f.__name__)
def test_the_gradient_through_a_list_of_layers_is_exact(f):
    x = np.linspace(-0.6, 0.9, 4)
    value, gradient = adjoint.value_and_grad(f)(x)
    assert value == pytest.approx(f(x), rel=1e-12)
    np.testing.assert_allclose(gradient, differences(f, x), rtol=1e-6, atol=1e-9)
    v = np.array([0.3, -0.2, 0.5, 0.1])
    np.testing.assert_allclose(adjoint.jvp(f)(x, v)[1], differences(f, x) @ v, rtol=1e-6, atol=1e-9)
    hessian_v = (adjoint.grad(f)(x + 1e-5 * v) - adjoint.grad(f)(x - 1e-5 * v)) / 2e-5
    np.testing.assert_allclose(adjoint.hvp(f)(x, v), hessian_v, rtol=1e-5, atol=1e-7)


def _added(rng):
    MODEL.layers.append(_dense(rng, 2, 2))


def _replaced(rng):
    MODEL.layers[1] = _dense(rng, 3, 5)


def _removed(rng):
    del MODEL.layers[2]


def _reordered(rng):
    LAYERS[:] = [_dense(rng, 3, 4), LAYERS[1]]


def _rebound(rng):
    MODEL.layers = [_dense(rng, 5, 4), _dense(rng, 2, 5)]


CHANGES = [(f, change) for f in (loss, loss_applied) for change in (_added, _replaced, _removed, _rebound)] + [
    (loss_first_two, _replaced), (loss_first_two, _rebound)]  # it reads the first two layers only


@pytest.mark.parametrize("f, change", CHANGES, ids=lambda v: v.__name__.strip("_"))
def test_a_change_to_the_list_regenerates_the_derivative(f, change):
    x = np.linspace(-0.6, 0.9, 4)
    derived = adjoint.grad(f)
    before = derived(x)
    change(np.random.default_rng(7))
    after = derived(x)
    np.testing.assert_allclose(after, differences(f, x), rtol=1e-6, atol=1e-9)
    assert not np.allclose(before, after)  # the stale derivative would give `before`


def test_a_change_to_a_global_list_regenerates_the_derivative():
    x = np.linspace(-0.6, 0.9, 4)
    derived = adjoint.grad(loss_of_global_list)
    before = derived(x)
    _reordered(np.random.default_rng(7))
    np.testing.assert_allclose(derived(x), differences(loss_of_global_list, x), rtol=1e-6, atol=1e-9)
    assert not np.allclose(before, derived(x))


@pytest.mark.parametrize("f", [loss_backwards, loss_all_but_the_first, loss_every_other_backwards],
                         ids=lambda f: f.__name__)
def test_a_layer_replaced_in_a_reversed_or_sliced_list_regenerates_the_derivative(f):
    x = np.linspace(-0.6, 0.9, 4)
    derived = adjoint.grad(f)
    before = derived(x)
    replaced = SQUARE.layers[2]
    SQUARE.layers[2] = _dense(np.random.default_rng(11), 4, 4)
    try:
        np.testing.assert_allclose(derived(x), differences(f, x), rtol=1e-6, atol=1e-9)
        assert not np.allclose(before, derived(x))
    finally:
        SQUARE.layers[2] = replaced


@pytest.mark.parametrize("f", [loss_zipped, loss_indexed], ids=lambda f: f.__name__)
def test_a_new_activation_in_the_list_regenerates_the_derivative(f):
    x = np.linspace(-0.6, 0.9, 4)
    derived = adjoint.grad(f)
    before = derived(x)
    PAIRED.activations[0] = np.cos
    np.testing.assert_allclose(derived(x), differences(f, x), rtol=1e-6, atol=1e-9)
    assert not np.allclose(before, derived(x))


def test_new_weights_are_read_when_the_derivative_runs():
    x = np.linspace(-0.6, 0.9, 4)
    derived = adjoint.grad(loss)
    before = derived(x)
    MODEL.layers[0].W = MODEL.layers[0].W * 2.0
    try:
        np.testing.assert_allclose(derived(x), differences(loss, x), rtol=1e-6, atol=1e-9)
        assert not np.allclose(before, derived(x))
    finally:
        MODEL.layers[0].W = MODEL.layers[0].W / 2.0
