"""A derivative follows the default values of the functions it was generated for: a change of
`__defaults__` or `__kwdefaults__` (of the differentiated function or of a function it calls), of
the defaults a NamedTuple's `__new__` or a dataclass's `__init__` fills in, or of the keywords a functools.partial holds (a
dict, changed in place or given another key) between two calls of the same derived function makes
it generate again (the derivative kept the values it was generated with: a wrong value and
derivative)."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pytest

import adjoint


def scaled(x, k=2.0):
    return np.sum(x * k)


def scaled_by_keyword(x, *, k=2.0):
    return np.sum(x * k)


def helper(x, k=2.0):
    return x * k


def calls_a_helper(x):
    return np.sum(helper(x))


def replace_defaults():
    scaled.__defaults__ = (3.0,)


def change_a_keyword_default():
    scaled_by_keyword.__kwdefaults__["k"] = 3.0


def replace_keyword_defaults():
    scaled_by_keyword.__kwdefaults__ = {"k": 3.0}


def replace_helper_defaults():
    helper.__defaults__ = (3.0,)


class Scales(NamedTuple):
    first: float
    second: float = 2.0


def scaled_by_a_record(x):
    return np.sum(x * Scales(1.0).second)


def replace_the_records_defaults():
    Scales.__new__.__defaults__ = (3.0,)


@dataclass
class Weights:
    first: float
    second: float = 2.0


def scaled_by_a_dataclass(x):
    return np.sum(x * Weights(1.0).second)


def replace_the_dataclasss_defaults():
    Weights.__init__.__defaults__ = (3.0,)


def weighted(x, k, shift=0.0):
    return x * k + shift


WEIGHTED = functools.partial(weighted, k=2.0)
CLIPPED = functools.partial(np.clip, a_min=-1.0, a_max=1.0)


def through_a_partial(x):
    return np.sum(WEIGHTED(x) * x)


def through_a_partial_of_numpy(x):
    return np.sum(CLIPPED(x) * x)


def change_a_partials_keyword():
    WEIGHTED.keywords["k"] = 3.0


def give_a_partial_another_keyword():
    WEIGHTED.keywords["shift"] = 0.5


def change_a_numpy_partials_keyword():
    CLIPPED.keywords["a_max"] = 0.75


TRANSFORMS = {
    "grad": lambda f: adjoint.grad(f),
    "value_and_grad": lambda f: adjoint.value_and_grad(f),
    "jvp": lambda f: lambda x: adjoint.jvp(f)(x, np.ones(3)),
}
CHANGES = [(scaled, replace_defaults), (scaled_by_keyword, change_a_keyword_default),
           (scaled_by_keyword, replace_keyword_defaults), (calls_a_helper, replace_helper_defaults),
           (scaled_by_a_record, replace_the_records_defaults), (scaled_by_a_dataclass, replace_the_dataclasss_defaults),
           (through_a_partial, change_a_partials_keyword),
           (through_a_partial, give_a_partial_another_keyword),
           (through_a_partial_of_numpy, change_a_numpy_partials_keyword)]


@pytest.fixture(autouse=True)
def fresh_defaults():
    yield
    scaled.__defaults__, helper.__defaults__, quadratic.__defaults__ = (2.0,), (2.0,), (2.0,)
    scaled_by_keyword.__kwdefaults__ = {"k": 2.0}
    Scales.__new__.__defaults__ = Weights.__init__.__defaults__ = (2.0,)
    WEIGHTED.keywords.clear()
    WEIGHTED.keywords["k"] = 2.0
    CLIPPED.keywords["a_max"] = 1.0


def differences(f, x, eps=1e-6):
    return np.array([(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in np.eye(len(x))])


def flat(result):
    parts = result if isinstance(result, tuple) else (result,)
    return np.concatenate([np.ravel(np.asarray(part, dtype=float)) for part in parts])


@pytest.mark.parametrize("transform", sorted(TRANSFORMS))
@pytest.mark.parametrize("func, change", CHANGES, ids=lambda v: v.__name__)
def test_a_change_of_defaults_between_calls_is_followed(func, change, transform):
    derived = TRANSFORMS[transform](func)
    x = np.array([0.5, 1.0, 2.0])
    first = derived(x)
    change()
    fresh = TRANSFORMS[transform](func)(x)
    again = derived(x)
    np.testing.assert_allclose(flat(again), flat(fresh), rtol=1e-12)
    assert not np.allclose(flat(first), flat(again))  # the change matters: the stale code would give `first`
    np.testing.assert_allclose(adjoint.grad(func)(x), differences(func, x), rtol=1e-6)


def quadratic(x, k=2.0):
    return x * x * k


def quadratic_helper(x):
    return helper(x) * x


@pytest.mark.parametrize("transform", ["grad", "value_and_grad"])
@pytest.mark.parametrize("func, owner", [(quadratic, quadratic), (quadratic_helper, helper)], ids=["own", "callee"])
def test_the_cached_call_of_numbers_compares_the_defaults(func, owner, transform):
    """With number arguments, the call goes the cached way (backend/dispatch.py), which compares
    the defaults instead of checking every dependency."""
    derived = TRANSFORMS[transform](func)
    first = derived(1.5), derived(1.5)
    owner.__defaults__ = (3.0,)
    changed = derived(1.5), derived(1.5), TRANSFORMS[transform](func)(1.5)
    owner.__defaults__ = (2.0,)
    back = derived(1.5)
    assert first[0] == first[1] == back
    assert changed[0] == changed[1] == changed[2] != first[0]
