"""Scalar functions with known second and third derivatives, for tests of derivatives of derivatives."""
import math

import numpy as np

import adjoint


def sine(x):
    return math.sin(x)


def exp_twice(x):
    return math.exp(2.0 * x)


def fourth_power(x):
    return x ** 4


def logarithm(x):
    return math.log(x)


def hyperbolic_tangent(x):
    return math.tanh(x)


def square_root(x):
    return math.sqrt(x)


def x_sin_x(x):
    return x * math.sin(x)


def arctangent(x):
    return math.atan(x)


def horner(x):
    coefficients = [1.0, -2.0, 0.5, 3.0]
    total = 0.0
    for c in coefficients:
        total = total * x + c
    return total


def piecewise(x):
    if x > 0.0:
        y = x ** 3
    else:
        y = -x * x
    return y


def repeated_squaring(x):
    y = x
    k = 0
    while k < 3:
        y = y * y
        k += 1
    return y


def power(x, n):
    if n == 0:
        return 1.0
    return x * power(x, n - 1)


def fifth_power(x):
    return power(x, 5)


def helium_decay(a, b, c):
    return math.exp(-2 * (a * a + b * b + c * c) ** 0.5)


def numpy_decay(a):
    return np.exp(-2.0 * np.sqrt(a * a + 0.25))


def rnn_loss(w, x):
    h = np.zeros(3)
    for t in range(x.shape[0]):
        h = np.tanh(w @ h + x[t])
    return np.sum(h * h)


def scalar_loop_energy(x, r):
    total = 0.0
    for i in range(6):
        x = r * x * (1.0 - x)
        total = total + x * x
    return total


def _recurrence(w, x):
    for row in x:
        row = np.tanh(w @ row)
        x = x + row[None, :]
    return x


def _collected_layers(w, x):
    layers = []
    for scale in (1.0, 0.5, 0.25):
        layers.append(np.tanh(scale * w @ x.T))
    return layers


def loss_through_a_callee_with_a_loop(w, x):
    """The callee's backward half pops a stack: a second derivative differentiates that half."""
    return np.sum(_recurrence(w, x) ** 2)


def loss_through_a_callee_that_appends(w, x):
    """The callee's backward half undoes its appends by popping the list it was given back."""
    return sum(np.sum(layer ** 2) for layer in _collected_layers(w, x))


def tanh_sum(x):
    return np.sum(np.tanh(x))


tanh_1 = adjoint.grad(tanh_sum)


def tanh_1_sum(x):
    return np.sum(tanh_1(x))


tanh_2 = adjoint.grad(tanh_1_sum)


def tanh_2_sum(x):
    return np.sum(tanh_2(x))


tanh_3 = adjoint.grad(tanh_2_sum)


def tanh_3_sum(x):
    return np.sum(tanh_3(x))


tanh_4 = adjoint.grad(tanh_3_sum)


def tanh_4_sum(x):
    return np.sum(tanh_4(x))


tanh_5 = adjoint.grad(tanh_4_sum)
ELEMENTWISE_TANH_DERIVATIVES = (tanh_1, tanh_2, tanh_3, tanh_4, tanh_5)


def loop_over_a_slice_of_a_list(x0, xs):
    total = 0.0
    for v in xs[1:]:
        total = total + np.sum(v * np.sin(x0))
    return total + xs[0][1] * xs[-1][0]
