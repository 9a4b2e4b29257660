"""Every catalogue function's derivative, written to the disk cache and read back from it.

The test suite runs with the disk cache off (conftest.py); this file turns it on and checks, for
each catalogue case in reverse and in forward mode, that the entry written for the derivative
gives it back whole: the same source, and a function that returns the same values as the one
generated.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest

import adjoint
from adjoint.backend import cache, dispatch
from catalogue import CASES, Case

MODES = ("grad", "jvp")


class Recorded:
    """generate_cached as the API calls it, remembering each root's (func, options, result)."""

    def __init__(self, original):
        self.original, self.calls = original, []

    def __call__(self, func, options, generate):
        generated = self.original(func, options, generate)
        self.calls.append((func, options, generated))
        return generated


def refuse_to_generate(func, options):
    raise AssertionError(f"{func.__name__} was generated again; its entry should have been read")


def called(function, case: Case, mode: str, args: tuple):
    """function (the derived one, or a generated one) called as the API calls it: jvp's generated
    function takes the tangents by name."""
    args = copy.deepcopy(args)
    if mode == "grad":
        return function(*args)
    tangents = [np.ones_like(args[p]) if isinstance(args[p], np.ndarray) else 1.0 for p in case.positions]
    if isinstance(function, adjoint.api.Derived):
        return function(*args, *tangents)
    return function(*args, **dict(zip(dispatch.tangent_keywords(function, len(tangents)), tangents)))


def assert_same_values(got, expected) -> None:
    if isinstance(expected, (tuple, list)):
        assert type(got) is type(expected) and len(got) == len(expected)
        for item, expected_item in zip(got, expected):
            assert_same_values(item, expected_item)
    else:
        assert type(got) is type(expected)
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in CASES])
def test_the_derivative_read_back_from_the_disk_cache_is_the_one_generated(case, mode, cache_dir, monkeypatch, rng):
    args = case.make_args(rng)
    adjoint.api._GENERATED.pop(case.fn, None)  # another case of the same function may have generated it
    recorded = Recorded(cache.generate_cached)
    monkeypatch.setattr(cache, "generate_cached", recorded)
    derived = adjoint.grad(case.fn, wrt=case.wrt) if mode == "grad" else adjoint.jvp(case.fn, wrt=case.wrt)
    called(derived, case, mode, args)
    assert recorded.calls, "the derivative did not go through the disk cache"
    func, options, generated = recorded.calls[0]
    cache.cache_key(func, options)  # every catalogue function is described (NotCacheable otherwise)
    assert list(cache_dir.glob("*.json")), "no entry was written"
    loaded = recorded.original(func, options, refuse_to_generate)
    assert loaded.source == generated.source
    assert_same_values(called(loaded.function, case, mode, args), called(generated.function, case, mode, args))

