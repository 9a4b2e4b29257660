"""Augmented assignments as Python runs them: on arrays, and on items with a computed index.

What was wrong:
1. `a += b` was differentiated as `a = a + b`, which on an array is not what Python computes. The in-place operation keeps the array's dtype and shape:
- on a float32 array, `a += b` with a float64 `b` rounds the sum to float32; `a + b` did not, so
  value_and_grad and jvp returned another value than the function (and its derivative was that
  of another function);
- on an array of integers, `a += 0.5` or `a /= 2` raises (NumPy casts only within a kind); the
  derived functions returned a float array's results instead, as did `a[0:2] += x` (a view);
- `a += b` where b broadcasts a to a larger shape raises; the derived functions returned the
  larger array's results.
2. `a[f(i)] op= v` computed the index twice, once to read the item and once to write it: a
   callee drawing a random index read one item and wrote another (a wrong value and gradient),
   and a counter in the index counted twice.

What is true now: (1) where `a` may hold an array, the assignment calls a helper computing Python's
in-place value (runtime/in_place.py) with the operator's derivative rules: the same values and
the same errors as the function, in every mode, to second order, and in `adjoint gen` output;
(2) the index's parts are computed once, before the item is read (normalize/augmented.py).
"""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode
from soundness import central_differences, flat

TRANSFORMS = {
    "grad": lambda f: adjoint.grad(f),
    "value_and_grad": lambda f: adjoint.value_and_grad(f),
    "jvp": lambda f: (lambda x: adjoint.jvp(f)(x, np.ones_like(x) if isinstance(x, np.ndarray) else 1.0)),
}


# ----- float32 arrays: the in-place operation rounds to float32 -----------------------------


def float32_accumulated(x):
    a = np.ones(3, dtype=np.float32) / 3
    a += np.float64(0.1) * x
    return float(np.sum(a)) * x


def float32_divided(x):
    a = np.ones(3, dtype=np.float32)
    a /= np.float64(3.0) * x
    return float(np.sum(a)) * x


def float32_weights_updated(w):
    weights = np.full(4, 0.3, dtype=np.float32)
    for step in range(3):
        weights -= 0.1 * w * np.arange(4.0)
    return float(np.sum(weights * weights))


@pytest.mark.parametrize("func, x", [(float32_accumulated, 0.3), (float32_divided, 0.7),
                                     (float32_weights_updated, 0.2)])
def test_a_float32_array_keeps_its_rounding(func, x):
    value = func(x)
    got, _ = adjoint.value_and_grad(func)(x)
    assert got == value and type(got) is type(value)
    primal, _ = adjoint.jvp(func)(x, 1.0)
    assert primal == value


# ----- what NumPy refuses in place, the derived functions raise too -------------------------


def integers_plus_float(x):
    a = np.arange(3)
    a += x
    return np.sum(a * x)


def integers_halved(x):
    a = np.arange(3)
    a /= 2
    return float(np.sum(a)) * x


def integer_view_plus_float(x):
    a = np.arange(4)
    a[0:2] += x
    return float(np.sum(a)) * x


def broadcast_to_a_larger_shape(x):
    a = np.ones(3)
    a += x
    return np.sum(a)


def read_only_view(x):
    a = np.broadcast_to(x, (2, 3))
    a += 1.0
    return np.sum(a)


@pytest.mark.parametrize("transform", sorted(TRANSFORMS))
@pytest.mark.parametrize("func, x, error", [
    (integers_plus_float, 0.5, TypeError), (integers_halved, 0.5, TypeError),
    (integer_view_plus_float, 0.5, TypeError), (broadcast_to_a_larger_shape, np.ones((2, 3)), ValueError),
    (read_only_view, np.ones(3), ValueError),
])
def test_an_in_place_operation_numpy_refuses_raises_as_in_the_function(func, x, error, transform):
    with pytest.raises(error) as plain:
        func(x)
    with pytest.raises(error) as derived:
        TRANSFORMS[transform](func)(x)
    assert str(derived.value) == str(plain.value)


# ----- and where NumPy computes it, the derivatives are exact -------------------------------


def integers_scaled_then_used(x):
    a = np.arange(1, 4)
    a *= 2
    a += 1
    return np.sum(a * x ** 2)


def state_stepped(x):
    position = np.zeros(3)
    velocity = x * 1.0
    for _ in range(4):
        velocity -= 0.1 * position
        position += 0.5 * velocity
    position **= 2
    return np.sum(position)


def zero_dimensional_accumulator(x):
    total = np.array(0.0)
    total += np.sum(x ** 2)
    total *= 3.0
    return float(total) * x[0]


def rotated_in_place(x):
    a = x * 1.0
    a @= np.array([[0.0, 1.0, 0.5], [1.0, 0.0, 0.0], [0.25, 0.0, 1.0]])
    return np.sum(a ** 3)


def view_updated(x):
    a = np.array([1.0, 2.0, 3.0, 4.0]) * x[0]
    a[1:3] *= x[1:3]
    a[::2] -= x[::2] ** 2
    return np.sum(a ** 2)


def integers_scaled_peer(x):
    return np.sum(np.array([3.0, 5.0, 7.0]) * x ** 2)


@pytest.mark.parametrize("func, args, peer", [
    (integers_scaled_then_used, (np.array([0.3, -0.2, 0.7]),), integers_scaled_peer),
    (state_stepped, (np.array([0.3, -0.2, 0.7]),), None),
    (zero_dimensional_accumulator, (np.array([0.3, -0.2, 0.7]),), None),
    (rotated_in_place, (np.array([[0.3, -0.2, 0.7], [0.1, 0.4, -0.5]]),), None),
])
def test_in_place_operations_on_arrays_in_every_mode(func, args, peer):
    check_every_mode(func, args, peer=peer)


def test_in_place_operations_on_views_to_first_order():
    check_every_mode(view_updated, (np.array([0.3, -0.2, 0.7, 1.1]),), second_order=False)  # views: refused at second


def test_the_generated_code_calls_the_helper_only_where_a_may_be_an_array():
    def scalar_sum(x):
        total = 0.0
        for k in range(3):
            total += x * k
        return total

    assert "augmented" not in adjoint.source(scalar_sum, args=(0.5,))
    assert "augmented_sub(velocity" in adjoint.source(state_stepped, args=(np.ones(3),))


def test_a_float32_program_differentiated_matches_central_differences_of_its_float64_twin():
    def twin(w):
        weights = np.full(4, 0.3)
        for step in range(3):
            weights -= 0.1 * w * np.arange(4.0)
        return float(np.sum(weights * weights))

    gradient = adjoint.grad(float32_weights_updated)(0.2)
    np.testing.assert_allclose(flat(gradient), central_differences(twin, (0.2,), 0), rtol=1e-5)


def test_the_numba_backend_keeps_the_array_dtype_and_refuses_what_numpy_refuses():
    pytest.importorskip("numba")

    def float32_scaled(x):
        a = np.ones(3, dtype=np.float32)
        a += x * 0.1
        a *= x
        return np.sum(a * a)

    x = np.array([0.3, -0.2, 0.7])
    compiled = adjoint.value_and_grad(float32_scaled, backend="numba")(x)
    plain = adjoint.value_and_grad(float32_scaled)(x)
    assert compiled[0] == plain[0] == float32_scaled(x)
    np.testing.assert_allclose(compiled[1], plain[1], rtol=1e-6)
    with pytest.raises(adjoint.AdjointError, match="augmented_add"):
        adjoint.grad(integers_plus_float, backend="numba")(x)


# ----- the index of an item updated in place is computed once --------------------------------

CALLS = []


def counted(i):
    CALLS.append(i)
    return i % 3


def counted_index(x):
    a = np.zeros(3)
    for i in range(4):
        a[counted(i)] += x * i
    return np.sum(a * a)


def random_index(x):
    draws = np.random.default_rng(1)
    a = np.zeros(5)
    a[draws.integers(0, 5)] += x
    a[draws.integers(0, 5)] *= x
    return np.sum(a * x)


def random_rows_and_bounds(x):
    draws = np.random.default_rng(3)
    grid = [0.0, 0.0, 0.0]
    grid[int(draws.integers(0, 3))] += x
    a = np.zeros(6)
    a[int(draws.integers(0, 2)):int(draws.integers(3, 6))] += x ** 2
    b = np.ones((2, 3))
    b[int(draws.integers(0, 2)), int(draws.integers(0, 3))] -= x
    return sum(grid) * x + np.sum(a) + np.sum(b * b) * x


@pytest.mark.parametrize("func, second_order", [(random_index, False), (random_rows_and_bounds, True)])
def test_an_index_drawn_at_random_is_drawn_once(func, second_order):
    check_every_mode(func, (0.7,), second_order=second_order)  # an item at a NumPy integer: refused at second


def test_a_counter_in_the_index_counts_once_a_call():
    CALLS.clear()
    expected = counted_index(0.5)
    once = list(CALLS)
    for transform in (adjoint.grad, adjoint.value_and_grad):
        CALLS.clear()
        transform(counted_index)(0.5)
        assert CALLS == once
    assert adjoint.value_and_grad(counted_index)(0.5)[0] == expected
