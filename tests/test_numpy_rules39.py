"""np.corrcoef, np.polyfit, np.block and np.lib.stride_tricks.sliding_window_view in programs that use
them as people do: a correlation loss, a trend removed by a polynomial fit, a block matrix built
from parameters, features of a moving window. Each in grad, value_and_grad, vjp, jvp, hvp and grad
of grad against central differences, with values the function's own; and what is refused,
refused at its line (np.polyfit's weights, its full output, too few points; a write into a
window, which NumPy refuses too).
"""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import adjoint
from every_mode import check_program, check_refused_at

RNG = np.random.default_rng(39)
sliding_window_view = np.lib.stride_tricks.sliding_window_view


# ----- np.corrcoef ------------------------------------------------------------------------------


def correlation_loss(w, features, target):
    """1 - the correlation of a linear model's predictions with the target, plus a penalty on the
    correlations between the features it weights."""
    prediction = features @ w
    fit = 1.0 - np.corrcoef(prediction, target)[0, 1]
    weighted = np.corrcoef(features * w, rowvar=False)
    return fit + 0.1 * np.sum(np.triu(weighted, 1) ** 2)


def test_correlation_loss_in_every_mode():
    features = RNG.normal(size=(12, 3))
    target = features @ np.array([0.5, -1.0, 0.3]) + 0.4 * RNG.normal(size=12)
    check_program(correlation_loss, (RNG.normal(size=3), features, target), positions=(0, 1, 2))


def decorrelation(series):
    """The mean squared correlation between the rows of a batch of series (one series a row)."""
    correlations = np.corrcoef(np.tanh(series))
    return np.mean((correlations - np.eye(np.shape(series)[0])) ** 2)


def test_decorrelation_penalty_in_every_mode():
    check_program(decorrelation, (RNG.normal(size=(4, 9)),), positions=(0,))


# ----- np.polyfit -------------------------------------------------------------------------------


def detrended_energy(signal, times):
    """The energy left in a signal once its quadratic trend is removed."""
    trend = np.polyval(np.polyfit(times, signal, 2), times)
    return np.sum((signal - trend) ** 2) + np.polyfit(times, signal, 1)[0] ** 2


def test_trend_removed_by_polyfit_in_every_mode():
    times = np.cumsum(RNG.uniform(0.5, 1.5, 10))
    signal = np.sin(times) + 0.1 * times ** 2
    check_program(detrended_energy, (signal, times), positions=(0, 1))


def growth_rates(series):
    """The slope of a straight line through each column of log-series, against fixed times."""
    slopes = np.polyfit(np.linspace(0.0, 1.0, np.shape(series)[0]), np.log(series), 1)[0]
    return np.sum(slopes * np.arange(1.0, np.shape(series)[1] + 1.0))


def test_slopes_of_many_series_in_every_mode():
    check_program(growth_rates, (RNG.uniform(0.5, 2.0, size=(7, 3)),), positions=(0,))


# ----- np.block ---------------------------------------------------------------------------------


def block_system(a, coupling, b):
    """The solution of a saddle-point system whose blocks are built from parameters."""
    matrix = np.block([[np.diag(a), coupling], [coupling.T, -np.eye(2)]])
    return np.sum(np.linalg.solve(matrix, b) ** 2)


def test_block_matrix_from_parameters_in_every_mode():
    args = (RNG.uniform(2.0, 3.0, 3), 0.3 * RNG.normal(size=(3, 2)), RNG.normal(size=5))
    check_program(block_system, args, positions=(0, 1, 2))


def block_of_rows(x, scale):
    """A vector joined from pieces, one of them a scaled number."""
    joined = np.block([x[:2] * scale, scale, np.exp(x)])
    return np.sum(joined * np.arange(6.0)) + np.sum(np.block([[x], [x ** 2]]) ** 2)


def test_block_of_rows_in_every_mode():
    check_program(block_of_rows, (RNG.normal(size=3), 0.7), positions=(0, 1))


def block_diagonal(x):
    """A block-diagonal matrix of blocks made from x, its nested list built by comprehensions."""
    blocks = [x, 2.0 * x, np.sin(x)]
    rows = [[blocks[i] if i == j else np.zeros((2, 2)) for j in range(3)] for i in range(3)]
    return np.sum(np.block(rows) @ np.arange(6.0)) + np.sum(np.block(rows) ** 2)


def test_block_diagonal_from_comprehensions_in_every_mode():
    check_program(block_diagonal, (RNG.normal(size=(2, 2)),), positions=(0,))


# ----- np.lib.stride_tricks.sliding_window_view ---------------------------------------------------


def moving_window_features(x):
    """Moving averages and moving standard deviations of a series, as features of a small model."""
    windows = sliding_window_view(x, 4)
    averages = np.mean(windows, axis=-1)
    deviations = np.std(windows, axis=-1)
    return np.sum(averages * deviations) + np.sum(np.diff(averages) ** 2)


def test_moving_window_features_in_every_mode():
    check_program(moving_window_features, (RNG.normal(size=10),), positions=(0,))


def image_patches(image, kernel):
    """A valid 2-d correlation written as patches times a kernel."""
    patches = sliding_window_view(image, (2, 2))
    return np.sum(np.tanh(np.einsum("ijkl,kl->ij", patches, kernel)))


def test_image_patches_in_every_mode():
    check_program(image_patches, (RNG.normal(size=(4, 5)), RNG.normal(size=(2, 2))), positions=(0, 1))


# ----- refusals ---------------------------------------------------------------------------------


def weighted_fit(y):
    return np.sum(np.polyfit(np.arange(5.0), y, 1, w=np.linspace(1.0, 2.0, 5)))


def full_fit(y):
    return np.sum(np.polyfit(np.arange(5.0), y, 1, full=True)[0])


def fit_through_repeated_points(x):
    return np.sum(np.polyfit(x, np.arange(4.0), 2))


def truncated_fit(y):
    return np.sum(np.polyfit(np.arange(5.0), y, 2, rcond=0.5))


def line_of(func) -> str:
    return f"{inspect.getsourcefile(func)}:{inspect.getsourcelines(func)[1] + 1}:"


@pytest.mark.filterwarnings("ignore::numpy.exceptions.RankWarning")
@pytest.mark.parametrize("func, args", [
    (weighted_fit, (np.ones(5),)),
    (full_fit, (np.ones(5),)),
    (fit_through_repeated_points, (np.array([1.0, 1.0, 2.0, 2.0]),)),
    (truncated_fit, (np.ones(5),)),
], ids=["w", "full", "repeated points", "rcond truncating"])
def test_polyfit_refuses_what_it_does_not_differentiate(func, args):
    check_refused_at(func, args, (0,), line_of(func), RNG)


def written_window(x):
    windows = sliding_window_view(x * 1.0, 3)
    windows[0, 0] = 0.0
    return np.sum(windows)


def test_a_window_is_read_only_in_the_derivative_as_in_numpy():
    with pytest.raises(ValueError, match="read-only"):
        written_window(np.arange(5.0))
    with pytest.raises(ValueError, match="read-only"):
        adjoint.grad(written_window)(np.arange(5.0))
    with pytest.raises(ValueError, match="read-only"):
        adjoint.jvp(written_window)(np.arange(5.0), np.ones(5))
