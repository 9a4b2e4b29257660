"""Soundness: SciPy's functions are differentiated through their rules, never their source.

Statistics programs (scipy_programs.py) are exact; calls adjoint has no rule for are refused at
the user's call, naming the function by its public module (`scipy.special.zeta`), and so are
the forms of a rule's call it does not take (logsumexp's return_sign, odeint). Without SciPy the catalogue has no SciPy cases.
"""
from __future__ import annotations

import numpy as np

import adjoint
from soundness import Exact, Refused

try:
    from scipy import integrate, special, stats
except ImportError:
    CASES = []
else:
    import scipy_programs as programs

    def covariates(rng, n=6, d=2):
        return rng.normal(size=(n, d))

    def gp_args(rng):
        X = covariates(rng)
        return np.array([0.1, -0.2, -1.0]), X, np.sin(X[:, 0]) + 0.1 * rng.normal(size=6)

    def zeta_of(x):
        return np.sum(special.zeta(x, 1.0))  # <- zeta

    # Arguments the rules do not differentiate, though the value moves with them, depending on the inputs.
    def gamma_cdf_of_a_shape(x, a):
        return np.sum(stats.gamma.cdf(x, a, scale=2.0))  # <- gamma-cdf-shape

    def gamma_cdf_of_a_keyword_shape(x, a):
        return np.sum(stats.gamma.cdf(x, a=2.0 * a))  # <- gamma-cdf-keyword

    def gamma_cdf_of_a_frozen_shape(x, a):
        return np.sum(stats.gamma(a, loc=0.1).cdf(x))  # <- gamma-cdf-frozen

    def t_cdf_of_a_df(x, df):
        return np.sum(stats.t.cdf(x, df))  # <- t-cdf-df

    def incomplete_gamma_of_a_shape(x, a):
        return np.sum(special.gammainc(a, x) + special.gammaincc(1.5, x))  # <- gammainc-shape

    def bessel_j_of_an_order(v, x):
        return special.jv(v, x) + special.kv(1.5, x)  # <- jv-order

    def boxcox_of_a_fitted_lambda(x, lmbda):
        return np.sum(special.boxcox(x, lmbda))  # <- boxcox-lambda

    def entropy_in_a_fitted_base(p, base):
        return stats.entropy(p, base=base)  # <- entropy-base

    def distribution_functions(q, x):
        return (np.sum(stats.norm.ppf(q, loc=x[0]) * special.j0(x)) + stats.entropy(q, x / np.sum(x))
                + np.sum(stats.gamma.cdf(x, 2.5, scale=q[0]) * special.gammainc(1.5, x)))

    def positive_weights(rng):
        return rng.uniform(0.2, 0.8, size=3), rng.uniform(0.5, 2.0, size=3)

    def log_sum_exp_with_sign(x):
        value, sign = special.logsumexp(x, return_sign=True)  # <- return_sign
        return value * sign

    def decay(y, t, k):
        return -k * y

    def ode_solution(k):
        return np.sum(integrate.odeint(decay, 1.0, np.linspace(0.0, 1.0, 5), args=(k,)))  # <- odeint

    CASES = [
        Exact(programs.gp_marginal_likelihood, gp_args),
        Exact(programs.gp_cholesky, gp_args),
        Exact(programs.elbo, lambda rng: (rng.normal(size=4) * 0.3, rng.normal(size=(5, 2)))),
        Exact(programs.mixture_log_likelihood, lambda rng: (rng.normal(size=(3, 2)), rng.normal(size=8))),
        Exact(programs.logistic_log_likelihood,
              lambda rng: (rng.normal(size=2), covariates(rng), (rng.uniform(size=6) > 0.5).astype(float))),
        Exact(programs.robust_regression, lambda rng: (rng.normal(size=4) * 0.3, covariates(rng), rng.normal(size=6))),
        Exact(programs.poisson_regression,
              lambda rng: (rng.normal(size=2) * 0.3, covariates(rng), rng.poisson(2.0, size=6).astype(float))),
        Exact(programs.gamma_prior, lambda rng: (0.4, rng.uniform(0.5, 2.0, size=4))),
        Refused(zeta_of, (np.full(3, 2.0),), adjoint.NonDifferentiableError, "zeta"),
        Refused(gamma_cdf_of_a_shape, (np.ones(3), 2.0), adjoint.NonDifferentiableError, "gamma-cdf-shape",
                wrt=1),
        Refused(gamma_cdf_of_a_keyword_shape, (np.ones(3), 2.0), adjoint.NonDifferentiableError,
                "gamma-cdf-keyword", wrt=1),
        Refused(gamma_cdf_of_a_frozen_shape, (np.ones(3), 2.0), adjoint.NonDifferentiableError, "gamma-cdf-frozen",
                wrt=1),
        Refused(t_cdf_of_a_df, (np.ones(3), 3.0), adjoint.NonDifferentiableError, "t-cdf-df", wrt=1),
        Refused(incomplete_gamma_of_a_shape, (np.ones(3), 2.0), adjoint.NonDifferentiableError, "gammainc-shape",
                wrt=1),
        Refused(bessel_j_of_an_order, (1.3, 0.8), adjoint.NonDifferentiableError, "jv-order"),
        Refused(boxcox_of_a_fitted_lambda, (np.ones(3), 0.5), adjoint.NonDifferentiableError, "boxcox-lambda",
                wrt=1),
        Refused(entropy_in_a_fitted_base, (np.ones(3), 2.0), adjoint.NonDifferentiableError, "entropy-base", wrt=1),
        Exact(distribution_functions, positive_weights, wrt=(0, 1)),
        Refused(log_sum_exp_with_sign, (np.ones(3),), adjoint.NonDifferentiableError, "return_sign"),
        Refused(ode_solution, (0.7,), adjoint.NonDifferentiableError, "odeint"),
    ]
