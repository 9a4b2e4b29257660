"""Programs written as their users write them (class-based models, optimisers, simulations of records),
and the shapes among them that adjoint got wrong.

What was wrong:
- a method of an object held in an attribute of `self`, named as an array method (`self.scaler.clip(z)`,
  `self.stats.mean(r)`, a staticmethod or a plain one), was read as NumPy's function of that object:
  `np.clip(self.scaler, z)`. Every derived function raised TypeError inside NumPy (or, for a method whose
  arguments NumPy's function happens to take, would have computed NumPy's function of the object). Such an
  object's own methods are called now, as on `self` itself (normalize/receivers.py).
- `for k in p:` over a dict copied in the function (`p = dict(params)`), with items written by key, was
  refused when the derivative ran ("the loop iterates over a dict ... only through `.keys()`"), though
  `for k in p.keys():` was differentiated and a dict is iterated by key: a call of `dict` makes a dict
  (normalize/desugar.py).
- a record parameter rebound to what its own method returns (`state = state.step(dt)` in a loop, a
  dataclass's `dataclasses.replace(self, ...)` or a NamedTuple built anew), and a record taken under another
  name first (`total = t`, then `total = total.compose(t)`), were refused: "reading attribute `pos` of the
  differentiated parameter" (of a dataclass, which adjoint differentiates) or "a method of `total`, a value
  known only when the function runs". Such a name holds a record of the argument's class at every
  assignment, checked before each call as for a record built in the function (normalize/record_classes.py).
- `functools.partial` of a local def (`integrate(partial(rhs, k=k), y0)` with `def rhs(y, k)` in the
  function) was refused ("builds an object of the class `partial` from values the derivative flows
  through", or "`f` is an argument adjoint cannot specialize the derivative to: it does so for ...
  functools.partial objects"), and a partial of any function called with a parameter that has a default
  (`g(x, power=3)`, `g(x, d=v)`) was refused ("got an unexpected keyword argument"), though Python runs
  both. The lambda a partial is read as takes the local def's parameters too, and the defaults: a
  constant, or a module function's default value itself (normalize/local_functions.py).
- a refusal met in a derivative a second derivative calls (`fwd_compose`, the forward half of a method
  `total.compose(t)` in a loop) named the line of the generated code that calls it
  (`<adjoint grad_affine_power ...>:12`), not the user's line: it names the line that code was made for
  (generated.made_for). (That refusal, of `self.A` read in `fwd_compose`, whose `self` was taken for
  an object, is lifted since: such second derivatives are differentiated.)
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

import numpy as np
import pytest

import adjoint
from every_mode import AUTOGRAD_RUNS_NUMPY_CALLS, check_every_mode
from soundness import central_differences, flat

RNG = np.random.default_rng(31)
X = RNG.normal(size=(6, 3))
Y = X @ np.array([0.5, -1.0, 2.0]) + 0.1 * RNG.normal(size=6)


# ----- methods of an object held by `self`, named as array methods ---------------------------------------

class Scaler:
    def __init__(self, lo, hi):
        self.lo = lo
        self.hi = hi

    def clip(self, z):
        return np.clip(z, self.lo, self.hi)

    @staticmethod
    def mean(z):
        return np.sum(z) / z.size

    @staticmethod
    def sum(z):
        return np.sum(z * z)


class ClippedRegression:
    def __init__(self, scaler):
        self.scaler = scaler

    def loss(self, w, X, y):
        z = self.scaler.clip(X @ w)
        return self.scaler.mean((z - y) ** 2) + 0.1 * self.scaler.sum(w)


MODEL = ClippedRegression(Scaler(-1.5, 1.5))
W = np.array([0.4, -0.3, 0.9])


def test_a_method_of_an_attribute_named_as_an_array_method_is_called():
    want = central_differences(MODEL.loss, (W, X, Y), 0)
    np.testing.assert_allclose(adjoint.grad(MODEL.loss)(W, X, Y), want, rtol=1e-6, atol=1e-8)


def test_a_method_of_an_attribute_named_as_an_array_method_in_every_mode():
    check_every_mode(MODEL.loss, (W, X, Y), peer=MODEL.loss if AUTOGRAD_RUNS_NUMPY_CALLS else None)


class Pipeline:
    def __init__(self, scaler):
        self.scaler = scaler

    def loss(self, w, X, y):
        return np.sum((self.scaler.clip(X) @ w - y) ** 2)


def test_a_method_of_an_attribute_given_constants_is_called():
    model = Pipeline(Scaler(-0.5, 0.5))
    value, gradient = adjoint.value_and_grad(model.loss)(W, X, Y)
    assert value == pytest.approx(model.loss(W, X, Y), rel=1e-12)
    np.testing.assert_allclose(gradient, central_differences(model.loss, (W, X, Y), 0), rtol=1e-6, atol=1e-8)


# ----- a loop over a dict copied in the function --------------------------------------------------------

def rmsprop(params, X, y):
    cache = {k: np.zeros_like(v) for k, v in params.items()}
    p = dict(params)
    for _ in range(3):
        r = X @ p["w"] + p["b"] - y
        grads = {"w": X.T @ r / len(y), "b": np.mean(r)}
        for k in p:
            cache[k] = 0.9 * cache[k] + 0.1 * grads[k] ** 2
            p[k] = p[k] - 0.05 * grads[k] / (np.sqrt(cache[k]) + 1e-6)
    return np.mean((X @ p["w"] + p["b"] - y) ** 2)


def doubled(params):
    p = dict(params)
    for k in p:
        p[k] = p[k] * 2.0
    return p["w"] @ p["w"] + np.sin(p["b"])


PARAMS = {"w": np.array([0.1, 0.2, 0.3]), "b": 0.5}


def test_a_loop_over_a_dict_copied_in_the_function_iterates_its_keys():
    gradient = adjoint.grad(rmsprop)(PARAMS, X, Y)
    assert set(gradient) == {"w", "b"} and isinstance(gradient["b"], float)
    np.testing.assert_allclose(flat(gradient), central_differences(rmsprop, (PARAMS, X, Y), 0), rtol=1e-6, atol=1e-8)


def test_a_loop_over_a_dict_copied_in_the_function_in_every_mode():
    check_every_mode(doubled, (PARAMS,), peer=doubled)


# ----- a record parameter rebound to what its own method returns ---------------------------------------

@dataclass
class Body:
    pos: np.ndarray
    vel: np.ndarray
    mass: float

    def kinetic(self):
        return 0.5 * self.mass * np.sum(self.vel ** 2)

    def drifted(self, dt):
        return dataclasses.replace(self, pos=self.pos + dt * self.vel)

    def kicked(self, dt, k):
        return Body(self.pos, self.vel - dt * k * self.pos / self.mass, self.mass)


def orbit(body, dt):
    for _ in range(6):
        body = body.kicked(dt, 2.0)
        body = body.drifted(dt)
    return body.kinetic() + np.sum(body.pos ** 2)


def drift_once(body, dt):
    body = body.drifted(dt)
    return np.sum(body.pos ** 2) * body.mass


BODY = Body(np.array([0.1, 0.2]), np.array([1.0, -0.5]), 2.0)


def test_a_record_parameter_rebound_by_its_methods_in_a_loop():
    gradient = adjoint.grad(orbit)(BODY, 0.1)
    assert isinstance(gradient, Body)
    np.testing.assert_allclose(flat(gradient), central_differences(orbit, (BODY, 0.1), 0), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("program", [orbit, drift_once])
def test_a_record_parameter_rebound_by_its_methods_in_every_mode(program):
    check_every_mode(program, (BODY, 0.1), wrt=0)
    check_every_mode(program, (BODY, 0.1), wrt=1)


class Affine(NamedTuple):
    A: np.ndarray
    c: np.ndarray

    def apply(self, x):
        return self.A @ x + self.c

    def compose(self, other):
        return Affine(self.A @ other.A, self.A @ other.c + self.c)


def affine_power(t, x):
    total = t
    for _ in range(3):
        total = total.compose(t)
    return np.sum(total.apply(x) ** 2)


T = Affine(np.array([[0.9, 0.1], [-0.2, 0.8]]), np.array([0.1, -0.1]))


def test_a_record_taken_under_another_name_then_rebound_by_its_method():
    gradient = adjoint.grad(affine_power)(T, np.array([1.0, 2.0]))
    assert isinstance(gradient, Affine)
    check_every_mode(affine_power, (T, np.array([1.0, 2.0])))


def affine_chain(t, x):
    total = t.compose(t)
    for _ in range(2):
        total = total.compose(t)
    return np.sum(total.apply(x) ** 2)


@pytest.mark.parametrize("program", [affine_power, affine_chain])
def test_second_derivatives_through_a_method_called_in_a_loop(program):
    """They were refused in `fwd_compose`, the derivative of the method the second derivative
    calls, whose parameter `self` (of unknown kind there) was taken for an object: it reads
    fields of what it is given as a function of a record taken from a list does."""
    check_every_mode(program, (T, np.array([1.0, 2.0])))
    hessian_vector = adjoint.hvp(program)(T, np.array([1.0, 2.0]), T)
    assert isinstance(hessian_vector, Affine)


class Kicked(NamedTuple):
    q: float
    p: float

    def step(self, dt):
        return Other(self.q + dt * self.p, self.p)


class Other(NamedTuple):
    q: float
    p: float


def other_class(state, dt):
    state = state.step(dt)
    return state.q * state.p


def test_a_record_parameter_rebound_to_another_class_is_still_refused():
    with pytest.raises(adjoint.AdjointError):
        adjoint.grad(other_class)(Kicked(0.5, 1.0), 0.1)


# ----- functools.partial of a local def, and parameters with defaults -----------------------------------

def integrate(f, y0, dt, n):
    y = y0
    for _ in range(n):
        y = y + dt * f(y)
    return y


def decay(k, y0):
    def rhs(y, k):
        return -k * y + np.sin(y)
    return np.sum(integrate(partial(rhs, k=k), y0, 0.05, 20))


def scaled_decay(k, y0):
    scale = 2.0 * k
    def rhs(a, y):
        return -a * y * scale
    return np.sum(integrate(partial(rhs, 0.5), y0, 0.05, 10))


def energies(k, y):
    def energy(a, b, x, power=2):
        return a * x ** power + b
    e = partial(energy, k, 0.5)
    first = e(y) + e(y, power=3)
    k = k * 10.0
    return first + e(2 * y)


def shifted(a, b, c=1.0, d=np.ones(2), *, e=2.0):
    return a * b + c * np.sum(d) + e


def defaults(x):
    g = partial(shifted, x)
    return g(2.0) + g(3.0, 4.0) + g(1.0, e=x) + g(1.0, 2.0, d=np.array([x, x]))


def named_first(x):
    g = partial(shifted, b=x)
    return g(2.0) + g(3.0, c=x * x) + g(1.0, e=3.0)


@pytest.mark.parametrize("program, args", [
    (decay, (0.7, np.array([1.0, 2.0]))), (scaled_decay, (0.7, np.array([1.0, 2.0]))), (energies, (0.7, 1.3)),
    (defaults, (0.7,)), (named_first, (0.7,))])
def test_a_partial_of_a_local_def_or_with_defaults_in_every_mode(program, args):
    for wrt in range(len(args)):
        check_every_mode(program, args, wrt=wrt, peer=program if AUTOGRAD_RUNS_NUMPY_CALLS else None)
