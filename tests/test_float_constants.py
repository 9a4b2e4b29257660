"""Int constants of adjoint statements written as floats (optimize/fold.py): the same numbers."""
from __future__ import annotations

import re

import numpy as np
import pytest

import adjoint
from adjoint.frontend.define import compile_function
from benchmarks.cases import energy  # the helium trial energy

import soundness_float_constants as cases

FLOAT_FACTOR = re.compile(r"\* (-?\d+)\.0\b")


def with_int_factors(source: str) -> str:
    """The source with the factors `* 4.0` written back as `* 4`, as before the rewrite."""
    return FLOAT_FACTOR.sub(r"* \1", source)


@pytest.mark.parametrize("fn, wrt, make_args", [
    (energy, 6, lambda rng: tuple(rng.normal(size=7))),
    (energy, (0, 6), lambda rng: tuple(rng.normal(size=7))),
    (cases.quartic_tail, (0, 1), lambda rng: (1.0 + rng.random(), rng.random())),
])
def test_float_factors_give_the_very_numbers_the_int_factors_gave(fn, wrt, make_args):
    rng = np.random.default_rng(0)
    args = tuple(float(a) for a in make_args(rng))
    source = adjoint.source(fn, wrt=wrt, args=args)
    assert FLOAT_FACTOR.search(source)  # the rewrite happened
    name = source.split("(")[0].split()[-1]
    generated = adjoint.grad(fn, wrt=wrt)
    generated(*args)
    before = compile_function(name, with_int_factors(source), fn.__globals__, {})
    for _ in range(200):
        args = tuple(float(a) for a in make_args(rng))
        assert repr(generated(*args)) == repr(before(*args))  # bit for bit


def test_an_int_cotangent_or_tangent_gives_a_float_derivative():
    value, pullback = adjoint.vjp(cases.negative_powers)(3)
    assert type(pullback(2)) is type(pullback(2.0)) is float  # x ** -2 is a float anyway
    quartic = adjoint.vjp(lambda x: x ** 4)(3)[1]
    assert quartic(2) == quartic(2.0) == 216.0 and type(quartic(2)) is float
    for optimize in (True, False):  # the optimizer drops `* 1.0`: an int seed came back as it was
        assert type(adjoint.vjp(lambda x: x * 1.0, optimize=optimize)(3)[1](2)) is float
        assert type(adjoint.vjp(lambda x: x * 1.0, optimize=optimize)(3.0)[1](np.int64(2))) is float
        assert type(adjoint.jvp(lambda x: x * 1.0, optimize=optimize)(3, 2)[1]) is float


def test_int_factors_of_what_may_be_an_int_stay_ints():
    source = adjoint.source(cases.negative_powers, mode="vjp", args=(2.0,))
    assert "* -2 *" in source  # d * -2: the cotangent d may be an int
    assert "-(3.0 * d_t4) *" in source  # 3.0 * d * -1: floating, and -1.0 times it is its negation
