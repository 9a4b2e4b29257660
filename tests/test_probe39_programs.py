"""The programs of probe39_programs.py, in every mode against central differences and, where it runs
them and gets them right, autograd (whose gradients of np.full_like's fill value, of np.linalg.cholesky
of a matrix not symmetric and of np.concatenate of a list holding a number are not the functions'): each
differentiated argument in grad, value_and_grad, vjp, jvp and hvp (and grad of grad for a number),
the values of value_and_grad, vjp and jvp the function's own bit for bit, the arguments left as they
were; refusals naming the user's line in every mode that refuses (vjp's pullback run too), and
forward mode exact where it does not refuse.

What was wrong:
- a record's class's own methods behind Python's syntax were ignored: `p + q`, `2.0 * p`, `-p`,
  `p[i]`, `abs(p)` and `float(p)` on a dataclass or NamedTuple were differentiated as arithmetic and
  indexing of its fields. An Interval whose `__add__` is `Interval(lo + lo', hi * hi')` had the
  derivative of `Interval(lo + lo', hi + hi')` (grad 2.0 where the slope is 4.0, a jvp of 2.0 for
  0.5), a NamedTuple whose `__getitem__` doubles the item had half its gradient, `abs(p)` of a
  record defining `__abs__` had the gradient 0 and `float(p)` the derivative 0; other operators
  (`*`, unary `-`, `p[i]` of a class with a `__getitem__`) crashed inside the derivative. Where the
  record's class is known the syntax calls the method, differentiated as any method
  (normalize/record_operators.py; an item of a list of records of one known class too, `rs[0] + rs[1]`,
  since probe 42); where it is not (a record a method or a user function returns, sum's items), an
  operand whose class defines the operator in Python
  is refused at the line when the derivative runs (analysis/record_arithmetic.py), as sum(...),
  pow(...) and operator.add(...) (functools.reduce's) of such objects are. `list(p)` of a record whose
  class defines `__iter__` had the gradient 0 (list(...) taken for the copy of a list), and a loop
  over it crashed in the derivative; both are refused at the line.
- the second derivative of np.linalg.det at a matrix singular to rounding (a rank-2 3x3 matrix whose
  LU factors have no exact zero) was noise (an hvp of 0, 4, -8, 16, ...): its two terms, each of the
  order of cond(A), cancel; only a matrix np.linalg.inv refused was refused. It is refused where
  the condition number leaves fewer than 8 digits.
- a function with positional-only parameters (`def f(x, y, /)`) crashed in vjp (NameError: the
  backward half lacked them) and, called from a differentiated function, in jvp (KeyError): the
  parameters are read as positional ones now.

Refused when probed, differentiated since: a set comprehension (`{i % 3 for i in range(n)}`, read as
set() of a list comprehension), a slice of a list written into (`ys = xs[:]; ys[0] = ...`, taken for a
view of xs), `np.take(..., mode="wrap" or "clip")`, `np.vander(..., increasing=True)` and
`scipy.stats.halfcauchy` (a hierarchical model's prior on a scale); by the same stop's other work, a
write through a view read afterwards (`b = a[:3]; b *= 2.0`) and `np.logspace`.
"""
from __future__ import annotations

import numpy as np
import pytest

import probe39_programs as programs
import adjoint
from every_mode import check_program, check_refused_at
from soundness import marked_line

pytest.importorskip("scipy")

RNG = np.random.default_rng(39)
X = RNG.normal(size=(5, 2))
Y = np.sin(X[:, 0]) + 0.1 * RNG.normal(size=5)
A2 = np.array([[1.0, 0.1], [0.0, 1.0]])
B2 = np.array([[0.0], [0.1]])
IMG = RNG.normal(size=(5, 6))
SEQ = [RNG.normal(size=2) for _ in range(4)]
GRU = {"Wz": 0.5 * RNG.normal(size=(3, 5)), "Wr": 0.5 * RNG.normal(size=(3, 5)), "Wh": 0.5 * RNG.normal(size=(3, 5))}
SPD = np.array([[2.0, 0.3, 0.1], [0.3, 1.5, 0.2], [0.1, 0.2, 1.0]])
V5 = np.array([0.3, -1.2, 0.8, 1.5, -0.4])
UNSYM = np.array([[1.2, 0.4, -0.3], [0.9, 0.8, 0.5], [-0.6, 0.2, 1.5]])
SINGULAR = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 0.2], [1.5, 1.0, 3.2]])  # row 3 = row 1 + row 2
V6 = np.array([0.3, -1.2, 0.8, 1.5, -0.4, 0.9])

# (name, args, positions, positions autograd runs, positions whose second derivative is refused)
CASES = [
    ("view_vs_copy", (V5,), (0,), (), ()),  # (autograd: no writes into arrays)
    ("linspace_endpoints", (0.3, 1.4), (0, 1), (), ()),  # (autograd: no vjp of np.logspace)
    ("sir_euler", (0.9, 0.3), (0, 1), (0, 1), ()),
    ("seir_rk4", (0.9, 0.4, 0.3), (0, 1, 2), (0, 1, 2), ()),
    ("sir_fit_loss", (-0.1, -1.2, np.array([0.06, 0.07, 0.08, 0.085, 0.09])), (0, 1), (0, 1), ()),
    ("r0_from_growth", (np.array([0.1, 0.2, 0.15]), 4.0), (0, 1), (), ()),
    ("lqr_rollout_cost", (np.array([[0.5, 0.8]]), A2, B2, np.array([1.0, -0.5])), (0, 3), (0,), ()),
    ("mpc_cost", (np.array([0.5, 1.0, 0.3, -0.2, 0.1]), (0.0, 0.2)), (0, 1), (0, 1), ()),
    ("cartpole_cost", (np.array([20.0, 3.0]), 0.1), (0, 1), (), ()),
    ("pid_tracking", (2.0, 0.5, 0.05), (0, 1, 2), (0, 1, 2), ()),
    ("arm_reach_loss", (np.array([0.3, 0.5, -0.2]), np.array([1.0, 0.8, 0.5]), np.array([1.2, 1.0])), (0, 1), (0, 1),
     ()),
    ("spatial_arm", (np.array([0.3, 0.5, -0.2]),), (0,), (0,), ()),
    ("quaternion_alignment", (np.array([0.9, 0.1, 0.3, -0.2]), np.array([1.0, 0.5, -0.3]), np.array([0.2, 1.0, 0.4])),
     (0, 1), (0, 1), ()),
    ("axis_angle_quaternion", (np.array([0.3, 0.5, 0.8]), 0.7), (0, 1), (0,), ()),
    ("bezier_length", (np.array([[0.0, 0.0], [0.5, 1.0], [1.5, 1.2], [2.0, 0.0]]),), (0,), (0,), ()),
    ("ray_plane", (np.array([0.0, 0.0, -3.0]), np.array([0.1, 0.05, 1.0]), np.array([0.1, 0.2, 1.0]), 0.5),
     (0, 1, 2, 3), (0, 1, 2, 3), ()),
    ("pinhole_reprojection", (np.array([[0.1, 0.2, 2.0], [-0.3, 0.1, 3.0], [0.2, -0.2, 2.5]]), 500.0, 320.0, 240.0,
                              np.array([[345.0, 290.0], [270.0, 257.0], [360.0, 200.0]])), (0, 1, 2), (), ()),
    ("barycentric_weights", (np.array([0.3, 0.2]), np.array([[0.0, 0.0], [1.0, 0.1], [0.2, 1.0]])), (0, 1), (0, 1), ()),
    ("tv_denoise_energy", (IMG, IMG + 0.1), (0,), (0,), ()),
    ("separable_blur", (IMG, 1.2), (0, 1), (), ()),
    ("sobel_energy", (IMG,), (0,), (), ()),
    ("flipped_symmetry_loss", (IMG,), (0,), (0,), ()),
    ("gru_sequence", (GRU, SEQ), (0, 1), (0, 1), ()),
    ("lstm_sequence", (0.5 * RNG.normal(size=(8, 5)), SEQ), (0, 1), (0, 1), ()),
    ("class_mlp_loss", (0.5 * RNG.normal(size=(2, 3)), RNG.normal(size=3), RNG.normal(size=3), X, Y), (0, 1, 2),
     (0, 1, 2),
     ()),
    ("vae_loss", (0.5 * RNG.normal(size=(3, 4)), 0.5 * RNG.normal(size=(2, 3)), np.array([0.2, 0.7, 0.4]),
                  np.array([0.3, -1.1])), (0, 1), (0, 1), ()),
    ("multi_head_attention", (RNG.normal(size=(3, 4)), 0.5 * RNG.normal(size=(4, 4)), 0.5 * RNG.normal(size=(4, 4)),
                              0.5 * RNG.normal(size=(4, 4))), (0, 1, 3), (0, 1, 3), ()),
    ("rms_norm_block", (RNG.normal(size=(2, 4)), RNG.normal(size=4)), (0, 1), (0, 1), ()),
    ("layer_norm_residual", (RNG.normal(size=(2, 4)), RNG.normal(size=4), RNG.normal(size=4)), (0, 1, 2), (0, 1, 2),
     ()),
    ("contrastive_loss", (RNG.normal(size=(3, 2)), RNG.normal(size=(3, 2))), (0, 1), (), ()),
    ("soft_rank_loss", (V5, np.array([2.0, 1.0, 3.0, 5.0, 4.0])), (0,), (0,), ()),
    ("gumbel_softmax", (RNG.normal(size=4), RNG.gumbel(size=4)), (0,), (0,), ()),
    ("conv_net", (V6, np.array([0.5, -0.3]), np.array([0.2, 0.7, -0.1])), (0, 1, 2), (0, 1, 2), ()),
    ("focal_loss", (V5, np.array([1, 0, 1, 1, 0])), (0,), (0,), ()),
    ("hierarchical_log_joint", (0.3, -0.2, np.array([0.1, 0.5, -0.3]), np.array([0.4, 0.9, -0.5]),
                                np.array([0.5, 0.6, 0.4])), (0, 1, 2), (), ()),
    ("gp_two_hyper", (-0.2, 0.1, X, Y), (0, 1, 2), (), ()),
    ("gp_predictive_mean", (-0.2, X, Y, RNG.normal(size=(2, 2))), (0, 1, 3), (0, 1, 3), ()),
    ("beta_binomial_loglik", (0.3, 0.5, np.array([2.0, 5.0, 1.0]), np.array([6.0, 8.0, 4.0])), (0, 1), (), ()),
    ("dirichlet_multinomial", (np.array([1.2, 0.7, 2.5]), np.array([3.0, 1.0, 4.0])), (0,), (), ()),
    ("robust_regression_studentt", (np.array([0.4, -0.3]), X, Y), (0,), (), ()),
    ("logistic_map_estimate", (np.array([0.4, -0.3]), X, np.array([1.0, 0.0, 1.0, 1.0, 0.0])), (0, 1), (0, 1), ()),
    ("wishart_like", (np.array([1.2, 0.3, 0.9]), SPD[:2, :2]), (0,), (), ()),
    ("eigen_energy", (RNG.normal(size=(3, 3)),), (0,), (0,), ()),
    ("det_and_inverse", (SPD + 0.1 * RNG.normal(size=(3, 3)),), (0,), (0,), ()),
    ("solve_normal_equations", (X, Y, 0.3), (0, 1, 2), (0, 1, 2), ()),
    ("power_iteration", (SPD,), (0,), (0,), ()),
    ("einsum_bilinear", (RNG.normal(size=3), RNG.normal(size=(3, 3)), RNG.normal(size=3)), (0, 1, 2), (0, 1, 2), ()),
    ("frobenius_orthogonality", (RNG.normal(size=(3, 2)),), (0,), (0,), ()),
    ("comprehension_filters", (V5,), (0,), (0,), ()),
    ("sorted_by_lambda", (V5,), (0,), (0,), ()),
    ("max_by_key", (V5, np.array([0.1, 0.9, 0.3, 0.2, 0.5])), (0,), (0,), ()),
    ("any_all_guard", (0.7,), (0,), (0,), ()),
    ("star_unpacking", (V5,), (0,), (0,), ()),
    ("param_dict_training", (0.3, -0.5), (0, 1), (0, 1), ()),
    ("while_with_counter", (0.7,), (0,), (0,), ()),
    ("early_return_in_loop", (V5, 1.3), (0, 1), (0, 1), ()),
    ("enumerate_zip", (V5, V5[::-1].copy()), (0, 1), (0, 1), ()),
    ("reversed_and_negative_steps", (V5,), (0,), (0,), ()),
    ("where_and_masks", (V5,), (0,), (0,), ()),
    ("fancy_index_gather", (V5, np.array([0, 2, 2, 4])), (0,), (0,), ()),
    ("inplace_slice_add", (V5,), (0,), (), ()),
    ("stack_split_concat", (V6,), (0,), (0,), ()),
    ("set_of_indices", (V5,), (0,), (0,), ()),
    ("tuple_returns", (0.7, 0.4), (0, 1), (), ()),
    ("chained_comparisons", (0.7,), (0,), (0,), ()),
    ("chained_comparisons", (1.7,), (0,), (0,), ()),
    ("chained_comparisons", (3.7,), (0,), (), ()),  # (autograd: math.log)
    ("mapped_and_filtered", ([0.3, -0.2, 0.9, 0.1],), (0,), (0,), ()),
    ("zip_star_transpose", ([[0.3, 1.2, 0.5], [-0.4, 0.8, 0.1]],), (0,), (0,), ()),
    ("min_max_builtins", (0.3, 1.2, -0.5), (0, 1, 2), (0, 1, 2), ()),
    ("dataclass_call", (0.3, 1.2, -0.5), (0, 1, 2), (0, 1, 2), ()),
    ("running_min_max", (V5,), (0,), (0,), ()),
    ("cumulative_product_list", ([0.3, 1.2, -0.5, 0.8],), (0,), (0,), ()),
    ("argsort_weights", (V5, np.arange(5.0)), (0, 1), (0, 1), ()),
    ("clip_and_round_trip", (V5,), (0,), (), ()),
    ("broadcast_outer_product", (np.array([0.3, 1.2, -0.5]), np.array([0.8, -0.2, 0.4, 1.1])), (0, 1), (), ()),
    ("np_norm_variants", (V5,), (0,), (), ()),
    ("integer_power_loop", (0.7,), (0,), (0,), ()),
    ("string_keyed_schedule", (0.1,), (0,), (0,), ()),
    ("nested_list_matrix", (0.7,), (0,), (0,), ()),
    ("eigh_of_unsymmetric", (UNSYM,), (0,), (0,), ()),
    ("eigvalsh_upper", (UNSYM,), (0,), (), ()),
    ("cholesky_lower_read", (SPD + np.triu(UNSYM, 1),), (0,), (), ()),
    ("scipy_cholesky_upper", (SPD + np.tril(UNSYM, -1),), (0,), (), ()),
    ("einsum_implicit", (UNSYM, RNG.normal(size=(3, 3))), (0, 1), (0, 1), ()),
    ("einsum_diagonal", (UNSYM,), (0,), (), ()),
    ("take_modes", (V5,), (0,), (), ()),
    ("pad_modes", (V5,), (0,), (), ()),
    ("duplicate_index_writes", (V5, np.array([0.7, -0.3, 1.9])), (0, 1), (), ()),
    ("det_singular", (SINGULAR,), (0,), (0,), (0,)),
    ("vdot_tensordot", (np.array([0.3, -1.2, 0.8]), UNSYM), (0, 1), (0,), ()),
    ("norm_orders", (np.array([0.3, -1.2, 0.8, 1.5]), UNSYM), (0, 1), (), (1,)),
    ("ddof_and_where", (V5,), (0,), (), ()),
    ("median_even", (V6,), (0,), (), ()),
    ("sort_descending_weights", (V5,), (0,), (0,), ()),
    ("ufunc_reduce_accumulate", (V5,), (0,), (), ()),
    ("axis_shuffles", (RNG.normal(size=(2, 3, 4)),), (0,), (0,), ()),
    ("repeats_and_tiles", (np.array([0.3, -1.2, 0.8]),), (0,), (), ()),
    ("diff_higher_order", (V6,), (0,), (0,), ()),
    ("triangular_parts", (UNSYM,), (0,), (), ()),
    ("clip_by_arrays", (V5, np.full(5, -0.5), np.array([1.0, 1.0, 0.5, 1.0, 2.0])), (0, 1, 2), (0,), ()),
    ("cross_kron_outer", (np.array([0.3, -1.2, 0.8]), np.array([1.1, 0.4, -0.6])), (0, 1), (0, 1), ()),
    ("matrix_power_and_expm", (0.5 * UNSYM,), (0,), (), ()),
    ("svd_values", (RNG.normal(size=(3, 2)),), (0,), (0,), ()),
    ("pinv_residual", (RNG.normal(size=(4, 2)), RNG.normal(size=4)), (0, 1), (0, 1), ()),
    ("logsumexp_weighted", (np.array([0.3, -1.2, 0.8, 1.5]), np.array([0.5, 1.0, 2.0, 0.3])), (0, 1), (), ()),
    ("special_functions", (np.array([0.3, 1.2, 0.8, 1.5]),), (0,), (), ()),
    ("poisson_gamma_lik", (np.array([0.3, -0.2, 0.8]), np.array([1.0, 0.0, 3.0]), 2.5), (0, 2), (), ()),
    ("multivariate_normal_lik", (np.array([0.3, -0.2]), X[:4], SPD[:2, :2]), (0, 1, 2), (), ()),
    ("batched_solve", (SPD + 0.2 * RNG.normal(size=(2, 3, 3)), RNG.normal(size=(3, 2))), (0, 1), (0,), ()),
    ("solve_matrix_rhs", (SPD + 0.2 * UNSYM, RNG.normal(size=(3, 2))), (0, 1), (), ()),
    ("modulo_and_floor", (np.array([0.3, 1.2, -0.8, 2.45, -1.6]),), (0,), (), ()),
    ("where_scalar_branches", (V5, np.array([0.1, -0.5, 1.0, 0.2, 0.3])), (0, 1), (0, 1), ()),
    ("int_array_to_float", (np.array([0.3, 1.2, 0.8, 1.5]), np.array([1, 2, 3, 2])), (0,), (0,), ()),
    ("diagonal_assignment", (UNSYM, np.array([0.3, -1.2, 0.8])), (0, 1), (), (0, 1)),
    ("grid_indexing", (UNSYM,), (0,), (0,), ()),
    ("masked_inplace_scale", (UNSYM,), (0,), (), (0,)),
    ("negative_step_write", (V5,), (0,), (), ()),
    ("dot_of_stacks", (RNG.normal(size=(2, 3)), RNG.normal(size=(2, 3, 4))), (0, 1), (0, 1), ()),
    ("outer_and_kron_of_matrices", (RNG.normal(size=(2, 3)), RNG.normal(size=(3, 2))), (0, 1), (), ()),
    ("roll_and_flip_without_axis", (RNG.normal(size=(2, 3)),), (0,), (), ()),
    ("resize_append_insert_delete", (np.array([0.3, -1.2, 0.8, 1.5]), np.array([1.1, 0.4])), (0, 1), (), ()),
    ("stacking_variants", (np.array([0.3, -1.2, 0.8]), np.array([1.1, 0.4, -0.6])), (0, 1), (0, 1), ()),
    ("array_split_uneven", (np.array([0.3, -1.2, 0.8, 1.5, 0.7, -0.2, 0.4]),), (0,), (0,), ()),
    ("filled_from_scalars", (0.3, 1.4, -0.6), (0, 1, 2), (0, 1), ()),
    ("einsum_ellipsis_and_repeats", (RNG.normal(size=(3, 3, 3)), RNG.normal(size=(3, 3, 2))), (0, 1), (1,), ()),
    ("tensordot_pairs", (RNG.normal(size=(2, 3, 4)), RNG.normal(size=(3, 2, 4))), (0, 1), (0, 1), ()),
    ("stacked_matmul_and_multi_dot", (RNG.normal(size=(2, 3, 3)), RNG.normal(size=3)), (0, 1), (0, 1), ()),
    ("norms_over_axes", (RNG.normal(size=(2, 3, 4)),), (0,), (), ()),
    ("reductions_over_axis_tuples", (RNG.normal(size=(2, 3, 4)),), (0,), (), ()),
    ("sort_along_axes", (RNG.normal(size=(3, 2)),), (0,), (), ()),
    ("vander_and_correlate", (np.array([0.3, -1.2, 0.8, 1.5]), np.array([1.1, 0.4, -0.6])), (0, 1), (), ()),
    ("trace_and_diagonal_3d", (RNG.normal(size=(3, 2, 3)),), (0,), (), ()),
    ("squeeze_and_expand", (np.array([0.3, -1.2, 0.8, 1.5]),), (0,), (), ()),
    ("correlate_complex_free", (np.array([0.3, -1.2, 0.8, 1.5]),), (0,), (), ()),
    ("zero_base_power", (np.array([0.3, 1.2, 0.8]), np.array([1.1, 0.4, 0.6])), (0, 1), (0, 1), ()),
    ("where_broadcast_scalar", (V5, 0.1), (0, 1), (0,), ()),
    ("sum_of_array_list", (V5,), (0,), (0,), ()),
    ("positional_only", (0.7, 1.3), (0, 1), (0, 1), ()),
    ("calls_positional_only", (V5, 1.3), (0, 1), (0, 1), ()),
    ("list_slice_copy", ([0.3, 1.2, -0.5],), (0,), (), ()),
    ("list_tail_rebuilt", ([0.3, 1.2, -0.5],), (0,), (), ()),
    ("reversed_list_copy", ([0.3, 1.2, -0.5],), (0,), (), ()),
    ("list_of_arrays_slice", (np.array([0.3, 1.2, -0.5]),), (0,), (0,), ()),
    ("complex_records", (0.7, 1.3), (0, 1), (0, 1), ()),
    ("record_parameters_added", (programs.Interval(0.7, 1.3), programs.Interval(0.2, -0.5)), (0, 1), (), ()),
    ("items_of_an_object", ([0.5, -1.0, 2.0], 0.7), (0, 1), (0, 1), ()),
    ("namedtuple_with_add", (0.7, 1.3), (0, 1), (0, 1), ()),
    ("set_of_pairs", (np.array([0.3, -1.2, 0.8]),), (0,), (0,), ()),
    ("abs_and_float_of_records", (programs.Polar(0.6, -0.8), 0.7, 1.3), (0, 1, 2), (), ()),
    ("records_from_a_list_added", (0.7, 1.3), (0, 1), (), ()),
]


@pytest.mark.parametrize("name, args, positions, with_autograd, first_order_only", CASES,
                         ids=[f"{case[0]}-{n}" for n, case in enumerate(CASES)])
def test_every_argument_in_every_mode(name, args, positions, with_autograd, first_order_only):
    check_program(getattr(programs, name), args, positions, with_autograd, first_order_only)


# (func, args, differentiated positions, marker of the line named)
REFUSED = [
    (programs.closures_in_loop, (0.7,), (0,), "lambda-default-loop-variable"),
    (programs.late_binding_closure, (0.7,), (0,), "lambda-stored"),
    (programs.nested_function_accumulator, (0.7,), (0,), "callee-writes-closure-list"),
    (programs.dict_of_lists, (V5,), (0,), "append-to-dict-item"),
    (programs.sequential_model, (RNG.normal(size=6), RNG.normal(size=2), RNG.normal(size=3)), (0, 1),
     "object-with-reshape-init"),
    (programs.polynomial_module_order, (np.array([0.5, -1.0, 2.0]), np.array([0.3, -0.7, 1.1, 2.0])), (0, 1),
     "polynomial-polyval"),
    (programs.product_with_zero, (np.array([0.5, 0.0, 1.3, -0.7]),), (0,), "cumprod-at-zero"),
    (programs.complex_rotation, (0.7, np.array([0.3, -1.2, 0.8])), (0, 1), "complex-literal"),
    (programs.cross_of_2d_and_axes, (np.array([0.3, -1.2, 0.8]), np.array([1.1, 0.4, -0.6])), (0, 1), "cross-axes"),
    (programs.unique_values, (np.array([0.3, -1.2, 0.8, 1.6]),), (0,), "unique"),
    (programs.flat_and_item, (V6,), (0,), "flat"),
    (programs.slice_shares_the_arrays, (np.array([0.3, 1.2, -0.5]),), (0,), "item-of-sliced-list"),
    (programs.records_added_in_a_chain, (0.7, 1.3), (0, 1), "record-of-unknown-class-added"),
    (programs.records_summed, (0.7, 1.3), (0, 1), "sum-of-records"),
    (programs.records_added_by_operator, (0.7, 1.3), (0, 1), "operator-add-of-records"),
    (programs.record_listed, (0.7, 1.3), (0, 1), "list-of-iterable-record"),
    (programs.loop_over_iterable_record, (programs.Swapped(0.7, 1.3),), (0,), "loop-over-iterable-record"),
    (programs.set_of_values, (np.array([0.3, -1.2, 0.8]),), (0,), "set-of-values"),
    (programs.abs_of_a_returned_record, (0.7, 1.3), (0, 1), "abs-of-returned-record"),
    (programs.namedtuple_items_doubled, (programs.Doubled(0.7, 1.3), 0.4), (0,), "tuple-getitem"),
]


@pytest.mark.parametrize("func, args, positions, marker", REFUSED, ids=[case[3] for case in REFUSED])
def test_refused_naming_the_users_line(func, args, positions, marker):
    check_refused_at(func, args, positions, f"probe39_programs.py:{marked_line(func, marker)}:", RNG)


def test_second_derivative_of_det_where_rounding_leaves_the_matrix_invertible_is_refused():
    """A singular matrix whose LU factors, rounded, have no zero pivot: inv gives entries of 1e16, whose
    terms in the second derivative cancel to rounding noise (an hvp of 0, 4, -8, 16, ...)."""
    assert np.isfinite(np.linalg.inv(SINGULAR)).all()
    with pytest.raises(adjoint.AdjointError, match="singular matrix") as refused:
        adjoint.hvp(programs.det_singular)(SINGULAR, np.ones((3, 3)))
    assert f"probe39_programs.py:{marked_line(programs.det_singular, 'det-of-singular')}:" in str(refused.value)


def test_a_set_of_differentiated_values_is_refused_as_a_set():
    """Not with the advice to register a rule for `set`, or to declare it constant (which would drop the
    derivative of what the set holds)."""
    with pytest.raises(adjoint.AdjointError, match="a set's order is not the order of its items") as refused:
        adjoint.grad(programs.set_of_values)(np.array([0.3, -1.2, 0.8]))
    assert "non_differentiable" not in str(refused.value)
