"""Adjoints and tangents of Python's `statistics` module: the means, variances and standard
deviations of a sequence of numbers, and the covariance and correlation of two.

The module computes them exactly (with fractions) and rounds once; their derivatives are those
of the formulas: the mean's is 1/n for each item, the variances' 2 (x - c) / n (n - 1 for the
sample variance) for the centre c, the mean or the one the call gives (`mu`, `xbar`), which then
has its own derivative. A standard deviation of items that are all equal (or a centre they all
equal) has 0 as its derivative, the subgradient of the length of the centred items at the
origin, as np.linalg.norm's. `correlation(..., method="ranked")` (Spearman's, of the items'
ranks) is constant between ties: its derivative is zero. The medians are differentiated through
their own source (sorted items, the middle one or the mean of the two).
"""
import math
import statistics

from adjoint.templates import d
from adjoint.rules.table import register_adjoint, register_tangent
from adjoint.runtime import add_adjoints, items_dot, items_scaled, over_length, sum_adjoint, sum_tangent

# Python 3.10 added covariance and correlation.
PAIRED = tuple(f for f in (getattr(statistics, "covariance", None), getattr(statistics, "correlation", None))
               if f is not None)

# ----- Means ----------------------------------------------------------------------------------


@register_adjoint(statistics.mean)
def _(result, data):
    d[data] = sum_adjoint(d[result] / len(data), data)


@register_tangent(statistics.mean)
def _(result, data):
    d[result] = sum_tangent(d[data], data, 0.0) / len(data)


# With weights (Python 3.11): sum(w x) / sum(w), d/dx = w / sum(w), d/dw = (x - result) / sum(w).
@register_adjoint(statistics.fmean)
def _(result, data, weights=None):
    d[data] = sum_adjoint(d[result] / len(data), data) if weights is None else items_scaled(
        weights, d[result] / math.fsum(weights))
    d[weights] = add_adjoints(items_scaled(data, d[result] / math.fsum(weights)),
                              sum_adjoint(-result * d[result] / math.fsum(weights), weights))


@register_tangent(statistics.fmean)
def _(result, data, weights=None):
    d[result] = sum_tangent(d[data], data, 0.0) / len(data) if weights is None else (
        items_dot(d[data], weights) + items_dot(d[weights], data) - result * sum_tangent(d[weights], weights, 0.0)
    ) / math.fsum(weights)


# ----- Variances and standard deviations --------------------------------------------------------
# sum((x - c) ** 2) / m: d/dx = 2 (x - c) / m, d/dc = -2 sum(x - c) / m, c the mean when not given
# (where sum(x - c) is zero). The standard deviation's are those over 2 * result.


@register_adjoint(statistics.pvariance)
def _(result, data, mu=None):
    center = statistics.fmean(data) if mu is None else mu
    d[data] = add_adjoints(items_scaled(data, 2.0 * d[result] / len(data)),
                           sum_adjoint(-2.0 * d[result] / len(data) * center, data))
    d[mu] = -2.0 * d[result] / len(data) * (math.fsum(data) - len(data) * center)


@register_tangent(statistics.pvariance)
def _(result, data, mu=None):
    d[result] = 2.0 * (items_dot(d[data], data) - statistics.fmean(data) * sum_tangent(d[data], data, 0.0)) / len(
        data) if mu is None else 2.0 * (items_dot(d[data], data) - mu * sum_tangent(d[data], data, 0.0)
                                        - d[mu] * (math.fsum(data) - len(data) * mu)) / len(data)


@register_adjoint(statistics.variance)
def _(result, data, xbar=None):
    center = statistics.fmean(data) if xbar is None else xbar
    d[data] = add_adjoints(items_scaled(data, 2.0 * d[result] / (len(data) - 1)),
                           sum_adjoint(-2.0 * d[result] / (len(data) - 1) * center, data))
    d[xbar] = -2.0 * d[result] / (len(data) - 1) * (math.fsum(data) - len(data) * center)


@register_tangent(statistics.variance)
def _(result, data, xbar=None):
    d[result] = 2.0 * (items_dot(d[data], data) - statistics.fmean(data) * sum_tangent(d[data], data, 0.0)) / (
        len(data) - 1) if xbar is None else 2.0 * (items_dot(d[data], data) - xbar * sum_tangent(d[data], data, 0.0)
                                                   - d[xbar] * (math.fsum(data) - len(data) * xbar)) / (len(data) - 1)


@register_adjoint(statistics.pstdev)
def _(result, data, mu=None):
    center = statistics.fmean(data) if mu is None else mu
    d[data] = add_adjoints(items_scaled(data, over_length(d[result], result) / len(data)),
                           sum_adjoint(-over_length(d[result], result) / len(data) * center, data))
    d[mu] = -over_length(d[result], result) / len(data) * (math.fsum(data) - len(data) * center)


@register_tangent(statistics.pstdev)
def _(result, data, mu=None):
    d[result] = over_length(items_dot(d[data], data) - statistics.fmean(data) * sum_tangent(d[data], data, 0.0),
                            result) / len(data) if mu is None else over_length(
        items_dot(d[data], data) - mu * sum_tangent(d[data], data, 0.0) - d[mu] * (math.fsum(data) - len(data) * mu),
        result) / len(data)


@register_adjoint(statistics.stdev)
def _(result, data, xbar=None):
    center = statistics.fmean(data) if xbar is None else xbar
    d[data] = add_adjoints(items_scaled(data, over_length(d[result], result) / (len(data) - 1)),
                           sum_adjoint(-over_length(d[result], result) / (len(data) - 1) * center, data))
    d[xbar] = -over_length(d[result], result) / (len(data) - 1) * (math.fsum(data) - len(data) * center)


@register_tangent(statistics.stdev)
def _(result, data, xbar=None):
    d[result] = over_length(items_dot(d[data], data) - statistics.fmean(data) * sum_tangent(d[data], data, 0.0),
                            result) / (len(data) - 1) if xbar is None else over_length(
        items_dot(d[data], data) - xbar * sum_tangent(d[data], data, 0.0)
        - d[xbar] * (math.fsum(data) - len(data) * xbar), result) / (len(data) - 1)


# ----- Two sequences ----------------------------------------------------------------------------
# covariance = sum((x - mx) (y - my)) / (n - 1): d/dx = (y - my) / (n - 1).
# correlation = Sxy / sqrt(Sxx Syy), S the sums of centred products:
# d/dx = (y - my) / sqrt(Sxx Syy) - result (x - mx) / Sxx.

if PAIRED:
    @register_adjoint(statistics.covariance)
    def _(result, x, y):
        d[x] = add_adjoints(items_scaled(y, d[result] / (len(x) - 1)),
                            sum_adjoint(-d[result] / (len(x) - 1) * statistics.fmean(y), x))
        d[y] = add_adjoints(items_scaled(x, d[result] / (len(x) - 1)),
                            sum_adjoint(-d[result] / (len(x) - 1) * statistics.fmean(x), y))

    @register_tangent(statistics.covariance)
    def _(result, x, y):
        d[result] = (items_dot(d[x], y) - statistics.fmean(y) * sum_tangent(d[x], x, 0.0) + items_dot(d[y], x)
                     - statistics.fmean(x) * sum_tangent(d[y], y, 0.0)) / (len(x) - 1)

    @register_adjoint(statistics.correlation)
    def _(result, x, y, method="linear"):
        spread = math.sqrt(statistics.pvariance(x) * statistics.pvariance(y)) * len(x)
        linear = d[result] * (method == "linear")
        d[x] = add_adjoints(add_adjoints(items_scaled(y, linear / spread),
                                         items_scaled(x, -linear * result / (statistics.pvariance(x) * len(x)))),
                            sum_adjoint(linear * (result * statistics.fmean(x) / (statistics.pvariance(x) * len(x))
                                                  - statistics.fmean(y) / spread), x))
        d[y] = add_adjoints(add_adjoints(items_scaled(x, linear / spread),
                                         items_scaled(y, -linear * result / (statistics.pvariance(y) * len(x)))),
                            sum_adjoint(linear * (result * statistics.fmean(y) / (statistics.pvariance(y) * len(x))
                                                  - statistics.fmean(x) / spread), y))

    @register_tangent(statistics.correlation)
    def _(result, x, y, method="linear"):
        d[result] = (method == "linear") * (
            (items_dot(d[x], y) - statistics.fmean(y) * sum_tangent(d[x], x, 0.0) + items_dot(d[y], x)
             - statistics.fmean(x) * sum_tangent(d[y], y, 0.0))
            / (math.sqrt(statistics.pvariance(x) * statistics.pvariance(y)) * len(x))
            - result * (items_dot(d[x], x) - statistics.fmean(x) * sum_tangent(d[x], x, 0.0))
            / (statistics.pvariance(x) * len(x))
            - result * (items_dot(d[y], y) - statistics.fmean(y) * sum_tangent(d[y], y, 0.0))
            / (statistics.pvariance(y) * len(x)))
