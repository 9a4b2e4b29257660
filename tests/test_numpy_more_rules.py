"""np.trapezoid (np.trapz), np.select, np.logaddexp.reduce, the `where=` and `initial=` keywords of
np.sum, np.prod, np.max and np.min (`where=` of np.mean), np.trace's axes and np.geomspace: each in
grad, value_and_grad, vjp, jvp and hvp against central differences (and autograd where it runs the
function), with shapes that broadcast, axes and keywords; one realistic program per rule; and what
is still refused, refused at its line.
"""
from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

import adjoint
from every_mode import AUTOGRAD_RUNS_NUMPY_CALLS, check_every_mode

# np.trapz is np.trapezoid's name before NumPy 2.0 and a deprecated alias until NumPy 2.4.
NEEDS_TRAPEZOID = pytest.mark.skipif(not hasattr(np, "trapezoid"), reason="np.trapezoid is NumPy 2's name for np.trapz")
RNG = np.random.default_rng(34)


def normal(*shape):
    return RNG.normal(size=shape)


def spread(*shape, low=0.3, high=1.5):
    """Magnitudes in [low, high] with random signs: away from zero and from the conditions at +-0.2."""
    return RNG.uniform(low, high, size=shape) * RNG.choice([-1.0, 1.0], size=shape)


# ----- np.trapezoid and np.trapz ---------------------------------------------------------------


def trapezoid_at_points(y, x):
    return np.sum(np.trapezoid(np.sin(y), x=x) ** 2)


def trapezoid_spaced(y, h):
    return np.sum(np.trapezoid(y * y, dx=h, axis=0))


def trapezoid_broadcast(y, x):
    return np.sum(np.trapezoid(y ** 3, x, axis=0) ** 2)


# y (2, 5) against sample points x (5,); y (4, 3) with a scalar spacing along axis 0; y (5, 3)
# against points x (5, 1), broadcast along axis 1, and y (5, 1) against points x (5, 3).
TRAPEZOID_CASES = [
    ("at_points", (normal(2, 5), np.cumsum(RNG.uniform(0.5, 1.5, 5)))),
    ("spaced", (normal(4, 3), 0.7)),
    ("broadcast", (normal(5, 3), np.cumsum(RNG.uniform(0.5, 1.5, (5, 1)), axis=0))),
    ("broadcast", (normal(5, 1), np.cumsum(RNG.uniform(0.5, 1.5, (5, 3)), axis=0))),
]


@NEEDS_TRAPEZOID
@pytest.mark.parametrize("case, args", TRAPEZOID_CASES, ids=["at_points", "spaced", "points(5,1)", "values(5,1)"])
@pytest.mark.parametrize("wrt", [0, 1])
def test_trapezoid_in_every_mode(case, args, wrt):
    check_every_mode(globals()[f"trapezoid_{case}"], args, wrt=wrt)


def trapz_each_way(y, x, h):
    return np.sum(np.trapz(np.sin(y), x=x, axis=0) ** 2) + np.sum(np.trapz(y * y, dx=h, axis=-1))


@pytest.mark.parametrize("wrt", [0, 1, 2])
def test_trapz_in_every_mode(wrt):
    """np.trapz (NumPy before 2.4) with points broadcast along axis 1, and a spacing along axis -1."""
    if not hasattr(np, "trapz"):
        pytest.skip("NumPy 2.4 has no np.trapz (np.trapezoid is its name)")
    with warnings.catch_warnings():  # np.trapz is deprecated in NumPy 2.0 to 2.3
        warnings.simplefilter("ignore", DeprecationWarning)
        check_every_mode(trapz_each_way, (normal(5, 3), np.cumsum(RNG.uniform(0.5, 1.5, (5, 1)), axis=0), 0.7),
                         wrt=wrt)


def density_moment(params, grid):
    """E[x^2] of the density exp(-(x - mu)^2 / 2 sigma^2) on a grid, normalised by its integral."""
    mu, sigma = params[0], np.exp(params[1])
    density = np.exp(-0.5 * ((grid - mu) / sigma) ** 2)
    return np.trapezoid(grid ** 2 * density, x=grid) / np.trapezoid(density, x=grid)


@NEEDS_TRAPEZOID
def test_a_normalised_density_differentiated_in_its_parameters():
    check_every_mode(density_moment, (np.array([0.3, -0.2]), np.linspace(-4.0, 4.0, 41)))


# ----- np.select ------------------------------------------------------------------------------


def select_three_ways(x, y):
    return np.sum(np.select([x > 0.2, x < -0.2], [x * y, y ** 2], default=x - y) ** 2)


def select_default_zero(x):
    return np.sum(np.select([x > 0.2], [x ** 3]))


def select_scalar_default(x, c):
    return np.sum(np.select([x > 0.2, x < -0.2], [np.sin(x), 2.0 * x], c) * x)


# x (2, 3) picks between choices of shapes (2, 3) and (3,) and a default of (2, 3): each
# choice's derivative is summed back to its shape.
@pytest.mark.parametrize("func, args, wrt", [
    (select_three_ways, (spread(2, 3), normal(3)), 0),
    (select_three_ways, (spread(2, 3), normal(3)), 1),
    (select_default_zero, (spread(4),), 0),
    (select_scalar_default, (np.array([0.5, -0.7, 0.1, 1.2, -0.05]), 0.4), 0),
    (select_scalar_default, (np.array([0.5, -0.7, 0.1, 1.2, -0.05]), 0.4), 1),
], ids=["choices", "choices[y]", "default0", "scalar_default", "scalar_default[c]"])
def test_select_in_every_mode(func, args, wrt):
    check_every_mode(func, args, wrt=wrt, peer=func if AUTOGRAD_RUNS_NUMPY_CALLS else None)


def piecewise_loss(w, features, targets):
    """Huber's loss written with np.select: quadratic within 1 of the target, linear beyond."""
    r = features @ w - targets
    return np.mean(np.select([r > 1.0, r < -1.0], [2.0 * r - 1.0, -2.0 * r - 1.0], r ** 2))


def test_a_piecewise_loss_written_with_select():
    features = normal(12, 3)
    w = np.array([0.8, -1.1, 0.5])
    targets = features @ w + np.array([2.5, -0.3, 0.4, -2.2, 0.1, 1.6, -0.6, 0.2, -1.7, 0.35, 3.0, -0.45])
    check_every_mode(piecewise_loss, (w * 0.9, features, targets),
                     peer=piecewise_loss if AUTOGRAD_RUNS_NUMPY_CALLS else None)


# ----- np.logaddexp.reduce ------------------------------------------------------------------------


def logaddexp_rows(x):
    return np.sum(np.logaddexp.reduce(x, axis=1) ** 2)


def logaddexp_default_axis(x):
    return np.sum(np.logaddexp.reduce(x) * np.arange(1.0, 5.0))


def logaddexp_everything(x):
    return np.logaddexp.reduce(x * x, axis=None)


def logaddexp_kept(x):
    return np.sum(np.logaddexp.reduce(x, 0, keepdims=True) * x)


@pytest.mark.parametrize("func", [logaddexp_rows, logaddexp_default_axis, logaddexp_everything, logaddexp_kept])
def test_logaddexp_reduce_in_every_mode(func):
    check_every_mode(func, (normal(3, 4),))


def mixture_log_likelihood(means, data, log_weights):
    """The log-likelihood of data under a mixture of unit normals: log sum_k w_k N(x; mu_k, 1)."""
    log_parts = log_weights[:, None] - 0.5 * (data[None, :] - means[:, None]) ** 2 - 0.5 * np.log(2.0 * np.pi)
    return np.sum(np.logaddexp.reduce(log_parts, axis=0))


def test_a_mixture_log_likelihood_with_logaddexp_reduce():
    data = np.concatenate([RNG.normal(-1.0, 1.0, 6), RNG.normal(2.0, 1.0, 6)])
    check_every_mode(mixture_log_likelihood, (np.array([-0.5, 1.5]), data, np.log(np.array([0.4, 0.6]))))


# ----- where= and initial= of the reductions -----------------------------------------------------

MASK = np.array([True, False, True])  # broadcast over the rows of a (4, 3) array


def sum_masked_from(x, c):
    return np.sum(np.sum(x * x, axis=0, where=MASK, initial=c) ** 2)


def sum_from(x, c):
    return np.sum(x, initial=c) * c


def prod_masked_from(x, c):
    return np.sum(np.prod(x, axis=1, where=MASK, initial=c))


def prod_method_from(x):
    return x.prod(axis=0, initial=1.5).sum()


def max_masked_from(x, c):
    return np.sum(np.max(x, axis=-1, where=x < 1.0, initial=c) ** 2)


def min_kept_from(x, c):
    return np.sum(np.min(x, axis=0, keepdims=True, initial=c) * x)


def amax_method_masked(x):
    return np.sum(x.max(axis=1, where=MASK, initial=-5.0) ** 3)


def mean_masked(x):
    return np.sum(np.mean(x ** 2, axis=0, where=MASK[:, None]) ** 2)


def spaced(*shape):
    """Distinct entries about 0.3 apart, with random signs: no ties for max and min."""
    values = (np.arange(int(np.prod(shape))) + 1.5) * 0.3 * RNG.choice([-1.0, 1.0], size=int(np.prod(shape)))
    return RNG.permutation(values).reshape(shape) + RNG.uniform(-0.04, 0.04, size=shape)


WITH_ZERO = np.array([[0.7, -1.2, 0.0], [1.3, 0.9, -0.6], [-0.8, 2.0, 1.1], [0.5, -1.4, 0.8]])
# Below 1.0 (kept), rows 0 and 2 reach above 0.3, rows 1 and 3 do not.
BELOW_START = np.array([[0.45, -0.6, 1.35], [0.15, -0.75, 2.1], [0.8, 0.6, -0.2], [1.2, 1.5, 0.05]])

# The products include a zero (its derivative is the product of the others); the starts 0.3 and
# -0.25 win where no kept entry beats them (rows 1 and 3 of max_masked_from, all columns of
# min_kept_from but the negative one).
REDUCTION_CASES = [
    (sum_masked_from, (normal(4, 3), 0.6), (0, 1), False),
    (sum_from, (normal(2, 3), 1.3), (0, 1), True),
    (prod_masked_from, (WITH_ZERO, 0.6), (0, 1), False),
    (prod_method_from, (WITH_ZERO,), (0,), False),
    (max_masked_from, (BELOW_START, 0.3), (0, 1), False),
    (min_kept_from, (np.abs(spaced(3, 4)) * np.array([1.0, -1.0, 1.0, 1.0]), -0.25), (0, 1), False),
    (amax_method_masked, (spaced(4, 3),), (0,), False),
    (mean_masked, (normal(3, 2),), (0,), False),
]
REDUCTION_PARAMS = [pytest.param(func, args, wrt, peer, id=f"{func.__name__}[{wrt}]")
                    for func, args, positions, peer in REDUCTION_CASES for wrt in positions]


def autograd_sums_from_a_start() -> bool:
    """Whether autograd's np.sum takes `initial=` (a constant): from autograd 1.9 on. It ignores a
    mask `where=`, and its np.prod divides by the entries (NaN at a zero)."""
    try:
        from autograd.numpy.numpy_vjps import grad_np_sum
    except ImportError:
        return False
    parameters = inspect.signature(grad_np_sum).parameters.values()
    return any(parameter.name == "initial" or parameter.kind is parameter.VAR_KEYWORD for parameter in parameters)


@pytest.mark.parametrize("func, args, wrt, peer", REDUCTION_PARAMS)
def test_reductions_with_a_mask_or_a_start_in_every_mode(func, args, wrt, peer):
    check_every_mode(func, args, wrt=wrt, peer=func if peer and wrt == 0 and autograd_sums_from_a_start() else None)


def masked_log_likelihood(mu, observations, observed):
    """A normal log-likelihood over the observed entries, the prior's log density as the start."""
    residuals = (observations - mu) ** 2
    return -0.5 * np.sum(residuals, where=observed, initial=np.sum(mu ** 2))


def floored_pooling(activations, floor):
    """Max-pooling over the valid positions of each row, never below a floor."""
    valid = np.arange(4) < np.array([[2], [4], [0]])
    return np.sum(np.max(activations, axis=1, where=valid, initial=floor) ** 2)


def test_a_masked_likelihood_with_a_prior_as_start():
    observations = normal(3, 4)
    observed = RNG.random((3, 4)) > 0.3
    check_every_mode(masked_log_likelihood, (np.array([0.2, -0.4, 0.9, 0.1]), observations, observed))


@pytest.mark.parametrize("wrt", [0, 1])
def test_max_pooling_with_a_floor(wrt):
    check_every_mode(floored_pooling, (spaced(3, 4), 0.2), wrt=wrt)


# ----- np.trace over chosen axes --------------------------------------------------------------------


def trace_of_each(t):
    return np.sum(np.trace(t, offset=1, axis1=1, axis2=2) ** 2)


def trace_swapped(m):
    return np.trace(m, -1, 1, 0) * np.sum(m)


def trace_negative_axes(t):
    return np.sum(np.sin(np.trace(t, 0, -1, 0)))


def trace_offset(m):
    return np.trace(m, 1) ** 2


@pytest.mark.parametrize("func, shape, peer", [(trace_of_each, (2, 3, 4), False), (trace_swapped, (3, 4), False),
                                               (trace_negative_axes, (3, 2, 4), False), (trace_offset, (3, 3), True)])
def test_trace_in_every_mode(func, shape, peer):
    """Autograd's np.trace takes an offset, not axes."""
    check_every_mode(func, (normal(*shape),), peer=func if peer else None)


def batched_kl_trace(factors, precision):
    """The trace term of the KL divergence between normals, tr(P S_b), for a batch of covariances
    S_b = L_b L_b^T stacked along the last axis."""
    covariances = np.einsum("ijb,kjb->ikb", factors, factors)
    return np.sum(np.trace(np.einsum("ij,jkb->ikb", precision, covariances), axis1=0, axis2=1))


def test_a_batched_trace_term():
    precision = np.array([[2.0, 0.3, 0.0], [0.3, 1.5, -0.2], [0.0, -0.2, 1.0]])
    check_every_mode(batched_kl_trace, (normal(3, 3, 2), precision))


# ----- np.geomspace -------------------------------------------------------------------------------


def geomspace_ends(a, b):
    return np.sum(np.geomspace(a, b, 5) * np.arange(5.0))


def geomspace_broadcast(start, stop):
    return np.sum(np.geomspace(start, stop, 4, endpoint=False, axis=-1) ** 2)


def geomspace_negative(start, stop):
    return np.sum(np.sin(np.geomspace(start, stop, 3, axis=1)))


@pytest.mark.parametrize("func, args, wrt", [
    (geomspace_ends, (0.7, 3.0), 0), (geomspace_ends, (0.7, 3.0), 1),
    (geomspace_broadcast, (RNG.uniform(0.5, 2.0, 3), RNG.uniform(0.5, 2.0, (2, 3))), 0),
    (geomspace_broadcast, (RNG.uniform(0.5, 2.0, 3), RNG.uniform(0.5, 2.0, (2, 3))), 1),
    (geomspace_negative, (-RNG.uniform(0.5, 2.0, (2, 3)), -RNG.uniform(0.5, 2.0, 3)), 0),
    (geomspace_negative, (-RNG.uniform(0.5, 2.0, (2, 3)), -RNG.uniform(0.5, 2.0, 3)), 1),
], ids=["start", "stop", "broadcast[start]", "broadcast[stop]", "negative[start]", "negative[stop]"])
def test_geomspace_in_every_mode(func, args, wrt):
    check_every_mode(func, args, wrt=wrt)


def band_power(low, high):
    """The power of a 1/f^1.5 spectrum between two frequencies, on a log-spaced grid of them."""
    frequencies = np.geomspace(low, high, 60)
    return np.trapezoid(2.0 * frequencies ** -1.5, x=frequencies)


@NEEDS_TRAPEZOID
@pytest.mark.parametrize("wrt", [0, 1])
def test_a_band_power_over_a_log_spaced_grid(wrt):
    check_every_mode(band_power, (0.5, 20.0), wrt=wrt)


# ----- still refused, at the line --------------------------------------------------------------------


def logaddexp_from(x):
    return np.logaddexp.reduce(x, initial=0.0)


def mean_from(x):
    return np.mean(x, initial=1.0)


def integer_geomspace(a):
    return np.sum(np.geomspace(a, 8.0, 4, dtype=int) * a)


@pytest.mark.parametrize("func, arg, expected", [
    (logaddexp_from, np.array([0.5, 1.0]), "np.logaddexp.reduce"),
    (mean_from, np.array([0.5, 1.0]), "does not accept these arguments"),
    (integer_geomspace, 2.0, "dtype int"),
])
def test_what_is_not_differentiated_is_refused_at_its_line(func, arg, expected):
    with pytest.raises(adjoint.AdjointError, match=expected) as raised:
        adjoint.grad(func)(arg)
    assert f"test_numpy_more_rules.py:{func.__code__.co_firstlineno + 1}" in str(raised.value)
