"""Arguments sharing memory through a view, which the soundness cases' deep copies of the
arguments cannot keep (see tests/soundness_shared_arguments.py for the rest)."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from soundness import marked_line
from soundness_shared_arguments import doubles_one_argument


@pytest.mark.parametrize("transform", [adjoint.grad, adjoint.value_and_grad,
                                       lambda f: lambda x, y: adjoint.jvp(f)(x, y, np.ones(2))])
def test_an_argument_written_in_place_and_a_view_of_it_are_refused(transform):
    base = np.array([1.0, 2.0, 3.0])
    with pytest.raises(adjoint.AdjointError) as info:
        transform(doubles_one_argument)(base[:2], base[1:])
    assert info.value.lineno == marked_line(doubles_one_argument, "argument-written")
    np.testing.assert_array_equal(base, [1.0, 2.0, 3.0])  # refused before anything was written


def test_views_of_one_array_that_do_not_overlap_are_apart():
    base = np.array([1.0, 2.0, 3.0, 4.0])
    x, y = base[:2], base[2:]
    gradient = adjoint.grad(doubles_one_argument, wrt=1)(x, y)
    np.testing.assert_allclose(gradient, 4.0 * np.array([1.0, 2.0]) ** 2)
