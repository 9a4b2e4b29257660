"""Soundness: SciPy's functions are differentiated through their rules, never their source.

Statistics programs (scipy_programs.py) are exact; calls adjoint has no rule for are refused at
the user's call, naming the function by its public module (`scipy.special.gammainc`), and so are
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

    def incomplete_gamma(x):
        return np.sum(special.gammainc(2.0, x))  # <- gammainc

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
        Refused(incomplete_gamma, (np.ones(3),), adjoint.NonDifferentiableError, "gammainc"),
        Refused(log_sum_exp_with_sign, (np.ones(3),), adjoint.NonDifferentiableError, "return_sign"),
        Refused(ode_solution, (0.7,), adjoint.NonDifferentiableError, "odeint"),
    ]
