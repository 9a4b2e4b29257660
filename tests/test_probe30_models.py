"""Statistical models written as their users write them, at values where a distribution function is
flat: an infinite cut point, bound or censoring time.

What was wrong: an ordered probit model `norm.cdf(cuts[y + 1], eta, s) - norm.cdf(cuts[y], eta, s)`
with the cut points -inf and inf at the ends, a truncated normal's `norm.cdf(np.inf, mu, s)`, an
interval-censored likelihood with `expon.cdf(np.inf, ...)`, `logistic.cdf`, `t.cdf`, `gamma.cdf` or
`special.gammainc(a, np.inf)`, and `norm.pdf`, `expon.pdf` or `norm.sf` at an infinite value had a
gradient of nan in the scale (and in the value for gammainc): the rules multiplied the density, 0
there, by z = inf. `special.ndtr`, `erf`, `erfc` and `log_ndtr` at an infinite argument had the right
gradient but a nan Hessian (their slope exp(-x^2 / 2) differentiated as -x exp(-x^2 / 2) = -inf * 0).
The rules now read z from x with its infinite entries 0.0 and put a slope of 0.0 there
(adjoint.runtime.zero_where_infinite, finite_standardized, gaussian, gamma_density), so no inf * 0 is
formed in them or in their derivatives.

Still not exact: an infinity the user's own code multiplies by a differentiated value
(`special.erf(x * a)` with x = inf: d/da is inf * erf'(inf) = inf * 0), as in every chain-rule AD.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import special, stats

import adjoint
from every_mode import AUTOGRAD_RUNS_NUMPY_CALLS, check_every_mode
from test_gen_probe26 import gen, load, run_without_adjoint, write

autograd = pytest.importorskip("autograd")
anp = autograd.numpy
from autograd.scipy import stats as astats  # noqa: E402

CUT_LABELS = np.array([0, 1, 2, 1, 0, 2, 2, 1])
CUT_X = np.array([0.3, -1.2, 0.8, 0.1, -0.4, 1.5, 0.9, -0.2])


def ordered_probit(params, x, y):
    beta, c0, log_gap, log_s = params[0], params[1], params[2], params[3]
    cuts = np.concatenate([[-np.inf], [c0, c0 + np.exp(log_gap)], [np.inf]])
    eta = beta * x
    s = np.exp(log_s)
    p = stats.norm.cdf(cuts[y + 1], eta, s) - stats.norm.cdf(cuts[y], eta, s)
    return -np.sum(np.log(p))


def ordered_probit_peer(params, x, y, big=1e3):
    """ordered_probit for autograd, with the infinite cut points at +-1000: the same values and the
    same derivatives to the last bit (the normal's cdf is 1.0 and its density 0.0 there)."""
    beta, c0, log_gap, log_s = params[0], params[1], params[2], params[3]
    cuts = anp.concatenate([anp.array([-big]), anp.array([c0, c0 + anp.exp(log_gap)]), anp.array([big])])
    eta = beta * x
    s = anp.exp(log_s)
    p = astats.norm.cdf(cuts[y + 1], eta, s) - astats.norm.cdf(cuts[y], eta, s)
    return -anp.sum(anp.log(p))


def ordered_ndtr(params, x, y):
    upper = np.append(np.cumsum(np.concatenate([params[1:2], np.exp(params[2:])])), np.inf)
    lower = np.insert(upper[:-1], 0, -np.inf)
    eta = params[0] * x
    p = special.ndtr(upper[y] - eta) - special.ndtr(lower[y] - eta)
    return -np.sum(np.log(p))


def truncated_normal_nll(theta, data):
    mu, s = theta[0], np.exp(theta[1])
    bounds = np.array([0.0, np.inf])
    cdf = stats.norm.cdf(bounds, mu, s)
    return -np.sum(stats.norm.logpdf(data, mu, s)) + len(data) * np.log(cdf[1] - cdf[0])


def truncated_normal_peer(theta, data):
    mu, s = theta[0], anp.exp(theta[1])
    cdf = astats.norm.cdf(anp.array([0.0, 1e3]), mu, s)
    return -anp.sum(astats.norm.logpdf(data, mu, s)) + len(data) * anp.log(cdf[1] - cdf[0])


LOWER = np.array([0.2, 1.0, 0.5, 2.0, 0.1])
UPPER = np.array([0.6, np.inf, 1.5, np.inf, 0.4])  # right-censored where inf


def censored_expon(theta, lower, upper):
    scale = np.exp(theta[0])
    return -np.sum(np.log(stats.expon.cdf(upper, 0.0, scale) - stats.expon.cdf(lower, 0.0, scale)))


def censored_logistic(theta, lower, upper):
    loc, scale = theta[0], np.exp(theta[1])
    return -np.sum(np.log(stats.logistic.cdf(upper, loc, scale) - stats.logistic.cdf(lower, loc, scale)))


def censored_t(theta, lower, upper):
    loc, scale = theta[0], np.exp(theta[1])
    return -np.sum(np.log(stats.t.cdf(upper, 4.0, loc, scale) - stats.t.cdf(lower, 4.0, loc, scale)))


def censored_gamma(theta, lower, upper):
    scale = np.exp(theta[0])
    return -np.sum(np.log(stats.gamma.cdf(upper, 2.5, 0.0, scale) - stats.gamma.cdf(lower, 2.5, 0.0, scale)))


def survival_sf(theta, times):
    return -np.sum(stats.norm.logsf(times, theta[0], np.exp(theta[1])) + stats.norm.sf(times, theta[0], 1.0))


THETA2 = np.array([0.3, -0.2])
PROGRAMS = {
    "ordered_probit": (ordered_probit, (np.array([0.7, -0.3, 0.2, -0.1]), CUT_X, CUT_LABELS)),
    "ordered_ndtr": (ordered_ndtr, (np.array([0.7, -0.3, 0.2]), CUT_X, CUT_LABELS)),
    "truncated_normal_nll": (truncated_normal_nll, (THETA2, np.array([0.2, 1.3, 0.7, 2.1]))),
    "censored_expon": (censored_expon, (np.array([0.1]), LOWER, UPPER)),
    "censored_logistic": (censored_logistic, (THETA2, LOWER, UPPER)),
    "censored_t": (censored_t, (THETA2, LOWER, UPPER)),
    "censored_gamma": (censored_gamma, (np.array([-0.3]), LOWER, UPPER)),
    "survival_sf": (survival_sf, (THETA2, np.array([0.5, -np.inf, 1.2, -np.inf]))),
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_model_with_infinite_values_in_every_mode(name):
    func, args = PROGRAMS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the plain function's own inf - inf, in SciPy
        check_every_mode(func, args)


@pytest.mark.parametrize("func, peer, args", [
    (ordered_probit, ordered_probit_peer, PROGRAMS["ordered_probit"][1]),
    (truncated_normal_nll, truncated_normal_peer, PROGRAMS["truncated_normal_nll"][1]),
], ids=["ordered_probit", "truncated_normal_nll"])
def test_against_autograd_with_large_finite_bounds(func, peer, args):
    """autograd, given +-1000 for the infinite bounds (it has nan at inf itself)."""
    assert func(*args) == pytest.approx(peer(*args), rel=1e-14)
    np.testing.assert_allclose(adjoint.grad(func)(*args), autograd.grad(peer)(*args), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(adjoint.hessian(func)(*args), autograd.hessian(peer)(*args), rtol=1e-8, atol=1e-10)


POINTS = np.array([0.3, np.inf, -np.inf])


def norm_cdf_scale(s):
    return np.sum(stats.norm.cdf(POINTS, 0.1, s))


def norm_sf_scale(s):
    return np.sum(stats.norm.sf(POINTS, 0.1, s))


def norm_pdf_scale(s):
    return np.sum(stats.norm.pdf(POINTS, 0.1, s))


def halfnorm_pdf_scale(s):
    return np.sum(stats.halfnorm.pdf(POINTS[:2], 0.1, s))


def norm_logcdf_at_inf(s):
    return np.sum(stats.norm.logcdf(POINTS[:2], 0.1, s))


def norm_logsf_at_minus_inf(s):
    return np.sum(stats.norm.logsf(POINTS[[0, 2]], 0.1, s))


def expon_pdf_scale(s):
    return np.sum(stats.expon.pdf(POINTS[:2], 0.1, s))


def expon_sf_scale(s):
    return np.sum(stats.expon.sf(POINTS[:2], 0.1, s))


def expon_logcdf_scale(s):
    return np.sum(stats.expon.logcdf(POINTS[:2], 0.1, s))


def ndtr_shift(s):
    return np.sum(special.ndtr(POINTS - s))


def erf_shift(s):
    return np.sum(special.erf(POINTS - s))


def erfc_shift(s):
    return np.sum(special.erfc(POINTS - s))


def log_ndtr_shift(s):
    return np.sum(special.log_ndtr(POINTS[:2] - s))


def gammaincc_shift(s):
    return np.sum(special.gammaincc(1.5, POINTS[:2] + s))


@pytest.mark.parametrize("func", [
    norm_cdf_scale, norm_sf_scale, norm_pdf_scale, halfnorm_pdf_scale, norm_logcdf_at_inf, norm_logsf_at_minus_inf,
    expon_pdf_scale, expon_sf_scale, expon_logcdf_scale, ndtr_shift, erf_shift, erfc_shift, log_ndtr_shift,
    gammaincc_shift,
], ids=lambda f: f.__name__)
def test_flat_at_infinity_to_second_order(func):
    s, h = 0.8, 1e-4
    slope = (func(s + h) - func(s - h)) / (2 * h)
    curvature = (func(s + h) - 2 * func(s) + func(s - h)) / h ** 2
    assert adjoint.grad(func)(s) == pytest.approx(slope, rel=1e-6, abs=1e-8)
    assert adjoint.jvp(func)(s, 1.0)[1] == pytest.approx(slope, rel=1e-6, abs=1e-8)
    assert adjoint.hvp(func)(s, 1.0) == pytest.approx(curvature, rel=1e-4, abs=1e-6)
    assert adjoint.grad(adjoint.grad(func))(s) == pytest.approx(curvature, rel=1e-4, abs=1e-6)


def test_helpers_keep_the_kind_of_their_values():
    from adjoint.runtime import zero_where_infinite
    assert zero_where_infinite(2.5, 1.0) == 2.5 and zero_where_infinite(2.5, -np.inf) == 0.0
    values = zero_where_infinite(np.ones(3, dtype=np.float32), np.array([0.0, np.inf, np.nan]))
    assert values.dtype == np.float32 and values.tolist()[:2] == [1.0, 0.0]


ORDERED = '''
import numpy as np
from scipy import special, stats

def f(params, x, y):
    cuts = np.concatenate([[-np.inf], np.cumsum(params[1:]), [np.inf]])
    eta = params[0] * x
    p = stats.norm.cdf(cuts[y + 1], eta, 0.9) - special.ndtr(cuts[y] - eta)
    return -np.sum(np.log(p)) + np.sum(np.log(special.gammainc(2.0, np.array([1.0, np.inf]) + params[1])))
'''


def test_written_module_has_the_helpers(tmp_path):
    path = write(tmp_path, "ordered_model", ORDERED)
    out = tmp_path / "out"
    out.mkdir()
    assert gen(f"{path}:f", "-o", out / "grad_ordered_model.py") == 0
    params = [0.7, -0.3, 0.9]
    got = run_without_adjoint(tmp_path, out, f'''
        import json
        import numpy as np
        from grad_ordered_model import grad_f
        print(json.dumps(grad_f(np.array({params!r}), np.array({CUT_X.tolist()!r}),
                                np.array({CUT_LABELS.tolist()!r})).tolist()))
    ''')
    user = load(path, "ordered_model_reference")
    args = (np.array(params), CUT_X, CUT_LABELS)
    expected = adjoint.grad(user.f)(*args)
    assert np.all(np.isfinite(expected))
    np.testing.assert_allclose(got, expected, rtol=1e-12)


# ----- A saturated probability: xlogy(0, 0) ------------------------------------------------------------------
# What was wrong: the slope of special.xlogy(x, y) in y was x / y, nan at x = 0, y = 0: a logistic regression
# `-(xlogy(y, p) + xlogy(1 - y, 1 - p))` with a sample classified with certainty (p = expit(40.0) == 1.0, label 1)
# had a gradient of nan. xlogy(0, y) is 0 for every y: the slope is 0 there (and xlog1py's at 0, -1 too).

SATURATED_X = np.array([[40.0, 1.0], [-800.0, 0.5], [0.3, -0.2], [1.2, 0.4]])
SATURATED_Y = np.array([1.0, 0.0, 1.0, 0.0])


def bernoulli_nll_xlogy(w, X, y):
    p = special.expit(X @ w)
    return -np.sum(special.xlogy(y, p) + special.xlogy(1 - y, 1 - p))


def bernoulli_nll_xlog1py(w, X, y):
    p = special.expit(X @ w)
    return -np.sum(special.xlogy(y, p) + special.xlog1py(1 - y, -p))


def bernoulli_nll_peer(w, X, y):
    z = anp.dot(X, w)
    return anp.sum(anp.logaddexp(0.0, z) - y * z)


@pytest.mark.parametrize("func", [bernoulli_nll_xlogy, bernoulli_nll_xlog1py], ids=lambda f: f.__name__)
def test_saturated_logistic_regression(func):
    args = (np.array([1.0, 0.2]), SATURATED_X, SATURATED_Y)
    assert special.expit(40.0) == 1.0 and special.expit(-800.0) == 0.0  # the saturated samples
    check_every_mode(func, args)
    assert func(*args) == pytest.approx(bernoulli_nll_peer(*args), rel=1e-12)
    np.testing.assert_allclose(adjoint.grad(func)(*args), autograd.grad(bernoulli_nll_peer)(*args), rtol=1e-9,
                               atol=1e-12)
    np.testing.assert_allclose(adjoint.hessian(func)(*args), autograd.hessian(bernoulli_nll_peer)(*args),
                               rtol=1e-9, atol=1e-12)


# The same in scipy.stats: bernoulli.logpmf(1, p) and binom.logpmf(n, n, p) at p = 1.0 had a slope of nan in p
# ((n - k) / (1 - p) = 0 / 0), and poisson.logpmf(0, mu) at mu = 0 (a row of zero exposure) k / mu = 0 / 0.

def bernoulli_nll_stats(w, X, y):
    p = special.expit(X @ w)
    return -np.sum(stats.bernoulli.logpmf(y.astype(int), p))


def binomial_nll(w, X, y):
    p = special.expit(X @ w)
    counts = (3 * y).astype(int)
    return -np.sum(stats.binom.logpmf(counts, 3, p)) - np.sum(stats.binom.pmf(counts, 3, p))


def poisson_with_exposure(w, X, exposure, counts):
    mu = exposure * np.exp(X @ w)
    return -np.sum(stats.poisson.logpmf(counts, mu)) + np.sum(stats.poisson.pmf(counts, mu))


@pytest.mark.parametrize("func", [bernoulli_nll_stats, binomial_nll], ids=lambda f: f.__name__)
def test_saturated_bernoulli_and_binomial(func):
    args = (np.array([1.0, 0.2]), SATURATED_X, SATURATED_Y)
    check_every_mode(func, args)
    if func is bernoulli_nll_stats:
        np.testing.assert_allclose(adjoint.grad(func)(*args), autograd.grad(bernoulli_nll_peer)(*args), rtol=1e-9,
                                   atol=1e-12)


def test_poisson_with_a_zero_exposure():
    args = (np.array([0.3, -0.2]), SATURATED_X[2:], np.array([0.0, 1.5]), np.array([0, 2]))
    check_every_mode(poisson_with_exposure, args)


# ----- The 2-norm of a zero vector --------------------------------------------------------------------------
# What was wrong: np.linalg.norm's slope x / |x| was 0 / 0 = nan at a zero vector: a group lasso penalty with a
# group at zero (its whole point) had a gradient of nan. The slope there is the subgradient 0, as np.abs's at 0
# and the nuclear norm's at a zero singular value (central differences agree: the norm is even); the curvature is
# unbounded there, and a second derivative through a zero group is refused when it runs.

def group_lasso(w, X, y):
    groups = w.reshape(3, 2)
    return np.sum((X @ w - y) ** 2) + 0.5 * np.sum(np.linalg.norm(groups, axis=1))


def norms_at_zero(w):
    return np.linalg.norm(w[:2]) + np.linalg.norm(w[2:], 3) + np.linalg.norm(w.reshape(2, 2)) + np.sum(w ** 2)


def test_group_lasso_with_a_zero_group():
    rng = np.random.default_rng(5)
    args = (np.array([0.0, 0.0, 0.5, -0.3, 1.0, 0.2]), rng.normal(size=(7, 6)), rng.normal(size=7))
    check_every_mode(group_lasso, args, second_order=False)
    nonzero = (np.array([0.1, -0.2, 0.5, -0.3, 1.0, 0.2]),) + args[1:]
    check_every_mode(group_lasso, nonzero)


def test_norms_of_zero_vectors():
    check_every_mode(norms_at_zero, (np.zeros(4),), second_order=False)
    assert adjoint.grad(norms_at_zero)(np.zeros(4)).tolist() == [0.0] * 4


# ----- Programs as their users write them, which were right: kept for what no other test has ----------------

def _program_cases():
    rng = np.random.default_rng(0)
    X2, y6 = rng.normal(size=(6, 2)), rng.normal(size=6)
    X3, y7 = rng.normal(size=(7, 3)), rng.normal(size=7)
    enc = [(rng.normal(size=(3, 4)) * 0.5, rng.normal(size=4) * 0.1),
           (rng.normal(size=(4, 4)) * 0.5, rng.normal(size=4) * 0.1)]
    dec = [(rng.normal(size=(2, 3)) * 0.5, rng.normal(size=3) * 0.1)]
    binary = (rng.random((5, 3)) > 0.5).astype(float)
    labels = (rng.random(7) > 0.5).astype(float)
    C = np.abs(rng.normal(size=(3, 3)))
    two_modes = np.concatenate([rng.normal(-1, 0.5, 5), rng.normal(1, 0.5, 5)])
    # name: (args, positions differentiated, second order offered, autograd runs it as written)
    return {
        "gp_slogdet": ((np.array([0.1, -0.2, -1.0]), X2, y6), (0,), False, False),
        "vae_loss": ((enc, dec, binary), (0, 1), True, False),
        "masked_attention": ((rng.normal(size=(3, 3)) * 0.3, X3[:4]), (0,), True, False),
        "unrolled_adam_inplace": ((rng.normal(size=3), X3, y7), (0, 1), True, False),
        "hmm_forward": ((np.log(np.array([[0.7, 0.3], [0.4, 0.6]])), np.log(np.array([0.5, 0.5])),
                         rng.normal(size=(5, 2))), (0, 2), True, False),
        "sinkhorn": ((C, np.array([0.2, 0.3, 0.5]), np.array([0.4, 0.4, 0.2])), (0, 1), True, True),
        "em_gmm": ((np.array([-1.0, 1.0]), two_modes), (0, 1), True, False),
        "leapfrog": ((np.array([0.5, -0.3]), np.array([0.2, 0.1])), (0, 1), True, False),
        "irls_logistic": ((0.5, X3, labels), (0, 1), True, False),
    }


PROGRAM_CASES = _program_cases()


@pytest.mark.parametrize("name, wrt", [(name, wrt) for name, case in PROGRAM_CASES.items() for wrt in case[1]])
def test_user_program_in_every_mode(name, wrt):
    import probe30_programs as programs
    args, _, second_order, peer = PROGRAM_CASES[name]
    func = getattr(programs, name)
    check_every_mode(func, args, wrt=wrt, second_order=second_order, peer=func if peer else None)


def test_vae_gradient_against_autograd():
    """The encoder's and decoder's gradients (lists of (W, b) tuples) as autograd has them."""
    if not AUTOGRAD_RUNS_NUMPY_CALLS:
        pytest.skip("the VAE's helpers call NumPy itself, which hands autograd's boxes on from NumPy 2.1")
    import probe30_programs as programs
    from every_mode import _on_autograd_numpy
    from soundness import flat
    args = PROGRAM_CASES["vae_loss"][0]
    peer = _on_autograd_numpy(programs.vae_loss, anp)
    for wrt in (0, 1):
        np.testing.assert_allclose(flat(adjoint.grad(programs.vae_loss, wrt=wrt)(*args)),
                                   flat(autograd.grad(peer, wrt)(*args)), rtol=1e-9, atol=1e-12)


def array_api_norms(w):
    groups = w.reshape(3, 2)
    return (np.sum(np.linalg.vector_norm(groups, axis=1)) + np.linalg.vector_norm(w)
            + np.sum(np.linalg.matrix_norm(groups[:, :, None] * np.ones(2))) + np.sum(w ** 2))


@pytest.mark.skipif(not hasattr(np.linalg, "vector_norm"), reason="NumPy 2's vector_norm and matrix_norm")
def test_vector_and_matrix_norms_with_a_zero_group():
    """np.linalg.vector_norm and matrix_norm had the same nan (d|x| / |x| * x) at a zero group."""
    check_every_mode(array_api_norms, (np.array([0.0, 0.0, 0.5, -0.3, 1.0, 0.2]),), second_order=False)
    check_every_mode(array_api_norms, (np.array([0.1, -0.2, 0.5, -0.3, 1.0, 0.2]),))


# ----- Two histograms with an empty bin ------------------------------------------------------------------
# What was wrong: special.rel_entr(x, y) and kl_div had the slope x / y in y, 0 / 0 = nan where both histograms
# are empty (the term is 0, and kl_div's y, for every y); so had stats.entropy(pk, qk)'s in qk.

HISTOGRAM = np.array([0.0, 0.3, 0.7, 0.0])
EMPTY_BINS = np.array([0.0, 1.0, 1.0, 1.0])


def _histogram(logits):
    q = special.softmax(logits) * EMPTY_BINS
    return q / q.sum()


def kl_rel_entr(logits):
    return np.sum(special.rel_entr(HISTOGRAM, _histogram(logits)))


def kl_kl_div(logits):
    return np.sum(special.kl_div(HISTOGRAM, _histogram(logits)))


def kl_stats_entropy(logits):
    return stats.entropy(HISTOGRAM, _histogram(logits), base=2)


@pytest.mark.parametrize("func", [kl_rel_entr, kl_kl_div, kl_stats_entropy], ids=lambda f: f.__name__)
def test_divergence_of_histograms_with_an_empty_bin(func):
    check_every_mode(func, (np.array([0.1, 0.2, -0.3, 0.4]),))


# ----- Lengths at the origin -----------------------------------------------------------------------------
# What was wrong: math.hypot(x, y) and math.dist(p, q) at a zero length raised ZeroDivisionError in the derivative
# (x / |v|), np.hypot's was nan: a geometric median's objective at one of its points, a total-variation
# penalty of an image with a flat region. The slope there is the subgradient 0, as the norms'; the curvature is
# unbounded, and a second derivative through a zero length is refused when it runs.

POINTS_2D = [[0.5, 0.2], [1.0, -0.3], [-0.4, 0.8]]


def geometric_median_objective(c):
    return sum(math.dist(c, p) for p in POINTS_2D) + 0.1 * math.hypot(c[0], c[1])


def hypot_of_three(a, b):
    return math.hypot(a, b, a - b) + math.hypot(a - 0.5, b) + a


def total_variation(u, image):
    du_x = np.diff(u, axis=0)[:, :-1]
    du_y = np.diff(u, axis=1)[:-1, :]
    return 0.5 * np.sum((u - image) ** 2) + 0.3 * np.sum(np.hypot(du_x, du_y))


def test_geometric_median_at_a_point():
    check_every_mode(geometric_median_objective, ([0.5, 0.2],), second_order=False)
    check_every_mode(geometric_median_objective, ([0.3, 0.1],))


def test_hypot_of_numbers_at_zero():
    check_every_mode(hypot_of_three, (0.0, 0.0), second_order=False)
    check_every_mode(hypot_of_three, (0.0, 0.0), wrt=1, second_order=False)
    check_every_mode(hypot_of_three, (0.3, -0.2))


def test_total_variation_with_a_flat_region():
    image = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.5, 1.0, 1.0]])
    check_every_mode(total_variation, (image.copy(), image), second_order=False)
    check_every_mode(total_variation, (image + 0.1 * np.arange(9.0).reshape(3, 3) ** 1.5, image))


def hypot_of_two(a, b):
    return math.hypot(a, b) + math.hypot(a - 0.5, b) + a


def test_hypot_at_zero_in_the_numba_backend():
    pytest.importorskip("numba")
    gradient = adjoint.grad(hypot_of_two, wrt=(0, 1), backend="numba")
    assert gradient(0.0, 0.0) == adjoint.grad(hypot_of_two, wrt=(0, 1))(0.0, 0.0) == (0.0, 0.0)
    assert gradient(0.3, -0.2) == pytest.approx(adjoint.grad(hypot_of_two, wrt=(0, 1))(0.3, -0.2), rel=1e-12)
