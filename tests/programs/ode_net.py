"""A neural ODE: a small MLP gives the dynamics, integrated by fixed-step Runge-Kutta, fitted to
a trajectory."""
from functools import partial

import numpy as np


def mlp_dynamics(params, y):
    hidden = np.tanh(y @ params["W1"] + params["b1"])
    return hidden @ params["W2"] + params["b2"]


def rk4_step(f, y, dt):
    k1 = f(y)
    k2 = f(y + dt / 2.0 * k1)
    k3 = f(y + dt / 2.0 * k2)
    k4 = f(y + dt * k3)
    return y + dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)


def integrate(f, y0, dt, num_steps):
    ys = [y0]
    for _ in range(num_steps):
        ys.append(rk4_step(f, ys[-1], dt))
    return np.stack(ys)


def make_loss(y0, targets, dt):
    def loss(params):
        trajectory = integrate(partial(mlp_dynamics, params), y0, dt, len(targets) - 1)
        return np.mean((trajectory - targets) ** 2)

    return loss


def true_trajectory(y0, dt, num_steps):
    rotation = np.array([[-0.1, 2.0], [-2.0, -0.1]])
    ys = [y0]
    for _ in range(num_steps):
        ys.append(ys[-1] + dt * ys[-1] @ rotation)
    return np.stack(ys)


def make(rng):
    y0 = np.array([2.0, 0.0])
    targets = true_trajectory(y0, 0.05, 8)
    params = {"W1": 0.5 * rng.normal(size=(2, 6)), "b1": 0.1 * rng.normal(size=6),
              "W2": 0.5 * rng.normal(size=(6, 2)), "b2": np.zeros(2)}
    return make_loss(y0, targets, 0.05), (params,), 0
