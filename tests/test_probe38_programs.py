"""The programs of probe38_programs.py, in every mode against central differences and, where it runs
them, autograd: each differentiated argument in grad, value_and_grad, vjp, jvp and hvp (and grad of
grad for a number), the values of value_and_grad, vjp and jvp the function's own bit for bit, the
arguments left as they were; refusals naming the user's line in every mode that refuses, and
forward mode exact where it does not.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest

import adjoint
import probe38_programs as programs
from every_mode import check_every_position
from soundness import directional_difference, flat, marked_line, with_flat

pytest.importorskip("scipy")

RNG = np.random.default_rng(38)
SIGNAL = RNG.normal(size=8)
X = RNG.normal(size=(6, 3))
Y = X @ np.array([0.5, -1.0, 0.3]) + 0.1 * RNG.normal(size=6)
SPD = np.array([[2.0, 0.3, 0.1], [0.3, 1.5, 0.2], [0.1, 0.2, 1.0]])
PYRAMID = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.1, 1.0, 0.0], [-1.0, 0.1, 0.0], [0.0, -1.0, 0.1]])
POLYGON = np.array([[0.0, 0.0], [2.0, 0.1], [2.2, 1.5], [0.8, 2.1], [-0.3, 1.0]])
CLUSTER = np.array([[0.0, 0.0, 0.0], [1.1, 0.1, 0.0], [0.4, 1.0, 0.1], [0.5, 0.4, 0.9]])
EDGES = np.array([[0, 1], [1, 2], [2, 0], [2, 3], [3, 0]])
T = np.linspace(0.0, 2.0, 6)
COUNTS = np.array([0.0, 2.0, 0.0, 1.0, 3.0, 0.0])
DATA = np.array([0.8, 1.3, 2.1, 0.4, 1.7, 3.0])
CASH = [-100.0, 30.0, 40.0, 50.0, 20.0]


def layers():
    return [programs.Layer(0.5 * RNG.normal(size=(3, 3)), RNG.normal(size=3)) for _ in range(2)]


# (name, args, positions, positions autograd runs, positions whose second derivative is refused);
# autograd runs neither `math` nor scipy's ufuncs on its boxes, nor writes into arrays
CASES = [
    ("fir_filter_loss", (RNG.normal(size=3), SIGNAL, RNG.normal(size=8)), (0, 1, 2), (0, 1, 2), ()),
    ("moving_average_energy", (SIGNAL,), (0,), (), ()),
    ("windowed_power", (SIGNAL,), (0,), (0,), ()),
    ("spectral_centroid", (SIGNAL, 0.1), (0, 1), (0, 1), ()),
    ("one_pole_lowpass", (0.3, SIGNAL), (0, 1), (), ()),
    ("biquad", ((0.2, 0.4, 0.2, -0.3, 0.1), SIGNAL), (0, 1), (), ()),
    ("normalized_autocorrelation", (SIGNAL,), (0,), (0,), ()),
    ("hamming_smoothed", (SIGNAL,), (0,), (0,), ()),
    ("spectral_flatness", (SIGNAL,), (0,), (0,), ()),
    ("exponential_smoothing", (0.4, SIGNAL), (0, 1), (0, 1), ()),
    ("band_energy", (SIGNAL,), (0,), (0,), ()),
    ("ema_crossover", (SIGNAL, 0.5, 0.2), (0, 1, 2), (0, 1, 2), ()),
    ("unrolled_descent", (0.3, SPD, np.array([1.0, -0.5, 0.2])), (0, 1, 2), (0, 1, 2), ()),
    ("heavy_ball", (0.6, SPD, np.array([1.0, -0.5, 0.2])), (0, 1, 2), (), ()),
    ("nesterov", (RNG.normal(size=3), 1.5), (0, 1), (0, 1), ()),
    ("backtracking_descent", (np.array([-0.6, 0.7]),), (0,), (0,), ()),
    ("newton_cube_root", (2.7,), (0,), (), ()),
    ("projected_gradient", (np.array([0.3, -1.2, 0.9, 0.1]),), (0,), (0,), ()),
    ("ista_lasso", (Y, X), (0, 1), (0, 1), ()),
    ("golden_section_value", (0.4,), (0,), (), ()),
    ("gauss_newton_exponential", ((2.0, 0.6), T, 1.8 * np.exp(-0.7 * T)), (0, 1, 2), (), ()),
    ("student_t_regression", (np.array([0.4, -0.8, 0.2]), -0.5, X, Y), (0, 1, 2, 3), (), ()),
    ("censored_normal_nll", (0.8, -0.2, DATA[:4], DATA[4:]), (0, 1, 2, 3), (), ()),
    ("gamma_mle", (np.array([0.4, 0.1]), DATA), (0, 1), (), ()),
    ("mixture_loglik", (np.array([0.5, 2.0]), np.array([-0.3, 0.1]), np.array([0.2, -0.1]), DATA), (0, 1, 2, 3),
     (), ()),
    ("kde_log_likelihood", (-0.5, DATA), (0, 1), (), ()),
    ("zero_inflated_poisson", (0.3, -0.4, COUNTS), (0, 1), (), ()),
    ("weibull_mle", (0.4, 0.3, DATA), (0, 1, 2), (), ()),
    ("logistic_with_log_expit", (RNG.normal(size=3), X, (Y > 0).astype(float)), (0, 1), (), ()),
    ("bayes_linear_evidence", (0.3, X, Y), (0, 1, 2), (), ()),
    ("dirichlet_map", (np.array([0.2, -0.3, 0.5]), np.array([3.0, 1.0, 2.0]), np.array([1.5, 2.0, 2.5])), (0, 2),
     (), ()),
    ("beta_binomial_nll", (np.array([0.3, 0.5]), np.array([2.0, 5.0, 1.0]), np.array([6.0, 8.0, 4.0])), (0,), (), ()),
    ("robust_location", (1.1, DATA), (0, 1), (0, 1), ()),
    ("shoelace_area", (POLYGON,), (0,), (0,), ()),
    ("polygon_perimeter_centroid", (POLYGON,), (0,), (0,), ()),
    ("mesh_area", (PYRAMID,), (0,), (0,), ()),
    ("vertex_areas", (PYRAMID[:, :2] + 0.1 * RNG.normal(size=(5, 2)),), (0,), (), ()),
    ("dirichlet_energy", (RNG.normal(size=5), PYRAMID), (0, 1), (), ()),
    ("scatter_forces", (CLUSTER, EDGES, 2.0), (0, 2), (), ()),
    ("tet_volumes", (np.vstack([CLUSTER, [[1.0, 1.0, 1.0]]]),), (0,), (0,), ()),
    ("dihedral_angle", (CLUSTER,), (0,), (0,), ()),
    ("curve_length_resampled", (POLYGON,), (0,), (0,), ()),
    ("buckingham_cluster", (CLUSTER,), (0,), (0,), ()),
    ("morse_loop", (CLUSTER,), (0,), (0,), ()),
    ("velocity_verlet", (RNG.normal(size=3), RNG.normal(size=3), 1.7), (0, 1, 2), (0, 1, 2), ()),
    ("rk4_with_params", (1.3, 0.2, np.array([1.0, 0.0])), (0, 1, 2), (0, 1, 2), ()),
    ("spring_network", (CLUSTER, np.array([1.0, 1.1, 0.9, 1.2, 1.0]), EDGES), (0, 1), (0, 1), ()),
    ("gravity_potential", (CLUSTER, np.array([1.0, 2.0, 0.5, 1.5])), (0, 1), (), ()),
    ("water_energy", (np.array([[0.0, 0.0, 0.0], [0.95, 0.1, 0.0], [-0.3, 0.9, 0.05]]),), (0,), (), ()),
    ("van_der_waals_pressure", (1.2, 300.0), (0, 1), (0, 1), ()),
    ("implicit_heat", (RNG.normal(size=5), 0.4), (0, 1), (0, 1), ()),
    ("projectile_until_ground", (12.0, 0.8), (0, 1), (), ()),
    ("screened_coulomb", (CLUSTER, np.array([1.0, -1.0, 0.5, -0.5])), (0, 1), (0, 1), ()),
    ("ces_utility", (np.array([1.2, 0.7, 2.0]), np.array([0.3, 0.5, 0.2])), (0, 1), (0, 1), ()),
    ("npv", (0.07, CASH), (0, 1), (), ()),
    ("irr_newton", (CASH,), (0,), (), ()),
    ("option_book", (np.array([85.0, 97.0, 104.0, 121.0]),), (0,), (0,), ()),
    ("bachelier_call", (100.0, 97.0, 8.0, 0.5), (0, 1, 2, 3), (), ()),
    ("cobb_douglas_profit", (np.array([1.2, 0.8]), np.array([0.3, 0.5]), np.array([0.5, 0.7])), (0, 1, 2),
     (0, 1, 2), ()),
    ("mean_variance", (np.array([0.5, 0.3, 0.4]), np.array([0.05, 0.08, 0.03]), SPD * 0.01), (0, 1, 2), (0, 1, 2),
     ()),
    ("annuity_payment", (1000.0, 0.05), (0, 1), (), ()),
    ("monte_carlo_barrier", (100.0, 0.2), (0, 1), (), ()),
    ("bond_price_and_duration", (0.04, np.array([5.0, 5.0, 5.0, 105.0])), (0, 1), (0, 1), ()),
    ("gaussian_dataclass_nll", (programs.Gaussian(np.array([0.3, -0.2]), np.array([0.1, -0.4])),
                                RNG.normal(size=(4, 2))), (0, 1), (), ()),
    ("leapfrog_particle", (programs.Particle(RNG.normal(size=2), RNG.normal(size=2)), 1.3), (0, 1), (), ()),
    ("particle_roundtrip", (RNG.normal(size=2), RNG.normal(size=2)), (0, 1), (), ()),
    ("ridge_method_loss", (RNG.normal(size=3), DATA, RNG.normal(size=6)), (0, 1, 2), (), ()),
    ("layers_forward", (layers(), RNG.normal(size=3)), (0, 1), (), ()),
    ("portfolio_utility", (np.array([0.2, 0.5, 0.3]), np.array([0.1, -0.05, 0.2])), (0, 1), (), ()),
    ("fit_quadratic", (programs.Params(0.5, -0.3, 0.8), T, np.sin(T)), (0, 1, 2), (), ()),
    ("updated_params", (programs.Params(0.5, -0.3, 0.8),), (0,), (), ()),
    ("spread_params", (SIGNAL, 0.3), (0, 1), (), ()),
    ("weighted_comprehension", (np.array([0.5, -0.2, 1.1]), np.array([0.3, 0.9, -0.4])), (0, 1), (), ()),
    ("closure_polynomial", (0.7, [1.0, -0.5, 0.25]), (0, 1), (), ()),
    ("reduce_compose", (0.4, [1.2, 0.8, 1.5]), (0, 1), (), ()),
    ("safe_log_ratio", (1.3, 0.6), (0, 1), (), ()),
    ("piecewise_tax", (55.0,), (0,), (), ()),
    ("integrate_adaptive", (0.7, 2.0), (0, 1), (), ()),
    ("continued_fraction", (0.8,), (0,), (0,), ()),
    ("argmax_by_key", (np.array([0.3, -1.2, 0.8]), np.array([1.0, 0.5, 2.0])), (0,), (), ()),
    ("walrus_and_any", (np.array([0.3, -0.5, 0.7]),), (0,), (), ()),
    ("config_defaults", (SIGNAL, {"scale": 1.5, "power": 3}), (0,), (), ()),
    ("grid_product", ([0.1, 0.5], [0.3, -0.2, 0.9]), (0, 1), (), ()),
    ("nested_dict_params", ({"enc": {"W": 0.5 * RNG.normal(size=(2, 3)), "b": RNG.normal(size=2)},
                             "dec": {"w": RNG.normal(size=2)}}, RNG.normal(size=3)), (0, 1), (), ()),
    ("running_stats", ([0.3, 1.2, -0.4, 0.8],), (0,), (), ()),
    ("early_exit_scan", (np.array([0.3, 0.5, 0.9, 0.2]),), (0,), (0,), ()),
    ("lambda_table", (0.7, ("sq", "sin", "cube")), (0,), (), ()),
    ("fsum_and_prod", ([0.3, -0.5, 1.1],), (0,), (), ()),
    ("zip_strict_pairs", ((0.3, -0.5), (1.1, 0.4)), (0, 1), (), ()),
    ("string_dispatch", (np.array([0.3, -1.5, 0.8]), "huber:1.0"), (0,), (0,), ()),
    ("tuple_return_unpacked", (np.array([0.3, -1.5, 0.8]),), (0,), (0,), ()),
    ("enumerate_start", (np.array([0.3, -1.5, 0.8]),), (0,), (), ()),
    ("dict_accumulate_by_label", (np.array([0.3, -1.5, 0.8, 0.4]), ["a", "b", "a", "c"]), (0,), (), ()),
    ("list_of_arrays_stack", (np.array([0.3, -1.5, 0.8]),), (0,), (0,), ()),
    ("long_kernel_convolution", (SIGNAL[:3], RNG.normal(size=5)), (0, 1), (), ()),
    ("matched_filter", (RNG.normal(size=3), SIGNAL), (0, 1), (), ()),
    ("inverse_fft_roundtrip", (SIGNAL,), (0,), (0,), ()),
    ("shifted_spectrum", (SIGNAL,), (0,), (0,), ()),
    ("prefix_sum_in_place", (SIGNAL,), (0,), (), ()),
    ("overlapping_shift", (SIGNAL,), (0,), (), ()),
    ("repeated_index_accumulate", (RNG.normal(size=6),), (0,), (), ()),
    ("masked_update", (np.array([0.9, -0.1, 0.3, 1.4, -0.7]),), (0,), (), ()),
    ("trimmed_mean", (np.array([0.9, -0.1, 0.3, 1.4, -0.7, 0.2]),), (0,), (), ()),
    ("argmax_pick", (RNG.normal(size=3), RNG.normal(size=(4, 3))), (0, 1), (), ()),
    ("table_lookup", (1.3, np.array([0.0, 0.5, 1.5, 1.0, 0.2])), (0, 1), (), ()),
    ("periodic_angle", (5.9, 0.4), (0, 1), (), ()),
    ("searchsorted_interp", (np.array([0.3, 1.7, 2.2]), np.array([0.0, 1.0, 2.0, 3.0]), np.array([0.5, 1.5, 0.2, 1.0])),
     (0, 1, 2), (), ()),
    ("normalize_rows", (RNG.normal(size=(3, 2)),), (0,), (), ()),
    ("stats_shapes", (2.5, 1.5, 4.5, np.array([0.5, 1.2, 2.2, 3.1])), (0, 1, 2, 3), (), ()),
    ("frozen_distributions", (0.3, 0.8, np.array([0.5, 1.2, 2.2])), (0, 1, 2), (), ()),
    ("quantile_matching", (0.2, 1.1), (0, 1), (), ()),
    ("binomial_probit", (np.array([0.3, -0.2, 0.1]), X, np.array([1.0, 3.0, 0.0, 2.0, 4.0, 1.0]),
                         np.array([4.0, 5.0, 3.0, 4.0, 5.0, 2.0])), (0, 1), (), ()),
    ("cauchy_logistic_mix", (0.4, DATA), (0, 1), (), ()),
    ("float32_signal", (SIGNAL.astype(np.float32),), (0,), (), ()),
    ("int_counts_model", (np.array([0.8, 0.3, 2.5, 1.7]),), (0,), (), ()),
    ("gauss_seidel_in_place", (np.array([1.0, -0.5, 0.2]), SPD), (0, 1), (), ()),
    ("verlet_in_place", (RNG.normal(size=3), RNG.normal(size=3), 1.7), (0, 1, 2), (), ()),
    ("triu_pair_write", (CLUSTER,), (0,), (), ()),
    ("kron_outer_einsum", (RNG.normal(size=3), SPD), (0, 1), (0, 1), ()),
    ("trapezoid_work", (SIGNAL, np.cumsum(0.1 + np.abs(SIGNAL))), (0, 1), (), ()),
    ("value_with_item", (SIGNAL,), (0,), (), ()),
    ("chain_of_springs", (np.array([0.0, 1.2, 2.1]),), (0,), (), ()),
    ("bodies_energy", ([programs.Body(1.0, RNG.normal(size=2), RNG.normal(size=2)),
                        programs.Body(2.0, RNG.normal(size=2), RNG.normal(size=2))],), (0,), (), ()),
    ("optimize_scalar", (0.3, 0.1), (0, 1), (), ()),
    ("dict_zip_and_sorted", ([0.3, 1.2, -0.4],), (0,), (), ()),
    ("columns_by_zip", ([[0.3, 1.2], [-0.4, 0.8], [1.5, 0.6]],), (0,), (), ()),
    ("min_of_pair_by_key", (0.7, -1.3), (0, 1), (), ()),
    ("power_tower", (0.7,), (0,), (0,), ()),
    ("while_else_search", (0.9,), (0,), (), ()),
    ("reversed_list_ops", ([0.3, 1.2, -0.4],), (0,), (), ()),
    ("sum_with_start", ([RNG.normal(size=2), RNG.normal(size=2)], 0.5), (0, 1), (), ()),
    ("nested_closure_counter", (np.array([0.3, 1.2, -0.4]),), (0,), (), ()),
    ("forwarding_caller", (SIGNAL, 0.3), (0, 1), (), ()),
]


def assert_values_are_the_functions_own(func, args, position) -> None:
    """value_and_grad's, vjp's and jvp's values are func's own value, bit for bit and of its type."""
    own = func(*copy.deepcopy(args))
    tangent = with_flat(args[position], np.ones(flat(args[position]).size))
    values = {"value_and_grad": adjoint.value_and_grad(func, wrt=position)(*copy.deepcopy(args))[0],
              "vjp": adjoint.vjp(func, wrt=position)(*copy.deepcopy(args))[0],
              "jvp": adjoint.jvp(func, wrt=position)(*copy.deepcopy(args), tangent)[0]}
    for mode, value in values.items():
        assert type(value) is type(own) and value == own, f"{mode}'s value {value!r} is not {own!r}"


@pytest.mark.parametrize("name, args, positions, with_autograd, first_order_only", CASES,
                         ids=[case[0] for case in CASES])
def test_every_argument_in_every_mode(name, args, positions, with_autograd, first_order_only):
    func = getattr(programs, name)
    check_every_position(func, args, positions, with_autograd, first_order_only)
    for position in positions:
        assert_values_are_the_functions_own(func, args, position)
