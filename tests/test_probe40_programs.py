"""The programs of probe40_programs.py, in every mode against central differences and, where it runs
them, autograd: each differentiated argument in grad, value_and_grad, vjp, jvp and hvp (and grad of
grad for a number), the values of value_and_grad, vjp and jvp the function's own bit for bit, the
arguments left as they were; refusals naming the user's line in every mode that refuses.

What was wrong:
- jvp of a loop over a list of dataclass records built in the function (`layers = [Layer(W1, b1),
  Layer(W2, b2)]`, then `x = layer(x)`) crashed with ValueError in `layer.W @ x` for any argument but x:
  the record that carries no tangent had the symbolic zero 0.0 as its tangent, and `0.0 @ x` fails. It
  gets the dict of its fields' zeros, as a record built with a tangent does.

Refused when probed, differentiated since: an object of a plain class whose `__init__` stores its
parameters by one tuple assignment (`self.W, self.b = W, b`), and of a plain class with a base class of
shared methods and no `__init__` of its own (`class Linear(Module)`), and of a plain class with no
`__init__` at all (`Centering()`, an object of static methods and class constants), and of a subclass
that inherits its `__init__` (`class TanhBlock(Block)` overriding a method); objects built in a parallel
assignment (`a, b = Block(W1), Block(W2)`) have their methods called as those built one by one;
scipy.stats.logistic.logcdf and scipy.stats.nbinom.logpmf (rules of their own now; nbinom's in `n` too).
"""
from __future__ import annotations

import re

import numpy as np
import pytest

import adjoint
import probe40_programs as programs
from every_mode import check_program, check_refused_at, skip_without_scipy
from soundness import central_differences, marked_line

RNG = np.random.default_rng(40)
X = RNG.normal(size=(5, 2))
Y = np.sin(X[:, 0]) + 0.1 * RNG.normal(size=5)
LABELS = np.array([1.0, 0.0, 1.0, 1.0, 0.0])
SIGNS = np.array([1.0, -1.0, 1.0, 1.0, -1.0])
V5 = np.array([0.3, -1.2, 0.8, 1.5, -0.4])
SPD = np.array([[2.0, 0.3, 0.1], [0.3, 1.5, 0.2], [0.1, 0.2, 1.0]])
A3 = np.array([[1.2, 0.4, -0.3], [0.9, 1.8, 0.5], [-0.6, 0.2, 1.5]])
YS = np.array([0.1, 0.5, 0.8, 1.4, 1.9, 2.2])

# (name, args, positions, positions autograd runs, positions whose second derivative is refused)
CASES = [
    ("gp_marginal_likelihood", (-0.2, 0.1, X, Y), (0, 1, 2, 3), (), (0, 1, 2, 3)),
    ("gp_loglik_with_solve", ({"ls": 0.8, "var": 1.2, "noise": 0.3}, X, Y), (0, 1, 2), (), (0, 1)),
    ("vae_loss_seeded", (0.5 * RNG.normal(size=(4, 3)), 0.5 * RNG.normal(size=(3, 2)), np.array([0.2, 0.7, 0.4])),
     (0, 1, 2), (0, 1, 2), ()),
    ("vae_multi_sample", (0.5 * RNG.normal(size=(4, 3)), 0.5 * RNG.normal(size=(3, 2)), np.array([0.2, 0.7, 0.4])),
     (0, 1, 2), (0, 1, 2), ()),
    ("kalman_loglik", (0.2, 0.5, YS), (0, 1, 2), (0, 1, 2), ()),
    ("scalar_kalman", (0.9, 0.3, list(YS)), (0, 1, 2), (), ()),
    ("pendulum_rk4", (0.8, 9.8), (0, 1), (), ()),
    ("pendulum_until_swing", (0.8, 9.8), (0, 1), (), ()),
    ("nbody_energy_after", (np.array([[0.0, 0.0], [1.0, 0.2], [0.3, 1.1]]), np.array([1.0, 0.5, 0.8])), (0, 1),
     (), (0, 1)),
    ("leapfrog_harmonic", (0.7, 0.2, 1.3), (0, 1, 2), (0, 1, 2), ()),
    ("spring_chain", (np.array([1.0, 2.0, 1.5]), [0.0, 1.1, 2.3, 3.2]), (0, 1), (), (0, 1)),
    ("adaptive_euler", (1.3,), (0,), (0,), ()),
    ("orbit_until_close", (1.1, (1.0, 0.0)), (0, 1), (), ()),
    ("sgd_with_config", (np.array([0.3, 0.2, -0.4]), 0.1), (0, 1), (), ()),
    ("namedtuple_linear", (programs.Params(np.array([0.3, -0.5]), 0.2), X, Y), (0, 1), (1,), ()),
    ("namedtuple_built_inside", (np.array([0.3, -0.5]), 0.2, X, Y), (0, 1), (0, 1), ()),
    ("stateful_accumulator", ([0.3, -0.5, 1.2, 0.4],), (0,), (0,), ()),
    ("causal_attention", (RNG.normal(size=(3, 4)), 0.5 * RNG.normal(size=(4, 4)), 0.5 * RNG.normal(size=(4, 4)),
                          0.5 * RNG.normal(size=(4, 4))), (0, 1, 2, 3), (0, 1, 2, 3), ()),
    ("log_softmax_nll", (RNG.normal(size=(4, 3)), [0, 2, 1, 1]), (0,), (0,), ()),
    ("transformer_block", (RNG.normal(size=(3, 4)), 0.5 * RNG.normal(size=(4, 4)), 0.5 * RNG.normal(size=(4, 4)),
                           0.5 * RNG.normal(size=(4, 4)), 1.0 + 0.1 * RNG.normal(size=4), 0.1 * RNG.normal(size=4)),
     (0, 1, 2, 3, 4, 5), (0, 1, 2, 3, 4, 5), ()),
    ("batchnorm_train", (RNG.normal(size=(4, 3)), RNG.normal(size=3), RNG.normal(size=3)), (0, 1, 2), (0, 1, 2), ()),
    ("temperature_softmax_entropy", (RNG.normal(size=5), 1.5), (0, 1), (0, 1), ()),
    ("black_scholes_call", (1.1, 1.0, 0.5, 0.02, 0.25), (0, 1, 2, 3, 4), (), ()),
    ("implied_vol_newton", (0.12, 1.1, 1.0, 0.5, 0.02), (0, 1, 2, 3, 4), (), ()),
    ("portfolio_variance", (np.array([0.1, -0.3, 0.4]), SPD), (0, 1), (0, 1), ()),
    ("binomial_tree_put", (0.95, 0.3), (0, 1), (), (0, 1)),
    ("logistic_clipped", (np.array([0.4, -0.3]), X, LABELS), (0, 1), (0, 1), ()),
    ("hinge_and_maximum", (np.array([0.4, -0.3]), X, SIGNS), (0, 1), (0, 1), ()),
    ("softplus_stable", (np.array([0.4, -0.3]), X, LABELS), (0, 1), (0, 1), ()),
    ("huber_where", (V5, 1.0), (0, 1), (0, 1), ()),
    ("newton_sqrt", (2.3,), (0,), (0,), ()),
    ("bisection_root", (0.7,), (0,), (0,), ()),
    ("newton_vector", (np.array([1.5, 0.2]),), (0,), (0,), ()),
    ("fixed_point_cos", (0.8,), (0,), (), ()),
    ("reduce_product", ([0.3, -0.5, 1.2, 0.4],), (0,), (0,), ()),
    ("closure_counter", (0.7,), (0,), (0,), ()),
    ("nested_def_default", (0.7, 1.3), (0, 1), (0, 1), ()),
    ("comprehension_conditions", ([0.3, -1.2, 0.8, 1.5, -0.4],), (0,), (0,), ()),
    ("enumerate_zip_weights", (V5, V5[::-1].copy()), (0, 1), (0, 1), ()),
    ("dict_params_model", ({"W1": RNG.normal(size=(3, 2)), "b1": RNG.normal(size=3), "w2": RNG.normal(size=3),
                            "scale": 0.4}, np.array([0.3, -0.6])), (0, 1), (), ()),
    ("list_params_model", ([RNG.normal(size=(3, 2)), RNG.normal(size=3)], np.array([0.3, -0.6])), (0, 1), (0, 1), ()),
    ("inplace_updates", (V5,), (0,), (), (0,)),
    ("einsum_contractions", (A3, SPD, np.array([0.3, -1.2, 0.8])), (0, 1, 2), (), ()),
    ("cumsum_cumprod", (V5,), (0,), (), ()),
    ("linalg_mix", (A3, np.array([0.3, -1.2, 0.8])), (0, 1), (0, 1), ()),
    ("rng_in_callee", (0.7,), (0,), (0,), ()),
    ("rng_dropout", (np.array([0.3, -0.6]), RNG.normal(size=(5, 2))), (0, 1), (0, 1), ()),
    ("rng_uniform_perturbation", (V5,), (0,), (0,), ()),
    ("swap_in_place", (np.array([0.3, -0.5, 1.2, 0.4]),), (0,), (), ()),
    ("tuple_accumulators", (0.7, 1.3), (0, 1), (0, 1), ()),
    ("early_return_branches", (0.7,), (0,), (0,), ()),
    ("early_return_branches", (2.7,), (0,), (0,), ()),
    ("early_return_branches", (-3.0,), (0,), (0,), ()),
    ("while_else_search", (0.7,), (0,), (), ()),
    ("while_else_search", (9.0,), (0,), (), ()),
    ("use_recursive_power", (0.7,), (0,), (0,), ()),
    ("sorted_by_key_weights", (V5,), (0,), (0,), ()),
    ("argmax_pick", (np.array([0.3, -0.6]), RNG.normal(size=(4, 2))), (0, 1), (0, 1), ()),
    ("fill_diagonal_and_put", (A3, np.array([0.3, -1.2, 0.8])), (0, 1), (), ()),
    ("integer_index_loop_accumulate", (V5, [0, 1, 1, 2, 0]), (0,), (), (0,)),
    ("duplicated_fancy_add", (V5,), (0,), (), ()),
    ("np_add_at_scatter", (V5,), (0,), (), ()),
    ("ravel_flatten_mix", (A3,), (0,), (0,), ()),
    ("outer_loop_matrix_build", (np.array([0.3, -1.2, 0.8]),), (0,), (), ()),
    ("symmetric_from_triangle", (np.array([1.3, 0.2, -0.9, 0.4, 0.1, 1.7]),), (0,), (), ()),
    ("norm_variants", (A3,), (0,), (), (0,)),
    ("eig_symmetric_loss", (A3,), (0,), (0,), ()),
    ("qr_regression", (RNG.normal(size=(5, 2)), Y), (0, 1), (), ()),
    ("lstsq_fit", (RNG.normal(size=(5, 2)), Y), (0, 1), (), ()),
    ("matrix_exp_series", (0.5 * A3,), (0,), (0,), ()),
    ("cumsum_axis_and_diff", (RNG.normal(size=(3, 4)),), (0,), (0,), ()),
    ("where_nan_guard", (V5,), (0,), (0,), ()),
    ("clip_maximum_minimum", (V5, -0.5, 1.0), (0, 1, 2), (), ()),
    ("abs_sign_relu", (V5,), (0,), (), ()),
    ("stable_sigmoid_branches", (V5,), (0,), (), ()),
    ("mean_over_list_of_dicts", ([{"x": 0.3, "y": 1.2}, {"x": -0.5, "y": 0.4}], 0.7), (0, 1), (0, 1), ()),
    ("nested_list_params", ([(RNG.normal(size=(3, 2)), RNG.normal(size=3)), (RNG.normal(size=(2, 3)),
                                                                            RNG.normal(size=2))],
                            np.array([0.3, -0.6])), (0, 1), (0, 1), ()),
    ("dict_update_in_loop", (0.7,), (0,), (0,), ()),
    ("dict_comprehension_weights", ([0.3, -0.5, 1.2, 0.4],), (0,), (0,), ()),
    ("zip_strict_sum", ([0.3, -0.5, 1.2], [1.1, 0.2, -0.7]), (0, 1), (0, 1), ()),
    ("map_with_lambda", ([0.3, -0.5, 1.2],), (0,), (0,), ()),
    ("partial_application", (0.7, 1.3), (0, 1), (0, 1), ()),
    ("global_constant_read", (np.array([0.3, -1.2, 0.8]),), (0,), (0,), ()),
    ("math_mix", (0.7, 0.4), (0, 1), (), ()),
    ("integer_division_and_mod", (0.7,), (0,), (0,), ()),
    ("power_edge_cases", (np.array([0.3, 1.2, 0.8]),), (0,), (0,), ()),
    ("log_sum_exp_axis", (RNG.normal(size=(3, 4)),), (0,), (0,), ()),
    ("mixture_log_likelihood", (np.array([-1.0, 1.0]), np.array([0.1, -0.2]), np.array([0.3, -0.1]), YS - 1.0),
     (0, 1, 2, 3), (0, 1, 2, 3), ()),
    ("em_step_gmm", (np.array([-0.5, 1.0]), YS - 1.0), (0, 1), (0, 1), ()),
    ("pca_reconstruction", (RNG.normal(size=(5, 3)),), (0,), (0,), ()),
    ("ridge_closed_form", (0.3, X, Y), (0, 1, 2), (0, 1, 2), ()),
    ("cross_validation_ridge", (0.3, X, Y), (0, 1, 2), (0, 1, 2), (1, 2)),
    ("poisson_regression", (np.array([0.2, -0.1]), X, np.array([1.0, 0.0, 2.0, 3.0, 1.0])), (0, 1), (0, 1), ()),
    ("ar1_loglik", (0.6, 0.8, YS), (0, 1, 2), (0, 1, 2), ()),
    ("hmm_forward", (RNG.normal(size=(2, 2)), RNG.normal(size=(2, 3)), [0, 2, 1, 1, 0]), (0, 1), (0, 1), ()),
    ("heat_implicit_jacobi", (RNG.normal(size=6), 0.4), (0, 1), (), (0, 1)),
    ("trapezoid_integral", (0.2, 1.3), (0, 1), (), ()),
    ("simpson_by_hand", (1.3,), (0,), (), ()),
    ("scipy_special_mix", (np.array([0.3, 1.2, 0.8, 1.5]),), (0,), (), ()),
    ("scipy_stats_loglik", (0.3, -0.2, YS), (0, 1, 2), (), ()),
    ("scipy_softmax_log", (V5,), (0,), (), ()),
    ("gamma_poisson_scipy", (np.array([0.3, -0.2, 0.8]), np.array([1.0, 0.0, 3.0])), (0,), (), ()),
    ("rng_normal_bootstrap", (0.7, YS), (0,), (0,), ()),
    ("rng_permutation_pairs", (V5,), (0,), (0,), ()),
    ("rng_noise_added_to_parameter", (V5,), (0,), (0,), ()),
    ("rng_integers_index", (V5,), (0,), (0,), ()),
    ("legacy_seed_state", (V5,), (0,), (0,), ()),
    ("monte_carlo_expectation", (0.3, 0.8), (0, 1), (0, 1), ()),
    ("dataclass_layers", (RNG.normal(size=(3, 2)), RNG.normal(size=3), RNG.normal(size=(2, 3)), RNG.normal(size=2),
                          np.array([0.3, -0.6])), (0, 1, 2, 3, 4), (0, 1, 2, 3, 4), ()),
    ("dataclass_prior", (0.7, 1.3), (0, 1), (), ()),
    ("namedtuple_method", (0.7, 1.3), (0, 1), (0, 1), ()),
    ("namedtuple_list_polygon_area", ([0.0, 1.0, 1.2, 0.1], [0.0, 0.1, 1.0, 0.9]), (0, 1), (0, 1), ()),
    ("dataclass_field_default", (V5,), (0,), (0,), ()),
    ("property_on_simple_object", (0.7, 1.3), (0, 1), (0, 1), ()),
    ("assert_and_isinstance", (V5,), (0,), (), ()),
    ("continue_in_nested_loops", (A3,), (0,), (0,), ()),
    ("conditional_expression_chain", (0.7,), (0,), (0,), ()),
    ("conditional_expression_chain", (1.7,), (0,), (), ()),
    ("conditional_expression_chain", (-0.4,), (0,), (0,), ()),
    ("string_format_in_loop", (0.7,), (0,), (), ()),
    ("boolean_ops_guard", (0.7, -0.3), (0, 1), (0, 1), ()),
    ("boolean_ops_guard", (-0.7, -0.3), (0, 1), (0, 1), ()),
    ("global_counter_untouched", (V5,), (0,), (), ()),
    ("nested_comprehension_matrix", (np.array([0.3, -1.2, 0.8]),), (0,), (0,), ()),
    ("max_with_default_and_key", ([0.3, -0.5, 1.2],), (0,), (0,), ()),
    ("min_of_generator", ([0.3, -0.5, 1.2],), (0,), (0,), ()),
    ("iterative_refinement", (np.eye(3) + 0.1 * A3, np.array([0.3, -1.2, 0.8])), (0, 1), (0, 1), ()),
    ("gradient_descent_inner", (np.array([0.3, -0.5]), X, Y), (0, 1, 2), (), ()),
    ("soft_threshold_loop", (V5, 0.5), (0, 1), (0, 1), ()),
    ("piecewise_linear_interp", (np.array([0.2, 0.7, 1.3]), np.array([0.0, 0.4, -0.3, 1.0])), (0, 1), (), ()),
    ("polyfit_style_normal_eq", (np.array([0.1, 0.5, 0.9, 1.4, 2.0]), YS[:5]), (0, 1), (), ()),
    ("kron_and_block", (np.array([0.3, -1.2, 0.8]), SPD), (0, 1), (0, 1), ()),
    ("sinkhorn", (np.abs(RNG.normal(size=(3, 4))), 0.7), (0, 1), (0, 1), ()),
    ("log_det_chol_numpy", (A3,), (0,), (0,), ()),
    ("triangular_backsolve_numpy_free", ([[1.5, 0.0, 0.0], [0.3, 1.2, 0.0], [-0.2, 0.4, 0.9]], [0.3, -1.2, 0.8]),
     (0, 1), (0, 1), ()),
    ("polar_decomposition_loss", (A3,), (0,), (), ()),
    ("callee_updates_and_returns", (V5,), (0,), (), ()),
    ("matmul_inplace_ops", (0.5 * A3, np.array([0.3, -1.2, 0.8])), (0, 1), (), ()),
    ("list_sort_in_place", ([0.3, -0.5, 1.2, 0.4],), (0,), (0,), ()),
    ("array_methods_chain", (A3,), (0,), (), ()),
    ("astype_and_asarray", (0.7, 1.3), (0, 1), (), ()),
    ("round_floor_mix", (0.7,), (0,), (), ()),
    ("min_max_clamp", (0.7, -0.2, 1.3), (0, 1, 2), (0, 1, 2), ()),
    ("min_max_clamp", (1.7, -0.2, 1.3), (0, 1, 2), (0, 1, 2), ()),
    ("roll_and_shift", (V5,), (0,), (0,), ()),
    ("reversed_view_add", (V5,), (0,), (), ()),
    ("item_and_tolist", (V5,), (0,), (), ()),
    ("sort_then_trim", (V5,), (0,), (0,), ()),
    ("percentile_free_median", (V5,), (0,), (0,), ()),
    ("percentile_free_median", (V5[:4],), (0,), (0,), ()),
    ("outer_via_newaxis", (np.array([0.3, -1.2, 0.8]), np.array([1.1, 0.4])), (0, 1), (0, 1), ()),
    ("boolean_mask_reduction", (V5, 0.1), (0, 1), (0, 1), ()),
    ("masked_assignment_scalar", (V5,), (0,), (), ()),
    ("stack_columns_regression", (V5, V5[::-1].copy(), YS[:5]), (0, 1, 2), (0, 1, 2), ()),
    ("meshgrid_energy", (0.7, 1.3), (0, 1), (0, 1), ()),
    ("prod_and_geometric_mean", (np.array([0.3, 1.2, 0.8]),), (0,), (0,), ()),
    ("scan_with_list_of_states", (0.4,), (0,), (0,), ()),
    ("tridiagonal_thomas", (np.array([0.0, 0.3, 0.2, 0.4]), np.array([2.0, 2.5, 2.2, 1.9]),
                            np.array([0.5, 0.1, 0.3, 0.0]), np.array([1.0, -0.5, 0.3, 0.8])), (0, 1, 2, 3), (), ()),
    ("gauss_seidel", (np.eye(3) * 3.0 + 0.3 * A3, np.array([0.3, -1.2, 0.8])), (0, 1), (), ()),
    ("lu_decomposition_doolittle", (A3 + 2.0 * np.eye(3),), (0,), (), (0,)),
    ("gram_schmidt_columns", (A3,), (0,), (), (0,)),
    ("base_class_layers", (RNG.normal(size=(3, 2)), RNG.normal(size=3), RNG.normal(size=(2, 3)), RNG.normal(size=2),
                           np.array([0.3, -0.6])), (0, 1, 2, 3, 4), (0, 1, 2, 3, 4), ()),
    ("listed_base_class_layers", (RNG.normal(size=(3, 2)), RNG.normal(size=3), RNG.normal(size=(2, 3)),
                                  RNG.normal(size=2), np.array([0.3, -0.6])), (0, 1, 2, 3, 4), (0, 1, 2, 3, 4), ()),
    ("named_object_called", (RNG.normal(size=(3, 2)), RNG.normal(size=3), np.array([0.3, -0.6])), (0, 1, 2), (0, 1, 2),
     ()),
    ("stateless_helper_object", (V5,), (0,), (0,), ()),
    ("nonlocal_rebound_in_loop", (0.7,), (0,), (0,), ()),
    ("crosswise_tuple_store", (0.7, 1.3), (0, 1), (0, 1), ()),
    ("row_swap_with_copies", (A3,), (0,), (), ()),
    ("fancy_row_swap", (A3,), (0,), (), ()),
    ("overlapping_slice_shift", (V5,), (0,), (), ()),
    ("add_own_transpose", (A3,), (0,), (), ()),
    ("rebinding_not_alias", (V5,), (0,), (), ()),
    ("sort_method_on_copy", (V5,), (0,), (), ()),
    ("zero_d_array_accumulator", (V5,), (0,), (), ()),
    ("list_recurrence_in_place", (0.7,), (0,), (0,), (0,)),
    ("dict_tuple_keys", (np.array([0.3, -1.2]),), (0,), (), ()),
    ("itertools_accumulate", ([0.3, -0.5, 1.2, 0.4],), (0,), (), ()),
    ("maximum_accumulate", (V5,), (0,), (), ()),
    ("negative_base_integer_power", (V5,), (0,), (), ()),
    ("scalar_conversions", (np.array([0.3, -1.2, 0.8]),), (0,), (), ()),
    ("transpose_unzip", ([[0.3, 1.2, 0.5], [-0.4, 0.8, 0.1]],), (0,), (), ()),
    ("inplace_into_appended_array", (V5,), (0,), (), ()),
    ("view_read_after_base_write", (V5,), (0,), (), ()),
    ("diagonal_view_write", (A3,), (0,), (), (0,)),
    ("global_list_read", (np.array([0.3, -1.2, 0.8]),), (0,), (), ()),
    ("gp_dataclass_hyper", (programs.GPHyper(-0.2, 0.1, -1.0), X, Y), (0, 1, 2), (), ()),
    ("kalman_smoother_energy", (0.3, list(YS)), (0, 1), (0, 1), ()),
    ("double_pendulum_energy", (0.8, -0.4), (0, 1), (), ()),
    ("verlet_spring_chain", (1.3, np.array([0.0, 1.1, 2.3, 3.2])), (0, 1), (), (0, 1)),
    ("attention_with_padding_mask", (RNG.normal(size=(3, 2)), RNG.normal(size=(2, 2)), np.array([1, 3, 2])), (0, 1),
     (0, 1), ()),
    ("vae_elbo_batch", (0.5 * RNG.normal(size=(4, 3)), 0.5 * RNG.normal(size=(3, 2)), RNG.random(size=(3, 3))),
     (0, 1), (0, 1), ()),
    ("black_scholes_greeks_sum", (1.05, 0.3), (0, 1), (), ()),
    ("logistic_newton_irls", (X, LABELS, 0.5), (0, 2), (0, 2), ()),
    ("secant_root", (2.3,), (0,), (), ()),
    ("object_without_init_called", (V5,), (0,), (), ()),
    ("two_objects_same_class", (0.3 * A3, 0.2 * SPD, np.array([0.3, -1.2, 0.8])), (0, 1, 2), (0, 1, 2), ()),
    ("parallel_mixed_values", (0.3 * A3, 0.7, np.array([0.3, -1.2, 0.8])), (0, 1, 2), (), ()),
    ("inherited_init_subclass", (0.3 * A3, np.array([0.3, -1.2, 0.8])), (0, 1), (0, 1), ()),
    ("overridden_base_method", (0.3 * A3, np.array([0.3, -1.2, 0.8])), (0, 1), (0, 1), ()),
    ("isinstance_of_base", (0.3 * A3, np.array([0.3, -1.2, 0.8])), (0, 1), (0, 1), ()),
    ("namedtuple_list_one_constant", (0.4 * A3, np.array([0.1, -0.2, 0.3]), np.array([0.3, -1.2, 0.8])), (0, 1, 2),
     (0, 1, 2), ()),
    ("list_of_arrays_one_constant", (0.7, np.array([0.3, -1.2, 0.8])), (0, 1), (0, 1), ()),
    ("record_list_indexed", (0.4 * A3, np.array([0.3, -1.2, 0.8])), (0, 1), (0, 1), ()),
    ("scipy_distribution_keywords", (1.7, 1.3, np.array([0.4, 1.2, 2.5, 0.9])), (0, 1, 2), (), ()),
    ("scipy_discrete_loglik", (2.3, 0.35, np.array([0.0, 2.0, 3.0, 1.0])), (0, 1), (), ()),
    ("scipy_special_more", (np.array([0.4, 1.2, 2.5, 0.9]),), (0,), (), ()),
    ("scipy_cdfs_and_survival", (0.3, 1.4, YS), (0, 1, 2), (), ()),
    ("scipy_negative_binomial", (0.4, 0.35, np.array([0.0, 2.0, 3.0, 1.0])), (0, 1), (), ()),
    ("scipy_logistic_logcdf", (0.3, 1.4, YS), (0, 1, 2), (), ()),
    ("scipy_multivariate", (np.array([0.3, -0.2]), np.array([0.1, -0.3]), X), (0, 1, 2), (), ()),
]


@pytest.mark.parametrize("name, args, positions, with_autograd, first_order_only", CASES,
                         ids=[f"{case[0]}-{n}" for n, case in enumerate(CASES)])
def test_every_argument_in_every_mode(name, args, positions, with_autograd, first_order_only):
    skip_without_scipy(getattr(programs, name))
    check_program(getattr(programs, name), args, positions, with_autograd, first_order_only)


# (func, args, differentiated positions, marker of the line named)
REFUSED = [
    # MLP.__init__ builds a list of Dense objects: not an object whose attributes are its parameters
    (programs.mlp_objects_loss, (0.5 * RNG.normal(size=(3, 2)), RNG.normal(size=3), 0.5 * RNG.normal(size=(1, 3)),
                                 RNG.normal(size=1), X, Y), (0, 1, 2, 3), "object-building-a-list"),
    # a classmethod called through `self` (Scaler's object, without __init__, is a record: stateless_helper_object)
    (programs.static_and_class_methods, (V5,), (0,), "classmethod-through-self"),
    # an attribute Centering's (absent) __init__ does not set, set on its object
    (programs.attribute_set_on_fieldless_object, (V5,), (0,), "attribute-not-set-by-init"),
    # a method appends to a list its class holds (shared by every object)
    (programs.class_attribute_list_appended, (0.7,), (0,), "class-list-appended"),
    # a method writes into an array its class holds
    (programs.class_attribute_array_written, (0.7,), (0,), "class-array-written"),
    # super() in a method of an object built in the function (`Block.forward(self, x)` is differentiated)
    (programs.subclass_super_method, (0.3 * A3, np.array([0.3, -1.2, 0.8])), (0, 1), "super-in-method-of-built-object"),
    # `a, b = b, a` after `a, b = Block(W1), Block(W2)`: each name holds either object
    (programs.parallel_objects_swapped, (0.3 * A3, 0.2 * SPD, np.array([0.3, -1.2, 0.8])), (0, 1, 2),
     "parallel-objects-rebound"),
    # the class of an object built in the function is a dataclass made for Block
    (programs.type_name_branch, (0.3 * A3, np.array([0.3, -1.2, 0.8])), (0, 1), "type-of-built-object"),
    # a base class of a library's (contextlib.ContextDecorator): its methods are not read as the user's
    (programs.library_base_class, (0.7, 1.3), (0,), "library-base-class"),
    # objects of a class with `__call__` held in a dict, called
    (programs.dict_of_layers_one_constant, (0.4 * A3, np.array([0.3, -1.2, 0.8])), (0, 1), "dict-of-objects-called"),
    # the items of a list of lists of objects, called
    (programs.nested_lists_of_records, (0.4 * A3, 0.3 * SPD, np.array([0.3, -1.2, 0.8])), (0, 1, 2),
     "nested-list-items-called"),
    # objects unpacked from a tuple, called
    (programs.tuple_of_records, (0.4 * A3, np.array([0.3, -1.2, 0.8])), (0, 1), "tuple-unpacked-objects-called"),
    # the Polynomial a method returns is called
    (programs.polynomial_class, ([0.3, -0.5, 1.2, 0.4], 0.7), (0, 1), "object-returned-by-method-called"),
    # a field holding an object (Residual's inner Affine) is called
    (programs.inheritance_model, (0.5 * RNG.normal(size=(3, 3)), RNG.normal(size=3), RNG.normal(size=3)), (0, 1, 2),
     "field-holding-an-object-called"),
    # the lambda given to functools.reduce calls the functions of a list
    (programs.reduce_compose, (0.7,), (0,), "reduce-calls-listed-functions"),
    # `b = a`, then writes through b and through a reshape of a
    (programs.alias_then_write, (np.array([0.3, -1.2, 0.8]),), (0,), "write-through-alias"),
    # a write through A.T into A, which is read afterwards
    (programs.transpose_view_write, (A3,), (0,), "write-through-transpose"),
    # the dict is made in a branch (`if cache is None`), else it is the caller's
    (programs.mutable_default_cache, (0.7,), (0,), "dict-parameter-default-none"),
    # appends through a second name of the list
    (programs.list_alias_append, ([0.3, -0.5, 1.2],), (0,), "append-through-alias"),
    # a generator function
    (programs.generator_moments, ([0.3, -0.5, 1.2, 0.4],), (0,), "yield"),
    # np.copyto and out= write into arrays
    (programs.copyto_and_out, (V5,), (0,), "copyto"),
    # a write through a reshape of a copy, which is read afterwards
    (programs.reshape_view_write, (RNG.normal(size=6),), (0,), "write-through-reshape"),
    # np.linalg.cond has no rule
    (programs.inv_via_solve_identity, (A3,), (0,), "cond"),
    # lambdas held in a list and called
    (programs.lambda_list_map, (0.7,), (0,), "listed-lambdas-called"),
    # a closure a local function returns, called
    (programs.closure_factory, (0.7,), (0,), "returned-closure-called"),
    # rng.choice of an array (not of a number)
    (programs.rng_normal_bootstrap, (0.7, YS), (1,), "choice-of-array"),
    # a try whose body assigns what the result reads
    (programs.try_except_fallback, (0.7,), (0,), "try-feeds-result"),
    # sum(..., []) concatenates lists
    (programs.sum_of_lists_start, ([0.3, -0.5, 1.2],), (0,), "sum-with-list-start"),
    # `total += ...` under nonlocal, in a function called in a loop
    (programs.nonlocal_accumulator, (0.7,), (0,), "nonlocal-augmented-in-loop"),
    # a function picked from a dict by a key known when the function runs
    (programs.string_dispatch_activation, (V5, "tanh"), (0,), "table-of-functions"),
    # a function picked by getattr with a name known when the function runs
    (programs.getattr_dispatch, (V5, "sin"), (0,), "getattr-function"),
    # a subclass whose __init__ calls its base's
    (programs.subclass_calls_super_init, (RNG.normal(size=(2, 2)), RNG.normal(size=2), np.array([0.3, -0.6])), (0, 1),
     "base-class-init"),
    # a base class whose __setattr__ changes what is stored (the object's `scale` is twice `s`)
    (programs.base_class_with_setattr, (0.7, 1.3), (0,), "base-setattr"),
    # `B[0], B[1] = B[1], B[0]`: the rows are views, the second store reads what the first wrote
    (programs.row_swap_through_views, (A3,), (0,), "row-swap-views"),
    # `[[0.0] * 3] * 3` holds one list three times
    (programs.list_of_lists_aliasing, (0.7,), (0,), "list-times-three-item-write"),
    # an item of a list of lists written (`grid[0][1] = x`): the inner list is written through `grid[0]`
    (programs.list_of_lists_fresh, (0.7,), (0,), "nested-list-item-write"),
    # one array twice in a list, written through the first
    (programs.repeated_array_in_list, (V5,), (0,), "repeated-array-write"),
    # `a = b = np.zeros(3)`, then writes through both
    (programs.chained_assignment_alias, (np.array([0.3, -1.2, 0.8]),), (0,), "chained-alias-write"),
    # dict.setdefault, then `sums[g] += v`
    (programs.setdefault_grouping, (V5, ["a", "b", "a", "c", "b"]), (0,), "setdefault"),
    # an array appended to a list, then written into
    (programs.array_modified_after_list_append, (V5,), (0,), "write-after-append"),
    # `Dense(...)(x)`: the object called as it is built (named first, it is differentiated: named_object_called)
    (programs.built_object_called, (RNG.normal(size=(3, 2)), RNG.normal(size=3), np.array([0.3, -0.6])), (0, 1, 2),
     "object-called-as-built"),
]


@pytest.mark.parametrize("func, args, positions, marker", REFUSED, ids=[case[3] for case in REFUSED])
def test_refused_naming_the_users_line(func, args, positions, marker):
    skip_without_scipy(func)
    check_refused_at(func, args, positions, f"probe40_programs.py:{marked_line(func, marker)}:", RNG)


class _Shared:
    """A base class of shared methods, given a constructor by the test below."""

    def doubled(self, v):
        return 2.0 * v


class _Plain(_Shared):
    scale = 1.0

    def value(self, x):
        return self.doubled(self.scale * x ** 2)


def _plain_value(x):
    plain = _Plain()
    return plain.value(x)


def test_a_base_class_given_a_constructor_after_the_derivative_is_read_again():
    """An object of a class with no constructor in its classes is a record without fields; a base class
    given an `__init__` later (setting `scale` on the object) makes the derivative read the classes again
    (a derivative kept would differentiate with the class's `scale`, 1.0)."""
    assert adjoint.grad(_plain_value)(0.5) == 2.0

    def init(self):
        self.scale = 5.0

    _Shared.__init__ = init
    try:
        assert _plain_value(0.5) == 2.5
        np.testing.assert_allclose(adjoint.grad(_plain_value)(0.5), central_differences(_plain_value, (0.5,), 0))
        assert adjoint.grad(_plain_value)(0.5) == 10.0
    finally:
        del _Shared.__init__
    assert adjoint.grad(_plain_value)(0.5) == 2.0


@pytest.mark.parametrize("func, words", [
    (programs.nonlocal_accumulator, "`add` changes in place (.*) what its `nonlocal total` holds, which is read after the "
                                     "call; .* bind a new value instead \\(`total = total \\+ \\.\\.\\.` for"),
    (programs.reduce_compose, "the lambda changes an argument in place"),
])
def test_a_change_in_place_is_told_in_the_users_names(func, words):
    """Not by the names adjoint makes up (`_returned1` for the values a function rebinding a `nonlocal`
    variable returns, `_lambda2` for a lambda, `_t4` for an intermediate value)."""
    with pytest.raises(adjoint.AdjointError, match=words) as refused:
        adjoint.grad(func)(0.7)
    assert not re.search(r"`_(returned|lambda|t)\d+`", str(refused.value)), str(refused.value)
