"""Derivatives taken inside a differentiated function (`adjoint.grad(f)(x)` in its body: a
gradient penalty, a force from an energy, a Newton step): the derived function is made when the
derivative is generated, and differentiated as one bound to a global name is. Before, every
such call was refused."""
from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import adjoint

R = np.array([0.5, 1.0, 1.5])
ALPHA = 0.7


def energy(r, alpha):
    return np.sum(np.exp(-alpha * r) * r ** 2)


def gradient_penalty(alpha, r):
    force = adjoint.grad(energy)(r, alpha)
    return np.sum(force ** 2) + alpha ** 2


def curvature(alpha, r):
    return adjoint.grad(adjoint.grad(energy, wrt=1), wrt=1)(r, alpha) * 3.0


def value_times_slope(alpha, r):
    value, slope = adjoint.value_and_grad(energy, wrt="alpha")(r, alpha)
    return value * slope


def _autograd_energy(r, alpha):
    return anp.sum(anp.exp(-alpha * r) * r ** 2)


AUTOGRAD = {
    gradient_penalty: lambda a, r: anp.sum(autograd.grad(_autograd_energy)(r, a) ** 2) + a ** 2,
    curvature: lambda a, r: autograd.grad(autograd.grad(_autograd_energy, 1), 1)(r, a) * 3.0,
    value_times_slope: lambda a, r: _autograd_energy(r, a) * autograd.grad(_autograd_energy, 1)(r, a),
}


@pytest.mark.parametrize("func", list(AUTOGRAD), ids=lambda f: f.__name__)
def test_a_derivative_taken_inside_is_differentiated(func):
    value, gradient = adjoint.value_and_grad(func)(ALPHA, R)
    assert value == pytest.approx(func(ALPHA, R), rel=1e-14)
    assert value == pytest.approx(AUTOGRAD[func](ALPHA, R), rel=1e-12)
    assert gradient == pytest.approx(autograd.grad(AUTOGRAD[func])(ALPHA, R), rel=1e-10)
    central = (func(ALPHA + 1e-6, R) - func(ALPHA - 1e-6, R)) / 2e-6
    assert gradient == pytest.approx(central, rel=1e-6)


@pytest.mark.parametrize("func", list(AUTOGRAD), ids=lambda f: f.__name__)
def test_and_to_second_order(func):
    product = adjoint.hvp(func)(ALPHA, R, 1.0)
    assert product == pytest.approx(autograd.grad(autograd.grad(AUTOGRAD[func]))(ALPHA, R), rel=1e-9)


def test_with_respect_to_an_array_and_in_forward_mode():
    def penalty_of_r(r, alpha):
        return np.sum(adjoint.grad(energy)(r, alpha) ** 2)

    def autograd_penalty(r, alpha):
        return anp.sum(autograd.grad(_autograd_energy)(r, alpha) ** 2)

    expected = autograd.grad(autograd_penalty)(R, ALPHA)
    np.testing.assert_allclose(adjoint.grad(penalty_of_r)(R, ALPHA), expected, rtol=1e-10)
    tangent = np.array([0.3, -0.2, 0.5])
    _, directional = adjoint.jvp(penalty_of_r)(R, ALPHA, tangent)
    assert directional == pytest.approx(expected @ tangent, rel=1e-10)


def steep(r, alpha):
    return np.sum(np.exp(-2.0 * alpha * r) * r ** 3)


def test_a_function_rebound_after_is_followed(monkeypatch):
    derived = adjoint.grad(gradient_penalty)
    before = derived(ALPHA, R)
    monkeypatch.setitem(globals(), "energy", steep)
    central = (gradient_penalty(ALPHA + 1e-6, R) - gradient_penalty(ALPHA - 1e-6, R)) / 2e-6
    after = derived(ALPHA, R)
    assert after != pytest.approx(before)
    assert after == pytest.approx(central, rel=1e-6)


def tangent_inside(alpha, r):
    return adjoint.jvp(energy, wrt=1)(r, alpha, 1.0)[1]


def local_function_inside(alpha, r):
    return adjoint.grad(lambda a: energy(r, a) * a)(alpha)


@pytest.mark.parametrize("func", [tangent_inside, local_function_inside], ids=lambda f: f.__name__)
def test_what_cannot_be_made_ahead_is_refused_at_its_line(func):
    with pytest.raises(adjoint.AdjointError) as error:
        adjoint.grad(func)(ALPHA, R)
    assert error.value.filename == __file__
    assert "adjoint." in error.value.location.line


def test_no_standalone_module_for_a_function_taking_a_derivative_inside(tmp_path, capsys):
    from adjoint.cli import main

    assert main(["gen", f"{__file__}:gradient_penalty", "-o", str(tmp_path / "out.py")]) == 1
    assert "takes a derivative inside it" in capsys.readouterr().err
    assert not (tmp_path / "out.py").exists()


def with_aux(alpha, r):
    return adjoint.grad(energy, has_aux=True)(r, alpha)[0][0]


@pytest.mark.parametrize("func", [with_aux], ids=lambda f: f.__name__)
def test_options_with_no_derivative_of_their_own_are_refused_at_the_line(func):
    with pytest.raises(adjoint.AdjointError) as error:
        adjoint.grad(func)(ALPHA, R)
    assert error.value.filename == __file__
