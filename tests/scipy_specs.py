"""One RuleSpec per registered SciPy function: scipy.special, scipy.stats, scipy.linalg.

The specs are those of rule_specs.py, each with its `call` spelled in the names the generated
test module imports (`special`, `stats`, `linalg` from SciPy, or from autograd.scipy for the
peer comparison). Domains keep inputs inside each function's domain: densities' values inside
their support, matrices well conditioned, covariances symmetric positive definite (the
covariance gradient is the symmetric one, so a covariance is built from x as x x^T + 3 I).
`peer` is False where autograd.scipy lacks the function (or its vjp: expm), the keyword, or the call
form (keyword loc and scale, points as columns for dirichlet).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pytest

from rule_specs import (
    REDUCED, SCALAR, UNARY, Case, RuleSpec, Variant, away_from_zero, expand, full_rank, near, normal, positive, spaced,
    symmetric_spread, uniform, unit, well_conditioned,
)

scipy = pytest.importorskip("scipy")
from scipy import linalg, signal, special, stats  # noqa: E402
from scipy import fft, integrate  # noqa: E402
from scipy.spatial import distance  # noqa: E402

S = SCALAR
# Whether toeplitz and circulant take an array of more dimensions for a batch of vectors, as SciPy 1.17
# does (earlier ones flatten it for toeplitz, and for circulant before 1.15: its derivative is refused
# there, tests/test_scipy_structured.py)
BATCHES = linalg.toeplitz(np.ones((2, 3))).ndim == 3
CIRCULANT_BATCHES = linalg.circulant(np.ones((2, 3))).ndim == 3
AXES = ({}, {"axis": 0}, {"axis": -1}, {"keepdims": True}, {"axis": -1, "keepdims": True},
        Variant({"axis": (0, 1)}, (((2, 1, 3),), ((4, 3),))))
SOFTMAX_AXES = ({}, {"axis": 0}, {"axis": -1})
COVARIANCE = "x2 @ np.transpose(x2) + 3.0 * np.eye(3)"


def spec(func, call: str, nargs: int, domain=normal, shapes=UNARY, peer: bool = True, order: int = 2,
         **more) -> RuleSpec:
    """A spec of `func` called as `call` (`{kw}` where keyword variants go)."""
    return RuleSpec(func, nargs, domain, shapes, order, call=call, peer=peer, **more)


def unary(func, domain=normal, peer: bool = True, shapes=UNARY) -> RuleSpec:
    return spec(func, f"special.{func.__name__}(x0)", 1, domain, shapes, peer)


# Residuals |r| in [0.3, 0.7] or [1.3, 2.0]: away from huber's kink at |r| = delta (delta in [0.8, 1.2]).
HUBER_RESIDUALS = near(0.5, -0.5, 1.65, -1.65, spread=0.2)

SPECIAL = [
    spec(special.logsumexp, "special.logsumexp(x0{kw})", 1, normal, REDUCED, kwargs=AXES),
    spec(special.logsumexp, "special.logsumexp(x0, b=x1{kw})", 2, (normal, positive),
         (((3,), (3,)), ((4, 3), (4, 3)), ((4, 3), (3,))), peer=False, kwargs=({}, {"axis": -1}),
         id="logsumexp[b]"),
    spec(special.softmax, "special.softmax(x0{kw})", 1, normal, REDUCED, peer=False, kwargs=SOFTMAX_AXES),
    spec(special.log_softmax, "special.log_softmax(x0{kw})", 1, normal, REDUCED, peer=False, kwargs=SOFTMAX_AXES),
    unary(special.expit), unary(special.logit, uniform(0.1, 0.9)), unary(special.log_expit, peer=False),
    unary(special.gammaln, positive), unary(special.digamma, positive), unary(special.psi, positive),
    spec(special.polygamma, "special.polygamma(2, x0)", 1, positive),
    spec(special.multigammaln, "special.multigammaln(x0, 3)", 1, uniform(2.0, 4.0),
         shapes=((S,), ((),))),
    spec(special.betaln, "special.betaln(x0, x1)", 2, positive, (((3,), (3,)), ((2, 3), (3,)), (S, S))),
    unary(special.erf), unary(special.erfc), unary(special.erfinv, unit), unary(special.erfcinv, uniform(0.1, 1.9)),
    unary(special.ndtr, peer=False), unary(special.log_ndtr, peer=False),
    unary(special.ndtri, uniform(0.1, 0.9), peer=False),
    spec(special.xlogy, "special.xlogy(x0, x1)", 2, (normal, positive), (((3,), (3,)), ((2, 3), (3,)), (S, S)),
         peer=False),
    spec(special.xlog1py, "special.xlog1py(x0, x1)", 2, (normal, positive), (((3,), (3,)), ((2, 3), (3,))),
         peer=False),
    unary(special.i0), unary(special.i1), spec(special.iv, "special.iv(1.5, x0)", 1, positive),
    unary(special.i0e, away_from_zero, peer=False), unary(special.i1e, away_from_zero, peer=False),
    spec(special.ive, "special.ive(1.5, x0)", 1, positive),
    unary(special.entr, positive, peer=False),
    spec(special.rel_entr, "special.rel_entr(x0, x1)", 2, positive, (((3,), (3,)), ((2, 3), (3,)), (S, S)),
         peer=False),
    spec(special.kl_div, "special.kl_div(x0, x1)", 2, positive, (((3,), (3,)), ((2, 3), (3,)), (S, S)), peer=False),
    spec(special.huber, "special.huber(x0, x1)", 2, (uniform(0.8, 1.2), HUBER_RESIDUALS),
         (((3,), (3,)), ((2, 3), (3,)), (S, S), (S, (2, 3))), peer=False, order=1),
    spec(special.pseudo_huber, "special.pseudo_huber(x0, x1)", 2, (positive, normal),
         (((3,), (3,)), ((2, 3), (3,)), (S, S), (S, (2, 3))), peer=False),
    unary(special.expm1, peer=False), unary(special.log1p, positive, peer=False),
    unary(special.exp2, peer=False), unary(special.exp10, peer=False),
    unary(special.cbrt, away_from_zero, peer=False), unary(special.gamma, positive),
    unary(special.loggamma, positive, peer=False),
    spec(special.beta, "special.beta(x0, x1)", 2, positive, (((3,), (3,)), ((2, 3), (3,)), (S, S))),
    unary(special.erfcx, peer=False),
    unary(special.j0), unary(special.j1), unary(special.y0, positive), unary(special.y1, positive),
    *(spec(f, f"special.{f.__name__}(1.5, x0)", 1, positive, peer=False)
      for f in (special.jv, special.yv, special.kv, special.kve)),
    spec(special.jv, "special.jv(np.array([0.5, 1.0, 2.5]), x0)", 1, positive, ((S,), ((2, 3),)), peer=False,
         id="jv[orders]"),
    *(unary(f, positive, peer=False) for f in (special.k0, special.k1, special.k0e, special.k1e)),
    unary(special.exp1, positive, peer=False), unary(special.expi, positive, peer=False),
    unary(special.dawsn, peer=False), unary(special.erfi, peer=False), unary(special.rgamma, positive),
    *(spec(f, f"special.{f.__name__}(2.5, x0)", 1, positive) for f in (special.gammainc, special.gammaincc)),
    spec(special.gammainc, "special.gammainc(np.array([0.5, 1.5, 3.0]), x0)", 1, positive, ((S,), ((2, 3),)),
         peer=False, id="gammainc[shapes]"),
    *(spec(f, f"special.{f.__name__}(x0, {lmbda})", 1, positive, peer=False, id=f"{f.__name__}[{lmbda}]")
      for f in (special.boxcox, special.boxcox1p) for lmbda in (0.5, 0.0)),
    *(unary(special.softplus, peer=False) for _ in range(hasattr(special, "softplus"))),
    spec(special.binom, "special.binom(x0, x1)", 2, (uniform(3.0, 5.0), uniform(0.5, 2.5)),
         (((3,), (3,)), ((2, 3), (3,)), (S, S)), peer=False),
    spec(special.binom, "special.binom(x0, 2)", 1, uniform(3.0, 5.0), ((S,), ((3,),)), peer=False,
         id="binom[integer k]"),
    spec(special.betainc, "special.betainc(2.5, 1.5, x0)", 1, uniform(0.1, 0.9), UNARY[:3]),
    spec(special.betainc, "special.betainc(np.array([0.5, 1.0, 3.0]), 2.0, x0)", 1, uniform(0.1, 0.9),
         ((S,), ((2, 3),)), peer=False, id="betainc[shapes]"),
]

LOCATION_SCALE = (((3,), S, S), ((2, 3), (3,), (2, 1)), (S, S, S), ((3,), (3,), (3,)))
NORMAL_DOMAIN = (normal, normal, positive)


def location_scale(method, peer: bool = True) -> list:
    """norm.<method> in its call forms: positional, keyword, defaults and frozen."""
    name = method.__name__
    return [
        spec(method, f"stats.norm.{name}(x0, x1, x2)", 3, NORMAL_DOMAIN, LOCATION_SCALE, peer=peer),
        spec(method, f"stats.norm.{name}(x0, loc=x1, scale=x2)", 3, NORMAL_DOMAIN, LOCATION_SCALE[:2], peer=False,
             id=f"norm.{name}[keywords]"),
        spec(method, f"stats.norm.{name}(x0)", 1, normal, UNARY, peer=peer, id=f"norm.{name}[defaults]"),
        spec(method, f"stats.norm(x1, x2).{name}(x0)", 3, NORMAL_DOMAIN, LOCATION_SCALE[:2], peer=False,
             id=f"norm.{name}[frozen]"),
        spec(method, f"frozen = stats.norm(x1, scale=x2)\nfrozen.{name}(x0)", 3, NORMAL_DOMAIN, LOCATION_SCALE[:2],
             peer=False, id=f"norm.{name}[frozen variable]"),
    ]


STUDENT = (normal, uniform(1.5, 5.0), normal, positive)
GAMMA = (uniform(1.0, 3.0), uniform(1.5, 3.0), uniform(-0.5, 0.2), positive)
BETA = (uniform(0.3, 0.7), uniform(1.5, 3.0), uniform(1.5, 3.0), uniform(-0.05, 0.05), uniform(1.0, 1.2))
MVN_SHAPES = (((3,), (3,), (3, 3)), ((4, 3), (3,), (3, 3)), ((1, 3), (3,), (3, 3)))
DIRICHLET = "stats.dirichlet.{}(x0 / np.sum(x0, axis=0), x1)"
COUNTS = "np.array([0.0, 1.0, 3.0])"
BINARY = "np.array([0.0, 1.0, 1.0])"
# Values above loc for expon (x in [1, 2], loc in [-0.5, 0.5]), apart from loc for laplace's kink.
EXPON_DOMAIN = (uniform(1.0, 2.0), uniform(-0.5, 0.5), positive)
# Values inside [loc, loc + scale] both with the defaults (0, 1) and with the drawn loc and scale.
UNIFORM_DOMAIN = (uniform(0.1, 0.9), uniform(-0.8, -0.2), uniform(1.8, 2.5))
LOGNORM = (uniform(1.0, 2.0), uniform(0.5, 1.5), uniform(-0.5, 0.5), positive)
LAPLACE_DOMAIN = (near(-1.5, 1.5, spread=0.3), uniform(-0.5, 0.5), positive)


QUANTILE_DOMAIN = (uniform(0.05, 0.95), normal, positive)
SHAPED = (((3,), S, S, S), ((2, 3), (3,), S, (2, 1)))
GAMMA_CDF = (uniform(0.5, 3.0), uniform(-0.5, 0.2), positive)


def distribution(name: str, method: str, domain) -> list:
    """<name>.<method> called positionally, with the defaults, and frozen (a distribution function or quantile)."""
    func = getattr(getattr(stats, name), method)
    return [
        spec(func, f"stats.{name}.{method}(x0, x1, x2)", 3, domain, LOCATION_SCALE[:2], peer=False),
        spec(func, f"stats.{name}.{method}(x0)", 1, domain[0], UNARY[:3], peer=False, id=f"{name}.{method}[defaults]"),
        spec(func, f"stats.{name}(x1, scale=x2).{method}(x0)", 3, domain, LOCATION_SCALE[:1], peer=False,
             id=f"{name}.{method}[frozen]"),
    ]


def location_scale_family(name: str, domain, order: int = 2) -> list:
    """<name>.logpdf and <name>.pdf called positionally, with the defaults, and frozen."""
    specs = []
    for method in ("logpdf", "pdf"):
        func = getattr(getattr(stats, name), method)
        specs += [
            spec(func, f"stats.{name}.{method}(x0, x1, x2)", 3, domain, LOCATION_SCALE, peer=False, order=order),
            spec(func, f"stats.{name}.{method}(x0)", 1, domain[0], UNARY, peer=False, order=order,
                 id=f"{name}.{method}[defaults]"),
            spec(func, f"stats.{name}(x1, scale=x2).{method}(x0)", 3, domain, LOCATION_SCALE[:2], peer=False,
                 order=order, id=f"{name}.{method}[frozen]"),
        ]
    return specs

STATS = [
    *location_scale(stats.norm.logpdf), *location_scale(stats.norm.pdf), *location_scale(stats.norm.cdf),
    *location_scale(stats.norm.logcdf, peer=False),
    spec(stats.t.logpdf, "stats.t.logpdf(x0, x1, x2, x3)", 4, STUDENT, (((3,), S, S, S), ((2, 3), (3,), S, (2, 1)))),
    spec(stats.t.logpdf, "stats.t(x1, scale=x3, loc=x2).logpdf(x0)", 4, STUDENT, (((3,), S, S, S),), peer=False,
         id="t.logpdf[frozen]"),
    spec(stats.t.pdf, "stats.t.pdf(x0, x1, x2, x3)", 4, STUDENT, (((3,), S, S, S), ((2, 3), (3,), S, (2, 1)))),
    spec(stats.gamma.logpdf, "stats.gamma.logpdf(x0, x1, x2, x3)", 4, GAMMA, (((3,), S, S, S), ((2, 3), (3,), S, S)),
         peer=False),
    spec(stats.gamma.logpdf, "stats.gamma.logpdf(x0, x1)", 2, GAMMA[:2], (((3,), S), ((2, 3), (3,))),
         id="gamma.logpdf[shape]"),
    spec(stats.gamma.pdf, "stats.gamma.pdf(x0, x1, x2, scale=x3)", 4, GAMMA, (((3,), S, S, S),), peer=False),
    spec(stats.beta.logpdf, "stats.beta.logpdf(x0, x1, x2, x3, x4)", 5, BETA, (((3,), S, S, S, S),), peer=False),
    spec(stats.beta.logpdf, "stats.beta.logpdf(x0, x1, x2)", 3, BETA[:3], (((3,), S, S), ((2, 3), (3,), (3,))),
         id="beta.logpdf[shapes]"),
    spec(stats.beta.pdf, "stats.beta(x1, x2).pdf(x0)", 3, BETA[:3], (((3,), S, S),), peer=False),
    spec(stats.poisson.logpmf, f"stats.poisson.logpmf({COUNTS}, x0)", 1, positive, ((S,), ((3,),))),
    spec(stats.poisson.pmf, f"stats.poisson.pmf({COUNTS}, x0)", 1, positive, ((S,), ((3,),))),
    spec(stats.poisson.logpmf, f"stats.poisson(x0).logpmf({COUNTS})", 1, positive, ((S,),),
         peer=False, id="poisson.logpmf[frozen]"),
    spec(stats.multivariate_normal.logpdf, f"stats.multivariate_normal.logpdf(x0, x1, {COVARIANCE})", 3,
         normal, MVN_SHAPES),
    spec(stats.multivariate_normal.pdf, f"stats.multivariate_normal.pdf(x0, x1, {COVARIANCE})", 3,
         (uniform(-0.3, 0.3), uniform(-0.3, 0.3), normal), MVN_SHAPES[:2]),
    spec(stats.multivariate_normal.logpdf, f"stats.multivariate_normal(x1, {COVARIANCE}).logpdf(x0)", 3, normal,
         MVN_SHAPES[:2], peer=False, id="multivariate_normal.logpdf[frozen]"),
    spec(stats.multivariate_normal.logpdf, f"frozen = stats.multivariate_normal(x1, {COVARIANCE})\nfrozen.logpdf(x0)",
         3, normal, MVN_SHAPES[:2], peer=False, id="multivariate_normal.logpdf[frozen variable]"),
    spec(stats.t.logpdf, "frozen = stats.t(x1, x2, x3)\nfrozen.logpdf(x0)", 4, STUDENT, (((3,), S, S, S),), peer=False,
         id="t.logpdf[frozen variable]"),
    spec(stats.gamma.logpdf, "frozen = stats.gamma(x1, x2, x3)\nfrozen.logpdf(x0)", 4, GAMMA, (((3,), S, S, S),),
         peer=False, id="gamma.logpdf[frozen variable]"),
    spec(stats.beta.logpdf, "frozen = stats.beta(x1, x2)\nfrozen.logpdf(x0)", 3, BETA[:3], (((3,), S, S),),
         peer=False, id="beta.logpdf[frozen variable]"),
    spec(stats.poisson.logpmf, f"frozen = stats.poisson(x0)\nfrozen.logpmf({COUNTS})", 1, positive, ((S,),),
         peer=False, id="poisson.logpmf[frozen variable]"),
    spec(stats.dirichlet.logpdf, "frozen = stats.dirichlet(x1)\nfrozen.logpdf(x0 / np.sum(x0, axis=0))", 2,
         (positive, uniform(1.5, 3.0)), (((3,), (3,)),), peer=False, id="dirichlet.logpdf[frozen variable]"),
    spec(stats.multivariate_normal.logpdf, f"stats.multivariate_normal.logpdf(x0, mean=x1, cov={COVARIANCE})", 3,
         normal, MVN_SHAPES[:1], peer=False, id="multivariate_normal.logpdf[keywords]"),
    spec(stats.dirichlet.logpdf, DIRICHLET.format("logpdf"), 2, (positive, uniform(1.5, 3.0)), (((3,), (3,)),)),
    spec(stats.dirichlet.logpdf, DIRICHLET.format("logpdf"), 2, (positive, uniform(1.5, 3.0)), (((3, 4), (3,)),),
         peer=False, id="dirichlet.logpdf[points]"),
    spec(stats.dirichlet.pdf, DIRICHLET.format("pdf"), 2, (positive, uniform(1.5, 3.0)), (((3,), (3,)),)),
    *location_scale_family("expon", EXPON_DOMAIN), *location_scale_family("laplace", LAPLACE_DOMAIN, order=1),
    *location_scale_family("logistic", NORMAL_DOMAIN), *location_scale_family("cauchy", NORMAL_DOMAIN),
    *(spec(f, f"stats.lognorm.{f.__name__}(x0, x1, x2, x3)", 4, LOGNORM, (((3,), S, S, S), ((2, 3), (3,), S, (2, 1))),
           peer=False) for f in (stats.lognorm.logpdf, stats.lognorm.pdf)),
    spec(stats.lognorm.logpdf, "stats.lognorm(x1).logpdf(x0)", 2, LOGNORM[:2], (((3,), S),), peer=False,
         id="lognorm.logpdf[frozen]"),
    *location_scale_family("uniform", UNIFORM_DOMAIN, order=1),
    spec(stats.bernoulli.logpmf, f"stats.bernoulli.logpmf({BINARY}, x0)", 1, uniform(0.2, 0.8), ((S,), ((3,),)),
         peer=False),
    spec(stats.binom.logpmf, f"stats.binom.logpmf({COUNTS}, 4, x0)", 1, uniform(0.2, 0.8), ((S,), ((3,),)),
         peer=False),
    spec(stats.binom.pmf, f"stats.binom.pmf({COUNTS}, 4, x0)", 1, uniform(0.2, 0.8), ((S,), ((3,),)), peer=False),
    spec(stats.binom.logpmf, f"stats.binom(4, x0).logpmf({COUNTS})", 1, uniform(0.2, 0.8), ((S,),), peer=False,
         id="binom.logpmf[frozen]"),
    spec(stats.nbinom.logpmf, f"stats.nbinom.logpmf({COUNTS}, x0, x1)", 2, (uniform(0.5, 3.0), uniform(0.2, 0.8)),
         ((S, S), ((3,), (3,))), peer=False),
    spec(stats.nbinom.logpmf, f"stats.nbinom.logpmf({COUNTS}, 2.5, x0)", 1, uniform(0.2, 0.8), ((S,), ((3,),)),
         peer=False, id="nbinom.logpmf[p]"),
    *distribution("norm", "sf", NORMAL_DOMAIN), *distribution("norm", "logsf", NORMAL_DOMAIN),
    *distribution("norm", "ppf", QUANTILE_DOMAIN), *distribution("norm", "isf", QUANTILE_DOMAIN),
    *distribution("halfnorm", "logpdf", EXPON_DOMAIN), *distribution("halfnorm", "pdf", EXPON_DOMAIN),
    *distribution("halfcauchy", "logpdf", EXPON_DOMAIN), *distribution("halfcauchy", "pdf", EXPON_DOMAIN),
    *distribution("expon", "cdf", LAPLACE_DOMAIN), *distribution("expon", "sf", LAPLACE_DOMAIN),
    *distribution("expon", "logcdf", EXPON_DOMAIN), *distribution("logistic", "cdf", NORMAL_DOMAIN),
    *distribution("logistic", "logcdf", NORMAL_DOMAIN),
    *(spec(f, f"stats.{f.__self__.name}.{f.__name__}(x0, x1, x2, x3)", 4, GAMMA, SHAPED, peer=False)
      for f in (stats.chi2.logpdf, stats.chi2.pdf, stats.invgamma.logpdf, stats.weibull_min.logpdf)),
    spec(stats.chi2.logpdf, "stats.chi2.logpdf(x0, x1)", 2, GAMMA[:2], (((3,), S),), peer=False, id="chi2.logpdf[df]"),
    spec(stats.chi2.logpdf, "stats.chi2.logpdf(x0, 3.0)", 1, GAMMA[0], UNARY[2:3], id="chi2.logpdf[integer df]"),
    spec(stats.weibull_min.logpdf, "stats.weibull_min(x1, scale=x2).logpdf(x0)", 3, (GAMMA[0], GAMMA[1], positive),
         (((3,), S, S),), peer=False, id="weibull_min.logpdf[frozen]"),
    spec(stats.gamma.cdf, "stats.gamma.cdf(x0, 2.5, x1, x2)", 3, GAMMA_CDF, LOCATION_SCALE[:2], peer=False),
    spec(stats.gamma.cdf, "stats.gamma.cdf(x0, 2.5)", 1, positive, UNARY[:3], id="gamma.cdf[defaults]"),
    spec(stats.gamma.cdf, "stats.gamma(np.array([1.5, 2.5, 4.0]), scale=x1).cdf(x0)", 2, (positive, positive),
         (((2, 3), S),), peer=False, id="gamma.cdf[frozen]"),
    spec(stats.t.cdf, "stats.t.cdf(x0, 3.5, x1, x2)", 3, NORMAL_DOMAIN, LOCATION_SCALE[:2], peer=False),
    spec(stats.t.cdf, "stats.t.cdf(x0, 3.5)", 1, normal, UNARY[:3], id="t.cdf[defaults]"),
    spec(stats.entropy, "stats.entropy(x0{kw})", 1, positive, (((4,),), ((3, 4),)), peer=False,
         kwargs=({}, {"base": 2.0}, Variant({"axis": -1, "keepdims": True}, (((3, 4),),)),
                 Variant({"axis": None}, (((3, 4),),)))),
    spec(stats.entropy, "stats.entropy(x0, x1{kw})", 2, positive, (((4,), (4,)), ((3, 4), (3, 4))), peer=False,
         kwargs=({}, Variant({"axis": 1, "base": 10.0}, (((3, 4), (3, 4)),))), id="entropy[qk]"),
]

TRIANGULAR = (((3, 3), (3,)), ((3, 3), (3, 2)))
CHOLESKY_KW = ({}, {"lower": True})
GP_LIKELIHOOD = ("factor = linalg.cho_factor(x0 @ np.transpose(x0) + 3.0 * np.eye(3){kw})\n"
                 "alpha = linalg.cho_solve(factor, x1)\n"
                 "-0.5 * np.sum(x1 * alpha) - np.sum(np.log(np.diag(factor[0])))")


def nearly_symmetric_positive(rng, shape):
    """x x^T / n + 2 I plus N(0, 0.2^2) in every entry: either triangle mirrored is positive definite, and the
    triangles differ (cho_factor reads one and keeps the other)."""
    x = rng.normal(size=shape)
    return x @ np.swapaxes(x, -1, -2) / shape[-1] + 2.0 * np.eye(shape[-1]) + 0.2 * rng.normal(size=shape)
SOLVE_TRIANGULAR_KW = ({}, {"lower": True}, {"trans": 1}, {"trans": "T", "lower": True})

LINALG = [
    spec(linalg.solve_triangular, "linalg.solve_triangular(x0, x1{kw})", 2, (well_conditioned, normal), TRIANGULAR,
         kwargs=SOLVE_TRIANGULAR_KW, peer=False),
    spec(linalg.cholesky, "linalg.cholesky(x0 @ np.transpose(x0) + 3.0 * np.eye(3){kw})", 1, normal,
         (((3, 3),),), kwargs=({}, {"lower": True}), peer=False),
    spec(linalg.cho_factor, "linalg.cho_factor(x0{kw})[0]", 1, nearly_symmetric_positive, (((3, 3),), ((1, 1),)),
         kwargs=CHOLESKY_KW, peer=False),
    spec(linalg.cho_factor, "c, low = linalg.cho_factor(x0 @ np.transpose(x0) + 3.0 * np.eye(3){kw})\nc * low",
         1, normal, (((3, 3),),), kwargs=CHOLESKY_KW, peer=False, id="cho_factor[unpacked]"),
    spec(linalg.cho_solve, "linalg.cho_solve(linalg.cho_factor(x0{kw}), x1)", 2,
         (nearly_symmetric_positive, normal), TRIANGULAR, kwargs=CHOLESKY_KW, peer=False),
    spec(linalg.cho_solve, "linalg.cho_solve((x0, True), x1)", 2, (well_conditioned, normal), TRIANGULAR,
         peer=False, id="cho_solve[lower factor]"),
    spec(linalg.cho_solve, "linalg.cho_solve((x0, False), x1)", 2, (well_conditioned, normal), TRIANGULAR,
         peer=False, id="cho_solve[upper factor]"),
    spec(linalg.cho_solve, GP_LIKELIHOOD, 2, normal, (((3, 3), (3,)),), kwargs=CHOLESKY_KW, peer=False,
         id="cho_solve[gp likelihood]"),
    spec(linalg.solve, "linalg.solve(x0, x1{kw})", 2, (well_conditioned, normal), (((3, 3), (3,)), ((3, 3), (3, 2))),
         kwargs=({}, {"assume_a": "gen", "check_finite": False}), peer=False),
    spec(linalg.inv, "linalg.inv(x0)", 1, well_conditioned, (((3, 3),),), peer=False),
    spec(linalg.det, "linalg.det(x0)", 1, well_conditioned, (((3, 3),),), peer=False),
    spec(linalg.expm, "linalg.expm(0.5 * x0)", 1, normal, (((3, 3),), ((1, 1),)), peer=False),
    spec(linalg.sqrtm, "linalg.sqrtm(x0 @ np.transpose(x0) + 3.0 * np.eye(3))", 1, normal, (((3, 3),),)),
    spec(linalg.solve_sylvester, "linalg.solve_sylvester(x0, x1, x2)", 3,
         (well_conditioned, well_conditioned, normal), (((3, 3), (2, 2), (3, 2)),), peer=False),
    spec(linalg.solve_continuous_lyapunov, "linalg.solve_continuous_lyapunov(x0, x1)", 2, (well_conditioned, normal),
         (((3, 3), (3, 3)), ((1, 1), (1, 1))), peer=False),
]

EIGENVECTORS = "lam, v = linalg.eigh(x0{kw})\nv * v[..., :1, :] * np.expand_dims(lam, -2)"  # vectors' signs cancel
UPPER = ({}, {"lower": False})
SINGULAR_VECTORS = ("u, s, vh = linalg.svd(x0, full_matrices=False{kw})\n"
                    "(u * u[..., :1, :]) @ (np.expand_dims(s, -1) * vh * vh[..., :, :1])")
MATRIX = (((3, 3),),)
RECTANGLES = (((3, 3),), ((4, 3),), ((3, 4),))

DECOMPOSITIONS = [
    spec(linalg.eigh, EIGENVECTORS, 1, symmetric_spread, MATRIX, kwargs=UPPER, peer=False),
    spec(linalg.eigh, "linalg.eigh(x0{kw})[0]", 1, symmetric_spread, MATRIX, kwargs=UPPER, peer=False,
         id="eigh[values]"),
    spec(linalg.eigh, "linalg.eigh(x0, eigvals_only=True{kw})", 1, symmetric_spread, MATRIX + (((1, 1),),),
         kwargs=UPPER, peer=False, id="eigh[eigvals_only]"),
    spec(linalg.eigvalsh, "linalg.eigvalsh(x0{kw})", 1, symmetric_spread, MATRIX, kwargs=UPPER, peer=False),
    spec(linalg.svd, SINGULAR_VECTORS, 1, full_rank, RECTANGLES, kwargs=({}, {"lapack_driver": "gesvd"}), peer=False),
    spec(linalg.svd, "linalg.svd(x0, compute_uv=False)", 1, full_rank, RECTANGLES + (((1, 3),),), peer=False,
         id="svd[values]"),
    spec(linalg.svd, "u, s, vh = linalg.svd(x0)\nu * u[..., :1, :] + vh * vh[..., :, :1]", 1, full_rank, MATRIX,
         peer=False, id="svd[full_matrices]"),
    spec(linalg.qr, "q, r = linalg.qr(x0, mode='economic')\n(q, r)", 1, full_rank, (((3, 3),), ((4, 3),), ((3, 1),)),
         peer=False),
    spec(linalg.qr, "q, r = linalg.qr(x0)\n(q, r)", 1, full_rank, MATRIX, peer=False, id="qr[full]"),
    spec(linalg.pinv, "linalg.pinv(x0)", 1, full_rank, RECTANGLES, peer=False),
    spec(linalg.norm, "linalg.norm(x0{kw})", 1, spaced, (((3,),), ((2, 3),)), order=1, peer=False, kwargs=(
        {}, {"axis": 0}, {"keepdims": True}, Variant({"ord": 2}, (((3,),),)),
        *(Variant({"ord": ord}, (((3, 4),),)) for ord in ("fro", "nuc", 1, 2)))),
]

METRICS = ({}, {"metric": "sqeuclidean"}, {"metric": "cityblock"})
# A distance matrix built from x0: symmetric, zero on its diagonal (squareform checks both).
DISTANCE_MATRIX = "x0 + np.transpose(x0) - 2.0 * np.diag(np.diag(x0))"

DISTANCES = [
    spec(distance.cdist, "distance.cdist(x0, x1{kw})", 2, normal, (((3, 2), (4, 2)), ((1, 3), (2, 3))), kwargs=METRICS,
         peer=False),
    spec(distance.cdist, "distance.cdist(x0, x1, 'cityblock')", 2, normal, (((2, 2), (3, 2)),), peer=False,
         id="cdist[positional metric]"),
    spec(distance.pdist, "distance.pdist(x0{kw})", 1, normal, (((4, 2),), ((2, 3),)), kwargs=METRICS, peer=False),
    spec(distance.squareform, "distance.squareform(x0)", 1, normal, (((3,),), ((1,),), ((6,),)), peer=False),
    spec(distance.squareform, f"distance.squareform({DISTANCE_MATRIX}{{kw}})", 1, normal, (((3, 3),), ((1, 1),)),
         kwargs=({}, {"force": "tovector"}), peer=False, id="squareform[to vector]"),
    spec(distance.squareform, "distance.squareform(x0, checks=False)", 1, normal, (((3, 3),),), peer=False,
         id="squareform[upper triangle]"),
    spec(distance.squareform, "distance.squareform(distance.pdist(x0), force='tomatrix')", 1, normal, (((3, 2),),),
         peer=False, id="squareform[pdist]"),
]

SAMPLES = (((5,),), ((2, 4),), ((1,),))
# Increasing sample points (a running sum of positive steps x0) of the samples x1.
SPACED = (((5,), (5,)), ((4,), (2, 4)), ((2, 4), (2, 4)))
INCREASING = (positive, normal)
POINTS = "np.cumsum(x0, axis=-1)"
ALONG_ROWS = {"axis": 0}


def integrals(func, kwargs, spacing_domain=INCREASING) -> list:
    """func(y), func(y, x) and func(y, dx=...) of scipy.integrate, along the last axis and the first."""
    name = func.__name__
    return [
        spec(func, f"integrate.{name}(x0{{kw}})", 1, normal, SAMPLES,
             kwargs=kwargs + (Variant(dict(ALONG_ROWS, **kwargs[-1]), (((3, 2),),)),), peer=False),
        spec(func, f"integrate.{name}(x1, {POINTS}{{kw}})", 2, spacing_domain, SPACED, kwargs=kwargs, peer=False,
             id=f"{name}[x]"),
        spec(func, f"integrate.{name}(x1, dx=x0{{kw}})", 2, spacing_domain, ((S, (5,)), (S, (2, 4))),
             kwargs=kwargs, peer=False, id=f"{name}[dx]"),
    ]


# simpson's sample points are constant (its derivative in x is not taken): spaced unevenly, 1-d or one row
# per row of y.
UNEVEN = "np.linspace(0.0, 1.0, {}) ** 2 + 0.1"
SIMPSON = [
    spec(integrate.simpson, "integrate.simpson(x0{kw})", 1, normal, SAMPLES + (((4,),), ((2,),)),
         kwargs=({}, Variant(ALONG_ROWS, (((3, 2),), ((4, 2),)))), peer=False),
    spec(integrate.simpson, f"integrate.simpson(x0, x={UNEVEN.format(5)})", 1, normal, (((5,),), ((2, 5),)),
         peer=False, id="simpson[x]"),
    spec(integrate.simpson, "integrate.simpson(x0, x=np.cumsum(np.abs(np.cos(np.arange(8.0)))).reshape(2, 4))", 1,
         normal, (((2, 4),),), peer=False, id="simpson[x rows]"),
    spec(integrate.simpson, "integrate.simpson(x1, dx=x0{kw})", 2, INCREASING, ((S, (5,)), (S, (2, 4))),
         kwargs=({}, Variant(ALONG_ROWS, ((S, (4, 3)),))), peer=False, id="simpson[dx]"),
    # 6 points and more: the weights are read 3 and 4 points at a time (runtime._local_simpson_weights)
    spec(integrate.simpson, "integrate.simpson(x0{kw})", 1, normal, (((7,),), ((2, 8),)),
         kwargs=({}, Variant(ALONG_ROWS, (((8, 2),),))), peer=False, id="simpson[many]"),
    *(spec(integrate.simpson, f"integrate.simpson(x0, x={UNEVEN.format(n)})", 1, normal, (((n,),), ((2, n),)),
           peer=False, id=f"simpson[x,{n}]") for n in (7, 8)),
    spec(integrate.simpson, "integrate.simpson(x0, x=np.cumsum(np.abs(np.cos(np.arange(16.0)))).reshape(2, 8))", 1,
         normal, (((2, 8),),), peer=False, id="simpson[x rows,8]"),
]
INTEGRALS = [*integrals(integrate.trapezoid, ({},)), *integrals(integrate.cumulative_trapezoid, ({}, {"initial": 0})),
             *SIMPSON]

MODES = ({}, {"mode": "same"}, {"mode": "valid"})
# Pairs of signals: 1-d, 2-d, the second longer than the first (as 'valid' takes them either way), of one sample.
SIGNALS = (((5,), (3,)), ((3, 4), (2, 2)), ((2,), (4,)), ((1,), (3,)))
SIGNALS_2D = (((3, 4), (2, 3)), ((2, 2), (3, 3)))
CONVOLUTIONS = [
    *(spec(f, f"signal.{f.__name__}(x0, x1{{kw}})", 2, normal, SIGNALS, kwargs=MODES, peer=False)
      for f in (signal.convolve, signal.correlate, signal.fftconvolve)),
    *(spec(f, f"signal.{f.__name__}(x0, x1{{kw}}, method='direct')", 2, normal, SIGNALS_2D, kwargs=MODES[:2],
           peer=False, id=f"{f.__name__}[direct]") for f in (signal.convolve, signal.correlate)),
    *(spec(f, f"signal.{f.__name__}(x0, x1, 'valid', 'fft')", 2, normal, SIGNALS_2D[:1], peer=False,
           id=f"{f.__name__}[fft]") for f in (signal.convolve, signal.correlate)),
    spec(signal.convolve, "signal.convolve(x0, x1{kw})", 2, normal, (((5,), (3,)), ((3, 4), (2, 2))),
         kwargs=({}, {"mode": "valid"}), id="convolve[autograd]"),
]

STRUCTURED = [
    spec(linalg.toeplitz, "linalg.toeplitz(x0)", 1, normal, (((3,),), ((1,),)) + ((((2, 3),),) if BATCHES else ()),
         peer=False),
    spec(linalg.toeplitz, "linalg.toeplitz(x0, x1)", 2, normal,
         (((3,), (4,)), ((4,), (2,)), (S, (3,))) + ((((2, 3), (2, 4)),) if BATCHES else ()), peer=False,
         id="toeplitz[c, r]"),
    spec(linalg.circulant, "linalg.circulant(x0)", 1, normal,
         (((4,),), ((1,),)) + ((((2, 3),),) if CIRCULANT_BATCHES else ()),
         peer=False),
    spec(linalg.block_diag, "linalg.block_diag(x0, x1)", 2, normal, (((2, 3), (2,)), (S, (3, 1)), ((), (0, 2))),
         peer=False),
    spec(linalg.block_diag, "linalg.block_diag(x0, x1 * x1, x0, x1)", 2, normal, (((2, 2), (3,)),), peer=False,
         id="block_diag[four]"),
]

# x0[::-1]: a well-conditioned matrix with its rows reversed, which lu_factor pivots back.
LU = [
    spec(linalg.lu_factor, "linalg.lu_factor(x0)[0]", 1, well_conditioned, (((3, 3),), ((1, 1),)), peer=False),
    spec(linalg.lu_factor, "linalg.lu_factor(x0[::-1])[0]", 1, well_conditioned, MATRIX, peer=False,
         id="lu_factor[pivoted]"),
    spec(linalg.lu_solve, "linalg.lu_solve(linalg.lu_factor(x0[::-1]), x1{kw})", 2, (well_conditioned, normal),
         TRIANGULAR, kwargs=({}, {"trans": 1}), peer=False),
    spec(linalg.lu_solve, "lu, piv = linalg.lu_factor(x0)\nlinalg.lu_solve((lu, piv), x1)", 2,
         (well_conditioned, normal), TRIANGULAR[:1], peer=False, id="lu_solve[unpacked]"),
]

# scipy.fft as np.fft's specs (rule_specs.py): a complex output made real by the call.
REAL_PARTS = "\nnp.real(F) * np.imag(F) + np.abs(F)"
ONE_D = (((8,),), ((3, 5),))
ONE_D_KWARGS = ({}, {"n": 5}, {"axis": 0}, {"norm": "ortho"}, {"workers": 2})
TWO_D = (((3, 4),), ((2, 3, 4),))
TWO_D_KWARGS = ({}, {"s": (2, 6)}, {"norm": "forward"})
N_D_KWARGS = ({}, {"s": (2, 6), "axes": (0, 1)}, {"axes": (-1,)})


def transform(func, call: str, shapes, kwargs) -> RuleSpec:
    return spec(func, call, 1, normal, shapes, kwargs=kwargs, peer=False)


TRANSFORMS = [
    transform(fft.fft, "F = fft.fft(x0{kw})" + REAL_PARTS, ONE_D, ONE_D_KWARGS),
    transform(fft.ifft, "F = fft.ifft(fft.fft(x0) * x0{kw})" + REAL_PARTS, ONE_D, ONE_D_KWARGS[:2]),
    transform(fft.rfft, "F = fft.rfft(x0{kw})" + REAL_PARTS, ONE_D, ONE_D_KWARGS),
    transform(fft.irfft, "fft.irfft(fft.fft(x0) * x0{kw})", ONE_D, ONE_D_KWARGS[:2] + ({"n": 7},)),
    transform(fft.fft2, "F = fft.fft2(x0{kw})" + REAL_PARTS, TWO_D, TWO_D_KWARGS),
    transform(fft.ifft2, "F = fft.ifft2(fft.fft2(x0) * x0{kw})" + REAL_PARTS, TWO_D[:1], TWO_D_KWARGS),
    transform(fft.rfft2, "F = fft.rfft2(x0{kw})" + REAL_PARTS, TWO_D[:1], TWO_D_KWARGS),
    transform(fft.irfft2, "fft.irfft2(fft.fft2(x0) * x0{kw})", TWO_D[:1], TWO_D_KWARGS),
    transform(fft.fftn, "F = fft.fftn(x0{kw})" + REAL_PARTS, TWO_D[1:], N_D_KWARGS),
    transform(fft.ifftn, "F = fft.ifftn(fft.fftn(x0) * x0{kw})" + REAL_PARTS, TWO_D[1:], N_D_KWARGS[:2]),
    transform(fft.rfftn, "F = fft.rfftn(x0{kw})" + REAL_PARTS, TWO_D[1:], N_D_KWARGS),
    transform(fft.irfftn, "fft.irfftn(fft.fftn(x0) * x0{kw})", TWO_D[1:], N_D_KWARGS[:2]),
    transform(fft.fftshift, "fft.fftshift(x0{kw})", (((5,),), ((3, 4),)), ({}, Variant({"axes": 0}, (((3, 4),),)))),
    transform(fft.ifftshift, "fft.ifftshift(x0{kw})", (((5,),), ((3, 4),)), ({}, Variant({"axes": 1}, (((3, 4),),)))),
    transform(fft.fftshift, "np.real(fft.fftshift(fft.fft(x0)) * x0)", (((5,),),), ({},)),
]

SPECS = SPECIAL + STATS + LINALG + DECOMPOSITIONS + DISTANCES + INTEGRALS + CONVOLUTIONS + STRUCTURED + LU + TRANSFORMS
CASES = expand(SPECS, "scipy_")


def module_source(cases: Sequence[Case], numpy_module: str = "numpy", scipy_package: str = "scipy") -> str:
    """A module defining `scipy_<n>(x0, ...)` per case, reading NumPy as `np` and SciPy's modules by name."""
    modules = ("special", "stats", "linalg", "signal")
    lines = [f"import {numpy_module} as np", f"from {scipy_package} import {', '.join(modules)}",
             "from scipy import fft, integrate", "from scipy.spatial import distance", "", ""]
    for case in cases:
        lines.append(f"def {case.name}({', '.join(f'x{i}' for i in range(case.spec.nargs))}):")
        lines.extend("    " + line for line in case.spec.source(case.kwargs).split("\n"))
        lines.extend(["", ""])
    return "\n".join(lines)
