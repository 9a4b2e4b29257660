"""A 1-D heat equation on a periodic rod, stepped explicitly with np.roll until the profile stops
changing; the diffusivity and the initial bump are fitted to a measured late profile."""
import numpy as np

NO_AUTOGRAD = "the array is changed in place (`u += du`) after ndarray.copy"


def laplacian(u, dx):
    return (np.roll(u, 1) - 2.0 * u + np.roll(u, -1)) / dx ** 2


def evolve(u0, diffusivity, dx, dt, tol=1e-4, max_steps=200):
    u = u0.copy()
    step = 0
    change = np.inf
    while change > tol and step < max_steps:
        du = dt * diffusivity * laplacian(u, dx)
        u += du
        change = np.max(np.abs(du))
        step += 1
    return u


def initial_profile(params, x):
    centre, width, height = params["bump"]
    return height * np.exp(-0.5 * ((x - centre) / width) ** 2)


def misfit(params, x, measured):
    dx = x[1] - x[0]
    dt = 0.2 * dx ** 2
    u = evolve(initial_profile(params, x), np.exp(params["log_diffusivity"]), dx, dt)
    residual = u - measured
    return 0.5 * np.dot(residual, residual) / len(x)


def make(rng):
    x = np.linspace(0.0, 1.0, 24, endpoint=False)
    measured = 0.4 + 0.1 * np.cos(2 * np.pi * x) + 0.01 * rng.normal(size=x.size)
    params = {"bump": np.array([0.45, 0.12, 1.1]), "log_diffusivity": -0.3}
    return misfit, (params, x, measured), 0
