"""A list or tuple of records passed as an argument, whose methods a loop calls: `for layer in
layers: h = layer(h)` (over `enumerate`, `zip`, `reversed` or a slice of it too, and `layers[i](h)`),
the way a model is kept without a class around it; and lists of records the function builds.

The derivative is generated for the class the items share when the call is made (the call
specializes to it, as to the class of a record argument, normalize/record_methods.py), so a loop
over the argument calls that class's methods; a list of items of another class gets a derivative
of its own, and a list mixing classes is refused at the call of the method. Each derivative is
checked against central finite differences and against autograd (the code written once, over
NumPy and over autograd.numpy)."""
import types
from dataclasses import dataclass
from typing import NamedTuple

import numpy
import pytest

import adjoint
from every_mode import check_every_mode
from soundness import central_differences, directional_difference, flat, with_flat


def model_code(np):
    """The classes and losses, over the NumPy module `np`."""

    class Dense(NamedTuple):
        W: np.ndarray
        b: np.ndarray

        def __call__(self, h):
            return np.tanh(h @ self.W + self.b)

        def energy(self):
            return np.sum(self.W ** 2)

    @dataclass
    class Sine:
        W: np.ndarray
        b: np.ndarray

        def __call__(self, h):
            return np.sin(h @ self.W) + self.b

        def energy(self):
            return np.sum(self.b ** 2)

    X = np.reshape(np.linspace(-1.0, 1.0, 6), (3, 2))

    def loss(layers):
        h = X
        for layer in layers:
            h = layer(h)
        return np.sum(h ** 2)

    def numbered(layers):
        h = X
        for depth, layer in enumerate(layers):
            h = layer(h) * (1.0 + 0.1 * depth)
        return np.sum(h ** 2)

    def zipped(layers, scales=(1.0, 2.0)):
        h = X
        for layer, scale in zip(layers, scales):
            h = layer(h) * scale
        return np.sum(h ** 2)

    def indexed(layers):
        h = X
        for i in range(len(layers)):
            h = layers[i](h)
        return np.sum(h ** 2) + layers[0].energy()

    def backwards_from_the_second(layers):
        h = X
        for layer in reversed(layers[1:]):
            h = layer(h)
        for layer in reversed(layers):
            h = layer(h[:, :2])
        return np.sum(h ** 2)

    def built_in_the_function(W):
        layers = [Dense(W * scale, np.zeros(2)) for scale in (1.0, -0.5)] + [Dense(W.T, np.ones(2) * 0.1)]
        pair = [Sine(W, np.zeros(2)), Sine(W * W, np.ones(2))]
        h = X
        for layer in layers:
            h = layer(h)
        return np.sum(h ** 2) + sum(layer.energy() for layer in pair)

    def grown(layers, W):
        layers.append(Sine(W, np.zeros(2)))  # of another class than the list held when called
        h = X
        for layer in layers:  # <- grown
            h = layer(h)
        return np.sum(h ** 2)

    def loss_with_penalty(layers, weight):
        h = X
        for layer in layers:
            h = layer(h) * 1.1
        return np.sum(h ** 2) + weight * sum(layer.energy() for layer in layers)

    return types.SimpleNamespace(**locals())


N = model_code(numpy)
autograd = pytest.importorskip("autograd")
A = model_code(autograd.numpy)


def layers_of(cls, rng, tuple_of=False):
    made = [cls(rng.normal(size=(2, 2)) * 0.5, rng.normal(size=2)), cls(rng.normal(size=(2, 2)) * 0.5,
                                                                         rng.normal(size=2))]
    return tuple(made) if tuple_of else made


def peer_gradient(loss, layers, *rest):
    """autograd's gradient of loss with respect to the layers' arrays (autograd takes no records),
    the layers made of the autograd code's classes."""
    cls = getattr(A, type(layers[0]).__name__)
    arrays = [a for layer in layers for a in (layer.W, layer.b)]
    of_arrays = lambda arrays: loss(type(layers)(cls(arrays[i], arrays[i + 1])  # noqa: E731
                                                 for i in range(0, len(arrays), 2)), *rest)
    return flat(autograd.grad(of_arrays)(arrays))


@pytest.mark.parametrize("cls", ["Dense", "Sine"])
@pytest.mark.parametrize("tuple_of", [False, True], ids=["list", "tuple"])
@pytest.mark.parametrize("loss", ["loss", "numbered", "zipped", "indexed", "backwards_from_the_second"])
def test_a_loop_calls_the_methods_of_the_records_a_list_argument_holds(rng, cls, tuple_of, loss):
    layers = layers_of(getattr(N, cls), rng, tuple_of)
    gradient = adjoint.grad(getattr(N, loss))(layers)
    assert type(gradient) is type(layers) and all(type(g) is getattr(N, cls) for g in gradient)
    expected = central_differences(getattr(N, loss), (layers,), 0)
    numpy.testing.assert_allclose(flat(gradient), expected, rtol=1e-6, atol=1e-8)
    numpy.testing.assert_allclose(flat(gradient), peer_gradient(getattr(A, loss), layers), rtol=1e-9, atol=1e-12)


def test_a_generator_over_the_layers_in_every_first_order_mode(rng):
    layers = layers_of(N.Dense, rng)
    expected = central_differences(N.loss_with_penalty, (layers, 0.3), 0)
    value, gradient = adjoint.value_and_grad(N.loss_with_penalty)(layers, 0.3)
    assert value == N.loss_with_penalty(layers, 0.3)
    numpy.testing.assert_allclose(flat(gradient), expected, rtol=1e-6, atol=1e-8)
    _, pullback = adjoint.vjp(N.loss_with_penalty)(layers, 0.3)
    numpy.testing.assert_allclose(flat(pullback(1.0)), expected, rtol=1e-6, atol=1e-8)
    tangent = with_flat(layers, rng.normal(size=flat(layers).size))
    _, derivative = adjoint.jvp(N.loss_with_penalty)(layers, 0.3, tangent)
    want = directional_difference(N.loss_with_penalty, (layers, 0.3), (0,), (tangent,))
    numpy.testing.assert_allclose(flat(derivative), want, rtol=1e-6, atol=1e-8)
    numpy.testing.assert_allclose(flat(gradient), peer_gradient(A.loss_with_penalty, layers, 0.3),
                                  rtol=1e-9, atol=1e-12)


def test_lists_of_two_classes_called_alternately_each_get_their_own_derivative(rng):
    dense, sine = layers_of(N.Dense, rng), layers_of(N.Sine, rng)
    gradient = adjoint.grad(N.loss)
    for layers in (dense, sine, dense, sine):
        numpy.testing.assert_allclose(flat(gradient(layers)), central_differences(N.loss, (layers,), 0),
                                      rtol=1e-6, atol=1e-8)


def test_a_list_mixing_classes_after_lists_of_one_class_is_still_refused(rng):
    """The cached call keys a list argument by its items' class: a mixed list after lists of
    one class is not taken for them, and one class again after it is exact."""
    dense, sine = layers_of(N.Dense, rng), layers_of(N.Sine, rng)
    gradient = adjoint.grad(N.loss)
    for layers in (dense, sine, [dense[0], sine[1]], dense):
        if type(layers[0]) is not type(layers[1]):
            with pytest.raises(adjoint.AdjointError, match="`layer` is a function held in a variable|a method of"):
                gradient(layers)
            continue
        numpy.testing.assert_allclose(flat(gradient(layers)), central_differences(N.loss, (layers,), 0),
                                      rtol=1e-6, atol=1e-8)


def test_a_list_of_records_of_a_class_seen_before_is_not_specialized_again(rng, monkeypatch):
    """Calls with lists of a class seen before find their derivative by the items' class, without
    binding the signature and reading the arguments' classes again."""
    specialized = []
    monkeypatch.setattr(adjoint.api, "specialized_for_call",
                        lambda *call, inner=adjoint.api.specialized_for_call: specialized.append(1) or inner(*call))
    gradient = adjoint.grad(N.loss)
    for cls in (N.Dense, N.Dense, N.Sine, N.Sine, N.Dense):
        layers = layers_of(cls, rng)
        numpy.testing.assert_allclose(flat(gradient(layers)), central_differences(N.loss, (layers,), 0),
                                      rtol=1e-6, atol=1e-8)
    assert len(specialized) == 2


def test_a_list_mixing_classes_is_refused_at_the_method_call(rng):
    mixed = [layers_of(N.Dense, rng)[0], layers_of(N.Sine, rng)[1]]
    with pytest.raises(adjoint.AdjointError, match="`layer` is a function held in a variable|a method of `layer`"):
        adjoint.grad(N.loss)(mixed)


@pytest.mark.parametrize("cls", ["Dense", "Sine"])
@pytest.mark.parametrize("loss", ["loss", "numbered", "zipped", "indexed", "backwards_from_the_second"])
def test_every_mode_and_second_order_through_the_loop(rng, cls, loss):
    # hvp and grad of grad differentiate the derivative, which calls the methods' halves with the items
    check_every_mode(getattr(N, loss), (layers_of(getattr(N, cls), rng),))


def test_an_item_of_another_class_added_before_the_loop_is_refused_when_the_loop_runs(rng):
    with pytest.raises(adjoint.AdjointError, match="an item of the list should be a Dense") as info:
        adjoint.grad(N.grown, wrt=1)(layers_of(N.Dense, rng), numpy.eye(2))
    with open(__file__, encoding="utf-8") as source:
        line = next(n for n, text in enumerate(source, 1) if text.rstrip().endswith("# <- grown"))
    assert (info.value.filename, info.value.lineno) == (__file__, line)


def test_lists_of_records_built_in_the_function_in_every_mode(rng):
    # a list display or comprehension of records of one class: its loops call the class's methods
    check_every_mode(N.built_in_the_function, (rng.normal(size=(2, 2)) * 0.5,), peer=A.built_in_the_function)
