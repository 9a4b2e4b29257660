"""Scientific and machine-learning programs written as their users write them, checked in every
mode (grad, value_and_grad, vjp, jvp, hvp, grad of grad, against central differences and autograd),
and the shapes among them that adjoint got wrong.

What was wrong:
- the forward derivative of a gradient whose adjoint of a list holds the symbolic zero at an item
  (max/min of a list of pairs, whose unchosen items get no adjoint) failed inside NumPy: the
  tangent of that adjoint had the item's structure and could not be broadcast to the zero.
"""
from __future__ import annotations

import numpy as np
import pytest

from every_mode import check_every_mode


# ----- the best of candidate pairs: max with a key and min of tuples -----------------------------

def best_pair(x):
    pts = [(x, 1.0), (2 * x, -1.0), (x * x, 0.5)]
    best = max(pts, key=lambda p: p[0] * p[1])
    return best[0] * best[1] + min(pts)[0]


def best_of_candidates(x):
    cands = [x * 2.0, np.sin(x), x ** 2]
    best = max(cands, key=lambda c: np.sum(c))
    return np.sum(best * x) + np.sum(min(cands, key=lambda c: c[0]) ** 2)


@pytest.mark.parametrize("x", [0.6, -0.6, 1.7])
def test_the_best_of_pairs(x):
    check_every_mode(best_pair, (x,), peer=best_pair)


def test_the_best_of_candidate_arrays():
    check_every_mode(best_of_candidates, (np.array([0.3, 0.8, -0.2]),))
