"""np.partition in the programs that use it (a trimmed loss, the k nearest neighbours, a median
taken by hand), in every mode against central differences. NumPy leaves the order of all but the
`kth` elements of its result to its algorithm; the rules match the result's elements to the
argument's by value, so every element of the result, not only the `kth`, gets its derivative.
`x.partition(k)`, the method, partitions x in place and stays refused."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode


def trimmed_loss(residuals, k):
    """The mean square of all but the k largest residuals (a loss robust to outliers)."""
    squares = residuals ** 2
    kept = np.partition(squares, -k - 1)[:-k]
    return np.mean(kept)


def nearest_neighbour_energy(points):
    """Each point's distance to its two nearest others, summed (a kNN graph's length)."""
    differences = points[:, None, :] - points[None, :, :]
    distances = np.sqrt(np.sum(differences ** 2, axis=-1) + np.eye(len(points)))
    nearest = np.partition(distances, (1, 2), axis=1)[:, 1:3]
    return np.sum(nearest)


def median_by_hand(x):
    middle = len(x) // 2
    return np.partition(x, middle)[middle] ** 2 + np.sum(np.partition(x * x, 1, axis=None)[:2])


def whole_result(x, w):
    """Every element of the result read, in the order NumPy's algorithm leaves them."""
    return np.sum(w * np.partition(x, 2))


RNG = np.random.default_rng(38)


@pytest.mark.parametrize("func, args", [
    (trimmed_loss, (RNG.normal(size=7), 2)),
    (nearest_neighbour_energy, (RNG.normal(size=(5, 2)),)),
    (median_by_hand, (RNG.normal(size=7),)),
    (whole_result, (RNG.normal(size=6), RNG.normal(size=6))),
], ids=lambda value: getattr(value, "__name__", ""))
def test_partition_in_every_mode(func, args) -> None:
    check_every_mode(func, args)


def test_the_method_partitioning_in_place_is_refused() -> None:
    def in_place(x):
        y = x * 2.0
        y.partition(1)
        return y[1]

    with pytest.raises(adjoint.AdjointError, match="partition"):
        adjoint.grad(in_place)(np.array([3.0, 1.0, 2.0]))
