"""Objects whose class gives `__module__` as a descriptor, not a string: Cython's functions (some
NumPy builds make `np.random.default_rng` one) hold their module as a slot of each function, so
`type(f).__module__` is a member descriptor. adjoint asks the module of a callee's class where it
looks for SciPy's distributions and names callees; a differentiated function calling such an
object was a crash (AttributeError) on those builds."""
from __future__ import annotations

import numpy as np
import adjoint
from adjoint.frontend.names import class_module, is_distribution, is_frozen_distribution
from adjoint.frontend.resolve import qualified_name


class _SlotModule:
    """A callable whose class gives `__module__` as a descriptor, as Cython's functions' class does."""

    def __init__(self, func):
        self._module = func.__module__
        self.__name__ = self.__qualname__ = func.__name__
        self._func = func

    def __call__(self, *args, **kwargs):
        return self._func(*args, **kwargs)


_SlotModule.__module__ = property(lambda self: self._module)


def _seeded_generator(seed):
    return np.random.default_rng(seed)


def _tanh(x):
    return np.tanh(x)


SLOTTED_RNG = _SlotModule(_seeded_generator)
SLOTTED_TANH = _SlotModule(_tanh)


def test_the_class_gives_a_descriptor_for_its_module():
    assert not isinstance(type(SLOTTED_RNG).__module__, str) and SLOTTED_RNG.__module__ == __name__
    assert class_module(SLOTTED_RNG) == ""
    assert class_module(np.float64(1.0)) == "numpy"


def test_such_an_object_is_no_distribution():
    assert not is_distribution(SLOTTED_RNG) and not is_frozen_distribution(SLOTTED_RNG)


def test_such_an_object_is_named_by_its_own_module():
    assert qualified_name(SLOTTED_RNG) == f"{__name__}._seeded_generator"


def draws_through_a_slotted_factory(x):
    rng = SLOTTED_RNG(0)
    return np.sum(x * rng.normal(size=3))


def test_a_function_calling_one_is_differentiated():
    x = np.array([0.3, -1.2, 0.7])
    gradient = adjoint.grad(draws_through_a_slotted_factory)(x)
    np.testing.assert_array_equal(gradient, np.random.default_rng(0).normal(size=3))


def calls_a_slotted_function(x):
    return np.sum(SLOTTED_TANH(x))


def test_a_function_calling_its_call_method_is_differentiated():
    x = np.array([0.3, -1.2])
    np.testing.assert_allclose(adjoint.grad(calls_a_slotted_function)(x), 1.0 - np.tanh(x) ** 2, rtol=1e-12)
