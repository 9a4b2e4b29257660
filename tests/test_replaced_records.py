"""Methods called on a copy of a record with a field replaced (`q = p._replace(b=v)`,
`q = dataclasses.replace(p, b=v)`): the copy is of the record's class, so its methods are called as
the record's are (normalize/record_methods.py); they were refused as methods of a value known only
when the function runs. Each in every mode against central differences and autograd (the code
written once, over NumPy and over autograd.numpy)."""
import dataclasses
import types
from typing import NamedTuple

import numpy
import pytest

from every_mode import check_every_mode


def model_code(np):
    """The classes and functions, over the NumPy module `np`."""

    @dataclasses.dataclass
    class Spring:
        k: float
        rest: float

        def energy(self, x):
            return 0.5 * self.k * (x - self.rest) ** 2 + np.sin(self.rest * x)

    class Pendulum(NamedTuple):
        length: float
        mass: float

        def energy(self, angle):
            return self.mass * self.length * (1.0 - np.cos(angle)) + 0.1 * self.length ** 2

    def stiffer_spring(k):
        spring = Spring(k, 0.3)
        stiffer = dataclasses.replace(spring, k=k * 2.0)
        moved = dataclasses.replace(stiffer, rest=k * k)  # a copy of a copy
        return spring.energy(1.5) + stiffer.energy(0.7) + moved.energy(0.2)

    def heavier_pendulum(mass):
        pendulum = Pendulum(1.2, mass)
        heavier = pendulum._replace(mass=mass * 3.0)
        return heavier.energy(0.7) * pendulum.energy(1.1)

    def longer_pendulum_argument(pendulum, length):
        longer = pendulum._replace(length=length)
        return longer.energy(0.5) + pendulum.energy(0.3)

    return types.SimpleNamespace(**locals())


N = model_code(numpy)
autograd = pytest.importorskip("autograd")
A = model_code(autograd.numpy)


@pytest.mark.parametrize("name, args, wrt", [("stiffer_spring", (0.7,), 0), ("heavier_pendulum", (0.9,), 0),
                                             ("longer_pendulum_argument", (N.Pendulum(0.8, 1.5), 1.3), 1)],
                         ids=["dataclasses.replace", "_replace", "_replace of an argument"])
def test_methods_of_a_copy_with_a_field_replaced(name, args, wrt):
    peer_args = tuple(A.Pendulum(*a) if isinstance(a, N.Pendulum) else a for a in args)
    check_every_mode(getattr(N, name), args, wrt=wrt,
                     peer=lambda *a: getattr(A, name)(*(peer_args[:wrt] + a[wrt:wrt + 1] + peer_args[wrt + 1:])))
