"""A small 2-D fluid on a periodic grid (advection, viscosity, pressure projection by Jacobi
iterations); the initial velocity field is optimized so the smoke reaches a target pattern."""
import numpy as np


def shift(field, offset, axis):
    return np.roll(field, offset, axis=axis)


def laplacian(field):
    return shift(field, 1, 0) + shift(field, -1, 0) + shift(field, 1, 1) + shift(field, -1, 1) - 4.0 * field


def centered_difference(field, axis):
    return 0.5 * (shift(field, -1, axis) - shift(field, 1, axis))


def project(vx, vy, iterations=8):
    """Remove the divergent part of the velocity field."""
    divergence = centered_difference(vx, 1) + centered_difference(vy, 0)
    pressure = np.zeros_like(vx)
    for _ in range(iterations):
        pressure = (laplacian(pressure) + 4.0 * pressure - divergence) / 4.0
    return vx - centered_difference(pressure, 1), vy - centered_difference(pressure, 0)


def advect(field, vx, vy, dt):
    return field - dt * (vx * centered_difference(field, 1) + vy * centered_difference(field, 0))


def simulate(velocity, density, num_steps, dt=0.1, viscosity=0.05):
    vx, vy = velocity[0], velocity[1]
    for _ in range(num_steps):
        vx, vy = project(vx, vy)
        density = advect(density, vx, vy, dt)
        vx, vy = (advect(vx, vx, vy, dt) + dt * viscosity * laplacian(vx),
                  advect(vy, vx, vy, dt) + dt * viscosity * laplacian(vy))
    return density


def make_objective(initial_density, target, num_steps=6):
    def distance_to_target(velocity):
        final = simulate(velocity, initial_density, num_steps)
        return np.sum((final - target) ** 2)

    return distance_to_target


def make(rng):
    n = 8
    rows, cols = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    initial_density = np.exp(-((rows - 3.0) ** 2 + (cols - 3.0) ** 2) / 4.0)
    target = np.exp(-((rows - 4.5) ** 2 + (cols - 4.0) ** 2) / 4.0)
    velocity = 0.3 * rng.normal(size=(2, n, n))
    return make_objective(initial_density, target), (velocity,), 0
