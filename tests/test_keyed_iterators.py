"""`sorted`, `max` and `min` with a `key=` over a sequence that cannot be read twice (`zip`,
`enumerate`, a generator, a call's result: refused before) list its items once, where the builtin
reads them (normalize/keyed.py), and read the items at the positions the key orders."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode
from soundness import central_differences
from soundness_keyed import (argmax_by_enumerate, least_of_a_generator, pairs_of_a_zip_nearest_first,
                             rows_of_a_call_by_their_sum)

X = np.array([0.3, -0.8, 1.3, 0.9])
W = np.array([[0.3, -0.4], [1.2, 0.1], [-0.5, 0.7]])


@pytest.mark.parametrize("func, args", [(argmax_by_enumerate, (X,)), (pairs_of_a_zip_nearest_first, (X,)),
                                        (least_of_a_generator, (X,)), (rows_of_a_call_by_their_sum, (W,))])
def test_every_mode(func, args):
    # (a generator's items are listed by appends: second order too, the derivative's stack read as what it restores)
    check_every_mode(func, tuple(a.copy() for a in args))


def argmax_of_pairs(x):
    return max(zip(x, x ** 2), key=lambda p: p[1])[0]


def test_an_empty_sequence_raises_what_the_builtin_raises():
    with pytest.raises(ValueError) as plain:
        argmax_of_pairs(np.zeros(0))
    with pytest.raises(ValueError) as derived:
        adjoint.grad(argmax_of_pairs)(np.zeros(0))
    assert str(derived.value) == str(plain.value)


def ties_in_enumerate_order(x):
    ranked = sorted(enumerate(x), key=lambda t: round(t[1]))  # -0.8 -> -1; 0.3 -> 0; 1.3, 0.9 -> 1 (a tie)
    return ranked[2][1] * 3.0 + ranked[3][1] + ranked[3][0]


def test_ties_keep_the_order_of_the_items():
    value, gradient = adjoint.value_and_grad(ties_in_enumerate_order)(X.copy())
    assert value == ties_in_enumerate_order(X.copy())
    np.testing.assert_allclose(gradient, central_differences(ties_in_enumerate_order, (X.copy(),), 0), rtol=1e-7)
    assert gradient[2] > gradient[3] > 0.0  # sorted is stable: 1.3 (weight 3) before 0.9 (weight 1)
