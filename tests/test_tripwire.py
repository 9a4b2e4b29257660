"""The tripwire (SPEC §8): a differentiated parameter that is read but whose gradient is zero by
construction gets an adjoint.AdjointWarning naming it and the line; deliberate zeros do not."""
from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

import adjoint
from adjoint.backend import cache


def scaled_by_length(x, n):
    k = len(n)  # <- length
    return x * k


def step(x):
    return 1.0 if x > 0 else 2.0  # <- comparison


def stopped(x, y):
    return x * adjoint.stop_gradient(y)


def unused(x, y):
    return x * 2.0


def _compare(a, b):
    return a * 2.0 if b > 0 else a


def through_callee(x, y):
    return _compare(x, y) + y


def make_step():
    def fresh_step(x):
        return 1.0 if x > 0 else 2.0
    return fresh_step


def make_length_function():
    def shape_only(x, n):
        return x * n.shape[0]  # <- shape
    return shape_only


def _line(fn, marker: str) -> int:
    lines, first = inspect.getsourcelines(fn)
    return next(first + i for i, line in enumerate(lines) if line.rstrip().endswith(f"# <- {marker}"))


def _adjoint_warnings(record):
    return [w for w in record if issubclass(w.category, adjoint.AdjointWarning)]


def test_adjoint_warning_is_a_user_warning():
    assert issubclass(adjoint.AdjointWarning, UserWarning)


def test_a_parameter_read_only_for_its_length_is_reported_with_its_line():
    with pytest.warns(adjoint.AdjointWarning, match="`n`") as record:
        gradient = adjoint.grad(scaled_by_length, wrt=(0, 1))(2.0, np.ones(3))
    assert gradient[1].tolist() == [0.0, 0.0, 0.0]
    (warning,) = _adjoint_warnings(record)
    assert warning.filename == inspect.getsourcefile(scaled_by_length)
    assert warning.lineno == _line(scaled_by_length, "length")


@pytest.mark.parametrize("transform", [adjoint.grad, adjoint.value_and_grad, adjoint.vjp, adjoint.jvp])
def test_a_parameter_read_only_in_a_comparison_is_reported_in_every_mode(transform):
    derived = transform(step)
    with pytest.warns(adjoint.AdjointWarning, match="`x`") as record:
        derived(0.5, 1.0) if transform is adjoint.jvp else derived(0.5)
    assert [w.lineno for w in _adjoint_warnings(record)] == [_line(step, "comparison")]


def test_deliberate_and_absent_reads_and_callees_parameters_are_not_reported():
    with warnings.catch_warnings():
        warnings.simplefilter("error", adjoint.AdjointWarning)
        assert adjoint.grad(stopped, wrt=(0, 1))(2.0, 3.0) == (3.0, 0.0)
        assert adjoint.grad(unused, wrt=(0, 1))(2.0, 3.0) == (2.0, 0.0)
        assert adjoint.grad(through_callee, wrt=(0, 1))(2.0, 3.0) == (2.0, 1.0)


def test_once_per_generation_and_silenced_by_a_filter():
    derived = adjoint.grad(make_step())
    with pytest.warns(adjoint.AdjointWarning):
        derived(0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", adjoint.AdjointWarning)
        derived(-0.5)  # the same generated code: no second warning
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("ignore", adjoint.AdjointWarning)
        adjoint.grad(make_step())(0.5)
    assert not _adjoint_warnings(record)


def test_a_derivative_served_from_the_disk_cache_still_warns(cache_dir):
    with pytest.warns(adjoint.AdjointWarning):
        adjoint.grad(make_length_function(), wrt=1)(2.0, np.ones(2))
    hits = cache.STATISTICS["hits"]
    with pytest.warns(adjoint.AdjointWarning, match="`n`") as record:
        adjoint.grad(make_length_function(), wrt=1)(2.0, np.ones(2))
    assert cache.STATISTICS["hits"] == hits + 1
    assert [w.lineno for w in _adjoint_warnings(record)] == [_line(make_length_function, "shape")]
