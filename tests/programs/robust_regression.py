"""Robust linear regression with Student-t noise; the parameters are a NamedTuple of floats."""
from typing import NamedTuple

import numpy as np
from scipy.stats import t


class LineParams(NamedTuple):
    slope: float
    intercept: float
    log_scale: float


def make_negative_log_likelihood(x, y, df=4.0):
    def negative_log_likelihood(params):
        predicted = params.slope * x + params.intercept
        return -np.sum(t.logpdf(y, df, predicted, np.exp(params.log_scale)))

    return negative_log_likelihood


def make(rng):
    x = np.linspace(-2.0, 2.0, 20)
    y = 0.7 * x - 0.3 + 0.2 * rng.standard_t(2.0, size=20)
    return make_negative_log_likelihood(x, y), (LineParams(0.5, 0.0, -1.0),), 0
