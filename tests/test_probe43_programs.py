"""The programs of probe43_programs.py, in every mode against central differences and, where it runs
them, autograd: each differentiated argument in grad, value_and_grad, vjp, jvp and hvp (and grad of
grad for a number), the values of value_and_grad, vjp and jvp the function's own bit for bit, the
arguments left as they were; refusals naming the user's line in every mode that refuses.

What was wrong (refusals of common code, lifted; no silent wrong result was found):
- a dict comprehension passed on (`params = {k: params[k] - lr * grads[k] for k in params}`, then
  `loss(params, x)`: inner steps on a dict of parameters) was refused as a dict written item by item
  and shared with another name. The comprehension writes all its items before anything can read the
  dict, so no other name sees a write: it is differentiated (normalize/dict_writes.py); a write by
  key into it after it is passed on stays refused, as does one read by a nested function.
- a table a class holds (`TABLE = {"E": 2.0, "nu": 0.3}`, a tuple or list of numbers, read as
  `self.TABLE["nu"]` in a property) was refused when the derivative ran ("`TABLE` is not a field");
  it is read as the constant it is, as a number the class holds was.
- np.interp with `period=` (a table over an angle) was refused when the derivative ran; it is
  differentiated in x, xp and fp in the table NumPy makes (the knots wrapped into one period, sorted
  and padded at both ends: runtime/interpolation.py), also where a shift of the knots makes NumPy
  reorder them. A period that moves with the inputs stays refused.
- np.piecewise given a NumPy ufunc as one of its functions (`[lambda v: a * v ** 2, np.sqrt, ...]`)
  was refused with the template of a rule to register for np.piecewise: the ufunc is called on the
  values selected, as NumPy calls it, and differentiated by its rule (normalize/piecewise.py).
- adjoint.tree.map inside the function was refused with the template of a rule to register for
  adjoint's own function; the message now says to write the step as a comprehension.

Refused when probed (left as they are): adjoint.vjp, jvp, hvp and jacobian taken inside the
function; adjoint.grad of a lambda reading the function's variables; adjoint.tree.map inside the
function (write the step as a dict comprehension); `super().__init__` in a constructor, a classmethod
constructor, an `__init__` that computes what it stores, `super()` in a method of an object built in
the function, a method of an object the function receives, a list of layers of two classes; a dict
written by key after it is passed on; the textbook tridiagonal solve whose copies come from
`map(np.array, ...)` and whose solution is written under a second name; second derivatives through
arrays written in place in a loop (SOR, Gauss-Seidel, a right-hand side built by `+=` on slices).
"""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
import probe43_programs as programs
from every_mode import check_program, check_refused_at
from soundness import marked_line

RNG = np.random.default_rng(43)
X = RNG.normal(size=(4, 3))
Y = RNG.normal(size=4)
XQ = RNG.normal(size=(3, 3))
YQ = RNG.normal(size=3)
W3 = 0.3 * RNG.normal(size=3)
A3 = np.array([[4.0, 0.4, -0.3], [0.9, 3.8, 0.5], [-0.6, 0.2, 3.5]])
V3 = np.array([0.3, -1.2, 0.8])
TASKS = [(RNG.normal(size=(4, 3)), RNG.normal(size=4), RNG.normal(size=(3, 3)), RNG.normal(size=3))
         for _ in range(2)]
DICT_PARAMS = {"W": 0.5 * RNG.normal(size=(2, 3)), "b": RNG.normal(size=2)}
DICT_DATA = (RNG.normal(size=3), RNG.normal(size=2), RNG.normal(size=3), RNG.normal(size=2))
ANGLES = np.array([0.3, 2.9, 5.1, 7.0, -1.0])
TABLE4 = np.array([0.5, 1.2, 0.7, 2.0])

# (name, args, positions, positions autograd runs, positions whose second derivative is refused)
CASES = [
    # gradients inside the function
    ("maml_value_and_grad_steps", (W3, X, Y, XQ, YQ), (0,), (), ()),
    ("maml_learned_rate", (-1.0, W3, X, Y, XQ, YQ), (0,), (), ()),
    ("ridge_hypergradient", (-0.5, X, Y, XQ, YQ), (0,), (), ()),
    ("dict_params_inner_steps", (DICT_PARAMS,) + DICT_DATA, (0,), (), ()),
    ("newton_minimum_of_well", (1.3,), (0,), (), ()),
    ("inner_steps_in_place", (W3, X, Y, XQ, YQ), (0,), (), ()),
    ("clipped_inner_step", (W3, X, Y, XQ, YQ), (0,), (), ()),
    ("inner_step_keywords", (W3, X, Y), (0,), (), ()),
    ("maml_over_tasks", (W3, TASKS), (0,), (), ()),
    ("inner_steps_until_fitted", (W3, X, Y, XQ, YQ), (0,), (), ()),
    ("learner_method_takes_gradient", (W3, X, Y, XQ, YQ), (0,), (), ()),
    # solvers written by hand
    ("fixed_point_layer", (0.3 * RNG.normal(size=(2, 2)), RNG.normal(size=2), RNG.normal(size=2)), (0, 1), (), ()),
    ("colebrook_friction", (2e4, 1e-3), (1,), (), ()),
    ("cubic_root_bisect_then_newton", (2.7,), (0,), (), ()),
    ("sor_poisson", (np.array([1.0, -0.5, 2.0]), 1.3), (1,), (), (1,)),
    ("jacobi_matrix", (A3, V3), (0,), (0,), ()),
    ("crank_nicolson_heat", (np.array([0.0, 0.5, 1.0, 0.4]), 0.8), (1,), (), (1,)),
    ("conjugate_gradient", (RNG.normal(size=(3, 2)), np.array([0.3, -1.2])), (0,), (), ()),
    ("power_iteration", (A3,), (0,), (), ()),
    ("descent_with_backtracking", (np.array([0.5, -0.3]), RNG.normal(size=(3, 2)), RNG.normal(size=3)), (0,),
     (), ()),
    ("gauss_seidel_tolerance", (A3, V3), (0,), (), (0,)),
    ("newton_system_by_hand", (np.array([1.3, 0.4]),), (0,), (), ()),
    ("vector_bisection_polished", (np.array([1.3, -0.4, 3.0]),), (0,), (), ()),
    ("newton_with_damping", (0.7,), (0,), (), ()),
    ("adaptive_heun", (1.3, 0.8), (0,), (), ()),
    # interpolation and tables
    ("interp_with_edges", (np.array([-0.2, 0.13, 0.61, 1.3]), TABLE4), (0, 1), (), ()),
    ("interp_periodic_angle", (ANGLES, TABLE4), (0, 1), (), ()),
    ("interp_periodic_knots", (ANGLES, 1.9, TABLE4), (1, 2), (), ()),
    ("interp_periodic_knots", (ANGLES, -0.4, TABLE4), (1,), (), ()),
    ("lerp_by_searchsorted", (np.array([-0.2, 0.13, 0.61, 1.3]), np.array([0.0, 0.4, 0.7, 1.0]), TABLE4),
     (0, 1), (0,), ()),
    ("digitized_piecewise_linear", (np.array([-0.2, 0.13, 0.61, 1.7]), TABLE4, np.array([0.1, -0.2, 0.3, 0.4])),
     (0, 1), (), ()),
    ("tariff_by_bisect", ([0.5, 1.7, 3.2, 4.5], [0.1, 0.3, 0.7, 1.0]), (0, 1), (), ()),
    ("conduction_heat", ((4.5, 7.0), 0.2), (0,), (), ()),
    ("pchip_like", (np.array([0.1, 0.8, 1.7, 2.9]), np.array([0.0, 0.5, 1.5, 2.0, 3.0]),
                    np.array([0.0, 0.3, 1.1, 1.0, 2.0])), (2,), (), ()),
    ("learned_knots", (np.array([0.1, 1.3, 2.2, 3.5]), np.array([-0.5, 0.2, 0.1, 0.4]), TABLE4), (0, 1, 2), (), ()),
    ("bilinear_vectorized", (RNG.normal(size=(3, 3)), np.array([[0.1, 0.35], [0.8, 0.6], [0.55, 0.99]])), (0,),
     (0,), ()),
    ("piecewise_with_lambdas", (np.array([-0.5, 0.3, 0.8, 1.6, 1.2]), 1.3), (0, 1), (), ()),
    ("select_first_condition_wins", (np.array([-1.5, -0.5, 0.3, 0.8, 1.6]), 1.3), (0, 1), (), ()),
    ("take_clip_lookup", (np.array([0.1, 0.3, 0.61, 0.95]), TABLE4), (0, 1), (), ()),
    ("inverse_cdf_sampling", (np.array([0.1, -0.3, 0.5, 0.2, -0.1]), np.array([0.05, 0.3, 0.62, 0.9])), (0,), (),
     ()),
    # classes
    ("two_layer_net_loss", (RNG.normal(size=(3, 2)), RNG.normal(size=3), RNG.normal(size=(2, 3)), RNG.normal(size=2),
                            RNG.normal(size=2)), (0,), (), ()),
    ("subclass_overrides_constant", (0.7, V3), (0,), (), ()),
    ("instance_shadows_class_attribute", (0.7, 0.2, 1.3), (1,), (), ()),
    ("property_reads_property", (1.3, np.array([0.1, -0.2])), (0,), (), ()),
    ("dataclass_argument_with_tables", (programs.Elastic(2.0, 0.3), np.array([0.1, -0.2])), (0, 1), (), ()),
    ("container_class_getitem", (RNG.normal(size=(2, 3)), RNG.normal(size=(2, 2)), V3), (0,), (), ()),
]


@pytest.mark.parametrize("name, args, positions, with_autograd, first_order_only", CASES,
                         ids=[f"{case[0]}-{n}" for n, case in enumerate(CASES)])
def test_every_argument_in_every_mode(name, args, positions, with_autograd, first_order_only):
    check_program(getattr(programs, name), args, positions, with_autograd, first_order_only)


def test_first_order_maml_holds_the_inner_gradient_constant():
    """adjoint.stop_gradient around an inner gradient (first-order MAML): the outer gradient is the
    query loss's gradient at the adapted weights, its tangent that gradient along the tangent."""
    g = adjoint.grad(programs.support_loss)(W3, X, Y)
    adapted = W3 - 0.5 * g
    want = adjoint.grad(programs.support_loss)(adapted, XQ, YQ)
    np.testing.assert_allclose(adjoint.grad(programs.first_order_maml)(W3, X, Y, XQ, YQ), want, rtol=1e-12)
    tangent = np.array([0.3, -0.2, 1.0])
    value, along = adjoint.jvp(programs.first_order_maml)(W3, X, Y, XQ, YQ, tangent)
    assert value == programs.first_order_maml(W3, X, Y, XQ, YQ)
    np.testing.assert_allclose(along, want @ tangent, rtol=1e-12)
    hessian = adjoint.hvp(programs.support_loss)(adapted, XQ, YQ, tangent)
    np.testing.assert_allclose(adjoint.hvp(programs.first_order_maml)(W3, X, Y, XQ, YQ, tangent), hessian,
                               rtol=1e-10)


# (func, args, differentiated positions, marker of the line named)
REFUSED = [
    (programs.pullback_in_body, (V3, np.array([1.0, 0.5, -0.2])), (0,), "vjp-in-body"),
    (programs.tangent_in_body, (V3, np.array([1.0, 0.5, -0.2])), (0,), "jvp-in-body"),
    (programs.hvp_newton_cg_step, (V3,), (0,), "hvp-in-body"),
    (programs.newton_system_by_jacobian, (np.array([1.3, 0.4]),), (0,), "jacobian-in-body"),
    (programs.lambda_gradient_in_body, (W3, X, Y), (0,), "lambda-in-body"),
    (programs.tree_map_inner_steps, (DICT_PARAMS,) + DICT_DATA, (0,), "tree-map-in-body"),
    (programs.dict_params_in_place_steps, (DICT_PARAMS,) + DICT_DATA, (0,), "item-written-in-place"),
    (programs.damped_spring_design, (3.0, 0.4), (0, 1), "super-init"),
    (programs.base_call_dispatches_forward, (RNG.normal(size=(2, 3)), RNG.normal(size=2), V3), (0,),
     "layers-of-two-classes"),
    (programs.gaussian_classmethod, (0.3, -0.2, [0.1, 0.5, -0.3]), (0,), "classmethod-built"),
    (programs.standardizer_computed_attribute, (V3, 1.3), (1,), "init-computes"),
    (programs.oscillator_argument, (programs.Oscillator(2.0, 0.3), 0.5, -0.2), (1,), "method-of-argument"),
    (programs.super_in_method, (0.7, 0.2, np.array([0.3, -1.2])), (0,), "super-in-method"),
    (programs.thomas_from_the_textbook, (np.array([0.3, -0.2]), np.array([2.0, 2.5, 3.0]), np.array([0.4, 0.1]),
                                         np.array([1.0, -0.5, 0.2])), (1,), "copies-by-map"),
]


@pytest.mark.parametrize("func, args, positions, marker", REFUSED, ids=[case[3] for case in REFUSED])
def test_refused_naming_the_users_line(func, args, positions, marker):
    check_refused_at(func, args, positions, f"probe43_programs.py:{marked_line(func, marker)}:", RNG)


def test_tree_map_in_a_body_advises_a_comprehension():
    """adjoint.tree.map inside the function was refused with the template of a rule to register for
    adjoint's own function; the message says what to write instead."""
    with pytest.raises(adjoint.NonDifferentiableError, match="comprehension") as refused:
        adjoint.grad(programs.tree_map_inner_steps)(DICT_PARAMS, *DICT_DATA)
    assert "register_adjoint" not in str(refused.value)
