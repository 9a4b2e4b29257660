"""`.copy()` of lists, dicts and arrays, as users write it, in every mode.

What was wrong:
- `xs.copy()` of a list (or a dict) was differentiated as np.copy(xs), an array: `ys + [1.0]`
  then added 1.0 to each item instead of joining the lists, and `ys * 2` doubled the items
  instead of repeating them, so the derived function returned another value than the function
  (`(ys + [1.0])[0] * xs[0]` gave 0.39 where it is 0.09, with its gradient) and its derivative;
  `ys.append(...)` failed with an AttributeError inside the derivative, a dict's `.copy()` with an
  IndexError. `x.copy()` is the object's own copy (an array's, a list's, a dict's, shallow as
  Python makes it), differentiated item by item; an item of a global array keeps np.copy.
"""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode

X4 = np.array([0.5, -0.4, 1.1, 0.2])
W = np.array([[0.3, -0.2], [0.7, 0.1]])


def copied_list_joined(xs):
    ys = xs.copy()
    return (ys + [1.0])[0] * xs[0] + (ys + [2.0])[-1]


def copied_list_repeated(xs):
    ys = xs.copy()
    zs = ys * 2
    return sum(v * (k + 1) for k, v in enumerate(zs)) + len(zs) * xs[1]


def copied_list_appended_to(xs):
    ys = xs.copy()
    ys.append(xs[0] * 2.0)
    return sum(ys) * len(ys)


def copied_list_written(xs):
    ys = xs.copy()
    ys[0] = xs[1] * 3.0
    return ys[0] * ys[1] + sum(xs)


def copied_dict(p):
    q = p.copy()
    return q["a"] * 2.0 + q["b"] ** 2


def copied_array_written(x):
    y = x.copy()
    y[1:3] = y[1:3] * 2.0
    return np.sum(y ** 2 * x)


def copied_row_of_a_global(x):
    row = W[0].copy()
    row[1] = x[0]
    return np.sum(row * x[:2])


@pytest.mark.parametrize("func", [copied_list_joined, copied_list_repeated, copied_list_appended_to,
                                  copied_list_written], ids=lambda f: f.__name__)
def test_the_copy_of_a_list_in_every_mode(func):
    xs = [0.3, -0.7, 0.5]
    assert adjoint.value_and_grad(func)(list(xs))[0] == func(list(xs))
    check_every_mode(func, (xs,))


def test_the_value_of_a_copied_list_joined():
    xs = [0.3, -0.7]
    value, gradient = adjoint.value_and_grad(copied_list_joined)(xs)
    assert value == pytest.approx(0.3 * 0.3 + 2.0)
    np.testing.assert_allclose(gradient, [0.6, 0.0])


def test_the_copy_of_a_dict_in_every_mode():
    check_every_mode(copied_dict, ({"a": 0.4, "b": -0.3},))


@pytest.mark.parametrize("func", [copied_array_written, copied_row_of_a_global], ids=lambda f: f.__name__)
def test_the_copy_of_an_array_in_every_mode(func):
    check_every_mode(func, (X4,))


def test_the_copy_of_a_numpy_scalar_stays_a_scalar():
    def cubed_copy(x):
        s = np.sum(x * x)
        t = s.copy()
        return t * s

    value, gradient = adjoint.value_and_grad(cubed_copy)(X4)
    assert type(value) is type(cubed_copy(X4)) and value == cubed_copy(X4)
    np.testing.assert_allclose(gradient, 4.0 * np.sum(X4 * X4) * X4)
