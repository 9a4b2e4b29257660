"""Records made by their own methods (`p = p.step(dt)`, `ps = [p.step(dt) for p in ps]`, in a loop):
the class a method returns is read from its annotation or from its returns (`return P(...)`,
`self._replace(...)`, `dataclasses.replace(self, ...)`), so the result's methods are called as
the record's are (normalize/record_classes.py); they were refused as methods of a value known
only when the function runs. First order in every mode against central differences and
autograd (the code written once, over NumPy and over autograd.numpy), and second order
(hvp against differences of gradients and autograd) except through loops that build lists,
where second derivatives are refused, not wrong."""
import dataclasses
import types
from typing import NamedTuple

import numpy
import pytest

import adjoint
from every_mode import check_every_mode


@dataclasses.dataclass
class Annotated:
    """Its method builds the result through a helper: the annotation says what it returns."""

    x: float

    def step(self, k) -> "Annotated":
        return made(self.x * (1.0 - k * self.x * self.x))


def made(x):
    return Annotated(x)


def model_code(np):
    """The classes and functions, over the NumPy module `np`."""

    class Particle(NamedTuple):
        x: float
        v: float

        def step(self, k, dt):
            return Particle(self.x + dt * self.v, self.v - dt * k * np.sin(self.x))

        def energy(self, k):
            return 0.5 * self.v ** 2 + k * (1.0 - np.cos(self.x))

    class Replaced(NamedTuple):
        x: float
        v: float

        def step(self, k, dt):
            if self.x > 10.0:
                return self
            return self._replace(x=self.x + dt * self.v, v=self.v - dt * k * self.x)

    @dataclasses.dataclass
    class Body:
        x: float
        v: float

        def step(self, k, dt):
            return dataclasses.replace(self, x=self.x + dt * self.v, v=self.v - dt * k * self.x ** 3)

    def advance(p, k):
        return p.step(k, 0.05)

    def kicked(k, x0):
        p = Particle(x0, 0.0)
        for _ in range(10):
            p = advance(p, k)  # a helper returning what the record's method returns
        return p.energy(k)

    def one_particle(k, x0):
        p = Particle(x0, 0.0)
        for _ in range(20):
            p = p.step(k, 0.05)
        return p.energy(k)

    def particles(k, x0):
        ps = [Particle(x0, 0.0), Particle(2.0 * x0, 1.0), Particle(-x0, 0.5)]
        for _ in range(10):
            ps = [p.step(k, 0.1) for p in ps]
        return sum(p.energy(k) for p in ps)

    def replaced(k, x0):
        ps = [Replaced(x0, 0.0), Replaced(1.0, x0)]
        for _ in range(8):
            ps = [p.step(k, 0.1) for p in ps]
        return sum(p.x * p.v for p in ps)

    def bodies(k, x0):
        body = Body(x0, 0.2)
        for _ in range(6):
            body = body.step(k, 0.1)
        return body.x + body.v ** 2

    def annotated(k, x0):
        state = Annotated(x0)
        for _ in range(3):
            state = state.step(k)
        return state.x

    return types.SimpleNamespace(**locals())


N = model_code(numpy)
autograd = pytest.importorskip("autograd")
A = model_code(autograd.numpy)


LISTS_IN_LOOPS = ("particles", "replaced")  # loops building lists: second derivatives refused


@pytest.mark.parametrize("name", ["one_particle", "kicked", "particles", "replaced", "bodies", "annotated"])
@pytest.mark.parametrize("wrt", [0, 1], ids=["k", "x0"])
def test_records_made_by_their_methods_in_a_loop(name, wrt):
    check_every_mode(getattr(N, name), (1.3, 0.7), wrt=wrt, peer=getattr(A, name),
                     second_order=name not in LISTS_IN_LOOPS)


def mixed_code():
    class Left(NamedTuple):
        x: float

        def step(self):
            return Left(self.x * 2.0) if self.x < 1.0 else Right(self.x)

        def size(self):
            return self.x

    class Right(NamedTuple):
        x: float

        def size(self):
            return -self.x

    def mixed(x):
        p = Left(x)
        for _ in range(3):
            p = p.step()
        return p.size()

    return mixed


def test_a_method_returning_records_of_two_classes_is_refused_at_the_call():
    mixed = mixed_code()
    with pytest.raises(adjoint.AdjointError) as info:
        adjoint.grad(mixed)(0.3)
    assert info.value.filename == __file__ and "p.step()" in str(info.value), str(info.value)
