"""Quick start: a function, the adjoint code adjoint writes for it, and its gradient."""
import inspect
import math

import adjoint


def f(x, y):
    a = x * y
    b = math.sin(x)
    z = a + b
    return z


def main():
    print("The function:\n")
    print(inspect.getsource(f))
    print("Its adjoint, as adjoint.source(f, wrt=(0, 1), args=(2.0, 3.0)) writes it:\n")
    print(adjoint.source(f, wrt=(0, 1), args=(2.0, 3.0)))
    df = adjoint.grad(f, wrt=(0, 1))
    dx, dy = df(2.0, 3.0)
    print(f"grad f(2.0, 3.0) = ({dx!r}, {dy!r})")
    print(f"by hand: (y + cos(x), x) = ({3.0 + math.cos(2.0)!r}, {2.0!r})")


if __name__ == "__main__":
    main()
