"""Functions that write into an argument and read a global (soundness_hidden_writes.py): exact when
the argument is memory of the caller's own, refused in every mode when it is the global."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
import soundness_hidden_writes as cases

FUNCTIONS = [cases.writes_argument_reads_global, cases.writes_argument_two_calls_down,
             cases.writes_argument_callee_reads_global, cases.writes_argument_itself_reads_global,
             cases.writes_argument_reads_module_attribute]


def _differences(fn, x, w):
    gradient = np.zeros(3)
    for index in range(3):
        step = np.zeros(3)
        step[index] = 1e-6
        gradient[index] = (fn(x + step, w.copy()) - fn(x - step, w.copy())) / 2e-6
    return gradient


@pytest.mark.parametrize("fn", FUNCTIONS)
def test_an_argument_of_its_own_is_differentiated_exactly(fn):
    x, w = np.array([0.5, -1.2, 2.0]), np.array([4.0, 5.0, 6.0])
    expected = _differences(fn, x, w)
    np.testing.assert_allclose(adjoint.grad(fn)(x, w.copy()), expected, rtol=1e-6, atol=1e-7)
    value, tangent = adjoint.jvp(fn)(x, w.copy(), np.ones(3))
    np.testing.assert_allclose(tangent, expected.sum(), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("derive", [adjoint.grad, adjoint.value_and_grad, adjoint.vjp])
def test_the_global_itself_is_refused_in_every_mode(derive):
    before = cases.W.copy()
    with pytest.raises(adjoint.AdjointError, match="from outside"):
        derive(cases.writes_argument_reads_global)(np.array([0.5, -1.2, 2.0]), cases.W)
    np.testing.assert_array_equal(cases.W, before)


def test_the_global_itself_is_refused_in_forward_mode():
    with pytest.raises(adjoint.AdjointError, match="from outside"):
        adjoint.jvp(cases.writes_argument_reads_global)(np.array([0.5, -1.2, 2.0]), cases.W, np.ones(3))


def test_an_item_with_an_in_place_operator_is_refused():
    """`table[k] += v` where the item is an object whose class defines `__iadd__` (it was an internal
    TypeError: the derivative computed `table[k] + v`)."""
    with pytest.raises(adjoint.AdjointError, match="changes it in place as its class defines"):
        adjoint.grad(cases.item_in_place_operator)(np.array([0.5, -1.2, 2.0]), {"count": cases.Counter()})
