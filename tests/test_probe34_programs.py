"""Programs written as their users write them (a Gaussian process, a VAE, integrators, a Kalman
filter, attention, classes, closures, comprehensions, Newton iterations, masks, sorting, SciPy,
recursion, early returns, NumPy scalars and 0-d arrays), in every mode.

What was wrong:
- the second derivative (hvp, forward over reverse) of a helper raising its argument to a power it
  is given (`def poly(x, coeffs): return sum(c * x ** i for i, c in enumerate(coeffs))`, `def
  pw(v, p): return np.sum(v ** p)` called with p = 2, np.power, math.pow, np.float_power) was NaN
  wherever x < 0: the helper's backward pass saves the exponent, whose tangent is a zero read back
  from the saved values, and the tangent of the slope `p * x ** (p - 1)` added that zero times
  x ** p log x, which is NaN for x < 0. A jvp given a zero tangent for the exponent of `x ** y`
  was NaN there too. The term of the exponent is exactly 0 where its factor is 0, as the slope's
  own factor already was (runtime.pow_exponent_adjoint, pow_log_slope and their numba versions).
- the gradient of a branch np.where does not take, computed where its function is not defined
  (`np.where(x > 0, np.sqrt(x), 0.0)`, `np.log` where x <= 0, `x ** 0.5`, np.power, np.arcsin
  outside [-1, 1], np.arccosh below 1, a division by a zero the branch leaves out, a boolean read
  `np.sqrt(x)[x > 0]`) was NaN at those entries in reverse mode (grad, value_and_grad, vjp, hvp),
  where its derivative is 0 and jvp gave 0: the adjoint np.where gives the branch there is 0, and
  the rule of sqrt multiplied it by its NaN slope. The rules of the elementwise functions whose
  slope may be undefined (sqrt, cbrt, the logs, arcsin, arccos, arccosh, arctanh, `/`, `**`,
  np.power, np.float_power, np.reciprocal) give 0 where the adjoint is 0 and the product is not finite
  (runtime.slope_or_zero); where the adjoint is not 0 the product stays as it was (the slope of
  sqrt at 0 in a branch taken is inf), and for Python numbers the optimizer writes the product
  alone. autograd gives NaN there, as it did.

Refused in terms the user could not act on: a call of a function taken from a list in a generator
(`sum(f(x) for f in fs)`) named the compiler's `_f1`, not `f`; itertools.combinations, permutations
and starmap were said to build "an object" whose "bound method" to differentiate.
"""
from __future__ import annotations

import functools
import itertools
import math
import operator

import numpy as np
import pytest

import adjoint
import probe34_programs as programs
from every_mode import AUTOGRAD_RUNS_NUMPY_CALLS, check_every_mode
from soundness import marked_line


# ----- a power whose exponent a helper is given ------------------------------------------------

def poly(x, coeffs):
    return sum(c * x ** i for i, c in enumerate(coeffs))


def polynomial_helper(x):
    return poly(x, [1.0, 2.0, -1.0, 0.5]) + np.sin(x)


def scalar_power(v, p):
    return v ** p


def scalar_power_helper(x):
    return scalar_power(x, 3) + x * scalar_power(x, 2.0) * scalar_power(x, 2)


def math_pow(v, p):
    return math.pow(v, p)


def math_pow_helper(x):
    return math_pow(x, 3) + x * math_pow(x, 4.0)


def sum_of_powers(v, p):
    return np.sum(v ** p)


def np_power(v, p):
    return np.sum(np.power(v, p))


def float_power(v, p):
    return np.sum(np.float_power(v, p))


def array_power_helpers(x):
    return sum_of_powers(x, 2) + np_power(x, 3) * 0.5 + sum_of_powers(x, 4.0)


def float_power_helper(x):
    return float_power(x, 2) * float_power(x, 3)


def weighted_power(v, w, p):
    return np.sum(w * v ** p)


def power_through_partial(x):
    f = functools.partial(weighted_power, w=np.array([1.0, 2.0, 3.0]))
    return f(x, p=2) + f(np.abs(x), p=3)


@pytest.mark.parametrize("program, peer", [(polynomial_helper, polynomial_helper),
                                           (scalar_power_helper, scalar_power_helper), (math_pow_helper, None)])
def test_a_helper_raising_a_negative_number_to_a_power_it_is_given(program, peer):
    check_every_mode(program, (-1.1,), peer=peer)


@pytest.mark.parametrize("program, peer", [(array_power_helpers, array_power_helpers),
                                           (power_through_partial, power_through_partial), (float_power_helper, None)])
def test_a_helper_raising_negative_entries_to_a_power_it_is_given(program, peer):
    check_every_mode(program, (np.array([0.3, -1.1, 0.8]),), peer=peer if AUTOGRAD_RUNS_NUMPY_CALLS else None)


def power(x, y):
    return x ** y


def array_power(x, y):
    return np.sum(np.power(x, y))


def test_a_zero_tangent_of_the_exponent_of_a_negative_base():
    """(x + t) ** 2 moves as 2x at x = -1.5 whatever log(-1.5) is."""
    value, tangent = adjoint.jvp(power, wrt=(0, 1))(-1.5, 2.0, 1.0, 0.0)
    assert (value, tangent) == (2.25, -3.0)
    x = np.array([-1.5, 2.0, 0.0])
    value, tangent = adjoint.jvp(array_power, wrt=(0, 1))(x, 2.0, np.ones(3), 0.0)
    assert tangent == pytest.approx(np.sum(2 * x))
    _, moved_exponent = adjoint.jvp(power, wrt=(0, 1))(1.5, 2.0, 0.0, 1.0)
    assert moved_exponent == pytest.approx(1.5 ** 2 * math.log(1.5))


# ----- a branch np.where does not take, outside its function's domain ----------------------------

WEIGHTS = np.array([1.0, 0.0, 2.0, 0.0, 1.0])


def where_sqrt(x):
    return np.sum(np.where(x > 0, np.sqrt(x), 0.0) * np.arange(1, 6))


def where_log_or_square(x):
    return np.sum(np.where(x > 0, np.log(x), -x ** 2))


def where_half_power(x):
    return np.sum(np.where(x > 0, x ** 0.5, x) + np.where(x > 0, np.power(x, 1.5), 0.0))


def where_inverse_sines(x):
    return np.sum(np.where(np.abs(x) < 1, np.arcsin(x) + np.arccos(x), np.sign(x) * 1.5))


def where_arccosh_cbrt_log1p(x):
    y = 3.0 * x
    return np.sum(np.where(y > 1, np.arccosh(y), 0.0) + np.where(x > 0, np.cbrt(x), x) + np.where(x > -1, np.log1p(x), 0))


def where_division_by_zero(x):
    y = x * WEIGHTS
    return np.sum(np.where(WEIGHTS != 0, x / WEIGHTS, 0.0) + np.where(WEIGHTS != 0, 1.0 / y, x)
                  + np.where(y != 0, np.reciprocal(y), 0.0))


def where_sqrt_then_matmul(x):
    return np.sum(np.where(x > 0, np.sqrt(x), 0.0) @ np.arange(10.0).reshape(5, 2))


def boolean_read_of_sqrt(x):
    return np.sum(np.sqrt(x)[x > 0] ** 3)


@pytest.mark.parametrize("program", [where_sqrt, where_log_or_square, where_half_power, where_inverse_sines,
                                     where_arccosh_cbrt_log1p, where_division_by_zero, where_sqrt_then_matmul,
                                     boolean_read_of_sqrt])
def test_a_branch_np_where_leaves_out_has_no_derivative(program):
    with np.errstate(invalid="ignore", divide="ignore"):
        check_every_mode(program, (np.array([0.3, -1.1, 0.8, -0.2, 1.7]),))


def where_sqrt_of_a_number(x):
    return float(np.where(x > 0, np.sqrt(x), -x))


def test_a_branch_np_where_leaves_out_of_a_number():
    with np.errstate(invalid="ignore"):
        check_every_mode(where_sqrt_of_a_number, (-0.7,))


def test_a_slope_that_is_not_finite_where_the_branch_is_taken_stays():
    """sqrt's slope at 0 is inf in a branch np.where takes: not hidden."""
    def root_at_zero(x):
        return np.sum(np.where(x >= 0, np.sqrt(x), 0.0))
    with np.errstate(divide="ignore"):
        gradient = adjoint.grad(root_at_zero)(np.array([0.0, 4.0]))
    assert gradient[0] == np.inf and gradient[1] == 0.25


# ----- refusals that named the compiler's names or gave advice for another construct ---------------

def functions_in_a_list(x):
    fs = [np.sin, np.cos]
    return sum(f(x) for f in fs)  # <- function in a list


def products_of_all_but_one(x):
    return sum(np.prod(t) for t in itertools.combinations(x, len(x) - 1))  # <- combinations


def products_by_starmap(x):
    pairs = list(zip(x[:-1], x[1:]))
    return sum(itertools.starmap(operator.mul, pairs))  # <- starmap


@pytest.mark.parametrize("program, marker, says", [
    (functions_in_a_list, "function in a list", "`f` is a function held in a variable"),
    (products_of_all_but_one, "combinations", "the width of its items is a literal"),
    (products_by_starmap, "starmap", "sum(a * b for a, b in pairs)"),
])
def test_the_refusal_speaks_of_the_users_code(program, marker, says):
    with pytest.raises(adjoint.AdjointError) as caught:
        adjoint.grad(program)(np.array([0.3, -1.1, 0.8]))
    assert caught.value.lineno == marked_line(program, marker)
    assert says in str(caught.value) and "_f1" not in str(caught.value)
    assert "bound method" not in str(caught.value)


# ----- programs differentiated exactly in every mode -----------------------------------------------

_rng = np.random.default_rng(34)
_BATCH = (np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]),
          _rng.normal(size=(4, 2)))
_W_ENC, _W_DEC = _rng.normal(size=(3, 4)) * 0.5, _rng.normal(size=(2, 3)) * 0.5
_POS, _VEL, _MASS = _rng.normal(size=(3, 2)), _rng.normal(size=(3, 2)) * 0.1, np.array([1.0, 0.5, 2.0])
_VECTOR = np.array([0.4, -0.9, 1.3, 0.2, -0.6])

# (program, arguments, wrt, whether autograd runs it)
EXACT = [
    (programs.gp_negative_log_marginal_likelihood, (0.7, 0.1), 0, True),
    (programs.gp_negative_log_marginal_likelihood, (0.7, 0.1), 1, True),
    (programs.gp_in_log_parameters, (np.array([-0.3, -2.0]),), 0, False),
    (programs.vae_loss, (_W_ENC, _W_DEC) + _BATCH, 0, True),
    (programs.leapfrog_energy, (_POS, _VEL, _MASS), 0, False),
    (programs.rk4_final_position, (2.0,), 0, True),
    (programs.kalman_negative_log_likelihood, (0.3, 0.5), 0, False),
    (programs.causal_attention, (_rng.normal(size=(3, 3)), _rng.normal(size=(4, 3))), 0, True),
    (programs.polynomial_object, (np.array([1.0, -2.0, 0.5, 0.3]), 0.7), 0, True),
    (programs.polynomial_object, (np.array([1.0, -2.0, 0.5, 0.3]), 0.7), 1, True),
    (programs.closures_reduce_itertools, (_VECTOR,), 0, True),
    (programs.kepler_eccentric_anomaly, (0.3,), 0, False),
    (programs.top_three_and_median, (_VECTOR,), 0, False),
    (programs.normal_negative_log_likelihood, (0.4, 1.3), 1, False),
    (programs.recursion_and_early_return, (np.array([0.4, -0.9, 0.3, -1.3, 0.2]),), 0, True),
    (programs.scalar_kinds, (np.float64(0.7),), 0, False),
    (programs.scalar_kinds, (2,), 0, False),
]


@pytest.mark.parametrize("program, args, wrt, autograd_runs_it", EXACT,
                         ids=[f"{program.__name__}-{wrt}" for program, _, wrt, _ in EXACT])
def test_a_program_as_its_user_writes_it(program, args, wrt, autograd_runs_it):
    """autograd_runs_it: the program and its helpers run on autograd's boxes (NumPy 2.1 on)."""
    peer = program if autograd_runs_it and AUTOGRAD_RUNS_NUMPY_CALLS else None
    check_every_mode(program, args, wrt=wrt, peer=peer)
