"""A chain of masses joined by springs, integrated by velocity Verlet; a small class whose
methods call each other. The spring constants and launch velocities are tuned to hit a target."""
import numpy as np


class SpringChain:
    def __init__(self, rest_lengths, masses, dt=0.05, num_steps=20):
        if len(rest_lengths) != len(masses) - 1:
            raise ValueError("a chain of n masses has n - 1 springs")
        self.rest_lengths = rest_lengths
        self.masses = masses
        self.dt = dt
        self.num_steps = num_steps

    def forces(self, stiffness, positions):
        stretch = np.diff(positions) - self.rest_lengths
        tension = stiffness * stretch
        return np.concatenate([tension, [0.0]]) - np.concatenate([[0.0], tension])

    def step(self, stiffness, positions, velocities):
        accelerations = self.forces(stiffness, positions) / self.masses
        positions = positions + self.dt * velocities + 0.5 * self.dt ** 2 * accelerations
        new_accelerations = self.forces(stiffness, positions) / self.masses
        velocities = velocities + 0.5 * self.dt * (accelerations + new_accelerations)
        return positions, velocities

    def final_positions(self, params, start):
        positions, velocities = start, params["launch_velocities"]
        for _ in range(self.num_steps):
            positions, velocities = self.step(np.exp(params["log_stiffness"]), positions, velocities)
        return positions

    def loss(self, params, start, target):
        return np.sum((self.final_positions(params, start) - target) ** 2)


def make(rng):
    chain = SpringChain(rest_lengths=np.ones(3), masses=np.array([1.0, 2.0, 1.5, 1.0]))
    start = np.array([0.0, 1.1, 1.9, 3.05])
    target = np.array([0.2, 1.0, 2.2, 3.4])
    params = {"log_stiffness": 0.2 * rng.normal(size=3), "launch_velocities": 0.3 * rng.normal(size=4)}
    return chain.loss, (params, start, target), 0
