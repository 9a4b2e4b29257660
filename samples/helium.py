"""Helium: minimise the two-electron trial energy over the Jastrow parameter alpha by gradient descent.

The trial wave function psi = exp(-2 r1 - 2 r2 + r12 / (2 (1 + alpha r12))) gives the local
energy E(a1, b1, c1, a2, b2, c2, alpha) of the seed notebook (electron 1 at (a1, b1, c1),
electron 2 at (a2, b2, c2)). The variational energy is the mean of E over positions drawn
from psi**2 (Metropolis sampling); its derivative with respect to alpha is
    d<E>/dalpha = <dE/dalpha> + 2 <(E - <E>) dlog(psi)/dalpha>,
and adjoint writes both derivatives from the Python below.
"""
import time

import numpy as np

import adjoint


def E(a1, b1, c1, a2, b2, c2, alpha):
    r1 = (a1 ** 2 + b1 ** 2 + c1 ** 2) ** 0.5
    r2 = (a2 ** 2 + b2 ** 2 + c2 ** 2) ** 0.5
    r12 = ((a1 - a2) ** 2 + (b1 - b2) ** 2 + (c1 - c2) ** 2) ** 0.5
    dot_product = (((a1 / r1) - (a2 / r2)) * (a1 - a2) + ((b1 / r1) - (b2 / r2)) * (b1 - b2)
                   + ((c1 / r1) - (c2 / r2)) * (c1 - c2))
    return (-4 + dot_product / (r12 * (1 + alpha * r12) ** 2) - 1 / (r12 * (1 + alpha * r12) ** 3)
            - 1 / (4 * (1 + alpha * r12) ** 4) + 1 / r12)


def log_psi(a1, b1, c1, a2, b2, c2, alpha):
    r1 = (a1 ** 2 + b1 ** 2 + c1 ** 2) ** 0.5
    r2 = (a2 ** 2 + b2 ** 2 + c2 ** 2) ** 0.5
    r12 = ((a1 - a2) ** 2 + (b1 - b2) ** 2 + (c1 - c2) ** 2) ** 0.5
    return -2 * r1 - 2 * r2 + r12 / (2 * (1 + alpha * r12))


def mean_energy(a1, b1, c1, a2, b2, c2, alpha):
    return np.mean(E(a1, b1, c1, a2, b2, c2, alpha))


def weighted_log_psi(weights, a1, b1, c1, a2, b2, c2, alpha):
    return np.sum(weights * log_psi(a1, b1, c1, a2, b2, c2, alpha))


energy_and_slope = adjoint.value_and_grad(mean_energy, wrt="alpha")
d_weighted_log_psi = adjoint.grad(weighted_log_psi, wrt="alpha")


def metropolis(positions, alpha, rng, steps=20, width=0.6):
    """Move the walkers `steps` times, accepting with probability psi(new)**2 / psi(old)**2."""
    log_p = 2 * log_psi(*positions, alpha)
    for _ in range(steps):
        proposal = positions + rng.uniform(-width, width, size=positions.shape)
        log_p_new = 2 * log_psi(*proposal, alpha)
        accept = np.log(rng.uniform(size=log_p.shape)) < log_p_new - log_p
        positions = np.where(accept, proposal, positions)
        log_p = np.where(accept, log_p_new, log_p)
    return positions


def main():
    seed_point = (2.0, 3.0, 2.0, 5.0, 3.0, -3.0)
    value, slope = adjoint.value_and_grad(E, wrt="alpha")(*seed_point, 0.3)
    print(f"at the seed notebook's positions and alpha = 0.3: E = {float(value)!r}, dE/dalpha = {float(slope)!r}")
    print("(the seed notebook's tape gave -3.715315687004636 and -0.44404586887760766)")
    rng = np.random.default_rng(0)
    positions = rng.normal(scale=0.5, size=(6, 4000))
    alpha, rate = 0.6, 0.4
    positions = metropolis(positions, alpha, rng, steps=60)
    start = time.perf_counter()
    for step in range(1, 31):
        positions = metropolis(positions, alpha, rng)
        energy, d_mean = energy_and_slope(*positions, alpha)
        local = E(*positions, alpha)
        weights = 2 * (local - energy) / local.size
        gradient = d_mean + d_weighted_log_psi(weights, *positions, alpha)
        alpha -= rate * gradient
        if step % 5 == 0:
            print(f"step {step:2d}: <E> = {energy:.4f} hartree, d<E>/dalpha = {gradient:+.4f}, "
                  f"alpha = {alpha:.4f}")
    seconds = time.perf_counter() - start
    print(f"alpha = {alpha:.3f}, <E> = {energy:.3f} hartree (exact ground state: -2.904), {seconds:.1f} s")


if __name__ == "__main__":
    main()
