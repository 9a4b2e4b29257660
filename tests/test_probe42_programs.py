"""The programs of probe42_programs.py, in every mode against central differences and, where it runs
them, autograd: each differentiated argument in grad, value_and_grad, vjp, jvp and hvp (and grad of
grad for a number), the values of value_and_grad, vjp and jvp the function's own bit for bit, the
arguments left as they were; refusals naming the user's line.

What was wrong:
- forward mode (jvp, and hvp, which is forward over reverse) read an item of a dict made in the
  function with the tangent the dict holds for it, the symbolic zero 0.0 where the item carries
  none (`case = {"direction": np.ones(3), "scale": 1.0}`, then `case["scale"] = scale`): an array's
  tangent rule given that number in place of the array's zeros either crashed (`X @ d`, "matmul:
  Input operand 1 does not have enough dimensions", in an RMSprop state kept in a dict) or, silently,
  gave a wrong tangent: `np.dot(K, d)` of a square K and the number 0.0 is a matrix of zeros, which
  broadcast against the vector it stands for and counted the tangent three times over in
  `np.sum(force ** 2)` (strain_energy). An item of a list already took its item's shape; an item of
  anything that is not an array does now (ad/forward.py).
- a second derivative refused in a first derivative's code because what it writes into may hold an
  object from outside the function said so in adjoint's terms ("an object from outside
  grad_age_seir_fit", a function the user never wrote); it is said as a refusal of that line's
  second derivative now (generated.py).

Lifted: second derivatives through a list built by appends and then rebound (`flows = np.array(flows)`,
`h = np.array(h)` of a GJR-GARCH recursion, adstock, a cascade of filter sections `y = out`), which the
may-share analysis took for memory the first derivative's stack still held after popping it back
(analysis/stacks.py, tests/test_stack_pops.py). `next(generator expression[, default])` (`next(name
for name, alts in NESTS.items() if alt in alts)`, `next((p for p in prices if p > barrier), None)`) was
refused as a generator expression given to something other than sum, max, min, list, tuple, sorted,
any or all; it is lowered to a loop that stops at the first item, with the default, or StopIteration
raised, where none comes (normalize/comprehensions.py).

Refused when probed (left as they are): np.logaddexp.accumulate and np.add.reduceat (no rules; Cox's
risk sets by a running log-sum-exp); scipy.integrate.solve_ivp (an SIR model fitted through it); a
call spreading a sequence into parameters
(`nelson_siegel_yield(t, *betas, tau)`, `np.hypot(*delta)`); a method of an object that a class method
or a factory function returns (`PoissonRegression.from_vector(theta).nll(...)`); second derivatives
through a list rebuilt and saved in each run of a loop (`state = tuple(... for ... in zip(state, k1,
...))` per RK4 step: tests/test_stack_pops.py), through writes in place into an array made in a loop
(`flows[-1] += 100.0`, a stiffness matrix assembled by `K[np.ix_(dofs, dofs)] += k_local`), and through np.linalg.norm of
pairwise differences, whose diagonal is a zero vector (kriging's distances).
"""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
import probe42_programs as programs
from every_mode import check_program, check_refused_at, skip_without_scipy
from soundness import marked_line

RNG = np.random.default_rng(42)
RETURNS = np.array([1.2, -2.1, 0.4, -3.3, 1.8, 0.7, -1.1, 2.5])  # percent
SQUARE = np.array([[0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0.0]])
GRAPH5 = np.array([[0, 1, 1, 0, 0], [1, 0, 1, 0, 0], [1, 1, 0, 1, 0], [0, 0, 1, 0, 1], [0, 0, 0, 1, 0.0]])
COV3 = np.array([[0.04, 0.006, 0.002], [0.006, 0.09, 0.01], [0.002, 0.01, 0.0225]])
X62 = RNG.normal(size=(6, 2))
Y6 = X62 @ np.array([0.7, -1.1]) + 0.1 * RNG.normal(size=6)
X42 = np.array([[1.0, 0.2], [1.0, -0.5], [1.0, 1.1], [1.0, 0.4]])
COUNTS4 = np.array([2.0, 0.0, 5.0, 1.0])
COX_X = RNG.normal(size=(6, 2))
COX_TIMES = np.array([2.0, 5.0, 3.0, 5.0, 1.0, 7.0])
COX_EVENTS = np.array([1, 1, 0, 1, 1, 0])
SIGNAL = np.array([1.0, 0.0, -0.5, 0.3, 0.8, -0.2])


def _gcn_layers():
    return [{"W": 0.5 * RNG.normal(size=(3, 4)), "b": 0.1 * RNG.normal(size=4)},
            {"W": 0.5 * RNG.normal(size=(4, 2)), "b": np.zeros(2)}]


# (name, args, positions, positions autograd runs, positions whose second derivative is refused)
CASES = [
    ("age_seir_fit", (-1.2, 0.4, np.array([3.0, 5.0, 9.0])), (0,), (), (0,)),
    ("garch11_nll", (np.array([0.05, 0.1, 0.85]), RETURNS), (0, 1), (0, 1), ()),
    ("gjr_garch_nll", (0.05, 0.05, 0.1, 0.8, RETURNS), (2, 4), (2, 4), ()),
    ("arma11_css", (0.5, -0.3, np.array([0.2, 0.5, -0.1, 0.4, 0.9, 0.3]), 0.1), (0, 2), (), ()),
    ("markov_switching_loglik", (np.array([-0.5, 1.0]), np.array([-0.2, 0.3]), np.array([0.9, 0.8]),
                                 np.array([0.3, -0.7, 1.4, 1.1, -0.2])), (0, 2), (0, 2), ()),
    ("bond_pricing_error", (np.array([0.04, -0.01, 0.02]), 0.3, np.array([3.0, 4.0, 2.0, 5.0, 3.5]),
                            np.array([102.0, 103.5, 99.0, 104.0, 98.0])), (0, 2), (), (2,)),
    ("media_mix_response", (0.6, 1.5, 1.8, np.array([1.0, 0.0, 2.0, 0.5, 0.0, 1.5]),
                            np.array([3.0, 2.5, 6.0, 5.0, 3.0, 5.5])), (0, 2), (0, 2), ()),
    ("holt_winters_sse", (0.4, 0.2, 0.3, np.array([3.0, 5.0, 4.0, 2.0, 3.5, 5.5, 4.2, 2.4, 3.8, 5.9])), (0, 3),
     (), (3,)),
    ("nested_logit_nll", (np.array([0.5, -0.3]), {"transit": 0.6, "car": 0.8}, RNG.normal(size=(4, 2)), [0, 2, 3, 2, 1]),
     (1,), (), ()),
    ("knock_in_payoff", (0.02, 0.2, np.array([0.5, 1.0, -0.3, 0.8])), (2,), (), ()),
    ("knock_in_payoff", (0.02, 0.2, np.array([-0.5, -1.0, -0.3, 0.2])), (1,), (), ()),
    ("first_positive_squared", (np.array([-0.3, -0.1, 0.7, 1.2]),), (0,), (0,), ()),
    ("cox_partial_nll", (np.array([0.3, -0.5]), COX_X, COX_TIMES, COX_EVENTS), (0, 1), (0, 1), ()),
    ("cox_grouped_ties_nll", (np.array([0.3, -0.5]), COX_X, COX_TIMES, COX_EVENTS), (0, 1), (), ()),
    ("cox_efron_nll", (np.array([0.3, -0.5]), COX_X, COX_TIMES, COX_EVENTS), (0, 1), (), ()),
    ("weibull_censored_nll", (0.3, 0.5, np.array([0.5, 1.2, 2.0, 0.8, 3.1]),
                              np.array([True, False, True, True, False])), (0, 2), (0, 2), ()),
    ("bpr_loss", (RNG.normal(size=(3, 2)), RNG.normal(size=(4, 2)), np.array([0, 1, 2, 0, 1]),
                  np.array([1, 0, 3, 1, 2]), np.array([2, 3, 0, 3, 3])), (0, 1), (), ()),
    ("factorization_machine", (0.1, np.array([0.3, -0.2, 0.5]), 0.5 * RNG.normal(size=(3, 2)),
                               RNG.normal(size=(4, 3)), np.array([1.0, -0.5, 0.3, 2.0])), (2, 3),
     (2, 3), ()),
    ("bradley_terry_nll", (np.array([0.2, -0.4, 0.7, 0.0]), np.array([0, 2, 2, 1, 3, 2]),
                           np.array([1, 0, 3, 3, 1, 1]), 0.25), (0, 3), (0, 3), ()),
    ("plackett_luce_nll", (np.array([0.2, -0.4, 0.7, 0.0]), [[2, 0, 1, 3], [0, 2, 3], [3, 1]]), (0,), (), ()),
    ("elo_log_loss", (np.array([0.2, -0.1, 0.4]), [(0, 1), (1, 2), (2, 0), (0, 2)], [1.0, 0.0, 1.0, 0.5]), (0,),
     (), (0,)),
    ("irt_2pl_nll", (np.array([0.5, -0.3, 1.0]), np.array([0.1, -0.2]), np.array([0.3, -0.4]),
                     np.array([0, 0, 1, 1, 2, 2]), np.array([0, 1, 0, 1, 0, 1]),
                     np.array([1.0, 0.0, 0.0, 0.0, 1.0, 1.0])), (0, 1), (0, 1), ()),
    ("gcn_loss", (_gcn_layers(), SQUARE, RNG.normal(size=(4, 3)), np.array([0, 1, 1, 0])), (0, 2), (), ()),
    ("gat_readout", (0.5 * RNG.normal(size=(3, 2)), np.array([0.4, 0.1]), GRAPH5, RNG.normal(size=(5, 3))),
     (0,), (), ()),
    ("radial_velocity_misfit", (1.2, 0.3, 0.7, np.array([0.1, 0.6, 1.3, 2.2, 2.8]),
                                np.array([0.9, -0.2, -1.0, 0.5, 1.1])), (1,), (), ()),
    ("equalizer_error", (np.array([3.0, -2.0]), SIGNAL, 0.8 * SIGNAL), (0,), (0,), ()),
    ("gp_prediction_score", (0.1, -1.0, RNG.normal(size=(4, 2)), np.array([0.3, -0.2, 0.8, 0.1]),
                             RNG.normal(size=(2, 2)), np.array([0.2, 0.4])), (2,), (), ()),
    ("ordinary_kriging", (1.3, 0.8, RNG.uniform(size=(4, 2)), np.array([0.3, -0.2, 0.8, 0.1]),
                          np.array([0.4, 0.6])), (2,), (), (2,)),
    ("softmax_portfolio_utility", (np.array([0.2, -0.1, 0.4]), np.array([0.05, 0.08, 0.03]), COV3,
                                   np.array([0.3, 0.3, 0.4])), (0, 2), (0, 2), ()),
    ("risk_parity_objective", (np.array([0.2, -0.1, 0.4]), COV3), (0, 1), (0, 1), ()),
    ("sph_pressure_energy", (np.array([[0.0, 0.0], [0.7, 0.1], [0.2, 0.9], [1.6, 1.5]]), 0.8,
                             np.array([1.0, 0.8, 1.2, 1.0])), (0, 1), (), ()),
    ("lqr_riccati_cost", (np.array([1.0, 0.5]), 0.2, np.array([[1.0, 0.1], [0.0, 1.0]]),
                          np.array([[0.0], [0.1]]), np.array([1.0, -0.5])), (2,), (), ()),
    ("implicit_euler_robertson", (np.array([0.4, 30.0, 1e2]),), (0,), (), ()),
    ("truss_compliance", (np.array([1.0, 1.2, 0.8, 0.9, 1.1, 1.0, 0.7]),), (0,), (), (0,)),
    ("erlang_c_wait", (2.2,), (0,), (), ()),
    ("bucket_runoff", (2.0, 0.5, 0.05, np.array([0.5, 2.0, 0.0, 1.5, 0.3]),
                       np.array([0.3, 0.9, 0.4, 0.8, 0.3])), (0, 3), (0, 3), ()),
    ("mixture_gibbs", (np.array([0.5, 0.2, 0.9, 0.05]), 1500.0), (1,), (), ()),
    ("adam_validation_loss", (0.1, 0.9, X62, Y6, X62[::-1], Y6[::-1]), (1,), (), ()),
    ("strain_energy", (0.7, np.array([[2.0, -0.5, 0.1], [-0.5, 1.5, 0.3], [0.1, 0.3, 1.2]])), (0, 1), (0, 1), ()),
    ("sgd_learning_rate", (0.3, X62, Y6), (0,), (), ()),
    ("rmsprop_momentum", ({"lr": 0.05, "rho": 0.9, "momentum": 0.5}, X62, Y6), (0,), (), ()),
    # (each calls count_model_loss, PoissonRegression's methods, property, class and static methods)
    ("stacked_losses", ([np.array([0.2, 0.3, -0.4]), np.array([0.1, -0.2, 0.5])], X42, COUNTS4), (0,), (), ()),
]


@pytest.mark.parametrize("name, args, positions, with_autograd, first_order_only", CASES,
                         ids=[f"{case[0]}-{n}" for n, case in enumerate(CASES)])
def test_every_argument_in_every_mode(name, args, positions, with_autograd, first_order_only):
    skip_without_scipy(getattr(programs, name))
    check_program(getattr(programs, name), args, positions, with_autograd, first_order_only)


# (func, args, differentiated positions, marker of the line named)
REFUSED = [
    # a call spreading an array into a function's parameters (`f(t, *betas, tau)`)
    (programs.curve_roughness, (np.array([0.04, -0.01, 0.02]), 0.3), (0, 1), "starred-arguments"),
    # ufunc methods without rules: np.logaddexp.accumulate (np.add.reduceat too)
    (programs.cox_stable_nll, (np.array([0.3, -0.5]), COX_X, COX_TIMES, COX_EVENTS), (0, 1), "logaddexp-accumulate"),
    # SciPy's adaptive ODE solvers (a fixed-step loop is differentiated)
    (programs.sir_solve_ivp_fit, (0.5, 0.1, np.array([0.02, 0.03, 0.05])), (0, 1), "solve-ivp"),
    # a method of an object a class method (or any function) returns: its class is known only when it runs
    (programs.count_model_from_vector, (np.array([0.2, 0.3, -0.4]), X42, COUNTS4), (0,), "method-of-factory-object"),
]


@pytest.mark.parametrize("func, args, positions, marker", REFUSED, ids=[case[3] for case in REFUSED])
def test_refused_naming_the_users_line(func, args, positions, marker):
    check_refused_at(func, args, positions, f"probe42_programs.py:{marked_line(func, marker)}:", RNG)


def test_a_second_derivative_refused_in_a_first_derivative_speaks_of_the_users_line():
    """The refusal met in the first derivative's code is said in the user's terms, not as a write into an
    object from outside `grad_age_seir_fit`, a function the user never wrote."""
    args = (-1.2, 0.4, np.array([3.0, 5.0, 9.0, 14.0]))
    with pytest.raises(adjoint.AdjointError) as refused:
        adjoint.hvp(programs.age_seir_fit)(*args, 1.0)
    message = str(refused.value)
    assert "probe42_programs.py:" in message and "second derivative" in message
    assert "outside grad_age_seir_fit" not in message, message


def test_next_of_a_generator_without_an_item_raises_as_python_does():
    """next(generator) without a default raises StopIteration where no item comes, in its derivative too."""
    weights = np.array([-0.3, 0.0, -0.7])
    for derived in (programs.first_positive_squared, adjoint.grad(programs.first_positive_squared)):
        with pytest.raises(StopIteration):
            derived(weights)
