"""functools.reduce folded as Python folds it (normalize/comprehensions.py): f called on what
it has so far and each item, from `initial` or from the first item; a generator's items
computed one at a time as the fold reaches them, after `initial` (random draws in the items, the
function and the initial value come in Python's order, so values and gradients are the plain
function's). Compared with autograd, which runs Python's reduce, and with differences."""
from __future__ import annotations

import functools
import operator
from functools import reduce

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import adjoint

STATE = np.random.RandomState(0)


def multiply(a, b):
    return a * b


def chained_matrices(x):
    A = x.reshape(2, 2)
    return np.sum(reduce(np.dot, [A, np.eye(2) + A * A, A.T], np.ones(2)))


def chained_matrices_in_autograd(x):
    A = anp.reshape(x, (2, 2))
    return anp.sum(reduce(anp.dot, [A, anp.eye(2) + A * A, A.T], anp.ones(2)))


def product_of_items(x):
    return functools.reduce(operator.mul, x) + reduce(multiply, [x[0], x[1] ** 2], 2.0)


def running_average(x):
    rate = x[3]
    return reduce(lambda average, v: (1.0 - rate) * average + rate * np.sin(v), x[:3])


def running_average_in_autograd(x):
    rate = x[3]
    return reduce(lambda average, v: (1.0 - rate) * average + rate * anp.sin(v), x[:3])


def squares_of_a_generator(x):
    return reduce(lambda a, b: a + b, (v * v for v in x if v > 0.0), 0.5) * 3.0


FUNCTIONS = [(product_of_items, product_of_items), (running_average, running_average_in_autograd),
             (squares_of_a_generator, squares_of_a_generator), (chained_matrices, chained_matrices_in_autograd)]


@pytest.mark.parametrize("ours, theirs", FUNCTIONS, ids=lambda f: f.__name__)
def test_reduce_agrees_with_autograd(ours, theirs):
    x = np.array([0.3, -0.9, 0.45, 0.7])
    value, gradient = adjoint.value_and_grad(ours)(x)
    assert value == pytest.approx(theirs(x), rel=1e-14)
    np.testing.assert_allclose(gradient, autograd.grad(theirs)(x), rtol=1e-12, atol=1e-14)
    v = np.array([0.2, 1.0, -0.5, 0.3])
    np.testing.assert_allclose(adjoint.hvp(ours)(x, v), autograd.hessian_vector_product(theirs)(x, v),
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(adjoint.jvp(ours)(x, v)[1], autograd.grad(theirs)(x) @ v, rtol=1e-12, atol=1e-14)


def noisy(v):
    return v * STATE.uniform(0.5, 1.5)


def draws_in_every_part(x):
    return reduce(lambda a, b: a * STATE.uniform(0.9, 1.1) + b, (noisy(v) for v in x), STATE.uniform(1.0, 2.0))


def seeded(func, *args):
    STATE.seed(3)
    return func(*args)


def test_draws_come_in_pythons_order():
    x = np.array([0.3, -1.2, 0.8])
    value, gradient = seeded(adjoint.value_and_grad(draws_in_every_part), x)
    assert value == seeded(draws_in_every_part, x)
    eps = 1e-6
    differences = [(seeded(draws_in_every_part, x + eps * e) - seeded(draws_in_every_part, x - eps * e)) / (2 * eps)
                   for e in np.eye(3)]
    np.testing.assert_allclose(gradient, differences, rtol=1e-6, atol=1e-8)


def made_function(x):
    return reduce(functools.partial(operator.mul), x)  # a function made by a call: left to the rules


def test_a_function_made_by_a_call_is_refused_at_its_line():
    with pytest.raises(adjoint.NonDifferentiableError, match="reduce"):
        adjoint.grad(made_function)(np.array([0.3, 0.9]))


def draws_without_an_initial_value(x):
    return reduce(lambda a, b: a * STATE.uniform(0.9, 1.1) + b, (noisy(v) for v in x))  # <- no-initial


def arithmetic_items_without_an_initial_value(x):
    return reduce(lambda a, b: a * STATE.uniform(0.9, 1.1) + b, (v * v for v in x))


def test_a_generator_calling_per_item_without_an_initial_value_is_refused_at_its_line():
    """Its items would be computed before the folding calls, not between them (it gave the wrong
    value and gradient: the draws came in another order)."""
    with pytest.raises(adjoint.UnsupportedSyntaxError, match="initial value") as raised:
        adjoint.grad(draws_without_an_initial_value)(np.array([0.3, -1.2, 0.8]))
    assert "# <- no-initial" in raised.value.location.line


def test_items_computed_without_calls_fold_from_the_first_in_pythons_order():
    x = np.array([0.3, -1.2, 0.8])
    value, gradient = seeded(adjoint.value_and_grad(arithmetic_items_without_an_initial_value), x)
    assert value == seeded(arithmetic_items_without_an_initial_value, x)
    eps = 1e-6
    differences = [(seeded(arithmetic_items_without_an_initial_value, x + eps * e)
                    - seeded(arithmetic_items_without_an_initial_value, x - eps * e)) / (2 * eps) for e in np.eye(3)]
    np.testing.assert_allclose(gradient, differences, rtol=1e-6, atol=1e-8)
