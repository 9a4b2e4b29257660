"""Objects of the user's plain classes built in the differentiated function (`model = MLP(W1, W2)`,
`__init__` storing its parameters in attributes): they are records of their attributes
(normalize/records.py), whose methods are called as a dataclass's are. Every mode against
central differences and autograd (the classes written once, over NumPy and over autograd.numpy),
and in a module `adjoint gen` writes; they were refused as objects whose state the derivative
does not follow."""
import importlib.util
import json
import os
import subprocess
import sys
import textwrap
import types

import numpy
import pytest

import adjoint
from adjoint.cli import main
from every_mode import check_every_mode


def model_code(np):
    """The classes and the functions building their objects, over the NumPy module `np`."""

    class MLP:
        """Two layers, called as a function."""

        def __init__(self, W1, W2, scale=1.0):
            self.W1 = W1
            self.W2 = W2
            self.scale = scale

        def hidden(self, x):
            return np.tanh(x @ self.W1)

        def __call__(self, x):
            return self.scale * self.hidden(x) @ self.W2

    class Spring:
        DAMPING = 0.1  # a class attribute, read through self

        def __init__(self, k, rest):
            self.rest = rest  # stored in another order than the parameters'
            self.k = k
            self.steps = 3

        def force(self, x):
            return -self.k * (x - self.rest) - self.DAMPING * x

        def settle(self, x):
            for _ in range(self.steps):
                x = x + 0.1 * self.force(x)
            return x if isinstance(self, Spring) else -x

    def mlp_loss(W1, W2, x, y):
        model = MLP(W1, W2, scale=0.5)
        return np.mean((model(x) - y) ** 2)

    def settled(k, x):
        spring = Spring(k, 0.3)
        return np.sum(spring.settle(x) ** 2)

    return types.SimpleNamespace(**locals())


N = model_code(numpy)
autograd = pytest.importorskip("autograd")
A = model_code(autograd.numpy)
RNG = numpy.random.default_rng(5)
MLP_ARGS = (RNG.normal(size=(3, 4)), RNG.normal(size=(4, 2)), RNG.normal(size=(5, 3)), RNG.normal(size=(5, 2)))


@pytest.mark.parametrize("name, args, wrt", [
    ("mlp_loss", MLP_ARGS, 0), ("mlp_loss", MLP_ARGS, 1), ("mlp_loss", MLP_ARGS, 2),
    ("settled", (1.3, RNG.normal(size=3)), 0), ("settled", (1.3, RNG.normal(size=3)), 1),
])
def test_objects_of_plain_classes_built_in_the_function(name, args, wrt):
    check_every_mode(getattr(N, name), args, wrt=wrt, peer=getattr(A, name))


class Normalized:
    def __init__(self, w):
        self.w = w / (w @ w) ** 0.5  # more than storing a parameter


def builds_a_class_with_a_constructor_of_its_own(w):
    return Normalized(w).w[0]


def test_a_class_whose_constructor_does_more_stays_refused_at_the_call():
    with pytest.raises(adjoint.AdjointError, match="builds an object of the class `Normalized`") as info:
        adjoint.grad(builds_a_class_with_a_constructor_of_its_own)(numpy.ones(3))
    assert info.value.filename == __file__, str(info.value)


class Pair:
    def __init__(self, a, b):
        self.a: float = a
        self.b = b

    def value(self):
        return self.a * self.b ** 2


def pair_value(x, y):
    return Pair(x, y).value()


def swapped_init(self, a, b):
    self.a = b
    self.b = a


def test_an_init_given_to_the_class_later_generates_the_derivative_again(monkeypatch):
    gradient = adjoint.grad(pair_value, wrt=(0, 1))
    numpy.testing.assert_allclose(gradient(2.0, 3.0), (9.0, 12.0))
    monkeypatch.setattr(Pair, "__init__", swapped_init)  # now the value is y * x ** 2
    numpy.testing.assert_allclose(gradient(2.0, 3.0), (12.0, 4.0))


PLAIN_MODEL = '''\
import numpy as np


class MLP:
    def __init__(self, W1, W2):
        self.W1 = W1
        self.W2 = W2

    def __call__(self, x):
        return np.tanh(x @ self.W1) @ self.W2


def loss(W1, W2, x, y):
    model = MLP(W1, W2)
    return np.mean((model(x) - y) ** 2)
'''


def test_adjoint_gen_writes_the_record_class_of_a_plain_class(tmp_path):
    """The module `adjoint gen` writes defines the dataclass standing for MLP's objects (a
    subclass of MLP, imported from the user's module) and runs where adjoint is not installed."""
    (tmp_path / "plain_model.py").write_text(PLAIN_MODEL)
    out = tmp_path / "grad_plain_model.py"
    assert main(["gen", f"{tmp_path / 'plain_model.py'}:loss", "--wrt", "W1,W2", "-o", str(out)]) == 0
    assert "class _MLP(MLP):" in out.read_text()
    fake = tmp_path / "fake" / "adjoint"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('adjoint must not be imported here')\n")
    script = textwrap.dedent('''
        import json
        import numpy as np
        import grad_plain_model
        rng = np.random.default_rng(0)
        args = (rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=(5, 3)), rng.normal(size=(5, 2)))
        print(json.dumps([g.tolist() for g in grad_plain_model.grad_loss(*args)]))
    ''')
    env = {"PATH": "", "PYTHONPATH": os.pathsep.join([str(fake.parent), str(tmp_path)])}
    result = subprocess.run([sys.executable, "-s", "-c", script], capture_output=True, env=env, cwd=tmp_path,
                            timeout=60, text=True)
    assert result.returncode == 0, result.stderr
    rng = numpy.random.default_rng(0)
    args = (rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=(5, 3)), rng.normal(size=(5, 2)))
    spec = importlib.util.spec_from_file_location("plain_model_reference", tmp_path / "plain_model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for got, want in zip(json.loads(result.stdout), adjoint.grad(module.loss, wrt=(0, 1))(*args)):
        numpy.testing.assert_allclose(got, want, rtol=1e-12)


class Tagged:
    def __init__(self, a):
        self.a = a

    def sign(self):
        return 1.0 if type(self) is Tagged else -1.0  # Python: 1.0


def tagged_value(x):
    return Tagged(x).sign() * x * x


def class_of_a_plain_object(x):
    tag = Tagged(x)
    return x if tag.__class__ is Tagged else -x


@pytest.mark.parametrize("function, line", [(tagged_value, "return 1.0 if type(self) is Tagged else -1.0"),
                                            (class_of_a_plain_object, "return x if tag.__class__ is Tagged else -x")])
def test_the_class_of_a_plain_object_built_inside_is_refused_at_its_read(function, line):
    """The object is one of a dataclass made for Tagged, a subclass: `type(self) is Tagged` would be
    False where Python says True, and the derivative would be that of the other branch."""
    assert function(2.0) > 0.0
    with pytest.raises(adjoint.UnsupportedSyntaxError, match="the class of an object of Tagged") as info:
        adjoint.grad(function)(2.0)
    assert info.value.filename == __file__ and info.value.location.line.strip().startswith(line.split(" if")[0])
