"""Arrays of a class whose operations are not an ndarray's (np.matrix: `*` is a matrix product;
masked arrays: reductions skip masked entries; any other subclass) are refused as arguments,
inside arguments, as tangents and cotangents, and as globals the function reads: the rules
are an ndarray's, and before this they were accepted with a wrong gradient. np.memmap and
np.recarray, which only add to an ndarray, are differentiated like one."""
from __future__ import annotations

import dataclasses
import os
import tempfile
import warnings

import numpy as np
import pytest

import adjoint
from adjoint import UnsupportedSyntaxError
from adjoint.errors import ArgumentError

with warnings.catch_warnings():
    warnings.simplefilter("ignore", PendingDeprecationWarning)  # np.matrix is discouraged: that is the point
    MATRIX = np.matrix([[1.0, 2.0], [3.0, 4.0]])
SQUARE = np.array([[0.5, 1.0], [2.0, 1.0]])


class Tagged(np.ndarray):
    """A subclass that changes nothing visible, but could: refused all the same."""


def sum_of_products(a, b):
    return np.sum(a * b + a)


def squares(a):
    return np.sum(a * a)


def first_of_list(xs):
    return np.sum(xs[0] * xs[0])


@dataclasses.dataclass
class Params:
    w: object


def dict_sum(p):
    return np.sum(p["w"] * p["w"])


def record_sum(p):
    return np.sum(p.w * p.w)


def reads_a_global_matrix(x):
    return np.sum(MATRIX * x)  # <- global


ARGUMENTS = [
    ("matrix", sum_of_products, (MATRIX, SQUARE)),
    ("matrix-second", sum_of_products, (SQUARE, MATRIX)),
    ("masked", squares, (np.ma.masked_array([1.0, 2.0, 3.0], mask=[0, 1, 0]),)),
    ("subclass", squares, (np.arange(3.0).view(Tagged),)),
    ("in-a-list", first_of_list, ([MATRIX],)),
    ("in-a-dataclass", record_sum, (Params(MATRIX),)),
    ("in-a-dict", dict_sum, ({"w": MATRIX},)),
]


def _grad(func, args):
    return adjoint.grad(func)(*args)


def _value_and_grad(func, args):
    return adjoint.value_and_grad(func)(*args)


def _vjp(func, args):
    return adjoint.vjp(func)(*args)


@pytest.mark.parametrize("label, func, args", ARGUMENTS, ids=[a[0] for a in ARGUMENTS])
@pytest.mark.parametrize("call", [_grad, _value_and_grad, _vjp])
def test_an_array_of_another_class_is_refused_as_an_argument(label, func, args, call):
    with pytest.raises(ArgumentError, match="operations are not an ndarray's"):
        call(func, args)


def test_the_refusal_names_the_parameter_at_its_line():
    with pytest.raises(ArgumentError) as error:
        adjoint.grad(sum_of_products)(SQUARE, MATRIX)
    assert "`b`" in str(error.value) and "numpy.matrix" in str(error.value)
    assert error.value.location.lineno == sum_of_products.__code__.co_firstlineno


def test_a_matrix_tangent_or_cotangent_is_refused():
    with pytest.raises(ArgumentError, match="tangent"):
        adjoint.jvp(squares)(SQUARE, MATRIX)
    value, pullback = adjoint.vjp(lambda a: a * 2.0)(SQUARE)
    with pytest.raises(ArgumentError, match="cotangent"):
        pullback(MATRIX)


def test_a_global_matrix_is_refused_at_its_line():
    with pytest.raises(UnsupportedSyntaxError) as error:
        adjoint.grad(reads_a_global_matrix)(SQUARE)
    assert "`MATRIX`" in str(error.value)
    assert error.value.location.line.rstrip().endswith("# <- global")


def _differences(func, x, eps=1e-6):
    flat = np.asarray(x, dtype=float).ravel()
    out = np.zeros_like(flat)
    for i in range(flat.size):
        step = np.zeros_like(flat)
        step[i] = eps
        out[i] = (func((flat + step).reshape(np.shape(x))) - func((flat - step).reshape(np.shape(x)))) / (2 * eps)
    return out.reshape(np.shape(x))


def test_memmap_and_recarray_are_differentiated_like_arrays():
    recarray = np.array([0.5, 1.5, -2.0]).view(np.recarray)
    np.testing.assert_allclose(adjoint.grad(squares)(recarray), 2.0 * np.asarray(recarray))
    with tempfile.TemporaryDirectory() as directory:
        mapped = np.memmap(os.path.join(directory, "x.dat"), dtype=float, mode="w+", shape=(3,))
        mapped[:] = [0.3, -0.7, 1.1]
        expected = _differences(lambda a: squares(np.asarray(a)), np.asarray(mapped))
        np.testing.assert_allclose(adjoint.grad(squares)(mapped), expected, rtol=1e-6)
        del mapped
