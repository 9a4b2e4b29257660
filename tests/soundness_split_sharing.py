"""Derivatives of derivatives through a backward half that undoes in place what its forward half wrote.

A called function's backward half (ad/split.py) puts back, in its adjoint sweep, what its
forward half overwrote or popped: an element the function wrote into an array it made, the
entries of adjoint's own stack. Where that memory was made by the forward half and nothing but
the residuals reaches it (analysis/residuals.py), no caller sees the change, and a derivative
of the derivative is generated (the sixth elementwise derivative of tanh, a step that pins the
ends of a fresh array), also where the value the function returns holds that memory (the value
is copied before the adjoint sweep puts anything back). Where a view of it kept in the residuals
is read again, or the same array is reached twice, it stays refused, at the user's call the
derivative was made for.
"""
from __future__ import annotations

import numpy as np

import adjoint
from higher_order_functions import tanh_4, tanh_5
from soundness import Exact, Refused

WEIGHTS = np.arange(1.0, 6.0)


def _points(rng):
    return (np.linspace(-0.9, 0.8, 6) + 0.05 * rng.normal(size=6),)


def _positive(rng):
    return (np.linspace(0.5, 1.5, 5) + 0.05 * rng.normal(size=5),)


# ----- elementwise derivatives of tanh: the stack of each order is the pair's own ----------

def tanh_4_sum(x):
    return np.sum(tanh_4(x))


def tanh_5_sum(x):
    return np.sum(tanh_5(x))


# ----- the ends of an array the callee made, overwritten and put back ---------------------

def pinned_ends(u):
    out = np.zeros_like(u)
    out[1:-1] = 0.5 * (u[2:] + u[:-2]) * u[1:-1]
    out[0] = 0.0
    out[-1] = 0.0
    return out


def pinned_energy(u):
    v = pinned_ends(u)
    return np.sum(v * v) + np.sum(u)


pinned_energy_gradient = adjoint.grad(pinned_energy)


def pinned_gradient_weighted(u):
    return np.sum(pinned_energy_gradient(u) * WEIGHTS)


def scaled_first_entry(u):
    """A copy of the argument, one entry overwritten by a product of two others."""
    out = u * 1.0
    out[0] = out[0] * out[1]
    return out


def scaled_energy(u):
    v = scaled_first_entry(u)
    return np.sum(v * v)


scaled_energy_gradient = adjoint.grad(scaled_energy)


def scaled_gradient_weighted(u):
    return np.sum(scaled_energy_gradient(u) * WEIGHTS)


def first_entry_returned(u):
    out = u * 2.0
    out[0] = u[1] * u[2]
    return out


def returned_energy(u):
    v = first_entry_returned(u)
    return np.sum(v * u) + v[0]


returned_energy_gradient = adjoint.grad(returned_energy)


def returned_gradient_weighted(u):
    return np.sum(returned_energy_gradient(u) * WEIGHTS)


# ----- the written memory returned (copied), or reached through a view kept -------------

def written_and_returned_in_a_list(u):
    """The array written in place is also in the list returned: its caller holds a copy."""
    out = np.zeros_like(u)
    out[1:] = u[1:] * u[1:]
    out[0] = 2.0 * u[0]
    return [out, u]


def listed_energy(u):
    pair = written_and_returned_in_a_list(u)
    return np.sum(pair[0] * pair[1])


listed_energy_gradient = adjoint.grad(listed_energy)


def listed_gradient_weighted(u):
    return np.sum(listed_energy_gradient(u) * WEIGHTS)


def view_kept(u):
    """A view of the array is kept for the adjoint sweep, which reads it after the end it
    overwrote is put back."""
    out = np.zeros_like(u)
    out[1:-1] = u[1:-1] * u[1:-1]
    inner = out[1:-1]
    s = np.sum(inner * u[1:-1])
    out[0] = s
    return out * 1.0


def view_energy(u):
    return np.sum(view_kept(u) * u)  # <- view-kept


view_energy_gradient = adjoint.grad(view_energy)


def view_gradient_weighted(u):
    return np.sum(view_energy_gradient(u) * WEIGHTS)


def same_array_twice(u):
    """The array written in place is kept under two names, one read in the adjoint sweep after
    the end it overwrote is put back."""
    out = np.zeros_like(u)
    out[1:] = u[1:] * u[:-1]
    alias = out
    total = np.sum(alias * u)
    out[0] = total
    return out * 1.0


def twice_energy(u):
    return np.sum(same_array_twice(u) * u)  # <- same-array-twice


twice_energy_gradient = adjoint.grad(twice_energy)


def twice_gradient_weighted(u):
    return np.sum(twice_energy_gradient(u) * WEIGHTS)


CASES = [
    Exact(tanh_4_sum, _points, id="elementwise_tanh_fifth_derivative"),
    Exact(tanh_5_sum, _points, id="elementwise_tanh_sixth_derivative"),
    Exact(pinned_gradient_weighted, _positive),
    Exact(scaled_gradient_weighted, _positive),
    Exact(returned_gradient_weighted, _positive),
    Exact(listed_gradient_weighted, _positive),
    Refused(view_gradient_weighted, (np.linspace(0.5, 1.5, 5),), adjoint.AdjointError, "view-kept"),
    Refused(twice_gradient_weighted, (np.linspace(0.5, 1.5, 5),), adjoint.AdjointError, "same-array-twice"),
]
