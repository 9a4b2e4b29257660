"""Compositions of transformations on the programs of compose36_programs.py: each program (which takes
a derivative in its body) in every mode against central differences, and against autograd running
the same program with autograd's grad in place of adjoint's; derivatives of derived functions (jvp,
vjp, jacobian and hvp of grad and value_and_grad, grad of grad of grad, a Hessian column by column,
several wrt arguments, keyword, NamedTuple and dict arguments) against differences of the lower-order
derived function; an input-gradient penalty bound by functools.partial to energies using NumPy's
rules; refusals naming the user's line.

No derivative or value was found wrong. What was wrong: a refusal met in the derivative of a function
bound by functools.partial to a function it receives (the hvp of an input-gradient penalty whose
energy writes in place) named adjoint's own code that specializes the function, not the user's line.

Refused at the line: a derivative of a program that calls `adjoint.jvp(...)`, `vjp(...)`, `hvp(...)`
or value_and_grad with has_aux in its body (grad and value_and_grad are differentiated there), a
function closing over a variable of the caller given to grad, a callee writing into its argument,
and second derivatives through writes in place. A derived function held in a local variable is
differentiated in every mode, and one passed as an argument is a function value: differentiated
to first order, its second derivatives refused as any function value's are (both were refused).
"""
from __future__ import annotations

import copy
import functools
import types

import numpy as np
import pytest

import adjoint
import compose36_programs as programs
from every_mode import AUTOGRAD_RUNS_NUMPY_CALLS, _on_autograd_numpy, check_every_mode
from soundness import central_differences, flat, marked_line

RNG = np.random.default_rng(36)
X5 = 0.5 * RNG.normal(size=5)
V5 = RNG.normal(size=5)
W34, B3, X4, Y3 = 0.5 * RNG.normal(size=(3, 4)), RNG.normal(size=3), RNG.normal(size=4), RNG.normal(size=3)
SUPPORT, QUERY = (RNG.normal(size=(6, 3)), RNG.normal(size=6)), (RNG.normal(size=(5, 3)), RNG.normal(size=5))
W3 = RNG.normal(size=3)
ATOMS = np.array([[0.0, 0.0, 0.0], [1.3, 0.1, 0.0], [0.2, 1.4, 0.1], [1.2, 1.3, 1.1]])
THETA = np.array([1.0, 0.3, 0.5])
PARAMS = {"a": 0.7, "c": RNG.normal(size=5)}

# (name, args, positions, positions autograd runs, positions whose second derivative is refused)
CASES = [
    ("gradient_dot", (X5, V5), (0, 1), (0, 1), ()),
    ("gradient_penalty", (W34, B3, X4), (0, 1, 2), (0, 1, 2), ()),
    ("gradient_norm_penalty", (W34, B3, X4), (0, 1, 2), (0, 1, 2), ()),
    ("maml_loss", (W3, *SUPPORT, *QUERY, 0.4), (0, 1, 5), (0, 1, 5), ()),
    ("maml_two_steps", (W3, *SUPPORT, *QUERY), (0, 1), (), ()),  # (a global derived function)
    ("maml_local_derived", (W3, *SUPPORT, *QUERY), (0, 1), (0, 1), ()),  # (a derived function in a variable)
    ("newton_step", (0.8,), (0,), (0,), ()),
    ("both_gradients_loss", (X5, V5), (0, 1), (0, 1), ()),
    ("keyword_gradient_loss", (X5, 1.7), (0, 1), (), ()),  # (autograd: keyword arguments)
    ("namedtuple_input_penalty", (programs.Params(W34, B3), X4, Y3), (0, 1, 2), (1, 2), ()),  # (autograd: tuples)
    ("dict_parameter_step", (PARAMS, X5), (0, 1), (1,), ()),  # (autograd: the dict, no float item)
    ("leapfrog_energy", (X5, V5), (0, 1), (0, 1), ()),
    ("leapfrog_decorated", (X5, V5, 0.1), (0, 1, 2), (), ()),
    ("force_matching_loss", (ATOMS, RNG.normal(size=(4, 3))), (0, 1), (0, 1), ()),
    ("contraction_fixed_point", (X5, V5), (0, 1), (0, 1), ()),
    ("fixed_point_until_converged", (X5,), (0,), (0,), ()),
    ("laplacian_energy", (X5,), (0,), (0,), ()),
    ("score_matching", (2 * X5, THETA), (0, 1), (0, 1), ()),
    ("implicit_step_fixed_point", (np.array([0.5, 0.8, 1.2, 0.3, 0.9]), V5), (0, 1), (0, 1), ()),
    ("value_and_grad_in_body", (X5,), (0,), (0,), ()),
    ("gradient_rebound_and_written", (X5,), (0,), (), ()),  # (autograd: no writes into arrays)
    ("theta_gradient_by_name", (0.7, THETA), (0, 1), (), ()),  # (wrt by name)
    ("gradients_appended", (np.array([0.5, -0.7, 1.3]),), (0,), (), (0,)),
    ("three_levels", (0.8,), (0,), (0,), ()),
    ("gradient_of_checkpointed", (X5,), (0,), (), ()),
    ("integer_power_gradient", (X5 + 2.0, 3), (0,), (0,), ()),
    ("force_from_helper", (X5,), (0,), (), ()),  # (the peer calls the helper, which calls adjoint)
    ("branch_on_gradient", (X5,), (0,), (0,), ()),
    ("gradients_in_comprehension", ([X5, V5],), (0,), (), ()),  # (every_mode: a list tangent)
    ("rk2_energy", (X5, V5), (0, 1), (0, 1), ()),
    ("method_penalty", (X5,), (0,), (), ()),
    ("mixed_partial_sum", (X5, V5), (0, 1), (0, 1), ()),
    ("integer_first_argument", (0.7,), (0,), (0,), ()),
    ("same_array_twice", (X5,), (0,), (0,), ()),
    ("nested_fixed_point", (X5,), (0,), (), ()),
    ("constant_gradient_scaled_in_place", (X5, V5), (0, 1), (), ()),  # (autograd: writes)  # (autograd: np.zeros_like of its box)
]


def _autograd_grad(func, wrt=0):
    """adjoint.grad's signature on autograd's grad (positions only)."""
    autograd = pytest.importorskip("autograd")
    if isinstance(wrt, (tuple, list)):
        return lambda *args: tuple(autograd.grad(func, position)(*args) for position in wrt)
    return autograd.grad(func, wrt)


def _autograd_value_and_grad(func, wrt=0):
    autograd = pytest.importorskip("autograd")
    return autograd.value_and_grad(func, wrt)


def _on_autograd(func):
    """func with adjoint's grad and value_and_grad in its body replaced by autograd's."""
    anp = pytest.importorskip("autograd.numpy")
    shim = types.SimpleNamespace(grad=_autograd_grad, value_and_grad=_autograd_value_and_grad)
    peer = _on_autograd_numpy(func, anp)
    return types.FunctionType(peer.__code__, dict(peer.__globals__, adjoint=shim), peer.__name__, peer.__defaults__,
                              peer.__closure__)


@pytest.mark.parametrize("name, args, positions, on_autograd, refused", CASES, ids=[case[0] for case in CASES])
def test_program_in_every_mode(name, args, positions, on_autograd, refused):
    func = getattr(programs, name)
    for position in positions:
        peer = _on_autograd(func) if position in on_autograd and AUTOGRAD_RUNS_NUMPY_CALLS else None
        check_every_mode(func, copy.deepcopy(args), wrt=position, peer=peer, second_order=position not in refused)


def test_a_gradient_written_in_place_leaves_the_global_it_equals():
    before = programs.WEIGHTS.copy()
    adjoint.hvp(programs.constant_gradient_scaled_in_place)(X5, V5, V5)
    adjoint.grad(programs.constant_gradient_scaled_in_place, wrt=1)(X5, V5)
    np.testing.assert_array_equal(programs.WEIGHTS, before)


def test_leapfrog_with_a_derived_force_passed_as_its_call():
    """A derived function reaches a differentiated function as an argument through its `__call__`; a
    second derivative is refused there (bind the function first)."""
    force = adjoint.grad(programs.negative_hamiltonian)
    for position in (1, 2):
        check_every_mode(programs.leapfrog_with_force, (force.__call__, X5, V5), wrt=position, second_order=False)


def _directional(func, x, v, eps=1e-5):
    return (flat(func(x + eps * v)) - flat(func(x - eps * v))) / (2 * eps)


def _close(got, want, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(flat(got), flat(want), rtol=rtol, atol=atol)


def test_jvp_vjp_and_jacobian_of_grad():
    """A Hessian-vector product by hand (jvp of grad, vjp of grad) is hvp's, and differences of grad."""
    gradient = adjoint.grad(programs.rosenbrock)
    value, tangent = adjoint.jvp(gradient)(X5, V5)
    _close(value, gradient(X5), 1e-12, 0)
    _close(tangent, _directional(gradient, X5, V5))
    _close(tangent, adjoint.hvp(programs.rosenbrock)(X5, V5), 1e-12, 1e-12)
    value, pullback = adjoint.vjp(gradient)(X5)
    _close(value, gradient(X5), 1e-12, 0)
    _close(pullback(V5), _directional(gradient, X5, V5))
    _close(adjoint.jacobian(gradient)(X5), adjoint.hessian(programs.rosenbrock)(X5), 1e-12, 1e-12)


def test_hessian_column_by_column():
    """Columns from jvp of grad are differences of grad along each axis, and symmetric."""
    gradient = adjoint.grad(programs.log_cosh_energy)
    forward = adjoint.jvp(gradient)
    hessian = np.column_stack([forward(X5, e)[1] for e in np.eye(5)])
    _close(hessian, np.column_stack([_directional(gradient, X5, e) for e in np.eye(5)]))
    _close(hessian, hessian.T, 1e-12, 1e-12)


def test_third_and_fourth_derivatives_of_a_number():
    second = adjoint.grad(adjoint.grad(programs.quartic_scalar))
    third = adjoint.grad(second)
    _close(third(0.8), (second(0.8 + 1e-5) - second(0.8 - 1e-5)) / 2e-5)
    _close(adjoint.grad(adjoint.grad(second))(0.8), (third(0.8 + 1e-5) - third(0.8 - 1e-5)) / 2e-5)
    _close(adjoint.jvp(second)(0.8, 1.0)[1], third(0.8), 1e-12, 1e-12)
    _close(adjoint.vjp(second)(0.8)[1](1.0), third(0.8), 1e-12, 1e-12)
    _close(adjoint.hvp(adjoint.grad(programs.quartic_scalar))(0.8, 1.0), third(0.8), 1e-12, 1e-12)
    newton = adjoint.grad(programs.newton_step)
    _close(adjoint.hvp(programs.newton_step)(0.8, 1.0), (newton(0.8 + 1e-5) - newton(0.8 - 1e-5)) / 2e-5)


def test_derivatives_of_a_two_argument_gradient():
    both = adjoint.grad(programs.two_argument_energy, wrt=(0, 1))
    tx, ty = RNG.normal(size=5), RNG.normal(size=5)
    _, tangents = adjoint.jvp(both, wrt=(0, 1))(X5, V5, tx, ty)
    plus, minus = both(X5 + 1e-5 * tx, V5 + 1e-5 * ty), both(X5 - 1e-5 * tx, V5 - 1e-5 * ty)
    for got, up, down in zip(tangents, plus, minus):
        _close(got, (up - down) / 2e-5)
    cotangent = (RNG.normal(size=5), RNG.normal(size=5))
    _, pullback = adjoint.vjp(both, wrt=(0, 1))(X5, V5)

    def paired(x, y):
        return sum(np.sum(g * c) for g, c in zip(both(x, y), cotangent))
    for position, got in enumerate(pullback(cotangent)):
        _close(got, central_differences(paired, (X5, V5), position))
    second_in_y = adjoint.grad(programs.two_argument_energy, wrt=1)
    _close(adjoint.jvp(second_in_y, wrt=0)(X5, V5, tx)[1], _directional(lambda x: second_in_y(x, V5), X5, tx))


def test_derivatives_of_a_gradient_with_keywords():
    gradient = adjoint.grad(programs.scaled_energy)
    along = _directional(lambda x: gradient(x, scale=1.7, shift=0.3), X5, V5)
    _close(adjoint.jvp(gradient)(X5, V5, scale=1.7, shift=0.3)[1], along)
    _close(adjoint.hvp(programs.scaled_energy)(X5, V5, scale=1.7, shift=0.3), along)


def test_derivatives_of_gradients_over_a_namedtuple_and_a_dict():
    gradient, params = adjoint.grad(programs.mlp_loss), programs.Params(W34, B3)
    tangent = programs.Params(RNG.normal(size=(3, 4)), RNG.normal(size=3))

    def moved(step):
        return gradient(programs.Params(W34 + step * tangent.W, B3 + step * tangent.b), X4, Y3)
    want = (flat(moved(1e-5)) - flat(moved(-1e-5))) / 2e-5
    got = adjoint.jvp(gradient)(params, X4, Y3, tangent)[1]
    assert isinstance(got, programs.Params)
    _close(got, want)
    _close(adjoint.hvp(programs.mlp_loss)(params, X4, Y3, tangent), want)
    pulled = adjoint.vjp(gradient)(params, X4, Y3)[1](tangent)
    assert isinstance(pulled, programs.Params)
    _close(pulled, want)  # (the Hessian is symmetric)
    by_key, keyed = adjoint.grad(programs.dict_loss), {"a": 0.3, "c": RNG.normal(size=5)}

    def shifted(step):
        return by_key({key: PARAMS[key] + step * keyed[key] for key in PARAMS}, X5)
    want = (flat(shifted(1e-5)) - flat(shifted(-1e-5))) / 2e-5
    _close(adjoint.jvp(by_key)(PARAMS, X5, keyed)[1], want)
    _close(adjoint.hvp(programs.dict_loss)(PARAMS, X5, keyed), want)
    _close(adjoint.vjp(by_key)(PARAMS, X5)[1](keyed), want)


def test_derivatives_of_value_and_grad():
    both, gradient = adjoint.value_and_grad(programs.log_cosh_energy), adjoint.grad(programs.log_cosh_energy)
    _, (value_tangent, gradient_tangent) = adjoint.jvp(both)(X5, V5)
    _close(value_tangent, _directional(programs.log_cosh_energy, X5, V5))
    _close(gradient_tangent, _directional(gradient, X5, V5))
    _close(adjoint.vjp(both)(X5)[1]((2.0, V5)), 2.0 * gradient(X5) + _directional(gradient, X5, V5))


@pytest.mark.parametrize("name, args, marker", [
    ("directional_derivative", (X5, V5), "jvp-in-a-body"),
    ("hessian_trace", (X5,), "jvp-in-a-loop"),
    ("in_place_penalty", (X5,), "in-place-inner"),
    ("closure_penalty", (X5, V5), "closure-over-a-variable"),
    ("lambda_penalty", (X5, V5), "lambda-over-a-variable"),
    ("aux_in_body", (X5,), "has-aux-in-a-body"),
    ("writing_callee_gradient", (X5,), "writing-callee"),
])
def test_refused_at_the_line(name, args, marker):
    func = getattr(programs, name)
    with pytest.raises(adjoint.AdjointError) as raised:
        adjoint.grad(func)(*args)
    assert raised.value.lineno == marked_line(func, marker)
    assert raised.value.filename == programs.__file__


def test_a_derived_function_object_as_an_argument_is_a_function_value():
    """Specialized to, as a function passed in is; its second derivatives, as any function
    value's, are refused (derivatives of derivatives are not specialized to what they receive)."""
    force = adjoint.grad(programs.negative_hamiltonian)
    check_every_mode(programs.leapfrog_with_force, (force, X5, V5), wrt=1, second_order=False)


def test_second_derivative_through_a_write_in_place_is_refused_at_the_write():
    with pytest.raises(adjoint.UnsupportedSyntaxError, match="second derivative") as raised:
        adjoint.jvp(adjoint.grad(programs.shifted_in_place))(X5, V5)
    assert raised.value.lineno == marked_line(programs.shifted_in_place, "shifted-write")


def test_derived_functions_adjoint_does_not_differentiate_again_are_refused():
    with pytest.raises(adjoint.AdjointError, match="does not differentiate again"):
        adjoint.jvp(adjoint.jvp(programs.log_cosh_energy))(X5, V5, V5, V5)
    with pytest.raises(adjoint.AdjointError, match="scalar"):
        adjoint.hvp(adjoint.value_and_grad(programs.log_cosh_energy))(X5, V5)


def test_second_derivative_refused_in_a_bound_function_names_the_users_file():
    """A refusal met in the derivative of a function bound to another by functools.partial names the
    user's line, not the place in adjoint that specializes the function (it named adjoint's own file)."""
    bound = functools.partial(programs.penalty_of, programs.norms)
    check_every_mode(bound, (X5,), second_order=False)
    with pytest.raises(adjoint.AdjointError) as raised:
        adjoint.hvp(bound)(X5, V5)
    assert raised.value.filename == programs.__file__, str(raised.value)
    assert raised.value.lineno == marked_line(programs.penalty_of, "gradient-of-an-argument")


PENALIZED = ["repeated_indices", "cumulative", "solve_and_slogdet", "softmax_cross_entropy", "stacked_rows",
             "sorted_weights", "where_and_maximum", "take_and_roll", "padded_products"]
THIRD_ORDER_REFUSED = ["norms", "einsum_traces", "inverse_and_det"]


@pytest.mark.parametrize("name", PENALIZED + THIRD_ORDER_REFUSED)
def test_penalty_of_a_bound_energy_in_every_mode(name):
    """penalty_of bound to an energy by functools.partial: second derivatives of the energy in grad,
    jvp and vjp, third in hvp (refused at the user's line where a rule has no derivative itself)."""
    bound = functools.partial(programs.penalty_of, getattr(programs, name))
    x = 0.5 * np.random.default_rng(11).normal(size=5) + 0.3
    check_every_mode(bound, (x,), second_order=name in PENALIZED)
    if name in THIRD_ORDER_REFUSED:
        with pytest.raises(adjoint.AdjointError) as raised:
            adjoint.hvp(bound)(x, V5)
        assert raised.value.filename == programs.__file__, str(raised.value)


def _jacobian_by_differences(func, x, eps=1e-6):
    return np.stack([(flat(func(x + eps * e)) - flat(func(x - eps * e))) / (2 * eps) for e in np.eye(x.size)],
                    axis=-1)


def test_vector_outputs_of_programs_taking_gradients():
    """vjp, jvp and jacobian of a dict holding a gradient, the jacobian of Hamilton's vector field
    and the hessian of a gradient penalty, against differences."""
    def stacked(x):
        both = programs.energy_and_force(x)
        return np.concatenate([[both["energy"]], both["force"]])
    jacobian = _jacobian_by_differences(stacked, X5)
    cotangent = {"energy": 0.7, "force": RNG.normal(size=5)}
    _, pullback = adjoint.vjp(programs.energy_and_force)(X5)
    _close(pullback(cotangent), np.concatenate([[cotangent["energy"]], cotangent["force"]]) @ jacobian)
    _, tangent = adjoint.jvp(programs.energy_and_force)(X5, V5)
    _close(np.concatenate([[tangent["energy"]], tangent["force"]]), jacobian @ V5)
    blocks = adjoint.jacobian(programs.energy_and_force)(X5)
    _close(blocks["energy"], jacobian[0])
    _close(blocks["force"], jacobian[1:])
    state = 0.5 * RNG.normal(size=6)
    flow = programs.hamiltonian_flow
    _close(adjoint.jacobian(flow)(state), _jacobian_by_differences(flow, state))
    _close(adjoint.hessian(programs.squared_force)(X5),
           _jacobian_by_differences(adjoint.grad(programs.squared_force), X5))
