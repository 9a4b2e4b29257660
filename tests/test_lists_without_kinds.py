"""Lists in derivative code generated without example arguments (adjoint.source(f), adjoint gen):
the code cannot tell `[a] + [b]` from arithmetic, so it stops with a clear error instead of
broadcasting; and the normalizer records the in-place list and array writes it rewrites."""
from __future__ import annotations

import numpy as np
import pytest

from adjoint import runtime
from adjoint.api import derivative_of
from adjoint.options import Options
from adjoint.pipeline import normalize


def joined(xs, ys):
    zs = xs + ys
    return zs[0] + 10.0 * zs[1]


def repeated(x, n):
    parts = [x] * n
    return parts[0] + 2.0 * parts[1]


def shared(xs):
    a = xs
    b = xs
    return a[0] * 2.0 + b[1] * 3.0


def slice_store(xs, v):
    xs[0:1] = [v, v]
    return xs[1]


def extended(x):
    parts = [x]
    parts.extend([x * x])
    return parts[1]


def scattered(x):
    y = np.zeros(2)
    np.add.at(y, [0, 0], x)
    np.subtract.at(y, [1], x)
    return y[0]


def _unspecialized(func, wrt):
    return derivative_of(func, Options("reverse", wrt, True, None)).function


def test_lists_joined_by_plus_stop_with_a_clear_error():
    with pytest.raises(runtime.ContainerArithmeticError, match="lists"):
        _unspecialized(joined, ("xs", "ys"))([1.0], [2.0])


def test_a_list_read_through_two_aliases_adds_its_adjoints_item_by_item():
    # the whole adjoints of a and b are passed on to xs: added item by item, not joined by `+`
    assert _unspecialized(shared, ("xs",))([1.0, 2.0]) == [2.0, 3.0]


def test_a_list_repeated_by_an_unknown_count_stops_with_a_clear_error():
    with pytest.raises(runtime.ContainerArithmeticError):
        _unspecialized(repeated, ("x",))(1.0, 2)


def test_slice_assignment_to_a_list_stops_with_a_clear_error():
    with pytest.raises(runtime.ListSliceStoreError):
        _unspecialized(slice_store, ("v",))([1.0, 2.0], 3.0)


@pytest.mark.parametrize("func, written", [(extended, ["parts"]), (scattered, ["y", "y"])], ids=["extend", "ufunc-at"])
def test_rewritten_in_place_writes_are_recorded(func, written):
    parsed, _ = normalize(func)
    assert [name for name, _ in parsed.in_place] == written


def joined_in_front(ys, xs):
    zs = ys + xs
    return zs[0] * 3.0 + xs[0]


def test_forward_mode_of_lists_joined_by_plus_stops_with_a_clear_error():
    jvp = derivative_of(joined_in_front, Options("forward", ("xs",), True, None)).function
    with pytest.raises(runtime.ContainerArithmeticError):
        jvp([1.0], [2.0], dxs=[1.0])
