"""np.gradient in the programs it is written for: a finite-difference energy whose grid spacing
is a parameter, a field differentiated along one axis of a 2-D grid, and the two uses adjoint
refuses (coordinates that depend on the differentiated arguments, and a multi-dimensional array
without `axis`, whose gradient is a list)."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from soundness import central_differences


def dirichlet_energy(u, dx):
    """The discrete energy of a 1-D field sampled dx apart, written with np.gradient."""
    slope = np.gradient(u, dx, edge_order=2)
    return 0.5 * dx * np.sum(slope ** 2) + np.sum(np.cos(u)) * dx


def advected(field, velocity, coordinates):
    """One upwind-free transport step of a 2-D field along its second axis, on a non-uniform grid."""
    return np.sum((field - velocity * np.gradient(field, coordinates, axis=1)) ** 2)


def test_energy_with_the_spacing_differentiated(rng):
    u, dx = rng.normal(size=9), 0.3
    gradient = adjoint.grad(dirichlet_energy, wrt=(0, 1))(u, dx)
    for position, got in enumerate(gradient):
        np.testing.assert_allclose(got, central_differences(dirichlet_energy, (u, dx), position), rtol=1e-6, atol=1e-8)
    direction = rng.normal(size=9)
    hvp = adjoint.hvp(dirichlet_energy)(u, dx, direction)
    step = 1e-5
    expected = (adjoint.grad(dirichlet_energy)(u + step * direction, dx)
                - adjoint.grad(dirichlet_energy)(u - step * direction, dx)) / (2 * step)
    np.testing.assert_allclose(hvp, expected, rtol=1e-6, atol=1e-8)


def test_a_field_along_one_axis_of_a_non_uniform_grid(rng):
    field, velocity = rng.normal(size=(3, 6)), 0.7
    coordinates = np.cumsum(rng.uniform(0.5, 1.5, size=6))
    gradient = adjoint.grad(advected, wrt=(0, 1))(field, velocity, coordinates)
    for position, got in enumerate(gradient):
        np.testing.assert_allclose(np.ravel(got), central_differences(advected, (field, velocity, coordinates), position),
                                   rtol=1e-6, atol=1e-8)
    direction = rng.normal(size=(3, 6))
    _, tangent = adjoint.jvp(advected)(field, velocity, coordinates, direction)
    assert tangent == pytest.approx(np.sum(gradient[0] * direction), rel=1e-9)


def test_coordinates_that_are_differentiated_are_refused(rng):
    coordinates = np.cumsum(rng.uniform(0.5, 1.5, size=6))
    with pytest.raises(adjoint.AdjointError, match="scalar spacing, not coordinates"):
        adjoint.grad(advected, wrt=2)(rng.normal(size=(3, 6)), 0.7, coordinates)


def test_a_list_of_gradients_is_refused(rng):
    def first_of_two(field):
        return np.sum(np.gradient(field)[0] ** 2)

    with pytest.raises(adjoint.AdjointError, match="along one axis"):
        adjoint.grad(first_of_two)(rng.normal(size=(3, 4)))
