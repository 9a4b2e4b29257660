"""`xs.sort(...)` of a local list (normalize/python_forms.py: `xs = sorted(xs, ...)`, a write in place)
and `sorted(..., key=..., reverse=True)`: exact in every mode and to second order; a list another
name holds, read after the sort, stays refused at its line."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode


def sorted_in_place(x, y):
    ys = [x, y, x * y]
    ys.sort()
    return ys[0] * 2.0 + ys[2] * ys[1]


def sorted_in_place_by_key(x, y):
    ys = [x, y, x * y, 1.0]
    ys.sort(key=lambda t: (t - 1.0) ** 2, reverse=True)
    return ys[0] * 2.0 + ys[1] - ys[3] * ys[2]


def sorted_in_a_loop(x):
    ys = [x, 2.0 - x, x * x, 0.5]
    total = 0.0
    for k in range(3):
        ys.sort(reverse=k % 2 == 0)
        total = total + ys[0] * (k + 1.0) + ys[1]
        ys = [ys[0] * x, ys[1], ys[2] + x, ys[3] - x]
    return total


def sorted_by_key_reversed(x, y):
    ranked = sorted([x, y * y, x * y, -y], key=lambda t: abs(t), reverse=True)
    return ranked[0] * 3.0 + ranked[1] * ranked[3]


def sorted_parameter(xs, w):
    xs.sort()
    return xs[0] * w + xs[-1] * xs[1]


CASES = [
    (sorted_in_place, (1.5, 0.5), 0),
    (sorted_in_place, (1.5, 0.5), 1),
    (sorted_in_place_by_key, (1.7, 0.4), 0),
    (sorted_in_place_by_key, (1.7, 0.4), 1),
    (sorted_in_a_loop, (0.8,), 0),
    (sorted_by_key_reversed, (1.7, -0.6), 0),
    (sorted_by_key_reversed, (1.7, -0.6), 1),
    (sorted_parameter, ([1.5, 0.5, -0.3], 0.7), 0),
]


@pytest.mark.parametrize("func, args, wrt", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_sorting(func, args, wrt):
    peer = None if isinstance(args[wrt], list) else func  # autograd's boxed list has no sort()
    check_every_mode(func, args, wrt=wrt, peer=peer)


def test_a_sorted_parameter_list_is_not_changed_by_the_derivative():
    xs = [1.5, 0.5, -0.3]
    adjoint.grad(sorted_parameter)(xs, 0.7)
    adjoint.jvp(sorted_parameter)(xs, 0.7, [1.0, 0.0, 0.0])
    assert xs == [1.5, 0.5, -0.3]


def sorted_while_another_name_holds_it(x, y):
    ys = [x, y]
    zs = ys
    ys.sort()  # <- shared
    return zs[0] * 3.0


def test_sorting_a_list_another_name_reads_is_refused_at_its_line():
    lines, first = inspect.getsourcelines(sorted_while_another_name_holds_it)
    line = first + next(i for i, text in enumerate(lines) if "# <- shared" in text)
    with pytest.raises(adjoint.UnsupportedSyntaxError, match="in place") as caught:
        adjoint.grad(sorted_while_another_name_holds_it)(0.5, 1.5)
    assert f"test_sort_in_place.py:{line}" in str(caught.value)


def array_parameter_sorted_in_place(a):
    a.sort()  # <- array-parameter
    return np.sum(a * np.array([1.0, 2.0, 3.0]))


@pytest.mark.parametrize("func, label", [(array_parameter_sorted_in_place, "array-parameter")])
def test_an_array_parameter_sorted_in_place_is_refused_at_its_line(func, label):
    lines, first = inspect.getsourcelines(func)
    line = first + next(i for i, text in enumerate(lines) if f"# <- {label}" in text)
    with pytest.raises(adjoint.UnsupportedSyntaxError, match="in place") as caught:
        adjoint.grad(func)(np.array([1.0, 3.0, 0.5]))
    assert f"test_sort_in_place.py:{line}" in str(caught.value)


def test_a_parameter_of_no_known_kind_is_checked_when_it_runs():
    source = adjoint.source(array_parameter_sorted_in_place)
    assert "list_or_refuse" in source
