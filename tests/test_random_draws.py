"""Random draws with differentiated parameters (normalize/random_draws.py): `rng.normal(mu,
sigma)`, `uniform(low, high)` and `exponential(scale)` are differentiated as the arithmetic on
the standard draws NumPy computes them from (the pathwise derivative), where the generator is
known when adjoint reads the function."""
from __future__ import annotations

import inspect
import math
import sys

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode
from soundness import central_differences
from test_gen_probe26 import gen, load, run_without_adjoint, write

GENERATORS = [np.random.default_rng, np.random.RandomState]


def _uniform_draws(generator, size):
    return generator.random(size) if isinstance(generator, np.random.Generator) else generator.random_sample(size)


@pytest.mark.parametrize("make", GENERATORS, ids=["Generator", "RandomState"])
@pytest.mark.parametrize("seed", range(5))
def test_numpy_draws_are_the_standard_draws_scaled_and_shifted(make, seed):
    """What the rewrite rests on: the same numbers, bit for bit, as NumPy's own draws."""
    loc = np.linspace(-3.0, 3.0, 7) * (seed + 1)
    scale = np.abs(np.cos(np.arange(7.0))) * 3.0 + 1e-3 * seed
    for draw, standard in [
        (lambda g: g.normal(loc, scale), lambda g: loc + scale * g.standard_normal(loc.shape)),
        (lambda g: g.normal(0.5, 1.5, size=(2, 7)), lambda g: 0.5 + 1.5 * g.standard_normal((2, 7))),
        (lambda g: g.normal(0.5, 1.5), lambda g: 0.5 + 1.5 * g.standard_normal()),
        (lambda g: g.uniform(loc, loc + scale), lambda g: loc + (loc + scale - loc) * _uniform_draws(g, (7,))),
        (lambda g: g.uniform(-2.0, 5.0, 4), lambda g: -2.0 + (5.0 - -2.0) * _uniform_draws(g, 4)),
        (lambda g: g.exponential(scale), lambda g: scale * g.standard_exponential(scale.shape)),
    ]:
        expected, got = draw(make(seed)), standard(make(seed))
        assert type(got) is type(expected)
        np.testing.assert_array_equal(got, expected)


def monte_carlo_second_moment(mu, seed=7):
    rng = np.random.default_rng(seed)
    z = rng.normal(mu, np.exp(0.3 * mu), size=(200, mu.size))
    return np.mean(np.sum(z ** 2, axis=1))


def uniform_box(bounds, seed=3):
    rng = np.random.RandomState(seed)
    points = rng.uniform(bounds[0], bounds[0] + bounds[1] ** 2, size=50)
    return np.mean(np.sin(points) * points)


def waiting_times(rates, seed=11):
    rng = np.random.default_rng(seed)
    times = rng.exponential(scale=1.0 / rates)
    return np.sum(np.log1p(times)) + np.max(times)


def geometric_brownian_motion(sigma, seed=5):
    rng = np.random.default_rng(seed)
    price, dt = np.full(20, 100.0), 1.0 / 12.0
    for _ in range(12):
        step = rng.normal((0.05 - 0.5 * sigma ** 2) * dt, sigma * math.sqrt(dt), size=20)
        price = price * np.exp(step)
    return np.mean(np.maximum(price - 100.0, 0.0))


def scalar_draws(theta, seed=2):
    rng = np.random.default_rng(seed)
    total = 0.0
    for k in range(4):
        total += rng.normal(theta, 0.5 + theta ** 2) ** 2 + rng.uniform(-theta, theta) * k
    return total


def seeded_legacy_state(mu):
    np.random.seed(4)
    return np.sum(np.random.normal(mu, 2.0, 3) ** 2) + np.random.exponential(mu[0] ** 2)


EXACT = [
    (monte_carlo_second_moment, (np.array([0.3, -0.4, 1.1]),)),
    (uniform_box, (np.array([0.2, 1.3]),)),
    (waiting_times, (np.array([0.5, 2.0, 1.5, 3.0]),)),
    (geometric_brownian_motion, (0.25,)),
    (scalar_draws, (0.6,)),
    (seeded_legacy_state, (np.array([0.7, -0.2, 0.4]),)),
]


@pytest.mark.parametrize("func, args", EXACT, ids=[func.__name__ for func, _ in EXACT])
def test_draws_with_differentiated_parameters_are_exact_in_every_mode(func, args):
    check_every_mode(func, args)


RNG = np.random.default_rng(0)


def drawn_from_a_global_generator(mu):
    return np.sum(RNG.normal(mu, 0.5, size=4) ** 2)


def test_a_global_generator_draws_once_per_call_and_the_gradient_is_pathwise():
    mu = 0.8
    before = RNG.bit_generator.state
    gradient = adjoint.grad(drawn_from_a_global_generator)(mu)
    after = RNG.bit_generator.state
    RNG.bit_generator.state = before
    z = RNG.standard_normal(4)
    assert RNG.bit_generator.state == after  # the derivative drew what the function draws, once
    np.testing.assert_allclose(gradient, np.sum(2.0 * (mu + 0.5 * z)), rtol=1e-12)


class Sampler:
    def __init__(self):
        self.rng = np.random.default_rng(9)

    def loss(self, sigma):
        return np.mean(np.abs(self.rng.normal(1.0, sigma, size=6)))


def test_a_generator_held_by_the_object_of_a_bound_method():
    sampler = Sampler()
    before = sampler.rng.bit_generator.state
    gradient = adjoint.grad(sampler.loss)(0.7)
    sampler.rng.bit_generator.state = before
    z = sampler.rng.standard_normal(6)
    np.testing.assert_allclose(gradient, np.mean(np.sign(1.0 + 0.7 * z) * z), rtol=1e-12)


def draws_from_an_argument(mu, rng):
    return np.sum(rng.normal(mu, 1.0, size=3) ** 2)  # <- argument


def test_a_generator_passed_as_an_argument_is_refused_with_the_rewrite_as_advice():
    with pytest.raises(adjoint.NonDifferentiableError) as refused:
        adjoint.grad(draws_from_an_argument)(0.5, np.random.default_rng(0))
    lines = inspect.getsource(sys.modules[__name__]).splitlines()
    line = next(number for number, text in enumerate(lines, 1) if text.endswith("# <- argument"))
    assert f"{__file__}:{line}:" in str(refused.value)
    assert "loc + scale * rng.standard_normal(size)" in str(refused.value)


def negative_scale(sigma, seed=0):
    return np.sum(np.random.default_rng(seed).normal(0.0, sigma, size=2))


def misfit_size(mu, seed=0):
    return np.sum(np.random.default_rng(seed).normal(mu, 1.0, size=2))


@pytest.mark.parametrize("func, args, error", [(negative_scale, (-1.0,), ValueError),
                                               (misfit_size, (np.zeros(3),), ValueError)])
def test_parameters_numpy_refuses_are_refused_as_numpy_does(func, args, error):
    with pytest.raises(error):
        func(*args)
    with pytest.raises(error):
        adjoint.grad(func)(*args)


def constant_parameters(x, seed=1):
    noise = np.random.default_rng(seed).normal(0.0, 0.1, size=x.shape)
    return np.sum((x + noise) ** 2)


def test_draws_with_constant_parameters_stay_as_written():
    assert "draws_shape" not in adjoint.source(constant_parameters, args=(np.ones(3),))
    check_every_mode(constant_parameters, (np.array([0.2, -0.5, 1.0]),))


class EvenlySpread:
    """Not a generator: its `normal` has a source adjoint differentiates."""

    def normal(self, loc, scale, size):
        return loc + scale * np.linspace(-1.0, 1.0, size)


def test_a_global_generator_rebound_to_another_object_gets_another_derivative(monkeypatch):
    gradient = adjoint.grad(drawn_from_a_global_generator)
    gradient(0.8)
    monkeypatch.setitem(globals(), "RNG", EvenlySpread())
    spread = np.linspace(-1.0, 1.0, 4)
    np.testing.assert_allclose(gradient(0.8), np.sum(2.0 * (0.8 + 0.5 * spread)), rtol=1e-12)


SIMULATION = '''
import numpy as np

def f(theta, seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(theta[0], np.exp(theta[1]), size=8)
    u = rng.uniform(-theta[1], theta[0], size=8)
    return np.mean(np.tanh(z) * u) + np.sum(rng.exponential(theta[0] ** 2, size=3))
'''


def test_the_module_adjoint_gen_writes_draws_the_same_numbers(tmp_path):
    write(tmp_path, "simulation", SIMULATION)
    assert gen(tmp_path / "simulation.py:f", "-o", tmp_path / "grad_f.py") == 0
    simulation = load(tmp_path / "simulation.py", "simulation_for_draws")
    theta = np.array([0.4, -0.3])
    script = f"""
        import json, numpy as np
        from grad_f import grad_f
        print(json.dumps(grad_f(np.array({theta.tolist()}), 3).tolist()))
    """
    expected = adjoint.grad(simulation.f)(theta, 3)
    np.testing.assert_allclose(run_without_adjoint(tmp_path, tmp_path, script), expected, rtol=1e-12)
    np.testing.assert_allclose(expected, central_differences(simulation.f, (theta, 3), 0), rtol=1e-6, atol=1e-8)


class Halfway(np.random.RandomState):
    """A RandomState whose `normal` is its own: not NumPy's draw, so not written as one."""

    def normal(self, loc=0.0, scale=1.0, size=None):
        return loc + scale * 0.5


HALFWAY = Halfway(0)


def drawn_from_a_subclass(s):
    return HALFWAY.normal(0.3, s) ** 2


def test_a_generator_subclass_keeps_its_own_method():
    np.testing.assert_allclose(adjoint.grad(drawn_from_a_subclass)(2.0), central_differences(drawn_from_a_subclass,
                                                                                             (2.0,), 0), rtol=1e-6)
