"""A function is normalized at most twice per process for each kinds of its arguments
(normalize/once.py): the second time it is kept, and later generations get a copy, the same code
a fresh normalization would give, and only while everything it was made from is as it was. Each
test takes two derivatives (which keep the normalization), changes what the function reads, and
takes one in another mode (a generation of its own, so that no kept derivative answers it): the
derivative must follow the change."""
from __future__ import annotations

import math
import types
import weakref

import numpy as np
import pytest

import adjoint
from adjoint import api, pipeline
from adjoint.normalize import once
from soundness import central_differences, directional_difference

import programs_for_once as programs  # noqa: E402  (tests/ is on the path)


@pytest.fixture
def normalizations(monkeypatch):
    """The functions normalized afresh (not copied from what was kept), in order."""
    made = []
    afresh = pipeline._normalized_afresh

    def counted(parsed, returns_value, kinds):
        made.append(parsed.func.__name__)
        return afresh(parsed, returns_value, kinds)

    monkeypatch.setattr(pipeline, "_normalized_afresh", counted)
    return made


def _keep(func, *args):
    """grad and value_and_grad of func: its normalization kept."""
    adjoint.grad(func)(*args)
    adjoint.value_and_grad(func)(*args)


def _jvp(func, args, wrt=0):
    return adjoint.jvp(func, wrt=wrt)(*args, 1.0)[1]


def test_five_derivatives_of_one_function_normalize_it_twice(normalizations):
    """Once for the first derivative, and once more, to keep, for the second: the rest copy it."""
    args = (0.7, 1.3)
    for mode in (adjoint.grad, adjoint.value_and_grad, adjoint.vjp):
        mode(programs.damped, wrt=0)(*args)
    _jvp(programs.damped, args)
    adjoint.grad(programs.damped, wrt=1)(*args)
    assert normalizations.count("damped") == 2


@pytest.mark.parametrize("name", programs.NAMES)
@pytest.mark.parametrize("mode", ["reverse", "value_and_grad", "forward", "forward_pass"])
def test_a_kept_normalization_gives_the_code_a_fresh_one_gives(monkeypatch, name, mode):
    """Statements the parsed function lists (writes in place, item updates, loops over a list by
    index) point into the copy: the derivative's text is the same as without keeping."""
    func = getattr(programs, name)

    def sources():
        return [adjoint.source(func, mode=mode, wrt=wrt, optimize=optimize, args=(0.7, 1.3))
                for wrt, optimize in ((0, True), (0, False), (1, True))]

    monkeypatch.setattr(api, "_GENERATED", weakref.WeakKeyDictionary())
    adjoint.source(func, mode=mode, wrt=(0, 1), args=(0.7, 1.3))  # the normalization kept
    from_kept = sources()
    monkeypatch.setattr(api, "_GENERATED", weakref.WeakKeyDictionary())
    monkeypatch.setattr(once, "_keepable", lambda func: False)
    assert sources() == from_kept


def test_a_global_function_rebound_is_normalized_again(monkeypatch):
    monkeypatch.setattr(programs, "shape", math.sin)
    _keep(programs.through_global, 0.4)
    monkeypatch.setattr(programs, "shape", math.cos)
    assert _jvp(programs.through_global, (0.4,)) == pytest.approx(-3 * math.sin(1.2))


def test_a_module_attribute_rebound_is_normalized_again(monkeypatch):
    helpers = types.SimpleNamespace(potential=programs.quadratic)
    monkeypatch.setattr(programs, "helpers", helpers)
    _keep(programs.through_module, 0.5)
    helpers.potential = programs.quartic
    assert _jvp(programs.through_module, (0.5,)) == pytest.approx(4 * 0.5 ** 3)


def test_a_table_entry_changed_is_normalized_again(monkeypatch):
    monkeypatch.setitem(programs.ACTIVATIONS, "act", np.tanh)
    x = np.array([0.2, -0.4])
    _keep(programs.through_table, x)
    monkeypatch.setitem(programs.ACTIVATIONS, "act", np.sin)
    want = directional_difference(programs.through_table, (x,), (0,), (np.ones(2),))
    np.testing.assert_allclose(adjoint.jvp(programs.through_table)(x, np.ones(2))[1], want, rtol=1e-7)


def test_a_closure_cell_rebound_is_normalized_again():
    scaled, rescale = programs.make_scaled(math.sin)
    _keep(scaled, 0.3)
    rescale(math.exp)
    assert _jvp(scaled, (0.3,)) == pytest.approx(2 * math.exp(0.6))


def test_new_code_and_new_defaults_are_normalized_again():
    def f(x, k=2.0):
        return k * x * x

    _keep(f, 1.5)
    f.__defaults__ = (5.0,)
    assert _jvp(f, (1.5,)) == pytest.approx(15.0)
    f.__code__ = (lambda x, k=2.0: k * x * x * x).__code__
    assert adjoint.value_and_grad(f)(1.5)[1] == pytest.approx(3 * 5.0 * 1.5 ** 2)


def test_a_factory_given_other_code_is_normalized_again(monkeypatch):
    _keep(programs.through_factory, 0.8)
    monkeypatch.setattr(programs, "make_power", programs.make_cube)
    got = _jvp(programs.through_factory, (0.8,))
    assert got == pytest.approx(central_differences(programs.through_factory, (0.8,), 0)[0], rel=1e-6)


def test_a_global_constant_rebound_is_normalized_again(monkeypatch, normalizations):
    """A name no pass records reading is compared too (here, more than needed: the derivative
    reads SCALE when it runs)."""
    _keep(programs.scaled_square, 0.5)
    monkeypatch.setattr(programs, "SCALE", 3.0)
    assert _jvp(programs.scaled_square, (0.5,)) == pytest.approx(3.0)
    assert normalizations.count("scaled_square") == 3


def test_a_method_of_a_global_object_is_kept_and_another_objects_is_not(monkeypatch, normalizations):
    """`spring.force` is a new bound method at each read: the same method of the same object holds."""
    _keep(programs.through_method, 0.5)
    assert _jvp(programs.through_method, (0.5,)) == pytest.approx(2.0)
    assert normalizations.count("through_method") == 2
    monkeypatch.setattr(programs, "spring", programs.Spring(3.0))
    assert adjoint.vjp(programs.through_method)(0.5)[1](1.0) == pytest.approx(3.0)
    assert normalizations.count("through_method") == 3


def test_a_rule_registered_later_is_normalized_under_it(normalizations):
    _keep(programs.damped, 0.7, 1.3)
    before = normalizations.count("damped")

    adjoint.non_differentiable(programs.never_called)  # a rule of a function no other test calls
    _jvp(programs.damped, (0.7, 1.3))
    assert normalizations.count("damped") == before + 1
