"""The programs of probe35_programs.py, in every mode against central differences and, where it runs
them, autograd (whose NumPy has no derivative of np.convolve): each argument differentiated in grad, value_and_grad, vjp, jvp and hvp (and grad of
grad for a number); pytrees (a NamedTuple, a dataclass, a dict) field by field; float32 kept."""
from __future__ import annotations

import copy

import numpy as np
import pytest

import adjoint
import probe35_programs as programs
from every_mode import AUTOGRAD_RUNS_NUMPY_CALLS, check_every_mode

RNG = np.random.default_rng(35)
POINTS = np.array([[0.3, -1.1], [1.4, 0.2], [-0.7, 0.9], [0.5, 1.6], [-1.3, -0.4], [0.9, -0.8]])

CASES = [
    ("gp_nll", (0.1, -0.2, POINTS, RNG.normal(size=6)), (0, 1), True),
    ("layer_norm", (RNG.normal(size=(3, 5)), RNG.normal(size=5), RNG.normal(size=5)), (0, 1, 2), True),
    ("springs", (1.3, RNG.normal(size=3), RNG.normal(size=3)), (0, 1, 2), True),
    ("einsum_norm", (RNG.normal(size=(3, 4)) + 2.0, RNG.normal(size=(4, 2))), (0, 1), True),
    ("clipped", (np.array([-0.9, -0.2, 0.35, 0.5, 1.1, 0.05]),), (0,), True),
    ("int_mix", (RNG.normal(size=5), 7), (0,), True),
    ("fancy", (RNG.normal(size=6), np.array([0, 2, 2, 5]), np.array([True, False, True, True, False, True])),
     (0,), True),
    ("kw_only", (RNG.normal(size=4),), (0,), True),
    ("convolve_loss", (RNG.normal(size=7), RNG.normal(size=3)), (0, 1), False),  # autograd: no np.convolve
]


@pytest.mark.parametrize("name, args, positions, with_autograd", CASES, ids=[case[0] for case in CASES])
def test_every_argument_in_every_mode(name, args, positions, with_autograd):
    func = getattr(programs, name)
    peer = func if with_autograd and AUTOGRAD_RUNS_NUMPY_CALLS else None
    for position in positions:
        check_every_mode(func, copy.deepcopy(args), wrt=position, peer=peer)


def field_difference(loss, rebuild, value, eps=1e-6):
    """Central differences of loss(rebuild(v)) in each entry of v (a number or an array)."""
    if isinstance(value, float):
        return (loss(rebuild(value + eps)) - loss(rebuild(value - eps))) / (2 * eps)
    steps = np.eye(value.size).reshape((value.size,) + value.shape)
    return np.array([(loss(rebuild(value + eps * e)) - loss(rebuild(value - eps * e))) / (2 * eps)
                     for e in steps]).reshape(value.shape)


def test_a_namedtuple_of_parameters():
    X, y = RNG.normal(size=(5, 3)), (RNG.normal(size=5) > 0).astype(float)
    p = programs.Params(RNG.normal(size=3), 0.3)
    gradient = adjoint.grad(programs.logistic)(p, X, y)
    assert isinstance(gradient, programs.Params)
    loss = lambda q: programs.logistic(q, X, y)  # noqa: E731
    np.testing.assert_allclose(gradient.w, field_difference(loss, lambda w: programs.Params(w, p.b), p.w), rtol=1e-6)
    np.testing.assert_allclose(gradient.b, field_difference(loss, lambda b: programs.Params(p.w, b), p.b), rtol=1e-6)


def test_a_dataclass_of_parameters():
    m, x = programs.Model(0.7, RNG.normal(size=4)), RNG.normal(size=4)
    gradient = adjoint.grad(programs.dc_loss)(m, x)
    assert isinstance(gradient, programs.Model)
    loss = lambda model: programs.dc_loss(model, x)  # noqa: E731
    np.testing.assert_allclose(gradient.scale, field_difference(loss, lambda s: programs.Model(s, m.shift), m.scale),
                               rtol=1e-6)
    np.testing.assert_allclose(gradient.shift, field_difference(loss, lambda s: programs.Model(m.scale, s), m.shift),
                               rtol=1e-6)


def test_a_dict_of_parameters_in_both_modes():
    params, x = {"W": RNG.normal(size=(3, 4)), "b": RNG.normal(size=3), "scale": 0.4}, RNG.normal(size=4)
    loss = lambda p: programs.dict_params(p, x)  # noqa: E731
    gradient = adjoint.grad(programs.dict_params)(copy.deepcopy(params), x)
    for key in params:
        expected = field_difference(loss, lambda v, key=key: dict(params, **{key: v}), params[key])
        np.testing.assert_allclose(gradient[key], expected, rtol=1e-6, atol=1e-9)
    direction = {"W": RNG.normal(size=(3, 4)), "b": RNG.normal(size=3), "scale": 0.7}
    value, tangent = adjoint.jvp(programs.dict_params)(copy.deepcopy(params), x, direction)
    assert value == loss(params)
    moved = lambda t: {key: params[key] + t * direction[key] for key in params}  # noqa: E731
    assert tangent == pytest.approx((loss(moved(1e-6)) - loss(moved(-1e-6))) / 2e-6, rel=1e-6)


def test_a_float32_argument_gets_a_float32_gradient():
    x = np.array([-0.9, -0.2, 0.35, 0.5, 1.1, 0.05], dtype=np.float32)
    gradient = adjoint.grad(programs.clipped)(x)
    assert gradient.dtype == np.float32
    np.testing.assert_allclose(gradient, adjoint.grad(programs.clipped)(x.astype(np.float64)), rtol=1e-5)


def test_star_args_are_refused_as_a_wrt_with_advice():
    with pytest.raises(adjoint.AdjointError, match="named parameters"):
        adjoint.grad(programs.star_args, wrt=1)(np.ones(3), np.ones(3))
    assert adjoint.grad(programs.star_args)(np.ones(3), np.full(3, 2.0)).tolist() == [4.0, 4.0, 4.0]
