"""The API as users meet it, on the programs of surface37_programs.py: pytrees (dicts, lists and
tuples of arrays, NamedTuples, dataclasses, lists of records) as arguments and results of grad,
value_and_grad, vjp (a cotangent of the output's structure), jvp (a tangent of the input's
structure), hvp, hessian and elementwise_grad, with `wrt` a position, a name or a tuple of both;
has_aux, keyword arguments at call time, defaults, `*args`, bound methods; compositions; derived
functions pickled into other processes, source compiled by hand, modules written by `adjoint gen`
and the numba backend. Every derivative against central differences and, where it runs the
program, autograd; values the plain function's own, bit for bit; arguments left as they were.

What was wrong:
- the gradient of a number was a NumPy scalar, not a float, where NumPy computed it from arrays,
  items or globals rather than from the number itself (`np.sum(x ** 2) * lam`, `x[0] * lam`,
  `K * lam` for a global np.float64, a list of NumPy scalars): the derivative returned a number's
  adjoint as it was unless the function applied NumPy to a number (ad/gradient.py).
- a function calling a dataclass object held by a global (`dense(x)`, or a method whose body calls
  `self(x)`) crashed with "unhashable type" (normalize/desugar.py looked the callee up in a dict).
- the Hessian-vector product of an MLP whose loop variable `W` is bound to the readout matrix after
  the loop (`for W, b in layers[:-1]: ...; W, b = layers[-1]`) raised a broadcasting ValueError:
  the optimizer passed the number 0.0 for W's zero tangent into dot_adjoint_a(g, h, dW), which
  multiplies by it (optimize/zero_positions.py).
- `@adjoint.grad(wrt="x")` on a method in a class body, then `model.d_loss(w, x)`, raised "missing a
  required argument": a derived function was not bound to the object as a function is (api.py).
- a numba refusal met in the primal sweep (a helper without a numba version) named no line of the
  user's program: the user's line was looked up from the adjoint sweep's comments alone; the
  statement's recorded position gives it, and the def line where no line made the statement (a
  parameter's zero tangent in a jvp's prologue) (backend/numba.py, generated.py).

Refused at a line of the program (README): `wrt="self"` of a bound method, a method of a plain
object passed as an argument, `wrt` naming `*args`, a draw with differentiated parameters from a
generator passed in, `adjoint gen` of a function reading a record parameter's fields, and the
numba backend where a helper has no numba version. (A record taken from a dict or list argument
and passed to a called function that reads its fields, and fields of nested records read by a
chain, `osc.params.m`, were refused too; they are differentiated: tests/test_record_chains.py.)
"""
from __future__ import annotations

import copy
import inspect
import multiprocessing
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import adjoint
import adjoint.runtime
import surface37_programs as programs
from adjoint.cli import main
from every_mode import AUTOGRAD_RUNS_NUMPY_CALLS, RTOL, ATOL, SECOND_ATOL, SECOND_RTOL, check_every_mode
from program_corpus import structure_mismatch, tree_equal
from soundness import central_differences, directional_difference, flat, leaves, marked_line, with_flat
from test_catalogue_fd import assert_unchanged
from written_modules import written as written_module

HERE = Path(__file__).resolve().parent
RNG = np.random.default_rng(37)

GP_PARAMS = {"log_ell": 0.1, "log_sf": -0.2, "log_noise": -1.0}
GP_X, GP_Y = RNG.normal(size=(5, 2)), RNG.normal(size=5)
HYPER = programs.GPHyper(0.1, -0.2, -1.0)
GP_MODEL = {"hyp": HYPER, "mean": [0.3, -0.5]}
VAE_X, VAE_EPS = RNG.normal(size=(4, 3)), RNG.normal(size=(4, 2))
VAE = {"enc": (0.5 * RNG.normal(size=(3, 5)), 0.1 * RNG.normal(size=5)),
       "mu": (0.5 * RNG.normal(size=(5, 2)), np.zeros(2)),
       "logvar": (0.3 * RNG.normal(size=(5, 2)), 0.1 * RNG.normal(size=2)),
       "dec": (0.5 * RNG.normal(size=(2, 3)), 0.1 * RNG.normal(size=3))}
LAYERS = [(0.5 * RNG.normal(size=(3, 4)), 0.1 * RNG.normal(size=4)),
          (0.5 * RNG.normal(size=(4, 4)), 0.1 * RNG.normal(size=4)),
          (0.5 * RNG.normal(size=(4, 2)), 0.1 * RNG.normal(size=2))]
MLP_X, MLP_Y = RNG.normal(size=(4, 3)), RNG.normal(size=(4, 2))
MLP_PARAMS = {"W1": 0.5 * RNG.normal(size=(3, 4)), "b1": 0.1 * RNG.normal(size=4),
              "W2": 0.5 * RNG.normal(size=(4, 2)), "b2": np.zeros(2)}
MODEL = programs.MLP(0.01)
DENSE = programs.Dense(0.5 * RNG.normal(size=(3, 2)), 0.1 * RNG.normal(size=2), 1.5)
DENSES = [programs.Dense(0.5 * RNG.normal(size=(3, 4)), 0.1 * RNG.normal(size=4), 1.0),
          programs.Dense(0.5 * RNG.normal(size=(4, 2)), 0.1 * RNG.normal(size=2), 0.7)]
STATE = programs.SpringState(RNG.normal(size=3), RNG.normal(size=3))
SPRING = programs.SpringParams(2.0, 1.3, 0.2)
OSCILLATOR = programs.Oscillator(programs.SpringState(RNG.normal(size=2), RNG.normal(size=2)),
                                 programs.SpringParams(1.7, 0.9, 0.0))
LOG_X, LOG_W = RNG.normal(size=(6, 3)), RNG.normal(size=3)
LOG_Y = (RNG.random(6) > 0.5).astype(float)
SOFT_X, SOFT_LABELS = RNG.normal(size=(6, 3)), np.eye(3)[RNG.integers(0, 3, 6)]
SOFT_PARAMS = {"W": 0.5 * RNG.normal(size=(3, 3)), "b": 0.1 * RNG.normal(size=3)}
BATCHES = ((LOG_X[:2], LOG_Y[:2]), (LOG_X[2:], LOG_Y[2:]))


def autograd_peer(func, position, with_autograd):
    return func if position in with_autograd and AUTOGRAD_RUNS_NUMPY_CALLS else None


# ----- every mode, each differentiated argument ----------------------------------------------------

# (id, function, args, positions, positions autograd runs: it takes no NamedTuple or dataclass)
EVERY_MODE = [
    ("gp-dict", programs.gp_nll, (GP_PARAMS, GP_X, GP_Y), (0, 1), (0, 1)),
    ("gp-namedtuple", programs.gp_nll_hyper, (HYPER, GP_X, GP_Y), (0,), ()),
    ("vae-dict-of-tuples", programs.vae_loss, (VAE, VAE_X, VAE_EPS), (0, 2), (0, 2)),
    ("mlp-list-of-tuples", programs.mlp_loss, (LAYERS, MLP_X, MLP_Y), (0, 1), (0, 1)),
    ("rebound-after-loop", programs.readout_after_loop, ([LAYERS[0][0], LAYERS[1][0]], LAYERS[2][0], MLP_X),
     (0, 1, 2), (0, 1, 2)),
    ("bound-method-dict", MODEL.loss, (MLP_PARAMS, MLP_X, MLP_Y), (0, 1), (0, 1)),
    ("dataclass-method", programs.Dense.loss, (DENSE, MLP_X, MLP_Y), (0, 1), ()),
    ("dataclass-bound-method", DENSE.loss, (MLP_X, MLP_Y), (0,), ()),
    ("list-of-records", programs.stack_loss, (DENSES, MLP_X, MLP_Y), (0,), ()),
    ("spring-dataclass-namedtuple", programs.spring_energy, (STATE, SPRING), (0, 1), ()),
    ("nested-records", programs.oscillator_energy_by_parts, (OSCILLATOR,), (0,), ()),
    ("nested-records-chain", programs.oscillator_energy, (OSCILLATOR,), (0,), ()),
    ("dict-of-a-namedtuple-passed-on", programs.gp_with_mean, (GP_MODEL, GP_X, GP_Y), (0,), ()),
    ("logistic-l2", programs.logistic_l2, (LOG_W, 0.3, LOG_X, LOG_Y, 0.2), (0, 1, 4), (0, 1, 4)),
    ("star-args", programs.batches_loss, (LOG_W, *BATCHES), (0,), (0,)),
    ("grad-inside", programs.force_matching, (RNG.normal(size=4), RNG.normal(size=4)), (0, 1), ()),
    ("value-and-grad-inside", programs.smooth_value, (LOG_W, LOG_X), (0, 1), ()),
]


@pytest.mark.parametrize("func, args, positions, with_autograd", [case[1:] for case in EVERY_MODE],
                         ids=[case[0] for case in EVERY_MODE])
def test_every_argument_in_every_mode(func, args, positions, with_autograd):
    for position in positions:
        check_every_mode(func, copy.deepcopy(args), wrt=position, peer=autograd_peer(func, position, with_autograd))


# ----- results with the argument's structure and types; values bit for bit ---------------------------

def assert_structure(gradient, argument) -> None:
    """gradient has argument's containers, classes, keys and shapes, and a float for each number."""
    mismatch = structure_mismatch(argument, gradient)
    assert mismatch is None, mismatch
    for got, given in zip(leaves(gradient), leaves(argument)):
        assert isinstance(given, np.ndarray) or type(got) is float, f"{type(got).__name__} for a {type(given).__name__}"


def assert_same_value(value, own) -> None:
    assert type(value) is type(own) and tree_equal(value, own), f"{value!r} is not the function's own {own!r}"


STRUCTURED = [
    ("gp-dict", programs.gp_nll, (GP_PARAMS, GP_X, GP_Y), 0),
    ("gp-namedtuple", programs.gp_nll_hyper, (HYPER, GP_X, GP_Y), "hyp"),
    ("vae-dict-of-tuples", programs.vae_loss, (VAE, VAE_X, VAE_EPS), "params"),
    ("mlp-list-of-tuples", programs.mlp_loss, (LAYERS, MLP_X, MLP_Y), 0),
    ("dataclass", programs.Dense.loss, (DENSE, MLP_X, MLP_Y), "self"),
    ("list-of-records", programs.stack_loss, (DENSES, MLP_X, MLP_Y), "layers"),
    ("dataclass-and-namedtuple", programs.spring_energy, (STATE, SPRING), (0, "params")),
    ("bound-method", MODEL.loss, (MLP_PARAMS, MLP_X, MLP_Y), ("params", 1)),
    ("nested-records", programs.oscillator_energy_by_parts, (OSCILLATOR,), "osc"),
    ("nested-records-chain", programs.oscillator_energy, (OSCILLATOR,), "osc"),
    ("dict-of-a-namedtuple-passed-on", programs.gp_with_mean, (GP_MODEL, GP_X, GP_Y), "model"),
    ("number-keyword", programs.logistic_l2, (LOG_W, 0.3, LOG_X, LOG_Y, 0.2), ("w", 1, "lam")),
]


@pytest.mark.parametrize("func, args, wrt", [case[1:] for case in STRUCTURED], ids=[case[0] for case in STRUCTURED])
def test_results_have_the_arguments_structure_and_the_functions_value(func, args, wrt):
    before = copy.deepcopy(args)
    own = func(*copy.deepcopy(args))
    parameters = list(inspect.signature(func).parameters)
    positions = [item if isinstance(item, int) else parameters.index(item) for item in
                 (wrt if isinstance(wrt, tuple) else (wrt,))]
    many = isinstance(wrt, tuple)
    expected = [central_differences(func, args, position) for position in positions]

    def check(gradients, mode):
        gradients = gradients if many else (gradients,)
        assert len(gradients) == len(positions), mode
        for gradient, position, want in zip(gradients, positions, expected):
            assert_structure(gradient, args[position])
            np.testing.assert_allclose(flat(gradient), want, rtol=RTOL, atol=ATOL, err_msg=mode)

    check(adjoint.grad(func, wrt=wrt)(*args), "grad")
    value, gradients = adjoint.value_and_grad(func, wrt=wrt)(*args)
    assert_same_value(value, own)
    check(gradients, "value_and_grad")
    value, pullback = adjoint.vjp(func, wrt=wrt)(*args)
    assert_same_value(value, own)
    check(pullback(1.0), "vjp")
    tangents = tuple(with_flat(args[p], RNG.normal(size=flat(args[p]).size)) for p in positions)
    value, derivative = adjoint.jvp(func, wrt=wrt)(*args, *tangents)
    assert_same_value(value, own)
    np.testing.assert_allclose(flat(derivative), directional_difference(func, args, tuple(positions), tangents),
                               rtol=RTOL, atol=ATOL, err_msg="jvp")
    products = adjoint.hvp(func, wrt=wrt)(*args, *tangents)
    for product, position in zip(products if many else (products,), positions):
        assert_structure(product, args[position])
    assert_unchanged(before, args)


def hyper_table_args():
    return (programs.GPHyper(0.3, -0.4, 0.6), [1.5, 2.0])


def test_a_vjp_takes_a_cotangent_of_the_outputs_structure():
    args = hyper_table_args()
    before = copy.deepcopy(args)
    cotangent = {"ell": 0.7, "pair": [-1.3, (0.4, 2.1)]}
    value, pullback = adjoint.vjp(programs.hyper_table, wrt=(0, "scales"))(*args)
    assert_same_value(value, programs.hyper_table(*copy.deepcopy(args)))
    gradients = pullback(cotangent)

    def paired(*a):
        return flat(cotangent) @ flat(programs.hyper_table(*a))

    for gradient, position in zip(gradients, (0, 1)):
        assert_structure(gradient, args[position])
        np.testing.assert_allclose(flat(gradient), central_differences(paired, args, position), rtol=RTOL, atol=ATOL)
    zero_pair = pullback({"ell": 0.7, "pair": 0})
    np.testing.assert_allclose(flat(zero_pair[1]), [0.7 * np.exp(0.3), 0.0], rtol=1e-12)
    with pytest.raises(adjoint.AdjointError, match="cotangent"):
        pullback({"ell": 0.7, "pair": [-1.3, 0.4]})
    assert_unchanged(before, args)


def test_a_vjp_of_an_array_valued_simulation_over_records():
    args = (STATE, SPRING)
    before = copy.deepcopy(args)
    cotangent = RNG.normal(size=(10, 3))
    value, pullback = adjoint.vjp(programs.spring_rollout, wrt=(0, 1))(*args)
    assert_same_value(value, programs.spring_rollout(*copy.deepcopy(args)))

    def paired(*a):
        return np.sum(cotangent * programs.spring_rollout(*a))

    for gradient, position in zip(pullback(cotangent), (0, 1)):
        assert_structure(gradient, args[position])
        np.testing.assert_allclose(flat(gradient), central_differences(paired, args, position), rtol=RTOL, atol=ATOL)
    assert_unchanged(before, args)


def test_fields_of_nested_records_read_by_a_chain_as_when_named_first():
    chained = adjoint.grad(programs.oscillator_energy)(OSCILLATOR)
    assert type(chained) is programs.Oscillator and type(chained.params) is programs.SpringParams
    assert tree_equal(chained, adjoint.grad(programs.oscillator_energy_by_parts)(OSCILLATOR))


def test_the_jacobian_of_a_simulation_with_respect_to_a_namedtuple_of_numbers():
    jacobian = adjoint.jacobian(programs.spring_rollout, wrt="params")(STATE, SPRING)
    assert jacobian.shape == (10, 3, 3)
    for step, coordinate in [(0, 0), (4, 2), (9, 1)]:
        def entry(state, params):
            return programs.spring_rollout(state, params)[step, coordinate]
        np.testing.assert_allclose(jacobian[step, coordinate], central_differences(entry, (STATE, SPRING), 1),
                                   rtol=RTOL, atol=ATOL)


def test_a_jvp_takes_tangents_of_the_inputs_structure():
    for func, args, tangents in [
        (programs.hyper_table, hyper_table_args(), (programs.GPHyper(1.0, 0.5, -0.3), [0.2, 0.1])),
        (programs.spring_rollout, (STATE, SPRING), (programs.SpringState(RNG.normal(size=3), RNG.normal(size=3)),
                                                     programs.SpringParams(0.3, -0.1, 0.2))),
    ]:
        before = copy.deepcopy(args)
        value, derivative = adjoint.jvp(func, wrt=(0, 1))(*args, *tangents)
        assert_same_value(value, func(*copy.deepcopy(args)))
        assert structure_mismatch(value, derivative, "tangent") is None
        np.testing.assert_allclose(flat(derivative), directional_difference(func, args, (0, 1), tangents),
                                   rtol=RTOL, atol=ATOL)
        assert_unchanged(before, args)


def test_the_hessian_of_a_logistic_regression_with_a_default_and_a_keyword():
    gradient = adjoint.grad(programs.logistic_l2)
    for keywords in ({}, {"lam": 0.7}):
        args = (LOG_W, 0.3, LOG_X, LOG_Y)
        before = copy.deepcopy(args)
        hessian = adjoint.hessian(programs.logistic_l2)(*args, **keywords)
        columns = [central_differences(lambda w: gradient(w, 0.3, LOG_X, LOG_Y, **keywords)[i], (LOG_W,), 0)
                   for i in range(3)]
        np.testing.assert_allclose(hessian, np.array(columns), rtol=SECOND_RTOL, atol=SECOND_ATOL)
        assert_unchanged(before, args)


def test_the_hessian_with_respect_to_a_dict_is_refused():
    with pytest.raises(adjoint.AdjointError, match="a dict"):
        adjoint.hessian(programs.gp_nll)(GP_PARAMS, GP_X, GP_Y)


@pytest.mark.parametrize("func", [programs.softplus, programs.swish])
def test_elementwise_grad_of_activations(func):
    x = np.linspace(-2.0, 2.0, 6).reshape(2, 3)
    got = adjoint.elementwise_grad(func)(x)
    assert got.shape == x.shape
    np.testing.assert_allclose(got, (func(x + 1e-6) - func(x - 1e-6)) / 2e-6, rtol=RTOL, atol=ATOL)


# ----- how derived functions are called ----------------------------------------------------------------

def softmax_loss(params, X, labels, temperature=1.0):
    return programs.softmax_classifier(params, X, labels, temperature=temperature)[0]


def test_has_aux_gives_the_functions_own_aux_with_the_gradient():
    args = (SOFT_PARAMS, SOFT_X, SOFT_LABELS)
    before = copy.deepcopy(args)
    own_loss, own_aux = programs.softmax_classifier(*copy.deepcopy(args), temperature=0.7)
    expected = central_differences(lambda p: softmax_loss(p, SOFT_X, SOFT_LABELS, 0.7), (SOFT_PARAMS,), 0)
    gradient, aux = adjoint.grad(programs.softmax_classifier, has_aux=True)(*args, temperature=0.7)
    assert_same_value(aux, own_aux)
    assert_structure(gradient, SOFT_PARAMS)
    np.testing.assert_allclose(flat(gradient), expected, rtol=RTOL, atol=ATOL)
    (loss, aux), gradient = adjoint.value_and_grad(programs.softmax_classifier, has_aux=True)(*args, temperature=0.7)
    assert_same_value(loss, own_loss)
    assert_same_value(aux, own_aux)
    np.testing.assert_allclose(flat(gradient), expected, rtol=RTOL, atol=ATOL)
    assert_unchanged(before, args)


def test_has_aux_with_respect_to_a_keyword_only_parameter_given_by_keyword():
    args = (SOFT_PARAMS, SOFT_X, SOFT_LABELS)
    derived = adjoint.grad(programs.softmax_classifier, wrt=("params", "temperature"), has_aux=True)
    (d_params, d_temperature), aux = derived(*args, temperature=0.7)
    assert type(d_temperature) is float
    expected = central_differences(lambda t: softmax_loss(SOFT_PARAMS, SOFT_X, SOFT_LABELS, t), (0.7,), 0)
    np.testing.assert_allclose(d_temperature, expected[0], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(flat(d_params), flat(adjoint.grad(softmax_loss)(*args, 0.7)), rtol=1e-12)


def test_defaults_and_keywords_at_call_time():
    derived = adjoint.value_and_grad(programs.logistic_l2, wrt=("w", "lam"))
    for call, lam in [(lambda: derived(LOG_W, 0.3, LOG_X, LOG_Y), 0.1),
                      (lambda: derived(w=LOG_W, b=0.3, X=LOG_X, y=LOG_Y, lam=0.4), 0.4),
                      (lambda: derived(LOG_W, 0.3, LOG_X, y=LOG_Y, lam=0.4), 0.4)]:
        value, (d_w, d_lam) = call()
        assert_same_value(value, programs.logistic_l2(LOG_W, 0.3, LOG_X, LOG_Y, lam))
        assert type(d_lam) is float
        args = (LOG_W, 0.3, LOG_X, LOG_Y, lam)
        np.testing.assert_allclose(d_w, central_differences(programs.logistic_l2, args, 0), rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(d_lam, central_differences(programs.logistic_l2, args, 4)[0], rtol=RTOL, atol=ATOL)
    value, tangent = adjoint.jvp(programs.logistic_l2, wrt=(0, "b"))(LOG_W, 0.3, LOG_X, LOG_Y, np.ones(3), 1.0, lam=0.4)
    want = directional_difference(programs.logistic_l2, (LOG_W, 0.3, LOG_X, LOG_Y, 0.4), (0, 1), (np.ones(3), 1.0))
    np.testing.assert_allclose(tangent, want[0], rtol=RTOL, atol=ATOL)


def test_star_args_of_any_count():
    for batches in (BATCHES, BATCHES + (BATCHES[0],)):
        args = (LOG_W, *batches)
        before = copy.deepcopy(args)
        expected = central_differences(programs.batches_loss, args, 0)
        np.testing.assert_allclose(adjoint.grad(programs.batches_loss)(*args), expected, rtol=RTOL, atol=ATOL)
        value, gradient = adjoint.value_and_grad(programs.batches_loss)(*args)
        assert_same_value(value, programs.batches_loss(*copy.deepcopy(args)))
        v = RNG.normal(size=3)
        moved = [adjoint.grad(programs.batches_loss)(LOG_W + step * v, *batches) for step in (1e-5, -1e-5)]
        np.testing.assert_allclose(adjoint.hvp(programs.batches_loss)(*args, v), (moved[0] - moved[1]) / 2e-5,
                                   rtol=SECOND_RTOL, atol=SECOND_ATOL)
        assert_unchanged(before, args)
    with pytest.raises(adjoint.AdjointError, match=r"\*batches"):
        adjoint.grad(programs.batches_loss, wrt=1)(LOG_W, *BATCHES)


def test_wrt_self_of_a_bound_method_is_refused():
    for method, args in [(MODEL.loss, (MLP_PARAMS, MLP_X, MLP_Y)), (DENSE.loss, (MLP_X, MLP_Y))]:
        with pytest.raises(adjoint.AdjointError, match="names the object"):
            adjoint.grad(method, wrt="self")(*args)


def test_a_method_of_a_plain_object_passed_as_an_argument_is_refused_at_its_line():
    with pytest.raises(adjoint.AdjointError) as refused:
        adjoint.grad(programs.MLP.loss, wrt="params")(MODEL, MLP_PARAMS, MLP_X, MLP_Y)
    assert f"surface37_programs.py:{marked_line(programs.MLP.loss, 'method-of-an-argument')}:" in str(refused.value)


def test_a_record_from_a_dict_passed_to_a_callee_as_when_passed_itself():
    gradient = adjoint.grad(programs.gp_with_mean)(GP_MODEL, GP_X, GP_Y)
    assert type(gradient["hyp"]) is programs.GPHyper
    y = GP_Y - (GP_MODEL["mean"][0] + GP_MODEL["mean"][1] * GP_X[:, 0])
    np.testing.assert_allclose(flat(gradient["hyp"]), flat(adjoint.grad(programs.gp_nll_hyper)(HYPER, GP_X, y)),
                               rtol=1e-12, atol=1e-14)


def test_noise_drawn_from_a_generator_passed_in_is_a_constant_of_the_run():
    own = programs.vae_drawn(VAE, VAE_X, np.random.default_rng(5))
    value, gradient = adjoint.value_and_grad(programs.vae_drawn)(VAE, VAE_X, np.random.default_rng(5))
    assert_same_value(value, own)
    eps = np.random.default_rng(5).standard_normal(VAE_EPS.shape)
    assert tree_equal(gradient, adjoint.grad(programs.vae_loss)(VAE, VAE_X, eps))
    np.testing.assert_allclose(flat(gradient), central_differences(programs.vae_loss, (VAE, VAE_X, eps), 0),
                               rtol=RTOL, atol=ATOL)


def test_a_draw_with_differentiated_parameters_from_a_generator_passed_in_is_refused_at_its_line():
    with pytest.raises(adjoint.AdjointError) as refused:
        adjoint.grad(programs.vae_drawn_with_parameters)(VAE, VAE_X, np.random.default_rng(0))
    line = marked_line(programs.vae_drawn_with_parameters, "draw-from-argument")
    assert f"surface37_programs.py:{line}:" in str(refused.value)


def dense_called(x):
    return np.sum(DENSE(x) ** 2)


def dense_loss(x, y):
    return DENSE.loss(x, y)


@pytest.mark.parametrize("func, args", [(dense_called, (MLP_X,)), (dense_loss, (MLP_X, MLP_Y)),
                                        (lambda x: DENSES[0].loss(x, MLP_Y @ np.ones((2, 4))), (MLP_X,))],
                         ids=["called", "method", "method-of-a-list-item"])
def test_a_dataclass_object_of_a_global_called_in_the_function(func, args):
    check_every_mode(func, args, wrt=0)


def scaled_loss(scale, w, x):
    return scale * np.sum(np.tanh(w * x) ** 2)


def test_derivatives_declared_on_methods_bind_the_object():
    scaled, w, x = programs.Scaled(1.7), RNG.normal(size=3), RNG.normal(size=3)
    args = (1.7, w, x)
    np.testing.assert_allclose(scaled.d_loss(w, x), central_differences(scaled_loss, args, 2), rtol=RTOL, atol=ATOL)
    value, (d_w, d_x) = scaled.loss_and_gradients(w, x)
    assert_same_value(value, scaled_loss(*args))
    np.testing.assert_allclose(d_w, central_differences(scaled_loss, args, 1), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(d_x, central_differences(scaled_loss, args, 2), rtol=RTOL, atol=ATOL)
    springs = programs.Springs(1.0 + RNG.random(3), 0.4)
    gradient = springs.d_energy(x)
    assert_structure(gradient, springs)
    energy = programs.Springs.d_energy.__adjoint_origin__
    np.testing.assert_allclose(flat(gradient), central_differences(energy, (springs, x), 0), rtol=RTOL, atol=ATOL)


# ----- compositions ------------------------------------------------------------------------------------

def logistic_value(w, b):
    return adjoint.value_and_grad(programs.logistic_l2)(w, b, LOG_X, LOG_Y)[0]


def test_grad_of_value_and_grads_value():
    args = (LOG_W, 0.3)
    got = adjoint.grad(logistic_value, wrt=(0, 1))(*args)
    for gradient, position in zip(got, (0, 1)):
        np.testing.assert_allclose(gradient, central_differences(logistic_value, args, position), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(got[0], adjoint.grad(programs.logistic_l2)(LOG_W, 0.3, LOG_X, LOG_Y), rtol=1e-12)


@pytest.mark.parametrize("func, args, wrt, tangents", [
    (programs.logistic_l2, (LOG_W, 0.3, LOG_X, LOG_Y), (0, 1), (RNG.normal(size=3), 0.8)),
    (programs.gp_nll, (GP_PARAMS, GP_X, GP_Y), (0,), ({"log_ell": 0.3, "log_sf": -1.0, "log_noise": 0.5},)),
    (programs.spring_energy, (STATE, SPRING), (0, 1), (programs.SpringState(RNG.normal(size=3), RNG.normal(size=3)),
                                                       programs.SpringParams(0.3, -0.1, 0.2))),
], ids=["arrays-and-number", "dict", "records"])
def test_jvp_of_grad_is_the_difference_of_gradients(func, args, wrt, tangents):
    """Forward over reverse, written by hand, against the central difference of the gradient."""
    before = copy.deepcopy(args)
    gradient = adjoint.grad(func, wrt=wrt)
    value, product = adjoint.jvp(gradient, wrt=wrt)(*args, *tangents)
    assert tree_equal(value, gradient(*args))
    moved = [flat(gradient(*[with_flat(a, flat(a) + step * flat(t)) if i in wrt else a
                             for i, (a, t) in enumerate(zip(args, tangents + (None,) * len(args)))]))
             for step in (1e-5, -1e-5)]
    want = (moved[0] - moved[1]) / 2e-5
    np.testing.assert_allclose(flat(product), want, rtol=SECOND_RTOL, atol=SECOND_ATOL)
    np.testing.assert_allclose(flat(adjoint.hvp(func, wrt=wrt)(*args, *tangents)), want, rtol=SECOND_RTOL,
                               atol=SECOND_ATOL)
    assert_unchanged(before, args)


def test_grad_of_grad_of_an_activation():
    for x in (-1.3, 0.4, 2.2):
        second = adjoint.grad(adjoint.grad(programs.swish))(x)
        first = adjoint.grad(programs.swish)
        assert type(second) is float
        assert second == pytest.approx((first(x + 1e-5) - first(x - 1e-5)) / 2e-5, rel=SECOND_RTOL, abs=SECOND_ATOL)


# ----- derived functions in other processes, as source, as modules, compiled ------------------------

def test_derived_functions_pickled_into_a_spawned_process():
    derived = [
        (programs.d_logistic, (LOG_W, 0.3, LOG_X, LOG_Y)),
        (adjoint.grad(programs.gp_nll), (GP_PARAMS, GP_X, GP_Y)),
        (adjoint.value_and_grad(programs.spring_energy, wrt=(0, "params")), (STATE, SPRING)),
    ]
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        results = [pool.apply(func, args) for func, args in derived]
    for (func, args), result in zip(derived, results):
        assert type(result) is type(func(*args)) and tree_equal(result, func(*args))
    np.testing.assert_allclose(flat(results[1]), central_differences(programs.gp_nll, (GP_PARAMS, GP_X, GP_Y), 0),
                               rtol=RTOL, atol=ATOL)


def test_a_pickled_gradient_loaded_in_a_fresh_interpreter():
    derived = adjoint.grad(programs.vae_loss, wrt=("params", "eps"))
    script = textwrap.dedent("""
        import pickle, sys
        derived, args = pickle.loads(sys.stdin.buffer.read())
        sys.stdout.buffer.write(pickle.dumps(derived(*args)))
    """)
    args = (VAE, VAE_X, VAE_EPS)
    result = subprocess.run([sys.executable, "-c", script], input=pickle.dumps((derived, args)), capture_output=True,
                            cwd=HERE, timeout=120, env={**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE.parent), str(HERE)])})
    assert result.returncode == 0, result.stderr.decode()
    got = pickle.loads(result.stdout)
    assert tree_equal(got, derived(*args)) and structure_mismatch((VAE, VAE_EPS), got) is None


def compiled_by_hand(func, mode, wrt, args):
    """adjoint.source's text run in the module's namespace with adjoint's runtime helpers."""
    text = adjoint.source(func, mode=mode, wrt=wrt, args=args)
    namespace = {**vars(programs), **vars(adjoint.runtime)}
    exec(compile(text, "<by hand>", "exec"), namespace)
    return namespace[text.split("(", 1)[0].split()[-1]]


def test_source_compiled_by_hand_computes_the_same_numbers():
    args = (LOG_W, 0.3, LOG_X, LOG_Y)
    wrt = (0, "b")
    assert tree_equal(compiled_by_hand(programs.logistic_l2, "reverse", wrt, args)(*args),
                      adjoint.grad(programs.logistic_l2, wrt=wrt)(*args))
    assert tree_equal(compiled_by_hand(programs.logistic_l2, "value_and_grad", wrt, args)(*args),
                      adjoint.value_and_grad(programs.logistic_l2, wrt=wrt)(*args))
    assert tree_equal(compiled_by_hand(programs.logistic_l2, "vjp", wrt, args)(1.0, *args),
                      adjoint.grad(programs.logistic_l2, wrt=wrt)(*args))
    assert tree_equal(compiled_by_hand(programs.logistic_l2, "forward", wrt, args)(*args, dw=np.ones(3), db=0.5),
                      adjoint.jvp(programs.logistic_l2, wrt=wrt)(*args, np.ones(3), 0.5))
    spring = (STATE.x, STATE.v, 2.0, 1.3, 0.2)
    by_hand = compiled_by_hand(programs.spring_arrays, "reverse", (0, 1, 2, 3, 4), spring)(*spring)
    np.testing.assert_allclose(flat(by_hand), np.concatenate([central_differences(programs.spring_arrays, spring, p)
                                                              for p in range(5)]), rtol=RTOL, atol=ATOL)
    assert tree_equal(by_hand, adjoint.grad(programs.spring_arrays, wrt=(0, 1, 2, 3, 4))(*spring))


def written(tmp_path, name, *options):
    return written_module(tmp_path, HERE / "surface37_programs.py", name, *options)


def test_modules_written_by_adjoint_gen_compute_what_adjoint_computes(tmp_path):
    gp = written(tmp_path, "gp_nll")["grad_gp_nll"](GP_PARAMS, GP_X, GP_Y)
    assert_structure(gp, GP_PARAMS)
    assert tree_equal(gp, adjoint.grad(programs.gp_nll)(GP_PARAMS, GP_X, GP_Y))
    vae = written(tmp_path, "vae_loss", "--mode", "vjp")["vjp_vae_loss"](2.0, VAE, VAE_X, VAE_EPS)
    np.testing.assert_allclose(flat(vae), 2.0 * flat(adjoint.grad(programs.vae_loss)(VAE, VAE_X, VAE_EPS)), rtol=1e-12)
    tangent = [(np.ones_like(W), np.zeros_like(b)) for W, b in LAYERS]
    mlp = written(tmp_path, "mlp_loss", "--mode", "forward")["jvp_mlp_loss"](LAYERS, MLP_X, MLP_Y, dlayers=tangent)
    assert tree_equal(mlp, adjoint.jvp(programs.mlp_loss)(LAYERS, MLP_X, MLP_Y, tangent))
    value_and_grad = written(tmp_path, "logistic_l2", "--mode", "value_and_grad", "--wrt", "w,lam")
    for extra in ((), (0.4,)):
        args = (LOG_W, 0.3, LOG_X, LOG_Y, *extra)
        assert tree_equal(value_and_grad["value_and_grad_logistic_l2"](*args),
                          adjoint.value_and_grad(programs.logistic_l2, wrt=("w", "lam"))(*args))
    batches = written(tmp_path, "batches_loss")["grad_batches_loss"](LOG_W, *BATCHES)
    assert tree_equal(batches, adjoint.grad(programs.batches_loss)(LOG_W, *BATCHES))


def test_adjoint_gen_refuses_a_record_parameters_fields_at_the_line(tmp_path, capsys):
    out = tmp_path / "spring.py"
    assert main(["gen", f"{HERE / 'surface37_programs.py'}:spring_energy", "--wrt", "state,params",
                 "-o", str(out)]) == 1
    line = marked_line(programs.spring_energy, "state-fields")
    assert f"surface37_programs.py:{line}:" in capsys.readouterr().err and not out.exists()


@pytest.fixture
def numba():
    return pytest.importorskip("numba")


def test_the_numba_backend_agrees_with_the_python_backend(numba):
    args = (LOG_W, 0.3, LOG_X, LOG_Y)
    for wrt in ((0, 1), ("w", "lam")):
        compiled = adjoint.value_and_grad(programs.logistic_l2, wrt=wrt, backend="numba")(*args, lam=0.3)
        python = adjoint.value_and_grad(programs.logistic_l2, wrt=wrt)(*args, lam=0.3)
        assert compiled[0] == programs.logistic_l2(*args, lam=0.3)
        np.testing.assert_allclose(flat(compiled[1]), flat(python[1]), rtol=1e-10, atol=1e-12)
    spring = (STATE.x, STATE.v, 2.0, 1.3, 0.2)
    compiled = adjoint.grad(programs.spring_arrays, wrt=(0, 1, 2, 3, 4), backend="numba")(*spring)
    np.testing.assert_allclose(flat(compiled), flat(adjoint.grad(programs.spring_arrays, wrt=(0, 1, 2, 3, 4))(*spring)),
                               rtol=1e-10, atol=1e-12)
    x = np.linspace(-2.0, 2.0, 5)
    value, tangent = adjoint.jvp(programs.swish, backend="numba")(x, np.ones(5))
    assert np.array_equal(value, programs.swish(x))
    np.testing.assert_allclose(tangent, adjoint.elementwise_grad(programs.swish)(x), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("func, args, marker", [
    (programs.mlp_loss, (LAYERS, MLP_X, MLP_Y), "layer-unpacking"),
    (programs.gp_nll, (GP_PARAMS, GP_X, GP_Y), "cholesky"),
], ids=["primal-helper", "adjoint-helper"])
def test_the_numba_backend_refuses_naming_the_users_line(numba, func, args, marker):
    with pytest.raises(adjoint.AdjointError) as refused:
        adjoint.grad(func, backend="numba")(*args)
    assert f"surface37_programs.py:{marked_line(func, marker)}:" in str(refused.value)


@pytest.mark.parametrize("call, func", [
    (lambda: adjoint.grad(programs.softmax_classifier, has_aux=True, backend="numba")(SOFT_PARAMS, SOFT_X, SOFT_LABELS),
     programs.softmax_classifier),
    (lambda: adjoint.jvp(programs.spring_arrays, wrt=(2, 3), backend="numba")(STATE.x, STATE.v, 2.0, 1.3, 0.2, 1.0, 0.5),
     programs.spring_arrays),
], ids=["keyword-only-parameter", "zero-tangent-of-a-parameter"])
def test_the_numba_backend_refuses_at_the_def_what_no_line_made(numba, call, func):
    """A keyword-only parameter, a parameter's zero tangent made in the derivative's prologue."""
    with pytest.raises(adjoint.AdjointError) as refused:
        call()
    assert f"surface37_programs.py:{func.__code__.co_firstlineno}:" in str(refused.value)


# ----- the gradient of a number is a float ------------------------------------------------------------

K = np.float64(3.0)
A = np.array([2.0, 3.0])


def reduced_times_number(x, lam):
    return np.sum(x ** 2) * lam


def item_times_number(x, lam):
    return x[0] * lam


def product_times_number(x, lam):
    return (x @ x) * lam


def global_times_number(x, lam):
    return K * lam + A[1] * lam * x


def list_item_times_number(xs, lam):
    return xs[0] * lam + xs[1] * lam * lam


@pytest.mark.parametrize("func, args", [
    (reduced_times_number, (np.array([0.5, -1.5]), 0.7)),
    (item_times_number, (np.array([0.5, -1.5]), 0.7)),
    (product_times_number, (np.array([0.5, -1.5]), 0.7)),
    (global_times_number, (0.4, 0.7)),
    (list_item_times_number, (list(np.array([0.5, -1.5])), 0.7)),
], ids=["np-sum", "array-item", "matmul", "global-numpy-scalar", "list-of-numpy-scalars"])
def test_the_gradient_of_a_number_is_a_float_where_numpy_computed_it(func, args):
    expected = central_differences(func, args, 1)[0]
    results = [adjoint.grad(func, wrt=1)(*args), adjoint.value_and_grad(func, wrt=1)(*args)[1],
               adjoint.vjp(func, wrt=1)(*args)[1](1.0), adjoint.grad(func, wrt=(0, 1))(*args)[1]]
    for got in results:
        assert type(got) is float, type(got)
        assert got == pytest.approx(expected, rel=RTOL, abs=ATOL)
