"""Data-parallel gradients on a Dask cluster: each worker differentiates the loss of the shard
it holds, and the shards' gradients summed are the gradient of the whole loss.

`model.shard_gradient` (`adjoint.grad` of the shard's loss) ships to the workers by pickle, as
it does to a process pool. The sample starts a `LocalCluster`; on a real cluster pass the
scheduler's address to `Client` and make model.py importable there (`client.upload_file`).
Needs the `dask` extra: `pip install 'adjoint[dask]'`.
"""
import sys
from pathlib import Path

import numpy as np
from dask.distributed import Client, LocalCluster

sys.path.insert(0, str(Path(__file__).resolve().parent))
import model  # noqa: E402  (beside this file; the workers import it by name too)


def fit(client, X, labels, shards=4, steps=30, rate=5e-4):
    """Gradient descent on the summed shard gradients; returns the weights and the last gradient."""
    pieces_X = client.scatter(np.array_split(X, shards))
    pieces_labels = client.scatter(np.array_split(labels, shards))
    w = np.zeros(X.shape[1])
    for step in range(steps + 1):
        futures = [client.submit(model.shard_gradient, w, Xs, ys, shards, pure=False)
                   for Xs, ys in zip(pieces_X, pieces_labels)]
        gradient = sum(client.gather(futures))
        if step % 10 == 0:
            print(f"step {step:2d}: loss {model.shard_loss(w, X, labels, 1):.3f}, w {np.round(w, 3)}")
        if step < steps:
            w = w - rate * gradient
    return w, gradient


def main():
    X, labels = model.data(np.random.default_rng(0))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        w, summed = fit(client, X, labels)
    whole = model.shard_gradient(w, X, labels, 1)
    print(f"summed shard gradients against the whole loss's gradient: largest difference "
          f"{np.max(np.abs(summed - whole)):.2e}")


if __name__ == "__main__":
    main()
