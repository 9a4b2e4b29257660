"""Python's `statistics` module (rules/python_statistics.py): the means, variances, standard
deviations, covariance and correlation, in programs that use them as people do (z-scores, a
regression slope, a coefficient of variation), exact in every mode and to second order against
central differences, and against autograd on the same formulas written with autograd.numpy.
The medians are differentiated through their own source."""
from __future__ import annotations

import statistics
import sys

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode, check_program

anp = pytest.importorskip("autograd.numpy")

X = np.array([0.3, -1.2, 2.1, 0.8, 1.7, -0.4])
Y = np.array([1.1, -0.2, 2.9, 1.4, 2.2, 0.1])
NEEDS_3_10 = pytest.mark.skipif(sys.version_info < (3, 10), reason="statistics.covariance and correlation: Python 3.10")
NEEDS_3_11 = pytest.mark.skipif(sys.version_info < (3, 11), reason="statistics.fmean's weights: Python 3.11")
NEEDS_3_12 = pytest.mark.skipif(sys.version_info < (3, 12), reason="statistics.correlation's method: Python 3.12")


def skewness(x):
    xs = [float(v) for v in x]
    m = statistics.fmean(xs)
    s = statistics.stdev(xs)
    return sum(((v - m) / s) ** 3 for v in xs) / len(xs)


def skewness_peer(x):
    m = anp.mean(x)
    s = anp.sqrt(anp.sum((x - m) ** 2) / (len(x) - 1))
    return anp.sum(((x - m) / s) ** 3) / len(x)


def coefficient_of_variation(x):
    return statistics.pstdev(x) / statistics.mean(x)


def coefficient_of_variation_peer(x):
    return anp.sqrt(anp.mean((x - anp.mean(x)) ** 2)) / anp.mean(x)


def variance_about_the_mean(x):
    xs = list(x)
    m = statistics.mean(xs)
    return statistics.variance(xs, m) + statistics.pvariance(xs, m)


def variance_about_the_mean_peer(x):
    m = anp.mean(x)
    return anp.sum((x - m) ** 2) / (len(x) - 1) + anp.sum((x - m) ** 2) / len(x)


def spread_about(mu, x):
    xs = x * mu
    return statistics.pvariance(xs, mu) + statistics.stdev(xs, 2.0 * mu) * mu


def spread_about_peer(mu, x):
    xs = x * mu
    return anp.sum((xs - mu) ** 2) / len(x) + anp.sqrt(anp.sum((xs - 2.0 * mu) ** 2) / (len(x) - 1)) * mu


def scaled_statistics(a, b):
    data = [a, b, a * b, 2.5, a + 1.0, b - a]
    return (statistics.mean(data) * statistics.fmean(data) + statistics.pvariance(data) + statistics.variance(data)
            + statistics.pstdev(data) * statistics.stdev(data) + statistics.median(data) * a)


def regression_slope(x, y):
    return statistics.covariance(list(x), list(y)) / statistics.variance(x)


def regression_slope_peer(x, y):
    return anp.sum((x - anp.mean(x)) * (y - anp.mean(y))) / anp.sum((x - anp.mean(x)) ** 2)


def correlated(x, y):
    return statistics.correlation(x, y * y) ** 2 + statistics.correlation(list(y), list(x))


def correlated_peer(x, y):
    def r(a, b):
        a, b = a - anp.mean(a), b - anp.mean(b)
        return anp.sum(a * b) / anp.sqrt(anp.sum(a * a) * anp.sum(b * b))
    return r(x, y * y) ** 2 + r(y, x)


def weighted_mean(x, w):
    return statistics.fmean([v * v for v in x], weights=list(w)) * statistics.fmean(x, w)


def weighted_mean_peer(x, w):
    return anp.sum(w * x * x) / anp.sum(w) * anp.sum(w * x) / anp.sum(w)


@pytest.mark.parametrize("func, peer", [(skewness, skewness_peer),
                                        (coefficient_of_variation, coefficient_of_variation_peer),
                                        (variance_about_the_mean, variance_about_the_mean_peer)])
def test_one_sequence_against_autograd(func, peer) -> None:
    check_every_mode(func, (X + 3.0,), peer=peer)
    check_program(func, (X + 3.0,), [0])


def test_a_centre_the_call_gives_has_its_derivative() -> None:
    check_every_mode(spread_about, (0.7, X), wrt=0, peer=spread_about_peer)
    check_every_mode(spread_about, (0.7, X), wrt=1, peer=spread_about_peer)
    check_program(spread_about, (0.7, X), [0, 1])


def test_numbers_in_a_list() -> None:
    check_program(scaled_statistics, (1.3, 2.1), [0, 1])


@NEEDS_3_10
@pytest.mark.parametrize("func, peer", [(regression_slope, regression_slope_peer), (correlated, correlated_peer)])
def test_two_sequences_against_autograd(func, peer) -> None:
    for wrt in (0, 1):
        check_every_mode(func, (X, Y), wrt=wrt, peer=peer)
    check_program(func, (X, Y), [0, 1])


@NEEDS_3_11
def test_weights() -> None:
    weights = np.array([0.5, 1.0, 2.0, 0.25, 1.5, 0.75])
    for wrt in (0, 1):
        check_every_mode(weighted_mean, (X, weights), wrt=wrt, peer=weighted_mean_peer)
    check_program(weighted_mean, (X, weights), [0, 1])


@NEEDS_3_12
def test_ranked_correlation_is_constant_between_ties() -> None:
    def ranked(x, y):
        return statistics.correlation(x, y, method="ranked") * statistics.fmean(x)

    def linear_part(x, y):
        return statistics.correlation(x, y, method="ranked") * np.mean(x)

    assert np.allclose(adjoint.grad(ranked)(X, Y), adjoint.grad(linear_part)(X, Y))
    check_program(ranked, (X, Y), [0, 1])


def test_equal_items_have_the_zero_subgradient() -> None:
    def spread(x):
        return statistics.stdev([x, x, x]) + statistics.pstdev([x, 1.0 * x])

    assert adjoint.grad(spread)(0.4) == 0.0
    assert adjoint.jvp(spread)(0.4, 1.0)[1] == 0.0
