"""Helpers of the rules of np.linspace and np.arange (evenly spaced samples, which move with
their ends and their step: the number of samples is a constant of the derivative), of the edges
of np.histogram (evenly spaced between the samples' extremes) and of np.meshgrid (grids, whose
every entry is one of the inputs' entries)."""
from __future__ import annotations

import numpy as np

from adjoint.runtime.adjoints import unbroadcast
from adjoint.runtime.refusals import Refused


def _floating_or_refuse(dtype) -> None:
    if dtype is not None and not np.issubdtype(dtype, np.inexact):
        raise Refused(f"the derivative of evenly spaced samples of dtype {np.dtype(dtype)} is not supported: "
                      "rounded samples are piecewise constant in their ends")


def linspace_weights(num, endpoint):
    """How far along each sample of np.linspace(start, stop, num, endpoint) is: k / (num - 1),
    or k / num without the endpoint (the last sample is stop itself, weight 1)."""
    div = num - 1 if endpoint else num
    return np.arange(num) / div if div > 0 else np.zeros(num)


def _end_weights(num, endpoint, of_stop):
    weights = linspace_weights(num, endpoint)
    return weights if of_stop else 1.0 - weights


def linspace_adjoint(g, result, end, num, endpoint, retstep, dtype, axis, of_stop):
    """The adjoint of np.linspace's start (of_stop False) or stop: sample k is
    start + (stop - start) * w_k along `axis`; with retstep the step (stop - start) / div too."""
    _floating_or_refuse(dtype)
    samples = result[0] if retstep else result
    g_samples, g_step = g if retstep else (g, 0.0)
    weights = _end_weights(num, endpoint, of_stop)
    moved = np.moveaxis(np.broadcast_to(g_samples, np.shape(samples)), axis, 0)
    total = np.tensordot(weights, moved, axes=1)[()]  # a NumPy scalar, not a 0-d array, for scalar ends
    div = num - 1 if endpoint else num
    if retstep and div > 0:
        total = total + (g_step if of_stop else -g_step) / div
    return unbroadcast(total, end)


def linspace_end_tangent(r, result, num, endpoint, retstep, axis, of_stop):
    """The tangent of np.linspace's samples (and step) when its start (of_stop False) or its
    stop moves by r: the transpose of linspace_adjoint (and, times the samples, np.geomspace's)."""
    samples = result[0] if retstep else result
    _floating_or_refuse(np.result_type(samples))
    ends = list(np.shape(samples))  # an end is broadcast against the other: to the samples' shape but `axis`
    del ends[axis % len(ends)]
    moved = np.multiply.outer(_end_weights(num, endpoint, of_stop), np.broadcast_to(r, ends))
    tangent = np.broadcast_to(np.moveaxis(moved, 0, axis), np.shape(samples))
    if not retstep:
        return tangent
    div = num - 1 if endpoint else num
    return tangent, ((r if of_stop else -r) / div if div > 0 else 0.0 * r)


def scalar_base_or_refuse(base):
    """0.0 for a scalar base of np.logspace (added to its logarithm in the rules); an array of bases,
    which NumPy broadcasts with the ends before it lays them along `axis`, is refused."""
    if np.ndim(base):
        raise Refused("the derivative of np.logspace with an array of bases is not supported; give one base")
    return 0.0


def _edges_ends(a, bins, range_):
    """The flat positions of the least and the greatest sample, between which np.histogram spreads
    its edges evenly (no range, a number of bins or a rule's name), else None (the edges stay)."""
    if range_ is not None or np.ndim(bins) or not np.size(a):
        return None
    return int(np.argmin(a)), int(np.argmax(a))


def histogram_edges_tangent(r, a, bins, range_, edges):
    """The tangent of np.histogram's edges when its samples a move by r: edge k is
    least + (greatest - least) * k / n, as np.linspace spreads it (see histogram_edges_adjoint)."""
    ends = _edges_ends(a, bins, range_)
    if ends is None:
        return np.zeros(np.shape(edges))
    moved = np.ravel(np.broadcast_to(r, np.shape(a)))
    weights = linspace_weights(np.size(edges), True)
    return (1.0 - weights) * moved[ends[0]] + weights * moved[ends[1]]


def histogram_edges_adjoint(g, a, bins, range_, edges):
    """The adjoint of np.histogram's samples a from g, its edges' (the counts are piecewise
    constant in a): to the least sample and the greatest, which the edges are spread between."""
    ends = _edges_ends(a, bins, range_)
    adjoint = np.zeros(np.size(a))
    if ends is not None:
        g = np.broadcast_to(g, np.shape(edges))
        weights = linspace_weights(np.size(edges), True)
        adjoint[ends[0]] += np.sum((1.0 - weights) * g)
        adjoint[ends[1]] += np.sum(weights * g)
    return np.reshape(adjoint, np.shape(a))


def arange_adjoint(g, result, stop, of_step):
    """The adjoint of np.arange's start (of_step False) or step: sample k is start + k * step.
    Called with one argument, np.arange's `start` is its stop, and the samples do not move."""
    if not np.issubdtype(np.result_type(result), np.inexact):
        return 0.0  # integer samples: piecewise constant in their bounds
    g = np.broadcast_to(g, np.shape(result))
    if of_step:
        return np.sum(g * np.arange(np.size(result)))
    return np.sum(g) if stop is not None else 0.0


def arange_tangent(d_start, d_step, result, stop):
    """The tangent of np.arange(start, stop, step): d_start + k * d_step (see arange_adjoint)."""
    if not np.issubdtype(np.result_type(result), np.inexact):
        return 0.0
    return (d_start if stop is not None else 0.0) + d_step * np.arange(np.size(result))


def linspace_tangent(d_start, d_stop, num, endpoint, retstep, dtype, axis, samples=None):
    """np.linspace is linear in its ends: the same samples of their tangents, each broadcast to
    the shape the ends broadcast to (a zero tangent is 0.0, whatever its end's shape)."""
    _floating_or_refuse(dtype)
    if samples is not None:  # np.linspace's result, whose shape the tangent takes
        ends = list(np.shape(samples[0] if retstep else samples))
        del ends[axis % len(ends)]
        d_start, d_stop = np.broadcast_to(d_start, ends), np.broadcast_to(d_stop, ends)
    return np.linspace(d_start, d_stop, num, endpoint, retstep, None, axis)


def _grid_axis(position, ndim, indexing):
    """The axis of np.meshgrid's grids along which input `position` varies ('xy': the first two swapped)."""
    return 1 - position if indexing == "xy" and ndim >= 2 and position < 2 else position


def meshgrid_adjoint(g, x, position, indexing):
    """The adjoint of input `position` of np.meshgrid: its grid's adjoint g (of the grid's shape)
    summed over every axis but the one the input varies along."""
    axis = _grid_axis(position, np.ndim(g), indexing)
    others = tuple(a for a in range(np.ndim(g)) if a != axis)
    return np.reshape(np.sum(g, axis=others), np.shape(x))


def grid_spread(r, g, position, indexing):
    """r (an input's shape) laid along its axis of the grid g and repeated over the others: the
    transpose of meshgrid_adjoint."""
    axis = _grid_axis(position, np.ndim(g), indexing)
    shape = [1] * np.ndim(g)
    shape[axis] = np.size(r)
    return np.broadcast_to(np.reshape(r, shape), np.shape(g))
