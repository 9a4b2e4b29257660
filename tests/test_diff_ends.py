"""np.diff with `prepend` and `append` (the step sizes of a time grid starting at zero, a closed
polygon's edges), written as the differences of the array NumPy joins (normalize/math_forms.py): in
every mode against central differences, the ends differentiated too. The rules of the joined array
are checked with every rule's in test_rules.py (tests/rule_specs.py). They were refused."""
from __future__ import annotations

import numpy as np
import pytest

import adjoint
from every_mode import check_every_mode


def time_steps_energy(t, v):
    """Kinetic energy summed with the steps of a grid that starts at zero."""
    dt = np.diff(t, prepend=0.0)
    return np.sum(0.5 * v ** 2 * dt)


def closed_polygon_length(points):
    edges = np.diff(points, axis=0, append=points[:1])
    return np.sum(np.sqrt(np.sum(edges ** 2, axis=1)))


def curvature_penalty(y, left, right):
    return np.sum(np.diff(y, n=2, prepend=left, append=right) ** 2)


RNG = np.random.default_rng(38)


@pytest.mark.parametrize("func, args, positions", [
    (time_steps_energy, (np.cumsum(0.1 + RNG.random(5)), RNG.normal(size=5)), (0, 1)),
    (closed_polygon_length, (RNG.normal(size=(5, 2)),), (0,)),
    (curvature_penalty, (RNG.normal(size=4), 0.3, RNG.normal(size=2)), (0, 1, 2)),
], ids=lambda value: getattr(value, "__name__", ""))
def test_diff_with_ends_in_every_mode(func, args, positions) -> None:
    for position in positions:
        check_every_mode(func, args, wrt=position)


def axis_from_a_variable(x, axis):
    return np.sum(np.diff(x, axis=axis, prepend=0.0) ** 2)  # refused


def test_an_axis_not_written_as_a_literal_is_refused_at_the_line() -> None:
    with pytest.raises(adjoint.AdjointError) as refused:
        adjoint.grad(axis_from_a_variable)(np.ones((2, 3)), 1)
    assert refused.value.location.lineno == axis_from_a_variable.__code__.co_firstlineno + 1


def ends_out_of_order(x):
    return np.sum(np.diff(x, append=np.max(x), prepend=np.min(x)))  # refused


def test_ends_given_append_first_with_calls_stay_refused_at_the_line() -> None:
    """Python evaluates the `append` end first and the joined array takes the ends in the other
    order: ends that call anything, given so, are left to np.diff's rule, which refuses them."""
    with pytest.raises(adjoint.AdjointError, match="does not accept these arguments") as refused:
        adjoint.grad(ends_out_of_order)(np.array([0.5, 1.5, 4.0]))
    assert refused.value.location.lineno == ends_out_of_order.__code__.co_firstlineno + 1


def test_ends_given_append_first_without_calls_in_every_mode() -> None:
    check_every_mode(lambda_free_order, (np.array([0.5, 1.5, 4.0, 2.0]),))


def lambda_free_order(x):
    return np.sum(np.diff(x, append=x[-1] * 2.0, prepend=x[0]) ** 2)
