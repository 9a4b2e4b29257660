"""A vibrating string: the 1-D wave equation by leapfrog with slice updates and fixed ends.
The wave speed and damping are fitted so the string's energy at the end matches a target."""
import numpy as np

NO_AUTOGRAD = "the update assigns into array slices (`u_next[1:-1] = ...`)"


def step(u, u_prev, c, damping, dt, dx):
    r2 = (c * dt / dx) ** 2
    u_next = np.zeros_like(u)
    u_next[1:-1] = (2.0 * u[1:-1] - (1.0 - damping * dt) * u_prev[1:-1]
                    + r2 * (u[2:] - 2.0 * u[1:-1] + u[:-2])) / (1.0 + damping * dt)
    u_next[0] = 0.0
    u_next[-1] = 0.0
    return u_next


def simulate(c, damping, u0, n_steps, dt, dx):
    u_prev = u0.copy()
    u = u0.copy()
    history = []
    for n in range(n_steps):
        u, u_prev = step(u, u_prev, c, damping, dt, dx), u
        if n % 5 == 4:
            history.append(u[len(u) // 2])
    return u, u_prev, np.array(history)


def energy(u, u_prev, c, dt, dx):
    velocity = (u - u_prev) / dt
    strain = np.diff(u) / dx
    return 0.5 * np.sum(velocity ** 2) * dx + 0.5 * c ** 2 * np.sum(strain ** 2) * dx


def loss(theta, u0, target_energy, target_midpoints):
    c, damping = theta
    dx = 1.0 / (len(u0) - 1)
    dt = 0.5 * dx / 1.5
    u, u_prev, mids = simulate(c, damping, u0, 40, dt, dx)
    e = energy(u, u_prev, c, dt, dx)
    return (e - target_energy) ** 2 + np.mean((mids - target_midpoints) ** 2)


def make(rng):
    x = np.linspace(0.0, 1.0, 21)
    u0 = np.sin(np.pi * x) + 0.2 * np.sin(3 * np.pi * x)
    theta = np.array([1.1, 0.3])
    targets = 0.1 * rng.normal(size=8)
    return loss, (theta, u0, 2.0, targets), 0
