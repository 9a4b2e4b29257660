"""Derivatives of derivatives through a called function's derivative that undoes writes in place.

A called function's backward half (ad/split.py) puts back, in its adjoint sweep, what its
forward half overwrote or popped: an element the function wrote into an array it made, or the
entries of adjoint's own stack. Differentiating that code again, adjoint cannot yet tell which
of the values kept in the residual tuple share the memory changed, so it refuses; the refusal
names the call in the user's code that the backward half was made for.
"""
from __future__ import annotations

import numpy as np

import adjoint
from higher_order_functions import tanh_4
from soundness import Refused


def pinned_ends(u):
    """A step with fixed ends: the ends of a fresh array are overwritten in place."""
    out = np.zeros_like(u)
    out[1:-1] = 0.5 * (u[2:] + u[:-2]) * u[1:-1]
    out[0] = 0.0
    out[-1] = 0.0
    return out


def pinned_energy(u):
    v = pinned_ends(u)  # <- pinned-ends
    return np.sum(v * v) + np.sum(u)


pinned_energy_gradient = adjoint.grad(pinned_energy)


def gradient_of_pinned_energy_summed(u):
    return np.sum(pinned_energy_gradient(u) * np.arange(1.0, 6.0))


def tanh_4_sum(x):
    return np.sum(tanh_4(x))  # <- tanh-fifth-derivative


tanh_5 = adjoint.grad(tanh_4_sum)


def tanh_5_sum(x):
    return np.sum(tanh_5(x))


CASES = [
    Refused(gradient_of_pinned_energy_summed, (np.linspace(0.5, 1.5, 5),), adjoint.AdjointError, "pinned-ends"),
    Refused(tanh_5_sum, (np.linspace(-1.0, 1.0, 6),), adjoint.AdjointError, "tanh-fifth-derivative",
            id="sixth_elementwise_derivative_of_tanh"),
]
