"""Programs written the way scripts and notebooks write them.

A module file edited after it was imported and not reloaded: Python keeps running the code
compiled at import, but `inspect` reads the file as it is now, so the derivative was that of the
edited text (a wrong value and gradient, and a disk cache entry of the edited text served to the
old code). The text read is now compiled where the function was written and compared with the
code that runs; a mismatch is refused at the function's line, and a reload differentiates the new
code. The comparison must accept every function whose file is unchanged: methods with private
names and `super()`, closures, nested functions, lambdas, `from __future__ import annotations`.
"""
from __future__ import annotations

import functools
import importlib
import math
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import adjoint
from adjoint.frontend.parse import SourceUnavailableError

FIRST = """
import math

def helper(x):
    return x * x

square = lambda x: x * x
"""

EDITED = """
import math

def helper(x):
    return x * x * x

square = lambda x: x * x * x
"""

# lines added above: the line where `helper` started now starts another function
SHIFTED = """
import math

def cube(x):
    return x * x * x

def helper(x):
    return x * x * x

square = lambda x: x * x * x
"""


@pytest.fixture
def helpers(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # a reload reads the edited file, not a .pyc
    path = tmp_path / "notebook_helpers.py"
    path.write_text(textwrap.dedent(FIRST))
    module = importlib.import_module("notebook_helpers")
    yield module, path
    sys.modules.pop("notebook_helpers", None)


def differences(f, x, eps=1e-6):
    return (f(x + eps) - f(x - eps)) / (2 * eps)


def through_helper(x):
    return math.sin(sys.modules["notebook_helpers"].helper(x))


def through_lambda(x):
    return math.sin(sys.modules["notebook_helpers"].square(x))


CALLERS = [through_helper, through_lambda]
TRANSFORMS = {
    "grad": lambda f: adjoint.grad(f)(0.7),
    "value_and_grad": lambda f: adjoint.value_and_grad(f)(0.7),
    "jvp": lambda f: adjoint.jvp(f)(0.7, 1.0),
    "hvp": lambda f: adjoint.hvp(f)(0.7, 1.0),
}


@pytest.mark.parametrize("edit", [EDITED, SHIFTED], ids=["edited", "shifted"])
@pytest.mark.parametrize("transform", list(TRANSFORMS), ids=list(TRANSFORMS))
@pytest.mark.parametrize("caller", CALLERS, ids=lambda f: f.__name__)
def test_a_file_edited_after_import_is_refused_at_the_function(helpers, caller, transform, edit, monkeypatch):
    monkeypatch.setenv("ADJOINT_CACHE", "0")
    module, path = helpers
    path.write_text(textwrap.dedent(edit))
    with pytest.raises(SourceUnavailableError, match="the file changed after") as raised:
        TRANSFORMS[transform](caller)
    assert "notebook_helpers.py:" in str(raised.value)


@pytest.mark.parametrize("caller", CALLERS, ids=lambda f: f.__name__)
def test_after_a_reload_the_new_code_is_differentiated(helpers, caller, monkeypatch):
    monkeypatch.setenv("ADJOINT_CACHE", "0")
    module, path = helpers
    np.testing.assert_allclose(adjoint.grad(caller)(0.7), differences(caller, 0.7), rtol=1e-7)
    path.write_text(textwrap.dedent(EDITED))
    importlib.reload(module)
    value, gradient = adjoint.value_and_grad(caller)(0.7)
    assert value == caller(0.7)
    np.testing.assert_allclose(gradient, differences(caller, 0.7), rtol=1e-7)
    np.testing.assert_allclose(gradient, math.cos(0.7 ** 3) * 3 * 0.7 ** 2, rtol=1e-12)
    autograd = pytest.importorskip("autograd")
    np.testing.assert_allclose(gradient, autograd.grad(lambda x: autograd.numpy.sin(module.helper(x)))(0.7),
                               rtol=1e-12)


CALLER = """
import math
import notebook_helpers

def through_helper(x):
    return math.sin(notebook_helpers.helper(x))
"""


def test_a_disk_cache_entry_of_the_edited_text_is_not_served_to_the_old_code(helpers, cache_dir, tmp_path):
    module, path = helpers
    (tmp_path / "notebook_caller.py").write_text(textwrap.dedent(CALLER))
    caller = importlib.import_module("notebook_caller")
    try:
        assert caller.through_helper(0.7) == math.sin(0.7 * 0.7)
        path.write_text(textwrap.dedent(EDITED))
        script = (f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import adjoint, notebook_caller; "
                  "print(adjoint.grad(notebook_caller.through_helper)(0.7))")
        warm = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
        assert float(warm.stdout) == pytest.approx(math.cos(0.7 ** 3) * 3 * 0.7 ** 2, rel=1e-12)
        with pytest.raises(SourceUnavailableError, match="the file changed after"):
            adjoint.grad(caller.through_helper)(0.7)
    finally:
        sys.modules.pop("notebook_caller", None)


UNCHANGED = """
from __future__ import annotations

import math


class Base:
    def __init__(self, k):
        self.__k = k

    def energy(self, x):
        return self.__k * x * x


class Spring(Base):
    def energy(self, x):
        def bend(y: float) -> float:
            return math.sin(y) * x
        return super().energy(x) + bend(x)


def make(a):
    def scaled(x):
        inner = lambda y: a * y * y
        return inner(x) + a * x
    return scaled


SPRING = Spring(3.0)
scaled = make(2.5)
double = lambda x: 2.0 * math.exp(x)


def through_everything(x):
    return SPRING.energy(x) + scaled(x) + double(x)
"""


def test_functions_of_an_unchanged_file_are_differentiated_in_every_scope(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("ADJOINT_CACHE", "0")
    (tmp_path / "scoped_functions.py").write_text(UNCHANGED)
    module = importlib.import_module("scoped_functions")
    try:
        f = module.through_everything
        np.testing.assert_allclose(adjoint.grad(f)(0.4), differences(f, 0.4), rtol=1e-7)
        second = differences(adjoint.grad(f), 0.4)
        np.testing.assert_allclose(adjoint.grad(adjoint.grad(f))(0.4), second, rtol=1e-6)
        np.testing.assert_allclose(adjoint.grad(module.SPRING.energy)(0.4), differences(module.SPRING.energy, 0.4),
                                   rtol=1e-7)
    finally:
        sys.modules.pop("scoped_functions", None)


PRIVATE = """
import math


class Oscillator:
    __SCALE = 0.5

    def __init__(self, k):
        self.__k = k

    def __spring(self, x):
        return self.__k * x * x

    def energy(self, x, v):
        def __damped(y):
            return self.__SCALE * y * y
        kinetic = (lambda u: self.__SCALE * u * u)(v)
        return self.__spring(x) + kinetic + __damped(x) + math.sin(x * v)


class Driven(Oscillator):
    def energy(self, x, v):
        return super().energy(x, v) * 2.0


OSCILLATOR = Driven(3.0)


def through_object(x, v):
    return OSCILLATOR.energy(x, v)
"""


def peer_energy(x, v):
    np_ = pytest.importorskip("autograd.numpy")
    return 2.0 * (3.0 * x * x + 0.5 * v * v + 0.5 * x * x + np_.sin(x * v))


@pytest.mark.parametrize("wrt", [0, 1])
@pytest.mark.parametrize("bound", [False, True], ids=["caller", "bound_method"])
def test_private_names_of_a_class_in_every_mode(tmp_path, monkeypatch, wrt, bound):
    """`self.__k` in a method of Oscillator is the attribute `_Oscillator__k` (the derivative, compiled
    outside the class, read `__k` and raised AttributeError)."""
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("ADJOINT_CACHE", "0")
    (tmp_path / "private_oscillator.py").write_text(PRIVATE)
    module = importlib.import_module("private_oscillator")
    try:
        f = module.OSCILLATOR.energy if bound else module.through_object
        args = (0.4, 1.3)

        def along(t, g=f):
            moved = list(args)
            moved[wrt] += t
            return g(*moved)

        expected = differences(along, 0.0)
        np.testing.assert_allclose(adjoint.grad(f, wrt=wrt)(*args), expected, rtol=1e-7)
        value, gradient = adjoint.value_and_grad(f, wrt=wrt)(*args)
        assert value == f(*args)
        np.testing.assert_allclose(gradient, expected, rtol=1e-7)
        value, tangent = adjoint.jvp(f, wrt=wrt)(*args, 1.0)
        assert value == f(*args)
        np.testing.assert_allclose(tangent, expected, rtol=1e-7)
        second = differences(lambda t: along(t, adjoint.grad(f, wrt=wrt)), 0.0)
        np.testing.assert_allclose(adjoint.hvp(f, wrt=wrt)(*args, 1.0), second, rtol=1e-6)
        autograd = pytest.importorskip("autograd")
        np.testing.assert_allclose(gradient, autograd.grad(peer_energy, wrt)(*args), rtol=1e-12)
    finally:
        sys.modules.pop("private_oscillator", None)


def item_of_a_number(x):
    return np.array(x).item() * x + np.float64(x) ** 2


def item_of_an_array(v):
    return v.item(1) * np.sum(v ** 2)


def test_item_of_a_zero_d_array_in_grad_of_grad():
    """The adjoint of `np.array(x)` for a float x arrives as a float in the second derivative: the
    rule of `.item()`'s adjoint called `.item()` on it (AttributeError)."""
    f = item_of_a_number
    first = adjoint.grad(f)
    np.testing.assert_allclose(first(0.7), differences(f, 0.7), rtol=1e-7)
    np.testing.assert_allclose(adjoint.grad(first)(0.7), differences(first, 0.7), rtol=1e-6)
    np.testing.assert_allclose(adjoint.grad(first)(0.7), 4.0, rtol=1e-12)
    np.testing.assert_allclose(adjoint.hvp(f)(0.7, 1.0), 4.0, rtol=1e-12)


def test_item_of_an_array_in_every_second_order_mode():
    v = np.array([0.3, -1.2, 0.8])
    t = np.array([0.5, 0.1, -0.7])
    gradient = adjoint.grad(item_of_an_array)
    want = (gradient(v + 1e-6 * t) - gradient(v - 1e-6 * t)) / 2e-6
    np.testing.assert_allclose(adjoint.hvp(item_of_an_array)(v, t), want, rtol=1e-6)
    np.testing.assert_allclose(adjoint.jvp(gradient)(v, t)[1], want, rtol=1e-6)


class Quadratic:
    __scale = 3.0
    scaled = lambda self, x: self.__scale * x * x  # noqa: E731 (a lambda in a class body)

    def total(self, x):
        return self.scaled(x) + (lambda y: self.__scale * math.sin(y))(x)


QUADRATIC = Quadratic()


def through_lambdas_of_a_class(x):
    return QUADRATIC.total(x)


@pytest.mark.parametrize("f", [through_lambdas_of_a_class, QUADRATIC.scaled], ids=["method", "lambda"])
def test_private_names_in_lambdas_of_a_class(f):
    np.testing.assert_allclose(adjoint.grad(f)(0.7), differences(f, 0.7), rtol=1e-7)
    np.testing.assert_allclose(adjoint.hvp(f)(0.7, 1.0), differences(adjoint.grad(f), 0.7), rtol=1e-6)


def activated(x, act=math.sin):
    return act(x) * x


def dense(W, x, nonlinearity=np.tanh):
    return np.sum(nonlinearity(W @ x) ** 2)


def test_second_derivatives_of_a_function_with_a_function_default():
    """`def layer(x, nonlinearity=np.tanh)` differentiated twice, the default not passed: refused
    without a line (hvp, grad of grad were not specialized to the default)."""
    second = adjoint.grad(adjoint.grad(activated))
    np.testing.assert_allclose(second(0.7), 2 * math.cos(0.7) - 0.7 * math.sin(0.7), rtol=1e-12)
    np.testing.assert_allclose(second(0.7), differences(adjoint.grad(activated), 0.7), rtol=1e-6)
    np.testing.assert_allclose(adjoint.hvp(activated)(0.7, 2.0), 2 * second(0.7), rtol=1e-12)
    W = np.array([[0.3, -0.2], [0.5, 0.1]])
    x = np.array([0.4, -0.7])
    V = np.array([[1.0, 0.0], [0.5, -1.0]])
    gradient = adjoint.grad(dense)
    want = (gradient(W + 1e-6 * V, x) - gradient(W - 1e-6 * V, x)) / 2e-6
    got = adjoint.hvp(dense)(W, x, V)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)
    autograd = pytest.importorskip("autograd")
    anp = autograd.numpy

    def peer(W):
        return anp.sum(anp.tanh(anp.dot(W, x)) ** 2)

    np.testing.assert_allclose(got, autograd.grad(lambda W: anp.sum(autograd.grad(peer)(W) * V))(W), rtol=1e-10)


def test_second_derivatives_follow_a_changed_function_default(monkeypatch):
    second = adjoint.grad(adjoint.grad(activated))
    assert second(0.7) == pytest.approx(2 * math.cos(0.7) - 0.7 * math.sin(0.7), rel=1e-12)
    monkeypatch.setattr(activated, "__defaults__", (math.cos,))
    assert second(0.7) == pytest.approx(-2 * math.sin(0.7) - 0.7 * math.cos(0.7), rel=1e-12)
    assert second(0.7) == pytest.approx(differences(adjoint.grad(activated), 0.7), rel=1e-6)


def test_a_function_passed_to_a_second_derivative_is_refused_at_the_definition():
    with pytest.raises(adjoint.AdjointError, match="not specialized to the functions they receive") as raised:
        adjoint.grad(adjoint.grad(activated))(0.7, math.cos)
    assert f"{__file__}:" in str(raised.value)


WRAPPED = """
import functools

def twice(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return 2.0 * fn(*args, **kwargs)
    return wrapper

@twice
def cube(x):
    return x ** 3
"""


def test_a_wrapper_edited_into_a_pass_through_after_import_is_refused(tmp_path, monkeypatch):
    """The wrapper runs `2.0 * fn(...)`; its file, edited, says `fn(...)`: adjoint looked behind the
    wrapper it took for a pass-through and gave half the gradient."""
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("ADJOINT_CACHE", "0")
    path = tmp_path / "edited_wrapper.py"
    path.write_text(WRAPPED)
    module = importlib.import_module("edited_wrapper")
    try:
        path.write_text(WRAPPED.replace("return 2.0 * fn(*args, **kwargs)", "return fn(*args, **kwargs)"))
        with pytest.raises(SourceUnavailableError, match="the file changed after") as raised:
            adjoint.grad(module.cube)(0.5)
        assert "edited_wrapper.py:6" in str(raised.value)
    finally:
        sys.modules.pop("edited_wrapper", None)


def alternating(x, n):
    s = 0.0
    for k in range(1, n + 1):
        s += (-1) ** k * x ** k / k
    return s + (-2.5) ** 2 * x


def test_a_negative_constant_raised_to_a_power_in_every_mode():
    """`(-1) ** k`: the compiler folds `-1` into the constant -1, which astor (and ast.unparse) wrote
    as `-1 ** k`, read by Python as `-(1 ** k)`: every term negative, a wrong value and gradient."""
    from every_mode import check_every_mode

    check_every_mode(alternating, (0.3, 5), wrt=0, peer=alternating)
    value, gradient = adjoint.value_and_grad(alternating)(0.3, 5)
    assert value == alternating(0.3, 5)
    np.testing.assert_allclose(gradient, sum((-0.3) ** (k - 1) * -1 for k in range(1, 6)) + 6.25, rtol=1e-12)


@pytest.mark.parametrize("value, text", [(-1, "(-1) ** k"), (-2.5, "(-2.5) ** k"), (-0.0, "(-0.0) ** k"),
                                         (float("-inf"), "(-1e1000) ** k"), (3.0, "3.0 ** k")])
def test_a_negative_constant_as_a_base_is_written_in_parentheses(value, text):
    import astor
    import gast

    from adjoint.backend import astor_text
    from adjoint.backend.printable import printable

    power = gast.BinOp(left=gast.Constant(value=value, kind=None), op=gast.Pow(),
                       right=gast.Name(id="k", ctx=gast.Load(), annotation=None, type_comment=None))
    func = gast.FunctionDef(name="f", args=gast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[],
                                                          kw_defaults=[], kwarg=None, defaults=[]),
                            body=[gast.Return(value=power)], decorator_list=[], returns=None, type_comment=None,
                            type_params=[])
    written, _ = astor_text.function_text(func)
    assert written == f"def f():\n    return {text}\n"
    assert astor.to_source(printable(func)[0]) == written


def two_numbers(x, y):
    return x ** 2 * y + math.exp(x * y)


@pytest.mark.parametrize("make", [lambda: adjoint.hessian(two_numbers, wrt=(0, 1)),
                                  lambda: adjoint.elementwise_grad(two_numbers, wrt=(0, 1))],
                         ids=["hessian", "elementwise_grad"])
def test_several_parameters_to_hessian_are_an_adjoint_error(make):
    """A plain NotImplementedError before: the API's refusals are AdjointErrors."""
    with pytest.raises(adjoint.AdjointError, match="several parameters"):
        make()(0.3, 0.5)


def checked_log(x):
    assert x > 0, "a positive x"
    return math.log(x) * x


def test_a_function_whose_asserts_pytest_rewrote_is_differentiated():
    """This module's asserts run as pytest rewrote them, which compiling its text does not give: the
    comparison of source and code must not take that for an edited file."""
    from adjoint.frontend.source_match import _rewritten_by_pytest

    assert _rewritten_by_pytest(checked_log.__code__) == ("@py_builtins" in globals())
    np.testing.assert_allclose(adjoint.grad(checked_log)(0.7), differences(checked_log, 0.7), rtol=1e-7)
    np.testing.assert_allclose(adjoint.grad(checked_log)(0.7), math.log(0.7) + 1.0, rtol=1e-12)


def timed(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        out = fn(*args, **kwargs)
        print(f"{fn.__name__} ran")
        return out
    return wrapper


@timed
def timed_loss(x, scale=2.0):
    return scale * math.sin(x) * x


def test_a_decorators_wrapper_spreading_its_own_rest_is_refused_with_the_way_round(capsys):
    """A timing or logging decorator's wrapper is the code that runs; given to grad, what its `*args`
    and `**kwargs` hold is not known: the refusal (at its line) says so, and the way round works."""
    with pytest.raises(adjoint.AdjointError, match="differentiate a function that calls it") as raised:
        adjoint.grad(timed_loss)(0.7)
    assert f"{__file__}:" in str(raised.value)
    value, gradient = adjoint.value_and_grad(lambda x: timed_loss(x))(0.7)
    assert capsys.readouterr().out == "timed_loss ran\n"
    assert value == timed_loss(0.7)
    np.testing.assert_allclose(gradient, differences(timed_loss, 0.7), rtol=1e-7)
    np.testing.assert_allclose(adjoint.hvp(lambda x: timed_loss(x))(0.7, 1.0),
                               differences(adjoint.grad(lambda x: timed_loss(x)), 0.7), rtol=1e-6)
