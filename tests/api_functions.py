"""Functions the API tests differentiate (they need real source files)."""
import math

import numpy as np

import adjoint


def poly(x, y, z=2.0, *, scale=1.0):
    return scale * (x * x * y + z * y)


def mean_square(w):
    return np.mean(w * w)


def with_stop(x):
    return x * adjoint.stop_gradient(x * x)


def clip_gradient(x):
    h = x * 4.0
    with adjoint.insert_grad_of(h) as dh:
        dh = max(min(dh, 1.0), -1.0)
    return h * 5.0


def vector_output(x):
    return np.sin(x)


def softplus(x):
    return my_softplus(x)


def my_softplus(x):
    return math.log1p(math.exp(x))


def counted(x):
    return my_count(x) * x


def my_count(x):
    return float(len(str(x)))


def biased(w, b):
    return np.sum(np.tanh(w + b))


def in_place(a, x):
    a[0] = x
    return np.sum(a * a)


def pair(x, y):
    return x * y, x + y


def uses_pair(x, y):
    p, q = pair(x, y)
    return p * q


def my_double(x):
    return 2.0 * x
