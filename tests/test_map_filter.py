"""`map` and `filter` compute their items one at a time, between the passes of the loop that
reads them (normalize/map_filter.py): random draws in the mapped function and in the loop
body alternate as in Python, so the derived function's value and gradient are the plain
function's. Also compared with autograd."""
from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np

import adjoint

STATE = np.random.RandomState(0)


def noisy_square(v):
    return v * v * STATE.uniform(0.5, 1.5)


def loop_over_map_with_draws(x):
    total = 0.0
    for h in map(noisy_square, x):
        total = total + h * STATE.uniform(-1.0, 1.0)
    return total


def seeded(func, *args):
    STATE.seed(7)
    return func(*args)


def test_draws_in_the_mapped_function_and_the_loop_alternate_as_in_python():
    x = np.array([0.3, -1.2, 0.8])
    value, gradient = seeded(adjoint.value_and_grad(loop_over_map_with_draws), x)
    assert value == seeded(loop_over_map_with_draws, x)
    eps = 1e-6
    differences = [(seeded(loop_over_map_with_draws, x + eps * e) - seeded(loop_over_map_with_draws, x - eps * e))
                   / (2 * eps) for e in np.eye(3)]
    np.testing.assert_allclose(gradient, differences, rtol=1e-6, atol=1e-8)


def softplus_sum(x, w):
    return sum(map(lambda a, b: np.log(1.0 + np.exp(a * b)), x, w)) + sum(filter(lambda v: v > 0.0, x * w))


def softplus_sum_in_autograd(x, w):
    return sum(map(lambda a, b: anp.log(1.0 + anp.exp(a * b)), x, w)) + sum(filter(lambda v: v > 0.0, x * w))


def test_map_and_filter_agree_with_autograd():
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=4), rng.normal(size=4)
    ours = adjoint.grad(softplus_sum, wrt=(0, 1))(x, w)
    theirs = autograd.grad(softplus_sum_in_autograd, (0, 1))(x, w)
    for got, want in zip(ours, theirs):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(adjoint.hvp(softplus_sum)(x, w, np.ones(4)),
                               autograd.hessian_vector_product(softplus_sum_in_autograd)(x, w, np.ones(4)), rtol=1e-10)
