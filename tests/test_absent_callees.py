"""A call of a name that names nothing (a global that is not defined, an attribute a module lacks)
raises NameError or AttributeError where it is reached, as in the plain function, and needs no
derivative: version shims (`np.trapz` under `if hasattr(np, "trapz")`) are differentiated on the
branch that runs, and a call that runs raises what the plain function raises."""
from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING

import numpy as np
import pytest

import adjoint
from adjoint.errors import BackendError
from every_mode import check_every_mode

if TYPE_CHECKING:  # never bound when the tests run: the functions below meet these names unbound
    def helper_defined_later(x): ...

    def helper_never_defined(x): ...


def shim_statement(x):
    t = np.linspace(0.0, 1.0, x.size)
    if hasattr(np, "no_such_function"):
        return np.no_such_function(x ** 2, t)
    return np.sum(np.sin(x) * t) * x[0]


def shim_expression(x):
    t = np.linspace(0.0, 1.0, x.size)
    return np.no_such_function(x ** 2, t) if hasattr(np, "no_such_function") else np.sum(np.cos(x) * t ** 2)


def trapezoid_shim(x):
    t = np.linspace(0.0, 1.0, x.size)
    if hasattr(np, "trapezoid"):
        return np.trapezoid(x ** 2, t)
    return np.trapz(x ** 2, t)


def shim_variable(x):
    integrate = np.no_such_function if hasattr(np, "no_such_function") else np.trapezoid
    t = np.linspace(0.0, 1.0, x.size)
    return integrate(x ** 2, t) * x[1]


def undefined_helper_unless_asked(x, use_helper=False):
    if use_helper:
        return helper_defined_later(x) * x
    return x * math.exp(-x)


def attribute_reached(x):
    y = x * 2.0
    return math.no_such_function(y) + y


def name_reached(x):
    y = x * 2.0
    return helper_never_defined(y) + y


X = np.array([0.3, 0.7, 1.1, 0.45, 0.82])


@pytest.mark.parametrize("func", [shim_statement, shim_expression, trapezoid_shim, shim_variable])
def test_the_branch_that_runs_is_differentiated(func):
    check_every_mode(func, (X.copy(),))


def test_a_global_absent_at_generation():
    check_every_mode(undefined_helper_unless_asked, (0.7,))


@pytest.mark.parametrize("func, error", [(attribute_reached, AttributeError), (name_reached, NameError)])
@pytest.mark.parametrize("transform", ["grad", "value_and_grad", "vjp", "jvp", "hvp"])
def test_a_call_that_runs_raises_what_the_function_raises(func, error, transform):
    with pytest.raises(error) as plain:
        func(0.4)
    derived = getattr(adjoint, transform)(func)
    arguments = (0.4, 1.0) if transform in ("jvp", "hvp") else (0.4,)
    with pytest.raises(error) as raised:
        derived(*arguments)
    assert str(raised.value) == str(plain.value)


def test_a_global_defined_later_is_differentiated_then():
    gradient = adjoint.grad(undefined_helper_unless_asked)
    module = sys.modules[__name__]
    assert gradient(0.7, False) == pytest.approx(math.exp(-0.7) * (1.0 - 0.7), rel=1e-12)
    with pytest.raises(NameError):
        gradient(0.7, True)
    module.helper_defined_later = lambda x: x ** 3  # a notebook defines it after the first call
    try:
        got = gradient(0.7, True)
        assert got == pytest.approx(4.0 * 0.7 ** 3, rel=1e-12)  # d/dx x^4
    finally:
        del module.helper_defined_later
    with pytest.raises(NameError):
        gradient(0.7, True)


def test_a_module_attribute_added_later_is_differentiated_then():
    gradient = adjoint.grad(attribute_reached)
    with pytest.raises(AttributeError):
        gradient(0.4)
    math.no_such_function = math.sin
    try:
        assert gradient(0.4) == pytest.approx(2.0 * math.cos(0.8) + 2.0, rel=1e-12)
    finally:
        del math.no_such_function
    with pytest.raises(AttributeError):
        gradient(0.4)


def test_a_callee_of_a_value_known_only_when_running_is_still_refused():
    def held_in_a_variable(x):
        integrate = getattr(np, "no_such_function", None) or np.sum
        return integrate(x ** 2)

    with pytest.raises(adjoint.AdjointError, match="held in a variable"):
        adjoint.grad(held_in_a_variable)(X.copy())


def test_numba_refuses_a_shim_it_cannot_type():
    pytest.importorskip("numba")
    with pytest.raises(BackendError, match="no_such_function"):
        adjoint.grad(shim_statement, backend="numba")(X.copy())
    with pytest.warns(adjoint.AdjointWarning, match="running the Python derivative"):
        got = adjoint.grad(shim_statement, backend="auto")(X.copy())
    np.testing.assert_allclose(got, adjoint.grad(shim_statement)(X.copy()), rtol=1e-12)


def test_a_module_written_by_adjoint_gen_refuses_an_attribute_that_exists_where_it_runs(tmp_path):
    """A module written where NumPy lacked a function, run where it has it (the shim's other branch
    runs), must not return a derivative that leaves that call out: it refuses at the user's line."""
    from test_gen_probe26 import gen, load, write

    source = write(tmp_path, "physics", '''
        import math

        def energy(x):
            y = x * 2.0
            if hasattr(math, "no_such_function"):
                return math.no_such_function(y) + y
            return y * y
    ''')
    assert gen(f"{source}:energy", "-o", tmp_path / "grad_energy.py") == 0
    module = load(tmp_path / "grad_energy.py", "grad_energy_absent")
    assert module.grad_energy(0.4) == pytest.approx(8.0 * 0.4, rel=1e-12)
    math.no_such_function = math.sin
    try:
        with pytest.raises(Exception, match=r"physics\.py:7: `math.no_such_function` did not exist") as refused:
            module.grad_energy(0.4)
        assert type(refused.value).__name__ == "StaleDerivativeError"
    finally:
        del math.no_such_function


def test_an_attribute_that_appears_during_the_call_is_refused():
    def import_then_call(x):
        y = x * 2.0
        appear()  # (a module's attribute set by a function the derived function calls)
        return math.no_such_function(y) + y

    try:
        with pytest.raises(adjoint.AdjointError, match="did not exist where this derivative was generated"):
            adjoint.grad(import_then_call)(0.4)
    finally:
        del math.no_such_function


def appear():
    math.no_such_function = math.sin
