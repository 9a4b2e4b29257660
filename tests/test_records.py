"""Records built and replaced in a differentiated function (normalize/records.py), to second
order, and the replacement of a field of a dataclass with a constructor of its own, refused
when the derived function runs (replacing would run its __post_init__ again)."""
from __future__ import annotations

import dataclasses
import sys

import numpy as np
import pytest

import adjoint
from adjoint import AdjointError
from soundness_records import (Pair, dataclass_replaced, frozen_by_keywords, named_tuple_default,
                               replaced_fields_in_a_loop, spring_energy)

@pytest.mark.parametrize("func, args", [
    (frozen_by_keywords, (0.7, 1.3)),
    (named_tuple_default, (0.8,)),
    (dataclass_replaced, (np.array([0.3, -0.5, 1.1]), 1.3)),
    (replaced_fields_in_a_loop, (0.7, 1.3)),  # records passed to a called function in a loop
    (spring_energy, (np.array([0.3, -0.5, 1.1]), 1.3)),
])
def test_second_derivatives_of_records(func, args):
    gradient = adjoint.grad(func, wrt=0)
    direction = np.linspace(-1.0, 1.0, np.size(args[0])).reshape(np.shape(args[0])) if np.ndim(args[0]) else 1.0
    rest = args[1:]
    expected = (gradient(args[0] + 1e-5 * direction, *rest) - gradient(args[0] - 1e-5 * direction, *rest)) / 2e-5
    np.testing.assert_allclose(adjoint.hvp(func, wrt=0)(*args, direction), expected, rtol=1e-5, atol=1e-7)


@dataclasses.dataclass
class Normalized:
    w: np.ndarray

    def __post_init__(self):
        self.w = self.w / np.sum(self.w)


def replace_normalized(n, x):
    m = dataclasses.replace(n, w=x * 2.0)
    return np.sum(m.w * x)


def test_replacing_a_field_of_a_dataclass_with_a_constructor_of_its_own_is_refused():
    n = Normalized(np.array([1.0, 3.0]))
    with pytest.raises(AdjointError, match="constructor of its own"):
        adjoint.grad(replace_normalized, wrt=1)(n, np.array([0.5, 1.5]))


def swap_fields(p):
    return p._replace(u=p.v, v=p.u).u * 3.0


def test_a_named_tuple_argument_with_fields_swapped():
    gradient = adjoint.grad(swap_fields)(Pair(1.0, 2.0))
    assert isinstance(gradient, Pair) and gradient == Pair(0.0, 3.0)



if sys.version_info >= (3, 10):
    @dataclasses.dataclass
    class KeywordScaled:
        a: float
        b: float = dataclasses.field(default=1.0, kw_only=True)


def built_with_a_keyword_field_by_position(x):
    k = KeywordScaled(x, 2.0)  # Python raises TypeError: b is keyword-only
    return k.a * k.b


@pytest.mark.skipif(sys.version_info < (3, 10), reason="keyword-only dataclass fields are Python 3.10's")
def test_a_dataclass_with_keyword_only_fields_stays_refused():
    with pytest.raises(TypeError):
        built_with_a_keyword_field_by_position(0.5)
    with pytest.raises(AdjointError, match="builds an object of the class"):
        adjoint.grad(built_with_a_keyword_field_by_position)(0.5)


STATE = np.random.RandomState(0)


def drawn(scale):
    return scale * STATE.uniform()


def fields_given_out_of_order(x):
    p = Pair(v=drawn(x), u=drawn(2.0 * x))  # v is drawn first, as Python evaluates it
    return p.u * 3.0 + p.v


def test_fields_given_out_of_their_order_with_calls_stay_refused():
    """Built in the fields' order, the draws would swap: Python evaluates v's first."""
    with pytest.raises(AdjointError, match="builds an object of the class"):
        adjoint.value_and_grad(fields_given_out_of_order)(0.7)


@dataclasses.dataclass
class _ConstantWeights:
    W: np.ndarray
    b: np.ndarray


def _apply_constant_weights(layer, x):
    return np.tanh(layer.W @ x + layer.b)


def constant_field_to_a_callee(x):
    layer = _ConstantWeights(np.eye(3) * 0.5, x * 0.1)
    return np.sum(_apply_constant_weights(layer, x) ** 2)


def test_a_field_with_no_tangent_reaches_a_called_function_as_zeros():
    # its tangent was the symbolic zero 0.0, and `0.0 @ x` in the callee's tangent raised (jvp, hvp)
    from every_mode import check_every_mode
    check_every_mode(constant_field_to_a_callee, (np.array([0.3, -0.7, 1.1]),))
