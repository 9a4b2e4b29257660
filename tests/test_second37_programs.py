"""Second derivatives of the programs of second37_programs.py: hvp (forward over reverse), jvp of
grad written out, hessian (reverse over reverse) and grad of grad for a number, each against central
differences of adjoint's own gradient and, where it runs the program, autograd's Hessian-vector
product and Hessian; hessian symmetric; every first derivative exact (tests/every_mode.py); the
arguments left as they were; refusals naming the program's line. Also mixed second derivatives (jvp
and vjp of grad in another argument), Newton's method, trust-ncg, Gauss-Newton and normal modes.

What was wrong:
- a write into an array the gradient reads, whose own derivative is nothing (a constant written,
  an array not differentiated), through an index, slice bounds or a mask bound anew at each step
  of a loop (`j = (i + 1) % 3; y = A @ y * y; A[i, j] = 0.5`, `w[3 - k] = ...` in a counted while
  loop), gave wrong gradients or raised ValueError: the adjoint sweep wrote back what the write
  overwrote through the last step's index, which was not saved (only what adjoint code reads
  was), so it read a wrong A. The same in a derivative of a derivative: vjp of grad(f, wrt=d) in
  x of a matrix filled by items (`A[i, i - 1] = -1.0`) solved with a singular matrix.
- the list an index comprehension builds at each step (`idx = [m for m in ... if m != k]; w[idx]
  = v`) was popped through the last step's list once its appends were restored.
- `logsumexp(a, b=b)` with a b that a broadcasts to (a number a, a row against a matrix) raised
  ValueError in its derivatives before the refusal of such a b ran.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest

import adjoint
import second37_programs as programs
from every_mode import AUTOGRAD_RUNS_NUMPY_CALLS, SECOND_ATOL, SECOND_RTOL, check_every_mode
from soundness import flat, marked_line, with_flat
from test_catalogue_fd import assert_unchanged

RNG = np.random.default_rng(3737)
X = RNG.normal(size=(6, 3))
LABELS = (RNG.random(6) > 0.5).astype(float)
COUNTS = np.array([0.0, 2.0, 1.0, 4.0, 3.0, 1.0])
T = np.linspace(0.0, 2.0, 6)
DECAY = 2.0 * np.exp(-0.7 * T) + 0.3 + 0.05 * RNG.normal(size=6)
GP_X = RNG.normal(size=(5, 2))
GP_Y = RNG.normal(size=5)
CLUSTER = np.concatenate([RNG.normal(size=(3, 2)) - 1.0, RNG.normal(size=(3, 2)) + 1.0])
LATTICE = np.array([[0.0, 0.0, 0.0], [1.1, 0.1, 0.0], [0.2, 1.15, 0.1], [1.0, 1.2, 0.9]])
CHAIN = np.array([[0.0, 0.0], [1.1, 0.2], [2.0, 0.5], [3.2, 0.4], [4.1, 0.9]])
EDGES = [(0, 1), (1, 2), (2, 3), (0, 2), (1, 3)]
SPD = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, -0.4], [0.5, -0.4, 2.5]])


def layers(*sizes):
    return [(0.5 * RNG.normal(size=(m, n)), 0.1 * RNG.normal(size=n)) for m, n in zip(sizes, sizes[1:])]


# (name, args, differentiated positions, autograd runs it (True, or at those positions), marker of the
# line its second derivative is refused at, None where it is exact, or a dict of them by position);
# autograd runs neither `math` nor scipy on its boxes
CASES = [
    ("logistic_nll", (RNG.normal(size=3), X, LABELS), (0,), True, None),
    ("logistic_nll_rows", (RNG.normal(size=3), X, LABELS), (0,), True, None),
    ("poisson_glm_nll", (0.3 * RNG.normal(size=3), X, COUNTS, 1.0 + RNG.random(6)), (0,), False, None),
    ("rosenbrock", (np.array([-1.2, 1.0, 0.8, 1.1]),), (0,), True, None),
    ("rosenbrock_vectorized", (np.array([-1.2, 1.0, 0.8, 1.1]),), (0,), True, None),
    ("beale", (np.array([1.2, 0.4]),), (0,), True, None),
    ("beale_scalars", (1.2, 0.4), (0, 1), True, None),
    ("decay_least_squares", (np.array([1.8, 0.6, 0.2]), T, DECAY), (0,), True, None),
    ("michaelis_menten_loss", (np.array([2.0, 0.7]), np.array([0.2, 0.5, 1.0, 2.0, 4.0]),
                               np.array([0.45, 0.8, 1.2, 1.5, 1.75])), (0,), True, None),
    ("himmelblau", (2.7, 1.9), (0, 1), True, None),
    ("gp_nll_cholesky", (np.array([0.1, -0.2, -1.5]), GP_X, GP_Y), (0,), True, None),
    ("gp_nll_slogdet", (np.array([0.1, -0.2, -1.5]), GP_X, GP_Y), (0,), True, None),
    ("gp_nll_dict", ({"log_ell": 0.1, "log_sf2": -0.2, "log_sn2": -1.5}, GP_X, GP_Y), (0,), True, None),
    ("gp_kernel_loops", (0.2, GP_X[:, 0], GP_Y), (0,), False, "kernel-item"),
    ("bayes_linreg_neg_log_posterior", (RNG.normal(size=3), X, RNG.normal(size=6), 0.5, 2.0), (0, 3, 4), True,
     None),
    ("bayes_logistic_log_posterior", (RNG.normal(size=3), X, LABELS, 0.7), (0, 3), True, None),
    ("laplace_log_evidence", (0.5 * RNG.normal(size=3), X, LABELS), (0,), True, None),
    ("gmm_loglik", (RNG.normal(size=(2, 2)), CLUSTER, np.array([0.2, -0.1]), -0.2), (0, 2, 3), False, None),
    ("gmm_loglik_components", ([(-1.0, 0.1, 0.3), (1.0, -0.2, -0.1)], CLUSTER[:, 0]), (0,), False, None),
    ("student_t_nll", (np.array([0.1, -0.3, 1.2]), RNG.normal(size=8)), (0,), False, None),
    ("lennard_jones_pairs", (LATTICE,), (0,), True, None),
    ("lennard_jones_broadcast", (LATTICE,), (0,), True, None),
    ("morse_triu", (LATTICE, 1.0, 1.5, 1.0), (0, 2, 3), True, None),
    ("spring_network", (CHAIN[:4], EDGES, [1.0, 1.0, 1.0, 1.6, 1.7], 3.0), (0, 3), True, None),
    ("elastic_rod", (CHAIN, 2.0, 0.5), (0, 1, 2), True, None),
    ("harmonic_chain", (RNG.normal(size=4), 2.0, np.array([1.0, 2.0])), (0, 1), True, None),
    ("anharmonic_action", (RNG.normal(size=5), 0.3, -0.2, 0.1, 1.2), (0, 1, 3, 4), True, None),
    ("pendulum_action", (0.3 * RNG.normal(size=5), 0.1), (0, 1), True, None),
    ("bond_angle_energy", (LATTICE, 2.0, 1.7), (0, 2), True, None),
    ("coulomb_cutoff", (LATTICE, np.array([1.0, -1.0, 0.5, -0.5]), 1.6), (0, 1), False, None),
    ("mlp_layer_tuples", (layers(3, 4, 4, 1), X, RNG.normal(size=6)), (0, 1), True, None),
    ("mlp_weights_dict", ({"W1": 0.5 * RNG.normal(size=(3, 4)), "b1": 0.1 * RNG.normal(size=4),
                           "W2": 0.5 * RNG.normal(size=(4, 3)), "b2": 0.1 * RNG.normal(size=3),
                           "w3": RNG.normal(size=3)}, X, RNG.normal(size=6)), (0, 1), True, None),
    ("mlp_activation_function", (layers(3, 4, 2), X, RNG.normal(size=6)), (0,), True, None),
    ("softmax_cross_entropy", (RNG.normal(size=(3, 4)), X, np.array([0, 3, 1, 2, 3, 1])), (0, 1), True, None),
    ("mlp_softmax", (layers(3, 4, 3), X, np.array([0, 2, 1, 2, 0, 1])), (0,), False, None),
    ("mlp_loss_per_example", ([(W.T.copy(), b) for W, b in layers(3, 4, 2)], X, RNG.normal(size=(6, 2))), (0,),
     True, None),
    ("residual_net", ([0.4 * RNG.normal(size=(3, 3)) for _ in range(3)], RNG.normal(size=(4, 3))), (0, 1), True,
     None),
    ("elman_rnn_loss", (0.5 * RNG.normal(size=(3, 3)), RNG.normal(size=(3, 2)), RNG.normal(size=(4, 2)),
                        RNG.normal(size=3)), (0, 1, 2), True, None),
    ("network_input_laplacian", (RNG.normal(size=3), RNG.normal(size=(4, 3)), RNG.normal(size=4)), (0, 1), True,
     None),
    ("layer_norm_mlp", (RNG.normal(size=(3, 4)), X, RNG.normal(size=6)), (0,), True, None),
    ("gelu_mlp", (RNG.normal(size=(3, 2)), X), (0, 1), True, None),
    ("weight_decayed_loss", (layers(3, 3, 1), X, RNG.normal(size=6)), (0,), True, None),
    ("mlp_hidden_then_readout", ([(W.T.copy(), b) for W, b in layers(3, 2)], RNG.normal(size=3)), (0, 1), True,
     None),
    ("mlp_transposed_after", ([(W.T.copy(), b) for W, b in layers(3, 3, 3)], RNG.normal(size=3)), (0, 1), True,
     None),
    ("mlp_reuses_last", ([0.7 * RNG.normal(size=(3, 3)) for _ in range(3)], RNG.normal(size=3)), (0, 1), True, None),
    ("accumulate_then_rebind", ([0.7 * RNG.normal(size=(3, 3)) for _ in range(3)], RNG.normal(size=3)), (0, 1), True,
     None),
    ("piecewise", (0.7, 1.3), (0, 1), False, None),
    ("fixed_iterations_decided_by_data", (0.8, 1.1), (0, 1), (0,), None),
    ("where_branches", (np.array([0.3, -0.7, 1.6, -1.4]),), (0,), True, None),
    ("squared_hinge", (RNG.normal(size=3), X, 2.0 * LABELS - 1.0), (0,), True, None),
    ("min_max_numbers", (1.3, 0.6), (0, 1), True, None),
    ("early_return", (np.array([0.3, 0.7, 1.1]),), (0,), True, None),
    ("zip_enumerate", (RNG.normal(size=4), RNG.normal(size=4)), (0, 1), True, None),
    ("newton_sqrt", (2.3,), (0,), True, None),
    ("clipped_objective", (np.array([0.3, -1.7, 1.1, 2.2]), -1.0, 1.5), (0, 1, 2), False, None),
    ("break_on_threshold", (np.array([0.3, -0.7, 0.2, 1.4, 0.1]), 0.9), (0, 1), True, None),
    ("continue_on_sign", (np.array([0.3, -0.7, 0.2, 1.4]),), (0,), True, None),
    ("sorted_by_magnitude", (np.array([0.3, -0.7, 0.2, 1.4]),), (0,), True, None),
    ("filled_by_index", (RNG.normal(size=4),), (0,), False, None),
    ("laplacian_steps", (RNG.normal(size=6), 0.1), (0, 1), False, None),
    ("cumulative_in_place", (RNG.normal(size=5),), (0,), False, None),
    ("appended_features", (RNG.normal(size=3),), (0,), True, None),
    ("dict_state_integrator", (RNG.normal(size=3), 1.5), (0, 1), True, None),
    ("namedtuple_leapfrog", (RNG.normal(size=3), 1.5), (0, 1), True, None),
    ("tridiagonal_solve", (RNG.normal(size=4), RNG.normal(size=4)), (0, 1), False, None),
    ("in_place_scaled_slices", (RNG.normal(size=5),), (0,), False, "reads-view-of-written"),
    ("rows_written_per_step", (RNG.normal(size=(4, 3)), RNG.normal(size=(3, 2))), (0, 1), False, None),
    ("list_of_steps", (RNG.normal(size=3), 0.3), (0, 1), True, None),
    ("mlp_reads_loop_variable_after", (layers(3, 4, 1), X, RNG.normal(size=6)), (0, 1), True, None),
    ("mlp_rebinds_parameter", (RNG.normal(size=(2, 3)), RNG.normal(size=(3, 4)), RNG.normal(size=(4, 2))), (0, 1, 2),
     True, None),
    ("mlp_list_of_dicts", ([{"W": W, "b": b} for W, b in layers(3, 4, 1)], X, RNG.normal(size=6)), (0, 1), True,
     None),
    ("mlp_skip_previous", ([0.5 * RNG.normal(size=(3, 3)) for _ in range(3)], RNG.normal(size=3)), (0, 1), True,
     None),
    ("quadratic_form_einsum", (RNG.normal(size=3), RNG.normal(size=(3, 3)), RNG.normal(size=3)), (0, 1, 2), True,
     None),
    ("ridge_through_solve", (0.7, X, RNG.normal(size=6)), (0, 1, 2), True, None),
    ("inverse_trace", (RNG.normal(size=3), np.eye(3) * 3.0 + 0.3 * RNG.normal(size=(3, 3))), (0, 1), True, None),
    ("variance_penalty", (RNG.normal(size=4), RNG.normal(size=4)), (0, 1), True, None),
    ("cross_and_norm", (RNG.normal(size=3), RNG.normal(size=3)), (0, 1), True, None),
    ("tensordot_energy", (RNG.normal(size=(4, 3)), RNG.normal(size=(3, 3))), (0, 1), True, None),
    ("stacked_with_constants", (np.array([0.3, -0.7, 1.1]), RNG.normal(size=3)), (0, 1), True, None),
    ("repeated_indices", (RNG.normal(size=3), np.array([0, 2, 2, 1])), (0,), False, None),
    ("expit_xlogy", (RNG.normal(size=3), X, LABELS), (0, 1), False, None),
    ("scipy_softmax_loss", (RNG.normal(size=(3, 4)), X, np.array([0, 3, 1, 2, 3, 1])), (0, 1), False, None),
    ("triangular_solve_nll", (0.2 * RNG.normal(size=3), RNG.normal(size=3), RNG.normal(size=3)), (0, 1, 2), False,
     {0: "factor-kept"}),
    ("cho_solve_nll", (0.2, GP_X, GP_Y), (0, 1, 2), False, None),
    ("erf_loss", (RNG.normal(size=3), 0.4), (0, 1), False, None),
    ("power_of_parameter", (1.3, 0.8), (0, 1), False, None),
    ("expm_dynamics", (np.array([0.7, -0.2]), RNG.normal(size=2)), (0, 1), False, None),
    ("eigh_spectrum", (np.array([0.5, 1.3, 2.1]), RNG.normal(size=(3, 3)) + RNG.normal(size=(3, 3)).T), (0,), False,
     None),
    ("matrix_power_chain", (0.5 * RNG.normal(size=(3, 3)), RNG.normal(size=3)), (0, 1), (1,), None),
    ("namedtuple_mlp", (programs.MLPParams(0.5 * RNG.normal(size=(3, 4)), 0.1 * RNG.normal(size=4), RNG.normal(size=4)),
                        X, RNG.normal(size=6)), (0, 1), (1,), None),
    ("dict_items_penalty", ({"W1": RNG.normal(size=(2, 3)), "b": RNG.normal(size=2), "W2": RNG.normal(size=(4, 3))},
                            RNG.normal(size=3)), (0, 1), True, None),
    ("closure_of_data", (RNG.normal(size=3), X, LABELS), (0, 1), True, None),
    ("array_methods", (RNG.normal(size=4), RNG.normal(size=(4, 4))), (0, 1), False, None),
    ("accumulate_into_zeros", (RNG.normal(size=(2, 3)), RNG.normal(size=(4, 3))), (0, 1), False, None),
    ("converted_scalars", (RNG.normal(size=3),), (0,), False, None),
    ("array_from_scalars", (RNG.normal(size=3),), (0,), True, None),
    ("comprehension_sums", (RNG.normal(size=3), RNG.normal(size=3)), (0, 1), True, None),
    ("calls_with_keywords", (RNG.normal(size=3), 0.7), (0, 1), True, None),
    ("ternary_and_abs", (np.array([0.3, -0.7, 1.1, 2.4]),), (0,), True, None),
    ("nested_helpers", (RNG.normal(size=3), RNG.normal(size=3)), (0, 1), True, None),
    ("argmax_selected", (RNG.normal(size=3), RNG.normal(size=(4, 3))), (0, 1), True, None),
    ("float32_argument", (RNG.normal(size=3).astype(np.float32),), (0,), False, None),
    ("periodic_bc", (RNG.normal(size=6), 0.1), (0, 1), False, "periodic-copy"),
    ("heat_in_place", (RNG.normal(size=6), 0.1), (0, 1), False, None),
    ("mask_write", (np.array([0.3, -0.7, 1.1, -0.2]),), (0,), False, None),
    ("fancy_write", (RNG.normal(size=3), RNG.normal(size=3)), (0, 1), False, None),
    ("plus_equal_item", (RNG.normal(size=5),), (0,), False, None),
    ("column_writes", (RNG.normal(size=(3, 2)), RNG.normal(size=2)), (0, 1), False, None),
    ("fill_diag", (RNG.normal(size=3), RNG.normal(size=(3, 3))), (0, 1), False, None),
    ("swap_items", (np.array([0.3, -0.7, 1.1, -0.2]),), (0,), False, None),
    ("ellipsis_write", (RNG.normal(size=(2, 3)), RNG.normal(size=3)), (0, 1), False, None),
    ("scaled_in_place", (RNG.normal(size=3),), (0,), False, None),
    ("appended_states", (RNG.normal(size=3), 1.2), (0, 1), True, None),
    ("list_items_written", (RNG.normal(size=4),), (0,), True, None),
    ("dict_updated_in_loop", (RNG.normal(size=4),), (0,), True, None),
    ("matrix_assembly", (1.0 + RNG.random(4),), (0,), False, None),
    ("rk4_arrays", (np.array([0.3, 0.1]), np.array([9.8, 0.2])), (0, 1), True, None),
    ("gauss_seidel", (RNG.normal(size=3), SPD), (0, 1), False, "sweep-item"),
    ("manual_cholesky", (SPD,), (0,), False, "factor-diagonal"),
    ("thomas", (0.3 * RNG.normal(size=4), 3 + RNG.random(4), 0.3 * RNG.normal(size=4), RNG.normal(size=4)),
     (0, 1, 2, 3), False, None),
    ("soft_dtw", (RNG.normal(size=3), RNG.normal(size=4)), (0, 1), False, None),
    ("forward_algorithm", (np.log(RNG.dirichlet(np.ones(3), 3)), np.log(RNG.dirichlet(np.ones(2), 3)),
                           np.log([0.5, 0.3, 0.2]), [0, 1, 1, 0]), (0, 1, 2), False, "alpha-row"),
    ("while_index_write", (RNG.normal(size=3), [2, 0, 1, 2]), (0,), False, None),
    ("jacobi_2d", (RNG.normal(size=(4, 4)), RNG.normal(size=(4, 4))), (0, 1), False, "jacobi-copy"),
    ("lu_manual", (SPD, RNG.normal(size=3)), (0, 1), False, {0: "elimination-row"}),
    ("pop_per_step", (RNG.normal(size=3),), (0,), False, "popped-per-step"),
    ("stack_machine", (RNG.normal(size=3),), (0,), False, None),
    ("append_to_rebound", (RNG.normal(size=3),), (0,), False, "appended-per-step"),
]


def tangent_for(value):
    return with_flat(value, RNG.normal(size=flat(value).size))


def gradient_differences(func, args, wrt, tangent, eps=1e-5, along=None):
    """(grad f(x + eps t) - grad f(x - eps t)) / 2 eps, adjoint's own gradient in args[wrt], flattened,
    x the argument `along` (wrt's own by default)."""
    gradient = adjoint.grad(func, wrt=wrt)
    along = wrt if along is None else along

    def moved(step):
        varied = list(copy.deepcopy(args))
        varied[along] = with_flat(args[along], flat(args[along]) + step * flat(tangent))
        return flat(gradient(*varied))

    return (moved(eps) - moved(-eps)) / (2 * eps)


def assert_close_second(got, want, what):
    np.testing.assert_allclose(flat(got), want, rtol=SECOND_RTOL, atol=SECOND_ATOL, err_msg=what)


def check_forward_over_reverse(func, args, wrt):
    """jvp(grad(f)) written out: its value is grad's, its tangent the differences of grad."""
    before = copy.deepcopy(args)
    tangent = tangent_for(args[wrt])
    value, derivative = adjoint.jvp(adjoint.grad(func, wrt=wrt), wrt=wrt)(*args, tangent)
    np.testing.assert_allclose(flat(value), flat(adjoint.grad(func, wrt=wrt)(*copy.deepcopy(args))), rtol=1e-12,
                               atol=1e-14, err_msg="jvp of grad's value")
    assert_close_second(derivative, gradient_differences(func, args, wrt, tangent), "jvp of grad")
    assert_unchanged(before, args)


def check_hessian(func, args, wrt, peer):
    """The full matrix against differences of the gradient, symmetric, and autograd's where it runs."""
    before = copy.deepcopy(args)
    hessian = np.asarray(adjoint.hessian(func, wrt=wrt)(*args))
    assert_unchanged(before, args)
    size = flat(args[wrt]).size
    matrix = hessian.reshape(size, size)
    for column in range(size):
        unit = with_flat(args[wrt], np.eye(size)[column])
        assert_close_second(matrix[:, column], gradient_differences(func, args, wrt, unit), f"hessian column {column}")
    np.testing.assert_allclose(matrix, matrix.T, rtol=1e-9, atol=1e-9, err_msg="hessian's symmetry")
    if peer:
        autograd = pytest.importorskip("autograd")
        from every_mode import _on_autograd_numpy
        theirs = autograd.hessian(_on_autograd_numpy(func, autograd.numpy), wrt)(*copy.deepcopy(args))
        np.testing.assert_allclose(hessian, theirs, rtol=1e-8, atol=1e-10, err_msg="autograd's Hessian")


def check_second_derivatives(func, args, wrt, peer):
    check_every_mode(func, copy.deepcopy(args), wrt=wrt, peer=func if peer else None)
    check_forward_over_reverse(func, args, wrt)
    if isinstance(args[wrt], (float, np.ndarray)):
        check_hessian(func, args, wrt, peer)


def check_refused_at(func, args, wrt, marker):
    """First derivatives exact; hvp, hessian and grad of grad refuse at the line marked."""
    check_every_mode(func, copy.deepcopy(args), wrt=wrt, second_order=False)
    before = copy.deepcopy(args)
    where = f"second37_programs.py:{marked_line(func, marker)}:"
    tangent = tangent_for(args[wrt])
    modes = [lambda: adjoint.hvp(func, wrt=wrt)(*args, tangent), lambda: adjoint.hessian(func, wrt=wrt)(*args)]
    if isinstance(args[wrt], float):
        modes.append(lambda: adjoint.grad(adjoint.grad(func, wrt=wrt), wrt=wrt)(*args))
    for mode in modes:
        with pytest.raises(adjoint.AdjointError) as refused:
            mode()
        assert where in str(refused.value), str(refused.value)
        assert_unchanged(before, args)


@pytest.mark.parametrize("name, args, positions, autograd_runs, refused_at", CASES, ids=[case[0] for case in CASES])
def test_second_derivatives(name, args, positions, autograd_runs, refused_at):
    func = getattr(programs, name)
    for wrt in positions:
        peer = (autograd_runs is True or wrt in (autograd_runs or ())) and AUTOGRAD_RUNS_NUMPY_CALLS
        marker = refused_at.get(wrt) if isinstance(refused_at, dict) else refused_at
        if marker is None:
            check_second_derivatives(func, args, wrt, peer)
        else:
            check_refused_at(func, args, wrt, marker)


MIXED = [(name, args, positions[:2], refused_at) for name, args, positions, _, refused_at in CASES if len(positions) > 1]


@pytest.mark.parametrize("name, args, pair, refused_at", MIXED, ids=[case[0] for case in MIXED])
def test_mixed_second_derivatives(name, args, pair, refused_at):
    """The derivative of grad in one argument along another, by jvp of grad and by vjp of grad (reverse
    over reverse), against differences of the gradient; or refused at the program's line."""
    func, (i, j) = getattr(programs, name), pair
    before = copy.deepcopy(args)
    tangent, cotangent = tangent_for(args[j]), tangent_for(args[i])
    markers = {refused_at.get(i), refused_at.get(j)} - {None} if isinstance(refused_at, dict) else {refused_at} - {None}
    modes = {"jvp of grad": lambda: flat(adjoint.jvp(adjoint.grad(func, wrt=i), wrt=j)(*args, tangent)[1]),
             "vjp of grad": lambda: flat(adjoint.vjp(adjoint.grad(func, wrt=i), wrt=j)(*args)[1](cotangent))}
    if markers:
        where = [f"second37_programs.py:{marked_line(func, marker)}:" for marker in markers]
        for mode in modes.values():
            with pytest.raises(adjoint.AdjointError) as refused:
                mode()
            assert any(line in str(refused.value) for line in where), str(refused.value)
    else:
        mixed = gradient_differences(func, args, i, tangent, along=j)
        assert_close_second(modes["jvp of grad"](), mixed, "jvp of grad")
        np.testing.assert_allclose(modes["vjp of grad"]() @ flat(tangent), flat(cotangent) @ mixed,
                                   rtol=SECOND_RTOL, atol=SECOND_ATOL, err_msg="vjp of grad")
    assert_unchanged(before, args)


# programs writing into an array or list not differentiated through an index, a slice's bounds or a
# mask bound anew at each step of a loop, after the adjoint reads it: (program, args, the line its
# second derivative is refused at, or None)
X3, X4 = np.array([0.3, -0.5, 0.8]), np.array([0.3, -0.5, 0.8, 0.1])
INDEXED_WRITES = [
    (programs.index_rebound_in_loop, (X3,), None), (programs.index_tuple_rebound, (X3,), None),
    (programs.added_item_rebound_index, (X3,), None), (programs.slice_bounds_rebound, (X4,), None), (programs.mask_rebound, (X3,), None),
    (programs.index_array_rebound, (X4,), None), (programs.pairs_unpacked, (X3, [(0, 1), (1, 2), (2, 0)]), None),
    (programs.popped_index, (X3,), None), (programs.break_with_write, (X4,), None),
    (programs.active_write_rebound_index, (X4,), None), (programs.nested_loops_index, (X3,), None),
    (programs.for_else_write, (X3,), None), (programs.comprehension_index, (X3,), "comprehension-index"),
    (programs.slice_object_rebound, (X4,), None), (programs.list_write_rebound_index, (X3,), None),
    (programs.list_item, (X3,), None), (programs.dict_item, (X3,), None),
    (programs.parameter_index, (X3, 1), None), (programs.divmod_index, (X3,), None),
    (programs.while_counter_write, (X4,), None), (programs.index_after_write, (X4,), None),
    (programs.keyed_dict_rebound, (X3,), None), (programs.item_of_item_index, (X3, [2, 0, 1]), None),
    (programs.two_arrays_same_index, (X3,), None),
]


@pytest.mark.parametrize("func, args, refused_at", INDEXED_WRITES, ids=[case[0].__name__ for case in INDEXED_WRITES])
def test_the_restore_of_an_item_write_reads_its_index_of_that_step(func, args, refused_at):
    """`j = (i + 1) % 3; y = A @ y * y; A[i, j] = 0.5` in a loop: the adjoint sweep writes back what
    `A[i, j]` overwrote through the j of that step (it wrote it back through the last step's j, or
    mask or bounds, then read a wrong A: wrong gradients, or a ValueError); the list an index
    comprehension builds at each step is the one its restore pops (it popped the last step's)."""
    if refused_at is None:
        check_every_mode(func, args)
    else:
        check_refused_at(func, args, 0, refused_at)


def test_mixed_second_derivative_through_an_assembled_matrix():
    """vjp of grad(f, wrt=d) with respect to x, through a matrix filled by items (`A[i, i - 1] = -1.0`)
    that does not depend on x: the second sweep wrote back through stale indices and solved with a
    singular matrix."""
    func, d, x = programs.tridiagonal_solve, RNG.normal(size=4), RNG.normal(size=4)
    before = copy.deepcopy((d, x))
    cotangent, tangent = RNG.normal(size=4), RNG.normal(size=4)
    mixed = gradient_differences(func, (d, x), 0, tangent, along=1)
    _, pullback = adjoint.vjp(adjoint.grad(func, wrt=0), wrt=1)(d, x)
    np.testing.assert_allclose(pullback(cotangent) @ tangent, cotangent @ mixed, rtol=SECOND_RTOL)
    derivative = adjoint.jvp(adjoint.grad(func, wrt=0), wrt=1)(d, x, tangent)[1]
    assert_close_second(derivative, mixed, "jvp of grad in another argument")
    assert_unchanged(before, (d, x))


def test_newton_steps_on_the_logistic_likelihood():
    """Newton's method with adjoint's gradient and Hessian: each step's Hessian is the differences of
    the gradient, and the steps converge to a zero of the gradient."""
    design = RNG.normal(size=(40, 3))
    labels = (RNG.random(40) < 1.0 / (1.0 + np.exp(-design @ np.array([1.0, -1.0, 0.5])))).astype(float)
    func, w = programs.logistic_nll, np.zeros(3)
    gradient, hessian = adjoint.grad(func), adjoint.hessian(func)
    for _ in range(8):
        H = hessian(w, design, labels)
        columns = [gradient_differences(func, (w, design, labels), 0, unit) for unit in np.eye(3)]
        np.testing.assert_allclose(H, np.stack(columns, axis=1), rtol=SECOND_RTOL, atol=SECOND_ATOL)
        w = w - np.linalg.solve(H, gradient(w, design, labels))
    assert np.linalg.norm(gradient(w, design, labels)) < 1e-10


def test_trust_region_with_hessian_vector_products():
    """scipy's trust-ncg on Rosenbrock with jac=grad and hessp=hvp stops at a minimum; hvp is scipy's
    own rosen_hess_prod along the way."""
    optimize = pytest.importorskip("scipy.optimize")
    start = np.array([-1.2, 1.0, 0.8, 1.1])
    result = optimize.minimize(programs.rosenbrock, start, method="trust-ncg", jac=adjoint.grad(programs.rosenbrock),
                               hessp=adjoint.hvp(programs.rosenbrock), options={"gtol": 1e-10})
    np.testing.assert_allclose(optimize.rosen_der(result.x), 0.0, atol=1e-6)
    assert np.all(np.linalg.eigvalsh(optimize.rosen_hess(result.x)) > 0.0)
    for point in (start, result.x, np.ones(4)):
        v = RNG.normal(size=4)
        np.testing.assert_allclose(adjoint.hvp(programs.rosenbrock)(point, v), optimize.rosen_hess_prod(point, v),
                                   rtol=1e-12, atol=1e-10)
        np.testing.assert_allclose(adjoint.hessian(programs.rosenbrock_vectorized)(point), optimize.rosen_hess(point),
                                   rtol=1e-12, atol=1e-10)
    np.testing.assert_array_equal(start, [-1.2, 1.0, 0.8, 1.1])


def test_gauss_newton_and_the_true_hessian():
    """The least squares' Hessian is J^T J (Gauss-Newton, J adjoint's Jacobian of the residuals) plus
    the Hessian of sum_i r_i(theta0) r_i(theta) at theta0; each agrees with differences."""
    theta = np.array([1.8, 0.6, 0.2])
    J = adjoint.jacobian(programs.decay_residuals)(theta, T, DECAY)
    for column in range(3):
        step = 1e-6 * np.eye(3)[column]
        want = (programs.decay_residuals(theta + step, T, DECAY) - programs.decay_residuals(theta - step, T, DECAY))
        np.testing.assert_allclose(J[:, column], want / 2e-6, rtol=1e-6, atol=1e-8)
    r = programs.decay_residuals(theta, T, DECAY)
    curvature = adjoint.hessian(programs.weighted_decay_residuals)(theta, T, DECAY, r)
    true = adjoint.hessian(programs.decay_least_squares)(theta, T, DECAY)
    np.testing.assert_allclose(true, J.T @ J + curvature, rtol=1e-10, atol=1e-12)
    columns = [gradient_differences(programs.weighted_decay_residuals, (theta, T, DECAY, r), 0, unit) for unit in
               np.eye(3)]
    np.testing.assert_allclose(curvature, np.stack(columns, axis=1), rtol=SECOND_RTOL, atol=SECOND_ATOL)


def test_normal_modes_of_a_spring_network():
    """The Hessian of the potential at rest: symmetric, its eigenvalues those of the differences of
    the gradient, three zero modes (two translations, a rotation) of a planar network at rest."""
    pos = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    edges, rest = [(0, 1), (1, 2), (2, 3), (3, 0), (0, 2)], [1.0, 1.0, 1.0, 1.0, np.sqrt(2.0)]
    H = adjoint.hessian(programs.spring_network)(pos, edges, rest, 3.0).reshape(8, 8)
    np.testing.assert_allclose(H, H.T, atol=1e-12)
    columns = [gradient_differences(programs.spring_network, (pos, edges, rest, 3.0), 0, unit.reshape(4, 2))
               for unit in np.eye(8)]
    modes = np.linalg.eigvalsh(H)
    np.testing.assert_allclose(modes, np.linalg.eigvalsh(np.stack(columns, axis=1)), atol=1e-6)
    assert np.sum(np.abs(modes) < 1e-9) == 3 and np.all(modes[3:] > 1e-3)


@pytest.mark.parametrize("a, b", [(0.3, np.full((2, 3), 0.7)), (np.array([[0.3, -0.2, 0.5]]), np.full((2, 3), 0.7))],
                         ids=["number", "row"])
def test_logsumexp_weights_widening_the_values_are_refused_at_the_line(a, b):
    """`logsumexp(a, b=b)` with a b that a broadcasts to (a number, a row against a matrix): its
    derivatives raised ValueError bringing the result back to a's shape; refused now, in every mode."""
    func = programs.weighted_logsumexp
    where = f"second37_programs.py:{marked_line(func, 'weights-widen')}:"
    for wrt in (0, 1):
        args = (copy.deepcopy(a), b.copy())
        tangent = tangent_for(args[wrt])
        modes = [lambda: adjoint.grad(func, wrt=wrt)(*args), lambda: adjoint.vjp(func, wrt=wrt)(*args)[1](1.0),
                 lambda: adjoint.jvp(func, wrt=wrt)(*args, tangent), lambda: adjoint.hvp(func, wrt=wrt)(*args, tangent)]
        for mode in modes:
            with pytest.raises(adjoint.AdjointError) as refused:
                mode()
            assert where in str(refused.value), str(refused.value)


def test_logsumexp_weights_of_fewer_dimensions_are_exact():
    args = (RNG.normal(size=(2, 3)), 0.5 + RNG.random(3))
    for wrt in (0, 1):
        check_every_mode(programs.weighted_logsumexp, copy.deepcopy(args), wrt=wrt)
