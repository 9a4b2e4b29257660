"""A derivative follows what a method call resolved to when it was generated: the global
object it is called on (`MODEL.run(x)`, `APP.model.run(x)`), the method in the object's class,
one the instance is given, a module's function (`stale_module.potential`, replaced as
mock.patch does), the tuple a function was picked from (`TABLE[0](x)`, `APP.table[0](x)`), or a
staticmethod or classmethod called through an instance or its class (`MODEL.scaled(x)`,
`Quadratic.double(x)`), or the `__call__` method of an object called like a function. Rebinding any of them between two calls of the same derived function makes
it generate again (every derived function used to keep calling the code made for the first
object: a wrong value and derivative)."""
from __future__ import annotations

import sys

import numpy as np
import pytest

import adjoint

import stale_module


class Quadratic:
    def __init__(self, a):
        self.a = a

    def run(self, x):
        return self.a * x * x

    @staticmethod
    def double(x):
        return 2.0 * x * x

    @classmethod
    def scaled(cls, x):
        return 3.0 * x * x


class Other(Quadratic):
    @staticmethod
    def double(x):
        return 5.0 * x ** 3

    @classmethod
    def scaled(cls, x):
        return 6.0 * x ** 3


class Holder:
    def __init__(self, model):
        self.model = model
        self.table = (square,)


def square(x):
    return 2.0 * x * x


def cube(x):
    return 7.0 * x ** 3


MODEL = Quadratic(2.0)
APP = Holder(Quadratic(2.0))
TABLE = (square, cube)


def through_global(x):
    return MODEL.run(x)


def through_attribute(x):
    return APP.model.run(x) + x


def through_tuple(x):
    return TABLE[0](x)


def through_attribute_tuple(x):
    return APP.table[0](x) + x


def through_staticmethod(x):
    return MODEL.double(x)


def through_classmethod(x):
    return MODEL.scaled(x)


def through_class(x):
    return Quadratic.double(x)


class Kernel:
    def __init__(self, scale):
        self.scale = scale

    def __call__(self, x):
        return self.scale * x * x


KERNEL = Kernel(2.0)
KERNELS = (Kernel(2.0),)


def through_callable_object(x):
    return KERNEL(x)


def through_callable_in_a_tuple(x):
    return KERNELS[0](x) + x


def through_module(x):
    return stale_module.potential(x) * 2.0


def cubic(self, x):
    return self.a * x * x * x


TRANSFORMS = {
    "grad": lambda f: adjoint.grad(f),
    "value_and_grad": lambda f: adjoint.value_and_grad(f),
    "jvp": lambda f: lambda x: adjoint.jvp(f)(x, 1.0),
    "hvp": lambda f: lambda x: adjoint.hvp(f)(x, 1.0),
}


def rebind_global():
    sys.modules[__name__].MODEL = Quadratic(7.0)


def rebind_attribute():
    APP.model = Quadratic(7.0)


def replace_method():
    Quadratic.run = cubic


def give_instance_method():
    MODEL.run = lambda x: 7.0 * x ** 3


def rebind_tuple():
    sys.modules[__name__].TABLE = (cube, square)


def rebind_attribute_tuple():
    APP.table = (cube,)


def rebind_to_subclass():
    sys.modules[__name__].MODEL = Other(2.0)


def replace_staticmethod():
    Quadratic.double = staticmethod(lambda x: 7.0 * x ** 3)


def replace_call_method():
    Kernel.__call__ = lambda self, x: self.scale * x ** 3


def patch_module():
    stale_module.potential = lambda x: x * x * x


CHANGES = [(through_module, patch_module), (through_global, rebind_global), (through_attribute, rebind_attribute),
           (through_global, replace_method),
           (through_attribute, replace_method), (through_global, give_instance_method),
           (through_tuple, rebind_tuple), (through_attribute_tuple, rebind_attribute_tuple),
           (through_staticmethod, rebind_to_subclass), (through_classmethod, rebind_to_subclass),
           (through_class, replace_staticmethod), (through_staticmethod, replace_staticmethod),
           (through_callable_object, replace_call_method), (through_callable_in_a_tuple, replace_call_method)]


@pytest.fixture(autouse=True)
def fresh_bindings():
    module = sys.modules[__name__]
    run, double, call, potential = Quadratic.run, vars(Quadratic)["double"], Kernel.__call__, stale_module.potential
    module.MODEL, module.APP, module.TABLE = Quadratic(2.0), Holder(Quadratic(2.0)), (square, cube)
    yield
    Quadratic.run, Quadratic.double, Kernel.__call__, stale_module.potential = run, double, call, potential


def difference(f, x, eps=1e-6):
    return (f(x + eps) - f(x - eps)) / (2 * eps)


@pytest.mark.parametrize("transform", sorted(TRANSFORMS))
@pytest.mark.parametrize("func, change", CHANGES, ids=lambda v: v.__name__)
def test_a_rebinding_between_calls_is_followed(func, change, transform):
    derived = TRANSFORMS[transform](func)
    x = 1.3
    first = derived(x)
    change()
    fresh = TRANSFORMS[transform](func)(x)
    again = derived(x)
    np.testing.assert_allclose(again, fresh, rtol=1e-12)
    assert not np.allclose(first, again)  # the change matters: the stale code would give `first`
    gradient = adjoint.grad(func)(x)
    np.testing.assert_allclose(gradient, difference(func, x), rtol=1e-6)
