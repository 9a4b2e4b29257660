"""A Bayesian logistic regression, its loss on one shard of the data, and that loss's gradient.

The gradient is a module-level derived function: pickled, it names this module and the
function, so a Dask worker that can import this module rebuilds it (generating the code, or
reading it from its disk cache).
"""
import numpy as np
from scipy import special, stats

import adjoint

PRIOR_SCALE = 3.0


def shard_loss(w, X, labels, shards):
    """The negative log posterior's share of one shard: its likelihood and 1/shards of the prior."""
    logits = X @ w
    log_likelihood = np.sum(labels * special.log_expit(logits) + (1.0 - labels) * special.log_expit(-logits))
    return -(log_likelihood + np.sum(stats.norm.logpdf(w, 0.0, PRIOR_SCALE)) / shards)


shard_gradient = adjoint.grad(shard_loss)


def data(rng, n=4000, true_w=(1.0, -2.0, 0.5)):
    X = np.column_stack([np.ones(n), rng.normal(size=(n, len(true_w) - 1))])
    labels = (rng.uniform(size=n) < special.expit(X @ np.array(true_w))).astype(float)
    return X, labels
