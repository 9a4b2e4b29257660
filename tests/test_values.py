"""Values refused where they arrive at call or run time (the generation-time refusals are
soundness cases in soundness_values.py): a complex argument of a type already seen with real
values, an instance's complex attribute, a complex cotangent or tangent, a value Python makes
complex, a NamedTuple's property read as if it were a field."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pytest

import adjoint
from adjoint.errors import ArgumentError


def energy(x, c):
    return np.sum(np.abs(c * x) ** 2)


def square_root(x):
    return x ** 0.5


def square_root_real_part(x):
    root = x ** 0.5
    return (root * root).real


def squares(x):
    return x * x


class Model:
    def __init__(self, weights):
        self.weights = weights

    def loss(self, x):
        return np.sum((self.weights * x) ** 2)


def test_a_complex_array_after_a_real_one_of_the_same_type_is_refused_naming_the_parameter():
    for transform in (adjoint.grad, adjoint.value_and_grad):
        derived = transform(energy)
        derived(np.ones(2), np.ones(2))
        with pytest.raises(ArgumentError, match="`c`"):
            derived(np.ones(2), np.array([1.0, 1j]))
        with pytest.raises(ArgumentError, match="`x`"):
            derived(np.array([1.0, 1j]), np.ones(2))
        with pytest.raises(ArgumentError, match="`c`"):
            derived(np.ones(2), c=np.array([1.0, 1j]))


def test_complex_values_in_lists_and_numpy_scalars_are_refused():
    with pytest.raises(ArgumentError, match="`c`"):
        adjoint.grad(energy)(np.ones(2), [1.0, 2j])
    with pytest.raises(ArgumentError, match="`x`"):
        adjoint.grad(squares)(np.complex128(1.0))


def test_source_refuses_complex_example_arguments():
    with pytest.raises(ArgumentError, match="`c`"):
        adjoint.source(energy, args=(np.ones(2), np.array([1j, 1.0])))


def test_vjp_and_jvp_refuse_complex_arguments_cotangents_and_tangents():
    value, pullback = adjoint.vjp(squares)(np.ones(2))
    with pytest.raises(ArgumentError, match="cotangent"):
        pullback(np.array([1.0, 1j]))
    with pytest.raises(ArgumentError, match="`x`"):
        adjoint.vjp(squares)(np.array([1j, 1.0]))
    with pytest.raises(ArgumentError, match="tangent of x"):
        adjoint.jvp(squares)(np.ones(2), np.array([1.0, 1j]))
    with pytest.raises(ArgumentError, match="`x`"):
        adjoint.jvp(squares)(np.array([1j, 1.0]), np.ones(2))


def test_an_instance_holding_complex_values_is_refused_for_its_bound_method():
    model = Model(np.ones(2))
    derived = adjoint.grad(model.loss)
    np.testing.assert_allclose(derived(np.ones(2)), 2.0 * np.ones(2))
    model.weights = np.array([1.0, 1j])
    with pytest.raises(ArgumentError, match="self"):
        derived(np.ones(2))


def rotated_by_a_root(x, a, y):
    root = y ** 0.5
    return np.sum(np.real(root * a * x))


@pytest.mark.parametrize("fn", [square_root, square_root_real_part])
def test_a_value_python_makes_complex_stops_every_derived_function(fn):
    with pytest.raises(adjoint.AdjointError, match="complex"):
        adjoint.grad(fn)(-4.0)
    with pytest.raises(adjoint.AdjointError, match="complex"):
        adjoint.value_and_grad(fn)(-4.0)
    with pytest.raises(adjoint.AdjointError, match="complex"):
        adjoint.vjp(fn)(-4.0)[1](1.0)
    with pytest.raises(adjoint.AdjointError, match="complex"):
        adjoint.jvp(fn)(-4.0, 1.0)
    assert adjoint.grad(fn)(4.0) == pytest.approx(0.25 if fn is square_root else 1.0)


class Segment(NamedTuple):
    start: float
    end: float

    @property
    def length(self):
        return self.end - self.start


def segment_length(segment):
    return segment.length * segment.start


def test_a_namedtuple_property_is_read_by_its_getter_not_as_a_field():
    """(end - start) * start: d/dstart = end - 2 start, d/dend = start."""
    gradient = adjoint.grad(segment_length)(Segment(1.0, 3.0))
    assert type(gradient) is Segment and gradient == (1.0, 1.0)
    assert adjoint.jvp(segment_length)(Segment(1.0, 3.0), Segment(1.0, 0.0)) == (2.0, 1.0)


def test_a_complex_value_reaching_a_float_parameter_is_not_truncated():
    for x in (2.0, np.float64(2.0)):
        with pytest.raises(adjoint.AdjointError, match="complex"):
            adjoint.grad(rotated_by_a_root)(x, np.ones(2), -4.0)
        assert adjoint.grad(rotated_by_a_root)(x, np.ones(2), 4.0) == pytest.approx(4.0)
