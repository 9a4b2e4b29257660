"""Second derivatives (hvp, grad of grad) of a list built by a comprehension or by appending in a
loop, given to a function whose rule reads the list's values (statistics.pvariance, math.dist,
math.fsum, ...). The first derivative pops the list in its backward sweep; the values its rules
read of the list are new lists (items_scaled), which a second derivative keeps apart from it."""
import math
import statistics

import numpy as np
import pytest

from every_mode import check_every_mode


def pvariance_of_comprehension(x):
    return statistics.pvariance([x * k + math.sin(x * k) for k in range(4)])


def variance_of_appended(x):
    ys = []
    for k in range(4):
        ys.append(x * k * x + k)
    return statistics.variance(ys)


def pstdev_of_comprehension(x):
    return statistics.pstdev([math.exp(0.3 * k * x) for k in range(4)])


def stdev_of_appended(x):
    ys = []
    for k in range(1, 5):
        ys.append(math.cos(x / k))
    return statistics.stdev(ys) * x


def dist_of_comprehension(x):
    return math.dist([x * k for k in range(3)], [1.0, 2.0, 3.0])


def dist_of_two_appended(x):
    p, q = [], []
    for k in range(3):
        p.append(x * x * k)
        q.append(math.sin(x + k))
    return math.dist(p, q)


def fsum_of_comprehension(x):
    return math.fsum([x * k * x for k in range(4)]) * x


def fsum_of_appended(x):
    ys = []
    for k in range(3):
        ys.append(math.sin(x * k + 1.0))
    return math.fsum(ys) * math.fsum(ys)


def mean_and_pvariance(x):
    ys = [x * k - k * k for k in range(5)]
    return statistics.mean(ys) * statistics.pvariance(ys)


def pvariance_of_array_rows(x):
    return statistics.pvariance([v * v for v in x]) + statistics.fmean([v * w for v, w in zip(x, x[1:])])


def pvariance_of_appended_items(x):
    ys = []
    for v in x:
        ys.append(np.tanh(v) * v)
    return statistics.pvariance(ys)


SCALAR_PROGRAMS = [pvariance_of_comprehension, variance_of_appended, pstdev_of_comprehension, stdev_of_appended,
                   dist_of_comprehension, dist_of_two_appended, fsum_of_comprehension, fsum_of_appended,
                   mean_and_pvariance]


@pytest.mark.parametrize("func", SCALAR_PROGRAMS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("x", [0.7, -1.3])
def test_second_derivatives_of_a_listed_value_read_by_a_rule(func, x):
    check_every_mode(func, (x,))


@pytest.mark.parametrize("func", [pvariance_of_array_rows, pvariance_of_appended_items], ids=lambda f: f.__name__)
def test_second_derivatives_of_a_listed_array_read_by_a_rule(func):
    check_every_mode(func, (np.array([0.4, -1.1, 0.9, 2.0]),))
