"""Adjoints and tangents of scipy.spatial.distance: cdist and pdist in the metrics 'euclidean',
'sqeuclidean' and 'cityblock' (any other metric, or a callable, is refused when the derivative
runs; their keywords, as out= and p=, are refused at their line), and squareform both ways.

Each distance is phi(x - y) of a pair of rows: its slope in x is s (x - y) + t with s, t from
runtime.distance_scale and distance_signs, and minus that in y. The euclidean distance's slope is
0 at a zero distance (x = y), as np.linalg.norm's is at a zero vector, and its second derivative
there is refused, as the norm's is. pdist is cdist(X, X) read
above the diagonal, and its derivatives are cdist's at (X, X) with an adjoint there. squareform
reads the triangle above the diagonal of a matrix (what it reads without checks; a matrix that
fails its checks raises in the function itself).
"""
import numpy as np
from scipy.spatial import distance

from adjoint.rules.table import non_differentiable, register_adjoint, register_tangent
from adjoint.runtime import (
    broadcast_like, curved_distances, distance_scale, distance_signs, pair_differences, unbroadcast,
)
from adjoint.templates import d

non_differentiable(curved_distances, distance_signs)


# D[i, j] = phi(XA[i] - XB[j]): the adjoint of the differences is g[i, j] (s (XA[i] - XB[j]) + t).
@register_adjoint(distance.cdist)
def _(result, XA, XB, metric="euclidean"):
    differences = pair_differences(XA, XB)
    weighted = np.expand_dims(broadcast_like(d[result], result), -1) * (
        np.expand_dims(distance_scale(metric, result), -1) * differences + distance_signs(metric, differences))
    d[XA] = np.sum(weighted, axis=1)
    d[XB] = -np.sum(weighted, axis=0)


@register_tangent(distance.cdist)
def _(result, XA, XB, metric="euclidean"):
    d[result] = np.sum((np.expand_dims(distance_scale(metric, result), -1) * pair_differences(XA, XB)
                        + distance_signs(metric, pair_differences(XA, XB)))
                       * pair_differences(d[XA], d[XB]), axis=-1)


# pdist(X) is cdist(X, X) above the diagonal: its adjoint g goes there (the rest zero), and its tangent is read there.
@register_adjoint(distance.pdist)
def _(result, X, metric="euclidean"):
    differences = pair_differences(X, X)
    weighted = np.expand_dims(np.triu(distance.squareform(broadcast_like(d[result], result))), -1) * (
        np.expand_dims(distance.squareform(distance_scale(metric, result)), -1) * differences
        + distance_signs(metric, differences))
    d[X] = np.sum(weighted, axis=1) - np.sum(weighted, axis=0)


@register_tangent(distance.pdist)
def _(result, X, metric="euclidean"):
    d[result] = distance.squareform(np.sum(
        (np.expand_dims(distance.squareform(distance_scale(metric, result)), -1) * pair_differences(X, X)
         + distance_signs(metric, pair_differences(X, X)))
        * pair_differences(d[X], d[X]), axis=-1), checks=False)


# To a matrix, v[p] lands at (i, j) and (j, i); to a vector, v[p] is M[i, j] above the diagonal.
@register_adjoint(distance.squareform)
def _(result, X, force="no", checks=True):
    g = broadcast_like(d[result], result)
    d[X] = (distance.squareform(g + np.transpose(g), checks=False) if np.ndim(result) == 2
            else np.triu(distance.squareform(g)))


@register_tangent(distance.squareform)
def _(result, X, force="no", checks=True):
    d[result] = distance.squareform(broadcast_like(d[X], X), force=force, checks=False)


# The factor of each pair's slope: 1 / D for 'euclidean' (whose derivative is -1 / D^2), a constant otherwise.
@register_adjoint(distance_scale)
def _(result, metric, distances):
    d[distances] = -d[result] * result ** 2 * curved_distances(metric, distances)


@register_tangent(distance_scale)
def _(result, metric, distances):
    d[result] = -d[distances] * result ** 2 * curved_distances(metric, distances)


@register_adjoint(pair_differences)
def _(result, a, b):
    d[a] = unbroadcast(np.sum(d[result], axis=1), a)
    d[b] = -unbroadcast(np.sum(d[result], axis=0), b)


@register_tangent(pair_differences)
def _(result, a, b):
    d[result] = pair_differences(d[a], d[b])
