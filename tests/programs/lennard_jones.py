"""Molecular dynamics of a small Lennard-Jones cluster: pairwise distances by broadcasting, the
self-interaction masked with np.where, a cutoff, velocity Verlet. The loss is the final
potential energy as a function of the initial positions and the well depth."""
import numpy as np


def pair_geometry(positions):
    delta = positions[:, None, :] - positions[None, :, :]
    r2 = np.sum(delta ** 2, axis=-1)
    not_self = ~np.eye(len(positions), dtype=bool)
    safe_r2 = np.where(not_self, r2, 1.0)
    return delta, safe_r2, not_self


def potential(positions, epsilon, sigma=1.0, cutoff=2.5):
    _, r2, not_self = pair_geometry(positions)
    inv6 = (sigma ** 2 / r2) ** 3
    pair = 4.0 * epsilon * (inv6 ** 2 - inv6)
    inside = not_self & (r2 < cutoff ** 2)
    return 0.5 * np.sum(np.where(inside, pair, 0.0))


def forces(positions, epsilon, sigma=1.0, cutoff=2.5):
    delta, r2, not_self = pair_geometry(positions)
    inv6 = (sigma ** 2 / r2) ** 3
    magnitude = 24.0 * epsilon * (2.0 * inv6 ** 2 - inv6) / r2
    magnitude = np.where(not_self & (r2 < cutoff ** 2), magnitude, 0.0)
    return np.sum(magnitude[:, :, None] * delta, axis=1)


def run(positions, epsilon, n_steps=15, dt=0.002, mass=1.0):
    velocities = np.zeros_like(positions)
    f = forces(positions, epsilon)
    for _ in range(n_steps):
        velocities = velocities + 0.5 * dt * f / mass
        positions = positions + dt * velocities
        f = forces(positions, epsilon)
        velocities = velocities + 0.5 * dt * f / mass
    kinetic = 0.5 * mass * np.sum(velocities ** 2)
    return potential(positions, epsilon) + 0.1 * kinetic


def make(rng):
    grid = np.array([[0.0, 0.0, 0.0], [1.1, 0.0, 0.0], [0.0, 1.15, 0.0], [1.1, 1.1, 0.1], [0.5, 0.6, 0.9]])
    positions = grid + 0.03 * rng.normal(size=grid.shape)
    return run, (positions, 1.2), (0, 1)
