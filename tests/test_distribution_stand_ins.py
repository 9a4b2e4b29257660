"""A SciPy distribution's logpdf (cdf, ...) whose value the gradient reads only for its shape is
not computed: a stand-in of its shape takes its place (optimize/stand_ins.py).

What was slow: `grad` of `np.sum(stats.norm.logpdf(x, mu, sigma))` computed logpdf over all of x
(most of the gradient's time, 25 times the hand-written gradient's) only for unreduce to read its
shape, and checked that the result has NumPy's `sum`. What is true now: the gradient reads a
stand-in of the broadcast shape; the gradients, second derivatives, values (value_and_grad still
computes logpdf) and broadcasting errors are those of the function.
"""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode

stats = pytest.importorskip("scipy.stats")


def normal_log_likelihood(mu, x, sigma):
    return np.sum(stats.norm.logpdf(x, mu, sigma))


def gamma_scaled(scale, x):
    return np.sum(stats.gamma.logpdf(x, 2.5, scale=scale)) * 0.5


def student_broadcast(loc, x):
    return np.sum(stats.t.logpdf(x[:, None], 4.0, loc, 1.3))


X = np.random.default_rng(0).normal(size=(6,))


@pytest.mark.parametrize("func, args", [
    (normal_log_likelihood, (0.3, X, 1.2)),
    (normal_log_likelihood, (np.array([0.1, -0.2, 0.3, 0.0, 0.5, 0.2]), X, 1.2)),
    (gamma_scaled, (1.7, np.abs(X) + 0.1)),
    (student_broadcast, (np.array([0.1, 0.4]), X)),
])
def test_the_gradient_through_a_stand_in_is_exact_in_every_mode(func, args):
    check_every_mode(func, args)


def test_the_gradient_reads_a_stand_in_and_value_and_grad_the_value():
    args = (0.3, X, 1.2)
    assert "distribution_stand_in(x, mu, sigma)" in adjoint.source(normal_log_likelihood, args=args)
    assert "distribution_stand_in" not in adjoint.source(normal_log_likelihood, mode="value_and_grad", args=args)
    value, _ = adjoint.value_and_grad(normal_log_likelihood)(*args)
    assert value == normal_log_likelihood(*args)


def test_operands_that_do_not_broadcast_raise_as_in_the_function():
    args = (np.zeros(4), X, 1.2)
    with pytest.raises(ValueError):
        normal_log_likelihood(*args)
    with pytest.raises(ValueError):
        adjoint.grad(normal_log_likelihood)(*args)


def test_a_result_read_for_its_value_is_computed():
    def weighted(mu, x):
        p = stats.norm.logpdf(x, mu, 1.0)
        return np.sum(p * p)

    assert "stats.norm.logpdf" in adjoint.source(weighted, args=(0.3, X))
    check_every_mode(weighted, (0.3, X))
