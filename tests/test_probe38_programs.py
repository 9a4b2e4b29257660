"""The programs of probe38_programs.py, in every mode against central differences and, where it runs
them, autograd: each differentiated argument in grad, value_and_grad, vjp, jvp and hvp (and grad of
grad for a number), the values of value_and_grad, vjp and jvp the function's own bit for bit, the
arguments left as they were; refusals naming the user's line in every mode that refuses (vjp's
pullback run too: some are checked when the derivative runs), and forward mode exact where it
does not refuse.

What was wrong:
- the grad of grad of a loop calling a dataclass method that writes `self` and returns a value
  (`x = x + opt.step(g)`, an exponential smoother's `sm.update(v)`, a callee returning a new dict
  state and a number) crashed with "float() argument must be ... not 'dict'": the last call's
  record, left unread, has the number 0 for its cotangent, and the second derivative's gradient of
  that 0, a dict of the record's fields, was cast to a float. A number's gradient that is a
  record, dict or list now stays one, as an array did already.
- `np.fft.rfftfreq(n, d=dt)`, the spacing by NumPy's own keyword, was refused: a rule cannot name a
  parameter `d` (the marker). A keyword now binds the rule's parameter of its name with a
  trailing underscore (`d_`).
- the derivative of `np.interp(..., left=0.0)` held `0.0 is None` (the rule's test of its optional
  argument), of which Python warns with a SyntaxWarning when it compiles the derivative; the test
  is answered where the call gives a literal.
- `logging.getLogger(__name__).debug(...)` was refused as a call that may change the global
  `__name__` in place (a logger fetched by a literal name was differentiated): a global or closure
  name holding a string, bytes or a number is not checked for changes in place.
- `np.bincount(faces.ravel(), weights=w)` (a mesh's per-vertex areas) had no rule; it is
  differentiated in its weights.
- totals kept in a `collections.defaultdict(float)` or a `Counter` (`totals[label] += v * v`)
  crashed with KeyError: in forward mode the tangent dict lacks the item the defaultdict made when
  it was first read, and in reverse mode a Counter's 0 for a key it never held has no item to take
  an adjoint. An item a dict that makes its defaults lacks is that default, a constant.
- a moving window kept in a `collections.deque(maxlen=3)` had a wrong derivative in forward mode
  (jvp 1.3 where the slope is 1.1; the first items, which the deque drops, kept their tangents)
  and crashed in reverse mode: `.append` was differentiated as a list's whatever the name held.
  Where a binding of the name may make something else than a list, or the name is a parameter,
  `.append` and `.extend` check that it holds a list, and refuse another type at the line;
  `window += [v]` on such a deque crashed (`deque + list`): `a op= b` on an object whose class
  changes it in place otherwise than a list, a set or a dict does is refused at the line.

Refused when probed, differentiated since by the same stop's work: `np.diff(x, prepend=x[0])`,
`np.partition`, and a window kept short by `window.pop(0)` (its second derivative refused: the loop
appends to the list its first derivative keeps); by a later one, `statistics.fmean` and `stdev`, a
generator function yielding differentiated pairs, and `dict(zip(names, values))`; by a later one,
np.put_along_axis (its second derivative refused, as that of every write the first derivative keeps);
by a later one, np.interp with a period.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import adjoint
import probe38_programs as programs
from every_mode import check_program, check_refused_at
from soundness import marked_line

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
KNOTS = np.array([0.0, 1.0, 2.0, 3.0])


def layers():
    return [programs.Layer(0.5 * RNG.normal(size=(3, 3)), RNG.normal(size=3)) for _ in range(2)]


# (name, args, positions, positions autograd runs, positions whose second derivative is refused);
# autograd runs neither `math` nor scipy's ufuncs on its boxes, nor writes into arrays
CASES = [
    ("fir_filter_loss", (RNG.normal(size=3), SIGNAL, RNG.normal(size=8)), (0, 1), (), ()),
    ("moving_average_energy", (SIGNAL,), (0,), (), ()),
    ("statistics_module", (0.7, -0.4), (0, 1), (), ()),  # (autograd: no statistics module)
    ("polyfit_curvature", (RNG.normal(size=6),), (0,), (), ()),  # (autograd: no vjp of it)
    ("apply_along", (RNG.normal(size=(3, 2)),), (0,), (), ()),  # (autograd: no vjp of np.apply_along_axis)
    ("stats_by_axis", (RNG.normal(size=(3, 4)),), (0,), (), ()),  # (autograd: no vjp of it)
    ("sliding_windows", (SIGNAL,), (0,), (), ()),  # (autograd: no vjp of it)
    ("homogeneous_transform", (0.7,), (0,), (), ()),  # (autograd: no vjp of it)
    ("generator_function", (np.array([0.3, -0.4, 1.1, 0.5]),), (0,), (0,), ()),
    ("differences_and_rolls", (SIGNAL,), (0,), (), ()),  # (autograd: np.diff's prepend)
    ("partition_quantile", (SIGNAL,), (0,), (), ()),  # (autograd: no np.partition)
    ("window_by_pop_front", (np.array([0.3, -0.4, 1.1, 0.5, 0.9]),), (0,), (0,), (0,)),  # (appends and pops in a loop)
    ("windowed_power", (SIGNAL,), (0,), (0,), ()),
    ("spectral_centroid", (SIGNAL, 0.1), (0, 1), (0, 1), ()),
    ("one_pole_lowpass", (0.3, SIGNAL), (0,), (), ()),
    ("biquad", ((0.2, 0.4, 0.2, -0.3, 0.1), SIGNAL), (0,), (), ()),
    ("normalized_autocorrelation", (SIGNAL,), (0,), (), ()),
    ("spectral_flatness", (SIGNAL,), (0,), (), ()),
    ("band_energy", (SIGNAL,), (0,), (), ()),
    ("ema_crossover", (SIGNAL, 0.5, 0.2), (1,), (1,), ()),
    ("unrolled_descent", (0.3, SPD, np.array([1.0, -0.5, 0.2])), (0, 2), (0, 2), ()),
    ("nesterov", (RNG.normal(size=3), 1.5), (0,), (), ()),
    ("backtracking_descent", (np.array([-0.6, 0.7]),), (0,), (), ()),
    ("newton_cube_root", (2.7,), (0,), (), ()),
    ("ista_lasso", (Y, X), (0, 1), (0,), (1,)),
    ("golden_section_value", (0.4,), (0,), (), ()),
    ("gauss_newton_exponential", ((2.0, 0.6), T, 1.8 * np.exp(-0.7 * T)), (0,), (), ()),
    ("student_t_regression", (np.array([0.4, -0.8, 0.2]), -0.5, X, Y), (0, 1), (), ()),
    ("censored_normal_nll", (0.8, -0.2, DATA[:4], DATA[4:]), (0, 1), (), ()),
    ("mixture_loglik", (np.array([0.5, 2.0]), np.array([-0.3, 0.1]), np.array([0.2, -0.1]), DATA), (0, 2), (), ()),
    ("kde_log_likelihood", (-0.5, DATA), (0,), (), ()),
    ("zero_inflated_poisson", (0.3, -0.4, COUNTS), (1,), (), ()),
    ("bayes_linear_evidence", (0.3, X, Y), (0, 1), (), ()),
    ("dirichlet_map", (np.array([0.2, -0.3, 0.5]), np.array([3.0, 1.0, 2.0]), np.array([1.5, 2.0, 2.5])), (0, 2),
     (), ()),
    ("shoelace_area", (POLYGON,), (0,), (0,), ()),
    ("mesh_area", (PYRAMID,), (0,), (0,), ()),
    ("vertex_areas", (PYRAMID[:, :2] + 0.1 * RNG.normal(size=(5, 2)),), (0,), (), ()),
    ("dirichlet_energy", (RNG.normal(size=5), PYRAMID), (0, 1), (), (1,)),
    ("scatter_forces", (CLUSTER, EDGES, 2.0), (0, 2), (), ()),
    ("tet_volumes", (np.vstack([CLUSTER, [[1.0, 1.0, 1.0]]]),), (0,), (0,), ()),
    ("dihedral_angle", (CLUSTER,), (0,), (0,), ()),
    ("curve_length_resampled", (POLYGON,), (0,), (), ()),
    ("buckingham_cluster", (CLUSTER,), (0,), (0,), ()),
    ("velocity_verlet", (RNG.normal(size=3), RNG.normal(size=3), 1.7), (2,), (2,), ()),
    ("rk4_with_params", (1.3, 0.2, np.array([1.0, 0.0])), (0,), (), ()),
    ("spring_network", (CLUSTER, np.array([1.0, 1.1, 0.9, 1.2, 1.0]), EDGES), (0,), (0,), ()),
    ("gravity_potential", (CLUSTER, np.array([1.0, 2.0, 0.5, 1.5])), (0,), (), ()),
    ("water_energy", (np.array([[0.0, 0.0, 0.0], [0.95, 0.1, 0.0], [-0.3, 0.9, 0.05]]),), (0,), (), ()),
    ("projectile_until_ground", (12.0, 0.8), (1,), (), ()),
    ("irr_newton", (CASH,), (0,), (), ()),
    ("bachelier_call", (100.0, 97.0, 8.0, 0.5), (0, 2), (), ()),
    ("cobb_douglas_profit", (np.array([1.2, 0.8]), np.array([0.3, 0.5]), np.array([0.5, 0.7])), (0, 1),
     (0, 1), ()),
    ("monte_carlo_barrier", (100.0, 0.2), (1,), (), ()),
    ("gaussian_dataclass_nll", (programs.Gaussian(np.array([0.3, -0.2]), np.array([0.1, -0.4])),
                                RNG.normal(size=(4, 2))), (0,), (), ()),
    ("leapfrog_particle", (programs.Particle(RNG.normal(size=2), RNG.normal(size=2)), 1.3), (0,), (), ()),
    ("ridge_method_loss", (RNG.normal(size=3), DATA, RNG.normal(size=6)), (0,), (), ()),
    ("layers_forward", (layers(), RNG.normal(size=3)), (0,), (), ()),
    ("portfolio_utility", (np.array([0.2, 0.5, 0.3]), np.array([0.1, -0.05, 0.2])), (0,), (), ()),
    ("fit_quadratic", (programs.Params(0.5, -0.3, 0.8), T, np.sin(T)), (0,), (), ()),
    ("updated_params", (programs.Params(0.5, -0.3, 0.8),), (0,), (), ()),
    ("piecewise_tax", (55.0,), (0,), (), ()),
    ("integrate_adaptive", (0.7, 2.0), (0,), (), ()),
    ("argmax_by_key", (np.array([0.3, -1.2, 0.8]), np.array([1.0, 0.5, 2.0])), (0,), (), ()),
    ("nested_dict_params", ({"enc": {"W": 0.5 * RNG.normal(size=(2, 3)), "b": RNG.normal(size=2)},
                             "dec": {"w": RNG.normal(size=2)}}, RNG.normal(size=3)), (0,), (), ()),
    ("running_stats", ([0.3, 1.2, -0.4, 0.8],), (0,), (), ()),
    ("early_exit_scan", (np.array([0.3, 0.5, 0.9, 0.2]),), (0,), (0,), ()),
    ("dict_accumulate_by_label", (np.array([0.3, -1.5, 0.8, 0.4]), ["a", "b", "a", "c"]), (0,), (), ()),
    ("list_of_arrays_stack", (np.array([0.3, -1.5, 0.8]),), (0,), (0,), ()),
    ("long_kernel_convolution", (SIGNAL[:3], RNG.normal(size=5)), (0, 1), (), ()),
    ("matched_filter", (RNG.normal(size=3), SIGNAL), (0,), (), ()),
    ("inverse_fft_roundtrip", (SIGNAL,), (0,), (0,), (0,)),
    ("shifted_spectrum", (SIGNAL,), (0,), (0,), ()),
    ("prefix_sum_in_place", (SIGNAL,), (0,), (), ()),
    ("overlapping_shift", (SIGNAL,), (0,), (), ()),
    ("repeated_index_accumulate", (RNG.normal(size=6),), (0,), (), ()),
    ("masked_update", (np.array([0.9, -0.1, 0.3, 1.4, -0.7]),), (0,), (), (0,)),
    ("trimmed_mean", (np.array([0.9, -0.1, 0.3, 1.4, -0.7, 0.2]),), (0,), (), ()),
    ("argmax_pick", (RNG.normal(size=3), RNG.normal(size=(4, 3))), (0,), (), ()),
    ("table_lookup", (1.3, np.array([0.0, 0.5, 1.5, 1.0, 0.2])), (0, 1), (), ()),
    ("searchsorted_interp", (np.array([0.3, 1.7, 2.2]), np.array([0.0, 1.0, 2.0, 3.0]), np.array([0.5, 1.5, 0.2, 1.0])),
     (0, 2), (), ()),
    ("normalize_rows", (RNG.normal(size=(3, 2)),), (0,), (), ()),
    ("stats_shapes", (2.5, 1.5, 4.5, np.array([0.5, 1.2, 2.2, 3.1])), (0,), (), ()),
    ("frozen_distributions", (0.3, 0.8, np.array([0.5, 1.2, 2.2])), (0, 1), (), ()),
    ("quantile_matching", (0.2, 1.1), (0, 1), (), ()),
    ("binomial_probit", (np.array([0.3, -0.2, 0.1]), X, np.array([1.0, 3.0, 0.0, 2.0, 4.0, 1.0]),
                         np.array([4.0, 5.0, 3.0, 4.0, 5.0, 2.0])), (0,), (), ()),
    ("cauchy_logistic_mix", (0.4, DATA), (0,), (), ()),
    ("gauss_seidel_in_place", (np.array([1.0, -0.5, 0.2]), SPD), (0,), (), ()),
    ("verlet_in_place", (RNG.normal(size=3), RNG.normal(size=3), 1.7), (0,), (), ()),
    ("triu_pair_write", (CLUSTER,), (0,), (), ()),
    ("trapezoid_work", (SIGNAL, np.cumsum(0.1 + np.abs(SIGNAL))), (1,), (), ()),
    ("bodies_energy", ([programs.Body(1.0, RNG.normal(size=2), RNG.normal(size=2)),
                        programs.Body(2.0, RNG.normal(size=2), RNG.normal(size=2))],), (0,), (), ()),
    ("optimize_scalar", (0.3, 0.1), (0,), (), ()),
    ("columns_by_zip", ([[0.3, 1.2], [-0.4, 0.8], [1.5, 0.6]],), (0,), (), ()),
    ("power_tower", (0.7,), (0,), (0,), ()),
    ("while_else_search", (0.9,), (0,), (), ()),
    ("reversed_list_ops", ([0.3, 1.2, -0.4],), (0,), (), (0,)),
    ("nested_closure_counter", (np.array([0.3, 1.2, -0.4]),), (0,), (), ()),
    ("forwarding_caller", (SIGNAL, 0.3), (1,), (), ()),
    ("retirement_plan", (0.05, 12.0), (0,), (), ()),
    ("symplectic_euler", (1.7, 0.6), (0,), (), ()),
    ("scalar_adam", (0.2, 0.1), (0,), (), ()),
    ("conditional_mean", (0.7, -1.3), (0,), (), ()),
    ("recursion_pair", (0.9,), (0,), (), ()),
    ("records_in_list", (0.7, 1.3), (1,), (), ()),
    ("dict_returned", (0.7, -1.3), (0,), (), ()),
    ("early_return_with_record", (0.7,), (0,), (), ()),
    ("integrator_object", (0.7,), (0,), (), ()),
    ("tuple_swap_loop", (0.7, -0.4), (0,), (), ()),
    ("kwonly_caller", (0.7, 1.4), (1,), (), ()),
    ("star_caller", (0.7, 1.4), (0,), (), ()),
    ("short_signal_long_kernel", (RNG.normal(size=3), RNG.normal(size=5)), (0, 1), (), ()),
    ("ortho_transforms", (SIGNAL,), (0,), (), ()),
    ("max_drawdown", (np.array([100.0, 104.0, 98.0, 101.0, 107.0, 95.0]),), (0,), (), ()),
    ("numpy_gradient", (SIGNAL, 0.3), (0,), (), ()),
    ("padded_smoothing", (SIGNAL,), (0,), (), ()),
    ("einsum_corners", (RNG.normal(size=(3, 3)), RNG.normal(size=3)), (0,), (), ()),
    ("norm_kinds", (RNG.normal(size=(3, 3)),), (0,), (), ()),
    ("lstsq_residual", (X, Y), (0,), (), ()),
    ("vandermonde_fit", (T, np.sin(T)), (0,), (), ()),
    ("unwrap_phase", (np.array([0.1, 2.0, 4.5, -1.0, 1.2]),), (0,), (), ()),
    ("interp_bounds", (np.array([-0.5, 0.7, 2.9, 3.5]), KNOTS, np.array([0.5, 1.5, 0.2, 1.0])), (1, 2), (), ()),
    # np.interp(..., period=...) was refused when the derivative ran (tests/test_probe43_programs.py)
    ("interp_periodic", (np.array([-0.5, 0.7, 2.9]), KNOTS, np.array([0.5, 1.5, 0.2, 1.0])), (0, 1, 2), (), ()),
    ("bar_fem_compliance", (np.array([1.0, 2.0, 1.5]),), (0,), (), (0,)),
    ("assemble_add_at", (RNG.normal(size=5),), (0,), (), ()),
    ("discounted_returns", (SIGNAL, 0.9), (1,), (), ()),
    ("nonuniform_gradient", (SIGNAL, np.cumsum(0.2 + RNG.random(8))), (0,), (), ()),
    ("broadcast_in_place", (RNG.normal(size=(3, 4)), RNG.normal(size=3)), (0, 1), (), (0, 1)),
    ("cumsum_2d", (RNG.normal(size=(3, 4)),), (0,), (), ()),
    ("dict_of_arrays_loop", ({"w": RNG.normal(size=3), "b": RNG.normal(size=2)}, RNG.normal(size=3)), (0,), (), ()),
    ("gae_advantages", (RNG.normal(size=6), RNG.normal(size=5)), (0,), (), ()),
    ("kinetic_monte_carlo", (np.array([0.5, 1.2, 0.8]),), (0,), (), ()),
    ("dict_state_callee", (0.7, -0.4), (0,), (), ()),
    ("smoother_method", (0.3, 0.6), (0,), (), ()),
    ("smoother_unused_at_end", (0.3, 0.6), (1,), (), ()),
    ("record_from_callee_unread", (0.7, -0.4), (0,), (), ()),
    ("stochastic_paths", (0.3, 0.7), (0, 1), (), ()),
    ("lru_cached_series", (0.7,), (0,), (), ()),
    ("rounding_and_casts", (0.737,), (0,), (), ()),
    ("sign_and_steps", (np.array([0.3, -0.4, 1.1]),), (0,), (), ()),
    ("isinstance_branch", (0.7,), (0,), (), ()),
    ("allclose_fixed_point", (0.8,), (0,), (), ()),
    ("nested_unpacking", (np.array([0.3, -0.4, 1.1]), np.array([0.5, 0.2, -0.7])), (0, 1), (), ()),
    ("operator_reduce", (np.array([0.3, -0.4, 1.1]),), (0,), (), ()),
    ("newaxis_broadcast", (np.array([0.3, -0.4, 1.1]), np.array([0.5, 0.2])), (0, 1), (), ()),
    ("polymorphic_energy", (np.array([0.3, -0.4, 1.1]),), (0,), (), ()),
    ("checkpointed_pendulum", (1.3, np.array([0.8, 0.1])), (0, 1), (), ()),
    ("checkpointed_network", (0.5 * RNG.normal(size=(3, 3)), RNG.normal(size=3)), (0, 1), (), ()),
    ("checkpointed_branches", (0.7, 0.9), (0, 1), (), ()),
    ("mlp_by_formatted_keys", ({"W0": 0.5 * RNG.normal(size=(3, 2)), "b0": RNG.normal(size=3),
                                "W1": 0.5 * RNG.normal(size=(2, 3)), "b1": RNG.normal(size=2)}, RNG.normal(size=2)),
     (0, 1), (), ()),
    ("list_of_layer_dicts", ([{"W": 0.5 * RNG.normal(size=(3, 2)), "b": RNG.normal(size=3), "scale": 1.0},
                              {"W": 0.5 * RNG.normal(size=(2, 3)), "scale": 1.5}], RNG.normal(size=2)), (1,), (), ()),
    ("split_chunks", (RNG.normal(size=6),), (0,), (), ()),
    ("errstate_and_checks", (np.array([0.3, -0.4, 1.1, 0.5]),), (0,), (), ()),
    ("defaultdict_totals", (np.array([0.3, -0.4, 1.1, 0.5]),), (0,), (), (0,)),
    ("min_of_pair_by_key", (0.7, -1.3), (0, 1), (), ()),
    ("bisect_spline", (1.4, np.array([0.3, -0.4, 1.1, 0.5, 0.2])), (1,), (), ()),
    ("counter_weights", (np.array([0.3, -0.4, 1.1, 0.5]),), (0,), (), (0,)),
    ("combinations_energy", (CLUSTER,), (0,), (), ()),
    ("consecutive_zip", (np.array([0.3, -0.4, 1.1, 0.5]),), (0,), (), ()),
    ("isclose_loop", (2.0,), (0,), (), ()),
    ("sparse_graph_energy", (np.array([0.3, -0.4, 1.1, 0.5]),), (0,), (), ()),
    ("rotation_matrices", (0.7, np.array([0.3, -0.4])), (0, 1), (), ()),
    ("rows_then_array", (np.array([0.3, -0.4, 1.1]),), (0,), (), ()),
    ("extend_and_reverse", (np.array([0.3, -0.4, 1.1, 0.5]),), (0,), (), ()),
    ("dict_zip_and_sorted", ([0.3, 1.2, -0.4],), (0,), (0,), ()),
    ("grid_product", ([0.1, 0.5], [0.3, -0.2, 0.9]), (0, 1), (), ()),  # (autograd: math.exp of its boxes)
    ("top_k_sum", (np.array([0.3, -0.4, 1.1, 0.5]),), (0,), (0,), ()),
    ("take_and_put_along", (np.array([[0.3, -1.2, 0.8, 1.5], [0.7, 0.1, -0.4, 2.2], [-0.9, 1.1, 0.6, -0.2]]),), (0,),
     (), (0,)),
]


@pytest.mark.parametrize("name, args, positions, with_autograd, first_order_only", CASES,
                         ids=[case[0] for case in CASES])
def test_every_argument_in_every_mode(name, args, positions, with_autograd, first_order_only):
    check_program(getattr(programs, name), args, positions, with_autograd, first_order_only)


# (func, args, differentiated positions, marker of the line named)
REFUSED = [
    (programs.safe_log_ratio, (1.3, 0.6), (0, 1), "try-feeds"),
    (programs.lambda_table, (0.7, ("sq", "sin", "cube")), (0,), "table-at-run-time"),
    (programs.fsum_and_prod, ([0.3, -0.5, 1.1],), (0,), "generator-to-fsum"),
    (programs.chain_of_springs, (np.array([0.0, 1.2, 2.1]),), (0,), "method-of-list-item"),
    (programs.particle_update, (0.7, -0.4), (0, 1), "field-write-after-replace"),
    (programs.try_except_inert, (0.7, -0.4), (0, 1), "try-assigns"),
    (programs.weighted_average_returned, (RNG.normal(size=6), 0.5 + RNG.random(6)), (0, 1), "average-returned"),
    (programs.running_logsumexp, (SIGNAL,), (0,), "accumulate"),
    (programs.reduceat_segments, (SIGNAL,), (0,), "reduceat"),
    (programs.scipy_signal_filter, (np.array([0.3, 0.2]), SIGNAL), (0, 1), "lfilter"),
    (programs.nonuniform_gradient, (SIGNAL, np.cumsum(0.2 + RNG.random(8))), (1,), "gradient-coordinates"),
    (programs.list_state_callee, (0.7, -0.4), (0, 1), "list-join-in-callee"),
    (programs.namedtuple_state_callee, (0.7, 1.3), (0, 1), "method-of-parameter"),
    (programs.vectorized_scalar, (np.array([0.3, -0.4, 1.1]),), (0,), "vectorized"),
    (programs.integrate_with_quad, (0.8,), (0,), "quad"),
    (programs.namedtuple_default, (0.8,), (0,), "property-of-a-copy"),
    (programs.bisect_spline, (1.4, np.array([0.3, -0.4, 1.1, 0.5, 0.2])), (0,), "index-from-bisect"),
    (programs.euler_with_out_buffer, (np.array([0.3, -0.4]),), (0,), "out-buffer"),
    (programs.window_by_deque, (np.array([0.3, -0.4, 1.1, 0.5, 0.9]),), (0,), "deque-append"),
    (programs.window_by_iadd, (np.array([0.3, -0.4, 1.1, 0.5]),), (0,), "deque-iadd"),
    (programs.stack_machine, (np.array([0.3, -0.4, 1.1, 0.5]),), (0,), "list-index"),
    (programs.list_of_layer_dicts, ([{"W": 0.5 * RNG.normal(size=(3, 2)), "b": RNG.normal(size=3), "scale": 1.0},
                                     {"W": 0.5 * RNG.normal(size=(2, 3)), "scale": 1.5}], RNG.normal(size=2)), (0,),
     "get-of-loop-dict"),
]


@pytest.mark.parametrize("func, args, positions, marker", REFUSED, ids=[case[3] for case in REFUSED])
def test_refused_naming_the_users_line(func, args, positions, marker):
    check_refused_at(func, args, positions, f"probe38_programs.py:{marked_line(func, marker)}:", RNG)


def test_a_literal_optional_argument_compiles_without_a_warning():
    """`np.interp(..., left=0.0)`: the rule's `left is None` is answered when the rule is filled in, not
    written as `0.0 is None`, which Python warns of when it compiles the derivative."""
    args = (np.array([-0.5, 0.7, 2.9, 3.5]), KNOTS, np.array([0.5, 1.5, 0.2, 1.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error", SyntaxWarning)
        for position in (0, 1, 2):
            adjoint.grad(programs.interp_bounds, wrt=position)(*args)
            adjoint.jvp(programs.interp_bounds, wrt=position)(*args, np.ones(len(args[position])))
