"""A user's rule template may name the derivative marker however its module imports it
(`adjoint.d`, an alias of the module, `from adjoint import d as D`); a template that uses `d`
otherwise, or assigns no derivative at all, is refused when it is first used: before, such a
rule silently gave a derivative of zero."""
from __future__ import annotations

import re

import numpy as np
import pytest

import adjoint
import adjoint as ad
from adjoint import d as D

X = np.array([0.3, -0.7, 1.1])


def cube(x):
    return x * x * x


def quartic(x):
    return x * x * x * x


def fifth(x):
    return x * x * x * x * x


def cube_adjoint(result, x):
    adjoint.d[x] = 3.0 * x * x * adjoint.d[result]


def cube_tangent(result, x):
    adjoint.d[result] = 3.0 * x * x * adjoint.d[x]


def quartic_adjoint(result, x):
    ad.d[x] = 4.0 * x * x * x * ad.d[result]


def quartic_tangent(result, x):
    ad.d[result] = 4.0 * x * x * x * ad.d[x]


def fifth_adjoint(result, x):
    D[x] = 5.0 * x ** 4 * D[result]


def fifth_tangent(result, x):
    D[result] = 5.0 * x ** 4 * D[x]


def _register(table, func, rule):
    table.register(func)(rule)
    return table, func, rule


def _unregister(table, func, rule):
    from adjoint.rules.table import Revision
    del table._rules[func]
    table._parsed.pop(rule, None)
    Revision.bump()


@pytest.fixture(scope="module", autouse=True)
def rules_of_this_module():
    """The rules registered while this module's tests run, and no longer (the tests that read
    every registered rule, in whatever order they run, meet only the library's)."""
    from adjoint.rules.table import ADJOINTS, TANGENTS
    registered = [_register(ADJOINTS, cube, cube_adjoint), _register(TANGENTS, cube, cube_tangent),
                  _register(ADJOINTS, quartic, quartic_adjoint), _register(TANGENTS, quartic, quartic_tangent),
                  _register(ADJOINTS, fifth, fifth_adjoint), _register(TANGENTS, fifth, fifth_tangent)]
    yield
    for entry in registered:
        _unregister(*entry)


def central_difference(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for k in range(x.size):
        step = np.zeros_like(x)
        step[k] = eps
        grad[k] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


@pytest.mark.parametrize("power, func", [(3, cube), (4, quartic), (5, fifth)])
def test_the_marker_under_another_spelling_gives_the_derivative(power, func):
    def total(x):
        return np.sum(func(x) * 2.0)
    expected = 2.0 * power * X ** (power - 1)
    np.testing.assert_allclose(adjoint.grad(total)(X), expected, rtol=1e-12)
    np.testing.assert_allclose(central_difference(total, X), expected, rtol=1e-6)


@pytest.mark.parametrize("power, func", [(3, cube), (4, quartic), (5, fifth)])
def test_the_tangent_under_another_spelling(power, func):
    def total(x):
        return np.sum(func(x))
    value, tangent = adjoint.jvp(total)(X, np.ones(3))
    assert value == pytest.approx(np.sum(X ** power))
    assert tangent == pytest.approx(np.sum(power * X ** (power - 1)))


def shifted(x):
    return x + 1.0


def nothing(x):
    return x * 2.0


def stranger(x):
    return x * 3.0


def d_as_a_value(result, x):
    d_of_sum = adjoint.d[result] + adjoint.d[result]
    adjoint.d[x] = d_of_sum * 0.5 + adjoint.d  # `d` as a value


def no_derivative(result, x):
    scale = 2.0 * x  # noqa: F841  (a rule that computes and assigns no derivative)


def unknown_parameter(result, x):
    adjoint.d[y] = 3.0 * adjoint.d[result]  # noqa: F821  (no parameter y)


@pytest.fixture
def registered(request):
    """The faulty rule registered for its function while the test runs (every other test that reads
    all the rules must not meet it)."""
    from adjoint.rules.table import ADJOINTS
    func, rule = request.param
    yield _register(ADJOINTS, func, rule)[1:]
    _unregister(ADJOINTS, func, rule)


@pytest.mark.parametrize("registered, message", [
    ((shifted, d_as_a_value), "otherwise than as `d[p]`"), ((nothing, no_derivative), "assigns no derivative"),
    ((stranger, unknown_parameter), "otherwise than as `d[p]`"),
], indirect=["registered"], ids=["d as a value", "no derivative", "unknown parameter"])
def test_a_rule_that_would_give_no_derivative_is_refused(registered, message):
    func, rule = registered

    def total(x):
        return np.sum(func(x))
    with pytest.raises(adjoint.AdjointError, match=re.escape(message)) as error:
        adjoint.grad(total)(X)
    assert error.value.filename == __file__ and error.value.lineno == rule.__code__.co_firstlineno
