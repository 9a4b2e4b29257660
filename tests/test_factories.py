"""Closures made by a factory the differentiated function calls (`f = make_layer(W)`, `g =
make_scaled(a, b)` returning a lambda), and a local function taken under another name (`f =
layer`): written into the function (normalize/factories.py), they are differentiated in every
mode against central differences and autograd (the code written once, over NumPy and over
autograd.numpy); they were refused as functions held in a variable."""
import types

import numpy
import pytest

import adjoint
from every_mode import check_every_mode


def model_code(np):
    """The factories and the functions calling them, over the NumPy module `np`."""

    def make_layer(W, b):
        def layer(x):
            return np.tanh(W @ x + b)
        return layer

    def make_scaled(a, c):
        """A factory with statements before the closure it returns."""
        ac = a * c
        shift = np.sin(a)
        return lambda t: ac * t + shift

    def make_power(p):
        def power(x):
            return x ** p if p > 1.0 else x * p
        return power

    def two_layers(W, x):
        first = make_layer(W, 0.5)
        second = make_layer(W.T, -0.25)
        return np.sum(second(first(x)) ** 2)

    def scaled(a, x):
        g = make_scaled(a, 1.5)
        return np.sum(g(x) * g(2.0 * x))

    def in_a_loop(a, x):
        total = 0.0
        for k in range(3):
            g = make_scaled(a, k + 1.0)
            total = total + np.sum(g(x))
        return total

    def argument_rebound_later(a, x):
        f = make_power(a)  # the closure keeps the value a had here
        a = a * 10.0
        return np.sum(f(x)) + a

    def aliased_local(W, x):
        def layer(v):
            return np.tanh(W @ v)
        f = layer
        return np.sum(f(f(x)) ** 2)

    return types.SimpleNamespace(**locals())


N = model_code(numpy)
autograd = pytest.importorskip("autograd")
A = model_code(autograd.numpy)
RNG = numpy.random.default_rng(4)
W = RNG.normal(size=(3, 3)) * 0.6
X = RNG.normal(size=3)


@pytest.mark.parametrize("name, args, wrt", [
    ("two_layers", (W, X), 0), ("two_layers", (W, X), 1), ("scaled", (0.7, X), 0), ("scaled", (0.7, X), 1),
    ("in_a_loop", (0.7, X), 0), ("argument_rebound_later", (1.3, numpy.abs(X) + 0.5), 0),
    ("argument_rebound_later", (1.3, numpy.abs(X) + 0.5), 1), ("aliased_local", (W, X), 0),
])
def test_closures_made_by_a_factory_in_every_mode(name, args, wrt):
    check_every_mode(getattr(N, name), args, wrt=wrt, peer=getattr(A, name))


def with_default(k=2.0):
    def scale(x):
        return k * x
    return scale


def calls_a_factory_with_a_default(x):
    f = with_default()
    return f(x) * x


def test_a_factory_of_another_form_stays_refused_at_the_call():
    with pytest.raises(adjoint.AdjointError, match="`f` is a function held in a variable") as info:
        adjoint.grad(calls_a_factory_with_a_default)(0.5)
    assert info.value.filename == __file__, str(info.value)
