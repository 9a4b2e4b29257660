"""The shape of the standard draws a random draw with parameters scales and shifts
(normalize/random_draws.py), with NumPy's checks of those parameters."""
from __future__ import annotations

import numpy as np

__all__ = ["draws_shape"]


def draws_shape(distribution, size, *parameters):
    """The `size` to ask the standard draws of, for `<generator>.<distribution>(*parameters,
    size=size)`: `size` where given (the parameters must broadcast to it), else the parameters'
    broadcast shape (None where they are numbers: one draw, a float). Raises what NumPy raises for
    a negative scale, a range that is not finite and parameters that do not fit `size`."""
    if distribution in ("normal", "exponential") and np.any(np.less(parameters[-1], 0)):
        raise ValueError("scale < 0")
    if distribution == "uniform" and not np.all(np.isfinite(np.subtract(parameters[1], parameters[0]))):
        raise OverflowError("high - low range exceeds valid bounds")
    shapes = [np.shape(parameter) for parameter in parameters]
    if size is None:
        return np.broadcast_shapes(*shapes) or None
    shape = (int(size),) if np.ndim(size) == 0 else tuple(int(length) for length in size)
    if np.broadcast_shapes(shape, *shapes) != shape:
        raise ValueError("shape mismatch: objects cannot be broadcast to a single shape")
    return shape
