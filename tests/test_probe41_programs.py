"""The programs of probe41_programs.py, in every mode against central differences and, where it runs
them, autograd: each differentiated argument in grad, value_and_grad, vjp, jvp and hvp (and grad of
grad for a number), the values of value_and_grad, vjp and jvp the function's own bit for bit, the
arguments left as they were; refusals naming the user's line in every mode that refuses.

What was wrong:
- a `with` block whose manager swallows an exception of the block (`with contextlib.suppress(
  ZeroDivisionError): y = x / d`, a class whose `__exit__` returns true for it, a @contextmanager
  generator catching it around its `yield`) crashed the derivative with that exception where Python
  goes on after the block: the derivative code runs the block without handing its exceptions to the
  manager. A manager that may swallow one is refused at the `with` line (runtime/managers.py); one
  that cannot (a timer, np.errstate) is differentiated as before.

- np.prod of an empty slice (`np.prod(1.0 - hazards[:t])` at t = 0, a survival product) crashed its
  derivative with ValueError in every mode: the exclusive products of its entries (runtime/products.py)
  were built one entry long. An empty slice has none. Likewise the second derivative of np.linalg.det of a
  0x0 block (`np.linalg.det(K[:k, :k])` at k = 0) crashed with LinAlgError (np.linalg.cond refuses empty
  arrays), and that of np.linalg.norm of an empty slice was refused as a norm at a zero vector. And
  np.linalg.lstsq with no columns (`X[:, chosen]`, nothing chosen), scipy.linalg.solve_triangular of a
  0x0 block, np.prod and np.median along an axis of a batch of no rows (an empty cohort) crashed with
  ValueError: their derivatives reshaped with -1, which an empty array leaves undetermined (as did
  np.polyval's with no coefficients, `np.polyval(coeffs[:degree], x)` at degree 0); np.mean along an axis
  of an empty selection (`np.mean(X[:, chosen], axis=0)`, nothing chosen) with ZeroDivisionError.
- np.interp with a repeated knot (a table with a jump, `xp = [0, 0, 1, 1, 2]`) gave NaN gradients in x
  and fp, silently, for the points whose segment (clipped at the ends) has no width: its slope was 0 / 0
  even where a mask then dropped it. A segment without width has no slope now; a single knot (no segment
  at all) is refused.
- np.std and np.nanstd of a constant group (the returns of a pegged asset, all 0.0) gave NaN gradients,
  silently: d var / (2 std) at std 0. Their slope there is the subgradient 0 now, as np.linalg.norm's at a
  zero vector (runtime.half_over_std); their second derivative there is refused, as the norm's is.

Refused when probed (left as they are): `match` statements (probe41_match_programs.py, Python 3.10 on); a `try` that feeds the result
(`try`/`except`/`else`, `continue` inside a `try`); `lambda t, k=k: ...` in a loop; an append to a list
held in a dict (`history["h"].append(h)`); `dict.update`, heapq and deque on differentiated values;
`math.hypot(*x)` and other starred calls; generator expressions bound to a name; complex literals;
np.maximum.at and np.putmask; np.linalg.qr(mode="r"); np.cumulative_sum(include_initial=True)
(np.multiply.at, np.put_along_axis and NumPy 2's np.linalg.trace, cross, outer and diagonal,
vector_norm(ord=...), matrix_norm(ord=...) and cholesky(upper=True) are differentiated since:
tests/test_numpy_gaps_programs.py); in-place writes through every second name of an array (views,
np.atleast_1d, np.asarray, astype(copy=False), list and dict items, record fields, callees' arguments).
"""
from __future__ import annotations

import sys

import numpy as np
import pytest

import probe41_programs as programs
from every_mode import check_program, check_refused_at, skip_without_scipy
from soundness import marked_line

RNG = np.random.default_rng(41)
V4 = np.array([0.3, -1.2, 0.8, 1.5])
V5 = np.array([0.3, -1.2, 0.8, 1.5, -0.4])
A3 = np.array([[1.2, 0.4, -0.3], [0.9, 1.8, 0.5], [-0.6, 0.2, 1.5]])
B3 = np.array([[0.5, -0.2, 0.7], [0.1, 0.9, -0.4], [0.3, 0.6, 0.2]])
PTS3 = np.array([[0.0, 0.0, 0.1], [1.1, 0.2, 0.0], [0.3, 1.2, -0.1]])
PTS4 = np.array([[0.0, 0.0], [1.1, 0.2], [0.3, 1.2], [1.4, 1.3]])
LOGITS = RNG.normal(size=(4, 3))
LABELS = np.array([2, 0, 1, 1])
X52 = RNG.normal(size=(5, 2))
SIGNS = np.array([1.0, -1.0, 1.0, 1.0, -1.0])

def _lstm_params():
    return {"W": 0.5 * RNG.normal(size=(8, 2)), "U": 0.5 * RNG.normal(size=(8, 2)), "b": 0.1 * RNG.normal(size=8)}


def _gru_params():
    return {name: 0.5 * RNG.normal(size=(2, 2)) for name in ("Wz", "Uz", "Wr", "Ur", "Wh", "Uh")}


# (name, args, positions, positions autograd runs, positions whose second derivative is refused)
CASES = [
    ("bs_put_by_parity", (1.05, 1.0, 0.5, 0.02, 0.3), (4,), (), ()),
    ("straddle_vega_weighted", (1.05, 0.3), (1,), (), ()),
    ("call_strip_scipy", (1.05, np.array([0.9, 1.0, 1.1]), 0.25), (0, 2), (), ()),
    ("digital_call_erfc", (1.05, 1.0, 0.25), (0, 2), (), ()),
    ("merton_jump_call", (1.05, 0.25, 0.4), (2,), (), ()),
    ("heston_euler_mc", (0.04, 1.5, 0.3), (2,), (), ()),
    ("trinomial_tree_call", (1.02, 0.3), (0, 1), (), (0, 1)),
    ("asian_geometric_closed_form", (1.02, 0.3), (0, 1), (), ()),
    ("portfolio_of_options", ([1.0, 1.05, 0.95], [0.2, 0.3, 0.25]), (1,), (), ()),
    ("margrabe_exchange", (1.1, 1.0, 0.3, 0.2, 0.4), (0, 4), (), ()),
    ("morse_energy", (PTS3, 1.3, 0.9), (0, 2), (0, 2), ()),
    ("lj_with_cutoff", (PTS4, 0.7), (0,), (0,), ()),
    ("lj_combinations", (PTS4,), (0,), (), ()),
    ("lj_forces_matrix", (PTS4,), (0,), (), ()),
    ("velocity_verlet_lists", (0.8, -0.2, 1.3), (2,), (2,), ()),
    ("rk4_state_arrays", (np.array([0.7, 0.1]), 1.3), (1,), (1,), ()),
    ("harmonic_chain_energy", (V4, 1.3), (0, 1), (0, 1), ()),
    ("coulomb_with_charges", (PTS3, np.array([1.0, -0.5, 0.8])), (0,), (0,), ()),
    ("periodic_min_image", (np.array([[0.1, 0.2], [2.5, 0.3], [1.2, 2.9]]),), (0,), (0,), ()),
    ("arm_reduce_reach", (np.array([0.3, 0.5, -0.2]), [1.0, 0.8, 0.5]), (0,), (0,), ()),
    ("arm_joint_positions", (np.array([0.3, 0.5, -0.2]),), (0,), (), ()),
    ("rodrigues_alignment", (np.array([0.3, 0.5, 1.0]), 0.7), (0,), (0,), ()),
    ("ray_triangle", (np.array([0.2, 0.3, 0.0]), np.array([0.05, 0.02, 1.0])), (0, 1), (0, 1), ()),
    ("ray_triangle", (np.array([2.2, 0.3, 0.0]), np.array([0.05, 0.02, 1.0])), (0, 1), (0, 1), ()),
    ("ray_box_slab", (np.array([0.2, -0.3, 0.0]), np.array([0.1, 0.2, 1.0])), (0, 1), (0, 1), ()),
    ("rays_hit_spheres", ([np.array([0.2, 0.1, 0.0]), np.array([1.4, 0.3, 0.0]), np.array([5.0, 0.0, 0.0])], 0.8),
     (0,), (), ()),
    ("polygon_perimeter_sorted", ([0.3, 2.5, 1.2, 4.0],), (0,), (), ()),
    ("softmax_xent_fancy", (LOGITS, LABELS), (0,), (0,), ()),
    ("label_smoothed_xent", (LOGITS, LABELS, 0.1), (0, 2), (), ()),
    ("multiclass_hinge", (LOGITS, LABELS), (0,), (), ()),
    ("top1_accuracy_weighted", (LOGITS, LABELS), (0,), (0,), ()),
    ("add_at_histogram", (V5, np.array([0, 2, 2, 3, 0])), (0,), (), ()),
    ("subtract_at_and_multiply_at", (V4,), (0,), (), ()),
    ("repeated_index_assign", (V4,), (0,), (), ()),
    ("repeated_index_iadd", (V4,), (0,), (), ()),
    ("repeated_index_gather_iadd", (V4,), (0,), (), ()),
    ("boolean_mask_leaky", (V5, 0.1), (0, 1), (), (1,)),
    ("boolean_mask_iadd", (V5,), (0,), (), (0,)),
    ("segment_means", (V5, np.array([0, 1, 1, 2, 0])), (0,), (), ()),
    ("embedding_lookup_loss", (RNG.normal(size=(4, 2)), np.array([1, 3, 1, 0])), (0,), (0,), ()),
    ("scatter_gradient_update", (RNG.normal(size=(4, 2)), [1, 3, 1, 0]), (0,), (), (0,)),
    ("layer_norm_keepdims", (RNG.normal(size=(3, 4)), 1.0 + 0.1 * RNG.normal(size=4), 0.1 * RNG.normal(size=4)),
     (0, 2), (0, 2), ()),
    ("batch_norm_with_running_stats", (RNG.normal(size=(4, 3)), RNG.normal(size=3), RNG.normal(size=3)), (0,),
     (0,), ()),
    ("group_norm", (RNG.normal(size=(3, 4)), RNG.normal(size=4)), (0, 1), (0, 1), ()),
    ("lstm_dict_cell", (_lstm_params(), RNG.normal(size=(3, 2))), (0,), (), ()),
    ("gru_dict_cell", (_gru_params(), RNG.normal(size=(3, 2))), (0,), (), ()),
    ("elman_with_teacher_forcing", (RNG.normal(size=3), 0.5 * RNG.normal(size=(3, 3)), [0.1, 0.5, -0.3, 0.8]),
     (0,), (0,), ()),
    ("logsumexp_max_subtract", (np.array([0.3, 1.5, -0.2, 1.5]),), (0,), (0,), ()),
    ("logsumexp_rows_ties", (np.array([[0.3, 1.5, 1.5], [0.2, 0.2, -1.0], [2.0, 2.0, 2.0]]),), (0,), (0,), ()),
    ("logsumexp_python_max", ([0.3, 1.5, -0.2, 1.5],), (0,), (), ()),
    ("huber_loop_at_kinks", ([0.3, 1.001, -0.999, 2.5, -0.2], 1.0), (0, 1), (), ()),
    ("squared_hinge", (np.array([0.4, -0.3]), X52, SIGNS), (0, 1), (0, 1), ()),
    ("quantile_loss", (V5, V5[::-1] + 0.05, 0.3), (0, 2), (0, 2), ()),
    ("epsilon_insensitive", (V5, V5[::-1] + 0.05), (0, 1), (0, 1), ()),
    ("smooth_l1_clip", (np.array([0.3, -1.2, 0.8, 1.5, -0.4, 1.001]),), (0,), (0,), ()),
    ("log_cosh_stable", (V5,), (0,), (0,), ()),
    ("pinball_python", ([0.1, 0.4, 0.9], [0.3, -0.2, 1.1]), (0, 1), (), ()),
    ("gaussian_nll_cholesky", (A3, np.array([0.3, -1.2, 0.8])), (0, 1), (0, 1), ()),
    ("slogdet_inv_det", (A3,), (0,), (0,), ()),
    ("eigh_projection", (A3, np.array([0.3, -1.2, 0.8])), (0, 1), (0, 1), ()),
    ("norms_with_ord_and_axis", (A3,), (0,), (), (0,)),
    ("nuclear_and_keepdims", (A3,), (0,), (), (0,)),
    ("einsum_strings", (A3, B3, np.array([0.3, -1.2, 0.8])), (0, 2), (), ()),
    ("bilinear_attention_einsum", (RNG.normal(size=(2, 3)), RNG.normal(size=(3, 3)), RNG.normal(size=(3, 3))),
     (0, 2), (0, 2), ()),
    ("mahalanobis_batch", (X52, np.array([0.1, -0.2]), np.array([[1.0, 0.2], [0.3, 0.8]])), (0, 2), (0, 2), ()),
    ("lstsq_and_pinv", (RNG.normal(size=(5, 2)), RNG.normal(size=5)), (0, 1), (), ()),
    ("solve_multiple_rhs", (A3, B3), (0, 1), (0, 1), ()),
    ("matrix_power_det", (A3,), (0,), (), ()),
    ("cumsum_with_zeros", (np.array([0.3, 0.0, 0.8, 0.0, -0.4]),), (0,), (), ()),
    ("prod_with_one_zero", (np.array([0.3, 0.0, 0.8, 1.5]),), (0,), (), ()),
    ("prod_with_two_zeros", (np.array([0.3, 0.0, 0.8, 0.0]),), (0,), (), ()),
    ("cumulative_returns_path", (np.array([0.05, -0.1, 0.03, -0.02, 0.08]),), (0,), (), ()),
    ("diff_and_gradient", (V5,), (0,), (), ()),
    ("sort_with_ties_symmetric", (np.array([0.3, 1.5, -0.2, 0.3]),), (0,), (0,), ()),
    ("argsort_ranking_loss", (V5,), (0,), (0,), ()),
    ("max_tie_in_smooth", (np.array([0.3, 1.5, -0.2, 1.5]),), (0,), (0,), ()),
    ("amax_axis_ties", (RNG.normal(size=(3, 4)),), (0,), (0,), ()),
    ("top_k_by_argpartition", (V5,), (0,), (), ()),
    ("sorted_with_key_abs", ([0.3, -1.2, 0.8, 1.5],), (0,), (0,), ()),
    ("median_and_percentile", (V5,), (0,), (), ()),
    ("float32_data_float64_weights", (np.array([0.4, -0.3]), X52.astype(np.float32)), (0,), (), ()),
    ("float32_weights", (np.array([0.4, -0.3, 0.2], dtype=np.float32), np.array([0.5, 1.2, -0.7])), (1,), (), ()),
    ("zero_d_parameter", (np.array(0.7), np.array([0.3, -0.2])), (0, 1), (0, 1), ()),
    ("zero_d_from_reduction", (V4,), (0,), (), ()),
    ("zero_d_item_loop", (V4,), (0,), (0,), ()),
    ("while_break_continue", (0.7,), (0,), (0,), ()),
    ("for_else_search", ([0.3, -1.2, 0.8, 1.5], 1.0), (0, 1), (0, 1), ()),
    ("for_else_search", ([0.3, -1.2, 0.8, 1.5], 2.0), (0, 1), (0, 1), ()),
    ("early_return_in_nested_loops", (A3,), (0,), (0,), ()),
    ("early_return_in_nested_loops", (0.5 * A3,), (0,), (0,), ()),
    ("newton_with_early_return", (2.3,), (0,), (0,), ()),
    ("use_recursive_horner", ([0.3, -0.5, 1.2, 0.4], 0.7), (1,), (1,), ()),
    ("recursive_tree", (0.7, 1.3), (1,), (), ()),
    ("use_fib", (0.7,), (0,), (0,), ()),
    ("projectile_global", (12.0, 0.6), (0, 1), (), ()),
    ("global_dict_weights", ({"a": 0.3, "b": -0.7, "c": 1.1},), (0,), (0,), ()),
    ("global_array_polynomial", (V4,), (0,), (0,), ()),
    ("quadratic_property", (0.7, 1.3), (0,), (0,), ()),
    ("callable_activation", (V4, 1.3), (0, 1), (0, 1), ()),
    ("polynomial_newton_step", ([0.3, -0.5, 1.2, 0.4], 0.7), (1,), (1,), ()),
    ("accumulator_mean", ([0.3, -1.2, 0.8],), (0,), (0,), ()),
    ("reduce_matrix_chain", (A3, B3), (0, 1), (0, 1), ()),
    ("reduce_operator_mul", ([0.3, -1.2, 0.8, 1.5],), (0,), (0,), ()),
    ("accumulate_running_max", ([0.3, -1.2, 0.8, 1.5, 1.1],), (0,), (0,), ()),
    ("accumulate_products", ([0.3, -1.2, 0.8, 1.5],), (0,), (0,), ()),
    ("product_grid_energy", ([0.3, -1.2], [0.8, 1.5, 0.1]), (0, 1), (), ()),
    ("pairwise_consecutive", ([0.3, -1.2, 0.8, 1.5],), (0,), (0,), ()),
    ("chain_and_islice", ([0.3, -1.2], [0.8, 1.5, 0.1]), (0,), (0,), ()),
    ("zip_longest_fill", ([0.3, -1.2], [0.8, 1.5, 0.1]), (0, 1), (0, 1), ()),
    ("enumerate_reversed_weights", ([0.3, -1.2, 0.8],), (0,), (0,), ()),
    ("string_keyed_mlp", ({"layer1.W": RNG.normal(size=(3, 2)), "layer1.b": RNG.normal(size=3),
                           "layer2.W": RNG.normal(size=(2, 3)), "layer2.b": RNG.normal(size=2)},
                          np.array([0.3, -0.6])), (0, 1), (0, 1), ()),
    ("nested_dict_params", ({"encoder": {"W": RNG.normal(size=(2, 3)), "b": RNG.normal(size=2)},
                             "decoder": {"W": RNG.normal(size=(3, 2))}}, np.array([0.3, -0.6, 0.2])), (0, 1), (0, 1),
     ()),
    ("closure_late_binding", (0.7,), (0,), (0,), ()),
    ("nested_function_uses_outer", (0.7, 1.3), (0, 1), (), ()),
    ("dict_comprehension_and_items", ([0.3, -1.2, 0.8],), (0,), (0,), ()),
    ("min_max_with_key", ([(0.3, 1.2), (-1.2, 0.4), (0.8, -0.1)],), (0,), (0,), ()),
    ("map_filter_chain", ([0.3, -1.2, 0.8, 1.5],), (0,), (0,), ()),
    ("divmod_and_sum_start", ([0.3, -1.2, 0.8],), (0,), (0,), ()),
    ("sinc_through_zero", (np.array([0.0, 0.3, -1.2, 0.8]),), (0,), (), ()),
    ("powers_at_zero", (np.array([0.0, 0.3, -1.2, 0.8]),), (0,), (0,), ()),
    ("python_powers_at_zero", (0.0,), (0,), (), ()),
    ("logaddexp_ties", (np.array([0.3, -1.2, 0.8]), np.array([0.3, 0.5, 0.8])), (0, 1), (0, 1), ()),
    ("xlogy_entropy_with_zero", (np.array([0.2, 0.5, 0.3]),), (0,), (), ()),
    ("entr_and_rel_entr", (np.array([0.2, 0.5, 0.3]), np.array([0.3, 0.3, 0.4])), (0, 1), (), ()),
    ("math_two_argument_log", (1.7,), (0,), (), ()),
    ("math_misc", (0.9, 1.3), (0, 1), (), ()),
    ("maximum_minimum_same_array", (np.array([0.3, -1.2, 0.8]),), (0,), (0,), ()),
    ("heaviside_and_sign", (np.array([0.3, -1.2, 0.8]),), (0,), (), ()),
    ("where_sqrt_guard", (np.array([0.3, -1.2, 0.8]),), (0,), (), ()),
    ("expm1_log1p_cbrt", (np.array([0.3, -1.2, 0.8]),), (0,), (), ()),
    ("integer_array_then_float_writes", (np.array([0.33, -1.2, 0.8]),), (0,), (), ()),
    ("zeros_like_int_labels", (np.array([0.33, -1.2, 0.8]), np.array([1, 0, 2])), (0,), (), ()),
    ("astype_int_truncates", (np.array([0.33, -1.2, 0.8]),), (0,), (), ()),
    ("float32_accumulation", (np.array([0.33, -1.2, 0.8]),), (0,), (), ()),
    ("rounding_with_straight_part", (np.array([0.33, -1.2, 0.8]),), (0,), (), ()),
    ("var_std_ddof", (np.array([0.33, -1.2, 0.8, 1.5]),), (0,), (0,), ()),
    ("cov_corrcoef", (RNG.normal(size=(3, 5)),), (0,), (), ()),
    ("interp_at_knots", (np.array([0.2, 0.7, 1.3]),), (0,), (), ()),
    ("trapezoid_and_polyval", (np.array([0.3, -1.2, 0.8]), np.array([0.0, 0.4, 0.9, 1.5])), (0, 1), (), ()),
    ("convolve_modes", (V5, np.array([0.2, 0.5, -0.3])), (0, 1), (), ()),
    ("moveaxis_negative_axes", (RNG.normal(size=(2, 3, 4)),), (0,), (0,), ()),
    ("sum_where_and_mean_where", (V5,), (0,), (), ()),
    ("svd_parts", (RNG.normal(size=(4, 3)),), (0,), (), ()),
    ("scipy_cho_solve", (A3, np.array([0.3, -1.2, 0.8])), (0, 1), (), ()),
    ("scipy_expm_and_triangular", (A3, np.array([0.3, -1.2, 0.8])), (0,), (), ()),
    ("fft_power_spectrum", (V5,), (0,), (), ()),
    ("star_unpack_rest", ([0.3, -1.2, 0.8, 1.5],), (0,), (0,), ()),
    ("list_methods_mix", ([0.3, -1.2, 0.8, 1.5],), (0,), (), (0,)),
    ("list_pop_front_queue", ([0.3, -1.2, 0.8, 1.5],), (0,), (), ()),
    ("list_sort_key_in_place", ([[0.3, 1.2], [-1.2, 0.4], [0.8, -0.1]],), (0,), (), ()),
    ("dict_argmax_by_get", (np.array([0.3, 1.2, 0.8]),), (0,), (), ()),
    ("bisect_lookup", (0.7,), (0,), (), ()),
    ("chained_comparison_branches", (0.7, 1.3), (0, 1), (0, 1), ()),
    ("chained_comparison_branches", (1.7, 1.3), (0, 1), (0, 1), ()),
    ("itemgetter_and_sorted", ([(0.3, 1.2), (-1.2, 0.4), (0.8, -0.1)],), (0,), (), ()),
    ("lru_cached_helper", (0.7,), (0,), (), ()),
    ("zip_star_matrix_columns", ([[0.3, 1.2, 0.5], [-0.4, 0.8, 0.1]],), (0,), (0,), ()),
    ("statistics_functions", ([0.3, -1.2, 0.8, 1.5, 0.1],), (0,), (), ()),
    ("any_all_generators", ([0.3, -1.2, 0.8, 1.5],), (0,), (0,), ()),
    ("kl_by_sampling_free", (0.3, -0.2), (1,), (), ()),
    ("layers_with_activation_strings", (RNG.normal(size=(3, 2)), RNG.normal(size=3), RNG.normal(size=(2, 3)),
                                        np.array([0.3, -0.6])), (0,), (0,), ()),
    ("nested_loops_with_break_flag", (np.array([[0.3, 1.2, 0.5], [-0.7, 0.8, 0.1], [0.2, 0.2, 0.2]]),), (0,), (0,), ()),
    ("rows_normalized_in_loop", (A3,), (0,), (), (0,)),
    ("array_from_mixed_list", (0.7, 1.3), (0, 1), (0, 1), ()),
    ("recursion_on_arrays", (np.array([0.3, -1.2, 0.8, 1.5, 0.1]),), (0,), (0,), ()),
    ("shape_dependent_branch", (V4,), (0,), (0,), ()),
    ("shape_dependent_branch", (np.stack([V4, V4[::-1]]),), (0,), (0,), ()),
    ("record_field_iadd_fresh", (V4,), (0,), (), ()),
    ("optimizer_object_inplace", (np.array([0.3, -0.5]), np.array([1.2, 0.4])), (0,), (), ()),
    ("accumulate_into_list_of_zeros", (np.array([0.3, -0.5]),), (0,), (), ()),
    ("numpy2_array_api_names", (np.array([0.3, -0.5, 0.8]), np.array([1.2, 0.4, -0.6])), (0, 1), (), ()),
    ("numpy2_linalg_norms", (A3, np.array([0.3, -0.5, 0.8])), (0, 1), (), ()),
    ("numpy2_transposes", (A3, np.array([0.3, -0.5, 0.8])), (0, 1), (), ()),
    ("numpy2_linalg_aliases", (A3, np.array([0.3, -0.5, 0.8])), (0, 1), (), ()),
    ("cholesky_upper_keyword", (A3,), (0,), (), ()),
    ("put_along_axis_write", (A3,), (0,), (), (0,)),
    ("vector_norm_orders", (V4,), (0,), (), ()),
    ("matrix_norm_orders", (A3,), (0,), (), (0,)),
    ("einsum_repeated_and_ellipsis", (RNG.normal(size=(3, 3, 3)), A3), (0, 1), (), ()),
    ("extrema_axis_tuples", (RNG.normal(size=(2, 3, 4)),), (0,), (), ()),
    ("sort_partition_axes", (A3,), (0,), (), ()),
    ("cumulative_flattened_2d", (A3,), (0,), (), ()),
    ("diff_with_arrays_prepend", (A3,), (0,), (), ()),
    ("take_modes_and_along", (A3,), (0,), (), ()),
    ("mixed_fancy_reads", (A3,), (0,), (), ()),
    ("mixed_fancy_writes", (A3, np.array([0.3, -0.5, 0.8])), (0, 1), (), ()),
    ("add_at_two_dimensional", (A3, np.array([0.3, -0.5, 0.8, 1.1])), (0, 1), (), ()),
    ("pad_modes", (V4,), (0,), (), ()),
    ("repeat_tile_roll", (A3,), (0,), (), ()),
    ("negative_index_writes", (V4,), (0,), (), ()),
    ("stride_tricks_windows", (V5,), (0,), (), ()),
    ("loop_variable_after_break", ([0.3, -1.2, 1.8, 1.5],), (0,), (0,), ()),
    ("loop_variable_after_break", ([0.3, -1.2, 0.8, 0.5],), (0,), (0,), ()),
    ("loop_variable_after_full_loop", ([0.3, -1.2, 0.8],), (0,), (0,), ()),
    ("conditionally_defined_in_loop", ([0.9, -1.2, 0.8, 0.1],), (0,), (0,), ()),
    ("shadowed_builtins", ([0.3, -1.2, 0.8, 0.5],), (0,), (0,), ()),
    ("walrus_in_while", (0.7,), (0,), (), ()),
    ("format_round_trip", (0.737,), (0,), (), ()),
    ("powers_of_constants", (0.7,), (0,), (), ()),
    ("float_floor_division_and_mod", (0.73,), (0,), (), ()),
    ("fibonacci_tuple_swap", (0.7, 1.3), (0, 1), (0, 1), ()),
    ("negative_step_range", ([0.3, -1.2, 0.8],), (0,), (0,), ()),
    ("kwargs_unpacked_to_callee", ({"W": A3[:2], "b": np.array([0.1, -0.2])}, np.array([0.3, -1.2, 0.8])), (0, 1),
     (0, 1), ()),
    ("conditional_import_alias", (0.7,), (0,), (), ()),
    ("assert_with_computation", (0.7,), (0,), (), ()),
    ("nested_ternaries_with_arrays", (np.array([0.3, -1.2, 0.8]),), (0,), (0,), ()),
    ("nested_ternaries_with_arrays", (np.array([-0.3, 1.2, -1.8]),), (0,), (0,), ()),
    ("stats_positional_loc_scale", (0.2, 1.3, np.array([0.4, -0.7, 1.9])), (0, 2), (), ()),
    ("stats_shape_then_scale", (1.7, 1.3, np.array([0.4, 0.7, 1.9])), (0, 2), (), ()),
    ("stats_frozen_and_methods", (0.2, 1.3, np.array([0.4, -0.7, 1.9])), (0, 2), (), ()),
    ("stats_discrete_positional", (2.3, 0.35, np.array([0.0, 2.0, 3.0, 1.0])), (0, 1), (), ()),
    ("special_functions_more", (np.array([0.4, 1.2, 2.5, 0.9]),), (0,), (), ()),
    ("special_logsumexp_weights", (np.array([0.4, -1.2, 2.5]), np.array([0.5, 1.2, 0.9])), (0, 1), (), ()),
    ("slogdet_negative_determinant", (A3,), (0,), (), ()),
    ("one_by_one_linalg", (0.7, 1.3), (0, 1), (), ()),
    ("eigvals_general_real", (A3,), (0,), (), ()),
    ("dtw_distance", (np.array([0.3, -1.2, 0.8]), np.array([0.5, -0.9, 1.4, 0.2])), (0, 1), (), ()),
    ("soft_dtw", (np.array([0.3, -1.2, 0.8]), np.array([0.5, -0.9, 1.4]), 0.7), (0,), (), ()),
    ("viterbi_score", (RNG.normal(size=(2, 2)), RNG.normal(size=(4, 2))), (0, 1), (), ()),
    ("adaptive_rk12", (1.3, 0.8), (0, 1), (), ()),
    ("gauss_newton_line_search", (np.array([0.9, 0.4]), np.array([0.0, 0.5, 1.0, 1.5]),
                                  np.array([1.0, 1.3, 1.5, 2.1])), (0,), (), ()),
    ("kmeans_soft_update", (np.array([[0.0, 0.0], [1.0, 1.0]]), RNG.normal(size=(6, 2))), (0,), (), ()),
    ("particle_filter_loglik", (0.6, [0.3, -0.2, 0.8]), (0,), (), ()),
    ("edit_cost_table", (np.array([0.3, -1.2, 0.8]),), (0,), (), ()),
    ("running_max_python_loop", (V5,), (0,), (), ()),
    ("knapsack_soft_values", ([0.3, 1.2, 0.8, 1.5],), (0,), (), (0,)),
    ("self_products", (np.array([0.3, -1.2, 0.8]), A3), (0, 1), (), ()),
    ("self_quotients_and_angles", (np.array([0.3, -1.2, 0.8]),), (0,), (), ()),
    ("self_linear_algebra", (A3,), (0,), (), ()),
    ("timed_block", (0.7, 1.3), (0, 1), (), ()),
    ("discrete_survival_nll", (np.array([0.2, 0.35, 0.1, 0.4]), [0, 2, 1, 0]), (0,), (0,), ()),
    ("survival_by_rows", (np.array([[0.2, 0.35, 0.1], [0.3, 0.15, 0.25]]), 0), (0,), (0,), ()),
    ("survival_by_rows", (np.array([[0.2, 0.35, 0.1], [0.3, 0.15, 0.25]]), 2), (0,), (0,), ()),
    ("leading_minors", (A3,), (0,), (0,), ()),
    ("prefix_norms", (V4,), (0,), (), ()),
    ("cohort_survival", (np.array([[0.2, 0.35, 0.1], [0.3, 0.15, 0.25], [0.1, 0.2, 0.3]]), [2, 0, 1]), (0,), (),
     ()),
    ("regression_on_chosen_features", (RNG.normal(size=(4, 3)), RNG.normal(size=4), [0, 2]), (0, 1), (), ()),
    ("regression_on_chosen_features", (RNG.normal(size=(4, 3)), RNG.normal(size=4), []), (0, 1), (), ()),
    ("whitened_prefix", (A3, np.array([0.3, -1.2, 0.8]), 0), (0, 1), (), ()),
    ("whitened_prefix", (A3, np.array([0.3, -1.2, 0.8]), 2), (0, 1), (), ()),
    ("standardized_chosen", (RNG.normal(size=(4, 3)), []), (0,), (0,), ()),
    ("standardized_chosen", (RNG.normal(size=(4, 3)), [2, 0]), (0,), (0,), ()),
    ("truncated_polynomial", (np.array([0.3, -1.2, 0.8]), np.array([0.5, -0.7]), 0), (0, 1), (), ()),
    ("truncated_polynomial", (np.array([0.3, -1.2, 0.8]), np.array([0.5, -0.7]), 2), (0, 1), (), ()),
    ("tariff_with_jumps", (np.array([-0.5, 0.3, 1.4, 2.5]), np.array([0.1, 0.5, 0.9, 1.3, 2.0])), (0, 1), (), ()),
    ("calibration_curve", (np.array([-0.5, 0.3, 0.8]), np.array([0.0, 0.0, 1.0]), np.array([0.3, 1.3, 2.3])), (0, 2),
     (), ()),
    ("volatility_budget", (np.array([[0.0, 0.02, -0.01], [0.0, -0.03, 0.02], [0.0, 0.01, 0.04]]),
                           np.array([0.5, 0.3, 0.2])), (0, 1), (), (0,)),
    ("volatility_budget", (np.array([[0.01, 0.02, -0.01], [0.0, -0.03, 0.02], [0.03, 0.01, 0.04]]),
                           np.array([0.5, 0.3, 0.2])), (0,), (), ()),
    ("self_where_and_select", (np.array([0.3, -1.2, 0.8, -0.4]),), (0,), (), ()),
    ("scipy_lu_solve", (A3, np.array([0.3, -1.2, 0.8])), (0, 1), (), ()),
]


def _scipy_solves_an_empty_triangle() -> bool:
    """SciPy 1.13 (Python 3.9's) raises on solve_triangular of a 0x0 block, where later ones solve it."""
    import scipy.linalg
    try:
        scipy.linalg.solve_triangular(np.zeros((0, 0)), np.zeros(0))
    except ValueError:
        return False
    return True


# What a program needs of the Python, NumPy and SciPy it runs on (the oldest supported have less).
NEEDS = {
    "pairwise_consecutive": (lambda: sys.version_info >= (3, 10), "itertools.pairwise needs Python 3.10"),
    "cumulative_sum_include_initial": (lambda: hasattr(np, "cumulative_sum"), "np.cumulative_sum needs NumPy 2.1"),
    "whitened_prefix": (_scipy_solves_an_empty_triangle, "this SciPy raises on a 0x0 triangular solve"),
}


def skip_unless_it_runs_here(func) -> None:
    skip_without_scipy(func)
    met, reason = NEEDS.get(func.__name__, (lambda: True, ""))
    if not met():
        pytest.skip(reason)


@pytest.mark.parametrize("name, args, positions, with_autograd, first_order_only", CASES,
                         ids=[f"{case[0]}-{n}" for n, case in enumerate(CASES)])
def test_every_argument_in_every_mode(name, args, positions, with_autograd, first_order_only):
    skip_unless_it_runs_here(getattr(programs, name))
    check_program(getattr(programs, name), args, positions, with_autograd, first_order_only)


# (func, args, differentiated positions, marker of the line named)
REFUSED = [
    # np.cumprod's derivative divides by the entries: refused at a zero
    (programs.cumprod_with_zero, (np.array([0.3, 0.0, 0.8]),), (0,), "cumprod-at-zero"),
    # a `try` whose body assigns what the result reads (and one around a call that raises)
    (programs.try_except_else_finally, (0.7,), (0,), "try-feeds-result"),
    (programs.guarded_call, (0.7,), (0,), "try-around-raising-call"),
    # `continue` inside a `try` in a loop
    (programs.try_in_loop_skip, ([0.3, -1.2, 0.8, 1.5],), (0,), "continue-in-try"),
    # a zip object given to itertools.starmap (not iterated by a `for`)
    (programs.starmap_pairs, ([0.3, -1.2, 0.8], [0.5, 1.5, 0.1]), (0, 1), "zip-in-starmap"),
    # a lambda's default value reads the loop variable (`lambda t, k=k: ...`)
    (programs.closures_capture_loop_variable, (0.7,), (0,), "lambda-default-loop-variable"),
    # a closure a function returns, called as it is returned
    (programs.closure_factory_applied, (0.7,), (0,), "returned-closure-called"),
    # `history["h"].append(h)`: an append to a list held in a dict
    # a NumPy 2 keyword the rules do not take: np.cumulative_sum's include_initial
    (programs.cumulative_sum_include_initial, (V4,), (0,), "include-initial"),
    # np.maximum.at writes into an array (np.multiply.at is differentiated since)
    (programs.multiply_at_and_maximum_at, (V4,), (0,), "maximum-at"),
    (programs.hypot_and_arctan2, (np.array([0.3, -1.2, 0.8]), np.array([0.5, 0.4, -0.7])), (0, 1), "hypot-and-arctan2"),
    (programs.qr_modes, (RNG.normal(size=(4, 3)),), (0,), "qr-modes"),
    (programs.heston_char_price, (0.04, 1.5), (0, 1), "heston-char-price"),
    (programs.complex_rotation_energy, (np.array([0.3, -1.2, 0.8]), np.array([1.1, 0.7, 1.4])), (0, 1),
     "complex-rotation-energy"),
    (programs.dict_get_update_pop, (0.7, 1.3), (0, 1), "dict-get-update-pop"),
    (programs.heapq_smallest, ([0.3, -1.2, 0.8, 1.5],), (0,), "heapq-smallest"),
    (programs.deque_window, ([0.3, -1.2, 0.8, 1.5],), (0,), "deque-window"),
    (programs.partial_with_keywords, (0.7, 0.2), (0, 1), "partial-with-keywords"),
    (programs.vector_class_operators, (0.7, 1.3), (0, 1), "vector-class-operators"),
    (programs.dataclass_with_post_init, (0.7, 1.3), (0, 1), "dataclass-with-post-init"),
    (programs.generator_expression_with_index, ([0.3, -1.2, 0.8],), (0,), "generator-expression-with-index"),
    (programs.iterate_rows_writing_views, (A3,), (0,), "iterate-rows-writing-views"),
    (programs.fill_and_putmask, (V4,), (0,), "fill-and-putmask"),
    (programs.record_field_iadd_shared, (V4,), (0,), "record-field-iadd-shared"),
    (programs.list_item_iadd_shared, (V4,), (0,), "list-item-iadd-shared"),
    (programs.dict_item_iadd_shared, (V4,), (0,), "dict-item-iadd-shared"),
    (programs.dict_item_iadd_alone, (V4,), (0,), "dict-item-iadd-alone"),
    (programs.dict_item_read_then_iadd, (V4,), (0,), "dict-item-read-then-iadd"),
    (programs.callee_mutates_copy, (V4,), (0,), "callee-mutates-copy"),
    (programs.callee_returns_its_argument, (V4,), (0,), "callee-returns-its-argument"),
    (programs.callee_mutates_dict, (0.7, 1.3), (0, 1), "callee-mutates-dict"),
    (programs.atleast_and_contiguous_alias, (V4,), (0,), "atleast-and-contiguous-alias"),
    (programs.astype_no_copy_alias, (V4,), (0,), "astype-no-copy-alias"),
    (programs.asarray_alias_write, (V4,), (0,), "asarray-alias-write"),
    (programs.expand_dims_and_flip_views, (V4,), (0,), "expand-dims-and-flip-views"),
    (programs.reshape_minus_one_view, (A3,), (0,), "reshape-minus-one-view"),
    (programs.swapaxes_view_write, (RNG.normal(size=(2, 3, 2)),), (0,), "swapaxes-view-write"),
    (programs.ellipsis_view_alias, (V4,), (0,), "ellipsis-view-alias"),
    (programs.slice_of_slice_write, (V5,), (0,), "slice-of-slice-write"),
    (programs.list_of_row_views, (A3,), (0,), "list-of-row-views"),
    (programs.tuple_item_array_iadd, (V4,), (0,), "tuple-item-array-iadd"),
    (programs.inplace_on_loop_target_array, ([np.array([0.3, -0.5]), np.array([1.2, 0.4]), np.array([-0.2, 0.9])],),
     (0,), "inplace-on-loop-target-array"),
    (programs.augmented_subscript_chain, (A3,), (0,), "augmented-subscript-chain"),
    # `with contextlib.suppress(E):` runs its block in the derivative without the manager: an exception it
    # swallows stopped the derivative with that exception (ZeroDivisionError here)
    (programs.suppress_with_raise, (0.7,), (0,), "suppress-raising"),
    (programs.suppress_zero_division, (0.7, 1.3), (0, 1), "suppress-not-raising"),
    # the same with a class whose __exit__ returns True for the exception, and a @contextmanager generator
    # catching it around its yield
    (programs.class_manager_swallows, (0.7, 0.0), (0, 1), "class-manager-swallows"),
    (programs.class_manager_swallows, (0.7, 1.3), (0, 1), "class-manager-swallows"),
    (programs.generator_manager_swallows, (0.7, 0.0), (0, 1), "generator-manager-swallows"),
    (programs.walrus_in_comprehension, ([0.3, -1.2, 0.8, 1.5],), (0,), "walrus-in-comprehension"),
    (programs.try_body_appends, (0.7,), (0,), "try-body-appends"),
    (programs.try_body_item_write, (0.7,), (0,), "try-body-item-write"),
    (programs.try_body_dict_write, (0.7,), (0,), "try-body-dict-write"),
    (programs.try_body_attribute_write, (0.7,), (0,), "try-body-attribute-write"),
    (programs.star_args_callee, ([0.3, -1.2, 0.8],), (0,), "star-args-callee"),
    (programs.global_statement_write, (0.7,), (0,), "global-statement-write"),
    (programs.del_and_rebind, (0.7,), (0,), "del-and-rebind"),
    # np.interp with a single knot (Python gives fp[0] everywhere)
    (programs.calibration_curve, (np.array([0.3, -1.2, 0.8]), np.array([0.5]), np.array([0.6])), (0, 2), "single-knot"),
    (programs.peephole_lstm_hidden_list, (0.4 * RNG.normal(size=(8, 6)), [RNG.normal(size=2) for _ in range(3)]),
     (0, 1), "append-to-dict-item"),
]


@pytest.mark.parametrize("func, args, positions, marker", REFUSED, ids=[case[3] for case in REFUSED])
def test_refused_naming_the_users_line(func, args, positions, marker):
    skip_unless_it_runs_here(func)
    check_refused_at(func, args, positions, f"probe41_programs.py:{marked_line(func, marker)}:", RNG)


MATCH_REFUSED = [("match_statement", ("square", 0.7, 1.3), (1, 2), "match-statement"),
                 ("match_on_tuple", (0.7, 1.3), (0, 1), "match-on-tuple")]


@pytest.mark.skipif(sys.version_info < (3, 10), reason="match statements need Python 3.10")
@pytest.mark.parametrize("name, args, positions, marker", MATCH_REFUSED, ids=[case[3] for case in MATCH_REFUSED])
def test_match_statements_are_refused_naming_the_users_line(name, args, positions, marker):
    import probe41_match_programs as matching  # (a SyntaxError on Python 3.9)
    func = getattr(matching, name)
    check_refused_at(func, args, positions, f"probe41_match_programs.py:{marked_line(func, marker)}:", RNG)
