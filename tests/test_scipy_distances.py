"""scipy.spatial.distance's rules where the catalogue (scipy_specs.py) does not go: coincident
points, whose euclidean distance is 0 (its derivative there is 0, as np.linalg.norm's at a zero
vector, not nan, and its second derivative refused as the norm's), metrics and keywords that are
refused, integer and empty inputs."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint

distance = pytest.importorskip("scipy.spatial.distance")


def cdist_energy(a, b):
    return np.sum(np.sin(distance.cdist(a, b)) + distance.cdist(a, b, "sqeuclidean"))


def norm_energy(a, b):
    differences = a[:, None, :] - b[None, :, :]
    return np.sum(np.sin(np.linalg.norm(differences, axis=-1)) + np.sum(differences ** 2, axis=-1))


def pdist_energy(a, b):
    return np.sum(np.sin(distance.pdist(np.concatenate([a, b])))) + np.sum(distance.pdist(a, "sqeuclidean"))


def pairs_energy(a, b):
    x = np.concatenate([a, b])
    rows, columns = np.triu_indices(x.shape[0], 1)
    first, second = np.triu_indices(a.shape[0], 1)
    return np.sum(np.sin(np.linalg.norm(x[rows] - x[columns], axis=-1))) + np.sum((a[first] - a[second]) ** 2)


@pytest.fixture
def coincident(rng):
    """Points of a repeated among those of b: some of their distances are exactly 0."""
    a = rng.normal(size=(3, 2))
    return a, np.concatenate([a[1:], rng.normal(size=(2, 2))])


@pytest.mark.parametrize("energy, expected", [(cdist_energy, norm_energy), (pdist_energy, pairs_energy)])
def test_a_zero_distance_has_norms_derivative(energy, expected, coincident, rng) -> None:
    assert energy(*coincident) == pytest.approx(expected(*coincident), rel=1e-12)
    gradient = adjoint.grad(energy, wrt=(0, 1))(*coincident)
    for got, want in zip(gradient, adjoint.grad(expected, wrt=(0, 1))(*coincident)):
        assert np.all(np.isfinite(got))
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    v = tuple(rng.normal(size=x.shape) for x in coincident)
    _, tangent = adjoint.jvp(energy, wrt=(0, 1))(*coincident, *v)
    _, expected_tangent = adjoint.jvp(expected, wrt=(0, 1))(*coincident, *v)
    assert np.isfinite(tangent) and tangent == pytest.approx(expected_tangent, rel=1e-10)
    for function in (energy, expected):  # the curvature there is unbounded: refused by both
        with pytest.raises(adjoint.AdjointError, match="second derivative .* (zero vector|equal points)"):
            adjoint.hvp(function, wrt=(0, 1))(*coincident, *v)


@pytest.mark.parametrize("energy, expected", [(cdist_energy, norm_energy), (pdist_energy, pairs_energy)])
def test_second_derivative_apart_has_norms(energy, expected, rng) -> None:
    a, b = rng.normal(size=(3, 2)), rng.normal(size=(4, 2))
    v = (rng.normal(size=(3, 2)), rng.normal(size=(4, 2)))
    for got, want in zip(adjoint.hvp(energy, wrt=(0, 1))(a, b, *v), adjoint.hvp(expected, wrt=(0, 1))(a, b, *v)):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-11)


def minkowski(a, b):
    return np.sum(distance.cdist(a, b, "minkowski"))


def a_callable_metric(a):
    return np.sum(distance.pdist(a, lambda u, v: np.sum(u * v)))


def a_metric_keyword(a, b):
    return np.sum(distance.cdist(a, b, "minkowski", p=3))


@pytest.mark.parametrize("function, args", [(minkowski, 2), (a_callable_metric, 1), (a_metric_keyword, 2)])
def test_other_metrics_are_refused(function, args) -> None:
    points = (np.ones((2, 2)), np.zeros((3, 2)))[:args]
    with pytest.raises(adjoint.AdjointError, match="metric|does not accept"):
        adjoint.grad(function)(*points)


def test_integer_points_and_no_points(rng) -> None:
    b = rng.normal(size=(3, 2))
    integers = np.array([[1, 0], [2, 3]])
    np.testing.assert_allclose(adjoint.grad(cdist_energy)(integers, b), adjoint.grad(norm_energy)(integers, b),
                               rtol=1e-12)
    assert adjoint.grad(cdist_energy)(np.zeros((0, 2)), b).shape == (0, 2)
    single = adjoint.grad(lambda x: np.sum(distance.pdist(x)))(np.ones((1, 2)))
    np.testing.assert_array_equal(single, np.zeros((1, 2)))
