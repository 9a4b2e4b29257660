"""Soft k-means (deterministic annealing) written with comprehensions and small helpers:
responsibilities by list comprehension over clusters, centroids updated in a loop with
enumerate(zip(...)), an early return when a cluster is empty, continue for skipped points."""
import numpy as np


def responsibilities(points, centroids, temperature):
    distances = np.stack([np.sum((points - c) ** 2, axis=1) for c in centroids], axis=1)
    logits = -distances / temperature
    logits -= logits.max(axis=1, keepdims=True)
    weights = np.exp(logits)
    return weights / weights.sum(axis=1, keepdims=True)


def update(points, centroids, temperature, skip):
    r = responsibilities(points, centroids, temperature)
    new = []
    for k, (centroid, column) in enumerate(zip(centroids, r.T)):
        total = 0.0
        weighted = np.zeros_like(centroid)
        for i, (point, w) in enumerate(zip(points, column)):
            if i in skip:
                continue
            weighted = weighted + w * point
            total = total + w
        if total < 1e-12:
            return centroids
        new.append(weighted / total)
    return new


def distortion(init_centroids, points, temperature=0.5, n_iter=3):
    centroids = [c for c in init_centroids]
    for _ in range(n_iter):
        centroids = update(points, centroids, temperature, skip={3})
    r = responsibilities(points, centroids, temperature)
    return sum(np.sum(r[:, k] * np.sum((points - c) ** 2, axis=1)) for k, c in enumerate(centroids))


def make(rng):
    points = np.concatenate([rng.normal(size=(6, 2)) + 2.0, rng.normal(size=(6, 2)) - 2.0])
    init_centroids = np.array([[1.0, 1.5], [-1.0, -0.5], [0.5, -1.0]])
    return distortion, (init_centroids, points), 0
