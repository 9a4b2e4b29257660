"""Train with a derivative generated ahead of time: grad_model.py runs with NumPy alone.

grad_model.py was written by (in this directory)

    adjoint gen model.py:loss --wrt w,b -o grad_model.py

and is committed; `adjoint gen --check grad_model.py` tells whether it is still current.
This script imports neither adjoint nor anything that needs it.
"""
import sys

import numpy as np

from grad_model import grad_loss
from model import loss, predict


def main(steps=200, rate=0.5):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = (X @ np.array([1.5, -2.0, 0.5]) + 0.3 > 0).astype(float)
    w, b = np.zeros(3), 0.0
    for step in range(steps + 1):
        if step % 40 == 0:
            accuracy = np.mean((predict(w, b, X) > 0.5) == y)
            print(f"step {step:3d}: loss {loss(w, b, X, y):.4f}, accuracy {accuracy:.0%}")
        dw, db = grad_loss(w, b, X, y)
        w, b = w - rate * dw, b - rate * db
    print(f"w = {np.round(w, 2)}, b = {b:.2f}; adjoint imported: {'adjoint' in sys.modules}")


if __name__ == "__main__":
    main()
