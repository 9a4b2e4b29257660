"""Newton's method with `adjoint.hessian`: minimise the Rosenbrock function in a handful of steps.

Each step solves H(x) p = -g(x) with the gradient from `adjoint.grad` and the full Hessian
from `adjoint.hessian` (forward mode over reverse mode), and the error shrinks quadratically
near the minimum at (1, 1).
"""
import numpy as np

import adjoint


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


gradient = adjoint.grad(rosenbrock)
hessian = adjoint.hessian(rosenbrock)


def newton(x, steps=12, tolerance=1e-12):
    for step in range(1, steps + 1):
        g = gradient(x)
        x = x - np.linalg.solve(hessian(x), g)
        error = np.linalg.norm(x - 1.0)
        print(f"step {step}: x = {np.array2string(x, precision=10)}, f(x) = {rosenbrock(x):.3e}, "
              f"|x - 1| = {error:.3e}")
        if error < tolerance:
            break
    return x


def main():
    x0 = np.array([-1.2, 1.0])
    print(f"start: x = {x0}, f(x) = {rosenbrock(x0):.3f}")
    print(f"Hessian at the start (by hand: [[1330, 480], [480, 200]]):\n{hessian(x0)}")
    newton(x0)


if __name__ == "__main__":
    main()
