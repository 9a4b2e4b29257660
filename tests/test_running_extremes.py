"""np.maximum.accumulate and np.minimum.accumulate (runtime.running_max, running_min): the derivative of
each entry goes to the entry of x that attains the running extremum; exact in every mode and to second
order, against autograd on the same running extremum written with np.maximum, ties broken as the rule
of np.maximum breaks them."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode

anp = pytest.importorskip("autograd.numpy")
WEIGHTS = np.array([1.0, -2.0, 3.0, 0.5, 1.5, -1.0])


def running_max(x):
    return np.sum(np.maximum.accumulate(x * x) * WEIGHTS) + np.sum(np.minimum.accumulate(np.sin(x)) ** 2)


def running_max_peer(x):
    def running(values, extreme):
        out = [values[0]]
        for i in range(1, values.shape[0]):
            out.append(extreme(out[-1], values[i]))
        return anp.stack(out)
    return anp.sum(running(x * x, anp.maximum) * WEIGHTS) + anp.sum(running(anp.sin(x), anp.minimum) ** 2)


def running_along_rows(a):
    return np.sum(np.maximum.accumulate(a, axis=1) ** 3) - np.sum(np.minimum.accumulate(a, -1) * a)


def running_along_rows_peer(a):
    def running(values, extreme):
        out = [values[:, 0]]
        for j in range(1, values.shape[1]):
            out.append(extreme(out[-1], values[:, j]))
        return anp.stack(out, axis=1)
    return anp.sum(running(a, anp.maximum) ** 3) - anp.sum(running(a, anp.minimum) * a)


def running_down_columns(a):
    return np.sum(np.maximum.accumulate(a) * a)


def running_down_columns_peer(a):
    out = [a[0]]
    for i in range(1, a.shape[0]):
        out.append(anp.maximum(out[-1], a[i]))
    return anp.sum(anp.stack(out) * a)


X = np.array([0.3, -1.2, 1.5, 0.9, -1.7, 2.1])
A = np.array([[0.3, -1.2, 1.5, 0.9], [1.1, 0.2, -0.4, 1.9], [-0.8, 0.7, 0.1, -0.3]])


@pytest.mark.parametrize("func, peer, args", [
    (running_max, running_max_peer, (X,)),
    (running_along_rows, running_along_rows_peer, (A,)),
    (running_down_columns, running_down_columns_peer, (A,)),
], ids=["1-d", "rows", "columns"])
def test_running_extremes(func, peer, args):
    check_every_mode(func, args, peer=peer)


def running_pair(x):
    return np.sum(np.maximum.accumulate(x) * np.array([1.0, 2.0, 4.0]))


def pairwise(x):
    first = np.maximum(x[0], x[1])
    return x[0] + 2.0 * first + 4.0 * np.maximum(first, x[2])


def test_ties_go_where_np_maximum_sends_them():
    x = np.array([1.0, 1.0, 1.0])
    np.testing.assert_allclose(adjoint.grad(running_pair)(x), adjoint.grad(pairwise)(x))
    np.testing.assert_allclose(adjoint.jvp(running_pair)(x, np.array([1.0, 2.0, 3.0]))[1],
                               adjoint.jvp(pairwise)(x, np.array([1.0, 2.0, 3.0]))[1])
