"""Functions as values beyond single gradients: what invalidates a derivative specialized to
a function, the disk cache's keys for lambdas and function arguments, where errors inside
lifted functions and comprehensions point, and the refusal of `wrt` naming an object."""
from __future__ import annotations

import functools
import inspect
import re
import sys
import types

import gast
import numpy as np
import pytest

import adjoint
from adjoint.backend import cache
from adjoint.frontend import lambdas


class Activated:
    def __init__(self):
        self.act = np.tanh

    def loss(self, x):
        return np.sum(self.act(x))


TABLE = {"f": np.sin}


def from_table(x):
    return np.sum(TABLE["f"](x))


def layer(x, act=np.tanh):
    return np.sum(act(x) * x)


X = np.array([0.3, -0.7, 1.1])


def test_changing_an_instance_attribute_regenerates_the_derivative():
    model = Activated()
    gradient = adjoint.grad(model.loss)
    np.testing.assert_allclose(gradient(X), 1.0 - np.tanh(X) ** 2)
    model.act = np.sin
    np.testing.assert_allclose(gradient(X), np.cos(X))


def test_changing_a_table_entry_regenerates_the_derivative():
    gradient = adjoint.grad(from_table)
    np.testing.assert_allclose(gradient(X), np.cos(X))
    TABLE["f"] = np.exp
    try:
        np.testing.assert_allclose(gradient(X), np.exp(X))
    finally:
        TABLE["f"] = np.sin


def test_each_function_argument_has_its_own_derivative():
    gradient = adjoint.grad(layer)
    for act, derivative in ((np.sin, np.cos), (np.exp, np.exp), (np.tanh, lambda v: 1.0 - np.tanh(v) ** 2)):
        np.testing.assert_allclose(gradient(X, act), derivative(X) * X + act(X))
        np.testing.assert_allclose(gradient(X, act=act), derivative(X) * X + act(X))
    np.testing.assert_allclose(gradient(X), (1.0 - np.tanh(X) ** 2) * X + np.tanh(X))


def squared(v):
    return v * v


def apply(fn, x):
    return np.sum(fn(x) * x)


def test_a_derivative_given_a_user_function_is_generated_once(monkeypatch):
    """The parameter's name is no global binding: a dependency on it never held, and every call
    generated the derivative again (the right value, at the cost of a generation per call)."""
    import adjoint.api as api

    made = []
    generate = api.derivative_of
    monkeypatch.setattr(api, "derivative_of", lambda func, options: made.append(func) or generate(func, options))
    gradient = adjoint.grad(apply, wrt=1)
    for _ in range(3):
        np.testing.assert_allclose(gradient(squared, X), 3.0 * X * X)
    assert len(made) == 1


PROGRAM = '''
import numpy as np

square = lambda x: x ** 2
cube = lambda x: x ** 3


def layer(x, act=np.tanh):
    return np.sum(act(x) * x)
'''


def test_the_disk_cache_tells_lambdas_and_function_arguments_apart(tmp_path, monkeypatch):
    monkeypatch.setenv("ADJOINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ADJOINT_CACHE", "1")
    path = tmp_path / "lambdas_program.py"
    path.write_text(PROGRAM)
    results, hits = [], []
    for _ in range(2):  # the second pass reads what the first one stored
        hits.append(cache.STATISTICS["hits"])
        namespace = {"__name__": "lambdas_program"}
        exec(compile(PROGRAM, str(path), "exec"), namespace)
        results.append((adjoint.grad(namespace["square"])(2.0), adjoint.grad(namespace["cube"])(2.0),
                        adjoint.grad(namespace["layer"])(X, np.sin), adjoint.grad(namespace["layer"])(X, np.exp)))
    assert cache.STATISTICS["hits"] - hits[1] == 4
    for square, cube, with_sin, with_exp in results:
        assert (square, cube) == (4.0, 12.0)
        np.testing.assert_allclose(with_sin, np.cos(X) * X + np.sin(X))
        np.testing.assert_allclose(with_exp, np.exp(X) * X + np.exp(X))


def test_two_lambdas_with_the_same_parameters_on_one_line_are_told_apart():
    assert (adjoint.grad(lambda x: x ** 2)(1.5), adjoint.grad(lambda x: x ** 3)(1.5)) == (3.0, 6.75)


class _WithoutColumns:
    """A lambda's code as Python before 3.11 records it: a line, no columns."""

    def __init__(self, code):
        self.__code__ = code
        for name in ("co_firstlineno", "co_varnames", "co_argcount", "co_kwonlyargcount", "co_filename"):
            setattr(self, name, getattr(code, name))


def test_without_columns_a_lambda_is_told_apart_by_its_instructions():
    scale = 2.0
    pair = (lambda v: np.sum(v ** 2) * scale, lambda v: np.sum(v ** 3) * scale, lambda v: v * scale)
    module = gast.parse(inspect.getsource(sys.modules[__name__]))
    for func in pair:
        found = lambdas._candidates(module, types.SimpleNamespace(__code__=_WithoutColumns(func.__code__)))
        assert len(found) == 1
        assert found[0].lineno == func.__code__.co_firstlineno
        assert lambdas._instructions(lambdas._compiled(found[0], func.__code__.co_filename)) == \
            lambdas._instructions(func.__code__)
    same = (lambda v: v * scale, lambda v: v * scale)
    assert len(lambdas._candidates(module, types.SimpleNamespace(__code__=_WithoutColumns(same[0].__code__)))) == 2


def test_wrt_naming_the_object_of_a_bound_method_is_refused():
    with pytest.raises(adjoint.AdjointError, match="names the object"):
        adjoint.grad(Activated().loss, wrt="self")


def unsupported_inside_nested_def(x):
    def inner(t):
        values = [t, 2.0 * t]
        values.sort()  # <- inside-nested-def
        return values[0]
    return inner(x)


unsupported_inside_lambda = lambda x: sum({x * k for k in (1.0, 2.0)})  # noqa: E731  # <- inside-lambda


def unsupported_inside_comprehension(x):
    return sum(np.linalg.eig(np.eye(2) * v)[0][0] for v in x)  # <- inside-comprehension


@pytest.mark.parametrize("fn, args, marker", [
    (unsupported_inside_nested_def, (1.0,), "inside-nested-def"),
    (unsupported_inside_lambda, (1.0,), "inside-lambda"),
    (unsupported_inside_comprehension, (X,), "inside-comprehension"),
], ids=["nested-def", "lambda", "comprehension"])
def test_an_error_inside_a_lifted_function_or_comprehension_names_the_users_line(fn, args, marker):
    with pytest.raises(adjoint.AdjointError) as info:
        adjoint.grad(fn)(*args)
    lines = inspect.getsource(inspect.getmodule(fn)).splitlines()
    expected = next(number for number, line in enumerate(lines, start=1) if line.rstrip().endswith(f"# <- {marker}"))
    assert info.value.lineno == expected, str(info.value)
    assert not re.search(r"\b_[a-z]+\d", str(info.value)), str(info.value)


def nested_def_with_loop(x, a):
    def power_sum(t):
        total = 0.0
        for k in range(3):
            total = total + t * x
        return total
    return np.sum(power_sum(a)) + power_sum(x)


def test_hvp_through_a_local_def_with_a_loop():
    direction, eps = (1.0, np.linspace(-1.0, 1.0, X.size)), 1e-6
    gradient = adjoint.grad(nested_def_with_loop, wrt=(0, 1))
    ahead, behind = (gradient(1.5 + s * direction[0], X + s * direction[1]) for s in (eps, -eps))
    product = adjoint.hvp(nested_def_with_loop, wrt=(0, 1))(1.5, X, *direction)
    for got, plus, minus in zip(product, ahead, behind):
        np.testing.assert_allclose(got, (np.asarray(plus) - np.asarray(minus)) / (2 * eps), rtol=1e-6, atol=1e-8)


STATE = np.random.RandomState(0)


def draws_around_a_comprehension(x):
    return x * STATE.normal() + sum(x * STATE.normal() for _ in range(3)) * STATE.normal()


def test_a_lowered_comprehension_keeps_its_place_in_the_order_of_evaluation():
    STATE.seed(1)
    value = draws_around_a_comprehension(2.0)
    STATE.seed(1)
    got, gradient = adjoint.value_and_grad(draws_around_a_comprehension)(2.0)
    assert got == value
    assert gradient == pytest.approx(value / 2.0, rel=1e-12)


def test_second_derivatives_of_lambdas_and_partials():
    assert adjoint.grad(adjoint.grad(lambda t: t ** 4))(2.0) == pytest.approx(48.0)
    product = adjoint.hvp(functools.partial(layer, act=np.sin))(X, np.ones(3))
    np.testing.assert_allclose(product, 2.0 * np.cos(X) - X * np.sin(X))


def test_a_derivative_of_a_derivative_given_a_function_is_refused():
    with pytest.raises(adjoint.AdjointError, match="not specialized to the functions they receive"):
        adjoint.hvp(layer)(X, np.sin, np.ones(3))


def applies(x, f):
    return f(x) * 2.0


def test_a_specialized_function_runs_with_its_own_modules_globals():
    """The specialization is made in the function's module: what it calls must not be looked up there."""
    from adjoint.frontend.values import specialize
    made = specialize(applies, fixed=(("f", np.sin),))
    assert made(0.3, np.sin) == applies(0.3, np.sin)


RENAMED = {
    "cube": lambda x: np.sum(x ** 3),
    "wave": lambda x: np.sum(np.sin(x) * x),
}
for _name, _func in RENAMED.items():
    _func.__name__ = _func.__qualname__ = f"loss_{_name}"  # as functools.update_wrapper would


def test_a_lambda_given_another_name_is_read_as_a_lambda():
    # a lambda renamed was read as a `def`: its line (a dict entry) failed to parse, an internal SyntaxError
    x = np.array([0.3, -0.7, 1.1])
    np.testing.assert_allclose(adjoint.grad(RENAMED["cube"])(x), 3 * x ** 2, rtol=1e-12)
    np.testing.assert_allclose(adjoint.grad(RENAMED["wave"])(x), np.cos(x) * x + np.sin(x), rtol=1e-12)
