"""A called function that writes into its argument or a global through a NumPy call given where
to write (`np.clip(W, a, b, out=W)`, a ufunc's `out=`) changes what its caller holds: the caller
is refused at the call's line. Before, the write went unseen (the callee returns nothing, so no
derivative of it is made) and the gradient was silently wrong."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import adjoint

W = np.array([0.05, -0.3, 0.2, 0.08])


def clip_in_place(V):
    np.clip(V, -0.1, 0.1, out=V)


def clipped_then_read(W):
    V = W * 1.0
    clip_in_place(V)  # <- clip
    return np.sum(V * W)


def scale_into(a, out):
    np.multiply(a, 2.0, out=out)


def scaled_then_read(W):
    V = np.zeros_like(W)
    scale_into(W, V)  # <- scale
    return np.sum(V * W)


def fill_diagonal_of(M):
    np.fill_diagonal(M, 0.0)


def diagonal_cleared(x):
    M = np.outer(x, x)
    fill_diagonal_of(M)  # <- fill
    return np.sum(M * 2.0)


@pytest.mark.parametrize("func, label", [(clipped_then_read, "clip"), (scaled_then_read, "scale"),
                                         (diagonal_cleared, "fill")])
def test_a_callee_writing_into_its_argument_through_numpy_is_refused_at_the_call(func, label):
    lines, first = inspect.getsourcelines(func)
    line = first + next(i for i, text in enumerate(lines) if f"# <- {label}" in text)
    for transform in (adjoint.grad, adjoint.jvp):
        with pytest.raises(adjoint.UnsupportedSyntaxError, match="changes an argument in place") as caught:
            derived = transform(func)
            derived(W) if transform is adjoint.grad else derived(W, np.ones(4))
        assert caught.value.lineno == line, str(caught.value)
    before = W.copy()
    func(W)
    np.testing.assert_array_equal(W, before)  # (the plain function leaves its argument as it was)


BUFFER = np.zeros(4)


def fill_buffer(x):
    np.multiply(x, 2.0, out=BUFFER)


def buffer_filled_then_read(x):
    fill_buffer(x)  # <- buffer
    return np.sum(BUFFER * x)


def test_a_callee_writing_into_a_global_through_numpy_is_refused_at_the_call():
    # the global changed in place went unseen: a silently wrong gradient (half the true one)
    lines, first = inspect.getsourcelines(buffer_filled_then_read)
    with pytest.raises(adjoint.UnsupportedSyntaxError, match="changes `BUFFER`") as caught:
        adjoint.grad(buffer_filled_then_read)(W)
    assert caught.value.lineno == first + 1, str(caught.value)
