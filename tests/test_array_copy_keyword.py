"""`np.array(x, copy=True)`, a defensive copy, is np.array's default said aloud: differentiated as
np.array (its rule had no `copy`). A copy the program writes into leaves its source as it was.
`copy=False` (a view where NumPy can give one) stays refused."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from every_mode import AUTOGRAD_RUNS_NUMPY_CALLS, check_every_mode

X = np.array([0.3, 0.9, 0.45, 0.7])


def defensive_copy(x):
    y = np.array(x, dtype=float, copy=True)
    y[0] = y[0] * 3.0  # into the copy: x stays as it was
    return np.sum(y ** 2 * x)


def copy_of_a_list(x):
    y = np.array([x[0], x[1] ** 2, np.sin(x[2])], copy=True)
    return np.sum(y * y[::-1])


@pytest.mark.parametrize("func", [defensive_copy, copy_of_a_list])
def test_a_copy_asked_for_is_differentiated_in_every_mode(func):
    check_every_mode(func, (X.copy(),))


def test_autograd_agrees_without_the_keyword():
    autograd = pytest.importorskip("autograd")
    if not AUTOGRAD_RUNS_NUMPY_CALLS:
        pytest.skip("autograd does not run NumPy's calls with this NumPy")
    anp = autograd.numpy

    def peer(x):
        y = anp.array([x[0], x[1] ** 2, anp.sin(x[2])])
        return anp.sum(y * y[::-1])

    np.testing.assert_allclose(adjoint.grad(copy_of_a_list)(X.copy()), autograd.grad(peer)(X.copy()), rtol=1e-12)


def test_copy_false_stays_refused():
    def maybe_a_view(x):
        return np.sum(np.array(x, copy=False) ** 2)

    with pytest.raises(adjoint.AdjointError, match="np.array"):
        adjoint.grad(maybe_a_view)(X.copy())
