"""Methods of NamedTuples and dataclasses called on a record whose class is known when the
derivative is generated (normalize/record_methods.py): the model passed as an argument, built in
the function from the parameters, holding a list or tuple of layers its methods loop over, and
methods calling methods; each derivative against central finite differences and autograd (the
model's code written once, over NumPy for adjoint and over autograd.numpy for autograd). What
is not a plain method of a record of a known class is refused at the user's line."""
import dataclasses
import types
from dataclasses import dataclass
from typing import List, NamedTuple, Tuple

import numpy
import pytest

import adjoint
from adjoint import AdjointError, UnsupportedSyntaxError


def model_code(np):
    """The classes and losses, over the NumPy module `np`."""

    @dataclass
    class Layer:
        W: np.ndarray
        b: np.ndarray

        def __call__(self, x):
            return np.tanh(self.W @ x + self.b)

        def energy(self):
            return np.sum(self.W ** 2)

    @dataclass
    class MLP:
        layers: List[Layer]
        scale: float

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

        def penalty(self):
            total = 0.0
            for layer in self.layers:
                total = total + layer.energy()
            return total

        def loss(self, x):
            return np.sum(self.forward(x) ** 2) * self.scale + 0.01 * self.penalty()

        def both(self, x):  # one variable name, two loops
            for layer in self.layers:
                x = layer(x)
            total = 0.0
            for layer in self.layers:
                total = total + layer.energy()
            return np.sum(x ** 2) + 0.01 * total

    @dataclass
    class Pair:
        layers: Tuple[Layer, ...]

        def loss(self, x):
            for layer in self.layers:
                x = layer(x)
            return np.sum(np.sin(x))

    @dataclass
    class Stack:
        first: Layer
        rest: Tuple[Layer, ...]

        def loss(self, x):
            h = self.first(x)
            penalty = sum(layer.energy() for layer in self.rest) + self.first.energy()
            outs = [layer(h) for layer in self.rest]
            return np.sum(outs[0] * outs[1]) + 0.01 * penalty

    class Particle(NamedTuple):
        q: np.ndarray
        p: np.ndarray

        def energy(self, k):
            return 0.5 * np.sum(self.p ** 2) + 0.5 * k * self.potential()

        def potential(self):
            return np.sum(np.cos(self.q) * self.q ** 2)

    def loss_argument(layer, x):  # the model is an argument (Equinox / Flax style)
        return np.sum(layer(x) ** 2) + 0.1 * layer.energy()

    def loss_built(W, b, x):  # the model is built in the loss from the parameters
        layer = Layer(W, b)
        return np.sum(layer(x) ** 2) + 0.1 * layer.energy()

    def loss_model(model, x):
        return model.loss(x)

    def hamiltonian(particle, k):
        return particle.energy(k) * 2.0

    def through_helper(layer, x):  # a function receiving the record calls its method
        return helper(layer, x) * 3.0

    def helper(layer, x):
        return np.sum(layer(x) * x[:3]) + layer.energy()

    return types.SimpleNamespace(**locals())


N = model_code(numpy)
autograd = pytest.importorskip("autograd")
A = model_code(autograd.numpy)


def central(f, arrays, eps=1e-6):
    """Central finite differences of f(*arrays) with respect to each array."""
    grads = []
    for position, array in enumerate(arrays):
        grad = numpy.zeros_like(array, dtype=float)
        for index in numpy.ndindex(*numpy.shape(array)):
            step = [numpy.array(a, dtype=float) for a in arrays]
            step[position][index] += eps
            up = f(*step)
            step[position][index] -= 2 * eps
            grad[index] = (up - f(*step)) / (2 * eps)
        grads.append(grad)
    return grads


def close(actual, expected):
    for a, e in zip(actual, expected):
        numpy.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-7)


@pytest.fixture
def layer_data(rng):
    return rng.normal(size=(3, 4)), rng.normal(size=3), rng.normal(size=4)


def test_the_model_as_an_argument_gets_a_record_of_gradients(layer_data):
    W, b, x = layer_data
    g = adjoint.grad(N.loss_argument)(N.Layer(W, b), x)
    assert type(g) is N.Layer
    fields = lambda W, b: N.loss_argument(N.Layer(W, b), x)  # noqa: E731
    close([g.W, g.b], central(fields, [W, b]))
    close([g.W, g.b], autograd.grad(lambda W, b: A.loss_argument(A.Layer(W, b), x), (0, 1))(W, b))


def test_the_model_built_in_the_loss(layer_data):
    W, b, x = layer_data
    dW, db, dx = adjoint.grad(N.loss_built, wrt=(0, 1, 2))(W, b, x)
    close([dW, db, dx], central(N.loss_built, [W, b, x]))
    close([dW, db, dx], autograd.grad(A.loss_built, (0, 1, 2))(W, b, x))


@pytest.mark.parametrize("holder", ["MLP", "Pair", "both"])
def test_a_model_holding_layers_its_methods_loop_over(rng, holder):
    shapes = [((3, 4), 3), ((2, 3), 2), ((2, 2), 2)]
    arrays = [a for (w, b) in shapes for a in (rng.normal(size=w), rng.normal(size=b))]
    x = rng.normal(size=4)

    def build(ns, *arrays):
        layers = [ns.Layer(arrays[i], arrays[i + 1]) for i in range(0, len(arrays), 2)]
        return ns.Pair(tuple(layers)) if holder == "Pair" else ns.MLP(layers, 1.5)

    loss = (lambda model, x: model.both(x)) if holder == "both" else N.loss_model
    g = adjoint.grad(loss)(build(N, *arrays), x)
    assert type(g) is getattr(N, holder, N.MLP) and all(type(layer) is N.Layer for layer in g.layers)
    got = [a for layer in g.layers for a in (layer.W, layer.b)]
    close(got, central(lambda *arrays: loss(build(N, *arrays), x), arrays))
    close(got, autograd.grad(lambda *arrays: loss(build(A, *arrays), x), tuple(range(len(arrays))))(*arrays))
    if holder == "MLP":
        value, (dmodel, dx) = adjoint.value_and_grad(loss, wrt=(0, 1))(build(N, *arrays), x)
        assert numpy.isclose(value, loss(build(N, *arrays), x))
        close([dx], central(lambda x: loss(build(N, *arrays), x), [x]))


def test_a_field_holding_a_layer_and_comprehensions_over_layers(rng):
    arrays = [rng.normal(size=(3, 4)), rng.normal(size=3), rng.normal(size=(2, 3)), rng.normal(size=2),
              rng.normal(size=(2, 3)), rng.normal(size=2)]
    x = rng.normal(size=4)

    def build(ns, W0, b0, W1, b1, W2, b2):
        return ns.Stack(ns.Layer(W0, b0), (ns.Layer(W1, b1), ns.Layer(W2, b2)))

    g = adjoint.grad(N.loss_model)(build(N, *arrays), x)
    got = [g.first.W, g.first.b] + [a for layer in g.rest for a in (layer.W, layer.b)]
    close(got, central(lambda *arrays: N.loss_model(build(N, *arrays), x), arrays))
    close(got, autograd.grad(lambda *arrays: A.loss_model(build(A, *arrays), x), tuple(range(6)))(*arrays))
    with pytest.raises(AdjointError, match="should be a Layer"):
        adjoint.grad(N.loss_model)(N.Stack(Bigger(*arrays[:2]), (N.Layer(*arrays[2:4]), N.Layer(*arrays[4:]))), x)


def test_a_named_tuple_with_methods_calling_methods(rng):
    q, p = rng.normal(size=3), rng.normal(size=3)
    g = adjoint.grad(N.hamiltonian, wrt=(0, 1))(N.Particle(q, p), 2.0)
    assert type(g[0]) is N.Particle
    close([g[0].q, g[0].p, g[1]], central(lambda q, p, k: N.hamiltonian(N.Particle(q, p), k), [q, p, 2.0]))
    close([g[0].q, g[0].p], autograd.grad(lambda q, p: A.hamiltonian(A.Particle(q, p), 2.0), (0, 1))(q, p))


def test_a_function_receiving_the_record_calls_its_methods(layer_data):
    W, b, x = layer_data
    g = adjoint.grad(N.through_helper)(N.Layer(W, b), x)
    close([g.W, g.b], central(lambda W, b: N.through_helper(N.Layer(W, b), x), [W, b]))


def test_vjp_and_jvp_with_record_tangents(layer_data, rng):
    W, b, x = layer_data
    layer = N.Layer(W, b)
    value, pullback = adjoint.vjp(N.loss_argument)(layer, x)
    g = pullback(2.0)
    expected = central(lambda W, b: N.loss_argument(N.Layer(W, b), x), [W, b])
    assert numpy.isclose(value, N.loss_argument(layer, x))
    close([g.W, g.b], [2.0 * e for e in expected])
    tangent = N.Layer(rng.normal(size=(3, 4)), rng.normal(size=3))
    value, derivative = adjoint.jvp(N.loss_argument)(layer, x, tangent)
    assert numpy.isclose(derivative, numpy.sum(expected[0] * tangent.W) + numpy.sum(expected[1] * tangent.b))


def test_second_order_through_methods_of_a_named_tuple_built_in_the_function(rng):
    q, p, v = rng.normal(size=3), rng.normal(size=3), rng.normal(size=3)
    energy = lambda q, p, k: N.Particle(q, p).energy(k)  # noqa: E731
    got = adjoint.hvp(energy, wrt=0)(q, p, 2.0, v)
    first = lambda q: adjoint.grad(energy, wrt=0)(q, p, 2.0)  # noqa: E731
    eps = 1e-6
    numpy.testing.assert_allclose(got, (first(q + eps * v) - first(q - eps * v)) / (2 * eps), rtol=1e-5, atol=1e-7)
    expected = autograd.hessian_vector_product(lambda q: A.Particle(q, p).energy(2.0))(q, v)
    numpy.testing.assert_allclose(got, expected, rtol=1e-6)


# ----- two classes with the same fields and other methods -------------------------------------------

@dataclass
class Doubling:
    a: float
    b: float

    def value(self):
        return 2.0 * self.a * self.b


@dataclass
class Squaring:
    a: float
    b: float

    def value(self):
        return self.a ** 2 + self.b


def evaluate(record, t):
    return record.value() * t


def test_classes_with_the_same_fields_get_their_own_derivatives_called_alternately(cache_dir):
    derived = adjoint.grad(evaluate)
    for _ in range(3):  # the cached call's choice of generated function follows the class
        d, s = derived(Doubling(3.0, 5.0), 2.0), derived(Squaring(3.0, 5.0), 2.0)
        assert type(d) is Doubling and (d.a, d.b) == (20.0, 12.0)
        assert type(s) is Squaring and (s.a, s.b) == (12.0, 2.0)
    for cls in (Doubling, Squaring):  # from the disk cache, in a new generation
        adjoint.api._GENERATED.clear()
        g = adjoint.grad(evaluate)(cls(3.0, 5.0), 2.0)
        assert (g.a, g.b) == ((20.0, 12.0) if cls is Doubling else (12.0, 2.0))


# ----- refusals ------------------------------------------------------------------------------------------

@dataclass
class Counter:
    w: float
    calls: float = 0.0

    def zero_first(self, x):
        self.w[0] = 0.0
        return numpy.sum(self.w) * x

    def bump(self, x):
        self.calls = self.calls + 1.0
        return self.w * x

    @property
    def doubled(self):
        return 2.0 * self.w

    @classmethod
    def unit(cls, x):
        return x

    @staticmethod
    def twice(x):
        return 2.0 * x

    def scaled(self, x):
        return self.twice(self.w) * x


@dataclass
class Initialized:
    w: float

    def __post_init__(self):
        self.w = float(self.w)

    def f(self, x):
        return self.w * x


@dataclass
class Base:
    w: float

    def f(self, x):
        return self.w * x


@dataclass
class Derived(Base):
    def f(self, x):
        return super().f(x) * 2.0


@dataclass
class Holder:
    w: float
    act: object = None

    def scaled(self, x):
        return self.w * x


def writes_self(c, x):
    return c.bump(x)


def writes_into_self(c, x):
    return c.zero_first(x)


def reads_property(c, x):
    return c.doubled * x


def calls_classmethod(c, x):
    return c.unit(x) * c.w


def takes_method(c, x):
    f = c.scaled
    return f(x)


def custom_init(c, x):
    return c.f(x)


def calls_super(c, x):
    return c.f(x)


def shadowed(c, x):  # the lambda's `c` is another value: what it holds is not known
    f = lambda c: c.scaled(x)  # noqa: E731
    return f(Holder(1.0)) * c.scaled(x)


def calls_field(h, x):
    return h.act(x) * h.w


REFUSED = [
    (writes_self, lambda: Counter(2.0), "attribute assignment"),
    (writes_into_self, lambda: Counter(numpy.ones(3)), "writes in place"),
    (calls_classmethod, lambda: Counter(2.0), "classmethod"),
    (takes_method, lambda: Counter(2.0), "as a value"),
    (custom_init, lambda: Initialized(2.0), "`__post_init__` of its own"),
    (calls_super, lambda: Derived(2.0), "super()"),
    (calls_field, lambda: Holder(2.0, numpy.sin), "field"),
    (shadowed, lambda: Counter(2.0), "`c.scaled` is a method of `c`"),
]


@pytest.mark.parametrize("func, record, words", REFUSED, ids=[case[0].__name__ for case in REFUSED])
def test_what_is_no_plain_method_of_a_known_record_is_refused_at_its_line(func, record, words):
    with pytest.raises(AdjointError) as caught:
        adjoint.grad(func)(record(), 3.0)
    assert words in str(caught.value)
    assert caught.value.location is not None and caught.value.location.filename == __file__


def test_a_property_read_calls_its_getter():
    """`c.doubled`, a property of the record's class: its getter called with the record, in
    either argument; it was refused."""
    gradient = adjoint.grad(reads_property, wrt=(0, 1))(Counter(2.0), 3.0)
    assert type(gradient[0]) is Counter and (gradient[0].w, gradient[0].calls, gradient[1]) == (6.0, 0.0, 4.0)
    value, tangent = adjoint.jvp(reads_property, wrt=1)(Counter(2.0), 3.0, 1.0)
    assert (value, tangent) == (12.0, 4.0)


def test_a_staticmethod_called_on_the_record():
    g = adjoint.grad(lambda c, x: c.scaled(x), wrt=(0, 1))(Counter(2.0), 3.0)
    assert (g[0].w, g[0].calls, g[1]) == (6.0, 0.0, 4.0)


class Bigger(N.Layer):
    pass


def test_a_loop_item_of_a_subclass_is_refused_when_the_loop_runs(rng):
    layers = [N.Layer(rng.normal(size=(3, 4)), rng.normal(size=3)), Bigger(rng.normal(size=(2, 3)), rng.normal(size=2))]
    with pytest.raises(AdjointError, match="subclass or another class"):
        adjoint.grad(N.loss_model)(N.MLP(layers, 1.0), rng.normal(size=4))


@dataclass
class Unannotated:
    layers: list

    def loss(self, x):
        for layer in self.layers:
            x = layer(x)
        return numpy.sum(x)


def test_a_loop_over_a_field_of_no_record_class_is_refused(rng):
    model = Unannotated([N.Layer(rng.normal(size=(3, 4)), rng.normal(size=3))])
    with pytest.raises(AdjointError, match="layer"):
        adjoint.grad(lambda m, x: m.loss(x))(model, rng.normal(size=4))



def test_second_order_through_methods_of_a_record_argument(layer_data, rng):
    W, b, x = layer_data
    v = N.Layer(rng.normal(size=(3, 4)), rng.normal(size=3))
    got = adjoint.hvp(N.loss_argument)(N.Layer(W, b), x, v)
    assert type(got) is N.Layer
    first = lambda W, b: adjoint.grad(N.loss_argument)(N.Layer(W, b), x)  # noqa: E731
    eps = 1e-6
    up, down = first(W + eps * v.W, b + eps * v.b), first(W - eps * v.W, b - eps * v.b)
    close([got.W, got.b], [(up.W - down.W) / (2 * eps), (up.b - down.b) / (2 * eps)])
    fields_grad = autograd.grad(lambda W, b: A.loss_argument(A.Layer(W, b), x), (0, 1))
    along_v = lambda W, b: sum(autograd.numpy.sum(g * t) for g, t in zip(fields_grad(W, b), (v.W, v.b)))  # noqa: E731
    expected = autograd.grad(along_v, (0, 1))(W, b)
    close([got.W, got.b], expected)
    k = adjoint.grad(adjoint.grad(N.hamiltonian, wrt=1), wrt=1)(N.Particle(x[:3], b), 2.0)  # linear in k
    assert k == 0.0


@pytest.mark.parametrize("holder", ["MLP", "Pair"])
def test_second_order_through_the_loop_over_a_models_layers(rng, holder):
    # hvp and grad of grad differentiate the derivative, which takes `layer = _seq[_i]` of the field
    from every_mode import check_every_mode
    shapes = [((3, 4), 3), ((2, 3), 2)]
    layers = [N.Layer(rng.normal(size=w), rng.normal(size=b)) for w, b in shapes]
    model = N.Pair(tuple(layers)) if holder == "Pair" else N.MLP(layers, 1.5)
    check_every_mode(N.loss_model, (model, numpy.linspace(-1.0, 1.0, 4)))


def test_a_record_passed_to_a_function_reached_through_an_attribute(rng):
    # `N.loss_model(model, x)`: the callee named by a chain of attributes is specialized to the class too
    layers = [N.Layer(rng.normal(size=(3, 4)), rng.normal(size=3)), N.Layer(rng.normal(size=(2, 3)), rng.normal(size=2))]
    x = rng.normal(size=4)
    from every_mode import check_every_mode
    check_every_mode(lambda model: N.loss_model(model, x), (N.MLP(layers, 1.5),))


def test_a_loop_over_a_field_holding_no_list_is_refused_when_the_loop_runs(rng):
    layers = {"a": N.Layer(rng.normal(size=(3, 4)), rng.normal(size=3))}
    with pytest.raises(AdjointError, match="should be a Layer"):
        adjoint.grad(N.loss_model)(N.MLP(layers, 1.0), rng.normal(size=4))


@dataclass
class Replaced:
    a: float

    def value(self):
        return self.a ** 2


def test_a_method_given_to_the_class_later_generates_the_derivative_again():
    derived = adjoint.grad(evaluate)
    assert derived(Replaced(3.0), 1.0).a == 6.0
    original = Replaced.value
    try:
        Replaced.value = lambda self: 5.0 * self.a
        assert derived(Replaced(3.0), 1.0).a == 5.0
    finally:
        Replaced.value = original
    assert derived(Replaced(3.0), 1.0).a == 6.0


@dataclass
class Doubled:
    a: numpy.ndarray

    @property
    def doubled(self):
        self.a *= 2.0  # writes in place into the argument's array when read
        return self.a

    def read(self):
        return self.doubled


def reads_a_writing_property_in_a_method(p, x):
    p.read()
    return numpy.sum(p.a * x)


def test_a_property_writing_in_place_read_by_a_method_is_refused():
    x = numpy.array([0.5, -1.2, 2.0])
    with pytest.raises(AdjointError, match="writes in place"):
        adjoint.grad(reads_a_writing_property_in_a_method)(Doubled(x.copy()), x)
