"""A derived function passed on as a value (`leapfrog(adjoint.grad(potential), q, p, k)`: a force
from an energy, handed to an integrator): made when the derivative is generated, as one called at
once is, and the callee specialized to it as to any function it receives; or held in a variable
(`force = adjoint.grad(potential)`, then `force(q, k)` on each step). Checked in every mode against
central differences. Both were refused ("an argument adjoint cannot specialize the derivative
to", "a function held in a variable").
"""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode


def potential(q, k):
    return 0.5 * k * np.sum(q ** 2) + 0.1 * np.sum(q ** 4)


def leapfrog(force, q, p, k, steps):
    for _ in range(steps):
        p = p - 0.05 * force(q, k)
        q = q + 0.1 * p
        p = p - 0.05 * force(q, k)
    return q, p


def final_energy(k, q):
    q, p = leapfrog(adjoint.grad(potential), q, np.zeros_like(q), k, 4)
    return np.sum(q ** 2) + np.sum(p ** 2)


def newton_step(derivative, curvature, x):
    return x - derivative(x) / curvature(x)


def cubic(x):
    return x ** 3 - 2.0 * x + 0.5 * np.sin(x)


def root_after_steps(x):
    for _ in range(3):
        x = newton_step(adjoint.grad(cubic), adjoint.grad(adjoint.grad(cubic)), x)
    return x * x


def energy_and_force(value_and_force, q):
    energy, force = value_and_force(q, 1.5)
    return energy + np.sum(force * q)


def virial(q):
    return energy_and_force(adjoint.value_and_grad(potential), q)


@pytest.mark.parametrize("func, args", [
    (final_energy, (1.3, np.array([1.0, 0.5]))),
    (root_after_steps, (1.7,)),
    (virial, (np.array([0.3, -0.8, 1.1]),)),
], ids=lambda value: getattr(value, "__name__", ""))
def test_a_derived_function_passed_on_in_every_mode(func, args) -> None:
    check_every_mode(func, args)
    if func is final_energy:
        check_every_mode(func, args, wrt=1)


def test_a_derived_function_is_copied_as_a_function_is() -> None:
    """Itself (the copy module treats functions as atoms): copying arguments that hold one makes
    no new derivative."""
    import copy
    force = adjoint.grad(potential)
    assert copy.copy(force) is force
    assert copy.deepcopy({"force": force})["force"] is force


def simulate(k, q):
    """The force held in a variable, called on each step."""
    force = adjoint.grad(potential)
    p = np.zeros_like(q)
    for _ in range(4):
        p = p - 0.05 * force(q, k)
        q = q + 0.1 * p
    return np.sum(q ** 2) + np.sum(p ** 2)


@pytest.mark.parametrize("wrt", [0, 1])
def test_a_derived_function_held_in_a_variable_in_every_mode(wrt) -> None:
    check_every_mode(simulate, (1.3, np.array([1.0, 0.5])), wrt=wrt)
