"""The programs of probe37_programs.py, in every mode against central differences and, where it runs
them, autograd: each differentiated argument in grad, value_and_grad, vjp, jvp and hvp (and grad of
grad for a number), the values of value_and_grad, vjp and jvp the function's own bit for bit, the
arguments left as they were; Black-Scholes' Greeks (delta, gamma as grad of grad, vega by name);
refusals naming the user's line in every mode that refuses, and forward mode exact where it does not.

What was wrong:
- a function value reading its caller's variables (`lambda t: k * t`), passed to a callee whose
  call is not differentiated (it reads no differentiated value), crashed with "name
  'captured_parameter' is not defined": the specialization of the callee runs with the globals of
  the callee's module, and read helpers of adjoint's own module by name.
- its second derivative did not compile ("keyword argument repeated: _f_k"): differentiating the
  first derivative specialized the callee's specialization again and passed the captured
  variables a second time.
- value_and_grad returned a wrong value where the result reads a view taken after an in-place write
  (`y[0] = v; z = y[:2]` or `np.asarray(y)`, `y[...]`, `y.real`, `np.split(y, 3)[1]`, then
  `return np.sum(z * z)`; a row swap `B[[0, 1]] = B[[1, 0]]` read as `B[0]`): the value moved into
  the final return, after the adjoint sweep, which writes back into `y` what the write overwrote.
  Only the names sharing memory at the write counted as sharing it; those that come to share it
  later count too now.

Refused when probed, differentiated since: a row and a column of a matrix written through
(`row = B[1]; row += x`), read as `B[1]` (normalize/views.py); its second derivatives stay refused.
"""
from __future__ import annotations

import copy
import math

import numpy as np
import pytest

import adjoint
import probe37_programs as programs
from every_mode import AUTOGRAD_RUNS_NUMPY_CALLS, check_every_mode, check_program, check_refused_at
from soundness import central_differences, marked_line

RNG = np.random.default_rng(37)
X = RNG.normal(size=(6, 3))
COUNTS = np.array([0.0, 2.0, 1.0, 4.0, 3.0, 1.0])
KNOTS = np.array([0.0, 0.5, 1.2, 1.8, 2.5, 3.0])
SPOTS = np.array([90.0, 100.0, 110.0])

# (name, args, positions, positions autograd runs, positions whose second derivative is refused);
# autograd runs neither `math` nor scipy's ufuncs on its boxes
CASES = [
    ("row_view_update", (RNG.normal(size=(3, 3)), RNG.normal(size=3)), (0, 1), (), (0, 1)),  # (autograd: writes)
    ("gaussian_area", (0.7, 1.3), (0, 1), (), ()),
    ("max_of_enumerate", (np.array([0.3, -0.2, 1.1]),), (0,), (), ()),
    ("logger_fetched_in_loop", (np.array([0.3, 0.7]),), (0,), (), ()),
    ("damped_energy", (1.3, 0.4), (0, 1), (), ()),
    ("kepler_anomaly", (0.8, 0.3), (0, 1), (), ()),
    ("cubic_root", (2.5,), (0,), (), ()),  # (a derived function passed to Newton's method; autograd: adjoint's grad)
    ("partial_penalty", (RNG.normal(size=3), X, RNG.normal(size=6)), (0, 1, 2), (0, 1, 2), ()),
    ("map_and_generators", (np.array([0.3, -0.8, 1.1, 0.5]), 0.4), (0, 1), (), ()),
    ("constant_key_order", (RNG.normal(size=5), [3, 1, 4, 0, 2]), (0,), (0,), ()),
    ("reduce_product", (RNG.normal(size=4),), (0,), (0,), ()),
    ("activation_table", (RNG.normal(size=3), 0.6 * RNG.normal(size=(3, 3))), (0, 1), (0, 1), ()),
    ("logistic_map", (3.1, 0.3), (0, 1), (0, 1), ()),
    ("adam_unrolled", (1.0 + RNG.random(3), RNG.normal(size=3)), (0, 1), (0, 1), ()),
    ("fibonacci_arrays", (RNG.normal(size=3), RNG.normal(size=3)), (0, 1), (0, 1), ()),
    ("swap_rows", (RNG.normal(size=(3, 3)),), (0,), (), ()),  # autograd: no item writes
    ("accumulate_until", (0.37,), (0,), (), ()),
    ("search_grid", (np.array([[0.3, -0.9, 0.5], [0.2, 0.95, 0.1], [-0.4, 0.6, 0.7]]),), (0,), (0,), ()),
    ("early_return_pairs", (np.array([0.3, -0.5, 0.9, 1.2, 0.2]),), (0,), (0,), ()),
    ("weighted_triples", (RNG.normal(size=4), RNG.normal(size=4), RNG.normal(size=4), RNG.normal(size=4)),
     (0, 1, 2, 3), (0, 1, 2, 3), ()),
    ("back_substitution", (np.triu(RNG.normal(size=(4, 4))) + 3 * np.eye(4), RNG.normal(size=4)), (0, 1), (),
     (0, 1)),
    ("negative_steps", (RNG.normal(size=7),), (0,), (0,), ()),
    ("grown_list", (RNG.normal(size=2),), (0,), (0,), ()),
    ("while_true_break", (2.3,), (0,), (0,), ()),
    ("find_or_else", (np.array([0.1, 0.4, 0.9, 0.2]), 0.6), (0, 1), (0, 1), ()),
    ("black_scholes_call", (100.0, 95.0, 0.75, 0.03, 0.25), (0, 1, 2, 3, 4), (), ()),
    ("black_scholes_ndtr", (SPOTS, 95.0, 0.75, 0.03, 0.25), (0, 1, 2, 3, 4), (), ()),
    ("black_scholes_put_norm", (SPOTS, 95.0, 0.75, 0.03, 0.25), (0, 1, 2, 3, 4), (), ()),
    ("pendulum_rk4", (0.8, 0.1, 9.81), (0, 1, 2), (0, 1, 2), ()),
    ("lorenz_rk4", (np.array([1.0, 1.2, 0.9]), np.array([10.0, 28.0, 8.0 / 3.0])), (0, 1), (1,), ()),
    ("kalman_loglik", (RNG.normal(size=6), 0.3, 0.5), (0, 1, 2), (0,), ()),
    ("kalman_2d", (RNG.normal(size=(4, 1)), -1.0, np.array([[0.9, 0.1], [0.0, 0.8]]), np.array([[1.0, 0.5]])),
     (0, 1, 2, 3), (0, 1, 2, 3), ()),
    ("poisson_nll", (0.3 * RNG.normal(size=3), X, COUNTS), (0, 1), (0, 1), ()),
    ("negbin_nll", (0.3 * RNG.normal(size=3), -0.5, X, COUNTS), (0, 1, 2), (0, 2), ()),
    ("huber_regression", (RNG.normal(size=3), X, 2 * RNG.normal(size=6)), (0, 1, 2), (0, 1, 2), ()),
    ("attention", (RNG.normal(size=(3, 4)), RNG.normal(size=(5, 4)), RNG.normal(size=(5, 2))), (0, 1, 2),
     (0, 1, 2), ()),
    ("batch_norm", (RNG.normal(size=(5, 3)), 1.0 + RNG.random(3), RNG.normal(size=3)), (0, 1, 2), (0, 1, 2), ()),
    ("ray_sphere", (np.array([0.1, -0.2, -5.0]), np.array([0.05, 0.1, 1.0]), np.array([0.2, 0.1, 0.3]), 1.5),
     (0, 1, 2, 3), (0, 1, 2, 3), ()),
    ("xy_energy", (RNG.normal(size=(4, 4)), 1.2, 0.3), (0, 1, 2), (0, 1, 2), ()),
    ("ising_mean_field", (0.8 * np.tanh(RNG.normal(size=(4, 4))), 1.0, 2.0), (0, 1, 2), (0, 1, 2), ()),
    ("catmull_rom", (RNG.normal(size=6), np.array([0.7, 1.5, 2.1, 2.3]), KNOTS), (0, 1, 2), (0, 1, 2), ()),
    ("projectile_range", (20.0, 0.7, 0.01), (0, 1, 2), (), ()),
    ("moments", (1.2, 0.7), (0, 1), (), ()),
    ("partial_integrand", (0.3, 0.8), (0, 1), (), ()),
    ("two_iterable_map", (np.array([0.3, -0.8, 1.1]), np.array([0.5, 0.2, -0.4])), (0, 1), (0,), ()),
    ("largest_magnitude", (np.array([0.3, -1.8, 1.1, 0.5]),), (0,), (0,), ()),
    ("copied_history", (RNG.normal(size=4),), (0,), (), (0,)),
    ("adam_slices", (1.0 + RNG.random(3), RNG.normal(size=3)), (0, 1), (0, 1), ()),
    ("bisect_root", (2.2,), (0,), (), ()),
    ("clamp_in_place", (np.array([0.3, -1.8, 1.1, 0.5, 2.4]), -1.0, 1.5), (0, 1, 2), (), ()),
    ("gram_schmidt", (RNG.normal(size=(4, 3)),), (0,), (), (0,)),
    ("nested_callee_loop", (0.7,), (0,), (0,), ()),
    ("kmeans_step", (RNG.normal(size=(8, 2)), RNG.normal(size=(3, 2))), (0, 1), (0, 1), ()),
    ("heat_explicit", (RNG.normal(size=6), 0.2), (0, 1), (), ()),
    ("softmax_cross_entropy", (RNG.normal(size=(3, 4)), RNG.normal(size=(5, 3)), np.array([0, 3, 1, 2, 3])), (0, 1),
     (0, 1), ()),
    ("integrands_of_every_kind", (0.8,), (0,), (), ()),
    ("nested_integrals", (0.9, 1.3), (0, 1), (), ()),
    ("lambdas_in_a_loop", (0.9, 1.3), (0, 1), (), ()),
    ("gradient_penalty", (0.7,), (0,), (), ()),
    ("rank_weighted", (np.array([0.3, -0.2, 1.1]),), (0,), (0,), ()),
    ("reductions", (np.array([0.3, -0.2, 1.1]), 0.4), (0, 1), (), ()),
    ("separate_accumulators", (np.array([0.3, 0.7]),), (0,), (), ()),
    ("swapped_then_written", (np.array([0.3, 0.7]), np.array([1.3, -0.4])), (0, 1), (), ()),
    ("reversed_walks", (np.array([0.3, 0.7, 1.1, -0.5]),), (0,), (0,), ()),
    ("views_after_writes", (np.array([0.3, 0.7, 1.1, 0.2]),), (0,), (), ()),
    ("sinkhorn", (np.abs(RNG.normal(size=(3, 4))), np.array([0.2, 0.5, 0.3]), np.array([0.1, 0.4, 0.3, 0.2])),
     (0, 1, 2), (0, 1, 2), ()),
    ("hmm_forward", (np.log([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]]),
                     np.log([[0.5, 0.5], [0.9, 0.1], [0.2, 0.8]]), np.log([0.5, 0.3, 0.2]), [0, 1, 1, 0, 1]),
     (0, 1, 2), (0, 1, 2), ()),
    ("value_iteration", (RNG.normal(size=(3, 2)), RNG.dirichlet(np.ones(3), size=(3, 2))), (0, 1), (0, 1), ()),
    ("binomial_american_put", (1.0, 1.05, 0.03, 0.25), (0, 1, 2, 3), (0, 1), ()),
    ("asian_monte_carlo", (1.05, 0.3), (0, 1), (0, 1), ()),
    ("spring_chain", (np.cumsum(np.abs(RNG.normal(size=(5, 2))) + 0.5, axis=0), 3.0), (0, 1), (0, 1), ()),
    ("variadic_apply", (1.3, 0.4), (0, 1), (0, 1), ()),
    ("partial_twice", (1.3, 0.4), (0, 1), (0, 1), ()),
    ("closure_of_closure", (1.3, 0.4), (0, 1), (0, 1), ()),
    ("late_binding", (0.7,), (0,), (0,), ()),
    ("rebound_capture", (0.7,), (0,), (0,), ()),
    ("nonlocal_accumulator", (0.7,), (0,), (0,), ()),
    ("cell_state_replaced", (RNG.normal(size=(2, 3)), RNG.normal(size=(4, 3))), (0, 1), (0, 1), ()),
    ("momentum_replaced", (RNG.normal(size=3), RNG.normal(size=(4, 3))), (0, 1), (0, 1), ()),
    ("log_of_positive", (np.array([0.3, 0.7, 1.6]),), (0,), (), ()),
    ("checked_loop", (np.array([0.3, 0.7, -1.2]),), (0,), (0,), ()),
    ("layered_net", (RNG.normal(size=3),), (0,), (0,), ()),
    ("captured_not_differentiated", (1.3, 0.4), (0, 1), (), ()),
    ("copy_not_alias", (np.array([0.3, 0.7, 1.2]),), (0,), (), (0,)),
    ("transposed_copy", (RNG.normal(size=(3, 2)), RNG.normal(size=3)), (0, 1), (), ()),
    ("view_after_write", (RNG.normal(size=4),), (0,), (), ()),  # autograd: no item writes
    ("views_of_every_kind", (RNG.normal(size=3),), (0,), (), ()),
]


@pytest.mark.parametrize("name, args, positions, with_autograd, first_order_only", CASES,
                         ids=[case[0] for case in CASES])
def test_every_argument_in_every_mode(name, args, positions, with_autograd, first_order_only):
    check_program(getattr(programs, name), args, positions, with_autograd, first_order_only)


def test_black_scholes_greeks():
    """delta and vega as gradients (vega's `wrt` by name), gamma as the gradient of delta."""
    S, K, T, r, sigma = 100.0, 95.0, 0.75, 0.03, 0.25
    price = programs.black_scholes_call
    delta = adjoint.grad(price)
    gamma = adjoint.grad(delta)
    vega = adjoint.grad(price, wrt="sigma")
    args = (S, K, T, r, sigma)
    np.testing.assert_allclose(delta(*args), central_differences(price, args, 0)[0], rtol=1e-7)
    np.testing.assert_allclose(vega(*args), central_differences(price, args, 4)[0], rtol=1e-7)
    np.testing.assert_allclose(gamma(*args), central_differences(delta, args, 0, eps=1e-4)[0], rtol=1e-7)
    step = 1e-2
    second = (price(S + step, K, T, r, sigma) - 2 * price(*args) + price(S - step, K, T, r, sigma)) / step ** 2
    np.testing.assert_allclose(gamma(*args), second, rtol=1e-5)
    both = adjoint.grad(price, wrt=("S", "sigma"))(*args)
    np.testing.assert_allclose(both, (delta(*args), vega(*args)), rtol=1e-12)


def test_greeks_by_the_names_of_keyword_only_parameters():
    price = programs.price_keywords
    market = dict(price.__kwdefaults__, sigma=0.3)
    for name in ("sigma", "r", "T", "K"):
        got = adjoint.grad(price, wrt=name)(100.0, **market)
        up, down = (price(100.0, **dict(market, **{name: market[name] + step})) for step in (1e-6, -1e-6))
        np.testing.assert_allclose(got, (up - down) / 2e-6, rtol=1e-6, err_msg=name)
    value, (delta, vega) = adjoint.value_and_grad(price, wrt=("S", "sigma"))(100.0, sigma=0.3)
    assert value == price(100.0, sigma=0.3)
    np.testing.assert_allclose(adjoint.grad(price)(100.0, sigma=0.3), delta, rtol=1e-12)
    np.testing.assert_allclose(adjoint.grad(price, wrt="sigma")(100.0, sigma=0.3), vega, rtol=1e-12)


def test_black_scholes_greeks_of_a_book_of_spots():
    """The vectorized price with scipy's ndtr: delta per spot by vjp, gamma's action by hvp."""
    pytest.importorskip("scipy")
    price = programs.black_scholes_ndtr
    args = (SPOTS.copy(), 95.0, 0.75, 0.03, 0.25)
    value, pullback = adjoint.vjp(price, wrt=("S", "sigma"))(*args)
    delta, vega = pullback(1.0)
    np.testing.assert_allclose(delta, central_differences(price, args, 0), rtol=1e-7)
    np.testing.assert_allclose(vega, central_differences(price, args, 4)[0], rtol=1e-7)
    bump = np.array([1.0, 0.0, -1.0])
    got = adjoint.hvp(price)(*args, bump)
    delta_of = adjoint.grad(price)
    want = (delta_of(SPOTS + 1e-3 * bump, *args[1:]) - delta_of(SPOTS - 1e-3 * bump, *args[1:])) / 2e-3
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)


def black_scholes_put_on_autograd(S, K, T, r, sigma):
    """black_scholes_put_norm written with autograd's NumPy and its scipy.stats.norm."""
    anp, norm = pytest.importorskip("autograd.numpy"), pytest.importorskip("autograd.scipy.stats.norm")
    d1 = (anp.log(S / K) + (r + 0.5 * sigma ** 2) * T) / (sigma * anp.sqrt(T))
    d2 = d1 - sigma * anp.sqrt(T)
    return anp.sum(K * anp.exp(-r * T) * norm.cdf(-d2) - S * norm.cdf(-d1))


def negbin_on_autograd(beta, log_alpha, X, counts):
    """negbin_nll written with autograd's NumPy and its scipy.special.gammaln."""
    anp, special = pytest.importorskip("autograd.numpy"), pytest.importorskip("autograd.scipy.special")
    mu = anp.exp(X @ beta)
    r = anp.exp(-log_alpha)
    ll = (special.gammaln(counts + r) - special.gammaln(r) - special.gammaln(counts + 1.0)
          + r * anp.log(r / (r + mu)) + counts * anp.log(mu / (r + mu)))
    return -anp.sum(ll)


PEERS = [
    (programs.black_scholes_put_norm, black_scholes_put_on_autograd, (SPOTS, 95.0, 0.75, 0.03, 0.25), (0, 1, 2, 3, 4)),
    (programs.negbin_nll, negbin_on_autograd, (0.3 * RNG.normal(size=3), -0.5, X, COUNTS), (0, 1, 2)),
]


@pytest.mark.parametrize("func, peer, args, positions", PEERS, ids=[case[0].__name__ for case in PEERS])
def test_scipy_models_against_autograds_scipy(func, peer, args, positions):
    pytest.importorskip("scipy")
    for position in positions:
        check_every_mode(func, copy.deepcopy(args), wrt=position, peer=peer if AUTOGRAD_RUNS_NUMPY_CALLS else None)


# (func, args, differentiated positions, marker of the line named)
REFUSED = [
    (programs.power_features, (RNG.normal(size=3), RNG.normal(size=4)), (0, 1), "default-reads-loop-variable"),
    (programs.closure_chain, (RNG.normal(size=3), 0.6), (0, 1), "function-in-variable"),
    (programs.composed_layers, (RNG.normal(size=3), 0.6 * RNG.normal(size=(3, 3))), (0, 1), "closure-stored"),
    (programs.elman_loss, (0.5 * RNG.normal(size=(3, 3)), RNG.normal(size=(3, 2)), RNG.normal(size=(4, 2))), (0, 1),
     "object-state"),
    (programs.elman_loss, (0.5 * RNG.normal(size=(3, 3)), RNG.normal(size=(3, 2)), RNG.normal(size=(4, 2))), (2,),
     "method-of-local"),
    (programs.leaky_integrator, (RNG.normal(size=(5, 3)), 0.3), (0, 1), "method-changes-object"),
    (programs.momentum_in_place, (RNG.normal(size=3), RNG.normal(size=(4, 3))), (0, 1), "dict-item-in-place"),
    (programs.list_alias_write, (RNG.normal(size=3), RNG.normal(size=3)), (0, 1), "list-item-alias"),
    (programs.strided_view_write, (RNG.normal(size=6),), (0,), "strided-view"),
    (programs.transpose_view_write, (RNG.normal(size=(3, 2)), RNG.normal(size=3)), (0, 1), "transpose-view"),
    (programs.reshape_ravel_write, (RNG.normal(size=6),), (0,), "reshape-view"),
    (programs.diagonal_after_write, (RNG.normal(size=(3, 3)), RNG.normal(size=3)), (0, 1), "diagonal-view"),
    (programs.transpose_read_after_write, (RNG.normal(size=3), RNG.normal(size=2)), (0, 1), "transpose-read"),
    (programs.copy_against_alias, (RNG.normal(size=3),), (0,), "alias-write"),
    (programs.log_with_fallback, (RNG.normal(size=3), 0.7), (0, 1), "try-feeds"),
    (programs.table_of_lambdas, (0.7,), (0,), "table-at-run-time"),
    (programs.grows_while_iterating, (np.array([0.3, 0.7, 0.2]),), (0,), "grows-while-iterating"),
    (programs.repeated_object, (np.array([0.3, 0.7]),), (0,), "repeated-object"),
    (programs.unpacked_rows, (np.array([0.3, 0.7]),), (0,), "unpacked-rows"),
    (programs.dict_alias, (np.array([0.3, 0.7]),), (0,), "dict-alias"),
    (programs.late_bound_lambdas, (0.7,), (0,), "late-bound"),
    (programs.reciprocal_or_zero, (np.array([0.3, 0.7]),), (0,), "try-in-loop"),
    (programs.inert_try, (RNG.normal(size=3), 0.7), (0, 1), "try-read-by-assert"),
]


def _names_the_line(refused, func, marker) -> None:
    assert f"probe37_programs.py:{marked_line(func, marker)}:" in str(refused.value), str(refused.value)


@pytest.mark.parametrize("func, args, positions, marker", REFUSED, ids=[case[3] for case in REFUSED])
def test_refused_naming_the_users_line(func, args, positions, marker):
    check_refused_at(func, args, positions, f"probe37_programs.py:{marked_line(func, marker)}:", RNG)


def test_second_derivative_of_back_substitution_names_the_line():
    U, b = np.triu(RNG.normal(size=(4, 4))) + 3 * np.eye(4), RNG.normal(size=4)
    with pytest.raises(adjoint.AdjointError) as refused:
        adjoint.hvp(programs.back_substitution)(U, b, np.ones((4, 4)))
    _names_the_line(refused, programs.back_substitution, "back-substitution")


def test_a_captured_variable_of_a_call_not_differentiated():
    """`apply_twice(lambda t: k * t, 0.5)` in a gradient in c: the call runs as it is."""
    k, c = 1.3, 0.4
    got = adjoint.grad(programs.captured_not_differentiated, wrt=1)(k, c)
    want = central_differences(programs.captured_not_differentiated, (k, c), 1)[0]
    np.testing.assert_allclose(got, want, rtol=1e-7)
    second = adjoint.hvp(programs.captured_not_differentiated, wrt=1)(k, c, 1.0)
    gradient = adjoint.grad(programs.captured_not_differentiated, wrt=1)
    np.testing.assert_allclose(second, (gradient(k, c + 1e-5) - gradient(k, c - 1e-5)) / 2e-5, rtol=1e-6)
    assert math.isfinite(second)


# (program, whether its second derivative is refused: the first keeps the view of what it writes into)
VIEWS_AFTER_WRITES = [(programs.view_after_write, False), (programs.asarray_after_write, False),
                      (programs.ellipsis_after_write, False), (programs.squeezed_after_write, True),
                      (programs.real_after_write, True), (programs.split_after_write, False)]


@pytest.mark.parametrize("func, first_order_only", VIEWS_AFTER_WRITES,
                         ids=[func.__name__ for func, _ in VIEWS_AFTER_WRITES])
def test_a_view_taken_after_a_write_keeps_its_value(func, first_order_only):
    x = np.array([0.3, 0.7, 1.2])
    value, gradient = adjoint.value_and_grad(func)(x)
    assert value == func(x.copy())
    np.testing.assert_allclose(gradient, central_differences(func, (x,), 0), rtol=1e-7)
    check_every_mode(func, (x,), second_order=not first_order_only)
