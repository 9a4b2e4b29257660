"""Fit a robust regression with SciPy's optimizers, gradients and Hessians from adjoint.

The model is a linear regression with Student-t noise (`scipy.stats.t.logpdf`, so outliers
pull less) and a Gaussian prior on the weights (`scipy.stats.norm.logpdf`). Its negative log
posterior goes to `scipy.optimize.minimize` twice: with `jac=adjoint.grad(f)` and
`hess=adjoint.hessian(f)` (method "trust-exact"), and with Hessian-vector products
from `adjoint.hvp(f)` (method "trust-ncg", never forming the Hessian). Both find the same fit.
"""
import numpy as np
from scipy import optimize, stats

import adjoint

DEGREES_OF_FREEDOM = 3.0


def negative_log_posterior(params, X, y):
    weights, log_scale = params[:-1], params[-1]
    residuals = y - X @ weights
    log_likelihood = np.sum(stats.t.logpdf(residuals, DEGREES_OF_FREEDOM, 0.0, np.exp(log_scale)))
    log_prior = np.sum(stats.norm.logpdf(weights, 0.0, 10.0)) + stats.norm.logpdf(log_scale, 0.0, 2.0)
    return -(log_likelihood + log_prior)


def data(rng, n=200, true_weights=(1.5, -2.0, 0.5)):
    X = np.column_stack([np.ones(n), rng.normal(size=(n, len(true_weights) - 1))])
    y = X @ np.array(true_weights) + 0.3 * rng.standard_t(DEGREES_OF_FREEDOM, size=n)
    y[:10] += 8.0  # outliers
    return X, y


def main():
    rng = np.random.default_rng(0)
    X, y = data(rng)
    x0 = np.zeros(X.shape[1] + 1)
    gradient = adjoint.grad(negative_log_posterior)
    exact = optimize.minimize(negative_log_posterior, x0, args=(X, y), method="trust-exact", jac=gradient,
                              hess=adjoint.hessian(negative_log_posterior))
    hvp = adjoint.hvp(negative_log_posterior)  # hvp(params, X, y, v); SciPy calls hessp(params, v, X, y)
    products = optimize.minimize(negative_log_posterior, x0, args=(X, y), method="trust-ncg", jac=gradient,
                                 hessp=lambda params, v, X, y: hvp(params, X, y, v))
    for name, fit in (("trust-exact", exact), ("trust-ncg", products)):
        print(f"{name}: success {fit.success}, {fit.nit} iterations, weights {np.round(fit.x[:-1], 4)}, "
              f"scale {np.exp(fit.x[-1]):.4f}, gradient norm {np.linalg.norm(fit.jac):.2e}")
    print(f"largest difference between the fits: {np.max(np.abs(exact.x - products.x)):.2e}")


if __name__ == "__main__":
    main()
